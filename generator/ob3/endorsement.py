"""Open Badges 3.0 endorsements: EndorsementCredentials of the site's own issuers, and ones made
elsewhere (content/endorsements/*.json), checked at build time.

A badge's `endorsements` (an issuer of the site vouching for it, with a comment and a day) become
EndorsementCredentials signed with the site's key, whose subject is the badge's achievement. They
are published at `/endorsements/<badge>/<issuer>.json` and embedded in the achievement of every
credential of the badge (`achievement.endorsement`), so that a wallet shows them.

An endorsement made by someone else is a signed EndorsementCredential (JSON) put in
`content/endorsements/`. Its subject must be one of the site's badges (its page URL, which is the
achievement's id). It is checked at build time, offline: its proof must be a valid
eddsa-rdfc-2022 signature by a key of its issuer, resolved from the issuer's did:key, or from the
issuer's DID document put beside it as a JSON file (`did:web` documents are not fetched at build
time). Valid, it is published at `/endorsements/external/<name>.json` and embedded like the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..model import Badge, Endorsement
from . import did as didweb
from .credential import CONTEXT
from .documents import ENDORSEMENT_SCHEMA, SCHEMA_VALIDATOR_TYPE
from .proof import timestamp

FOLDER = "content/endorsements"


def path(badge: Badge, endorsement: Endorsement, n: int) -> str:
    suffix = f"-{n + 1}" if n else ""
    return f"endorsements/{badge.slug}/{endorsement.issuer.slug}{suffix}.json"


def credential(base_url: str, badge: Badge, endorsement: Endorsement, issuer_profile: dict, rel: str,
               achievement_id: str) -> dict:
    """An EndorsementCredential by one of the site's issuers, unsigned."""
    day = endorsement.date or badge.date
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "id": base_url + rel,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": f"{badge.name} — {endorsement.issuer.name}",
        "issuer": issuer_profile,
        "validFrom": timestamp(day),  # type: ignore[arg-type]
        "credentialSubject": {"id": achievement_id, "type": ["EndorsementSubject"]},
        "credentialSchema": [{"id": ENDORSEMENT_SCHEMA, "type": SCHEMA_VALIDATOR_TYPE}],
    }
    if endorsement.comment:
        out["description"] = endorsement.comment
        out["credentialSubject"]["endorsementComment"] = endorsement.comment
    return out


@dataclass
class External:
    file: str  # site-relative
    name: str  # file name without .json
    subject: str  # the achievement id it endorses
    document: dict


class _Files:
    """A verify.Fetcher stand-in that answers DID documents given as files, and nothing else."""

    def __init__(self, documents: dict[str, Any]):
        self.documents = documents
        self.network = False

    def json(self, url: str) -> Any:
        from ..verify import FetchError

        base = url.split("#", 1)[0]
        if base in self.documents:
            return self.documents[base]
        raise FetchError(f"{base}: not fetched at build time (put the issuer's DID document beside the endorsement)")

    def get(self, url: str) -> bytes:
        return json.dumps(self.json(url)).encode("utf-8")


def read_external(root: Path, achievement_ids: dict[str, str]) -> tuple[list[External], list[Problem]]:
    """Every endorsement file, checked; `achievement_ids` maps achievement ids to badge slugs."""
    from ..verify_ob3 import KeyError_, verify_data_integrity
    from .canon import CanonError, UndefinedTerm, plain_nquads
    from .proof import ProofError

    folder = root / FOLDER
    if not folder.is_dir():
        return [], []
    problems: list[Problem] = []
    loaded: list[tuple[str, Any]] = []
    for file in sorted(folder.glob("*.json")):
        rel = f"{FOLDER}/{file.name}"
        try:
            loaded.append((rel, json.loads(file.read_text(encoding="utf-8-sig"))))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(Problem(rel, 1, 1, "", f"not readable JSON ({exc})"))
    dids = {didweb.resolve_url(d["id"]): d for _, d in loaded
            if isinstance(d, dict) and str(d.get("id", "")).startswith("did:web:")}
    files = _Files(dids)
    out = []
    for rel, document in loaded:
        if isinstance(document, dict) and str(document.get("id", "")).startswith("did:"):
            continue  # a DID document, used to check the endorsements
        types = document.get("type") if isinstance(document, dict) else None
        if not isinstance(types, list) or "EndorsementCredential" not in types:
            problems.append(Problem(rel, 1, 1, "type", "expected an EndorsementCredential (Open Badges 3.0), "
                                                       "or the DID document of an endorser"))
            continue
        subject = document.get("credentialSubject")
        subject_id = subject.get("id") if isinstance(subject, dict) else None
        if subject_id not in achievement_ids:
            problems.append(Problem(rel, 1, 1, "credentialSubject.id", f"{subject_id!r} is not one of this site's badges "
                                    "(expected a badge page's URL, the id of its Open Badges 3.0 achievement)"))
            continue
        try:
            _, controller, _ = verify_data_integrity(document, files, plain_nquads)  # type: ignore[arg-type]
        except (ProofError, KeyError_, UndefinedTerm, CanonError) as exc:
            problems.append(Problem(rel, 1, 1, "proof", f"the endorsement does not verify: {exc}"))
            continue
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if controller != issuer_id:
            problems.append(Problem(rel, 1, 1, "proof", f"signed by a key of {controller}, not of its issuer {issuer_id}"))
            continue
        out.append(External(rel, Path(rel).stem, subject_id, document))
    return out, problems
