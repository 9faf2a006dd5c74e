"""Split a content file into YAML frontmatter and Markdown body, keeping YAML positions.

Values come back as plain Python (dict, list, str, int, float, bool, None, date), with side
tables: the position of every value and key, so that a later check can name the exact line and
column of a field, and the source text of every plain scalar that YAML read as something other
than text (`0123` is the integer 83 for YAML 1.1; a text field wants "0123").

The YAML is read event by event (libyaml when available) rather than composed into nodes: an
alias is then seen where it is written, not where its anchor is, and nothing is ever expanded.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .errors import Problem

try:  # libyaml is several times faster; both give the same events and marks
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_SCALAR = SafeConstructor()
_RESOLVER = Resolver()
_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {
    _STD + "str": lambda node: node.value,
    _STD + "null": lambda node: None,
    _STD + "bool": _SCALAR.construct_yaml_bool,
    _STD + "int": _SCALAR.construct_yaml_int,
    _STD + "float": _SCALAR.construct_yaml_float,
    _STD + "timestamp": _SCALAR.construct_yaml_timestamp,
}
MAX_NODES = 10_000  # a frontmatter has tens of values; this bounds hostile files
MAX_DEPTH = 64  # lists and mappings inside each other


Key = tuple  # a path into the data: ("alignments", 0, "url")


@dataclass
class Document:
    """A parsed content file."""

    path: str  # site-relative, for messages
    data: dict[str, Any]
    body: str
    body_line: int = 1  # file line where the body starts
    marks: dict[Key, tuple[int, int]] = field(default_factory=dict)  # value positions
    key_marks: dict[Key, tuple[int, int]] = field(default_factory=dict)  # key positions
    raw: dict[Key, str] = field(default_factory=dict)  # source text of plain scalars not read as text
    top: tuple[int, int] | None = None  # where a missing top-level field is reported (the opening ---)
    warnings: list[Problem] = field(default_factory=list)  # legal YAML that is likely not what was meant

    def where(self, key: Key = ()) -> tuple[int, int]:
        """(line, col) of a value, falling back to its key, its parent, then the file start."""
        while True:
            if key in self.marks:
                return self.marks[key]
            if key in self.key_marks:
                return self.key_marks[key]
            if not key:
                return (1, 1)
            key = key[:-1]

    def where_key(self, key: Key) -> tuple[int, int]:
        return self.key_marks.get(key) or self.where(key)

    def value(self, key: Key) -> Any:
        """The value at a key path, or None."""
        node: Any = self.data
        for part in key:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def where_whole(self, key: Key) -> tuple[int, int]:
        """Where to report a problem about a value as a whole: a block mapping or list starts on
        the line after its key (at its first child), so point at the key."""
        if key in self.key_marks and key in self.marks and isinstance(self.value(key), (dict, list)):
            if self.marks[key][0] > self.key_marks[key][0]:
                return self.key_marks[key]
        if not key and self.top is not None:
            return self.top
        return self.where(key)


@dataclass
class YAMLResult:
    value: Any
    marks: dict[Key, tuple[int, int]]
    key_marks: dict[Key, tuple[int, int]]
    raw: dict[Key, str]
    problem: Problem | None
    warnings: list[Problem] = field(default_factory=list)


def label(key: Key) -> str:
    """The dotted field name of a key path: request.url, alignments[1].url."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def show_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


class _Fail(Exception):
    def __init__(self, line: int, col: int, message: str, key: Key = ()):
        super().__init__(message)
        self.line, self.col, self.message, self.key = line, col, message, key


def decode(raw: bytes, path: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text with any BOM removed and line endings made "\\n"; or the problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode"
            return None, Problem(path, 1, 1, "", "the file is in UTF-16 (\"Unicode\" in Notepad): save it as UTF-8")
        try:  # an older Windows editor's Windows-1252 (Latin-1): say which letter the byte is there
            letter = bytes([byte]).decode("cp1252")
            raw.decode("cp1252")
        except UnicodeDecodeError:
            letter = ""
        said = (f'byte 0x{byte:02X}, "{letter}" in Windows-1252 (Latin-1), the encoding of older editors'
                if letter and letter.isprintable() and not letter.isspace() else f"byte 0x{byte:02X}")
        return None, Problem(path, line, col, "", f"not valid UTF-8 text ({said}); save the file as UTF-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


_CONTEXTS = {  # libyaml's "while ..." context, said for an author, when its mark is elsewhere
    "while parsing a flow sequence": "the list opened at line {line}, column {col} is not closed",
    "while parsing a flow mapping": "the mapping opened at line {line}, column {col} is not closed",
    "while scanning a quoted scalar": "the quoted text opened at line {line}, column {col} is not closed",
    "while parsing a block mapping": "check the indentation: fields of one mapping start in the same column",
    "while parsing a block collection": 'check the indentation: items of one list start with "-" in the same column',
}


_SIMPLE_KEY_HINT = ' (a field is written "name: value")'


class _Lines:
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
_NO_SPACE_RE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:/\\].*)$")
_VALUE_RE = re.compile(r"^(?P<lead>\s*(?:-\s+)?(?:[A-Za-z_][\w-]*:[ \t]+|(?<=-\s)))(?P<value>\S.*)$")
_LIST_ITEM_RE = re.compile(r"^(?P<indent>\s*)-(?P<value>[^\s-].*)$")
_FLOW_COMMENT_RE = re.compile(r"[\[{,\s](?P<word>#[^\s,\]}]+)")
_HIDDEN_COMMENT_RE = re.compile(r"[ \t]+(?P<comment>#[^\s#].*?)(?:[ \t]+#(?:[ \t].*)?)?$")  # then a real comment
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


