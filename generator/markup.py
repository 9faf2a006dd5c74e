"""Markdown to HTML for content bodies, and HTML to plain text for search and summaries."""

from __future__ import annotations

import html
import re
import signal
import threading
from contextlib import contextmanager

import nh3

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

_MD = None  # the converter (mdconvert.py), made on first use: a build that only adds an award
# converts nothing, and importing Python-Markdown and making a converter cost it a tenth of a second
_TAG_RE = re.compile(r"<[^>]+>")
# A table or a code block wider than the page scrolls sideways (style.css): the keyboard must
# reach it to scroll it (WCAG 2.1.1), so it is focusable. nh3 writes tags lowercase, attributes after.
_SCROLLER_RE = re.compile(r"<(table|pre)(?=[\s>])")
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
    global _MD
    if not text.strip():
        return ""
    if _MD is None:
        from .mdconvert import converter

        _MD = converter()
    with _time_budget(RENDER_SECONDS):
        _MD.reset()
        _MD.top_heading = top_heading  # type: ignore[attr-defined]
        return _MD.convert(text)


def sanitize(markup: str) -> str:
    """Keep only allowed tags, attributes and URL schemes (nh3: the Rust ammonia sanitizer); tables
    and code blocks are made focusable (they may scroll sideways)."""
    clean = nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer")
    return _SCROLLER_RE.sub(r'<\1 tabindex="0"', clean) if "<table" in clean or "<pre" in clean else clean


def to_text(markup: str) -> str:
    """The words of an HTML fragment on one line, for search and meta descriptions."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", markup))).strip()
