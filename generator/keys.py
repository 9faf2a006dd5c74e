"""Signing keys: making them (`vitrine keys init`, `rotate`, `withdraw`: the commands are in
keys_cli.py), and loading them for a build.

Private keys live in the site's `keys/` folder (site.yaml `signing: {keys: ...}`), never published,
never committed: one PEM file per key (PKCS#8, no passphrase, mode 0600, folder 0700), named by
kind and creation day:

    keys/ob2-rsa-20250620.pem        RSA 2048: Open Badges 2.0 signed assertions (JWS RS256)
    keys/ob3-ed25519-20250620.pem    Ed25519: Open Badges 3.0 credentials (eddsa-rdfc-2022)
    keys/retired.yaml                kid: day it was retired (written by `vitrine keys rotate`)
    keys/withdrawn.yaml              kid: day it was withdrawn (`vitrine keys withdraw`, `rotate --compromised`)

A second key of the same kind made the same day is `...-20250620-2.pem`. A retired key no longer
signs, but its public key stays published so that what it signed still verifies. A withdrawn key
(compromised: leaked, stolen) is retired too, and verifies nothing any more: its public key stays
published (a published URL answers for ever) but marked revoked, and the next build signs again,
with the current key, everything it had signed (render/ob2.py, render/ob3.py).

For CI, a private key can come from the environment instead: VITRINE_OB2_KEY (RSA) and
VITRINE_OB3_KEY (Ed25519) hold PEM text. Such a variable may hold several keys, oldest first, and
the explanatory text before each PEM block may say `Created: YYYY-MM-DD`, `Retired: YYYY-MM-DD`
and `Withdrawn: YYYY-MM-DD` (RFC 7468 allows text between blocks). A key found both in the folder
and in the environment is one key (same kid).

`kid` is a stable short id derived from the public key: the first 16 hex digits of the SHA-256 of
the raw public bytes (Ed25519: the 32-byte key; RSA: the DER SubjectPublicKeyInfo).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

# cryptography is imported by the functions that use it: every `vitrine` command builds the parser
# keys_cli.register() adds to.

RETIRED_FILE = "retired.yaml"
WITHDRAWN_FILE = "withdrawn.yaml"
ENV = {"rsa": "VITRINE_OB2_KEY", "ed25519": "VITRINE_OB3_KEY"}
PREFIX = {"rsa": "ob2-rsa", "ed25519": "ob3-ed25519"}
NAME_RE = re.compile(r"^(ob2-rsa|ob3-ed25519)-(\d{8})(?:-(\d+))?\.pem$")
PEM_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.S)
# folders whose files end up on the web (or in the content) : keys must never be inside them
PUBLISHED_DIRS = ("content", "output", "static", "themes", "templates", "awards")
UNKNOWN_DAY = date(1970, 1, 1)  # created day of an environment key that does not say


class KeyProblem(Exception):
    """A key cannot be made, read or used: the message is one line, for the user."""


@dataclass(frozen=True)
class KeyInfo:
    kid: str
    private_key: Any  # rsa.RSAPrivateKey or ed25519.Ed25519PrivateKey
    public_key: Any
    created: date
    retired: date | None = None
    source: str = ""  # where it was read: "keys/ob2-rsa-20250620.pem" or "$VITRINE_OB2_KEY"
    withdrawn: date | None = None  # compromised: published marked revoked, verifies nothing

    @property
    def public_pem(self) -> str:
        """The public key as SubjectPublicKeyInfo PEM (what OB 2.0's CryptographicKey publishes)."""
        from cryptography.hazmat.primitives import serialization

        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    @property
    def public_raw(self) -> bytes:
        """Ed25519: the 32 raw bytes; RSA: the DER SubjectPublicKeyInfo."""
        return public_bytes(self.public_key)

    def __repr__(self) -> str:  # never show the private key
        return (f"KeyInfo(kid={self.kid!r}, created={self.created}, retired={self.retired}, "
                f"withdrawn={self.withdrawn}, source={self.source!r})")


@dataclass
class SigningKeys:
    rsa: list[KeyInfo] = field(default_factory=list)  # oldest first
    ed25519: list[KeyInfo] = field(default_factory=list)

    @property
    def current_rsa(self) -> KeyInfo | None:
        return _current(self.rsa)

    @property
    def current_ed25519(self) -> KeyInfo | None:
        return _current(self.ed25519)

    def all(self) -> list[KeyInfo]:
        return self.rsa + self.ed25519


def _current(keys: list[KeyInfo]) -> KeyInfo | None:
    live = [k for k in keys if k.retired is None and k.withdrawn is None]
    return live[-1] if live else None


def public_bytes(public_key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(public_key: Any) -> str:
    return hashlib.sha256(public_bytes(public_key)).hexdigest()[:16]


def _today() -> date:
    from .awards import today

    return today()


# ---------------------------------------------------------------- where keys may live

def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root.resolve())) or "."
    except ValueError:
        return str(path)


