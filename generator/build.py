"""Build a site: load and check (stage one), then run every output module (stage two).

The output folder is replaced only by a complete build (see writer). A build whose inputs have
not changed since the last one into the same folder is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from .workers import can_fork, pool as workers_pool
from . import __version__, lint
from .errors import Problem, SiteError
from .loader import load_site
from .awards import remember_published
from .render import award_pages, feed, hosting, images, ob2, ob3, pages, previews, search, sitemap, static, stats
from .render.base import Job, Renderer
from .writer import OutputTree, publish, recover, temp_dir_for, looks_replaceable

# The order output modules run in; each claims its paths before anything is written.
OUTPUTS = [pages, ob2, ob3, award_pages, images, previews, static, search, stats, sitemap, feed, hosting]
PARALLEL_FROM = 300  # jobs
CACHE = ".vitrine-cache"
_INPUTS = ("site.yaml", "content", "awards", "templates", "static", "themes")


@dataclass
class BuildResult:
    out: Path
    files: int = 0
    pages: int = 0
    skipped: bool = False
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)


def fingerprint(root: Path) -> str:
    """Names, sizes and times of every input and of Vitrine itself: equal means nothing changed."""
    digest = hashlib.sha256(__version__.encode())
    stack = [root / name for name in _INPUTS] + [Path(__file__).parent]
    while stack:
        path = stack.pop()
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        if path.is_dir():
            with os.scandir(path) as it:
                stack.extend(sorted((Path(e.path) for e in it if e.name != "__pycache__"), reverse=True))
    return digest.hexdigest()


def _stamp_file(root: Path, out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return root / CACHE / f"build-{key}.json"


# Set before forking workers: children inherit them instead of receiving pickled copies.
_JOBS: list[Job] = []
_TREE: OutputTree | None = None


def _run_slice(bounds: tuple[int, int]) -> str | None:
    try:
        for job in _JOBS[bounds[0]:bounds[1]]:
            _TREE.write(job.path, job.make())  # type: ignore[union-attr]
    except Exception as exc:  # noqa: BLE001 - returned to the parent, which reports it
        return _describe(exc)
    return None


def _describe(exc: BaseException) -> str:
    """A template mistake as `file:line: message`; anything else as a short traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}:1: template: {exc.message}"
    if isinstance(exc, (jinja2.TemplateError, KeyError)):
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml", ".txt"))]
        where = f"{frames[-1].filename}:{frames[-1].lineno}:1: " if frames else ""
        return f"{where}template: {exc}"
    return "".join(traceback.format_exception(exc)).rstrip()


def run_jobs(jobs: list[Job], tree: OutputTree, workers: int, on_done: Callable[[int], None] | None = None) -> None:
    """Make and write every job; `on_done(n)` is told of each finished slice (progress)."""
    global _JOBS, _TREE
    _JOBS, _TREE = jobs, tree
    try:
        if len(jobs) < PARALLEL_FROM or workers < 2 or not can_fork():
            step = max(1, len(jobs) // 20) if on_done else max(1, len(jobs))
            failures = []
            for i in range(0, len(jobs), step):
                failures.append(_run_slice((i, min(i + step, len(jobs)))))
                if failures[-1]:
                    break
                if on_done:
                    on_done(min(i + step, len(jobs)) - i)
        else:
            step = max(1, len(jobs) // (workers * 8))
            slices = [(i, min(i + step, len(jobs))) for i in range(0, len(jobs), step)]
            with workers_pool(workers) as pool:
                failures = []
                for (start, end), failure in zip(slices, pool.imap(_run_slice, slices, chunksize=1)):
                    failures.append(failure)
                    if on_done:
                        on_done(end - start)
    finally:
        _JOBS, _TREE = [], None
    failures = [f for f in failures if f]
    if failures:
        raise RenderError(failures[0])


class RenderError(Exception):
    """A template or output module failed; the message says where."""


def build(root: Path, out: Path, workers: int | None = None, force: bool = False,
          progress: Callable[[str, int, int], None] | None = None) -> BuildResult:
    """`progress(stage, done, total)`, if given, hears of the stages: see progress.py."""
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    root, out = root.resolve(), out.resolve()
    workers = workers or os.cpu_count() or 1
    recover(out)
    stamp = _stamp_file(root, out)
    current = fingerprint(root)
    if not force and out.is_dir() and stamp.is_file():
        try:
            if json.loads(stamp.read_text())["fingerprint"] == current:
                return BuildResult(out, skipped=True, seconds=time.perf_counter() - started)
        except (ValueError, KeyError):
            pass
    report("load", 0, 0)
    site = load_site(root, workers)
    loaded = sum(len(x) for x in (site.default.issuers, site.default.badges, site.default.competencies, site.default.pages))
    report("load", loaded, loaded)
    if not looks_replaceable(out):
        raise SiteError([Problem(str(out), 1, 1, "", "this folder is not empty and is not a Vitrine build: "
                                                     "refusing to replace it (choose another --out)")])
    tmp = temp_dir_for(out)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        renderer = Renderer(site, root / CACHE)
        tree = OutputTree(tmp)
        jobs: list[Job] = []
        for module in OUTPUTS:
            for job in module.jobs(renderer):
                tree.claim(job.path, job.owner)
                jobs.append(job)
        lint.add_warnings(site, targets=set(tree.owners))  # authoring warnings (lint.py)
        done = [0]
        report("render", 0, len(jobs))

        def advance(n: int) -> None:
            done[0] += n
            report("render", done[0], len(jobs))
        run_jobs(jobs, tree, workers, advance)
        report("publish", 0, 1)
        publish(tmp, out)
        report("publish", 1, 1)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    remember_published(root, site.awards)  # their URLs must answer for ever: see awards.py
    for module in OUTPUTS:  # what a module keeps once its output is published (ob3: status positions)
        getattr(module, "after_build", lambda r: None)(renderer)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"fingerprint": current}))
    pages_count = sum(1 for j in jobs if j.path.endswith(".html"))
    return BuildResult(out, files=len(jobs), pages=pages_count, warnings=site.warnings,
                       seconds=time.perf_counter() - started)
