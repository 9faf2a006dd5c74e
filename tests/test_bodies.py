"""Markdown bodies (bodies.py, rawhtml.py): their images published, what the sanitizer removes
said where it was written, and the Open Badges criteria narrative kept safe, with absolute links."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image

from conftest import BADGE_CRITERIA, MINIMAL, SQUARE_SVG, png_bytes, run_cli
from generator import markup, rawhtml
from test_lint import BADGE, badge

PAGE = "content/pages/a-propos.md"


def picture(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#7a2a8c").save(buffer, fmt)
    return buffer.getvalue()


def check(root, *args: str) -> tuple[int, list[str]]:
    status, _out, err = run_cli("check", "--site", str(root), *args)
    return status, err.splitlines()


# -- 1. images of bodies are published -----------------------------------------------------------


def test_images_of_bodies_are_published_once_and_found_from_every_page(site):
    logo = png_bytes(64)
    root = site({
        "site.yaml": MINIMAL["site.yaml"].replace("https://badges.example.org/", "https://www.example.org/badges/"),
        PAGE: "---\ntitle: À propos\n---\nNotre troupe.\n\n![Un masque violet](impro.png)\n\n"
              "![Logo](../images/logo-univ.png)\n",
        "content/pages/impro.png": picture("PNG"),
        "content/images/logo-univ.png": logo,
        BADGE: badge(BADGE_CRITERIA + "\n![Le logo](logo-univ.png) et <img src='../images/logo-univ.png' alt='Logo'>\n"),
        "content/badges/prise-de-parole.en.md": "---\nname: Public speaking\n---\n" + BADGE_CRITERIA
                                                + "\n![The logo](../images/logo-univ.png)\n",
    })
    assert check(root, "--strict") == (0, [])
    assert run_cli("build", "--site", str(root))[0] == 0
    out = root / "output"
    assert (out / "media/pages/impro.png").read_bytes() == (root / "content/pages/impro.png").read_bytes()
    assert (out / "media/images/logo-univ.png").read_bytes() == logo
    assert sorted(p.relative_to(out).as_posix() for p in (out / "media").rglob("*") if p.is_file()) == [
        "media/images/logo-univ.png", "media/pages/impro.png"]
    page = (out / "pages/a-propos/index.html").read_text(encoding="utf-8")
    assert '<img alt="Un masque violet" src="../../media/pages/impro.png">' in page
    assert '<img alt="Logo" src="../../media/images/logo-univ.png">' in page
    fr = (out / "badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert fr.count('src="../../media/images/logo-univ.png"') == 2
    # English: its own body, and the page about, shown in French (no translation), one level deeper
    en = (out / "en/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert '<img alt="The logo" src="../../../media/images/logo-univ.png">' in en
    en_page = (out / "en/pages/a-propos/index.html").read_text(encoding="utf-8")
    assert 'src="../../../media/pages/impro.png"' in en_page


def test_images_of_the_instructions_to_apply_are_published(site):
    """Markdown in `request.instructions` is shown on badge pages: its images were left at the
    address written in the file, which leads nowhere on the site (a broken image, and a warning)."""
    from conftest import MINIMAL as BASE_FILES

    issuer = BASE_FILES["content/issuers/bu.md"].replace(
        "instructions: Écrivez-nous.", "instructions: 'Joignez ce formulaire : ![Le formulaire rempli](../images/formulaire.png)'")
    root = site({"content/issuers/bu.md": issuer, "content/images/formulaire.png": picture("PNG"),
                 "content/badges/prise-de-parole.en.md": "---\nname: Public speaking\n---\n" + BADGE_CRITERIA})
    assert check(root, "--strict") == (0, [])
    assert run_cli("build", "--site", str(root))[0] == 0
    out = root / "output"
    assert (out / "media/images/formulaire.png").read_bytes() == (root / "content/images/formulaire.png").read_bytes()
    fr = (out / "badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert '<img alt="Le formulaire rempli" src="../../media/images/formulaire.png">' in fr
    en = (out / "en/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert '<img alt="Le formulaire rempli" src="../../../media/images/formulaire.png">' in en
    # a missing one is an error at the field, as in a body
    (root / "content/images/formulaire.png").unlink()
    status, lines = check(root)
    assert status == 1 and lines[0].startswith("content/issuers/bu.md:") and lines[0].endswith(
        ': request.instructions: "../images/formulaire.png" not found (looked in content/issuers/ and content/images/)'), lines


def test_every_kind_of_image_a_body_may_show(site):
    svg = SQUARE_SVG.replace('viewBox="0 0 512 512" width="512" height="512"', 'viewBox="0 0 300 100"')
    root = site({
        PAGE: "---\ntitle: À propos\n---\n![a](a.jpg) ![b](b.jpeg) ![c](c.gif) ![d](d.webp) ![e](e.svg) "
              "![f](<mon image.png>) ![g](mon%20image.png)\n",
        "content/pages/a.jpg": picture("JPEG"), "content/pages/b.jpeg": picture("JPEG"),
        "content/pages/c.gif": picture("GIF"), "content/pages/d.webp": picture("WEBP"),
        "content/images/e.svg": svg, "content/images/mon image.png": picture("PNG"),
    })
    assert check(root, "--strict") == (0, [])
    assert run_cli("build", "--site", str(root))[0] == 0
    page = (root / "output/pages/a-propos/index.html").read_text(encoding="utf-8")
    for src in ("pages/a.jpg", "pages/b.jpeg", "pages/c.gif", "pages/d.webp", "images/e.svg", "images/mon%20image.png"):
        assert f'src="../../media/{src}"' in page, src
    assert page.count('src="../../media/images/mon%20image.png"') == 2
    assert (root / "output/media/images/mon image.png").is_file()


def test_a_missing_or_refused_image_is_an_error_where_it_is_written(site):
    hostile = SQUARE_SVG.replace("<circle", '<script>alert(1)</script><circle')
    root = site({
        PAGE: "---\ntitle: À propos\n---\nTexte.\n\n"
              "Voir ![Un masque violet](impro.png) ici.\n"
              "![Dehors](../../site.yaml) ![Bitmap](vieux.bmp) ![Faux](faux.png)\n"
              "<img alt=\"Script\" src=hostile.svg> ![Cassé](casse.jpg)\n",
        "content/pages/vieux.bmp": picture("BMP"),
        "content/pages/faux.png": picture("JPEG"),
        "content/pages/hostile.svg": hostile,
        "content/pages/casse.jpg": picture("JPEG")[:200],
    })
    status, lines = check(root)
    assert status == 1
    assert lines[:-1] == [
        f'{PAGE}:6:26: body: "impro.png" not found (looked in content/pages/ and content/images/)',
        f'{PAGE}:7:11: body: "../../site.yaml" leaves content/: images must be inside content/',
        f'{PAGE}:7:38: body: "vieux.bmp" is not an image a page can show: PNG, JPEG, GIF, WebP or SVG expected '
        "(by its name)",
        f'{PAGE}:7:57: body: "faux.png" is a JPEG image, not a PNG one: name it .jpg',
        f'{PAGE}:8:23: body: "hostile.svg" is refused: it contains a <script> element',
        f'{PAGE}:8:45: body: "casse.jpg" is a damaged JPEG image (cannot be decoded)',
    ]
    assert run_cli("build", "--site", str(root))[0] == 1


def test_the_images_of_a_draft_are_checked_not_published(site):
    root = site({"content/badges/brouillon.md": badge(BADGE_CRITERIA + "\n![Secret](secret.png)\n", status="draft"),
                 "content/badges/secret.png": picture("PNG")})
    assert check(root, "--strict") == (0, [])
    assert run_cli("build", "--site", str(root))[0] == 0
    assert not (root / "output/media").exists()
    (root / "content/badges/secret.png").unlink()
    assert check(root)[1][0].startswith('content/badges/brouillon.md:21:11: body: "secret.png" not found')


def test_external_and_site_absolute_images_are_left_as_written(site):
    root = site({PAGE: "---\ntitle: À propos\n---\n![Un logo](https://cdn.example.org/logo.png)\n"})
    assert check(root, "--strict") == (0, [])


# -- 2. positions of what is found in a body -----------------------------------------------------


def test_unquoted_single_quoted_spaced_and_uppercase_attributes_are_found_where_written(site):
    body = BADGE_CRITERIA + (
        "\nUn x dans le texte, puis x encore : ax xa.\n"  # line 20: "x" that are not the URL
        "<a href=x>un</a> et <A HREF = 'x'>deux</A>\n"  # line 21: the same URL twice
        "<a href = y title=t>trois</a>\n")  # line 22
    root = site({BADGE: badge(body)})
    status, lines = check(root)
    assert status == 0
    nowhere = 'leads nowhere: the site has no page or file at badges/prise-de-parole/{}'
    assert lines == [
        f'{BADGE}:21:9: warning: body: "x" ' + nowhere.format("x"),
        f'{BADGE}:21:32: warning: body: "x" ' + nowhere.format("x"),
        f'{BADGE}:22:11: warning: body: "y" ' + nowhere.format("y"),
    ]


def test_an_unquoted_image_address_is_found_where_written_not_in_a_word(site):
    body = BADGE_CRITERIA + "\nUn texte avec un mot comme exemple ou taxe.\n\n<img src=x onerror=alert(2)>\n"  # lines 20, 22
    status, lines = check(site({BADGE: badge(body)}))
    assert status == 1
    assert lines[:-1] == [
        f'{BADGE}:22:10: body: "x" not found (looked in content/badges/ and content/images/)',
        f'{BADGE}:22:10: warning: body: an image without alternative text: say what it shows between the brackets, '
        "![a blue microphone](image.png)",
        f'{BADGE}:22:12: warning: body: "onerror" on <img> is not allowed and was removed (pages run no script)',
    ]


def test_what_the_sanitizer_removes_is_a_warning_where_it_was_written(site):
    body = BADGE_CRITERIA + (
        "\n<script>alert(1)</script>\n\n"  # line 20
        "Voir <a href=\"javascript:alert(1)\" onclick='x()'>ici</a> et [là](javascript:alert(2)).\n\n"  # 22
        "<iframe src=\"https://video.example.org/\"></iframe>\n\n"  # 24
        "<p style=\"color: red\" title=\"t\">Rouge</p> `<script>` reste du code.\n")  # 26
    root = site({BADGE: badge(body)})
    status, lines = check(root)
    assert status == 0
    assert lines == [
        f"{BADGE}:20:1: warning: body: <script> is not allowed in a page and was removed, with its content",
        f'{BADGE}:22:15: warning: body: "javascript:alert(1)" is not allowed as an address and was removed from <a> '
        "(allowed: http, https, mailto, tel, or a relative address)",
        f'{BADGE}:22:36: warning: body: "onclick" on <a> is not allowed and was removed (pages run no script)',
        f'{BADGE}:22:66: warning: body: "javascript:alert(2)" is not allowed as an address and was removed from <a> '
        "(allowed: http, https, mailto, tel, or a relative address)",
        f"{BADGE}:24:1: warning: body: <iframe> is not allowed in a page and was removed (no scripts, styles, frames, "
        "forms or embeds)",
        f'{BADGE}:26:4: warning: body: "style" on <p> is not allowed and was removed (allowed on <p>: class, id, '
        "lang, title)",
    ]
    assert check(root, "--strict")[0] == 1


def test_markdown_alone_is_not_reported(site):
    body = BADGE_CRITERIA + ("\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\nUne note[^1], *[SCD]: x\n\n[^1]: La note.\n\n"
                             "```html\n<script>exemple()</script>\n```\n\n[lien](https://example.org/?a=1&b=2) "
                             "<https://example.org/> <contact@example.org> a < b > c\n")
    root = site({BADGE: badge(body)})
    assert check(root, "--strict") == (0, [])
    assert run_cli("build", "--site", str(root))[0] == 0
    page = (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert '<th align="left">a</th>' in page and '<td align="right">2</td>' in page  # tables keep their alignment


# -- 3. the Open Badges narrative ----------------------------------------------------------------


HOSTILE = """## Critères