def keys_folder(root: Path, keys_dir: str = "keys") -> Path:
    """The keys folder, resolved; a KeyProblem when it would be published or committed."""
    root_r = root.resolve()
    folder = (root / keys_dir).resolve()
    shown = _shown(root, folder)
    if folder == root_r:
        raise KeyProblem(f"keys folder {keys_dir!r} is the site folder itself: use a folder of its own, such as keys")
    for name in PUBLISHED_DIRS:
        bad = (root_r / name).resolve()
        if folder == bad or bad in folder.parents:
            raise KeyProblem(f"keys folder {shown}/ is inside {name}/, which is published or shared: "
                             f"keep private keys out of it (site.yaml signing.keys, default keys)")
    _check_git(root_r, folder, shown)
    return folder


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None  # no git: nothing can be committed by accident through it


def _check_git(root: Path, folder: Path, shown: str) -> None:
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or top.returncode != 0 or not top.stdout.strip():
        return  # not a git work tree
    top_path = Path(top.stdout.strip()).resolve()
    if folder != top_path and top_path not in folder.parents:
        return  # the keys live outside the work tree
    rel = folder.relative_to(top_path).as_posix()
    if rel == ".":
        raise KeyProblem(f"keys folder {shown}/ is the top of a git work tree: use a git-ignored folder such as keys/")
    tracked = _git(top_path, "ls-files", "--", rel)
    if tracked is not None and tracked.returncode == 0 and tracked.stdout.strip():
        first = tracked.stdout.split("\n")[0]
        raise KeyProblem(f"keys folder {shown}/ has files tracked by git ({first}): "
                         f"run `git rm --cached -r {rel}`, add /{rel}/ to .gitignore and make new keys")
    for probe in (f"{rel}/{PREFIX['rsa']}-00000000.pem", f"{rel}/{RETIRED_FILE}"):
        ignored = _git(top_path, "check-ignore", "-q", "--", probe)
        if ignored is not None and ignored.returncode != 0:
            raise KeyProblem(f"keys folder {shown}/ is not ignored by git: add the line /{rel}/ to .gitignore first")


def hygiene(root: Path, keys_dir: str = "keys") -> list:
    """Warnings (errors.Problem) about a keys folder that holds keys: in a published folder, tracked
    or not ignored by git, or key files other users may read. Checked at every build and check,
    signing on or off: a forgotten keys/ folder is committed as easily as a used one."""
    from .errors import Problem

    folder = root / keys_dir
    if not folder.is_dir():
        return []
    try:
        files = sorted(p for p in folder.iterdir() if NAME_RE.match(p.name))
    except OSError:
        return []
    if not files:
        return []
    out = []
    try:
        keys_folder(root, keys_dir)
    except KeyProblem as exc:
        out.append(Problem(f"{keys_dir}/", 0, 0, "", f"{exc} (private keys must never be published or committed)",
                           warning=True))
    for path in files:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            rel = f"{keys_dir}/{path.name}"
            out.append(Problem(rel, 1, 1, "", f"other users may read this private key (mode {mode:04o}): "
                                              f"run `chmod 600 {rel}`", warning=True))
    return out