def _diagnose(lines: list[str], at: tuple[int, int]) -> tuple[tuple[int, int], str] | None:
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
                    how = f"write {field['lead'].strip()} {_quote(value[1:-1], avoid=quote)}"
                else:
                    how = ("inside '...', an apostrophe is written twice ('L''atelier')" if quote == "'"
                           else 'inside "...", a quote is written \\"')
                return ((row, end), f"the quoted text ends here, and more text follows it: {how}")
        elif field and field["value"][0] in "[{" and (hidden := _FLOW_COMMENT_RE.search(field["value"])):
            # "tags: [python, #opendata]": the comment hides the rest of the line, "]" included
            start = field.start("value") + hidden.start("word")
            return ((row, start), f'"#" after a space or a comma starts a YAML comment, which hides the rest of the '
                                  f'line: write {_quote(hidden["word"])}')
        elif field and field["value"][0] in "[{" and row == at[0]:
            start = field.start("value")
            end = _flow_end(line, start)
            if end is not None and line[end + 1:].strip() and not line[end + 1:].lstrip().startswith("#"):
                what = "a list" if line[start] == "[" else "a mapping"
                return ((row, start), f'a value that starts with "{line[start]}" is {what} for YAML, and text follows '
                                      f"it: put the whole text in quotes (write {field['lead'].strip()} "
                                      f"{_quote(field['value'].rstrip())})")
        if field and row == at[0] and field["value"][0] in _INDICATORS and abs(at[1] - field.start("value")) <= 2:
            char = field["value"][0]
            if char != "-" or field["value"][1:2] in (" ", ""):
                return ((row, field.start("value")), f'a text that starts with "{char}" must be put in quotes '
                                                     f"(write {field['lead'].strip()} {_quote(field['value'].rstrip())})")
    row = at[0]
    if 0 < row < len(lines):  # "   instructions:" under "  email: x": read as the rest of email's text
        line = lines[row]
        current = _FIELD_RE.match(line)
        above = next((lines[r] for r in range(row - 1, -1, -1) if lines[r].strip() and
                      not lines[r].lstrip().startswith("#")), "")
        previous = _FIELD_RE.match(above)
        if current and previous and len(current["indent"]) > len(previous["indent"]) \
                and above[previous.end():].strip() and not above[previous.end():].strip().startswith(("|", ">", "#")):
            return ((row, len(current["indent"])),
                    f'"{current["key"]}" is indented more than "{previous["key"]}" above it, so it is read as the rest '
                    f'of its text: fields of one mapping start in the same column')
    return None


