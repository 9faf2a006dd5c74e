"""Compact JWS with RS256 (RFC 7515), for signed Open Badges 2.0 assertions. `cryptography` only.

A compact JWS is base64url(header) "." base64url(payload) "." base64url(signature), without
padding. RS256 is RSASSA-PKCS1-v1_5 with SHA-256: deterministic, so the same assertion signed with
the same key gives the same bytes in every build.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

HEADER = {"alg": "RS256"}


class JWSError(ValueError):
    """Not a compact JWS, or its signature does not verify."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise JWSError("not base64url") from None


def canonical(data: Any) -> bytes:
    """The JSON that is signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_rs256(payload: bytes, private_key: rsa.RSAPrivateKey) -> str:
    signing_input = b64url(canonical(HEADER)) + "." + b64url(payload)
    signature = private_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(signature)


def parts(token: str) -> tuple[dict, bytes, bytes, bytes]:
    """(header, payload, signature, signing input) of a compact JWS; JWSError if malformed."""
    pieces = token.strip().split(".")
    if len(pieces) != 3:
        raise JWSError("a compact JWS has three parts separated by dots")
    try:
        header = json.loads(b64url_decode(pieces[0]))
    except ValueError:
        raise JWSError("the JWS header is not JSON") from None
    if not isinstance(header, dict):
        raise JWSError("the JWS header is not a JSON object")
    return header, b64url_decode(pieces[1]), b64url_decode(pieces[2]), f"{pieces[0]}.{pieces[1]}".encode("ascii")


def verify_rs256(token: str, public_key: rsa.RSAPublicKey) -> bytes:
    """The payload of a JWS signed with RS256 by `public_key`; JWSError otherwise."""
    header, payload, signature, signing_input = parts(token)
    if header.get("alg") != "RS256":
        raise JWSError(f"expected alg RS256, found {header.get('alg')!r}")
    try:
        public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise JWSError("the signature does not verify with this key") from None
    return payload
