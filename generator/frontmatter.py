"""Split a content file into YAML frontmatter and Markdown body, keeping YAML positions.

Values come back as plain Python (dict, list, str, int, float, bool, None, date), with side
tables: the position of every value and key, so that a later check can name the exact line and
column of a field, and the source text of every plain scalar that YAML read as something other
than text (`0123` is the integer 83 for YAML 1.1; a text field wants "0123").

The YAML is read event by event (libyaml when available) rather than composed into nodes: an
alias is then seen where it is written, not where its anchor is, and nothing is ever expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .errors import Problem
from .yaml_errors import SIMPLE_KEY_HINT, Lines, diagnose, reader_problem, syntax_problem, yaml_quote

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


_HIDDEN_COMMENT_RE = re.compile(r"[ \t]+(?P<comment>#[^\s#].*?)(?:[ \t]+#(?:[ \t].*)?)?$")  # then a real comment


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

    locate = Lines(text)
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
                                    f'as text, write {yaml_quote(comment["comment"])}', warning=True))
        elif comment:
            written = lines[row][locate(event.start_mark)[1]:comment.end("comment")]
            warnings.append(Problem(path, row + 1 + line_offset, comment.start("comment") + 1, label(key),
                                    f'"{comment["comment"]}" is a YAML comment, left out of the text '
                                    f'("{event.value}"): to keep it, write {yaml_quote(written)}; a comment is written '
                                    f'"# ..."', warning=True))

    def joined_list(event: Any, key: Key) -> None:
        """`-une attestation` (no space after the dash) and `- un récit` below it: YAML reads no
        list there, but one text, "-une attestation - un récit", published as such. A dash that
        starts a line of a plain text was meant as a list item."""
        nonlocal lines
        if event.style or "-" not in event.value:
            return
        if event.start_mark.line == event.end_mark.line and event.value[0] != "-":
            return  # one line: a dash may start it only as its first character (most are slugs and dates)
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
        return result(None, syntax_problem(exc, text, path, line_offset))
    except yaml.reader.ReaderError as exc:
        return result(None, reader_problem(exc, text, path, line_offset))
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
            message = problem.message.removesuffix(SIMPLE_KEY_HINT)
            problem = replace(problem, message=message + " (is the closing '---' line of the frontmatter missing?)")
        return None, problem
    value = {} if r.value is None else r.value
    if not isinstance(value, dict):
        found = diagnose(lines[1:end], (end - 2, 0)) if isinstance(value, str) else None
        if found is not None:  # "name:Zotero" alone: one text, not a field
            (row, col), message = found
            return None, Problem(path, row + 2, col + 1, "", "invalid YAML: " + message)
        return None, Problem(path, 2, 1, "", "the frontmatter must be a mapping of fields (name: value)")
    body = "\n".join(lines[end + 1 :])
    return Document(path, value, body, end + 2, r.marks, r.key_marks, r.raw, top=(1, 1), warnings=r.warnings), None

