"""The award pages `/assertions/<id>/` (and `/<lang>/assertions/<id>/`): what, who, when, status.

The status (valid, expired, revoked) is worked out for the day of the build (awards.today(),
which SOURCE_DATE_EPOCH fixes); the page also carries the expiry date so that its script shows
"expired" on a page built before the expiry. The recipient's name appears only with consent (the
model holds nothing else); the e-mail address is never in the model, only its salted hash.
"""

from __future__ import annotations

import html
from functools import lru_cache
from urllib.parse import quote, urlencode

import segno
from markupsafe import Markup

from ..awards import render_narratives, today
from ..model import Award, Badge, Catalogue
from ..ob3 import credential as ob3_credential
from . import ob2
from .base import Job, Renderer


def linkedin_url(award: Award, badge: Badge, cert_url: str) -> str:
    """LinkedIn "add to profile" (DESIGN §5): organizationId of the issuer or its nearest ancestor
    that has one, else organizationName."""
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", badge.name)]
    org_id = next((i.linkedin_organization_id for i in [badge.issuer, *reversed(badge.issuer.ancestors)]
                   if i.linkedin_organization_id), None)
    params.append(("organizationId", org_id) if org_id else ("organizationName", badge.issuer.name))
    params += [("issueYear", str(award.issued_on.year)), ("issueMonth", str(award.issued_on.month))]
    if award.expires is not None:
        params += [("expirationYear", str(award.expires.year)), ("expirationMonth", str(award.expires.month))]
    params += [("certUrl", cert_url), ("certId", award.id)]
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)


@lru_cache(maxsize=1024)
def _qr(url: str) -> str:
    # A fixed mask pattern: choosing the best of eight is most of segno's time (9 ms -> 2.5 ms),
    # and any mask gives a valid code.
    code = segno.make(url, error="m", micro=False, mask=4)
    return code.svg_inline(scale=4, border=4, svgclass="award-qr__code", lineclass=None, dark="#000", light="#fff")


def qr_svg(url: str, title: str) -> Markup:
    """A URL as an inline SVG QR code (segno: deterministic output), labelled for screen readers."""
    label = html.escape(title)
    return Markup(_qr(url).replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
                  .replace(">", f"><title>{label}</title>", 1))


def jobs(r: Renderer) -> list[Job]:
    on = today()
    out = []
    for cat in r.site.catalogues.values():
        for award in r.site.awards:
            badge = cat.badges[award.badge]
            out.append(Job(f"{cat.prefix}{award.path}index.html", "award_pages",
                           lambda c=cat, a=award, b=badge: _page(r, c, a, b, on)))
    return out


def _page(r: Renderer, cat: Catalogue, award: Award, badge: Badge, on) -> bytes:
    render_narratives(award)  # loaded without their HTML: made here, in the workers
    t = r.t[cat.lang]
    page_url = r.url(cat, award.path)
    status = award.status(on)
    revoked = award.revoked is not None
    return r.page(
        "assertion.html", cat, award.path,
        og_image=r.config.base_url + badge.image.path if badge.image.kind == "png" else None,
        award=award, badge=badge, status=status,
        json_url=ob2.assertion_url(r, award),
        baked_path=None if revoked else ob2.baked_path(award, badge),
        jws_path=ob2.jws_path(award) if r.config.signing.ob2 and not revoked else None,
        baked_name=f"{badge.slug}.{badge.image.kind}",
        # Open Badges 3.0 (render/ob3.py): the signed credential, and the image it is baked into
        credential_path=ob3_credential.credential_path(award) if r.config.signing.ob3 else None,
        ob3_baked_path=ob3_credential.baked_path(award, badge) if r.config.signing.ob3 and not revoked else None,
        linkedin=None if revoked else linkedin_url(award, badge, page_url),
        organization=next((i for i in [badge.issuer, *reversed(badge.issuer.ancestors)]
                           if i.linkedin_organization_id), badge.issuer),
        # one code per award, of its page in the default language (the canonical address)
        qr=None if revoked else qr_svg(r.url(r.site.default, award.path), t("award.qr_title")),
        page_url=page_url,
    )
