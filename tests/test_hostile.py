"""Hostile input that cannot sit in tests/sites/invalid/ as plain files: huge files, bombs made
here with zlib, links to absolute paths, FIFOs, Markdown that would take minutes to render; and
malformed CSV imports for `vitrine award --csv`.

Each build case is held to the same standard as the invalid sites: exactly the expected lines on
stderr, exit status 1, no traceback, and output/ byte for byte as before. Each CSV case: exactly
the expected lines, exit status 1, and awards/ untouched.
"""

from __future__ import annotations

import os
import struct
import textwrap
import time
import zlib
from pathlib import Path

import pytest

from conftest import BADGE_CRITERIA, MINIMAL, SQUARE_SVG, run_cli, write_site
from generator import markup
from test_invalid_sites import tree_digest

SUMMARY = "vitrine: 1 problem found; output/ was left as it was."
BADGE = "content/badges/prise-de-parole.md"
PAGE = "content/pages/a-propos.md"


def badge_with(image: str | None = None, **fields: str) -> str:
    """The minimal site's badge, with its image path or other fields replaced."""
    text = textwrap.dedent(MINIMAL[BADGE]).lstrip("\n")
    if image is not None:
        text = text.replace("image: badge.svg", f"image: {image}")
    for name, value in fields.items():
        lines = text.split("\n")
        text = "\n".join(f"{name}: {value}" if line.startswith(f"{name}:") else line for line in lines)
    return text


# -- PNG files made by hand: a small file can declare or inflate to a huge image -----------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(width: int, height: int, idat: bytes, extra: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + extra + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))


def _zeros(width: int, height: int) -> bytes:
    """The zlib stream of a black greyscale image, made row by row (never the whole in memory)."""
    row, stream = b"\0" * (width + 1), zlib.compressobj(9)
    return b"".join(stream.compress(row) for _ in range(height)) + stream.flush()


def declared_bomb() -> bytes:
    """69 bytes that declare a 100 000 × 100 000 image (10 gigapixels)."""
    return _png(100_000, 100_000, zlib.compress(b"\0" * 100))


def inflating_bomb() -> bytes:
    """About 65 KB that really inflate to 8192 × 8192 pixels (64 MB)."""
    return _png(8192, 8192, _zeros(8192, 8192))


def text_chunk_bomb() -> bytes:
    """A good 256 × 256 image with a zTXt chunk of 190 KB that inflates to 200 MB."""
    stream, parts = zlib.compressobj(9), []
    block = b"\0" * 1_000_000
    parts = [stream.compress(block) for _ in range(200)] + [stream.flush()]
    return _png(256, 256, _zeros(256, 256), extra=_chunk(b"zTXt", b"Comment\0\0" + b"".join(parts)))


def image_case(name: str, data: bytes, message: str) -> tuple:
    return (name, lambda tmp: {BADGE: badge_with(name), f"content/images/{name}": data},
            [f'{BADGE}:6:8: image: "{name}" {message}'])


def _link(target_of, name: str):
    """A site file that is a symbolic link to a file made outside the site (absolute path)."""
    def lay(tmp: Path) -> dict:
        target = target_of(tmp)
        return {name: ("symlink", str(target))}
    return lay


def _outside_page(tmp: Path) -> Path:
    target = tmp / "elsewhere" / "notes.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("---\ntitle: Notes privées\n---\nNe pas publier.\n", encoding="utf-8")
    return target


def _outside_svg(tmp: Path) -> Path:
    target = tmp / "elsewhere" / "logo.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(SQUARE_SVG, encoding="utf-8")
    return target


def _with(*parts):
    def lay(tmp: Path) -> dict:
        out: dict = {}
        for part in parts:
            out.update(part(tmp) if callable(part) else part)
        return out
    return lay


