"""Hosted Open Badges 2.0: Issuer Profiles, BadgeClasses, Assertions, and baked badge images.

Every `id` is the URL the document is served at (base_url + path). The JSON is deterministic:
keys sorted, lists in content order, no build time. A revoked assertion is served in the
stripped form `{"@context", "id", "type", "revoked": true, "revocationReason"}`, and has no baked
image. Dates are the record's days at 00:00 UTC (Open Badges wants a time zone).
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from .. import baking, designer
from ..model import Award, Badge, Issuer
from .base import Job, Renderer
from .images import _cached

CONTEXT = "https://w3id.org/openbadges/v2"


def dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def issuer_url(r: Renderer, issuer: Issuer) -> str:
    return f"{r.config.base_url}issuers/{issuer.slug}.json"


def badge_url(r: Renderer, badge: Badge) -> str:
    return r.config.base_url + badge.json_path


def assertion_url(r: Renderer, award: Award) -> str:
    return r.config.base_url + award.json_path


def baked_path(award: Award, badge: Badge) -> str:
    return f"assertions/{award.id}.{badge.image.kind}"


def issuer_profile(r: Renderer, issuer: Issuer) -> dict:
    out = {"@context": CONTEXT, "type": "Issuer", "id": issuer_url(r, issuer), "name": issuer.name,
           "url": issuer.url, "email": issuer.email}
    if issuer.description:
        out["description"] = issuer.description
    if issuer.image is not None:
        out["image"] = r.config.base_url + issuer.image.path
    return out


def badge_class(r: Renderer, badge: Badge) -> dict:
    base = r.config.base_url
    criteria: dict[str, str] = {"id": base + badge.path}
    narrative = badge.body_markdown
    if narrative:
        criteria["narrative"] = narrative
    out: dict[str, Any] = {"@context": CONTEXT, "type": "BadgeClass", "id": badge_url(r, badge), "name": badge.name,
                           "description": badge.description, "image": base + badge.image.path,
                           "criteria": criteria, "issuer": issuer_url(r, badge.issuer)}
    alignment = []
    for comp in badge.competencies:
        item = {"targetName": comp.name, "targetUrl": base + comp.path, "targetDescription": comp.description,
                "targetFramework": comp.framework, "targetCode": comp.code}
        alignment.append({k: v for k, v in item.items() if v})
    for a in badge.alignments:
        item = {"targetName": a.name, "targetUrl": a.url, "targetFramework": a.framework, "targetCode": a.code}
        alignment.append({k: v for k, v in item.items() if v})
    if alignment:
        out["alignment"] = alignment
    if badge.tags:
        out["tags"] = [t.name for t in badge.tags]
    return out


def assertion(r: Renderer, award: Award, badge: Badge) -> dict:
    if award.revoked is not None:
        return {"@context": CONTEXT, "id": assertion_url(r, award), "type": "Assertion", "revoked": True,
                "revocationReason": award.revoked.reason}
    out: dict[str, Any] = {
        "@context": CONTEXT, "type": "Assertion", "id": assertion_url(r, award),
        "recipient": {"type": "email", "hashed": True, "salt": award.salt, "identity": award.identity},
        "badge": badge_url(r, badge), "issuedOn": timestamp(award.issued_on),
        "verification": {"type": "hosted"},
        "image": r.config.base_url + baked_path(award, badge),
    }
    if award.expires is not None:
        out["expires"] = timestamp(award.expires)
    if award.narrative:
        out["narrative"] = award.narrative
    evidence = []
    for e in award.evidence:
        item: dict[str, Any] = {"type": "Evidence"}
        if e.url:
            item["id"] = e.url
        if e.name:
            item["name"] = e.name
        if e.narrative:
            item["narrative"] = e.narrative
        evidence.append(item)
    if evidence:
        out["evidence"] = evidence
    return out


def jobs(r: Renderer) -> list[Job]:
    cat = r.site.default
    out = [Job(f"issuers/{i.slug}.json", "ob2", lambda i=i: dumps(issuer_profile(r, i))) for i in cat.issuers.values()]
    out += [Job(b.json_path, "ob2", lambda b=b: dumps(badge_class(r, b))) for b in cat.published_badges]

    @lru_cache(maxsize=None)
    def image_bytes(slug: str) -> bytes:
        badge = cat.badges[slug]
        if badge.image.drawn:
            return _cached(r, badge.image.digest, "512", lambda: designer.draw(badge.design, 512))
        return badge.image.source.read_bytes()  # type: ignore[union-attr]

    def bake(award: Award, badge: Badge) -> bytes:
        text = json.dumps(assertion(r, award, badge), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if badge.image.kind == "png":
            return baking.bake_png(image_bytes(badge.slug), text)
        svg = image_bytes(badge.slug).decode("utf-8")
        return baking.bake_svg(svg, text, assertion_url(r, award)).encode("utf-8")

    for award in r.site.awards:
        badge = cat.badges[award.badge]
        out.append(Job(award.json_path, "ob2", lambda a=award, b=badge: dumps(assertion(r, a, b))))
        if award.revoked is None:
            out.append(Job(baked_path(award, badge), "ob2", lambda a=award, b=badge: bake(a, b)))
    return out
