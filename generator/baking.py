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


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def itxt_chunk(keyword: str, text: str) -> bytes:
    """An uncompressed iTXt chunk: keyword, flag 0, method 0, no language, no translated keyword."""
    return png_chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0" + b"\0" + b"\0" + text.encode("utf-8"))


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


MAX_TEXT = 16 * 1024 * 1024  # a compressed text chunk is never inflated past this (zlib bombs)


def _inflate(data: bytes) -> bytes:
    stream = zlib.decompressobj()
    try:
        out = stream.decompress(data, MAX_TEXT + 1)
    except zlib.error as exc:
        raise BakingError(f"damaged compressed text chunk ({exc})") from None
    if len(out) > MAX_TEXT or stream.unconsumed_tail:
        raise BakingError(f"compressed text chunk too large (more than {MAX_TEXT // 1024 // 1024} MB inflated)")
    return out


def unbake_png(png: bytes, keyword: str = OB2_KEYWORD) -> str | None:
    """The text baked under `keyword` (iTXt, compressed or not, or tEXt), or None.
    Raises BakingError for a file that is not a PNG or whose chunk is damaged."""
    for kind, data, _, _ in _chunks(png):
        if _keyword(kind, data) != keyword:
            continue
        try:
            rest = data.split(b"\0", 1)[1]
            if kind == b"tEXt":
                return rest.decode("latin-1")
            if kind == b"zTXt":
                return _inflate(rest[1:]).decode("latin-1")
            compressed, rest = rest[0], rest[2:]  # flag, method
            _lang, rest = rest.split(b"\0", 1)
            _translated, text = rest.split(b"\0", 1)
            return (_inflate(text) if compressed else text).decode("utf-8")
        except (IndexError, ValueError) as exc:  # a missing separator, or not UTF-8
            if isinstance(exc, BakingError):
                raise
            raise BakingError(f"damaged {kind.decode('latin-1')} chunk \"{keyword}\"") from None
    return None


_SVG_START = re.compile(r"<svg\b(?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*>", re.S)  # XML: no "<" in a tag
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _xml_unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(3):
            return _NAMED[m.group(3)]
        code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)
    return _ENTITY.sub(one, text)


def _baked(svg: str, element: str, start: int = 0) -> tuple[int, int, str, str | None] | None:
    """(start, end, attributes, inner text or None) of the first <openbadges:ELEMENT>, or None.
    Scanned, not matched: a CDATA section is skipped whole, whatever it holds."""
    opening = re.compile(rf"<openbadges:{element}\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>", re.S)
    m = _element_outside_markup(svg, opening, start)
    if m is None:
        return None
    if m.group(2):
        return m.start(), m.end(), m.group(1), None
    pos, closing = m.end(), f"</openbadges:{element}"
    while True:
        end = svg.find(closing, pos)
        if end < 0:
            return None  # never closed: not a baked element
        cdata = svg.find("<![CDATA[", pos, end)
        if cdata < 0:
            gt = svg.find(">", end)
            return m.start(), (gt + 1 if gt >= 0 else len(svg)), m.group(1), svg[m.end():end]
        stop = svg.find("]]>", cdata + 9)
        if stop < 0:
            return None
        pos = stop + 3


def _element_outside_markup(svg: str, opening: re.Pattern, start: int) -> re.Match | None:
    """The first match of `opening` that is not inside a comment or a CDATA section: a comment
    may hold the text of an element (`<!--<openbadges:assertion>-->`), which is no element."""
    pos = start
    while (found := _SKIPPED_OR_TAG.search(svg, pos)) is not None:
        if found.group() == "<!--" or found.group() == "<![CDATA[":
            stop = svg.find("-->" if found.group() == "<!--" else "]]>", found.end())
            if stop < 0:
                return None  # never closed: the rest is not markup
            pos = stop + 3
            continue
        m = opening.match(svg, found.start())
        if m is not None:
            return m
        pos = found.start() + 1
    return None


_SKIPPED_OR_TAG = re.compile(r"<!--|<!\[CDATA\[|<openbadges:")


def _without_baked(svg: str) -> str:
    """The SVG without any baked element (and the white space after each)."""
    for element in ("assertion", "credential"):
        while (found := _baked(svg, element)) is not None:
            start, end = found[0], found[1]
            while end < len(svg) and svg[end] in " \t\r\n":
                end += 1
            svg = svg[:start] + svg[end:]
    return svg


def _root_tag(svg: str) -> re.Match:
    # skip the prolog: XML declaration, comments, doctype
    stripped = re.sub(r"<!--.*?(?:-->|\Z)", lambda m: " " * len(m.group()), svg, flags=re.S)  # unclosed: to the end
    match = _SVG_START.search(stripped)
    if match is None:
        raise BakingError("no <svg> root element")
    # before the root, XML allows a declaration, processing instructions, a doctype and comments:
    # an element or a CDATA section there means the "<svg" found is not the root (it may be text)
    if _NOT_PROLOG.search(stripped, 0, match.start()):
        raise BakingError("not an SVG document: something other than a prolog before the <svg> root element")
    return match


_NOT_PROLOG = re.compile(r"<(?:[A-Za-z_:]|!\[CDATA\[)")


def bake_svg(svg: str, assertion_json: str, verify_url: str | None, element: str = "assertion",
             namespace: str = SVG_NAMESPACE) -> str:
    """The SVG with the openbadges namespace and one <openbadges:assertion> after the root tag.

    Open Badges 3.0: element "credential", namespace OB3_SVG_NAMESPACE, no verify URL."""
    svg = _without_baked(svg)
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
    found = _baked(svg, element)
    if found is None:
        return None
    _, _, attributes, inner = found
    inner = inner or ""
    parts = _CDATA.findall(inner)
    text = "".join(parts).strip() if parts else _xml_unescape(inner.strip())
    if text:
        return text
    verify = re.search(r'verify\s*=\s*"([^"]*)"', attributes)
    return _xml_unescape(verify.group(1)) if verify else None
