"""A build killed with SIGKILL at any moment leaves the last output/ whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, copy_site, run_cli
from test_invalid_sites import tree_digest


def _start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(root), "--force"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)


def test_sigkill_at_any_moment_leaves_a_whole_output(tmp_path: Path):
    root = copy_site(REPO, tmp_path / "site")
    assert run_cli("build", "--site", str(root))[0] == 0
    old = tree_digest(root / "output")
    badge = root / "content/badges/expression-orale-creative.md"
    badge.write_text(badge.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")

    # One uninterrupted run tells how long a build takes, and what the new output is.
    shadow = copy_site(root, tmp_path / "shadow")
    started = time.perf_counter()
    assert run_cli("build", "--site", str(shadow))[0] == 0
    duration = time.perf_counter() - started
    new = tree_digest(shadow / "output")
    assert new != old

    seen = set()
    for step in range(12):  # kill points spread over the whole build, start-up included
        process = _start_build(root)
        time.sleep(duration * 1.6 * step / 11)
        process.send_signal(signal.SIGKILL)
        process.wait()
        current = tree_digest(root / "output")
        assert current in (old, new), f"kill #{step}: output is neither the old nor the new build"
        seen.add("new" if current == new else "old")
        if current == new:  # the build had finished: go back to the old state for the next kill
            break
    assert "old" in seen
    # The next build finishes the job and leaves no temporary folder behind.
    assert run_cli("build", "--site", str(root), "--force")[0] == 0
    assert tree_digest(root / "output") == new
    # Nothing half-built is left; the previous output may stay as the next build's spare
    # (.output.prev), and a folder being deleted in the background (.output.trash-*) goes away.
    deadline = time.monotonic() + 30
    while [p for p in root.iterdir() if p.name.startswith(".output.trash-")] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p.name for p in root.iterdir() if p.name.startswith(".output") and p.name != ".output.prev"] == []
