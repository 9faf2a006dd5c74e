"""Markdown to HTML for content bodies, and HTML to plain text for search and summaries."""

from __future__ import annotations

import html
import re

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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


class _ShiftHeadingsExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_ShiftHeadings(md), "shift_headings", 5)


_MD = markdown.Markdown(extensions=["extra", "sane_lists", _ShiftHeadingsExtension()], output_format="html")
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


def to_html(text: str, top_heading: int = 2) -> str:
    """Render Markdown; one converter is reused (creating one costs more than a small body)."""
    if not text.strip():
        return ""
    _MD.reset()
    _MD.top_heading = top_heading  # type: ignore[attr-defined]
    return _MD.convert(text)


def to_text(markup: str) -> str:
    """The words of an HTML fragment on one line, for search and meta descriptions."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", markup))).strip()
