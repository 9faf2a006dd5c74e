"""YAML syntax errors said for an author: where the mistake is, and how to write it.

libyaml reports where it gave up, which is often a line or more after the mistake, with words
about its grammar ("did not find expected key"). frontmatter.read_yaml (content files, site.yaml,
award records) and i18n (a theme's catalogues) turn its errors into one Problem each here: the
usual slips of a hand writing YAML are recognised in the lines up to the error (a missing space
after a colon, an unclosed quote, a "#" that starts a comment, a text that must be quoted, a field
indented too far) and named at their own line and column.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import yaml

from .errors import Problem

_CONTEXTS = {  # libyaml's "while ..." context, said for an author, when its mark is elsewhere
    "while parsing a flow sequence": "the list opened at line {line}, column {col} is not closed",
    "while parsing a flow mapping": "the mapping opened at line {line}, column {col} is not closed",
    "while scanning a quoted scalar": "the quoted text opened at line {line}, column {col} is not closed",
    "while parsing a block mapping": "check the indentation: fields of one mapping start in the same column",
    "while parsing a block collection": 'check the indentation: items of one list start with "-" in the same column',
}


SIMPLE_KEY_HINT = ' (a field is written "name: value")'


class Lines:
    """A YAML mark's (line, column), 0-based, as the file counts them: only "\\n" ends a line.
    YAML also ends lines at U+0085, U+2028 and U+2029, which a text may hold: then the mark's
    character index is placed among the file's own lines."""

    def __init__(self, text: str):
        self.exact = not any(c in text for c in "\x85\u2028\u2029\r")
        self.starts = [] if self.exact else [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, mark: Any) -> tuple[int, int]:
        if self.exact:
            return mark.line, mark.column
        line = bisect.bisect_right(self.starts, mark.index) - 1
        return line, mark.index - self.starts[line]


# What an author's hand does to YAML, seen in the lines up to a syntax error: libyaml reports
# where it gave up, which is often a line or more after the mistake, with words about the grammar
# ("did not find expected key") that send one to check the indentation of a line that is fine.
_FIELD_RE = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z_][\w-]*):(?:\s|$)")
_ITEM_FIELD_RE = re.compile(r"^(?P<indent>\s*-\s+)(?P<key>[A-Za-z_][\w-]*):(?:\s|$)")
_NO_SPACE_RE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:/\\].*)$")
_VALUE_RE = re.compile(r"^(?P<lead>\s*(?:-\s+)?(?:[A-Za-z_][\w-]*:[ \t]+|(?<=-\s)))(?P<value>\S.*)$")
_LIST_ITEM_RE = re.compile(r"^(?P<indent>\s*)-(?P<value>[^\s-].*)$")
_FLOW_COMMENT_RE = re.compile(r"[\[{,\s](?P<word>#[^\s,\]}]+)")
_INDICATORS = "@`%*&!|>?-"


def _quoted_end(text: str, start: int) -> int | None:
    """The index of the quote that closes the quoted text opened at `start` (YAML's rules: '' is
    an apostrophe inside '...', a backslash escapes inside "..."), or None."""
    quote, i = text[start], start + 1
    while i < len(text):
        c = text[i]
        if quote == '"' and c == "\\":
            i += 2
            continue
        if c == quote:
            if quote == "'" and text.startswith("''", i):
                i += 2
                continue
            return i
        i += 1
    return None


