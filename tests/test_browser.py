"""The catalogue in a real headless Chromium: every page passes axe-core and fits a 320 px
screen, the keyboard alone gets a student from the home page to applying, the search and
filters work as you type and from the address, without JavaScript the listings still do the
job, and the first load stays light, on the site's own origin."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from browser import browser, crawl, needs_browser, serve
from conftest import REPO, copy_site, run_cli

pytestmark = [pytest.mark.browser, needs_browser]

HOME_BUDGET, BADGE_BUDGET = 100 * 1024, 50 * 1024  # bytes transferred, badge images excluded


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = copy_site(REPO, tmp_path_factory.mktemp("browser") / "site")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    with serve(root / "output") as url, browser() as chromium:
        yield url, chromium, root / "output"


def _first_badge(output: Path) -> str:
    return sorted(p.name for p in (output / "badges").iterdir() if p.is_dir())[0]


def test_every_page_passes_axe_and_fits_320_px(served):
    """Every HTML file of the build, in both languages: zero axe-core violation (WCAG 2.1 A and
    AA rules), no horizontal scrolling at 320 CSS pixels, no console error."""
    url, _, output = served
    paths = sorted(p.relative_to(output).as_posix().removesuffix("index.html") for p in output.rglob("*.html"))
    assert len(paths) > 200 and "en/stats/" in paths and "404.html" in paths
    problems = crawl(url, paths)
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)[:4000]


def test_a_page_of_every_kind_passes_axe_at_320_px_too(served):
    """A phone's layout is another page for axe-core (stacked columns, wrapped navigation, the
    award page's single column): one page of every kind, in both languages, at 320 px as well."""
    url, _, output = served
    kinds: dict[str, str] = {}
    for p in sorted(output.rglob("*.html")):
        path = p.relative_to(output).as_posix().removesuffix("index.html")
        parts = path.split("/")
        kind = "/".join(parts[:2] if parts[0] == "en" else parts[:1]) if "/" in path else path
        kinds.setdefault(kind, path)
    assert {"", "en/", "assertions", "en/assertions", "verify", "stats", "404.html", "pages"} <= set(kinds), kinds
    problems = crawl(url, sorted(kinds.values()), axe_at_320=True)
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)[:4000]


@pytest.mark.parametrize("path", ["?q=parole", "badges/prise-de-parole-niveau-1/", "stats/", "en/issuers/bibliotheque-universitaire/"])
def test_dark_colour_scheme_passes_axe_too(served, path):
    from browser import axe_violations

    url, chromium, _ = served
    context = chromium.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(url + path)
    if "?q=" in path:
        _wait_results(page)
    assert axe_violations(page) == []
    context.close()


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


