"""Stage one: read every file of a site, check it, resolve references, return the `Site` model.

Every problem of the run is gathered; `load_site` raises `SiteError` with all of them at the end,
so an author fixes a whole batch of mistakes at once.
"""

from __future__ import annotations

import math
import difflib
import os
import pickle
import re
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .workers import can_fork, pool as workers_pool
from . import bodies, designer, keys, markup, parse_cache, published
from .award_loading import count_holders, load_awards
from .clock import today
from .config import load_config
from .content_files import KINDS, Task, find_files
from .content import PARSERS, TRANSLATABLE, Parsed, Ref, endorsement_mismatches, parse_translation, untranslatable
from .errors import Problem, SiteError, did_you_mean
from .fields import SLUG_RE, slug_form, tag_slug
from .frontmatter import decode
from .images import check_image, resolve_image
from .model import Badge, Catalogue, Config, Endorsement, Image, Issuer, Site, Tag

THUMBNAIL_FROM_BYTES = 40_000
MAX_CONTENT_BYTES = 1_000_000  # a content file: a long criteria page is 20 KB; past this, a mistake or an attack
PARALLEL_FROM = 400  # files; below this, starting workers costs more than it saves


def _parse(task: Task) -> Parsed:
    with open(task.file, "rb") as f:
        # read(MAX + 1) would allocate a megabyte for every file (three times the time of a read)
        too_big = os.fstat(f.fileno()).st_size > MAX_CONTENT_BYTES
        raw = f.read(MAX_CONTENT_BYTES + 1) if too_big else f.read()
    if len(raw) > MAX_CONTENT_BYTES:
        size = max(os.stat(task.file).st_size, len(raw))
        return Parsed(task.kind, task.slug, task.rel, problems=[Problem(
            task.rel, 1, 1, "", f"the file is {math.ceil(size / 100_000) / 10:g} MB: a content file may be at most "
                                f"{MAX_CONTENT_BYTES // 1_000_000} MB (link to long documents instead)")])
    text, problem = decode(raw, task.rel)
    if problem:
        return Parsed(task.kind, task.slug, task.rel, problems=[problem])
    try:
        if task.lang:
            return parse_translation(text, task.rel, task.slug, task.kind)
        return PARSERS[task.kind](text, task.rel, task.slug)
    except markup.TooSlow as exc:
        lines = text.split("\n")
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)
        return Parsed(task.kind, task.slug, task.rel, problems=[Problem(task.rel, end + 2 if end else 1, 1, "", f"the text {exc}")])




def parse_all(tasks: list[Task], jobs: int | None = None, cached: bool = True) -> list[Parsed]:
    """Parse every file; on several cores when there are many (Markdown is the cost)."""
    cache = parse_cache.active() if cached else None
    if cache is not None:  # only changed files are parsed again (parse_cache.py)
        return cache.parse_all(tasks, lambda todo: parse_pickled(todo, jobs))
    return _map(_parse, tasks, jobs)


def _map(parse: Callable[[Task], Any], tasks: list[Task], jobs: int | None) -> list:
    """`parse` over the tasks, on several cores when there are many."""
    jobs = jobs or os.cpu_count() or 1
    if len(tasks) < PARALLEL_FROM or jobs < 2 or not can_fork():
        return [parse(t) for t in tasks]
    with workers_pool(jobs) as pool:
        return pool.map(parse, tasks, chunksize=64)


def _parse_pickled(task: Task) -> bytes:
    return pickle.dumps(_parse(task), pickle.HIGHEST_PROTOCOL)


def parse_pickled(tasks: list[Task], jobs: int | None = None) -> Iterator[bytes]:
    """parse_all's results pickled, as the parse cache keeps them, each given as soon as it is
    made: the workers pickle them anyway to send them, so the parent does not pickle them again
    (at 10,000 badges, pickling in the parent cost a second and 160 MB of peak memory), and it
    stores and unpickles one while the workers parse the next (holding them all, 80 MB, until the
    last was made was the peak of a build)."""
    jobs = jobs or os.cpu_count() or 1
    if len(tasks) < PARALLEL_FROM or jobs < 2 or not can_fork():
        yield from map(_parse_pickled, tasks)
        return
    with workers_pool(jobs) as pool:
        yield from pool.imap(_parse_pickled, tasks, chunksize=64)


