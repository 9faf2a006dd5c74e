"""Progress of long work (progress.py): stages with counts and times, a bar or plain lines."""

from __future__ import annotations

import io
from pathlib import Path

from generator.build import build
from generator.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def drive(progress: Progress, clock: Clock, files: int) -> None:
    progress("load", 0, 0)
    clock.now += 1.5
    progress("load", 120, 120)
    progress("render", 0, files)
    for done in range(files // 4, files + 1, files // 4):
        clock.now += 1.0
        progress("render", done, files)
    progress("publish", 0, 1)
    clock.now += 0.25
    progress("publish", 1, 1)


def test_plain_lines_for_long_work():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, tty=False, clock=clock)
    drive(progress, clock, 2000)
    assert stream.getvalue() == ("load: 120 entries in 1.50 s\n"
                                 "render: 2000 files in 4.00 s\n"
                                 "publish: done in 0.25 s\n")


def test_plain_mode_says_it_is_alive_during_a_long_stage():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, tty=False, clock=clock)
    progress("render", 0, 5000)
    clock.now += 6
    progress("render", 1200, 5000)
    assert stream.getvalue() == "render: 1200/5000 files (6 s)\n"


def test_small_work_stays_quiet():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, tty=False, clock=clock)
    drive(progress, clock, 40)
    assert stream.getvalue() == ""
    assert progress.lines == ["load: 120 entries in 1.50 s", "render: 40 files in 4.00 s", "publish: done in 0.25 s"]


def test_bar_on_a_terminal():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, tty=True, clock=clock)
    drive(progress, clock, 2000)
    text = stream.getvalue()
    assert "\r\x1b[Krender  ██████████████░░░░░░░░░░░░░░ 1000/2000   2.0 s" in text
    assert text.endswith("\r\x1b[Kpublish: done in 0.25 s\n")
    assert "\r\x1b[Kload: 120 entries in 1.50 s\n" in text


def test_failure_clears_the_bar():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, tty=True, clock=clock)
    progress("load", 0, 0)
    clock.now += 1
    progress("load", 0, 0)
    progress.fail()
    assert stream.getvalue().endswith("\r\x1b[K")
    assert progress.lines == []


def test_build_reports_its_stages(site):
    root = site()
    seen: list[tuple[str, int, int]] = []
    result = build(root, root / "output", workers=1, progress=lambda *a: seen.append(a))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "load" and stages[-1] == "publish"
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == ["load", "render", "publish"]
    assert seen[1] == ("load", 5, 5)  # 2 issuers, 1 badge, 1 competency, 1 page
    renders = [(d, t) for s, d, t in seen if s == "render"]
    assert renders[0] == (0, result.files) and renders[-1] == (result.files, result.files)
    assert [d for d, _ in renders] == sorted(d for d, _ in renders)
    assert seen[-1] == ("publish", 1, 1)


def test_cli_build_is_quiet_on_small_sites(site):
    from conftest import run_cli

    root = site()
    status, out, err = run_cli("build", "--site", str(root))
    assert (status, err) == (0, "")
    assert out.startswith("Built ")


def test_cli_build_of_a_large_site_prints_stages(site, monkeypatch):
    from conftest import run_cli
    from generator import progress

    monkeypatch.setattr(progress, "LONG", 10)  # "long" from 10 files, for the test
    root = site()
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines] == ["load", "render", "publish"]
    assert lines[0].startswith("load: 5 entries in ") and Path(root / "output/index.html").is_file()