def _focus_visible(page) -> bool:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const own = getComputedStyle(el), after = getComputedStyle(el, '::after');
        return (own.outlineStyle !== 'none' && parseFloat(own.outlineWidth) >= 2) ||
               (after.outlineStyle !== 'none' && parseFloat(after.outlineWidth) >= 2);
    }""")


def _tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert _focus_visible(page), page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with Tab")


def test_figures_keep_names_readable_on_a_phone(served):
    """At 320 px, /stats/'s table per issuer squeezed its names to one letter a line (cells 45 px
    wide, links 900 px tall, a page 23,000 px long): a long header that could not wrap ("Délivrés,
    entités rattachées comprises") and the figures took the width, and names could break
    anywhere. Headers now wrap between words, names too, and a wide table scrolls in its region."""
    url, chromium, _ = served
    page = chromium.new_page(viewport={"width": 320, "height": 640})
    for path in ("stats/", "en/stats/"):
        page.goto(url + path)
        widths = page.eval_on_selector_all(".figures__name", "els => els.map(e => e.getBoundingClientRect().width)")
        assert len(widths) > 10 and min(widths) >= 120, (path, widths)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.close()


def test_a_badge_pages_facts_fit_a_laptop_screen(served):
    """On a 1366 x 650 laptop screen the badge page's "En bref" box (kept in view while the
    criteria scroll) was taller than the screen: its tags and JSON links stayed below the screen
    until the end of the page. Now the box fits the screen and scrolls itself."""
    url, chromium, _ = served
    page = chromium.new_page(viewport={"width": 1366, "height": 650})
    page.goto(f"{url}badges/prise-de-parole-niveau-2/")
    page.evaluate("window.scrollTo(0, 1200)")
    page.wait_for_function("window.scrollY === 1200")
    assert page.evaluate("document.querySelector('.facts').getBoundingClientRect().bottom <= innerHeight")
    last = page.evaluate("""() => { const f = document.querySelector('.facts'); f.scrollTop = f.scrollHeight;
                                    const r = [...f.querySelectorAll('a')].pop().getBoundingClientRect();
                                    return r.top >= 0 && r.bottom <= innerHeight }""")
    assert last
    page.close()


def test_keyboard_alone_from_the_home_page_to_applying(served):
    """Skip link, visible focus on everything Tab reaches, the search and the filters operated
    with keys, a result opened with Enter, the apply button reached."""
    url, chromium, _ = served
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    _tab_to(page, "#filter-q")
    page.keyboard.type("prise de parole")
    status = page.locator("#filter-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    page.wait_for_function("document.getElementById('filter-status').textContent.includes('correspond')")
    _tab_to(page, "#filter-issuer")
    for _ in range(12):
        if page.evaluate("document.activeElement.value") == "bibliotheque-universitaire":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "bibliotheque-universitaire"
    page.wait_for_function("location.search.includes('issuer=bibliotheque-universitaire')")
    assert "q=prise+de+parole" in page.url
    page.wait_for_timeout(500)
    slugs = page.eval_on_selector_all("#catalogue-cards > li:not([hidden])", "els => els.map(e => e.dataset.slug)")
    assert slugs[:2] == ["prise-de-parole-niveau-1", "prise-de-parole-niveau-2"], slugs
    assert re.fullmatch(r"2\sbadges correspondent", status.inner_text()), status.inner_text()
    _tab_to(page, "#catalogue-cards a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/badges/prise-de-parole-niveau-1/")
    _tab_to(page, ".apply__actions a")
    assert page.evaluate("document.activeElement.textContent") == "Demander ce badge"
    page.close()


def test_keyboard_alone_on_an_award_page(served):
    """A student or a recruiter on a keyboard: the award page had no skip link (it does not
    extend base.html), so Tab went first through the header and the breadcrumb. Now the first
    Tab reaches "Aller au contenu", shown, and Enter moves on to the award; every control Tab
    reaches after it shows its focus."""
    url, chromium, output = served
    award = sorted(p.name for p in (output / "assertions").iterdir() if p.is_dir())[0]
    page = chromium.new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{url}assertions/{award}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
                                     return [e.textContent.trim(), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2] }""")
        if focused[0] == "Ajouter à LinkedIn":
            break
        seen.append(focused)
    assert focused == ["Ajouter à LinkedIn", True]
    assert [text for text, visible in seen if not visible] == []
    page.close()


def test_an_award_page_reads_left_to_right_as_tab_goes(served):
    """At 1280 px the badge page's rule for its facts (right column) also caught the award page's:
    the facts went right and wide, and the check, share and verify sections were squeezed into
    the 18rem column meant for them, on the left; Tab went from the right column back to the
    left. Now the facts are on the left, first as in the page, and the rest beside them."""
    url, chromium, output = served
    award = sorted(p.name for p in (output / "assertions").iterdir() if p.is_dir())[0]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}assertions/{award}/")
    facts, main = page.locator(".award .facts").bounding_box(), page.locator(".award__main").bounding_box()
    assert facts["x"] + facts["width"] <= main["x"], (facts, main)
    assert facts["width"] < main["width"], (facts, main)
    page.close()


def test_a_mistyped_award_address_gets_a_404_page_that_helps(served):
    """A recruiter following an award's address cut on a CV gets the host's 404 page: it offered
    the catalogue, the issuers and the competencies, nothing about checking a badge. Now it says
    the address may be mistyped or cut, what it ends with, and leads to the verification page."""
    url, chromium, output = served
    award = sorted(p.name for p in (output / "assertions").iterdir() if p.is_dir())[0]
    page = chromium.new_page()
    # as the hosts do: the site's 404.html, with status 404, at whatever address was asked for
    page.route(f"{url}assertions/{award[:-3]}/", lambda route: route.fulfill(
        status=404, body=(output / "404.html").read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}))
    response = page.goto(f"{url}assertions/{award[:-3]}/")
    assert response.status == 404
    assert ("Son adresse a peut-être été mal recopiée ou coupée\u00a0: elle se termine par un identifiant complet, "
            "comme …/assertions/<id>/.") in page.locator("main").inner_text()
    # a recruiter who reads English: the one 404 page a host serves says it in English too
    english = page.locator('section[lang="en"]')
    assert english.locator("h2").inner_text() == "Page not found"
    assert "Its address may have been mistyped or cut" in english.inner_text()
    assert english.get_by_role("link", name="Check a badge").get_attribute("href") == "/en/verify/"
    page.get_by_role("link", name="Vérifier un badge").first.click()
    page.wait_for_url(f"{url}verify/")
    assert page.locator("h1").inner_text() == "Vérifier un badge"
    page.close()