MB = 1_000_000
BUILD_CASES = [
    ("page-body-5-mb", lambda tmp: {PAGE: "---\ntitle: À propos\n---\n" + "Un long texte. " * 340_000},
     [f"{PAGE}:1:1: the file is 5.2 MB: a content file may be at most 1 MB (link to long documents instead)"]),
    ("badge-frontmatter-2-mb", lambda tmp: {BADGE: badge_with(description="x" * 2 * MB)},
     [f"{BADGE}:1:1: the file is 2.1 MB: a content file may be at most 1 MB (link to long documents instead)"]),
    ("page-one-byte-over-1-mb", lambda tmp: {PAGE: "---\ntitle: À propos\n---\n" + "x" * (MB - 23)},
     [f"{PAGE}:1:1: the file is 1.1 MB: a content file may be at most 1 MB (link to long documents instead)"]),
    ("page-binary-zeros", lambda tmp: {PAGE: b"\0" * 10_000},
     [f"{PAGE}:1:1: expected the file to start with a '---' line opening the YAML frontmatter"]),
    ("page-blank-lines-only", lambda tmp: {PAGE: "\n  \n\t\n"},
     [f"{PAGE}:1:1: empty file: expected YAML frontmatter between two '---' lines, then the body"]),
    ("page-bom-only", lambda tmp: {PAGE: b"\xef\xbb\xbf"},
     [f"{PAGE}:1:1: empty file: expected YAML frontmatter between two '---' lines, then the body"]),
    ("page-utf16", lambda tmp: {PAGE: "---\ntitle: À propos\n---\nTexte.\n".encode("utf-16")},
     [f'{PAGE}:1:1: the file is in UTF-16 ("Unicode" in Notepad): save it as UTF-8']),
    ("badge-many-values", lambda tmp: {BADGE: badge_with(tags="[" + ", ".join(f"t{i}" for i in range(10_001)) + "]")},
     [f"{BADGE}:9:68772: tags: too many YAML values (more than 10000)"]),
    image_case("declared.png", declared_bomb(), "is 100000×100000 pixels: too large to decode safely (at most "
               "4096×4096, 16,777,216 pixels in all): resize it, to 512×512 for example (a badge needs at least 256×256)"),
    image_case("inflating.png", inflating_bomb(), "is 8192×8192 pixels: too large to decode safely (at most "
               "4096×4096, 16,777,216 pixels in all): resize it, to 512×512 for example (a badge needs at least 256×256)"),
    image_case("text-chunk.png", text_chunk_bomb(),
               "has a compressed text chunk too large to decode safely (a decompression bomb?)"),
    image_case("huge.svg", SQUARE_SVG.replace("<circle", "<!--" + "x" * 11 * MB + "--><circle").encode(),
               "is 11.1 MB: at most 10 MB expected"),
    image_case("html.png", b"<!doctype html><script>alert(1)</script>", "is not a PNG image (its content is not PNG data)"),
    image_case("png-named.svg", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "is not UTF-8 text: save the SVG as UTF-8"),
    image_case("empty.png", b"", "is not a PNG image (its content is not PNG data)"),
    ("image-windows-path", lambda tmp: {BADGE: badge_with(r"C:\Users\moi\badge.svg")},
     [rf'{BADGE}:6:8: image: "C:\Users\moi\badge.svg" must be a path relative to the content file or to content/images/']),
    ("image-url", lambda tmp: {BADGE: badge_with("https://tracker.example.com/badge.svg")},
     [f'{BADGE}:6:8: image: "https://tracker.example.com/badge.svg" must be a path relative to the content file '
      "or to content/images/"]),
    ("image-absolute-etc", lambda tmp: {BADGE: badge_with("/etc/passwd")},
     [f'{BADGE}:6:8: image: "/etc/passwd" must be a path relative to the content file or to content/images/']),
    ("image-dot-dot-hidden", lambda tmp: {BADGE: badge_with("sub/../../../site.yaml")},
     [f'{BADGE}:6:8: image: "sub/../../../site.yaml" leaves content/: images must be inside content/']),
    ("image-absolute-link", _with({BADGE: badge_with("abs.svg")}, _link(_outside_svg, "content/images/abs.svg")),
     [f'{BADGE}:6:8: image: "abs.svg" is a link to a file outside content/: images must be inside content/']),
    ("image-fifo", lambda tmp: {BADGE: badge_with("fifo.svg"), "content/images/fifo.svg": ("fifo",)},
     [f'{BADGE}:6:8: image: "fifo.svg" not found (looked in content/badges/ and content/images/)']),
    ("page-absolute-link", _link(_outside_page, "content/pages/notes.md"),
     ['content/pages/notes.md:1:1: "notes.md" is a link to a file outside content/: content files must be inside content/']),
]


