"""Renaming a badge or a competency (`formerly`): every address published under the old slug
keeps answering, truthfully for verifiers, and the awards made before keep their bytes."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from conftest import MINIMAL, run_cli
from generator.content import parse_badge, parse_competency
from test_awards import A1, A4, BASE, PNG_BADGE, SALT, build, problems_of
from test_awards import awarded, fixed_today  # noqa: F401 - fixtures

BADGE = MINIMAL["content/badges/prise-de-parole.md"]


def badge_with(field: str) -> str:
    """The minimal site's badge with one more field, written after its name (line 3)."""
    return textwrap.dedent(BADGE).lstrip("\n").replace("name: Prise de parole\n", "name: Prise de parole\n" + field + "\n", 1)


# -- the field ---------------------------------------------------------------------------------

def test_formerly_is_a_list_of_slugs_or_one_slug():
    parsed = parse_badge(badge_with("formerly: [prise-de-parole-1, oral-1]"), "content/badges/x.md", "x")
    assert parsed.problems == [] and parsed.obj.formerly == ["prise-de-parole-1", "oral-1"]
    assert [(r.value, r.line, r.col, r.field) for r in parsed.refs["formerly"]] == [
        ("prise-de-parole-1", 3, 12, "formerly[0]"), ("oral-1", 3, 31, "formerly[1]")]
    parsed = parse_badge(badge_with("formerly: prise-de-parole-1"), "content/badges/x.md", "x")
    assert parsed.problems == [] and parsed.obj.formerly == ["prise-de-parole-1"]
    parsed = parse_competency("---\nname: Oral\ndescription: Parler.\nframework: F\nformerly: [parler]\n---\n",
                              "content/competencies/oral.md", "oral")
    assert parsed.problems == [] and parsed.obj.formerly == ["parler"]


def test_formerly_items_are_checked_each_at_its_place():
    parsed = parse_badge(badge_with("formerly: [Prise de parole, x, {a: b}, old, old, old.md]"), "content/badges/x.md", "x")
    assert [str(p) for p in parsed.problems] == [
        'content/badges/x.md:3:12: formerly[0]: "Prise de parole" is not a slug: write the old file name without .md, '
        'in lowercase letters, digits and hyphens (did you mean "prise-de-parole"?)',
        'content/badges/x.md:3:29: formerly[1]: "x" is the slug this file has now: list the slugs it had before it '
        "was renamed",
        "content/badges/x.md:3:32: formerly[2]: expected the slug this badge had (its old file name without .md), "
        "found a mapping",
        'content/badges/x.md:3:45: formerly[4]: "old" is listed twice',
        'content/badges/x.md:3:50: formerly[5]: "old.md" is not a slug: write the old file name without .md, in '
        'lowercase letters, digits and hyphens (did you mean "old"?)',
    ]
    assert parsed.obj.formerly == ["old"]


def test_formerly_is_not_translated(site):
    root = site({"content/badges/prise-de-parole.en.md": "---\nname: Public speaking\nformerly: [oral]\n---\n"})
    assert problems_of(root) == [
        "content/badges/prise-de-parole.en.md:3:1: formerly: cannot be translated: a translation holds only name, "
        "description, image_alt, evidence, tags, request, endorsements and the body; other fields come from the original"]


def test_a_former_slug_is_free_and_leads_to_one_file(site):
    root = site({
        "content/badges/prise-de-parole.md": badge_with("formerly: [atelier, parole]"),
        "content/badges/atelier.md": badge_with("formerly: [parole]").replace("Prise de parole", "Atelier"),
        "content/competencies/ecoute.md": "---\nname: Écoute\ndescription: Écouter.\nframework: F\n"
                                          "formerly: [oral]\n---\n",
    })
    assert problems_of(root) == [
        'content/badges/prise-de-parole.md:3:12: formerly[0]: badge "atelier" still exists (content/badges/atelier.md): '
        "a former slug is one no file has any more. If this file replaces it, delete that one",
        'content/badges/prise-de-parole.md:3:21: formerly[1]: "parole" is already a former slug of badge "atelier" '
        "(content/badges/atelier.md:3:12): an old address can lead to one badge only",
        'content/competencies/ecoute.md:5:12: formerly[0]: competency "oral" still exists '
        "(content/competencies/oral.md): a former slug is one no file has any more. If this file replaces it, "
        "delete that one",
    ]


