"""Parsed content files kept between loads, so that only changed files are parsed again.

Parsing (YAML and Markdown) is most of the cost of loading a site. With a cache active,
`loader.parse_all` parses only the files whose size, modification time, change time or inode
differ from the last load, and reuses the other results.

A result is a pure function of the file's bytes, its path and Vitrine's code, so the key is the
file's identity and times. Results are kept pickled and unpickled for each load, so that nothing
a load does to the objects it gets can leak into the next one.

Two kinds, opted into by their callers:
- `ParseCache`, in memory, for the life of a process: `vitrine serve`, which loads the site
  again after every save (code does not change under it);
- `StoredParseCache`, in a file of .vitrine-cache, for `vitrine build` (build._load), for the
  same code only. The file is written as results arrive and read one result at a time, so the
  pickles are never all in memory beside the objects made from them: at 10,000 badges they are
  80 MB, and holding them (a dict loaded whole, then saved whole) was the peak of a build.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

_ACTIVE: ParseCache | None = None


class ParseCache:
    """In memory: rel -> (key, pickled result)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[tuple, bytes]] = {}
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

    def lookup(self, rel: str, key: tuple) -> bytes | None:
        entry = self.entries.get(rel)
        return entry[1] if entry is not None and entry[0] == key else None

    def keep(self, rel: str, key: tuple, blob: bytes) -> None:
        self.entries[rel] = (key, blob)

    def retain(self, known: set[str]) -> None:
        """Forget deleted or renamed files."""
        for rel in [r for r in self.entries if r not in known]:
            del self.entries[rel]

    def parse_all(self, tasks: Sequence[Any], parse: Callable[[list], Iterable[bytes]]) -> list:
        """Results for `tasks` in order; `parse(tasks)` does the work for the ones not cached and
        yields each result pickled (as it is kept), in order."""
        with self.lock:
            results: list = [None] * len(tasks)
            keys = [self.key(t) for t in tasks]
            todo = []
            for i, (task, key) in enumerate(zip(tasks, keys)):
                blob = self.lookup(task.rel, key) if key is not None else None
                try:
                    results[i] = pickle.loads(blob) if blob is not None else None
                except Exception:  # noqa: BLE001 - a damaged entry is parsed again
                    blob = None
                if blob is None:
                    todo.append(i)
            self.hits += len(tasks) - len(todo)
            self.misses += len(todo)
            # the results first: zip ends once they are all read, and the parser's workers with them
            for blob, i in zip(parse([tasks[i] for i in todo]) if todo else (), todo):
                results[i] = pickle.loads(blob)
                if keys[i] is not None:
                    self.keep(tasks[i].rel, keys[i], blob)
            self.retain({t.rel for t in tasks})
            return results


