"""The catalogue students use, as built files: pagination, search index, both languages,
applying, sharing (Open Graph, preview images), figures. The browser side is test_browser.py."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from conftest import BADGE_CRITERIA, MINIMAL, REPO, copy_site, run_cli, write_site
from generator.i18n import flatten
from generator.render import pages, search

THEME = REPO / "generator/themes/default"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    root = copy_site(REPO, tmp_path_factory.mktemp("catalogue") / "site")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    return root / "output"


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


class Meta(HTMLParser):
    """The <meta>, <link> and <a> of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []
        self.anchors: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            self.meta[a.get("property") or a.get("name") or a.get("charset") or ""] = a.get("content", "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "a":
            self.anchors.append(a)


def parse(page: Path) -> Meta:
    m = Meta()
    m.feed(page.read_text(encoding="utf-8"))
    return m


# ---- Interface strings -------------------------------------------------------------------

def test_interface_strings_are_complete_in_both_languages():
    fr = flatten(yaml.safe_load((THEME / "i18n/fr.yaml").read_text(encoding="utf-8")))
    en = flatten(yaml.safe_load((THEME / "i18n/en.yaml").read_text(encoding="utf-8")))
    assert set(fr) == set(en)
    used = set()
    for template in (THEME / "templates").rglob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']\s*[,)]""", template.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in fr)
    assert not missing, missing
    for key, text in fr.items():  # same placeholders in both languages
        names = lambda v: sorted(set(re.findall(r"{(\w+)}", json.dumps(v, ensure_ascii=False))))
        assert names(text) == names(en[key]), key


# ---- Search index ------------------------------------------------------------------------

@pytest.mark.parametrize("words", [
    ["créative", "creative", "créatif", "créativité", "Créatives", "CREATIVE"],
    ["parole", "paroles"], ["bibliothèque", "bibliothèques"], ["library", "libraries"],
    ["tuteur·rice", "tutrice", "tuteurs"], ["animateur", "animatrice", "animation", "animer"],
    ["compétences", "competency", "competencies"], ["niveau", "niveaux"],
    # A French student's words: -aux plurals, feminines of -teur and -ier (tutrice, première)
    ["oral", "oraux", "orale", "orales"], ["international", "internationaux", "internationaux·ales"],
    ["directeur", "directrice", "directeurs"], ["lecteur", "lectrice"], ["conseiller", "conseillère", "conseillères"],
    ["premier", "première"], ["bureau", "bureaux"],
    # -ail nouns whose plural is -aux, and verbs in -quer beside their nouns in -cation
    ["travail", "travaux"], ["vitrail", "vitraux"], ["détail", "détails"],
    ["communiquer", "communication", "communications"], ["indiquer", "indication"],
    # English pages: -ied as -ies
    ["study", "studies", "studied"], ["apply", "applied", "applies"], ["carry", "carried"],
])
def test_stemmer_joins_forms_of_a_word(words):
    assert len({tuple(search.stems(w)) for w in words}) == 1, [search.stems(w) for w in words]


def test_elided_words_are_left_out_with_any_apostrophe():
    """Elision: "l’écriture" is "écriture" whatever the apostrophe (', ’ or the letter-like ʼ, which
    glued "l" to the word), and "jusqu’à" leaves nothing a badge must contain."""
    for text in ("l'écriture", "l’écriture", "l\u02bcécriture", "jusqu’à l’écriture", "lorsqu'on écrit l'écriture"):
        assert search.stems(text) in (["ecritur"], ["ecrit", "ecritur"]), text


def test_stemmer_leaves_common_words_out():
    assert search.stems("la prise de parole et l’écoute") == ["pris", "parol", "ecout"]
    assert search.stems("niveau 2") == ["niveau", "2"]


def test_search_index_is_compact_and_complete(example: Path):
    for lang in ("", "en/"):
        data = json.loads((example / lang / "search.json").read_text(encoding="utf-8"))
        f = {name: i for i, name in enumerate(data["fields"])}
        home = (example / lang / "index.html").read_text(encoding="utf-8")
        slugs = [b[f["slug"]] for b in data["badges"]]
        assert slugs == re.findall(r'data-slug="([^"]+)"', home)  # the active badges, in the same order
        at = {}
        for word, gaps in [*data["words"].items(), *data["more"].items()]:
            n, found = 0, []
            for gap in gaps.split():
                n += int(gap, 36)
                found.append(slugs[n])
            at[word] = at.get(word, []) + found
        # name, description, criteria, competency, issuer (and its parents) and tag words
        assert "expression-orale-creative" in at["creat"]
        assert "prise-de-parole-niveau-1" in at["parol"]
        parent = data["issuers"][data["badges"][slugs.index("prise-de-parole-niveau-1")][f["issuer"]]][2]
        assert data["issuers"][parent][0] == "universite-lorvanne"
    size = (example / "search.json").stat().st_size
    assert size < 1500 * len(slugs), size  # about 1 KB a badge, criteria words included


def test_the_index_tells_criteria_words_from_the_others(example: Path):
    """catalogue.js ranks a badge with a word in its name, description, issuers, competencies or
    tags before one with it in its criteria only: `words` lists the first, `more` the second."""
    data = json.loads((example / "search.json").read_text(encoding="utf-8"))
    slugs = [b[0] for b in data["badges"]]

    def badges(table: dict, word: str) -> list[str]:
        n, found = 0, []
        for gap in table.get(word, "").split():
            n += int(gap, 36)
            found.append(slugs[n])
        return found

    assert "prise-de-parole-niveau-2" in badges(data["more"], "structur")  # "structuration", criteria only
    assert "prise-de-parole-niveau-2" not in badges(data["words"], "structur")
    assert "regie-spectacle" in badges(data["words"], "spectacl") and "regie-spectacle" not in badges(data["more"], "spectacl")
    for word in data["more"]:  # a badge is listed once for a word
        assert not set(badges(data["more"], word)) & set(badges(data["words"], word)), word


def test_a_competency_code_is_one_word_of_the_index(example: Path):
    """A code of letters and digits was indexed as its parts ("COM-1" as "com" and "1"), so
    typing it found every badge with a "com..." word and a 1: now it is one word, "com1", for
    the badges that develop that competency."""
    assert search.code_key("COM-1") == "com1" and search.code_key("CT2.5") == "ct25"
    assert search.code_key("1.1") is None and search.code_key("ABC") is None
    data = json.loads((example / "search.json").read_text(encoding="utf-8"))
    slugs = [b[0] for b in data["badges"]]
    oral = data["competencies"].index(next(c for c in data["competencies"] if c[0] == "s-exprimer-a-l-oral"))
    having = [b[0] for b in data["badges"] if oral in b[data["fields"].index("competencies")]]
    n, found = 0, []
    for gap in data["words"]["com1"].split():
        n += int(gap, 36)
        found.append(slugs[n])
    assert found == having and len(having) >= 5


# ---- Pagination --------------------------------------------------------------------------

def many_badges(n: int) -> dict[str, str]:
    files = {}
    for i in range(n):
        files[f"content/badges/b{i:03d}.md"] = f"""
            ---
            name: Badge numéro {i}
            issuer: bu
            description: Le badge numéro {i}.
            category: {"technical" if i % 2 else "transversal"}
            image: badge.svg
            image_alt: Un disque bleu
            tags: [commun]
            level: {1 + i % 3}
            ---
""" + textwrap.indent(BADGE_CRITERIA, " " * 12)
    return files


def test_listings_are_paginated_and_every_badge_is_reachable(site):
    n = pages.PAGE_SIZE * 2 + 5
    root = site(many_badges(n))
    assert run_cli("build", "--site", str(root))[0] == 0
    out = root / "output"
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.count('class="card ') == pages.PAGE_SIZE
    assert 'href="page/2/"' in home and 'href="page/3/"' in home and "page/4/" not in home
    third = (out / "page/3/index.html").read_text(encoding="utf-8")
    assert third.count('class="card ') == n + 1 - 2 * pages.PAGE_SIZE  # + prise-de-parole
    assert 'href="../../page/2/" rel="prev"' in third and 'rel="next"' not in third
    assert 'aria-current="page"><span class="visually-hidden">Page </span>3</a>' in third
    assert "<title>Tous les badges, page 3 sur 3 · " in third
    reached = set()
    for page in [out / "tags/commun/index.html", *sorted((out / "tags/commun/page").glob("*/index.html"))]:
        reached |= set(re.findall(r'data-slug="([^"]+)"', page.read_text(encoding="utf-8")))
    assert reached == {f"b{i:03d}" for i in range(n)}
    assert (out / "en/categories/technical/page/2/index.html").is_file()
    assert (out / "issuers/bu/page/3/index.html").is_file()
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://badges.example.org/tags/commun/page/3/" in sitemap
    assert "https://badges.example.org/en/page/2/" in sitemap
    assert "https://badges.example.org/stats/" in sitemap


RETIRED_FIRST = """
    ---
    name: Ancien atelier d'écoute
    issuer: bu
    description: Un badge qui n'est plus délivré.
    category: transversal
    status: retired
    image: badge.svg
    image_alt: Un disque bleu
    competencies: [oral]
    tags: [oral]
    date: 2020-09-01
    ---
""" + textwrap.indent(BADGE_CRITERIA, " " * 4)


def test_listings_show_the_badges_one_can_earn_first_and_the_retired_ones_apart(site):
    """A retired badge (here "a-ancien", first by its file name) came first or in the middle of
    the issuer, category, tag and competency pages, among the badges a student can still earn,
    marked by a small chip only. Now the active badges come first, and the retired ones follow
    under their own heading, in each language."""
    root = site({"content/badges/a-ancien.md": RETIRED_FIRST})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    out = root / "output"
    for rel, level in (("issuers/bu/", 3), ("categories/transversal/", 2), ("tags/oral/", 2), ("competencies/oral/", 3)):
        for prefix, heading in (("", "Badges retirés"), ("en/", "Retired badges")):
            page = (out / prefix / rel / "index.html").read_text(encoding="utf-8")
            assert re.findall(r'data-slug="([^"]+)"', page) == ["prise-de-parole", "a-ancien"], prefix + rel
            active, retired = page.split(f'<h{level} class="cards-retired">{heading}</h{level}>')
            assert 'data-slug="prise-de-parole"' in active and 'data-slug="a-ancien"' in retired, prefix + rel
            assert f'<h{level} class="card__title">' in active and f'<h{level + 1} class="card__title">' in retired
            assert "card--retired" not in active


def test_the_sitemap_lists_the_pages_of_each_language_and_only_those(example: Path):
    """A translation names its own tags (en/tags/project/ beside tags/projet/): the sitemap listed the
    default language's tag paths under en/ too, pages that do not exist, and left out the real ones."""
    sitemap = (example / "sitemap.xml").read_text(encoding="utf-8")
    base = "https://badges.example.org/"
    urls = set(re.findall(r'<loc>([^<]+)</loc>', sitemap)) | set(re.findall(r' href="([^"]+)"', sitemap))
    for url in urls:
        assert (example / url.removeprefix(base) / "index.html").is_file(), url
    assert f"<loc>{base}en/tags/project/</loc>" in sitemap and f"<loc>{base}tags/projet/</loc>" in sitemap
    for page in example.rglob("index.html"):
        rel = page.parent.relative_to(example).as_posix()
        if "assertions" not in rel.split("/") and "verify" not in rel.split("/"):
            assert f"<loc>{base}{'' if rel == '.' else rel + '/'}</loc>" in sitemap, rel


def test_each_language_links_to_its_own_feed(example: Path):
    """English pages offered the French feed (/feed.xml, under an English title) though /en/feed.xml
    exists: in <link rel="alternate"> (what feed readers find) and in the footer."""
    for rel, feed in (("index.html", "feed.xml"), ("badges/concours-pitch/index.html", "../../feed.xml"),
                      ("en/index.html", "../en/feed.xml"), ("en/badges/concours-pitch/index.html", "../../../en/feed.xml")):
        page = (example / rel).read_text(encoding="utf-8")
        assert re.findall(r'href="([^"]*feed\.xml)"', page) == [feed, feed], rel
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">' in (example / "en/feed.xml").read_text(encoding="utf-8")


def test_every_page_leads_to_its_language_s_verify_page(example: Path):
    """/verify/ (check any badge in the browser) was built in each language but no page linked to
    it: not the footer, not an award page's "Verify this badge"; only its address led there."""
    from posixpath import join, normpath

    for page in html_pages(example):
        rel = page.relative_to(example).as_posix()
        lang_prefix = "en/" if rel.startswith("en/") else ""
        here = "/" + rel.rsplit("/", 1)[0] + "/" if "/" in rel else "/"
        targets = {normpath(join(here, a["href"].split("?")[0])) + "/" for a in parse(page).anchors  # ?url=: an award's
                   if a.get("href") and not a["href"].startswith(("http", "#", "mailto:"))}
        assert f"/{lang_prefix}verify/" in targets, rel


def test_feed_entries_not_translated_say_their_language(example: Path):
    """The English feed is xml:lang="en"; a badge without English translation kept that language
    for its French name and description (a feed reader or a screen reader read them as English),
    though its pages mark them lang="fr"."""
    import xml.etree.ElementTree as ET

    atom, lang = "{http://www.w3.org/2005/Atom}", "{http://www.w3.org/XML/1998/namespace}lang"
    feeds = {rel: ET.parse(example / rel).getroot() for rel in ("feed.xml", "en/feed.xml")}
    assert feeds["en/feed.xml"].get(lang) == "en"
    seen = set()
    for entry in feeds["en/feed.xml"].findall(atom + "entry"):
        slug = entry.find(atom + "id").text.rstrip("/").rsplit("/", 1)[-1]
        translated = (REPO / f"content/badges/{slug}.en.md").is_file()
        seen.add(translated)
        for field in ("title", "summary"):
            assert entry.find(atom + field).get(lang) == (None if translated else "fr"), (slug, field)
        issuer = re.search(r"^issuer: (\S+)", (REPO / f"content/badges/{slug}.md").read_text(encoding="utf-8"), re.M).group(1)
        issuer_translated = (REPO / f"content/issuers/{issuer}.en.md").is_file()
        assert entry.find(atom + "author").get(lang) == (None if issuer_translated else "fr"), (slug, issuer)
        seen.add(("issuer", issuer_translated))
    assert seen == {True, False, ("issuer", True), ("issuer", False)}
    for entry in feeds["feed.xml"].findall(atom + "entry"):  # the default language's: all inherited
        assert all(e.get(lang) is None for e in entry.iter()), entry.find(atom + "id").text


def test_a_badge_without_a_date_is_left_out_of_the_feed(site):
    """A badge without `date` was an entry of the Atom feed dated 2000-01-01, a day that appears
    nowhere in the input: feed readers showed it as published then. It is now left out; the feed
    is dated by its newest entry, or, with no entry at all, 1970-01-01 (never the build's clock)."""
    undated = MINIMAL["content/badges/prise-de-parole.md"].replace("        date: 2024-09-01\n", "").replace(
        "name: Prise de parole", "name: Atelier sans date")
    root = site({"content/badges/sans-date.md": undated})
    assert run_cli("build", "--site", str(root))[0] == 0
    for rel in ("feed.xml", "en/feed.xml"):
        feed = (root / "output" / rel).read_text(encoding="utf-8")
        assert "2000-01-01" not in feed and "Atelier sans date" not in feed and "sans-date" not in feed
        assert re.findall(r"<updated>([^<]+)</updated>", feed) == ["2024-09-01T00:00:00Z"] * 2  # the feed's, its entry's
    root = site({"content/badges/prise-de-parole.md": undated})  # no badge has a date
    assert run_cli("build", "--site", str(root))[0] == 0
    feed = (root / "output/feed.xml").read_text(encoding="utf-8")
    assert "<entry>" not in feed and re.findall(r"<updated>([^<]+)</updated>", feed) == ["1970-01-01T00:00:00Z"]


def test_a_small_catalogue_shows_no_pagination(example: Path):
    for page in html_pages(example):
        assert 'class="pagination"' not in page.read_text(encoding="utf-8"), page
    assert not list(example.rglob("page"))


# ---- Two languages -----------------------------------------------------------------------

def test_language_switcher_and_hreflang_land_on_the_same_page(example: Path):
    checked = 0
    for page in html_pages(example):
        rel = page.relative_to(example).as_posix()
        if rel == "404.html":
            continue
        m = parse(page)
        lang = "en" if rel.startswith("en/") else "fr"
        switch = [a for a in m.anchors if a.get("hreflang") and a.get("lang")]
        # award pages (their own lean template) link to the other language only
        expected = {"fr", "en"} - ({lang} if "assertions/" in rel else set())
        assert {a["hreflang"] for a in switch} == expected, rel
        for a in switch:
            target = (page.parent / a["href"]).resolve()
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), (rel, a["href"])
            other = target.relative_to(example).as_posix()
            if a["hreflang"] != lang and not rel.startswith(("tags/", "en/tags/")):
                assert other.removeprefix("en/") == rel.removeprefix("en/"), (rel, other)
        alternates = {l["hreflang"]: l["href"] for l in m.links if l.get("rel") == "alternate" and l.get("hreflang")}
        if alternates:
            assert set(alternates) == {"fr", "en", "x-default"}, rel
            assert alternates["x-default"] == alternates["fr"]
        checked += 1
    assert checked > 200