def _quote(text: str, avoid: str = "") -> str:
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


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str, line_offset: int) -> Problem:
    message = (exc.problem or exc.context or "invalid YAML").rstrip()
    locate = _Lines(text)
    mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
    at = locate(mark) if mark is not None else None
    if exc.context == "while scanning a simple key" and context is not None:
        mark, at = context, locate(context)  # the line that has no ":", not the line after it
        message += _SIMPLE_KEY_HINT
    elif exc.problem and exc.context in _CONTEXTS and context is not None and (mark is None or locate(context) != at):
        where = {"line": locate(context)[0] + 1 + line_offset, "col": locate(context)[1] + 1}
        message += " (" + _CONTEXTS[exc.context].format(**where) + ")"
    lines = text.split("\n")
    bad_line = lines[at[0]] if at is not None and at[0] < len(lines) else ""
    at_tab = at is not None and at[1] < len(bad_line) and bad_line[at[1]] == "\t"
    indent = bad_line[: len(bad_line) - len(bad_line.lstrip(" \t"))]
    if "\t" in message or re.search(r"\btab\b", message) or at_tab or "\t" in indent:
        message += " (indent with spaces, not tabs)"
    elif at is not None and (found := _diagnose(lines, at)) is not None:
        (row, column), message = found
        return Problem(path, row + 1 + line_offset, column + 1, "", "invalid YAML: " + message)
    elif "mapping values are not allowed" in message:
        field = _VALUE_RE.match(bad_line)
        value = re.sub(r"\s+#.*$", "", field["value"]).rstrip() if field else ""
        if field and ": " in value and value[0] not in "'\"[{" and at[1] >= field.start("value"):
            message = ('a text containing ": " must be put in quotes '
                       f"(write {field['lead'].strip()} {_quote(value)})")  # "name: Atelier : niveau 1"
        else:
            message += ' (a text containing ": " must be put in quotes)'
    line, col = (at[0] + 1 + line_offset, at[1] + 1) if at is not None else (1 + line_offset, 1)
    return Problem(path, line, col, "", "invalid YAML: " + message)


