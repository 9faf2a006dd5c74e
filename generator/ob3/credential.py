"""Open Badges 3.0 documents built from the model: OpenBadgeCredential, Profile, Achievement.

Every property used is defined by the contexts named (canon.py refuses anything else), and the
lists that the official JSON Schema wants as arrays are arrays (type, evidence, alignment,
credentialSchema, proof). The recipient is never named: the subject is identified by the salted
SHA-256 of the e-mail address, as an IdentityObject (DESIGN §4).
"""

from __future__ import annotations

from typing import Any

from ..model import Award, Badge, Issuer
from .documents import ACHIEVEMENT_SCHEMA, OB_EXTENSIONS, OB_V3, SCHEMA_VALIDATOR_TYPE, VC_V2
from .proof import timestamp

CONTEXT = [VC_V2, OB_V3, OB_EXTENSIONS]  # extensions: 1EdTechJsonSchemaValidator2019
# DESIGN's four families of badges, in Open Badges 3.0's AchievementType vocabulary
ACHIEVEMENT_TYPES = {"participation": "Badge", "transversal": "Competency", "technical": "Competency",
                     "network": "Membership"}


def credential_path(award: Award) -> str:
    return f"credentials/{award.id}.json"


def baked_path(award: Award, badge: Badge) -> str:
    return f"credentials/{award.id}.{badge.image.kind}"


def profile(base_url: str, did: str, issuer: Issuer) -> dict:
    """The issuer as an OB 3.0 Profile; its id is the site's DID (the key that signs)."""
    out: dict[str, Any] = {"id": did, "type": ["Profile"], "name": issuer.name, "url": issuer.url,
                           "email": issuer.email}
    if issuer.description:
        out["description"] = issuer.description
    if issuer.image is not None:
        image: dict[str, Any] = {"id": base_url + issuer.image.path, "type": "Image"}
        if issuer.image_alt:
            image["caption"] = issuer.image_alt
        out["image"] = image
    if issuer.parent is not None:
        out["parentOrg"] = {"id": base_url + issuer.parent.path, "type": ["Profile"], "name": issuer.parent.name,
                            "url": issuer.parent.url}
    return out


def achievement(base_url: str, badge: Badge, language: str) -> dict:
    page = base_url + badge.path
    criteria: dict[str, str] = {"id": page + "#criteria-title"}
    if badge.body_markdown:
        criteria["narrative"] = badge.body_markdown
    image: dict[str, Any] = {"id": base_url + badge.image.path, "type": "Image"}
    if badge.image_alt:
        image["caption"] = badge.image_alt
    out: dict[str, Any] = {
        "id": page, "type": ["Achievement"], "achievementType": ACHIEVEMENT_TYPES.get(badge.category, "Badge"),
        "name": badge.name, "description": badge.description, "criteria": criteria, "image": image,
    }
    alignment = []
    for comp in badge.competencies:
        item = {"type": ["Alignment"], "targetName": comp.name, "targetUrl": base_url + comp.path,
                "targetDescription": comp.description, "targetFramework": comp.framework, "targetCode": comp.code,
                "targetType": "ceasn:Competency"}
        alignment.append({k: v for k, v in item.items() if v})
    for a in badge.alignments:
        item = {"type": ["Alignment"], "targetName": a.name, "targetUrl": a.url, "targetFramework": a.framework,
                "targetCode": a.code}
        alignment.append({k: v for k, v in item.items() if v})
    if alignment:
        out["alignment"] = alignment
    if badge.tags:
        out["tag"] = [t.name for t in badge.tags]
    out["inLanguage"] = language
    return out


def evidence(award: Award) -> list[dict]:
    out = []
    for e in award.evidence:
        item: dict[str, Any] = {}
        if e.url:
            item["id"] = e.url
        item["type"] = ["Evidence"]
        if e.name:
            item["name"] = e.name
        if e.narrative:
            item["narrative"] = e.narrative
        out.append(item)
    return out


def open_badge_credential(base_url: str, did: str, award: Award, badge: Badge, status: dict,
                          issuer_profile: dict, achievement_: dict) -> dict:
    """The credential, unsigned. `status` is its credentialStatus (status.entry); the profile
    and achievement are shared by every credential of the badge (see profile(), achievement())."""
    valid_from = timestamp(award.issued_on)
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "id": base_url + credential_path(award),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.name,
        "issuer": issuer_profile,
        "validFrom": valid_from,
    }
    if award.expires is not None:
        out["validUntil"] = timestamp(award.expires)
    out["awardedDate"] = valid_from
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [{"type": "IdentityObject", "identityHash": award.identity, "identityType": "emailAddress",
                        "hashed": True, "salt": award.salt}],
        "achievement": achievement_,
    }
    if award.narrative:
        subject["narrative"] = award.narrative
    out["credentialSubject"] = subject
    items = evidence(award)
    if items:
        out["evidence"] = items
    out["credentialSchema"] = [{"id": ACHIEVEMENT_SCHEMA, "type": SCHEMA_VALIDATOR_TYPE}]
    out["credentialStatus"] = status
    return out
