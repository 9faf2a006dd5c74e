"""The check of what output/ holds now, against the record the last build left (incremental.py).

The record keeps each live file's size, time and inode as the build left it (kept whole for a
group left as it was). A build whose inputs have not changed compares them with output/
(check_output: one stat per file, no folder listing; 0.15 s for 43,000 files, shared with a forked
process), a build whose inputs changed those of the files out of award groups (start_check: taken
by a forked process while the site loads; at 100,000 awards, the groups' 200,000 files would cost
0.8 s), and a file removed or written into by hand since is made again, in output/ and in the
spare, which may share its inode (_distrust). Files added by hand are not looked for: they stay
until a build swaps the folders. The spare is not checked: nothing but builds uses it.
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from .incremental import KEY_SIZE, GroupRecord, State, _identity, _paths, _record, _unpack, load_state, state_file


def _segments(files: dict[str, bytes], groups: dict[str, GroupRecord]) -> list[tuple[str, list[str]]]:
    """The files a folder holds by its record, as its stats are kept: ("", the files out of
    groups), then (group, its files) for each group."""
    return [("", list(files))] + [(name, _paths(record)) for name, record in groups.items()]


MISSING = (-1, -1, -1)
_INODE_BITS = (1 << 63) - 1  # an array of signed 64-bit numbers holds them


def stat_files(folder: Path, paths: list[str]) -> array:
    """(size, mtime_ns, inode) of each file, three numbers a file; MISSING for one not there.
    A stat per file, by its name: listing 13,000 folders would cost twice as much."""
    values = array("q")
    add = values.extend
    root = str(folder) + os.sep
    for path in paths:
        try:
            st = os.stat(root + path)
        except OSError:
            add(MISSING)
            continue
        add((st.st_size, st.st_mtime_ns, st.st_ino & _INODE_BITS))
    return values


def _stats_by_path(paths: list[str], values: bytes) -> dict[str, bytes]:
    size = 3 * array("q").itemsize
    return {path: values[i * size:(i + 1) * size] for i, path in enumerate(paths)}


class _ForkedStats:
    """stat_files() in a forked process while this one goes on; join() waits for the stats (or
    takes them itself where there is no fork, or if that process failed)."""

    def __init__(self, folder: Path, paths: list[str]):
        self.folder, self.paths, self.pid, self.pipe = folder, paths, 0, -1
        if not paths or not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its stats into the pipe, then out at once (no cleanup, no flush)
            try:
                os.close(read)
                data = memoryview(stat_files(folder, paths).tobytes())
                while data:
                    data = data[os.write(write, data):]
            finally:
                os._exit(0)
        os.close(write)
        self.pid, self.pipe = pid, read

    def join(self) -> array:
        if not self.pid:
            return stat_files(self.folder, self.paths)
        with os.fdopen(self.pipe, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self.pid, 0)
        values = array("q", data[:len(data) - len(data) % 8])
        return values if len(values) == 3 * len(self.paths) else stat_files(self.folder, self.paths)


@dataclass
class OutputCheck:
    """The trusted record of the live output, and the files of it that are not as the last build
    left them (removed, or written since: another size, time or inode)."""

    state: State
    now: dict[str, bytes]  # the stats found, kept as State.live_stats
    damaged: set[str]


Segments = list[tuple[str, list[str]]]  # _segments()


@dataclass
class PendingCheck:
    """check_output() under way, its stats taken by a forked process (start_check)."""

    state: State | None = None  # None: no record to trust
    segments: Segments = field(default_factory=list)
    stats: _ForkedStats | None = None
    checked: int = 1  # the segments looked at: the files out of groups (see start_check)

    def result(self) -> OutputCheck | None:
        if self.state is None or self.stats is None:
            return None
        check = _compare(self.state, self.segments[:self.checked], self.stats.join())
        for name, _ in self.segments[self.checked:]:  # taken as the record has them
            check.now[name] = self.state.live_stats[name]
        return check


SPLIT_FROM = 20_000  # files: the stats of more are taken by two processes (0.8 s for 200,000 files)


def check_output(cache: Path, out: Path) -> OutputCheck | None:
    """Compare output/ with its record; None when there is no record to trust (first build,
    an interrupted one, output/ replaced by something else): everything is rendered then."""
    state = _trusted_record(cache, out)
    if state is None:
        return None
    segments = _segments(state.live, state.live_groups)
    paths = [path for _, part in segments for path in part]
    half = len(paths) // 2 if len(paths) >= SPLIT_FROM else len(paths)
    second = _ForkedStats(out, paths[half:])
    found = stat_files(out, paths[:half])
    found.extend(second.join())
    return _compare(state, segments, found)


def start_check(cache: Path, out: Path) -> PendingCheck:
    """check_output() for a build whose inputs changed, with the stats taken by a forked process
    while this one loads the site; PendingCheck.result() gives the OutputCheck. Only the files out
    of groups are looked at: the award groups hold most files of a large site (200,000 at 100,000
    awards, 0.8 s of stats, which took one award added past 2 s), and a build whose inputs have
    not changed, or --force, checks them."""
    state = _trusted_record(cache, out)
    if state is None:
        return PendingCheck()
    segments = [("", list(state.live))] + [(name, []) for name in state.live_groups]  # groups: by name only
    return PendingCheck(state, segments, _ForkedStats(out, segments[0][1]))


def _trusted_record(cache: Path, out: Path) -> State | None:
    file = state_file(cache, out)
    state = load_state(file)
    if state is None or file.with_suffix(".live-busy").exists() or state.live_id != _identity(out):
        return None
    size = 3 * array("q").itemsize
    counts = [("", len(state.live))] + [(name, len(record[2]) // KEY_SIZE) for name, record in state.live_groups.items()]
    if any(len(state.live_stats.get(name, b"")) != size * count for name, count in counts):
        return None
    return state


def _compare(state: State, segments: Segments, found: array) -> OutputCheck:
    recorded = array("q", b"".join(state.live_stats[name] for name, _ in segments))
    now, start = {}, 0
    for name, part in segments:
        now[name] = found[3 * start:3 * (start + len(part))].tobytes()
        start += len(part)
    if found == recorded:  # compared in C: the no-change build of 43,000 files is mostly the stats
        return OutputCheck(state, now, set())
    paths = [path for _, part in segments for path in part]
    damaged = {paths[i] for i in range(len(paths)) if found[i * 3:i * 3 + 3] != recorded[i * 3:i * 3 + 3]}
    return OutputCheck(state, now, damaged)


DAMAGED = bytes(KEY_SIZE)  # the key of a file removed or changed by hand: no job has it


def _distrust(files: dict[str, bytes], groups: dict[str, GroupRecord],
              damaged: set[str]) -> tuple[dict[str, bytes], dict[str, GroupRecord]]:
    """A folder's record with the damaged files' keys replaced by DAMAGED: they are made again
    (or deleted), and a group that holds one is made into jobs again."""
    files = {path: DAMAGED if path in damaged else k for path, k in files.items()}
    kept: dict[str, GroupRecord] = {}
    for name, record in groups.items():
        paths = _paths(record)
        if damaged.isdisjoint(paths):
            kept[name] = record
            continue
        keys = _unpack(record)
        kept[name] = _record(DAMAGED, paths, [DAMAGED if path in damaged else keys[path] for path in paths])
    return files, kept
