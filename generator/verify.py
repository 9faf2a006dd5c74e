"""`vitrine verify TARGET`: check an Open Badge, 2.0 or 3.0, from any issuer, and say what was checked.

TARGET is a URL (an award's web page: the JSON its <link rel="alternate"> names), a file (JSON, a
compact JWS/JWT, a baked PNG or SVG) or `-` (standard input).
What it holds is found out from its content: an Open Badges 3.0 credential (Data Integrity proof
or VC-JWT) goes to verify_ob3.py, an Open Badges 2.0 assertion (hosted or signed) to
verify_ob2.py. Each check is reported as passed, failed or not done, with what it looked at; the
verdict is VALID only when every check that applies passed. Exit status: 0 valid, 1 not valid (or
nothing readable), 2 for a wrong command line.

Network: documents the checks need (DID documents, status lists, hosted assertions, keys) are
fetched over HTTP(S), with a time limit and a size limit; the JSON-LD contexts and JSON Schemas of
Open Badges 3.0 are always the copies shipped with Vitrine. `--offline BASE_URL=DIR` maps URLs
under BASE_URL to files under DIR (a built site's output/, before it is published) and turns
the network off: a URL that no mapping covers is reported, never fetched. Validity is judged at
the present moment, or at SOURCE_DATE_EPOCH when it is set (as builds do).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import baking

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 15
JWS_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
PASS, FAIL, SKIP = "pass", "fail", "skip"
_MARKS = {PASS: "✓", FAIL: "✗", SKIP: "–"}


class FetchError(Exception):
    """A document could not be had; the message names the URL and why. `status`: the HTTP status
    when the server answered one (404 where an --offline folder has no such file)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Fetcher:
    """HTTP(S) GET with limits, or files for URLs under an offline mapping (then no network)."""

    def __init__(self, offline: list[tuple[str, Path]] | None = None):
        self.offline = sorted(offline or [], key=lambda m: -len(m[0]))
        self.network = not self.offline
        self.fetched: list[str] = []

    def get(self, url: str) -> bytes:
        import urllib.error
        import urllib.request

        url = url.split("#", 1)[0]
        for base, folder in self.offline:
            if url.startswith(base):
                rest = url[len(base):].split("?", 1)[0]
                file = (folder / rest).resolve()
                if folder.resolve() not in file.parents and file != folder.resolve():
                    raise FetchError(f"{url}: outside {folder}")
                if file.is_dir():
                    file = file / "index.html"
                if not file.is_file():
                    raise FetchError(f"{url}: no file {file} (offline mapping {base}={folder})", 404)
                self.fetched.append(url)
                return file.read_bytes()
        if not self.network:
            raise FetchError(f"{url}: not under any --offline base URL, and the network is off in offline mode")
        if not url.startswith(("https://", "http://")):
            raise FetchError(f"{url}: not an http(s) URL")
        request = urllib.request.Request(url, headers={"Accept": "application/ld+json, application/json;q=0.9, */*;q=0.5",
                                                       "User-Agent": "vitrine-verify"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) only
                data = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}", exc.code) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{url}: {reason}") from None
        if len(data) > MAX_BYTES:
            raise FetchError(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        self.fetched.append(url)
        return data

    def json(self, url: str) -> Any:
        data = self.get(url)
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise FetchError(f"{url}: not JSON") from None


@dataclass
class Check:
    id: str
    status: str  # pass, fail, skip
    message: str


@dataclass
class Report:
    target: str
    version: str = ""  # "3.0", "2.0" or "" when not recognised
    form: str = ""  # how it came: "JSON", "baked PNG", "VC-JWT"...
    kind: str = ""  # OpenBadgeCredential, Assertion... or, with no version, what was given instead of an award
    page: str = ""  # the web page given, when it was one (an award's page)
    checks: list[Check] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    revoked: bool = False  # a check found it revoked by its issuer (add_revoked)
    expired_on: str = ""  # the validity check found it past its end (add_expired)
    not_found: bool = False  # nothing is published at the address given (HTTP 404 or 410)

    def add(self, id_: str, status: str, message: str) -> bool:
        self.checks.append(Check(id_, status, message))
        return status == PASS

    def add_revoked(self, id_: str, message: str) -> None:
        self.revoked = True
        self.add(id_, FAIL, message)

    def add_expired(self, id_: str, until: str) -> None:
        self.expired_on = until
        self.add(id_, FAIL, f"EXPIRED on {until}")

    @property
    def valid(self) -> bool:
        return bool(self.checks) and bool(self.version) and not any(c.status == FAIL for c in self.checks)

    @property
    def verdict(self) -> str:
        """valid, revoked, expired, not found or not valid: the last line's first words. A genuine
        award that is revoked or past its end is said to be so: "NOT VALID" alone reads as a
        forgery to the recruiter who was given it (as /verify/ says, verify.js)."""
        if self.valid:
            return "valid"
        if self.not_found:
            return "not found"
        if self.revoked:
            return "revoked"
        failed = [c for c in self.checks if c.status == FAIL]
        vouched = any(c.id in ("signature", "hosted") and c.status == PASS for c in self.checks)
        if self.expired_on and vouched and [c.id for c in failed] == ["validity"]:
            return "expired"
        return "not valid"

    def as_json(self) -> dict:
        return {"target": self.target, "valid": self.valid, "verdict": self.verdict, "version": self.version or None,
                "form": self.form,
                "type": self.kind, "checks": [c.__dict__ for c in self.checks], "summary": self.summary}

    def text(self) -> str:
        head = (f"Open Badges {self.version} {self.kind}".strip() if self.version else
                "Not found" if self.not_found else
                f"Not an award: {self.kind}" if self.kind else "Not an Open Badge")
        lines = [f"{head} ({self.form}) from {self.target}" if self.form else f"{head}: {self.target}"]
        width = max((len(c.id) for c in self.checks), default=0)
        for c in self.checks:
            lines.append(f"  {_MARKS[c.status]} {c.id.ljust(width)}  {c.message}")
        what = self.summary.get("name")
        issuer = self.summary.get("issuer")
        if issuer:  # a name is the issuer's own claim, which anyone can make: say whose site it comes from
            issuer_id = self.summary.get("issuer_id")
            site = issuer_site(issuer_id)
            if site and site != issuer:
                issuer = f"{issuer}, whose site is {site}"
            elif not site and isinstance(issuer_id, str) and issuer_id and issuer_id != issuer:
                issuer = f"{issuer}, identified as {issuer_id}"  # a did:key: no site vouches for it
        tail = f': "{what}"' + (f" issued by {issuer}" if issuer else "") if what else ""
        named_by = self.summary.get("named_by") if what else None  # not read in the award itself: say where
        if self.summary.get("revoked_on"):  # read on its award page: neither standard keeps the day
            tail += f", revoked on {self.summary['revoked_on']}" + ("" if named_by else " (as its award page says)")
        if named_by:
            tail += f", as {named_by} " + ("say" if " and " in named_by else "says")
        first, last = _VERDICTS[self.verdict]
        if not tail and self.verdict in _BARE_VERDICTS:
            first, last = _BARE_VERDICTS[self.verdict], ""
        # formatted apart from the tail, which holds the award's own text (braces and all)
        lines.append(first.format(until=self.expired_on) + tail + last.format(until=self.expired_on))
        return "\n".join(lines)


# (first words, last words) of the verdict line, around what the award is and who issued it
_VERDICTS = {
    "valid": ("VALID", ""),
    "not found": ("NOT FOUND: nothing is published at this address; it may be mistyped or cut (copied from a CV "
                  "or a PDF): ask the holder for the address of their award's page", ""),
    "revoked": ("REVOKED by its issuer", ". It must no longer be considered earned"),
    "expired": ("EXPIRED", ", expired on {until}. It was awarded by its issuer, and is no longer current"),
    "not valid": ("NOT VALID", ""),
}
_BARE_VERDICTS = {  # when nothing names the award
    "revoked": "REVOKED by its issuer: it must no longer be considered earned",
    "expired": "EXPIRED on {until}: it was awarded by its issuer, and is no longer current",
}


def issuer_site(issuer_id: Any) -> str:
    """Where an issuer's identifier points: the host (and path) of a did:web or of an http(s) URL,
    which is what verifying it proves (it controls that site); "" for other identifiers (did:key)."""
    if not isinstance(issuer_id, str) or not issuer_id:
        return ""
    if issuer_id.startswith("did:web:"):
        parts = [urllib.parse.unquote(p) for p in issuer_id[len("did:web:"):].split("#")[0].split(":")]
        return "/".join(parts)
    if re.match(r"^https?://", issuer_id):
        return urllib.parse.urlsplit(issuer_id).netloc
    return ""


def now() -> datetime:
    """The moment validity is judged at: now, or SOURCE_DATE_EPOCH when set (as for builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc)


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip().replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- what the target holds ----------------------------------------------------------------------

@dataclass
class Payload:
    form: str  # JSON, compact JWS, baked PNG, baked SVG
    text: str  # JSON text, a compact JWS, or a URL (an SVG's verify attribute, a PNG holding a URL)
    source: str  # where it came from (URL or file)


def read_target(target: str, fetcher: Fetcher) -> tuple[bytes, str]:
    if target == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1), "standard input"
    if re.match(r"^https?://", target):
        return fetcher.get(target), target
    path = Path(target)
    if not path.is_file():
        raise FetchError(f"{target}: no such file (and not an http(s) URL)")
    return path.read_bytes(), target


def extract(data: bytes, source: str) -> list[Payload]:
    """What an image, a JSON file or a token holds: the Open Badges 3.0 credential first."""
    if data.startswith(baking.PNG_SIGNATURE):
        out = []
        for keyword, form in ((baking.OB3_KEYWORD, "baked PNG"), (baking.OB2_KEYWORD, "baked PNG")):
            try:
                text = baking.unbake_png(data, keyword)
            except (baking.BakingError, ValueError, UnicodeDecodeError) as exc:
                raise FetchError(f"{source}: {exc}") from None
            if text:
                out.append(Payload(form, text.strip(), source))
        if not out:
            raise FetchError(f"{source}: a PNG image with no badge baked in it (no openbadgecredential or openbadges chunk)")
        return out
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise FetchError(f"{source}: neither a PNG image nor UTF-8 text") from None
    if text.startswith("<") and "<svg" in text[:4096]:
        out = []
        for element in ("credential", "assertion"):
            found = baking.unbake_svg(text, element)
            if found:
                out.append(Payload("baked SVG", found.strip(), source))
        if not out:
            raise FetchError(f"{source}: an SVG image with no badge baked in it (no openbadges:credential or assertion)")
        return out
    if text.startswith(("{", "[")):
        return [Payload("JSON", text, source)]
    if JWS_RE.match(text):
        return [Payload("compact JWS", text, source)]
    if re.match(r"^https?://\S+$", text):
        return [Payload("URL", text, source)]
    if re.match(r"(?i)<!doctype html|<html[\s>]", text):
        from .verify_about import award_json_link

        found = award_json_link(text, source)
        if found is None:  # a badge's page, an issuer's, a catalogue's: verify_about says which
            return [Payload("web page, no award", text, source)]
        return [Payload("web page", found, source)]
    raise FetchError(f"{source}: not JSON, a JWS/JWT, a URL, nor a baked PNG or SVG image")


def not_award(report: Report, document: Any, source: str, fetcher: Fetcher) -> bool:
    """A document of the Open Badges family that is not an award (a BadgeClass, an issuer's
    profile, a list...): reported as what it is, with what to give instead."""
    from . import verify_about

    found = verify_about.describe(document, fetcher)
    if found is None:
        return False
    report.version, report.form = "", report.form or "JSON"
    report.kind = found.kind
    report.add("type", FAIL, f"{source} is {found.what}; {verify_about.ADVICE}")
    return True


def verify(target: str, fetcher: Fetcher, email: str | None = None) -> Report:
    from . import verify_about, verify_ob2, verify_ob3

    report = Report(target)
    try:
        data, source = read_target(target, fetcher)
        payloads = extract(data, source)
    except FetchError as exc:
        report.not_found = exc.status in (404, 410)
        report.add("address" if report.not_found else "read", FAIL, str(exc))
        return report
    payload = payloads[0]
    if payload.form == "web page, no award":
        report.kind, message = verify_about.page_without_award(payload.text, payload.source, fetcher)
        report.add("type", FAIL, message)
        return report
    if payload.form == "web page":  # an award's page (its QR code, a printed address): the JSON it links to
        report.form, report.page = "web page → JSON", payload.source
        verify_ob2.check_hosted_url(report, payload.text, fetcher, email)
        return report
    if payload.form == "URL" and len(payloads) == 1:  # a baked URL, or a file holding one
        try:
            payloads = extract(fetcher.get(payload.text), payload.text)
            payload = Payload(f"{payload.form} → {payloads[0].form}", payloads[0].text, payload.text)
        except FetchError as exc:
            report.add("read", FAIL, str(exc))
            return report
    report.form = payload.form
    if payload.form.endswith("JWS") or JWS_RE.match(payload.text):
        if verify_ob3.looks_like_vc_jwt(payload.text):
            verify_ob3.check_jwt(report, payload.text, fetcher, email)
        else:
            verify_ob2.check_signed(report, payload.text, fetcher, email)
        return report
    if payload.text.startswith("http"):
        verify_ob2.check_hosted_url(report, payload.text, fetcher, email)
        return report
    try:
        document = json.loads(payload.text)
    except ValueError as exc:
        report.add("read", FAIL, f"not valid JSON ({exc})")
        return report
    if not_award(report, document, payload.source, fetcher):
        pass
    elif verify_ob3.looks_like_vc(document):
        verify_ob3.check_credential(report, document, fetcher, email)
    elif verify_ob2.looks_like_assertion(document):
        token = verify_ob2.jws_beside(target, document, fetcher) if target.startswith("http") else None
        if token is not None:  # a signed assertion's JSON, given by its URL: its .jws is beside it
            report.form = f"{payload.form}, with the JWS beside it"
            verify_ob2.check_signed(report, token, fetcher, email)
        elif verify_ob2.is_signed(document) and not target.startswith("http"):
            # a file (downloaded, or in output/), standard input or an image: its JWS beside it or at its id
            path = target if payload.form == "JSON" and target != "-" else None
            verify_ob2.check_signed_json(report, document, path, fetcher, email)
        else:
            verify_ob2.check_document(report, document, fetcher, email)
    else:
        report.add("type", FAIL, "neither an Open Badges 3.0 credential (a Verifiable Credential) nor an "
                                 "Open Badges 2.0 assertion")
    return report


# -- the command ---------------------------------------------------------------------------------

def _mapping(text: str) -> tuple[str, Path]:
    base, sep, folder = text.partition("=")
    if not sep or not re.match(r"^https?://", base) or not folder:
        raise argparse.ArgumentTypeError(f"{text!r}: expected BASE_URL=DIR, such as https://example.org/badges/=output")
    if not Path(folder).is_dir():
        raise argparse.ArgumentTypeError(f"{folder}: not a folder")
    return (base if base.endswith("/") else base + "/"), Path(folder)


def register(sub: Any) -> None:
    v = sub.add_parser("verify", help="check an Open Badge (2.0 or 3.0): URL, JSON, JWS/JWT, baked PNG or SVG")
    v.add_argument("target", metavar="TARGET", help="a URL (an award page: the JSON it links to), a file (JSON, JWS/JWT, PNG, SVG) or - for standard input")
    v.add_argument("--email", metavar="ADDRESS", help="also check that the badge was awarded to this address")
    v.add_argument("--json", action="store_true", help="print the result as JSON")
    v.add_argument("--offline", metavar="BASE_URL=DIR", action="append", type=_mapping, default=[],
                   help="answer URLs under BASE_URL from the folder DIR, and fetch nothing else (repeatable)")
    v.set_defaults(func=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    fetcher = Fetcher(args.offline)
    report = verify(args.target, fetcher, args.email)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print(report.text())
    return 0 if report.valid else 1
