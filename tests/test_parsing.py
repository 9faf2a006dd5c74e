"""Unit tests of loading: frontmatter, YAML, field checks, each kind of content file, site.yaml.

Most tests need no files: they call the parsers on text. The last ones build small sites
(BOM and CRLF input, several problems in one run, `vitrine check` writing nothing).
"""

from __future__ import annotations

import hashlib
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import MINIMAL, run_cli
from generator import markup
from generator.config import parse_config
from generator.content import (FIELDS, TRANSLATABLE, Ref, endorsement_mismatches, parse_badge, parse_competency, parse_issuer, parse_page,
                               parse_translation)
from generator.errors import Problem, did_you_mean
from generator.fields import DURATION_EXPECTED, Fields, tag_slug
from generator.frontmatter import MAX_NODES, decode, parse_frontmatter, parse_yaml, read_yaml
from generator.model import Alignment, Design, Duration, Request

BADGE = "content/badges/prise-de-parole.md"


def text(s: str) -> str:
    return textwrap.dedent(s).lstrip("\n")


def fields(yaml_lines: str, path: str = "x.md") -> tuple[Fields, list[Problem]]:
    """A Fields reader over a frontmatter made of `yaml_lines` (its first field is on line 2)."""
    doc, problem = parse_frontmatter("---\n" + text(yaml_lines) + "---\n", path)
    assert problem is None, problem
    problems: list[Problem] = []
    return Fields(doc, problems), problems


def lines(problems: list[Problem]) -> list[str]:
    return [str(p) for p in sorted(problems)]


# -- decode ---------------------------------------------------------------------------------------

def test_decode_removes_bom_and_makes_line_endings_lf():
    raw = "\ufeff---\r\nname: Écoute\r\n---\rcorps\r\n".encode("utf-8")
    assert decode(raw, "x.md") == ("---\nname: Écoute\n---\ncorps\n", None)


def test_decode_names_line_column_and_byte_of_latin1():
    raw = "---\nname: Caf\u00e9\n---\n".encode("latin-1")
    value, problem = decode(raw, "content/pages/x.md")
    assert value is None
    assert str(problem) == ('content/pages/x.md:2:10: not valid UTF-8 text (byte 0xE9, "é" in Windows-1252 (Latin-1), '
                            "the encoding of older editors); save the file as UTF-8")
    value, problem = decode(b"---\nname: \x81\n", "x.md")  # no letter in Windows-1252 either
    assert str(problem) == "x.md:2:7: not valid UTF-8 text (byte 0x81); save the file as UTF-8"


# -- parse_frontmatter ---------------------------------------------------------------------------

def test_frontmatter_splits_data_body_and_keeps_file_positions():
    doc, problem = parse_frontmatter("---\ntitle: À propos\nmenu: 2\n---\n# Titre\n\nTexte.\n", "p.md")
    assert problem is None
    assert doc.data == {"title": "À propos", "menu": 2}
    assert doc.body == "# Titre\n\nTexte.\n"
    assert doc.body_line == 5
    assert doc.where(("title",)) == (2, 8)  # the value
    assert doc.where_key(("menu",)) == (3, 1)  # the key
    assert doc.where(("menu", "missing")) == (3, 7)  # falls back to the parent value
    assert doc.where(("nothing",)) == (2, 1)  # then to the whole mapping


def test_frontmatter_closed_by_dots_and_trailing_spaces():
    doc, problem = parse_frontmatter("--- \ntitle: A\n...\nCorps", "p.md")
    assert problem is None
    assert (doc.data, doc.body, doc.body_line) == ({"title": "A"}, "Corps", 4)


def test_frontmatter_empty_is_an_empty_mapping():
    doc, problem = parse_frontmatter("---\n---\nCorps\n", "p.md")
    assert problem is None
    assert (doc.data, doc.body, doc.where()) == ({}, "Corps\n", (1, 1))


@pytest.mark.parametrize("source, expected", [
    ("", "p.md:1:1: empty file: expected YAML frontmatter between two '---' lines, then the body"),
    ("  \n\n", "p.md:1:1: empty file: expected YAML frontmatter between two '---' lines, then the body"),
    ("# Titre\n", "p.md:1:1: expected the file to start with a '---' line opening the YAML frontmatter"),
    ("\n---\ntitle: A\n---\n", "p.md:2:1: the file starts with 1 empty line: the '---' line opening the frontmatter "
                             "must be the very first line, with nothing before it"),
    ("---\ntitle: A\n", "p.md:1:1: the frontmatter is not closed: add a '---' line after the last field"),
    ("---\n- title: A\n---\n", "p.md:2:1: the frontmatter must be a mapping of fields (name: value)"),
    ("---\njust text\n---\n", "p.md:2:1: the frontmatter must be a mapping of fields (name: value)"),
    # path:line:col: field: message, as every other mistake (it was `duplicate key "title" ...`, field-less)
    ("---\ntitle: A\ntitle: B\n---\n", "p.md:3:1: title: written twice (first at line 2): each field may appear only once"),
    ("---\ndesign:\n  shape: a\n  shape: b\n---\n",
     "p.md:4:3: design.shape: written twice (first at line 3): each field may appear only once"),
    ("---\ntitle: À propos: le site\n---\n",
     'p.md:2:16: invalid YAML: a text containing ": " must be put in quotes (write title: "À propos: le site")'),
])
def test_frontmatter_problems(source, expected):
    doc, problem = parse_frontmatter(source, "p.md")
    assert doc is None
    assert str(problem) == expected


# -- parse_yaml ----------------------------------------------------------------------------------

def test_yaml_scalar_types_and_positions_with_offset():
    source = "a: 3\nb: true\nc: 2.5\nd: 2024-09-01\ne:\nf: '3'\ng: [x, {h: 1}]\n"
    value, marks, key_marks, problem = parse_yaml(source, "y", line_offset=10)
    assert problem is None
    assert value == {"a": 3, "b": True, "c": 2.5, "d": date(2024, 9, 1), "e": None, "f": "3", "g": ["x", {"h": 1}]}
    assert marks[("a",)] == (11, 4)
    assert key_marks[("d",)] == (14, 1)
    assert marks[("g", 1, "h")] == (17, 12)
    assert key_marks[("g", 1, "h")] == (17, 9)


def test_yaml_empty_text_is_an_empty_mapping():
    assert parse_yaml("", "y") == ({}, {}, {}, None)


def test_yaml_syntax_error_position_counts_offset():
    value, _, _, problem = parse_yaml("a: [1, 2\nb: 3\n", "y", line_offset=1)
    assert value is None
    assert (problem.path, problem.line, problem.field) == ("y", 3, "")
    assert problem.message.startswith("invalid YAML: ")


def test_yaml_refuses_python_tags_without_building_anything():
    value, _, _, problem = parse_yaml("a: 1\nb: !!python/object/apply:os.system [echo hi]\n", "y")
    assert value is None
    assert str(problem) == "y:2:4: b: YAML tags (!!python/object/apply:os.system) are not allowed"


def test_yaml_refuses_local_tags_on_mappings():
    value, _, _, problem = parse_yaml("a: !thing {b: 1}\n", "y")
    assert value is None
    assert (problem.line, problem.col, problem.field, problem.message) == (1, 4, "a", "YAML tags (!thing) are not allowed")


def test_yaml_refuses_aliases_where_they_are_used():
    value, _, _, problem = parse_yaml("a: &x [1, 2]\nb:\n  - c: *x\n", "y", line_offset=1)
    assert value is None
    assert str(problem) == "y:4:8: b[0].c: YAML aliases (*name) are not allowed in content files"


def test_yaml_billion_laughs_stops_at_the_first_alias_at_once():
    source = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10))
    started = time.perf_counter()
    value, _, _, problem = parse_yaml(source, "y")
    assert time.perf_counter() - started < 0.5
    assert value is None
    assert str(problem) == "y:2:10: a1[0]: YAML aliases (*name) are not allowed in content files"


def test_yaml_keeps_a_scalar_it_cannot_construct_as_its_text():
    r = read_yaml("date: 2024-13-45\nbig: " + "9" * 5000 + "\nlevel: 2\n", "y")
    assert r.problem is None
    assert r.value == {"date": "2024-13-45", "big": "9" * 5000, "level": 2}


def test_yaml_records_the_written_text_of_plain_scalars_not_read_as_text():
    r = read_yaml("a: 0123\nb: 1.10\nc: no\nd: 2024-09-01\ne: '010'\nf: [010, x]\ng: text\n", "y")
    assert r.problem is None
    assert r.value["a"] == 83 and r.value["b"] == 1.1 and r.value["c"] is False
    assert r.raw == {("a",): "0123", ("b",): "1.10", ("c",): "no", ("d",): "2024-09-01", ("f", 0): "010"}


