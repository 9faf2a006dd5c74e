"""End-to-end builds: the example catalogue, determinism, atomicity, overrides, sub-paths."""

from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path

import pytest

from conftest import MINIMAL, REPO, copy_site, run_cli, write_site
from test_invalid_sites import tree_digest
from test_lint import badge


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The repository's example catalogue, built once into a temporary folder."""
    root = copy_site(REPO, tmp_path_factory.mktemp("example") / "site")
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    return root / "output"


def test_example_has_every_kind_of_page(example: Path):
    for rel in ["index.html", "404.html", "sitemap.xml", "robots.txt", "feed.xml", "search.json",
                "issuers/index.html", "competencies/index.html", "categories/index.html", "tags/index.html",
                "categories/participation/index.html", "categories/transversal/index.html",
                "categories/technical/index.html", "categories/network/index.html",
                "pages/a-propos/index.html", "pages/comment-demander/index.html",
                "en/index.html", "en/search.json", "en/feed.xml", "static/style.css"]:
        assert (example / rel).is_file(), rel


def test_example_size_matches_the_issue(example: Path):
    assert len(list((REPO / "content/issuers").glob("*[!.][!e][!n].md"))) >= 6
    badges = [p for p in (example / "badges").iterdir() if p.is_dir()]
    assert len(badges) >= 13
    assert len([p for p in (example / "competencies").iterdir() if p.is_dir()]) >= 20


def test_drafts_are_not_published_and_retired_are_marked(example: Path):
    drafts, retired = [], []
    for file in (REPO / "content/badges").glob("*.md"):
        if file.name.count(".") > 1:
            continue
        text = file.read_text(encoding="utf-8")
        if re.search(r"^status: *draft", text, re.M):
            drafts.append(file.stem)
        if re.search(r"^status: *retired", text, re.M):
            retired.append(file.stem)
    assert drafts and retired, "the example shows both a draft and a retired badge"
    everything = "".join(p.read_text(encoding="utf-8") for p in example.rglob("*.html"))
    search = json.loads((example / "search.json").read_text(encoding="utf-8"))
    for slug in drafts:
        assert not (example / "badges" / slug).exists()
        assert f"badges/{slug}/" not in everything
        assert slug not in [b[search["fields"].index("slug")] for b in search["badges"]]
    home = (example / "index.html").read_text(encoding="utf-8")
    for slug in retired:
        page = (example / "badges" / slug / "index.html").read_text(encoding="utf-8")
        assert "retir" in page.lower()
        assert f"badges/{slug}/" not in home  # the catalogue lists active badges only


def test_every_internal_link_resolves(example: Path):
    """Relative links of every page point at a file of the build (the site works under a sub-path)."""
    broken = []
    for page in example.rglob("*.html"):
        if page.name == "404.html":
            continue
        for href in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            assert not href.startswith("/"), f"{page}: absolute link {href}"
            target = (page.parent / href).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(example)} -> {href}")
    assert not broken, broken[:20]


def test_two_builds_are_byte_identical(tmp_path: Path):
    root = copy_site(REPO, tmp_path / "site")
    assert run_cli("build", "--site", str(root), "--out", str(tmp_path / "a"))[0] == 0
    assert run_cli("build", "--site", str(root), "--out", str(tmp_path / "b"), "--jobs", "1")[0] == 0
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_failed_build_leaves_the_last_good_output(site):
    root = site()
    assert run_cli("build", "--site", str(root))[0] == 0
    before = tree_digest(root / "output")
    (root / "content/badges/prise-de-parole.md").write_text("---\nname: [\n---\n", encoding="utf-8")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1
    assert "content/badges/prise-de-parole.md:" in err
    assert tree_digest(root / "output") == before
    assert not list(root.glob(".output*"))