def signing_problems(config: Any) -> list:
    """What keeps the signing that site.yaml turns on from working, as problems at its `signing`
    setting: an unusable keys folder or key, or a missing key for each format that needs one (both
    named when both are missing). Empty when signing can go ahead."""
    from .config import CONFIG_FILE, position
    from .errors import Problem

    wanted = [name for name, on in (("ob2", config.signing.ob2), ("ob3", config.signing.ob3)) if on]
    if not wanted:
        return []
    line, col = position(config.root, ("signing",))
    keys_dir = config.signing.keys
    try:
        keys = load_keys(config.root, keys_dir)
    except KeyProblem as exc:
        return [Problem(CONFIG_FILE, line, col, "signing" + (f".{wanted[0]}" if len(wanted) == 1 else ""), str(exc))]
    out = []
    if config.signing.ob2 and keys.current_rsa is None:
        why = "every RSA key is retired" if keys.rsa else f"no RSA key in {keys_dir}/ nor in ${ENV['rsa']}"
        out.append(Problem(CONFIG_FILE, line, col, "signing.ob2", f"signed Open Badges 2.0 assertions need a key, "
                                                                  f"and {why}: run `vitrine keys init` (or `vitrine keys rotate`)"))
    if config.signing.ob3 and keys.current_ed25519 is None:
        why = ("every Ed25519 key is retired" if keys.ed25519
               else f"no Ed25519 key in {keys_dir}/ nor in ${ENV['ed25519']}")
        out.append(Problem(CONFIG_FILE, line, col, "signing.ob3", f"Open Badges 3.0 credentials need a key, and {why}: "
                                                                  "run `vitrine keys init` (or `vitrine keys rotate`)"))
    return out


# ---------------------------------------------------------------- making keys