def _slugs(page) -> list[str]:
    return page.eval_on_selector_all("#catalogue-cards > li", "els => els.map(e => e.dataset.slug)")


def _wait_results(page) -> str:
    page.wait_for_function("!/^$|…$/.test(document.getElementById('filter-status').textContent)")
    return page.locator("#filter-status").inner_text()


@pytest.mark.parametrize("query, expected", [
    ("creative", "expression-orale-creative"),          # accents aside
    ("CRÉATIF", "atelier-ecriture"),                     # case aside, another form of the word
    ("bibliotheques", "tuteur-bibliotheque"),            # plural finds singular
    ("ateliers theatre", "atelier-theatre"),
    ("informationnelle", "competences-informationnelles-1"),
    ("structuration", "prise-de-parole-niveau-2"),       # a word of the criteria only
    ("Lorvanne", "prise-de-parole-niveau-1"),           # the issuer's parent
    ("tutor", "tuteur-bibliotheque"),                    # a prefix, as typed
    ("oraux", "expression-orale-creative"),              # a French plural in -aux finds -al, -ale
    ("jusqu’à l’oral", "expression-orale-creative"),     # elisions: no "jusqu" to find
])
def test_search_finds_words_however_they_are_written(served, query, expected):
    url, chromium, output = served
    if expected == "prise-de-parole-niveau-2":
        body = (REPO / "content/badges/prise-de-parole-niveau-2.md").read_text(encoding="utf-8")
        head, criteria = body.split("\n---\n", 1)
        assert "structuration" in criteria and "structuration" not in head, "pick another criteria-only word"
    page = chromium.new_page()
    page.goto(url + "?q=" + query)
    text = _wait_results(page)
    assert expected in _slugs(page), (query, _slugs(page), text)
    page.close()


# What a French student types, and what it must find (and put first, where one badge is the
# answer): the study of the search branch, kept as a table. "" is the French catalogue, "en/"
# the English one, which has its own words.
STUDENT_QUERIES = [
    ("", "travaux", ["membre-badgeons-val-de-lorve", "regie-spectacle"], None),  # "travail" in regie's criteria
    ("", "travail", ["membre-badgeons-val-de-lorve", "competences-informationnelles-1"], None),  # "travaux" in the first
    ("", "communiquer", ["benevolat-culturel", "engagement-associatif", "parrainage-international"], None),
    ("", "communication", ["parrainage-international", "benevolat-culturel"], "parrainage-international"),  # its competency
    ("", "teatre", ["atelier-theatre", "regie-spectacle"], None),  # a letter missing
    ("", "bibliotheque", ["tuteur-bibliotheque", "prise-de-parole-niveau-1"], "tuteur-bibliotheque"),  # no accent
    ("", "bibliotehque", ["tuteur-bibliotheque"], None),  # two letters swapped
    ("", "théatre universitaire", ["atelier-theatre", "regie-spectacle"], None),
    ("", "entreprenariat", ["mois-entrepreneuriat", "etudiant-entrepreneur"], None),  # a common misspelling
    ("", "orientaton", ["ambassadeur-orientation", "concours-pitch"], None),  # a letter missing from the ending
    ("", "prise-de-parole", ["prise-de-parole-niveau-1", "prise-de-parole-niveau-2"], "prise-de-parole-niveau-1"),
    ("", "l'oral", ["expression-orale-creative", "prise-de-parole-niveau-1"], None),
    ("", "travail d’équipe", ["atelier-theatre", "engagement-associatif"], None),  # a curly apostrophe
    ("", "ECRITURE", ["atelier-ecriture"], "atelier-ecriture"),
    ("", "étudiante entrepreneuse", ["etudiant-entrepreneur"], "etudiant-entrepreneur"),  # feminine forms
    ("", "benevole", ["benevolat-culturel"], "benevolat-culturel"),
    ("", "animatrice", ["animation-atelier-climat"], "animation-atelier-climat"),
    ("", "tutrice", ["tuteur-bibliotheque"], "tuteur-bibliotheque"),
    ("", "internationale", ["parrainage-international"], "parrainage-international"),
    ("", "ecologie", ["reseau-eco-delegues", "animation-atelier-climat"], None),
    ("", "citoyen", ["engagement-associatif"], "engagement-associatif"),
    ("", "improvisation", ["expression-orale-creative"], "expression-orale-creative"),  # criteria words
    ("", "lumiere", ["regie-spectacle"], "regie-spectacle"),
    # the badge with the word in its description, competencies or tags before those with it in their criteria
    ("", "slam", ["expression-orale-creative", "atelier-ecriture"], "expression-orale-creative"),
    ("", "sécurité", ["regie-spectacle", "benevolat-culturel"], "regie-spectacle"),
    ("", "oral", ["expression-orale-creative", "prise-de-parole-niveau-2"], "expression-orale-creative"),  # name first
    ("", "atelier theatre", ["atelier-theatre", "regie-spectacle"], "atelier-theatre"),
    ("", "pitch competences", ["concours-pitch"], "concours-pitch"),
    ("", "SIO", ["concours-pitch", "ambassadeur-orientation"], None),  # the issuer's short name
    ("", "Bibliothèques universitaires", ["tuteur-bibliotheque", "prise-de-parole-niveau-2"], None),  # the issuer
    ("en/", "library", ["tuteur-bibliotheque", "prise-de-parole-niveau-1"], None),
    ("en/", "theater", ["atelier-theatre"], "atelier-theatre"),  # American spelling
    ("en/", "entrepreneurship", ["etudiant-entrepreneur"], "etudiant-entrepreneur"),
    ("en/", "tutors", ["tuteur-bibliotheque"], "tuteur-bibliotheque"),
    ("en/", "speaking", ["prise-de-parole-niveau-1", "expression-orale-creative"], "prise-de-parole-niveau-1"),
]


