"""Award records: read and check `awards/*.yaml` (DESIGN §4), and keep published ids for ever.

Each file is a YAML list of records. A record is checked like content: every mistake is reported
as `path:line:col: field: message`, and every problem of every file is gathered. The recipient's
e-mail address is read here and turned into its salted hash; it goes no further than `Record`,
which only the `vitrine award`, `revoke` and `awards` commands see.

Files are read into their records' YAML documents by award_yaml.py.

A build loads every file through award_loading.py (cached, in worker processes).

`awards/published.txt` lists every id a build has published. An id listed there must stay in the
records (revoked if need be): its URL answers for ever. The build appends new ids to it.
"""

from __future__ import annotations

import hashlib
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import markup
from .award_yaml import parse_file, parse_one, partition
from .clock import today
from .errors import Problem, did_you_mean
from .fields import EMAIL_RE, URL_RE, Fields
from .frontmatter import Document, decode
from .model import Award, Badge, Duration, Evidence, Revocation

AWARDS_DIR = "awards"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SALT_RE = re.compile(r"^[0-9a-f]{16,128}$")
FIELDS = ("id", "badge", "recipient", "name", "consent", "lang", "issued_on", "expires", "evidence", "narrative",
          "salt", "revoked")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")  # as site.yaml's languages (config.LANG_RE)


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


@lru_cache(maxsize=4096)
def markdown_html(text: str) -> str:
    """Markdown of an award record, with raw HTML shown as text (records may come from a CSV).
    Remembered: the awards of one campaign often share their narrative, written once in the CSV."""
    return markup.to_html(text.replace("<", "&lt;"), 3)  # under the award page's h2s


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


MADE_BY_THE_TOOL = " (records are made with `vitrine award`, which sets id and salt)"


def check_record(doc: Document, badges: dict[str, Badge | None], on: date, problems: list[Problem],
                 lazy_html: bool = False, languages: tuple[str, ...] = ()) -> tuple[Award | None, str | None]:
    """Check one record's fields; the award (None if it has problems) and the e-mail address.
    `languages`: the site's, which a record's `lang` must be one of (empty: any code)."""
    before = len(problems)
    f = Fields(doc, problems)
    award_id = f.text("id", required=f.has("id"), oneline=True)
    if not f.has("id"):
        f.missing("id", MADE_BY_THE_TOOL)
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
                renamed = f'badge "{badge.slug}" (formerly "{slug}")' if badge.slug != slug else f'"{slug}"'
                f.fail("badge", f"{renamed} is a draft: publish it (status: active) before awarding it")
    email = f.email("recipient", required=True)
    name = f.text("name", oneline=True, max_len=200)
    consent = f.boolean("consent")
    if consent and not name and not f.has("name"):
        f.fail("consent", 'consent to publish a name, but there is no "name"')
    lang = f.text("lang", oneline=True)  # the language of the e-mails `vitrine notify` sends: never published
    if lang is not None and not LANG_RE.match(lang):
        f.fail("lang", f'"{lang}" is not a language code such as fr or en (one of the site\'s languages: the '
                       "e-mails `vitrine notify` sends this recipient are written in it)")
    elif lang is not None and languages and lang not in languages:
        f.fail("lang", f'"{lang}" is not one of the site\'s languages ({", ".join(languages)}): the e-mails '
                       "`vitrine notify` sends this recipient are written in it" + did_you_mean(lang, languages, near_only=True))
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
    evidence = _evidence(f, lazy_html)
    narrative = published_markdown(f.text("narrative", max_len=5000) or "")
    for key, message in address_problems(email, consent, f.data.get("name"), f.data.get("narrative"),
                                         f.data.get("evidence")):
        f.fail(key, message)
    salt = f.text("salt", required=f.has("salt"), oneline=True)
    if not f.has("salt"):
        f.missing("salt", MADE_BY_THE_TOOL)
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
                 narrative=narrative, narrative_html="" if lazy_html else markdown_html(narrative), revoked=revoked,
                 source=doc.path, line=line), email


