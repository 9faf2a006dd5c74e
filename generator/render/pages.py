"""HTML pages: the catalogue, badges, issuers, competencies, categories, tags, free pages, 404.

Listings of badges (the catalogue, a category, a tag, an issuer, a competency) are cut into pages
of PAGE_SIZE cards: page 1 at the listing's own address, page n at `<listing>page/<n>/`. A
catalogue of a few dozen badges fits on one page and shows no pagination at all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Sequence

from ..model import CATEGORIES, Badge, Catalogue, Competency
from .base import Job, Renderer

PAGE_SIZE = 24  # cards per listing page: divides evenly into 1, 2, 3 or 4 columns


@dataclass(frozen=True)
class Pagination:
    """Where a page of a listing sits: page `number` of `count`, `total` badges in all."""

    base: str  # path of the listing's first page ("categories/technical/")
    number: int
    count: int
    total: int
    size: int = PAGE_SIZE

    def path(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def previous(self) -> str | None:
        return self.path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path(self.number + 1) if self.number < self.count else None

    @property
    def first_item(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.number * self.size)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last, and `around` either side of this one;
        None where numbers are left out."""
        keep = {1, self.count, *range(self.number - around, self.number + around + 1)}
        out: list[int | None] = []
        for n in range(1, self.count + 1):
            if n in keep:
                out.append(n)
            elif out and out[-1] is not None:
                out.append(None)
        return out


