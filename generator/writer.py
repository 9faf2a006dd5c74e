"""Write the built site beside the output folder, then swap it into place in one step.

A failed or killed build leaves the previous output folder as it was: files go to a sibling
temporary folder, which replaces the output folder by an atomic exchange (Linux renameat2) or,
elsewhere, two renames that the next build completes if it was interrupted between them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class DuplicateOutput(Exception):
    """Two outputs claimed one path: a bug of a renderer or colliding slugs."""


class OutputTree:
    """Claims paths (each at most once) and writes files under a temporary root."""

    def __init__(self, root: Path, replace: bool = False):
        self.root = root
        self.owners: dict[str, str] = {}
        self.made: set[str] = set()  # folders known to exist: one mkdir per folder, not per file
        # writing into a folder that shares files (hard links) with the live output: unlink a
        # file before writing it, never write into it (see incremental.py)
        self.replace = replace

    def claim(self, path: str, owner: str) -> None:
        if path in self.owners:
            raise DuplicateOutput(f'"{path}" would be written twice: by {self.owners[path]} and by {owner}')
        self.owners[path] = owner

    def claim_all(self, paths: tuple[str, ...], owner: str) -> None:
        """claim() for many paths at once (the files of a job group kept as they were)."""
        clash = self.owners.keys() & set(paths)
        if clash or len(set(paths)) != len(paths):
            path = min(clash) if clash else next(p for p in paths if paths.count(p) > 1)
            raise DuplicateOutput(f'"{path}" would be written twice: by {self.owners.get(path, owner)} and by {owner}')
        self.owners.update(dict.fromkeys(paths, owner))

    def write(self, path: str, data: bytes) -> None:
        # strings, not Path objects: 200,000 files are written by a large build
        root = str(self.root)
        file = root + "/" + path
        folder = file.rpartition("/")[0]
        if folder not in self.made:
            if not os.path.isdir(root):  # removed under us (a newer build cleaned up): stop
                raise FileNotFoundError(f"{self.root} is gone")
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        if self.replace:
            try:
                os.unlink(file)
            except FileNotFoundError:
                pass
        kept_in = getattr(data, "kept_in", None)  # render.base.Kept: the same bytes in a cache file
        if kept_in is not None:
            try:
                os.link(kept_in, file)
                return
            except OSError:  # another file system, no hard links, the cache file gone: write
                pass
        with open(file, "wb") as handle:
            handle.write(data)


def temp_dir_for(out: Path) -> Path:
    return out.parent / f".{out.name}.tmp-{os.getpid()}"


def _old_dir_for(out: Path) -> Path:
    return out.parent / f".{out.name}.old"


def recover(out: Path) -> None:
    """Finish or undo what an interrupted build left: keep the last complete output."""
    old = _old_dir_for(out)
    if old.exists():
        if out.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(old, out)
    for leftover in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes  # here: only a build that swaps folders needs it

    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the process's own symbols, libc's among them
    except OSError:
        return False
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def publish(tmp: Path, out: Path) -> None:
    """Put the finished build `tmp` in place of `out`."""
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp)
        return
    old = _old_dir_for(out)
    os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old)


def looks_replaceable(out: Path) -> bool:
    """Only an empty folder or a previous build may be replaced wholesale."""
    if not out.exists():
        return True
    if not out.is_dir():
        return False
    return not any(out.iterdir()) or (out / "index.html").is_file()