def test_a_badge_dated_in_the_future_is_refused(site, monkeypatch):
    """`date` is when the badge was first published: the page says "published on" that day and the
    feed orders by it. A typo (2052 for 2025) was published as such, pinned atop the feed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    badge = MINIMAL["content/badges/prise-de-parole.md"]
    root = site({"content/badges/prise-de-parole.md": badge.replace("date: 2024-09-01", "date: 2025-01-02")})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1 and not (root / "output").exists()
    assert err.splitlines()[0] == ("content/badges/prise-de-parole.md:12:7: date: 2025-01-02 is in the future "
                                   "(today is 2025-01-01): the day the badge was first published")
    root = site({"content/badges/prise-de-parole.md": badge.replace("date: 2024-09-01", "date: 2025-01-01")})
    assert run_cli("build", "--site", str(root))[0] == 0  # today is not the future


def test_an_endorsement_dated_in_the_future_is_refused(site, monkeypatch):
    """An endorsement's `date` is the day its credential is valid from: 2031 for 2021 went through,
    while the badge's own `date` in the future was refused."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    badge = MINIMAL["content/badges/prise-de-parole.md"]
    endorsed = "date: 2024-09-01\n" + " " * 8 + ("\n" + " " * 8).join(
        ["endorsements:", "  - issuer: univ", "    comment: Reconnu.", "    date: {}\n"])
    root = site({"content/badges/prise-de-parole.md": badge.replace("date: 2024-09-01\n", endorsed.format("2025-01-02"))})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1 and not (root / "output").exists()
    assert err.splitlines() == [
        "content/badges/prise-de-parole.md:16:11: endorsements[0].date: 2025-01-02 is in the future "
        "(today is 2025-01-01): the day the endorsement was given",
        "vitrine: 1 problem found; output/ was left as it was."]
    root = site({"content/badges/prise-de-parole.md": badge.replace("date: 2024-09-01\n", endorsed.format("2025-01-01"))})
    assert run_cli("build", "--site", str(root))[0] == 0  # today is not the future


def test_a_template_error_keeps_the_output_and_names_the_template(site):
    root = site()
    assert run_cli("build", "--site", str(root))[0] == 0
    before = tree_digest(root / "output")
    write_site(root, {"templates/page.html": '{% extends "base.html" %}{% block content %}{{ nope.x }}{% endblock %}'}, base={})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1
    assert err.startswith("templates/page.html:1:1: template: 'nope' is undefined\n")  # named from the site
    assert "Traceback" not in err
    assert tree_digest(root / "output") == before
    write_site(root, {"templates/page.html": '{% extends "base.html" %}\n{% block content %}{{ x }{% endblock %}'}, base={})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1
    assert err.startswith("templates/page.html:2:1: template: unexpected '}'\n")


def test_a_template_reading_what_is_not_there_is_named_in_the_authors_words(site):
    """Python's path to a class ('generator.model.Site object') and a KeyError's quotes reached
    the author; the model's class and the plain message do."""
    root = site({"templates/page.html": '{% extends "base.html" %}{% block content %}{{ site.organisation }}{% endblock %}'})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1 and err.startswith("templates/page.html:1:1: template: a Site (generator/model.py) "
                                          "has no attribute 'organisation'\n")
    write_site(root, {"templates/page.html": '{% extends "base.html" %}{% block content %}{{ t("mine.motto") }}{% endblock %}'},
               base={})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1 and err.startswith('templates/page.html:1:1: template: interface string "mine.motto" '
                                          'is missing from i18n/fr.yaml\n')


def test_check_finds_the_templates_that_do_not_compile(site):
    root = site({"templates/page.html": '{% extends "base.html" %}\n{% block content %}{{ x }{% endblock %}',
                 "templates/email/award.fr.txt": "Subject: {{ name|nosuch }}\n",
                 "themes/maison/templates/tag.html": b"\xe9t\xe9\n",
                 "site.yaml": textwrap.dedent(MINIMAL["site.yaml"]).lstrip("\n") + "theme: maison\n"})
    status, out, err = run_cli("check", "--site", str(root))
    assert status == 1 and "OK" not in out
    assert err == ("templates/email/award.fr.txt:1:1: template: No filter named 'nosuch'.\n"
                   "templates/page.html:2:1: template: unexpected '}'\n"
                   "themes/maison/templates/tag.html:1:1: template: not UTF-8 text: save it as UTF-8\n"
                   "vitrine: 3 problems found.\n")
    write_site(root, {"templates/page.html": "{{ anything_at_all }}", "templates/email/award.fr.txt": "ok",
                      "themes/maison/templates/tag.html": "ok"}, base={})
    assert run_cli("check", "--site", str(root))[0] == 0  # a name no page gives shows when rendering


