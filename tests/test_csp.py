"""The pages work under a strict Content-Security-Policy: no inline script, no inline style, nothing
from elsewhere. Chromium opens the example catalogue served with that header, and the scripted
features still do their job: the catalogue's search, the award page's e-mail check. Any violation
(the browser's securitypolicyviolation event, or its console report) fails the test.

The hostile site of tests/test_escaping.py is opened the same way: its texts go through the
scripts (search results are built from search.json with the DOM), and nothing may run.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from browser import browser, needs_browser
from conftest import REPO, copy_site, run_cli

pytestmark = [pytest.mark.browser, needs_browser]

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'")

# Collects violations from the first instant of every page (init scripts are not subject to the CSP).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
window.__dialogs = 0;
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    headers_to_add: dict[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.headers_to_add.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve_with(folder: Path, headers: dict[str, str]):
    """Serve `folder` on 127.0.0.1 with extra response headers; yields the base URL."""
    handler = type("Handler", (_Handler,), {"headers_to_add": headers})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Watched:
    """A page whose CSP violations, console errors and dialogs are recorded."""

    def __init__(self, chromium):
        self.page = chromium.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.page.add_init_script(WATCH)
        self.page.on("console", lambda m: self.console.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def goto(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert response.headers.get("content-security-policy") == CSP

    def assert_clean(self) -> None:
        self.page.wait_for_timeout(200)  # let late reports arrive
        violations = self.page.evaluate("window.__violations")
        reported = [m for m in self.console if "Content Security Policy" in m or "Refused to" in m]
        assert violations == [] and reported == [], (violations, reported)
        assert self.dialogs == []

    def close(self) -> None:
        self.page.close()


def valid_award(root: Path) -> tuple[str, str]:
    """(id, recipient) of an award of the site that is not revoked."""
    for path in sorted((root / "awards").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if "revoked" not in record and (root / "output" / "assertions" / record["id"] / "index.html").is_file():
                return record["id"], record["recipient"]
    raise AssertionError("the example has no award to check")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = copy_site(REPO, tmp_path_factory.mktemp("csp") / "site")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    with serve_with(root / "output", {"Content-Security-Policy": CSP}) as url, browser() as chromium:
        yield root, url, chromium


def test_no_page_template_has_inline_script_or_style(example):
    """What the browser would refuse, found in the HTML itself (every page of the example)."""
    import re

    root, _, _ = example
    found = {}
    for page in sorted((root / "output").rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        bad = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", html)
        bad += re.findall(r"<[a-z][^>]*\sstyle=\"[^\"]*\"", html)
        bad += re.findall(r"<[a-z][^>]*\son[a-z]+=", html)
        bad += re.findall(r"<style\b", html)
        if bad:
            found[page.relative_to(root / "output").as_posix()] = bad[:3]
    assert found == {}


def _wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll an expression from outside the page: Playwright's wait_for_function compiles its
    argument inside the page, which the policy under test forbids (no eval)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for: {expression}"
        time.sleep(0.05)


def test_catalogue_search_works_under_the_policy(example):
    root, url, chromium = example
    page = Watched(chromium)
    page.goto(url)
    form = page.page.locator("#filters")
    form.wait_for(state="visible")  # shown by catalogue.js: the script ran
    total = page.page.locator("#catalogue-cards > li").count()
    name = page.page.locator("#catalogue-cards > li h3").first.inner_text().strip()
    page.page.fill("#filter-q", name)
    # the status first says that the search is loading (search.json, on first use), then the count:
    # waiting for any text read the cards before the search had run, on a busy machine
    status = "document.getElementById('filter-status').textContent.trim()"
    _wait_until(page.page, f"{status} !== '' && !{status}.endsWith('…')")
    shown = page.page.locator("#catalogue-cards > li:visible").count()
    assert 1 <= shown < total
    assert name in page.page.locator("#catalogue-cards > li:visible h3").first.inner_text()
    page.assert_clean()
    page.close()


def test_badge_page_under_the_policy(example):
    root, url, chromium = example
    slug = sorted(p.name for p in (root / "output" / "badges").iterdir() if p.is_dir())[0]
    page = Watched(chromium)
    page.goto(f"{url}badges/{slug}/")
    assert page.page.locator("h1").count() == 1
    assert page.page.evaluate("getComputedStyle(document.body).fontFamily") != ""  # style.css applied
    assert page.page.evaluate("document.styleSheets.length") >= 1
    page.assert_clean()
    page.close()


def test_award_page_email_check_works_under_the_policy(example):
    root, url, chromium = example
    award_id, email = valid_award(root)
    page = Watched(chromium)
    page.goto(f"{url}assertions/{award_id}/")
    form = page.page.locator(".award-check__form")
    form.wait_for(state="visible")  # award.js ran
    result = page.page.locator(".award-check__result")
    page.page.fill("#check-email", "  " + email.upper() + " ")
    page.page.click(".award-check__form button[type=submit]")
    _wait_until(page.page, "document.querySelector('.award-check__result').textContent.trim() !== ''")
    assert "award-check__result--yes" in result.get_attribute("class")
    page.page.fill("#check-email", "someone.else@example.org")
    page.page.click(".award-check__form button[type=submit]")
    _wait_until(page.page, "document.querySelector('.award-check__result').className.includes('--no')")
    page.assert_clean()
    page.close()


def test_english_pages_and_listings_under_the_policy(example):
    root, url, chromium = example
    page = Watched(chromium)
    for path in ("en/", "issuers/", "competencies/", "tags/", "stats/", "verify/", "404.html"):
        if (root / "output" / path).exists() or (root / "output" / path / "index.html").exists():
            page.goto(url + path)
    page.assert_clean()
    page.close()


def test_hostile_texts_do_not_run_through_the_scripts(example, tmp_path, monkeypatch):
    """The site whose every text is an injection attempt, searched and opened in Chromium."""
    from test_escaping import AWARD_ID, build_hostile

    chromium = example[2]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")
    output = build_hostile(tmp_path / "site")
    with serve_with(output, {"Content-Security-Policy": CSP}) as url:
        page = Watched(chromium)
        page.goto(url)
        page.page.locator("#filters").wait_for(state="visible")
        for query in ("img", "script", "alert", "7*7", "Prise"):
            page.page.fill("#filter-q", query)
            page.page.wait_for_timeout(150)
        injected = page.page.evaluate("""() => Array.from(document.querySelectorAll('*')).filter(
            el => Array.from(el.attributes).some(a => a.name.startsWith('on'))).length""")
        assert injected == 0
        for path in ("badges/prise-de-parole/", "en/badges/prise-de-parole/", "pages/a-propos/", "issuers/univ/",
                     "stats/", f"assertions/{AWARD_ID}/"):
            page.goto(url + path)
        page.page.fill("#check-email", "alice@example.org")
        page.page.click(".award-check__form button[type=submit]")
        _wait_until(page.page, "document.querySelector('.award-check__result').className.includes('--yes')")
        page.assert_clean()
        page.close()
