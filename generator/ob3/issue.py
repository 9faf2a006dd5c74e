"""Signing credentials for a build: the issuer's keys, the proof cache, JSON output.

A proof is made once per credential content. The cache (`.vitrine-cache/ob3-proofs/`) maps the
SHA-256 of the unsigned credential's JSON to its proof; a credential whose content has not changed
gets its proof from there without being canonicalized or signed again, as long as the key that
made it is still published in the DID document and not withdrawn (keys.withdraw_keys). Workers of a parallel build each append what
they signed to a file of their own; the next build reads them all and merges them into one.

`created` is the day the credential says it was issued (or the key's creation day, if later): no
clock is read, so the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .canon import Canonicalizer
from .did import method_id
from .proof import make_proof, timestamp

CACHE_DIR = "ob3-proofs"
CACHE_VERSION = "1"
MERGED = "proofs.txt"


def dumps(document: dict) -> bytes:
    """Published JSON: compact (the C encoder; pretty printing costs more than signing), UTF-8."""
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def content_key(text: str) -> str:
    """The cache key of an unsigned document, from its compact JSON."""
    return hashlib.sha256((CACHE_VERSION + "\0" + text).encode("utf-8")).hexdigest()


class ProofCache:
    """content key -> proof, on disk as lines `key created method proofValue`."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.proofs: dict[str, tuple[str, str, str]] = {}
        self._out = None
        self._pid = 0
        self.added = 0
        if folder is not None and folder.is_dir():
            for file in sorted(folder.glob("*.txt")):
                try:
                    text = file.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                for line in text.split("\n"):
                    parts = line.split(" ")
                    if len(parts) == 4:
                        self.proofs[parts[0]] = (parts[1], parts[2], parts[3])

    def get(self, key: str) -> tuple[str, str, str] | None:
        return self.proofs.get(key)

    def put(self, key: str, created: str, method: str, value: str) -> None:
        self.proofs[key] = (created, method, value)
        if self.folder is None:
            return
        if self._out is None or self._pid != os.getpid():  # a forked worker writes a file of its own
            self.folder.mkdir(parents=True, exist_ok=True)
            self._pid = os.getpid()
            self._out = open(self.folder / f"new-{self._pid}-{os.urandom(4).hex()}.txt", "a", encoding="utf-8")
        self._out.write(f"{key} {created} {method} {value}\n")
        self._out.flush()
        self.added += 1

    def merge(self) -> None:
        """Fold every file into one (after a build; the parent process only)."""
        if self.folder is None or not self.folder.is_dir():
            return
        files = sorted(self.folder.glob("*.txt"))
        if len(files) <= 1:
            return
        fresh = ProofCache(self.folder)
        tmp = self.folder / f".{MERGED}.tmp-{os.getpid()}"
        tmp.write_text("".join(f"{k} {c} {m} {v}\n" for k, (c, m, v) in sorted(fresh.proofs.items())), encoding="utf-8")
        tmp.replace(self.folder / MERGED)
        for file in files:
            if file.name != MERGED:
                file.unlink(missing_ok=True)


@dataclass
class Issuer:
    """What signs: the DID, its Ed25519 keys (every one published), the current key."""

    did: str
    keys: list  # keys.KeyInfo, oldest first
    current: Any  # keys.KeyInfo
    cache: ProofCache = field(default_factory=lambda: ProofCache(None))
    canonicalizer: Canonicalizer = field(default_factory=lambda: Canonicalizer(check_first=False))
    signed: int = 0
    reused: int = 0

    def __post_init__(self) -> None:
        # proofs made by these keys are kept; a withdrawn key's are made again with the current key
        self.methods = {method_id(self.did, k.kid) for k in self.keys if getattr(k, "withdrawn", None) is None}
        self.config_digests: dict = {}

    def created(self, day: date) -> str:
        return timestamp(max(day, self.current.created))

    def _proof(self, document: dict, text: str, day: date) -> dict:
        key = content_key(text)
        hit = self.cache.get(key)
        if hit is not None and hit[1] in self.methods:
            created, method, value = hit
            self.reused += 1
            return {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": created,
                    "verificationMethod": method, "proofPurpose": "assertionMethod", "proofValue": value}
        method = method_id(self.did, self.current.kid)
        proof = make_proof(document, self.current.private_key, method, self.created(day), self.canonicalizer,
                           config_digests=self.config_digests)
        self.cache.put(key, proof["created"], method, proof["proofValue"])
        self.signed += 1
        return proof

    def sign(self, document: dict, day: date) -> dict:
        """The document with its proof (an array of one DataIntegrityProof)."""
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return {**document, "proof": [self._proof(document, text, day)]}

    def sign_text(self, document: dict, day: date) -> str:
        """The signed document as compact JSON (what dumps() gives, without the newline)."""
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        proof = self._proof(document, text, day)
        assert text.endswith("}") and "proof" not in document
        return text[:-1] + ',"proof":' + json.dumps([proof], ensure_ascii=False, separators=(",", ":")) + "}"
