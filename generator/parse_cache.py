"""Parsed content files kept in memory between loads of one process (`vitrine serve`).

Parsing (YAML and Markdown) is most of the cost of loading a site. The live preview loads the
site again after every save, and usually one file has changed: with a cache active, `loader.
parse_all` parses only the files whose size, modification time, change time or inode differ
from the last load, and reuses the other results.

A result is a pure function of the file's bytes, its path and Vitrine's code, so the key is the
file's identity and times; the cache lives only as long as the process (code does not change
under it). Results are stored pickled and unpickled for each load, so that nothing a load does
to the objects it gets can leak into the next one.

Only a caller that opts in with `activate()` uses it: `vitrine serve`, and `vitrine build`, which
keeps the entries in .vitrine-cache/parsed.pickle between builds, for the same code only
(build._load).
"""

from __future__ import annotations

import os
import pickle
import threading
from typing import Any, Callable, Sequence

_ACTIVE: ParseCache | None = None


class ParseCache:
    def __init__(self) -> None:
        self.entries: dict[str, tuple[tuple, bytes]] = {}  # rel -> (key, pickled result)
        self.hits = 0
        self.misses = 0
        self.lock = threading.Lock()

    @staticmethod
    def key(task: Any) -> tuple | None:
        try:
            st = os.stat(task.file)
        except OSError:
            return None
        return (task.kind, task.lang, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)

    def parse_all(self, tasks: Sequence[Any], parse: Callable[[list], list[bytes]]) -> list:
        """Results for `tasks` in order; `parse(tasks)` does the work for the ones not cached,
        and gives each result pickled (as it is kept)."""
        with self.lock:
            results: list = [None] * len(tasks)
            keys = [self.key(t) for t in tasks]
            todo = []
            for i, (task, key) in enumerate(zip(tasks, keys)):
                entry = self.entries.get(task.rel)
                if key is not None and entry is not None and entry[0] == key:
                    results[i] = pickle.loads(entry[1])
                else:
                    todo.append(i)
            self.hits += len(tasks) - len(todo)
            self.misses += len(todo)
            for i, blob in zip(todo, parse([tasks[i] for i in todo]) if todo else []):
                results[i] = pickle.loads(blob)
                if keys[i] is not None:
                    self.entries[tasks[i].rel] = (keys[i], blob)
            known = {t.rel for t in tasks}
            for rel in [r for r in self.entries if r not in known]:  # deleted or renamed files
                del self.entries[rel]
            return results


def activate() -> ParseCache:
    """Turn caching on for this process (idempotent); returns the cache."""
    global _ACTIVE
    if _ACTIVE is None:
        _ACTIVE = ParseCache()
    return _ACTIVE


def deactivate() -> None:
    global _ACTIVE
    _ACTIVE = None


def active() -> ParseCache | None:
    return _ACTIVE
