"""Award records: read and check `awards/*.yaml` (DESIGN §4), and keep published ids for ever.

Each file is a YAML list of records. A record is checked like content: every mistake is reported
as `path:line:col: field: message`, and every problem of every file is gathered. The recipient's
e-mail address is read here and turned into its salted hash; it goes no further than `Record`,
which only the `vitrine award`, `revoke` and `awards` commands see.

Files that the tool writes are block lists (`- id: ...` at the start of a line). Such a file is
split into its records before parsing, so that a file of thousands of records parses in small
pieces (each with its exact line numbers) and a broken record does not hide the others.

`awards/published.txt` lists every id a build has published. An id listed there must stay in the
records (revoked if need be): its URL answers for ever. The build appends new ids to it.
"""

from __future__ import annotations

import hashlib
import os
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

from . import markup
from .errors import Problem, did_you_mean
from .fields import URL_RE, Fields, type_name
from .frontmatter import Document, decode, parse_yaml
from .model import Award, Badge, Catalogue, Duration, Evidence, Revocation

AWARDS_DIR = "awards"
PUBLISHED_FILE = "published.txt"  # in awards/
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SALT_RE = re.compile(r"^[0-9a-f]{16,128}$")
_ITEM_RE = re.compile(r"^-(?:[ \t]|$)")
_GROUP = 64  # records parsed together (well under frontmatter.MAX_NODES)
FIELDS = ("id", "badge", "recipient", "name", "consent", "issued_on", "expires", "evidence", "narrative",
          "salt", "revoked")
PUBLISHED_HEADER = """\
# Every award id that a build has published (`vitrine build` adds new ones). Keep this file under
# version control with the records: an id listed here must stay in awards/*.yaml, revoked if need
# be (`vitrine revoke ID --reason ...`), because its URL answers for ever. Delete a line only for
# an award that was never put online.
"""


