"""Time from saving a badge to the reloaded page in a browser, with `vitrine serve`.

    .venv/bin/python bench/corpus.py --badges 1000 --out /tmp/x --vitrine-only
    .venv/bin/python tests/serve_latency.py /tmp/x [--rounds 10]

Starts the live preview on the site (in this process), opens the first badge's page in headless
Chromium (Debian's, through Playwright), then for each round: appends a word to the badge's name,
saves, and waits until the page shows it. The clock starts right after the file is written
and stops when the reloaded page shows the new name. Rounds are a few seconds apart, as an
author's saves are (the background render of the previous save has finished, or not: both are
reported), and how many files the background work rendered again (the others were kept, since
nothing they read changed: generator/tracking.py). The badge file is restored at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from browser import CHROMIUM, browser  # noqa: E402
from generator.serve import DevServer  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("site", type=Path)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--pause", type=float, default=3.0, help="seconds between two saves (default 3)")
    p.add_argument("--warm", type=float, default=600, help="seconds to wait for the first complete build (default 600)")
    args = p.parse_args()
    if not CHROMIUM:
        print("needs Debian's chromium", file=sys.stderr)
        return 1
    root = args.site.resolve()
    badge = sorted((root / "content/badges").glob("*.md"))[0]
    if "." in badge.stem:
        badge = next(b for b in sorted((root / "content/badges").glob("*.md")) if "." not in b.stem)
    original = badge.read_text(encoding="utf-8")
    name = re.search(r"^name: *(.+)$", original, re.M).group(1)
    started = time.perf_counter()
    server = DevServer(root, port=0, stdout=io.StringIO(), stderr=io.StringIO())
    url = server.start()
    print(f"{len(list((root / 'content/badges').glob('*.md')))} badge files; preview started in "
          f"{time.perf_counter() - started:.2f} s at {url}")
    deadline = time.monotonic() + args.warm
    while server.output_generation != server.state.generation and time.monotonic() < deadline:
        time.sleep(0.1)  # the first render of every file, and output/ written (background)
    if server.output_generation == server.state.generation:
        print(f"first complete build (every file rendered, output/ written) after {time.perf_counter() - started:.2f} s")
    else:
        print("measuring while the first complete build still runs in the background")
    times, rebuilds, cpus, rendered = [], [], [], []
    try:
        with browser() as chromium:
            page = chromium.new_page()
            page.goto(url + f"badges/{badge.stem}/")
            # the first save too comes a few seconds after the page is open, as an author's would:
            # not while Chromium is still starting and fetching the page's images
            page.wait_for_load_state("networkidle")
            time.sleep(args.pause)
            for i in range(1, args.rounds + 1):
                marker = f"edit{i}"
                text = original.replace(f"name: {name}", f"name: {name} {marker}", 1)
                t0 = time.perf_counter()
                badge.write_text(text, encoding="utf-8")
                page.wait_for_function("m => document.querySelector('h1') && document.querySelector('h1')"
                                       ".textContent.includes(m)", arg=marker, timeout=30_000)
                times.append(time.perf_counter() - t0)
                rebuilds.append(server.last_rebuild_seconds)
                cpus.append(server.last_rebuild_cpu)
                print(f"  save {i}: page reloaded after {times[-1] * 1000:.0f} ms "
                      f"(reloading the model: {rebuilds[-1] * 1000:.0f} ms, {cpus[-1] * 1000:.0f} ms of CPU)")
                time.sleep(args.pause)
                waited = time.monotonic() + 60
                while server.output_generation != server.state.generation and time.monotonic() < waited:
                    time.sleep(0.05)
                again, files, seconds = server.last_background
                if server.output_generation == server.state.generation:
                    print(f"          then in the background: {again} of {files} files rendered again "
                          f"(the others kept: nothing they read changed), output/ written, in {seconds:.2f} s")
                    rendered.append(again)
    finally:
        badge.write_text(original, encoding="utf-8")
        server.stop()
    print(f"save to reloaded page: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {len(times)} saves "
          f"(of which reloading the model: median {statistics.median(rebuilds) * 1000:.0f} ms, "
          f"{statistics.median(cpus) * 1000:.0f} ms of CPU; debounce 100 ms); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if rendered:
        print(f"files rendered again per save: median {statistics.median(rendered):.0f} of {server.last_background[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
