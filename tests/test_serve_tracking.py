"""`vitrine serve` renders again only what a save touched (generator/tracking.py).

The proof that matters: after every kind of edit, the preview's files (kept or rendered again)
are byte for byte what a fresh render of the whole site gives; and what was rendered again is
what the edit touched, not the whole site.
"""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import jinja2
import pytest

from conftest import REPO, copy_site
from generator import tracking
from generator.build import CACHE, OUTPUTS
from generator.loader import load_site
from generator.model import Badge, Catalogue, Config, Image, Issuer, Site
from generator.render.base import Renderer, expand
from generator.serve import DevServer

THEME = REPO / "generator/themes/default/templates"


# -- units: no files ------------------------------------------------------------------------------


def small_site() -> Site:
    issuer = Issuer("bu", "Bibliothèque", "https://example.org/", "bu@example.org")
    image = Image(None, "x.svg", "svg", 512, 512, "d1", "badges/a.svg")
    a = Badge("a", "Alpha", issuer, "Première", "technical", image)
    b = Badge("b", "Bêta", issuer, "Seconde", "technical", image, related=[a])
    issuer.badges = [a, b]
    cat = Catalogue("fr", "", "Titre", "Description", {"bu": issuer}, {"a": a, "b": b}, {}, {}, {})
    config = Config(Path("."), {"fr": "T"}, {"fr": "D"}, "https://example.org/", "fr", ["fr"])
    return Site(config, {"fr": cat})


@pytest.fixture
def tracked():
    tracking.install()
    yield
    tracking.uninstall()


def test_reads_are_noted_from_python_and_from_templates(tracked):
    site = small_site()
    registry = tracking.Registry(site)
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "{{ badge.name }} {% include 'p.html' %}",
                                                       "p.html": "{{ badge.issuer.name }}"}))
    tracking.track_templates(env)
    badge = site.catalogues["fr"].badges["b"]
    with tracking.recording() as seen:
        env.get_template("page.html").render(badge=badge)
        [r.slug for r in badge.related]
    reads = tracking.reads_of(seen, registry, b"")
    assert {(("badge", "fr", "b"), "name"), (("badge", "fr", "b"), "issuer"), (("issuer", "fr", "bu"), "name"),
            (("badge", "fr", "b"), "related"), (("badge", "fr", "a"), "slug")} <= reads.attributes
    assert reads.templates == {"page.html", "p.html"} and not reads.volatile
    with tracking.recording() as outside:
        pass
    assert not outside.reads  # nothing read, nothing noted


def test_nothing_is_noted_without_install():
    site = small_site()
    with tracking.recording() as seen:
        site.catalogues["fr"].badges["a"].name
    assert not seen.reads


def test_a_memo_hands_its_reads_to_every_user(tracked):
    site = small_site()
    badge = site.catalogues["fr"].badges["a"]
    store: dict = {}
    with tracking.recording() as first:
        assert tracking.remember(store, "a", lambda: badge.name.upper()) == "ALPHA"
    with tracking.recording() as second:  # a hit: the computation does not run again
        assert tracking.remember(store, "a", lambda: pytest.fail("computed twice")) == "ALPHA"
    assert (id(badge), "name") in first.reads and (id(badge), "name") in second.reads
    plain: dict = {"a": ("ALPHA", None)}  # made without tracking: what it read is unknown
    with tracking.recording() as third:
        tracking.remember(plain, "a", lambda: "")
    assert tracking.reads_of(third, tracking.Registry(site), b"").volatile


def test_digests_compare_entities_by_name_and_values_by_value(tracked):
    before, now = small_site(), small_site()
    d0 = tracking.Digests(tracking.Registry(before), lambda name: "")
    d1 = tracking.Digests(tracking.Registry(now), lambda name: "")
    key = (("badge", "fr", "b"), "related")
    assert d0.attribute(key) == d1.attribute(key)
    now.catalogues["fr"].badges["a"].name = "Autre"  # b's `related` names a, whatever a holds
    d1 = tracking.Digests(tracking.Registry(now), lambda name: "")
    assert d0.attribute(key) == d1.attribute(key)
    assert d0.attribute((("badge", "fr", "a"), "name")) != d1.attribute((("badge", "fr", "a"), "name"))
    assert d1.attribute((("badge", "fr", "gone"), "name")) == b""  # an entity that is no more
    # what a job is made with: entities by name, values by value, unknown objects volatile
    badge = before.catalogues["fr"].badges["a"]
    assert d0.value(lambda b=badge, n=3: None) == d0.value(lambda b=badge, n=3: None)
    assert d0.value(lambda b=badge, n=3: None) != d0.value(lambda b=badge, n=4: None)
    assert d0.value(lambda o=object(): None) == b"?"
    stranger = Badge("z", "Z", badge.issuer, "", "technical", badge.image)  # in no catalogue
    assert d0.value(lambda b=stranger: None) == b"?"


