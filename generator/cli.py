"""The `vitrine` command: build, check, serve."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from . import __version__, award_cli, scaffold
from .build import RenderError, StrictFailure, build
from .errors import Problem, SiteError
from .progress import Progress
from .writer import DuplicateOutput


def _report(problems: list[Problem], out: Path | None = None) -> int:
    errors = [p for p in problems if not p.warning]
    for problem in problems:
        print(problem, file=sys.stderr)
    if errors:
        n = len(errors)
        tail = f"; {_folder(out)} was left as it was" if out is not None else ""
        print(f"vitrine: {n} problem{'s' if n > 1 else ''} found{tail}.", file=sys.stderr)
        return 1
    return 0


def _folder(out: Path) -> str:
    """The output folder as messages name it: "output/", or its absolute path when its name says
    nothing (`--out .` or `--out ..`)."""
    if out.name in ("", "..", "."):
        return str(out.resolve()).rstrip("/") + "/"
    return out.name + "/"


def cmd_build(args: argparse.Namespace) -> int:
    site = Path(args.site)
    out = Path(args.out) if args.out else site / "output"
    progress = Progress()  # a bar on a terminal, plain lines in CI (progress.py)
    try:
        result = build(site, out, workers=args.jobs, force=args.force, progress=progress, strict=args.strict)
    except SiteError as exc:
        progress.fail()
        return _report(exc.problems, out)
    except StrictFailure as exc:  # warnings count as errors: nothing was written
        progress.fail()
        _report(exc.warnings)
        n = len(exc.warnings)
        print(f"vitrine: {n} warning{'s' if n > 1 else ''} and --strict: failing; {_folder(out)} was left as it was.",
              file=sys.stderr)
        return 1
    except (RenderError, DuplicateOutput) as exc:
        progress.fail()
        said = str(exc)  # a template's mistake at its line is printed as check prints it: file:line:col: ...
        print(said if re.match(r"[^\s:]+:\d+:\d+: ", said) else f"vitrine: {said}", file=sys.stderr)
        print(f"vitrine: the build failed; {_folder(out)} was left as it was.", file=sys.stderr)
        return 1
    _report(result.warnings)  # the last build's, if this one was skipped: they are still there
    if result.skipped:
        print(f"Nothing changed since the last build: {_shown(out)} is up to date ({result.seconds:.2f} s).")
        return 0
    if result.repaired:
        n = result.repaired
        print(f"{n} file{'s' if n > 1 else ''} of {_folder(out)} {'were' if n > 1 else 'was'} removed or changed "
              "since the last build: made again.")
    print(f"Built {result.pages} pages ({result.files} files) into {_shown(out)} in {result.seconds:.2f} s.")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd())) + "/"
    except ValueError:
        return str(path) + "/"


def cmd_check(args: argparse.Namespace) -> int:
    from . import lint
    from .loader import load_site
    from .published import check_relied_on
    from .templating import template_problems

    as_json = getattr(args, "format", "text") == "json"
    try:
        site = load_site(Path(args.site), args.jobs)
        made = lint.output_paths(site, with_anchors=True)
        gone = check_relied_on(site, made)  # files that published awards point at (published.py)
        if gone:
            raise SiteError(gone)
        lint.add_warnings(site, targets=made)  # authoring checks: alt text, criteria, links... (lint.py)
        broken = template_problems(site.config.root, site.config.theme)
        if broken:
            raise SiteError(broken)
    except SiteError as exc:  # from the loader, or from an output module lint asks (signing keys)
        if as_json:
            return lint.print_json(exc.problems)
        return _report(exc.problems)
    if as_json:
        return lint.print_json(site.warnings, strict=args.strict)
    status = _report(site.warnings)
    if args.strict and site.warnings:
        n = len(site.warnings)
        print(f"vitrine: {n} warning{'s' if n > 1 else ''} and --strict: failing.", file=sys.stderr)
        return 1
    cat = site.default
    counts = [(len(cat.issuers), "issuer", "issuers"), (len(cat.badges), "badge", "badges"),
              (len(cat.competencies), "competency", "competencies"), (len(cat.pages), "page", "pages"),
              (len(site.catalogues), "language", "languages")]
    print("OK: " + ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts) + ".")
    return status


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import main as serve

    return serve(args)  # the live preview: see serve.py


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vitrine", description="Build an Open Badges catalogue from Markdown files.")
    p.add_argument("--version", action="version", version=f"vitrine {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--site", default=".", help="the site folder (default: the current folder)")
        cmd.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
        cmd.add_argument("--strict", action="store_true", help="fail on warnings too")

    b = sub.add_parser("build", help="build the site into output/")
    common(b)
    b.add_argument("--out", help="the output folder (default: SITE/output)")
    b.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="load and check every file; write nothing")
    common(c)
    c.add_argument("--format", choices=["text", "json"], default="text",
                   help="json: print {\"errors\": [...], \"warnings\": [...]} on stdout, for CI")
    c.set_defaults(func=cmd_check)
    s = sub.add_parser("serve", help="live preview: build, serve on 127.0.0.1, rebuild and reload on every save")
    common(s)
    s.add_argument("--out", help="the output folder (default: SITE/output)")
    s.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    s.add_argument("--drafts", action="store_true",
                   help="also show draft badges, marked (in the preview only: nothing is written)")
    s.set_defaults(func=cmd_serve)
    award_cli.register(sub)  # award, revoke, awards
    scaffold.register(sub)  # new
    from . import verify

    verify.register(sub)  # verify: any Open Badge, 2.0 or 3.0
    return p


def run() -> None:
    """The `vitrine` command: main(), then out at once. A build of 100,000 awards leaves a
    million objects, which Python would otherwise free one by one on its way out (a third of a
    second, a sixth of a rebuild); every file is closed and the output flushed by then."""
    import os

    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(status or 0))


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
