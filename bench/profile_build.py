#!/usr/bin/env python3
"""Profile one cold Vitrine build, in one process, counting CPU time rather than wall time.

    python bench/profile_build.py SITE [--top 40] [--out bench/work/profile.prof]

`python -m cProfile` measures wall time: on a busy machine, whatever function happens to be
running when the process is descheduled gets the blame. This runs the same build
(`generator build --site SITE --out SITE/output --jobs 1`, after removing the output and the
cache) under cProfile with time.process_time as its clock, then prints the top entries by
cumulative and by own time. Run it from the repository root, with the repository's venv
(`generator` is imported from the current folder first: run it from bench/work/snapshot to
profile the frozen copy that build.py --snapshot measured).

The CPU-time clock makes cProfile several times slower than the build itself (two clock reads
per function call): profile the 1,000-badge corpus, not the 10,000 one.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "work" / "profile.prof")
    args = ap.parse_args()
    site = args.site.resolve()
    for p in (site / "output", site / ".vitrine-cache"):
        shutil.rmtree(p, ignore_errors=True)
    sys.argv = ["generator", "build", "--site", str(site), "--out", str(site / "output"), "--jobs", "1"]
    sys.path.insert(0, os.getcwd())
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    profiler.enable()
    try:
        # cli.main, not `python -m generator` (whose cli.run ends the process with os._exit, which
        # would leave no profile behind)
        from generator import cli
        code = cli.main(sys.argv[1:])
    finally:
        profiler.disable()
    if code:
        print(f"build failed (exit {code})", file=sys.stderr)
        return 1
    print(f"CPU time of the build under the profiler: {time.process_time() - started:.1f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(args.out))
    stats = pstats.Stats(str(args.out))
    stats.strip_dirs().sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top // 2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
