"""Incremental builds: render only what changed, write only what differs, and swap atomically.

A catalogue with 100,000 awards has some 250,000 files. Rendering and writing them all again
because one award was added would take minutes, and so would deleting the previous output after
the swap (on a slow disk, deleting a file costs about as much as writing it). Three things keep a
small change small:

1. **Keys.** Every job has an effective key: a digest of what its file depends on. The static
   part covers the site's content, settings, templates, static files, themes, signing keys and
   Vitrine's own code (file names, sizes and times, as build.fingerprint does), and always
   counts. A job then adds its own `key` (render.base.Job): an award's page adds that award's
   record and status, a badge page its holders' count, a file that depends on nothing else adds
   "". A job without a key depends on everything: the award records and the day as well.
2. **Two output folders.** `output/` is served; `.output.prev/` beside it holds the build before.
   The next build updates that spare folder in place, writing only the files whose key differs
   from what the spare holds (a file the live output already has with the right key is
   hard-linked from it instead of rendered), removes the files that are gone, then exchanges the
   two folders in one atomic step (renameat2). The previous output becomes the next spare: nothing
   is deleted on the way. A file is never written in place (it is unlinked first), since the two
   folders share the inodes of hard-linked files.
3. **What each folder holds** is recorded in .vitrine-cache/output-*.pickle: path -> key for the
   live and the spare folder, and their inode numbers. The record of the spare is dropped before
   it is touched, and the new record written after the swap: an interrupted build leaves a spare
   that is not trusted, and the next build writes a complete new folder.

Without a record (first build, or after `rm -r output`), the build writes a complete new folder,
as before. `vitrine build --force` renders everything again, and keeps the swap.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .render.base import Job
from .writer import _exchange, temp_dir_for

STATE_VERSION = 2


def spare_dir_for(out: Path) -> Path:
    return out.parent / f".{out.name}.prev"


def _trash_dir_for(out: Path) -> Path:
    return out.parent / f".{out.name}.trash-{os.getpid()}"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def state_file(cache: Path, out: Path) -> Path:
    return cache / f"output-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.pickle"


@dataclass
class State:
    live: dict[str, bytes] = field(default_factory=dict)
    live_id: tuple[int, int] | None = None
    spare: dict[str, bytes] | None = None
    spare_id: tuple[int, int] | None = None


def load_state(file: Path) -> State | None:
    try:
        with open(file, "rb") as f:
            version, state = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return state if version == STATE_VERSION and isinstance(state, State) else None


def save_state(file: Path, state: State | None) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    if state is None:
        file.unlink(missing_ok=True)
        return
    tmp = file.with_name(f".{file.name}.{os.getpid()}")
    with open(tmp, "wb") as f:
        pickle.dump((STATE_VERSION, state), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, file)


def discard(folder: Path, out: Path) -> None:
    """Remove a folder without waiting: renamed out of the way, then deleted by a background
    process (a big output takes minutes to delete on a slow disk)."""
    if not folder.exists():
        return
    trash = _trash_dir_for(out)
    n = 0
    while trash.exists():
        n += 1
        trash = trash.with_name(f".{out.name}.trash-{os.getpid()}-{n}")
    try:
        os.rename(folder, trash)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if sys.platform.startswith("win"):
        shutil.rmtree(trash, ignore_errors=True)
        return
    try:
        subprocess.Popen(["rm", "-rf", "--", str(trash)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)


def leftover_trash(out: Path) -> None:
    """Trash folders an earlier build could not finish deleting (its process was killed)."""
    for path in out.parent.glob(f".{out.name}.trash-*"):
        discard_now = path
        try:
            subprocess.Popen(["rm", "-rf", "--", str(discard_now)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            shutil.rmtree(discard_now, ignore_errors=True)


class Plan:
    """Where this build writes, and what it renders, links and deletes there."""

    def __init__(self, out: Path, cache: Path, jobs: list[Job], static: str, dynamic: str, force: bool):
        self.out = out
        self.file = state_file(cache, out)
        self.busy = self.file.with_suffix(".spare-busy")
        self.state = load_state(self.file) if not force else None
        if self.state is not None and self.busy.exists():  # an earlier build stopped while writing the spare
            self.state.spare, self.state.spare_id = None, None
        old = self.state
        live_ok = old is not None and out.is_dir() and old.live_id == _identity(out)
        spare = spare_dir_for(out)
        spare_ok = (live_ok and old is not None and old.spare is not None and old.spare_id is not None
                    and old.spare_id == _identity(spare))
        if not live_ok:
            self.state = None
        if force and out.is_dir():
            # the live files are not trusted either: link nothing, render everything
            live_ok = False
        self.live = old.live if (live_ok and old is not None) else {}
        if spare_ok:
            self.target, base, self.reuse = spare, old.spare, True  # type: ignore[union-attr]
        else:
            discard(spare, out)
            self.target, base, self.reuse = temp_dir_for(out), {}, False
        keys: dict[str, bytes] = {}
        self.render: list[Job] = []
        self.link: list[str] = []
        static_b, dynamic_b = static.encode(), dynamic.encode()
        blake = hashlib.blake2b
        live = self.live
        for job in jobs:
            extra = dynamic_b if job.key is None else job.key.encode()
            k = blake(static_b + b"\0" + extra + b"\0" + job.path.encode(), digest_size=16).digest()
            keys[job.path] = k
            if base.get(job.path) == k:
                continue
            if live.get(job.path) == k:
                self.link.append(job.path)
            else:
                self.render.append(job)
        self.delete = [path for path in base if path not in keys]
        self.keys = keys

    def prepare(self) -> None:
        """Make the target folder ready to be written into."""
        if self.reuse:
            # from now on the spare is neither the old build nor the new one: say so (a marker
            # file, cheaper than writing the record again), until publish() writes the new record
            self.busy.parent.mkdir(parents=True, exist_ok=True)
            self.busy.touch()
        else:
            shutil.rmtree(self.target, ignore_errors=True)
            self.target.mkdir(parents=True)

    def apply(self) -> None:
        """Hard-link the files taken from the live output; remove the ones that are gone."""
        made: set[Path] = set()
        for path in self.link:
            dest = self.target / path
            if self.reuse:
                try:
                    dest.unlink()
                except FileNotFoundError:
                    pass
            if dest.parent not in made:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made.add(dest.parent)
            try:
                os.link(self.out / path, dest)
            except OSError:
                shutil.copyfile(self.out / path, dest)
        for path in self.delete:
            dest = self.target / path
            try:
                dest.unlink()
            except FileNotFoundError:
                continue
            parent = dest.parent
            while parent != self.target:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent

    def publish(self) -> None:
        """Put the target in place of the output; the output becomes the spare."""
        out, spare = self.out, spare_dir_for(self.out)
        previous_live = self.live if self.state is not None else None
        if not out.exists():
            os.rename(self.target, out)
            kept = None
        elif _exchange(self.target, out):
            kept = self.target  # the previous output
        else:
            old = out.parent / f".{out.name}.old"
            os.rename(out, old)
            os.rename(self.target, out)
            kept = old
        if kept is not None and kept != spare:
            if spare.exists():
                discard(spare, out)
            os.rename(kept, spare)
            kept = spare
        state = State(live=self.keys, live_id=_identity(out))
        if kept is not None and previous_live is not None:
            state.spare, state.spare_id = previous_live, _identity(spare)
        elif kept is not None:
            discard(spare, out)  # what it holds is unknown: of no use
        save_state(self.file, state)
        self.busy.unlink(missing_ok=True)

    def abandon(self) -> None:
        """After a failure: a fresh folder is removed; a spare stays, untrusted."""
        if not self.reuse:
            discard(self.target, self.out)


def summary(plan: Plan) -> dict[str, Any]:  # for tests and benchmarks
    return {"rendered": len(plan.render), "linked": len(plan.link), "deleted": len(plan.delete),
            "kept": len(plan.keys) - len(plan.render) - len(plan.link), "reused_spare": plan.reuse}
