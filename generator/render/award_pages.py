"""The award pages `/assertions/<id>/` (and `/<lang>/assertions/<id>/`): what, who, when, status.

The status (valid, expired, revoked) is worked out for the day of the build (awards.today(),
which SOURCE_DATE_EPOCH fixes); the page also carries the expiry date so that its script shows
"expired" on a page built before the expiry. The recipient's name appears only with consent (the
model holds nothing else); the e-mail address is never in the model, only its salted hash.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from .. import tracking
from ..awards import award_groups, record_key, render_narratives, today
from ..model import Award, Badge, Catalogue
from ..ob3 import credential as ob3_credential
from . import ob2
from .base import Job, JobGroup, Renderer


def linkedin_url(award: Award, badge: Badge, cert_url: str) -> str:
    """LinkedIn "add to profile" (DESIGN §5): organizationId of the issuer or its nearest ancestor
    that has one, else organizationName."""
    params: list[tuple[str, str]] = [("issueYear", str(award.issued_on.year)), ("issueMonth", str(award.issued_on.month))]
    if award.expires is not None:
        params += [("expirationYear", str(award.expires.year)), ("expirationMonth", str(award.expires.month))]
    params += [("certUrl", cert_url), ("certId", award.id)]
    return _linkedin_start(badge) + "&" + "&".join(f"{name}={_quote(value)}" for name, value in params)


_MAILTO_PARTS: dict[tuple[str, int], tuple[Badge, str, str]] = {}
_URL_HERE = "\x00url\x00"
_MAILTO_SAFE = ",:/@"  # left as they are in a mailto: header value (RFC 6068)


def mailto_url(t: Any, badge: Badge, page_url: str) -> str:
    """"Send by e-mail": a message with the badge, its issuer and the award page's address, for
    the holder to address. Quoted once per badge and language but for the address (100,000 awards)."""
    key = (t.lang, id(badge))
    known = _MAILTO_PARTS.get(key)
    if known is None or known[0] is not badge or tracking.active():
        subject = quote(t("award.email_subject", badge=badge.name), safe=_MAILTO_SAFE)
        body = t("award.email_body", badge=badge.name, issuer=badge.issuer.name, url=_URL_HERE)
        before, _, after = body.partition(_URL_HERE)
        if len(_MAILTO_PARTS) > 4096:
            _MAILTO_PARTS.clear()
        known = _MAILTO_PARTS[key] = (badge, f"mailto:?subject={subject}&body={quote(before, safe=_MAILTO_SAFE)}",
                                      quote(after, safe=_MAILTO_SAFE))
    return known[1] + quote(page_url, safe=_MAILTO_SAFE) + known[2]


_SAFE_RE = re.compile(r"[A-Za-z0-9_.~-]*")  # what quote() leaves as it is
_QUOTED: dict[str, str] = {}


def _quote(value: str) -> str:
    """urlencode's quote_via=quote for one value, faster for 100,000 awards: most values (dates,
    ids) need nothing; an award page's address is the site's, quoted once, plus its id."""
    if _SAFE_RE.fullmatch(value):
        return value
    head, sep, tail = value.rpartition("/assertions/")
    if sep and _SAFE_RE.fullmatch(tail.rstrip("/")):
        start = _QUOTED.get(head)
        if start is None:
            if len(_QUOTED) > 64:
                _QUOTED.clear()
            start = _QUOTED[head] = quote(head + sep, safe="")
        return start + quote(tail, safe="")
    return quote(value, safe="")


_LINKEDIN_STARTS: dict[int, tuple[Badge, str]] = {}


def _linkedin_start(badge: Badge) -> str:
    """The address up to the badge's part, once per badge (urlencode costs)."""
    known = _LINKEDIN_STARTS.get(id(badge))
    if known is not None and known[0] is badge and not tracking.active():
        return known[1]
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", badge.name)]
    org_id = next((i.linkedin_organization_id for i in [badge.issuer, *reversed(badge.issuer.ancestors)]
                   if i.linkedin_organization_id), None)
    params.append(("organizationId", org_id) if org_id else ("organizationName", badge.issuer.name))
    start = "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)
    if len(_LINKEDIN_STARTS) > 4096:
        _LINKEDIN_STARTS.clear()
    _LINKEDIN_STARTS[id(badge)] = (badge, start)
    return start


