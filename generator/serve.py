"""`vitrine serve`: the live preview.

It loads the site, serves it on 127.0.0.1 under the path of `base_url`, and watches the site's
inputs (site.yaml, content/, awards/, templates/, static/, themes/ and the built-in theme). A
burst of file events (an editor saving, a `git checkout`) is merged into one rebuild; the open
pages reload by themselves.

How it stays fast on large sites:
- parsed files are kept between rebuilds (parse_cache.py): a save re-parses that file only;
- pages are rendered when they are asked for, from the freshly loaded model, and kept; the
  page being looked at is ready long before the whole site could be rendered;
- then, in the background, the files are made: those whose reads did not change since the last
  good rebuild (what each read of the model and which templates: tracking.py) are kept as they
  were, the others rendered again (so a template mistake on any page they use is reported), and
  `output/` is replaced atomically, as `vitrine build` would (without the preview's script). A
  newer save cancels that work. A change to settings, translations or static files, which
  tracking does not follow, renders every file again.

With `--drafts`, draft badges get their pages too (render/drafts.py), marked, and a bar over
every page lists them. Nothing is written then, neither output/ nor the record of published
files: a draft must never reach a folder that could be deployed, nor be taken for a published
page by a later `vitrine build`. Pages are served from memory as always.

Reloading: HTML responses of the dev server (never the files in output/) get a small script
that listens to Server-Sent Events at /__vitrine/events and reloads the page when a rebuild
finishes. When a rebuild fails, the error lines are printed in the terminal and shown over the
page (the last good version of the site stays underneath); the next good save clears them.
"""

from __future__ import annotations

import gc
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from . import lint, parse_cache, tracking
from .published import check_relied_on, remember_published
from .build import CACHE, OUTPUTS, _describe
from .config import load_config
from .errors import SiteError
from .loader import load_site
from .render import drafts as draft_pages
from .render.base import Job, Renderer, anchors, expand
from .serve_http import Handler, Snapshot, State, _Server, render, reuse
from .templating import BUILTIN_THEMES
from .writer import DuplicateOutput, OutputTree, _exchange, looks_replaceable, publish, recover, temp_dir_for

WATCHED = ("content", "awards", "templates", "static", "themes", "i18n", "keys")  # keys: a rotation or withdrawal re-signs
ROOT_FILES = ("site.yaml",)
DEBOUNCE = 0.1  # seconds of quiet that end a burst of file events
MAX_BURST = 1.0  # seconds: a never-ending burst still rebuilds this often
BACKGROUND_DELAY = 0.4  # seconds left to the browser to fetch the reloaded page first
_NOT_INPUTS = ("awards/published.txt", "awards/published-urls.txt", "awards/notified.txt")  # written by Vitrine, read by no page
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")

 
# -- watching and rebuilding --------------------------------------------------------------------


def _trackable(path: str) -> bool:
    """Whether tracking (tracking.py) follows what a change of this file touches: content,
    award records and templates; not settings, translations nor static files."""
    return (path in ("content", "awards", "templates") or path.startswith(("content/", "awards/", "templates/"))
            or "/templates/" in path or path.endswith("/templates"))


