"""`vitrine serve --drafts`: draft badges previewed, marked, and never anywhere a build publishes."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path

import pytest

from browser import axe_violations, browser, needs_browser
from conftest import copy_site, png_bytes, run_cli
from generator.build import CACHE, OUTPUTS
from generator.loader import load_site
from generator.render import drafts
from generator.render.base import Renderer, expand
from generator.serve import DevServer
from test_serve import Events, edit, fetch, wait_for

DRAFT = "content/badges/atelier-podcast.md"
DRAFT_TEXT = """
    ---
    name: Atelier podcast
    issuer: bu
    description: Enregistrer un épisode de podcast.
    category: technical
    image: podcast.png
    image_alt: Un micro
    competencies: [oral]
    tags: [oral]
    status: draft
    ---
    La personne enregistre un épisode de dix minutes.

    ![Le studio](studio.png)
"""
FILES = {DRAFT: DRAFT_TEXT, "content/badges/podcast.png": png_bytes(), "content/badges/studio.png": png_bytes(64)}


def renderer_of(root: Path) -> Renderer:
    return Renderer(load_site(root, 1), root / CACHE)


# -- what a draft gets, and what it does not ---------------------------------------------------


def test_a_draft_gets_its_pages_and_images_and_nothing_else(site):
    r = renderer_of(site(FILES))
    made = {job.path: job for job in drafts.jobs(r)}
    # its page in each language, its image (light: no thumbnail), the image of its text: no JSON, no preview
    assert sorted(made) == ["badges/atelier-podcast.png",
                            "badges/atelier-podcast/index.html", "en/badges/atelier-podcast/index.html",
                            "media/badges/studio.png"]
    published = {job.path for module in OUTPUTS for job in expand(module.jobs(r))}
    assert not published & set(made)  # what a build makes has no trace of it
    assert not [p for p in published if "atelier-podcast" in p]


def test_without_drafts_there_is_nothing_to_preview(site):
    assert drafts.jobs(renderer_of(site())) == []


@pytest.mark.parametrize("prefix, banner", [
    ("", "Brouillon : cette page n’est pas publiée."),
    ("en/", "Draft: this page is not published."),
])
def test_the_page_of_a_draft_says_so_and_is_not_indexed(site, prefix, banner):
    r = renderer_of(site(FILES))
    page = next(j for j in drafts.jobs(r) if j.path == f"{prefix}badges/atelier-podcast/index.html").make().decode()
    assert f'<p class="note note--draft" role="note"><strong>{banner}</strong>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "<h1" in page and "Atelier podcast" in page and "Enregistrer un épisode" in page
    assert "atelier-podcast.json" not in page  # no Open Badges JSON to link to
    assert 'class="share"' not in page  # its address answers nobody else yet
    assert '<meta property="og:image" content="https://badges.example.org/badges/atelier-podcast.png">' in page


def test_published_pages_are_not_marked(site):
    r = renderer_of(site(FILES))
    page = next(j for j in expand(OUTPUTS[0].jobs(r)) if j.path == "badges/prise-de-parole/index.html").make().decode()
    assert "noindex" not in page and "note--draft" not in page and "prise-de-parole.json" in page


# -- the preview -------------------------------------------------------------------------------


@pytest.fixture
def preview(site):
    servers = []

    def start(files: dict | None = None) -> tuple[Path, DevServer, str, io.StringIO]:
        root = site({**FILES, **(files or {})})
        out = io.StringIO()
        server = DevServer(root, port=0, stdout=out, stderr=io.StringIO(), drafts=True)
        url = server.start()
        servers.append(server)
        return root, server, url, out

    yield start
    for server in servers:
        server.stop()


def test_serve_drafts_shows_edits_then_publishes_without_restart(preview):
    root, server, url, out = preview()
    draft = url + "badges/atelier-podcast/"
    assert out.getvalue().splitlines()[-2:] == [
        "Drafts, shown by this preview only (not published, not written to output/): 1", f"  {draft}"]
    status, page, _ = fetch(draft)
    assert status == 200 and "note--draft" in page and "noindex" in page and "/__vitrine/events" in page
    assert fetch(url + "badges/atelier-podcast.json")[0] == 404
    assert fetch(url + "badges/atelier-podcast.png")[0] == 200
    # every page lists the drafts of its language, linked; listings do not show them
    status, home, _ = fetch(url)
    bar = home.split('<nav id="vitrine-dev-drafts"')[1].split("</nav>")[0]
    assert '<a href="/badges/atelier-podcast/"' in bar and ">Atelier podcast</a>" in bar
    assert "Aperçu avec les brouillons : 1 brouillon, non publié :" in home
    assert home.count("atelier-podcast") == 1
    assert "Preview with drafts: 1 draft, not published:" in fetch(url + "en/")[1]
    assert "Aperçu avec les brouillons" in fetch(url + "nulle-part/")[1]  # the 404 page too

    events = Events(url.rstrip("/") + f"/__vitrine/events?since={server.state.generation}")
    edit(root, DRAFT, "name: Atelier podcast", "name: Atelier radio")
    wait_for(lambda: events.seen, what="a reload event")
    events.close()
    status, page, _ = fetch(draft)
    assert status == 200 and "Atelier radio" in page and "note--draft" in page

    generation = server.state.generation
    edit(root, DRAFT, "status: draft", "status: active")
    wait_for(lambda: server.state.generation > generation, what="the rebuild")
    status, page, _ = fetch(draft)
    assert status == 200 and "Atelier radio" in page
    assert "note--draft" not in page and "noindex" not in page and "atelier-podcast.json" in page
    assert fetch(url + "badges/atelier-podcast.json")[0] == 200
    assert "Aperçu avec les brouillons : aucun brouillon." in page
    assert "atelier-podcast" in fetch(url)[1].split('id="vitrine-dev-drafts"')[0]  # listed now
    wait_for(lambda: "Drafts: none" in out.getvalue(), what="the terminal's line")

    server.worker.join(timeout=30)  # its pages kept for the next rebuild (serve_http.reuse)
    generation = server.state.generation
    edit(root, DRAFT, "status: active", "status: draft")  # and back: the published page is not kept
    wait_for(lambda: server.state.generation > generation, what="the rebuild")
    status, page, _ = fetch(draft)
    assert status == 200 and "note--draft" in page and fetch(url + "badges/atelier-podcast.json")[0] == 404


def test_serve_drafts_writes_nothing(site):
    root = site(FILES)
    assert run_cli("award", "prise-de-parole", "--to", "ada@example.org", "--site", str(root))[0] == 0
    server = DevServer(root, port=0, stdout=io.StringIO(), stderr=io.StringIO(), drafts=True)
    server.start()
    try:
        server.worker.join(timeout=30)  # the background work, which writes output/ without --drafts
    finally:
        server.stop()
    assert not server.worker.is_alive() and server.last_background[1]  # it rendered every file
    assert not (root / "output").exists()
    assert not (root / "awards/published.txt").exists()  # the record of what a build published


def test_serve_drafts_refuses_an_output_folder(site):
    root = site()
    status, _, err = run_cli("serve", "--site", str(root), "--drafts", "--out", str(root / "preview"))
    assert status == 2
    assert err == ("vitrine: --drafts writes no files (a draft must never reach a folder that could be deployed): "
                   "--out does not go with it\n")


def test_a_build_after_serve_drafts_has_no_trace_of_the_draft(preview, tmp_path):
    """The author previews a draft, stops, then builds: output/ is what a build without the preview
    makes, byte for byte, and holds nothing of the draft."""
    root, server, url, _ = preview()
    assert run_cli("build", "--site", str(root))[0] == 0  # an earlier build: its state is kept for the next
    assert fetch(url + "badges/atelier-podcast/")[0] == 200
    edit(root, DRAFT, "name: Atelier podcast", "name: Atelier radio")  # edited while previewed
    wait_for(lambda: "Atelier radio" in fetch(url + "badges/atelier-podcast/")[1], what="the edit")
    server.worker.join(timeout=30)
    server.stop()
    assert run_cli("build", "--site", str(root))[0] == 0
    clean = copy_site(root, tmp_path / "clean")
    assert run_cli("build", "--site", str(clean))[0] == 0
    built, expected = files_of(root / "output"), files_of(clean / "output")
    assert built == expected
    found = subprocess.run(["grep", "-rlE", "atelier-podcast|Atelier (radio|podcast)|studio", str(root / "output")],
                           capture_output=True, text=True)
    assert found.returncode == 1 and found.stdout == ""  # grep: nothing found


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("base_url", ["https://badges.example.org/", "https://univ.example.org/badges"])
def test_the_address_vitrine_new_names_shows_the_new_badge(site, base_url):
    root = site({"site.yaml": f"title: T\nbase_url: {base_url}\nlanguage: en\n"})
    status, said, _ = run_cli("new", "badge", "podcast", "--site", str(root))
    address = said.splitlines()[-1].rsplit(" ", 1)[-1]
    assert status == 0 and address.startswith("http://127.0.0.1:8000/") and address.endswith("/badges/podcast/")
    server = DevServer(root, port=0, stdout=io.StringIO(), stderr=io.StringIO(), drafts=True)
    server.start()
    try:
        status, page, _ = fetch(address.replace(":8000/", f":{server.port}/"))
        assert status == 200 and "note--draft" in page
    finally:
        server.stop()


@pytest.mark.browser
@needs_browser
def test_the_draft_page_and_the_bar_are_accessible(preview, tmp_path):
    """The banner and the bar pass WCAG 2.1 AA (axe-core)."""
    _, _, url, _ = preview()
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        for path in ("badges/atelier-podcast/", "en/"):
            page.goto(url + path)
            assert page.locator("#vitrine-dev-drafts a").count() == 1
            assert axe_violations(page) == [], path
        page.goto(url + "badges/atelier-podcast/")
        assert page.locator(".note--draft").is_visible()