@pytest.mark.parametrize("lang, query, expected, first", STUDENT_QUERIES)
def test_what_a_student_types_finds_the_badge(served, lang, query, expected, first):
    url, chromium, _ = served
    page = chromium.new_page()
    page.goto(url + lang + "?q=" + query)
    text = _wait_results(page)
    found = _slugs(page)
    assert set(expected) <= set(found), (query, found, text)
    assert first is None or found[0] == first, (query, found)
    page.close()


@pytest.mark.parametrize("query, exactly", [
    ("COM-1", {"ambassadeur-orientation", "atelier-theatre", "concours-pitch", "expression-orale-creative",
               "prise-de-parole-niveau-1", "prise-de-parole-niveau-2"}),  # S’exprimer à l’oral devant un public
    ("ent-2", {"benevolat-culturel", "etudiant-entrepreneur", "mois-entrepreneuriat", "reseau-eco-delegues"}),
    ("zzzzzz", set()),  # nothing near it either
])
def test_a_competency_code_finds_the_badges_that_develop_it(served, query, exactly):
    url, chromium, _ = served
    page = chromium.new_page()
    page.goto(url + "?q=" + query)
    _wait_results(page)
    assert set(_slugs(page)) == exactly
    page.close()


def test_badges_with_every_word_come_first_else_those_with_some(served):
    """A badge whose name has the words comes before one whose criteria have them; when no badge
    has every word, the page says so and lists those that have some, the most first."""
    url, chromium, _ = served
    page = chromium.new_page()
    page.goto(url + "?q=atelier de théâtre pour débutants")
    text = _wait_results(page)
    assert text.startswith("Aucun badge n’a tous ces mots\u202f; ") and text.endswith("\u00a0badges en ont une partie"), text
    assert _slugs(page)[0] == "atelier-theatre"  # atelier and théâtre, in its name
    page.goto(url + "en/?q=theatre beginners")
    assert _wait_results(page).startswith("No badge has all these words; ")
    page.close()


def test_a_misspelt_word_is_found_as_it_is_typed(served):
    url, chromium, _ = served
    page = chromium.new_page()
    page.goto(url)
    page.focus("#filter-q")
    page.keyboard.type("teatre univ", delay=20)
    page.wait_for_function("document.getElementById('filter-status').textContent === '2\u00a0badges correspondent'")
    assert sorted(_slugs(page)) == ["atelier-theatre", "regie-spectacle"]
    page.close()


