"""Images are published without their metadata (strip.py): same pixels, no personal data, same bytes."""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET

import pytest
from PIL import Image, PngImagePlugin

from conftest import MINIMAL, SQUARE_SVG, run_cli
from generator import baking, strip
from generator.rasterize import svg_to_image
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

INKSCAPE_SVG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) by Marie Dupont -->

<svg
   width="512"
   height="512"
   viewBox="0 0 512 512"
   version="1.1"
   id="svg5"
   inkscape:version="1.2.2 (b0a8486541, 2022-12-01)"
   sodipodi:docname="atelier-marie.svg"
   inkscape:export-filename="/home/marie.dupont/badges/atelier.png"
   inkscape:export-xdpi="96"
   inkscape:export-ydpi="96"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns="http://www.w3.org/2000/svg"
   xmlns:svg="http://www.w3.org/2000/svg">
  <sodipodi:namedview
     id="namedview7"
     pagecolor="#ffffff"
     inkscape:window-width="1920"
     inkscape:window-height="1016"
     inkscape:current-layer="layer1">
    <inkscape:page x="0" y="0" width="512" height="512" id="page9" />
  </sodipodi:namedview>
  <defs
     id="defs2" />
  <g
     inkscape:label="Calque de marie.dupont"
     inkscape:groupmode="layer"
     id="layer1">
    <!-- couleur choisie par Marie Dupont -->
    <circle id="disc" cx="256" cy="256" r="240" fill="#1f5fa8" />
    <rect x="156" y="156" width="200" height="200" style="fill:#f0c020" sodipodi:nodetypes="cccc" />
  </g>
</svg>
"""
CLEAN_SVG = ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
             'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 512 512">\n  <style><![CDATA[rect{fill:red}]]></style>\n'
             '  <rect id="r" x="10" y="10" width="100" height="100"/>\n  <use xlink:href="#r" x="200"/>\n</svg>\n')
EDITOR_SECRETS = [b"marie", b"Marie", b"inkscape", b"sodipodi", b"namedview", b"export", b"<!--"]

FILES = {
    "content/pages/a.png": png(),
    "content/pages/b.jpg": saved("JPEG", exif=exif(), comment=b"Secret comment", quality=90),
    "content/pages/c.webp": saved("WEBP", exif=exif(), xmp=XMP, lossless=True),
    "content/pages/d.gif": gif(),
    "content/pages/e.svg": SVG,
    "content/pages/f.svg": INKSCAPE_SVG,
    "content/pages/g.svg": CLEAN_SVG,
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


def _tree(data: bytes) -> list:
    return [(el.tag, sorted(el.attrib.items()), (el.text or "").strip(), (el.tail or "").strip())
            for el in ET.fromstring(data).iter()]


def test_svg_editor_data_is_dropped(built):
    root, first = built
    source = (root / "content/pages/f.svg").read_bytes()
    published = (root / "output/media/pages/f.svg").read_bytes()
    assert all(secret in source for secret in EDITOR_SECRETS)
    for secret in EDITOR_SECRETS:
        assert secret not in published, secret
    assert published.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n')
    assert b'<svg\n   width="512"\n   height="512"\n   viewBox="0 0 512 512"\n   version="1.1"\n   id="svg5"\n   xmlns' in published
    assert b'\n  <defs\n' in published and b'\n    <circle id="disc"' in published  # indentation kept
    image = svg_to_image(published, 64)
    assert image.tobytes() == svg_to_image(source, 64).tobytes()
    assert image.getpixel((32, 32))[:3] == (240, 192, 32) and image.getpixel((32, 6))[:3] == (31, 95, 168)
    kept = [(tag, attrs, text, tail) for tag, attrs, text, tail in _tree(source)
            if "inkscape" not in tag and "sodipodi" not in tag]
    kept = [(tag, [(k, v) for k, v in attrs if "inkscape" not in k and "sodipodi" not in k], text, tail)
            for tag, attrs, text, tail in kept]
    assert _tree(published) == kept
    assert (first / "media/pages/f.svg").read_bytes() == published
    assert (root / "output/media/pages/g.svg").read_bytes() == CLEAN_SVG.encode()


def test_illustrator_svg_private_data_is_dropped():
    source = ('<?xml version="1.0" encoding="utf-8"?>\n'
              '<!-- Generator: Adobe Illustrator 27.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->\n'
              '<svg version="1.1" id="Calque_1" xmlns="http://www.w3.org/2000/svg" xmlns:x="adobe:ns:meta/" '
              'xmlns:i="http://ns.adobe.com/AdobeIllustrator/10.0/" xmlns:sketch="http://www.bohemiancoding.com/sketch/ns" '
              'xmlns:serif="http://www.serif.com/" x="0px" y="0px" viewBox="0 0 512 512" xml:space="preserve" '
              'i:viewOrigin="0 0" x:xmptk="Adobe XMP">\n'
              '<g id="Fond" data-name="Fond de Marie" i:layer="yes" serif:id="Marie" sketch:type="MSLayerGroup">\n'
              '\t<circle cx="256" cy="256" r="240" fill="#1F5FA8"/>\n'
              '\t<i:pgf id="adobe_illustrator_pgf"><![CDATA[ Marie Dupont ]]></i:pgf>\n</g>\n</svg>\n')
    published = strip.strip_svg(source.encode())
    for secret in (b"Marie", b"Adobe", b"adobe", b"data-name", b"serif", b"sketch", b"i:", b"x:", b"<!--"):
        assert secret not in published, secret
    assert published == strip.strip_svg(source.encode()) == strip.strip_svg(published)
    assert published == (b'<?xml version="1.0" encoding="utf-8"?>\n<svg version="1.1" id="Calque_1" '
                         b'xmlns="http://www.w3.org/2000/svg" x="0px" y="0px" viewBox="0 0 512 512" '
                         b'xml:space="preserve">\n<g id="Fond">\n\t<circle cx="256" cy="256" r="240" '
                         b'fill="#1F5FA8"/>\n</g>\n</svg>\n')


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
