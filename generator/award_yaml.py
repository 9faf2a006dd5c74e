"""Reading an awards file (`awards/*.yaml`, a YAML list of records) into one YAML document per
record, with the positions of its values for messages; awards.check_file checks them.

Files that the tool writes are block lists (`- id: ...` at the start of a line). Such a file is
split into its records before parsing, so that a file of thousands of records parses in small
pieces (each with its exact line numbers) and a broken record does not hide the others.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import Problem
from .fields import type_name
from .frontmatter import Document, parse_yaml

_ITEM_RE = re.compile(r"^-(?:[ \t]|$)")
_GROUP = 64  # records parsed together (well under frontmatter.MAX_NODES)


def _spans(lines: list[str]) -> list[tuple[int, int]] | None:
    """[(first, end)) line indexes of each record of a block list; None if it is not one."""
    starts = [i for i, line in enumerate(lines) if _ITEM_RE.match(line)]
    if not starts:
        return None
    for line in lines[: starts[0]]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return None
    ends = starts[1:] + [len(lines)]
    return list(zip(starts, ends))


def _trim_end(lines: list[str], first: int, end: int) -> int:
    """Index of the last line of a record, skipping trailing blank lines and column-0 comments."""
    last = end - 1
    while last > first and (not lines[last].strip() or lines[last].startswith("#")):
        last -= 1
    return last


def partition(marks: dict) -> dict[int, dict]:
    """Marks of a list, by item: {index: {rest of key: mark}}, in one pass."""
    out: dict[int, dict] = {}
    for k, v in marks.items():
        if k:
            out.setdefault(k[0], {})[k[1:]] = v
    return out


# The fast path. A record whose text has none of these parses the same with libyaml's plain
# loader as with frontmatter.read_yaml (which records positions for messages, in Python): no
# flow mapping, no tag, alias or anchor, no quoted or complex key, no tab, no merge key. Its
# duplicate keys are found by _duplicate_keys. Any record that fails a check is parsed again
# the exact way, so every message is the same as without the fast path.
_RISKY = re.compile(r"""[\t{}]|<<|^[ ]*(?:-[ ]+)*["'?]|(?:^|[:\-][ ]+)[*&!%@`]""", re.M)
_KEY_LINE = re.compile(r"^( *)((?:- +)?)([^\s#'\"][^:#]*?) *:(?: |$)")
_ID_LINE = re.compile(r"^(?:- +| +)id *: *")
_HEAD = re.compile(r"^- +(?=\S)")


def _duplicate_keys(lines: list[str]) -> bool:
    """True when a block mapping of these lines may repeat a key (false alarms are harmless)."""
    scopes: list[tuple[int, set]] = []
    for line in lines:
        m = _KEY_LINE.match(line)
        if m is None:
            continue
        col = len(m.group(1)) + len(m.group(2))
        name = m.group(3)
        if m.group(2):  # "- key:" opens a mapping
            while scopes and scopes[-1][0] >= col:
                scopes.pop()
            scopes.append((col, {name}))
            continue
        while scopes and scopes[-1][0] > col:
            scopes.pop()
        if scopes and scopes[-1][0] == col:
            if name in scopes[-1][1]:
                return True
            scopes[-1][1].add(name)
        else:
            scopes.append((col, {name}))
    return False


