"""Checks of an Open Badges 3.0 credential (a W3C Verifiable Credential), for `vitrine verify`.

Structure (1EdTech's JSON Schema for the type), JSON-LD (every property defined by a context: what
is not defined is not signed), the proof (DataIntegrityProof eddsa-rdfc-2022, or a VC-JWT signed
with EdDSA, ES256 or RS256), the key (published by the issuer: a did:web or did:key DID, or a URL,
listed as an assertion method), the status (Bitstring Status List, itself a credential signed by
the same issuer; 1EdTech revocation lists), the validity period and, with an e-mail address, the
recipient (IdentityObject, hashed or not).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from typing import Any, Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .ob3 import did as didweb
from .ob3 import documents, multibase
from .ob3.canon import CanonError, UndefinedTerm, plain_nquads, to_quads
from .ob3.proof import CRYPTOSUITE, PROOF_TYPE, ProofError, check_proof
from .verify import FAIL, PASS, SKIP, FetchError, Fetcher, Report, now, parse_time

VC_CONTEXTS = (documents.VC_V2, documents.VC_V1)
OB_TYPES = ("OpenBadgeCredential", "AchievementCredential", "EndorsementCredential")


class KeyError_(Exception):
    """The verification method cannot be found, or is not the issuer's."""


# -- recognising ---------------------------------------------------------------------------------

