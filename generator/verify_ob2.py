"""Checks of an Open Badges 2.0 assertion, hosted or signed, for `vitrine verify`.

Hosted: the assertion is read again at its `id` (the hosted copy is what counts: a revoked one
says `revoked: true` there), its id must be on the issuer's own site (same origin as the issuer's
id, or one of its `verification.allowedOrigins`), its BadgeClass and Issuer Profile must resolve.
Signed: a compact JWS RS256 whose key (`verification.creator`) is a CryptographicKey owned by the
issuer and named by its profile (or retired after the assertion was issued), not revoked (withdrawn
by the issuer), and whose id is not in the issuer's RevocationList. Then expiry
and, with an e-mail address, the recipient.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import jws
from .verify import FAIL, PASS, SKIP, FetchError, Fetcher, Report, now, parse_time

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def looks_like_assertion(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    types = _list(document.get("type"))
    return "Assertion" in types or OB2_CONTEXT in _list(document.get("@context")) or (
        "recipient" in document and "badge" in document)


def _origin(url: Any) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    return f"{parts.scheme}://{parts.netloc}" if parts and parts.scheme else ""


def _resolve(value: Any, fetcher: Fetcher, what: str) -> dict:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            found = fetcher.json(value)
        except FetchError as exc:
            raise FetchError(f"its {what} could not be read: {exc}") from None
        if isinstance(found, dict):
            return found
    raise FetchError(f"its {what} is neither a URL nor an object")


def _structure(report: Report, assertion: dict) -> bool:
    missing = [f for f in ("recipient", "badge", "verification", "issuedOn") if f not in assertion]
    recipient = assertion.get("recipient")
    if isinstance(recipient, dict) and not recipient.get("identity"):
        missing.append("recipient.identity")
    if missing:
        return report.add("structure", FAIL, f"an Open Badges 2.0 assertion needs {', '.join(missing)}")
    if parse_time(assertion.get("issuedOn")) is None:
        return report.add("structure", FAIL, f"issuedOn {assertion.get('issuedOn')!r} is not a date and time")
    return report.add("structure", PASS, "has the fields of an Open Badges 2.0 assertion (recipient, badge, "
                                         "verification, issuedOn)")


def _badge_and_issuer(report: Report, assertion: dict, fetcher: Fetcher) -> dict | None:
    try:
        badge = _resolve(assertion.get("badge"), fetcher, "BadgeClass")
        issuer = _resolve(badge.get("issuer"), fetcher, "Issuer Profile")
    except FetchError as exc:
        report.add("badge", FAIL, str(exc))
        return None
    if not badge.get("name") or not issuer.get("name"):
        report.add("badge", FAIL, "the BadgeClass or its issuer has no name")
        return None
    report.summary.update({"name": badge.get("name"), "issuer": issuer.get("name"), "issuer_id": issuer.get("id")})
    report.add("badge", PASS, f"BadgeClass \"{badge.get('name')}\" by {issuer.get('name')} ({issuer.get('id')})")
    return issuer


def _common(report: Report, assertion: dict, email: str | None) -> None:
    expires = assertion.get("expires")
    moment = parse_time(expires)
    if expires is not None and moment is None:
        report.add("validity", FAIL, f"expires {expires!r} is not a date and time")
    elif moment is not None and moment <= now():
        report.add_expired("validity", expires)
    else:
        report.add("validity", PASS, f"issued {assertion.get('issuedOn')}, " + (f"valid until {expires}" if expires else "no expiry"))
    recipient = assertion.get("recipient") if isinstance(assertion.get("recipient"), dict) else {}
    if not email:
        report.add("recipient", SKIP, "not checked: give --email ADDRESS to check whose badge it is")
        return
    if recipient.get("type", "email") != "email":
        report.add("recipient", FAIL, f"the recipient is identified by {recipient.get('type')!r}, not an e-mail address")
        return
    identity, salt = str(recipient.get("identity", "")), str(recipient.get("salt") or "")
    if recipient.get("hashed"):
        algorithm, _, digest = identity.partition("$")
        ok = False
        for candidate in dict.fromkeys([email, email.strip().lower()]):
            data = (candidate + salt).encode("utf-8")
            if algorithm == "sha256":
                ok = ok or hashlib.sha256(data).hexdigest() == digest.lower()
            elif algorithm == "md5":
                ok = ok or hashlib.md5(data).hexdigest() == digest.lower()  # noqa: S324 - the standard's option
    else:
        ok = identity.strip().lower() == email.strip().lower()
    if ok:
        report.add("recipient", PASS, f"awarded to {email}")
    else:
        report.add("recipient", FAIL, f"NOT awarded to {email}: the recipient's identity does not match this address (the holder may have been awarded it under another address: ask them which)")


def check_hosted_url(report: Report, url: str, fetcher: Fetcher, email: str | None) -> None:
    try:
        document = fetcher.json(url)
    except FetchError as exc:
        report.version = "2.0"
        report.add("read", FAIL, str(exc))
        return
    from . import verify, verify_ob3

    if verify.not_award(report, document, url, fetcher):
        return
    if not looks_like_assertion(document):
        if verify_ob3.looks_like_vc(document):
            verify_ob3.check_credential(report, document, fetcher, email)
            return
        report.add("type", FAIL, f"{url} holds neither an Open Badges 2.0 assertion nor a 3.0 credential")
        return
    token = jws_beside(url, document, fetcher)
    if token is not None:  # a signed award's JSON: its signature is in the .jws beside it
        check_signed(report, token, fetcher, email)
        return
    check_document(report, document, fetcher, email)


def jws_beside(url: str, document: dict, fetcher: Fetcher) -> str | None:
    """For a signed assertion's JSON at .../<id>.json, the JWS published beside it (<id>.jws, as
    Vitrine publishes them), if there is one and it signs that assertion; else None."""
    verification = document.get("verification")
    kind = str(verification.get("type", "")).lower() if isinstance(verification, dict) else ""
    if kind not in ("signedbadge", "signed") or not url.endswith(".json"):
        return None
    try:
        token = fetcher.get(url[:-len(".json")] + ".jws").decode("ascii").strip()
        signed = json.loads(jws.parts(token)[1])
    except (FetchError, jws.JWSError, ValueError, UnicodeDecodeError):
        return None
    return token if isinstance(signed, dict) and signed.get("id") == document.get("id") else None


def is_signed(document: dict) -> bool:
    verification = document.get("verification")
    return isinstance(verification, dict) and str(verification.get("type", "")).lower() in ("signedbadge", "signed")


def _read_jws(place: str, fetcher: Fetcher) -> str:
    if place.startswith(("https://", "http://")):
        data = fetcher.get(place)
    else:
        try:
            data = Path(place).read_bytes()
        except OSError as exc:
            raise FetchError(f"{place}: {exc.strerror or exc}") from None
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise FetchError(f"{place}: not a compact JWS") from None


def check_signed_json(report: Report, document: dict, path: str | None, fetcher: Fetcher, email: str | None) -> None:
    """A signed assertion's JSON from a file (downloaded, or in a built output/), standard input or
    an image: the JSON carries no signature, its JWS does. The JWS is looked for beside the file
    (`<id>.jws`, as Vitrine publishes them), then at the assertion's id (`.json` -> `.jws`,
    fetched, or read through --offline); the file verifies only if it is exactly the assertion
    that JWS signs, and then as that JWS does. A tampered file, one its issuer signed again
    since, or one whose JWS cannot be had, fails and says which."""
    report.version, report.kind = "2.0", "Assertion"
    report.summary = {"id": document.get("id")}
    ident = document.get("id")
    places: list[tuple[str, str]] = []
    if path and path.endswith(".json"):
        places.append(("beside it", path[:-len(".json")] + ".jws"))
    if isinstance(ident, str) and ident.startswith(("https://", "http://")) and ident.endswith(".json"):
        places.append(("published at its id", ident[:-len(".json")] + ".jws"))
    problems: list[str] = []
    for where, place in places:
        if not place.startswith("http") and not Path(place).is_file():
            continue
        try:
            token = _read_jws(place, fetcher)
            signed = json.loads(jws.parts(token)[1].decode("utf-8"))
        except FetchError as exc:
            problems.append(f"no JWS could be read at its id: {exc}")
            continue
        except (jws.JWSError, ValueError, UnicodeDecodeError) as exc:
            problems.append(f"{place} is not a readable JWS ({exc})")
            continue
        if signed == document:
            report.form = f"{report.form}, with the JWS {where}" if report.form else f"JWS {where}"
            check_signed(report, token, fetcher, email)
            return
        if not isinstance(signed, dict) or signed.get("id") != ident:
            problems.append(f"{place} signs another assertion ({signed.get('id') if isinstance(signed, dict) else None})")
            continue
        fields = sorted(k for k in set(signed) | set(document) if signed.get(k) != document.get(k))
        if fields == ["verification"]:
            mine = (document.get("verification") or {}).get("creator")
            theirs = (signed.get("verification") or {}).get("creator") if isinstance(signed.get("verification"), dict) else None
            problem = (f"this copy names the key {mine}, but its issuer now signs this assertion with the key "
                       f"{theirs} ({place}): download it again from its award page, or verify {ident}")
        else:
            problem = (f"this file is not the assertion its issuer signed: it differs in {', '.join(fields)} "
                       f"from the one signed in {place}")
        if problems and problems[-1].replace(places[0][1], place) == problem:  # the same verdict twice
            problems[-1] = problem.replace(place, f"{places[0][1]} and in {place}", 1)
        else:
            problems.append(problem)
    if isinstance(ident, str) and ident.startswith("http"):  # revoked: its issuer signs it no more
        try:
            hosted = fetcher.json(ident)
        except FetchError:
            hosted = None
        if isinstance(hosted, dict) and hosted.get("revoked") is True:
            report.add_revoked("status", f"REVOKED by its issuer: {hosted.get('revocationReason') or 'no reason given'} (at {ident})")
            _revoked_badge(report, ident, fetcher)
            return
    if not places:
        problems.append("its id is not the https address of a .json file, so no JWS could be looked for")
    report.add("signature", FAIL, "; ".join(problems) if problems else
               "a signed assertion is checked from its JWS (the baked image or the .jws file holds it), and "
               f"none was found beside this file or at its id {ident}")


def _revoked_badge(report: Report, assertion_id: Any, fetcher: Fetcher) -> None:
    """A revoked hosted assertion keeps only its id and the reason: which badge it was, of which
    issuer and since when, as the issuer's site still publishes it (verify_about), said as such."""
    from . import verify_about

    found = verify_about.published_about(assertion_id, fetcher, report.page) if isinstance(assertion_id, str) else None
    if found is None:
        report.add("badge", SKIP, "a revoked assertion keeps only its id and the reason, and no page of its issuer's "
                                  "site was found that names its badge")
        return
    report.add("badge", SKIP, verify_about.revoked_assertion_note(found))
    report.summary.update(verify_about.summary_of(found))