def read_yaml(text: str, path: str, line_offset: int = 0) -> YAMLResult:
    """Parse one YAML document into plain values, positions and source texts.

    `line_offset` is the number of file lines before the YAML text, so positions are real.
    A problem that stops the reading (a syntax error, a tag, an alias) is the only one returned;
    a scalar that YAML cannot construct (`date: 2024-13-45`) is kept as its source text, for the
    field checks to report with everything else.
    """
    marks: dict[Key, tuple[int, int]] = {}
    key_marks: dict[Key, tuple[int, int]] = {}
    raw: dict[Key, str] = {}

    warnings: list[Problem] = []

    def result(value: Any, problem: Problem | None = None) -> YAMLResult:
        return YAMLResult(value, marks, key_marks, raw, problem, warnings)

    locate = _Lines(text)
    lines: list[str] | None = None

    def hidden_comment(event: Any, key: Key) -> None:
        """`name: Hackathon #3`: YAML reads " #3" as a comment, and the name as "Hackathon". A
        comment is written "# ..."; a "#" right before a word or number was meant as text."""
        nonlocal lines
        if event.style or "#" not in text:
            return
        if lines is None:
            lines = text.split("\n")
        row, col = locate(event.end_mark)
        if row >= len(lines) or locate(event.start_mark)[0] != row:
            return
        comment = _HIDDEN_COMMENT_RE.match(lines[row], col)
        if comment and not event.value:  # "name: #1 des badges": no text at all, only a comment
            warnings.append(Problem(path, row + 1 + line_offset, comment.start("comment") + 1, label(key),
                                    f'"{comment["comment"]}" is a YAML comment, so the field is empty: to keep it '
                                    f'as text, write {_quote(comment["comment"])}', warning=True))
        elif comment:
            written = lines[row][locate(event.start_mark)[1]:comment.end("comment")]
            warnings.append(Problem(path, row + 1 + line_offset, comment.start("comment") + 1, label(key),
                                    f'"{comment["comment"]}" is a YAML comment, left out of the text '
                                    f'("{event.value}"): to keep it, write {_quote(written)}; a comment is written '
                                    f'"# ..."', warning=True))

    def joined_list(event: Any, key: Key) -> None:
        """`-une attestation` (no space after the dash) and `- un récit` below it: YAML reads no
        list there, but one text, "-une attestation - un récit", published as such. A dash that
        starts a line of a plain text was meant as a list item."""
        nonlocal lines
        if event.style or "-" not in event.value:
            return
        if lines is None:
            lines = text.split("\n")
        first, start_col = locate(event.start_mark)
        last = locate(event.end_mark)[0]
        if first >= len(lines):
            return
        rows = [first] if start_col == len(lines[first]) - len(lines[first].lstrip(" \t")) else []
        for row in [*rows, *range(first + 1, min(last, len(lines) - 1) + 1)]:
            line = lines[row]
            at = len(line) - len(line.lstrip(" \t"))
            after = line[at + 1:at + 2]
            if line[at:at + 1] == "-" and not after.isdigit() and (after not in ("", " ", "-") or row > first and after == " "):
                shown = line[at:].strip()
                shown = shown if len(shown) <= 40 else shown[:39] + "…"
                warnings.append(Problem(path, row + 1 + line_offset, at + 1, label(key),
                                        f'"{shown}" is read as part of a text, not as a list item: write each item '
                                        f'"- item", with a space after the dash, one under the other (or start a text '
                                        f'of several lines with |)', warning=True))
                return

    def pos(mark: Any) -> tuple[int, int]:
        line, col = locate(mark)
        return (line + 1 + line_offset, col + 1)

    # Each open collection: [container, its key path, the pending mapping key or None].
    stack: list[list[Any]] = []
    root: list[Any] = []
    nodes = 0
    documents = 0

    def place(event: Any) -> Key | None:
        """The key path of the node this event starts; None when it is a mapping key."""
        if not stack:
            return ()
        container, key, pending = stack[-1]
        if isinstance(container, list):
            return key + (len(container),)
        if pending is None:
            return None
        return key + (pending,)

    def attach(value: Any) -> None:
        if not stack:
            root.append(value)
            return
        frame = stack[-1]
        if isinstance(frame[0], list):
            frame[0].append(value)
        else:
            frame[0][frame[2]] = value
            frame[2] = None

    def top_field() -> Key:
        """The top-level field being read, for messages about the file as a whole."""
        if len(stack) >= 2:
            return stack[1][1][:1]
        if stack and stack[0][2] is not None:
            return (stack[0][2],)
        return ()

    def take_key(event: Any) -> None:
        container, key, _ = stack[-1]
        if isinstance(event, yaml.AliasEvent):
            raise _Fail(*pos(event.start_mark), "YAML aliases (*name) are not allowed in content files")
        tag = None
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag in (None, "!"):
                tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
                if tag != _STD + "merge":
                    tag = _STD + "str"  # a key is a name as written: "no:" (Norwegian) is not false
        if tag == _STD + "merge":
            raise _Fail(*pos(event.start_mark), "YAML merge keys (<<) are not allowed in content files")
        if tag not in (_STD + "str", _STD + "int") or not str(event.value).strip():
            raise _Fail(*pos(event.start_mark), "a key must be a plain name")
        name = str(event.value)
        if name in container:
            first = key_marks.get(key + (name,))
            where = f" (first at line {first[0]})" if first else ""
            field = key[1:] if key and isinstance(key[0], int) else key  # an award record's: badge, not [3].badge
            raise _Fail(*pos(event.start_mark), f"written twice{where}: each field may appear only once",
                        field + (name,))
        key_marks[key + (name,)] = pos(event.start_mark)
        stack[-1][2] = name

    def scalar(event: Any, key: Key) -> Any:
        tag = event.tag
        implicit = tag in (None, "!")
        if implicit:
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        make = _SCALAR_TAGS.get(tag)
        if make is None:
            if not implicit:
                raise _Fail(*pos(event.start_mark), f"YAML tags ({show_tag(tag)}) are not allowed", key)
            return event.value  # "=" and "<<" as values: text
        try:
            value = make(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style))
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            return event.value  # the field check says what is wrong with it, by name
        if not isinstance(value, str) and event.implicit[0]:
            raw[key] = event.value
        return value

    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Fail(*pos(event.start_mark), "a second YAML document starts here: only one is expected")
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                attach(stack.pop()[0])
                continue
            if not isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)):
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise _Fail(*pos(event.start_mark), f"too many YAML values (more than {MAX_NODES})", top_field())
            key = place(event)
            if key is None:
                take_key(event)
                continue
            marks[key] = pos(event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                raise _Fail(*pos(event.start_mark), "YAML aliases (*name) are not allowed in content files", key)
            if isinstance(event, yaml.ScalarEvent):
                attach(scalar(event, key))
                hidden_comment(event, key)
                joined_list(event, key)
                continue
            mapping = isinstance(event, yaml.MappingStartEvent)
            if event.tag not in (None, "!", _STD + ("map" if mapping else "seq")):
                raise _Fail(*pos(event.start_mark), f"YAML tags ({show_tag(event.tag)}) are not allowed", key)
            if len(stack) >= MAX_DEPTH:
                raise _Fail(*pos(event.start_mark), f"YAML nested too deeply (at most {MAX_DEPTH} levels)", key[:1])
            stack.append([{} if mapping else [], key, None])
    except _Fail as exc:
        return result(None, Problem(path, exc.line, exc.col, label(exc.key), exc.message))
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or ""):
            # PyYAML >= 6.0.4 stops at 1,000 levels while scanning ahead of the events, so a
            # deeper file fails there before our own limit is reached: same message, same field.
            line, col = pos(exc.problem_mark) if exc.problem_mark else (1 + line_offset, 1)
            key = top_field() or _top_key_before(text, line - line_offset)
            return result(None, Problem(path, line, col, label(key), f"YAML nested too deeply (at most {MAX_DEPTH} levels)"))
        return result(None, _syntax_problem(exc, text, path, line_offset))
    except yaml.reader.ReaderError as exc:
        return result(None, _reader_problem(exc, text, path, line_offset))
    except yaml.YAMLError as exc:
        return result(None, Problem(path, 1 + line_offset, 1, "", f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    return result(root[0] if root else {})


_TOP_KEY_RE = re.compile(r"^([^\s#\-\[\]{}'\"][^:]*):")


def _top_key_before(text: str, line: int) -> tuple:
    """The top-level key written at or above 1-based `line` of `text`, as a key path."""
    for row in reversed(text.split("\n")[:line]):
        found = _TOP_KEY_RE.match(row)
        if found:
            return (found.group(1).strip(),)
    return ()


def _reader_problem(exc: Any, text: str, path: str, line_offset: int) -> Problem:
    """A character YAML refuses (libyaml gives its position in UTF-8 bytes)."""
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
    line = before.count("\n") + 1 + line_offset
    col = len(before) - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    what = "control character" if "control" in (exc.reason or "") else "character"
    return Problem(path, line, col, "", f"invalid YAML: {what} U+{char:04X} is not allowed")


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, dict, dict, Problem | None]:
    """Parse one YAML document: (value, value marks, key marks, problem). See `read_yaml`."""
    r = read_yaml(text, path, line_offset)
    return r.value, r.marks, r.key_marks, r.problem


_PROSE_RE = re.compile(r"^[^\s:#\-\[\]{}'\"|>&*!%@`][^:]*$")  # a line of text without ":"


def _looks_like_body(yaml_text: str, upto: int) -> bool:
    """Before YAML line `upto` (0-based), a blank line, then Markdown (a heading or prose) and
    at least one line of prose: the body, read as YAML because the closing '---' is missing?"""
    lines = yaml_text.split("\n")[: upto + 1]
    started = False
    for i, line in enumerate(lines):
        if not started and i > 0 and not lines[i - 1].strip() and (line.startswith("#") or _PROSE_RE.match(line)):
            started = True
        if started and _PROSE_RE.match(line):
            return True
    return False


def parse_frontmatter(text: str, path: str) -> tuple[Document | None, Problem | None]:
    """Split `---` frontmatter from the body and parse it. `text` is decoded already."""
    if not text.strip():
        return None, Problem(path, 1, 1, "", "empty file: expected YAML frontmatter between two '---' lines, then the body")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        first = next(i for i, line in enumerate(lines) if line.strip())
        if lines[first].strip() == "---":  # empty lines, or spaces, before it
            said = (f"the file starts with {first} empty line{'s' if first > 1 else ''}" if first else
                    "the '---' line starts with spaces")
            return None, Problem(path, first + 1, 1, "", f"{said}: the '---' line opening the frontmatter must be "
                                                         "the very first line, with nothing before it")
        if re.fullmatch(r"-{4,}\s*|—\s*|–-\s*|-–\s*", lines[first]):  # "----", or a dash an editor made long
            return None, Problem(path, first + 1, 1, "", f"the frontmatter opens with exactly three hyphens '---', "
                                                         f"not '{lines[first].strip()}'")
        return None, Problem(path, 1, 1, "", "expected the file to start with a '---' line opening the YAML frontmatter")
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        near = next((i for i in range(1, len(lines)) if re.fullmatch(r"\s*-{3,}\s*|—\s*", lines[i])), None)
        if near is not None:
            return None, Problem(path, near + 1, 1, "", f"the frontmatter is not closed: this line is "
                                                        f"'{lines[near].rstrip()}', the closing line is exactly '---', "
                                                        "at the start of the line")
        return None, Problem(path, 1, 1, "", "the frontmatter is not closed: add a '---' line after the last field")
    yaml_text = "\n".join(lines[1:end])
    r = read_yaml(yaml_text, path, line_offset=1)
    if r.problem:
        problem = r.problem
        if problem.message.startswith("invalid YAML: ") and _looks_like_body(yaml_text, problem.line - 2):
            message = problem.message.removesuffix(_SIMPLE_KEY_HINT)
            problem = replace(problem, message=message + " (is the closing '---' line of the frontmatter missing?)")
        return None, problem
    value = {} if r.value is None else r.value
    if not isinstance(value, dict):
        found = _diagnose(lines[1:end], (end - 2, 0)) if isinstance(value, str) else None
        if found is not None:  # "name:Zotero" alone: one text, not a field
            (row, col), message = found
            return None, Problem(path, row + 2, col + 1, "", "invalid YAML: " + message)
        return None, Problem(path, 2, 1, "", "the frontmatter must be a mapping of fields (name: value)")
    body = "\n".join(lines[end + 1 :])
    return Document(path, value, body, end + 2, r.marks, r.key_marks, r.raw, top=(1, 1), warnings=r.warnings), None

