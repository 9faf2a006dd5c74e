"""Images published without their metadata, losslessly and deterministically.

Why: a file from content/ can carry personal data besides its pixels: a JPEG's EXIF (GPS
position, camera owner, "Artist"), XMP, IPTC and comments; a PNG's text chunks (Author,
Comment, even an `openbadges` assertion baked with a recipient), eXIf and tIME; a WebP's EXIF
and XMP; a GIF's comments and XMP; an SVG's <metadata>, and what editors leave outside it (Inkscape's
export paths, Illustrator's private data, comments, layer names). Vitrine promises that no e-mail address
or unconsented name reaches output/, so every image of content/ is published through `strip`.

How: at the byte level, keeping only what affects rendering: no pixel is decoded or encoded
again, and the same input always gives the same bytes. Orientation is the one piece of EXIF that
affects rendering (browsers turn a photo by it): when a JPEG, WebP or PNG says anything but 1,
its EXIF is replaced by a minimal one holding that tag alone; otherwise EXIF is dropped.

The files were checked before (images.py): a damaged one raises ValueError here.
"""

from __future__ import annotations

import html
import re
import struct
import zlib

from .baking import PNG_SIGNATURE, _chunks, _without_baked, png_chunk

PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
            b"sBIT", b"pHYs", b"bKGD", b"acTL", b"fcTL", b"fdAT"}
