"""Raw HTML and links in Markdown: read as a browser reads them, checked against the sanitizer's
allowlist (markup.ALLOWED_TAGS, ALLOWED_ATTRIBUTES, URL_SCHEMES), found where they were written.

Three uses:
- `removals(html)`: what the sanitizer takes out of a body's HTML (Markdown's output), so that
  the author hears of it;
- `Written(text)`: where each URL, tag and attribute of a Markdown text was written, to give
  messages a line and column (the n-th `<img src=x>` of the HTML is the n-th `x` written as a
  URL: a Markdown link target, a reference definition, an `href` or `src` attribute, quoted or
  not; never an "x" inside a word);
- `clean_markdown(text)`: the text without anything the sanitizer would remove (the Open Badges
  criteria narrative, which backpacks render as they like), and `link_targets` for rewriting
  its links.

Tags are read as the HTML tokenizer reads them (quoted and unquoted attribute values, `>` inside
quotes, `/` between attributes), not by a loose pattern: a tag the reader missed would pass.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from typing import Iterator

from .markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

_TAG_OPEN_RE = re.compile(r"<(/?)([A-Za-z][^\t\n\f\r />]*)")
_ATTR_RE = re.compile(r"[\t\n\f\r /]*(?:(?P<end>>)|(?P<name>[^\t\n\f\r />][^\t\n\f\r />=]*)"
                      r"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?P<value>\"[^\"]*\"?|'[^']*'?|[^\t\n\f\r >]*))?)")
_COMMENT_RE = re.compile(r"<!--(?:-?>|.*?(?:--!?>|\Z))", re.S)
_AUTOLINK_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>]*|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9]"
                          r"(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>")
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_ESCAPED_RE = re.compile(r"\\(.)", re.S)
_C0_AND_SPACE = "".join(map(chr, range(33)))
# A tag with plain attributes (what Markdown writes, and most authors): read in one match; the
# others go through the attribute-by-attribute reader, which also reads them the browser's way.
_PLAIN_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[\t\n\f\r ]+[A-Za-z_:][-A-Za-z0-9_:.]*(?:[\t\n\f\r ]*="
                           r"[\t\n\f\r ]*(?:\"[^\"]*\"|'[^']*'|[^\t\n\f\r \"'=<>`]+))?)*)[\t\n\f\r ]*(/?)>")
_PLAIN_ATTR_RE = re.compile(r"[\t\n\f\r ]+([A-Za-z_:][-A-Za-z0-9_:.]*)(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"([^\"]*)\"|'([^']*)'|"
                            r"([^\t\n\f\r \"'=<>`]+)))?")
# Elements whose content the browser reads as text, not tags; script and style go with it.
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
_DROPPED_WITH_CONTENT = {"script", "style"}
_URL_ATTRIBUTES = {"href", "src"}
_INLINE_TARGET_RE = re.compile(r"\]\([\t ]*\n?[\t ]*")
_DEFINITION_RE = re.compile(r"^[ ]{0,3}\[(?:[^\]\\\n]|\\.){1,999}\]:[\t ]*\n?[\t ]*", re.M)
_FENCE_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)
_TICKS_RE = re.compile(r"`+")


def scheme(url: str, markdown: bool = False) -> str | None:
    """The scheme of a URL as a browser reads it (entities decoded; tabs, newlines, leading
    spaces and control characters dropped), lowercase; None for a relative URL."""
    text = url
    if "&" in text or "\\" in text or "\t" in text or "\n" in text or "\r" in text or text[:1] <= " ":
        text = html.unescape(_ESCAPED_RE.sub(r"\1", url) if markdown else url)
        text = text.replace("\t", "").replace("\n", "").replace("\r", "").lstrip(_C0_AND_SPACE)
    match = _SCHEME_RE.match(text)
    return match.group(1).lower() if match else None


def refused_url(url: str, markdown: bool = False) -> bool:
    found = scheme(url, markdown)
    return found is not None and found not in URL_SCHEMES


@dataclass
class Attr:
    start: int  # from the space before the name
    end: int
    name: str  # lowercase
    name_at: int
    value: str | None  # as written, quotes removed
    value_at: int  # where the value starts (its name, without one)


@dataclass
class Tag:
    start: int
    end: int  # after ">" (or the end of the text: a tag never closed)
    name: str  # lowercase
    closing: bool
    attrs: list[Attr]
    closed: bool = True  # False: the text ends before its ">" (a browser drops it; Markdown shows it)
    content_end: int = -1  # script and style: after their end tag


def _tag(text: str, match: re.Match) -> Tag:
    plain = _PLAIN_TAG_RE.match(text, match.start())
    if plain is not None:
        attrs = []
        if plain.group(3):
            for m in _PLAIN_ATTR_RE.finditer(text, plain.start(3), plain.end(3)):
                group = 2 if m.group(2) is not None else 3 if m.group(3) is not None else 4
                value = m.group(group)
                attrs.append(Attr(m.start(), m.end(), m.group(1).lower(), m.start(1), value,
                                  m.start(group) if value is not None else m.start(1)))
        return Tag(plain.start(), plain.end(), plain.group(2).lower(), bool(plain.group(1)), attrs)
    attrs = []
    at = match.end()
    while True:
        m = _ATTR_RE.match(text, at)
        if m is None or m.group("end"):
            end = m.end() if m else len(text)
            break
        if not m.group("name"):  # the text ends inside the tag
            return Tag(match.start(), len(text), match.group(2).lower(), bool(match.group(1)), attrs, closed=False)
        raw = m.group("value")
        value, value_at = None, m.start("name")
        if raw is not None:
            value_at = m.start("value")
            if raw[:1] in "\"'":
                value, value_at = raw[1:-1] if len(raw) > 1 and raw[-1] == raw[0] else raw[1:], value_at + 1
            else:
                value = raw
        attrs.append(Attr(m.start(), m.end(), m.group("name").lower(), m.start("name"), value, value_at))
        at = m.end()
    return Tag(match.start(), end, match.group(2).lower(), bool(match.group(1)), attrs)


def tags(text: str, skip_comments: bool, autolinks: bool = False) -> Iterator[Tag | tuple[int, int]]:
    """The tags of a text in order, as a browser's tokenizer finds them; with `autolinks`, a
    Markdown autolink (`<https://x>`) comes as its (start, end) instead of a tag."""
    at = 0
    closes: dict[str, int] = {}  # where the next end tag of a raw text element is (-1: none left)
    while True:
        lt = text.find("<", at)
        if lt < 0:
            return
        if skip_comments and text.startswith("<!--", lt):
            comment = _COMMENT_RE.match(text, lt)
            at = comment.end() if comment else len(text)
            continue
        if autolinks and (auto := _AUTOLINK_RE.match(text, lt)):
            yield (auto.start(), auto.end())
            at = auto.end()
            continue
        match = _TAG_OPEN_RE.match(text, lt)
        if match is None:
            at = lt + 1
            continue
        tag = _tag(text, match)
        at = tag.end
        if not tag.closing and tag.name in _RAW_TEXT:
            known = closes.get(tag.name)
            if known is None or 0 <= known < tag.end:
                close = re.compile(r"</" + re.escape(tag.name) + r"(?=[\t\n\f\r />])", re.I).search(text, tag.end)
                known = closes[tag.name] = close.start() if close else -1
            close_end = text.find(">", known) + 1 if known >= 0 else 0
            tag.content_end = close_end if close_end > 0 else len(text)
            if skip_comments or tag.name in _DROPPED_WITH_CONTENT:
                at = known if known >= 0 else len(text)  # the content is text, not tags
        yield tag


@dataclass(frozen=True)
class Removal:
    """Something the sanitizer takes out: a tag, an attribute, or a URL it refuses."""

    kind: str  # "tag", "attr" or "url"
    name: str  # the tag's or the attribute's name (lowercase), or the URL
    tag: str  # the element of the attribute or URL
    key: tuple  # what finds it in the source: ("tag", name), ("attr", name), ("url", url)


def _checks(tag: Tag) -> Iterator[tuple[Removal, int, int, int]]:
    """What the sanitizer would take out of one tag: (removal, where, start, end of the text to cut)."""
    if tag.name not in ALLOWED_TAGS:
        if not tag.closing:
            end = tag.content_end if tag.name in _DROPPED_WITH_CONTENT else tag.end
            yield Removal("tag", tag.name, tag.name, ("tag", tag.name)), tag.start, tag.start, end
        else:
            yield Removal("end", tag.name, tag.name, ("end", tag.name)), tag.start, tag.start, tag.end
        return
    if tag.closing:
        return
    allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag.name, set())
    for a in tag.attrs:
        if a.name not in allowed:
            yield Removal("attr", a.name, tag.name, ("attr", a.name)), a.name_at, a.start, a.end
        elif a.name in _URL_ATTRIBUTES and a.value is not None and refused_url(a.value):
            url = html.unescape(a.value)
            yield Removal("url", url, tag.name, ("url", url)), a.value_at, a.start, a.end


def _allowed_tag_re() -> re.Pattern:
    """A tag the sanitizer keeps whole, as Markdown writes it: an allowed name, allowed attributes
    with "quoted" values, href and src to an allowed scheme or relative (no scheme, no entity or
    control character that could hide one)."""
    url = r'(?:(?i:https?|mailto|tel):[^"]*|[^"\x00-\x20:&\\/?#][^":&\\\x00-\x20/?#]*(?:[/?#][^"]*)?|[/?#][^"]*)?'
    alternatives = []
    for tag in sorted(ALLOWED_TAGS, key=lambda name: (-len(name), name)):
        names = sorted((ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())) - _URL_ATTRIBUTES)
        attr = f'(?:{"|".join(names)})="[^"]*"'
        urls = sorted(_URL_ATTRIBUTES & ALLOWED_ATTRIBUTES.get(tag, set()))
        if urls:
            attr = f'(?:{attr}|(?:{"|".join(urls)})="{url}")'
        alternatives.append(f"{tag}(?: {attr})*")
    return re.compile(f"</?(?:{'|'.join(alternatives)}) ?/?>")


_ALLOWED_TAG_RE = _allowed_tag_re()
_ANY_TAG_RE = re.compile(r"<[A-Za-z/]")


def removals(markup: str) -> list[Removal]:
    """What the sanitizer removes from Markdown's HTML, in order (comments aside: removed too,
    but they show nothing)."""
    if not _ANY_TAG_RE.search(_ALLOWED_TAG_RE.sub("", markup)):  # every tag kept whole: most bodies
        return []
    out = []
    for tag in tags(markup, skip_comments=True):
        out.extend(r for r, *_ in _checks(tag) if r.kind != "end")  # type: ignore[union-attr]
    return out


# -- Markdown links ------------------------------------------------------------------------------


@dataclass
class Link:
    """A URL written in Markdown or HTML."""

    start: int  # the URL as written
    end: int
    url: str  # decoded (entities, backslash escapes)
    html: bool  # in an HTML attribute (else a Markdown target)
    cut: tuple[int, int]  # what to remove with a refused URL (an inline link: see Scan.cuts)
    bracket: int = -1  # an inline link or image: where its "]" is


_TARGET_RE = re.compile(r"<([^<>\n]*)>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*", re.S)
_TITLE_RE = re.compile(r"[\t\n ]*(?:\"[^\"]{0,999}\"|'[^']{0,999}'|\([^()]{0,999}\))?[\t\n ]*\)")


def _target(text: str, at: int) -> tuple[int, int, int]:
    """A Markdown link target from `at`: (start, end) of the URL, and where the target ends."""
    m = _TARGET_RE.match(text, at)
    if m.group(1) is not None:  # type: ignore[union-attr]
        return at + 1, m.end() - 1, m.end()  # type: ignore[union-attr]
    return at, m.end(), m.end()  # type: ignore[union-attr]


def _escaped(text: str, i: int) -> bool:
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _open_bracket(text: str, close: int) -> int:
    """The "[" that the "]" at `close` closes (within the paragraph), or -1."""
    depth, i = 0, close - 1
    while i >= max(0, close - 2000):  # a link's text is not longer
        c = text[i]
        if c == "\n" and text.startswith("\n\n", i - 1):
            return -1
        if c in "[]" and not _escaped(text, i):
            if c == "]":
                depth += 1
            elif depth == 0:
                return i
            else:
                depth -= 1
        i -= 1
    return -1


def _decoded(target: str) -> str:
    return html.unescape(_ESCAPED_RE.sub(r"\1", target)) if "\\" in target or "&" in target else target


def markdown_links(text: str) -> Iterator[Link]:
    """Inline link and image targets, and reference definitions, of a Markdown text."""
    for m in _INLINE_TARGET_RE.finditer(text):
        start, end, after = _target(text, m.end())
        title = _TITLE_RE.match(text, after)
        yield Link(start, end, _decoded(text[start:end]), False, (start, title.end() if title else after), m.start())
    for m in _DEFINITION_RE.finditer(text):
        start, end, after = _target(text, m.end())
        line_end = text.find("\n", after)
        yield Link(start, end, _decoded(text[start:end]), False, (m.start(), len(text) if line_end < 0 else line_end))


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Code spans: a run of backticks to the next run of the same length in the paragraph (in
    one pass: a pattern would try every run against the rest of the text)."""
    runs = [m.span() for m in _TICKS_RE.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for i, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(i)
    cursor: dict[int, int] = {}
    out, after = [], 0
    for i, (start, end) in enumerate(runs):
        if start < after:
            continue
        same = by_length[end - start]
        k = cursor.get(end - start, 0)
        while k < len(same) and same[k] <= i:
            k += 1
        cursor[end - start] = k
        if k < len(same) and text.find("\n\n", end, runs[same[k]][0]) < 0:
            out.append((start, runs[same[k]][1]))
            after = runs[same[k]][1]
    return out


class Scan:
    """What a Markdown text holds that carries a URL or could be refused, read once: its links
    (Markdown targets, autolinks, `href` and `src` attributes) and its tags."""

    def __init__(self, text: str):
        self.text = text
        self.links: list[Link] = list(markdown_links(text))
        self.tags: list[Tag] = []
        self.autolinks: list[tuple[int, int]] = []
        for item in tags(text, skip_comments=False, autolinks=True):
            if isinstance(item, tuple):
                self.autolinks.append(item)
                self.links.append(Link(item[0] + 1, item[1] - 1, text[item[0] + 1:item[1] - 1], False, item))
            else:
                self.tags.append(item)
                self.links.extend(Link(a.value_at, a.value_at + len(a.value), html.unescape(a.value), True,
                                       (a.start, a.end)) for a in item.attrs
                                  if a.name in _URL_ATTRIBUTES and a.value is not None and not item.closing)
        self.links.sort(key=lambda link: link.start)
        self._code: list[tuple[int, int]] | None = None

    def cuts(self) -> list[tuple[int, int, str]]:
        """The spans the sanitizer would refuse, with what stays in their place (a link's text)."""
        text, out = self.text, []
        for link in self.links:
            if refused_url(link.url, markdown=not link.html):
                cut, keep = link.cut, ""
                if link.bracket >= 0 and (opening := _open_bracket(text, link.bracket)) >= 0:
                    image = opening > 0 and text[opening - 1] == "!" and not _escaped(text, opening - 1)
                    cut, keep = (opening - image, link.cut[1]), text[opening + 1:link.bracket]
                out.append((*cut, keep))
        for tag in self.tags:
            if not tag.closed:  # a browser drops it, Markdown shows it: as text it stays
                if any(True for _ in _checks(tag)):
                    out.append((tag.start, tag.start + 1, "&lt;"))
            else:
                out.extend((start, end, "") for _r, _at, start, end in _checks(tag))
        return out

    def in_code(self, at: int) -> bool:
        """Whether `at` is in code (a fenced block, a code span) or an HTML comment: shown, not read."""
        if self._code is None:
            text = self.text
            spans = [] if "`" not in text and "~~~" not in text and "<!--" not in text else sorted(
                [m.span() for pattern in (_FENCE_RE, _COMMENT_RE) for m in pattern.finditer(text)] + _code_spans(text))
            merged: list[list[int]] = []
            for start, end in spans:
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            self._code = [(start, end) for start, end in merged]
            self._starts = [start for start, _ in self._code]
        i = bisect.bisect_right(self._starts, at) - 1
        return i >= 0 and at < self._code[i][1]

    def targets(self) -> list[Link]:
        """Every URL written outside code, in order."""
        return [link for link in self.links if not self.in_code(link.start)]


def cuts(text: str) -> list[tuple[int, int, str]]:
    return Scan(text).cuts()


def clean_markdown(text: str) -> str:
    """The text without the raw HTML, attributes and links the sanitizer would remove (script,
    style, frames, event handlers, javascript: URLs...), even in code (conservative); again
    until nothing is left to remove, so that what remains cannot join into a new tag."""
    return narrative(text)[0]


def narrative(text: str) -> tuple[str, list[Link]]:
    """clean_markdown(text), and the URLs written in it outside code (link_targets)."""
    for _ in range(50):
        scan = Scan(text)
        found = scan.cuts()
        if not found:
            return text, scan.targets()
        pieces, at = [], 0
        for start, end, keep in sorted(found):
            if start < at:  # within a span already cut (an attribute of a refused tag)
                continue
            pieces.append(text[at:start])
            pieces.append(keep)
            at = end
        pieces.append(text[at:])
        text = "".join(pieces)
    return html.escape(text, quote=False), []  # pragma: no cover - a text built to resist: shown as text


def link_targets(text: str) -> list[Link]:
    """Every URL written in a Markdown text outside code, in order: link and image targets,
    reference definitions, autolinks, and `href` / `src` attributes of raw HTML."""
    return Scan(text).targets()


class Written:
    """Where the URLs, tags and attributes of a Markdown text were written (outside code)."""

    def __init__(self, text: str, first_line: int = 1, start: int = 0):
        self.text = text
        self.first_line = first_line
        self.start = start  # offset where the Markdown starts (a body after its frontmatter)
        self._found: dict[tuple, list[int]] | None = None

    def found(self) -> dict[tuple, list[int]]:
        if self._found is None:
            part = self.text[self.start:]
            scan = Scan(part)
            found: dict[tuple, list[int]] = {}
            for link in scan.targets():
                found.setdefault(("url", link.url), []).append(link.start)
            for start, end in scan.autolinks:  # one Markdown did not take (<javascript:...>) is a tag
                if not scan.in_code(start):
                    found.setdefault(("tag", part[start + 1:end - 1].lower()), []).append(start)
            for tag in scan.tags:
                if not scan.in_code(tag.start):
                    for removal, at, _s, _e in _checks(tag):
                        if removal.kind != "url":  # URLs: every one is listed above
                            found.setdefault(removal.key, []).append(at)
            for key in found:
                found[key] = [self.start + at for at in sorted(set(found[key]))]
            self._found = found
        return self._found

    def offset(self, key: tuple, nth: int = 0) -> int | None:
        """Where the nth (from 0) of `key` was written: ("url", url), ("tag", name), ("attr", name).
        The last one when there are fewer (a reference definition serves many links)."""
        spots = self.found().get(key)
        if spots:
            return spots[min(nth, len(spots) - 1)]
        if key[0] == "attr":  # written by Markdown's attribute lists: {: style="..." }
            m = re.search(r"(?<![\w-])" + re.escape(key[1]) + r"[\t ]*=", self.text[self.start:], re.I)
            return self.start + m.start() if m else None
        if key[0] == "url" and key[1]:  # a URL Markdown wrote itself (an e-mail autolink...)
            m = re.search(r"(?<![^\s(<\"'=])" + re.escape(key[1].removeprefix("mailto:")) + r"(?=[\s)>\"']|$)",
                          self.text[self.start:])
            return self.start + m.start() if m else None
        return None

    def position(self, key: tuple, nth: int = 0) -> tuple[int, int]:
        """(line, column) of `offset`, or the start of the Markdown when it cannot be found."""
        at = self.offset(key, nth)
        if at is None:
            at = self.start
        line = self.first_line + self.text.count("\n", 0, at)
        return line, at - (self.text.rfind("\n", 0, at) + 1) + 1
