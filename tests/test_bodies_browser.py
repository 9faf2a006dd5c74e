"""Long content as students meet it, in headless Chromium: a badge's criteria, an issuer's or a
free page's body, an award's narrative and evidence, with a code block or a wide table, and a
name without spaces wider than a phone, at a phone's width and a desktop's: no horizontal
scrolling of the page, and axe-core finds nothing (a part that scrolls sideways must be
reachable from the keyboard); on paper, nothing cut."""

from __future__ import annotations

import json

import pytest

from browser import axe_violations, browser, needs_browser, serve
from conftest import BADGE_CRITERIA, run_cli

pytestmark = [pytest.mark.browser, needs_browser]

WIDE = """

| Lundi | Mardi | Mercredi | Jeudi | Vendredi | Samedi | Dimanche | Vacances | Soirées | Matinées |
|---|---|---|---|---|---|---|---|---|---|
| Nettoyage du parc | Préparation du festival | Café réparation | Bibliothèque | Concert | Marché | Repos | Fermé | Réunion | Petit déjeuner |

```
une_ligne_de_code_très_longue(qui_ne_tient_pas, sur_un_téléphone, ni_même_sur_un_écran_de_bureau, vraiment_pas)
```
"""


AWARD = """
- id: 0b6f3c1e-5d2a-4c8e-9f1b-2a3c4d5e6f70
  badge: code
  recipient: alice@example.org
  salt: 0123456789abcdef0123456789abcdef
  issued_on: 2024-10-01
  narrative: |
""" + "\n".join(" " * 4 + line for line in WIDE.splitlines()) + """
  evidence:
    - url: https://example.org/depot
      narrative: "```\\nune_autre_ligne_de_code_très_longue(qui_ne_tient_pas, sur_un_téléphone, ni_même_sur_un_écran)\\n```"
"""


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    from conftest import write_site

    root = write_site(tmp_path_factory.mktemp("bodies") / "site", {
        "content/badges/code.md": """
            ---
            name: Atelier code
            issuer: bu
            description: Un badge dont les critères montrent du code et un tableau.
            category: technical
            image: badge.svg
            image_alt: Un disque bleu
            competencies: [oral, long]
            date: 2024-09-01
            ---
        """ + "\n".join(" " * 12 + line for line in (BADGE_CRITERIA + WIDE).splitlines()) + "\n",
        "content/competencies/long.md": """
            ---
            name: Travaillerenéquipeauseindesassociationsetdesréseauxsansaucunespace
            description: Un nom sans espace, plus large qu'un téléphone.
            framework: Référentiel de test
            ---
            En pratique.
        """,
        "content/pages/horaires.md": "---\ntitle: Horaires\n---\nNos horaires." + WIDE,
        "awards/code.yaml": AWARD,
    })
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    return root / "output"


@pytest.mark.parametrize("path", ["badges/code/", "pages/horaires/", "en/badges/code/",
                                  "assertions/0b6f3c1e-5d2a-4c8e-9f1b-2a3c4d5e6f70/"])
def test_code_and_wide_tables_scroll_by_themselves_and_from_the_keyboard(output, path):
    problems = []
    with serve(output) as url, browser() as chromium:
        page = chromium.new_page()
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(url + path)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            violations = axe_violations(page)
            if scroll_width > width or violations:
                problems.append({"width": width, "scroll_width": scroll_width, "axe": violations})
        page.close()
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("path", ["badges/code/", "pages/horaires/", "assertions/0b6f3c1e-5d2a-4c8e-9f1b-2a3c4d5e6f70/"])
def test_on_paper_code_and_tables_are_whole(output, path):
    """Paper does not scroll: printed, a long line of code was cut at the page's edge, and so was
    the end of a table wider than the page."""
    with serve(output) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 700, "height": 900})  # about A4's printable width
        page.goto(url + path)
        page.emulate_media(media="print")
        cut = page.eval_on_selector_all(
            ".prose pre, .prose table",
            "els => els.filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > 701)"
            ".map(e => e.tagName + ' ' + e.scrollWidth + ' > ' + e.clientWidth)")
        assert page.locator(".prose pre").count() and page.locator(".prose table").count()
        assert cut == []
        page.close()


@pytest.mark.parametrize("path", ["", "categories/technical/", "competencies/oral/", "issuers/bu/"])
def test_a_long_competency_name_on_a_card_does_not_widen_the_page(output, path):
    """A card lists the badge's competencies: a name longer than a phone's width (a long German or
    French compound, a code without spaces) widened every listing to 579 px at 320."""
    with serve(output) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 320, "height": 640})
        page.goto(url + path)
        assert page.locator(".card__competencies li", has_text="Travaillerenéquipe").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.close()