def _list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def looks_like_vc(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    contexts = _list(document.get("@context"))
    return any(c in VC_CONTEXTS for c in contexts) or "VerifiableCredential" in _list(document.get("type"))


def _jwt_parts(token: str) -> tuple[dict, dict, bytes, bytes]:
    pieces = token.strip().split(".")
    if len(pieces) != 3:
        raise ValueError("a compact JWS has three parts")
    header = json.loads(multibase.b64url_decode(pieces[0]))
    payload = json.loads(multibase.b64url_decode(pieces[1]))
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise ValueError("header and payload must be JSON objects")
    return header, payload, multibase.b64url_decode(pieces[2]), f"{pieces[0]}.{pieces[1]}".encode("ascii")


def looks_like_vc_jwt(token: str) -> bool:
    try:
        _, payload, _, _ = _jwt_parts(token)
    except (ValueError, multibase.MultibaseError, UnicodeDecodeError):
        return False
    return isinstance(payload.get("vc"), dict) or looks_like_vc(payload)


# -- keys ----------------------------------------------------------------------------------------

def _jwk_key(jwk: dict) -> Any:
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(multibase.b64url_decode(jwk["x"]))
        if kty == "EC" and crv == "P-256":
            x = int.from_bytes(multibase.b64url_decode(jwk["x"]), "big")
            y = int.from_bytes(multibase.b64url_decode(jwk["y"]), "big")
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        if kty == "RSA":
            n = int.from_bytes(multibase.b64url_decode(jwk["n"]), "big")
            e = int.from_bytes(multibase.b64url_decode(jwk["e"]), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
    except (KeyError, ValueError, multibase.MultibaseError) as exc:
        raise KeyError_(f"unreadable JWK ({exc})") from None
    raise KeyError_(f"unsupported JWK (kty {kty!r}, crv {crv!r})")


def _method_key(method: dict) -> Any:
    if isinstance(method.get("publicKeyMultibase"), str):
        try:
            return multibase.public_from_multikey(method["publicKeyMultibase"])
        except (multibase.MultibaseError, ValueError) as exc:
            raise KeyError_(f"{method.get('id')}: {exc}") from None
    if isinstance(method.get("publicKeyJwk"), dict):
        return _jwk_key(method["publicKeyJwk"])
    raise KeyError_(f"{method.get('id')}: no publicKeyMultibase nor publicKeyJwk")


def _absolute(ref: Any, base: str) -> Any:
    return base + ref if isinstance(ref, str) and ref.startswith("#") else ref


def resolve_method(method_id: str, fetcher: Fetcher, purpose: str = "assertionMethod") -> tuple[Any, str, str]:
    """(public key, controller, where it was found) of a verification method; KeyError_ if it
    cannot be found or is not listed for `purpose` by its controller."""
    if not isinstance(method_id, str) or not method_id:
        raise KeyError_("the proof names no verificationMethod")
    if method_id.startswith("did:key:"):
        did = method_id.split("#", 1)[0]
        try:
            return multibase.public_from_multikey(did[len("did:key:"):]), did, "the did:key itself"
        except (multibase.MultibaseError, ValueError) as exc:
            raise KeyError_(f"{did}: {exc}") from None
    if method_id.startswith("did:web:"):
        did = method_id.split("#", 1)[0]
        url = didweb.resolve_url(did)
        try:
            document = fetcher.json(url)
        except FetchError as exc:
            raise KeyError_(f"the DID document of {did} could not be read: {exc}") from None
        if not isinstance(document, dict) or document.get("id") != did:
            raise KeyError_(f"{url} is not the DID document of {did} (its id is {document.get('id') if isinstance(document, dict) else None!r})")
        controller, where = did, url
    elif method_id.startswith(("https://", "http://")):
        try:
            document = fetcher.json(method_id)
        except FetchError as exc:
            raise KeyError_(f"the key could not be read: {exc}") from None
        if isinstance(document, dict) and document.get("id") == method_id and "controller" in document:
            controller, where = document["controller"], method_id
            try:
                document = fetcher.json(controller) if controller != method_id else document
            except FetchError as exc:
                raise KeyError_(f"the key's controller document could not be read: {exc}") from None
        else:
            controller, where = method_id.split("#", 1)[0], method_id
    else:
        raise KeyError_(f"{method_id}: unsupported kind of verification method (expected did:web, did:key or an https URL)")
    base = document.get("id", controller) if isinstance(document, dict) else controller
    methods = [m for m in _list(document.get("verificationMethod")) if isinstance(m, dict)]
    methods += [m for m in _list(document.get(purpose)) if isinstance(m, dict)]
    found = next((m for m in methods if _absolute(m.get("id"), base) == method_id), None)
    if found is None and isinstance(document, dict) and document.get("id") == method_id:
        found = document
    if found is None:
        raise KeyError_(f"{method_id} is not in {where}")
    if found.get("revoked") not in (None, False):  # withdrawn by its controller (a compromised key)
        when = f" on {found['revoked']}" if isinstance(found.get("revoked"), str) else ""
        raise KeyError_(f"{method_id} was withdrawn (revoked{when}) by its controller, in {where}: nothing it "
                        "signed verifies any more; the issuer publishes a copy signed again with its current key")
    listed = {_absolute(m.get("id") if isinstance(m, dict) else m, base) for m in _list(document.get(purpose))}
    if method_id not in listed:
        raise KeyError_(f"{method_id} is published in {where} but not as an {purpose} (it may not sign credentials)")
    return _method_key(found), controller, where


def _issuer_id(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _issuer_name(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    return issuer.get("name") if isinstance(issuer, dict) and isinstance(issuer.get("name"), str) else None


# -- JSON-LD and proofs --------------------------------------------------------------------------

def _loader(fetcher: Fetcher) -> Callable:
    def fallback(url: str) -> Any:
        try:
            return fetcher.json(url)
        except FetchError:
            return None
    return documents.make_loader(fallback=fallback)


def verify_data_integrity(document: dict, fetcher: Fetcher, nquads: Callable[[dict], str]) -> tuple[str, str, str]:
    """(verification method, controller, where the key was found) of the document's valid
    eddsa-rdfc-2022 proof; ProofError or KeyError_ otherwise."""
    proofs = [p for p in _list(document.get("proof")) if isinstance(p, dict)]
    if not proofs:
        raise ProofError("no proof: the credential is not signed")
    errors = []
    for one in proofs:
        if one.get("type") != PROOF_TYPE or one.get("cryptosuite") != CRYPTOSUITE:
            errors.append(f"proof of type {one.get('type')!r} ({one.get('cryptosuite') or 'no cryptosuite'}) is not "
                          f"supported: Vitrine checks {PROOF_TYPE} with {CRYPTOSUITE}, and VC-JWT")
            continue
        if one.get("proofPurpose") not in (None, "assertionMethod"):
            errors.append(f"proof purpose {one.get('proofPurpose')!r} is not assertionMethod")
            continue
        method = one.get("verificationMethod")
        key, controller, where = resolve_method(method, fetcher)
        if not isinstance(key, ed25519.Ed25519PublicKey):
            errors.append(f"{method} is not an Ed25519 key")
            continue
        check_proof(document, one, key, nquads)
        return method, controller, where
    raise ProofError("; ".join(errors))


# -- the checks ----------------------------------------------------------------------------------

def _kind(credential: dict) -> str:
    types = _list(credential.get("type"))
    return next((t for t in OB_TYPES if t in types), "VerifiableCredential")


def _summary(report: Report, credential: dict) -> None:
    subject = _list(credential.get("credentialSubject"))
    achievement = subject[0].get("achievement") if subject and isinstance(subject[0], dict) else None
    name = credential.get("name")
    if isinstance(achievement, dict):
        name = achievement.get("name") or name
    report.summary = {"id": credential.get("id"), "name": name if isinstance(name, str) else None,
                      "issuer": _issuer_name(credential) or _issuer_id(credential), "issuer_id": _issuer_id(credential),
                      "validFrom": credential.get("validFrom") or credential.get("issuanceDate"),
                      "validUntil": credential.get("validUntil") or credential.get("expirationDate")}


def check_structure(report: Report, credential: dict) -> None:
    import jsonschema

    kind = _kind(credential)
    if kind == "VerifiableCredential":
        report.add("structure", SKIP, "not an Open Badges 3.0 type (OpenBadgeCredential, AchievementCredential, "
                                      "EndorsementCredential): no Open Badges schema to check it against")
        return
    url = documents.ENDORSEMENT_SCHEMA if kind == "EndorsementCredential" else documents.ACHIEVEMENT_SCHEMA
    validator = jsonschema.Draft201909Validator(documents.schema(url), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(e.absolute_path))
    if errors:
        shown = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:160]}" for e in errors[:4])
        more = f" (and {len(errors) - 4} more)" if len(errors) > 4 else ""
        report.add("structure", FAIL, f"does not follow 1EdTech's JSON Schema for {kind}: {shown}{more}")
    else:
        report.add("structure", PASS, f"follows 1EdTech's JSON Schema for {kind} ({url.rsplit('/', 1)[1]})")


def check_status(report: Report, credential: dict, fetcher: Fetcher, nquads: Callable[[dict], str]) -> None:
    entries = [e for e in _list(credential.get("credentialStatus")) if isinstance(e, dict)]
    if not entries:
        report.add("status", SKIP, "the credential has no credentialStatus: it cannot be revoked, nothing to check")
        return
    for entry in entries:
        kind = entry.get("type")
        if kind in ("BitstringStatusListEntry", "StatusList2021Entry"):
            _check_bitstring(report, credential, entry, fetcher, nquads)
        elif kind == "1EdTechRevocationList":
            _check_1edtech_list(report, credential, entry, fetcher)
        else:
            report.add("status", FAIL, f"status of type {kind!r} cannot be checked (Vitrine knows BitstringStatusListEntry "
                                       "and 1EdTechRevocationList)")


def _check_bitstring(report: Report, credential: dict, entry: dict, fetcher: Fetcher,
                     nquads: Callable[[dict], str]) -> None:
    url = entry.get("statusListCredential")
    purpose = entry.get("statusPurpose", "revocation")
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        report.add("status", FAIL, f"statusListIndex {entry.get('statusListIndex')!r} is not a whole number")
        return
    if not isinstance(url, str):
        report.add("status", FAIL, "the status entry names no statusListCredential")
        return
    try:
        status_list = fetcher.json(url)
    except FetchError as exc:
        report.add("status", FAIL, f"the status list could not be read: {exc}")
        return
    if not isinstance(status_list, dict):
        report.add("status", FAIL, f"{url} is not a status list credential")
        return
    try:
        verify_data_integrity(status_list, fetcher, nquads)
    except (ProofError, KeyError_, UndefinedTerm, CanonError) as exc:
        report.add("status", FAIL, f"the status list {url} is not validly signed: {exc}")
        return
    if _issuer_id(status_list) != _issuer_id(credential):
        report.add("status", FAIL, f"the status list {url} was issued by {_issuer_id(status_list)}, not by the "
                                   f"credential's issuer {_issuer_id(credential)}")
        return
    moment = now()
    until = parse_time(status_list.get("validUntil"))
    if until is not None and until < moment:
        report.add("status", FAIL, f"the status list {url} expired on {status_list['validUntil']}")
        return
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("encodedList"), str):
        report.add("status", FAIL, f"the status list {url} has no encodedList")
        return
    if subject.get("statusPurpose", purpose) != purpose:
        report.add("status", FAIL, f"the status list is for {subject.get('statusPurpose')!r}, the entry for {purpose!r}")
        return
    size = int(entry.get("statusSize", 1) or 1)
    try:
        encoded = subject["encodedList"]
        raw = multibase.decode(encoded) if encoded[:1] in ("u", "z") else multibase.b64url_decode(encoded)
        bits = gzip.decompress(raw)
    except (multibase.MultibaseError, OSError, EOFError, zlib.error) as exc:
        report.add("status", FAIL, f"the status list's encodedList cannot be decoded ({exc})")
        return
    start = index * size
    if start + size > len(bits) * 8 or index < 0:
        report.add("status", FAIL, f"index {index} is outside the status list ({len(bits) * 8 // size} entries)")
        return
    value = 0
    for position in range(start, start + size):
        value = (value << 1) | ((bits[position >> 3] >> (7 - (position & 7))) & 1)
    where = f"entry {index} of {url}, a list signed by the issuer"
    if value == 0:
        report.add("status", PASS, f"not {'revoked' if purpose == 'revocation' else purpose + ' set'} ({where})")
    elif purpose == "revocation":
        report.add_revoked("status", f"REVOKED by its issuer ({where}){_revoked_when(report, credential, fetcher)}")
    elif purpose == "suspension":
        report.add("status", FAIL, f"SUSPENDED by its issuer ({where})")
    else:
        report.add("status", SKIP, f"status {purpose!r} is {value} ({where}): Vitrine does not interpret it")


def _revoked_when(report: Report, credential: dict, fetcher: Fetcher) -> str:
    """A status list says only that a credential is revoked: when and why, as its award page
    says (verify_about), when the issuer's site has one."""
    from . import verify_about

    ident = credential.get("id")
    found = verify_about.published_about(ident, fetcher, report.page, "credentials") if isinstance(ident, str) else None
    if found is None:
        return ""
    if found.revoked_on:
        report.summary["revoked_on"] = found.revoked_on
    return verify_about.revoked_credential_note(found)


def _check_1edtech_list(report: Report, credential: dict, entry: dict, fetcher: Fetcher) -> None:
    url = entry.get("id")
    try:
        listing = fetcher.json(url)
    except (FetchError, TypeError) as exc:
        report.add("status", FAIL, f"the revocation list could not be read: {exc}")
        return
    revoked = {item.get("id") if isinstance(item, dict) else item for item in _list(listing.get("revokedCredentials"))
               if isinstance(listing, dict)}
    if credential.get("id") in revoked:
        report.add_revoked("status", f"REVOKED by its issuer (listed in {url})")
    else:
        report.add("status", PASS, f"not listed in the revocation list {url} (an unsigned 1EdTech list)")


def check_validity(report: Report, credential: dict) -> None:
    start_text = credential.get("validFrom") or credential.get("issuanceDate")
    end_text = credential.get("validUntil") or credential.get("expirationDate")
    start, end, moment = parse_time(start_text), parse_time(end_text), now()
    if start_text is not None and start is None:
        report.add("validity", FAIL, f"validFrom {start_text!r} is not a date and time")
    elif end_text is not None and end is None:
        report.add("validity", FAIL, f"validUntil {end_text!r} is not a date and time")
    elif start is not None and start > moment:
        report.add("validity", FAIL, f"not valid yet: valid from {start_text}")
    elif end is not None and end <= moment:
        report.add_expired("validity", end_text)
    else:
        since = f"valid since {start_text}" if start_text else "no start date"
        report.add("validity", PASS, f"{since}, " + (f"until {end_text}" if end_text else "with no end date"))


def _hash_matches(identity: str, salt: str, email: str) -> bool:
    algorithm, _, digest = identity.partition("$")
    for candidate in dict.fromkeys([email, email.strip().lower()]):
        data = (candidate + salt).encode("utf-8")
        if algorithm.lower() == "sha256" and hashlib.sha256(data).hexdigest() == digest.lower():
            return True
        if algorithm.lower() == "md5" and hashlib.md5(data).hexdigest() == digest.lower():  # noqa: S324 - spec
            return True
    return False


def check_recipient(report: Report, credential: dict, email: str | None) -> None:
    if not email:
        report.add("recipient", SKIP, "not checked: give --email ADDRESS to check whose badge it is")
        return
    identities = []
    for subject in _list(credential.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        identities += [i for i in _list(subject.get("identifier")) if isinstance(i, dict)]
        if isinstance(subject.get("id"), str) and subject["id"].lower().startswith("mailto:"):
            identities.append({"identityType": "emailAddress", "hashed": False, "identityHash": subject["id"][7:]})
    emails = [i for i in identities if i.get("identityType") == "emailAddress"]
    if not emails:
        report.add("recipient", FAIL, "the credential does not name its recipient by an e-mail address")
        return
    for identity in emails:
        value, salt = str(identity.get("identityHash", "")), str(identity.get("salt") or "")
        if identity.get("hashed") in (True, "true"):
            if _hash_matches(value, salt, email):
                report.add("recipient", PASS, f"awarded to {email} (salted hash {value.split('$')[0]} of the address)")
                return
        elif value.strip().lower() == email.strip().lower():
            report.add("recipient", PASS, f"awarded to {email} (the address is written in the credential)")
            return
    report.add("recipient", FAIL, f"NOT awarded to {email}: the recipient's identifier does not match this address (the holder may have been awarded it under another address: ask them which)")


def check_credential(report: Report, credential: dict, fetcher: Fetcher, email: str | None,
                     signed_by_jwt: bool = False) -> None:
    report.version = "3.0"
    report.kind = _kind(credential)
    _summary(report, credential)
    check_structure(report, credential)
    loader = _loader(fetcher)

    def nquads(doc: dict) -> str:
        return plain_nquads(doc, loader)

    if not signed_by_jwt:
        unsecured = {k: v for k, v in credential.items() if k != "proof"}
        try:
            to_quads(unsecured, loader)
            contexts = ", ".join(str(c) for c in _list(credential.get("@context")))
            report.add("json-ld", PASS, f"every property and type is defined by its contexts ({contexts})")
            try:
                method, controller, where = verify_data_integrity(credential, fetcher, nquads)
                report.add("signature", PASS, f"{PROOF_TYPE} {CRYPTOSUITE} by {method}: the credential is exactly as signed")
                _check_issuer_key(report, credential, controller, where)
            except (ProofError, KeyError_, UndefinedTerm, CanonError) as exc:
                report.add("signature", FAIL, str(exc))
                report.add("issuer key", SKIP, "not checked: no valid signature")
        except (UndefinedTerm, CanonError) as exc:
            report.add("json-ld", FAIL, str(exc))
            report.add("signature", FAIL, "cannot be trusted: a signature over JSON-LD only covers what the contexts define")
    check_status(report, credential, fetcher, nquads)
    check_validity(report, credential)
    check_recipient(report, credential, email)
    _unvouched(report)


def _unvouched(report: Report) -> None:
    """With no valid signature, what the status, validity and recipient checks read (an entry of
    a list, dates, an identifier) is only what the file says: it read "✓ validity valid since ..."
    for dates changed after signing. Say so where they passed."""
    if any(c.id in ("signature", "json-ld") and c.status == FAIL for c in report.checks):
        for c in report.checks:
            if c.id in ("status", "validity", "recipient") and c.status == PASS:
                c.message += " — only the credential's word: no valid signature vouches for it"


def _check_issuer_key(report: Report, credential: dict, controller: str, where: str) -> None:
    issuer = _issuer_id(credential)
    if issuer is None:
        report.add("issuer key", FAIL, "the credential names no issuer id")
    elif issuer == controller:
        report.add("issuer key", PASS, f"the key belongs to the issuer {issuer}, who publishes it in {where}")
    else:
        report.add("issuer key", FAIL, f"the key belongs to {controller}, not to the issuer {issuer}")


# -- VC-JWT --------------------------------------------------------------------------------------

def _verify_jws(alg: str, key: Any, signature: bytes, data: bytes) -> None:
    try:
        if alg == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        elif alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                raise ProofError("an ES256 signature has 64 bytes")
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise ProofError(f"algorithm {alg!r} with this kind of key is not supported (EdDSA, ES256, RS256)")
    except InvalidSignature:
        raise ProofError("the signature does not match: the token was changed, or signed with another key") from None


def check_jwt(report: Report, token: str, fetcher: Fetcher, email: str | None) -> None:
    report.version = "3.0"
    try:
        header, payload, signature, signing_input = _jwt_parts(token)
    except (ValueError, multibase.MultibaseError, UnicodeDecodeError) as exc:
        report.add("read", FAIL, f"not a readable JWT: {exc}")
        return
    report.form = f"{report.form} (VC-JWT)" if report.form else "VC-JWT"
    credential = payload["vc"] if isinstance(payload.get("vc"), dict) else payload
    kid, alg = header.get("kid"), header.get("alg")
    try:
        if isinstance(header.get("jwk"), dict):
            key, controller, where = _jwk_key(header["jwk"]), None, "the token's header (jwk)"
        elif isinstance(kid, str):
            method = kid if ":" in kid.split("#", 1)[0] else (_issuer_id(credential) or payload.get("iss", "")) + kid
            key, controller, where = resolve_method(method, fetcher)
        else:
            raise KeyError_("the token's header has neither kid nor jwk")
        _verify_jws(str(alg), key, signature, signing_input)
        report.add("signature", PASS, f"JWS {alg} over the token: the credential is exactly as signed")
        issuer = _issuer_id(credential)
        iss = payload.get("iss")
        if iss is not None and issuer is not None and iss != issuer:
            report.add("issuer key", FAIL, f"the token's iss {iss} is not the credential's issuer {issuer}")
        elif controller is None:
            report.add("issuer key", FAIL, "the key is carried by the token itself (jwk): nothing ties it to the issuer")
        else:
            _check_issuer_key(report, {**credential, "issuer": issuer or iss}, controller, where)
    except (ProofError, KeyError_) as exc:
        report.add("signature", FAIL, str(exc))
    if "exp" in payload and isinstance(payload["exp"], (int, float)) and payload["exp"] < now().timestamp():
        report.add("token", FAIL, "the token has expired (exp)")
    check_credential(report, credential, fetcher, email, signed_by_jwt=True)
