"""Draw a badge image from a `design` block: a shape, colours, an icon, a short label, initials.

The "matrice graphique" a network hands its partners: every badge of a programme shares a
shape and a layout, and differs by colour, icon and label. Drawn with Pillow only (no external
file is needed: the icons are drawn with primitives on a 100-unit grid), four times larger than
asked, then reduced, so edges are smooth at 512 px. For small sizes (a 64 px badge in a list,
a backpack's thumbnail) the layout keeps what stays readable: big icon, thick outlines, few
letters in bold; below 128 px the initials are left out, and a long label too when there is an
icon.

`VERSION` is part of the cache key of drawn images (see loader.drawn_image): change it when
the drawing changes.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw, ImageFont

from .model import Design

VERSION = 2
SUPERSAMPLE = 4  # draw large, then shrink: smooth edges without an anti-aliasing renderer
FONT_DIR = Path(__file__).parent / "data" / "fonts"
SHAPES = ("circle", "hexagon", "shield", "ribbon")

Draw = ImageDraw.ImageDraw
Box = tuple[float, float, float]  # x, y of the top left corner, side


# -- icons: each draws itself in a square box, on a 100-unit grid ---------------------------------


def _grid(box: Box) -> tuple[Callable[[float, float], tuple[float, float]], Callable[[float], int]]:
    x0, y0, side = box

    def p(x: float, y: float) -> tuple[float, float]:
        return (x0 + x * side / 100, y0 + y * side / 100)

    def w(width: float) -> int:
        return max(1, round(width * side / 100))
    return p, w


def _rect(p, x0: float, y0: float, x1: float, y1: float) -> list[float]:
    a, b = p(x0, y0), p(x1, y1)
    return [a[0], a[1], b[0], b[1]]


def _rotated(points: list[tuple[float, float]], degrees: float, cx: float = 50, cy: float = 50) -> list[tuple[float, float]]:
    a = math.radians(degrees)
    return [(cx + (x - cx) * math.cos(a) - (y - cy) * math.sin(a), cy + (x - cx) * math.sin(a) + (y - cy) * math.cos(a))
            for x, y in points]


def icon_star(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, _ = _grid(box)
    points = []
    for k in range(10):
        radius = 50 if k % 2 == 0 else 21
        angle = math.radians(-90 + 36 * k)
        points.append(p(50 + radius * math.cos(angle), 54 + radius * math.sin(angle)))
    d.polygon(points, fill=fg)


def icon_check(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.line([p(14, 52), p(40, 78), p(88, 24)], fill=fg, width=w(15), joint="curve")
    for x, y in ((14, 52), (88, 24)):
        d.ellipse(_rect(p, x - 7.5, y - 7.5, x + 7.5, y + 7.5), fill=fg)


def icon_book(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.polygon([p(4, 20), p(47, 28), p(47, 88), p(4, 80)], fill=fg)
    d.polygon([p(53, 28), p(96, 20), p(96, 80), p(53, 88)], fill=fg)
    for y in (42, 56, 70):
        d.line([p(13, y - 8), p(38, y - 3)], fill=bg, width=w(4))
        d.line([p(62, y - 3), p(87, y - 8)], fill=bg, width=w(4))


def icon_microphone(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.rounded_rectangle(_rect(p, 33, 2, 67, 60), radius=w(17), fill=fg)
    for y in (18, 30, 42):
        d.line([p(41, y), p(59, y)], fill=bg, width=w(4))
    d.arc(_rect(p, 20, 20, 80, 76), start=0, end=180, fill=fg, width=w(8))
    d.line([p(50, 76), p(50, 90)], fill=fg, width=w(8))
    d.line([p(30, 94), p(70, 94)], fill=fg, width=w(8))


def icon_lightbulb(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.ellipse(_rect(p, 20, 2, 80, 62), fill=fg)
    d.polygon([p(33, 50), p(67, 50), p(62, 72), p(38, 72)], fill=fg)
    d.rounded_rectangle(_rect(p, 36, 76, 64, 83), radius=w(3), fill=fg)
    d.rounded_rectangle(_rect(p, 40, 87, 60, 95), radius=w(3), fill=fg)
    d.arc(_rect(p, 32, 14, 68, 50), start=200, end=260, fill=bg, width=w(5))


def icon_people(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.ellipse(_rect(p, 54, 14, 80, 40), fill=fg)
    d.pieslice(_rect(p, 44, 46, 92, 110), start=180, end=360, fill=fg)
    d.ellipse(_rect(p, 16, 6, 48, 38), outline=bg, width=w(4), fill=fg)
    d.pieslice(_rect(p, 2, 44, 62, 120), start=180, end=360, fill=fg, outline=bg, width=w(4))


def icon_leaf(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    half = []
    for k in range(21):  # a lens: two circle arcs meeting at the tips, then turned 45°
        t = -1 + k / 10
        half.append((50 + 42 * t, 50 - 22 * (1 - t * t)))
    lens = half + [(x, 100 - y) for x, y in reversed(half)]
    d.polygon([p(x, y) for x, y in _rotated(lens, -45)], fill=fg)
    d.line([p(*xy) for xy in _rotated([(14, 50), (78, 50)], -45)], fill=bg, width=w(4))
    d.line([p(*xy) for xy in _rotated([(4, 50), (20, 50)], -45)], fill=fg, width=w(6))


def icon_globe(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.ellipse(_rect(p, 6, 6, 94, 94), outline=fg, width=w(7))
    d.ellipse(_rect(p, 30, 6, 70, 94), outline=fg, width=w(6))
    d.line([p(6, 50), p(94, 50)], fill=fg, width=w(6))
    d.line([p(14, 28), p(86, 28)], fill=fg, width=w(5))
    d.line([p(14, 72), p(86, 72)], fill=fg, width=w(5))


def icon_graduation(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.polygon([p(22, 44), p(78, 44), p(78, 70), p(50, 80), p(22, 70)], fill=fg)
    d.polygon([p(50, 12), p(98, 36), p(50, 60), p(2, 36)], fill=fg, outline=bg, width=w(3))
    d.line([p(84, 43), p(84, 74)], fill=fg, width=w(5))
    d.ellipse(_rect(p, 78, 72, 90, 84), fill=fg)


def icon_heart(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, _ = _grid(box)
    d.ellipse(_rect(p, 6, 12, 54, 60), fill=fg)
    d.ellipse(_rect(p, 46, 12, 94, 60), fill=fg)
    d.polygon([p(9, 46), p(91, 46), p(50, 92)], fill=fg)


def icon_speech(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.rounded_rectangle(_rect(p, 4, 10, 96, 70), radius=w(18), fill=fg)
    d.polygon([p(22, 64), p(46, 64), p(16, 92)], fill=fg)
    for x in (30, 50, 70):
        d.ellipse(_rect(p, x - 6, 34, x + 6, 46), fill=bg)


def icon_music(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.polygon([p(34, 14), p(90, 4), p(90, 20), p(34, 30)], fill=fg)
    d.line([p(37, 20), p(37, 76)], fill=fg, width=w(7))
    d.line([p(87, 10), p(87, 66)], fill=fg, width=w(7))
    d.ellipse(_rect(p, 12, 64, 42, 88), fill=fg)
    d.ellipse(_rect(p, 62, 54, 92, 78), fill=fg)


def icon_gear(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    for k in range(8):
        tooth = _rotated([(42, 2), (58, 2), (60, 20), (40, 20)], 45 * k)
        d.polygon([p(x, y) for x, y in tooth], fill=fg)
    d.ellipse(_rect(p, 14, 14, 86, 86), fill=fg)
    d.ellipse(_rect(p, 36, 36, 64, 64), fill=bg)


def icon_pencil(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    body = _rotated([(14, 38), (70, 38), (70, 62), (14, 62)], -45)
    tip = _rotated([(74, 38), (96, 50), (74, 62)], -45)
    band = _rotated([(20, 38), (26, 38), (26, 62), (20, 62)], -45)
    d.polygon([p(x, y) for x, y in body], fill=fg)
    d.polygon([p(x, y) for x, y in tip], fill=fg)
    d.polygon([p(x, y) for x, y in band], fill=bg)


def icon_mask(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.chord(_rect(p, 8, -30, 92, 94), start=0, end=180, fill=fg)
    d.rectangle(_rect(p, 8, 8, 92, 32), fill=fg)
    d.ellipse(_rect(p, 24, 28, 44, 44), fill=bg)
    d.ellipse(_rect(p, 56, 28, 76, 44), fill=bg)
    d.arc(_rect(p, 28, 40, 72, 78), start=20, end=160, fill=bg, width=w(7))


def icon_compass(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.ellipse(_rect(p, 4, 4, 96, 96), outline=fg, width=w(7))
    d.polygon([p(50, 14), p(61, 50), p(39, 50)], fill=fg)
    d.polygon([p(50, 86), p(61, 50), p(39, 50)], outline=fg, width=w(4))
    d.ellipse(_rect(p, 44, 44, 56, 56), fill=fg)


def icon_trophy(d: Draw, box: Box, fg: str, bg: str) -> None:
    p, w = _grid(box)
    d.arc(_rect(p, 4, 12, 36, 48), start=90, end=270, fill=fg, width=w(7))
    d.arc(_rect(p, 64, 12, 96, 48), start=270, end=90, fill=fg, width=w(7))
    d.chord(_rect(p, 20, -24, 80, 62), start=0, end=180, fill=fg)
    d.rectangle(_rect(p, 20, 4, 80, 20), fill=fg)
    d.rectangle(_rect(p, 44, 60, 56, 78), fill=fg)
    d.rounded_rectangle(_rect(p, 26, 80, 74, 94), radius=w(3), fill=fg)


ICONS: dict[str, Callable[[Draw, Box, str, str], None]] = {
    "star": icon_star, "check": icon_check, "book": icon_book, "microphone": icon_microphone,
    "lightbulb": icon_lightbulb, "people": icon_people, "leaf": icon_leaf, "globe": icon_globe,
    "graduation": icon_graduation, "heart": icon_heart, "speech": icon_speech, "music": icon_music,
    "gear": icon_gear, "pencil": icon_pencil, "mask": icon_mask, "compass": icon_compass, "trophy": icon_trophy,
}
# French names for the same icons: a French site writes `icon: livre`.
ALIASES = {
    "etoile": "star", "étoile": "star", "coche": "check", "livre": "book", "micro": "microphone",
    "ampoule": "lightbulb", "groupe": "people", "personnes": "people", "feuille": "leaf", "monde": "globe",
    "globe-terrestre": "globe", "diplome": "graduation", "diplôme": "graduation", "coeur": "heart",
    "cœur": "heart", "bulle": "speech", "parole": "speech", "musique": "music", "engrenage": "gear",
    "crayon": "pencil", "masque": "mask", "theatre": "mask", "théâtre": "mask", "boussole": "compass",
    "trophee": "trophy", "trophée": "trophy",
}


def icon_name(name: str | None) -> str | None:
    """The bundled icon a design names (English or French), or None."""
    if not name:
        return None
    key = name.strip().lower()
    return key if key in ICONS else ALIASES.get(key)


# -- colours ---------------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    def luminance(colour: str) -> float:
        channels = []
        for c in _rgb(colour):
            s = c / 255
            channels.append(s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _darker(colour: str, factor: float = 0.72) -> str:
    r, g, b = _rgb(colour)
    return "#%02x%02x%02x" % (int(r * factor), int(g * factor), int(b * factor))


# -- shapes ----------------------------------------------------------------------------------------


def _outline(shape: str, size: float, inset: float) -> list[tuple[float, float]] | tuple[float, float, float, float]:
    """The shape as a polygon (or an ellipse box for circles), `inset` pixels inside."""
    m = size * 0.04 + inset
    if shape == "circle":
        return (m, m, size - m, size - m)
    if shape == "hexagon":
        c, rad = size / 2, size / 2 - m
        return [(c + rad * math.cos(math.radians(60 * k - 90)), c + rad * math.sin(math.radians(60 * k - 90)))
                for k in range(6)]
    if shape == "shield":
        w = size - 2 * m
        top, side = m + w * 0.1, m + w * 0.56
        return [(m, top), (size / 2, m), (size - m, top), (size - m, side), (size / 2, size - m), (m, side)]
    # ribbon: the disc; the tails are drawn apart
    return (size * 0.14 + inset, m, size * 0.86 - inset, size * 0.72 - inset * 2 + m - size * 0.04)


def _fill_shape(d: Draw, shape: str, size: float, inset: float, fill: str | None, outline: str | None, width: int) -> None:
    geometry = _outline(shape, size, inset)
    if isinstance(geometry, tuple):
        d.ellipse(list(geometry), fill=fill, outline=outline, width=width)
    else:
        d.polygon(geometry, fill=fill, outline=outline, width=width)


# Where the content sits in each shape: centre x, centre y, radius (fractions of the size).
FACES = {"circle": (0.5, 0.5, 0.37), "hexagon": (0.5, 0.5, 0.35), "shield": (0.5, 0.43, 0.33),
         "ribbon": (0.5, 0.38, 0.28)}


# -- text ------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    bold = FONT_DIR / "DejaVuSans-Bold.ttf"
    if bold.is_file():
        return ImageFont.truetype(str(bold), px)
    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def _fit(d: Draw, text: str, max_width: float, max_px: int, min_px: int) -> tuple[ImageFont.ImageFont, int]:
    """The largest font (at most max_px) at which `text` fits in max_width."""
    px = max_px
    while px > min_px:
        box = d.textbbox((0, 0), text, font=_font(px), anchor="ls")
        if box[2] - box[0] <= max_width:
            break
        px = int(px * 0.92)
    return _font(max(px, min_px)), max(px, min_px)


# -- the badge -------------------------------------------------------------------------------------


def draw(design: Design, size: int = 512) -> bytes:
    """The badge image, `size` pixels square, as PNG bytes (deterministic)."""
    big = size * SUPERSAMPLE
    small = size < 128  # a thumbnail in a list: fewer, bigger things
    shape = design.shape if design.shape in SHAPES else "circle"
    fg, bg = design.foreground, design.background
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if shape == "ribbon":  # two tails behind the disc, in a darker shade
        tails = [(0.30, 0.58), (0.18, 0.97), (0.36, 0.87), (0.5, 0.95), (0.64, 0.87), (0.82, 0.97), (0.70, 0.58)]
        d.polygon([(x * big, y * big) for x, y in tails], fill=_darker(bg))
    _fill_shape(d, shape, big, 0, bg, fg, max(2, round(big * 0.012)))
    ring = round(big * (0.028 if small else 0.018))
    _fill_shape(d, shape, big, big * 0.045, None, fg, ring)

    cx, cy, radius = (f * big for f in FACES[shape])
    icon = ICONS.get(icon_name(design.icon) or "")
    label = design.label.strip()
    initials = design.initials[:3]
    if small and icon is not None and len(label) > 6:
        label = ""
    parts: list[tuple[str, float]] = []  # (what, height)
    gap = radius * 0.1
    if icon is not None:
        parts.append(("icon", radius * (1.3 if not label else 0.8)))
    elif initials:  # no icon: the initials stand in for it
        parts.append(("big-initials", radius * 0.42))
    if small or icon is None:
        initials = ""  # a line of small initials is too small to read in a thumbnail
    label_font = None
    if label:
        max_px = round(radius * (0.42 if icon is None else 0.32))
        label_font, px = _fit(d, label, radius * 1.62, max_px, max(8, round(radius * 0.12)))
        parts.append(("label", px * 0.78))
    if initials:
        parts.append(("initials", radius * 0.2))
    total = sum(h for _, h in parts) + gap * (len(parts) - 1)
    y = cy - total / 2
    for what, height in parts:
        if what == "icon":
            icon(d, (cx - height / 2, y, height), fg, bg)
        elif what == "big-initials":
            font, _ = _fit(d, design.initials[:3], radius * 1.4, round(height / 0.74), 8)
            d.text((cx, y + height), design.initials[:3], font=font, fill=fg, anchor="ms")
        elif what == "label":
            d.text((cx, y + height), label, font=label_font, fill=fg, anchor="ms",
                   stroke_width=max(1, round(big * 0.002)), stroke_fill=fg)
        else:
            font = _font(max(8, round(height / 0.74)))
            d.text((cx, y + height), initials, font=font, fill=fg, anchor="ms")
        y += height + gap
    img = img.resize((size, size), Image.LANCZOS)
    buffer = io.BytesIO()
    img.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
