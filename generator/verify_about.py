"""What `vitrine verify` says besides its checks, so that a verifier reads a truthful answer.

- Given something that is not an award (a badge's page or its BadgeClass, an issuer's page or
  profile, a key, a revocation or status list, a catalogue's page), it says what that is and what
  to give instead, rather than checking it as an assertion or answering "not an Open Badge".
- For a revoked award, whose hosted Open Badges 2.0 copy keeps only its id and the reason (the
  form the standard gives it) and whose 3.0 status list keeps one bit, it reads what the issuer's
  site still publishes about it: the award's page (badge, issuer, day of revocation; Vitrine's
  award pages), the hosted assertion the page links to (the reason) and the 3.0 credential it
  links to (badge, issuer). Only documents on the award's own origin are read, each fact is given
  with where it was read, and none of it is a check: it is what the issuer's site says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from .verify import MAX_BYTES, FetchError, Fetcher

ADVICE = ("to check someone's award, give the address of the award's page (…/assertions/<id>/), its JSON "
          "(…/assertions/<id>.json or …/credentials/<id>.json) or its baked image (PNG or SVG)")
STATUS_LISTS = ("BitstringStatusListCredential", "StatusList2021Credential")


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _origin(url: Any) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    return f"{parts.scheme}://{parts.netloc}" if parts and parts.scheme in ("http", "https") else ""


def _name(value: Any) -> str:
    if isinstance(value, dict):  # a language map, as some 3.0 issuers write names
        value = next((v for v in value.values() if isinstance(v, str)), "")
    return value.strip() if isinstance(value, str) else ""


# -- what it is, when not an award --------------------------------------------------------------

@dataclass
class About:
    """A document of the Open Badges family that is not an award."""

    kind: str  # "Open Badges 2.0 BadgeClass"...
    what: str  # what it is, in a phrase: 'the description of the badge "X" by Y, not someone's award'
    subject: str = ""  # "badge" or "issuer" when it describes one, for the page that shows it
    name: str = ""  # the badge's or issuer's name, with "by ISSUER" for a badge


def describe(document: Any, fetcher: Fetcher) -> About | None:
    """What a JSON document of the Open Badges family that is not an award is; None for anything else."""
    if not isinstance(document, dict):
        return None
    types = [t for t in _list(document.get("type")) if isinstance(t, str)]
    name = _name(document.get("name"))
    if "BadgeClass" in types or "Achievement" in types:
        kind = "Open Badges 2.0 BadgeClass" if "BadgeClass" in types else "Open Badges 3.0 Achievement"
        issuer = _issuer_name(document.get("issuer") or document.get("creator"), fetcher)
        named = f'"{name}"' + (f" by {issuer}" if issuer else "")
        return About(kind, f"the description of the badge {named}, not someone's award", "badge", named)
    if any(t in types for t in STATUS_LISTS):
        return About("status list", "an issuer's status list (one bit per credential, set when it is revoked), not an award")
    if "Issuer" in types or "Profile" in types:
        return About("Open Badges issuer profile", f'the profile of the issuer "{name}", not an award', "issuer", f'"{name}"')
    if "CryptographicKey" in types:
        return About("Open Badges 2.0 CryptographicKey", "an issuer's public key, not an award")
    if "RevocationList" in types:
        count = len(_list(document.get("revokedAssertions")))
        return About("Open Badges 2.0 RevocationList", f"an issuer's list of revoked awards ({count} listed), not an award")
    ident = document.get("id")
    if isinstance(ident, str) and ident.startswith("did:") and ("verificationMethod" in document or "assertionMethod" in document):
        return About("DID document", f"the DID document of {ident} (an issuer's keys), not an award")
    return None


def _issuer_name(value: Any, fetcher: Fetcher) -> str:
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        try:
            return _name((fetcher.json(value) or {}).get("name"))
        except (FetchError, AttributeError):
            return ""
    return ""


def page_without_award(page: str, source: str, fetcher: Fetcher) -> tuple[str, str]:
    """(kind, message) for a web page that links to no award: a badge's or an issuer's page (it
    names its JSON in a <link rel="alternate" type="application/json">), or another page."""
    for url in _Page.read(page, source).json_links:
        try:
            found = describe(fetcher.json(url), fetcher)
        except FetchError:
            continue
        if found is not None and found.subject:
            return ("a badge's web page" if found.subject == "badge" else "an issuer's web page",
                    f"{source} is the page of the {found.subject} {found.name} ({found.kind} at {url}): "
                    + ("the badge's description, not someone's award. To check someone's award, give the address "
                       "of the award's page (…/assertions/<id>/) or its baked image (PNG or SVG)"
                       if found.subject == "badge" else f"not an award; {ADVICE}"))
    return "a web page", f"{source} is a web page that is not an award's page (it links to no Open Badge); {ADVICE}"


# -- an award's page ------------------------------------------------------------------------------

def award_json_link(page: str, source: str) -> str | None:
    """The address of the JSON an award's web page links to (Vitrine's award pages, and other
    platforms', name their assertion in <link rel="alternate" type="application/ld+json">), made
    absolute against the page's canonical address, else its own: the first that is http(s)."""
    return next((url for url in _Page.read(page, source).ld_links if re.match(r"^https?://\S+$", url)), None)