@pytest.mark.parametrize("source, expected", [
    ("a:\n\tb: 1\n", "y:3:1: invalid YAML: this line is indented with a tab: indent with spaces (YAML does not accept tabs there)"),
    ("a:\n  b: x\n\tc: y\n", "y:4:1: invalid YAML: this line is indented with a tab: indent with spaces (YAML does not accept tabs there)"),
    ("- id: x\n   badge: y\n", 'y:3:4: invalid YAML: "badge" is indented more than "id" above it, so it is read '
                             'as the rest of its text: fields of one mapping start in the same column'),  # a record's first field
    ("a: 1\ntags: [web,\n", "y:3:7: invalid YAML: the list opened here is not closed (add its closing ])"),
    ("a: 1\ntags: [\n", "y:3:7: invalid YAML: the list opened here is not closed (add its closing ])"),
    ("x: {a: 1,\n", "y:2:4: invalid YAML: the mapping opened here is not closed (add its closing })"),
    ("a: [b, c\nd: 1\n", "y:3:2: invalid YAML: did not find expected ',' or ']' (the list opened at line 2, column 4 is not closed)"),
    ("a: {b: 1\nd: 1\n", "y:3:2: invalid YAML: did not find expected ',' or '}' (the mapping opened at line 2, column 4 is not closed)"),
    ("a: 'text\nb: 1\n", "y:2:4: invalid YAML: the quoted text opened here is not closed on its line, so the fields "
                         "below are read as part of it (add the closing ')"),
    ("a: 'text\n", "y:3:1: invalid YAML: found unexpected end of stream (the quoted text opened at line 2, column 4 is not closed)"),
    ("a: b\njust text\n", "y:3:1: invalid YAML: could not find expected ':' (a field is written \"name: value\")"),
    ("a:\n  b: 1\n c: 2\n", "y:4:2: invalid YAML: did not find expected key "
                           "(check the indentation: fields of one mapping start in the same column)"),
    ("a: A\x00b\n", "y:2:5: invalid YAML: control character U+0000 is not allowed"),
    ("é: Àé\x07\n", "y:2:6: invalid YAML: control character U+0007 is not allowed"),  # columns in characters
    ("a: 1\n--- b\n", "y:3:1: a second YAML document starts here: only one is expected"),
])
def test_yaml_syntax_messages(source, expected):
    value, _, _, problem = parse_yaml(source, "y", line_offset=1)
    assert value is None
    assert str(problem) == expected


# libyaml stops where the grammar breaks, often a line or more after the mistake, and says so in
# its own words ("did not find expected key"): the usual mistakes are named where they are.
@pytest.mark.parametrize("source, expected", [
    # no space after a colon: the text "name:Zotero issuer:scd" runs on until the next field breaks
    ("name:Zotero\nissuer:scd\ndescription: Un badge.\n",
     'y:2:5: invalid YAML: a space is needed after the colon of "name:" (write "name: Zotero")'),
    ("name: Z\nissuer:scd\ndescription: Un badge.\n",
     'y:3:7: invalid YAML: a space is needed after the colon of "issuer:" (write "issuer: scd")'),
    ("request:\n  email:bu@univ.fr\n  instructions: Écrivez.\n",
     'y:3:8: invalid YAML: a space is needed after the colon of "email:" (write "email: bu@univ.fr")'),
    ("url:https://bu.univ.fr/\nname: BU\n",
     'y:2:4: invalid YAML: a space is needed after the colon of "url:" (write "url: https://bu.univ.fr/")'),
    # a French apostrophe in single quotes, quotes in double quotes: the fix, written out
    ("name: 'L'atelier Zotero'\nissuer: scd\n",
     "y:2:9: invalid YAML: the quoted text ends here, and more text follows it: write name: \"L'atelier Zotero\""),
    ('name: "Le badge "Zotero" avancé"\nissuer: scd\n',
     "y:2:17: invalid YAML: the quoted text ends here, and more text follows it: write name: "
     "'Le badge \"Zotero\" avancé'"),
    ("tags: [oral, 'l'écoute']\n", None),  # in a list: libyaml's words, which say where
    # a quote never closed swallows the fields below, up to the next quote
    ('name: Z\ndescription: "Utiliser Zotero\ncategory: technical\ndesign:\n  background: "#1f5fa8"\n'
     '  foreground: "#ffffff"\n',
     'y:3:14: invalid YAML: the quoted text opened here is not closed on its line, so the fields below are read '
     'as part of it (add the closing ")'),
    # a value that starts with a character YAML reserves
    ("name: [Nouveau] Zotero pour tous\n", 'y:2:7: invalid YAML: a value that starts with "[" is a list for YAML, '
                                           'and text follows it: put the whole text in quotes (write name: '
                                           '"[Nouveau] Zotero pour tous")'),
    ("name: @scd Zotero\n", 'y:2:7: invalid YAML: a text that starts with "@" must be put in quotes '
                            '(write name: "@scd Zotero")'),
    ("name: * Zotero\n", 'y:2:7: invalid YAML: a text that starts with "*" must be put in quotes (write name: "* Zotero")'),
    ("name: - Zotero\n", 'y:2:7: invalid YAML: a text that starts with "-" must be put in quotes (write name: "- Zotero")'),
    ("tags:\n  - `code`\n", 'y:3:5: invalid YAML: a text that starts with "`" must be put in quotes (write - "`code`")'),
    # a "#" after a space or a comma starts a comment, which hides the closing bracket
    ("tags: [oral, #opendata]\nlevel: 1\n", 'y:2:14: invalid YAML: "#" after a space or a comma starts a YAML '
                                             'comment, which hides the rest of the line: write "#opendata"'),
    # a field indented more than the one above it is read as the rest of that one's text
    ("request:\n  email: bu@univ.fr\n   instructions: Écrivez.\n",
     'y:4:4: invalid YAML: "instructions" is indented more than "email" above it, so it is read as the rest of its '
     "text: fields of one mapping start in the same column"),
    ("tags:\n  - oral\n  -écoute\n  - débat\n",
     'y:4:3: invalid YAML: a list item is written with a space after "-" (write "- écoute")'),
    # a text with ": " inside: the line to write (also after a quoted text on several lines that is fine)
    ("name: Zotero : niveau 1\n", 'y:2:14: invalid YAML: a text containing ": " must be put in quotes '
                                  '(write name: "Zotero : niveau 1")'),
    ('description: "Un texte\n  sur deux lignes"\nname: a: b\n',
     'y:4:8: invalid YAML: a text containing ": " must be put in quotes (write name: "a: b")'),
    ('name: L\'atelier : "niveau" 1  # commentaire\n',
     'y:2:17: invalid YAML: a text containing ": " must be put in quotes (write name: \'L\'\'atelier : "niveau" 1\')'),
    # a mapping item of a list: the line to write keeps its "- "
    ("evidence:\n  - url: https://example.org/a\n    name: Vidéo : atelier\n",
     'y:4:17: invalid YAML: a text containing ": " must be put in quotes (write name: "Vidéo : atelier")'),
])
def test_yaml_syntax_mistakes_are_named_where_they_are(source, expected):
    value, _, _, problem = parse_yaml(source, "y", line_offset=1)
    assert value is None
    if expected is None:
        assert "quoted text ends here" not in str(problem)
    else:
        assert str(problem) == expected


def test_frontmatter_of_one_field_without_a_space_after_its_colon():
    doc, problem = parse_frontmatter("---\ntitle:Contact\n---\nTexte.\n", "p.md")
    assert str(problem) == 'p.md:2:6: invalid YAML: a space is needed after the colon of "title:" (write "title: Contact")'
    doc, problem = parse_frontmatter("---\njust text\n---\nTexte.\n", "p.md")
    assert str(problem) == "p.md:2:1: the frontmatter must be a mapping of fields (name: value)"



@pytest.mark.parametrize("source, expected", [
    ("\n\n---\ntitle: A\n---\nTexte.\n", "p.md:3:1: the file starts with 2 empty lines: the '---' line opening the "
                                       "frontmatter must be the very first line, with nothing before it"),
    ("  ---\ntitle: A\n---\nTexte.\n", "p.md:1:1: the '---' line starts with spaces: the '---' line opening the "
                                    "frontmatter must be the very first line, with nothing before it"),
    ("----\ntitle: A\n----\nTexte.\n", "p.md:1:1: the frontmatter opens with exactly three hyphens '---', not '----'"),
    ("---\ntitle: A\n----\nTexte.\n", "p.md:3:1: the frontmatter is not closed: this line is '----', the closing "
                                    "line is exactly '---', at the start of the line"),
    ("---\ntitle: A\n ---\nTexte.\n", "p.md:3:1: the frontmatter is not closed: this line is ' ---', the closing "
                                    "line is exactly '---', at the start of the line"),
])
def test_frontmatter_lines_nearly_right_are_named(source, expected):
    doc, problem = parse_frontmatter(source, "p.md")
    assert doc is None
    assert str(problem) == expected


def test_frontmatter_missing_its_closing_line_gets_a_hint():
    source = "---\ntitle: À propos\n\n# Titre\n\nCe catalogue sert aux tests.\n\n---\n\nSuite.\n"
    doc, problem = parse_frontmatter(source, "p.md")
    assert doc is None
    assert str(problem) == ("p.md:6:1: invalid YAML: could not find expected ':' "
                            "(is the closing '---' line of the frontmatter missing?)")


def test_frontmatter_yaml_error_after_a_comment_gets_no_body_hint():
    doc, problem = parse_frontmatter("---\ntitle: A\n\n# Contact\nemail: [a\n---\n", "p.md")
    assert str(problem) == ("p.md:6:1: invalid YAML: did not find expected ',' or ']' "
                            "(the list opened at line 5, column 8 is not closed)")