def jobs(r: Renderer) -> list[JobGroup]:
    on = today()
    out = []
    # one group per awards file (incremental.py); what a page shows of its award: the record and
    # its status that day
    for cat in r.site.catalogues.values():
        for source, awards, digest in award_groups(r.site.awards, on, r.__dict__.setdefault("_award_groups", {})):
            out.append(JobGroup(f"award_pages:{cat.prefix}:{source}", digest,
                                lambda c=cat, group=awards: _group_jobs(r, c, group, on)))
    return out


def _group_jobs(r: Renderer, cat: Catalogue, awards: list[Award], on: date) -> list[Job]:
    prefix = cat.prefix
    return [Job(f"{prefix}assertions/{award.id}/index.html", "award_pages",
                lambda a=award, b=cat.award_badge(award.badge): _page(r, cat, a, b, on), f"{record_key(award)}:{award.status(on)}")
            for award in awards]


def _page(r: Renderer, cat: Catalogue, award: Award, badge: Badge, on: date) -> bytes:
    """One award page: its kind's frame (rendered once) with this award's values put in."""
    render_narratives(award)  # loaded without their HTML: made here, in the workers
    status = award.status(on)
    if tracking.active():  # the preview notes what each page reads: the shared frames would hide it
        return render(r, cat, award, badge, status)
    values = _values(r, cat, award, badge)
    if any(MARK in v for v in values.values()):  # a value that looks like a marker: no shortcut
        return render(r, cat, award, badge, status)
    organization = _organization(badge)
    shape = (cat.lang, status, award.name is not None, award.expires is not None,
             bool(award.narrative_html), award.revoked is not None,
             tuple((bool(e.url), bool(e.name), bool(e.narrative_html)) for e in award.evidence),
             badge.translated, badge.fallback, badge.image.kind, bool(badge.image_alt), organization is badge.issuer,
             badge.issuer.translated, badge.issuer.fallback, organization.translated, organization.fallback)
    frames = r.__dict__.setdefault("_award_frames", {})
    # A frame is shared by the badges (their values are markers too) unless the template read
    # something of the badge that _StandBadge does not stand in for (a site's own assertion.html
    # may): then every frame is made per badge, as it must.
    per_badge = r.__dict__.get("_award_frames_per_badge", False)
    key = shape + (badge.slug,) if per_badge else shape
    frame = frames.get(key)
    if frame is None:
        if len(frames) > 512:  # awards come badge by badge: recent kinds are the ones seen again
            frames.clear()
        if per_badge:
            frame = render(r, cat, _Stand(award), badge, status).decode("utf-8")
        else:
            stand = _StandBadge(badge, organization)
            frame = render(r, cat, _Stand(award), stand, status).decode("utf-8")
            if stand.read_real():
                r.__dict__["_award_frames_per_badge"] = True
                frames.clear()
                key = shape + (badge.slug,)
                frame = render(r, cat, _Stand(award), badge, status).decode("utf-8")
        frame = frames[key] = _MARKER.split(frame)  # text, name, text, name, ..., text
    page = frame.copy()
    page[1::2] = [values[name] for name in frame[1::2]]
    return "".join(page).encode("utf-8")


def _organization(badge: Any) -> Any:
    """The issuer named to LinkedIn: the badge's issuer or its nearest ancestor with an id."""
    return next((i for i in [badge.issuer, *reversed(badge.issuer.ancestors)] if i.linkedin_organization_id),
                badge.issuer)