def _fast_values(lines: list[str], first: int, end: int, count: int) -> list | None:
    """The records of lines[first:end] read with libyaml's plain loader, or None."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        value = yaml.load("\n".join(lines[first:end]), Loader=loader)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if not isinstance(value, list) or len(value) != count:
        return None
    return value


def parse_one(lines: list[str], start: int, end: int, path: str, problems: list[Problem], take: Any) -> None:
    """One record, the exact way (positions for messages)."""
    value, marks, key_marks, problem = parse_yaml("\n".join(lines[start:end]), path, line_offset=start)
    if problem:
        problems.append(problem)
    elif not isinstance(value, list) or len(value) != 1:
        problems.append(Problem(path, start + 1, 1, "", "expected one award record per \"- \" item"))
    elif not isinstance(value[0], dict):
        problems.append(Problem(path, start + 1, 1, "", f"expected an award record (id: ..., badge: ...), found {type_name(value[0])}"))
    else:
        take(value, marks, key_marks, [(start, end)])


def parse_file(text: str, path: str, fast: bool = False) -> tuple[list[tuple[Document, int, int, int]], list[Problem]]:
    """The records of one file as (document, first line, last line, key column), and problems.

    With `fast`, records are read by libyaml without positions where that gives the same values
    (see _RISKY); such a document has a `fast` attribute, and check_file parses it again the
    exact way if it has a problem.
    """
    lines = text.split("\n")
    spans = _spans(lines)
    problems: list[Problem] = []
    out: list[tuple[Document, int, int, int]] = []

    def take(value: Any, marks: dict, key_marks: dict, spans_: list[tuple[int, int]]) -> None:
        by_item, by_item_keys = partition(marks), partition(key_marks)
        for j, (first, end) in enumerate(spans_):
            rec_marks = by_item.get(j, {})
            doc = Document(path, value[j], "", 1, rec_marks, by_item_keys.get(j, {}))
            line, col = marks.get((j,), (first + 1, 3))
            out.append((doc, first + 1, _trim_end(lines, first, end) + 1, col - 1))

    if all(not line.strip() or line.lstrip().startswith("#") for line in lines):
        return [], []  # comments only (every record deleted, or a file prepared for later): no records
    if spans is None:  # not a block list written by the tool: parse the whole file
        value, marks, key_marks, problem = parse_yaml(text, path)
        if problem:
            return [], [problem]
        if value is None:
            return [], []
        if not isinstance(value, list):
            return [], [Problem(path, 1, 1, "", f"expected a list of award records (- id: ...), found {type_name(value)}")]
        # positions of each item: the line of its first value
        item_spans = []
        for j in range(len(value)):
            line = marks.get((j,), (1, 1))[0]
            item_spans.append((line - 1, line))
        by_item, by_item_keys = partition(marks), partition(key_marks)
        for j, item in enumerate(value):
            if not isinstance(item, dict):
                line, col = marks.get((j,), (1, 1))
                problems.append(Problem(path, line, col, "", f"expected an award record (id: ..., badge: ...), found {type_name(item)}"))
                continue
            line, col = marks.get((j,), (1, 1))
            doc = Document(path, item, "", 1, by_item.get(j, {}), by_item_keys.get(j, {}))
            out.append((doc, line, line, col - 1))
        return out, problems

    for g in range(0, len(spans), _GROUP):
        group = spans[g: g + _GROUP]
        first = group[0][0]
        if fast:
            values = _fast_values(lines, first, group[-1][1], len(group))
            if values is not None:
                for item, (start, end) in zip(values, group):
                    record_lines = lines[start:end]
                    head = _HEAD.match(record_lines[0])
                    if (head and isinstance(item, dict) and not _RISKY.search("\n".join(record_lines))
                            and not _duplicate_keys(record_lines)):
                        marks = {}
                        for n, line in enumerate(record_lines):
                            m = _ID_LINE.match(line)
                            if m:
                                marks[("id",)] = (start + n + 1, m.end() + 1)
                                break
                        doc = Document(path, item, "", 1, marks, {})
                        doc.fast = (lines, start, end)  # type: ignore[attr-defined] - see check_file
                        out.append((doc, start + 1, _trim_end(lines, start, end) + 1, head.end()))
                    else:
                        parse_one(lines, start, end, path, problems, take)
                continue
        chunk = "\n".join(lines[first: group[-1][1]])
        value, marks, key_marks, problem = parse_yaml(chunk, path, line_offset=first)
        if problem is None and isinstance(value, list) and len(value) == len(group):
            pass
        else:  # parse record by record to report each broken one and keep the others
            for start, end in group:
                parse_one(lines, start, end, path, problems, take)
            continue
        for j, item in enumerate(value):
            if not isinstance(item, dict):
                start = group[j][0]
                problems.append(Problem(path, start + 1, 1, "", f"expected an award record (id: ..., badge: ...), found {type_name(item)}"))
        good = [(j, s) for j, (item, s) in enumerate(zip(value, group)) if isinstance(item, dict)]
        by_item, by_item_keys = partition(marks), partition(key_marks)
        for j, (start, end) in good:
            rec_doc = Document(path, value[j], "", 1, by_item.get(j, {}), by_item_keys.get(j, {}))
            line, col = marks.get((j,), (start + 1, 3))
            out.append((rec_doc, start + 1, _trim_end(lines, start, end) + 1, col - 1))
    return out, problems
