"""The award pages `/assertions/<id>/` (and `/<lang>/assertions/<id>/`): what, who, when, status.

The status (valid, expired, revoked) is worked out for the day of the build (awards.today(),
which SOURCE_DATE_EPOCH fixes); the page also carries the expiry date so that its script shows
"expired" on a page built before the expiry. The recipient's name appears only with consent (the
model holds nothing else); the e-mail address is never in the model, only its salted hash.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ..awards import record_key, render_narratives, today
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


def jobs(r: Renderer) -> list[Job]:
    on = today()
    out = []
    keys = {award.id: record_key(award) for award in r.site.awards}  # what the page shows of the record
    for cat in r.site.catalogues.values():
        for award in r.site.awards:
            badge = cat.badges[award.badge]
            out.append(Job(f"{cat.prefix}{award.path}index.html", "award_pages",
                           lambda c=cat, a=award, b=badge: _page(r, c, a, b, on),
                           key=f"{keys[award.id]}:{award.status(on)}"))
    return out


def _page(r: Renderer, cat: Catalogue, award: Award, badge: Badge, on) -> bytes:
    render_narratives(award)  # loaded without their HTML: made here, in the workers
    page_url = r.url(cat, award.path)
    status = award.status(on)
    revoked = award.revoked is not None
    root = "../" * (cat.prefix + award.path).count("/")
    signed = r.config.signing.ob2 and not revoked
    ob3 = r.config.signing.ob3
    return r.page(
        "assertion.html", cat, award.path, root=root,
        og_image=_og_image(r, cat, badge),
        award=award, badge=badge, status=status,
        image_url=root + badge.image.path,
        bake_src=None if revoked else root + (ob2.jws_path(award) if signed else award.json_path),
        baked_name=f"{badge.slug}.{badge.image.kind}",
        jws_path=ob2.jws_path(award) if signed else None,
        # Open Badges 3.0 (render/ob3.py): the signed credential, and the image it is baked into
        credential_path=ob3_credential.credential_path(award) if ob3 else None,
        ob3_baked_path=ob3_credential.baked_path(award, badge) if ob3 and not revoked else None,
        linkedin=None if revoked else linkedin_url(award, badge, page_url),
        organization=next((i for i in [badge.issuer, *reversed(badge.issuer.ancestors)]
                           if i.linkedin_organization_id), badge.issuer),
        qr_url=r.url(r.site.default, award.path),  # one code per award: its canonical address
        page_url=page_url,
    )


def _og_image(r: Renderer, cat: Catalogue, badge: Badge) -> str:
    """The badge's share preview (render/previews.py) when there is one, else its PNG image."""
    try:
        return r.preview_url(cat, badge)
    except (AttributeError, KeyError, ImportError):
        return r.config.base_url + badge.image.path
