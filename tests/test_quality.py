"""Independent checkers over the built example: the Nu Html Checker (npm `vnu-jar`, Java) on every
page, and Lighthouse (npm `lighthouse` 12, Node 20, Debian's Chromium, offline) on the home page
and a badge page with its mobile preset. `bash scripts/test.sh` installs both; they fail rather
than skip when VITRINE_REQUIRE_BROWSER is set."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import CHROMIUM, serve
from conftest import REPO, copy_site, run_cli

VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
LIGHTHOUSE = REPO / "node_modules/lighthouse/cli/index.js"
JAVA, NODE = shutil.which("java"), shutil.which("node")
REQUIRED = bool(os.environ.get("VITRINE_REQUIRE_BROWSER"))
LIGHTHOUSE_MIN = 0.95


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    root = copy_site(REPO, tmp_path_factory.mktemp("quality") / "site")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    return root / "output"


@pytest.mark.skipif(not (JAVA and VNU.is_file()) and not REQUIRED, reason="needs java and npm's vnu-jar (bash scripts/test.sh)")
def test_every_page_is_valid_html(example: Path):
    pages = sorted(example.rglob("*.html"))
    assert len(pages) > 200
    result = subprocess.run([JAVA or "java", "-Xss8m", "-jar", str(VNU), "--format", "json", "--skip-non-html",
                             "--errors-only", str(example)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f'{m.get("url", "").rsplit(str(example), 1)[-1]}:{m.get("lastLine")}: {m.get("message")}' for m in messages]
    assert errors == [], "\n".join(errors[:30])


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not (NODE and CHROMIUM and LIGHTHOUSE.is_file()) and not REQUIRED,
                    reason="needs node, chromium and npm's lighthouse (bash scripts/test.sh)")
@pytest.mark.parametrize("path", ["", "badges/prise-de-parole-niveau-1/"])
def test_lighthouse_scores(example: Path, tmp_path: Path, path: str):
    """At least 95 in performance, accessibility, best practices and SEO, mobile preset (the
    default: a mid-range phone on a throttled 4G connection, simulated)."""
    report = tmp_path / "report.json"
    with serve(example) as url:
        result = subprocess.run(
            [NODE or "node", str(LIGHTHOUSE), url + path, f"--chrome-path={CHROMIUM}", "--quiet",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
             "--only-categories=performance,accessibility,best-practices,seo",
             "--output=json", f"--output-path={report}", "--max-wait-for-load=20000"],
            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: category["score"] for name, category in data["categories"].items()}
    print(f"\nlighthouse {path or '/'}: " + json.dumps(scores))
    failing = {k: v for k, v in scores.items() if v is None or v < LIGHTHOUSE_MIN}
    audits = [f'{a["id"]}: {a.get("displayValue", "")} {a["title"]}' for a in data["audits"].values()
              if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") in ("binary", "numeric")]
    assert not failing, (failing, audits)