def check_document(report: Report, assertion: dict, fetcher: Fetcher, email: str | None) -> None:
    report.version, report.kind = "2.0", "Assertion"
    report.summary = {"id": assertion.get("id")}
    kind = str((assertion.get("verification") or {}).get("type", "")).lower() if isinstance(assertion.get("verification"), dict) else ""
    if assertion.get("revoked") is True:
        report.add_revoked("status", f"REVOKED by its issuer: {assertion.get('revocationReason') or 'no reason given'}")
        _revoked_badge(report, assertion.get("id"), fetcher)
        return
    if kind in ("signedbadge", "signed"):
        report.add("signature", FAIL, "a signed assertion is checked from its JWS (the baked image or the .jws file "
                                      "holds it); this is its JSON alone, whose signature cannot be checked")
        return
    hosted_id = assertion.get("id")
    if not isinstance(hosted_id, str) or not hosted_id.startswith("http"):
        report.add("hosted", FAIL, "a hosted assertion's id must be the URL it is published at")
        return
    try:
        hosted = fetcher.json(hosted_id)
    except FetchError as exc:
        report.add("hosted", FAIL, f"the hosted assertion could not be read: {exc}")
        return
    if not isinstance(hosted, dict):
        report.add("hosted", FAIL, f"{hosted_id} is not a JSON object")
        return
    if hosted.get("revoked") is True:
        report.add_revoked("status", f"REVOKED by its issuer: {hosted.get('revocationReason') or 'no reason given'} (at {hosted_id})")
        _revoked_badge(report, hosted_id, fetcher)
        return
    if hosted.get("id") != hosted_id:
        report.add("hosted", FAIL, f"the document at {hosted_id} has another id ({hosted.get('id')})")
        return
    if json.dumps(hosted, sort_keys=True) != json.dumps(assertion, sort_keys=True):
        report.add("hosted", FAIL, f"this assertion differs from the one its issuer publishes at {hosted_id}")
        return
    report.add("hosted", PASS, f"the issuer publishes this very assertion at {hosted_id}")
    if not _structure(report, hosted):
        return
    issuer = _badge_and_issuer(report, hosted, fetcher)
    if issuer is not None:
        allowed = _list((issuer.get("verification") or {}).get("allowedOrigins")) if isinstance(issuer.get("verification"), dict) else []
        origins = {_origin(issuer.get("id"))} | {o if "://" in o else f"https://{o}" for o in allowed if isinstance(o, str)}
        if _origin(hosted_id) in origins:
            report.add("issuer", PASS, f"the assertion is hosted on the issuer's own site ({_origin(hosted_id)})")
        else:
            report.add("issuer", FAIL, f"the assertion is hosted at {_origin(hosted_id)}, not on the issuer's site "
                                       f"({', '.join(sorted(o for o in origins if o))})")
    report.add("status", PASS, "not revoked (the hosted copy is not marked revoked)")
    _common(report, hosted, email)


