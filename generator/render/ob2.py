"""Hosted Open Badges 2.0: Issuer Profiles, BadgeClasses, Assertions, and baked badge images.

Every `id` is the URL the document is served at (base_url + path). The JSON is deterministic:
keys sorted, lists in content order, no build time. A revoked assertion is served in the
stripped form `{"@context", "id", "type", "revoked": true, "revocationReason"}`, and has no baked
image. Dates are the record's days at 00:00 UTC (Open Badges wants a time zone).

Baked badges are not files of the site: the award page's script (static/award.js) bakes the
badge image with the hosted assertion (or the JWS) in the browser, byte for byte as
`baked_image` does here for `vitrine notify` and the tests. A catalogue of 100,000 awards thus
does not carry 100,000 copies of its badge images, and an assertion has no `image` of its own
(the Open Badges 2.0 specification: the unbaked image is the BadgeClass's).

Signed assertions (site.yaml `signing: {ob2: true}`): every assertion not revoked is signed with
the current RSA key (keys.py) as a compact JWS RS256 (jws.py), published at
`/assertions/<id>.jws` and baked into the image instead of the JSON. Its `verification` is
`{"type": "SignedBadge", "creator": <key URL>}`, and the hosted JSON at the assertion's `id` is the
same assertion (so the id resolves to what was signed). Each issuer gets its own CryptographicKey
document per key, `/keys/<issuer>/<kid>.json` (a key document has a single `owner`, and a site has
several issuers sharing the keys); its profile's `publicKey` names the current one (1EdTech's
validator accepts a single value). Retired keys' documents stay published, so that what they signed
can still be checked against them, but a verifier that checks key ownership in the profile accepts
only what the current key signed: every build signs every assertion again with the current key, so
the award page always offers a freshly signed badge. Each issuer also gets a RevocationList,
`/revocations/<issuer>.json`, named by its profile's `revocationList`. A withdrawn (compromised)
key's document stays published too, with `revoked` (sec:revoked, the day it was withdrawn): `vitrine
verify` and the /verify/ page refuse what it signed, and the next build has signed everything again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .. import baking, designer, jws, tracking
from ..awards import award_groups, record_key, today
from ..errors import SiteError
from ..keys import KeyInfo, KeyProblem, load_keys, signing_problems
from ..model import Award, Badge, Issuer
from .base import Job, JobGroup, Renderer
from .images import _cached, published

CONTEXT = "https://w3id.org/openbadges/v2"


def dumps(data: Any) -> bytes:
    """json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) and a newline, byte for
    byte (test_properties checks it), made faster: with `indent`, the json module leaves its C
    encoder for a Python one, and 100,000 assertions spent seconds there."""
    parts: list[str] = []
    _indented(data, "\n", parts)
    parts.append("\n")
    return "".join(parts).encode("utf-8")


_quote = json.encoder.encode_basestring  # the C function when there is one


def _indented(value: Any, newline: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_quote(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        out.append("{")
        first = True
        for key in sorted(value):
            if not isinstance(key, str):  # not in Vitrine's documents: the json module's way
                out.append(json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2).replace("\n", newline))
                return
            out.append(inner + _quote(key) + ": " if first else "," + inner + _quote(key) + ": ")
            first = False
            _indented(value[key], inner, out)
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        out.append("[")
        for i, item in enumerate(value):
            out.append(inner if i == 0 else "," + inner)
            _indented(item, inner, out)
        out.append(newline + "]")
    else:  # numbers, booleans, None
        out.append(json.dumps(value))


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


def jws_path(award: Award) -> str:
    return f"assertions/{award.id}.jws"


def key_path(issuer: Issuer, key: KeyInfo) -> str:
    return f"keys/{issuer.slug}/{key.kid}.json"


def revocations_path(issuer: Issuer) -> str:
    return f"revocations/{issuer.slug}.json"


@dataclass
class Signing:
    keys: list[KeyInfo]  # every RSA key, oldest first: all published
    current: KeyInfo  # the one that signs


def signing(r: Renderer) -> Signing | None:
    """The OB 2.0 signing keys when site.yaml turns signing on (None when off); a SiteError when
    they are missing or unusable."""
    if not r.config.signing.ob2:
        return None
    if "_ob2_signing" not in r.__dict__:
        keys_dir = r.config.signing.keys
        try:
            keys = load_keys(r.config.root, keys_dir)
        except KeyProblem:
            raise SiteError(signing_problems(r.config)) from None
        if keys.current_rsa is None:  # every format's missing key named at once, at site.yaml's signing
            raise SiteError(signing_problems(r.config))
        r.__dict__["_ob2_signing"] = Signing(keys.rsa, keys.current_rsa)
    return r.__dict__["_ob2_signing"]


def issuer_profile(r: Renderer, issuer: Issuer) -> dict:
    out = {"@context": CONTEXT, "type": "Issuer", "id": issuer_url(r, issuer), "name": issuer.name,
           "url": issuer.url, "email": issuer.email}
    if issuer.description:
        out["description"] = issuer.description
    if issuer.image is not None:
        out["image"] = r.config.base_url + issuer.image.path
    sign = signing(r)
    if sign is not None:
        # the current key only: 1EdTech's validator refuses more than one value here
        out["publicKey"] = r.config.base_url + key_path(issuer, sign.current)
        out["revocationList"] = r.config.base_url + revocations_path(issuer)
    return out


# The Open Badges 2.0 context maps `revoked` to obi:revoked (a boolean, for assertions): a key
# document redefines it as the security vocabulary's sec:revoked, the moment a key was revoked.
KEY_REVOKED_CONTEXT = {"revoked": {"@id": "https://w3id.org/security#revoked",
                                   "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}}


def key_document(r: Renderer, issuer: Issuer, key: KeyInfo) -> dict:
    out = {"@context": CONTEXT, "type": "CryptographicKey", "id": r.config.base_url + key_path(issuer, key),
           "owner": issuer_url(r, issuer), "publicKeyPem": key.public_pem}
    if key.retired is not None:  # its end (sec:expiration): what it signed before still verifies. A key
        # retired on a day signed that day too (before the rotation): it ends at the next midnight
        out["expires"] = timestamp(key.retired + timedelta(days=1))
    if key.withdrawn is not None:  # compromised (keys.withdraw_keys): still published, verifies nothing
        out["@context"] = [CONTEXT, KEY_REVOKED_CONTEXT]
        out["revoked"] = timestamp(key.withdrawn)
    return out


def revocation_list(r: Renderer, issuer: Issuer) -> dict:
    revoked = []
    for award in r.site.awards:
        if award.revoked is not None and r.site.default.award_badge(award.badge).issuer.slug == issuer.slug:
            revoked.append({"id": assertion_url(r, award), "revocationReason": award.revoked.reason})
    revoked.sort(key=lambda item: item["id"])
    if len(revoked) == 1:
        # JSON-LD compaction turns a one-item list into a single node, which 1EdTech's validator
        # (and backpacks built on it) then fail to match: it misses the revocation. The same
        # entry twice stays a list, and means the same.
        revoked.append(dict(revoked[0]))
    return {"@context": CONTEXT, "type": "RevocationList", "id": r.config.base_url + revocations_path(issuer),
            "issuer": issuer_url(r, issuer), "revokedAssertions": revoked}


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
    }
    sign = signing(r)
    if sign is not None:
        out["verification"] = {"type": "SignedBadge", "creator": r.config.base_url + key_path(badge.issuer, sign.current)}
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


_SIGNED: dict[str, str] = {}  # award id -> JWS, within one process (the .jws and the baked image)


def signed(r: Renderer, award: Award, badge: Badge) -> str:
    """The assertion as a compact JWS RS256, signed with the current key."""
    token = _SIGNED.get(award.id) if not tracking.active() else None  # (tracking: see ob3.signed)
    if token is None:
        if len(_SIGNED) > 256:
            _SIGNED.clear()
        token = _SIGNED[award.id] = jws.sign_rs256(jws.canonical(assertion(r, award, badge)),
                                                   signing(r).current.private_key)  # type: ignore[union-attr]
    return token


def badge_image(r: Renderer, badge: Badge) -> bytes:
    """The badge's image as published (drawn ones drawn at 512 px), read once per build."""
    def read() -> bytes:
        if badge.image.drawn:
            return _cached(r, badge.image.digest, "512", lambda: designer.draw(badge.design, 512))
        return published(r, badge.image)
    return tracking.remember(r.__dict__.setdefault("_ob2_images", {}), badge.slug, read)