def _lay(root: Path, files: dict) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.exists():
            path.unlink()
        if isinstance(content, tuple) and content[0] == "symlink":
            path.symlink_to(content[1])
        elif isinstance(content, tuple) and content[0] == "fifo":
            os.mkfifo(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture(scope="module")
def good_output(tmp_path_factory) -> Path:
    root = write_site(tmp_path_factory.mktemp("good") / "site", {})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    return root / "output"


def _fails_cleanly(tmp_path: Path, good_output: Path, files: dict, expected: list[str]) -> float:
    """Build the minimal site with `files` over it: exactly `expected`, status 1, output kept."""
    import shutil

    root = write_site(tmp_path / "site", {})
    _lay(root, files)
    shutil.copytree(good_output, root / "output")
    before = tree_digest(root / "output")
    started = time.perf_counter()
    status, _, err = run_cli("build", "--site", str(root))
    took = time.perf_counter() - started
    n = len(expected)
    summary = SUMMARY if n == 1 else f"vitrine: {n} problems found; output/ was left as it was."
    assert err.splitlines() == expected + [summary]
    assert status == 1 and "Traceback" not in err
    assert tree_digest(root / "output") == before
    return took


@pytest.mark.parametrize("name, lay, expected", BUILD_CASES, ids=[c[0] for c in BUILD_CASES])
def test_hostile_build_input(name, lay, expected, tmp_path, good_output):
    took = _fails_cleanly(tmp_path, good_output, lay(tmp_path), expected)
    assert took < 20, f"{name}: {took:.1f} s"


# -- Markdown that Python-Markdown would take minutes to render (upstream issue #798) -------------

# Each takes well over the 1 s budget the test sets (Python-Markdown 3.11 took 1.1 s for 100,000
# "[" and 0.9 s for 20,000 "<![CDATA[", too close to it: the sizes below take 8 s or more).
SLOW_BODIES = [
    ("brackets", "[" * 900_000),  # under the 1 MB limit of a content file
    ("links-unclosed", "[a](" * 30_000),
    ("cdata", "<![CDATA[" * 100_000),
    ("autolinks", "<http://" * 30_000),
]


@pytest.mark.parametrize("name, body", SLOW_BODIES, ids=[b[0] for b in SLOW_BODIES])
def test_markdown_that_would_hang_is_refused_in_time(name, body, tmp_path, good_output, monkeypatch):
    monkeypatch.setattr(markup, "RENDER_SECONDS", 1.0)
    page = "---\ntitle: À propos\n---\n" + body + "\n"
    took = _fails_cleanly(tmp_path, good_output, {PAGE: page}, [
        f'{PAGE}:4:1: the text takes more than 1 s to render as Markdown: split long paragraphs, and check for long '
        'runs of "[", "<" or "`"'])
    assert took < 10


def test_the_time_budget_leaves_ordinary_bodies_alone():
    text = "\n\n".join(f"Paragraphe {i} avec [un lien](https://example.org/{i}), du **gras** et `du code`."
                       for i in range(5_000))  # 420 KB, and 5000 links
    html = markup.to_html(text)  # would raise TooSlow
    assert html.count("<a href=") == 5_000


def test_a_content_file_of_exactly_one_megabyte_builds(site):
    head = "---\ntitle: À propos\n---\n"
    body = ("Une phrase de la page. " * 40 + "\n\n") * 2000
    body = body[: 1_000_000 - len(head.encode())]
    root = site({PAGE: head + body})
    assert (root / PAGE).stat().st_size == 1_000_000
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err


def test_bom_and_crlf_build(site):
    """A BOM and Windows line endings are fine (tests/test_parsing.py checks decode() itself)."""
    files = {}
    for rel, text in MINIMAL.items():
        if rel.endswith(".md") or rel == "site.yaml":
            files[rel] = b"\xef\xbb\xbf" + textwrap.dedent(text).lstrip("\n").replace("\n", "\r\n").encode("utf-8")
    root = site(files)
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    page = (root / "output" / "badges" / "prise-de-parole" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "Prise de parole" in page and "\r" not in page and "\ufeff" not in page


# -- malformed CSV imports: `vitrine award BADGE --csv FILE` -------------------------------------

CSV_CASES = [
    ("column-typo", b"email,nom,consentment\nx@example.org,X,y\n",
     ['{f}:1:3: column "consentment": not understood (did you mean "consentement"?): rename it, or delete it']),
    ("column-twice", b"email,name,Name\nx@example.org,X,Y\n",
     ['{f}:1:3: Name: gives the same thing as column 2 ("name"): keep one of them']),
    ("alias-twice", b"email,courriel\nx@example.org,y@example.org\n",
     ['{f}:1:2: courriel: gives the same thing as column 1 ("email"): keep one of them']),
    ("no-email-column", b"name,consent\nX,yes\n",
     ['{f}:1:1: email: missing required column "email" (the recipients\' addresses)']),
    ("empty-header-cell", b"email,name,\nx@example.org,X,y\n",
     ['{f}:2:3: "y" is in column 3, which has no name in the header row: name the column (email, name, consent, '
      "evidence, narrative, issued_on, lang) or delete it"]),
    ("wrong-separator", b"email|name\nx@example.org|X\n",
     ['{f}:1:1: the first line "email|name" is not a header row of columns (email, name, ...): delete the lines '
      'above the header row, and separate the columns with ";", "," or a tab']),
    ("too-many-cells", b"email,name\nx@example.org,X,extra\n", ['{f}:2:3: "extra" is in column 3, but the header has 2 columns']),
    ("empty-email", b"email,name\n,X\n", ["{f}:2:1: email: is empty: every row needs the recipient's address"]),
    ("bad-email", b"email\nx@@example.org\n", ['{f}:2:1: email: "x@@example.org" is not a valid e-mail address (name@domain.org)']),
    ("email-twice", b"email\nx@example.org\nX@Example.org\n", ["{f}:3:1: email: X@Example.org is already on line 2 of this file"]),
    ("consent-without-name", b"email,consent\nx@example.org,oui\n",
     ["{f}:2:2: consent: consent to publish a name, but the file has no name column (Name, or First name and Last name)"]),
    ("consent-unclear", b"email,name,consent\nx@example.org,X,peut-etre\n",
     ['{f}:2:3: consent: "peut-etre" is not a clear yes or no: write oui or non (a name is published only after a clear yes)']),
    ("name-on-two-lines", b'email,name\nx@example.org,"Alice\n- id: fake"\n',
     ["{f}:2:2: name: expected a single line of at most 200 characters"]),
    ("name-with-escape", b"email,name,consent\nx@example.org,A\x1b[2JB,yes\n",
     ["{f}:2:2: name: contains the control character U+001B: remove it"]),
    ("nul-byte", b"email,name\nx@example.org,A\x00B\n", ["{f}:2:2: name: contains the control character U+0000: remove it"]),
    ("evidence-javascript", b"email,evidence\nx@example.org,javascript:alert(1)\n",
     ['{f}:2:2: evidence: "javascript:alert(1)" is not an absolute http(s) URL (several URLs are separated by spaces)']),
    ("date-impossible", b"email,issued_on\nx@example.org,31/02/2024\n",
     ['{f}:2:2: issued_on: "31/02/2024" is not a date: 31 février 2024 does not exist (day/month/year)']),
    ("date-in-future", b"email,issued_on\nx@example.org,2030-01-01\n",
     ["{f}:2:2: issued_on: 2030-01-01 is in the future (today is 2025-01-01)"]),
    ("narrative-too-long", b"email,narrative\nx@example.org," + b"a" * 5001 + b"\n",
     ["{f}:2:2: narrative: is 5001 characters long; at most 5000 expected"]),
    ("cell-over-csv-limit", b"email,narrative\nx@example.org," + b"a" * 200_000 + b"\n",
     ["{f}:2:1: not valid CSV: field larger than field limit (131072)"]),
    ("quote-not-closed", b'email,name\nx@example.org,"Alice\ny@example.org,Bob\n',
     ['{f}:2:1: a quoted cell is not closed (a " is missing): the rest of the file would be read as one cell']),
    ("text-after-quote", b'email,name\nx@example.org,"Alice" Martin\n',
     ["{f}:2:1: not valid CSV: ',' expected after '\"'"]),
    ("mac-roman", "email,nom\nx@example.org,Amélie\n".encode("mac_roman"),
     ['{f}:2:17: neither UTF-8 nor Windows-1252 text ("AmŽlie" read as Windows-1252): save the '
      'spreadsheet as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8)']),
    ("utf-16-without-bom", "email,name\nx@example.org,X\n".encode("utf-16-le"),
     ['{f}:1:1: the file looks like UTF-16 text without its byte order mark: save the spreadsheet as "CSV UTF-8" '
      "(Excel: File > Save As > CSV UTF-8)"]),
    ("binary", bytes(range(256)) * 4,
     ['{f}:2:119: neither UTF-8 nor Windows-1252 text (byte 0x81): save the spreadsheet as "CSV UTF-8" '
      "(Excel: File > Save As > CSV UTF-8)"]),
    ("empty-file", b"", ["{f}:1:1: empty file: expected a header row (email, name, consent, evidence, narrative, issued_on, lang)"]),
]


@pytest.fixture
def award_site(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    return site({"awards/prise-de-parole.yaml": "# awards of the badge, added by `vitrine award`\n"})


def _awards_state(root: Path) -> dict:
    return {p.name: p.read_bytes() for p in (root / "awards").iterdir()}


@pytest.mark.parametrize("name, data, expected", CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_malformed_csv_is_refused_whole(name, data, expected, award_site, tmp_path):
    csv_file = tmp_path / f"{name}.csv"
    csv_file.write_bytes(data)
    before = _awards_state(award_site)
    status, out, err = run_cli("award", "prise-de-parole", "--site", str(award_site), "--csv", str(csv_file))
    lines = [line.format(f=csv_file) for line in expected]
    n = len(lines)
    assert err.splitlines() == lines + [f"vitrine: {n} problem{'s' if n > 1 else ''} in {csv_file}: no award was made."]
    assert status == 1 and out == "" and "Traceback" not in err
    assert _awards_state(award_site) == before


@pytest.mark.parametrize("name, data", [("header-only", b"email,name\n"), ("blank-rows-only", b"email\n\n \n,\n")])
def test_csv_without_rows_awards_nobody(name, data, award_site, tmp_path):
    csv_file = tmp_path / f"{name}.csv"
    csv_file.write_bytes(data)
    before = _awards_state(award_site)
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(award_site), "--csv", str(csv_file))
    assert (status, err) == (1, f"{csv_file}: no rows to award\nvitrine: nothing was written.\n")
    assert _awards_state(award_site) == before


def test_csv_text_cannot_inject_records(award_site, tmp_path):
    """A narrative that looks like YAML stays one narrative: the file gains exactly one record."""
    csv_file = tmp_path / "inject.csv"
    csv_file.write_bytes(b'\xef\xbb\xbfemail;narrative\r\nx@example.org;"ok\r\n- id: 00000000-0000-4000-8000-000000000000\r\n'
                         b'  badge: prise-de-parole\r\n  recipient: evil@example.org"\r\n')
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(award_site), "--csv", str(csv_file))
    assert status == 0, err
    status, out, _ = run_cli("awards", "--site", str(award_site))
    assert out.splitlines()[-1] == "1 award (1 valid)." and "evil@example.org" not in out