def paginate(base: str, badges: Sequence[Badge], size: int = PAGE_SIZE) -> list[tuple[Pagination, Sequence[Badge]]]:
    """The pages of a listing: (pagination, the badges of that page). Always at least one page."""
    count = max(1, -(-len(badges) // size))
    return [(Pagination(base, n, count, len(badges), size), badges[(n - 1) * size:n * size]) for n in range(1, count + 1)]


def listing_paths(cat: Catalogue) -> list[str]:
    """The pages after the first of every paginated listing of a language (for the sitemap)."""
    out = []
    for base, badges in _listings(cat):
        out += [p.path(p.number) for p, _ in paginate(base, badges)[1:]]
    return out


def _listings(cat: Catalogue) -> list[tuple[str, list[Badge]]]:
    categories = cat.categories()
    return ([("", cat.active_badges)] + [(f"categories/{n}/", categories[n]) for n in CATEGORIES]
            + [(t.path, t.badges) for t in cat.tags.values()] + [(i.path, i.badges) for i in cat.issuers.values()]
            + [(c.path, c.badges) for c in cat.competencies.values()])


def sort_key(text: str) -> str:
    """Names the way a reader expects them: case and accents aside ("Écouter" with the e's)."""
    folded = unicodedata.normalize("NFD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def filter_options(cat: Catalogue) -> dict:
    """What the catalogue's filters offer: only values that some active badge has. Issuers in
    tree order (a parent, then its sub-issuers, indented), names in reading order."""
    badges = cat.active_badges
    used_issuers = {i.slug for b in badges for i in [b.issuer, *b.issuer.ancestors]}
    used_competencies = {c.slug for b in badges for c in b.competencies}
    used_tags = {t.slug for b in badges for t in b.tags}
    issuers: list[tuple[int, object]] = []

    def walk(nodes, depth):
        for node in sorted(nodes, key=lambda i: sort_key(i.name)):
            if node.slug in used_issuers:
                issuers.append((depth, node))
                walk(node.children, depth + 1)
    walk([i for i in cat.issuers.values() if i.parent is None], 0)
    groups = []
    for group, comps in cat.competency_groups():
        comps = [c for c in comps if c.slug in used_competencies]
        if comps:
            groups.append((group, comps))
    return {
        "issuers": issuers,
        "competency_groups": groups,
        "tags": sorted((t for t in cat.tags.values() if t.slug in used_tags), key=lambda t: sort_key(t.name)),
        "levels": sorted({b.level for b in badges if b.level is not None}),
        "categories": [c for c in CATEGORIES if any(b.category == c for b in badges)],
    }


def jobs(r: Renderer) -> list[Job]:
    out: list[Job] = []
    for cat in r.site.catalogues.values():
        out.extend(_language_jobs(r, cat))
    default = r.site.default
    # one 404.html answers every address (hosts serve the root's): the other languages say it too
    others = [{"lang": c.lang, "t": r.t[c.lang], "home": r.config.base_path + c.prefix}
              for c in r.site.catalogues.values() if c is not default]
    out.append(Job("404.html", "pages", lambda: r.page("404.html", default, "", root=r.config.base_path, others=others)))
    return out


def _paged(r: Renderer, cat: Catalogue, template: str, base: str, badges: list[Badge], **extra) -> list[Job]:
    """One job per page of a listing; `extra` goes to every page."""
    p = cat.prefix
    return [Job(f"{p}{pg.path(pg.number)}index.html", "pages",
                lambda pg=pg, part=part: r.page(template, cat, pg.path(pg.number), badges=part, pagination=pg, **extra),
                batch=_listings_batch(cat))
            for pg, part in paginate(base, badges)]


def _listings_batch(cat: Catalogue) -> str:
    """The pages that show badge cards: in one worker, which renders each card once (Renderer._card)."""
    return f"listings {cat.lang}"


def _tag_twin(other: Catalogue, slug: str, pg: Pagination) -> str:
    """A tag page's twin in another language: tags are translated, so the same tag may list
    fewer badges there, or not exist (then the list of tags stands in)."""
    if slug not in other.tags:
        return "tags/"
    return pg.path(pg.number) if paginate(pg.base, other.tags[slug].badges)[-1][0].count >= pg.number else pg.base


def _language_jobs(r: Renderer, cat: Catalogue) -> list[Job]:
    p = cat.prefix
    active = cat.active_badges
    jobs = _paged(r, cat, "index.html", "", active, total=len(active), filters=filter_options(cat))
    jobs += [
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
        jobs.append(Job(f"{p}{badge.path}index.html", "pages", lambda b=badge: r.page("badge.html", cat, b.path, badge=b),
                        key=f"holders={badge.holders}"))  # shows its holders' count (incremental.py)
    for issuer in cat.issuers.values():
        jobs += _paged(r, cat, "issuer.html", issuer.path, issuer.badges, issuer=issuer)
    for comp in cat.competencies.values():
        jobs += _paged(r, cat, "competency.html", comp.path, comp.badges, competency=comp)
    categories = cat.categories()
    for name in CATEGORIES:
        jobs += _paged(r, cat, "category.html", f"categories/{name}/", categories[name], category=name)
    for tag in cat.tags.values():
        for pg, part in paginate(tag.path, tag.badges):
            jobs.append(Job(f"{p}{pg.path(pg.number)}index.html", "pages", lambda t=tag, pg=pg, part=part: r.page(
                "tag.html", cat, pg.path(pg.number), tag=t, badges=part, pagination=pg,
                other_path=lambda c, t=t, pg=pg: _tag_twin(c, t.slug, pg)), batch=_listings_batch(cat)))
    for page in cat.pages.values():
        jobs.append(Job(f"{p}{page.path}index.html", "pages", lambda pg=page: r.page("page.html", cat, pg.path, page=pg)))
    # The former addresses of renamed badges and competencies (`formerly`) lead to their pages of
    # now: (old path, the badge or competency, its path of now); a competency's listing, each page
    for path, target, to in moved_pages(cat):
        root = "../" * (p + path).count("/")
        jobs.append(Job(f"{p}{path}index.html", "pages", lambda path=path, t=target, to=to, root=root: r.page(
            "moved.html", cat, path, root=root, target=t, canonical=r.url(cat, to),
            target_href=root + p + to, other_path=lambda c, to=to: to)))
    return jobs


def moved_pages(cat: Catalogue) -> list[tuple[str, Badge | Competency, str]]:
    """The pages at the former addresses of renamed badges and competencies: (old path, the badge
    or competency, the path it leads to). A renamed competency's listing keeps each of its pages
    (`competencies/<old>/page/<n>/` leads to `competencies/<slug>/page/<n>/`): it lists the same
    badges under either slug."""
    moved: list[tuple[str, Badge | Competency, str]] = [
        (f"badges/{old}/", cat.badges[b.alias_of], cat.badges[b.alias_of].path)
        for old, b in cat.formerly.items() if b.alias_of]
    for old, comp in cat.competencies_formerly.items():
        for pg, _ in paginate(comp.path, comp.badges):
            moved.append((replace(pg, base=f"competencies/{old}/").path(pg.number), comp, pg.path(pg.number)))
    return moved
