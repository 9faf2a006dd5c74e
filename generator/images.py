"""Find and check the images content refers to: badge images and logos (PNG or SVG, square, big
enough, safe), and the images of Markdown bodies (PNG, JPEG, GIF, WebP or SVG: check_picture)."""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
import warnings
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from PIL import Image as PILImage

from .errors import Problem
from .model import Image

if TYPE_CHECKING:  # content imports bodies, which imports this module
    from .content import Ref

MIN_PNG_SIZE = 256
MAX_PIXELS = 4096 * 4096  # past this, a PNG is refused as a possible decompression bomb
MAX_BYTES = 10_000_000
_SVG_NS = "{http://www.w3.org/2000/svg}"
_LENGTH_RE = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")


@lru_cache(maxsize=8)
def _resolved(folder: Path) -> Path:
    """content/ without links: the same for every image of a load (a thousand badges)."""
    return folder.resolve()


def resolve_image(ref: Ref, content_dir: Path, problems: list[Problem]) -> Path | None:
    """The file an image path names: beside the content file, then in content/images/."""
    def fail(message: str) -> None:
        problems.append(Problem(ref.path, ref.line, ref.col, ref.field, message))

    value = ref.value
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value) or "://" in value:
        fail(f'"{value}" must be a path relative to the content file or to content/images/')
        return None
    content = _resolved(content_dir)
    if ".." in value and ".." in PurePosixPath(value.replace("\\", "/")).parts:
        # "../images/x.png" is fine as long as it stays inside content/
        here_abs = (content_dir.parent / ref.path).parent.resolve()
        inside = [os.path.normpath(base / value) for base in (here_abs, content / "images")]
        if not any(Path(p).is_relative_to(content) for p in inside):
            fail(f'"{value}" leaves content/: images must be inside content/')
            return None
    here = (content_dir.parent / ref.path).parent
    for base in (here, content_dir / "images"):
        candidate = base / value
        if candidate.is_file():
            real = candidate.resolve()
            if not real.is_relative_to(content):
                fail(f'"{value}" is a link to a file outside content/: images must be inside content/')
                return None
            return real
    fail(f'"{value}" not found (looked in {here.relative_to(content_dir.parent).as_posix()}/ and content/images/)'
         + _image_hint(value, here, content_dir))
    return None


_IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")
_HINT_FILES = 20_000  # files of content/ looked at for a "did you mean"


