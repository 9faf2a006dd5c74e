"""Problems found in a site's files, gathered over a whole run and reported together."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file: `path:line:col: field: message`."""

    path: str
    line: int
    col: int
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path  # line 0: about a folder
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {'warning: ' if self.warning else ''}{what}"


class Problems:
    """A collector passed through loading: everything is reported, then the build fails."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, line: int, col: int, field: str, message: str) -> None:
        self.items.append(Problem(path, line, col, field, message))

    def warn(self, path: str, line: int, col: int, field: str, message: str) -> None:
        self.items.append(Problem(path, line, col, field, message, warning=True))

    def extend(self, items: Iterable[Problem]) -> None:
        self.items.extend(items)

    @property
    def errors(self) -> list[Problem]:
        return sorted({p for p in self.items if not p.warning})

    @property
    def warnings(self) -> list[Problem]:
        return sorted({p for p in self.items if p.warning})

    def __bool__(self) -> bool:
        return any(not p.warning for p in self.items)


class SiteError(Exception):
    """Raised with every problem of a run once loading has gathered them all."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def did_you_mean(word: str, choices: Iterable[str], what: str = "", near_only: bool = False) -> str:
    """' (did you mean "x"?)' for a near match, else the list of choices when it is short (unless
    `near_only`: then nothing)."""
    choices = sorted(set(choices))
    near = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    if not near and isinstance(word, str):  # "URL" for "url": no letter in common, as difflib sees it
        near = [c for c in choices if isinstance(c, str) and c.casefold() == word.casefold()]
    if near:
        return " (did you mean " + " or ".join(f'"{n}"' for n in near) + "?)"
    if near_only:
        return ""
    if not choices:
        return f" (there are no {what})" if what else ""
    if len(choices) <= 12:
        return " (expected one of: " + ", ".join(choices) + ")"
    return ""
