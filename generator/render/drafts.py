"""The pages of draft badges, for `vitrine serve --drafts` only: not an output module (build.OUTPUTS
never names it), so `vitrine build` cannot make them.

A draft is previewed as its page will look once published, marked as a draft (a banner, noindex:
base.html's `draft`), with its image and the images of its text. It gets nothing a badge someone
can hold has: no Open Badges JSON, awards, share preview, nor entry in a listing, the sitemap,
the feed or the search index (listings show what `vitrine build` publishes, so the preview of a
listing stays true; the preview's bar lists the drafts instead, serve_http.drafts_bar).
"""

from __future__ import annotations

from ..model import Catalogue
from . import images
from .base import Job, Renderer

OWNER = "drafts"  # who makes the files, in messages (a draft's path taken by another file)


def jobs(r: Renderer) -> list[Job]:
    out: list[Job] = []
    for cat in r.site.catalogues.values():
        for badge in cat.draft_badges:
            out.append(Job(page_path(cat, badge.path), OWNER, lambda c=cat, b=badge: r.page(
                "badge.html", c, b.path, badge=b, draft=True,
                og_image=r.config.base_url + b.image.path)))  # no share preview is made for it
    for badge in r.site.default.draft_badges:
        out += images.image_jobs(r, badge.image, badge.design, OWNER)
    out += [Job(image.path, OWNER, lambda i=image: images.published(r, i)) for image in r.site.media if not image.shown]
    return out


def page_path(cat: Catalogue, path: str) -> str:
    return f"{cat.prefix}{path}index.html"
