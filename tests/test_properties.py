"""Property-based tests (Hypothesis): whatever text, CSV or bytes they are given, the frontmatter
parser, the CSV import and the PNG/SVG baking end with a clean result or a clean error, never a
traceback or a hang; positions in problems point inside the file; a CSV import is all or nothing;
what is baked comes back out unchanged.

The default run tries about 200 examples per property with a deadline on each example. A longer
fuzz run of the same properties: `python bench/fuzz.py` (or `pytest -m fuzz`, which sets the
"fuzz" profile: many more examples, no deadline).
"""

from __future__ import annotations

import io
import json
import os
import re
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings, strategies as st

from conftest import MINIMAL, SQUARE_SVG, png_bytes, run_cli, write_site
from generator import baking
from generator.content import PARSERS, parse_translation
from generator.frontmatter import decode, parse_frontmatter, parse_yaml

settings.register_profile("default", max_examples=200, deadline=2000,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("fuzz", max_examples=int(os.environ.get("VITRINE_FUZZ_EXAMPLES", "5000")), deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("VITRINE_HYPOTHESIS_PROFILE", "default"))

# -- material -----------------------------------------------------------------------------------

YAML_BITS = ["---", "...", "\n", "  ", "\t", ":", ": ", "- ", "-", "#", "[", "]", "{", "}", ",", "'", '"', "&a", "*a",
             "!!python/object:os.system", "!tag", "<<", "|", ">", "?", "%YAML 1.1", "\\", "\ufeff", "\r\n", "\r",
             "\x00", "\x1b", "é", "名", "\U0001F600", "name", "issuer", "tags", "2024-13-45", "P2Y", "0123", "no",
             "~", "null", "true", "1e400", ".inf", "=", "@", "`", "%"]
yaml_like = st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=8)), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=400), yaml_like,
                     st.tuples(yaml_like, st.text(max_size=40)).map(lambda p: "---\n" + p[0] + "\n---\n" + p[1]))

CONTENT = {rel: textwrap.dedent(text).lstrip("\n") for rel, text in MINIMAL.items() if rel.endswith(".md")}
KIND = {"issuers": "issuer", "badges": "badge", "competencies": "competency", "pages": "page"}


@st.composite
def mutated_file(draw):
    """A valid content file of the minimal site with a few random edits."""
    rel = draw(st.sampled_from(sorted(CONTENT)))
    text = CONTENT[rel]
    for _ in range(draw(st.integers(1, 6))):
        lines = text.split("\n")
        how = draw(st.sampled_from(["insert", "delete", "replace", "dup-line", "drop-line", "swap-lines", "indent"]))
        at = draw(st.integers(0, max(0, len(text) - 1)))
        bit = draw(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=4)))
        line = draw(st.integers(0, len(lines) - 1))
        if how == "insert":
            text = text[:at] + bit + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 10)):]
        elif how == "replace":
            text = text[:at] + bit + text[at + 1:]
        elif how == "dup-line":
            lines.insert(line, lines[line])
            text = "\n".join(lines)
        elif how == "drop-line":
            del lines[line]
            text = "\n".join(lines)
        elif how == "swap-lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            text = "\n".join(lines)
        else:
            lines[line] = draw(st.sampled_from([" ", "  ", "\t", "- "])) + lines[line]
            text = "\n".join(lines)
    return rel, text


def assert_inside(problem, text: str, offset: int = 0) -> None:
    """A problem's line and column point into the text (or just past its end)."""
    lines = text.split("\n")
    assert problem.message and "Traceback" not in problem.message
    assert 1 <= problem.line <= len(lines) + offset + 1, (problem, len(lines))
    line = lines[problem.line - 1 - offset] if problem.line - 1 - offset < len(lines) else ""
    assert 1 <= problem.col <= len(line) + 2, (problem, line)


# -- frontmatter and YAML ---------------------------------------------------------------------------

@given(any_text)
@example("a: &x 1\nb: *x\n")
@example("a: " + "[" * 100)
@example("? [a]\n: 1\n")
@example("a: 1\n---\nb: 2\n")
def test_parse_yaml_never_raises(text):
    value, marks, key_marks, problem = parse_yaml(text, "f.md", line_offset=1)
    if problem is not None:
        assert value is None
        assert_inside(problem, text, offset=1)
    else:
        for line, col in list(marks.values()) + list(key_marks.values()):
            assert 2 <= line <= text.count("\n") + 3 and col >= 1  # an empty value at the end: the line after


@given(any_text)
@example("---\n---\n")
@example("---\n\ufeffname: x\n---\n")
@example("---\nname: x\n")
@example("---\nname: [x\n---\nbody\n")
def test_parse_frontmatter_gives_a_document_or_a_problem(text):
    doc, problem = parse_frontmatter(text, "f.md")
    assert (doc is None) != (problem is None)
    event("document" if doc is not None else "problem")
    if problem is not None:
        assert_inside(problem, text)
    else:
        assert isinstance(doc.data, dict) and isinstance(doc.body, str)
        assert 2 <= doc.body_line <= text.count("\n") + 2


