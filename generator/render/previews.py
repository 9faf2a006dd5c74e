"""Share preview images (Open Graph, Twitter cards): 1200 × 630 PNG, drawn with Pillow.

- `badges/<slug>.preview.png`: the badge image, its name, its issuer (and the issuer's top
  parent), and the site's host name. A PNG badge is scaled; an SVG badge is drawn by
  rasterize.py, which handles the shapes, paths and text of ordinary badge images; an SVG it
  cannot draw faithfully (embedded images, masks, filters, stylesheets...) gets a neutral mark
  instead: a disc in the colour of the badge's category with the initials of its name.
- `preview.png`: the site's own card, for every other page (title, description, host name).

A language other than the default gets its own copy only where the text differs (a translated
badge name, issuer name or site title); otherwise its pages point at the default one. A preview
is drawn straight in palette colours (the badge's own reduced once per image, shades of the text
colours for the letters): about 25 KB a file where JPEG took 50 KB with smudges around the
letters (250 MB rather than 500 for 10,000 badges), and a few milliseconds each. Images are
cached in the site's cache folder by a digest of what they show, so a rebuild draws only what
changed.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from urllib.parse import urlsplit

from PIL import Image, ImageDraw, ImageFont

from ..images import rgba
from ..model import Badge, Catalogue, Site
from ..rasterize import FONTS, Unsupported, svg_to_image
from .base import Job, Renderer, disk_cached
from .png import palette_png

WIDTH, HEIGHT = 1200, 630
VERSION = "5"  # change when the drawing changes: cached images are then drawn again
BACKGROUND, TEXT, MUTED = "#f4f6f9", "#1a1f2b", "#4a5568"
CATEGORY_COLOURS = {"participation": "#075985", "transversal": "#5b21b6", "technical": "#166534", "network": "#9a3412"}
BADGE_SIZE = 420


def badge_path(site: Site, cat: Catalogue, badge: Badge) -> str:
    """Site-relative path of a badge's preview as seen from a language."""
    own = cat is site.default or _badge_text(badge) != _badge_text(site.default.award_badge(badge.slug))
    return f"{cat.prefix if own else ''}badges/{badge.slug}.preview.png"


def site_path(site: Site, cat: Catalogue) -> str:
    own = cat is site.default or _site_text(cat) != _site_text(site.default)
    return f"{cat.prefix if own else ''}preview.png"


def jobs(r: Renderer) -> list[Job]:
    out = []
    host = urlsplit(r.config.base_url).netloc
    for cat in r.site.catalogues.values():
        if site_path(r.site, cat).startswith(cat.prefix):
            out.append(Job(site_path(r.site, cat), "previews", lambda c=cat: _cached(r, _site_text(c) + (host,), lambda c=c: site_card(c, host))))
        for badge in (*cat.published_badges, *cat.formerly.values()):  # award pages under a former slug name theirs
            path = badge_path(r.site, cat, badge)
            if path.startswith(cat.prefix):
                out.append(Job(path, "previews", lambda b=badge: _cached(
                    r, _badge_text(b) + (b.image.digest, b.category, host), lambda b=b: badge_card(r, b, host))))
    return out


def _badge_text(badge: Badge) -> tuple:
    top = badge.issuer.ancestors[0].name if badge.issuer.ancestors else ""
    return (badge.name, badge.issuer.name, top)


def _site_text(cat: Catalogue) -> tuple:
    return (cat.title, cat.description)


def _cached(r: Renderer, key: tuple, make) -> bytes:
    digest = hashlib.sha256(repr((VERSION, *key)).encode("utf-8")).hexdigest()
    return disk_cached(r.cache_dir / "previews" / f"{digest}.png", make)


@lru_cache(maxsize=64)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str] | None:
    """Greedy line breaking; None when it takes more than `lines` lines."""
    # A line's length is its words' lengths (measured once) plus its spaces: kerning across a
    # space is nil in DejaVu, but a line that comes within `slack` of the width is measured whole.
    space, slack = _length(font, " "), font.size / 8
    out: list[str] = []
    length = 0.0
    for word in text.split():
        size = _length(font, word)
        guess = length + space + size
        if out and width - slack < guess <= width + slack:
            guess = font.getlength(out[-1] + " " + word)
        if out and guess <= width:
            out[-1] += " " + word
            length = guess
        else:
            out.append(word)
            length = size
        if len(out) > lines or length > width:
            return None
    return out


@lru_cache(maxsize=16384)
def _length(font: ImageFont.FreeTypeFont, word: str) -> float:
    return font.getlength(word)


@lru_cache(maxsize=1024)
def _fit(text: str, sizes: tuple[int, ...], width: int, lines: int, bold: bool) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which `text` fits; at the smallest, cut with an ellipsis. Cached:
    issuers' names come back on preview after preview (callers must not change the list)."""
    for size in sizes:
        font = _font(size, bold)
        wrapped = _wrap(text, font, width, lines)
        if wrapped:
            return font, wrapped
    font = _font(sizes[-1], bold)
    words, kept = text.split(), []
    for word in words:
        trial = _wrap(" ".join(kept + [word]) + "…", font, width, lines)
        if not trial:
            break
        kept.append(word)
    return font, _wrap(" ".join(kept) + "…", font, width, lines) or [text[:20] + "…"]


