"""The badge designer: shapes, bundled icons, label, initials; crisp at 512 px, readable at 64 px."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conftest import MINIMAL, run_cli
from generator import designer
from generator.model import Design

BADGE = "content/badges/prise-de-parole.md"


def image(design: Design, size: int = 512) -> Image.Image:
    return Image.open(io.BytesIO(designer.draw(design, size))).convert("RGBA")


def design(**changes) -> Design:
    values = dict(shape="circle", background="#1f5fa8", foreground="#ffffff", label="ORAL", icon=None, initials="BU")
    values.update(changes)
    return Design(**values)


def share(img: Image.Image, colour: tuple[int, int, int], box=None, tolerance: int = 40) -> float:
    """The share of opaque pixels of `box` close to `colour`."""
    region = img.crop(box) if box else img
    data = region.tobytes()
    pixels = [tuple(data[i:i + 4]) for i in range(0, len(data), 4)]
    pixels = [p for p in pixels if p[3] > 200]
    near = [p for p in pixels if all(abs(p[i] - colour[i]) <= tolerance for i in range(3))]
    return len(near) / max(1, len(pixels))


@pytest.mark.parametrize("shape", designer.SHAPES)
def test_every_shape_is_a_square_png_with_transparent_corners(shape: str):
    img = image(design(shape=shape, icon="star"))
    assert img.size == (512, 512)
    assert img.getpixel((2, 2))[3] == 0 and img.getpixel((509, 2))[3] == 0
    assert img.getpixel((256, 300))[3] == 255


def test_same_design_same_bytes():
    d = design(icon="book", label="TUTORAT", shape="ribbon")
    assert designer.draw(d, 512) == designer.draw(d, 512)
    assert designer.draw(d, 256) != designer.draw(d, 512)


def test_every_icon_draws_something_of_its_own():
    drawn = {}
    for name in designer.ICONS:
        img = image(design(icon=name, label=""), 128)
        centre = img.crop((32, 32, 96, 96))
        assert 0.08 < share(centre, (255, 255, 255)) < 0.95, name  # ink, and background around it
        drawn[name] = img.tobytes()
    assert len(set(drawn.values())) == len(designer.ICONS)


def test_french_names_and_unknown_icons():
    assert designer.icon_name("Livre") == "book" and designer.icon_name("théâtre") == "mask"
    assert designer.icon_name("micro") == "microphone" and designer.icon_name("star") == "star"
    assert designer.icon_name("licorne") is None and designer.icon_name(None) is None
    assert designer.draw(design(icon="livre")) == designer.draw(design(icon="book"))
    assert designer.draw(design(icon="licorne")) == designer.draw(design(icon=None))


def test_crisp_edges_at_512():
    """Supersampled: the edge of the disc has intermediate alpha, over a pixel or two only."""
    img = image(design())
    row = [img.getpixel((x, 256))[3] for x in range(0, 40)]
    partial = [a for a in row if 0 < a < 255]
    assert 1 <= len(partial) <= 3


def test_readable_at_64_px():
    """Reduced to 64 px, the icon still shows in the ink colour; drawn at 64 px (a thumbnail),
    a long label and the line of initials are left out, and the icon fills the face."""
    d = design(icon="star", label="TUTORAT")
    small = image(d).resize((64, 64), Image.LANCZOS)
    assert share(small, (255, 255, 255), (22, 10, 42, 28)) > 0.15  # the star, top centre
    assert designer.draw(d, 64) == designer.draw(design(icon="star", label="", initials=""), 64)
    assert designer.draw(design(icon="star", label="ORAL", initials="BU"), 64) == \
        designer.draw(design(icon="star", label="ORAL", initials="XYZ"), 64)
    thumb = image(d, 64)
    assert share(thumb, (255, 255, 255), (18, 18, 46, 46)) > 0.3  # a big star in the middle


def test_initials_stand_in_for_a_missing_icon():
    with_initials = image(design(label="", initials="SCD"), 64)
    without = image(design(label="", initials=""), 64)
    assert share(with_initials, (255, 255, 255), (16, 16, 48, 48)) > share(without, (255, 255, 255), (16, 16, 48, 48)) + 0.05


def test_contrast():
    assert round(designer.contrast("#ffffff", "#000000")) == 21
    assert designer.contrast("#1f5fa8", "#ffffff") > 4.5
    assert designer.contrast("#ffffff", "#f2c230") < 2


def test_lint_warns_about_unknown_icons_and_low_contrast(site):
    badge = MINIMAL[BADGE].replace("image: badge.svg\n        image_alt: Un disque bleu\n",
                                   "design:\n          shape: hexagon\n          background: \"#f2c230\"\n"
                                   "          label: ORAL\n          icon: micro-phone\n")
    root = site({BADGE: badge})
    status, out, err = run_cli("check", "--site", str(root))
    assert status == 0, err
    assert err.splitlines() == [
        f'{BADGE}:8:15: warning: design.foreground: #ffffff on #f2c230 has a contrast of 1.7:1: the label is hard '
        "to read (at least 4.5:1; white or black on a strong colour works)",
        f'{BADGE}:10:9: warning: design.icon: no icon "micro-phone" (did you mean "microphone" or "micro"?): the badge is '
        f"drawn without one (icons: {', '.join(sorted(designer.ICONS))})",
    ]


def test_a_drawn_badge_is_built(site):
    badge = MINIMAL[BADGE].replace("image: badge.svg\n        image_alt: Un disque bleu\n",
                                   "design:\n          shape: shield\n          background: \"#0f6e4a\"\n"
                                   "          label: ORAL\n          icon: micro\n")
    root = site({BADGE: badge})
    status, _, err = run_cli("build", "--site", str(root))
    assert (status, err) == (0, "")
    png = root / "output/badges/prise-de-parole.png"
    with Image.open(png) as img:
        assert img.size == (512, 512)
    expected = image(design(shape="shield", background="#0f6e4a", label="ORAL", icon="micro", initials="B"))
    with Image.open(png) as img:
        assert img.convert("RGBA").tobytes() == expected.tobytes()