@given(st.binary(max_size=300))
def test_decode_never_raises(raw):
    text, problem = decode(raw, "f.md")
    assert (text is None) != (problem is None)
    if text is not None:
        assert "\r" not in text and not text.startswith("\ufeff")
    else:
        assert problem.line >= 1 and problem.col >= 1 and "UTF-8" in problem.message


@given(mutated_file())
def test_mutated_content_files_get_clean_problems(case):
    rel, text = case
    folder = rel.split("/")[1]
    slug = rel.rsplit("/", 1)[1][:-3]
    parsed = PARSERS[KIND[folder]](text, rel, slug)
    event(f"{len(parsed.problems)} problems" if len(parsed.problems) < 3 else "3+ problems")
    for problem in parsed.problems:
        assert problem.path == rel
        if problem.line:  # line 0: about the file as a whole
            assert_inside(problem, text)
    if not parsed.problems:
        assert parsed.obj is not None
    translated = parse_translation(text, rel.replace(".md", ".en.md"), slug, KIND[folder])
    for problem in translated.problems:
        if problem.line:
            assert_inside(problem, text)


# -- CSV import: all or nothing, clean errors ------------------------------------------------------

CELLS = ["x@example.org", "Y@Example.org", "nope", "", " ", "Alice", "Émile Zola", "oui", "non", "yes", "x", "peut-être",
         "https://example.org/p", "ftp://x", "javascript:alert(1)", "2024-06-01", "01/02/2024", "31/02/2024",
         "2999-01-01", '"', '""', "a\nb", ";", ",", "\t", "\x00", "\x1b", "=cmd|' /C calc'!A0", "- id: x",
         "{{ 7*7 }}", "<script>", "]]>"]
HEADERS = ["email", "name", "consent", "evidence", "narrative", "issued_on", "courriel", "nom", "date", "mail_perso", ""]


@st.composite
def csv_text(draw):
    sep = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=7))
    rows = draw(st.lists(st.lists(st.one_of(st.sampled_from(CELLS), st.emails().map(str), st.text(max_size=12)),
                                  max_size=8), max_size=12))

    def cell(value: str) -> str:
        if draw(st.booleans()) or any(c in value for c in (sep, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"' if draw(st.integers(0, 9)) else '"' + value
        return value

    lines = [sep.join(cell(c) for c in header)] + [sep.join(cell(c) for c in row) for row in rows]
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"]))
    try:
        return prefix + text.encode(encoding)
    except UnicodeEncodeError:
        return prefix + text.encode("utf-8")


PLAIN = st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Zl", "Zp"))


@st.composite
def good_csv(draw):
    """A CSV a spreadsheet could export, all rows valid; sometimes one cell is then spoiled.
    Returns (bytes, number of rows when nothing was spoiled, else None)."""
    import csv

    sep = draw(st.sampled_from([",", ";", "\t"]))
    optional = draw(st.lists(st.sampled_from(["name", "consent", "evidence", "narrative", "issued_on"]), unique=True))
    header = draw(st.permutations(["email"] + optional))
    rows = []
    for i in range(draw(st.integers(1, 12))):
        user = draw(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,10}[a-z0-9]", fullmatch=True)).replace("..", ".")
        name = draw(st.text(PLAIN, min_size=1, max_size=40)).strip() or "Nom"
        cells = {"email": f"{user}.{i}@example.org", "name": name,
                 "consent": draw(st.sampled_from(["oui", "non", "yes", "no", "1", "0", "x", "", "Vrai", "FALSE"])),
                 "evidence": " ".join(draw(st.lists(st.sampled_from(["https://example.org/a", "http://ex.org/b?c=d&e=f"]),
                                                    max_size=2))),
                 "narrative": draw(st.text(PLAIN, max_size=80)),
                 "issued_on": draw(st.sampled_from(["", "2024-06-01", "01/02/2023", "2025-01-01", "29/02/2024"]))}
        if "name" not in header:
            cells["consent"] = "non"
        rows.append([cells[c] for c in header])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header] + rows)
    text, expected = buffer.getvalue(), len(rows)
    if draw(st.integers(0, 3)) == 0:  # spoil one cell: the whole file must then be refused
        row = draw(st.integers(1, len(rows)))
        col = draw(st.integers(0, len(header) - 1))
        bad = {"email": "nope", "name": "a\x1bb", "consent": "peut-être", "evidence": "ftp://x",
               "narrative": "x" * 5001, "issued_on": "2999-01-01"}[header[col]]
        lines = [header] + rows
        lines[row] = list(lines[row])
        lines[row][col] = bad
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows(lines)
        text, expected = buffer.getvalue(), None
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + text.encode("utf-8"), expected


