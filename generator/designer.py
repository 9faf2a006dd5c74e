"""Draw a badge image from a `design` block: a shape, colours, a short label, the issuer's initials."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from .model import Design

SUPERSAMPLE = 4  # draw large, then shrink: smooth edges without an anti-aliasing renderer


def _shape(draw: ImageDraw.ImageDraw, shape: str, size: int, fill: str, outline: str, width: int) -> None:
    m = size * 0.04
    if shape == "circle":
        draw.ellipse([m, m, size - m, size - m], fill=fill, outline=outline, width=width)
    elif shape == "hexagon":
        c, rad = size / 2, size / 2 - m
        points = [(c + rad * math.cos(math.radians(60 * k - 90)), c + rad * math.sin(math.radians(60 * k - 90))) for k in range(6)]
        draw.polygon(points, fill=fill, outline=outline, width=width)
    elif shape == "shield":
        w = size - 2 * m
        points = [(m, m + w * 0.08), (size / 2, m), (size - m, m + w * 0.08), (size - m, m + w * 0.55),
                  (size / 2, size - m), (m, m + w * 0.55)]
        draw.polygon(points, fill=fill, outline=outline, width=width)
    else:  # ribbon: a disc with two tails
        tail = [(size * 0.3, size * 0.55), (size * 0.18, size - m), (size * 0.36, size * 0.88),
                (size * 0.5, size - m * 1.5), (size * 0.64, size * 0.88), (size * 0.82, size - m), (size * 0.7, size * 0.55)]
        draw.polygon(tail, fill=outline)
        draw.ellipse([size * 0.14, m, size * 0.86, size * 0.72], fill=fill, outline=outline, width=width)


def _font(px: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def draw(design: Design, size: int = 512) -> bytes:
    big = size * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    _shape(d, design.shape, big, design.background, design.foreground, max(2, big // 40))
    centre_y = big * (0.40 if design.shape == "ribbon" else 0.5)
    if design.initials:
        d.text((big / 2, centre_y - big * 0.12), design.initials[:3], font=_font(int(big * 0.13)), fill=design.foreground, anchor="mm")
    if design.label:
        px = int(big * (0.16 if len(design.label) <= 6 else 0.11))
        d.text((big / 2, centre_y + big * 0.08), design.label, font=_font(px), fill=design.foreground, anchor="mm")
    img = img.resize((size, size), Image.LANCZOS)
    buffer = io.BytesIO()
    img.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