def today() -> date:
    """The day the checks and statuses refer to: SOURCE_DATE_EPOCH (reproducible builds) or today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).date()
    return date.today()


def add_duration(start: date, duration: Duration) -> date:
    """`start` plus an ISO 8601 duration; the 31st plus one month is the last day of the month."""
    months = start.month - 1 + duration.months + 12 * duration.years
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=duration.days)


def normalise_email(email: str) -> str:
    """The form that is hashed: trimmed and lower-cased (as backpacks and our in-page check do)."""
    return email.strip().lower()


def identity_hash(email: str, salt: str) -> str:
    """Open Badges recipient identity: "sha256$" + hex(sha256(e-mail + salt))."""
    return "sha256$" + hashlib.sha256((normalise_email(email) + salt).encode("utf-8")).hexdigest()


def markdown_html(text: str) -> str:
    """Markdown of an award record, with raw HTML shown as text (records may come from a CSV)."""
    return markup.to_html(text.replace("<", "&lt;"))


@dataclass
class Record:
    """One record as written, for the award commands; `award` is None when it has problems."""

    path: str  # site-relative file
    start: int  # first line of the record (its "- ")
    end: int  # last line that belongs to it (blank lines and comments after it excluded)
    indent: int  # column of its keys, 0-based (2 for "- id: ...")
    data: dict[str, Any]
    id_at: tuple[int, int] = (1, 1)  # line and column of its id
    award: Award | None = None
    email: str | None = None  # never leaves the award commands

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value if isinstance(value, str) else None


# -- reading ---------------------------------------------------------------------------------

def _spans(lines: list[str]) -> list[tuple[int, int]] | None:
    """[(first, end)) line indexes of each record of a block list; None if it is not one."""
    starts = [i for i, line in enumerate(lines) if _ITEM_RE.match(line)]
    if not starts:
        return None
    for line in lines[: starts[0]]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return None
    ends = starts[1:] + [len(lines)]
    return list(zip(starts, ends))


def _trim_end(lines: list[str], first: int, end: int) -> int:
    """Index of the last line of a record, skipping trailing blank lines and column-0 comments."""
    last = end - 1
    while last > first and (not lines[last].strip() or lines[last].startswith("#")):
        last -= 1
    return last


def _split_marks(marks: dict, index: int) -> dict:
    return {k[1:]: v for k, v in marks.items() if k and k[0] == index}


def parse_file(text: str, path: str) -> tuple[list[tuple[Document, int, int, int]], list[Problem]]:
    """The records of one file as (document, first line, last line, key column), and problems."""
    lines = text.split("\n")
    spans = _spans(lines)
    problems: list[Problem] = []
    out: list[tuple[Document, int, int, int]] = []

    def take(value: Any, marks: dict, key_marks: dict, spans_: list[tuple[int, int]]) -> None:
        for j, (first, end) in enumerate(spans_):
            rec_marks = _split_marks(marks, j)
            doc = Document(path, value[j], "", 1, rec_marks, _split_marks(key_marks, j))
            line, col = marks.get((j,), (first + 1, 3))
            out.append((doc, first + 1, _trim_end(lines, first, end) + 1, col - 1))

    if spans is None:  # not a block list written by the tool: parse the whole file
        value, marks, key_marks, problem = parse_yaml(text, path)
        if problem:
            return [], [problem]
        if value is None:
            return [], []
        if not isinstance(value, list):
            return [], [Problem(path, 1, 1, "", f"expected a list of award records (- id: ...), found {type_name(value)}")]
        # positions of each item: the line of its first value
        item_spans = []
        for j in range(len(value)):
            line = marks.get((j,), (1, 1))[0]
            item_spans.append((line - 1, line))
        for j, item in enumerate(value):
            if not isinstance(item, dict):
                line, col = marks.get((j,), (1, 1))
                problems.append(Problem(path, line, col, "", f"expected an award record (id: ..., badge: ...), found {type_name(item)}"))
                continue
            line, col = marks.get((j,), (1, 1))
            doc = Document(path, item, "", 1, _split_marks(marks, j), _split_marks(key_marks, j))
            out.append((doc, line, line, col - 1))
        return out, problems

    for g in range(0, len(spans), _GROUP):
        group = spans[g: g + _GROUP]
        first = group[0][0]
        chunk = "\n".join(lines[first: group[-1][1]])
        value, marks, key_marks, problem = parse_yaml(chunk, path, line_offset=first)
        if problem is None and isinstance(value, list) and len(value) == len(group):
            pass
        else:  # parse record by record to report each broken one and keep the others
            for start, end in group:
                value, marks, key_marks, problem = parse_yaml("\n".join(lines[start:end]), path, line_offset=start)
                if problem:
                    problems.append(problem)
                elif not isinstance(value, list) or len(value) != 1:
                    problems.append(Problem(path, start + 1, 1, "", "expected one award record per \"- \" item"))
                elif not isinstance(value[0], dict):
                    problems.append(Problem(path, start + 1, 1, "", f"expected an award record (id: ..., badge: ...), found {type_name(value[0])}"))
                else:
                    take(value, marks, key_marks, [(start, end)])
            continue
        for j, item in enumerate(value):
            if not isinstance(item, dict):
                start = group[j][0]
                problems.append(Problem(path, start + 1, 1, "", f"expected an award record (id: ..., badge: ...), found {type_name(item)}"))
        good = [(j, s) for j, (item, s) in enumerate(zip(value, group)) if isinstance(item, dict)]
        for j, (start, end) in good:
            rec_doc = Document(path, value[j], "", 1, _split_marks(marks, j), _split_marks(key_marks, j))
            line, col = marks.get((j,), (start + 1, 3))
            out.append((rec_doc, start + 1, _trim_end(lines, start, end) + 1, col - 1))
    return out, problems


def check_record(doc: Document, badges: dict[str, Badge | None], on: date,
                 problems: list[Problem]) -> tuple[Award | None, str | None]:
    """Check one record's fields; the award (None if it has problems) and the e-mail address."""
    before = len(problems)
    f = Fields(doc, problems)
    award_id = f.text("id", required=True, oneline=True)
    if award_id is not None and not UUID_RE.match(award_id):
        f.fail("id", f'"{award_id}" is not a lowercase UUID such as 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b '
                     "(`vitrine award` assigns ids)")
    slug = f.slug("badge", required=True)
    badge = None
    if slug is not None:
        if slug not in badges:
            f.fail("badge", f'no badge "{slug}"' + did_you_mean(slug, badges, "badges"))
        else:
            badge = badges[slug]
            if badge is not None and badge.status == "draft":
                f.fail("badge", f'"{slug}" is a draft: publish it (status: active) before awarding it')
    email = f.email("recipient", required=True)
    name = f.text("name", oneline=True, max_len=200)
    consent = f.boolean("consent")
    if consent and not name and not f.has("name"):
        f.fail("consent", 'consent to publish a name, but there is no "name"')
    issued = f.date("issued_on")
    if not f.has("issued_on"):
        f.missing("issued_on", " (the day of the award, such as 2024-09-01)")
    elif issued is not None and issued > on:
        f.fail("issued_on", f"{issued} is in the future (today is {on})")
    expires = f.date("expires")
    if expires is not None and issued is not None and expires <= issued:
        f.fail("expires", f"{expires} is not after issued_on ({issued}): an award expires after it is issued")
    if expires is None and issued is not None and badge is not None and badge.validity is not None:
        expires = add_duration(issued, badge.validity)
    if (badge is not None and badge.status == "retired" and badge.retired_on is not None
            and issued is not None and issued > badge.retired_on):
        f.fail("issued_on", f'{issued} is after the badge "{slug}" was retired ({badge.retired_on}): '
                            "a retired badge is no longer awarded")
    evidence = _evidence(f)
    narrative = f.text("narrative", max_len=5000) or ""
    salt = f.text("salt", required=True, oneline=True)
    if salt is not None and not SALT_RE.match(salt):
        f.fail("salt", "expected 16 to 128 lowercase hexadecimal digits (`vitrine award` assigns salts)")
    revoked = None
    sub = f.mapping("revoked")
    if sub is not None:
        when = sub.date("date")
        if not sub.has("date"):
            sub.missing("date", " (the day of the revocation)")
        elif when is not None and issued is not None and when < issued:
            sub.fail("date", f"{when} is before issued_on ({issued})")
        elif when is not None and when > on:
            sub.fail("date", f"{when} is in the future (today is {on})")
        reason = sub.text("reason", required=True, max_len=1000)
        sub.done()
        if when is not None and reason:
            revoked = Revocation(when, reason)
    f.done()
    if len(problems) > before or award_id is None or slug is None or email is None or issued is None or salt is None:
        return None, email
    line = doc.where(("id",))[0] if ("id",) in doc.marks else 1
    return Award(id=award_id, badge=slug, identity=identity_hash(email, salt), salt=salt, issued_on=issued,
                 expires=expires, name=name if consent and name else None, evidence=evidence,
                 narrative=narrative, narrative_html=markdown_html(narrative), revoked=revoked,
                 source=doc.path, line=line), email