def render(r: Renderer, cat: Catalogue, award: Any, badge: Badge, status: str) -> bytes:
    """The page of an award (or of a stand-in whose values are markers: see _Stand)."""
    page_url = r.url(cat, award.path)
    revoked = award.revoked is not None
    root = "../" * (cat.prefix + award.path).count("/")
    signed = r.config.signing.ob2 and not revoked
    ob3 = r.config.signing.ob3
    t = r.t[cat.lang]
    return r.page(
        "assertion.html", cat, award.path, root=root,
        og_image=_m("b_og") if isinstance(badge, _StandBadge) else _og_image(r, cat, badge),
        award=award, badge=badge, status=status,
        image_url=root + badge.image.path,
        bake_src=None if revoked else root + (ob2.jws_path(award) if signed else award.json_path),
        baked_name=f"{badge.slug}.{badge.image.kind}",
        jws_path=ob2.jws_path(award) if signed else None,
        # Open Badges 3.0 (render/ob3.py): the signed credential, and the image it is baked into
        credential_path=ob3_credential.credential_path(award) if ob3 else None,
        ob3_baked_path=ob3_credential.baked_path(award, badge) if ob3 and not revoked else None,
        linkedin=None if revoked else (award.linkedin if isinstance(award, _Stand) else linkedin_url(award, badge, page_url)),
        mailto=None if revoked else (award.mailto if isinstance(award, _Stand) else mailto_url(t, badge, page_url)),
        organization=badge.organization if isinstance(badge, _StandBadge) else _organization(badge),
        qr_url=r.url(r.site.default, award.path),  # one code per award: its canonical address
        page_url=page_url,
        when=lambda d: d.html if isinstance(d, _StandDate) else when(t, d),
    )


def when(t: Any, d: date) -> Markup:
    """A date in words, in a <time> element: "1er septembre 2024"."""
    words = t("date.long", day=(t("date.first_day") if d.day == 1 else d.day), month=t(f"date.months.m{d.month}"),
              year=d.year)
    return Markup('<time datetime="{}">{}</time>').format(d.isoformat(), words)


# -- one render per kind of award --------------------------------------------------------------
# A catalogue may hold 100,000 awards, and a page costs about 1 ms to render with Jinja. Pages of
# awards of the same kind (same language and status; a name or not, an expiry or not, a narrative
# or not, the same evidence items; the same image kind and translation state of the badge) differ
# only by values: the page is rendered once per kind with markers in their place (a stand-in
# award and a stand-in badge), and each award's page is that text with its values put in, escaped
# as the template would escape them. About 40 renders for 100,000 awards, not one per badge and
# kind (15,000). test_awards checks the result against a plain render of each award.

MARK = "\x00"
_MARKER = re.compile("\x00([a-z0-9_]+)\x00")


def _m(name: str) -> str:
    return f"{MARK}{name}{MARK}"


class _StandDate:
    def __init__(self, name: str):
        self.name, self.html = name, Markup(_m(name + "_html"))

    def isoformat(self) -> str:
        return _m(self.name + "_iso")


class _StandItem:
    def __init__(self, i: int, e: Any):
        self.url = _m(f"e{i}_url") if e.url else e.url
        self.name = _m(f"e{i}_name") if e.name else e.name
        self.narrative_html = _m(f"e{i}_html") if e.narrative_html else ""


class _StandRevocation:
    date = _StandDate("revoked")
    reason = _m("reason")


class _Stand:
    """An award whose values are markers (what the template may test is real: set or not)."""

    def __init__(self, award: Award):
        self.id = _m("id")
        self.badge = _m("b_slug")  # frames are shared by badges (see _StandBadge)
        self.path, self.json_path = f"assertions/{self.id}/", f"assertions/{self.id}.json"
        self.identity, self.salt = _m("identity"), _m("salt")
        self.name = _m("name") if award.name is not None else None
        self.issued_on = _StandDate("issued")
        self.expires = _StandDate("expires") if award.expires is not None else None
        self.narrative_html = _m("narrative_html") if award.narrative_html else ""
        self.evidence = [_StandItem(i, e) for i, e in enumerate(award.evidence)]
        self.revoked = _StandRevocation() if award.revoked is not None else None
        self.linkedin = _m("linkedin")
        self.mailto = _m("mailto")


class _Watched:
    """Stands in for a badge, its issuer or its image in a frame shared by badges: the
    attributes given are markers (or real values that are part of the frame's kind); reading any
    other one gives the real value and is noted (see read_real)."""

    def __init__(self, real: Any, given: dict[str, Any], reads: list[str]):
        self.__dict__.update(given)
        self.__dict__["_real"], self.__dict__["_reads"] = real, reads

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        self._reads.append(name)
        return getattr(self._real, name)