def record_key(award: Award) -> str:
    """A digest of everything an award's published files show of its record (incremental.py);
    kept on the award by load_awards (its cache stores it)."""
    known = award.__dict__.get("_key")
    if known is not None:
        return known
    parts = [award.id, award.badge, award.identity, award.salt, award.issued_on.isoformat(),
             award.expires.isoformat() if award.expires else "", award.name or "", award.narrative,
             repr([(e.url, e.name, e.narrative) for e in award.evidence]),
             repr((award.revoked.date.isoformat(), award.revoked.reason) if award.revoked else None)]
    return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=16).hexdigest()


class Awards(list):
    """The awards of a site in file order, with a digest per file of what its awards' files show
    (see award_groups), kept in the cache with the file's records."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.digests: dict[str, str] = {}
        self.on = today()


def award_groups(awards: list[Award], on: date, memo: dict | None = None) -> list[tuple[str, list[Award], str]]:
    """The awards by file, with a digest of what their files show (records and statuses that
    day): render.base.JobGroup's key, so that a build after one award was added makes the jobs of
    one file, not of 100,000 awards. `memo` (a dict kept by the caller) spares the work to the
    next output module."""
    if memo is not None and memo.get("on") == on and memo.get("awards") is awards:
        return memo["groups"]
    known = awards.digests if isinstance(awards, Awards) and awards.on == on else {}
    groups: list[tuple[str, list[Award], str]] = []
    current: list[Award] = []
    for award in awards:
        if current and award.source != current[0].source:
            groups.append((current[0].source, current, ""))
            current = []
        current.append(award)
    if current:
        groups.append((current[0].source, current, ""))
    seen: dict[str, int] = {}
    done = []
    for source, members, _ in groups:
        n = seen[source] = seen.get(source, 0) + 1  # a file split in two (awards not in file order)
        digest = known.get(source) if n == 1 else None
        if digest is None:
            digest = hashlib.blake2b("\n".join(f"{record_key(a)}:{a.status(on)}" for a in members).encode(),
                                     digest_size=16).hexdigest()
        done.append((source if n == 1 else f"{source}#{n}", members, digest))
    if memo is not None:
        memo.update(on=on, awards=awards, groups=done)
    return done


def published_markdown(text: str) -> str:
    """A narrative as the JSON publishes it (Markdown, which backpacks render): without the raw
    HTML and links that the pages' sanitizer removes (rawhtml.clean_markdown). Most narratives
    hold none: they are returned at once."""
    if "<" in text or "](" in text or "]:" in text:
        from .rawhtml import clean_markdown
        return clean_markdown(text)
    return text


def render_narratives(award: Award) -> Award:
    """Fill in the narratives' HTML of an award loaded with lazy_html (once; returns it)."""
    if award.narrative and not award.narrative_html:
        award.narrative_html = markdown_html(award.narrative)
    for item in award.evidence:
        if item.narrative and not item.narrative_html:
            item.narrative_html = markdown_html(item.narrative)
    return award


