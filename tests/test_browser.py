"""The example catalogue in a real headless Chromium: pages load, and axe-core finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import axe_violations, browser, needs_browser, serve
from conftest import REPO, copy_site, run_cli

pytestmark = [pytest.mark.browser, needs_browser]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = copy_site(REPO, tmp_path_factory.mktemp("browser") / "site")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    with serve(root / "output") as url, browser() as chromium:
        yield url, chromium, root / "output"


def _first_badge(output: Path) -> str:
    return sorted(p.name for p in (output / "badges").iterdir() if p.is_dir())[0]


@pytest.mark.parametrize("path", ["", "badge", "en/", "issuers/", "competencies/"])
def test_no_axe_violation(served, path):
    url, chromium, output = served
    if path == "badge":
        path = f"badges/{_first_badge(output)}/"
    page = chromium.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto(url + path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    violations = axe_violations(page)
    assert violations == [], violations
    assert errors == []
    page.close()


def test_badge_page_shows_what_a_student_needs(served):
    url, chromium, output = served
    page = chromium.new_page()
    page.goto(url)
    first = page.locator("ul.cards a").first
    name = first.inner_text().strip()
    first.click()
    page.wait_for_load_state()
    assert "/badges/" in page.url
    assert name in page.locator("h1").inner_text()
    page.close()