def test_editors_files_in_content_are_not_content(site):
    """Vim's swap file, a hidden copy, Emacs' lock (a link to nowhere): the build goes on without them."""
    root = site({"content/badges/.prise-de-parole.md.swp": b"\x00vim", "content/badges/.brouillon.md": "---\nname: x\n",
                 "content/badges/prise-de-parole.md~": "old"})
    (root / "content/badges/.#prise-de-parole.md").symlink_to("someone@host.1234")
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0 and err == "", err
    assert not list((root / "output").rglob("*brouillon*"))


def test_nothing_changed_skips_the_build(site):
    root = site()
    assert run_cli("build", "--site", str(root))[0] == 0
    status, out, _ = run_cli("build", "--site", str(root))
    assert status == 0 and "Nothing changed" in out
    badge = root / "content/badges/prise-de-parole.md"
    badge.write_text(badge.read_text(encoding="utf-8").replace("trois", "quatre"), encoding="utf-8")
    status, out, _ = run_cli("build", "--site", str(root))
    assert status == 0 and "Built" in out
    assert "quatre" in (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8")


def test_a_change_of_the_sites_interface_strings_is_built(site):
    """i18n/<lang>.yaml of the site is an input: a build after its change is not skipped."""
    root = site()
    assert run_cli("build", "--site", str(root))[0] == 0
    write_site(root, {"i18n/fr.yaml": "nav:\n  catalogue: Tous les badges\n"}, base={})
    status, out, _ = run_cli("build", "--site", str(root))
    assert status == 0 and "Built" in out
    assert "Tous les badges" in (root / "output/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, why", [
    ("{count} badges {oups}", "names {oups}, which is not given here (only {count})"),
    ("{count badges", "is not a text with {placeholders}: expected '}' before end of string (write {{ and }} for a brace)"),
])
def test_a_sites_interface_string_with_a_bad_placeholder_is_named(site, text: str, why: str):
    root = site({"i18n/fr.yaml": f'count:\n  badges:\n    one: "{text}"\n    other: "{text}"\n'})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1 and "Traceback" not in err
    assert f'template: interface string "count.badges" of i18n/fr.yaml: "{text}" {why}\n' in err


def test_a_file_removed_or_changed_in_the_output_is_made_again(site):
    root = site()
    assert run_cli("build", "--site", str(root))[0] == 0
    before = tree_digest(root / "output")
    (root / "output/badges/prise-de-parole/index.html").unlink()
    with open(root / "output/index.html", "ab") as f:
        f.write(b"\n")
    status, out, err = run_cli("build", "--site", str(root))
    assert (status, err) == (0, "") and "Nothing changed" not in out
    assert "2 files of output/ were removed or changed since the last build: made again." in out
    assert tree_digest(root / "output") == before
    assert "Nothing changed" in run_cli("build", "--site", str(root))[1]


def test_warnings_are_shown_again_when_nothing_changed_and_strict_fails_on_them(site):
    root = site({"content/badges/prise-de-parole.md": badge("Court.\n")})
    status, _, err = run_cli("build", "--site", str(root))
    warning = next(line for line in err.splitlines() if "criteria are 1 word long" in line)
    assert status == 0 and warning.startswith("content/badges/prise-de-parole.md:12:1: warning: body: ")
    status, out, err = run_cli("build", "--site", str(root))
    assert (status, err.splitlines()) == (0, [warning]) and "Nothing changed" in out
    before = tree_digest(root / "output")
    status, out, err = run_cli("build", "--strict", "--site", str(root))
    assert status == 1 and "Nothing changed" not in out
    assert err.splitlines() == [warning, "vitrine: 1 warning and --strict: failing; output/ was left as it was."]
    assert tree_digest(root / "output") == before
    assert run_cli("check", "--strict", "--site", str(root))[0] == 1


def test_a_strict_build_with_warnings_writes_nothing(site, tmp_path: Path):
    root = site()
    assert run_cli("build", "--site", str(root))[0] == 0
    before = tree_digest(root / "output")
    page = root / "content/pages/a-propos.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nVoir [la FAQ](../faq/).\n", encoding="utf-8")
    status, out, err = run_cli("build", "--strict", "--site", str(root))
    assert status == 1 and out == ""
    assert err.splitlines()[-1] == "vitrine: 1 warning and --strict: failing; output/ was left as it was."
    assert "content/pages/a-propos.md:" in err and "leads nowhere" in err
    assert tree_digest(root / "output") == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(".output")]
    # the records still describe output/: the next build makes what a full build makes
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0 and "Built" in out and "leads nowhere" in err
    assert run_cli("build", "--site", str(root), "--out", str(tmp_path / "full"), "--force")[0] == 0
    assert tree_digest(root / "output") == tree_digest(tmp_path / "full")