def check_signed(report: Report, token: str, fetcher: Fetcher, email: str | None) -> None:
    report.version, report.kind = "2.0", "Assertion"
    report.form = f"{report.form} (signed)" if report.form else "signed"
    try:
        header, payload, signature, signing_input = jws.parts(token)
        assertion = json.loads(payload.decode("utf-8"))
    except (jws.JWSError, ValueError, UnicodeDecodeError) as exc:
        report.add("read", FAIL, f"not a readable JWS: {exc}")
        return
    if not isinstance(assertion, dict):
        report.add("read", FAIL, "the JWS payload is not a JSON object")
        return
    report.summary = {"id": assertion.get("id")}
    verification = assertion.get("verification") if isinstance(assertion.get("verification"), dict) else {}
    creator = verification.get("creator")
    if not _structure(report, assertion):
        return
    try:
        key_doc = fetcher.json(creator) if isinstance(creator, str) else None
        if not isinstance(key_doc, dict) or not key_doc.get("publicKeyPem"):
            raise FetchError(f"no CryptographicKey with publicKeyPem at {creator}")
        key = serialization.load_pem_public_key(key_doc["publicKeyPem"].encode("ascii"))
        if not isinstance(key, rsa.RSAPublicKey):
            raise FetchError(f"the key at {creator} is not an RSA key")
        jws.verify_rs256(token, key)
        report.add("signature", PASS, f"JWS {header.get('alg')} by the key {creator}: the assertion is exactly as signed")
    except (FetchError, jws.JWSError, ValueError) as exc:
        report.add("signature", FAIL, str(exc))
        return
    issuer = _badge_and_issuer(report, assertion, fetcher)
    if issuer is None:
        return
    owner_ok = key_doc.get("owner") == issuer.get("id")
    named = creator in _list(issuer.get("publicKey")) or any(
        isinstance(k, dict) and k.get("id") == creator for k in _list(issuer.get("publicKey")))
    ended, issued = parse_time(key_doc.get("expires")), parse_time(assertion.get("issuedOn"))
    if key_doc.get("revoked") not in (None, False):
        # withdrawn (compromised): whatever it signed, and whenever, is not the issuer's word any more
        when = f" on {key_doc['revoked']}" if isinstance(key_doc.get("revoked"), str) else ""
        report.add("issuer key", FAIL, f"the key {creator} was withdrawn (revoked) by its issuer{when}: nothing it "
                                       "signed verifies any more; the award's page offers a copy signed again "
                                       "with the issuer's current key")
    elif owner_ok and named:
        report.add("issuer key", PASS, f"the key is owned by the issuer {issuer.get('id')}, whose profile names it")
    elif owner_ok and ended is not None and issued is not None and issued < ended:
        # a retired key: its document stays published with its end date (expires), and the issuer's
        # profile names the key in use now; what it signed before that date still stands
        report.add("issuer key", PASS, f"the key is owned by the issuer {issuer.get('id')}, which stopped using it "
                                       f"at {key_doc['expires']}, after this assertion was issued")
    else:
        why = "is not owned by the issuer" if not owner_ok else "is not named by the issuer's profile (publicKey)"
        if owner_ok and ended is not None:
            why += f", and it stopped using it at {key_doc['expires']}, before this assertion was issued"
        report.add("issuer key", FAIL, f"the key {creator} {why}")
    revocations = issuer.get("revocationList")
    if not revocations:
        report.add("status", SKIP, "the issuer publishes no revocation list: revocation cannot be checked")
    else:
        try:
            listing = fetcher.json(revocations)
            revoked = {}
            for item in _list(listing.get("revokedAssertions") if isinstance(listing, dict) else None):
                ident = item.get("id") or item.get("uid") if isinstance(item, dict) else item
                revoked[ident] = item.get("revocationReason") if isinstance(item, dict) else None
            if assertion.get("id") in revoked or assertion.get("uid") in revoked:
                reason = revoked.get(assertion.get("id")) or revoked.get(assertion.get("uid"))
                report.add_revoked("status", f"REVOKED by its issuer: {reason or 'no reason given'} (listed in {revocations})")
            else:
                report.add("status", PASS, f"not in the issuer's revocation list {revocations}")
        except FetchError as exc:
            report.add("status", FAIL, f"the revocation list could not be read: {exc}")
    _common(report, assertion, email)