def _evidence(f: Fields) -> list[Evidence]:
    out = []
    for i, item in f.items("evidence"):
        if isinstance(item, str):
            url = item.strip()
            if not URL_RE.match(url):
                f.fail(("evidence", i), f'"{url}" is not an absolute http(s) URL (https://...)')
            else:
                out.append(Evidence(url=url))
        elif isinstance(item, dict):
            sub = Fields(f.doc, f.problems, ("evidence", i), item)
            url = sub.url("url")
            name = sub.text("name", oneline=True, max_len=200)
            narrative = sub.text("narrative", max_len=5000) or ""
            if not sub.has("url") and not sub.has("narrative"):
                sub.fail(None, 'expected "url" (where to see the work) or "narrative" (what was done)')
            sub.done()
            if url or narrative:
                out.append(Evidence(url=url, name=name, narrative=narrative, narrative_html=markdown_html(narrative)))
        else:
            f.fail(("evidence", i), f"expected a URL, or a mapping of url, name and narrative; found {type_name(item)}")
    return out


def award_files(root: Path) -> list[Path]:
    folder = root / AWARDS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))


def load_records(root: Path, badges: dict[str, Badge | None], on: date | None = None,
                 overrides: dict[str, str] | None = None) -> tuple[list[Record], list[Problem]]:
    """Every record of awards/*.yaml, checked, with every problem (ids unique, published kept).

    `overrides` maps a site-relative path to the text to check instead of the file's (the award
    commands check a file's new text before writing it); a path may name a file not yet written.
    """
    on = on or today()
    overrides = overrides or {}
    problems: list[Problem] = []
    records: list[Record] = []
    paths = {f"{AWARDS_DIR}/{p.name}": p for p in award_files(root)}
    for rel in overrides:
        paths.setdefault(rel, root / rel)
    for rel in sorted(paths):
        if rel.endswith(".yml"):
            problems.append(Problem(rel, 1, 1, "", "award files end in .yaml: rename it"))
            continue
        if rel in overrides:
            text = overrides[rel]
        else:
            text, problem = decode(paths[rel].read_bytes(), rel)
            if problem:
                problems.append(problem)
                continue
        docs, found = parse_file(text, rel)
        problems.extend(found)
        for doc, start, end, indent in docs:
            record = Record(rel, start, end, indent, doc.data, doc.where(("id",)))
            record.award, record.email = check_record(doc, badges, on, problems)
            records.append(record)
    seen: dict[str, Record] = {}
    for record in records:
        rid = record.id
        if rid is None:
            continue
        if rid in seen:
            first = seen[rid]
            problems.append(Problem(record.path, *record.id_at, "id", f"duplicate id: already used at {first.path}:{first.start}"))
            record.award = None
        else:
            seen[rid] = record
    problems.extend(check_published(root, set(seen)))
    return records, problems


