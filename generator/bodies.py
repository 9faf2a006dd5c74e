"""Markdown bodies of content files: rendered, checked, their images published.

At parse time (`render`, in the loader's worker processes, once per file), a body is rendered to
sanitized HTML and checked where it was written:
- what the sanitizer removed (a `<script>`, an `onerror`, a `javascript:` link...) is a warning
  at its line and column: the page is safe either way, but the author meant something by it;
- an image without alternative text is a warning;
- each image with a relative address (`![Un masque](impro.png)`, `<img src="../images/x.png">`)
  becomes a reference to a file of content/, resolved as `image` fields are: from the file's
  own folder, then content/images/, never outside content/;
- a badge's criteria are also kept as Markdown for Open Badges (the criteria `narrative`),
  without what the sanitizer would remove (rawhtml.clean_markdown), with the places of its
  relative links.

At load time (`Media`, in the loader's process), each image reference is found and checked (a
missing or unsafe image is an error at the reference), the images are published once, at
`media/<their path under content/>` (`content/badges/impro.png` is `media/badges/impro.png`: a
stable address, as long as the file keeps its name, that no other output shares), each page's
`<img src>` is rewritten relative to that page (its depth and language prefix), and the badges'
narratives get absolute links from base_url, so that a backpack showing them links back.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin

from . import markup, rawhtml
from .errors import Problem
from .images import check_picture, resolve_image
from .model import Config, Image

# In sanitized HTML (nh3 writes lowercase names and "quoted" values); lint.py reads them too
URL_TAG_RE = re.compile(r"<(a|img)\b([^>]*)>")
URL_ATTR_RE = re.compile(r'\s(href|src)="([^"]*)"')
ALT_RE = re.compile(r'\salt="([^"]*)"')
_SRC_RE = re.compile(r'(\ssrc=")([^"]*)(")')
_IMG_RE = re.compile(r"<img\b[^>]*>")
_PLACED_RE = re.compile(r'(<img\b[^>]*?\ssrc=")(?:\.\./)*media/')
# Elements that run, style or embed something: removed whole, and said so without a list.
_RUNNING = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
            "button", "select", "textarea", "link", "meta", "base", "svg", "math", "template", "noscript"}
MEDIA = "media/"
NO_ALT = "an image without alternative text: say what it shows between the brackets, ![a blue microphone](image.png)"


def _maybe_refused(text: str) -> bool:
    """Whether Markdown's HTML may hold something the sanitizer removes: raw HTML, an attribute
    list ({: ...}) or a link with a scheme. A body without any is not scanned."""
    return "<" in text or "{" in text or "&" in text or "](" in text or "]:" in text


def _removed(r: rawhtml.Removal) -> str:
    if r.kind == "tag":
        if r.name in ("script", "style"):
            return f"<{r.name}> is not allowed in a page and was removed, with its content"
        if r.name in _RUNNING or not r.name.isalnum():
            return f"<{r.name}> is not allowed in a page and was removed (no scripts, styles, frames, forms or embeds)"
        return (f"<{r.name}> is not allowed in a page and was removed, its text kept (allowed: Markdown, and "
                f"{', '.join(sorted(markup.ALLOWED_TAGS))})")
    if r.kind == "attr":
        if r.name.startswith("on"):
            return f'"{r.name}" on <{r.tag}> is not allowed and was removed (pages run no script)'
        allowed = sorted(markup.ALLOWED_ATTRIBUTES["*"] | markup.ALLOWED_ATTRIBUTES.get(r.tag, set()))
        return f'"{r.name}" on <{r.tag}> is not allowed and was removed (allowed on <{r.tag}>: {", ".join(allowed)})'
    shown = r.name if len(r.name) <= 80 else r.name[:77] + "..."
    return (f'"{shown}" is not allowed as an address and was removed from <{r.tag}> (allowed: '
            f'{", ".join(sorted(markup.URL_SCHEMES))}, or a relative address)')


def _relative(value: str) -> bool:
    """An address of a file of the site, written relative to the page: not "#x", "/x" or "https:"."""
    return bool(value) and not value.startswith(("#", "/", "\\")) and rawhtml.scheme(value) is None


def render(doc: Any, parsed: Any, top_heading: int = 2) -> str:
    """A content file's body (`doc`, frontmatter.Document) as sanitized HTML. Its warnings and
    image references (refs["body_images"]) go to `parsed` (content.Parsed)."""
    from .content import Ref  # content imports this module

    text = doc.body
    converted = markup.convert(text, top_heading)
    out = markup.sanitize(converted) if converted else ""
    written = rawhtml.Written(text, doc.body_line)

    def warn(where: tuple[int, int], message: str) -> None:
        parsed.problems.append(Problem(parsed.path, where[0], where[1], "body", message, warning=True))

    if out and _maybe_refused(text):
        seen: dict[tuple, int] = {}
        for removal in rawhtml.removals(converted):
            nth = seen[removal.key] = seen.get(removal.key, -1) + 1
            warn(written.position(removal.key, nth), _removed(removal))
    counts: dict[str, int] = {}
    images = parsed.refs.setdefault("body_images", [])
    for tag in URL_TAG_RE.finditer(out):
        attr = URL_ATTR_RE.search(tag.group(2))
        value, nth = "", 0
        if attr:
            value = html.unescape(attr.group(2))
            nth = counts[value] = counts.get(value, -1) + 1
        if tag.group(1) != "img":
            continue
        where = written.position(("url", value), nth) if attr else written.position(("tag", "img"))
        alt = ALT_RE.search(tag.group(2))
        if alt is None or not alt.group(1).strip():
            warn(where, NO_ALT)
        if attr and _relative(value):
            images.append(Ref(value, parsed.path, where[0], where[1], "body"))
    return out


def field_images(out: str, parsed: Any, where: tuple[int, int], field_name: str) -> None:
    """The images of content/ that Markdown in a frontmatter field shows (request.instructions):
    published as a body's are, a problem with one reported at the field."""
    from .content import Ref  # content imports this module

    images = parsed.refs.setdefault("body_images", [])
    for tag in URL_TAG_RE.finditer(out):
        attr = URL_ATTR_RE.search(tag.group(2))
        if tag.group(1) == "img" and attr and _relative(html.unescape(attr.group(2))):
            images.append(Ref(html.unescape(attr.group(2)), parsed.path, where[0], where[1], field_name))


