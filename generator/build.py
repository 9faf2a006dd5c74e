"""Build a site: load and check (stage one), then run every output module (stage two).

The output folder is replaced only by a complete build (see writer). A build whose inputs have
not changed since the last one into the same folder, and whose output is as that build left it
(output_check.check_output), is skipped; the warnings of the last build are shown again. With
`strict`, warnings fail the build before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from . import __version__
from .errors import Problem, SiteError
from .writer import OutputTree, recover, looks_replaceable

if TYPE_CHECKING:
    from .model import Site
    from .render.base import Job

# The loader, the checks and the output modules (Jinja, Pillow, Markdown...) are imported when a
# build needs them: one that finds nothing changed does not, and takes 0.15 s less (at 10,000
# badges, a third of it).
PARALLEL_FROM = 300  # jobs
CACHE = ".vitrine-cache"
_INPUTS = ("site.yaml", "content", "awards", "templates", "static", "themes", "i18n")


@dataclass
class BuildResult:
    out: Path
    files: int = 0
    pages: int = 0
    skipped: bool = False
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)
    rendered: int = 0  # files made this time (the others were already there: incremental.py)
    repaired: int = 0  # files of the output removed or changed by hand since the last build, made again


def _outputs() -> tuple[list[Any], tuple[Any, ...]]:
    """OUTPUTS: the output modules, in the order they run; each claims its paths before anything
    is written. CONTENT_ONLY: those whose files depend only on the content, settings, templates
    and code: not on the award records nor on the day (incremental.py). Their jobs' key defaults
    to "" instead of None. A module that starts to show something of the awards must leave this
    list, or give its jobs keys (as pages does for a badge's holders' count)."""
    from .render import (award_pages, feed, hosting, images, ob2, ob3, pages, previews, search, sitemap, static,
                         stats, verify_page)

    return ([pages, ob2, ob3, award_pages, verify_page, images, previews, static, search, stats, sitemap, feed, hosting],
            (pages, images, previews, static, search, sitemap, feed, hosting))


def __getattr__(name: str) -> Any:  # `from .build import OUTPUTS` imports the output modules then
    if name in ("OUTPUTS", "CONTENT_ONLY"):
        globals()["OUTPUTS"], globals()["CONTENT_ONLY"] = _outputs()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_NOT_INPUTS = {"published.txt", "published-urls.txt", "notified.txt"}  # awards/ files that change no output


def fingerprint(root: Path, names: tuple[str, ...] = _INPUTS, code: bool = True) -> str:
    """Names, sizes and times of every input and of Vitrine itself: equal means nothing changed.
    Paths as strings, not Path objects: a third of the time, for 10,000 badges."""
    digest = hashlib.sha256(__version__.encode())
    stack = [os.path.join(root, name) for name in names] + ([os.path.dirname(__file__)] if code else [])
    while stack:
        path = stack.pop()
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):  # a folder by its entries: its own times change when a file is replaced
            digest.update(f"{path}\0dir\0".encode())
            with os.scandir(path) as it:
                stack.extend(sorted((e.path for e in it if e.name != "__pycache__" and e.name not in _NOT_INPUTS),
                                    reverse=True))
        else:
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _keys_dir(root: Path) -> tuple[str, ...]:
    """site.yaml's `signing.keys` when it is not keys/: a rotation or a withdrawal there is a change
    too (it was not: a withdrawn key went on verifying after "Nothing changed")."""
    try:
        text = (root / "site.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    if "keys" not in text:  # the usual case: no YAML parser to import for a build with nothing changed
        return ()
    import yaml

    try:
        folder = yaml.safe_load(text)["signing"]["keys"]
    except (yaml.YAMLError, KeyError, TypeError):
        return ()
    return (folder,) if isinstance(folder, str) and folder.strip("/") not in ("", "keys") else ()


def digests(root: Path) -> tuple[str, str, str]:
    """(static, dynamic, whole) digests of the inputs (see incremental.py): static is everything
    but the award records and the day (the signing keys included, from keys/ or the environment);
    dynamic adds the records and the day; whole is what decides that nothing changed at all."""
    from .clock import today

    static = hashlib.sha256()
    inputs = tuple(n for n in _INPUTS if n != "awards") + ("keys",) + _keys_dir(root)
    static.update(fingerprint(root, inputs).encode())
    for name in ("VITRINE_OB2_KEY", "VITRINE_OB3_KEY"):
        static.update(hashlib.sha256(os.environ.get(name, "").encode()).digest())
    records = fingerprint(root, ("awards",), code=False)
    dynamic = hashlib.sha256(f"{static.hexdigest()}:{records}:{today().isoformat()}".encode()).hexdigest()
    return static.hexdigest(), dynamic, dynamic


def _load(root: Path, workers: int) -> Site:
    """load_site, with the parsed content files kept in .vitrine-cache between builds: a build
    after one award was added does not parse the catalogue's Markdown again (parse_cache.py)."""
    from . import parse_cache
    from .loader import load_site

    if parse_cache.active() is not None:  # vitrine serve keeps its own
        return load_site(root, workers)
    # A parse result depends on Vitrine's code as well as on the file: kept for this code only
    # (its version alone would keep results of older code installed from a repository).
    cache = parse_cache.StoredParseCache(root / CACHE / "parsed.bin", fingerprint(root, (), code=True))
    (root / CACHE / "parsed.pickle").unlink(missing_ok=True)  # what earlier code kept, in one piece
    parse_cache.activate(cache)
    try:
        return load_site(root, workers)
    finally:
        parse_cache.deactivate()
        cache.save()


