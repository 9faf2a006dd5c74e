"""Raw HTML and links in Markdown bodies pass an allowlist: nothing that runs survives."""

from __future__ import annotations

import pytest

from conftest import run_cli
from generator.markup import to_html


@pytest.mark.parametrize("body, gone", [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="x.png" alt="x" onerror="alert(1)">', "onerror"),
    ("[clic](javascript:alert(1))", "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
    ("<iframe src='https://evil.example/'></iframe>", "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
    ('<form action="https://evil.example/"><input name="q"></form>', "<form"),
    ('<p style="position:fixed">x</p>', "style="),
    ('<svg onload="alert(1)"></svg>', "onload"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
])
def test_dangerous_html_is_removed(body, gone):
    assert gone.lower() not in to_html(body).lower()


def test_ordinary_markdown_survives():
    html = to_html("## Critères\n\n- **trois** ateliers\n- [le formulaire](https://forms.example.org/a?b=1&c=2)\n\n"
                   "| a | b |\n|---|---|\n| 1 | 2 |\n\n<abbr title=\"Service commun de documentation\">SCD</abbr>")
    assert "<h3>Critères</h3>" not in html and "<h2>Critères</h2>" in html
    assert "<strong>trois</strong>" in html
    assert 'href="https://forms.example.org/a?b=1&amp;c=2"' in html
    assert "<td>1</td>" in html
    assert '<abbr title="Service commun de documentation">SCD</abbr>' in html


def test_a_hostile_body_builds_into_a_clean_page(site):
    root = site({"content/pages/a-propos.md": "---\ntitle: À propos\n---\n<script>alert('x')</script>\n\n"
                                              "<a href=\"javascript:alert(1)\" onmouseover=\"alert(2)\">lien</a>\n"})
    assert run_cli("build", "--site", str(root))[0] == 0
    page = (root / "output/pages/a-propos/index.html").read_text(encoding="utf-8")
    assert "alert" not in page
    assert ">lien</a>" in page
