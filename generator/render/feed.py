"""feed.xml: an Atom feed of the newest badges, per language.

An entry's date is the badge's `date` (the day it was first published): a badge without one is
left out, since no truthful date can be made up for it (the build's clock would change the output
from one build to the next, a file's time from one clone to the next); `vitrine check` warns about
it (lint.py). The feed's own date is its newest entry's; a feed without entries says 1970-01-01
(Atom requires a date: the Unix epoch, which readers take for "never")."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape, quoteattr

from ..model import Catalogue
from .base import Job, Renderer

ENTRIES = 50
_EMPTY = date(1970, 1, 1)  # the date of a feed without entries (no badge has a date)


def _lang(item, field: str, default: str) -> str:
    """ xml:lang="<default language>" on a field this language shows untranslated (as the pages'
    lang attribute: templates/partials/macros.html, content_lang), else nothing: the feed's."""
    return f' xml:lang={quoteattr(default)}' if not item.translated or field in item.fallback else ""


def feed(r: Renderer, cat: Catalogue) -> bytes:
    dated = [b for b in cat.active_badges if b.date is not None]
    badges = sorted(dated, key=lambda b: (b.date, b.slug), reverse=True)[:ENTRIES]
    updated = badges[0].date if badges else _EMPTY
    home = r.url(cat, "")
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(cat.lang)}>',
             f"<title>{escape(cat.title)}</title>", f"<subtitle>{escape(cat.description)}</subtitle>",
             f"<id>{escape(home)}</id>", f'<link rel="alternate" type="text/html" href={quoteattr(home)}/>',
             f'<link rel="self" type="application/atom+xml" href={quoteattr(r.url(cat, "feed.xml"))}/>',
             f"<updated>{updated.isoformat()}T00:00:00Z</updated>"]
    default = r.site.config.language
    for badge in badges:
        url = r.url(cat, badge.path)
        issuer = badge.issuer
        lines += ["<entry>", f"<title{_lang(badge, 'name', default)}>{escape(badge.name)}</title>", f"<id>{escape(url)}</id>",
                  f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>',
                  f"<updated>{badge.date.isoformat()}T00:00:00Z</updated>",
                  f"<author{_lang(issuer, 'name', default)}><name>{escape(issuer.name)}</name><uri>{escape(issuer.url)}</uri></author>",
                  f'<category term={quoteattr(badge.category)}/>',
                  f"<summary{_lang(badge, 'description', default)}>{escape(badge.description)}</summary>", "</entry>"]
    lines.append("</feed>\n")
    return "\n".join(lines).encode("utf-8")


def jobs(r: Renderer) -> list[Job]:
    return [Job(f"{cat.prefix}feed.xml", "feed", lambda c=cat: feed(r, c)) for cat in r.site.catalogues.values()]
