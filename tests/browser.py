"""Serving a built site on 127.0.0.1 and opening it in Debian's Chromium through Playwright."""

from __future__ import annotations

import functools
import os
import http.server
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

needs_browser = pytest.mark.skipif((not CHROMIUM or not AXE.is_file()) and not os.environ.get("VITRINE_REQUIRE_BROWSER"),
                                   reason="needs Debian's chromium and npm's axe-core (bash scripts/test.sh installs both)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(folder: Path):
    """Serve `folder` on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules on the open page; the violations, summarised."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def crawl(base_url: str, paths: list[str], concurrency: int = 3, axe_at_320: bool = False) -> list[dict]:
    """Open every path in headless Chromium, `concurrency` tabs at a time: axe-core's WCAG 2.1
    A/AA rules at 1280 px (and at 320 px too with `axe_at_320`), then no horizontal scrolling at
    320 px, no console error, status 200. Returns one entry per page that fails, with what failed."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from playwright.async_api import async_playwright

    axe = AXE.read_text(encoding="utf-8")

    async def violations_of(page) -> list[dict]:
        result = await page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_AA)
        return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "targets": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]

    async def check(context, queue: asyncio.Queue, problems: list[dict]) -> None:
        page = await context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        while not queue.empty():
            path = queue.get_nowait()
            errors.clear()
            await page.set_viewport_size({"width": 1280, "height": 800})
            response = await page.goto(base_url + path)
            violations = await violations_of(page)
            await page.set_viewport_size({"width": 320, "height": 640})
            if axe_at_320:
                violations += [dict(v, width=320) for v in await violations_of(page)]
            width = await page.evaluate("document.documentElement.scrollWidth")
            if violations or errors or width > 320 or response.status != 200:
                problems.append({"page": path, "status": response.status, "scroll_width_at_320": width,
                                 "console": errors[:], "axe": violations})
        await page.close()

    async def run() -> list[dict]:
        async with async_playwright() as p:
            chromium = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = await chromium.new_context()
            await context.add_init_script(script=axe)
            queue: asyncio.Queue = asyncio.Queue()
            for path in paths:
                queue.put_nowait(path)
            problems: list[dict] = []
            await asyncio.gather(*(check(context, queue, problems) for _ in range(concurrency)))
            await chromium.close()
            return sorted(problems, key=lambda p: p["page"])

    with ThreadPoolExecutor(1) as pool:  # its own event loop, apart from any sync Playwright
        return pool.submit(asyncio.run, run()).result()
