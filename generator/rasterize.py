"""Draw a simple SVG with Pillow: enough for the badge images people make, not a browser.

Used for the share preview images (render/previews.py), so that a badge published as SVG shows
in them as itself. It draws `rect`, `circle`, `ellipse`, `line`, `polyline`, `polygon`, `path`
(every command, curves and arcs flattened), `text`/`tspan` (one line, DejaVu Sans), nested `g`,
`transform`, fills and strokes with their opacities, `style="..."` declarations, and gradients
approximated by their middle stop. Anything else that would change the picture (`image`, `use`,
`mask`, `clip-path`, `filter`, `pattern`, a stylesheet) raises Unsupported: the caller then
draws a neutral mark instead of a wrong picture.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image, ImageChops, ImageColor, ImageDraw, ImageFont

FONTS = Path(__file__).parent / "data" / "fonts"
SUPERSAMPLE = 3
_SKIP = {"title", "desc", "metadata", "defs", "linearGradient", "radialGradient", "stop", "symbol", "marker"}
_UNSUPPORTED = {"image", "use", "mask", "clipPath", "filter", "pattern", "style", "foreignObject", "switch",
                "textPath", "a"}
_INHERITED = {"fill": "black", "stroke": "none", "stroke-width": "1", "fill-opacity": "1", "stroke-opacity": "1",
              "stroke-linecap": "butt", "stroke-linejoin": "miter", "fill-rule": "nonzero", "font-size": "16",
              "font-weight": "normal", "text-anchor": "start", "letter-spacing": "0", "color": "black",
              "visibility": "visible"}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class Unsupported(Exception):
    """The SVG uses something this drawer does not do."""


def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), max(1, round(size)))


def _local(tag) -> str:
    return tag.split("}")[-1] if isinstance(tag, str) else ""


def _num(value: str | None, default: float = 0.0) -> float:
    if value is None:
        return default
    match = _NUMBER.match(value.strip())
    if not match:
        return default
    number = float(match.group())
    return number / 100 if value.strip().endswith("%") else number


# Affine matrices as (a, b, c, d, e, f): x' = a x + c y + e, y' = b x + d y + f.
def _mul(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2, a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _apply(m, x, y):
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _transform(text: str):
    m = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    for name, args in re.findall(r"(\w+)\s*\(([^)]*)\)", text or ""):
        v = [float(x) for x in _NUMBER.findall(args)]
        if name == "matrix" and len(v) == 6:
            t = tuple(v)
        elif name == "translate" and v:
            t = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0)
        elif name == "scale" and v:
            t = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "rotate" and v:
            r = math.radians(v[0])
            t = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0, 0)
            if len(v) == 3:
                t = _mul(_mul((1, 0, 0, 1, v[1], v[2]), t), (1, 0, 0, 1, -v[1], -v[2]))
        elif name == "skewX" and v:
            t = (1, 0, math.tan(math.radians(v[0])), 1, 0, 0)
        elif name == "skewY" and v:
            t = (1, math.tan(math.radians(v[0])), 0, 1, 0, 0)
        else:
            raise Unsupported(f"transform {name}")
        m = _mul(m, t)
    return m


def _arc(x1, y1, rx, ry, phi, large, sweep, x2, y2):
    """Points of an elliptical arc (SVG endpoint parameterisation), without the first."""
    if rx == 0 or ry == 0:
        return [(x2, y2)]
    rx, ry = abs(rx), abs(ry)
    cp, sp = math.cos(math.radians(phi)), math.sin(math.radians(phi))
    dx, dy = (x1 - x2) / 2, (y1 - y2) / 2
    x1p, y1p = cp * dx + sp * dy, -sp * dx + cp * dy
    scale = (x1p ** 2) / (rx ** 2) + (y1p ** 2) / (ry ** 2)
    if scale > 1:
        rx, ry = rx * math.sqrt(scale), ry * math.sqrt(scale)
    num = rx ** 2 * ry ** 2 - rx ** 2 * y1p ** 2 - ry ** 2 * x1p ** 2
    den = rx ** 2 * y1p ** 2 + ry ** 2 * x1p ** 2
    co = math.sqrt(max(0.0, num / den)) if den else 0.0
    if large == sweep:
        co = -co
    cxp, cyp = co * rx * y1p / ry, -co * ry * x1p / rx
    cx, cy = cp * cxp - sp * cyp + (x1 + x2) / 2, sp * cxp + cp * cyp + (y1 + y2) / 2

    def angle(ux, uy, vx, vy):
        return math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)
    t1 = angle(1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry)
    dt = angle((x1p - cxp) / rx, (y1p - cyp) / ry, (-x1p - cxp) / rx, (-y1p - cyp) / ry)
    if not sweep and dt > 0:
        dt -= 2 * math.pi
    elif sweep and dt < 0:
        dt += 2 * math.pi
    steps = max(4, int(abs(dt) / (math.pi / 24)))
    out = []
    for i in range(1, steps + 1):
        t = t1 + dt * i / steps
        x, y = rx * math.cos(t), ry * math.sin(t)
        out.append((cp * x - sp * y + cx, sp * x + cp * y + cy))
    return out


def _path(d: str) -> list[tuple[list[tuple[float, float]], bool]]:
    """A path's subpaths as (points, closed)."""
    tokens = re.findall(r"[MmLlHhVvCcSsQqTtAaZz]|" + _NUMBER.pattern, d or "")
    subpaths: list[tuple[list, bool]] = []
    points: list[tuple[float, float]] = []
    x = y = sx = sy = 0.0
    last_ctrl = None
    cmd = None
    i = 0

    def take(n):
        nonlocal i
        vals = [float(v) for v in tokens[i:i + n]]
        if len(vals) < n or any(re.fullmatch(r"[A-Za-z]", t) for t in tokens[i:i + n]):
            raise Unsupported("bad path data")
        i += n
        return vals

    def flush(closed):
        nonlocal points
        if len(points) > 1:
            subpaths.append((points, closed))
        points = []

    while i < len(tokens):
        if re.fullmatch(r"[A-Za-z]", tokens[i]):
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                flush(True)
                x, y = sx, sy
                last_ctrl = None
                continue
        elif cmd is None:
            raise Unsupported("bad path data")
        rel = cmd.islower()
        c = cmd.upper()
        ox, oy = (x, y) if rel else (0.0, 0.0)
        if c == "M":
            px, py = take(2)
            flush(False)
            x, y = ox + px, oy + py
            sx, sy = x, y
            points = [(x, y)]
            cmd = "l" if rel else "L"
            last_ctrl = None
            continue
        if not points:
            points = [(x, y)]
        if c == "L":
            px, py = take(2)
            x, y = ox + px, oy + py
            points.append((x, y))
            last_ctrl = None
        elif c == "H":
            (px,) = take(1)
            x = ox + px
            points.append((x, y))
            last_ctrl = None
        elif c == "V":
            (py,) = take(1)
            y = oy + py
            points.append((x, y))
            last_ctrl = None
        elif c in "CS":
            if c == "C":
                x1, y1, x2, y2, ex, ey = take(6)
                x1, y1 = ox + x1, oy + y1
            else:
                x2, y2, ex, ey = take(4)
                x1, y1 = (2 * x - last_ctrl[0], 2 * y - last_ctrl[1]) if last_ctrl and last_ctrl[2] == "C" else (x, y)
            x2, y2, ex, ey = ox + x2, oy + y2, ox + ex, oy + ey
            for k in range(1, 17):
                t = k / 16
                mt = 1 - t
                points.append((mt ** 3 * x + 3 * mt * mt * t * x1 + 3 * mt * t * t * x2 + t ** 3 * ex,
                               mt ** 3 * y + 3 * mt * mt * t * y1 + 3 * mt * t * t * y2 + t ** 3 * ey))
            last_ctrl = (x2, y2, "C")
            x, y = ex, ey
        elif c in "QT":
            if c == "Q":
                x1, y1, ex, ey = take(4)
                x1, y1 = ox + x1, oy + y1
            else:
                ex, ey = take(2)
                x1, y1 = (2 * x - last_ctrl[0], 2 * y - last_ctrl[1]) if last_ctrl and last_ctrl[2] == "Q" else (x, y)
            ex, ey = ox + ex, oy + ey
            for k in range(1, 13):
                t = k / 12
                mt = 1 - t
                points.append((mt * mt * x + 2 * mt * t * x1 + t * t * ex, mt * mt * y + 2 * mt * t * y1 + t * t * ey))
            last_ctrl = (x1, y1, "Q")
            x, y = ex, ey
        elif c == "A":
            rx, ry, phi, large, sweep, ex, ey = take(7)
            ex, ey = ox + ex, oy + ey
            points.extend(_arc(x, y, rx, ry, phi, int(large), int(sweep), ex, ey))
            x, y = ex, ey
            last_ctrl = None
        else:
            raise Unsupported(f"path command {cmd}")
    flush(False)
    return subpaths