def test_yaml_refuses_merge_keys():
    value, _, _, problem = parse_yaml("b: 1\n<<: {a: 1}\n", "y")
    assert value is None
    assert (problem.line, problem.col, problem.message) == (2, 1, "YAML merge keys (<<) are not allowed in content files")


@pytest.mark.parametrize("source", ["[a]: 1\n", "{a: 1}: 2\n", "'': 1\n", "!!bool yes: 1\n"])
def test_yaml_keys_must_be_plain_names(source):
    value, _, _, problem = parse_yaml(source, "y")
    assert value is None
    assert (problem.line, problem.col, problem.message) == (1, 1, "a key must be a plain name")


def test_yaml_keys_are_names_as_written():
    value, _, _, problem = parse_yaml("true: 1\n~: 2\n1.5: 3\nno: Norsk\n", "y")
    assert (value, problem) == ({"true": 1, "~": 2, "1.5": 3, "no": "Norsk"}, None)


def test_yaml_integer_key_becomes_text():
    value, _, key_marks, problem = parse_yaml("12: douze\n", "y")
    assert (value, key_marks, problem) == ({"12": "douze"}, {("12",): (1, 1)}, None)


def test_yaml_bounds_the_number_of_values():
    value, _, _, problem = parse_yaml("a: [" + ", ".join(["0"] * MAX_NODES) + "]\n", "y")
    assert value is None
    assert problem.message == f"too many YAML values (more than {MAX_NODES})"


def test_yaml_bounds_nesting():
    value, _, _, problem = parse_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", "y", line_offset=1)
    assert value is None
    assert (problem.line, problem.field, problem.message) == (2, "a", "YAML nested too deeply (at most 64 levels)")


# -- Fields accessors ----------------------------------------------------------------------------

@pytest.mark.parametrize("written, expected", [
    ("P2Y", Duration("P2Y", 2, 0, 0)),
    ("P6M", Duration("P6M", 0, 6, 0)),
    ("P1Y6M", Duration("P1Y6M", 1, 6, 0)),
    ("P90D", Duration("P90D", 0, 0, 90)),
    ("P2W3D", Duration("P2W3D", 0, 0, 17)),
    ("' P1Y '", Duration("P1Y", 1, 0, 0)),
])
def test_duration_valid(written, expected):
    f, problems = fields(f"validity: {written}\n")
    assert f.duration("validity") == expected
    assert problems == []


@pytest.mark.parametrize("written, message", [
    ("P2X", '"P2X" is not an ISO 8601 duration: expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D'),
    ("P", '"P" is not an ISO 8601 duration: expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D'),
    ("PT", '"PT" is not an ISO 8601 duration: expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D'),
    ("2Y", '"2Y" is not an ISO 8601 duration: expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D (write P2Y)'),
    # ISO 8601 durations all the same: what is not supported is said
    ("PT24H", '"PT24H": hours, minutes and seconds are not supported; expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D'),
    ("P1Y2M3DT4H", '"P1Y2M3DT4H": hours, minutes and seconds are not supported; expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D'),
    ("P1.5Y", '"P1.5Y": fractions are not supported; expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D'),
    ("P0Y0M", '"P0Y0M" is a zero duration: an award would never be valid'),
    ("[P2Y]", "expected text, found a list"),
])
def test_duration_invalid(written, message):
    f, problems = fields(f"validity: {written}\n")
    assert f.duration("validity") is None
    assert lines(problems) == [f"x.md:2:11: validity: {message}"]


def test_duration_absent_is_none_without_problem():
    f, problems = fields("name: x\n")
    assert (f.duration("validity"), problems) == (None, [])


@pytest.mark.parametrize("written, expected", [
    ("2024-09-01", date(2024, 9, 1)),
    ("'2024-09-01'", date(2024, 9, 1)),
    ("2024-09-01 10:30:00", date(2024, 9, 1)),
])
def test_date_valid(written, expected):
    f, problems = fields(f"date: {written}\n")
    assert f.date("date") == expected
    assert problems == []


@pytest.mark.parametrize("written, shown", [
    ("2024-9-1", '"2024-9-1"'),
    ("septembre 2024", '"septembre 2024"'),
    ("20240901", '"20240901"'),
    ("'20240901'", '"20240901"'),
])
def test_date_invalid(written, shown):
    f, problems = fields(f"date: {written}\n")
    assert f.date("date") is None
    hint = " (write 2024-09-01)" if written == "2024-9-1" else ""
    assert lines(problems) == [f"x.md:2:7: date: {shown} is not a date: expected YYYY-MM-DD, such as 2024-09-01{hint}"]


@pytest.mark.parametrize("written, why", [
    ("'2024-13-45'", "there is no month 13: expected YYYY-MM-DD, the month before the day"),
    # YAML cannot make a date of it: kept as written, for this message
    ("2024-13-45", "there is no month 13: expected YYYY-MM-DD, the month before the day"),
    ("2024-31-12", "there is no month 31: expected YYYY-MM-DD, the month before the day (write 2024-12-31)"),
    ("2025-02-29", "February 2025 has 28 days"),
    ("2024-04-31", "April 2024 has 30 days"),
    ("2024-09-00", "there is no day 0: days start at 01"),
])
def test_date_well_written_but_no_such_day_says_why(written, why):
    """2025-02-30 is written as expected: "expected YYYY-MM-DD" told its author nothing."""
    f, problems = fields(f"date: {written}\n")
    assert f.date("date") is None
    assert lines(problems) == [f'x.md:2:7: date: "{written.strip(chr(39))}" is not a date: {why}']


@pytest.mark.parametrize("written, hint", [
    ("01/09/2025", "2025-09-01"), ("1.9.2025", "2025-09-01"), ("2025/09/01", "2025-09-01"), ("31/02/2025", None),
])
def test_a_date_written_another_way_is_given_as_it_is_written(written, hint):
    f, problems = fields(f"date: {written}\n")
    assert f.date("date") is None
    expected = f'x.md:2:7: date: "{written}" is not a date: expected YYYY-MM-DD, such as 2024-09-01'
    assert lines(problems) == [expected + (f" (write {hint})" if hint else "")]


@pytest.mark.parametrize("written, hint", [
    ("2 ans", "P2Y"), ("6 mois", "P6M"), ("1 an et 6 mois", "P1Y6M"), ("2 years", "P2Y"), ("90 jours", "P90D"),
    ("2 semaines", "P2W"), ("deux ans", None), ("2 ans renouvelables", None),
])
def test_a_duration_in_words_is_given_in_iso_8601(written, hint):
    f, problems = fields(f"validity: {written}\n")
    assert f.duration("validity") is None
    expected = f'x.md:2:11: validity: "{written}" is not an ISO 8601 duration: {DURATION_EXPECTED}'
    assert lines(problems) == [expected + (f" (write {hint})" if hint else "")]


@pytest.mark.parametrize("written", ["contact@univ.example.org", "prenom.nom+badges@sub.univ-test.fr"])
def test_email_valid(written):
    f, problems = fields(f"email: {written}\n")
    assert (f.email("email"), problems) == (written, [])


@pytest.mark.parametrize("written", ["contact(at)univ.example.org", "contact@univ", "a..b@univ.example.org",
                                     "@univ.example.org", "contact@-univ.example.org", "a b@univ.example.org"])
def test_email_invalid(written):
    f, problems = fields(f"email: '{written}'\n")
    assert f.email("email") is None
    assert lines(problems) == [f'x.md:2:8: email: "{written}" is not a valid e-mail address (name@domain.org)']


@pytest.mark.parametrize("written, address", [("Camille Martin <camille@univ.example.org>", "camille@univ.example.org"),
                                              ("mailto:camille@univ.example.org", "camille@univ.example.org"),
                                              ("<camille@univ.example.org>", "camille@univ.example.org")])
def test_email_copied_with_a_name_or_as_a_link(written, address):
    """Copied from a mail program or a link: the address inside is the line to write."""
    f, problems = fields(f"email: '{written}'\n")
    assert f.email("email") is None
    assert lines(problems) == [f'x.md:2:8: email: "{written}" is not a valid e-mail address (write {address})']


def test_email_required_and_missing():
    f, problems = fields("name: x\n")
    assert f.email("email", required=True) is None
    assert lines(problems) == ["x.md:1:1: email: missing required field"]  # at the opening ---


@pytest.mark.parametrize("written", ["https://univ.example.org/", "http://univ.example.org", "https://example.org/a?b=c#d",
                                     "http://localhost:8000/x", "http://data.europa.eu/esco/skill/abc-123"])
def test_url_valid(written):
    f, problems = fields(f"url: {written}\n")
    assert (f.url("url"), problems) == (written, [])


@pytest.mark.parametrize("written, hint", [
    ("www.example.org", '(write "https://www.example.org")'), ("https://example", "(https://...)"),
    ("ftp://example.org/", "(https://...)"), ("javascript:alert(1)", "(https://...)"),
    ("https://univ example.org/", "(https://...)"), ("//example.org/", '(write "https://example.org/")'),
    ("dcn.example.net/badges/", '(write "https://dcn.example.net/badges/")')])
def test_url_invalid(written, hint):
    f, problems = fields(f"url: '{written}'\n")
    assert f.url("url") is None
    assert lines(problems) == [f'x.md:2:6: url: "{written}" is not an absolute http(s) URL {hint}']


