"""awards/published.txt: every award id a build has published, since its URL answers for ever.

A build adds the ids it published; an id listed there whose record is gone stops the build
(DESIGN §4): the record must stay, revoked if need be.
"""

from __future__ import annotations

import os
from pathlib import Path

from .awards import AWARDS_DIR, UUID_RE
from .errors import Problem
from .frontmatter import decode

PUBLISHED_FILE = "published.txt"  # in awards/
PUBLISHED_HEADER = """\
# Every award id that a build has published (`vitrine build` adds new ones). Keep this file under
# version control with the records: an id listed here must stay in awards/*.yaml, revoked if need
# be (`vitrine revoke ID --reason ...`), because its URL answers for ever. Delete a line only for
# an award that was never put online.
"""

_PUBLISHED_READ: dict[Path, tuple[tuple, tuple[list[str], frozenset[str], list[Problem]]]] = {}


def _published(root: Path) -> tuple[list[str], frozenset[str], list[Problem]]:
    """awards/published.txt as its lines (stripped), the set of them, and a problem reading it. A
    build reads it twice (to check it, then to add to it): the second time, unless the file
    changed, from memory."""
    file = root / AWARDS_DIR / PUBLISHED_FILE
    try:
        st = file.stat()
    except OSError:
        return [], frozenset(), []
    stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
    known = _PUBLISHED_READ.get(file)
    if known is not None and known[0] == stamp:
        return known[1]
    text, problem = decode(file.read_bytes(), f"{AWARDS_DIR}/{PUBLISHED_FILE}")
    lines = [] if problem else [line.strip() for line in text.split("\n")]  # an id with spaces around it counts
    result = (lines, frozenset(lines), [problem] if problem else [])
    _PUBLISHED_READ.clear()
    _PUBLISHED_READ[file] = (stamp, result)
    return result


def published_ids(root: Path) -> frozenset[str]:
    """The lines of awards/published.txt, stripped: every published id is among them."""
    return _published(root)[1]


def check_published(root: Path, ids: set[str]) -> list[Problem]:
    """A problem for each line of published.txt that is not an id of `ids` (the records')."""
    lines, unique, problems = _published(root)
    other = unique.difference(ids)
    if not other and not problems:
        return []
    rel = f"{AWARDS_DIR}/{PUBLISHED_FILE}"
    problems = list(problems)
    for n, value in enumerate(lines, 1):  # lines come stripped
        if value not in other or not value or value.startswith("#"):
            continue
        if not UUID_RE.match(value):
            problems.append(Problem(rel, n, 1, "", f'"{value}" is not an award id (one lowercase UUID per line)'))
        else:
            problems.append(Problem(rel, n, 1, "", f"award {value} was published but is no longer in awards/*.yaml: "
                                    "its URL must keep answering. Restore its record (revoke it with `vitrine revoke "
                                    f"{value} --reason ...` if it should no longer count)"))
    return problems


def remember_published(root: Path, awards: list) -> int:
    """Append the ids not yet listed in awards/published.txt; the number added."""
    known = published_ids(root)
    new = [a.id for a in awards if a.id not in known]
    if not new:
        return 0
    append_lines(root / AWARDS_DIR / PUBLISHED_FILE, PUBLISHED_HEADER, new)
    return len(new)


def append_lines(file: Path, header: str, lines: list[str]) -> None:
    """Add lines to a record of awards/ kept as written otherwise (made with `header`), replaced
    in one step: an interrupted build leaves it whole."""
    text = file.read_text(encoding="utf-8") if file.is_file() else header
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{line}\n" for line in lines)
    tmp = file.with_name(f".{file.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)
