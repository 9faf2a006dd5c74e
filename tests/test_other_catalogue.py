"""A catalogue written by someone else, from DESIGN.md alone, builds with no change to the code.

tests/sites/valid/association-network is an English-speaking association network (a parent issuer
and three member associations), with French as its second language and a sub-path base_url. These
tests build a copy of it and check what a visitor, a crawler and a backpack would see.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import SITES, copy_site, run_cli

SITE = SITES / "valid" / "association-network"
BASE = "https://example.net/open-badges/"
PUBLISHED = ["active-listener", "first-volunteer-day", "founding-member-2020", "hedge-layer",
             "repair-cafe-fixer", "river-festival-crew", "workshop-facilitator"]
DRAFT = "network-ambassador"
RETIRED = "founding-member-2020"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, int, str, str]:
    tmp = tmp_path_factory.mktemp("assoc")
    root = copy_site(SITE, tmp / "site")
    status, out, err = run_cli("build", "--site", str(root), "--out", str(tmp / "out"))
    return tmp / "out", status, out, err


@pytest.fixture(scope="module")
def out(built) -> Path:
    output, status, _, err = built
    assert status == 0, err
    return output


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def search_slugs(path: Path) -> list[str]:
    """The badges of a search index: a list of objects, or rows described by "fields"."""
    index = json.loads(read(path))
    badges = index["badges"] if isinstance(index, dict) else index
    if isinstance(index, dict) and "fields" in index:
        column = index["fields"].index("slug")
        return [row[column] for row in badges]
    return [badge["slug"] for badge in badges]


def test_builds_with_exit_0_and_no_error(built):
    output, status, stdout, err = built
    assert status == 0, err
    assert "Built" in stdout
    assert "Traceback" not in err
    # Only authoring warnings, and only about the draft (it has no way to apply yet). Its badges
    # have no `date` (DESIGN does not name it): they are left out of the feed, without a warning each.
    for line in err.splitlines():
        assert ": warning: " in line and DRAFT in line, line
    assert "2000-01-01" not in read(output / "feed.xml")
    assert (output / "index.html").is_file()


def test_english_at_the_root_and_french_under_fr(out: Path):
    home = read(out / "index.html")
    assert '<html lang="en"' in home
    assert "Three Rivers Community Badges" in home
    home_fr = read(out / "fr" / "index.html")
    assert '<html lang="fr"' in home_fr
    assert "Badges du réseau Trois Rivières" in home_fr
    assert not (out / "en").exists()
    for slug in PUBLISHED:
        assert (out / "badges" / slug / "index.html").is_file()
        assert (out / "fr" / "badges" / slug / "index.html").is_file()
    for slug in ("three-rivers-network", "riverside-youth-club", "greenway-trust", "fixit-makers"):
        assert (out / "issuers" / slug / "index.html").is_file()
        assert (out / "fr" / "issuers" / slug / "index.html").is_file()
    assert (out / "competencies" / "listening" / "index.html").is_file()
    assert (out / "fr" / "pages" / "about" / "index.html").is_file()


def test_the_draft_badge_is_not_published(out: Path):
    assert not list(out.rglob(f"*{DRAFT}*"))
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".txt"}:
            assert DRAFT not in read(path), path
            assert "Network Ambassador" not in read(path), path
    active = set(PUBLISHED) - {RETIRED}
    for index in (out / "search.json", out / "fr" / "search.json"):
        slugs = set(search_slugs(index))
        assert DRAFT not in slugs
        assert active <= slugs <= set(PUBLISHED), (index, slugs)


def test_the_retired_badge_is_published_and_marked(out: Path):
    page = read(out / "badges" / RETIRED / "index.html")
    assert "badge--retired" in page
    assert "This badge is retired" in page
    assert "Ce badge est retiré" in read(out / "fr" / "badges" / RETIRED / "index.html")
    assert "card--retired" in read(out / "categories" / "network" / "index.html")
    assert (out / "badges" / f"{RETIRED}.json").is_file()
    # Not awardable: its page does not offer the request channel its file still names.
    assert "founders@three-rivers.example.net" not in page
    # The catalogue offers the six active badges, not the retired one.
    assert "6 badges on offer" in read(out / "index.html")


def test_the_translated_badge_has_its_french_name_on_its_fr_page(out: Path):
    en = read(out / "badges" / "active-listener" / "index.html")
    fr = read(out / "fr" / "badges" / "active-listener" / "index.html")
    assert re.search(r"<h1[^>]*>Active Listener</h1>", en)
    assert re.search(r"<h1[^>]*>Écoute active</h1>", fr)
    assert "D'abord écouter" in fr or "D&#39;abord écouter" in fr
    assert "Deux situations décrites par écrit" in fr  # translated evidence
    assert "l'équipe formation répond" in fr or "l&#39;équipe formation répond" in fr  # instructions
    assert "Écoute active" not in en
    # The other translations: an issuer and a page.
    assert "Réseau associatif Trois Rivières" in read(out / "fr" / "issuers" / "three-rivers-network" / "index.html")
    assert "À propos de ces badges" in read(out / "fr" / "pages" / "about" / "index.html")
    # A page without translation shows the original, marked.
    untranslated = read(out / "fr" / "badges" / "hedge-layer" / "index.html")
    assert "Hedge Layer" in untranslated and "pas encore traduit" in untranslated


def test_every_relative_link_resolves(out: Path):
    broken, pages = [], 0
    for page in out.rglob("*.html"):
        if page.name == "404.html":
            continue
        pages += 1
        for href in re.findall(r'(?:href|src)="([^"#?]+)', read(page)):
            if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            assert not href.startswith("/"), f"{page}: absolute link {href}"
            target = (page.parent / href).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(out)} -> {href}")
    assert pages > 80
    assert not broken, broken[:20]


def test_the_404_page_links_under_the_sub_path(out: Path):
    for href in re.findall(r'(?:href|src)="([^"#?]+)', read(out / "404.html")):
        if not re.match(r"^[a-z]+:", href):
            assert href.startswith("/open-badges/"), href


def test_canonical_and_hosted_urls_start_with_the_base_url(out: Path):
    canonicals = 0
    for page in out.rglob("*.html"):
        if page.name == "404.html":
            continue
        found = re.findall(r'<link rel="canonical" href="([^"]+)"', read(page))
        assert len(found) == 1, page
        url = found[0]
        assert url.startswith(BASE), (page, url)
        folder = page.parent.relative_to(out).as_posix()
        assert url == (BASE if folder == "." else f"{BASE}{folder}/"), (page, url)
        canonicals += 1
    assert canonicals > 80
    locs = [el.text for el in ET.parse(out / "sitemap.xml").getroot()
            if el.tag.endswith("url") for el in el if el.tag.endswith("loc")]
    assert locs and all(loc.startswith(BASE) for loc in locs)
    assert f"Sitemap: {BASE}sitemap.xml" in read(out / "robots.txt")


def test_open_badges_json_is_hosted_under_the_sub_path(out: Path):
    badge = json.loads(read(out / "badges" / "hedge-layer.json"))
    assert badge["id"] == f"{BASE}badges/hedge-layer.json"
    assert badge["issuer"] == f"{BASE}issuers/greenway-trust.json"
    assert badge["image"] == f"{BASE}badges/hedge-layer.png"
    assert badge["criteria"]["id"] == f"{BASE}badges/hedge-layer/"
    rncp = [a for a in badge["alignment"] if a.get("targetFramework") == "RNCP"]
    assert rncp == [{"targetCode": "RNCP35678", "targetFramework": "RNCP",
                     "targetName": "Brevet professionnel Aménagements paysagers",
                     "targetUrl": "https://www.francecompetences.fr/recherche/rncp/35678/"}]
    issuer = json.loads(read(out / "issuers" / "riverside-youth-club.json"))
    assert issuer["id"] == f"{BASE}issuers/riverside-youth-club.json"
    assert issuer["image"] == f"{BASE}issuers/riverside-youth-club.png"


def test_images_next_to_the_file_and_in_content_images_are_published(out: Path):
    png = b"\x89PNG\r\n\x1a\n"
    assert (out / "badges" / "first-volunteer-day.png").read_bytes().startswith(png)  # next to the .md
    assert (out / "badges" / "active-listener.png").read_bytes().startswith(png)  # content/images/
    assert (out / "badges" / "river-festival-crew.svg").is_file()  # content/images/badges/
    assert (out / "badges" / "repair-cafe-fixer.svg").is_file()  # SVG next to the .md
    assert (out / "issuers" / "riverside-youth-club.png").read_bytes().startswith(png)  # logo next to the .md


def test_requests_parents_and_competency_groups(out: Path):
    # Badge-level request (a form) wins over the issuer's (none here).
    fixer = read(out / "badges" / "repair-cafe-fixer" / "index.html")
    assert 'href="https://fixit.example.net/forms/fixer-badge"' in fixer
    # Issuer-level requests: a form url and an e-mail address.
    assert 'href="https://greenway.example.net/badges/apply"' in read(out / "badges" / "hedge-layer" / "index.html")
    assert "mailto:badges@riverside-youth.example.net" in read(out / "badges" / "first-volunteer-day" / "index.html")
    # The parent issuer lists its three member associations.
    parent = read(out / "issuers" / "three-rivers-network" / "index.html")
    for child in ("Riverside Youth Club", "Greenway Environmental Trust", "FixIt Makers"):
        assert child in parent
    # Two groups of four competencies.
    framework = read(out / "competencies" / "index.html")
    assert "Working with people" in framework and "Hands-on skills" in framework
    assert len(list((out / "competencies").glob("*/index.html"))) == 8
    # Pages with `menu` are in the main navigation, in order.
    home = read(out / "index.html")
    assert home.index("About these badges") < home.index("How to apply")