def test_url_https_only():
    f, problems = fields("base_url: http://badges.example.org/\n")
    assert f.url("base_url", https=True) is None
    assert lines(problems) == ['x.md:2:11: base_url: "http://badges.example.org/" must start with https://']


def test_slug_lists_keep_each_position_and_report_bad_items():
    f, problems = fields("competencies:\n  - oral\n  - Oral\n  - [x]\n  - esprit-critique\n  - 2024\n")
    assert f.slugs("competencies") == [("oral", (3, 5)), ("esprit-critique", (6, 5)), ("2024", (7, 5))]
    assert lines(problems) == [
        'x.md:4:5: competencies[1]: "Oral" is not a slug (lowercase letters, digits and hyphens)',
        "x.md:5:5: competencies[2]: expected a slug (lowercase letters, digits and hyphens), found a list",
    ]


def test_slug_list_given_as_text():
    f, problems = fields("competencies: oral\n")
    assert f.slugs("competencies") == []
    assert lines(problems) == ["x.md:2:15: competencies: expected a list, found text: write competencies: [oral]"]


@pytest.mark.parametrize("written", ["Oral", "oral--x", "-oral", "oral_x", "éloquence"])
def test_slug_invalid(written):
    f, problems = fields(f"issuer: {written}\n")
    assert f.slug("issuer") is None
    assert lines(problems) == [f'x.md:2:9: issuer: "{written}" is not a slug (lowercase letters, digits and hyphens)']


def test_texts_accepts_one_text_or_a_list_and_numbers():
    f, problems = fields("a: une preuve\nb: [un, 2, ' trois ']\n")
    assert f.texts("a") == ["une preuve"]
    assert f.texts("b") == ["un", "2", "trois"]
    assert problems == []


def test_text_checks_one_line_and_length():
    f, problems = fields("name: |\n  deux\n  lignes\ncode: ABCDEF\n")
    assert f.text("name", oneline=True) == "deux\nlignes"
    assert f.text("code", max_len=4) == "ABCDEF"
    assert lines(problems) == ["x.md:2:7: name: expected a single line of text",
                               "x.md:5:7: code: is 6 characters long; at most 4 expected"]


@pytest.mark.parametrize("written, message", [
    ("'deux'", 'expected a whole number, found text "deux"'),
    ("'2'", 'expected a whole number, found text "2" (a number is written without quotes)'),
    ("true", "expected a whole number, found true"),
    ("yes", "expected a whole number, found yes"),
    ("1.5", "expected a whole number, found 1.5"),
    ("1.50", "expected a whole number, found 1.50"),
    ("[1]", "expected a whole number, found a list"),
    ("0", "0 is too small: at least 1 expected"),
    ("100", "100 is too large: at most 99 expected"),
])
def test_integer_invalid(written, message):
    f, problems = fields(f"level: {written}\n")
    assert f.integer("level", minimum=1, maximum=99) is None
    assert lines(problems) == [f"x.md:2:8: level: {message}"]


def test_choice_and_colour():
    f, problems = fields("category: Transversal\nbackground: '#1F5FA8'\nforeground: blanc\nborder: green\nline: '#fff'\n")
    assert f.choice("category", ("participation", "transversal")) is None
    assert f.colour("background") == "#1F5FA8"
    assert f.colour("foreground") is None and f.colour("border") is None and f.colour("line") is None
    assert lines(problems) == [
        'x.md:2:11: category: "Transversal" is not allowed (did you mean "transversal"?)',
        'x.md:4:13: foreground: "blanc" is not a colour: expected #rrggbb, such as #1f5fa8',
        'x.md:5:9: border: "green" is not written as #rrggbb: write "#008000", the same colour (in quotes)',
        'x.md:6:7: line: "#fff" is not written as #rrggbb: write "#ffffff", the same colour (in quotes)',
    ]


def test_nested_labels_and_done_reports_unknown_keys_on_the_key():
    f, problems = fields("alignments:\n  - name: ESCO\n  - name: RNCP\n    ulr: https://x.example.org/\n")
    subs = f.mappings("alignments")
    for sub in subs:
        sub.text("name", required=True)
        sub.url("url", required=True)
        sub.done()
    f.done()
    assert subs[1].label("url") == "alignments[1].url"
    assert lines(problems) == [
        "x.md:3:5: alignments[0].url: missing required field",
        # the misspelt url is one mistake: its line, not also "url: missing"
        'x.md:5:5: alignments[1].ulr: unknown field (did you mean "url"?)',
    ]


def test_text_fields_keep_what_was_written():
    """YAML 1.1 reads 0123 as 83, 1.10 as 1.1, yes as true: a text field means the written text."""
    f, problems = fields("a: 0123\nb: 1.10\nc: yes\nd: 2024-09-01\ne: 12\nf: [1.10, 010, oui]\ng: 010\n")
    assert [f.text(n) for n in "abcde"] == ["0123", "1.10", "yes", "2024-09-01", "12"]
    assert f.texts("f") == ["1.10", "010", "oui"]
    assert f.texts("g") == ["010"]
    assert problems == []


def test_texts_refuses_mappings_and_nested_lists():
    f, problems = fields("a: {b: c}\nd: [x, [y], {z: 1}]\n")
    assert (f.texts("a"), f.texts("d")) == ([], ["x"])
    assert lines(problems) == ["x.md:2:4: a: expected text or a list of texts, found a mapping",
                               "x.md:3:8: d[1]: expected text, found a list",
                               "x.md:3:13: d[2]: expected text, found a mapping"]


def test_texts_that_must_be_a_list_refuse_one_text():
    """`tags: théâtre, oral` is not the one tag "théâtre, oral" (it would make /tags/theatre-oral/)."""
    f, problems = fields("tags: théâtre, oral\nother: 12\nok: [a, '', b]\n")
    assert f.texts("tags", one=False) == []
    assert f.texts("other", one=False) == []
    assert f.texts("ok", one=False) == ["a", "b"]
    assert lines(problems) == ["x.md:2:7: tags: expected a list, found text: write tags: [théâtre, oral]",
                               "x.md:3:8: other: expected a list, found 12",
                               "x.md:4:9: ok[1]: is empty: write a text, or remove it"]


@pytest.mark.parametrize("kind, source", [
    ("badge", "tags: théâtre, oral\n"),
    ("translation", "tags: théâtre, oral\n"),
])
def test_badge_tags_must_be_a_list(kind, source):
    text_ = "---\nname: Prise de parole\n" + source + "---\n"
    parsed = (parse_translation(text_, BADGE, "prise-de-parole", "badge") if kind == "translation"
              else parse_badge(text_, BADGE, "prise-de-parole"))
    assert f"{BADGE}:3:7: tags: expected a list, found text: write tags: [théâtre, oral]" in lines(parsed.problems)


def test_problems_about_a_block_mapping_or_list_point_at_its_key():
    f, problems = fields("name: x\nrequest:\n  instructions: Venir.\ntags:\n  - a\n")
    sub = f.mapping("request")
    sub.fail(None, "whole")
    sub.text("url", required=True)
    f.fail("tags", "whole list")
    f.fail(("tags", 0), "one item")
    assert lines(problems) == ["x.md:3:1: request: whole",
                               "x.md:3:1: request.url: missing required field",
                               "x.md:5:1: tags: whole list",
                               "x.md:6:5: tags[0]: one item"]


def test_problems_about_a_flow_mapping_point_at_it():
    f, problems = fields("request: {instructions: Venir.}\n")
    f.mapping("request").text("url", required=True)
    assert lines(problems) == ["x.md:2:10: request.url: missing required field"]


# -- did_you_mean, tag_slug ----------------------------------------------------------------------

def test_did_you_mean():
    assert did_you_mean("descripton", ["name", "description", "design"]) == ' (did you mean "description" or "design"?)'
    assert did_you_mean("transversale", ["participation", "transversal"]) == ' (did you mean "transversal"?)'
    assert did_you_mean("zzz", ["b", "a", "c", "a"]) == " (expected one of: a, b, c)"
    assert did_you_mean("zzz", [f"item{i:02d}" for i in range(13)]) == ""
    assert did_you_mean("zzz", [], "issuers") == " (there are no issuers)"
    assert did_you_mean("zzz", []) == ""


@pytest.mark.parametrize("name, slug", [
    ("Prise de parole", "prise-de-parole"),
    ("Éloquence & Co.", "eloquence-co"),
    ("  --Oral--  ", "oral"),
    ("Travail d'équipe", "travail-d-equipe"),
    ("Niveau 2", "niveau-2"),
    ("!!!", ""),
])
def test_tag_slug(name, slug):
    assert tag_slug(name) == slug


# -- markup --------------------------------------------------------------------------------------

def test_to_html_makes_the_top_heading_h2():
    html = markup.to_html("# Critères\n\nTexte **gras**.\n\n## Détail\n\n###### Fin\n")
    assert html == "<h2>Critères</h2>\n<p>Texte <strong>gras</strong>.</p>\n<h3>Détail</h3>\n<h6>Fin</h6>"


def test_to_html_keeps_a_body_that_starts_at_h2():
    assert markup.to_html("## Critères\n\n### Détail\n") == "<h2>Critères</h2>\n<h3>Détail</h3>"


