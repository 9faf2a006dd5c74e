"""/stats/: the programme in figures, from the award records (site.awards).

The page (per language) shows the key figures, then awards per year, per issuer and per badge,
each as a table (the figures themselves, for everyone) with a small inline SVG chart beside it;
the same figures are published as CSV at /stats/*.csv (UTF-8 with a byte order mark, so that
spreadsheets read the accents; names in the default language; column names in English).

Definitions: an award is one record of awards/*.yaml; "revoked" counts revoked records; "held"
counts the others (a badge's holders, as on its page); "valid" the held ones not expired on the
day of the build (awards.today()). Per issuer, a badge counts for its own issuer; "with
sub-issuers" adds the issuers below it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .. import tracking
from ..awards import today
from ..model import Catalogue, Issuer
from .base import Job, Renderer
from .pages import sort_key

BADGE_ROWS = 50  # the page shows the badges most awarded; the CSV has them all
CSV_FILES = ("summary", "awards-per-year", "awards-per-issuer", "awards-per-badge")


@dataclass
class Count:
    awarded: int = 0
    revoked: int = 0
    valid: int = 0

    @property
    def held(self) -> int:
        return self.awarded - self.revoked

    @property
    def expired(self) -> int:
        return self.held - self.valid

    def add(self, other: Count) -> None:
        self.awarded += other.awarded
        self.revoked += other.revoked
        self.valid += other.valid


@dataclass
class Figures:
    badges: list  # (badge, Count), most awarded first
    issuers: list  # (depth, issuer, own Count, Count with sub-issuers, active badges)
    years: list  # (year, awarded that year, revoked that year)
    total: Count = field(default_factory=Count)
    issuer_count: int = 0
    active: int = 0
    retired: int = 0
    awarded_badges: int = 0  # badges awarded at least once
    top: int = 1  # the largest per-badge figure (bar scale)
    top_issuer: int = 1
    top_year: int = 1


def _counts(r: Renderer) -> tuple[dict[str, tuple[int, int, int]], dict[int, list[int]]]:
    """(awarded, revoked, valid) per badge slug and [awarded, revoked] per year: one pass over
    the awards per build, shared by the pages and the CSV files."""
    return tracking.remember(r.__dict__.setdefault("_stats_memo", {}), "counts", lambda: _count(r))


def _count(r: Renderer) -> tuple[dict[str, tuple[int, int, int]], dict[int, list[int]]]:
    on = today()
    per_badge: dict[str, list[int]] = {}
    years: dict[int, list[int]] = {}
    current = r.site.default.current_slug  # a record naming a former slug counts for the badge it became
    for award in r.site.awards:
        slug = current(award.badge)
        c = per_badge.get(slug)
        if c is None:
            c = per_badge[slug] = [0, 0, 0]
        c[0] += 1
        years.setdefault(award.issued_on.year, [0, 0])[0] += 1
        if award.revoked is not None:
            c[1] += 1
            years.setdefault(award.revoked.date.year, [0, 0])[1] += 1
        elif award.expires is None or award.expires > on:  # Award.status(on) == "valid"
            c[2] += 1
    return {slug: tuple(c) for slug, c in per_badge.items()}, years  # type: ignore[return-value]


def figures(r: Renderer, cat: Catalogue) -> Figures:
    """The figures of a language's catalogue (once per build: its page and the CSV files share them)."""
    return tracking.remember(r.__dict__.setdefault("_stats_figures", {}), cat.lang, lambda: _figures(r, cat))


def _figures(r: Renderer, cat: Catalogue) -> Figures:
    counts, years = _counts(r)
    per_badge = {slug: Count() for slug in cat.badges}
    for slug, (awarded, revoked, valid) in counts.items():
        c = per_badge.get(slug)
        if c is not None:
            c.awarded, c.revoked, c.valid = awarded, revoked, valid
    published = cat.published_badges
    badge_rows = sorted(((b, per_badge[b.slug]) for b in published),
                        key=lambda bc: (-bc[1].awarded, sort_key(bc[0].name)))
    total = Count()
    for c in per_badge.values():
        total.add(c)
    issuer_rows = []

    def walk(nodes: list[Issuer], depth: int) -> Count:
        below = Count()
        for issuer in sorted(nodes, key=lambda i: sort_key(i.name)):
            own = Count()
            for badge in issuer.badges:
                own.add(per_badge[badge.slug])
            row = [depth, issuer, own, None, sum(1 for b in issuer.badges if b.status == "active")]
            issuer_rows.append(row)
            with_children = Count()
            with_children.add(own)
            with_children.add(walk(issuer.children, depth + 1))
            row[3] = with_children
            below.add(with_children)
        return below
    walk([i for i in cat.issuers.values() if i.parent is None], 0)
    year_rows = [(y, *years.get(y, [0, 0])) for y in range(min(years), max(years) + 1)] if years else []
    return Figures(
        badges=badge_rows, issuers=[tuple(row) for row in issuer_rows], years=year_rows, total=total,
        issuer_count=len(cat.issuers), active=len(cat.active_badges),
        retired=sum(1 for b in published if b.retired), awarded_badges=sum(1 for _, c in badge_rows if c.awarded),
        top=max([c.awarded for _, c in badge_rows] + [1]), top_issuer=max([row[2].awarded for row in issuer_rows] + [1]),
        top_year=max([max(a, v) for _, a, v in year_rows] + [1]),
    )


def jobs(r: Renderer) -> list[Job]:
    out = [Job(f"{cat.prefix}stats/index.html", "stats", lambda c=cat: r.page(
        "stats.html", c, "stats/", figures=figures(r, c), badge_rows=BADGE_ROWS, csv_files=CSV_FILES,
        stats_date=today()))
        for cat in r.site.catalogues.values()]
    out += [Job(f"stats/{name}.csv", "stats", lambda n=name: _csv(r, n)) for name in CSV_FILES]
    return out


def _csv(r: Renderer, name: str) -> bytes:
    f = figures(r, r.site.default)
    rows: list[list] = []
    if name == "summary":
        rows = [["figure", "value"], ["issuers", f.issuer_count], ["active_badges", f.active],
                ["retired_badges", f.retired], ["badges_awarded", f.awarded_badges], ["awarded", f.total.awarded],
                ["revoked", f.total.revoked], ["held", f.total.held], ["valid", f.total.valid],
                ["expired", f.total.expired], ["date", today().isoformat()]]
    elif name == "awards-per-year":
        rows = [["year", "awarded", "revoked"]] + [list(row) for row in f.years]
    elif name == "awards-per-issuer":
        rows = [["issuer", "name", "parent", "active_badges", "awarded", "revoked", "valid",
                 "awarded_with_sub_issuers", "revoked_with_sub_issuers"]]
        rows += [[i.slug, i.name, i.parent.slug if i.parent else "", active, own.awarded, own.revoked, own.valid,
                  total.awarded, total.revoked] for _, i, own, total, active in f.issuers]
    else:
        rows = [["badge", "name", "issuer", "category", "level", "status", "awarded", "revoked", "valid", "expired"]]
        rows += [[b.slug, b.name, b.issuer.slug, b.category, "" if b.level is None else b.level, b.status,
                  c.awarded, c.revoked, c.valid, c.expired] for b, c in f.badges]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
