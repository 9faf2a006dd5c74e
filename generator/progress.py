"""Progress of long work: stages (load, render, publish) with counts and times.

`build(..., progress=Progress())` calls the object as `progress(stage, done, total)`: when a
stage starts (done 0), as it advances, and when it ends (done == total). On a terminal it draws
one bar that redraws in place (and erases); elsewhere (CI logs, pipes) it prints a line every few
seconds while a stage runs, so that a log shows the build is alive. The summary of each stage is
printed for long work only (a build of `LONG` files or more), so small sites stay quiet:

    load: 1062 entries in 3.71 s
    render: 3127 files in 4.10 s
    publish: done in 0.05 s
"""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

UNITS = {"load": "entries", "render": "files", "publish": ""}
BAR_WIDTH = 28
REDRAW_EVERY = 0.08  # seconds between two redraws of the bar
PLAIN_EVERY = 5.0  # seconds between two "still working" lines in plain mode
LONG = 1000  # files to render from which stage summaries are printed

ProgressCallback = Callable[[str, int, int], None]


class Progress:
    """A progress reporter for `build(progress=...)`; see the module's docstring."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None,
                 clock: Callable[[], float] = time.perf_counter, long: int | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.stage: str | None = None
        self.started = 0.0
        self.done = 0
        self.total = 0
        self.last_draw = 0.0
        self.lines: list[str] = []  # finished stages' summaries
        self.long = LONG if long is None else long
        self.verbose = self.long <= 0  # becomes True once the work is known to be long

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage != self.stage:
            self.finish()
            self.stage, self.started, self.last_draw = stage, now, now
            if stage == "render" and total >= self.long and not self.verbose:
                self.verbose = True  # long work: the summaries held so far are printed now
                self._write("".join(line + "\n" for line in self.lines))
        self.done, self.total = done, total
        if total and done >= total:
            self.finish()
        elif self.tty and now - self.last_draw >= REDRAW_EVERY:
            self._draw(now)
        elif not self.tty and now - self.last_draw >= PLAIN_EVERY:
            self.last_draw = now
            self._write(f"{stage}: {done}/{total} {UNITS.get(stage, '')}".rstrip() + f" ({now - self.started:.0f} s)\n")

    def finish(self) -> None:
        """End the current stage, if any, with its summary line."""
        if self.stage is None:
            return
        seconds = self.clock() - self.started
        unit = UNITS.get(self.stage, "items")
        count = f"{self.done} {unit}" if unit else "done"
        line = f"{self.stage}: {count} in {seconds:.2f} s"
        self.lines.append(line)
        if self.verbose:
            self._write(("\r\x1b[K" if self.tty else "") + line + "\n")
        elif self.tty:
            self._write("\r\x1b[K")
        self.stage = None

    def fail(self) -> None:
        """The work stopped: clear the bar without a summary (the error is printed next)."""
        if self.tty and self.stage is not None:
            self._write("\r\x1b[K")
        self.stage = None

    def _draw(self, now: float) -> None:
        self.last_draw = now
        if self.total:
            filled = int(BAR_WIDTH * self.done / self.total)
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            text = f"{self.stage:<8}{bar} {self.done}/{self.total} {now - self.started:5.1f} s"
        else:
            text = f"{self.stage:<8}… {now - self.started:5.1f} s"
        self._write("\r\x1b[K" + text)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed pipe must not break a build
            pass