@pytest.fixture(scope="module")
def csv_site(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    root = write_site(tmp_path_factory.mktemp("csv") / "site", {"awards/prise-de-parole.yaml": (
        "- id: 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b\n  badge: prise-de-parole\n  recipient: held@example.org\n"
        "  issued_on: 2024-06-12\n  salt: 0123456789abcdef0123456789abcdef\n")})
    yield root
    mp.undo()


_PROBLEM_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rest>.+)$")


@given(case=st.one_of(good_csv(), csv_text().map(lambda b: (b, None)), st.binary(max_size=200).map(lambda b: (b, None))))
@example(case=(b'email\n"x@example.org\n', None))
@example(case=(b'name,"email\nx@example.org,x@example.org,"', None))  # a header's quote left open: still one line each
@example(case=(b"email,name\nx@example.org,A\x00B\n", None))
@example(case=(b"\xff\xfe", None))
@example(case=(b"email;narrative\r\nx@example.org;\"a\r\n- id: 00000000-0000-4000-8000-000000000000\"\r\n", 1))
def test_csv_import_is_all_or_nothing_with_clean_errors(csv_site, tmp_path_factory, case):
    data, expected = case
    awards = csv_site / "awards" / "prise-de-parole.yaml"
    before = awards.read_bytes()
    csv_file = tmp_path_factory.getbasetemp() / "fuzz.csv"
    csv_file.write_bytes(data)
    try:
        status, out, err = run_cli("award", "prise-de-parole", "--site", str(csv_site), "--csv", str(csv_file))
        assert status in (0, 1) and "Traceback" not in err
        event("imported" if status == 0 else "refused")
        if expected is not None:
            assert status == 0, err  # a good file is taken whole
        if status == 1:
            assert awards.read_bytes() == before  # nothing written
            lines = err.splitlines()
            assert lines and lines[-1].startswith("vitrine: ")
            n_lines = data.count(b"\n") + 1
            for line in lines[:-1]:
                m = _PROBLEM_RE.match(line)
                if m is None:  # a message about the whole file: "FILE: no rows to award"
                    assert line.startswith(str(csv_file)) or line.startswith("awards/"), line
                    continue
                if m["file"] == str(csv_file):
                    assert 1 <= int(m["line"]) <= n_lines + 1 and int(m["col"]) >= 1, line
        else:
            added = awards.read_text(encoding="utf-8")[len(before.decode("utf-8")):]
            count = len(re.findall(r"^- id: ", added, re.M))
            assert count >= 1 and f"to {count} people" in out or (count == 1 and "Awarded" in out)
            assert expected is None or count == expected
            status, _, err = run_cli("check", "--site", str(csv_site))
            assert status == 0, err  # what was written is a valid part of the site
    finally:
        awards.write_bytes(before)


# -- baking ---------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)
assertions = st.fixed_dictionaries({"@context": st.just("https://w3id.org/openbadges/v2"), "type": st.just("Assertion"),
                                    "id": st.text(), "narrative": st.text(), "extra": json_values})
PNG = png_bytes(64)


@given(assertions, st.booleans(), st.sampled_from([baking.OB2_KEYWORD, baking.OB3_KEYWORD]))
@example({"@context": "x", "type": "Assertion", "id": "]]>", "narrative": "\x00\ufffe<![CDATA[", "extra": None}, False,
         baking.OB2_KEYWORD)
def test_png_bake_round_trip(assertion, ascii_only, keyword):
    text = json.dumps(assertion, ensure_ascii=ascii_only)
    baked = baking.bake_png(PNG, text, keyword)
    assert baking.unbake_png(baked, keyword) == text
    again = baking.bake_png(baked, text + " ", keyword)  # baking twice keeps one chunk
    assert baking.unbake_png(again, keyword) == text + " "
    assert again.count(b"iTXt" + keyword.encode()) == 1
    from PIL import Image
    with Image.open(io.BytesIO(again)) as img:
        img.load()  # still a good image
        assert img.size == (64, 64)


XML_SAFE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff")


@given(st.fixed_dictionaries({"id": st.text(XML_SAFE), "narrative": st.text(XML_SAFE), "extra": json_values}),
       st.booleans(), st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40),
       st.sampled_from(["assertion", "credential"]))