def _give_back_memory() -> None:
    """Return to the system what loading freed (the parse cache's 80 MB of pickles at 10,000
    badges, the parser's leftovers): glibc keeps freed memory for later, and every forked worker
    would count it in its own resident size. Nothing happens where glibc is not the C library."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _stamp_file(root: Path, out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return root / CACHE / f"build-{key}.json"


# Set before forking workers: children inherit them instead of receiving pickled copies.
_JOBS: list[Job] = []
_TREE: OutputTree | None = None
_ROOT = ""  # the site's folder and a "/": a template of the site is named from it (templates/page.html)


def _run_slice(bounds: tuple[int, int]) -> str | None:
    try:
        for job in _JOBS[bounds[0]:bounds[1]]:
            _TREE.write(job.path, job.make())  # type: ignore[union-attr]
    except Exception as exc:  # noqa: BLE001 - returned to the parent, which reports it
        return _describe(exc)
    return None


def _describe(exc: BaseException, root: Path | None = None, label: str = "template") -> str:
    """A template mistake as `file:line: label: message`, the file named from the site's folder;
    anything else as a short traceback."""
    import jinja2

    prefix = str(root.resolve()) + os.sep if root else _ROOT

    def shown(path: str) -> str:
        return path[len(prefix):] if prefix and path.startswith(prefix) else path
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{shown(exc.filename or exc.name or '')}:{exc.lineno}:1: {label}: {exc.message}"
    if isinstance(exc, (jinja2.TemplateError, KeyError)):
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml", ".txt"))]
        where = f"{shown(frames[-1].filename)}:{frames[-1].lineno}:1: " if frames else ""
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str) else str(exc)
        # "'generator.model.Site object' has no attribute 'x'": the model's class, not Python's path to it
        message = re.sub(r"'generator\.model\.(\w+) object'", r"a \1 (generator/model.py)", message)
        return f"{where}{label}: {message}"
    return "".join(traceback.format_exception(exc)).rstrip()


def plan_slices(jobs: list[Job], workers: int) -> tuple[list[Job], list[tuple[int, int]]]:
    """The jobs in the order the workers take them, and the slices (bounds in that list) handed
    out one at a time. Each batch (Job.batch) is one slice, handed out first. Handed out among
    the last, the search index (after the previews) took seconds in one worker after the other
    had finished everything; spread over both workers, the listing pages had each worker render
    every badge card (at 10,000 badges: 4 s and 8,000 cards of 40 s)."""
    batches: dict[str, list[Job]] = {}
    rest: list[Job] = []
    for job in jobs:
        if job.batch:
            batches.setdefault(job.batch, []).append(job)
        else:
            rest.append(job)
    ordered = [job for batch in batches.values() for job in batch] + rest
    slices, start = [], 0
    for batch in batches.values():
        slices.append((start, start + len(batch)))
        start += len(batch)
    step = max(1, len(rest) // (workers * 32))
    slices += [(i, min(i + step, len(ordered))) for i in range(start, len(ordered), step)]
    return ordered, slices


def run_jobs(jobs: list[Job], tree: OutputTree, workers: int, on_done: Callable[[int], None] | None = None) -> None:
    """Make and write every job; `on_done(n)` is told of each finished slice (progress)."""
    from .workers import can_fork, pool as workers_pool

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
            _JOBS, slices = plan_slices(jobs, workers)
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


class StrictFailure(Exception):
    """`strict` and the site has warnings: they count as errors, and nothing was written."""

    def __init__(self, warnings: list[Problem]):
        super().__init__(f"{len(warnings)} warning(s)")
        self.warnings = warnings


def build(root: Path, out: Path, workers: int | None = None, force: bool = False,
          progress: Callable[[str, int, int], None] | None = None, strict: bool = False) -> BuildResult:
    """`progress(stage, done, total)`, if given, hears of the stages: see progress.py.

    Incremental (incremental.py): only the jobs whose inputs changed are rendered, into the spare
    output folder, which then replaces the output in one atomic step. `force` renders all.
    `strict`: raise StrictFailure if the site has warnings, before writing anything."""
    import gc

    global _ROOT
    _ROOT = str(root.resolve()) + os.sep
    site_dir, target = root.resolve(), out.resolve()
    inputs = [site_dir / name for name in ("content", "static", "templates", "themes", "awards", "keys", CACHE)]
    if site_dir.is_relative_to(target) or any(target.is_relative_to(folder) for folder in inputs):
        # the site's own files: the next build would read the output as content, templates or static files
        raise SiteError([Problem(str(out), 1, 1, "", "this folder holds the site's own files: refusing to build into "
                                                     "it (choose another --out, such as output/)")])

    # Loading and planning make a million long-lived objects (100,000 awards) and no garbage
    # cycles: the cyclic collector, run again and again meanwhile, would cost a second. It is
    # back on for rendering, with the model frozen out of its reach (and out of the workers':
    # their pages of memory stay shared with this process).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(root, out, workers, force, progress, enabled, strict)
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _unchanged_warnings(stamp: Path, current: str) -> list[Problem] | None:
    """The warnings of the last build if its inputs were these, else None."""
    try:
        record = json.loads(stamp.read_text())
        if record["fingerprint"] == current:
            return [Problem(*fields, warning=True) for fields in record.get("warnings", [])]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _write_stamp(stamp: Path, current: str, warnings: list[Problem]) -> None:
    """What the next build compares its inputs with, and the warnings it shows if they are equal."""
    fields = [[p.path, p.line, p.col, p.field, p.message] for p in warnings]
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"fingerprint": current, "warnings": fields}, ensure_ascii=False))


def _build(root: Path, out: Path, workers: int | None, force: bool,
           progress: Callable[[str, int, int], None] | None, collect: bool, strict: bool) -> BuildResult:
    import gc

    from .incremental import Plan, leftover_trash
    from .output_check import PendingCheck, check_output, start_check

    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    root, out = root.resolve(), out.resolve()
    workers = workers or os.cpu_count() or 1
    recover(out)
    leftover_trash(out)
    stamp = _stamp_file(root, out)
    static, dynamic, current = digests(root)
    # Is output/ as the last build left it (output_check.check_output: a stat per file)? Asked now
    # if the inputs are the last build's; else while the site loads, by a forked process.
    warnings = None if force else _unchanged_warnings(stamp, current)
    check, pending = None, PendingCheck()
    if warnings is not None:
        check = check_output(root / CACHE, out)
        if check is not None and not check.damaged:
            if strict and warnings:
                raise StrictFailure(warnings)
            return BuildResult(out, skipped=True, warnings=warnings, seconds=time.perf_counter() - started)
    elif not force:
        pending = start_check(root / CACHE, out)
    from . import lint
    from .published import check_relied_on, remember_published
    from .render.base import JobGroup, Renderer, anchors

    outputs, content_only_outputs = _outputs()
    report("load", 0, 0)
    try:
        site = _load(root, workers)
    finally:
        check = pending.result() if check is None else check  # waited for even if loading failed
    _give_back_memory()
    loaded = sum(len(x) for x in (site.default.issuers, site.default.badges, site.default.competencies, site.default.pages))
    report("load", loaded, loaded)
    if check is None and not looks_replaceable(out):  # a folder with a record is one of our builds
        raise SiteError([Problem(str(out), 1, 1, "", "this folder is not empty and is not a Vitrine build: "
                                                     "refusing to replace it (choose another --out)")])
    renderer = Renderer(site, root / CACHE)
    tree = OutputTree(out)  # claims paths; writes where the plan says
    jobs: list[Job] = []
    groups: list[JobGroup] = []  # made by the plan only when their files must change
    for module in outputs:
        content_only = module in content_only_outputs
        for job in module.jobs(renderer):
            if isinstance(job, JobGroup):
                groups.append(job)
                continue
            tree.claim(job.path, job.owner)
            if content_only and job.key is None:
                job.key = ""
            jobs.append(job)
    plan = Plan(out, root / CACHE, jobs, static, dynamic, check, groups)
    for job in plan.expanded:
        tree.claim(job.path, job.owner)
    for name, paths in plan.kept:
        tree.claim_all(paths, name.split(":", 1)[0])
    made = set(tree.owners)
    made.update(anchors(outputs, renderer))  # did.json#<kid>: no link of a page is written so
    relied_on_gone = check_relied_on(site, made)  # files that published awards point at (published.py)
    if relied_on_gone:
        raise SiteError(relied_on_gone)
    lint.add_warnings(site, targets=made)  # authoring warnings (lint.py)
    if strict and site.warnings:  # every warning is known by now: nothing is written
        raise StrictFailure(site.warnings)
    tree.root, tree.replace = plan.target, plan.reuse
    gc.freeze()
    if collect:
        gc.enable()
    try:
        plan.prepare()
        done = [0]
        report("render", 0, len(plan.render))

        def advance(n: int) -> None:
            done[0] += n
            report("render", done[0], len(plan.render))
        run_jobs(plan.render, tree, workers, advance)
        if strict and site.warnings:  # one found while rendering: the files made are not published
            raise StrictFailure(site.warnings)
        report("publish", 0, 1)
        plan.apply()
        plan.publish()
        report("publish", 1, 1)
    except BaseException:
        plan.abandon()
        raise
    remember_published(root, site, made)  # their URLs must answer for ever: see published.py
    for module in outputs:  # what a module keeps once its output is published (ob3: status positions)
        getattr(module, "after_build", lambda r: None)(renderer)
    _write_stamp(stamp, current, site.warnings)
    pages_count = sum(1 for path in tree.owners if path.endswith(".html"))
    repaired = len(check.damaged) if check is not None else 0
    return BuildResult(out, files=len(tree.owners), pages=pages_count, warnings=site.warnings,
                       seconds=time.perf_counter() - started, rendered=len(plan.render), repaired=repaired)