def test_filters_combine_include_sub_issuers_and_live_in_the_address(served):
    url, chromium, _ = served
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "?issuer=universite-lorvanne")
    _wait_results(page)
    assert "prise-de-parole-niveau-1" in _slugs(page)  # a badge of one of its services
    assert "membre-badgeons-val-de-lorve" not in _slugs(page)
    page.goto(url + "?issuer=bibliotheque-universitaire&level=2")
    _wait_results(page)
    assert page.locator("#filter-issuer").input_value() == "bibliotheque-universitaire"
    assert sorted(_slugs(page)) == ["competences-informationnelles-2", "prise-de-parole-niveau-2"]
    page.select_option("#filter-category", "technical")
    page.wait_for_function("location.search.includes('category=technical')")
    page.wait_for_function("document.querySelectorAll('#catalogue-cards > li').length === 1")
    assert _slugs(page) == ["competences-informationnelles-2"]
    page.click("button[type=reset]")
    page.wait_for_function("location.search === ''")
    assert len(_slugs(page)) == 19
    assert page.locator("#filter-status").inner_text() == ""
    page.close()


def test_a_search_nobody_matches_says_so(served):
    url, chromium, _ = served
    page = chromium.new_page()
    page.goto(url + "en/?q=zzzzzz")
    assert _wait_results(page) == "No badge matches these filters."
    assert _slugs(page) == []
    assert not page.locator("#catalogue [data-nojs]").is_visible()  # the search is there
    page.close()


def test_the_stemmer_is_the_same_in_python_and_javascript(served):
    from generator.loader import load_site
    from generator.render.search import stems

    url, chromium, _ = served
    site = load_site(REPO, 1)
    texts = []
    for cat in site.catalogues.values():
        for badge in cat.badges.values():
            texts += [badge.name, badge.description, badge.body_text, *badge.evidence]
        texts += [c.name + " " + c.description for c in cat.competencies.values()]
        texts += [i.name for i in cat.issuers.values()] + [t.name for t in cat.tags.values()]
    texts += ["Œuvres ÆSIR naïve Noël façade", "libraries classes bus gas tss", "x 1 22 333 4444", "étudiant·e·s",
              "oraux eaux travaux faux directrice conseillère matrice jusqu’à lorsqu'il l\u02bcécriture",
              "vitraux détails communiquer communiquées critique critiquer quiz qu toString constructor",
              "studied applied pied pieds trépied copied"]
    page = chromium.new_page()
    page.goto(url)
    js = page.evaluate("(texts) => texts.map((t) => window.vitrineStems(t))", texts)
    python = [stems(t) for t in texts]
    assert sum(len(s) for s in python) > 2000
    assert js == python
    page.close()


def test_without_javascript_the_listings_do_the_job(served):
    url, chromium, output = served
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    assert not page.locator("#filters").is_visible()
    # the search is not there, and the page says so and where to look instead
    assert page.locator("#catalogue [data-nojs]").inner_text().startswith("Sans JavaScript, la recherche n’est pas disponible")
    assert page.locator("#catalogue-cards > li").count() == 19
    for category in ("participation", "transversal", "technical", "network"):
        assert page.locator(f'a[href="categories/{category}/"]').count() >= 1
    page.goto(url + "badges/prise-de-parole-niveau-1/")
    assert page.locator(".apply__actions a").is_visible()
    assert not page.locator("button[data-copy]").is_visible()  # copying needs the script
    context.close()


def test_copy_link_button(served):
    url, chromium, _ = served
    context = chromium.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(url + "badges/prise-de-parole-niveau-1/")
    button = page.locator(".share button[data-copy]")
    button.click()
    page.wait_for_function("document.querySelector('.share button[data-copy]').textContent === 'Lien copié'")
    assert page.evaluate("navigator.clipboard.readText()") == "https://badges.example.org/badges/prise-de-parole-niveau-1/"
    # The live region is filled 50 ms after the button (so screen readers hear the change):
    # wait for it rather than read it at once, which failed on a loaded machine.
    page.wait_for_function("Array.from(document.querySelectorAll('p[role=status]')).some(p => p.textContent === 'Lien copié')")
    context.close()