@dataclass
class _Links:
    """References resolved to slugs, shared by every language's copy."""

    parent: dict[str, str] = field(default_factory=dict)
    issuer: dict[str, str] = field(default_factory=dict)
    competencies: dict[str, list[str]] = field(default_factory=dict)
    related: dict[str, list[str]] = field(default_factory=dict)
    endorsements: dict[str, list[tuple]] = field(default_factory=dict)
    images: dict[tuple[str, str], Image] = field(default_factory=dict)
    formerly: dict[str, str] = field(default_factory=dict)  # a badge's former slug -> its slug now
    competencies_formerly: dict[str, str] = field(default_factory=dict)  # the same for competencies


class _Resolver:
    def __init__(self, config: Config, parsed: dict[str, dict[str, Parsed]], problems: list[Problem]):
        self.config = config
        self.parsed = parsed
        self.problems = problems
        self.links = _Links()
        self.image_cache: dict[tuple[Path, bool], Image | None] = {}
        self.image_failures: dict[tuple[Path, bool], list[Problem]] = {}
        self.image_files: dict[tuple[str, str], tuple[Path | None, list[Problem]]] = {}
        self.sizes: dict[Path, int] = {}
        self.names: dict[str, dict[str, str]] = {}

    def fail(self, ref: Ref, message: str) -> None:
        self.problems.append(Problem(ref.path, ref.line, ref.col, ref.field, message))

    def find(self, ref: Ref, kind: str, what: str) -> str | None:
        if ref.value in self.parsed[kind]:
            return ref.value
        now = {"badge": self.links.formerly, "competency": self.links.competencies_formerly}.get(kind, {}).get(ref.value)
        if now is not None:  # a content file names what was renamed: its page of now, not the old one's redirect
            self.fail(ref, f'{what} "{ref.value}" is now called "{now}" ({self.parsed[kind][now].path} lists it in '
                           f'`formerly`): write "{now}"')
            return None
        form = slug_form(ref.value)
        named = self.named(kind).get(form)  # its name written instead of its slug
        if not SLUG_RE.match(ref.value):  # "SCD", "université", "oral.md": the slug meant, when there is one
            near = (f' (did you mean "{form}"?)' if form in self.parsed[kind] else
                    f' (did you mean "{named}", the slug of {what} "{self.parsed[kind][named].obj.name}"?)' if named
                    else did_you_mean(form, self.parsed[kind], near_only=True))
            self.fail(ref, f'"{ref.value}" is not a slug (lowercase letters, digits and hyphens)'
                      + (": " + near[2:-1] if near else ""))
            return None
        plural = {"competency": "competencies"}.get(what, what + "s")
        near = (f' (did you mean "{named}", the slug of {what} "{self.parsed[kind][named].obj.name}"?)' if named
                else did_you_mean(ref.value, self.parsed[kind], plural))
        self.fail(ref, f'no {what} "{ref.value}"' + near)
        return None

    def named(self, kind: str) -> dict[str, str]:
        """Slugs by the slug form of their names ("Bibliothèque universitaire" -> bu), made once."""
        if kind not in self.names:
            self.names[kind] = {}
            for slug, p in sorted(self.parsed[kind].items()):
                name = getattr(p.obj, "name", None)
                if isinstance(name, str) and slug_form(name):
                    self.names[kind].setdefault(slug_form(name), slug)
        return self.names[kind]

    def image(self, kind: str, slug: str, ref: Ref, square: bool) -> None:
        # The same name from the same folder finds the same file: resolved once (a thousand
        # badges often share a few images), its problems given again at each ref's position.
        where = (ref.path.rpartition("/")[0], ref.value)
        if where not in self.image_files:
            found: list[Problem] = []
            self.image_files[where] = (resolve_image(ref, self.config.root / "content", found), found)
        file, found = self.image_files[where]
        self.problems.extend(Problem(ref.path, ref.line, ref.col, ref.field, p.message) for p in found)
        if file is None:
            return
        before = len(self.problems)
        key = (file, square)
        if key not in self.image_cache:  # many badges often share one image file
            self.image_cache[key] = check_image(file, ref, self.config.root, self.problems,
                                                min_size=256 if square else 64, square=square)
            self.image_failures[key] = self.problems[before:]
        elif self.image_failures[key]:
            self.problems.extend(Problem(ref.path, ref.line, ref.col, ref.field, p.message) for p in self.image_failures[key])
        image = self.image_cache[key]
        if image is None:
            return
        folder = "badges" if kind == "badge" else "issuers"
        # A small file is light enough for cards as it is: a thumbnail only for heavy PNGs.
        light = image.kind == "svg" or self.file_size(file) <= THUMBNAIL_FROM_BYTES
        image = replace(image, path=f"{folder}/{slug}.{image.kind}",
                        thumb_path=f"{folder}/{slug}.{image.kind}" if light else f"{folder}/{slug}.thumb.png")
        if len(self.problems) == before:
            self.links.images[(kind, slug)] = image

    def file_size(self, file: Path) -> int:
        if file not in self.sizes:
            self.sizes[file] = file.stat().st_size
        return self.sizes[file]

    def resolve(self) -> None:
        issuers, badges = self.parsed["issuer"], self.parsed["badge"]
        self.links.formerly = self.check_formerly("badge", "badges")  # first: references may name an old slug
        self.links.competencies_formerly = self.check_formerly("competency", "competencies")
        for slug, p in issuers.items():
            for ref in p.refs.get("parent", []):
                if ref.value == slug:
                    self.fail(ref, f'"{slug}" cannot be its own parent')
                elif self.find(ref, "issuer", "issuer"):
                    self.links.parent[slug] = ref.value
            for ref in p.refs.get("image", []):
                self.image("issuer", slug, ref, square=False)
        self.check_cycles()
        day = today().isoformat()
        for slug, p in badges.items():
            for ref in p.refs.get("issuer", []):
                if self.find(ref, "issuer", "issuer"):
                    self.links.issuer[slug] = ref.value
            comps = []
            for ref in self.once(p.refs.get("competencies", []), "competency"):
                if self.find(ref, "competency", "competency"):
                    comps.append(ref.value)
            self.links.competencies[slug] = comps
            related = []
            for ref in self.once(p.refs.get("related", []), "related badge"):
                if ref.value == slug:
                    self.fail(ref, f'a badge cannot be related to itself')
                elif self.find(ref, "badge", "badge"):
                    related.append(ref.value)
                    other = badges[ref.value].obj
                    if other is not None and other.status == "draft" and p.obj is not None and p.obj.status != "draft":
                        self.problems.append(Problem(ref.path, ref.line, ref.col, ref.field, f'"{ref.value}" is a draft: '
                                                     "not published, so not linked", warning=True))
            self.links.related[slug] = related
            ends = []
            for ref, (comment, when) in zip(p.refs.get("endorsements", []), p.extra.get("endorsements", [])):
                if not self.find(ref, "issuer", "issuer"):
                    continue
                if ref.value == self.links.issuer.get(slug):  # Open Badges: a third party's claim about it
                    self.fail(ref, f'"{ref.value}" issues this badge: an endorsement is another organisation\'s word '
                                   "about it; remove it or name another issuer")
                else:  # a parent (the university endorsing its library's badge) is another organisation
                    ends.append((ref.value, comment, when))
            self.links.endorsements[slug] = ends
            for ref in p.refs.get("date", []):  # shown as "published on", and orders the feed
                if ref.value > day:
                    self.fail(ref, f"{ref.value} is in the future (today is {day}): the day the "
                                   "badge was first published")
            for ref in p.refs.get("endorsed_on", []):  # an endorsement credential is valid from that day
                if ref.value > day:
                    self.fail(ref, f"{ref.value} is in the future (today is {day}): the day the "
                                   "endorsement was given")
            for ref in p.refs.get("image", []):
                self.image("badge", slug, ref, square=True)
            if p.obj is not None and p.obj.design is not None:
                self.drawn_image(slug, p)
        self.check_tags()

    def once(self, refs: list[Ref], what: str, key=lambda value: value) -> list[Ref]:
        """The refs of one list, each the first of its kind; a repeated one is a mistake (a
        copy-paste slip, or an item meant to be another), reported at the repeat."""
        first: dict[str, Ref] = {}
        out = []
        for ref in refs:
            seen = first.setdefault(key(ref.value), ref)
            if seen is ref:
                out.append(ref)
                continue
            written = f' as "{seen.value}"' if seen.value != ref.value else ""
            self.fail(ref, f'"{ref.value}" is listed twice (first{written} at {seen.path}:{seen.line}:{seen.col}): '
                           f"list each {what} once")
        return out

    def check_formerly(self, kind: str, folder: str) -> dict[str, str]:
        """The former slugs of renamed files (`formerly`) -> the slug each file has now. A former
        slug must be free (no file has it) and lead to one file only: its URLs answer for it."""
        out: dict[str, str] = {}
        first: dict[str, tuple[str, Ref]] = {}
        for slug, p in self.parsed[kind].items():
            for ref in p.refs.get("formerly", []):
                if ref.value in self.parsed[kind]:
                    self.fail(ref, f'{kind} "{ref.value}" still exists (content/{folder}/{ref.value}.md): a former '
                                   "slug is one no file has any more. If this file replaces it, delete that one")
                elif ref.value in first:
                    other, seen = first[ref.value]
                    self.fail(ref, f'"{ref.value}" is already a former slug of {kind} "{other}" ({seen.path}:'
                                   f"{seen.line}:{seen.col}): an old address can lead to one {kind} only")
                else:
                    first[ref.value] = (slug, ref)
                    out[ref.value] = slug
        return out

    def check_tags(self) -> None:
        """Tags written differently must not share a URL: "C++" and "C" would both be tags/c/."""
        first: dict[str, Ref] = {}
        for p in self.parsed["badge"].values():
            for ref in self.once(p.refs.get("tags", []), "tag", _tag_fold):
                seen = first.setdefault(tag_slug(ref.value), ref)
                if seen.value != ref.value and _tag_fold(seen.value) != _tag_fold(ref.value):
                    self.fail(ref, f'"{ref.value}" and "{seen.value}" ({seen.path}:{seen.line}:{seen.col}) would share '
                                   f"the page tags/{tag_slug(ref.value)}/: write them the same way, or make them "
                                   "differ by a letter or digit")

    def drawn_image(self, slug: str, p: Parsed) -> None:
        design = p.obj.design
        issuer = self.parsed["issuer"].get(self.links.issuer.get(slug, ""))
        if issuer is not None and issuer.obj is not None:
            design.initials = issuer.obj.initials
        key = repr((designer.VERSION, design.shape, design.background, design.foreground, design.label, design.icon,
                    design.initials))  # the drawing's version too: a new designer draws anew (cache)
        self.links.images[("badge", slug)] = Image(
            source=None, rel=p.path, kind="png", width=512, height=512,  # type: ignore[arg-type]
            digest=hashlib.sha256(key.encode()).hexdigest(), path=f"badges/{slug}.png",
            thumb_path=f"badges/{slug}.thumb.png", drawn=True)

    def check_cycles(self) -> None:
        """Issuers whose parents lead back to them: one problem per cycle, at the file of its
        first slug in alphabetical order, naming every issuer of it in order."""
        parent = self.links.parent
        in_cycles: set[str] = set()
        for start in sorted(parent):
            chain, node = [start], parent.get(start)
            while node is not None and node not in chain and node not in in_cycles:
                chain.append(node)
                node = parent.get(node)
            if node == start:  # sorted: `start` is the cycle's smallest slug, met first
                in_cycles.update(chain)
                ref = self.parsed["issuer"][start].refs["parent"][0]
                self.fail(ref, f"parents form a cycle: {' → '.join(chain + [start])} (each would be its own "
                               "ancestor): remove the parent of one of them")
        for slug in in_cycles:
            parent.pop(slug, None)


