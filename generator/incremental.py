"""Incremental builds: render only what changed, write only what differs, and swap atomically.

A catalogue with 100,000 awards has some 250,000 files. Rendering and writing them all again
because one award was added would take minutes, and so would deleting the previous output after
the swap (on a slow disk, deleting a file costs about as much as writing it). Five things keep a
small change small:

1. **Keys.** Every job has an effective key: a digest of what its file depends on. The static
   part covers the site's content, settings, templates, static files, themes, signing keys and
   Vitrine's own code (file names, sizes and times, as build.fingerprint does), and always
   counts. A job then adds its own `key` (render.base.Job): an award's page adds that award's
   record and status, a badge page its holders' count, a file that depends on nothing else adds
   "". A job without a key depends on everything: the award records and the day as well.
2. **Groups.** The files of the awards of one awards file come as a render.base.JobGroup with
   one key (the file's records and statuses): a group whose key is unchanged is not even made
   into jobs, its files' keys are taken from the record. One award added to 100,000 makes the
   jobs of one file.
3. **Two output folders.** `output/` is served; `.output.prev/` beside it holds the build before.
   A build updates that spare folder in place, writing only the files whose key differs from
   what the spare holds (a file the live output already has with the right key is hard-linked
   from it instead of rendered), removes the files that are gone, then exchanges the two folders
   in one atomic step (renameat2). The previous output becomes the next spare: nothing is deleted
   on the way. A file is never written in place (it is unlinked first), since the two folders
   share the inodes of hard-linked files.
4. **Small changes in place.** When there is no spare, or it is far behind the output (after a
   full build, it lacks everything), and the change is small (IN_PLACE_MAX files), the changed
   files are rendered into a fresh folder beside the output and, once all are made, renamed
   into it one by one; the files that are gone are removed. A failed render leaves the output
   untouched, as with the swap; only the renames themselves (milliseconds) are not one step.
5. **What each folder holds** is recorded in .vitrine-cache/output-*.pickle: path -> key for the
   live and the spare folder, their groups, and their inode numbers. The record of a folder is
   marked untrusted (a marker file) before it is touched, and the new record written after:
   an interrupted build leaves a folder that is not trusted, and the next build writes a
   complete new one.
6. **What the output holds now** (files removed or changed by hand): see output_check.py.

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
from typing import TYPE_CHECKING, Any

from .writer import _exchange, temp_dir_for

if TYPE_CHECKING:  # not imported at run time: a build that finds nothing changed needs no renderer
    from .output_check import OutputCheck  # which imports this module
    from .render.base import Job, JobGroup

STATE_VERSION = 5


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


# A JobGroup as a folder holds it: its effective key, its files' paths ("\n"-joined) and their
# keys (KEY_SIZE bytes each, in the same order). Two blobs, not 200 objects: the record of
# 100,000 awards is written and read in a few milliseconds.
GroupRecord = tuple[bytes, str, bytes]
KEY_SIZE = 16


def _record(k: bytes, paths: list[str], keys: list[bytes]) -> GroupRecord:
    return (k, "\n".join(paths), b"".join(keys))


def _paths(record: GroupRecord) -> list[str]:
    return record[1].split("\n") if record[1] else []


def _unpack(record: GroupRecord) -> dict[str, bytes]:
    keys = record[2]
    return {path: keys[i * KEY_SIZE:(i + 1) * KEY_SIZE] for i, path in enumerate(_paths(record))}


@dataclass
class State:
    # path -> key of the files that are not in a group; the groups' records
    live: dict[str, bytes] = field(default_factory=dict)
    live_id: tuple[int, int] | None = None
    spare: dict[str, bytes] | None = None
    spare_id: tuple[int, int] | None = None
    live_groups: dict[str, GroupRecord] = field(default_factory=dict)
    spare_groups: dict[str, GroupRecord] | None = None
    # Stats: (size, mtime_ns, inode) of each file (see output_check), as the groups' keys are
    # kept: "" -> those of the files out of groups, in order, and group -> those of its files.
    live_stats: dict[str, bytes] = field(default_factory=dict)
    spare_stats: dict[str, bytes] | None = None


def load_state(file: Path) -> State | None:
    try:
        with open(file, "rb") as f:
            version, state = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return state if version == STATE_VERSION and isinstance(state, State) else None


def _share(state: State) -> None:
    """The spare's group records and stats that equal the live output's made the same objects:
    pickle writes an object once, so a group both folders hold as it is (nearly all of them, at
    100,000 awards) is stored, and read back, once (40 MB -> 20 MB)."""
    for spare, live in ((state.spare_groups, state.live_groups), (state.spare_stats, state.live_stats)):
        if not spare:
            continue
        for name, value in spare.items():
            twin = live.get(name)  # type: ignore[attr-defined]
            if twin is not None and twin is not value and twin == value:
                spare[name] = twin


def save_state(file: Path, state: State | None) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    if state is None:
        file.unlink(missing_ok=True)
        return
    _share(state)
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


IN_PLACE_MAX = 2000  # files: a change this small may be put straight into the live output


class Plan:
    """Where this build writes, and what it renders, links and deletes there.

    Two ways to publish (see the module's docstring): into the spare folder, then swapped with
    the output (the spare must first catch up with what changed since it was live); or, for a
    small change, in place: the files are rendered into a fresh folder beside the output, and
    only once all are made are they renamed into the output one by one (each rename is atomic),
    with the files that are gone removed. The second is chosen when the spare would cost much
    more (none yet, or far behind: after a full build): one award added to 100,000 changes a few
    files, and linking 200,000 into the spare to publish them would take longer than the build.
    """

    def __init__(self, out: Path, cache: Path, jobs: list[Job], static: str, dynamic: str,
                 check: OutputCheck | None, groups: list[JobGroup] = ()):  # type: ignore[assignment]
        """`check` is check_output()'s; None trusts nothing of output/: every file is rendered
        (--force, a first build, an interrupted one)."""
        self.out = out
        self.file = state_file(cache, out)
        self.busy = self.file.with_suffix(".spare-busy")
        self.live_busy = self.file.with_suffix(".live-busy")
        self.check = check
        self.state = check.state if check is not None else None
        if self.state is not None and self.busy.exists():  # an earlier build stopped while writing the spare
            self.state.spare, self.state.spare_id, self.state.spare_groups = None, None, None
        old = self.state
        live_ok = old is not None and out.is_dir()  # check_output compared the folder's identity
        spare = spare_dir_for(out)
        spare_ok = (live_ok and old is not None and old.spare is not None and old.spare_id is not None
                    and old.spare_id == _identity(spare) and old.spare_stats is not None)
        if not live_ok:
            self.state = None
        live = old.live if (live_ok and old is not None) else {}
        live_groups = old.live_groups if (live_ok and old is not None) else {}
        base: dict[str, bytes] = old.spare if spare_ok else {}  # type: ignore[union-attr, assignment]
        base_groups = (old.spare_groups or {}) if spare_ok else {}  # type: ignore[union-attr]
        damaged = check.damaged if (live_ok and check is not None) else set()
        if damaged:  # made again, in the spare too: it may share their inodes
            from .output_check import _distrust  # here: output_check imports this module

            live, live_groups = _distrust(live, live_groups, damaged)
            base, base_groups = _distrust(base, base_groups, damaged)
        self.live, self.live_groups, self.spare_ok = live, live_groups, spare_ok
        self.base, self.base_groups = base, base_groups

        # Every job's effective key. A group whose key is what the live output (or, failing that,
        # the spare) holds is not made: its record says what its files are.
        static_b, dynamic_b = static.encode(), dynamic.encode()
        blake = hashlib.blake2b
        self.groups: dict[str, GroupRecord] = {}
        self.expanded: list[Job] = []  # the jobs of the groups that had to be made
        self.kept: list[tuple[str, list[str]]] = []  # (group, paths) not made: for the claims
        kept_live: list[str] = []  # kept groups, as the live output holds them
        from_spare = False  # a kept group that only the spare holds as it should be
        live_all, base_all = dict(live), dict(base)  # + the files of the groups made, as they were
        made_groups: list[tuple[str, bytes, list[Job]]] = []
        for group in groups:
            k = blake(static_b + b"\0" + group.key.encode() + b"\0" + group.name.encode(), digest_size=16).digest()
            held = live_groups.get(group.name)
            if held is not None and held[0] == k:
                kept_live.append(group.name)
            else:
                held = base_groups.get(group.name)
                if held is not None and held[0] == k:
                    from_spare = True
                else:
                    made = group.make_jobs()
                    self.expanded.extend(made)
                    made_groups.append((group.name, k, made))
                    for before, into in ((live_groups, live_all), (base_groups, base_all)):
                        if group.name in before:  # its files as the folder holds them, to compare
                            into.update(_unpack(before[group.name]))
                    continue
            self.groups[group.name] = held
            self.kept.append((group.name, _paths(held)))
        keys: dict[str, bytes] = {}  # of the files not in a group
        for job in jobs:
            extra = dynamic_b if job.key is None else job.key.encode()
            keys[job.path] = blake(static_b + b"\0" + extra + b"\0" + job.path.encode(), digest_size=16).digest()
        for name, k, made in made_groups:
            group_keys = [blake(static_b + b"\0" + job.key.encode() + b"\0" + job.path.encode(),  # type: ignore[union-attr]
                                digest_size=16).digest() for job in made]
            self.groups[name] = _record(k, [job.path for job in made], group_keys)
            for job, key in zip(made, group_keys):
                keys[job.path] = key
        self.keys = keys
        listed = [*jobs, *self.expanded]

        def gone_from(files: dict[str, bytes], old_groups: dict[str, GroupRecord]) -> list[str]:
            """What a folder holds that this build does not make: files, and groups' files."""
            gone = [path for path in files if path not in keys]
            for name, record in old_groups.items():
                if self.groups.get(name) == record:
                    continue  # kept as it is
                gone.extend(path for path in _paths(record) if path not in keys and not self._kept_path(path))
            return gone

        self._kept_paths: set[str] | None = None
        # In place: render what the live output does not hold as it should be.
        changed = [job for job in listed if live_all.get(job.path) != keys[job.path]]
        gone = gone_from(live, live_groups)
        in_place = live_ok and not from_spare and len(changed) + len(gone) <= IN_PLACE_MAX
        if in_place and spare_ok:  # both would do: the spare, unless it is far behind
            behind = sum(1 for path, k in keys.items() if base_all.get(path) != k)
            behind += sum(len(self.groups[name][2]) // KEY_SIZE for name in kept_live
                          if base_groups.get(name) != self.groups[name])
            in_place = behind > 10 * (len(changed) + len(gone)) + 100
        self.in_place = in_place
        if in_place:
            self.target, self.reuse = temp_dir_for(out), False
            self.render, self.link, self.delete = changed, [], gone
            return
        if not spare_ok:  # a spare of no use is discarded by prepare()
            self.target, self.reuse, base, base_all, base_groups = temp_dir_for(out), False, {}, {}, {}
        else:
            self.target, self.reuse = spare, True
        self.render, self.link = [], []
        for job in listed:
            k = keys[job.path]
            if base_all.get(job.path) == k:
                continue
            if live_all.get(job.path) == k:
                self.link.append(job.path)
            else:
                self.render.append(job)
        for name in kept_live:  # not listed as jobs: link what the target lacks of them
            record = self.groups[name]
            old = base_groups.get(name)
            if old == record:
                continue
            old_keys = _unpack(old) if old is not None else {}
            self.link.extend(path for path, k in _unpack(record).items() if old_keys.get(path) != k)
        self.delete = gone_from(base, base_groups)

    def _kept_path(self, path: str) -> bool:
        """Whether a kept group holds this path (a file moved from one group to another)."""
        if self._kept_paths is None:
            self._kept_paths = {p for _, paths in self.kept for p in paths}
        return path in self._kept_paths

    def prepare(self) -> None:
        """Make the target folder ready to be written into."""
        if self.reuse:
            # from now on the spare is neither the old build nor the new one: say so (a marker
            # file, cheaper than writing the record again), until publish() writes the new record
            self.busy.parent.mkdir(parents=True, exist_ok=True)
            self.busy.touch()
        else:
            if not self.in_place and not self.spare_ok:
                discard(spare_dir_for(self.out), self.out)
            shutil.rmtree(self.target, ignore_errors=True)
            self.target.mkdir(parents=True)

    def apply(self) -> None:
        """In place: move the new files into the output and remove the ones that are gone.
        Otherwise: hard-link the files taken from the live output; remove the ones that are gone."""
        if self.in_place:
            self._apply_in_place()
            return
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
        _remove(self.target, self.delete)

    def _apply_in_place(self) -> None:
        # until the new record is written, the output is neither the old build nor the new one
        self.live_busy.parent.mkdir(parents=True, exist_ok=True)
        self.live_busy.touch()
        made: set[Path] = set()
        for job in self.render:
            dest = self.out / job.path
            if dest.parent not in made:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made.add(dest.parent)
            os.replace(self.target / job.path, dest)  # a new inode: the spare's link is untouched
        _remove(self.out, self.delete)
        shutil.rmtree(self.target, ignore_errors=True)

    def publish(self) -> None:
        """Put the target in place of the output; the output becomes the spare."""
        if self.in_place:  # the output is the new build already; the spare is as it was
            old = self.state
            assert old is not None
            state = State(live=self.nongroup_keys(), live_id=old.live_id, live_groups=self.groups)
            if self.spare_ok:
                state.spare, state.spare_id, state.spare_groups = self.base, old.spare_id, self.base_groups
                state.spare_stats = old.spare_stats
            state.live_stats = self._new_stats(state)
            save_state(self.file, state)
            self.live_busy.unlink(missing_ok=True)
            return
        out, spare = self.out, spare_dir_for(self.out)
        previous_live = self.live if self.state is not None else None
        previous_groups = self.live_groups if self.state is not None else None
        if not out.exists():
            os.rename(self.target, out)
            kept = None
        elif _exchange(self.target, out):
            kept = self.target  # the previous output
        else:
            old_out = out.parent / f".{out.name}.old"
            os.rename(out, old_out)
            os.rename(self.target, out)
            kept = old_out
        if kept is not None and kept != spare:
            if spare.exists():
                discard(spare, out)
            os.rename(kept, spare)
            kept = spare
        state = State(live=self.nongroup_keys(), live_id=_identity(out), live_groups=self.groups)
        state.live_stats = self._new_stats(state)
        if kept is not None and previous_live is not None and self.check is not None:
            state.spare, state.spare_id, state.spare_groups = previous_live, _identity(spare), previous_groups
            state.spare_stats = self.check.now  # its files as found before this build
        elif kept is not None:
            discard(spare, out)  # what it holds is unknown: of no use
        save_state(self.file, state)
        self.busy.unlink(missing_ok=True)
        self.live_busy.unlink(missing_ok=True)

    def _new_stats(self, state: State) -> dict[str, bytes]:
        """The stats of the new live output's files (see output_check). A group left as it was in
        the folder published keeps its stats whole: as the check found them in the output (in
        place, or linked from it into a new folder), or as the spare's record has them; the files
        of a group that changed are looked at now."""
        from .output_check import stat_files  # here: output_check imports this module

        found = self.check.now if self.check is not None and self.state is not None else {}
        if self.reuse:
            assert self.state is not None and self.state.spare_stats is not None
            source, source_groups = self.state.spare_stats, self.base_groups
        else:
            source, source_groups = found, self.live_groups
        stats = {"": self._nongroup_stats(state, found)}
        for name, record in state.live_groups.items():
            if source_groups.get(name) == record and name in source:
                stats[name] = source[name]
            else:
                stats[name] = stat_files(self.out, _paths(record)).tobytes()
        return stats

    def _nongroup_stats(self, state: State, found: dict[str, bytes]) -> bytes:
        """The files out of groups one by one: as the check found them in the output, or, when
        the spare is published, as its record has them unless linked from the output; the files
        rendered now are looked at now."""
        from .output_check import _stats_by_path, stat_files  # here: output_check imports this module

        known = _stats_by_path(list(self.live), found.get("", b""))
        if self.reuse:
            assert self.state is not None and self.state.spare_stats is not None
            linked, known = known, _stats_by_path(list(self.base), self.state.spare_stats.get("", b""))
            for path in self.link:
                if path in linked:
                    known[path] = linked[path]
                else:
                    known.pop(path, None)
        paths = list(state.live)
        rendered = {job.path for job in self.render}
        todo = [path for path in paths if path in rendered or path not in known]
        known.update(_stats_by_path(todo, stat_files(self.out, todo).tobytes()))
        return b"".join(known[path] for path in paths)

    def nongroup_keys(self) -> dict[str, bytes]:
        in_groups = {job.path for job in self.expanded}
        return {path: k for path, k in self.keys.items() if path not in in_groups} if in_groups else self.keys

    def abandon(self) -> None:
        """After a failure: a fresh folder is removed; a spare stays, untrusted."""
        if not self.reuse:
            discard(self.target, self.out)


def _remove(folder: Path, paths: list[str]) -> None:
    """Delete files, and the folders they leave empty."""
    for path in paths:
        dest = folder / path
        try:
            dest.unlink()
        except FileNotFoundError:
            continue
        parent = dest.parent
        while parent != folder:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def summary(plan: Plan) -> dict[str, Any]:  # for tests and benchmarks
    files = len(plan.keys) + sum(len(paths) for _, paths in plan.kept)
    return {"rendered": len(plan.render), "linked": len(plan.link), "deleted": len(plan.delete),
            "kept": files - len(plan.render) - len(plan.link), "reused_spare": plan.reuse,
            "in_place": plan.in_place,
            "groups_made": len(plan.groups) - len(plan.kept)}