_ADDRESS = re.compile(r"[^\s@<>()\[\]]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_LEAK = "holds the recipient's e-mail address, which is never published: take it out"


def address_problems(email: str | None, consent: Any, name: Any, narrative: Any, evidence: Any) -> list[tuple[Any, str]]:
    """(field, message) for what is published of a record and holds the recipient's address, or a
    published name that is an address (a spreadsheet's columns mixed up)."""
    out: list[tuple[Any, str]] = []
    if consent is True and isinstance(name, str) and _ADDRESS.search(name):
        what = "is" if EMAIL_RE.match(name.strip()) else "holds"
        out.append(("name", f"{what} an e-mail address: a name is published (consent: true), an address never is"))
    if email is None:
        return out
    plain = normalise_email(email)
    local = plain.partition("@")[0]
    pattern: list[re.Pattern] = []  # compiled only for a text that holds the address's first part:
    # one pattern per recipient, 100,000 of them, would cost seconds of a cold build

    def leaks(value: Any) -> bool:  # the address itself, not the end of another one
        if not isinstance(value, str) or local not in value.lower():
            return False
        if not pattern:
            address = re.escape(plain)
            pattern.append(re.compile(rf"(?<![\w.%+-])(?:{address}|{address.replace('@', '%40')})(?![\w-])", re.I))
        return pattern[0].search(value) is not None
    if leaks(narrative):
        out.append(("narrative", _LEAK))
    for i, item in enumerate(evidence if isinstance(evidence, list) else []):
        if leaks(item):
            out.append((("evidence", i), _LEAK))
        elif isinstance(item, dict):
            out.extend((("evidence", i, key), _LEAK) for key in ("url", "name", "narrative") if leaks(item.get(key)))
    return out


def _evidence(f: Fields, lazy_html: bool = False) -> list[Evidence]:
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
            narrative = published_markdown(sub.text("narrative", max_len=5000) or "")
            if not sub.has("url") and not sub.has("narrative"):
                sub.fail(None, 'expected "url" (where to see the work) or "narrative" (what was done)')
            sub.done()
            if url or narrative:
                out.append(Evidence(url=url, name=name, narrative=narrative,
                                    narrative_html="" if lazy_html else markdown_html(narrative)))
        else:
            f.fail(("evidence", i), f"expected a URL, or a mapping of url, name and narrative; found {f.found(('evidence', i), item)}")
    return out


def award_files(root: Path) -> list[Path]:
    folder = root / AWARDS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))


def load_records(root: Path, badges: dict[str, Badge | None], on: date | None = None,
                 overrides: dict[str, str] | None = None,
                 languages: tuple[str, ...] = ()) -> tuple[list[Record], list[Problem]]:
    """Every record of awards/*.yaml, checked, with every problem (ids unique, published kept);
    `languages`: the site's (see check_record).

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
        found_records, found = check_file(text, rel, badges, on, languages=languages)
        problems.extend(found)
        records.extend(found_records)
    return records, problems + cross_checks(root, records, problems, overrides)


def check_file(text: str, rel: str, badges: dict[str, Badge | None], on: date,
               lazy_html: bool = False, languages: tuple[str, ...] = ()) -> tuple[list[Record], list[Problem]]:
    """Parse and check one awards file: its records and its own problems (not cross-file ones).

    `lazy_html` leaves the narratives' HTML to be made when a page needs it (render_narratives):
    a build of many awards renders them in parallel, and a record's check does not need them.
    """
    problems: list[Problem] = []
    records: list[Record] = []
    docs, found = parse_file(text, rel, fast=True)
    problems.extend(found)
    for doc, start, end, indent in docs:
        fast = getattr(doc, "fast", None)
        if fast is not None:
            mine: list[Problem] = []
            award, email = check_record(doc, badges, on, mine, lazy_html, languages)
            if mine:  # parse it again the exact way, for exact positions
                redo: list = []

                def take(value: Any, marks: dict, key_marks: dict, spans_: list) -> None:
                    by_item, by_item_keys = partition(marks), partition(key_marks)
                    redo.append(Document(rel, value[0], "", 1, by_item.get(0, {}), by_item_keys.get(0, {})))
                lines, first, last = fast
                parse_one(lines, first, last, rel, problems, take)
                if not redo:
                    continue
                doc = redo[0]
                award, email = check_record(doc, badges, on, problems, lazy_html, languages)
        else:
            award, email = check_record(doc, badges, on, problems, lazy_html, languages)
        record = Record(rel, start, end, indent, doc.data, doc.where(("id",)))
        record.award, record.email = award, email
        records.append(record)
    return records, problems


def cross_checks(root: Path, records: list[Record], found: list[Problem] | None = None,
                 texts: dict[str, str] | None = None) -> list[Problem]:
    """Ids unique across files (a duplicate's award is dropped) and published ids still there."""
    problems: list[Problem] = []
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
    from .award_loading import unread_ids  # here: both import this module
    from .published import check_published

    problems.extend(check_published(root, set(seen) | unread_ids(root, set(seen), found or [], texts)))
    return problems