class StoredParseCache(ParseCache):
    """In a file: a header naming the code, the pickled results one after the other, then an
    index (rel -> key, offset, length) and a trailer locating it. New results are appended with
    a new index; when the results no longer listed outweigh the live ones, the file is written
    again, copied piece by piece. A file that does not end with a whole trailer (a build killed
    while writing), or made by other code, is ignored: everything is parsed again."""

    MAGIC = b"VITRINE-PARSED-1\n"
    TRAILER = struct.Struct(">QQ8s")  # index offset, index length, end mark
    END = b"VTRNEND1"

    def __init__(self, path: Path, code: str) -> None:
        super().__init__()
        self.path = path
        self.header = self.MAGIC + code.encode("ascii") + b"\n"
        self.index: dict[str, tuple[tuple, int, int]] = {}
        self.fd: int | None = None  # the file read (and appended to, if valid)
        self.out: int | None = None  # where new results go
        self.fresh: Path | None = None  # a new file, renamed into place at save()
        self.changed = False
        self.failed = False  # the file cannot be written: results are used, not kept
        self._open()

    def _open(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return
        try:
            size = os.fstat(fd).st_size
            head = os.pread(fd, len(self.header), 0)
            tail = os.pread(fd, self.TRAILER.size, size - self.TRAILER.size) if size >= self.TRAILER.size else b""
            if head == self.header and len(tail) == self.TRAILER.size:
                offset, length, end = self.TRAILER.unpack(tail)
                if end == self.END and len(self.header) <= offset and offset + length + len(tail) == size:
                    index = pickle.loads(os.pread(fd, length, offset))
                    if isinstance(index, dict):
                        self.index, self.fd, fd = index, fd, None
        except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError, struct.error):
            self.index = {}
        finally:
            if fd is not None:
                os.close(fd)

    def lookup(self, rel: str, key: tuple) -> bytes | None:
        entry = self.index.get(rel)
        if entry is None or entry[0] != key or self.fd is None:
            return None
        try:
            blob = os.pread(self.fd, entry[2], entry[1])
        except OSError:
            return None
        return blob if len(blob) == entry[2] else None

    def keep(self, rel: str, key: tuple, blob: bytes) -> None:
        if self.out is None and not self.failed:
            self.out = self._start()
            self.failed = self.out is None
        if self.out is None:
            return
        try:
            written = os.write(self.out, blob)
            end = os.lseek(self.out, 0, os.SEEK_CUR)  # O_APPEND: the end of this very write
        except OSError:
            self._give_up()
            return
        if written == len(blob):
            self.index[rel] = (key, end - written, written)
            self.changed = True

    def retain(self, known: set[str]) -> None:
        gone = [r for r in self.index if r not in known]
        for rel in gone:
            del self.index[rel]
        self.changed = self.changed or bool(gone)

    def _start(self) -> int | None:
        """Where new results are written: the end of the file read, or a new file."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.fd is not None:
                out = os.open(self.path, os.O_WRONLY | os.O_APPEND)
                if os.fstat(out).st_ino == os.fstat(self.fd).st_ino:
                    return out
                # another build wrote the file again since it was read: the offsets known here
                # are the old file's; that build's cache stands, this one's new results are lost
                os.close(out)
                return None
            self.fresh = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            out = os.open(self.fresh, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(out, self.header)
            return out
        except OSError:
            return None

    def _give_up(self) -> None:
        self.changed, self.failed = False, True
        if self.out is not None:
            os.close(self.out)
            self.out = None
        if self.fresh is not None:
            self.fresh.unlink(missing_ok=True)
            self.fresh = None

    def save(self) -> None:
        """Write the index (if anything changed), then copy the file without its dead results
        if they are most of it; close everything."""
        try:
            if self.changed and not self.failed:
                if self.out is None:
                    self.out = self._start()
                if self.out is not None:
                    self._write_index(self.out)
                    if self.fresh is not None:
                        os.replace(self.fresh, self.path)
                        self.fresh = None
                    elif self._mostly_dead():
                        self._compact()
        except OSError:
            self._give_up()
        finally:
            for fd in (self.out, self.fd):
                if fd is not None:
                    os.close(fd)
            self.out = self.fd = None
            if self.fresh is not None:
                self.fresh.unlink(missing_ok=True)

    def _write_index(self, out: int) -> None:
        data = pickle.dumps(self.index, pickle.HIGHEST_PROTOCOL)
        offset = os.lseek(out, 0, os.SEEK_END)
        # one write: with O_APPEND, another build appending meanwhile cannot land between the two
        record = data + self.TRAILER.pack(offset, len(data), self.END)
        if os.write(out, record) != len(record) or os.lseek(out, 0, os.SEEK_CUR) != offset + len(record):
            raise OSError("the index was not written whole")

    def _mostly_dead(self) -> bool:
        live = sum(length for _, _, length in self.index.values())
        return os.fstat(self.out).st_size > 2 * live + (1 << 20)  # type: ignore[arg-type]

    def _compact(self) -> None:
        src = os.open(self.path, os.O_RDONLY)
        self.fresh = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        out = os.open(self.fresh, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(out, self.header)
            index, position = {}, len(self.header)
            for rel, (key, offset, length) in sorted(self.index.items(), key=lambda item: item[1][1]):
                blob = os.pread(src, length, offset)
                if len(blob) != length or os.write(out, blob) != length:
                    raise OSError("short copy")
                index[rel] = (key, position, length)
                position += length
            self.index = index
            self._write_index(out)
        finally:
            os.close(out)
            os.close(src)
        os.replace(self.fresh, self.path)
        self.fresh = None


def activate(cache: ParseCache | None = None) -> ParseCache:
    """Turn caching on for this process (idempotent; in memory unless `cache` is given)."""
    global _ACTIVE
    if _ACTIVE is None:
        _ACTIVE = cache if cache is not None else ParseCache()
    return _ACTIVE


def deactivate() -> None:
    global _ACTIVE
    _ACTIVE = None


def active() -> ParseCache | None:
    return _ACTIVE