class _Page(HTMLParser):
    """What an HTML page says that matters here, found with the standard library's parser:
    its links, and on a Vitrine award page the badge's name, the issuer's and the revocation day."""

    def __init__(self) -> None:
        HTMLParser.__init__(self)
        self.canonical = ""
        self.award_json = ""  # the first <link rel="alternate" type="application/ld+json">
        self.ld_links: list[str] = []  # every one of them
        self.json_links: list[str] = []  # <link rel="alternate" type="application/json">
        self.ld_anchors: list[str] = []  # <a type="application/ld+json">
        self.badge = ""
        self.issuer = ""
        self.revoked_on = ""
        self._into = ""  # "badge" or "issuer" while inside those elements
        self._depth = 0
        self._revoked = False  # inside <section data-award-status="revoked">
        self._issuer_p = False  # inside <p class="award__issuer">

    @classmethod
    def read(cls, page: str, source: str) -> "_Page":
        parser = cls()
        parser.feed(page[:MAX_BYTES])
        base = urljoin(source, parser.canonical) if re.match(r"^https?://", source) else parser.canonical
        parser.award_json = urljoin(base, parser.award_json) if parser.award_json else ""
        parser.ld_links = [urljoin(base, u) for u in parser.ld_links]
        parser.json_links = [urljoin(base, u) for u in parser.json_links]
        parser.ld_anchors = [urljoin(base, u) for u in parser.ld_anchors]
        return parser

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        rel, kind, classes = a.get("rel", "").lower().split(), a.get("type", "").lower(), a.get("class", "").split()
        if tag == "link" and "canonical" in rel and not self.canonical:
            self.canonical = a.get("href", "")
        elif tag == "link" and "alternate" in rel and kind == "application/ld+json":
            self.ld_links.append(a.get("href", ""))
            self.award_json = self.award_json or a.get("href", "")
        elif tag == "link" and "alternate" in rel and kind == "application/json" and a.get("href"):
            self.json_links.append(a["href"])
        elif tag == "a" and kind == "application/ld+json" and a.get("href"):
            self.ld_anchors.append(a["href"])
        if tag == "section" and a.get("data-award-status") == "revoked":
            self._revoked = True
        elif tag == "time" and self._revoked and not self.revoked_on:
            self.revoked_on = a.get("datetime", "")
        if self._into:
            self._depth += 1
        elif tag == "span" and "award__badge-name" in classes and not self.badge:
            self._into, self._depth = "badge", 1
        elif tag == "a" and self._issuer_p and not self.issuer:
            self._into, self._depth = "issuer", 1
        if tag == "p" and "award__issuer" in classes:
            self._issuer_p = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._revoked = False
        elif tag == "p":
            self._issuer_p = False
        if self._into:
            self._depth -= 1
            if self._depth == 0:
                self._into = ""

    def handle_data(self, data: str) -> None:
        if self._into == "badge":
            self.badge += data
        elif self._into == "issuer":
            self.issuer += data


@dataclass
class Published:
    """What an issuer's site publishes about one revoked award, and where."""

    page: str = ""  # the award's page, when it links to this award
    badge: str = ""
    issuer: str = ""
    revoked_on: str = ""
    reason: str = ""
    reason_at: str = ""  # the hosted assertion the reason was read in
    credential: str = ""  # the 3.0 credential the page links to, when read
    credential_badge: str = ""
    credential_issuer: str = ""

    def sources(self) -> str:
        """Where the badge and issuer were read, as the verdict says it."""
        both = self.badge and self.credential_badge
        return ("its award page and its Open Badges 3.0 credential" if both else
                "its award page" if self.badge else "its Open Badges 3.0 credential")

    def named(self) -> tuple[str, str]:
        return (self.badge or self.credential_badge, self.issuer or self.credential_issuer)