@lru_cache(maxsize=32)
def _badge_picture(path: str, kind: str, digest: str) -> tuple[Image.Image, list[int]] | None:
    """The badge image, once per image however many badges share it (see _picture); None when it
    cannot be drawn."""
    try:
        if kind == "svg":
            with open(path, "rb") as f:
                return _picture(svg_to_image(f.read(), BADGE_SIZE))
        with Image.open(path) as img:
            img = rgba(img)
            img.thumbnail((BADGE_SIZE, BADGE_SIZE), Image.LANCZOS)
            return _picture(img)
    except (Unsupported, OSError):
        return None


_DRAWN: dict[str, tuple[Image.Image, list[int]]] = {}


def _drawn_picture(digest: str, design) -> tuple[Image.Image, list[int]]:
    """A badge drawn from its `design` block (designer.py), once per design."""
    if digest not in _DRAWN:
        from .. import designer
        with Image.open(io.BytesIO(designer.draw(design, BADGE_SIZE))) as drawn:
            _DRAWN[digest] = _picture(drawn.convert("RGBA"))
    return _DRAWN[digest]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isalnum())[:3].upper() or "?"


@lru_cache(maxsize=256)
def _neutral_mark(category: str, initials: str) -> tuple[Image.Image, list[int]]:
    """A disc in the colour of the category with the initials of the badge's name."""
    big = BADGE_SIZE * 2
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse([8, 8, big - 8, big - 8], fill=CATEGORY_COLOURS.get(category, MUTED))
    d.ellipse([48, 48, big - 48, big - 48], outline="#ffffff", width=10)
    d.text((big / 2, big / 2), initials, font=_font(big // (3 if len(initials) < 3 else 4), True), fill="#ffffff", anchor="mm")
    return _picture(img.resize((BADGE_SIZE, BADGE_SIZE), Image.LANCZOS))


# The preview is drawn straight in palette colours: the background, RAMP shades from it to each
# text colour (the letters' anti-aliasing), the accent, then the picture's own colours, reduced
# once per picture. Writing it is then quick, and the PNG small.
RAMP = 16
TEXT_AT, MUTED_AT = 1, 1 + RAMP
ACCENT_AT = 1 + 2 * RAMP
PICTURE_AT = ACCENT_AT + 1
PICTURE_COLOURS = 256 - PICTURE_AT


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@lru_cache(maxsize=8)
def _ramp(colour: str) -> tuple[int, ...]:
    bg, fg = _rgb(BACKGROUND), _rgb(colour)
    return tuple(round(b + (f - b) * (k + 1) / RAMP) for k in range(RAMP) for b, f in zip(bg, fg))


def _picture(rgba: Image.Image) -> tuple[Image.Image, list[int]]:
    """(palette indices from PICTURE_AT, as an "L" image; the palette) of a picture laid on the
    background."""
    flat = Image.new("RGB", rgba.size, BACKGROUND)
    flat.paste(rgba, (0, 0), rgba)
    reduced = flat.quantize(PICTURE_COLOURS, method=Image.Quantize.FASTOCTREE)
    palette = (reduced.getpalette() or [])[:3 * PICTURE_COLOURS]
    indices = Image.frombytes("L", reduced.size, reduced.tobytes()).point(lambda v: min(255, v + PICTURE_AT))
    return indices, palette


# Coverage of a letter's pixel (0-255) -> the shade's index; which pixels are covered at all.
# Applied with bytes.translate (Image.point rounds every entry of its table at each call).
_SHADES = {at: bytes([0] + [at + min(RAMP - 1, v * RAMP // 256) for v in range(1, 256)]) for at in (TEXT_AT, MUTED_AT)}
_COVERED = bytes([0] * (256 // (2 * RAMP)) + [255] * (256 - 256 // (2 * RAMP)))


def _line(text: str, font: ImageFont.FreeTypeFont, colour: int) -> tuple[Image.Image, Image.Image, int, int]:
    """One line of text in palette shades, the mask of its covered pixels, and where its box sits
    from the baseline's left end."""
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    coverage = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(coverage).text((-left, -top), text, font=font, fill=255, anchor="ls")
    pixels = coverage.tobytes()
    return (Image.frombytes("L", coverage.size, pixels.translate(_SHADES[colour])),
            Image.frombytes("L", coverage.size, pixels.translate(_COVERED)), left, top)


# Lines come back from preview to preview: an issuer's name, its parent's and the host name, kept
# for the whole process; the lines of badges' names, often shared by neighbours in slug order
# ("Prise de parole", "niveau 2"), only for a while (about 80 KB each).
_common_line = lru_cache(maxsize=256)(_line)
_name_line = lru_cache(maxsize=64)(_line)


@lru_cache(maxsize=8)
def _blank(accent: int) -> Image.Image:
    img = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(img).rectangle([0, 0, WIDTH, 14], fill=accent)
    return img


class _Card:
    def __init__(self, accent: str):
        self.img = _blank(ACCENT_AT).copy()
        self.palette = [*_rgb(BACKGROUND), *_ramp(TEXT), *_ramp(MUTED), *_rgb(accent)]

    def picture(self, picture: tuple[Image.Image, list[int]], xy: tuple[int, int]) -> None:
        indices, palette = picture
        self.img.paste(indices, xy)
        self.palette += palette

    def lines(self, x: int, y: int, lines: list[str], font, colour: int, gap: float = 1.2, common: bool = True) -> int:
        """Draw lines from `y` (top of the first line's ascent); returns the y below the last.
        `common`: lines many other previews show too (see _common_line)."""
        ascent, descent = font.getmetrics()
        step = round(font.size * gap)
        for line in lines:
            shaded, covered, left, top = (_common_line if common else _name_line)(line, font, colour)
            self.img.paste(shaded, (x + left, y + ascent + top), covered)
            y += step
        return y - step + ascent + descent

    def png(self) -> bytes:
        return palette_png(self.img, self.palette + [0] * (768 - len(self.palette)))


def badge_card(r: Renderer, badge: Badge, host: str) -> bytes:
    card = _Card(CATEGORY_COLOURS.get(badge.category, MUTED))
    image = badge.image
    if image.drawn or image.source is None:
        picture = _drawn_picture(image.digest, badge.design)
    else:
        picture = _badge_picture(str(image.source), image.kind, image.digest) or _neutral_mark(badge.category, _initials(badge.name))
    top = (HEIGHT - BADGE_SIZE) // 2 + 7
    width, height = picture[0].size
    card.picture(picture, (70 + (BADGE_SIZE - width) // 2, top + (BADGE_SIZE - height) // 2))
    x, width = 560, WIDTH - 560 - 70
    name_font, name_lines = _fit(badge.name, (64, 58, 52, 46, 40), width, 3, True)
    issuer_font, issuer_lines = _fit(badge.issuer.name, (34, 30), width, 2, False)
    parent = badge.issuer.ancestors[0].name if badge.issuer.ancestors else ""
    parent_font, parent_lines = _fit(parent, (26,), width, 1, False) if parent else (None, [])
    block = (len(name_lines) * round(name_font.size * 1.2) + 28 + len(issuer_lines) * round(issuer_font.size * 1.25)
             + (len(parent_lines) * 36 + 6 if parent_lines else 0))
    y = max(70, (HEIGHT - block) // 2)
    y = card.lines(x, y, name_lines, name_font, TEXT_AT, common=False) + 28
    y = card.lines(x, y, issuer_lines, issuer_font, MUTED_AT, 1.25) + 8
    if parent_lines:
        card.lines(x, y, parent_lines, parent_font, MUTED_AT)
    card.lines(x, HEIGHT - 48 - _font(24, False).getmetrics()[0], [host], _font(24, False), MUTED_AT)
    return card.png()


def _site_mark() -> tuple[Image.Image, list[int]]:
    """The catalogue's mark: a disc of the four category colours (as beside the site's title)."""
    rad = BADGE_SIZE // 2 - 20
    mark = Image.new("RGBA", (rad * 4, rad * 4), (0, 0, 0, 0))
    md = ImageDraw.Draw(mark)
    for n, colour in enumerate(CATEGORY_COLOURS.values()):
        md.pieslice([0, 0, rad * 4 - 1, rad * 4 - 1], -90 + 90 * n, 90 * n, fill=colour)
    return _picture(mark.resize((rad * 2, rad * 2), Image.LANCZOS))


def site_card(cat: Catalogue, host: str) -> bytes:
    card = _Card("#1d4ed8")
    mark = _site_mark()
    rad = mark[0].size[0] // 2
    card.picture(mark, (70 + BADGE_SIZE // 2 - rad, HEIGHT // 2 + 7 - rad))
    x, width = 560, WIDTH - 560 - 70
    title_font, title_lines = _fit(cat.title, (64, 56, 48, 42), width, 4, True)
    desc_font, desc_lines = _fit(cat.description, (30, 26), width, 5, False) if cat.description else (None, [])
    block = len(title_lines) * round(title_font.size * 1.2) + (28 + len(desc_lines) * round(desc_font.size * 1.3) if desc_lines else 0)
    y = max(60, (HEIGHT - block) // 2)
    y = card.lines(x, y, title_lines, title_font, TEXT_AT) + 28
    if desc_lines:
        card.lines(x, y, desc_lines, desc_font, MUTED_AT, 1.3)
    card.lines(x, HEIGHT - 48 - _font(24, False).getmetrics()[0], [host], _font(24, False), MUTED_AT)
    return card.png()
