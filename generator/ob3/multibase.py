"""Multibase (base58btc `z`, base64url `u`) and Multikey encodings of Ed25519 keys.

An Ed25519 public key as Multikey is `z` + base58btc(0xed 0x01 + the 32 raw bytes), which
always starts with `z6Mk`. A proof value is `z` + base58btc(the 64-byte signature).
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
ED25519_PUB_PREFIX = b"\xed\x01"


class MultibaseError(ValueError):
    pass


_CHUNK = 58 ** 10  # ten base58 digits per big-integer division, the rest on small integers


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, chunk = divmod(n, _CHUNK)
        for _ in range(10):
            chunk, rem = divmod(chunk, 58)
            out.append(_ALPHABET[rem])
    while out and out[-1] == "1":  # leading zero digits of the last chunk
        out.pop()
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        if c not in _INDEX:
            raise MultibaseError(f"{c!r} is not a base58btc character")
        n = n * 58 + _INDEX[c]
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MultibaseError("not base64url") from None


def encode(data: bytes, base: str = "z") -> str:
    if base == "z":
        return "z" + b58encode(data)
    if base == "u":
        return "u" + b64url(data)
    raise MultibaseError(f"unsupported multibase prefix {base!r}")


def decode(text: str) -> bytes:
    if not isinstance(text, str) or not text:
        raise MultibaseError("empty multibase value")
    if text[0] == "z":
        return b58decode(text[1:])
    if text[0] == "u":
        return b64url_decode(text[1:])
    raise MultibaseError(f"unsupported multibase prefix {text[0]!r} (expected z or u)")


def public_multikey(public_key: ed25519.Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return encode(ED25519_PUB_PREFIX + raw)


def public_from_multikey(text: str) -> ed25519.Ed25519PublicKey:
    data = decode(text)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey (expected z6Mk...)")
    return ed25519.Ed25519PublicKey.from_public_bytes(data[2:])