WEBP_KEPT = {b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
GIF_LOOPING = {b"NETSCAPE2.0", b"ANIMEXTS1.0"}
_EXIF_HEADER = b"Exif\0\0"


def strip(data: bytes, kind: str) -> bytes:
    """The image (kind "png", "jpeg", "gif", "webp" or "svg") without its metadata."""
    return {"png": strip_png, "jpeg": strip_jpeg, "gif": strip_gif, "webp": strip_webp,
            "svg": strip_svg}[kind](data)


def orientation(tiff: bytes) -> int:
    """The Orientation tag (0x0112) of IFD0 of EXIF's TIFF data (with or without "Exif\\0\\0"), or 1."""
    tiff = tiff[len(_EXIF_HEADER):] if tiff.startswith(_EXIF_HEADER) else tiff
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return 1
    ifd = struct.unpack(order + "I", tiff[4:8])[0]
    if ifd + 2 > len(tiff):
        return 1
    for i in range(struct.unpack(order + "H", tiff[ifd: ifd + 2])[0]):
        entry = tiff[ifd + 2 + 12 * i: ifd + 14 + 12 * i]
        if len(entry) < 12:
            break
        tag, typ, count = struct.unpack(order + "HHI", entry[:8])
        if tag == 0x0112 and typ == 3 and count == 1:
            value = struct.unpack(order + "H", entry[8:10])[0]
            return value if 1 <= value <= 8 else 1
    return 1


def orientation_tiff(value: int) -> bytes:
    """Minimal EXIF TIFF data: IFD0 with the Orientation tag alone (big-endian)."""
    return b"MM\0*" + struct.pack(">IH", 8, 1) + struct.pack(">HHIHH", 0x0112, 3, 1, value, 0) + b"\0\0\0\0"


def strip_png(data: bytes) -> bytes:
    """Critical and rendering chunks kept (APNG's too), eXIf reduced to its orientation, the rest dropped."""
    out = [PNG_SIGNATURE]
    for kind, body, start, end in _chunks(data):  # up to IEND: anything after it is dropped too
        if zlib.crc32(data[start + 4: end - 4]) != struct.unpack(">I", data[end - 4: end])[0]:
            raise ValueError(f"damaged PNG chunk {kind!r}")
        if kind in PNG_KEPT:
            out.append(data[start:end])
        elif kind == b"eXIf" and (value := orientation(body)) != 1:
            out.append(png_chunk(b"eXIf", orientation_tiff(value)))
    return b"".join(out)


def strip_jpeg(data: bytes) -> bytes:
    """Segments before the first scan: APP0 JFIF, APP2 ICC_PROFILE, APP14 Adobe and the frame
    kept, APP1 Exif reduced to its orientation (when not 1), every other APPn and COM dropped;
    from the scan (SOS) on, copied as is."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG file")
    out, pos = [b"\xff\xd8"], 2
    while True:
        while data[pos: pos + 2] == b"\xff\xff":  # fill bytes
            pos += 1
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise ValueError("damaged JPEG segment")
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(data[pos:])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            out.append(data[pos: pos + 2])
            pos += 2
            continue
        end = pos + 2 + struct.unpack(">H", data[pos + 2: pos + 4])[0]
        if end > len(data):
            raise ValueError("truncated JPEG segment")
        body = data[pos + 4: end]
        if marker == 0xE1:
            if body.startswith(_EXIF_HEADER) and (value := orientation(body)) != 1:
                app1 = _EXIF_HEADER + orientation_tiff(value)
                out.append(b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1)
        elif marker == 0xFE or 0xE0 <= marker <= 0xEF:
            if (marker, body[:5]) in ((0xE0, b"JFIF\0"), (0xE2, b"ICC_P"), (0xEE, b"Adobe")):
                out.append(data[pos:end])
        else:
            out.append(data[pos:end])
        pos = end


def strip_webp(data: bytes) -> bytes:
    """VP8X, image, alpha, animation and ICC chunks kept; EXIF reduced to its orientation (when
    not 1) or dropped with XMP and unknown chunks, VP8X's flags and the RIFF size made to agree."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP file")
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    chunks, pos, exif = [], 12, False
    while pos + 8 <= end:
        kind, size = data[pos: pos + 4], struct.unpack("<I", data[pos + 4: pos + 8])[0]
        body = data[pos + 8: pos + 8 + size]
        if len(body) < size:
            raise ValueError("truncated WebP chunk")
        if kind == b"EXIF" and (value := orientation(body)) != 1:
            chunks.append([kind, orientation_tiff(value)])
            exif = True
        elif kind in WEBP_KEPT:
            chunks.append([kind, body])
        pos += 8 + size + (size & 1)
    for chunk in chunks:
        if chunk[0] == b"VP8X":
            flags = (chunk[1][0] & ~0x0C) | (0x08 if exif else 0)
            chunk[1] = bytes([flags]) + chunk[1][1:]
    body = b"".join(k + struct.pack("<I", len(b)) + b + b"\0" * (len(b) & 1) for k, b in chunks)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def _gif_blocks_end(data: bytes, pos: int) -> int:
    """Where the data sub-blocks starting at `pos` end (after their zero terminator)."""
    while True:
        if pos >= len(data):
            raise ValueError("truncated GIF data")
        if data[pos] == 0:
            return pos + 1
        pos += 1 + data[pos]


def strip_gif(data: bytes) -> bytes:
    """Images, graphic control and plain text kept, and the looping application extension;
    comments and other application extensions (XMP...) dropped, and anything after the trailer."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise ValueError("not a GIF file")
    pos = 13 + ((3 << ((data[10] & 7) + 1)) if data[10] & 0x80 else 0)
    out = [data[:pos]]
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            out.append(b"\x3b")
            return b"".join(out)
        if block == 0x2C:  # image: descriptor, local colour table, LZW code size, data
            flags = data[pos + 9] if pos + 9 < len(data) else 0
            start = pos + 10 + ((3 << ((flags & 7) + 1)) if flags & 0x80 else 0)
            end = _gif_blocks_end(data, start + 1)
            out.append(data[pos:end])
        elif block == 0x21 and pos + 1 < len(data):
            label, end = data[pos + 1], _gif_blocks_end(data, pos + 2)
            if label == 0xF9 or label == 0x01 or (label == 0xFF and data[pos + 3: pos + 14] in GIF_LOOPING):
                out.append(data[pos:end])
        else:
            raise ValueError("damaged GIF block")
        pos = end
    raise ValueError("GIF without trailer")


_SVG_METADATA_RE = re.compile(r"<(?:[\w.-]+:)?metadata\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?metadata\s*>)\s*", re.S)


def strip_svg(data: bytes) -> bytes:
    """The SVG without its <metadata> elements nor a baked Open Badges assertion or credential, nor
    comments, processing instructions (but the XML declaration) and editors' elements and attributes."""
    text = data.decode("utf-8")
    stripped = _without_baked(_SVG_METADATA_RE.sub("", text))
    stripped = _without_editor_data(stripped, stripped != text)
    return data if stripped == text else stripped.encode("utf-8")


# Inkscape's export paths and window layout, Illustrator's private data, Sketch's and Affinity's
# layer names... (and RDF, Dublin Core and Creative Commons outside <metadata>): nothing in these
# namespaces affects rendering. SVG, XLink, xml: and the Open Badges namespaces are always kept.
_EDITOR_NS = ("http://www.inkscape.org/namespaces/", "http://sodipodi.sourceforge.net/DTD/sodipodi-",
              "http://inkscape.sourceforge.net/DTD/sodipodi-", "http://ns.adobe.com/", "adobe:ns:meta",
              "http://www.bohemiancoding.com/sketch/ns", "http://www.serif.com/", "http://www.corel.com/coreldraw/",
              "http://vectornator.io", "https://boxy-svg.com", "http://krita.org/namespaces/",
              "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/", "http://creativecommons.org/ns#",
              "http://web.resource.org/cc/")
_KEPT_NS = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/XML/1998/namespace",
            "http://openbadges.org", "https://purl.imsglobal.org/ob/")
