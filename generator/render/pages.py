"""HTML pages: the catalogue, badges, issuers, competencies, categories, tags, free pages, 404."""

from __future__ import annotations

from ..model import CATEGORIES, Catalogue
from .base import Job, Renderer


def jobs(r: Renderer) -> list[Job]:
    out: list[Job] = []
    for cat in r.site.catalogues.values():
        out.extend(_language_jobs(r, cat))
    default = r.site.default
    out.append(Job("404.html", "pages", lambda: r.page("404.html", default, "", root=r.config.base_path)))
    return out


def _language_jobs(r: Renderer, cat: Catalogue) -> list[Job]:
    p = cat.prefix
    base = r.config.base_url
    jobs = [
        Job(f"{p}index.html", "pages", lambda: r.page("index.html", cat, "", badges=cat.active_badges)),
        Job(f"{p}issuers/index.html", "pages", lambda: r.page(
            "issuers.html", cat, "issuers/", issuers=[i for i in cat.issuers.values() if i.parent is None])),
        Job(f"{p}competencies/index.html", "pages", lambda: r.page(
            "competencies.html", cat, "competencies/", groups=cat.competency_groups())),
        Job(f"{p}categories/index.html", "pages", lambda: r.page(
            "categories.html", cat, "categories/", categories=cat.categories())),
        Job(f"{p}tags/index.html", "pages", lambda: r.page(
            "tags.html", cat, "tags/", tags=sorted(cat.tags.values(), key=lambda t: t.name.lower()))),
    ]
    for badge in cat.published_badges:
        jobs.append(Job(f"{p}{badge.path}index.html", "pages", lambda b=badge: r.page(
            "badge.html", cat, b.path, badge=b, og_image=base + b.image.path if b.image.kind == "png" else None)))
    for issuer in cat.issuers.values():
        jobs.append(Job(f"{p}{issuer.path}index.html", "pages", lambda i=issuer: r.page("issuer.html", cat, i.path, issuer=i)))
    for comp in cat.competencies.values():
        jobs.append(Job(f"{p}{comp.path}index.html", "pages", lambda c=comp: r.page("competency.html", cat, c.path, competency=c)))
    categories = cat.categories()
    for name in CATEGORIES:
        jobs.append(Job(f"{p}categories/{name}/index.html", "pages", lambda n=name: r.page(
            "category.html", cat, f"categories/{n}/", category=n, badges=categories[n])))
    for tag in cat.tags.values():
        jobs.append(Job(f"{p}{tag.path}index.html", "pages", lambda t=tag: r.page(
            "tag.html", cat, t.path, tag=t, other_path=lambda c, t=t: t.path if t.slug in c.tags else "tags/")))
    for page in cat.pages.values():
        jobs.append(Job(f"{p}{page.path}index.html", "pages", lambda pg=page: r.page("page.html", cat, pg.path, page=pg)))
    return jobs