def _new_key(kind: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ed25519.Ed25519PrivateKey.generate()


def _pem(private_key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


def _make_folder(folder: Path) -> None:
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    if not folder.is_dir():
        raise KeyProblem(f"{folder} is not a folder")
    os.chmod(folder, 0o700)


def _write_key(folder: Path, kind: str, day: date) -> Path:
    base = f"{PREFIX[kind]}-{day:%Y%m%d}"
    n = 1
    while True:
        path = folder / (f"{base}.pem" if n == 1 else f"{base}-{n}.pem")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            n += 1
            continue
        with os.fdopen(fd, "wb") as f:
            f.write(_pem(_new_key(kind)))
        os.chmod(path, 0o600)
        return path


def init_keys(root: Path, keys_dir: str = "keys", kinds: tuple[str, ...] = ("rsa", "ed25519")) -> list[Path]:
    """Make one key of each kind that has none yet in the folder; returns the files made.

    Raises KeyProblem, before anything is written, when the folder would be published or committed.
    """
    folder = keys_folder(root, keys_dir)
    have = {m.group(1) for p in (folder.iterdir() if folder.is_dir() else []) if (m := NAME_RE.match(p.name))}
    todo = [k for k in kinds if PREFIX[k] not in have]
    if not todo:
        return []
    _make_folder(folder)
    day = _today()
    return [_write_key(folder, kind, day) for kind in todo]


def rotate_keys(root: Path, keys_dir: str = "keys", kinds: tuple[str, ...] = ("rsa", "ed25519")) -> list[Path]:
    """Make new keys; the ones in use are marked retired today (still published, no longer signing)."""
    folder = keys_folder(root, keys_dir)
    keys = load_keys(root, keys_dir, use_env=False)
    day = _today()
    retired = _read_retired(folder)
    for kind in kinds:
        for key in getattr(keys, kind):
            if key.retired is None:
                retired[key.kid] = (day, key.source)
    _make_folder(folder)
    made = [_write_key(folder, kind, day) for kind in kinds]
    _write_retired(folder, retired)
    return made


def withdraw_keys(root: Path, keys_dir: str = "keys", kids: list[str] | None = None,
                  kinds: tuple[str, ...] = ("rsa", "ed25519")) -> tuple[list[KeyInfo], list[Path]]:
    """Withdraw compromised keys: `kids` (any key of the folder or the environment), or, when None,
    the keys of `kinds` in use (`vitrine keys rotate --compromised`). Each is recorded in
    withdrawn.yaml and retired.yaml today; a kind left without a key in use gets a new one.
    Returns (the keys newly withdrawn, the key files made). A KeyProblem, before anything is
    written, for an unknown key id or a folder that would be published or committed."""
    folder = keys_folder(root, keys_dir)
    keys = load_keys(root, keys_dir)
    day = _today()
    if kids is None:
        targets = [k for k in (keys.current_rsa if "rsa" in kinds else None,
                               keys.current_ed25519 if "ed25519" in kinds else None) if k is not None]
        if not targets:
            raise KeyProblem(f"no key in use in {keys_dir}/ nor in the environment: nothing to withdraw")
    else:
        by_kid = {k.kid: k for k in keys.all()}
        unknown = [kid for kid in kids if kid not in by_kid]
        if unknown:
            raise KeyProblem(f"no key {', '.join(unknown)} in {keys_dir}/ nor in the environment "
                             f"(`vitrine keys list` shows the key ids)")
        targets = [by_kid[kid] for kid in dict.fromkeys(kids)]
    fresh = [k for k in targets if k.withdrawn is None]
    current = {k.kid for k in (keys.current_rsa, keys.current_ed25519) if k is not None}
    renew = [kind for kind in ("rsa", "ed25519") if any(k.kid in current for k in fresh if k in getattr(keys, kind))]
    _make_folder(folder)
    made = [_write_key(folder, kind, day) for kind in renew]
    retired = _read_retired(folder)
    withdrawn = _read_retired(folder, WITHDRAWN_FILE)
    for key in fresh:
        withdrawn[key.kid] = (day, key.source)
        if key.retired is None or key.retired > day:
            retired[key.kid] = (day, key.source)
    _write_retired(folder, withdrawn, WITHDRAWN_FILE)
    _write_retired(folder, retired)
    return fresh, made


# ---------------------------------------------------------------- reading keys

def _read_retired(folder: Path, name: str = RETIRED_FILE) -> dict[str, tuple[date, str]]:
    """retired.yaml (or withdrawn.yaml): `kid: YYYY-MM-DD  # file`; a KeyProblem names a bad line."""
    import yaml

    path = folder / name
    if not path.is_file():
        return {}
    shown = f"{folder.name}/{name}"
    try:
        text = path.read_text(encoding="utf-8")
        # every value as text: a key id of 16 decimal digits (one in 2,000) would read as a number
        data = yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader)) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f":{where.line + 1}" if where is not None else ""
        raise KeyProblem(f"{shown}{line}: not readable YAML (expected lines `KID: YYYY-MM-DD`)") from None
    if not isinstance(data, dict):
        raise KeyProblem(f"{shown}: expected lines `KID: YYYY-MM-DD`")
    comments = {}
    for line in text.splitlines():
        m = re.match(r"^\s*[\"']?([0-9a-f]{16})[\"']?\s*:[^#]*#\s*(.*?)\s*$", line)
        if m:
            comments[m.group(1)] = m.group(2)
    out = {}
    for kid, written in data.items():
        day = None
        if isinstance(written, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", written):
            try:
                day = date.fromisoformat(written)
            except ValueError:
                pass
        if not (isinstance(kid, str) and re.fullmatch(r"[0-9a-f]{16}", kid)) or day is None:
            raise KeyProblem(f"{shown}: {kid}: expected a key id (16 hex digits) and a date YYYY-MM-DD")
        out[kid] = (day, comments.get(kid, ""))
    return out


_HEADERS = {
    RETIRED_FILE: ["# Keys retired by `vitrine keys rotate`: no longer used to sign, still published",
                   "# so that what they signed still verifies. key id: day it was retired  # where it was"],
    WITHDRAWN_FILE: ["# Keys withdrawn (compromised) by `vitrine keys withdraw` or `vitrine keys rotate --compromised`:",
                     "# still published, marked revoked, they verify nothing; what they signed is signed again",
                     "# with the current key at every build. Never remove a line: the key would verify again.",
                     "# key id: day it was withdrawn  # where it was"],
}


def _write_retired(folder: Path, retired: dict[str, tuple[date, str]], name: str = RETIRED_FILE) -> None:
    lines = list(_HEADERS[name])
    for kid, (day, source) in sorted(retired.items(), key=lambda kv: (kv[1][0], kv[0])):
        lines.append(f'"{kid}": {day.isoformat()}' + (f"  # {source}" if source else ""))  # quoted: see _read_retired
    tmp = folder / f".{name}.tmp"
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, folder / name)


def _private(pem: bytes, kind: str, where: str) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:
        raise KeyProblem(f"{where}: the key has a passphrase; Vitrine needs it without one "
                         f"(keep the file private instead)") from None
    except (ValueError, Exception):  # cryptography raises ValueError or UnsupportedAlgorithm
        raise KeyProblem(f"{where}: not a PEM private key") from None
    if kind == "rsa":
        if not isinstance(key, rsa.RSAPrivateKey):
            raise KeyProblem(f"{where}: expected an RSA private key (Open Badges 2.0), found another kind")
        if key.key_size < 2048:
            raise KeyProblem(f"{where}: RSA key of {key.key_size} bits is too weak; at least 2048 are needed")
    elif not isinstance(key, ed25519.Ed25519PrivateKey):
        raise KeyProblem(f"{where}: expected an Ed25519 private key (Open Badges 3.0), found another kind")
    return key