def test_a_translation_left_under_the_old_name_is_told_the_new_one(site):
    root = site({"content/badges/prise-de-parole.md": None, "content/badges/parole.md": badge_with("formerly: [prise-de-parole]"),
                 "content/badges/prise-de-parole.en.md": "---\nname: Public speaking\n---\n"})
    assert problems_of(root) == [
        'content/badges/prise-de-parole.en.md:1:1: a translation of "prise-de-parole.md", which does not exist (rename '
        'it "parole.en.md": parole.md lists `formerly: [prise-de-parole]`)']


# -- a rename, end to end --------------------------------------------------------------------------

def files_of(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def rename_atelier(root: Path) -> None:
    """atelier-png.md renamed atelier.md, saying so; its award records left as they were."""
    text = (root / "content/badges/atelier-png.md").read_text()
    (root / "content/badges/atelier-png.md").unlink()
    (root / "content/badges/atelier.md").write_text(text.replace("---\n", "---\nformerly: [atelier-png]\n", 1))


NEW_AWARD = f"""\
- id: 8cbf9f21-91a8-4ea2-9a21-f68a2c1ed0a2
  badge: atelier
  recipient: zoe@example.org
  issued_on: 2024-12-01
  salt: {SALT}
"""


@pytest.fixture
def renamed(awarded):
    """A site built with awards of atelier-png, then renamed: (site, first output's files)."""
    root = awarded()
    before = files_of(build(root))
    rename_atelier(root)
    (root / "awards/atelier.yaml").write_text(NEW_AWARD)
    build(root)
    return root, before


def test_every_address_of_the_first_build_still_answers(renamed):
    root, before = renamed
    after = files_of(root / "output")
    assert sorted(set(before) - set(after)) == []
    # what the awards made before are, and what they point at, is as it was, byte for byte
    kept = [p for p in before if p.startswith(("assertions/", "en/assertions/"))
            or p.startswith("badges/atelier-png.") or p.startswith("en/badges/atelier-png.")]
    assert f"assertions/{A4}.json" in kept and "badges/atelier-png.json" in kept and "badges/atelier-png.png" in kept
    assert [p for p in kept if after[p] != before[p]] == []
    # the award made after the rename names the badge's new addresses
    new = json.loads(after["assertions/8cbf9f21-91a8-4ea2-9a21-f68a2c1ed0a2.json"])
    assert new["badge"] == f"{BASE}badges/atelier.json"
    assert json.loads(after[f"assertions/{A4}.json"])["badge"] == f"{BASE}badges/atelier-png.json"
    # the old BadgeClass is the badge's, at its old address (a verifier checks that a document is at its id)
    old, now = json.loads(after["badges/atelier-png.json"]), json.loads(after["badges/atelier.json"])
    assert old["id"] == f"{BASE}badges/atelier-png.json" and now["id"] == f"{BASE}badges/atelier.json"
    assert old["image"] == f"{BASE}badges/atelier-png.png" and after["badges/atelier-png.png"] == after["badges/atelier.png"]
    assert {k: v for k, v in old.items() if k not in ("id", "image", "criteria")} == \
        {k: v for k, v in now.items() if k not in ("id", "image", "criteria")}


def test_the_old_page_leads_to_the_new_one_and_is_listed_nowhere(renamed):
    root, _ = renamed
    out = root / "output"
    for prefix in ("", "en/"):
        page = (out / prefix / "badges/atelier-png/index.html").read_text()
        depth = "../../" + ("../" if prefix else "")
        assert f'<link rel="canonical" href="{BASE}{prefix}badges/atelier/">' in page
        assert '<meta name="robots" content="noindex">' in page
        assert f'<meta http-equiv="refresh" content="0; url={depth}{prefix}badges/atelier/">' in page
        assert f'<a href="{depth}{prefix}badges/atelier/">Atelier PNG</a>' in page
    for listing in ("sitemap.xml", "search.json", "en/search.json", "feed.xml", "index.html", "issuers/univ/index.html"):
        assert "atelier-png" not in (out / listing).read_text(), listing
    assert "badges/atelier/" in (out / "sitemap.xml").read_text()
    # the awards under either name count for the badge
    assert (out / "stats/awards-per-badge.csv").read_text().count("atelier") == 1
    assert "atelier,Atelier PNG,univ,participation,,active,2,0,2,0" in (out / "stats/awards-per-badge.csv").read_text()


def test_the_record_keeps_the_old_addresses_and_adds_the_new(renamed):
    root, _ = renamed
    record = (root / "awards/published-urls.txt").read_text().splitlines()
    assert {"badges/atelier-png.json", "badges/atelier-png.png", "badges/atelier-png/",
            "badges/atelier.json", "badges/atelier.png", "badges/atelier/"} <= set(record)
    # the rename undone without a word: the old addresses are still owed
    (root / "content/badges/atelier.md").write_text((root / "content/badges/atelier.md").read_text()
                                                     .replace("formerly: [atelier-png]\n", ""))
    lines = problems_of(root)
    assert lines[0].endswith('badge "atelier-png" is gone: if you renamed it, add `formerly: [atelier-png]` to the '
                             "renamed file (its old addresses then keep answering); else put "
                             "content/badges/atelier-png.md back (to stop awarding it, set `status: retired`)")


def test_a_renamed_competency_page_leads_to_the_new_one(awarded):
    root = awarded()
    build(root)
    (root / "content/competencies/oral.md").unlink()
    (root / "content/competencies/parler.md").write_text(
        "---\nname: S'exprimer à l'oral\ndescription: Parler.\nframework: F\nformerly: [oral]\n---\n")
    badge = root / "content/badges/prise-de-parole.md"
    badge.write_text(badge.read_text().replace("competencies: [oral]", "competencies: [parler]"))
    out = build(root)
    page = (out / "competencies/oral/index.html").read_text()
    assert f'<link rel="canonical" href="{BASE}competencies/parler/">' in page
    assert '<meta http-equiv="refresh" content="0; url=../../competencies/parler/">' in page
    assert "competencies/oral/" not in (out / "sitemap.xml").read_text()
    assert json.loads((out / "badges/prise-de-parole.json").read_text())["alignment"][0]["targetUrl"] == \
        f"{BASE}competencies/parler/"


def test_a_renamed_competency_keeps_every_page_of_its_listing(awarded):
    """A competency's listing of more than one page of badges (24 a page) was kept at its old
    address for its first page only: `/competencies/<old>/page/2/`, in the sitemap of the build
    before, answered 404 after the rename. Each page now leads to the same page under the new slug."""
    many = {f"content/badges/b{n:02}.md": PNG_BADGE.replace("category: participation",
                                                            "category: participation\ncompetencies: [oral]")
            for n in range(30)}
    root = awarded(many)
    before = files_of(build(root))
    assert "competencies/oral/page/2/index.html" in before and "en/competencies/oral/page/2/index.html" in before
    (root / "content/competencies/oral.md").unlink()
    (root / "content/competencies/parler.md").write_text(
        "---\nname: S'exprimer à l'oral\ndescription: Parler.\nframework: F\nformerly: [oral]\n---\n")
    for file in (root / "content/badges").glob("*.md"):
        file.write_text(file.read_text().replace("competencies: [oral]", "competencies: [parler]"))
    out = build(root)
    after = files_of(out)
    assert sorted(set(before) - set(after)) == []
    for prefix in ("", "en/"):
        depth = "../../../../" + ("../" if prefix else "")
        page = (out / prefix / "competencies/oral/page/2/index.html").read_text()
        assert f'<link rel="canonical" href="{BASE}{prefix}competencies/parler/page/2/">' in page
        assert '<meta name="robots" content="noindex">' in page
        assert f'<meta http-equiv="refresh" content="0; url={depth}{prefix}competencies/parler/page/2/">' in page
        assert f"{prefix}competencies/parler/page/2/index.html" in after
    assert "competencies/oral/" not in (out / "sitemap.xml").read_text()
    assert f"{BASE}competencies/parler/page/2/" in (out / "sitemap.xml").read_text()


def test_a_renamed_badge_keeps_its_card_thumbnail(awarded):
    """A badge whose image is a heavy PNG has a card thumbnail (`badges/<slug>.thumb.png`, shown
    by listings and search results, and so in every copy of them that browsers and caches keep);
    after a rename it was the one file of the old slug no longer made. It is now published at the
    old address too, the same bytes as the new one."""
    import random

    noise = random.Random(1).randbytes(256 * 256 * 3)  # a heavy file: it gets a thumbnail
    buffer = io.BytesIO()
    Image.frombytes("RGB", (256, 256), noise).save(buffer, "PNG")
    root = awarded({"content/images/atelier.png": buffer.getvalue()})
    before = files_of(build(root))
    assert "badges/atelier-png.thumb.png" in before
    rename_atelier(root)
    after = files_of(build(root))
    assert sorted(set(before) - set(after)) == []
    assert after["badges/atelier-png.thumb.png"] == after["badges/atelier.thumb.png"] == before["badges/atelier-png.thumb.png"]
    assert "atelier-png.thumb.png" not in after["search.json"].decode() + after["index.html"].decode()


def test_award_by_the_old_slug_says_the_new_one(renamed):
    root, _ = renamed
    status, out, err = run_cli("award", "atelier-png", "--to", "yves@example.org", "--site", str(root))
    assert status == 1
    assert err.splitlines()[0] == ('vitrine award: badge "atelier-png" is now called "atelier" (its file, '
                                   'content/badges/atelier.md, lists `formerly: [atelier-png]`): award "atelier"')
    # someone who holds it under its old name holds it: the new name does not award it twice
    status, out, err = run_cli("award", "atelier", "--to", "dan@example.org", "--site", str(root))
    assert status == 1 and "already" in err, err
    status, out, err = run_cli("awards", "--badge", "atelier-png", "--site", str(root))
    assert status == 0 and A4 in out and "8cbf9f21" in out and A1 not in out


@pytest.mark.browser
def test_the_old_page_passes_axe_and_takes_a_browser_to_the_new_one(renamed):
    from browser import axe_violations, browser, needs_browser, serve

    if needs_browser.args[0]:
        pytest.skip(needs_browser.kwargs["reason"])
    root, _ = renamed
    with serve(root / "output") as url, browser() as chromium:
        for prefix in ("", "en/"):
            page = chromium.new_page()
            page.goto(url + prefix + "badges/atelier-png/")
            page.wait_for_url(url + prefix + "badges/atelier/")  # at once, by itself
            assert "Atelier PNG" in page.locator("h1").inner_text()
            # the page itself, held still (its way on answers 204, which a browser does not leave a page for):
            # what one sees before, or without, the refresh
            page.route("**/badges/atelier/", lambda route: route.fulfill(status=204))
            page.goto(url + prefix + "badges/atelier-png/")
            page.wait_for_timeout(300)
            assert page.url == url + prefix + "badges/atelier-png/"
            assert page.locator("h1").inner_text() in ("«\u202fAtelier PNG\u202f» a changé d’adresse", "“Atelier PNG” has moved")
            assert axe_violations(page) == []
            assert page.get_by_role("link", name="Atelier PNG").count() == 1
            page.close()


def test_new_refuses_a_former_slug(renamed):
    root, _ = renamed
    status, out, err = run_cli("new", "badge", "atelier-png", "--site", str(root))
    assert (status, err) == (1, "vitrine: content/badges/atelier.md was once called atelier-png (its `formerly` says so), "
                                "and its old addresses lead to it: choose another slug\n")
    assert not (root / "content/badges/atelier-png.md").exists()
    status, out, err = run_cli("new", "competency", "atelier-png", "--site", str(root))  # another kind, another folder
    assert status == 0, err


def test_the_preview_follows_a_rename_and_an_edit_after_it(tmp_path, monkeypatch):
    """`vitrine serve`: after the rename, then after an edit of the renamed badge, every file is
    what a fresh render gives (the files made under the old slug included)."""
    import io

    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the example's awards are dated after this file's "today"

    from conftest import REPO, copy_site
    from generator.serve import DevServer
    from test_serve_tracking import replace, save, settle

    root = copy_site(REPO, tmp_path / "site")
    server = DevServer(root, port=0, stdout=io.StringIO(), stderr=io.StringIO())
    server.start()
    try:
        settle(server)
        badges = root / "content/badges"

        def rename() -> None:
            text = (badges / "tuteur-bibliotheque.md").read_text(encoding="utf-8")
            (badges / "tuteur-bibliotheque.en.md").rename(badges / "tuteur-bu.en.md")
            (badges / "tuteur-bu.md").write_text(text.replace("---\n", "---\nformerly: [tuteur-bibliotheque]\n", 1),
                                                 encoding="utf-8")
            (badges / "tuteur-bibliotheque.md").unlink()

        again = save(root, server, rename)
        assert {"badges/tuteur-bibliotheque/index.html", "badges/tuteur-bu/index.html"} <= again
        again = save(root, server, replace(root, "content/badges/tuteur-bu.md", "name: ", "name: Grand "))
        assert {"badges/tuteur-bibliotheque.json", "badges/tuteur-bibliotheque/index.html",
                "assertions/9f5f464f-dffb-47de-b6f9-31f11b362fe7/index.html"} <= again
    finally:
        server.stop()


def test_a_file_that_names_the_old_slug_is_told_the_new_one(site):
    root = site({
        "content/competencies/oral.md": None,
        "content/competencies/parler.md": "---\nname: Parler\ndescription: Parler.\nframework: F\nformerly: [oral]\n---\n",
        "content/badges/ecoute.md": badge_with("related: [prise-de-parole]").replace("Prise de parole", "Écoute"),
        "content/badges/prise-de-parole.md": None,
        "content/badges/parole.md": badge_with("formerly: [prise-de-parole]"),
    })
    assert problems_of(root) == [
        'content/badges/ecoute.md:3:11: related[0]: badge "prise-de-parole" is now called "parole" '
        '(content/badges/parole.md lists it in `formerly`): write "parole"',
        'content/badges/ecoute.md:9:16: competencies[0]: competency "oral" is now called "parler" '
        '(content/competencies/parler.md lists it in `formerly`): write "parler"',
        'content/badges/parole.md:9:16: competencies[0]: competency "oral" is now called "parler" '
        '(content/competencies/parler.md lists it in `formerly`): write "parler"',
    ]


def test_the_old_pages_are_valid_html(renamed, tmp_path):
    import shutil
    import subprocess

    from test_quality import JAVA, REQUIRED, VNU

    if not (JAVA and VNU.is_file()) and not REQUIRED:
        pytest.skip("needs java and npm's vnu-jar (bash scripts/test.sh)")
    root, _ = renamed
    pages = tmp_path / "pages"
    for prefix in ("", "en/"):
        (pages / prefix).mkdir(parents=True, exist_ok=True)
        shutil.copy(root / "output" / prefix / "badges/atelier-png/index.html", pages / prefix / "moved.html")
    result = subprocess.run([JAVA or "java", "-jar", str(VNU), "--format", "json", "--errors-only", str(pages)],
                            capture_output=True, text=True, timeout=300)
    assert json.loads(result.stderr or '{"messages": []}')["messages"] == []


def test_what_stops_a_rename_names_the_badge_of_now(awarded):
    """The renamed badge made a draft, or given an SVG for its PNG: the messages name it by its
    slug of now, with the former one the records and the record of published files hold."""
    from conftest import SQUARE_SVG
    from test_awards import PNG_BADGE

    root = awarded()
    build(root)
    (root / "content/badges/atelier-png.md").unlink()
    (root / "content/badges/atelier.md").write_text(PNG_BADGE.replace("---\n", "---\nformerly: [atelier-png]\nstatus: draft\n", 1))
    assert problems_of(root) == ['awards/prise-de-parole.yaml:32:10: badge: badge "atelier" (formerly "atelier-png") '
                                 "is a draft: publish it (status: active) before awarding it"]
    (root / "content/images/atelier.svg").write_text(SQUARE_SVG)
    (root / "content/badges/atelier.md").write_text(PNG_BADGE.replace("---\n", "---\nformerly: [atelier-png]\n", 1)
                                                    .replace("atelier.png", "atelier.svg"))
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 1 and err.splitlines()[0].endswith(
        'is no longer made: the image of badge "atelier" (formerly "atelier-png") was a PNG and is now an SVG; its '
        "awards' baked images were published as PNG too. Give it a PNG image again (export the SVG as a PNG of 512 px "
        "or more)")