def test_site_templates_and_static_override_the_theme(site):
    root = site({
        "templates/page.html": '{% extends "base.html" %}{% block content %}<p>PAGE-OVERRIDE {{ page.title }}</p>{% endblock %}',
        "static/style.css": "/* site css */\n",
        "static/extra.txt": "extra\n",
    })
    assert run_cli("build", "--site", str(root))[0] == 0
    out = root / "output"
    page = (out / "pages/a-propos/index.html").read_text(encoding="utf-8")
    assert "PAGE-OVERRIDE À propos" in page
    assert "<html" in page  # the theme's base.html still wraps it
    assert (out / "static/style.css").read_text() == "/* site css */\n"
    assert (out / "static/extra.txt").is_file()
    assert "PAGE-OVERRIDE" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_site_template_extends_the_themes_template_of_its_own_name(site):
    """README: a site overrides one block of a template: its templates/base.html that extends
    "base.html" extends the theme's (it recursed into itself until Python gave up, a traceback)."""
    root = site({"templates/base.html": '{% extends "base.html" %}{% block footer %}{{ super() }}'
                                        '<p>SITE-FOOTER</p>{% endblock %}',
                 "templates/tag.html": '{% extends "tag.html" %}{% block title %}TAG-TITLE{% endblock %}'})
    assert run_cli("build", "--site", str(root))[0] == 0
    out = root / "output"
    for page in (out / "index.html", out / "en/badges/prise-de-parole/index.html"):
        html = page.read_text(encoding="utf-8")
        assert html.count("<p>SITE-FOOTER</p>") == 1 and "<main" in html  # the theme's page, one footer more
    tag = next((out / "tags").glob("*/index.html")).read_text(encoding="utf-8")
    assert "<title>TAG-TITLE</title>" in tag and tag.count("<p>SITE-FOOTER</p>") == 1
    before = tree_digest(out)
    write_site(root, {"templates/nothing.html": '{% extends "nothing.html" %}',
                      "templates/page.html": '{% extends "base.html" %}{% block content %}{% include "nothing.html" %}{% endblock %}'},
               base={})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1 and "Traceback" not in err and tree_digest(out) == before
    assert err.startswith('templates/nothing.html:1:1: template: "nothing.html" extends or includes itself, '
                          'and no theme has a template of that name to extend\n')


