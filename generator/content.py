"""Parse one content file (issuer, badge, competency, page, or a translation) from its text.

Each `parse_*` takes the decoded text and the site-relative path, checks every field and returns
a `Parsed` record: the model object, with references to other files still as slugs (`Ref`),
and the problems found. The loader resolves references once every file is parsed.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from typing import Any

from . import bodies, markup
from .errors import Problem, did_you_mean
from .fields import CONTROL_RE, SLUG_RE, Fields, control_problem, quoted, slug_form, type_name
from .frontmatter import Document, parse_frontmatter
from .model import CATEGORIES, STATUSES, Alignment, Badge, Competency, Design, Issuer, Page, Request

SHAPES = ("circle", "hexagon", "shield", "ribbon")
CRITERIA_TOP_HEADING = 3  # badge pages put the criteria under their own h2


@dataclass(frozen=True)
class Ref:
    """A slug or path written in a file, with where it was written."""

    value: str
    path: str
    line: int
    col: int
    field: str


@dataclass
class Parsed:
    kind: str  # "issuer", "badge", "competency", "page"
    slug: str
    path: str
    obj: Any = None  # the model object (None when the frontmatter could not be read)
    refs: dict[str, list[Ref]] = field(default_factory=dict)  # field -> references
    extra: dict[str, Any] = field(default_factory=dict)  # per-reference data (endorsement comments)
    problems: list[Problem] = field(default_factory=list)
    translation: dict[str, Any] | None = None  # for `<slug>.<lang>.md`: the translated fields


def _ref(f: Fields, name: str, value: str | None, key: tuple | None = None) -> Ref | None:
    if value is None:
        return None
    line, col = f.doc.where(f.key + (key or (name,)))
    return Ref(value, f.doc.path, line, col, f.label(key or name))


def _start(text: str, path: str, kind: str, slug: str) -> tuple[Parsed, Document | None]:
    parsed = Parsed(kind, slug, path)
    doc, problem = parse_frontmatter(text, path)
    if problem:
        parsed.problems.append(problem)
    elif doc is not None:
        parsed.problems.extend(doc.warnings)
        parsed.problems.extend(_body_problems(doc))
    return parsed, doc


def _body_problems(doc: Document) -> list[Problem]:
    """A control character in the body (a NUL, an escape...), as the frontmatter's text fields
    refuse them: invisible at best on a page, and copied into the published JSON (criteria).
    Tab and line ends are allowed (decode made every line end a "\n")."""
    match = CONTROL_RE.search(doc.body)
    if match is None:
        return []
    before = doc.body[: match.start()]
    line = doc.body_line + before.count("\n")
    col = match.start() - (before.rfind("\n") + 1) + 1
    more = len(CONTROL_RE.findall(doc.body, match.end()))
    return [Problem(doc.path, line, col, "body", (control_problem(match.group()) or "")
                    + (f" (and {more} more below)" if more else ""))]


def _request(f: Fields, parsed: Parsed, only_instructions: bool = False) -> Request | None:
    sub = f.mapping("request")
    if sub is None:
        return None
    instructions = sub.text("instructions") or ""
    instructions_html = markup.to_html(instructions, 3)  # under "How to apply", an h2
    if "<img" in instructions_html:  # its images are published as a body's are
        bodies.field_images(instructions_html, parsed, sub.position("instructions"), sub.label("instructions"))
    if only_instructions:
        sub.done()
        return Request(instructions_html=instructions_html)
    url = sub.url("url")
    email = sub.email("email")
    if sub.has("url") and sub.has("email"):
        sub.fail("email", 'give either "url" (a form) or "email", not both')
    elif not sub.has("url") and not sub.has("email"):
        sub.fail(None, 'expected "url" (a form to fill in) or "email" (where to write)')
        sub.missed["url"] = sub.missed["email"] = sub.problems[-1]  # "mail:" is one mistake, said by done()
    sub.done()
    return Request(url=url, email=email, instructions_html=instructions_html)


def _image(f: Fields, alt_required: bool = True) -> tuple[Ref | None, str]:
    """The `image` path reference and its `image_alt` text (an issuer's logo may go without:
    its name stands in, as DESIGN lists no alt text for logos)."""
    image = f.text("image", oneline=True)
    if f.has("image") and not image and not any(p.field == "image" for p in f.problems):
        f.fail("image", "is empty: give the path of a PNG or SVG file")
    image = image or None
    alt = f.text("image_alt", oneline=True, max_len=250)
    if image is not None and not alt:
        if not f.has("image_alt"):
            if alt_required:
                f.fail("image", 'an image needs its alternative text in "image_alt" (what the image shows)')
        elif alt is not None or f.data.get("image_alt") is None:
            f.fail("image_alt", "is empty: describe what the image shows")
    return _ref(f, "image", image), alt or ""


def _tag_refs(f: Fields, tags: list[str]) -> list[Ref]:
    """Where each accepted tag is written (the loader checks that two tags do not share a URL)."""
    value = f.data.get("tags")
    keys = [("tags", i) for i in range(len(value))] if isinstance(value, list) else [("tags",)]
    refs = []
    for key in keys:
        item = f.source(key, value[key[1]] if len(key) > 1 else value)
        if isinstance(item, str) and item.strip() in tags:
            line, col = f.doc.where(key)
            refs.append(Ref(item.strip(), f.doc.path, line, col, f.label(key)))
    return refs


def _formerly(f: Fields, slug: str, kind: str) -> list[Ref]:
    """`formerly`: the slugs a renamed file was published under (the loader checks that no other
    file has or claims them). A list; one slug alone is taken as a list of one."""
    value = f.raw("formerly")
    if value is None:
        return []
    items = [(("formerly",), value)] if isinstance(value, str) else \
        [(("formerly", i), item) for i, item in f.items("formerly")]
    refs: list[Ref] = []
    for key, item in items:
        item = f.source(key, item)
        if not isinstance(item, str):
            f.fail(key, f"expected the slug this {kind} had (its old file name without .md), found {type_name(item)}")
            continue
        item = item.strip()
        if not SLUG_RE.match(item):
            meant = slug_form(item)
            f.fail(key, f"{quoted(item)} is not a slug: write the old file name without .md, in lowercase "
                        "letters, digits and hyphens" + (f' (did you mean "{meant}"?)' if meant else ""))
        elif item == slug:
            f.fail(key, f'"{item}" is the slug this file has now: list the slugs it had before it was renamed')
        elif any(ref.value == item for ref in refs):
            f.fail(key, f'"{item}" is listed twice')
        else:
            line, col = f.doc.where(f.key + key)
            refs.append(Ref(item, f.doc.path, line, col, f.label(key)))
    return refs


def parse_issuer(text: str, path: str, slug: str) -> Parsed:
    parsed, doc = _start(text, path, "issuer", slug)
    if doc is None:
        return parsed
    f = Fields(doc, parsed.problems)
    name = f.text("name", required=True, oneline=True, max_len=200)
    url = f.url("url", required=True)
    email = f.email("email", required=True)
    description = f.text("description", oneline=True, max_len=500) or ""
    image, image_alt = _image(f, alt_required=False)
    parent = _ref(f, "parent", f.reference("parent"))
    linkedin = f.text("linkedin_organization_id", oneline=True)  # as written: 0123 is not 83
    if linkedin is not None:
        if not (linkedin.isascii() and linkedin.isdigit()):
            page = re.search(r"linkedin\.com/company/(\d+)(?:[/?#]|$)", linkedin)  # the page's address, copied
            f.fail("linkedin_organization_id", f'"{linkedin}" is not a LinkedIn organization id: expected digits only'
                                               + (f' (write "{page[1]}")' if page else ""))
            linkedin = None
    request = _request(f, parsed)
    f.done()
    parsed.refs |= {"parent": [parent] if parent else [], "image": [image] if image else []}
    parsed.obj = Issuer(slug=slug, name=name or slug, url=url or "", email=email or "", description=description,
                        image_alt=image_alt or (name or slug), linkedin_organization_id=linkedin, request=request,
                        body_html=bodies.render(doc, parsed), source=path)
    return parsed


def _design(f: Fields) -> Design | None:
    sub = f.mapping("design")
    if sub is None:
        return None
    shape = sub.choice("shape", SHAPES, required=True, default="circle")
    background = sub.colour("background", required=True) or "#1f5fa8"
    foreground = sub.colour("foreground") or "#ffffff"
    label = sub.text("label", oneline=True, max_len=12) or ""
    icon = sub.text("icon", oneline=True)
    sub.done()
    return Design(shape=shape or "circle", background=background, foreground=foreground, label=label,
                  icon=icon, initials="")


def parse_badge(text: str, path: str, slug: str) -> Parsed:
    parsed, doc = _start(text, path, "badge", slug)
    if doc is None:
        return parsed
    f = Fields(doc, parsed.problems)
    name = f.text("name", required=True, oneline=True, max_len=200)
    issuer = _ref(f, "issuer", f.reference("issuer", required=True))
    description = f.text("description", required=True, max_len=500)
    category = f.choice("category", CATEGORIES, required=True)
    image, image_alt = _image(f)
    design = _design(f)
    if image is None and design is None and not any(p.field in ("image", "design") for p in parsed.problems):
        f.missing("image", ' (a PNG or SVG file, or a "design" block to draw one)')
    elif image is not None and design is not None:
        f.fail("design", 'give either "image" or "design", not both')
    competencies = [Ref(s, path, *pos, f"competencies[{i}]") for s, pos, i in f.references("competencies")]
    alignments = []
    for a in f.mappings("alignments"):
        a_name = a.text("name", required=True, oneline=True)
        a_url = a.url("url", required=True)
        framework = a.text("framework", oneline=True)
        code = a.text("code", oneline=True)
        a.done()
        if a_name and a_url:
            alignments.append(Alignment(a_name, a_url, framework, code))
    tags = f.texts("tags", max_len=60, slugged=True, one=False)  # "tags: a, b" is not one tag
    tag_refs = _tag_refs(f, tags)
    level = f.integer("level", minimum=1, maximum=99)
    chosen = f.choice("status", STATUSES)
    status = chosen or "active"
    validity = f.duration("validity")
    request = _request(f, parsed)
    evidence = f.texts("evidence", max_len=1000)
    related = [Ref(s, path, *pos, f"related[{i}]") for s, pos, i in f.references("related")]
    endorsements, comments, endorsed_on = [], [], []
    for e in f.mappings("endorsements"):
        ref = _ref(e, "issuer", e.reference("issuer", required=True))
        comment = e.text("comment", required=True) or ""
        when = e.date("date")
        e.done()
        if ref:
            endorsements.append(ref)
            comments.append((comment, when))
            if when is not None:  # checked against the day of the build by the loader, as `date` is
                endorsed_on.append(Ref(when.isoformat(), path, *e.position("date"), e.label("date")))
    when = f.date("date")
    # checked against the day of the build by the loader (a parse result depends on the file only)
    when_ref = [Ref(when.isoformat(), path, *f.position("date"), "date")] if when is not None else []
    retired_on = f.date("retired")  # awards.py refuses awards issued after it
    formerly = _formerly(f, slug, "badge")
    if retired_on is not None and status != "retired" and (chosen or not f.has("status")):  # a wrong status: said once
        f.fail("retired", 'a retirement date goes with "status: retired"')
    elif retired_on is not None and when is not None and retired_on < when:  # "2024" for "2025": a typo of a year
        f.fail("retired", f"{retired_on} is before the badge's date ({when}, the day it was first published): "
                          "a badge is retired after it was published")
    f.done()
    body_html = bodies.render(doc, parsed, top_heading=CRITERIA_TOP_HEADING)
    parsed.refs |= {"issuer": [issuer] if issuer else [], "competencies": competencies, "related": related,
                   "image": [image] if image else [], "endorsements": endorsements, "tags": tag_refs,
                   "date": when_ref, "endorsed_on": endorsed_on, "formerly": formerly}
    parsed.extra |= {"endorsements": comments, "tags": tags}
    parsed.obj = Badge(slug=slug, name=name or slug, issuer=None, description=description or "",  # type: ignore[arg-type]
                       category=category or "participation", image=None, image_alt=image_alt,  # type: ignore[arg-type]
                       design=design, alignments=alignments, level=level, status=status, validity=validity,
                       own_request=request, evidence=evidence, date=when, retired_on=retired_on,
                       body_markdown=bodies.narrative(doc, parsed), body_html=body_html,
                       body_text=markup.to_text(body_html), source=path, formerly=[r.value for r in formerly])
    return parsed


def parse_competency(text: str, path: str, slug: str) -> Parsed:
    parsed, doc = _start(text, path, "competency", slug)
    if doc is None:
        return parsed
    f = Fields(doc, parsed.problems)
    obj = Competency(slug=slug, name=f.text("name", required=True, oneline=True, max_len=200) or slug,
                     description=f.text("description", required=True, max_len=1000) or "",
                     framework=f.text("framework", required=True, oneline=True, max_len=200) or "",
                     code=f.text("code", oneline=True, max_len=40), url=f.url("url"),
                     group=f.text("group", oneline=True, max_len=200), source=path)
    formerly = _formerly(f, slug, "competency")
    obj.formerly = [r.value for r in formerly]
    parsed.refs["formerly"] = formerly
    f.done()
    obj.body_html = bodies.render(doc, parsed)
    parsed.obj = obj
    return parsed


def parse_page(text: str, path: str, slug: str) -> Parsed:
    parsed, doc = _start(text, path, "page", slug)
    if doc is None:
        return parsed
    f = Fields(doc, parsed.problems)
    title = f.text("title", required=True, oneline=True, max_len=200)
    menu = f.integer("menu", minimum=0)
    f.done()
    parsed.obj = Page(slug=slug, title=title or slug, menu=menu, body_html=bodies.render(doc, parsed), source=path)
    return parsed


# The fields of each kind of file (what its parse_* reads), and which ones a translation may hold.
FIELDS = {
    "issuer": ("name", "url", "email", "description", "image", "image_alt", "parent", "linkedin_organization_id",
               "request"),
    "badge": ("name", "issuer", "description", "category", "image", "image_alt", "design", "competencies",
              "alignments", "tags", "level", "status", "validity", "request", "evidence", "related", "endorsements",
              "date", "retired", "formerly"),
    "competency": ("name", "description", "framework", "code", "url", "group", "formerly"),
    "page": ("title", "menu"),
}
TRANSLATABLE = {
    "issuer": ("name", "description", "image_alt", "request"),
    "badge": ("name", "description", "image_alt", "evidence", "tags", "request", "endorsements"),
    "competency": ("name", "description", "group"),
    "page": ("title",),
}


def parse_translation(text: str, path: str, slug: str, kind: str) -> Parsed:
    """`<slug>.<lang>.md`: only translatable fields, and the translated body."""
    parsed, doc = _start(text, path, kind, slug)
    if doc is None:
        return parsed
    f = Fields(doc, parsed.problems)
    out: dict[str, Any] = {}
    for name in TRANSLATABLE[kind]:
        if not f.has(name):
            continue
        parsed.refs.setdefault("translated", []).append(Ref(name, path, *f.doc.where_key((name,)), name))
        if name == "request":
            out["request"] = _request(f, parsed, only_instructions=True)
        elif name == "endorsements":
            out["endorsements"] = _translated_endorsements(f)
        elif name in ("evidence", "tags"):
            out[name] = f.texts(name, slugged=name == "tags", one=name != "tags")
            if name == "tags":  # where each is written: the loader refuses a tag listed twice
                parsed.refs["tags"] = _tag_refs(f, out[name])
        elif name == "description" and kind != "issuer":
            out[name] = f.text(name, required=True, max_len=1000)
        else:
            out[name] = f.text(name, required=True, oneline=True, max_len=250)
    for name in doc.data:
        if name in TRANSLATABLE[kind]:
            continue
        if name in FIELDS[kind]:
            f.fail(name, f"cannot be translated: a translation holds only {', '.join(TRANSLATABLE[kind])} "
                         "and the body; other fields come from the original", on_key=True)
        else:
            f.fail(name, "unknown field" + did_you_mean(name, TRANSLATABLE[kind]), on_key=True)
    if doc.body.strip():
        out["body_html"] = bodies.render(doc, parsed, top_heading=CRITERIA_TOP_HEADING if kind == "badge" else 2)
    parsed.translation = out
    return parsed


@dataclass(frozen=True)
class TranslatedEndorsements:
    """A translation's `endorsements`: the original's endorsers, in its order, each with its
    comment in the translation's language (None: the original's is shown). Matched against the
    original by the loader (`endorsement_mismatches`)."""

    at: Ref  # the `endorsements` key
    count: int | None  # items written, mappings or not; None when it is not a list (said already)
    issuers: list[Ref | None]  # by position; None where an item could not be read
    comments: list[str | None]
    dates: list[Ref | None]  # a day written again (it must be the original's)


def _translated_endorsements(f: Fields) -> TranslatedEndorsements:
    line, col = f.doc.where_key(("endorsements",))
    written = f.items("endorsements")  # says what is wrong with a text or a mapping
    count = len(written) if isinstance(f.data.get("endorsements"), list) else None
    issuers: list[Ref | None] = [None] * len(written)
    comments: list[str | None] = [None] * len(written)
    dates: list[Ref | None] = [None] * len(written)
    for e in f.mappings("endorsements") if count else ():  # a list: its items, each said once
        i = e.key[-1]
        issuers[i] = _ref(e, "issuer", e.reference("issuer", required=True))
        comments[i] = e.text("comment") or None  # left out: the original's comment
        when = e.date("date")
        if when is not None:
            dates[i] = Ref(when.isoformat(), f.doc.path, *e.position("date"), e.label("date"))
        e.done()
    return TranslatedEndorsements(Ref("endorsements", f.doc.path, line, col, "endorsements"), count, issuers,
                                  comments, dates)


def endorsement_mismatches(original: Parsed, translated: TranslatedEndorsements) -> list[Problem]:
    """Where a translation's `endorsements` differ from the original's in more than comments:
    the endorsers are the original's, in its order (a translation changes no one's word), and a
    day, if written again, is the original's."""
    rule = "a translation lists the same endorsers in the same order, and translates only their comments"
    issuers, days = original.refs.get("endorsements", []), [when for _, when in original.extra.get("endorsements", [])]
    name = original.path.rpartition("/")[2]
    if translated.count is None:
        return []
    if translated.count != len(issuers):
        at = translated.at
        return [Problem(at.path, at.line, at.col, at.field, f"{translated.count} endorsement"
                        f"{'s' if translated.count != 1 else ''} where {name} has {len(issuers)}: {rule}")]
    problems = []
    for ref, mine, day, theirs in zip(translated.issuers, issuers, translated.dates, days):
        if ref is not None and ref.value != mine.value:
            problems.append(Problem(ref.path, ref.line, ref.col, ref.field,
                                    f'"{ref.value}" where {name} has "{mine.value}": {rule}'))
        if day is not None and day.value != (theirs.isoformat() if theirs else None):
            problems.append(Problem(day.path, day.line, day.col, day.field,
                                    f"{day.value} where {name} has " + (theirs.isoformat() if theirs else "no date")
                                    + ": the day of an endorsement is the original's; leave it out of the translation"))
    return problems


def untranslatable(original: Parsed, field_name: str) -> bool:
    """Whether a translation's field has nothing to translate: the original does not have it
    (`evidence` on a badge without evidence would show on that language's pages only; `request`
    on a badge without its own would be dropped, the issuer's instructions shown untranslated)."""
    obj = original.obj
    if original.kind == "badge":
        return {"evidence": not obj.evidence, "request": obj.own_request is None, "image_alt": not obj.image_alt,
                "tags": not original.extra.get("tags"),
                "endorsements": not original.refs.get("endorsements")}.get(field_name, False)
    if original.kind == "issuer":
        return {"request": obj.request is None, "description": not obj.description,
                "image_alt": not original.refs.get("image")}.get(field_name, False)
    if original.kind == "competency":
        return field_name == "group" and not obj.group
    return False


PARSERS = {"issuer": parse_issuer, "badge": parse_badge, "competency": parse_competency, "page": parse_page}
