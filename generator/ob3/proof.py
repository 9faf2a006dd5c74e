"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite: make them, check them.

The signed bytes are SHA-256(canonical proof options) + SHA-256(canonical document), both
canonicalized by RDFC-1.0 (canon.py); the proof options are the proof without `proofValue`, with
the document's `@context`. The signature is Ed25519 (deterministic: the same document, options
and key always give the same proof), published as multibase base58btc (`z...`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, Callable

from cryptography.exceptions import InvalidSignature

from . import multibase
from .canon import Canonicalizer, plain_nquads

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(ValueError):
    """The proof is malformed or does not verify; the message says why."""


def timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def proof_options(created: str, verification_method: str, purpose: str = "assertionMethod") -> dict:
    return {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": created,
            "verificationMethod": verification_method, "proofPurpose": purpose}


def signing_input(document: dict, options: dict, nquads: Callable[[dict], str],
                  config_digests: dict | None = None) -> bytes:
    """SHA-256 of the canonical proof options, then of the canonical document (without proof).

    `config_digests`, a dict, remembers the first half: many documents share their options (same
    contexts, day and key)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = dict(options)
    config.pop("proofValue", None)
    config["@context"] = document["@context"]
    if config_digests is None:
        first = hashlib.sha256(nquads(config).encode("utf-8")).digest()
    else:
        key = json.dumps(config, sort_keys=True, ensure_ascii=False)
        first = config_digests.get(key)
        if first is None:
            first = config_digests[key] = hashlib.sha256(nquads(config).encode("utf-8")).digest()
    return first + hashlib.sha256(nquads(unsecured).encode("utf-8")).digest()


def make_proof(document: dict, private_key: Any, verification_method: str, created: str,
               canonicalizer: Canonicalizer | None = None, purpose: str = "assertionMethod",
               config_digests: dict | None = None) -> dict:
    """The proof (a dict, `proofValue` last) of a document that has none."""
    nquads = canonicalizer.nquads if canonicalizer is not None else plain_nquads
    options = proof_options(created, verification_method, purpose)
    signature = private_key.sign(signing_input(document, options, nquads, config_digests))
    return {**options, "proofValue": multibase.encode(signature)}


def check_proof(document: dict, proof: dict, public_key: Any,
                nquads: Callable[[dict], str] = plain_nquads) -> None:
    """ProofError unless `proof` (one of the document's) is a valid eddsa-rdfc-2022 signature by
    `public_key` (an Ed25519PublicKey)."""
    if not isinstance(proof, dict):
        raise ProofError("the proof is not a JSON object")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"unsupported proof: type {proof.get('type')!r}, cryptosuite {proof.get('cryptosuite')!r} "
                         f"(expected {PROOF_TYPE} with {CRYPTOSUITE})")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("proofValue is missing or not base58btc multibase (z...)")
    try:
        signature = multibase.decode(value)
    except multibase.MultibaseError as exc:
        raise ProofError(f"proofValue: {exc}") from None
    if len(signature) != 64:
        raise ProofError(f"proofValue is {len(signature)} bytes, an Ed25519 signature has 64")
    if "@context" in proof:
        # a proof that names contexts must name the document's, in the same order (Data Integrity)
        contexts = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
        document_contexts = document.get("@context") if isinstance(document.get("@context"), list) else [document.get("@context")]
        if document_contexts[: len(contexts)] != contexts:
            raise ProofError("the proof's @context does not match the document's")
    options = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    try:
        public_key.verify(signature, signing_input(document, options, nquads))
    except InvalidSignature:
        raise ProofError("the signature does not match the credential: it was changed after signing, "
                         "or signed with another key") from None