def test_print_puts_the_criteria_on_paper(served):
    url, chromium, _ = served
    page = chromium.new_page()
    page.goto(url + "badges/prise-de-parole-niveau-1/")
    page.emulate_media(media="print")
    for hidden in (".main-nav", ".site-footer", ".apply__actions", ".share", ".skip-link", ".lang-switcher"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in (".criteria", "h1", ".facts", ".apply .evidence", ".print-only"):
        assert page.locator(shown).first.is_visible(), shown
    assert len(page.pdf(format="A4")) > 10_000
    page.close()


def _file(output: Path, path: str) -> Path:
    path = path.split("?")[0]
    return output / (path + "index.html" if path == "" or path.endswith("/") else path)


def _first_load(chromium, url: str) -> tuple[int, int, list[str], list[dict]]:
    """(bytes transferred without badge images, with them, origins, requests) for a first visit."""
    context = chromium.new_context()
    page = context.new_page()
    finished: list = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url, wait_until="networkidle")
    rows = []
    for request in finished:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"] + sizes["requestHeadersSize"]
        rows.append({"url": request.url, "bytes": size, "badge_image": bool(
            re.search(r"/badges/[^/]+\.(png|svg)$", request.url))})
    assert page.evaluate("document.cookie") == ""
    assert context.cookies() == []
    context.close()
    origins = sorted({re.match(r"[a-z]+://[^/]+", row["url"]).group() for row in rows})
    without = sum(r["bytes"] for r in rows if not r["badge_image"])
    return without, sum(r["bytes"] for r in rows), origins, rows


def test_first_load_is_light_and_stays_on_the_site(served):
    """Budgets: home page under 100 KB and a badge page under 50 KB transferred, badge images
    excluded, served uncompressed (a host that compresses sends far less); every request to
    the site's own origin, no cookie. The figures are printed (pytest -s)."""
    url, chromium, output = served
    figures = {}
    for name, path, budget in (("home", "", HOME_BUDGET), ("badge", "badges/prise-de-parole-niveau-1/", BADGE_BUDGET)):
        without, total, origins, rows = _first_load(chromium, url + path)
        assert origins == [url.rstrip("/")], origins
        assert not any("search.json" in r["url"] for r in rows)  # fetched on first use only
        gz = sum(len(gzip.compress(_file(output, r["url"][len(url):]).read_bytes())) for r in rows if not r["badge_image"])
        figures[name] = {"bytes_without_badge_images": without, "bytes_with_badge_images": total,
                         "gzip_bytes_without_badge_images": gz, "requests": len(rows)}
        assert without < budget, (name, without, rows)
    print("\nfirst load:", json.dumps(figures))


# ---- A catalogue too large for one page -------------------------------------------------------

@pytest.fixture(scope="module")
def large(tmp_path_factory, served):
    from conftest import write_site
    from test_catalogue import many_badges

    files = many_badges(60)
    # A slug that is also a property of every JavaScript object: catalogue.js once took it
    # for a card it had already made.
    files["content/badges/constructor.md"] = files["content/badges/b000.md"].replace("Badge numéro 0", "Constructor")
    root = write_site(tmp_path_factory.mktemp("large") / "site", files)
    assert run_cli("build", "--site", str(root))[0] == 0
    with serve(root / "output") as url:
        yield url, served[1]


def test_large_catalogue_searches_every_badge_from_the_index(large):
    url, chromium = large
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url)
    assert page.locator("#catalogue-cards > li").count() == 24 and page.locator(".pagination").is_visible()
    assert not any("search.json" in u for u in requested)
    page.focus("#filter-q")
    page.wait_for_function("performance.getEntriesByType('resource').some(e => e.name.endsWith('search.json'))")
    page.keyboard.type("numéro 55")
    page.wait_for_function("document.querySelector('#catalogue-cards > li')?.dataset.slug === 'b055'")
    assert not page.locator(".pagination").is_visible()
    card = page.locator("#catalogue-cards > li").first
    assert card.locator("h3 a").get_attribute("href") == "badges/b055/"
    assert card.locator("img").get_attribute("src") == "badges/b055.svg"
    page.fill("#filter-q", "")
    page.select_option("#filter-level", "2")
    page.wait_for_function("document.getElementById('filter-status').textContent.startsWith('20\\u00a0')")
    assert page.locator("#catalogue-cards > li").count() == 20
    page.select_option("#filter-level", "")
    page.fill("#filter-q", "constructor")
    page.wait_for_function("document.querySelector('#catalogue-cards > li')?.dataset.slug === 'constructor'")
    page.fill("#filter-q", "badge")
    page.wait_for_function("document.getElementById('filter-status').textContent.startsWith('61\\u00a0')")
    assert page.locator("#catalogue-cards > li").count() == 24
    more = page.locator("#filter-more")
    more.click()
    assert page.locator("#catalogue-cards > li").count() == 48
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('#catalogue-cards > li')[24]")
    page.close()
