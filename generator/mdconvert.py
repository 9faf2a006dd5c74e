"""Python-Markdown's converter for content bodies, with Vitrine's extensions (markup.convert
makes it on first use: a build that converts nothing, such as one that adds an award, does not
import Python-Markdown)."""

from __future__ import annotations

import re

import markdown
from markdown.extensions import Extension
from markdown.extensions.extra import ExtraExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class _ShiftHeadings(Treeprocessor):
    """The page template owns the upper headings: a body's top heading becomes `md.top_heading`
    (h2 by default; h3 for badge criteria, which sit under the page's own "Criteria" h2), whether
    it was written higher or lower, and the others follow."""

    def run(self, root):
        found = [el for el in root.iter() if el.tag in _HEADINGS]
        if not found:
            return
        shift = getattr(self.md, "top_heading", 2) - min(int(el.tag[1]) for el in found)
        if shift:  # up too: a body starting at "###" under the page's h1 would skip a level
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


# Extension objects, not names: a name is looked up among installed packages' entry points,
# which costs every command a twentieth of a second of start-up.
# Tables align their cells with the `align` attribute, which the sanitizer keeps (not a style).
def converter() -> markdown.Markdown:
    """A converter for bodies (the module keeps one; tests make their own to compare)."""
    return markdown.Markdown(extensions=[ExtraExtension(tables={"use_align_attribute": True}), SaneListExtension(),
                                         _BodyExtension()], output_format="html")