def load_awards(root: Path, badges: dict[str, Badge | None]) -> tuple[list, list[Problem]]:
    """The checked awards of a site, for the loader."""
    records, problems = load_records(root, badges)
    return [r.award for r in records if r.award is not None], problems


def count_holders(catalogues: Iterable[Catalogue], awards: list) -> None:
    """Badge.holders of every language: the number of awards not revoked."""
    counts: dict[str, int] = {}
    for award in awards:
        if award.revoked is None:
            counts[award.badge] = counts.get(award.badge, 0) + 1
    for cat in catalogues:
        for badge in cat.badges.values():
            badge.holders = counts.get(badge.slug, 0)


# -- published ids ---------------------------------------------------------------------------

def read_published(root: Path) -> tuple[list[tuple[str, int]], list[Problem]]:
    file = root / AWARDS_DIR / PUBLISHED_FILE
    rel = f"{AWARDS_DIR}/{PUBLISHED_FILE}"
    if not file.is_file():
        return [], []
    text, problem = decode(file.read_bytes(), rel)
    if problem:
        return [], [problem]
    out, problems = [], []
    for n, line in enumerate(text.split("\n"), 1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        if not UUID_RE.match(value):
            problems.append(Problem(rel, n, 1, "", f'"{value}" is not an award id (one lowercase UUID per line)'))
        else:
            out.append((value, n))
    return out, problems


def check_published(root: Path, ids: set[str]) -> list[Problem]:
    published, problems = read_published(root)
    rel = f"{AWARDS_DIR}/{PUBLISHED_FILE}"
    for value, n in published:
        if value not in ids:
            problems.append(Problem(rel, n, 1, "", f"award {value} was published but is no longer in awards/*.yaml: "
                                    "its URL must keep answering. Restore its record (revoke it with `vitrine revoke "
                                    f"{value} --reason ...` if it should no longer count)"))
    return problems


def remember_published(root: Path, awards: list) -> int:
    """Append the ids not yet listed in awards/published.txt; the number added."""
    published, _ = read_published(root)
    known = {value for value, _ in published}
    new = [a.id for a in awards if a.id not in known]
    if not new:
        return 0
    file = root / AWARDS_DIR / PUBLISHED_FILE
    text = file.read_text(encoding="utf-8") if file.is_file() else PUBLISHED_HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{value}\n" for value in new)
    tmp = file.with_name(f".{file.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)
    return len(new)