def narrative(doc: Any, parsed: Any) -> str:
    """A badge's criteria as Open Badges publish them (Markdown), without what the sanitizer
    would remove; its relative links' places go to parsed.extra["narrative_links"]."""
    clean = doc.body.strip()
    if "<" in clean or "](" in clean or "]:" in clean:
        clean, targets = rawhtml.narrative(clean)
        links = [(link.start, link.end, link.url, link.html) for link in targets
                 if link.url and rawhtml.scheme(link.url, markdown=not link.html) is None]
        if links:
            parsed.extra["narrative_links"] = links
    return clean


def same_body(a: str, b: str) -> bool:
    """Whether two bodies' HTML are the same text, their images placed for different pages aside
    (a translation without its own body shows the original's)."""
    return a == b or _PLACED_RE.sub(r"\1" + MEDIA, a) == _PLACED_RE.sub(r"\1" + MEDIA, b)


def place(markup_html: str, found: dict[str, Image], page_path: str) -> str:
    """The body's HTML with each image of content/ at its published address, relative to the
    page at `page_path` ("en/badges/x/")."""
    def one_tag(m: re.Match) -> str:
        def one_src(s: re.Match) -> str:
            image = found.get(html.unescape(s.group(2)))
            if image is None:
                return s.group(0)
            return s.group(1) + html.escape(quote(posixpath.relpath(image.path, page_path))) + s.group(3)
        return _SRC_RE.sub(one_src, m.group(0), count=1)
    return _IMG_RE.sub(one_tag, markup_html)


def _absolute(url: str, in_html: bool) -> str:
    out = quote(url, safe=":/?#[]@!$&()*+,;=%~")
    return out.replace("&", "&amp;") if in_html else out