def award_page_of(award_id: str, kind: str) -> str:
    """Where Vitrine publishes the page of the award whose 2.0 assertion or 3.0 credential is at
    award_id: …/assertions/<id>.json or …/credentials/<id>.json -> …/assertions/<id>/."""
    match = re.match(r"^(https?://.+/)(assertions|credentials)/([^/?#]+)\.json$", award_id or "")
    return f"{match.group(1)}assertions/{match.group(3)}/" if match and match.group(2) == kind else ""


def published_about(award_id: str, fetcher: Fetcher, page_url: str = "", kind: str = "assertions") -> Published | None:
    """What the issuer's site says about the revoked award published at award_id (a 2.0 assertion,
    kind "assertions", or a 3.0 credential, kind "credentials"): from its page (page_url, the one
    the verifier gave, else where Vitrine puts it), when that page is on the same origin and links
    to award_id; then from the documents that page links to. None when nothing is found."""
    origin = _origin(award_id)
    out = Published()
    for url in dict.fromkeys(u for u in (page_url, award_page_of(award_id, kind)) if u and _origin(u) == origin):
        try:
            page = _Page.read(fetcher.get(url).decode("utf-8", "replace"), url)
        except FetchError:
            continue
        if award_id not in (page.award_json, *page.ld_anchors):
            continue  # not this award's page
        out.page, out.badge, out.issuer = url, " ".join(page.badge.split()), " ".join(page.issuer.split())
        out.revoked_on = page.revoked_on
        if page.award_json and page.award_json != award_id and _origin(page.award_json) == origin:
            _reason(out, page.award_json, fetcher)
        credential = next((u for u in page.ld_anchors if "/credentials/" in u and _origin(u) == origin), "")
        if kind == "assertions" and credential:
            _credential(out, credential, fetcher)
        break
    return out if out.page or out.credential_badge else None


def _reason(out: Published, url: str, fetcher: Fetcher) -> None:
    try:
        hosted = fetcher.json(url)
    except FetchError:
        return
    if isinstance(hosted, dict) and hosted.get("revoked") is True and isinstance(hosted.get("revocationReason"), str):
        out.reason, out.reason_at = hosted["revocationReason"], url


def _credential(out: Published, url: str, fetcher: Fetcher) -> None:
    try:
        credential = fetcher.json(url)
    except FetchError:
        return
    if not isinstance(credential, dict) or credential.get("id") != url:
        return
    subject = _list(credential.get("credentialSubject"))
    achievement = subject[0].get("achievement") if subject and isinstance(subject[0], dict) else None
    name = _name(achievement.get("name")) if isinstance(achievement, dict) else ""
    issuer = credential.get("issuer")
    out.credential = url
    out.credential_badge = name or _name(credential.get("name"))
    out.credential_issuer = _name(issuer.get("name")) if isinstance(issuer, dict) else ""


def revoked_assertion_note(found: Published) -> str:
    """The line that says which badge a revoked 2.0 assertion was, and where that was read."""
    badge, issuer = found.named()
    parts = []
    if found.badge:
        parts.append(f'its award page {found.page} names the badge "{found.badge}" by {found.issuer or "?"}'
                     + (f" and says it was revoked on {found.revoked_on}" if found.revoked_on else ""))
    if found.credential_badge:
        same = (found.credential_badge, found.credential_issuer or found.issuer) == (found.badge, found.issuer)
        parts.append(f"its Open Badges 3.0 credential {found.credential} " + ("names the same" if same and found.badge else
                     f'names the badge "{found.credential_badge}" by {found.credential_issuer or "?"}'))
    return ("a revoked assertion keeps only its id and the reason; " + "; ".join(parts)
            + " (what the issuer's site says, not checked)")


def revoked_credential_note(found: Published) -> str:
    """What a revoked 3.0 credential's status line adds: when and why, from its award page."""
    said = " ".join(([f"on {found.revoked_on}"] if found.revoked_on else []) +
                    ([f'for this reason: "{found.reason}" (in {found.reason_at})'] if found.reason else []))
    return f"; its award page {found.page} says it was revoked {said}" if said else ""


def summary_of(found: Published) -> dict:
    badge, issuer = found.named()
    out = {"name": badge or None, "issuer": issuer or None, "named_by": found.sources() if badge else None}
    if found.revoked_on:
        out["revoked_on"] = found.revoked_on
    return {k: v for k, v in out.items() if v is not None}