def diagnose(lines: list[str], at: tuple[int, int]) -> tuple[tuple[int, int], str] | None:
    """The mistake behind a YAML syntax error at `at` (0-based line, column), said for an author,
    with where it is; None when none of the usual ones is seen."""
    for row in range(min(at[0], len(lines) - 1) + 1):
        line = lines[row]
        if line.lstrip().startswith("#"):
            continue
        missing = _NO_SPACE_RE.match(line)
        if missing:  # "issuer:scd": one text for YAML, then the next field breaks the mapping
            key, value = missing["key"], missing["value"].rstrip()
            return ((row, missing.end("key")),
                    f'a space is needed after the colon of "{key}:" (write "{key}: {value}")')
        item = _LIST_ITEM_RE.match(line)
        if item and row == at[0]:
            return ((row, item.start("value") - 1),
                    f'a list item is written with a space after "-" (write "- {item["value"].rstrip()}")')
        field = _VALUE_RE.match(line)
        if field and field["value"][0] in "'\"":  # a quoted text: closed on its line, and alone?
            start = field.start("value")
            joined = "\n".join(lines[row:])
            end = _quoted_end(joined, start)
            quote = field["value"][0]
            if end is None or end > len(line):
                inside = joined[start + 1: end]
                if any(_FIELD_RE.match(other) for other in inside.split("\n")[1:]):
                    return ((row, start), f"the quoted text opened here is not closed on its line, so the fields "
                                          f"below are read as part of it (add the closing {quote})")
            elif row == at[0] and line[end + 1:].strip() and not line[end + 1:].lstrip().startswith("#"):
                value = re.sub(r"\s+#.*$", "", field["value"]).rstrip()  # a comment after it is no text
                if len(value) > 1 and value.endswith(quote):  # 'L'atelier': the quotes meant to be text
                    how = f"write {field['lead'].strip()} {yaml_quote(value[1:-1], avoid=quote)}"
                else:
                    how = ("inside '...', an apostrophe is written twice ('L''atelier')" if quote == "'"
                           else 'inside "...", a quote is written \\"')
                return ((row, end), f"the quoted text ends here, and more text follows it: {how}")
        elif field and field["value"][0] in "[{" and (hidden := _FLOW_COMMENT_RE.search(field["value"])):
            # "tags: [python, #opendata]": the comment hides the rest of the line, "]" included
            start = field.start("value") + hidden.start("word")
            return ((row, start), f'"#" after a space or a comma starts a YAML comment, which hides the rest of the '
                                  f'line: write {yaml_quote(hidden["word"])}')
        elif field and field["value"][0] in "[{" and row == at[0]:
            start = field.start("value")
            end = _flow_end(line, start)
            if end is not None and line[end + 1:].strip() and not line[end + 1:].lstrip().startswith("#"):
                what = "a list" if line[start] == "[" else "a mapping"
                return ((row, start), f'a value that starts with "{line[start]}" is {what} for YAML, and text follows '
                                      f"it: put the whole text in quotes (write {field['lead'].strip()} "
                                      f"{yaml_quote(field['value'].rstrip())})")
        if field and row == at[0] and field["value"][0] in _INDICATORS and abs(at[1] - field.start("value")) <= 2:
            char = field["value"][0]
            if char != "-" or field["value"][1:2] in (" ", ""):
                return ((row, field.start("value")), f'a text that starts with "{char}" must be put in quotes '
                                                     f"(write {field['lead'].strip()} {yaml_quote(field['value'].rstrip())})")
    row = at[0]
    if 0 < row < len(lines):  # "   instructions:" under "  email: x": read as the rest of email's text
        line = lines[row]
        current = _FIELD_RE.match(line)
        above = next((lines[r] for r in range(row - 1, -1, -1) if lines[r].strip() and
                      not lines[r].lstrip().startswith("#")), "")
        previous = _FIELD_RE.match(above) or _ITEM_FIELD_RE.match(above)  # "- id: x", a record's first field
        if current and previous and len(current["indent"]) > len(previous["indent"]) \
                and above[previous.end():].strip() and not above[previous.end():].strip().startswith(("|", ">", "#")):
            return ((row, len(current["indent"])),
                    f'"{current["key"]}" is indented more than "{previous["key"]}" above it, so it is read as the rest '
                    f'of its text: fields of one mapping start in the same column')
    return None


