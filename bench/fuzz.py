#!/usr/bin/env python3
"""A long fuzz run of the property-based tests (tests/test_properties.py).

    python bench/fuzz.py [--examples N] [-k PATTERN] [--seed S]

The default test run tries about 200 examples per property, each under a deadline; this runs the
same properties with the "fuzz" Hypothesis profile: N examples each (default 5000), no deadline.
They cover the frontmatter parser (arbitrary text, mutated valid files), the CSV import (arbitrary
and spreadsheet-like files: all or nothing, clean errors) and PNG/SVG baking (round trips, any
bytes to unbake). Prints the examples each property ran, their total and the time taken; exits
with pytest's status (a failure prints the smallest failing example Hypothesis found).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=5000, help="examples per property (default 5000)")
    ap.add_argument("-k", dest="pattern", help="only the properties whose name matches (pytest -k)")
    ap.add_argument("--seed", help="Hypothesis seed, to repeat a run")
    args = ap.parse_args(argv)
    env = dict(os.environ, VITRINE_HYPOTHESIS_PROFILE="fuzz", VITRINE_FUZZ_EXAMPLES=str(args.examples))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
               str(REPO / "tests" / "test_properties.py")]
    if args.pattern:
        command += ["-k", args.pattern]
    if args.seed:
        command += [f"--hypothesis-seed={args.seed}"]
    started = time.perf_counter()
    run = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    counts: dict[str, int] = {}
    current = None
    for line in run.stdout.splitlines():
        head = re.match(r"^tests/test_properties\.py::(\w+):", line)
        if head:
            current = head.group(1)
            counts.setdefault(current, 0)
        found = re.search(r"(\d+) passing", line)
        if found and current:
            counts[current] += int(found.group(1))
    if run.returncode:
        print(run.stdout[-20000:], run.stderr[-5000:], sep="\n")
    width = max((len(name) for name in counts), default=10)
    for name, n in counts.items():
        print(f"{name.ljust(width)}  {n:>8} examples")
    print(f"{'total'.ljust(width)}  {sum(counts.values()):>8} examples in {seconds:.0f} s "
          f"({'all passed' if run.returncode == 0 else 'FAILED'})")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