def test_a_missing_translation_falls_back_visibly_on_every_kind_of_page(example: Path):
    note = "This content has not been translated yet"
    for rel in ["en/badges/ambassadeur-orientation/index.html", "en/issuers/direction-culture/index.html"]:
        page = (example / rel).read_text(encoding="utf-8")
        assert note in page and 'lang="fr"' in page, rel
    card = (example / "en/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="[./]*(en/)?badges/ambassadeur-orientation/" lang="fr">', card)
    translated = (example / "en/badges/prise-de-parole-niveau-1/index.html").read_text(encoding="utf-8")
    assert note not in translated.split('<main', 1)[1].split("criteria-title")[0]
    for page in html_pages(example / "en"):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="en">' in text
        for french in ("Rechercher", "Compétences développées", "Comment l’obtenir", "Le programme en chiffres"):
            assert french not in text, (page, french)


def test_what_a_translation_leaves_out_is_marked_as_the_default_language(tmp_path: Path):
    """A translation that gives the name and the criteria only: the description, the evidence
    and the request shown in French carry lang="fr", the translated text does not."""
    root = write_site(tmp_path / "site", {
        "content/badges/prise-de-parole.md": MINIMAL["content/badges/prise-de-parole.md"].replace(
            "        date: 2024-09-01\n", "        date: 2024-09-01\n        evidence: [Une vidéo de l'exposé]\n"
            "        request:\n          url: https://bu.example.org/demande\n          instructions: Remplissez le formulaire.\n"),
        "content/badges/prise-de-parole.en.md": "---\nname: Public speaking\n---\nGive a talk of *ten minutes*.\n",
    })
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    page = (root / "output/en/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1 id="page-title">Public speaking</h1>', page)
    assert re.search(r'<p class="lead" lang="fr">Présenter un exposé', page)
    assert re.search(r'<div class="prose">\s*<p>Give a talk', page)
    assert re.search(r'<div class="prose" lang="fr">\s*<p>Remplissez le formulaire', page)
    assert re.search(r'<ul class="evidence" lang="fr">\s*<li>Une vidéo', page)
    card = (root / "output/en/index.html").read_text(encoding="utf-8")
    assert re.search(r'badges/prise-de-parole/">Public speaking</a>', card)
    assert re.search(r'<p class="card__description" lang="fr">Présenter', card)
    french = (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert 'lang="fr"' not in french.split("<main", 1)[1]


# ---- Applying ----------------------------------------------------------------------------

def test_apply_by_form_shows_instructions_and_evidence_before_the_button(example: Path):
    page = (example / "badges/prise-de-parole-niveau-1/index.html").read_text(encoding="utf-8")
    section = page.split('id="apply"', 1)[1].split("</section>", 1)[0]
    assert section.index("Preuves attendues") < section.index("Demander ce badge")
    assert section.index("formulaire") < section.index("Demander ce badge")
    assert re.search(r'<a class="button" href="https://[^"]+">Demander ce badge</a>', section)


def test_apply_by_email_prefills_subject_and_evidence(site):
    root = site({"content/badges/prise-de-parole.md": """
        ---
        name: Prise de parole & débat
        issuer: bu
        description: Présenter un exposé de dix minutes.
        category: transversal
        image: badge.svg
        image_alt: Un disque bleu
        evidence: [la fiche de présence, un texte réflexif]
        ---
        Critères.
    """})
    assert run_cli("build", "--site", str(root))[0] == 0
    page = (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    href = re.search(r'<a class="button" href="(mailto:[^"]+)">Demander ce badge par courriel</a>', page).group(1)
    url = urlsplit(href.replace("&amp;", "&"))
    assert url.path == "badges-bu@univ.example.org"  # the issuer's request
    query = parse_qs(url.query)
    assert query["subject"] == ["Demande du badge «\u202fPrise de parole & débat\u202f»"]
    body = query["body"][0]
    assert "\r\n- la fiche de présence\r\n- un texte réflexif\r\n" in body
    assert "https://badges.example.org/badges/prise-de-parole/" in body
    assert "%0D%0A" in href and "+" not in href.split("?", 1)[1]
    section = page.split('id="apply"', 1)[1]
    assert section.index("Écrivez-nous.") < section.index("la fiche de présence") < section.index("mailto:")


# ---- Sharing -----------------------------------------------------------------------------

def test_every_page_has_open_graph_and_twitter_tags(example: Path):
    for page in html_pages(example):
        m = parse(page)
        # Award pages have a lean template of their own (assertion.html, by the awards work): the essentials.
        award = "assertions/" in page.as_posix()
        for key in ("og:title", "og:image", "og:type") + (() if award else (
                "og:description", "og:locale", "og:site_name", "og:image:alt", "twitter:card")):
            assert m.meta.get(key), (page, key)
        image = m.meta["og:image"]
        assert image.startswith("https://badges.example.org/")
        assert (example / image.removeprefix("https://badges.example.org/")).is_file(), (page, image)
        rel = page.relative_to(example).as_posix()
        if re.fullmatch(r"(en/)?badges/[^/]+/index.html", rel):
            assert image.endswith(f"badges/{rel.split('/')[-2]}.preview.png")
            assert m.meta["twitter:card"] == "summary_large_image"


def test_preview_images(example: Path):
    from PIL import Image

    previews = sorted(example.glob("badges/*.preview.png"))
    assert len(previews) == len([p for p in (example / "badges").iterdir() if p.is_dir()])
    for file in [*previews, example / "preview.png", example / "en/preview.png"]:
        with Image.open(file) as img:
            assert img.size == (1200, 630) and img.format == "PNG"
    # a translated badge has its own preview; the others are shared between languages
    assert (example / "en/badges/prise-de-parole-niveau-1.preview.png").is_file()
    assert not (example / "en/badges/direction-culture.preview.png").exists()
    with Image.open(example / "badges/tuteur-bibliotheque.preview.png") as img:
        colours = img.convert("RGB").crop((70, 105, 490, 525)).getcolors(1 << 20)
        assert len(colours) > 12  # the badge itself is drawn, not an empty square


def test_svg_drawing_and_its_limits():
    from generator.rasterize import Unsupported, svg_to_image

    image = svg_to_image((REPO / "content/images/badges/atelier-theatre.svg").read_bytes(), 200)
    assert image.size == (200, 200) and image.getpixel((100, 100))[3] == 255 and image.getpixel((1, 1))[3] == 0
    for svg in ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><image href="data:image/png;base64,AA"/></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" filter="url(#f)"/></svg>',
                "<nope/>"]:
        with pytest.raises(Unsupported):
            svg_to_image(svg.encode(), 50)


def test_an_svg_that_cannot_be_drawn_gets_a_neutral_mark(site):
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">'
           '<style>circle { fill: red }</style><circle cx="256" cy="256" r="200"/></svg>\n')
    root = site({"content/images/badge.svg": svg})
    assert run_cli("build", "--site", str(root))[0] == 0
    from PIL import Image

    with Image.open(root / "output/badges/prise-de-parole.preview.png") as img:
        r, g, b = img.convert("RGB").getpixel((280, 322))
        assert (r, g, b) != (244, 246, 249)  # the mark's disc, not the background
    assert list((root / ".vitrine-cache/previews").glob("*.png"))


def test_copy_link_buttons(example: Path):
    page = (example / "badges/prise-de-parole-niveau-1/index.html").read_text(encoding="utf-8")
    assert 'data-copy="https://badges.example.org/badges/prise-de-parole-niveau-1/"' in page
    assert re.search(r"<button[^>]*data-copy=[^>]*hidden>", page)  # shown by site.js only


# ---- Figures -----------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_stats_page_and_csv_agree_with_the_records(example: Path):
    records = []
    for file in sorted((REPO / "awards").glob("*.yaml")):
        records += yaml.safe_load(file.read_text(encoding="utf-8")) or []
    per_badge = {row["badge"]: row for row in read_csv(example / "stats/awards-per-badge.csv")}
    assert sum(int(r["awarded"]) for r in per_badge.values()) == len(records)
    assert sum(int(r["revoked"]) for r in per_badge.values()) == sum(1 for r in records if r.get("revoked"))
    for slug in {r["badge"] for r in records}:
        assert int(per_badge[slug]["awarded"]) == sum(1 for r in records if r["badge"] == slug)
    years = {int(r["year"]): int(r["awarded"]) for r in read_csv(example / "stats/awards-per-year.csv")}
    for year in {r["issued_on"].year for r in records}:
        assert years[year] == sum(1 for r in records if r["issued_on"].year == year)
    issuers = {r["issuer"]: r for r in read_csv(example / "stats/awards-per-issuer.csv")}
    assert int(issuers["universite-lorvanne"]["awarded_with_sub_issuers"]) == sum(
        int(r["awarded"]) for r in issuers.values() if r["issuer"] != "badgeons-val-de-lorve")
    summary = {r["figure"]: r["value"] for r in read_csv(example / "stats/summary.csv")}
    assert int(summary["awarded"]) == len(records)
    for lang in ("", "en/"):
        page = (example / lang / "stats/index.html").read_text(encoding="utf-8")
        assert page.count("<table") == 3 and page.count('<th scope="col"') >= 11
        assert 'role="img" aria-labelledby="years-caption"' in page
        for name in ("summary", "awards-per-year", "awards-per-issuer", "awards-per-badge"):
            assert f'stats/{name}.csv"' in page
