"""A badge body whose first heading says what the page's own heading above it says.

A badge page puts the body under its own h2, "Critères d’obtention" ("Criteria"), and shifts the
body's headings under it. A body that opens with "## Critères", "## Critères d’attribution" or
"## Award criteria" then shows the same title twice in a row (h2, then h3, nothing between), and
screen-reader users moving by headings hear it twice. lint.py warns of it, at the heading's line.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Iterable

from .model import Config

_OPENING_HEADING_RE = re.compile(r"\s*<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
KEY = "badge.criteria"  # the interface string of the page's own heading


def title_words(text: str) -> set[str]:
    """The words that carry a title's meaning, accents, case, plurals and short words aside:
    "Critères d’attribution" -> {"critere", "attribution"}."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in re.findall(r"\w+", bare) if len(w) >= 4}


def repeats_title(body_html: str, titles: Iterable[str]) -> bool:
    """Whether the body opens with a heading sharing a meaningful word with one of `titles` (the
    page's heading in each language of the site: "## Criteria" in a French body repeats it too)."""
    opening = _OPENING_HEADING_RE.match(body_html)
    if opening is None:
        return False
    said = title_words(html.unescape(re.sub(r"<[^>]+>", "", opening.group(2))))
    return bool(said & set().union(*map(title_words, titles)))


def criteria_titles(config: Config) -> dict[str, str]:
    """The heading badge pages put above their criteria, by language (theme and site strings)."""
    from .errors import SiteError
    from .i18n import load_catalogue
    from .templating import theme_folders

    folders = theme_folders(config.root, config.theme, "i18n")
    titles = {}
    for lang in config.languages:
        try:
            title = load_catalogue(folders, lang, config.root).get(KEY)
        except SiteError:  # the build says what is wrong with the file
            continue
        if isinstance(title, str):
            titles[lang] = title
    return titles