def baked_image(r: Renderer, award: Award, badge: Badge) -> bytes:
    """The badge image with the award baked in: the assertion JSON, or the JWS when signing."""
    if signing(r) is not None:  # the JWS, also as the SVG's verify attribute (as 1EdTech's bakery does)
        text = verify = signed(r, award, badge)
    else:
        text = json.dumps(assertion(r, award, badge), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        verify = assertion_url(r, award)
    if badge.image.kind == "png":
        return baking.bake_png(badge_image(r, badge), text)
    return baking.bake_svg(badge_image(r, badge).decode("utf-8"), text, verify).encode("utf-8")


def jobs(r: Renderer) -> list[Job]:
    cat = r.site.default
    sign = signing(r)
    _SIGNED.clear()
    # (keys: see render.base.Job) profiles, badge classes and keys depend on the content only;
    # the revocation lists on every award record; an assertion on its own record
    out = [Job(f"issuers/{i.slug}.json", "ob2", lambda i=i: dumps(issuer_profile(r, i)), key="")
           for i in cat.issuers.values()]
    # a renamed badge's BadgeClass stays at each former address too, with that address as its id (awards
    # published then name it there; a verifier checks that a document is the one its id names)
    out += [Job(b.json_path, "ob2", lambda b=b: dumps(badge_class(r, b)), key="")
            for b in (*cat.published_badges, *cat.formerly.values())]
    if sign is not None:
        for i in cat.issuers.values():
            out += [Job(key_path(i, k), "ob2", lambda i=i, k=k: dumps(key_document(r, i, k)), key="") for k in sign.keys]
            out.append(Job(revocations_path(i), "ob2", lambda i=i: dumps(revocation_list(r, i))))

    on = today()
    for source, awards, digest in award_groups(r.site.awards, on, r.__dict__.setdefault("_award_groups", {})):
        out.append(JobGroup(f"ob2:{source}", digest, lambda group=awards: _assertion_jobs(r, group, sign is not None)))
    return out


def _assertion_jobs(r: Renderer, awards: list[Award], sign: bool) -> list[Job]:
    """The hosted assertions of a group of awards (one awards file), and their JWS."""
    cat = r.site.default
    out = []
    for award in awards:
        badge = cat.award_badge(award.badge)
        key = record_key(award)
        out.append(Job(award.json_path, "ob2", lambda a=award, b=badge: dumps(assertion(r, a, b)), key=key))
        if award.revoked is None and sign:
            out.append(Job(jws_path(award), "ob2", lambda a=award, b=badge: signed(r, a, b).encode("ascii"), key=key))
    return out