def test_to_html_top_heading_for_badge_criteria():
    assert markup.to_html("# Critères\n\n## Détail\n", top_heading=3) == "<h3>Critères</h3>\n<h4>Détail</h4>"
    assert markup.to_html("### Critères\n", top_heading=3) == "<h3>Critères</h3>"


def test_to_html_empty_and_blank():
    assert markup.to_html("") == ""
    assert markup.to_html(" \n\n") == ""


def test_to_html_converter_is_reset_between_calls():
    markup.to_html("Texte[^1].\n\n[^1]: Une note.\n")
    assert markup.to_html("Autre.") == "<p>Autre.</p>"


def test_to_text():
    assert markup.to_text("<h2>Critères</h2>\n<p>Oral &amp; écrit,\n  <em>trois</em> fois.</p>") == "Critères Oral & écrit, trois fois."
    assert markup.to_text("") == ""


# -- parse_badge ---------------------------------------------------------------------------------

FULL_BADGE = text("""
    ---
    name: Prise de parole
    issuer: bu
    description: Présenter un exposé de dix minutes.
    category: transversal
    image: badge.svg
    image_alt: Un disque bleu
    competencies: [oral, ecoute]
    alignments:
      - name: Faire une présentation
        url: http://data.europa.eu/esco/skill/abc
        framework: ESCO
    tags: [oral, Prise de parole]
    level: 2
    status: retired
    validity: P1Y6M
    request:
      url: https://forms.example.org/oral
      instructions: Remplissez le **formulaire**.
    evidence: Une vidéo de l'exposé.
    related: [ecoute-active]
    endorsements:
      - issuer: univ
        comment: Un badge utile.
        date: 2024-10-01
    date: 2024-09-01
    ---
    Participer à **trois** ateliers :

    - un exposé ;
    - une table ronde.
""")


def test_a_badge_object_stays_small():
    """10,000 badges live in the build's memory several times over (parse results, catalogues,
    workers): a Badge's attributes must not each cost a dict entry of its own. Past 30 attributes,
    CPython stops sharing an instance dict's keys, and the 10,000-badge build's peak went from 295
    to 328 MB when two fields were added."""
    import sys

    b = parse_badge(FULL_BADGE, BADGE, "prise-de-parole").obj
    own = sys.getsizeof(b) + (sys.getsizeof(b.__dict__) if hasattr(b, "__dict__") else 0)
    assert own < 600, own


def test_parse_badge_full():
    p = parse_badge(FULL_BADGE, BADGE, "prise-de-parole")
    assert p.problems == []
    b = p.obj
    assert (b.slug, b.name, b.description, b.category) == ("prise-de-parole", "Prise de parole",
                                                          "Présenter un exposé de dix minutes.", "transversal")
    assert (b.image_alt, b.level, b.status, b.date) == ("Un disque bleu", 2, "retired", date(2024, 9, 1))
    assert b.validity == Duration("P1Y6M", 1, 6, 0)
    assert b.alignments == [Alignment("Faire une présentation", "http://data.europa.eu/esco/skill/abc", "ESCO", None)]
    assert b.own_request == Request(url="https://forms.example.org/oral", email=None,
                                    instructions_html="<p>Remplissez le <strong>formulaire</strong>.</p>")
    assert b.evidence == ["Une vidéo de l'exposé."]
    assert b.body_html == ("<p>Participer à <strong>trois</strong> ateliers :</p>\n"
                           "<ul>\n<li>un exposé ;</li>\n<li>une table ronde.</li>\n</ul>")
    assert b.body_text == "Participer à trois ateliers : un exposé ; une table ronde."
    assert b.source == BADGE
    assert p.refs["issuer"] == [Ref("bu", BADGE, 3, 9, "issuer")]
    assert p.refs["image"] == [Ref("badge.svg", BADGE, 6, 8, "image")]
    assert p.refs["competencies"] == [Ref("oral", BADGE, 8, 16, "competencies[0]"),
                                      Ref("ecoute", BADGE, 8, 22, "competencies[1]")]
    assert p.refs["related"] == [Ref("ecoute-active", BADGE, 21, 11, "related[0]")]
    assert p.refs["endorsements"] == [Ref("univ", BADGE, 23, 13, "endorsements[0].issuer")]
    assert p.extra == {"endorsements": [("Un badge utile.", date(2024, 10, 1))], "tags": ["oral", "Prise de parole"]}


def test_parse_badge_defaults_and_design():
    source = text("""
        ---
        name: Écoute
        issuer: bu
        description: Écouter.
        category: network
        design: {shape: shield, background: '#123456', label: Niveau 1}
        ---
    """)
    p = parse_badge(source, "b.md", "ecoute")
    assert p.problems == []
    assert (p.obj.status, p.obj.level, p.obj.validity, p.obj.own_request, p.obj.body_html) == ("active", None, None, None, "")
    assert p.obj.design == Design(shape="shield", background="#123456", foreground="#ffffff", label="Niveau 1",
                                  icon=None, initials="")
    assert p.refs["image"] == []


def test_parse_badge_reports_every_problem_of_the_file():
    source = text("""
        ---
        name: Prise de parole
        issuer: BU
        descripton: Présenter un exposé.
        category: transversale
        image: badge.svg
        level: zero
        validity: 2 ans
        request: {url: https://forms.example.org/, email: oral@univ.example.org}
        ---
    """)
    p = parse_badge(source, "b.md", "b")
    assert p.refs["issuer"] == [Ref("BU", "b.md", 3, 9, "issuer")]
    assert lines(p.problems) == [
        # "BU": the loader, which knows the slugs (bu?); the misspelt description is one line
        'b.md:4:1: descripton: unknown field (did you mean "description"?)',
        'b.md:5:11: category: "transversale" is not allowed (did you mean "transversal"?)',
        'b.md:6:8: image: an image needs its alternative text in "image_alt" (what the image shows)',
        'b.md:7:8: level: expected a whole number, found text "zero"',
        'b.md:8:11: validity: "2 ans" is not an ISO 8601 duration: expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D (write P2Y)',
        'b.md:9:51: request.email: give either "url" (a form) or "email", not both',
    ]


@pytest.mark.parametrize("written, meant", [
    ("2Y", "P2Y"), ("p2y", "P2Y"), ("P2y", "P2Y"), ("P1Y 6M", "P1Y6M"),
    ("P2A", "P2Y"), ("P90J", "P90D"), ("P2S", "P2W"),  # French: an, jours, semaines
    ("24 mois", "P24M"), ("1 an et 6 mois", "P1Y6M"),
    ("0Y", None), ("deux ans", None), ("12", None),  # no duration to suggest
])
def test_a_validity_almost_in_iso_8601_gets_the_duration_to_write(written, meant):
    base = "---\nname: N\nissuer: bu\ndescription: D.\ncategory: network\ndesign: {shape: circle}\n"
    p = parse_badge(base + f"validity: {written}\n---\n", "b.md", "b")
    message = [problem.message for problem in p.problems if problem.field == "validity"][0]
    assert message.endswith(f"(write {meant})") if meant else "(write" not in message, message

def test_parse_badge_needs_image_or_design_not_both():
    base = "---\nname: N\nissuer: bu\ndescription: D.\ncategory: network\n"
    neither = parse_badge(base + "---\n", "b.md", "b")
    assert lines(neither.problems) == [
        'b.md:1:1: image: missing required field (a PNG or SVG file, or a "design" block to draw one)']
    both = parse_badge(base + "image: a.svg\nimage_alt: A\ndesign: {shape: circle, background: '#000000'}\n---\n", "b.md", "b")
    assert lines(both.problems) == ['b.md:8:9: design: give either "image" or "design", not both']


def test_parse_badge_unreadable_frontmatter_gives_no_object():
    p = parse_badge("---\nname: [\n---\n", "b.md", "b")
    assert p.obj is None
    assert len(p.problems) == 1 and p.problems[0].message.startswith("invalid YAML: ")


@pytest.mark.parametrize("body, where, char", [
    ("Critères : abc\0def.\n", "5:15", "control character U+0000"),
    ("## Critères\n\n\tindenté\n\nFin \x1b[31m rouge.\n", "9:5", "control character U+001B"),
    ("Un\u0085retour.\n", "5:3", "control character U+0085"),
    ("Texte \uffff.\n", "5:7", "noncharacter U+FFFF"),
])
def test_a_control_character_in_a_body_is_refused_where_it_is(body, where, char):
    """A NUL in the criteria would reach the badge's JSON (criteria.narrative)."""
    source = "---\nname: Prise de parole\nissuer: bu\n---\n" + body
    for parsed in (parse_badge(source, "b.md", "b"), parse_page(source, "b.md", "b"),
                   parse_translation(source, "b.en.md", "b", "badge")):
        problems = [str(p) for p in parsed.problems if p.field == "body"]
        assert problems == [f"{parsed.path}:{where}: body: contains the {char}: remove it"]


def test_tabs_and_line_ends_in_a_body_are_fine():
    text_, problem = decode(b"---\ntitle: T\n---\nUne\ttabulation,\r\ndes fins de ligne\rWindows et Mac.\n", "p.md")
    assert problem is None
    assert parse_page(text_, "p.md", "p").problems == []


# -- parse_issuer, parse_competency, parse_page --------------------------------------------------

