"""Bake Open Badges metadata into badge images, and read it back (DESIGN §5 "Baking").

PNG: one uncompressed `iTXt` chunk (keyword `openbadges` for 2.0, `openbadgecredential` for 3.0)
is inserted before `IEND`; the other chunks are copied byte for byte (no re-encoding). Any chunk
already carrying the keyword is dropped first, so baking twice keeps one.
SVG: the `openbadges` namespace on the root element and one `<openbadges:assertion verify="URL">`
element holding the assertion JSON in CDATA, right after the root's start tag.
"""

from __future__ import annotations

import re
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
SVG_NAMESPACE = "http://openbadges.org"
OB3_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"  # Open Badges 3.0 baking
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")


class BakingError(ValueError):
    """The image is not a PNG or SVG that can be baked."""


def _chunks(png: bytes) -> list[tuple[bytes, bytes, int, int]]:
    """(type, data, start, end) of every chunk; checks lengths, not CRCs."""
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG file")
    out, pos = [], len(PNG_SIGNATURE)
    while pos < len(png):
        if pos + 8 > len(png):
            raise BakingError("truncated PNG chunk")
        length, kind = struct.unpack(">I4s", png[pos: pos + 8])
        end = pos + 12 + length
        if end > len(png):
            raise BakingError("truncated PNG chunk")
        out.append((kind, png[pos + 8: pos + 8 + length], pos, end))
        pos = end
        if kind == b"IEND":
            break
    if not out or out[-1][0] != b"IEND":
        raise BakingError("PNG without IEND chunk")
    return out


def _keyword(kind: bytes, data: bytes) -> str:
    if kind not in _TEXT_CHUNKS:
        return ""
    return data.split(b"\0", 1)[0].decode("latin-1")


def itxt_chunk(keyword: str, text: str) -> bytes:
    """An uncompressed iTXt chunk: keyword, flag 0, method 0, no language, no translated keyword."""
    data = keyword.encode("latin-1") + b"\0\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    body = b"iTXt" + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def bake_png(png: bytes, text: str, keyword: str = OB2_KEYWORD) -> bytes:
    """The PNG with `text` in one iTXt chunk before IEND; every other chunk kept as it was."""
    parts = [PNG_SIGNATURE]
    for kind, data, start, end in _chunks(png):
        if _keyword(kind, data) == keyword:
            continue
        if kind == b"IEND":
            parts.append(itxt_chunk(keyword, text))
        parts.append(png[start:end])
    return b"".join(parts)


def unbake_png(png: bytes, keyword: str = OB2_KEYWORD) -> str | None:
    """The text baked under `keyword` (iTXt, compressed or not, or tEXt), or None."""
    for kind, data, _, _ in _chunks(png):
        if _keyword(kind, data) != keyword:
            continue
        if kind == b"tEXt":
            return data.split(b"\0", 1)[1].decode("latin-1")
        if kind == b"zTXt":
            return zlib.decompress(data.split(b"\0", 1)[1][1:]).decode("latin-1")
        rest = data.split(b"\0", 1)[1]
        compressed, _method, rest = rest[0], rest[1], rest[2:]
        _lang, rest = rest.split(b"\0", 1)
        _translated, text = rest.split(b"\0", 1)
        return (zlib.decompress(text) if compressed else text).decode("utf-8")
    return None


_SVG_START = re.compile(r"<svg\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
_SVG_BAKED = re.compile(r"<openbadges:(assertion|credential)\b.*?(?:/>|</openbadges:\1>)\s*", re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def _root_tag(svg: str) -> re.Match:
    # skip the prolog: XML declaration, comments, doctype
    stripped = re.sub(r"<!--.*?-->", lambda m: " " * len(m.group()), svg, flags=re.S)
    match = _SVG_START.search(stripped)
    if match is None:
        raise BakingError("no <svg> root element")
    return match


def bake_svg(svg: str, assertion_json: str, verify_url: str | None, element: str = "assertion",
             namespace: str = SVG_NAMESPACE) -> str:
    """The SVG with the openbadges namespace and one <openbadges:assertion> after the root tag.

    Open Badges 3.0: element "credential", namespace OB3_SVG_NAMESPACE, no verify URL."""
    svg = _SVG_BAKED.sub("", svg)
    match = _root_tag(svg)
    tag = svg[match.start(): match.end()]
    if "xmlns:openbadges=" not in tag:
        close = len(tag) - (2 if tag.endswith("/>") else 1)
        tag = tag[:close] + f' xmlns:openbadges="{namespace}"' + tag[close:]
    if tag.endswith("/>"):
        raise BakingError("the <svg> root element is empty")
    verify = ""
    if verify_url is not None:
        verify = ' verify="' + verify_url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;") + '"'
    payload = assertion_json.replace("]]>", "]]]]><![CDATA[>")
    baked = f'\n<openbadges:{element}{verify}><![CDATA[{payload}]]></openbadges:{element}>'
    return svg[: match.start()] + tag + baked + svg[match.end():]


def unbake_svg(svg: str, element: str = "assertion") -> str | None:
    """The JSON baked in an SVG's <openbadges:assertion>, else its verify URL, else None."""
    match = re.search(rf"<openbadges:{element}\b([^>]*?)(/>|>(.*?)</openbadges:{element}>)", svg, re.S)
    if match is None:
        return None
    inner = match.group(3) or ""
    parts = _CDATA.findall(inner)
    text = "".join(parts).strip() if parts else inner.strip()
    if text:
        return text
    verify = re.search(r'verify\s*=\s*"([^"]*)"', match.group(1))
    return verify.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&amp;", "&") if verify else None