def _tag_fold(name: str) -> str:
    """What tells two tags apart for a reader: not case, accents, or a hyphen for a space."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\s_-]+", " ", text.casefold()).strip()


def _assemble(config: Config, lang: str, parsed: dict[str, dict[str, Parsed]], links: _Links,
              translations: dict[tuple[str, str], dict]) -> Catalogue:
    """One language's catalogue: fresh objects with translated fields, linked to each other."""
    default = lang == config.language

    def fields_for(kind: str, slug: str, obj) -> dict:
        tr = {} if default else translations.get((kind, slug))
        out = {"lang": lang, "translated": default or tr is not None}
        if not default and tr is not None:
            out["fallback"] = frozenset(name for name in (*TRANSLATABLE[kind], "body_html") if name not in tr)
        for name, value in (tr or {}).items():
            if name == "request":
                base = obj.own_request if kind == "badge" else obj.request
                if base is not None:
                    out["own_request" if kind == "badge" else "request"] = replace(base, instructions_html=value.instructions_html)
            elif name not in ("tags", "endorsements"):  # both per item, below
                out[name] = value
        return out

    def endorsements(slug: str) -> list[Endorsement]:
        """A badge's endorsements, with the comments its translation gives (else the original's)."""
        tr = translations.get(("badge", slug)) if not default else None
        comments = tr["endorsements"].comments if tr and "endorsements" in tr else []
        out = []
        for n, (i, comment, day) in enumerate(links.endorsements[slug]):
            mine = comments[n] if n < len(comments) else None
            out.append(Endorsement(issuers[i], mine or comment, day, translated=default or mine is not None))
        return out

    issuers: dict[str, Issuer] = {}
    for slug, p in parsed["issuer"].items():
        issuers[slug] = replace(p.obj, children=[], badges=[], endorsements=[],
                                image=links.images.get(("issuer", slug)), **fields_for("issuer", slug, p.obj))
    for slug, issuer in issuers.items():
        if slug in links.parent:
            issuer.parent = issuers[links.parent[slug]]
            issuer.parent.children.append(issuer)
    comps = {slug: replace(p.obj, badges=[], **fields_for("competency", slug, p.obj))
             for slug, p in parsed["competency"].items()}
    badges: dict[str, Badge] = {}
    tags: dict[str, Tag] = {}
    for slug, p in parsed["badge"].items():
        badge = replace(p.obj, issuer=issuers[links.issuer[slug]], image=links.images[("badge", slug)],
                        competencies=[comps[c] for c in links.competencies[slug]], tags=[], related=[],
                        endorsements=endorsements(slug),
                        **fields_for("badge", slug, p.obj))
        tr = translations.get(("badge", slug)) if not default else None
        names = tr["tags"] if tr and "tags" in tr else p.extra.get("tags", [])
        for tslug in dict.fromkeys(tag_slug(name) for name in names):  # "Oral" and "oral": one tag
            tag = tags.setdefault(tslug, Tag(next(n for n in names if tag_slug(n) == tslug), tslug))
            badge.tags.append(tag)  # compared by slug, not by dataclass equality: that is quadratic
            if badge.published:
                tag.badges.append(badge)
        badges[slug] = badge
        if badge.published:
            badge.issuer.badges.append(badge)
            for comp in badge.competencies:
                comp.badges.append(badge)
    for slug, badge in badges.items():
        badge.related = [badges[r] for r in links.related[slug] if badges[r].published]
    formerly = {}  # a renamed badge as published under each of its former slugs (model.Catalogue.formerly)
    for old, slug in sorted(links.formerly.items()):
        badge = badges[slug]
        if badge.published:
            image = badge.image  # its image, and its card thumbnail if it has one, at the old addresses too
            formerly[old] = replace(badge, slug=old, alias_of=slug, formerly=[], image=replace(
                image, path=f"badges/{old}.{image.kind}",
                thumb_path=f"badges/{old}.thumb.png" if image.thumb_path != image.path else f"badges/{old}.{image.kind}"))
    # Listings show the badges a student can still earn first, then the retired ones (stable).
    for listed in (*(i.badges for i in issuers.values()), *(c.badges for c in comps.values()),
                   *(t.badges for t in tags.values())):
        listed.sort(key=lambda b: b.retired)
    pages = {slug: replace(p.obj, **fields_for("page", slug, p.obj)) for slug, p in parsed["page"].items()}
    return Catalogue(lang=lang, prefix="" if default else f"{lang}/", title=config.title[lang],
                     description=config.description[lang], issuers=issuers, badges=badges,
                     competencies=comps, pages=pages, formerly=formerly,
                     competencies_formerly={old: comps[slug] for old, slug in sorted(links.competencies_formerly.items())},
                     tags={t.slug: t for t in sorted((t for t in tags.values() if t.badges), key=lambda t: t.slug)})