def test_parse_issuer():
    p = parse_issuer(textwrap.dedent(MINIMAL["content/issuers/bu.md"]).lstrip("\n") , "content/issuers/bu.md", "bu")
    assert p.problems == []
    i = p.obj
    assert (i.slug, i.name, i.url, i.email) == ("bu", "Bibliothèque universitaire", "https://bu.example.org/", "bu@univ.example.org")
    assert i.request == Request(url=None, email="badges-bu@univ.example.org", instructions_html="<p>Écrivez-nous.</p>")
    assert i.body_html == "<p>La bibliothèque.</p>"
    assert p.refs == {"parent": [Ref("univ", "content/issuers/bu.md", 5, 9, "parent")], "image": [], "body_images": []}


def test_parse_issuer_problems():
    source = "---\nname: U\nlinkedin_organization_id: 12ab\nrequest: {instructions: Écrire.}\nimage: logo.png\n---\n"
    p = parse_issuer(source, "i.md", "u")
    assert lines(p.problems) == [
        "i.md:1:1: email: missing required field",
        "i.md:1:1: url: missing required field",
        'i.md:3:27: linkedin_organization_id: "12ab" is not a LinkedIn organization id: expected digits only',
        'i.md:4:10: request: expected "url" (a form to fill in) or "email" (where to write)',
    ]
    p = parse_issuer(source.replace("12ab", "https://www.linkedin.com/company/12345678/admin/"), "i.md", "u")
    assert 'i.md:3:27: linkedin_organization_id: "https://www.linkedin.com/company/12345678/admin/" is not a LinkedIn ' \
           'organization id: expected digits only (write "12345678")' in lines(p.problems)
    assert p.obj.image_alt == "U"  # a logo without alt text is described by the issuer's name


def test_parse_issuer_linkedin_digits():
    p = parse_issuer("---\nname: U\nurl: https://u.example.org/\nemail: a@u.example.org\nlinkedin_organization_id: 1234567\n---\n",
                     "i.md", "u")
    assert (p.problems, p.obj.linkedin_organization_id) == ([], "1234567")


def test_parse_competency():
    p = parse_competency(textwrap.dedent(MINIMAL["content/competencies/oral.md"]).lstrip("\n"), "c.md", "oral")
    assert p.problems == []
    c = p.obj
    assert (c.slug, c.name, c.description, c.framework, c.group, c.code, c.url) == (
        "oral", "S'exprimer à l'oral", "Prendre la parole devant un groupe.", "Référentiel de test", "Communiquer", "COM-1", None)
    assert c.body_html == "<p>En pratique.</p>"


def test_parse_competency_problems():
    p = parse_competency("---\nname: Oral\nurl: esco\ngroupe: Communiquer\n---\n", "c.md", "oral")
    assert lines(p.problems) == [
        "c.md:1:1: description: missing required field",
        "c.md:1:1: framework: missing required field",
        'c.md:3:6: url: "esco" is not an absolute http(s) URL (https://...)',
        'c.md:4:1: groupe: unknown field (did you mean "group"?)',
    ]


def test_parse_page():
    p = parse_page("---\ntitle: À propos\nmenu: 0\n---\n# À propos\n\nTexte.\n", "p.md", "a-propos")
    assert p.problems == []
    assert (p.obj.slug, p.obj.title, p.obj.menu) == ("a-propos", "À propos", 0)
    assert p.obj.body_html == "<h2>À propos</h2>\n<p>Texte.</p>"


def test_parse_badge_criteria_headings_start_at_h3():
    """The badge page puts the criteria under its own h2 ("Criteria"): the body starts at h3."""
    source = "---\nname: N\nissuer: bu\ndescription: D.\ncategory: network\ndesign: {shape: circle, background: '#000000'}\n---\n"
    p = parse_badge(source + "# Critères\n\nTexte.\n\n## Détail\n", "b.md", "b")
    assert p.problems == []
    assert p.obj.body_html == "<h3>Critères</h3>\n<p>Texte.</p>\n<h4>Détail</h4>"
    assert parse_badge(source + "### Critères\n", "b.md", "b").obj.body_html == "<h3>Critères</h3>"


@pytest.mark.parametrize("written, line", [('image_alt: ""', "b.md:7:12"), ("image_alt:", "b.md:7:11"), ("image_alt: '  '", "b.md:7:12")])
def test_parse_badge_empty_alt_text(written, line):
    source = "---\nname: N\nissuer: bu\ndescription: D.\ncategory: network\nimage: a.svg\n" + written + "\n---\n"
    p = parse_badge(source, "b.md", "b")
    assert lines(p.problems) == [f"{line}: image_alt: is empty: describe what the image shows"]


@pytest.mark.parametrize("written", ['""', ""])
def test_parse_badge_empty_image(written):
    source = f"---\nname: N\nissuer: bu\ndescription: D.\ncategory: network\nimage: {written}\nimage_alt: A\n---\n"
    p = parse_badge(source, "b.md", "b")
    assert [(p.message, p.field) for p in p.problems] == [("is empty: give the path of a PNG or SVG file", "image")]


def test_parse_badge_bad_date_does_not_hide_other_problems():
    source = ("---\nname: N\nissuer: bu\ndescription: D.\ncategory: network\ndesign: {shape: circle, background: '#000000'}\n"
              "date: 2024-13-45\nlevel: 0\n---\n")
    assert lines(parse_badge(source, "b.md", "b").problems) == [
        'b.md:7:7: date: "2024-13-45" is not a date: there is no month 13: expected YYYY-MM-DD, the month before the day',
        "b.md:8:8: level: 0 is too small: at least 1 expected",
    ]


def test_parse_issuer_and_competency_keep_numbers_as_written():
    issuer = parse_issuer("---\nname: U\nurl: https://u.example.org/\nemail: a@u.example.org\n"
                          "linkedin_organization_id: 0123\n---\n", "i.md", "u")
    assert (issuer.problems, issuer.obj.linkedin_organization_id) == ([], "0123")
    comp = parse_competency("---\nname: N\ndescription: D.\nframework: F\ncode: 1.10\n---\n", "c.md", "n")
    assert (comp.problems, comp.obj.code) == ([], "1.10")


@pytest.mark.parametrize("kind, parse", [("issuer", parse_issuer), ("badge", parse_badge),
                                         ("competency", parse_competency), ("page", parse_page)])
def test_fields_lists_are_what_each_parser_reads(kind, parse):
    """content.FIELDS tells a translation's typo from a field that cannot be translated."""
    source = "---\n" + "".join(f"{name}: x\n" for name in FIELDS[kind]) + "other: x\n---\n"
    unknown = [p.field for p in parse(source, "f.md", "f").problems if p.message.startswith("unknown field")]
    assert unknown == ["other"]
    assert set(TRANSLATABLE[kind]) <= set(FIELDS[kind])


def test_parse_page_problems():
    p = parse_page("---\nmenu: -1\ntitel: À propos\n---\n", "p.md", "a-propos")
    assert lines(p.problems) == [
        "p.md:2:7: menu: -1 is too small: at least 0 expected",
        'p.md:3:1: titel: unknown field (did you mean "title"?)',
    ]


# -- parse_translation ---------------------------------------------------------------------------

def test_parse_translation_badge():
    source = text("""
        ---
        name: Public speaking
        description: Give a ten-minute talk.
        tags: [speaking]
        evidence: [A video]
        request: {instructions: Fill in the **form**.}
        ---
        # Criteria
    """)
    p = parse_translation(source, "content/badges/prise-de-parole.en.md", "prise-de-parole", "badge")
    assert p.problems == []
    assert p.translation == {
        "name": "Public speaking",
        "description": "Give a ten-minute talk.",
        "evidence": ["A video"],
        "tags": ["speaking"],
        "request": Request(url=None, email=None, instructions_html="<p>Fill in the <strong>form</strong>.</p>"),
        "body_html": "<h3>Criteria</h3>",  # badge criteria sit under the page's own h2
    }


def test_parse_translation_empty_body_keeps_the_original():
    p = parse_translation("---\ntitle: About\n---\n\n", "p.en.md", "a-propos", "page")
    assert (p.problems, p.translation) == ([], {"title": "About"})


def test_parse_translation_page_body_top_heading_is_h2():
    p = parse_translation("---\ntitle: About\n---\n# About\n", "p.en.md", "a-propos", "page")
    assert (p.problems, p.translation) == ([], {"title": "About", "body_html": "<h2>About</h2>"})


def test_parse_translation_refuses_other_fields():
    source = "---\nname: Public speaking\nissuer: bu\nrequest: {url: https://x.example.org/}\n---\n"
    p = parse_translation(source, "b.en.md", "b", "badge")
    assert lines(p.problems) == [
        "b.en.md:3:1: issuer: cannot be translated: a translation holds only name, description, image_alt, "
        "evidence, tags, request, endorsements and the body; other fields come from the original",
        "b.en.md:4:11: request.url: unknown field (expected one of: instructions)",
    ]


