"""sitemap.xml (with language alternates) and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .base import Job, Renderer


def page_paths(cat) -> list[str]:
    """Every HTML page of one language, relative to the language's home. Tags are per language
    (a translation names its own: en/tags/project/ beside tags/projet/), and so are their listings."""
    paths = ["", "issuers/", "competencies/", "categories/", "tags/"]
    paths += [b.path for b in cat.published_badges] + [i.path for i in cat.issuers.values()]
    paths += [c.path for c in cat.competencies.values()] + [f"categories/{c}/" for c in cat.categories()]
    paths += [t.path for t in cat.tags.values()] + [p.path for p in cat.pages.values()]
    from .pages import listing_paths  # the pages after the first of long listings
    return paths + ["stats/"] + listing_paths(cat)


def sitemap(r: Renderer) -> bytes:
    cats = list(r.site.catalogues.values())
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    paths = {cat.lang: page_paths(cat) for cat in cats}
    have = {lang: set(p) for lang, p in paths.items()}
    for cat in cats:
        for path in paths[cat.lang]:
            lines.append(f"<url><loc>{escape(r.url(cat, path))}</loc>")
            others = [other for other in cats if path in have[other.lang]]  # only pages that exist
            if len(others) > 1:
                for other in others:
                    lines.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(other.lang)} href={quoteattr(r.url(other, path))}/>')
            lines.append("</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots(r: Renderer) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {r.config.base_url}sitemap.xml\n".encode("utf-8")


def jobs(r: Renderer) -> list[Job]:
    return [Job("sitemap.xml", "sitemap", lambda: sitemap(r)), Job("robots.txt", "sitemap", lambda: robots(r))]