def test_sub_path_base_url(site):
    root = site({"site.yaml": "title: T\nbase_url: https://example.org/badges\nlanguages: [fr, en]\n"})
    assert run_cli("build", "--site", str(root))[0] == 0
    out = root / "output"
    page = (out / "badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/badges/badges/prise-de-parole/"' in page  # canonical
    assert 'href="../../static/style.css"' in page
    assert "https://example.org/badges/sitemap.xml" in (out / "robots.txt").read_text()
    assert 'href="/badges/static/style.css"' in (out / "404.html").read_text(encoding="utf-8")


def test_translations_and_fallback(site):
    root = site({
        "content/badges/prise-de-parole.en.md": "---\nname: Public speaking\ndescription: Give a talk.\n---\nCriteria in English.\n",
    })
    assert run_cli("build", "--site", str(root))[0] == 0
    out = root / "output"
    en = (out / "en/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert "Public speaking" in en and "Criteria in English." in en
    fr = (out / "badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert "Prise de parole" in fr and "Public speaking" not in fr
    competency = (out / "en/competencies/oral/index.html").read_text(encoding="utf-8")
    assert "S&#39;exprimer à l&#39;oral" in competency or "S'exprimer à l'oral" in competency
    assert 'lang="fr"' in competency  # untranslated content keeps its language


def test_translated_endorsement_comments(site):
    """A translation gives an endorsement's comment in its language; one it leaves out shows the
    original's, marked as the default language. The French page keeps the French comments."""
    root = site({
        "content/issuers/reseau.md": "---\nname: Réseau régional\nurl: https://reseau.example.org/\n"
                                     "email: contact@reseau.example.org\n---\nLe réseau.\n",
        "content/badges/prise-de-parole.md": MINIMAL["content/badges/prise-de-parole.md"].replace(
            "        date: 2024-09-01\n", "        date: 2024-09-01\n        endorsements:\n          - issuer: univ\n"
            "            comment: Reconnu par l'université.\n          - issuer: reseau\n"
            "            comment: Un badge du réseau.\n"),
        "content/badges/prise-de-parole.en.md": "---\nname: Public speaking\nendorsements:\n  - issuer: univ\n"
                                                "    comment: Recognised by the university.\n  - issuer: reseau\n---\n",
    })
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    out = root / "output"
    en = (out / "en/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert "<blockquote><p>Recognised by the university.</p></blockquote>" in en
    assert "<blockquote lang=\"fr\"><p>Un badge du réseau.</p></blockquote>" in en
    assert "Reconnu par" not in en
    fr = (out / "badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert "<blockquote><p>Reconnu par l&#39;université.</p></blockquote>" in fr and "Recognised" not in fr


def test_drawn_badge_image(site):
    root = site({"content/badges/prise-de-parole.md": """
        ---
        name: Prise de parole
        issuer: bu
        description: Présenter un exposé.
        category: transversal
        design:
          shape: hexagon
          background: "#1f5fa8"
          label: ORAL
        ---
        Critères.
    """})
    assert run_cli("build", "--site", str(root))[0] == 0
    from PIL import Image

    with Image.open(root / "output/badges/prise-de-parole.png") as img:
        assert img.size == (512, 512)
    with Image.open(root / "output/badges/prise-de-parole.thumb.png") as img:
        assert img.size == (256, 256)


def test_refuses_to_replace_a_folder_that_is_not_a_build(site, tmp_path: Path):
    root = site()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    status, _, err = run_cli("build", "--site", str(root), "--out", str(precious))
    assert status == 1 and "refusing to replace it" in err
    assert (precious / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("inside", ["static", "templates/built", "content/out", "awards", "themes", "."])
def test_refuses_to_build_into_the_sites_own_files(site, inside: str):
    """A build into static/ or templates/ (empty or not there yet) would be read back by the next
    build as static files or templates; one into content/ would stop it (an unknown folder)."""
    root = site()
    status, out, err = run_cli("build", "--site", str(root), "--out", str(root / inside))
    assert status == 1 and out == ""
    assert err.splitlines()[0] == (f"{root / inside}:1:1: this folder holds the site's own files: refusing to build "
                                   "into it (choose another --out, such as output/)")
    assert not (root / inside / "index.html").exists()
    assert run_cli("build", "--site", str(root))[0] == 0


def test_python_dash_m_and_exit_status(tmp_path: Path):
    from conftest import vitrine_subprocess

    status = vitrine_subprocess("check", "--site", str(tmp_path))
    assert status.returncode == 1
    assert "site.yaml:1:1: no site.yaml" in status.stderr
    assert "Traceback" not in status.stderr
    assert os.path.exists(REPO / "pyproject.toml")


def test_cached_images_are_linked_not_copied_and_never_written_through(site):
    """Share previews come from .vitrine-cache as hard links (writer.OutputTree, render.base.Kept);
    a rebuild replaces the output's name, never the bytes the cache holds."""
    root = site()
    assert run_cli("build", "--site", str(root))[0] == 0
    preview = root / "output/badges/prise-de-parole.preview.png"
    kept = [f for f in (root / ".vitrine-cache/previews").glob("*.png") if f.samefile(preview)]
    assert len(kept) == 1 and preview.stat().st_nlink == 2
    before = {f: f.read_bytes() for f in (root / ".vitrine-cache/previews").glob("*.png")}
    badge = root / "content/badges/prise-de-parole.md"
    badge.write_text(re.sub(r"(?m)^name: .*$", "name: Prendre la parole en public", badge.read_text(encoding="utf-8")),
                     encoding="utf-8")
    assert run_cli("build", "--site", str(root))[0] == 0
    assert not (root / "output/badges/prise-de-parole.preview.png").samefile(kept[0])
    assert all(f.read_bytes() == data for f, data in before.items())


def test_the_writer_writes_when_it_cannot_link(tmp_path: Path, monkeypatch):
    from generator.render.base import disk_cached
    from generator.writer import OutputTree

    data = disk_cached(tmp_path / "cache/a.png", lambda: b"made once")
    assert disk_cached(tmp_path / "cache/a.png", lambda: b"made again") == b"made once"
    (tmp_path / "out").mkdir()
    tree = OutputTree(tmp_path / "out")
    tree.write("x/linked.png", data)
    assert (tmp_path / "out/x/linked.png").samefile(tmp_path / "cache/a.png")

    def no_link(*args):
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(os, "link", no_link)
    tree.write("x/copied.png", data)
    assert (tmp_path / "out/x/copied.png").read_bytes() == b"made once"
    assert (tmp_path / "out/x/copied.png").stat().st_nlink == 1


def test_a_16_bit_greyscale_png_badge_keeps_its_greys(site):
    """A 16-bit greyscale PNG (some scanners and export settings write them) came out as a white
    square in its card thumbnail and share preview: Pillow's conversion clips 16-bit values."""
    import io

    from PIL import Image

    from test_awards import PNG_BADGE

    import random

    from PIL import ImageStat

    noise = random.Random(1).randbytes(512 * 512 * 2)  # greys all over (a heavy file: it gets a thumbnail)
    buffer = io.BytesIO()
    Image.frombytes("I;16", (512, 512), noise).save(buffer, "PNG")
    root = site({"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": buffer.getvalue()})
    assert run_cli("build", "--site", str(root))[0] == 0
    with Image.open(root / "output/badges/atelier-png.thumb.png") as img:
        mean = ImageStat.Stat(img.convert("L")).mean[0]
        assert 120 < mean < 135, mean  # a mid grey on average, not white (255)
    with Image.open(root / "output/badges/atelier-png.preview.png") as img:
        middle = img.convert("L").crop((180, 222, 380, 422))  # inside the badge's square
        assert 120 < ImageStat.Stat(middle).mean[0] < 135


def test_a_parallel_build_hands_out_each_batch_first_in_one_slice(site):
    """The search index took seconds in the last slice, after the previews: one worker went on
    with it while the other had nothing left to do. The listing pages, spread over both workers,
    had each render every badge card."""
    from generator.build import PARALLEL_FROM, plan_slices
    from generator.loader import load_site
    from generator.render import pages, search
    from generator.render.base import Job, Renderer

    root = site()
    r = Renderer(load_site(root), root / ".vitrine-cache")
    searches = search.jobs(r)
    listings = [job for job in pages.jobs(r) if job.batch]
    assert {job.batch for job in searches} == {"search fr", "search en"}
    assert {job.batch for job in listings} == {"listings fr", "listings en"}
    assert {job.path for job in listings} >= {"index.html", "tags/prise-de-parole/index.html",
                                               "categories/transversal/index.html", "en/index.html"}
    assert not any(job.batch for job in pages.jobs(r) if "badges/" in job.path)
    light = [Job(f"badges/b{i}/index.html", "pages", lambda: b"") for i in range(PARALLEL_FROM * 3)]
    jobs = light[:5] + listings[:2] + light[5:500] + searches + listings[2:] + light[500:]
    ordered, slices = plan_slices(jobs, 2)
    batched = len(listings) + len(searches)
    first = [ordered[start:end] for start, end in slices[:4]]  # one slice a batch, in order of appearance
    assert [{job.batch for job in part} for part in first] == [{"listings fr"}, {"search fr"}, {"search en"}, {"listings en"}]
    assert sum(map(len, first)) == batched
    assert [i for start, end in slices for i in range(start, end)] == list(range(len(jobs)))  # each job once
    assert ordered[batched:] == light  # the others in their order