def _ignored(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.startswith((".", "#")) or name.endswith(_IGNORED_SUFFIXES) or name == "4913" or "__pycache__" in path


class DevServer:
    """The live preview of the site at `root`: `start()`, then `stop()` (or `run()` until Ctrl+C)."""

    def __init__(self, root: Path, out: Path | None = None, port: int = 8000, write_output: bool = True,
                 stdout=None, stderr=None, drafts: bool = False) -> None:
        self.root = root.resolve()
        self.out = (out or root / "output").resolve()
        self.port = port
        self.drafts = drafts
        self.write_output = write_output and not drafts  # drafts are never written anywhere
        self.draft_urls: list[str] | None = None  # those last said in the terminal
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.state = State()
        self.pending: set[str] = set()
        self.first_event = 0.0
        self.last_event = 0.0
        self.wake = threading.Condition()
        self.stopping = False
        self.base_path = "/"
        self.observer = None
        self.watched_names: tuple[str, ...] = WATCHED  # and the folder of signing.keys (watch)
        self.httpd: _Server | None = None
        self.threads: list[threading.Thread] = []
        self.last_warnings: list[str] | None = None
        self.reported: set[tuple[int, str]] = set()
        self.rebuilds = 0
        self.last_rebuild_seconds = 0.0
        self.last_rebuild_cpu = 0.0
        self.output_generation = 0  # the generation last written to output/
        self.env = None  # the last Jinja environment (see rebuild)
        # A change tracking cannot follow (settings, translations, static files) since the last
        # good rebuild: the next one renders every file again (see tracking.py)
        self.untracked_change = False
        self.last_rendered: list[str] = []  # the files the last good rebuild rendered (not kept)
        self.last_background = (0, 0, 0.0)  # (files rendered again, files, seconds) of that work
        self.tracking = False
        self.output_lock = threading.Lock()
        self.worker: threading.Thread | None = None

    # terminal
    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    def shout(self, text: str) -> None:
        print(text, file=self.stderr, flush=True)

    # lifecycle
    def start(self, announce: bool = False) -> str:
        config, _ = load_config(self.root)
        self.base_path = config.base_path if config else "/"
        handler = type("BoundHandler", (Handler,), {"state": self.state, "base_path": self.base_path})
        try:
            self.httpd = _Server(("127.0.0.1", self.port), handler)
        except OSError as exc:
            raise ServeError(f"cannot listen on 127.0.0.1:{self.port} ({exc.strerror or exc}): "
                             "pass another --port") from None
        self.httpd.report_render_error = self.report_render_error
        self.port = self.httpd.server_address[1]
        parse_cache.activate()
        tracking.install()
        self.tracking = True
        self.rebuild(initial=True)  # before any thread: the first parse may use worker processes
        self.watch()
        if announce:  # said before the first request can be answered
            self.say(f"Serving {self.root.name or self.root} at {self.url} — edits reload the page (Ctrl+C to stop)")
        if self.drafts:
            self.say_drafts()
        for target in (self.httpd.serve_forever, self.rebuild_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self.url

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.base_path}"

    def run(self) -> int:
        try:  # Ctrl+C as soon as the page answers (inside start) is a normal stop too
            self.start(announce=True)
            while True:
                # Short naps: Ctrl+C may be delivered to another thread (the kernel picks any),
                # and this thread only runs Python's handler once its sleep ends (a 3600 s sleep
                # left a loaded machine's preview running after Ctrl+C).
                time.sleep(0.2)
        except KeyboardInterrupt:
            self.say("")
        finally:
            self.stop()
        return 0

    def stop(self) -> None:
        self.stopping = True
        with self.wake:
            self.wake.notify_all()
        self.state.close()
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
        parse_cache.deactivate()
        if self.tracking:
            tracking.uninstall()
            self.tracking = False

    # watching
    def watch(self) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        server = self

        class Events(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                for raw in (event.src_path, getattr(event, "dest_path", "")):
                    path = raw.decode() if isinstance(raw, bytes) else raw
                    if path:
                        server.event(path, event.is_directory)

        self.observer = Observer()
        self.events = Events()
        self.watched: set[Path] = set()
        self.observer.schedule(self.events, str(self.root), recursive=False)
        from .build import _keys_dir

        own_keys = [folder.strip("/").split("/", 1)[0] for folder in _keys_dir(self.root)]  # signing.keys
        self.watched_names = (*WATCHED, *(name for name in own_keys if name not in ("", ".", "..")))
        for name in self.watched_names:
            self.watch_folder(self.root / name)
        if BUILTIN_THEMES.is_dir():
            self.watch_folder(BUILTIN_THEMES)
        self.observer.start()

    def watch_folder(self, folder: Path) -> None:
        if folder.is_dir() and folder not in self.watched and self.observer is not None:
            self.observer.schedule(self.events, str(folder), recursive=True)
            self.watched.add(folder)

    def event(self, path: str, is_directory: bool) -> None:
        file = Path(path)
        try:
            rel = file.relative_to(self.root).as_posix()
        except ValueError:
            rel = path  # the built-in theme
        else:
            top = rel.split("/", 1)[0]
            if "/" not in rel:  # the site's own folder: site.yaml, or a watched folder appearing
                if top in self.watched_names and is_directory:
                    if file in self.watched and file.is_dir():
                        return  # its entries changed: their own events say which
                    self.watch_folder(file)
                elif top not in ROOT_FILES and top not in self.watched_names:
                    return
            elif top not in self.watched_names:
                return
        if _ignored(rel) or (is_directory and "/" in rel) or rel in _NOT_INPUTS:
            return
        if self.out in file.parents or file == self.out or (self.root / CACHE) in file.parents:
            return
        with self.wake:
            now = time.monotonic()
            if not self.pending:
                self.first_event = now
            self.pending.add(rel)
            self.last_event = now
            self.wake.notify_all()

    def rebuild_loop(self) -> None:
        while not self.stopping:
            with self.wake:
                while not self.pending and not self.stopping:
                    self.wake.wait()
                if self.stopping:
                    return
                # Merge the burst: wait for DEBOUNCE seconds without events (at most MAX_BURST).
                while True:
                    now = time.monotonic()
                    quiet = self.last_event + DEBOUNCE - now
                    if quiet <= 0 or now - self.first_event >= MAX_BURST or self.stopping:
                        break
                    self.wake.wait(quiet)
                changed = sorted(self.pending)
                self.pending.clear()
            try:
                self.rebuild(changed=changed)
            except Exception:  # noqa: BLE001 - the preview must survive anything
                self.state.fail(traceback.format_exc().splitlines())
                self.shout(traceback.format_exc())

    # building
    def rebuild(self, initial: bool = False, changed: list[str] | None = None) -> None:
        started, cpu = time.perf_counter(), time.thread_time()
        if changed and not all(_trackable(c) for c in changed):
            self.untracked_change = True
        try:
            site = load_site(self.root, None if initial else 1)  # no worker processes once threads run
            renderer = Renderer(site, self.root / CACHE)
            # Compiled templates are kept while only content changes (Jinja recompiles a template
            # whose file changed; a new or deleted template file needs a new environment).
            if self.env is not None and changed and all(c.startswith(("content/", "awards/")) for c in changed):
                renderer.env = self.env
            self.env = renderer.env
            tracking.track_templates(renderer.env)
            claims = OutputTree(self.out)
            jobs: dict[str, Job] = {}
            for module in OUTPUTS:
                for job in expand(module.jobs(renderer)):
                    claims.claim(job.path, job.owner)
                    jobs[job.path] = job
            made = set(jobs) | anchors(OUTPUTS, renderer)  # what a build publishes: drafts aside
            drafts: set[str] = set()
            if self.drafts:
                for job in draft_pages.jobs(renderer):
                    claims.claim(job.path, job.owner)
                    jobs[job.path] = job
                    drafts.add(job.path)
            gone = check_relied_on(site, made)  # files that published awards point at (published.py)
            if gone:
                raise SiteError(gone)
        except SiteError as exc:
            errors = [p for p in exc.problems if not p.warning]
            n = len(errors)
            lines = [str(p) for p in exc.problems]
            summary = f"vitrine: {n} problem{'s' if n > 1 else ''} found"
            lines.append(summary + ("; the preview shows the last good version." if self.state.snapshot else "."))
            self.state.fail(lines)
            self.shout("\n".join(lines))
            return
        except DuplicateOutput as exc:
            lines = [f"vitrine: {exc}"]
            self.state.fail(lines)
            self.shout(lines[0])
            return
        snapshot = Snapshot(site, renderer, jobs, made=made, drafts=drafts if self.drafts else None)
        previous = self.state.snapshot
        if initial or self.untracked_change or previous is None or previous.day != snapshot.day:
            previous = None  # everything is rendered again
        self.untracked_change = False
        generation = self.state.swap(snapshot)
        self.rebuilds += 1
        self.last_rebuild_seconds = time.perf_counter() - started
        self.last_rebuild_cpu = time.thread_time() - cpu  # the same on a busy machine
        if not initial:
            what = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed or []) > 3 else "")
            self.say(f"{what or 'files'} changed: reloaded in {self.last_rebuild_seconds:.2f} s")
            if self.drafts and self.state.snapshot is snapshot:
                self.say_drafts(only_if_changed=True)
        worker = threading.Thread(target=self.finish, args=(generation, snapshot, initial, previous, changed),
                                  daemon=True)
        worker.start()
        self.worker = worker  # the background work of the last good rebuild (tests join it)

    def current(self, generation: int) -> bool:
        """Whether background work for `generation` is still wanted: not once a newer save is
        pending (it would slow the rebuild that the author is waiting for)."""
        return self.state.generation == generation and not self.pending and not self.stopping

    def finish(self, generation: int, snapshot: Snapshot, initial: bool, previous: Snapshot | None = None,
               changed: list[str] | None = None) -> None:
        """Background work after a good rebuild: warnings, every file rendered (or kept from the
        previous snapshot when nothing it read changed), output/ written."""
        if not initial:
            deadline = time.monotonic() + BACKGROUND_DELAY
            while time.monotonic() < deadline and self.current(generation):
                time.sleep(0.05)
        # Even when a newer save is waiting: the next rebuild takes its files from this snapshot,
        # which must hold what was kept (quick: digests are compared, nothing is rendered)
        kept = reuse(previous, snapshot) if previous is not None else set()
        del previous  # its pages are no longer needed: let them go before rendering
        if not self.current(generation):
            return
        started = time.perf_counter()
        published = set(snapshot.jobs) - (snapshot.drafts or set())  # a link to a draft is not good in output/
        warnings = [str(p) for p in sorted(set(snapshot.site.warnings) | set(lint.lint(snapshot.site, published)))]
        if warnings != self.last_warnings and self.current(generation):
            self.last_warnings = warnings
            if warnings:
                self.shout("\n".join(warnings))
        for path in snapshot.jobs:
            if not self.current(generation):
                return
            try:
                render(snapshot, path)
            except Exception as exc:  # noqa: BLE001
                self.report_render_error(generation, _describe(exc, self.root).splitlines())
                return
        self.last_rendered = [path for path in snapshot.jobs if path not in kept]
        self.last_background = (len(self.last_rendered), len(snapshot.jobs), time.perf_counter() - started)
        if not initial:
            self.say(f"  {len(self.last_rendered)} of {len(snapshot.jobs)} files rendered again "
                     f"({len(kept)} unchanged) in {time.perf_counter() - started:.2f} s")
        if not self.write_output or not self.current(generation):
            return
        if not looks_replaceable(self.out):
            if initial:
                self.shout(f"vitrine: {self.out} is not empty and is not a Vitrine build: the preview does not write it")
            return
        with self.output_lock:  # one writer at a time: an outdated one gives up and cleans up first
            if not self.current(generation):
                return
            tmp = temp_dir_for(self.out)
            try:
                recover(self.out)
                shutil.rmtree(tmp, ignore_errors=True)
                tmp.mkdir(parents=True)
                tree = OutputTree(tmp)
                for path in snapshot.jobs:
                    if not self.current(generation):
                        return
                    tree.write(path, snapshot.rendered[path])
                swap(tmp, self.out)
            except OSError as exc:  # a full disk, another process in output/: the preview goes on
                self.shout(f"vitrine: could not write {self.out.name}/ ({exc}); the preview goes on")
                return
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            remember_published(self.root, snapshot.site, snapshot.made)
            self.output_generation = generation
        if initial:
            self.say(f"Built {len(snapshot.jobs)} files into {self.out} in {time.perf_counter() - started:.2f} s.")
        if self.current(generation):
            # Collect the garbage of this rebuild now, while the author reads: else the cyclic
            # collector's first full pass falls on the next save (the first save after start-up
            # took 0.3 s more than the others).
            gc.collect()

    def say_drafts(self, only_if_changed: bool = False) -> None:
        """The addresses of the drafts in the terminal (at start, then when they change): where an
        author finds the page of the badge they write."""
        snapshot = self.state.snapshot
        if snapshot is None:
            return
        urls = [self.url + badge.path for badge in snapshot.site.default.draft_badges]
        if only_if_changed and urls == self.draft_urls:
            return
        self.draft_urls = urls
        if not urls:
            self.say("Drafts: none (a badge with `status: draft` would show here, not written to output/).")
            return
        self.say(f"Drafts, shown by this preview only (not published, not written to output/): {len(urls)}")
        for url in urls:
            self.say(f"  {url}")

    def report_render_error(self, generation: int, lines: list[str]) -> None:
        """A page failed to render: in the terminal once, and over every page."""
        key = (generation, "\n".join(lines))
        with self.state.lock:
            if key in self.reported or self.state.generation != generation or self.state.errors:
                return
            self.reported.add(key)
        self.shout("\n".join(lines))
        self.state.fail(lines + ["vitrine: a page could not be rendered; output/ was left as it was."])


