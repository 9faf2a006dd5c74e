"""Markdown to HTML for content bodies, and HTML to plain text for search and summaries."""

from __future__ import annotations

import html
import re
import signal
import threading
from contextlib import contextmanager

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.extra import ExtraExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class _ShiftHeadings(Treeprocessor):
    """The page template owns the upper headings: a body's top heading becomes `md.top_heading`
    (h2 by default; h3 for badge criteria, which sit under the page's own "Criteria" h2)."""

    def run(self, root):
        found = [el for el in root.iter() if el.tag in _HEADINGS]
        if not found:
            return
        shift = getattr(self.md, "top_heading", 2) - min(int(el.tag[1]) for el in found)
        if shift > 0:
            for el in found:
                el.tag = f"h{min(6, int(el.tag[1]) + shift)}"


class _PlainText(Treeprocessor):
    """Text in which no inline pattern can match, made atomic so that the inline processor passes
    it by: that processor searches every text for each of its fifteen patterns in turn (a quarter
    of a body's time), and most paragraphs, list items and cells of a catalogue are plain prose.
    The same HTML comes out: every pattern needs one of _MARKUP_RE's characters (a hard line
    break: two spaces before a newline). Skipped when the body defines abbreviations, which are
    looked for in text that is not atomic only."""

    def run(self, root):
        abbr = self.md.treeprocessors["abbr"] if "abbr" in self.md.treeprocessors else None
        if abbr is not None and getattr(abbr, "abbrs", None):
            return
        plain, search = AtomicString, _MARKUP_RE.search
        for el in root.iter():
            text = el.text
            if text and type(text) is str and not search(text):
                el.text = plain(text)
            tail = el.tail
            if tail and type(tail) is str and not search(tail):
                el.tail = plain(tail)


def _bracket_ends(data: str, _last: list = [None, None]) -> list[int | None]:  # noqa: B006 - the memo
    """LinkInlineProcessor._findBracketEnds, the same list made from the brackets alone: for each
    index of `data`, the index just past the "]" that closes a bracket opened before it (None if
    none does). The library walks every character in Python (a sixth of a body's time) and each
    of the six link and image processors does it again for the same paragraph: the last result is
    kept. tests/test_markup.py compares the two on random texts."""
    if data is _last[0]:
        return _last[1]
    ends: list[int | None] = [None] * (len(data) + 1)
    waiting: list[tuple[int, int, int]] = []  # (first, last + 1, depth): runs of indexes at one depth
    depth = start = 0
    for m in _BRACKET_RE.finditer(data):
        at = m.start()
        waiting.append((start, at + 1, depth))
        depth += 1 if data[at] == "[" else -1
        start = at + 1
        while waiting and depth < waiting[-1][2]:
            first, stop, _ = waiting.pop()
            ends[first:stop] = [at + 1] * (stop - first)
    _last[0], _last[1] = data, ends
    return ends


_BRACKET_RE = re.compile(r"[\[\]]")


# Backtick, escape, links, images, footnotes, references ([), autolinks and inline HTML (<),
# entities (&), emphasis (* and _), attribute lists ({), hard line breaks.
_MARKUP_RE = re.compile(r"[`\\\[\]<>&*_{}]|  \n")


class _BodyExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_ShiftHeadings(md), "shift_headings", 5)
        md.treeprocessors.register(_PlainText(md), "plain_text", 21)  # just before "inline" (20)
        if hasattr(LinkInlineProcessor, "_findBracketEnds"):  # as in 3.11; else left to the library
            for pattern in md.inlinePatterns:
                if isinstance(pattern, LinkInlineProcessor):
                    pattern._findBracketEnds = _bracket_ends  # this converter's processors only


# What a body may contain once rendered: Markdown's own output, and the raw HTML an author may
# reasonably write. No script, style, form, frame, event handler or javascript: URL survives.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Extension objects, not names: a name is looked up among installed packages' entry points,
# which costs every command a twentieth of a second of start-up.
# Tables align their cells with the `align` attribute, which the sanitizer keeps (not a style).
def converter() -> markdown.Markdown:
    """A converter for bodies (the module keeps one; tests make their own to compare)."""
    return markdown.Markdown(extensions=[ExtraExtension(tables={"use_align_attribute": True}), SaneListExtension(),
                                         _BodyExtension()], output_format="html")


_MD = converter()
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


# Python-Markdown takes quadratic time or worse on some inputs (a long run of "[", "<http://",
# "<![CDATA[" in one paragraph: 16 KB of "[" takes over a minute; upstream issue #798). A real
# 1 MB body renders in one to a few seconds, so a body still rendering after this long is refused.
RENDER_SECONDS = 20.0


class TooSlow(Exception):
    """A Markdown text that takes more than RENDER_SECONDS to render."""

    def __init__(self) -> None:
        super().__init__(f"takes more than {RENDER_SECONDS:g} s to render as Markdown: split long paragraphs, "
                         'and check for long runs of "[", "<" or "`"')


@contextmanager
def _time_budget(seconds: float):
    """Raise TooSlow in the block after `seconds` (main thread only: signals are delivered there;
    a build's worker processes run their tasks in their main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise TooSlow()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)  # again and again, should a library swallow it
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def to_html(text: str, top_heading: int = 2) -> str:
    """Render Markdown, sanitized. Raises TooSlow for a text that would take too long (see
    RENDER_SECONDS). Content bodies go through bodies.render, which also says what the
    sanitizer removed."""
    return sanitize(convert(text, top_heading))


def convert(text: str, top_heading: int = 2) -> str:
    """Markdown to HTML, not yet sanitized; one converter is reused (creating one costs more
    than a small body). Raises TooSlow (see RENDER_SECONDS)."""
    if not text.strip():
        return ""
    with _time_budget(RENDER_SECONDS):
        _MD.reset()
        _MD.top_heading = top_heading  # type: ignore[attr-defined]
        return _MD.convert(text)


def sanitize(markup: str) -> str:
    """Keep only allowed tags, attributes and URL schemes (nh3: the Rust ammonia sanitizer)."""
    return nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def to_text(markup: str) -> str:
    """The words of an HTML fragment on one line, for search and meta descriptions."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", markup))).strip()
