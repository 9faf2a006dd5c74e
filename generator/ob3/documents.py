"""The JSON-LD contexts and JSON Schemas shipped in generator/data/ob3, and a document loader.

Nothing is fetched: the loader answers the context URLs with the copies shipped with Vitrine
(`contexts/index.json` maps each URL to its file) and any extra documents it is given (a DID
document, a status list read from an offline folder); anything else is an error that names the
URL, never a network request.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

DATA = Path(__file__).resolve().parent.parent / "data" / "ob3"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"

ACHIEVEMENT_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ENDORSEMENT_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
PROFILE_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json"
SCHEMAS = {
    ACHIEVEMENT_SCHEMA: "ob_v3p0_achievementcredential_schema.json",
    ENDORSEMENT_SCHEMA: "ob_v3p0_endorsementcredential_schema.json",
    PROFILE_SCHEMA: "ob_v3p0_profile_schema.json",
}
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"


class DocumentNotFound(LookupError):
    """A URL the loader cannot answer without the network."""


@lru_cache(maxsize=1)
def context_index() -> dict[str, str]:
    return json.loads((DATA / "contexts" / "index.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def context(url: str) -> dict:
    name = context_index().get(url)
    if name is None:
        raise DocumentNotFound(url)
    return json.loads((DATA / "contexts" / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def schema(url: str) -> dict:
    name = SCHEMAS.get(url)
    if name is None:
        raise DocumentNotFound(url)
    return json.loads((DATA / "schema" / name).read_text(encoding="utf-8"))


def known_context(url: str) -> bool:
    return url in context_index()


def make_loader(extra: dict[str, Any] | None = None,
                fallback: Callable[[str], Any] | None = None) -> Callable[[str, dict], dict]:
    """A pyld document loader: shipped contexts, then `extra` {url: document}, then
    `fallback(url)` (may return None), else DocumentNotFound."""
    extra = dict(extra or {})

    def load(url: str, options: dict | None = None) -> dict:
        base = url.split("#", 1)[0]
        if known_context(base):
            document = context(base)
        elif base in extra:
            document = extra[base]
        elif fallback is not None and (found := fallback(base)) is not None:
            document = found
        else:
            raise DocumentNotFound(url)
        return {"contextUrl": None, "documentUrl": base, "document": document}

    return load


STATIC_LOADER = make_loader()