def swap(tmp: Path, out: Path) -> None:
    """writer.publish, but the previous output is deleted by another process: deleting thousands
    of files from this one would slow the next rebuild (each file system call gives the
    interpreter lock up, and getting it back waits for the other thread)."""
    if out.exists() and _exchange(tmp, out):
        trash = out.parent / f".{out.name}.trash-{os.getpid()}-{time.monotonic_ns()}"
        try:
            os.rename(tmp, trash)
            subprocess.Popen(["rm", "-rf", "--", str(trash)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            shutil.rmtree(trash if trash.exists() else tmp, ignore_errors=True)
        return
    publish(tmp, out)


class ServeError(Exception):
    """Why the preview cannot start, in one line."""


def main(args) -> int:
    """`vitrine serve [--site DIR] [--out DIR] [--port N] [--drafts]`."""
    root = Path(args.site)
    drafts = getattr(args, "drafts", False)
    if drafts and getattr(args, "out", None):
        print("vitrine: --drafts writes no files (a draft must never reach a folder that could be deployed): "
              "--out does not go with it", file=sys.stderr)
        return 2
    if not (root / "site.yaml").is_file():
        print(f"vitrine: no site.yaml in {root.resolve()}: is this a Vitrine site? (pass --site DIR)", file=sys.stderr)
        return 1
    out = Path(args.out) if getattr(args, "out", None) else root / "output"
    server = DevServer(root, out, args.port, drafts=drafts)
    try:
        return server.run()
    except ServeError as exc:
        print(f"vitrine: {exc}", file=sys.stderr)
        return 1


def free_port() -> int:
    """A port free right now on 127.0.0.1 (tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