def test_unchanged_needs_the_same_templates_reads_and_arguments(tracked):
    site = small_site()
    sources = {"page.html": "v1"}
    d0 = tracking.Digests(tracking.Registry(site), sources.__getitem__)
    reads = tracking.Reads(frozenset({(("badge", "fr", "a"), "name")}), frozenset({"page.html"}), b"x")
    d1 = tracking.Digests(tracking.Registry(site), sources.__getitem__)
    assert tracking.unchanged(reads, d0, d1, b"x")
    assert not tracking.unchanged(reads, d0, d1, b"y")
    sources["page.html"] = "v2"
    assert not tracking.unchanged(reads, d0, tracking.Digests(tracking.Registry(site), sources.__getitem__), b"x")


# -- the preview on the example catalogue ---------------------------------------------------------


def full_render(root: Path) -> dict[str, bytes]:
    site = load_site(root, 1)
    r = Renderer(site, root / CACHE)
    return {job.path: job.make() for module in OUTPUTS for job in expand(module.jobs(r))}


@pytest.fixture
def preview(tmp_path):
    root = copy_site(REPO, tmp_path / "site")
    server = DevServer(root, port=0, stdout=io.StringIO(), stderr=io.StringIO())
    server.start()
    settle(server)
    yield root, server
    server.stop()