Présenter un exposé devant le groupe, voir [la suite](../expression-orale-2/) et
[la FAQ](../../pages/a-propos/#faq), [le site](https://example.org/a?b=1&c=2).

![Un masque violet](impro.png)

<script>alert(1)</script>
<img src="impro.png" alt="Masque" onerror="alert(2)"> <iframe src="https://evil.example/"></iframe>
[piège](javascript:alert(3)) <a href="JaVaScRiPt:alert(4)" onmouseover=alert(5)>lien</a>
[ref][r] `<code>` reste.

[r]: &#106;avascript:alert(7)
"""


def test_the_json_narrative_is_safe_with_absolute_links(site):
    root = site({
        "site.yaml": MINIMAL["site.yaml"].replace("https://badges.example.org/", "https://www.example.org/badges/"),
        BADGE: badge(HOSTILE), "content/badges/impro.png": picture("PNG"),
    })
    assert run_cli("build", "--site", str(root))[0] == 0
    data = json.loads((root / "output/badges/prise-de-parole.json").read_text(encoding="utf-8"))
    narrative = data["criteria"]["narrative"]
    for gone in ("script", "iframe", "onerror", "onmouseover", "javascript", "alert", "&#106;"):
        assert gone not in narrative.lower(), (gone, narrative)
    base = "https://www.example.org/badges/"
    assert f"[la suite]({base}badges/expression-orale-2/)" in narrative
    assert f"[la FAQ]({base}pages/a-propos/#faq)" in narrative
    assert "[le site](https://example.org/a?b=1&c=2)" in narrative
    assert f"![Un masque violet]({base}media/badges/impro.png)" in narrative
    assert f'<img src="{base}media/badges/impro.png" alt="Masque">' in narrative
    assert "piège <a>lien</a>" in narrative and "[ref][r] `<code>` reste." in narrative
    assert narrative.startswith("## Critères\n\nPrésenter un exposé")
    page = (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert 'src="../../media/badges/impro.png"' in page and "alert" not in page


@pytest.mark.parametrize("text", [
    "<scr<script></script>ipt>alert(1)</script>",
    "<a title=it's> <script>bad()</script> '>",
    '<img src=x onerror=alert(1)//',
    '<img/src="x"/onerror=alert(1)>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<a href='\tjavascript:alert(1)'>x</a>",
    "[x](<javascript:alert(1)>) [y](java\\script:alert(1)) <javascript:alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<details open ontoggle=alert(1)>",
    "<style>@import 'x'</style><STYLE>b{}</STYLE >",
    "<object data=x></object><embed src=y><form action=z><input></form>",
    "<<script>script>alert(1)<</script>/script>",
])
def test_clean_markdown_leaves_nothing_the_sanitizer_would_remove(text):
    clean = rawhtml.clean_markdown(text)
    assert rawhtml.cuts(clean) == []
    assert rawhtml.removals(markup.convert(clean)) == []
    assert not re.search(r"<script|onerror|onbegin|ontoggle|javascript:|<style|<object|<embed|<form", clean, re.I), clean


def test_ordinary_markdown_is_kept_as_written():
    text = ("## Critères\n\n- **trois** ateliers ;\n- [le formulaire](https://forms.example.org/a?b=1&c=2)\n\n"
            "<abbr title=\"Service commun\">SCD</abbr> <details><summary>Plus</summary>Texte</details> a < b\n\n"
            "```\n<b>code</b>\n```\n")
    assert rawhtml.clean_markdown(text) == text


def test_an_image_not_found_names_the_file_that_was_meant(site):
    """A case that differs (a Mac finds Photo.JPG as photo.jpg, a Linux server does not), a path
    written from the site or from content/, a name a typo away: said as the file must be written."""
    root = site({
        PAGE: "---\ntitle: À propos\n---\nTexte.\n\n"
              "![Une salle](salle.jpg) ![Un logo](content/images/logo.png)\n"
              "![Un plan](images/plan.png) ![Une vue](vue-bibliotheque.png) ![Rien](rien.png)\n",
        "content/pages/Salle.JPG": picture("JPEG"),
        "content/images/logo.png": picture("PNG"),
        "content/images/plan.png": picture("PNG"),
        "content/images/vue-bibliotheques.png": picture("PNG"),
    })
    status, lines = check(root)
    assert status == 1
    looked = "(looked in content/pages/ and content/images/)"
    assert lines[:-1] == [
        f'{PAGE}:6:14: body: "salle.jpg" not found {looked}; did you mean "Salle.JPG"?',
        f'{PAGE}:6:36: body: "content/images/logo.png" not found {looked}; did you mean "logo.png"?',
        f'{PAGE}:7:12: body: "images/plan.png" not found {looked}; did you mean "plan.png"?',
        f'{PAGE}:7:40: body: "vue-bibliotheque.png" not found {looked}; did you mean "vue-bibliotheques.png"?',
        f'{PAGE}:7:70: body: "rien.png" not found {looked}',
    ]


def test_a_body_s_top_heading_is_the_page_s_next_level(site):
    """A body whose headings start deeper than the page's next level ("### Horaires" under the
    page's h1, "#### Détails" under a badge's "Critères" h2) kept them as written: the page
    skipped a level (h1 then h3), which the Nu Html Checker reports as an error and which
    misleads screen readers' users, who move by heading level. The body's top heading now takes
    the page's next level, up or down, and the others follow."""
    root = site({
        PAGE: "---\ntitle: À propos\n---\n### Horaires\n\nLe matin.\n\n#### Le samedi\n\nFermé.\n",
        "content/badges/prise-de-parole.md": MINIMAL["content/badges/prise-de-parole.md"].replace(
            "## Critères", "#### Critères").replace(
            "date: 2024-09-01", "date: 2024-09-01\n        request:\n          email: a@example.org\n          instructions: \"## Étapes\\n\\nÉcrivez.\""),
    })
    status, _out, err = run_cli("build", "--site", str(root))
    assert status == 0, err

    def levels(rel: str) -> list[int]:
        return [int(n) for n in re.findall(r"<h([1-6])\b", (root / "output" / rel).read_text(encoding="utf-8"))]

    page = levels("pages/a-propos/index.html")
    assert page[:3] == [1, 2, 3], page
    badge_levels = levels("badges/prise-de-parole/index.html")
    assert all(b <= a + 1 for a, b in zip(badge_levels, badge_levels[1:])), badge_levels
    assert "<h3>Étapes</h3>" in (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert markup.to_html("# Un\n\n## Deux", 3) == "<h3>Un</h3>\n<h4>Deux</h4>"  # down, as before
    # An award's narrative sits under the award page's h2 "What this person did", as instructions
    # sit under "How to apply": their top heading is an h3.
    from generator.awards import markdown_html
    assert markdown_html("## Le projet\n\nUn podcast.").startswith("<h3>Le projet</h3>")