@example({"id": "]]>", "narrative": "]]]]><![CDATA[>", "extra": "</openbadges:assertion>"}, False, 'x"&<y', "assertion")
def test_svg_bake_round_trip(assertion, ascii_only, verify, element):
    text = json.dumps(assertion, ensure_ascii=ascii_only)
    assume(all(c not in text for c in "\ufffe\uffff"))
    namespace = baking.SVG_NAMESPACE if element == "assertion" else baking.OB3_SVG_NAMESPACE
    url = None if element == "credential" else "https://badges.example.org/a/" + verify
    baked = baking.bake_svg(SQUARE_SVG, text, url, element, namespace)
    assert baking.unbake_svg(baked, element) == text
    root = ET.fromstring(baked)  # well-formed XML whatever the payload
    assert root.tag.endswith("svg")
    again = baking.bake_svg(baked, text, url, element, namespace)
    assert again.count(f"<openbadges:{element}") == 1 and baking.unbake_svg(again, element) == text


@given(st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: baking.PNG_SIGNATURE + b)))
def test_unbake_png_of_any_bytes_is_clean(data):
    try:
        result = baking.unbake_png(data)
    except baking.BakingError:
        return
    assert result is None or isinstance(result, str)


@st.composite
def damaged_png(draw):
    """A baked PNG with a few bytes changed, cut or inserted (lengths and chunks broken)."""
    data = bytearray(baking.bake_png(PNG, draw(st.text(max_size=50))))
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["flip", "cut", "insert"]))
        if how == "flip":
            data[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[at:at + draw(st.integers(1, 20))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        if not data:
            data = bytearray(b"\0")
    return bytes(data)


@given(damaged_png(), st.sampled_from([baking.OB2_KEYWORD, baking.OB3_KEYWORD]))
def test_unbake_and_rebake_of_damaged_png_are_clean(data, keyword):
    for action in (lambda: baking.unbake_png(data, keyword), lambda: baking.bake_png(data, "{}", keyword)):
        try:
            result = action()
        except baking.BakingError:
            continue
        assert result is None or isinstance(result, (str, bytes))


@given(st.one_of(st.text(max_size=300),
                 st.lists(st.sampled_from(["<svg>", "<svg ", "/>", ">", "<openbadges:assertion", "</openbadges:assertion>",
                                           "<![CDATA[", "]]>", "verify=\"", '"', "<!--", "-->", "x", " "]),
                          max_size=30).map("".join)))
@example("<openbadges:assertion><![CDATA[<svg>")  # once found: the "<svg" was text, not the root
@example("<!--<openbadges:assertion><![CDATA[--><svg>")  # once found: an element in a comment is none
@example("<!--<svg>")  # once found: a comment never closed runs to the end
@example("<svg<![CDATA[>")  # once found: no "<" inside a tag
def test_unbake_and_bake_svg_of_any_text_are_clean(text):
    result = baking.unbake_svg(text)
    assert result is None or isinstance(result, str)
    try:
        baked = baking.bake_svg(text, '{"a": 1}', "https://x.example.org/a.json")
    except baking.BakingError:
        return
    assert baking.unbake_svg(baked) == '{"a": 1}'


def test_a_zlib_bomb_in_a_text_chunk_is_refused_without_inflating_it():
    """A compressed iTXt chunk of 200 KB that would inflate to 200 MB."""
    import struct
    import tracemalloc
    import zlib

    stream, block = zlib.compressobj(9), b"{" * 1_000_000
    payload = b"".join(stream.compress(block) for _ in range(200)) + stream.flush()
    data = b"openbadges\0\x01\x00\0\0" + payload
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data) & 0xFFFFFFFF)
    png = PNG[:-12] + chunk + PNG[-12:]
    tracemalloc.start()
    try:
        with pytest.raises(baking.BakingError, match="too large"):
            baking.unbake_png(png)
        assert tracemalloc.get_traced_memory()[1] < 64 * 1024 * 1024  # never 200 MB at once
    finally:
        tracemalloc.stop()


def test_unbake_svg_reads_what_other_tools_write():
    """Escaped text instead of CDATA, a verify attribute alone, a closing tag inside the CDATA."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><openbadges:assertion verify="https://a.example/x?y=1&amp;z=2">' \
          '{&quot;id&quot;: &quot;&#233;&lt;&quot;}</openbadges:assertion></svg>'
    assert baking.unbake_svg(svg) == '{"id": "é<"}'
    assert baking.unbake_svg(svg.replace("{&quot;id&quot;: &quot;&#233;&lt;&quot;}", "")) == "https://a.example/x?y=1&z=2"
    tricky = json.dumps({"narrative": "</openbadges:assertion><openbadges:assertion>]]>"})
    baked = baking.bake_svg(SQUARE_SVG, tricky, "https://a.example/x")
    assert baking.unbake_svg(baked) == tricky
    assert baking.unbake_svg(baking.bake_svg(baked, "{}", "https://a.example/y")) == "{}"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@given(json_values)
@settings(max_examples=300, deadline=None)
def test_ob2_json_is_what_the_json_module_writes(value):
    """render/ob2.dumps writes its indented JSON itself (faster): the same bytes as json.dumps."""
    from generator.render.ob2 import dumps

    assert dumps(value) == (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
