"""feed.xml: an Atom feed of the newest badges, per language."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape, quoteattr

from ..model import Catalogue
from .base import Job, Renderer

ENTRIES = 50
_EPOCH = date(2000, 1, 1)  # for badges without a date: a fixed value keeps builds identical


def _lang(item, field: str, default: str) -> str:
    """ xml:lang="<default language>" on a field this language shows untranslated (as the pages'
    lang attribute: templates/partials/macros.html, content_lang), else nothing: the feed's."""
    return f' xml:lang={quoteattr(default)}' if not item.translated or field in item.fallback else ""


def feed(r: Renderer, cat: Catalogue) -> bytes:
    badges = sorted(cat.active_badges, key=lambda b: (b.date or _EPOCH, b.slug), reverse=True)[:ENTRIES]
    updated = max((b.date or _EPOCH for b in badges), default=_EPOCH)
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
                  f"<updated>{(badge.date or _EPOCH).isoformat()}T00:00:00Z</updated>",
                  f"<author{_lang(issuer, 'name', default)}><name>{escape(issuer.name)}</name><uri>{escape(issuer.url)}</uri></author>",
                  f'<category term={quoteattr(badge.category)}/>',
                  f"<summary{_lang(badge, 'description', default)}>{escape(badge.description)}</summary>", "</entry>"]
    lines.append("</feed>\n")
    return "\n".join(lines).encode("utf-8")


def jobs(r: Renderer) -> list[Job]:
    return [Job(f"{cat.prefix}feed.xml", "feed", lambda c=cat: feed(r, c)) for cat in r.site.catalogues.values()]
