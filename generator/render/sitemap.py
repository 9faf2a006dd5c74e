"""sitemap.xml (with language alternates) and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .base import Job, Renderer


def page_paths(r: Renderer) -> list[str]:
    """Every HTML page of one language, relative to the language's home."""
    cat = r.site.default
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
    for cat in cats:
        for path in page_paths(r):
            lines.append(f"<url><loc>{escape(r.url(cat, path))}</loc>")
            if len(cats) > 1:
                for other in cats:
                    lines.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(other.lang)} href={quoteattr(r.url(other, path))}/>')
            lines.append("</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots(r: Renderer) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {r.config.base_url}sitemap.xml\n".encode("utf-8")


def jobs(r: Renderer) -> list[Job]:
    return [Job("sitemap.xml", "sitemap", lambda: sitemap(r)), Job("robots.txt", "sitemap", lambda: robots(r))]