class _StandBadge(_Watched):
    def __init__(self, badge: Badge, organization: Any):
        reads: list[str] = []
        issuer = _Watched(badge.issuer, {"name": _m("i_name"), "path": _m("i_path"), "translated": badge.issuer.translated,
                                         "fallback": badge.issuer.fallback}, reads)
        image = _Watched(badge.image, {"kind": badge.image.kind, "path": _m("b_image")}, reads)
        super().__init__(badge, {
            "name": _m("b_name"), "description": _m("b_description"), "image_alt": _m("b_alt") if badge.image_alt else "",
            "path": _m("b_path"), "json_path": _m("b_json"), "slug": _m("b_slug"), "translated": badge.translated,
            "fallback": badge.fallback,
            "issuer": issuer, "image": image,
            "organization": issuer if organization is badge.issuer else _Watched(
                organization, {"name": _m("o_name"), "translated": organization.translated, "fallback": organization.fallback},
                reads),
        }, reads)

    def read_real(self) -> list[str]:
        """What the template read of the real badge (nothing, for a frame that can be shared)."""
        return self._reads


def _values(r: Renderer, cat: Catalogue, award: Award, badge: Badge) -> dict[str, str]:
    """The text that replaces each marker of the frame, escaped as the template escapes it."""
    t = r.t[cat.lang]
    v = {"id": str(escape(award.id)), "identity": str(escape(award.identity)), "salt": str(escape(award.salt)),
         "issued_iso": award.issued_on.isoformat(), "issued_html": _when_html(r, t, award.issued_on)}
    if award.name is not None:
        v["name"] = str(escape(award.name))
    if award.expires is not None:
        v["expires_iso"], v["expires_html"] = award.expires.isoformat(), _when_html(r, t, award.expires)
    if award.narrative_html:
        v["narrative_html"] = award.narrative_html  # |safe in the template
    for i, e in enumerate(award.evidence):
        if e.url:
            v[f"e{i}_url"] = str(escape(e.url))
        if e.name:
            v[f"e{i}_name"] = str(escape(e.name))
        if e.narrative_html:
            v[f"e{i}_html"] = e.narrative_html
    v.update(_badge_values(r, cat, badge))
    if award.revoked is not None:
        v["reason"] = str(escape(award.revoked.reason))
        v["revoked_iso"], v["revoked_html"] = award.revoked.date.isoformat(), _when_html(r, t, award.revoked.date)
    else:
        page_url = r.url(cat, award.path)
        v["linkedin"] = str(escape(linkedin_url(award, badge, page_url)))
        v["mailto"] = str(escape(mailto_url(t, badge, page_url)))
    return v


def _when_html(r: Renderer, t: Any, d: date) -> str:
    """when() as text, once per language and day (100,000 awards share a few thousand days)."""
    known = r.__dict__.setdefault("_award_dates", {})
    html = known.get((t.lang, d))
    if html is None:
        html = known[(t.lang, d)] = str(when(t, d))
    return html


def _badge_values(r: Renderer, cat: Catalogue, badge: Badge) -> dict[str, str]:
    """The badge's values of a frame shared by badges (see _StandBadge), once per badge."""
    known = r.__dict__.setdefault("_award_badge_values", {})
    v = known.get((cat.lang, badge.slug))
    if v is None:
        organization = _organization(badge)
        v = {"b_name": badge.name, "b_description": badge.description, "b_alt": badge.image_alt, "b_path": badge.path,
             "b_json": badge.json_path, "b_slug": badge.slug, "b_image": badge.image.path,
             "b_og": _og_image(r, cat, badge), "i_name": badge.issuer.name, "i_path": badge.issuer.path,
             "o_name": organization.name}
        v = known[(cat.lang, badge.slug)] = {k: str(escape(x)) for k, x in v.items()}
    return v


def _og_image(r: Renderer, cat: Catalogue, badge: Badge) -> str:
    """The badge's share preview (render/previews.py) when there is one, else its PNG image."""
    try:
        return r.preview_url(cat, badge)
    except (AttributeError, KeyError, ImportError):
        return r.config.base_url + badge.image.path