_DROPPED_ATTRIBUTES = {"data-name"}  # Illustrator's layer and object names
# The file is well-formed XML without DOCTYPE (images.py parsed it): these tokens are all it holds.
_SVG_TOKEN_RE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
                           r"|<(/?)([^\s/>]+)((?:\s+[^\s=]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)(\s*)(/?)>", re.S)
_SVG_ATTRIBUTE_RE = re.compile(r"(\s+)([^\s=]+)(\s*=\s*)(\"[^\"]*\"|'[^']*')")


def _without_editor_data(svg: str, tidy: bool = False) -> str:
    """The SVG without comments, processing instructions but the XML declaration, elements and
    attributes of editors' namespaces; when anything was dropped (or `tidy`), without the
    declarations of namespaces no name uses any more either. A dropped token's indentation goes
    with it (not inside <text>, where white space shows). Nothing dropped: `svg` itself."""
    out: list = []  # strings, and (prefix, text) for a namespace declaration kept if the prefix is used
    scopes = [({"xml": "http://www.w3.org/XML/1998/namespace"}, False)]  # (prefixes, inside <text>)
    used, skip, changed, pos = set(), 0, tidy, 0

    def drop() -> None:
        nonlocal changed
        changed = True
        if not scopes[-1][1] and out and isinstance(out[-1], str) and not out[-1].strip() and "\n" in out[-1]:
            out.pop()

    for m in _SVG_TOKEN_RE.finditer(svg):
        if not skip and m.start() > pos:
            out.append(svg[pos: m.start()])
        pos, token = m.end(), m.group()
        closing, name, attributes, space, empty = m.groups()
        if skip:
            skip += 0 if empty or not name else -1 if closing else 1
        elif token.startswith("<!--") or (token.startswith("<?") and not re.match(r"<\?xml\s", token)):
            drop()
        elif not name:  # CDATA, the XML declaration
            out.append(token)
        elif closing:
            scopes.pop()
            out.append(token)
        else:
            prefixes = dict(scopes[-1][0])
            found = _SVG_ATTRIBUTE_RE.findall(attributes)
            for _, attribute, _, value in found:
                if attribute == "xmlns" or attribute.startswith("xmlns:"):
                    prefixes[attribute[6:]] = html.unescape(value[1:-1])
            prefix, _, local = name.rpartition(":")
            if prefixes.get(prefix, "").startswith(_EDITOR_NS):
                drop()
                skip = 0 if empty else 1
                continue
            used.add(prefix)
            kept = [f"<{name}"]
            for white, attribute, equal, value in found:
                piece = white + attribute + equal + value
                declared = attribute == "xmlns" or attribute.startswith("xmlns:")
                attr_prefix = attribute.rpartition(":")[0]
                uri = prefixes[attribute[6:]] if declared else prefixes.get(attr_prefix, "") if attr_prefix else ""
                if uri.startswith(_EDITOR_NS) or attribute in _DROPPED_ATTRIBUTES:
                    changed = True
                elif declared and attr_prefix and not uri.startswith(_KEPT_NS):
                    kept.append((attribute[6:], piece))
                else:
                    used.add(attr_prefix)
                    kept.append(piece)
            out.extend(kept + [space + empty + ">"])
            if not empty:
                scopes.append((prefixes, scopes[-1][1] or local == "text"))
    if not changed:
        return svg
    out.append(svg[pos:])
    text = "".join(p if isinstance(p, str) else p[1] if p[0] in used else "" for p in out)
    return text if svg[:1].isspace() else text.lstrip(" \t\r\n")  # no comment's line break first
