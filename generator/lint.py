"""Authoring checks on a loaded site: warnings, not errors (`vitrine check --strict` fails on them).

The loader accepts a site that builds; these checks say where it could serve its readers better:
criteria too short to be useful, a badge with no competency, images too small or not square,
links in Markdown bodies that lead nowhere or are malformed (images of bodies are checked by the
loader: bodies.py, which also warns of images without alternative text and of HTML the sanitizer
removed), a badge nobody can apply for, a badge without a date (left out of the feed),
placeholders left by `vitrine new`, a badge body opening with the page's own heading said again
(criteria_heading.py).

They read the `Site` model. Positions are found only for what is reported: the file is read
again (its frontmatter for a field's position, its text for a link), so a clean site costs
little more than walking the model.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import designer, rawhtml
from .bodies import ALT_RE, NO_ALT, URL_ATTR_RE, URL_TAG_RE, same_body
from .criteria_heading import criteria_titles, repeats_title
from .errors import Problem, did_you_mean
from .fields import URL_RE
from .frontmatter import Document, decode, parse_frontmatter, read_yaml
from .model import Badge, Catalogue, Competency, Issuer, Page, Site
from .scaffold import PLACEHOLDER_RE

MIN_CRITERIA_WORDS = 40
MIN_PNG_PX = 512
MIN_CONTRAST = 4.5  # WCAG AA for text
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# A relative link whose first part looks like a host name: a web address without https://.
_BARE_HOST_RE = re.compile(r"^(?:www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:[a-z]{2}|com|org|net|edu|gouv|info|eu)(?:/|$))", re.I)
_KEY_LINE_RE = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:")
_QUICK = ("COMPLÉTER", "FILL IN", "a-completer", "to-fill-in")  # substrings first: plain `in` is fast
_FOLDERS = {"badges": "badge", "issuers": "issuer", "competencies": "competency", "pages": "page"}
# Markdown in a field shown as plain text (a name, a description): strong, a link, code, a heading
_MARKDOWN_RE = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__|\[[^\]\n]+\]\([^)\s]+\)|`[^`\n]+`|^#{1,6}\s")
_HTML_HEADING_RE = re.compile(r"<h([1-6])\b")
_ATX_RE = re.compile(r"#{1,6}")  # as Python-Markdown reads it: at a line's start, with a space or not
_SETEXT_RE = re.compile(r"(?:=+|-+)[ ]*$")
_FENCE_OPEN_RE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")


def written_headings(body: str) -> list[tuple[int, int, str]]:
    """A Markdown body's headings as written: (level, line from 0, how it reads: "#### Étapes",
    or "Étapes" for an underlined one), fenced and indented code aside."""
    out: list[tuple[int, int, str]] = []
    lines = body.split("\n")
    fence, blank_before = "", True
    for n, line in enumerate(lines):
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        opening = _FENCE_OPEN_RE.match(line)
        code = line.startswith(("    ", "\t")) and blank_before
        if opening:
            fence = opening.group(1)
        elif not code and (marks := _ATX_RE.match(line)):
            text = line[marks.end():].strip().rstrip("#").strip()
            out.append((len(marks.group()), n, f"{marks.group()} {text}"))
        elif (not code and n and _SETEXT_RE.match(line) and lines[n - 1].strip()
              and not (out and out[-1][1] == n - 1)):
            out.append((1 if line[0] == "=" else 2, n - 1, lines[n - 1].strip()))
        blank_before = not line.strip()
    return out


def skips(levels: list[int]) -> list[int]:
    """Where a list of heading levels skips one: deeper than the one before plus one (the first:
    deeper than the list's top level)."""
    return [i for i, level in enumerate(levels) if level > (levels[i - 1] if i else min(levels) - 1) + 1]


@dataclass
class _Source:
    """One content file, read again only when a warning needs a position in it."""

    root: Path
    rel: str
    _text: str | None = None
    _doc: Document | None = None
    _read: bool = False

    def load(self) -> None:
        if self._read:
            return
        self._read = True
        try:
            text, _ = decode((self.root / self.rel).read_bytes(), self.rel)
        except OSError:
            text = None
        self._text = text
        if text is not None:
            self._doc, _ = parse_frontmatter(text, self.rel)

    @property
    def text(self) -> str:
        self.load()
        return self._text or ""

    def key(self, *names: str) -> tuple[int, int]:
        """Where the first written of these fields is ("image", "design.icon"), else the
        opening `---` line."""
        self.load()
        if self._doc is None:
            return (1, 1)
        for name in names:
            key = tuple(name.split("."))
            if key in self._doc.marks and len(key) > 1:
                return self._doc.marks[key]
            if key in self._doc.key_marks:
                return self._doc.key_marks[key]
        return self._doc.top or (1, 1)

    @property
    def body_line(self) -> int:
        self.load()
        return self._doc.body_line if self._doc is not None else 1

    def written(self, whole_file: bool = False) -> rawhtml.Written:
        """Where the URLs of the body (or of the whole file: Markdown in a frontmatter field) were
        written; a position not found is the body's start."""
        key = "_whole" if whole_file else "_body"
        if key not in self.__dict__:
            text = self.text
            start = 0 if whole_file else sum(len(line) + 1 for line in text.split("\n")[:self.body_line - 1])
            self.__dict__[key] = rawhtml.Written(text, 1, min(start, len(text)))
        return self.__dict__[key]

    def find_url(self, url: str, nth: int = 0, whole_file: bool = False) -> tuple[int, int]:
        """Line and column of the nth (from 0) time `url` was written as a link or image target,
        or an href / src attribute (quoted or not); the body's start when it cannot be found."""
        if url and self.written(whole_file).offset(("url", url), nth) is not None:
            return self.written(whole_file).position(("url", url), nth)
        return (self.body_line, 1)


@dataclass
class _Linter:
    site: Site
    targets: set[str]
    out: list[Problem] = field(default_factory=list)
    prefix: str = ""  # the language of the page being checked ("" or "en/")
    sources: dict[str, _Source] = field(default_factory=dict)
    criteria_titles: dict[str, str] | None = None  # the heading above a badge's criteria, by language

    def source(self, rel: str) -> _Source:
        if rel not in self.sources:
            self.sources[rel] = _Source(self.site.config.root, rel)
        return self.sources[rel]

    def dates_badges(self, cat: Catalogue) -> bool:
        """Whether some active badge of the catalogue has a `date`."""
        if "_dated" not in self.__dict__:
            self.__dict__["_dated"] = any(b.date is not None for b in cat.badges.values() if b.status == "active")
        return self.__dict__["_dated"]

    def warn(self, rel: str, where: tuple[int, int], field_name: str, message: str) -> None:
        self.out.append(Problem(rel, where[0], where[1], field_name, message, warning=True))

    # -- placeholders --------------------------------------------------------------------------

    def placeholders(self, rel: str, values: list[str | None]) -> None:
        """Values still holding a `vitrine new` placeholder; the file is read only if one does."""
        if not any(v and any(q in v for q in _QUICK) and PLACEHOLDER_RE.search(v) for v in values):
            return
        src = self.source(rel)
        in_body, key = False, ""
        for number, line in enumerate(src.text.split("\n"), start=1):
            if number >= src.body_line:
                in_body = True
            elif (m := _KEY_LINE_RE.match(line)) and not line.lstrip().startswith("#"):
                key = m.group(2) if not m.group(1) else (key.split(".")[0] + "." + m.group(2))
            code = line if in_body else line.split(" #", 1)[0]
            if line.lstrip().startswith("#") and not in_body:
                continue
            match = PLACEHOLDER_RE.search(code)
            if match:
                shown = code.strip().strip('"')
                shown = shown.split(": ", 1)[1].strip().strip('"') if not in_body and ": " in shown else shown
                if len(shown) > 60:
                    shown = shown[:57] + "..."
                self.warn(rel, (number, match.start() + 1), "body" if in_body else key,
                          f'still holds a placeholder ("{shown}"): replace it with your text')

    def plain(self, rel: str, obj, *names: str) -> None:
        """Fields shown as written (names, descriptions; Open Badges want plain text there too):
        Markdown in them would show its marks."""
        for name in names:
            value = getattr(obj, name, None)
            if value and any(c in value for c in "*_`]#"):
                m = _MARKDOWN_RE.search(value)
                if m:
                    self.warn(rel, self.source(rel).key(name), name, f'is plain text, shown as written: '
                              f'"{m.group().strip()}" keeps its marks (Markdown goes in the body)')

    # -- bodies: links and images --------------------------------------------------------------

    def body(self, rel: str, page_path: str, body_html: str, field_name: str = "body") -> None:
        """Links and images of a Markdown body rendered at `page_path` (site-relative, "badges/x/")."""
        if not body_html:
            return
        whole = field_name != "body"  # Markdown in a frontmatter field (request.instructions)
        self.prefix = next((c.prefix for c in self.site.catalogues.values() if c.prefix and page_path.startswith(c.prefix)), "")
        counts: dict[str, int] = {}  # the nth time a URL is used is the nth time it was written
        for tag, attrs in URL_TAG_RE.findall(body_html):
            attr = URL_ATTR_RE.search(attrs)
            href = html.unescape(attr.group(2)) if attr else ""
            nth = counts[href] = counts.get(href, -1) + 1
            alt = ALT_RE.search(attrs)
            if whole and tag == "img" and (alt is None or not alt.group(1).strip()):  # bodies: bodies.py
                self.warn(rel, self.source(rel).find_url(href, nth, whole), field_name, NO_ALT)
            message = self.link_problem(page_path, href.strip()) if attr else None
            if message:
                self.warn(rel, self.source(rel).find_url(href, nth, whole), field_name, message)

    def link_problem(self, page_path: str, href: str) -> str | None:
        if not href or href.startswith(("#", "//")):
            return None
        malformed = f'"{href}" is not a valid web address (expected https://host.example/path)'
        scheme = _SCHEME_RE.match(href)
        if scheme:
            name = scheme.group(1).lower()
            if name in ("http", "https"):
                if not URL_RE.match(href) or not urlsplit(href).hostname:
                    return malformed
            elif name in ("htp", "htps", "ttp", "ttps", "hhtp", "hhtps", "htttp", "htttps", "www"):
                return malformed
            return None  # mailto:, tel: and other schemes: not ours to judge
        if re.match(r"^https?//", href, re.I):
            return malformed
        if _BARE_HOST_RE.match(href):
            path = href.split("#", 1)[0].split("?", 1)[0]  # "oral.md": a content file (.md is also Moldova's)
            suggestion = self.page_for_source(page_path, path) if path.endswith(".md") else None
            if suggestion:
                return f'"{href}" links to a content file: link to its page instead, "{suggestion}"'
            return f'"{href}" looks like a web address without "https://": write https://{href}'
        return self.internal(page_path, href)

    def internal(self, page_path: str, href: str) -> str | None:
        """A link within the site, from the page at `page_path` ("en/badges/x/")."""
        path = href.split("#", 1)[0].split("?", 1)[0]
        if not path:
            return None
        base_path = self.site.config.base_path
        if path.startswith("/"):
            if not path.startswith(base_path):
                return f'"{href}" leads outside the site, which is served under {base_path}: use a relative link'
            target = path[len(base_path):]
        else:
            target = posixpath.normpath(posixpath.join(page_path, path))
            if target == ".." or target.startswith("../"):
                return f'"{href}" leads outside the site'
            target = "" if target == "." else target + ("/" if path.endswith("/") else "")
        if self.exists(unquote(target)):  # files are named as written: "mon image.png" is mon%20image.png
            return None
        if path.endswith(".md"):
            suggestion = self.page_for_source(page_path, path)
            if suggestion:
                return f'"{href}" links to a content file: link to its page instead, "{suggestion}"'
        return f'"{href}" leads nowhere: the site has no page or file at {target or "/"}'

    def exists(self, target: str) -> bool:
        if target in ("", "/"):
            return "index.html" in self.targets
        if target.endswith("/"):
            return target + "index.html" in self.targets
        return target in self.targets or target + "/index.html" in self.targets

    def page_for_source(self, page_path: str, path: str) -> str | None:
        """For a link to `../badges/x.md` (or `x.md`, beside the file), the relative link to x's page."""
        parts = path.split("/")
        slug = parts[-1][: -len(".md")].split(".")[0]
        prefix = self.prefix
        own = page_path[len(prefix):].split("/")[0]
        folders = [parts[-2]] if len(parts) > 1 and parts[-2] in _FOLDERS else [own] + list(_FOLDERS)
        for folder in folders:
            target = f"{prefix}{folder}/{slug}/"
            if folder in _FOLDERS and self.exists(target):
                return posixpath.relpath(target, page_path) + "/"
        return None

    def headings(self, rel: str, body_html: str) -> None:
        """Headings that skip a level (`##` then `####`): screen-reader users move through a page
        by its headings and hear the gap. The page shifts a body's headings (mdconvert.py) but
        keeps their distances, so the warning speaks of what the author wrote, at its line."""
        shown = [int(n) for n in _HTML_HEADING_RE.findall(body_html)]
        gaps = skips(shown) if shown else []
        if not gaps:
            return
        src = self.source(rel)
        written = written_headings("\n".join(src.text.split("\n")[src.body_line - 1:]))
        levels = [w[0] for w in written]
        shift = min(shown) - min(levels) if levels else 0
        if len(levels) != len(shown) or any(min(6, w + shift) != h for w, h in zip(levels, shown)):
            at = gaps[0]  # headings that are not Markdown's (raw HTML): said as the page shows them
            before = shown[at - 1] if at else min(shown) - 1
            self.warn(rel, (src.body_line, 1), "body", f"the headings skip a level (the page shows an h{shown[at]} "
                      f"after an h{before}), which screen-reader users notice: a heading is at most one level "
                      "under the one before it")
            return
        top = min(levels)
        for i in skips(levels):
            level, line, text = written[i]
            shown_text = '"' + (text if len(text) <= 50 else text[:47] + "...") + '"'
            if i:
                previous = written[i - 1]
                said = f'after "{previous[2] if len(previous[2]) <= 50 else previous[2][:47] + "..."}"'
                fix = "#" * (previous[0] + 1)
            else:
                said = f'as the first heading, deeper than the body\'s top level ("{"#" * top}", which the page puts right under its own heading)'
                fix = "#" * top
            self.warn(rel, (src.body_line + line, 1), "body", f"heading {shown_text} skips a level {said}: screen-reader "
                      f'users notice the gap; make it "{fix}"')

    def criteria_heading(self, rel: str, body_html: str, lang: str) -> None:
        """A badge body that opens with the page's own heading said again (criteria_heading.py)."""
        if self.criteria_titles is None:
            self.criteria_titles = criteria_titles(self.site.config)
        if not repeats_title(body_html, self.criteria_titles.values()):
            return
        src = self.source(rel)
        written = written_headings("\n".join(src.text.split("\n")[src.body_line - 1:]))
        line, heading = (written[0][1], written[0][2]) if written else (0, "its first heading")
        self.warn(rel, (src.body_line + line, 1), "body", f'"{heading}" opens the criteria right under the page\'s own '
                  f'heading, "{self.criteria_titles.get(lang, "")}", and says the same: readers meet it twice; remove '
                  "it, or give the part a heading that says something else (what it covers: the workshop, the steps, "
                  "what to hand in)")

    # -- each kind -----------------------------------------------------------------------------

    def image_size(self, rel: str, kind: str, image, square: bool) -> None:
        if image is None or image.drawn:
            return
        name = Path(image.rel).name
        if square and image.width != image.height:
            self.warn(rel, self.source(rel).key("image"), "image",
                      f'"{name}" is {image.width}×{image.height}: a square logo shows best in badges and backpacks')
        if image.kind == "png" and min(image.width, image.height) < MIN_PNG_PX:
            self.warn(rel, self.source(rel).key("image"), "image",
                      f'"{name}" is {image.width}×{image.height} pixels: {MIN_PNG_PX}×{MIN_PNG_PX} or more stays sharp '
                      f"on dense screens and in backpacks (or use an SVG)")

    def badge(self, cat: Catalogue, badge: Badge) -> None:
        rel = badge.source
        words = len(badge.body_text.split())
        if words < MIN_CRITERIA_WORDS:
            where = (self.source(rel).body_line, 1)
            said = "no criteria: the body is empty" if words == 0 else f"the criteria are {words} word{'s' if words > 1 else ''} long"
            self.warn(rel, where, "body", f"{said}: write at least {MIN_CRITERIA_WORDS} words (what to do, how it is "
                                          "checked), so that applicants know what they commit to")
        if not badge.competencies and not badge.alignments:
            self.warn(rel, self.source(rel).key("competencies"), "competencies",
                      "no competency: name the competencies this badge develops (content/competencies/), "
                      "so that it shows on their pages and in the filters")
        if badge.request is None and not badge.retired:
            chain = [badge.issuer, *reversed(badge.issuer.ancestors)]
            self.warn(rel, self.source(rel).key("request"), "request",
                      'no way to apply: give a "request" (a form url or an email, and instructions) to this badge '
                      f'or to its issuer ({", ".join(i.slug for i in chain)})')
        # Said only on a site that dates its badges: `date` is optional (DESIGN does not name it),
        # and a site without any would otherwise get a warning per badge, failing --strict.
        if badge.date is None and badge.status == "active" and self.dates_badges(cat):
            self.warn(rel, self.source(rel).key("date"), "date",
                      "no date, unlike other badges: this badge is left out of the Atom feed (feed.xml), whose "
                      "entries are dated; write the day it was first published (date: 2024-09-01)")
        self.image_size(rel, "badge", badge.image, square=False)
        self.plain(rel, badge, "name", "description")
        if badge.design is not None:
            self.design(rel, badge.design)
        request = badge.own_request
        self.placeholders(rel, [badge.name, badge.description, badge.body_html, badge.image_alt,
                                badge.design.label if badge.design else None,
                                request.url if request else None, request.email if request else None,
                                request.instructions_html if request else None, *badge.evidence])
        self.body(rel, cat.prefix + badge.path, badge.body_html)
        self.headings(rel, badge.body_html)
        self.criteria_heading(rel, badge.body_html, cat.lang)
        if request is not None:
            self.body(rel, cat.prefix + badge.path, request.instructions_html, "request.instructions")

    def design(self, rel: str, design) -> None:
        """A drawn badge: an icon of the bundled set, and a label that can be read."""
        if design.icon and designer.icon_name(design.icon) is None:
            names = sorted(designer.ICONS)
            self.warn(rel, self.source(rel).key("design.icon"), "design.icon",
                      f'no icon "{design.icon}"' + did_you_mean(design.icon, [*names, *designer.ALIASES]).rstrip()
                      + f": the badge is drawn without one (icons: {', '.join(names)})")
        try:
            ratio = designer.contrast(design.foreground, design.background)
        except ValueError:
            return
        if ratio < MIN_CONTRAST:
            self.warn(rel, self.source(rel).key("design.foreground", "design.background", "design"), "design.foreground",
                      f"{design.foreground} on {design.background} has a contrast of {ratio:.1f}:1: the label is hard "
                      f"to read (at least {MIN_CONTRAST:g}:1; white or black on a strong colour works)")

    def issuer(self, cat: Catalogue, issuer: Issuer) -> None:
        rel = issuer.source
        self.image_size(rel, "issuer", issuer.image, square=True)
        self.plain(rel, issuer, "name", "description")
        request = issuer.request
        self.placeholders(rel, [issuer.name, issuer.url, issuer.email, issuer.description, issuer.body_html,
                                issuer.image_alt, request.url if request else None, request.email if request else None,
                                request.instructions_html if request else None])
        self.body(rel, cat.prefix + issuer.path, issuer.body_html)
        self.headings(rel, issuer.body_html)
        if request is not None:
            self.body(rel, cat.prefix + issuer.path, request.instructions_html, "request.instructions")

    def competency(self, cat: Catalogue, comp: Competency) -> None:
        self.placeholders(comp.source, [comp.name, comp.description, comp.framework, comp.body_html, comp.group])
        self.plain(comp.source, comp, "name", "description")
        self.body(comp.source, cat.prefix + comp.path, comp.body_html)
        self.headings(comp.source, comp.body_html)

    def page(self, cat: Catalogue, page: Page) -> None:
        self.placeholders(page.source, [page.title, page.body_html])
        self.body(page.source, cat.prefix + page.path, page.body_html)
        self.headings(page.source, page.body_html)

    def interface_strings(self, site: Site) -> None:
        """Keys of the site's i18n/<lang>.yaml that no theme has and no template of the site
        names: a misspelt key ("search_labl") changes nothing, silently."""
        from .i18n import flatten
        from .templating import theme_folders

        root = site.config.root
        mine = root / "i18n"
        if not mine.is_dir():
            return
        known: set[str] = set()
        for folder in theme_folders(root, site.config.theme, "i18n"):
            if folder.resolve() != mine.resolve():
                for file in folder.glob("*.yaml"):
                    known.update(flatten(yaml_mapping(file)))
        sources = "".join(path.read_text(encoding="utf-8", errors="replace")
                          for folder in (root / "templates", root / "themes" / site.config.theme / "templates")
                          if folder.is_dir() for path in sorted(folder.rglob("*")) if path.is_file())
        for file in sorted(mine.glob("*.yaml")):
            rel = file.relative_to(root).as_posix()
            text, _ = decode(file.read_bytes(), rel)
            result = read_yaml(text or "", rel)
            if result.problem is not None or not isinstance(result.value, dict):
                continue  # the build says what is wrong with it
            for key in flatten(result.value):
                if key in known or f"'{key}'" in sources or f'"{key}"' in sources:
                    continue
                where = result.key_marks.get(tuple(key.split(".")), (1, 1))
                self.warn(rel, where, key, "no theme has this interface string and no template of the site uses it: "
                                           "it is never shown" + did_you_mean(key, known, near_only=True))

    def languages(self, site: Site) -> None:
        """A language for which neither the theme nor the site has interface strings: its pages
        would come out in English, marked as that language."""
        from .config import CONFIG_FILE, position
        from .templating import theme_folders

        root = site.config.root
        folders = theme_folders(root, site.config.theme, "i18n")
        for i, lang in enumerate(site.config.languages):
            if any((folder / f"{lang}.yaml").is_file() for folder in folders):
                continue
            where = position(root, ("languages", i))
            if where == (1, 1):
                where = position(root, ("language",))
            self.warn(CONFIG_FILE, where, "languages", f'no interface strings in "{lang}": its pages would be in '
                      f'English, marked as "{lang}"; write i18n/{lang}.yaml in the site (the keys of the theme\'s '
                      "i18n/en.yaml, translated)")

    def base_url(self, site: Site) -> None:
        """A host name with capitals: published as written in every id (badges', awards'), where
        browsers and verifiers write hosts in lower case. Said only while no award is published:
        then the address can still change; afterwards its ids must answer as they are."""
        from .published import published_ids
        from .config import CONFIG_FILE, position

        base = site.config.base_url
        scheme, _, rest = base.partition("://")
        host = rest.partition("/")[0]
        if host == host.lower() or published_ids(site.config.root):
            return
        self.warn(CONFIG_FILE, position(site.config.root, ("base_url",)), "base_url",
                  f'the host name "{host}" has capital letters: it would be published as written in every '
                  f"badge's and award's address, and they cannot change once awards are published; write "
                  f"{scheme}://{host.lower()}/{rest.partition('/')[2]}")

    def translations(self, cat: Catalogue) -> None:
        """A translation's own body and texts, reported in its own file."""
        default = self.site.default
        groups = [(cat.badges, default.badges), (cat.issuers, default.issuers),
                  (cat.competencies, default.competencies), (cat.pages, default.pages)]
        for items, originals in groups:
            for slug, obj in items.items():
                original = originals[slug]
                if not obj.translated or not obj.source:
                    continue
                rel = obj.source[: -len(".md")] + f".{cat.lang}.md"
                if not (self.site.config.root / rel).is_file():
                    continue
                texts = [getattr(obj, n, None) for n in ("name", "title", "description", "image_alt", "group")]
                self.placeholders(rel, [t for t in texts if isinstance(t, str)] + [obj.body_html])
                if not same_body(obj.body_html, original.body_html):
                    self.body(rel, cat.prefix + obj.path, obj.body_html)
                    self.headings(rel, obj.body_html)
                    if isinstance(obj, Badge):
                        self.criteria_heading(rel, obj.body_html, cat.lang)


def yaml_mapping(file: Path) -> dict:
    """A theme's YAML file as a mapping (empty when it is not one: the build reports it)."""
    import yaml

    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def output_paths(site: Site, with_anchors: bool = False) -> set[str]:
    """Every file a build of this site writes (the output modules' claims; nothing is rendered);
    `with_anchors`: and the places in them that awards name (render.base.anchors)."""
    from .build import CACHE, OUTPUTS  # build imports lint: import at call time
    from .render.base import Renderer, anchors, expand

    renderer = Renderer(site, site.config.root / CACHE)
    paths: set[str] = set()
    for module in OUTPUTS:
        paths.update(job.path for job in expand(module.jobs(renderer)))
    return paths | anchors(OUTPUTS, renderer) if with_anchors else paths


def lint(site: Site, targets: set[str] | None = None) -> list[Problem]:
    """Every authoring warning of a loaded site, sorted."""
    from .templating import unknown_blocks

    known = output_paths(site) if targets is None else targets
    if any(not image.shown for image in site.media):  # a draft's images: checked, so its links to them are good
        known = known | {image.path for image in site.media}
    linter = _Linter(site, known)
    cat = site.default
    for issuer in cat.issuers.values():
        linter.issuer(cat, issuer)
    for badge in cat.badges.values():
        linter.badge(cat, badge)
    for comp in cat.competencies.values():
        linter.competency(cat, comp)
    for page in cat.pages.values():
        linter.page(cat, page)
    for other in list(site.catalogues.values())[1:]:
        linter.translations(other)
    linter.interface_strings(site)
    linter.out += unknown_blocks(site.config.root, site.config.theme)  # a misspelt block (templating.py)
    linter.languages(site)
    linter.base_url(site)
    return sorted(set(linter.out))


def add_warnings(site: Site, targets: set[str] | None = None) -> Site:
    """Add the authoring warnings to `site.warnings` (the loader's own warnings stay).
    `targets`: the output paths, when the caller has them already."""
    site.warnings = sorted(set(site.warnings) | set(lint(site, targets)))
    return site


def as_json(problems: list[Problem]) -> dict:
    """The report of `vitrine check --format json`."""
    def item(p: Problem) -> dict:
        return {"path": p.path, "line": p.line, "col": p.col, "field": p.field, "message": p.message}
    ordered = sorted(set(problems))
    return {"errors": [item(p) for p in ordered if not p.warning], "warnings": [item(p) for p in ordered if p.warning]}


def print_json(problems: list[Problem], strict: bool = False) -> int:
    """Print the JSON report on stdout; the exit status is the text form's (1 on errors, or on
    warnings with --strict)."""
    report = as_json(problems)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if report["errors"] or (strict and report["warnings"]) else 0
