"""Badge images and issuer logos: originals copied, PNG card thumbnails, designed badges drawn;
the images of Markdown bodies copied once, to `media/<path under content/>` (bodies.py).

Images from content/ are published without their metadata (strip.py: EXIF, text chunks,
comments...), stripped once per build (`published`), also for the baked badges made from them.

Derived images are cached by the digest of their source in the site's cache folder, so a
rebuild does not resize or draw again.
"""

from __future__ import annotations

import io

from PIL import Image as PILImage

from .. import designer, tracking
from ..strip import strip
from ..images import rgba
from ..model import Image
from .base import Job, Renderer, disk_cached

THUMB_SIZE = 256  # cards show 128 CSS pixels: 256 keeps them sharp on dense screens


def jobs(r: Renderer) -> list[Job]:
    out: list[Job] = []
    default = r.site.default
    owners = [(b.image, b.design) for b in default.published_badges]
    # a renamed badge's image at its former addresses too (their BadgeClasses and awards name them),
    # and its card thumbnail (listings, search results and pages kept by browsers and caches show it)
    owners += [(b.image, b.design) for b in default.formerly.values()]
    owners += [(i.image, None) for i in default.issuers.values() if i.image is not None]
    for image, design in owners:
        out += image_jobs(r, image, design)
    out += [Job(image.path, "images", lambda i=image: published(r, i)) for image in r.site.media if image.shown]
    return out


def image_jobs(r: Renderer, image: Image, design, owner: str = "images") -> list[Job]:
    """A badge's image (or an issuer's logo) and its card thumbnail."""
    if image.drawn:
        out = [Job(image.path, owner, lambda i=image, d=design: _cached(r, i.digest, "512", lambda: designer.draw(d, 512)))]
    else:
        out = [Job(image.path, owner, lambda i=image: published(r, i))]
    if image.thumb_path != image.path:
        out.append(Job(image.thumb_path, owner, lambda i=image, d=design: _thumbnail(r, i, d)))
    return out


def published(r: Renderer, image: Image) -> bytes:
    """The bytes of an image from content/ as published: without metadata, stripped once per
    build (a badge's image is also the base of its baked images; one file may serve twice)."""
    return tracking.remember(r.__dict__.setdefault("_published_images", {}), (image.digest, image.kind),
                             lambda: strip(image.source.read_bytes(), image.kind))  # type: ignore[union-attr]


def _cached(r: Renderer, digest: str, variant: str, make) -> bytes:
    return disk_cached(r.cache_dir / "images" / f"{digest}-{variant}.png", make)


def _thumbnail(r: Renderer, image: Image, design) -> bytes:
    def make() -> bytes:
        if image.drawn:
            return designer.draw(design, THUMB_SIZE)
        with PILImage.open(image.source) as img:
            img = rgba(img)
            img.thumbnail((THUMB_SIZE, THUMB_SIZE), PILImage.LANCZOS)
            return png_bytes(img)
    return _cached(r, image.digest, f"thumb{THUMB_SIZE}", make)


def png_bytes(img: PILImage.Image) -> bytes:
    """PNG bytes without metadata, so equal pixels give equal files."""
    buffer = io.BytesIO()
    img.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
