"""Images are published without their metadata (strip.py): same pixels, no personal data, same bytes."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image, PngImagePlugin

from conftest import MINIMAL, SQUARE_SVG, run_cli
from generator import baking, strip
from test_awards import A4, AWARDS, PNG_BADGE, baked

PAGE = "content/pages/a-propos.md"
SECRETS = [b"Alice Martin", b"alice.martin@example.org", b"48.8566", b"Secret comment", b"Nikon owner"]


def pixels(data: bytes) -> list:
    with Image.open(io.BytesIO(data)) as img:
        return [frame.convert("RGBA").tobytes() for frame in _frames(img)]


def _frames(img):
    for i in range(getattr(img, "n_frames", 1)):
        img.seek(i)
        yield img.copy()


def picture(size: tuple[int, int] = (40, 30)) -> Image.Image:
    img = Image.new("RGB", size, "#7a2a8c")
    img.putpixel((3, 4), (250, 10, 20))
    return img


def exif(orientation: int = 1) -> Image.Exif:
    data = Image.Exif()
    data[0x013B] = "Alice Martin"  # Artist
    data[0xA430] = "Nikon owner"  # CameraOwnerName (Exif IFD, kept simple in IFD0 here)
    data[0x010E] = "alice.martin@example.org"  # ImageDescription
    data[0x0112] = orientation
    gps = data.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 23.76)  # 48.8566 N
    gps[0x1B] = b"ASCII\0\0\0" + b"48.8566"  # GPSProcessingMethod
    return data


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Alice Martin</dc:creator></x:xmpmeta>'


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Alice Martin")
    info.add_itxt("Comment", "Secret comment alice.martin@example.org", zip=True)
    info.add_itxt("openbadges", '{"recipient": "alice.martin@example.org"}')
    buffer = io.BytesIO()
    picture(size).save(buffer, "PNG", pnginfo=info, exif=exif())
    return buffer.getvalue()


def saved(fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture().save(buffer, fmt, **options)
    return buffer.getvalue()


def gif() -> bytes:
    frames = [picture(), Image.new("RGB", (40, 30), "#1f5fa8")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=100,
                   comment=b"Secret comment by Alice Martin")
    return buffer.getvalue()


SVG = SQUARE_SVG.replace("<circle", '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                         "<dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">Alice Martin</dc:creator>"
                         "</rdf:RDF></metadata>\n<circle")

FILES = {
    "content/pages/a.png": png(),
    "content/pages/b.jpg": saved("JPEG", exif=exif(), comment=b"Secret comment", quality=90),
    "content/pages/c.webp": saved("WEBP", exif=exif(), xmp=XMP, lossless=True),
    "content/pages/d.gif": gif(),
    "content/pages/e.svg": SVG,
}
BADGE_PNG = png((256, 256))


@pytest.fixture
def built(site):
    files = {PAGE: "---\ntitle: À propos\n---\n" + " ".join(f"![{n}]({n.split('/')[-1]})" for n in FILES) + "\n",
             **FILES, "content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": BADGE_PNG,
             "awards/prise-de-parole.yaml": AWARDS}
    root = site(files)
    status, _out, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    first = root.parent / "first"
    shutil.copytree(root / "output", first)
    shutil.rmtree(root / "output")
    shutil.rmtree(root / ".vitrine-cache", ignore_errors=True)
    status, _out, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    return root, first


@pytest.mark.parametrize("name", ["a.png", "b.jpg", "c.webp", "d.gif"])
def test_raster_images_lose_their_metadata_not_their_pixels(built, name):
    root, first = built
    source = (root / "content/pages" / name).read_bytes()
    published = (root / "output/media/pages" / name).read_bytes()
    assert any(secret in source for secret in SECRETS)  # the test's files do carry metadata
    for secret in SECRETS + [b"Exif", b"xmpmeta", b"openbadges", b"Author"]:
        assert secret not in published, (name, secret)
    assert pixels(published) == pixels(source)
    assert (first / "media/pages" / name).read_bytes() == published


def test_svg_metadata_is_dropped(built):
    root, first = built
    published = (root / "output/media/pages/e.svg").read_bytes()
    assert b"Alice Martin" not in published and b"<metadata" not in published
    assert b'<circle cx="256"' in published
    assert (first / "media/pages/e.svg").read_bytes() == published


def test_badge_images_and_baked_images_are_made_from_the_stripped_image(built):
    root, first = built
    published = [p for p in (root / "output").rglob("atelier*.png") if p.read_bytes().startswith(b"\x89PNG")]
    full = [p for p in published if Image.open(p).size == (256, 256)]
    assert full, published
    for path in full:
        assert not any(secret in path.read_bytes() for secret in SECRETS), path
        assert path.read_bytes() == strip.strip_png(BADGE_PNG)
    _name, data = baked(root / "output", A4)
    assert not any(secret in data for secret in SECRETS)
    assert '"recipient"' in baking.unbake_png(data) and data.count(b"iTXtopenbadges") == 1


def test_jpeg_orientation_alone_is_kept():
    source = saved("JPEG", exif=exif(orientation=6))
    stripped = strip.strip_jpeg(source)
    assert not any(secret in stripped for secret in SECRETS)
    with Image.open(io.BytesIO(stripped)) as img:
        assert dict(img.getexif()) == {0x0112: 6}
    assert pixels(stripped) == pixels(source)
    webp = strip.strip_webp(saved("WEBP", exif=exif(orientation=3), lossless=True))
    with Image.open(io.BytesIO(webp)) as img:
        assert dict(img.getexif()) == {0x0112: 3}


def test_damaged_files_are_refused():
    data = bytearray(png())
    data[40] ^= 0xFF
    with pytest.raises(ValueError):
        strip.strip_png(bytes(data))