def _image_hint(value: str, here: Path, content_dir: Path) -> str:
    """'; did you mean "x"?' for an image path that names no file, where a file of content/ is
    what was meant: another case (Image.PNG, which a Mac finds and a Linux server does not), a
    path from content/ or from the site ("images/logo.png", "content/images/logo.png"), Windows'
    backslashes, a near name; written as the content file must write it."""
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(content_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files.extend(Path(dirpath) / n for n in sorted(filenames)
                     if n.lower().endswith(_IMAGE_SUFFIXES) and not n.startswith("."))
        if len(files) > _HINT_FILES:
            return ""
    images = content_dir / "images"

    def written(file: Path) -> str:  # how the content file names it: from its folder, else content/images/
        for base in (here, images):
            if file.is_relative_to(base):
                return file.relative_to(base).as_posix()
        return os.path.relpath(file, here).replace(os.sep, "/")

    wanted = value.replace("\\", "/").strip("/").lower()
    for prefix in ("content/images/", "content/", "images/"):  # the path from the site, or from content/
        if wanted.startswith(prefix):
            wanted = wanted[len(prefix):]
            break
    ways = {written(f): f for f in files}
    near = [w for w, f in ways.items()
            if w.lower() == wanted or f.relative_to(content_dir).as_posix().lower() == wanted
            or (here / wanted).as_posix().lower() == f.as_posix().lower()]
    if not near:  # the same file name elsewhere in content/, in another case, or a name a typo away
        name = wanted.rpartition("/")[2]
        near = [w for w, f in ways.items() if f.name.lower() == name]
        if not near:
            by_name: dict[str, list[str]] = {}
            for w, f in ways.items():
                by_name.setdefault(f.name.lower(), []).append(w)
            near = [w for n in difflib.get_close_matches(name, by_name, n=2, cutoff=0.75) for w in by_name[n]]
    near = [w for w in near if w != value][:2]
    return "; did you mean " + " or ".join(f'"{w}"' for w in near) + "?" if near else ""


_UNITS_PX = {"mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "pt": 96 / 72, "pc": 16.0}


def _in_pixels(length: str | None) -> float | None:
    """A length in an absolute unit ("50mm") in CSS pixels, rounded to a hundredth; else None."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(mm|cm|in|pt|pc)\s*", length or "")
    return round(float(match[1]) * _UNITS_PX[match[2]], 2) if match else None


def _svg_size(root: ET.Element) -> tuple[float, float] | None:
    width, height = root.get("width"), root.get("height")
    if width and height:
        mw, mh = _LENGTH_RE.match(width), _LENGTH_RE.match(height)
        if mw and mh:
            return float(mw.group(1)), float(mh.group(1))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return float(box[2]), float(box[3])
        except ValueError:
            return None
    return None


# What a published SVG may not hold. An SVG opened on its own (not through <img>) is a document:
# scripts run, links navigate, styles and references load. Everything that runs or reaches outside
# the file is refused; the author removes it (an editor's "plain SVG" export usually does).
_REFUSED_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "audio",
                     "video", "frame", "frameset", "applet", "link", "meta", "base", "form"}
_ANIMATIONS = {"set", "animate", "animateMotion", "animateTransform", "animateColor"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "codebase"}
_IMAGE_ELEMENTS = {"image", "feImage"}  # may embed a picture as a data: URL
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_URL_RE = re.compile(r"(?:javascript|vbscript|livescript):|data:text/html", re.I)
_CSS_ESCAPE_RE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.S)
_CSS_COMMENT_RE = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)\s*([^'\")\s]*)", re.I)
_CSS_REMOTE_RE = re.compile(r"[\"'(]\s*(?P<url>(?:[a-z][a-z0-9+.-]*:)?//[^\s\"')]*)"
                            r"|(?P<rule>@import|(?:-webkit-)?image-set\(|expression\(|-moz-binding|behavior\s*:)", re.I)


def _local(name: str) -> str:
    return name.split("}")[-1]


def _css_unescape(css: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return m.group(2)
    return _CSS_COMMENT_RE.sub(" ", _CSS_ESCAPE_RE.sub(one, _CSS_COMMENT_RE.sub(" ", css)))


def _local_ref(value: str, image: bool = False) -> bool:
    """A reference inside the file itself (#id), or a picture embedded as a data: URL on <image>."""
    value = _INVISIBLE_RE.sub("", value)
    return value.startswith("#") or (image and value.lower().startswith("data:image/"))


def css_danger(css: str) -> str | None:
    """Why a style sheet or style attribute could load or run something, or None."""
    text = _css_unescape(css)
    if _SCRIPT_URL_RE.search(_INVISIBLE_RE.sub("", text)):
        return "has a style with a javascript: URL"
    for match in _CSS_URL_RE.finditer(text):
        if not _local_ref(match.group(2)):
            return f'has a style that loads an outside resource "{match.group(2)[:80]}"'
    remote = _CSS_REMOTE_RE.search(text)
    if remote and remote.group("url"):
        return f'has a style that loads an outside resource "{remote.group("url")[:80]}"'
    if remote:
        return f"has a style that loads an outside resource ({remote.group('rule').rstrip(' :(')})"
    return None


def parse_svg(text: str) -> tuple[ET.Element, list[str]]:
    """The root element and the processing instructions (<?xml-stylesheet ...?>, which the tree
    leaves out); raises ET.ParseError."""
    parser = ET.XMLPullParser(events=("start", "pi"))
    parser.feed(text)
    parser.close()
    root, instructions = None, []
    for event, el in parser.read_events():
        if event == "pi":
            instructions.append(el.text or "")
        elif root is None:
            root = el
    if root is None:  # pragma: no cover - close() raises first
        raise ET.ParseError("no element found")
    return root, instructions


def svg_danger(root: ET.Element, instructions: list[str] = ()) -> str | None:  # type: ignore[assignment]
    """Why an SVG is unsafe to publish (scripts, handlers, links or loads outside the file), or None."""
    for text in instructions:
        # <?xml-stylesheet href=...?> loads a style sheet; the others do nothing in a browser
        # (Illustrator's <?xpacket ...?> around its XMP) and are not published (strip.py)
        target = text.split(None, 1)[0] if text.strip() else ""
        if target.lower() == "xml-stylesheet":
            return f"has a processing instruction (<?{target} ...?>): not allowed in an SVG image"
    for el in root.iter():
        if not isinstance(el.tag, str):  # pragma: no cover - comments are not kept
            continue
        tag = _local(el.tag)
        if tag in _REFUSED_ELEMENTS:
            return f"contains a <{tag}> element"
        for name, value in el.attrib.items():
            local = _local(name)
            if local.lower().startswith("on"):
                return f'has an event handler attribute "{local}"'
            if _SCRIPT_URL_RE.search(_INVISIBLE_RE.sub("", value)):
                return f'has a javascript: URL in its "{local}" attribute'
        if tag in _ANIMATIONS:
            target = _local((el.get("attributeName") or "").split(":")[-1]).strip()
            if target.lower() in _URL_ATTRIBUTES or target.lower().startswith("on") or target.lower() == "style":
                return f'animates the "{target}" attribute (<{tag}>)'
        for name, value in el.attrib.items():
            local = _local(name)
            if local.lower() in _URL_ATTRIBUTES and not _local_ref(value, image=tag in _IMAGE_ELEMENTS):
                return f'refers to an outside resource "{value[:80]}"'
            if local == "style" or "url(" in value.lower() or "\\" in value:
                danger = css_danger(value)
                if danger:
                    return danger
        if tag == "style":
            danger = css_danger("".join(el.itertext()))
            if danger:
                return danger
    return None


GOOD_PNG_SIZE = 512  # what to resize a too large image to (lint.py warns under it)


def _sniff(data: bytes) -> str | None:
    """The kind of image a file's first bytes say it is, whatever its name."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data.startswith(b"BM"):
        return "BMP"
    if data[:4] in (b"II*\0", b"MM\0*"):
        return "TIFF"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIC or AVIF"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        return "SVG"
    return None


def _renamed(data: bytes, name: str, picture: bool = False) -> str:
    """What a file holds and what to do, when it is another image format than its name says
    ("a JPEG image, not a PNG one"); "" when it is not an image one knows. A `picture` of a body
    may be any of PNG, JPEG, GIF, WebP: then renaming the file is enough."""
    kind = _sniff(data)
    if kind is None or kind == name:
        return ""
    if kind in ("SVG", "PNG") or (picture and kind in ("JPEG", "GIF", "WebP")):
        return f"is a {kind} image, not a {name} one: name it .{kind.lower().replace('jpeg', 'jpg')}"
    return f"is a {kind} image, not a {name} one: convert it to {name} (renaming a file does not convert it)"


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height as the PNG's header (IHDR) declares them."""
    if len(data) >= 24 and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return None


def _too_large(size: tuple[int, int] | None, square: bool | None, min_size: int) -> str:
    """Why an image is refused for its size, and what size to make it instead (a badge when
    `square`, a logo when False, another picture when None)."""
    shown = f"is {size[0]}×{size[1]} pixels: too large" if size else "is too large"
    side = int(math.isqrt(MAX_PIXELS))
    advice = ("resize it" if square is None else
              f"resize it, to {GOOD_PNG_SIZE}×{GOOD_PNG_SIZE} for example (a badge needs at least {min_size}×{min_size})"
              if square else f"resize it, to {GOOD_PNG_SIZE} pixels wide for example (at least {min_size} pixels "
                             "on its shorter side)")
    return f"{shown} to decode safely (at most {side}×{side}, {MAX_PIXELS:,} pixels in all): {advice}"


def _decode(file: Path, fail, name: str, fmt: str, square: bool | None = None,
            min_size: int = 0) -> tuple[int, int] | None:
    """Width and height of a raster image that Pillow reads as `fmt` and decodes whole, safely.
    `square` and `min_size`: what a badge (True) or a logo (False) needs, said when it is too large."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(file) as img:
                if img.format != fmt:
                    with open(file, "rb") as handle:
                        fail(_renamed(handle.read(512), name, picture=square is None)
                             or f"is not a {name} image (its content is not {name} data)")
                    return None
                width, height = img.size
                if width * height > MAX_PIXELS:
                    fail(_too_large((width, height), square, min_size))
                    return None
                img.verify()
            with PILImage.open(file) as img:  # verify() checks chunks; decoding finds damaged data
                img.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        with open(file, "rb") as handle:  # the size its header declares (a PNG's), to say it
            fail(_too_large(_png_size(handle.read(24)), square, min_size))
        return None
    except ValueError as exc:
        if "too large" not in str(exc):  # Pillow bounds text chunks (MAX_TEXT_CHUNK)
            fail(f"is a damaged {name} image (cannot be decoded)")
        else:
            fail("has a compressed text chunk too large to decode safely (a decompression bomb?)")
        return None
    except Exception:  # Pillow raises many kinds for broken files
        fail(f"is a damaged {name} image (cannot be decoded)")
        return None
    return width, height


def _safe_svg(data: bytes, fail) -> ET.Element | None:
    """The root of an SVG that is safe to publish as it is, or None (the reason given to `fail`)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fail("is not UTF-8 text: save the SVG as UTF-8")
        return None
    if "<!ENTITY" in text or "<!DOCTYPE" in text:
        fail("has a DOCTYPE or entity declarations: not allowed in an SVG image")
        return None
    try:
        root, instructions = parse_svg(text.lstrip("\ufeff"))
    except (ET.ParseError, ValueError) as exc:
        fail(f"is not a readable SVG image ({exc})")
        return None
    if root.tag not in (_SVG_NS + "svg", "svg"):
        fail("is not an SVG image (its root element is not <svg>)")
        return None
    danger = svg_danger(root, instructions)
    if danger:
        fail(f"is refused: it {danger}")
        return None
    return root


def _read(file: Path, fail) -> bytes | None:
    data = file.read_bytes()
    if len(data) > MAX_BYTES:
        fail(f"is {math.ceil(len(data) / 100_000) / 10:g} MB: at most {MAX_BYTES // 1_000_000} MB expected")
        return None
    return data


def _rel(file: Path, site_root: Path) -> str:
    return file.relative_to(site_root.resolve()).as_posix() if file.is_relative_to(site_root.resolve()) else file.name


def check_image(file: Path, ref: Ref, site_root: Path, problems: list[Problem], min_size: int = MIN_PNG_SIZE,
                square: bool = True) -> Image | None:
    """Read an image and check it is a real, square, big enough PNG or a safe square SVG."""
    def fail(message: str) -> None:
        problems.append(Problem(ref.path, ref.line, ref.col, ref.field, f'"{ref.value}" {message}'))

    data = _read(file, fail)
    if data is None:
        return None
    rel = _rel(file, site_root)
    digest = hashlib.sha256(data).hexdigest()
    suffix = file.suffix.lower()
    if suffix == ".png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            fail(_renamed(data, "PNG") or "is not a PNG image (its content is not PNG data)")
            return None
        size = _decode(file, fail, "PNG", "PNG", square, min_size)
        if size is None:
            return None
        width, height = size
        if square and width != height:
            fail(f"is {width}×{height} pixels: a badge image must be square")
            return None
        if min(width, height) < min_size:
            fail(f"is {width}×{height} pixels: at least {min_size}×{min_size} expected")
            return None
        return Image(source=file, rel=rel, kind="png", width=width, height=height, digest=digest)
    if suffix == ".svg":
        root = _safe_svg(data, fail)
        if root is None:
            return None
        size = _svg_size(root)
        if size is None:
            width, height = root.get("width"), root.get("height")
            pixels = _in_pixels(width), _in_pixels(height)
            if pixels[0] and pixels[1]:  # "50mm": the drawing is in pixels (user units), 189 of them
                fail(f'has width "{width}" and height "{height}" and no viewBox: add viewBox="0 0 {pixels[0]:g} '
                     f'{pixels[1]:g}" to its <svg> (that size in pixels, which its drawing uses)')
            elif width and height:
                fail(f'has width "{width}" and height "{height}" and no viewBox: give the <svg> a viewBox '
                     '(the width and height of its drawing: viewBox="0 0 W H")')
            else:
                fail('has no size: give the <svg> a viewBox (or width and height)')
            return None
        if square and abs(size[0] - size[1]) > 0.01:
            fail(f"is {size[0]:g}×{size[1]:g}: a badge image must be square")
            return None
        return Image(source=file, rel=rel, kind="svg", width=int(size[0]), height=int(size[1]), digest=digest)
    fail("is not a PNG or SVG file (by its name): Open Badges images are PNG or SVG; save it as PNG"
         + (" (or draw the badge with `design` instead of `image`)" if square else ""))
    return None


# What a Markdown body may show, by the file's name: kind, and the format Pillow must read.
PICTURES = {".png": ("png", "PNG"), ".jpg": ("jpeg", "JPEG"), ".jpeg": ("jpeg", "JPEG"), ".gif": ("gif", "GIF"),
            ".webp": ("webp", "WEBP"), ".svg": ("svg", "SVG")}


def rgba(img: PILImage.Image) -> PILImage.Image:
    """An image as RGBA for drawing. 16-bit greyscale (mode I;16, from some scanners and export
    settings) is scaled to 8 bits first: Pillow's convert clips its values, a white square."""
    if img.mode.startswith("I"):
        img = img.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    return img.convert("RGBA")


def check_picture(file: Path, ref: Ref, site_root: Path, problems: list[Problem]) -> Image | None:
    """An image of a Markdown body: a PNG, JPEG, GIF or WebP that decodes whole (and is not a
    decompression bomb), or an SVG as safe as a badge's; any size or shape."""
    def fail(message: str) -> None:
        problems.append(Problem(ref.path, ref.line, ref.col, ref.field, f'"{ref.value}" {message}'))

    kind, fmt = PICTURES.get(file.suffix.lower(), (None, None))
    if kind is None:
        fail("is not an image a page can show: PNG, JPEG, GIF, WebP or SVG expected (by its name)")
        return None
    data = _read(file, fail)
    if data is None:
        return None
    if kind == "svg":
        root = _safe_svg(data, fail)
        if root is None:
            return None
        width, height = _svg_size(root) or (0, 0)
    else:
        size = _decode(file, fail, kind.upper() if kind != "webp" else "WebP", fmt)
        if size is None:
            return None
        width, height = size
    return Image(source=file, rel=_rel(file, site_root), kind=kind, width=int(width), height=int(height),
                 digest=hashlib.sha256(data).hexdigest())
