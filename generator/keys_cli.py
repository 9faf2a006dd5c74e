"""`vitrine keys init|rotate|withdraw|list`: the command line of keys.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .keys import (ENV, WITHDRAWN_FILE, KeyInfo, KeyProblem, SigningKeys, _shown, init_keys, load_keys, rotate_keys,
                   withdraw_keys)


def register(sub: Any) -> None:
    k = sub.add_parser("keys", help="signing keys: make them (init), replace them (rotate), withdraw "
                                    "compromised ones (withdraw), list them")
    ksub = k.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    for name, help_text in (("init", "make the signing keys in keys/ (RSA for OB 2.0, Ed25519 for OB 3.0)"),
                            ("rotate", "make new keys; the current ones are retired today but stay published"),
                            ("withdraw", "a key leaked: it stops verifying anything, and what it signed is signed "
                                         "again with the current key (a new one if it was the current one)"),
                            ("list", "list the keys: id, kind, created, retired, withdrawn (never the private key)")):
        p = ksub.add_parser(name, help=help_text)
        p.add_argument("--site", default=".", help="the site folder (default: the current folder)")
        if name in ("init", "rotate"):
            p.add_argument("--only", choices=["ob2", "ob3"], help="only the Open Badges 2.0 (RSA) or 3.0 (Ed25519) key")
        if name == "rotate":
            p.add_argument("--compromised", action="store_true",
                           help="the keys in use leaked: withdraw them (see `vitrine keys withdraw`), not just retire them")
        if name == "withdraw":
            p.add_argument("kids", nargs="+", metavar="KID", help="the id of a compromised key (`vitrine keys list`)")
        p.set_defaults(func=cmd_keys)


def _site_keys_dir(root: Path) -> str | None:
    from .config import load_config

    config, problems = load_config(root)
    errors = [p for p in problems if not p.warning]
    if config is None or errors:
        for p in errors:
            print(p, file=sys.stderr)
        return None
    return config.signing.keys


def cmd_keys(args: argparse.Namespace) -> int:
    root = Path(args.site)
    keys_dir = _site_keys_dir(root)
    if keys_dir is None:
        print("vitrine: site.yaml has problems; no key was made.", file=sys.stderr)
        return 1
    only = getattr(args, "only", None)
    kinds = {"ob2": ("rsa",), "ob3": ("ed25519",), None: ("rsa", "ed25519")}[only]
    try:
        if args.keys_command == "init":
            made = init_keys(root, keys_dir, kinds)
            if not made:
                print(f"The keys are already there ({keys_dir}/); `vitrine keys rotate` makes new ones.")
                return 0
            for path in made:
                print(f"Made {_shown(root, path)} (private: never publish or commit it; keep a backup).")
            return 0
        if args.keys_command == "withdraw" or getattr(args, "compromised", False):
            kids = getattr(args, "kids", None)
            gone, made = withdraw_keys(root, keys_dir, kids, kinds)
            _say_withdrawn(root, keys_dir, load_keys(root, keys_dir), kids or [k.kid for k in gone], gone, made)
            return 0
        if args.keys_command == "rotate":
            made = rotate_keys(root, keys_dir, kinds)
            for path in made:
                print(f"Made {_shown(root, path)}.")
            print("The previous keys are retired as of today: they no longer sign, and stay published.")
            return 0
        keys = load_keys(root, keys_dir)
    except KeyProblem as exc:
        print(f"vitrine: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"vitrine: {keys_dir}/: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if not keys.all():
        print(f"No keys in {keys_dir}/ nor in the environment: `vitrine keys init` makes them.")
        return 0
    for key, kind in [(k, "ob2 rsa") for k in keys.rsa] + [(k, "ob3 ed25519") for k in keys.ed25519]:
        state = (f"withdrawn {key.withdrawn}" if key.withdrawn else f"retired {key.retired}" if key.retired else "current" if key in (keys.current_rsa, keys.current_ed25519) else "active")
        print(f"{key.kid}  {kind:<12} created {key.created}  {state:<18} {key.source}")
    return 0


def _say_withdrawn(root: Path, keys_dir: str, keys: SigningKeys, kids: list[str], gone: list[KeyInfo],
                   made: list[Path]) -> None:
    """What `vitrine keys withdraw` did, and what the issuer must do next."""
    for path in made:
        print(f"Made {_shown(root, path)}: it signs from now on (private: never publish or commit it; keep a backup).")
    rsa = {k.kid for k in keys.rsa}
    fresh = {k.kid for k in gone}
    for key in (k for kid in kids for k in keys.all() if k.kid == kid):
        kind = "ob2 rsa" if key.kid in rsa else "ob3 ed25519"
        if key.kid in fresh:
            print(f"Withdrew {key.kid} ({kind}, {key.source}) as of {key.withdrawn}: it signs nothing any more, and "
                  "verifies nothing once the site is rebuilt and deployed.")
        else:
            print(f"{key.kid} ({kind}) was already withdrawn on {key.withdrawn}.")
    env = sorted({ENV["rsa" if k.kid in rsa else "ed25519"] for k in gone if k.source.startswith("$")})
    print(f"""Recorded in {keys_dir}/{WITHDRAWN_FILE}. What to do now:
  1. Build the site (vitrine build): every Open Badges 2.0 assertion (JWS) and 3.0 credential (and the status
     list, the endorsements) signed with a withdrawn key is signed again with the current key, at the same URL.
     The withdrawn key stays published at its address, marked revoked: keep its file, never delete it.
  2. Deploy output/ at once: until then, what the leaked key signs (even a forgery) still verifies.
  3. Tell the recipients who downloaded a badge image (baked PNG or SVG) or a credential file, or put one in a
     wallet: that copy no longer verifies; they download it again from their award page (links and
     award pages need nothing). `vitrine notify` tells each recipient only once: write to them yourself.""")
    if env:
        print(f"  4. Where the build reads keys from the environment ({', '.join(env)}): "
              "keep the withdrawn key in the secret, with a line `Withdrawn: YYYY-MM-DD` before its PEM block, "
              f"and add the new key after it (or build with {keys_dir}/{WITHDRAWN_FILE}).")
