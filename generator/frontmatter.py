"""Split a content file into YAML frontmatter and Markdown body, keeping YAML positions.

Values come back as plain Python (dict, list, str, int, float, bool, None, date), with a side
table of positions so that a later check can name the exact line and column of a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .errors import Problem

try:  # libyaml is several times faster; both give the same nodes and marks
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_SCALAR = SafeConstructor()
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


class _Fail(Exception):
    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def decode(raw: bytes, path: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text with any BOM removed and line endings made "\\n"; or the problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(path, line, col, "", f"not valid UTF-8 text (byte 0x{raw[exc.start]:02X}); save the file as UTF-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, dict, dict, Problem | None]:
    """Parse one YAML document: (value, value marks, key marks, problem).

    `line_offset` is the number of file lines before the YAML text, so positions are real.
    """
    marks: dict[Key, tuple[int, int]] = {}
    key_marks: dict[Key, tuple[int, int]] = {}
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1 + line_offset, mark.column + 1) if mark else (1 + line_offset, 1)
        message = (exc.problem or exc.context or "invalid YAML").rstrip()
        if "\t" in message or "'\\t'" in message:
            message += " (indent with spaces, not tabs)"
        elif "mapping values are not allowed" in message:
            message += ' (a text containing ": " must be put in quotes)'
        elif "found duplicate anchor" in message or "found undefined alias" in message:
            message += " (anchors and aliases are not allowed in content files)"
        return None, marks, key_marks, Problem(path, line, col, "", f"invalid YAML: {message}")
    except yaml.YAMLError as exc:
        return None, marks, key_marks, Problem(path, 1 + line_offset, 1, "", f"invalid YAML: {exc}")
    finally:
        loader.dispose()
    if node is None:
        return {}, marks, key_marks, None
    seen: set[int] = set()

    def pos(n: yaml.Node) -> tuple[int, int]:
        return (n.start_mark.line + 1 + line_offset, n.start_mark.column + 1)

    def build(n: yaml.Node, key: Key) -> Any:
        if id(n) in seen:
            raise _Fail(*pos(n), "YAML aliases (*name) are not allowed in content files")
        seen.add(id(n))
        if len(seen) > MAX_NODES:
            raise _Fail(*pos(n), f"too many YAML values (more than {MAX_NODES})")
        marks[key] = pos(n)
        if isinstance(n, yaml.MappingNode):
            if n.tag != _STD + "map":
                raise _Fail(*pos(n), f"YAML tags such as {n.tag!r} are not allowed")
            out: dict[str, Any] = {}
            for k, v in n.value:
                if not isinstance(k, yaml.ScalarNode) or k.tag not in (_STD + "str", _STD + "int"):
                    if k.tag == _STD + "merge":
                        raise _Fail(*pos(k), "YAML merge keys (<<) are not allowed in content files")
                    raise _Fail(*pos(k), "a key must be a plain name")
                name = str(k.value)
                if name in out:
                    raise _Fail(*pos(k), f'duplicate key "{name}": each field may appear only once')
                key_marks[key + (name,)] = pos(k)
                out[name] = build(v, key + (name,))
            return out
        if isinstance(n, yaml.SequenceNode):
            if n.tag != _STD + "seq":
                raise _Fail(*pos(n), f"YAML tags such as {n.tag!r} are not allowed")
            return [build(item, key + (i,)) for i, item in enumerate(n.value)]
        make = _SCALAR_TAGS.get(n.tag)
        if make is None:
            raise _Fail(*pos(n), f"YAML tags such as {n.tag!r} are not allowed")
        try:
            return make(n)
        except (ValueError, yaml.YAMLError, OverflowError):
            raise _Fail(*pos(n), f'"{n.value}" is not a valid {n.tag.rsplit(":", 1)[-1]}') from None

    try:
        value = build(node, ())
    except _Fail as exc:
        return None, marks, key_marks, Problem(path, exc.line, exc.col, "", exc.message)
    except RecursionError:
        return None, marks, key_marks, Problem(path, 1 + line_offset, 1, "", "YAML nested too deeply")
    return value, marks, key_marks, None


def parse_frontmatter(text: str, path: str) -> tuple[Document | None, Problem | None]:
    """Split `---` frontmatter from the body and parse it. `text` is decoded already."""
    if not text.strip():
        return None, Problem(path, 1, 1, "", "empty file: expected YAML frontmatter between two '---' lines, then the body")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, Problem(path, 1, 1, "", "expected the file to start with a '---' line opening the YAML frontmatter")
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        return None, Problem(path, 1, 1, "", "the frontmatter is not closed: add a '---' line after the last field")
    yaml_text = "\n".join(lines[1:end])
    value, marks, key_marks, problem = parse_yaml(yaml_text, path, line_offset=1)
    if problem:
        return None, problem
    if value is None:
        value = {}
    if not isinstance(value, dict):
        return None, Problem(path, 2, 1, "", "the frontmatter must be a mapping of fields (name: value)")
    body = "\n".join(lines[end + 1 :])
    return Document(path, value, body, end + 2, marks, key_marks), None