def test_parse_translation_typo_is_an_unknown_field():
    p = parse_translation("---\nnme: Public speaking\ndescripton: Talk.\nissuer: bu\nzzz: 1\n---\n", "b.en.md", "b", "badge")
    assert lines(p.problems) == [
        'b.en.md:2:1: nme: unknown field (did you mean "name"?)',
        'b.en.md:3:1: descripton: unknown field (did you mean "description"?)',
        "b.en.md:4:1: issuer: cannot be translated: a translation holds only name, description, image_alt, "
        "evidence, tags, request, endorsements and the body; other fields come from the original",
        "b.en.md:5:1: zzz: unknown field (expected one of: description, endorsements, evidence, image_alt, name, request, "
        "tags)",
    ]


ENDORSED = text("""
    ---
    name: Prise de parole
    issuer: bu
    description: Présenter un exposé.
    category: transversal
    image: badge.svg
    image_alt: Un disque bleu
    endorsements:
      - issuer: univ
        comment: Reconnu par l'université.
        date: 2024-01-15
      - issuer: reseau
        comment: Un badge du réseau.
    ---
    Critères.
""")


def test_parse_translation_badge_endorsements_translate_comments_only():
    source = text("""
        ---
        endorsements:
          - issuer: univ
            comment: Recognised by the university.
            date: 2024-01-15
          - issuer: reseau
        ---
    """)
    p = parse_translation(source, "b.en.md", "b", "badge")
    assert p.problems == []
    given = p.translation["endorsements"]
    assert given.comments == ["Recognised by the university.", None]  # None: the original's comment
    assert [(r.value, r.line, r.col, r.field) for r in given.issuers] == [
        ("univ", 3, 13, "endorsements[0].issuer"), ("reseau", 6, 13, "endorsements[1].issuer")]
    original = parse_badge(ENDORSED, BADGE, "prise-de-parole")
    assert original.problems == [] and endorsement_mismatches(original, given) == []


def test_translated_endorsements_not_a_list_is_said_once():
    p = parse_translation("---\nendorsements: Recognised.\n---\n", "b.en.md", "prise-de-parole", "badge")
    assert lines(p.problems) == ["b.en.md:2:15: endorsements: expected a list, found text: write endorsements: "
                                 "[Recognised.]"]
    original = parse_badge(ENDORSED, BADGE, "prise-de-parole")
    assert endorsement_mismatches(original, p.translation["endorsements"]) == []  # not "0 endorsements where..."


def test_parse_translation_badge_endorsements_unknown_field():
    p = parse_translation("---\nendorsements:\n  - issuer: univ\n    coment: Recognised.\n---\n", "b.en.md", "b", "badge")
    assert lines(p.problems) == ['b.en.md:4:5: endorsements[0].coment: unknown field (did you mean "comment"?)']


@pytest.mark.parametrize("items,expected", [
    ("  - issuer: univ\n    comment: Recognised.\n",  # one of two
     ["b.en.md:2:1: endorsements: 1 endorsement where prise-de-parole.md has 2: a translation lists the same "
      "endorsers in the same order, and translates only their comments"]),
    ("  - issuer: reseau\n    comment: A badge of the network.\n  - issuer: univ\n",  # the order changed
     ['b.en.md:3:13: endorsements[0].issuer: "reseau" where prise-de-parole.md has "univ": a translation lists the '
      "same endorsers in the same order, and translates only their comments",
      'b.en.md:5:13: endorsements[1].issuer: "univ" where prise-de-parole.md has "reseau": a translation lists the '
      "same endorsers in the same order, and translates only their comments"]),
    ("  - issuer: univ\n    date: 2024-01-16\n  - issuer: reseau\n    date: 2024-02-01\n",  # days are the original's
     ["b.en.md:4:11: endorsements[0].date: 2024-01-16 where prise-de-parole.md has 2024-01-15: the day of an "
      "endorsement is the original's; leave it out of the translation",
      "b.en.md:6:11: endorsements[1].date: 2024-02-01 where prise-de-parole.md has no date: the day of an "
      "endorsement is the original's; leave it out of the translation"]),
])
def test_translated_endorsements_must_match_the_original(items: str, expected: list[str]):
    p = parse_translation("---\nendorsements:\n" + items + "---\n", "b.en.md", "prise-de-parole", "badge")
    assert p.problems == []
    original = parse_badge(ENDORSED, BADGE, "prise-de-parole")
    assert lines(endorsement_mismatches(original, p.translation["endorsements"])) == expected


def test_parse_translation_competency_fields():
    p = parse_translation("---\nname: Speaking\ngroup: Communicating\nframework: X\n---\n", "c.en.md", "oral", "competency")
    assert p.translation == {"name": "Speaking", "group": "Communicating"}
    assert lines(p.problems) == ["c.en.md:4:1: framework: cannot be translated: a translation holds only name, "
                                 "description, group and the body; other fields come from the original"]


# -- parse_config --------------------------------------------------------------------------------

def test_parse_config(tmp_path: Path):
    source = text("""
        title:
          fr: Badges de test
          en: Test badges
        base_url: https://example.org/badges
        languages: [fr, en]
        signing: {ob2: true, keys: secrets}
    """)
    config, problems = parse_config(source, tmp_path)
    assert problems == []
    assert config.title == {"fr": "Badges de test", "en": "Test badges"}
    assert config.description == {"fr": "", "en": ""}
    assert (config.base_url, config.base_path) == ("https://example.org/badges/", "/badges/")
    assert (config.language, config.languages, config.theme) == ("fr", ["fr", "en"], "default")
    assert (config.signing.ob2, config.signing.ob3, config.signing.keys) == (True, False, "secrets")
    assert config.root == tmp_path


def test_parse_config_single_texts_apply_to_every_language(tmp_path: Path):
    config, problems = parse_config("title: Badges\ndescription: Un catalogue.\nbase_url: https://b.example.org/\n"
                                    "language: en\nlanguages: [en, fr]\n", tmp_path)
    assert problems == []
    assert (config.title, config.description) == ({"en": "Badges", "fr": "Badges"},
                                                  {"en": "Un catalogue.", "fr": "Un catalogue."})
    assert config.languages == ["en", "fr"]


def test_parse_config_problems(tmp_path: Path):
    source = "titel: Badges\nbase_url: http://b.example.org/\nlanguages: [fr, EN, en, en]\ntheme: Sombre\n"
    config, problems = parse_config(source, tmp_path)
    assert config is None  # the languages are wrong: translations cannot be checked
    assert lines(problems) == [
        'site.yaml:1:1: titel: unknown field (did you mean "title"?)',
        'site.yaml:2:11: base_url: "http://b.example.org/" must start with https://',
        'site.yaml:3:17: languages[1]: "EN" is not a language code such as fr or en (did you mean "en"?)',
        'site.yaml:3:25: languages[3]: "en" is listed twice',
        'site.yaml:4:8: theme: "Sombre" is not a slug (lowercase letters, digits and hyphens)',
    ]


def test_a_language_written_by_its_name_is_told_its_code(tmp_path: Path):
    source = "title: B\nbase_url: https://b.example.org/\nlanguage: français\nlanguages: [français, English, fr_FR, Klingon]\n"
    _config, problems = parse_config(source, tmp_path)
    assert lines(problems) == [
        'site.yaml:3:11: language: "français" is not a language code such as fr or en (did you mean "fr"?)',
        'site.yaml:4:13: languages[0]: "français" is not a language code such as fr or en (did you mean "fr"?)',
        'site.yaml:4:23: languages[1]: "English" is not a language code such as fr or en (did you mean "en"?)',
        'site.yaml:4:32: languages[2]: "fr_FR" is not a language code such as fr or en (did you mean "fr-FR"?)',
        'site.yaml:4:39: languages[3]: "Klingon" is not a language code such as fr or en',
    ]


def test_parse_config_unknown_key_lists_the_known_ones(tmp_path: Path):
    config, problems = parse_config("title: B\nbase_url: https://b.example.org/\ncolour: blue\n", tmp_path)
    assert config is not None  # the content is still checked, so that every problem is reported at once
    assert lines(problems) == ["site.yaml:3:1: colour: unknown field (expected one of: base_url, description, "
                               "language, languages, signing, smtp, theme, title)"]


def test_parse_config_title_needs_the_default_language(tmp_path: Path):
    config, problems = parse_config("title: {en: Badges}\nbase_url: https://b.example.org/\n", tmp_path)
    assert config is not None
    assert lines(problems) == ['site.yaml:1:8: title: needs a text for the default language "fr"',
                               'site.yaml:1:9: title.en: "en" is not one of the site\'s languages (fr)']


@pytest.mark.parametrize("source, expected", [
    ("languages: [fr, no]\n", 'site.yaml:3:17: languages[1]: YAML reads no as false: put the language code in quotes ("no")'),
    ("language: no\n", 'site.yaml:3:11: language: YAML reads no as false: put the language code in quotes ("no")'),
    ("languages: [fr, en, fr]\n", 'site.yaml:3:21: languages[2]: "fr" is listed twice'),
    ("languages: [fr, [en]]\n", "site.yaml:3:17: languages[1]: expected a language code such as fr or en, found a list"),
    ("language: fr\nlanguages: [en, de]\n", 'site.yaml:4:12: languages: does not include "fr", the default language '
     '(language: fr): the first of languages is the default; expected [fr, en, de], or no language line to make '
     '"en" the default'),
    # DESIGN: "the first is the default": with both, language must be the first of languages
    ("language: fr\nlanguages: [en, fr]\n", 'site.yaml:4:12: languages: starts with "en", but the default language '
     'is "fr" (language: fr): the first of languages is the default; expected [fr, en], or no language line to '
     'make "en" the default'),
    ("languages:\n  - en\n  - fr\nlanguage: fr\n", 'site.yaml:3:1: languages: starts with "en", but the default '
     'language is "fr" (language: fr): the first of languages is the default; expected [fr, en], or no language '
     'line to make "en" the default'),
    ("languages: []\n", "site.yaml:3:12: languages: is empty: list the site's languages, the default first "
     "(such as [fr, en])"),
])
def test_parse_config_language_problems_stop_at_site_yaml(tmp_path: Path, source, expected):
    config, problems = parse_config("title: B\nbase_url: https://b.example.org/\n" + source, tmp_path)
    assert config is None  # a translation could not be told from a misnamed file
    assert lines(problems) == [expected]


