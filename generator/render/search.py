"""search.json per language: what the catalogue's search and filters read."""

from __future__ import annotations

import json

from ..model import Catalogue
from .base import Job, Renderer

CRITERIA_CHARS = 600  # enough words of the criteria to match on, without a heavy index


def jobs(r: Renderer) -> list[Job]:
    return [Job(f"{cat.prefix}search.json", "search", lambda c=cat: index(c)) for cat in r.site.catalogues.values()]


def index(cat: Catalogue) -> bytes:
    entries = []
    for badge in cat.published_badges:
        entries.append({
            "slug": badge.slug,
            "url": badge.path,
            "name": badge.name,
            "description": badge.description,
            "issuer": badge.issuer.slug,
            "issuers": [i.slug for i in [*badge.issuer.ancestors, badge.issuer]],
            "issuer_name": badge.issuer.name,
            "category": badge.category,
            "level": badge.level,
            "status": badge.status,
            "competencies": [c.slug for c in badge.competencies],
            "competency_names": [c.name for c in badge.competencies],
            "tags": [t.slug for t in badge.tags],
            "tag_names": [t.name for t in badge.tags],
            "image": badge.image.thumb_path,
            "text": badge.body_text[:CRITERIA_CHARS],
        })
    data = {"lang": cat.lang, "badges": entries}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
