"""The site's did:web identifier and DID document (DESIGN §3 and §5).

A site served at https://example.org/badges/ is `did:web:example.org:badges`, whose document a
resolver fetches from https://example.org/badges/did.json: the built site's `did.json`. A site
at the root of its host is `did:web:example.org`, with its document at `/.well-known/did.json`.
A port is written `%3A` in the DID.

The document lists every Ed25519 key as a Multikey verification method `<did>#<kid>`, retired
ones included, so that what an old key signed still verifies; every one is an assertionMethod but
the withdrawn (compromised) ones: these stay listed as verification methods, marked `revoked` (the
day they were withdrawn, sec:revoked of the Multikey context), so that a proof they made fails
every verifier (the proof purpose check, and the revocation check of those that make it).
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from .documents import DID_V1, MULTIKEY_V1
from .multibase import public_multikey

DID_FILE = "did.json"
WELL_KNOWN = ".well-known/did.json"


def did_web(base_url: str) -> str:
    parts = urlsplit(base_url)
    host = quote(parts.netloc, safe="")  # example.org:8443 -> example.org%3A8443
    segments = [quote(s, safe="-._~!$&'()*+,;=@") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments])


def document_path(base_url: str) -> str:
    """Where the DID document is published, relative to the site's root."""
    return DID_FILE if urlsplit(base_url).path.strip("/") else WELL_KNOWN


def resolve_url(did: str) -> str:
    """The https URL of a did:web DID's document (fragment and query ignored)."""
    bare = did.split("#", 1)[0].split("?", 1)[0]
    if not bare.startswith("did:web:"):
        raise ValueError(f"{did} is not a did:web DID")
    parts = bare[len("did:web:"):].split(":")
    host = unquote(parts[0])
    if not host:
        raise ValueError(f"{did} has no host")
    if len(parts) == 1:
        return f"https://{host}/{WELL_KNOWN}"
    return f"https://{host}/" + "/".join(unquote(p) for p in parts[1:]) + f"/{DID_FILE}"


def method_id(did: str, kid: str) -> str:
    return f"{did}#{kid}"


def document(did: str, keys: list) -> dict:
    """The DID document: `keys` are keys.KeyInfo (Ed25519), oldest first."""
    methods = []
    for k in keys:
        method = {"id": method_id(did, k.kid), "type": "Multikey", "controller": did,
                  "publicKeyMultibase": public_multikey(k.public_key)}
        if getattr(k, "withdrawn", None) is not None:
            method["revoked"] = f"{k.withdrawn.isoformat()}T00:00:00Z"
        methods.append(method)
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods if "revoked" not in m],
    }