def test_parse_config_quoted_no_is_norwegian(tmp_path: Path):
    config, problems = parse_config("title: B\nbase_url: https://b.example.org/\nlanguages: [fr, 'no']\n", tmp_path)
    assert (problems, config.languages) == ([], ["fr", "no"])


def test_parse_config_other_problems_still_give_settings_to_check_the_content(tmp_path: Path):
    config, problems = parse_config("title:\n  en: B\nbase_url: https://b.example.org/?x=1\nlanguages: [fr, en]\n"
                                    "theme: sombre\n", tmp_path)
    assert lines(problems) == [
        'site.yaml:1:1: title: needs a text for the default language "fr"',
        "site.yaml:3:11: base_url: must not have a query (?...) or fragment (#...)",
        'site.yaml:5:8: theme: no theme "sombre" (expected one of: default)',
    ]
    assert (config.languages, config.theme, config.title) == (["fr", "en"], "default", {"fr": "", "en": "B"})


def test_parse_config_theme_of_the_site(tmp_path: Path):
    (tmp_path / "themes" / "sombre" / "templates").mkdir(parents=True)
    (tmp_path / "themes" / "clair").mkdir()
    config, problems = parse_config("title: B\nbase_url: https://b.example.org/\ntheme: sombre\n", tmp_path)
    assert (problems, config.theme) == ([], "sombre")
    _, problems = parse_config("title: B\nbase_url: https://b.example.org/\ntheme: bleu\n", tmp_path)
    assert lines(problems) == ['site.yaml:3:8: theme: no theme "bleu" (expected one of: clair, default, sombre)']


def test_parse_config_not_a_mapping(tmp_path: Path):
    assert parse_config("- a\n", tmp_path) == (None, [Problem("site.yaml", 1, 1, "", "expected a mapping of settings (title: ..., base_url: ...)")])


# -- whole sites ---------------------------------------------------------------------------------

def crlf_bom(rel: str) -> bytes:
    return ("\ufeff" + text(MINIMAL[rel]).replace("\n", "\r\n")).encode("utf-8")


def test_bom_and_crlf_files_build(site):
    root = site({rel: crlf_bom(rel) for rel in ("site.yaml", BADGE, "content/issuers/bu.md", "content/pages/a-propos.md")})
    status, out, err = run_cli("build", "--site", str(root))
    assert (status, err) == (0, "")
    page = (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert "<h1 id=\"page-title\">Prise de parole</h1>" in page
    assert "<p>Participer à <strong>trois</strong> ateliers.</p>" in page
    assert "\r" not in page and "\ufeff" not in page
    assert "Badges de test" in (root / "output/index.html").read_text(encoding="utf-8")


def test_bom_and_crlf_do_not_shift_positions(site):
    broken = text(MINIMAL[BADGE]).replace("level: 1\n", "level: un\n")
    root = site({BADGE: ("\ufeff" + broken.replace("\n", "\r\n")).encode("utf-8")})
    status, _, err = run_cli("check", "--site", str(root))
    assert status == 1
    assert err == (f'{BADGE}:10:8: level: expected a whole number, found text "un"\n'
                   "vitrine: 1 problem found.\n")


@pytest.mark.parametrize("out, shown", [("public", "public/"), (".", "{here}/"), ("..", "{parent}/")])
def test_the_summary_names_the_output_folder_as_given(site, tmp_path, monkeypatch, out, shown):
    """`--out .` ended with "/ was left as it was"."""
    root = site({"content/badges/prise-de-parole.md": MINIMAL["content/badges/prise-de-parole.md"].replace(
        "category: transversal", "category: oral")})
    here = tmp_path / "elsewhere" / "here"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    status, _, err = run_cli("build", "--site", str(root), "--out", out)
    assert status == 1
    assert err.splitlines()[-1] == ("vitrine: 1 problem found; "
                                    + shown.format(here=here, parent=here.parent) + " was left as it was.")
    assert sorted(p.name for p in here.iterdir()) == []


def test_every_problem_of_a_run_is_reported_sorted(site):
    root = site({
        BADGE: text(MINIMAL[BADGE]).replace("issuer: bu", "issuer: bux").replace("level: 1", "level: 0"),
        "content/issuers/univ.md": "---\nname: Université\nurl: univ.example.org\n---\n",
        "content/pages/a-propos.md": "pas de frontmatter\n",
        "content/pages/faq.md": "---\ntitle: FAQ\n---\n",
        "content/pages/faq.de.md": "---\ntitle: FAQ\n---\n",
    })
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        'content/badges/prise-de-parole.md:3:9: issuer: no issuer "bux" (did you mean "bu"?)',
        "content/badges/prise-de-parole.md:10:8: level: 0 is too small: at least 1 expected",
        "content/issuers/univ.md:1:1: email: missing required field",
        'content/issuers/univ.md:3:6: url: "univ.example.org" is not an absolute http(s) URL (write "https://univ.example.org")',
        "content/pages/a-propos.md:1:1: expected the file to start with a '---' line opening the YAML frontmatter",
        "content/pages/faq.de.md:1:1: language: \"de\" is not one of the site's other languages (en)",
        "vitrine: 6 problems found; output/ was left as it was.",
    ]
    assert not (root / "output").exists()


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*")):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        if file.is_file():
            digest.update(file.read_bytes())
    return digest.hexdigest()


def test_check_writes_nothing(site):
    root = site()
    before = tree_digest(root)
    status, out, err = run_cli("check", "--site", str(root))
    assert (status, err) == (0, "")
    assert out == "OK: 2 issuers, 1 badge, 1 competency, 1 page, 2 languages.\n"
    assert tree_digest(root) == before
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.yaml"]


def test_check_of_a_broken_site_writes_nothing(site):
    root = site({BADGE: text(MINIMAL[BADGE]).replace("category: transversal", "category: oral")})
    before = tree_digest(root)
    status, out, err = run_cli("check", "--site", str(root))
    assert status == 1
    assert out == ""
    assert err == ('content/badges/prise-de-parole.md:5:11: category: "oral" is not allowed '
                   "(expected one of: network, participation, technical, transversal)\n"
                   "vitrine: 1 problem found.\n")
    assert tree_digest(root) == before


def test_first_of_languages_is_the_default_when_language_is_not_given(tmp_path):
    config, problems = parse_config("title: T\nbase_url: https://e.org/\nlanguages: [en, fr]\n", tmp_path)
    assert problems == []
    assert (config.language, config.languages) == ("en", ["en", "fr"])
    config, problems = parse_config("title: T\nbase_url: https://e.org/\nlanguage: en\nlanguages: [en, fr]\n", tmp_path)
    assert problems == [] and (config.language, config.languages) == ("en", ["en", "fr"])


def test_new_files_are_written_in_the_first_of_languages_when_language_is_not_given(site):
    root = site({"site.yaml": "title: T\nbase_url: https://badges.example.org/\nlanguages: [en, fr]\n"})
    status, out, err = run_cli("new", "page", "contact", "--site", str(root))
    assert status == 0, err
    assert "TO FILL IN" in (root / "content/pages/contact.md").read_text()


def test_a_related_draft_is_a_warning_at_its_item(site):
    """A draft is not published: linking it was dropped without a word."""
    badge = MINIMAL["content/badges/prise-de-parole.md"]
    draft = badge.replace("name: Prise de parole", "name: Brouillon\n        status: draft").replace(
        "level: 1", "level: 1\n        related: [prise-de-parole, autre-brouillon]")
    root = site({"content/badges/prise-de-parole.md": badge.replace("level: 1", "level: 1\n        related: [brouillon]"),
                 "content/badges/brouillon.md": draft,
                 "content/badges/autre-brouillon.md": draft.replace("related: [prise-de-parole, autre-brouillon]",
                                                                    "related: [brouillon]")})
    status, out, err = run_cli("check", "--site", str(root))
    assert status == 0, err
    found = [line for line in err.splitlines() if "related" in line]
    assert found == ['content/badges/prise-de-parole.md:11:11: warning: related[0]: "brouillon" is a draft: '
                     "not published, so not linked"]  # a draft linking a draft: nothing to say yet
    status, out, err = run_cli("check", "--site", str(root), "--strict")
    assert status == 1


def test_an_image_path_may_go_up_while_staying_inside_content(site):
    root = site({"content/badges/prise-de-parole.md": MINIMAL["content/badges/prise-de-parole.md"].replace(
        "image: badge.svg", "image: ../images/badge.svg")})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
