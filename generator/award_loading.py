"""Award records as a build loads them: every awards file checked (awards.check_file), in
worker processes when there are many, and cached.

Each file's records and problems are kept in .vitrine-cache/awards/ (without the e-mail
addresses), keyed by the file's size, times and inode and by what its checks depend on: a build
after one award was added reads one file again, not 1,000. The cache holds plain tuples, made into
Award objects here (see _pack).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Iterable

from .awards import AWARDS_DIR, Awards, Record, award_files, check_file, record_key
from .published import check_published
from .clock import today
from .errors import Problem
from .frontmatter import decode
from .model import Award, Badge, Catalogue, Evidence, Revocation
from .workers import can_fork, pool as workers_pool


def load_awards(root: Path, badges: dict[str, Badge | None], workers: int | None = None,
                cache: bool = True, languages: tuple[str, ...] = ()) -> tuple[list, list[Problem]]:
    """The checked awards of a site, for the loader (narratives' HTML left to render_narratives).

    Each file's records and problems are kept in .vitrine-cache/awards/ (without the e-mail
    addresses), keyed by the file's size, times and inode and by what its checks depend on (the
    badges' status, retirement and validity, the site's languages (a record's `lang`), the day, this
    code): a build after one award was
    added reads one file again, not all of them. Files to read are shared among worker processes
    when there are many.
    """
    import gc

    # 100,000 awards are some 500,000 objects: the cyclic collector, run again and again as they
    # are made, would take most of the time (none of them can form a cycle)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_awards(root, badges, workers, cache, tuple(languages))
    finally:
        if enabled:
            gc.enable()


def _load_awards(root: Path, badges: dict[str, Badge | None], workers: int | None, cache: bool,
                 languages: tuple[str, ...]) -> tuple[list, list[Problem]]:
    on = today()
    files = award_files(root)
    folder = root / CACHE_DIR / "awards"
    context = _context(badges, on, languages) if cache else ""
    results: dict[str, tuple] = {}  # packed (see _pack)
    todo: list[tuple[str, Path, tuple]] = []
    problems: list[Problem] = []
    for path in files:
        rel = f"{AWARDS_DIR}/{path.name}"
        if rel.endswith(".yml"):
            problems.append(Problem(rel, 1, 1, "", "award files end in .yaml: rename it"))
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, context)
        entry = _cache_read(folder, rel, key) if cache else None
        if entry is not None:
            results[rel] = entry
        else:
            todo.append((rel, path, key))
    for (rel, path, key), packed in zip(todo, _check_files([(rel, path) for rel, path, _ in todo], badges, on, workers,
                                                                 languages)):
        results[rel] = packed
        if cache:
            _cache_write(folder, rel, key, packed)
    # as cross_checks does, on the packed records
    awards = Awards()
    seen: dict[str, tuple[str, int]] = {}
    for rel in sorted(results):
        packed_records, packed_problems, awards.digests[rel] = results[rel]
        problems.extend(Problem(*p) for p in packed_problems)
        for path, start, end, indent, rid, id_at, a in packed_records:
            if rid is None:
                continue
            if rid in seen:
                first = seen[rid]
                problems.append(Problem(path, *id_at, "id", f"duplicate id: already used at {first[0]}:{first[1]}"))
                continue
            seen[rid] = (path, start)
            if a is not None:
                awards.append(_award(a))
    problems.extend(check_published(root, set(seen) | unread_ids(root, set(seen), problems)))
    return awards, _one_line_per_draft(problems)


def _one_line_per_draft(problems: list[Problem]) -> list[Problem]:
    """The awards of a badge turned back into a draft: one mistake (the badge's status), not one
    line per award (a hundred awards made a hundred lines). The first award says it, with where
    the others are."""
    out: list[Problem] = []
    drafts: dict[str, list[Problem]] = {}
    for p in sorted(problems):
        if p.field == "badge" and not p.warning and p.message.endswith(" is a draft: publish it (status: active) before awarding it"):
            drafts.setdefault(p.message, []).append(p)
        else:
            out.append(p)
    for same in drafts.values():
        first, rest = same[0], same[1:]
        if rest:
            where = ", ".join(f"{p.path}:{p.line}" if p.path != first.path else f"line {p.line}" for p in rest[:5])
            more = f" and {len(rest) - 5} more" if len(rest) > 5 else ""
            n = len(rest)
            first = replace(first, message=f"{first.message} (and {n} more award{'s' if n > 1 else ''} of it, at {where}{more})")
        out.append(first)
    return out


_UUID_FIND_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def unread_ids(root: Path, seen: set[str], problems: Iterable[Problem],
               texts: dict[str, str] | None = None) -> set[str]:
    """Published ids missing from the records read, but still written in an awards file that has
    a mistake: a record a YAML mistake kept from being read (a field indented too far) was not
    deleted, and "was published but is no longer in awards/*.yaml" would send its author looking
    for a record that is there. The mistake itself is reported; these ids count as present."""
    from .published import published_ids

    missing = published_ids(root).difference(seen)
    broken = {p.path for p in problems if not p.warning and p.path.startswith(AWARDS_DIR + "/")}
    if not missing or not broken:
        return set()
    found: set[str] = set()
    for rel in broken:
        text = (texts or {}).get(rel)
        if text is None:
            try:
                text = (root / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
        found.update(m for m in _UUID_FIND_RE.findall(text.lower()) if m in missing)
    return found


CACHE_DIR = ".vitrine-cache"  # as build.CACHE
_PARALLEL_BYTES = 2_000_000  # below this much YAML to read, one process does it


def _context(badges: dict[str, Badge | None], on: date, languages: tuple[str, ...] = ()) -> str:
    """What a record's checks depend on, besides its text: a digest."""
    h = hashlib.sha256(f"{on.isoformat()};{','.join(languages)};".encode())
    here = Path(__file__).parent
    for name in ("awards.py", "award_yaml.py", "award_loading.py", "fields.py", "frontmatter.py", "yaml_errors.py",
                 "model.py", "markup.py", "mdconvert.py", "__init__.py"):
        try:
            st = (here / name).stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
        except OSError:
            pass
    for slug in sorted(badges):
        b = badges[slug]
        facts = (None if b is None else (b.status, b.retired_on, b.validity and (b.validity.years, b.validity.months, b.validity.days)))
        h.update(f"{slug}={facts};".encode())
    return h.hexdigest()


def _cache_file(folder: Path, rel: str) -> Path:
    return folder / (hashlib.sha256(rel.encode()).hexdigest()[:24] + ".pickle")


def _cache_read(folder: Path, rel: str, key: tuple) -> tuple | None:
    import pickle

    try:
        with open(_cache_file(folder, rel), "rb") as f:
            stored_key, result = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, ImportError, TypeError):
        return None
    if stored_key != key or not isinstance(result, tuple) or len(result) != 3:
        return None
    return result