def _info(private_key: Any, created: date, retired: date | None, source: str) -> KeyInfo:
    public = private_key.public_key()
    return KeyInfo(key_id(public), private_key, public, created, retired, source)


def _from_env(kind: str) -> list[tuple[Any, date | None, date | None, date | None]]:
    text = os.environ.get(ENV[kind], "")
    if not text.strip():
        return []
    text = text.replace("\\n", "\n") if "\n" not in text.strip() else text  # one-line secrets
    where = f"${ENV[kind]}"
    blocks = list(PEM_RE.finditer(text))
    if not blocks:
        raise KeyProblem(f"{where}: no PEM private key in it (expected -----BEGIN PRIVATE KEY----- ...)")
    out, start = [], 0
    for i, m in enumerate(blocks):
        header = text[start:m.start()]
        start = m.end()
        days: dict[str, date] = {}
        for name, value in re.findall(r"(?im)^\s*(created|retired|withdrawn)\s*:\s*(\S+)\s*$", header):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise KeyProblem(f"{where}: key {i + 1}: {name.lower()}: expected a date YYYY-MM-DD, "
                                 f"found {value!r}") from None
            days[name.lower()] = day
        out.append((_private(m.group(0).encode("ascii", "replace"), kind, f"{where} (key {i + 1})"),
                    days.get("created"), days.get("retired"), days.get("withdrawn")))
    return out


def load_keys(root: Path, keys_dir: str = "keys", use_env: bool = True) -> SigningKeys:
    """Every key of the folder and of the environment, oldest first per kind.

    The folder is checked (not published, not committed) only when it holds keys. Raises KeyProblem
    with a one-line message for an unreadable key.
    """
    folder = (root / keys_dir).resolve()
    files = sorted(p for p in folder.iterdir() if NAME_RE.match(p.name)) if folder.is_dir() else []
    if files:
        keys_folder(root, keys_dir)
    retired = _read_retired(folder) if folder.is_dir() else {}
    withdrawn = _read_retired(folder, WITHDRAWN_FILE) if folder.is_dir() else {}
    env_withdrawn: dict[str, date] = {}
    found: dict[str, list[tuple[tuple, KeyInfo]]] = {"rsa": [], "ed25519": []}
    for path in files:
        m = NAME_RE.match(path.name)
        kind = "rsa" if m.group(1) == PREFIX["rsa"] else "ed25519"
        try:
            created = date(int(m.group(2)[:4]), int(m.group(2)[4:6]), int(m.group(2)[6:]))
        except ValueError:
            raise KeyProblem(f"{_shown(root, path)}: the file name should end with a real day (YYYYMMDD)") from None
        try:
            pem = path.read_bytes()
        except OSError as exc:
            raise KeyProblem(f"{_shown(root, path)}: cannot be read ({exc.strerror})") from None
        key = _private(pem, kind, _shown(root, path))
        info = _info(key, created, None, _shown(root, path))
        found[kind].append(((created, int(m.group(3) or 1), 0), info))
    if use_env:
        for kind in ENV:
            for n, (key, created, gone, withdrawn_on) in enumerate(_from_env(kind)):
                info = _info(key, created or UNKNOWN_DAY, gone, f"${ENV[kind]}")
                if withdrawn_on is not None:
                    env_withdrawn[info.kid] = withdrawn_on
                same = [i for i, (_, k) in enumerate(found[kind]) if k.kid == info.kid]
                if same:
                    continue  # the folder's copy (with its day) stands
                found[kind].append(((info.created, 0, n), info))
    out = SigningKeys()
    for kind, items in found.items():
        items.sort(key=lambda item: item[0])
        keys = []
        for _, info in items:
            day = retired.get(info.kid, (info.retired, ""))[0]
            gone = withdrawn[info.kid][0] if info.kid in withdrawn else env_withdrawn.get(info.kid)
            if gone is not None and (day is None or day > gone):
                day = gone  # a withdrawn key is retired too, at the latest that day
            keys.append(KeyInfo(info.kid, info.private_key, info.public_key, info.created, day, info.source, gone))
        seen = set()
        setattr(out, kind, [k for k in keys if not (k.kid in seen or seen.add(k.kid))])
    return out
