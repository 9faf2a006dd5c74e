"""Revocation of Open Badges 3.0 credentials: a Bitstring Status List, and where each award sits.

Each credential's `credentialStatus` names one bit of the site's status list credential
(`/status/1.json`): 1 when the award is revoked. The list is signed and rebuilt at every build;
the credentials themselves never change when an award is revoked.

An award's position in the list is chosen once and kept for ever in `awards/status.txt` (commit
it with the records, like `published.txt`): one line `AWARD-ID INDEX`. A new award's index is
derived from its id (SHA-256, then the next free position): pseudo-random, so that positions do
not reveal the order of the awards, and the same on every machine. The list has at least 131,072
positions (the herd privacy the specification asks for), and grows by doubling so that it is never
more than half full; an index once given never moves.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from datetime import date
from pathlib import Path

from ..errors import Problem
from . import multibase

STATUS_FILE = "status.txt"  # in awards/
MIN_BITS = 131072
LIST_PATH = "status/1.json"
PURPOSE = "revocation"
_LINE_RE = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(\d+)$")
HEADER = """\
# Open Badges 3.0 status list positions: `award-id index`, one per line, written by `vitrine build`.
# Keep this file under version control with the records: a credential names its position for
# ever, so an index must never change or be given to another award.
"""


def read_indexes(root: Path) -> tuple[dict[str, int], list[Problem]]:
    file = root / "awards" / STATUS_FILE
    rel = f"awards/{STATUS_FILE}"
    if not file.is_file():
        return {}, []
    out: dict[str, int] = {}
    owners: dict[int, tuple[str, int]] = {}
    problems = []
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem(rel, 1, 1, "", f"cannot be read: {exc}")]
    for n, line in enumerate(text.split("\n"), 1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        match = _LINE_RE.match(value)
        if match is None:
            problems.append(Problem(rel, n, 1, "", "expected `AWARD-ID INDEX` (a lowercase UUID, a space, a whole number)"))
            continue
        award_id, index = match.group(1), int(match.group(2))
        if award_id in out:
            problems.append(Problem(rel, n, 1, "", f"award {award_id} is listed twice"))
        elif index in owners:
            other = owners[index]
            problems.append(Problem(rel, n, len(award_id) + 2, "", f"index {index} is already award {other[0]}'s "
                                    f"(line {other[1]}): each award needs its own position"))
        else:
            out[award_id] = index
            owners[index] = (award_id, n)
    return out, problems


def capacity(count: int, highest: int = -1) -> int:
    """The list's length in bits: at least MIN_BITS, doubled until at most half full, and
    long enough for every index already given."""
    size = MIN_BITS
    while size < 2 * count or size <= highest:
        size *= 2
    return size


def assign(indexes: dict[str, int], award_ids: list[str]) -> tuple[dict[str, int], list[str]]:
    """Every award's index: the known ones, and new ones for the others (in the order given).
    Returns (all indexes, the ids that got a new one)."""
    out = dict(indexes)
    new = [a for a in award_ids if a not in out]
    if not new:
        return out, []
    used = set(out.values())
    size = capacity(len(out) + len(new), max(used, default=-1))
    for award_id in new:
        index = int.from_bytes(hashlib.sha256(award_id.encode("ascii")).digest()[:8], "big") % size
        while index in used:
            index = (index + 1) % size
        used.add(index)
        out[award_id] = index
    return out, new


def save_indexes(root: Path, indexes: dict[str, int], new: list[str]) -> None:
    """Append the new assignments to awards/status.txt (kept as written otherwise)."""
    if not new:
        return
    from ..published import append_lines

    append_lines(root / "awards" / STATUS_FILE, HEADER, [f"{award_id} {indexes[award_id]}" for award_id in new])


def encode_list(set_bits: list[int], size: int) -> str:
    """Multibase base64url of the GZIP of the bitstring; bit 0 is the first byte's highest bit."""
    data = bytearray(size // 8)
    for index in set_bits:
        data[index >> 3] |= 0x80 >> (index & 7)
    return multibase.encode(gzip.compress(bytes(data), compresslevel=9, mtime=0), "u")


def decode_list(encoded: str) -> bytes:
    return gzip.decompress(multibase.decode(encoded))


def bit(bits: bytes, index: int) -> bool:
    if index < 0 or index >> 3 >= len(bits):
        raise IndexError(f"index {index} is outside the status list ({len(bits) * 8} entries)")
    return bool(bits[index >> 3] & (0x80 >> (index & 7)))


def entry(base_url: str, index: int) -> dict:
    url = base_url + LIST_PATH
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": PURPOSE,
            "statusListIndex": str(index), "statusListCredential": url}


def list_credential(base_url: str, issuer: str, set_bits: list[int], size: int, valid_from: date) -> dict:
    """The status list credential, unsigned."""
    from .documents import VC_V2

    url = base_url + LIST_PATH
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": f"{valid_from.isoformat()}T00:00:00Z",
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": PURPOSE,
                              "encodedList": encode_list(sorted(set_bits), size)},
    }