def _cache_write(folder: Path, rel: str, key: tuple, packed: tuple) -> None:
    import pickle

    try:
        folder.mkdir(parents=True, exist_ok=True)
        file = _cache_file(folder, rel)
        tmp = file.with_name(f".{file.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump((key, packed), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(file)
    except OSError:
        pass  # a cache: a build without it is only slower


# Cache entries hold plain tuples, not objects: unpickling 100,000 dataclass instances costs
# seconds, making them from tuples a tenth of that.

def _pack(result: tuple[list[Record], list[Problem]], on: date) -> tuple:
    records, problems = result
    packed = []
    shown = []  # award_groups' digest of the file
    for r in records:
        a = r.award
        award = None
        if a is not None:
            key = record_key(a)
            award = (a.id, a.badge, a.identity, a.salt, a.issued_on, a.expires, a.name,
                     tuple((e.url, e.name, e.narrative) for e in a.evidence), a.narrative,
                     None if a.revoked is None else (a.revoked.date, a.revoked.reason), a.source, a.line, key)
            shown.append(f"{key}:{a.status(on)}")
        packed.append((r.path, r.start, r.end, r.indent, r.id, r.id_at, award))
    digest = hashlib.blake2b("\n".join(shown).encode(), digest_size=16).hexdigest()
    return tuple(packed), tuple(tuple(p.__dict__.values()) for p in problems), digest


def _award(a: tuple) -> Award:
    # positional: Award's field order (model.py)
    award = Award(a[0], a[1], a[2], a[3], a[4], a[5], a[6], [Evidence(u, n, t) for u, n, t in a[7]] if a[7] else [],
                  a[8], "", None if a[9] is None else Revocation(*a[9]), a[10], a[11])
    award._key = a[12]  # type: ignore[attr-defined] - record_key's, computed when the file was checked
    return award


_TASK: tuple = ()


def _check_one(i: int) -> tuple:
    """One file's records and problems, packed (see _pack) where they are checked: plain tuples
    cost a worker little to send and the parent little to receive, Record objects a lot."""
    (rel, path), badges, on, languages = _TASK[0][i], _TASK[1], _TASK[2], _TASK[3]
    text, problem = decode(path.read_bytes(), rel)
    if problem:
        return _pack(([], [problem]), on)
    records, problems = check_file(text, rel, badges, on, lazy_html=True, languages=languages)
    return _pack((records, problems), on)  # no e-mail address leaves: _pack keeps none


def _check_files(files: list[tuple[str, Path]], badges: dict, on: date, workers: int | None,
                 languages: tuple[str, ...] = ()) -> list:
    """check_file of each file, packed, in worker processes (fork) when there is much to read."""
    global _TASK

    workers = workers or os.cpu_count() or 1
    size = 0
    for _, path in files:
        try:
            size += path.stat().st_size
        except OSError:
            pass
    _TASK = (files, badges, on, languages)
    try:
        if workers < 2 or size < _PARALLEL_BYTES or not can_fork():
            return [_check_one(i) for i in range(len(files))]
        with workers_pool(workers) as pool:
            return pool.map(_check_one, range(len(files)), chunksize=max(1, len(files) // (workers * 8)))
    finally:
        _TASK = ()


def count_holders(catalogues: Iterable[Catalogue], awards: list) -> None:
    """Badge.holders of every language: the number of awards not revoked."""
    counts: dict[str, int] = {}
    for award in awards:
        if award.revoked is None:
            counts[award.badge] = counts.get(award.badge, 0) + 1
    for cat in catalogues:
        now: dict[str, int] = {}  # awards whose records name a former slug count for the badge it became
        for slug, count in counts.items():
            now[cat.current_slug(slug)] = now.get(cat.current_slug(slug), 0) + count
        for badge in (*cat.badges.values(), *cat.formerly.values()):
            badge.holders = now.get(badge.alias_of or badge.slug, 0)