class Media:
    """The images of every body of a load: found, checked, published once."""

    def __init__(self, config: Config, problems: list[Problem]):
        self.config = config
        self.problems = problems
        self.content = config.root / "content"
        self.files: dict[tuple[str, str], tuple[Image | None, list[Problem]]] = {}
        self.checked: dict[Path, tuple[Image | None, list[Problem]]] = {}
        self.maps: dict[tuple[str, str, str], dict[str, Image]] = {}  # (lang, kind, slug) -> src -> image
        self.images: dict[str, Image] = {}
        self.shown: set[str] = set()  # the paths of the images some published page shows

    def add(self, lang: str, parsed: Any) -> None:
        """A parsed file's body images, and its narrative's links made absolute."""
        found = {}
        for ref in parsed.refs.get("body_images", ()):
            image = self.resolve(ref)
            if image is not None:
                found[ref.value] = image
        if found:
            self.maps[(lang, parsed.kind, parsed.slug)] = found
        links = parsed.extra.get("narrative_links")
        if links and parsed.obj is not None:
            parsed.obj.body_markdown = self.narrative(parsed.obj.body_markdown, parsed.obj.path, links, found)

    def resolve(self, ref: Any) -> Image | None:
        path = unquote(ref.value.split("#", 1)[0].split("?", 1)[0])
        key = (ref.path.rpartition("/")[0], path)
        if key not in self.files:
            by_path = type(ref)(path, ref.path, ref.line, ref.col, ref.field)
            found: list[Problem] = []
            file = resolve_image(by_path, self.content, found)
            image = None
            if file is not None:
                if file not in self.checked:
                    problems: list[Problem] = []
                    picture = check_picture(file, by_path, self.config.root, problems)
                    if picture is not None:
                        picture.path = picture.thumb_path = MEDIA + file.relative_to(self.content.resolve()).as_posix()
                    self.checked[file] = (picture, problems)
                image, more = self.checked[file]
                found += more
            self.files[key] = (image, found)
        image, found = self.files[key]
        self.problems.extend(Problem(ref.path, ref.line, ref.col, ref.field, p.message) for p in found)
        if image is not None:
            self.images[image.path] = image
        return image

    def narrative(self, text: str, page_path: str, links: list[tuple], found: dict[str, Image]) -> str:
        """The criteria's Markdown with absolute links: images to their published address, the
        other relative links resolved from the badge's page."""
        base = self.config.base_url
        page = base + page_path
        pieces, at = [], 0
        for start, end, url, in_html in links:
            image = found.get(url)
            pieces += [text[at:start], _absolute(base + image.path if image else urljoin(page, url), in_html)]
            at = end
        pieces.append(text[at:])
        return "".join(pieces)

    def place(self, catalogues: dict[str, Any]) -> None:
        """Every page's images at their published address, relative to the page; the images of
        published pages are the ones to publish."""
        if not self.maps:
            return
        default = self.config.language
        for cat in catalogues.values():
            for kind, table in (("issuer", cat.issuers), ("badge", cat.badges), ("competency", cat.competencies),
                                ("page", cat.pages)):
                for slug, obj in table.items():
                    # a translation's own body has its own images; without one, the original's
                    found = self.maps.get((cat.lang, kind, slug)) or self.maps.get((default, kind, slug))
                    if found and obj.body_html:
                        obj.body_html = place(obj.body_html, found, cat.prefix + obj.path)
                        if getattr(obj, "published", True):  # a draft's images are checked, not published
                            self.shown.update(image.path for image in found.values())
            # How to apply (request.instructions) is shown on badge pages only (badge.html), all
            # at this depth: an issuer's, on each of its badges' pages.
            page_path = cat.prefix + "badges/-/"
            for kind, table, attr in (("issuer", cat.issuers, "request"), ("badge", cat.badges, "own_request")):
                for slug, obj in table.items():
                    request = getattr(obj, attr)
                    if request is None or "<img" not in request.instructions_html:
                        continue
                    # a translation without its own instructions shows the original's
                    found = {**self.maps.get((default, kind, slug), {}), **self.maps.get((cat.lang, kind, slug), {})}
                    if found:  # a new Request: the catalogues of other languages share the original
                        setattr(obj, attr, replace(request, instructions_html=place(request.instructions_html, found, page_path)))
                        if getattr(obj, "published", True):
                            self.shown.update(image.path for image in found.values())

    def published(self) -> list[Image]:
        """Every image of a body, by path; those only drafts show are not `shown` (not published)."""
        out = []
        for path in sorted(self.images):
            image = self.images[path]
            out.append(image if path in self.shown else replace(image, shown=False))
        return out