def _ellipse(cx, cy, rx, ry):
    steps = 96
    return [(cx + rx * math.cos(2 * math.pi * k / steps), cy + ry * math.sin(2 * math.pi * k / steps)) for k in range(steps)]


class _Drawer:
    def __init__(self, root: ET.Element, size: int):
        self.gradients = {el.get("id"): el for el in root.iter() if _local(el.tag) in ("linearGradient", "radialGradient")}
        box = [float(v) for v in _NUMBER.findall(root.get("viewBox") or "")]
        if len(box) != 4:
            box = [0, 0, _num(root.get("width"), 0), _num(root.get("height"), 0)]
        if box[2] <= 0 or box[3] <= 0:
            raise Unsupported("no size")
        self.px = size * SUPERSAMPLE
        scale = min(self.px / box[2], self.px / box[3])
        self.base = (scale, 0, 0, scale, -box[0] * scale + (self.px - box[2] * scale) / 2,
                     -box[1] * scale + (self.px - box[3] * scale) / 2)
        self.canvas = Image.new("RGBA", (self.px, self.px), (0, 0, 0, 0))
        self.root = root

    def colour(self, value: str, style: dict) -> tuple[int, int, int] | None:
        value = value.strip()
        if value in ("none", "transparent", ""):
            return None
        if value == "currentColor":
            value = style["color"]
        if value.startswith("url("):
            ref = re.match(r"url\(\s*['\"]?#([^)'\"]+)", value)
            gradient = self.gradients.get(ref.group(1)) if ref else None
            stops = [s for s in gradient.iter() if _local(s.tag) == "stop"] if gradient is not None else []
            while not stops and gradient is not None and gradient.get("{http://www.w3.org/1999/xlink}href", gradient.get("href")):
                gradient = self.gradients.get(gradient.get("{http://www.w3.org/1999/xlink}href", gradient.get("href"))[1:])
                stops = [s for s in gradient.iter() if _local(s.tag) == "stop"] if gradient is not None else []
            if not stops:
                raise Unsupported(f"paint {value}")
            stop = stops[len(stops) // 2]
            stop_style = _declarations(stop.get("style"))
            value = stop_style.get("stop-color", stop.get("stop-color", "black"))
        try:
            return ImageColor.getrgb(value)[:3]
        except ValueError as exc:
            raise Unsupported(f"colour {value}") from exc

    def paint(self, mask: Image.Image, colour, opacity: float) -> None:
        box = mask.getbbox()
        if not box or colour is None or opacity <= 0:
            return
        alpha = mask.crop(box)
        if opacity < 1:
            alpha = alpha.point(lambda v: round(v * opacity))
        layer = Image.new("RGBA", alpha.size, colour + (0,))
        layer.putalpha(alpha)
        self.canvas.alpha_composite(layer, dest=box[:2])

    def shape(self, subpaths, style: dict, m) -> None:
        scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
        opacity = _num(style.get("opacity"), 1)
        fill = self.colour(style["fill"], style)
        if fill is not None:
            mask = Image.new("1", (self.px, self.px), 0)
            for points, _closed in subpaths:
                if len(points) < 3:
                    continue
                one = Image.new("1", (self.px, self.px), 0)
                ImageDraw.Draw(one).polygon([_apply(m, x, y) for x, y in points], fill=1)
                mask = ImageChops.logical_xor(mask, one) if len(subpaths) > 1 else one  # even-odd
            self.paint(mask.convert("L"), fill, _num(style["fill-opacity"], 1) * opacity)
        stroke = self.colour(style["stroke"], style)
        width = _num(style["stroke-width"], 1) * scale
        if stroke is not None and width > 0:
            mask = Image.new("L", (self.px, self.px), 0)
            draw = ImageDraw.Draw(mask)
            w = max(1, round(width))
            for points, closed in subpaths:
                pts = [_apply(m, x, y) for x, y in points]
                if closed:
                    pts = pts + [pts[0], pts[1 % len(pts)]]
                draw.line(pts, fill=255, width=w, joint="curve")
                if style["stroke-linecap"] in ("round", "square") and not closed:
                    for px, py in (pts[0], pts[-1]):
                        r = w / 2
                        if style["stroke-linecap"] == "round":
                            draw.ellipse([px - r, py - r, px + r, py + r], fill=255)
                        else:
                            draw.rectangle([px - r, py - r, px + r, py + r], fill=255)
            self.paint(mask, stroke, _num(style["stroke-opacity"], 1) * opacity)

    def text(self, el: ET.Element, style: dict, m) -> None:
        if abs(m[1]) > 1e-6 or abs(m[2]) > 1e-6:
            raise Unsupported("rotated text")
        text = " ".join("".join(el.itertext()).split())
        if not text:
            return
        scale = math.sqrt(abs(m[0] * m[3]))
        font = _font(_num(style["font-size"], 16) * scale, style["font-weight"] in ("bold", "bolder", "600", "700", "800", "900"))
        spacing = _num(style["letter-spacing"], 0) * scale
        x, y = _apply(m, _num(el.get("x")), _num(el.get("y")))
        widths = [font.getlength(ch) for ch in text]
        total = sum(widths) + spacing * (len(text) - 1)
        anchor = style["text-anchor"]
        x -= total / 2 if anchor == "middle" else total if anchor == "end" else 0
        colour = self.colour(style["fill"], style)
        mask = Image.new("L", (self.px, self.px), 0)
        draw = ImageDraw.Draw(mask)
        if spacing:
            for ch, w in zip(text, widths):
                draw.text((x, y), ch, font=font, fill=255, anchor="ls")
                x += w + spacing
        else:
            draw.text((x, y), text, font=font, fill=255, anchor="ls")
        self.paint(mask, colour, _num(style["fill-opacity"], 1) * _num(style.get("opacity"), 1))

    def walk(self, el: ET.Element, style: dict, m) -> None:
        tag = _local(el.tag)
        if not tag or tag in _SKIP or (isinstance(el.tag, str) and el.tag.startswith("{") and
                                       not el.tag.startswith("{http://www.w3.org/2000/svg}")):
            return
        if tag in _UNSUPPORTED:
            raise Unsupported(f"<{tag}>")
        for attr in ("clip-path", "mask", "filter"):
            if el.get(attr) not in (None, "none"):
                raise Unsupported(attr)
        own = {k: v for k, v in el.attrib.items() if k in _INHERITED or k in ("opacity", "display")}
        own.update(_declarations(el.get("style")))
        if own.get("display") == "none":
            return
        # Group opacity is approximated by giving it to each shape of the group.
        opacity = _num(style.get("opacity"), 1) * _num(own.pop("opacity", None), 1)
        style = {**style, **own, "opacity": str(opacity)}
        if style.get("visibility") == "hidden":
            return
        m = _mul(m, _transform(el.get("transform", "")))
        g = el.get
        if tag in ("svg", "g"):
            for child in el:
                self.walk(child, style, m)
        elif tag == "rect":
            x, y, w, h = _num(g("x")), _num(g("y")), _num(g("width")), _num(g("height"))
            rx, ry = _num(g("rx"), -1), _num(g("ry"), -1)
            rx, ry = (ry if rx < 0 else rx), (rx if ry < 0 else ry)
            rx, ry = min(max(rx, 0), w / 2), min(max(ry, 0), h / 2)
            if rx and ry:
                d = (f"M{x + rx} {y} H{x + w - rx} A{rx} {ry} 0 0 1 {x + w} {y + ry} V{y + h - ry} "
                     f"A{rx} {ry} 0 0 1 {x + w - rx} {y + h} H{x + rx} A{rx} {ry} 0 0 1 {x} {y + h - ry} "
                     f"V{y + ry} A{rx} {ry} 0 0 1 {x + rx} {y} Z")
                self.shape(_path(d), style, m)
            else:
                self.shape([([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], True)], style, m)
        elif tag == "circle":
            r = _num(g("r"))
            self.shape([(_ellipse(_num(g("cx")), _num(g("cy")), r, r), True)], style, m)
        elif tag == "ellipse":
            self.shape([(_ellipse(_num(g("cx")), _num(g("cy")), _num(g("rx")), _num(g("ry"))), True)], style, m)
        elif tag == "line":
            self.shape([([(_num(g("x1")), _num(g("y1"))), (_num(g("x2")), _num(g("y2")))], False)], {**style, "fill": "none"}, m)
        elif tag in ("polyline", "polygon"):
            v = [float(n) for n in _NUMBER.findall(g("points", ""))]
            self.shape([(list(zip(v[0::2], v[1::2])), tag == "polygon")], style, m)
        elif tag == "path":
            self.shape(_path(g("d", "")), style, m)
        elif tag == "text":
            self.text(el, style, m)
        else:
            raise Unsupported(f"<{tag}>")


def _declarations(text: str | None) -> dict[str, str]:
    out = {}
    for part in (text or "").split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            out[key.strip()] = value.strip()
    return out


def svg_to_image(data: bytes, size: int) -> Image.Image:
    """An RGBA image of `size` × `size` pixels, or Unsupported."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise Unsupported("not XML") from exc
    if _local(root.tag) != "svg":
        raise Unsupported("not SVG")
    drawer = _Drawer(root, size)
    try:
        drawer.walk(root, dict(_INHERITED), drawer.base)
    except (ValueError, ZeroDivisionError, TypeError, IndexError, AttributeError) as exc:
        raise Unsupported(str(exc)) from exc
    return drawer.canvas.resize((size, size), Image.LANCZOS)