def _near_translation(slug: str, lang: str, slugs: Iterable[str]) -> str:
    """' (did you mean "x.fr.md"?)', the slugs compared without the ".fr.md" all share (with it,
    explaining-simply.fr.md "looked like" welcoming-people.fr.md)."""
    near = difflib.get_close_matches(slug, sorted(slugs), n=3, cutoff=0.6)
    return " (did you mean " + " or ".join(f'"{s}.{lang}.md"' for s in near) + "?)" if near else ""


def load_site(root: Path, jobs: int | None = None) -> Site:
    """Load and check a whole site; raise SiteError listing every problem."""
    config, problems = load_config(root)
    if config is None:
        raise SiteError(problems)
    problems.extend(keys.hygiene(config.root, config.signing.keys))  # warnings: a keys/ folder git would commit
    misnamed: dict[tuple[str, str], str] = {}
    tasks = find_files(config, problems, misnamed)
    parsed: dict[str, dict[str, Parsed]] = {k: {} for k in KINDS.values()}
    translations: dict[tuple[str, str], dict] = {}
    per_lang: dict[str, dict[tuple[str, str], dict]] = {lang: {} for lang in config.languages}
    media = bodies.Media(config, problems)  # the images of Markdown bodies
    translated: list[Ref] = []  # where each translation writes each field (checked against its original)
    translated_tags: list[list[Ref]] = []  # each translation's tags, each to be listed once
    for task, result in zip(tasks, parse_all(tasks, jobs)):
        problems.extend(result.problems)
        media.add(task.lang or config.language, result)
        if task.lang:
            translated += [replace(ref, value=f"{task.kind}:{task.slug}") for ref in result.refs.get("translated", [])]
            translated_tags.append(result.refs.get("tags", []))
            if result.translation is not None:
                per_lang[task.lang][(task.kind, task.slug)] = result.translation
                translations[(task.kind, task.slug)] = result.translation
        elif result.obj is not None:
            parsed[task.kind][task.slug] = result
        else:
            parsed[task.kind][task.slug] = result  # keep the slug known: no cascade of "no badge x"
    for (kind, slug), rel in misnamed.items():  # "Code-Club.md": its name is the mistake, said once;
        parsed[kind].setdefault(slug, Parsed(kind, slug, rel))  # what names code-club is not another
    resolver = _Resolver(config, parsed, problems)
    resolver.resolve()
    for refs in translated_tags:
        resolver.once(refs, "tag", _tag_fold)
    renamed = {"badge": resolver.links.formerly, "competency": resolver.links.competencies_formerly}
    for task in tasks:
        if task.lang and task.slug not in parsed[task.kind]:
            now = renamed.get(task.kind, {}).get(task.slug)
            near = (f' (rename it "{now}.{task.lang}.md": {now}.md lists `formerly: [{task.slug}]`)' if now else
                    _near_translation(task.slug, task.lang, parsed[task.kind]))
            problems.append(Problem(task.rel, 1, 1, "", f'a translation of "{task.slug}.md", which does not exist'
                                    + near))
    for ref in translated:
        kind, slug = ref.value.split(":", 1)
        original = parsed[kind].get(slug)
        if original is not None and original.obj is not None and untranslatable(original, ref.field):
            problems.append(Problem(ref.path, ref.line, ref.col, ref.field, f"{slug}.md has no {ref.field} to translate: "
                                    f"write it there first, or leave it out of the translation"))
    for lang_translations in per_lang.values():
        for (kind, slug), tr in lang_translations.items():
            original = parsed[kind].get(slug)
            if "endorsements" in tr and original is not None and original.refs.get("endorsements"):
                problems.extend(endorsement_mismatches(original, tr["endorsements"]))
    formerly = resolver.links.formerly  # renamed, saying so: records may name the old slug
    gone, gone_problems = published.gone_badges(config.root, [*parsed["badge"], *formerly])  # renamed, not saying so
    problems.extend(gone_problems)
    awards, award_problems = load_awards(config.root, {**{slug: p.obj for slug, p in parsed["badge"].items()},
                                                       **{old: parsed["badge"][new].obj for old, new in formerly.items()},
                                                       **dict.fromkeys(gone)},  # known, so no "no badge x" too
                                          languages=tuple(config.languages))
    problems.extend(award_problems)
    if any(not p.warning for p in problems) or any(p.obj is None for k in parsed.values() for p in k.values()):
        raise SiteError(sorted(set(problems)))
    catalogues = {lang: _assemble(config, lang, parsed, resolver.links, per_lang[lang]) for lang in config.languages}
    media.place(catalogues)
    count_holders(catalogues.values(), awards)
    return Site(config=config, catalogues=catalogues, warnings=sorted(set(problems)), awards=awards,
                media=media.published())