def yaml_quote(text: str, avoid: str = "") -> str:
    """`text` as a YAML quoted scalar, in double quotes unless it holds some (or `avoid` says)."""
    if '"' not in text and avoid != '"':
        return '"' + text.replace("\\", "\\\\") + '"'
    return "'" + text.replace("'", "''") + "'"


def _flow_end(line: str, start: int) -> int | None:
    """The index of the bracket closing the flow list or mapping opened at `start`, on its line."""
    depth, i = 0, start
    while i < len(line):
        c = line[i]
        if c in "'\"":
            end = _quoted_end(line, i)
            if end is None:
                return None
            i = end
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str, line_offset: int) -> Problem:
    """A YAML syntax error of `text` (whose first line is line `line_offset` + 1 of `path`) as one Problem."""
    message = (exc.problem or exc.context or "invalid YAML").rstrip()
    locate = Lines(text)
    mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
    at = locate(mark) if mark is not None else None
    if exc.context == "while scanning a simple key" and context is not None:
        mark, at = context, locate(context)  # the line that has no ":", not the line after it
        message += SIMPLE_KEY_HINT
    elif exc.problem and exc.context in _CONTEXTS and context is not None and (mark is None or locate(context) != at):
        where = {"line": locate(context)[0] + 1 + line_offset, "col": locate(context)[1] + 1}
        message += " (" + _CONTEXTS[exc.context].format(**where) + ")"
    lines = text.split("\n")
    if exc.context == "while parsing a flow node" and at is not None:  # "tags: [web," and nothing after
        for row in range(min(at[0], len(lines) - 1), -1, -1):
            field = _VALUE_RE.match(lines[row])
            if field and field["value"][0] in "[{" and _flow_end(lines[row], field.start("value")) is None:
                what = "list" if field["value"][0] == "[" else "mapping"
                return Problem(path, row + 1 + line_offset, field.start("value") + 1, "",
                               f"invalid YAML: the {what} opened here is not closed (add its closing "
                               f"{']' if what == 'list' else '}'})")
    bad_line = lines[at[0]] if at is not None and at[0] < len(lines) else ""
    at_tab = at is not None and at[1] < len(bad_line) and bad_line[at[1]] == "\t"
    indent = bad_line[: len(bad_line) - len(bad_line.lstrip(" \t"))]
    if "\t" in indent and at is not None and at[1] <= len(indent):
        # PyYAML's words ("found character that cannot start any token") name its parser's state
        message = "this line is indented with a tab: indent with spaces (YAML does not accept tabs there)"
    elif "\t" in message or re.search(r"\btab\b", message) or at_tab or "\t" in indent:
        message += " (indent with spaces, not tabs)"
    elif at is not None and (found := diagnose(lines, at)) is not None:
        (row, column), message = found
        return Problem(path, row + 1 + line_offset, column + 1, "", "invalid YAML: " + message)
    elif "mapping values are not allowed" in message:
        field = _VALUE_RE.match(bad_line)
        value = re.sub(r"\s+#.*$", "", field["value"]).rstrip() if field else ""
        if field and ": " in value and value[0] not in "'\"[{" and at[1] >= field.start("value"):
            message = ('a text containing ": " must be put in quotes '
                       f"(write {field['lead'].strip()} {yaml_quote(value)})")  # "name: Atelier : niveau 1"
        else:
            message += ' (a text containing ": " must be put in quotes)'
    line, col = (at[0] + 1 + line_offset, at[1] + 1) if at is not None else (1 + line_offset, 1)
    return Problem(path, line, col, "", "invalid YAML: " + message)


def reader_problem(exc: Any, text: str, path: str, line_offset: int) -> Problem:
    """A character YAML refuses (libyaml gives its position in UTF-8 bytes)."""
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
    line = before.count("\n") + 1 + line_offset
    col = len(before) - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    what = "control character" if "control" in (exc.reason or "") else "character"
    return Problem(path, line, col, "", f"invalid YAML: {what} U+{char:04X} is not allowed")