def settle(server: DevServer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while server.output_generation != server.state.generation:
        assert time.monotonic() < deadline, "the background work did not end"
        time.sleep(0.02)


def save(root: Path, server: DevServer, action) -> set[str]:
    """Do an edit, wait for the rebuild and its background work; check every file against a
    fresh render of the whole site; return what was rendered again."""
    generation = server.state.generation
    action()
    deadline = time.monotonic() + 30
    while server.state.generation == generation:
        assert time.monotonic() < deadline, "no rebuild"
        time.sleep(0.02)
    settle(server)
    snapshot = server.state.snapshot
    assert not server.state.errors, server.state.errors
    expected = full_render(root)
    assert set(snapshot.jobs) == set(expected)
    wrong = [path for path in expected if snapshot.rendered.get(path) != expected[path]]
    assert not wrong, f"kept or rendered wrong: {wrong[:5]}"
    for path, data in expected.items():  # and output/ holds the same
        assert (server.out / path).read_bytes() == data, path
    return set(server.last_rendered)


def replace(root: Path, rel: str, old: str, new: str):
    def act():
        file = root / rel
        text = file.read_text(encoding="utf-8")
        assert old in text, old
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return act


def write(root: Path, rel: str, text: str):
    def act():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return act


NEW_AWARD = """- id: 11111111-2222-4333-8444-555555555555
  badge: concours-pitch
  recipient: nouvelle.laureate@example.org
  issued_on: 2025-03-03
  salt: 0123456789abcdef0123456789abcdef

- id:"""


def test_a_badge_edit_renders_that_badge_what_lists_it_and_its_json(preview):
    root, server = preview
    total = len(server.state.snapshot.jobs)
    again = save(root, server, replace(root, "content/badges/concours-pitch.md", "name: ", "name: Grand "))
    assert {"badges/concours-pitch/index.html", "badges/concours-pitch.json", "index.html",
            "issuers/service-orientation/index.html", "tags/pitch/index.html", "search.json", "feed.xml",
            "en/badges/concours-pitch/index.html"} <= again
    assert "badges/tuteur-bibliotheque/index.html" not in again and "badges/regie-spectacle/index.html" not in again
    assert not any(p.startswith("pages/") for p in again)  # the free pages show no badge
    assert len(again) < total / 5, (len(again), total)


def test_template_changes_render_the_pages_that_use_them(preview):
    root, server = preview
    page = (THEME / "page.html").read_text(encoding="utf-8")
    again = save(root, server, write(root, "templates/page.html", page.replace("</article>", "<p>ajout</p></article>")))
    assert again and all(p.startswith(("pages/", "en/pages/")) for p in again), again
    card = (THEME / "partials/card.html").read_text(encoding="utf-8")
    again = save(root, server, write(root, "templates/partials/card.html", card + "<!-- carte -->\n"))
    assert "index.html" in again and "badges/concours-pitch.json" not in again
    assert not any(p.startswith(("pages/", "assertions/")) for p in again)


def test_awards_issuers_competencies_images_and_translations(preview):
    root, server = preview
    total = len(server.state.snapshot.jobs)
    again = save(root, server, replace(root, "awards/concours-pitch.yaml", "- id:", NEW_AWARD))
    new = "assertions/11111111-2222-4333-8444-555555555555"
    assert {f"{new}/index.html", f"{new}.json", "badges/concours-pitch/index.html", "stats/index.html"} <= again
    assert len(again) < total / 10, sorted(again)
    again = save(root, server, replace(root, "awards/concours-pitch.yaml", "  salt: 0123456789abcdef0123456789abcdef",
                                       "  salt: 0123456789abcdef0123456789abcdef\n  revoked:\n"
                                       "    date: 2025-04-01\n    reason: Erreur de saisie"))
    assert f"{new}/index.html" in again and len(again) < total / 10
    again = save(root, server, replace(root, "content/issuers/bibliotheque-universitaire.md", "name: ", "name: Les "))
    assert "issuers/bibliotheque-universitaire/index.html" in again and len(again) < total / 3
    again = save(root, server, replace(root, "content/competencies/creativite.md", "name: ", "name: Vraiment "))
    assert "competencies/creativite/index.html" in again and len(again) < total / 5
    again = save(root, server, lambda: shutil.copy(root / "content/images/badges/atelier-ecriture.svg",
                                                  root / "content/images/badges/regie-spectacle.svg"))
    assert {"badges/regie-spectacle.svg", "badges/regie-spectacle.preview.png", "badges/regie-spectacle.json"} <= again
    assert len(again) < total / 5
    again = save(root, server, write(root, "content/badges/regie-spectacle.en.md",
                                     "---\nname: Stage management\n---\nWhat the holder did, long enough to be read.\n"))
    assert "en/badges/regie-spectacle/index.html" in again and all(p.startswith("en/") for p in again), again


def test_new_and_deleted_badges_a_mistake_and_settings(preview):
    root, server = preview
    badge = (root / "content/badges/regie-spectacle.md").read_text(encoding="utf-8")
    again = save(root, server, write(root, "content/badges/nouveau.md", badge.replace("name: ", "name: Nouveau ", 1)))
    assert "badges/nouveau/index.html" in again and "index.html" in again
    # a mistake: the last good snapshot stays; the fix is compared with it
    generation = server.state.generation
    (root / "content/badges/nouveau.md").write_text(badge.replace("category:", "categorie:", 1), encoding="utf-8")
    deadline = time.monotonic() + 30
    while server.state.generation == generation or not server.state.errors:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    save(root, server, lambda: (root / "content/badges/nouveau.md").unlink())
    # settings are not tracked: everything is rendered again
    again = save(root, server, replace(root, "site.yaml", "Open Badges de", "Les Open Badges de"))
    assert len(again) == len(server.state.snapshot.jobs)


def test_signed_credentials_are_kept_or_made_again_as_they_must(tmp_path):
    """Open Badges 2.0 signatures and 3.0 credentials (keys from `vitrine keys init`)."""
    from conftest import run_cli

    root = copy_site(REPO, tmp_path / "site")
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n") + "\nsigning:\n  ob2: true\n  ob3: true\n",
                      encoding="utf-8")
    status, _, err = run_cli("keys", "init", "--site", str(root))
    assert status == 0, err
    server = DevServer(root, port=0, stdout=io.StringIO(), stderr=io.StringIO())
    server.start()
    try:
        settle(server)
        total = len(server.state.snapshot.jobs)
        again = save(root, server, replace(root, "content/badges/tuteur-bibliotheque.md", "name: ", "name: Le "))
        assert "badges/tuteur-bibliotheque.json" in again and len(again) < total
        again = save(root, server, replace(root, "awards/concours-pitch.yaml", "- id:", NEW_AWARD))
        new = "assertions/11111111-2222-4333-8444-555555555555"
        assert {f"{new}.json", f"{new}.jws"} <= again and len(again) < total
    finally:
        server.stop()
