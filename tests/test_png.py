"""render/png.py: the PNG writer of the share previews, read back by Pillow and by zlib."""

import io
import struct
import zlib

import pytest
from hypothesis import given, settings, strategies as st
from PIL import Image

from generator.render.png import palette_png


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        out.append((kind, body))
        at += 12 + length
    return out


@settings(max_examples=60, deadline=None)
@given(width=st.integers(1, 70), height=st.integers(1, 40), colours=st.integers(1, 256), seed=st.binary(min_size=1, max_size=64))
def test_pixels_and_palette_read_back(width, height, colours, seed):
    pixels = bytes((seed[i % len(seed)] * 7 + i // 3) % colours for i in range(width * height))
    palette = [(i * 37 + k * 91) % 256 for i in range(colours) for k in range(3)]
    data = palette_png(Image.frombytes("L", (width, height), pixels), palette)
    kinds = [k for k, _ in _chunks(data)]
    assert kinds == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    rows = zlib.decompress(dict(_chunks(data))[b"IDAT"])
    assert rows == b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    with Image.open(io.BytesIO(data)) as back:
        back.load()
        assert (back.mode, back.size) == ("P", (width, height))
        assert back.tobytes() == pixels
        assert back.getpalette()[:len(palette)] == palette


def test_a_palette_image_keeps_its_indices():
    img = Image.new("P", (3, 2), 0)
    img.frombytes(bytes([0, 5, 9, 9, 5, 0]))
    img.putpalette([v for i in range(10) for v in (i, 2 * i, 3 * i)])
    data = palette_png(img, img.getpalette()[:30])
    with Image.open(io.BytesIO(data)) as back:
        assert back.tobytes() == bytes([0, 5, 9, 9, 5, 0])


def test_the_same_image_gives_the_same_bytes():
    img = Image.radial_gradient("L").resize((300, 200))
    palette = [v for i in range(256) for v in (i, i, i)]
    assert palette_png(img, palette) == palette_png(img.copy(), list(palette))


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "1"])
def test_only_images_of_indices(mode):
    with pytest.raises(ValueError, match="mode"):
        palette_png(Image.new(mode, (4, 4)), [0, 0, 0])


def test_palette_of_whole_colours():
    with pytest.raises(ValueError, match="colours"):
        palette_png(Image.new("L", (4, 4)), [0, 0])
