"""Authoring warnings (lint.py): `vitrine check [--strict] [--format json]`, and in builds."""

from __future__ import annotations

import json
import textwrap

import pytest

from conftest import BADGE_CRITERIA, MINIMAL, png_bytes, run_cli

BADGE = "content/badges/prise-de-parole.md"
LONG = ("Chaque participant présente un exposé de dix minutes devant le groupe puis répond aux questions "
        "du public ; une bibliothécaire observe l'exposé, en discute ensuite avec la personne et vérifie "
        "que les trois ateliers ont bien été suivis pendant le semestre.")


def badge(body: str = BADGE_CRITERIA, **fields: str | None) -> str:
    """The minimal badge with some fields changed (None removes one) and another body."""
    lines = ["---", "name: Prise de parole", "issuer: bu", "description: Présenter un exposé de dix minutes.",
             "category: transversal", "image: badge.svg", "image_alt: Un disque bleu", "competencies: [oral]",
             "tags: [oral]", "date: 2024-09-01", "---"]
    for name, value in fields.items():
        at = next((i for i, line in enumerate(lines) if line.startswith(name + ":")), None)
        if at is None:
            lines.insert(-1, f"{name}: {value}")
        elif value is None:
            del lines[at]
        else:
            lines[at] = f"{name}: {value}"
    return "\n".join(lines) + "\n" + body


def warnings(root) -> list[str]:
    status, out, err = run_cli("check", "--site", str(root))
    assert status == 0, err
    return err.splitlines()


def test_a_good_site_has_no_warning(site):
    status, out, err = run_cli("check", "--strict", "--site", str(site()))
    assert (status, err) == (0, "")


def test_criteria_too_short_and_badge_without_competency(site):
    root = site({BADGE: badge("## Ateliers\n\nVenir trois fois.\n", competencies=None)})
    assert warnings(root) == [
        f"{BADGE}:1:1: warning: competencies: no competency: name the competencies this badge develops "
        "(content/competencies/), so that it shows on their pages and in the filters",
        f"{BADGE}:11:1: warning: body: the criteria are 4 words long: write at least 40 words (what to do, how it "
        "is checked), so that applicants know what they commit to",
    ]


def test_markdown_in_a_plain_text_field(site):
    root = site({BADGE: badge(description="Présenter un exposé **vraiment** court, voir [le guide](https://bu.example.org/).")})
    assert warnings(root) == [
        f'{BADGE}:4:1: warning: description: is plain text, shown as written: "**vraiment**" keeps its marks '
        "(Markdown goes in the body)",
    ]
    root = site({BADGE: badge(name="\"C# et C++ : les_bases\"")})  # a sharp and underscores alone are text
    assert warnings(root) == []


def test_an_interface_string_no_theme_has(site):
    root = site({"i18n/en.yaml": "filter:\n  serch: Find a badge\n  search: Look\nmine:\n  motto: Learn\n",
                 "templates/index.html": '{% extends "base.html" %}{% block content %}{{ t("mine.motto") }}'
                                         '{{ super() }}{% endblock %}'})
    assert warnings(root) == [
        'i18n/en.yaml:2:3: warning: filter.serch: no theme has this interface string and no template of the site '
        'uses it: it is never shown (did you mean "filter.search" or "filter.search_help" or "filter.issuer"?)',
    ]


def test_a_block_the_extended_template_does_not_have(site):
    """`{% block fotter %}` in a site's template: Jinja drops it without a word."""
    root = site({"templates/base.html": '{% extends "base.html" %}\n{% block fotter %}{{ super() }}<p>x</p>{% endblock %}\n',
                 "templates/page.html": '{% extends "base.html" %}\n{% block content %}{% block aside %}{% endblock %}'
                                        '{% endblock %}\n{% block tilte %}T{% endblock %}\n{% block footer %}F{% endblock %}\n',
                 "themes/default/templates/tag.html": '{% extends "base.html" %}{% block head %}{% endblock %}'})
    assert warnings(root) == [
        'templates/base.html:2:1: warning: template: block "fotter" is not a block of "base.html", which this template '
        'extends: it is never shown (did you mean "footer"?)',
        'templates/page.html:3:1: warning: template: block "tilte" is not a block of "base.html", which this template '
        'extends: it is never shown (did you mean "title"?)',
    ]  # "aside", inside a block of its own, is shown; "footer" is the theme's, through the site's base.html


def test_a_language_without_interface_strings(site):
    root = site({"site.yaml": textwrap.dedent(MINIMAL["site.yaml"]).replace("[fr, en]", "[fr, en, de]")})
    assert warnings(root) == [
        'site.yaml:5:21: warning: languages: no interface strings in "de": its pages would be in English, marked '
        'as "de"; write i18n/de.yaml in the site (the keys of the theme\'s i18n/en.yaml, translated)',
    ]
    assert run_cli("build", "--site", str(root))[0] == 0  # the switcher names it by its code, not "English"
    page = (root / "output/de/index.html").read_text(encoding="utf-8")
    assert 'hreflang="de" lang="de" aria-current="page">de</a>' in page and page.count(">English</a>") == 1
    (root / "i18n").mkdir()
    (root / "i18n/de.yaml").write_text("language:\n  name: Deutsch\n", encoding="utf-8")
    assert warnings(root) == []


def test_a_host_name_with_capitals(site):
    """Hosts are case-insensitive, but ids are compared as written: said while it can still change."""
    root = site({"site.yaml": textwrap.dedent(MINIMAL["site.yaml"]).replace(
        "https://badges.example.org/", "https://Badges.Example.org/cat/")})
    assert warnings(root) == [
        'site.yaml:3:11: warning: base_url: the host name "Badges.Example.org" has capital letters: it would be '
        "published as written in every badge's and award's address, and they cannot change once awards are "
        "published; write https://badges.example.org/cat/",
    ]
    from conftest import png_bytes
    from test_awards import AWARDS, PNG_BADGE

    for name, data in {"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
                       "awards/prise-de-parole.yaml": AWARDS}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data if isinstance(data, bytes) else textwrap.dedent(data).encode("utf-8"))
    assert run_cli("build", "--site", str(root))[0] == 0
    assert (root / "awards/published.txt").is_file()
    assert not [w for w in warnings(root) if "base_url" in w]  # awards are out under it: it stays as it is


def test_empty_criteria(site):
    root = site({BADGE: badge("")})
    assert warnings(root) == [
        f"{BADGE}:12:1: warning: body: no criteria: the body is empty: write at least 40 words (what to do, how "
        "it is checked), so that applicants know what they commit to",
    ]


def test_an_alignment_counts_as_a_competency(site):
    root = site({BADGE: badge(competencies=None, alignments="[{name: ESCO, url: 'https://esco.example.org/1'}]")})
    assert warnings(root) == []


def test_no_way_to_apply(site):
    root = site({BADGE: badge(issuer="univ")})
    assert warnings(root) == [
        f'{BADGE}:1:1: warning: request: no way to apply: give a "request" (a form url or an email, and '
        "instructions) to this badge or to its issuer (univ)",
    ]
    # A retired badge is no longer awarded: nothing to apply for.
    assert warnings(site({BADGE: badge(issuer="univ", status="retired")})) == []


def test_an_active_badge_without_a_date(site):
    """A badge without `date` was dated 2000-01-01 in the Atom feed, without a word to its author;
    it is now left out of the feed, and the author hears why."""
    # A site that dates none of its badges (DESIGN does not name `date`) is not told so per badge.
    assert warnings(site({BADGE: badge(date=None)})) == []
    dated = {"content/badges/autre.md": badge(name="Autre badge")}  # this one does
    root = site({BADGE: badge(date=None), **dated})
    assert warnings(root) == [
        f"{BADGE}:1:1: warning: date: no date, unlike other badges: this badge is left out of the Atom feed "
        "(feed.xml), whose entries are dated; write the day it was first published (date: 2024-09-01)",
    ]
    # Neither a draft nor a retired badge is in the feed: nothing to say.
    assert warnings(site({BADGE: badge(date=None, status="draft"), **dated})) == []
    assert warnings(site({BADGE: badge(date=None, status="retired"), **dated})) == []


def test_headings_that_skip_a_level(site):
    """A body's headings that skip a level (## then ####) went unsaid, though the page skips it too
    (mdconvert.py shifts a body's headings but keeps their distances) and screen-reader users, who
    move by headings, notice. The warning speaks of what the author wrote, at its line."""
    body = BADGE_CRITERIA + textwrap.dedent("""
        #### Les étapes

        ```
        # un commentaire dans du code, pas un titre
        ```

        Déroulé
        -------

        ###### Détails
        """)
    root = site({BADGE: badge(body), "content/pages/a-propos.md": "---\ntitle: À propos\n---\n### Qui\n\n#### Quoi\n",
                 "content/pages/faq.md": "---\ntitle: FAQ\n---\n### Bientôt\n\n## Questions\n\n### Une\n"})
    assert warnings(root) == [
        f'{BADGE}:20:1: warning: body: heading "#### Les étapes" skips a level after "## Ateliers": screen-reader '
        'users notice the gap; make it "###"',
        f'{BADGE}:29:1: warning: body: heading "###### Détails" skips a level after "Déroulé": screen-reader '
        'users notice the gap; make it "###"',
        'content/pages/faq.md:4:1: warning: body: heading "### Bientôt" skips a level as the first heading, deeper '
        'than the body\'s top level ("##", which the page puts right under its own heading): screen-reader users '
        'notice the gap; make it "##"',
    ]
    # A translation's own body, in its own file; headings that are not Markdown's, as the page shows them.
    root = site({"content/badges/prise-de-parole.en.md": "---\nname: Public speaking\n---\n# Workshops\n\n### Steps\n",
                 "content/pages/a-propos.md": "---\ntitle: À propos\n---\n## Qui\n\n<h4>Quoi</h4>\n",
                 "content/pages/faq.md": "---\ntitle: FAQ\n---\n## Questions\n\n### Une\n"})
    assert warnings(root) == [
        'content/badges/prise-de-parole.en.md:6:1: warning: body: heading "### Steps" skips a level after '
        '"# Workshops": screen-reader users notice the gap; make it "##"',
        "content/pages/a-propos.md:4:1: warning: body: the headings skip a level (the page shows an h4 after an h2), "
        "which screen-reader users notice: a heading is at most one level under the one before it",
    ]


@pytest.mark.parametrize("heading", ["## Critères", "## Critères d’obtention", "# CRITÈRE D'ATTRIBUTION",
                                     "## Criteria", "Critères\n--------"])
def test_body_opening_with_the_pages_own_heading(site, heading: str):
    """The page puts the body under its own "Critères d’obtention" h2: a body that opens with a
    heading saying the same shows it twice in a row (h2, then h3)."""
    root = site({BADGE: badge(f"{heading}\n\n{LONG}\n\n## Modalités\n\n{LONG}\n")})
    shown = heading.split("\n")[0]  # an underlined heading: its text
    assert warnings(root) == [
        f'{BADGE}:12:1: warning: body: "{shown}" opens the criteria right under the page\'s own heading, '
        '"Critères d’obtention", and says the same: readers meet it twice; remove it, or give the part a heading '
        "that says something else (what it covers: the workshop, the steps, what to hand in)"]


def test_body_opening_with_the_pages_own_heading_in_a_translation(site):
    root = site({"content/badges/prise-de-parole.en.md": f"---\nname: Public speaking\n---\n## Award criteria\n\n{LONG}\n"})
    assert warnings(root) == [
        'content/badges/prise-de-parole.en.md:4:1: warning: body: "## Award criteria" opens the criteria right under '
        'the page\'s own heading, "Criteria", and says the same: readers meet it twice; remove it, or give the part a '
        "heading that says something else (what it covers: the workshop, the steps, what to hand in)"]


@pytest.mark.parametrize("body", [f"## Ateliers\n\n{LONG}\n",  # another title
                                  f"{LONG}\n\n## Critères\n\n{LONG}\n",  # not right under the page's heading
                                  f"## Ce qu’il faut faire\n\n{LONG}\n\n## Critères\n\n{LONG}\n"])
def test_body_headings_that_do_not_repeat_the_pages_own(site, body: str):
    assert warnings(site({BADGE: badge(body)})) == []


def test_the_pages_own_heading_is_the_sites_string(site):
    """A site that renames the heading (i18n/fr.yaml) is compared with its own words."""
    root = site({"i18n/fr.yaml": "badge:\n  criteria: Conditions\n",
                 BADGE: badge(f"## Critères\n\n{LONG}\n")})
    assert warnings(root) == []
    root = site({"i18n/fr.yaml": "badge:\n  criteria: Conditions\n",
                 BADGE: badge(f"## Conditions d’obtention\n\n{LONG}\n")})
    assert [line.split(": body: ")[1][:80] for line in warnings(root)] == [
        '"## Conditions d’obtention" opens the criteria right under the page\'s own heading, "Conditions"'[:80]]


def test_image_without_alt_in_a_body(site):
    body = BADGE_CRITERIA + "\n![](badge.svg)\n\n![Un disque](badge.svg)\n"
    root = site({BADGE: badge(body)})
    assert warnings(root) == [
        f"{BADGE}:20:5: warning: body: an image without alternative text: say what it shows between the "
        "brackets, ![a blue microphone](image.png)",
    ]


def test_small_png_and_logo_not_square(site):
    root = site({
        BADGE: badge(image="petit.png"),
        "content/images/petit.png": png_bytes(300),
        "content/issuers/univ.md": "---\nname: Université\nurl: https://univ.example.org/\n"
                                   "email: u@univ.example.org\nimage: logo.png\nimage_alt: Logo\n---\n",
        "content/images/logo.png": png_bytes(600, width=1200),
    })
    assert warnings(root) == [
        f'{BADGE}:6:1: warning: image: "petit.png" is 300×300 pixels: 512×512 or more stays sharp on dense '
        "screens and in backpacks (or use an SVG)",
        'content/issuers/univ.md:5:1: warning: image: "logo.png" is 1200×600: a square logo shows best in badges '
        "and backpacks",
    ]


def test_a_link_to_a_content_file_beside_is_not_taken_for_a_host(site):
    """`[l'autre badge](prise-de-parole.md)`, as in a Markdown editor: ".md" is also Moldova's
    domain, and the warning said to write https://prise-de-parole.md."""
    body = BADGE_CRITERIA + "\nVoir aussi [le badge](autre.md) et [un site](exemple.md/page).\n"
    root = site({BADGE: badge(body), "content/badges/autre.md": badge(name="Autre")})
    assert warnings(root) == [
        f'{BADGE}:20:23: warning: body: "autre.md" links to a content file: link to its page '
        'instead, "../autre/"',
        f'{BADGE}:20:46: warning: body: "exemple.md/page" looks like a web address without "https://": '
        "write https://exemple.md/page",
    ]


def test_links_in_bodies(site):
    body = BADGE_CRITERIA + (
        "\nVoir [à propos](../../pages/a-propos/), [l'accueil](../../), [la FAQ](../../pages/faq/),\n"
        "[la page source](../../pages/a-propos.md), [le JSON](../prise-de-parole.json), [un ancre](#x),\n"
        "[le site](https://www.example.org/page?x=1#y), [écrire](mailto:a@example.org),\n"
        "[mauvais](https:/example.org), [sans schéma](www.example.org/page), [collé](http//example.org/),\n"
        "[dehors](../../../ailleurs/) et [absolu](/pages/a-propos/).\n")
    root = site({BADGE: badge(body)})
    assert warnings(root) == [
        f'{BADGE}:20:71: warning: body: "../../pages/faq/" leads nowhere: the site has no page or file at '
        "pages/faq/",
        f'{BADGE}:21:18: warning: body: "../../pages/a-propos.md" links to a content file: link to its page '
        'instead, "../../pages/a-propos/"',
        f'{BADGE}:23:11: warning: body: "https:/example.org" is not a valid web address (expected '
        "https://host.example/path)",
        f'{BADGE}:23:46: warning: body: "www.example.org/page" looks like a web address without "https://": '
        "write https://www.example.org/page",
        f'{BADGE}:23:77: warning: body: "http//example.org/" is not a valid web address (expected '
        "https://host.example/path)",
        f'{BADGE}:24:10: warning: body: "../../../ailleurs/" leads outside the site',
    ]


def test_absolute_links_under_a_sub_path(site):
    config = MINIMAL["site.yaml"].replace("https://badges.example.org/", "https://www.example.org/badges/")
    body = BADGE_CRITERIA + "\n[bon](/badges/pages/a-propos/) et [hors du site](/pages/a-propos/)\n"
    root = site({"site.yaml": config, BADGE: badge(body)})
    assert warnings(root) == [
        f'{BADGE}:20:50: warning: body: "/pages/a-propos/" leads outside the site, which is served under '
        "/badges/: use a relative link",
    ]


def test_links_in_translations_and_issuer_instructions(site):
    root = site({
        "content/badges/prise-de-parole.en.md": "---\nname: Public speaking\n---\n" + LONG + "\n\n[FAQ](../../pages/faq/)\n",
        "content/issuers/bu.md": "---\nname: BU\nurl: https://bu.example.org/\nemail: bu@example.org\nrequest:\n"
                                 "  email: b@example.org\n  instructions: Voir [le guide](../../pages/guide/).\n---\n",
    })
    assert warnings(root) == [
        'content/badges/prise-de-parole.en.md:6:7: warning: body: "../../pages/faq/" leads nowhere: the site '
        "has no page or file at en/pages/faq/",
        'content/issuers/bu.md:7:33: warning: request.instructions: "../../pages/guide/" leads nowhere: the site '
        "has no page or file at pages/guide/",
    ]


def test_strict_and_json(site):
    root = site({BADGE: badge("Court.\n")})
    status, out, err = run_cli("check", "--strict", "--site", str(root))
    assert status == 1 and "warning: body: the criteria are 1 word long" in err
    assert err.splitlines()[-1] == "vitrine: 1 warning and --strict: failing."  # says why it fails
    status, out, err = run_cli("check", "--format", "json", "--site", str(root))
    assert (status, err) == (0, "")
    report = json.loads(out)
    assert report["errors"] == []
    assert report["warnings"] == [{"path": BADGE, "line": 12, "col": 1, "field": "body",
                                   "message": "the criteria are 1 word long: write at least 40 words (what to do, "
                                              "how it is checked), so that applicants know what they commit to"}]
    assert run_cli("check", "--format", "json", "--strict", "--site", str(root))[0] == 1


def test_json_lists_errors_with_the_same_exit_status(site):
    root = site({BADGE: badge(category="oral")})
    status, out, err = run_cli("check", "--format", "json", "--site", str(root))
    assert (status, err) == (1, "")
    report = json.loads(out)
    assert report == {"errors": [{"path": BADGE, "line": 5, "col": 11, "field": "category",
                                  "message": '"oral" is not allowed (expected one of: network, participation, '
                                             "technical, transversal)"}],
                      "warnings": []}


def test_build_reports_warnings_and_strict_fails(site):
    root = site({BADGE: badge("Court.\n")})
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0 and "warning: body: the criteria are 1 word long" in err
    status, out, err = run_cli("build", "--strict", "--force", "--site", str(root))
    assert status == 1 and "--strict: failing" in err


def test_a_list_item_without_its_space_is_read_as_one_text(site):
    """`-une attestation` under `evidence:` (no space after the dash), and `- un récit` below it:
    YAML reads one text, "-une attestation - un récit", which the badge page published as one
    item. Said at the dash; "--", "-5" and a dash inside a line are text."""
    root = site({
        BADGE: badge(evidence="\n  -une attestation signée\n  - un court récit"),
        "content/issuers/bu.md": MINIMAL["content/issuers/bu.md"].replace(
            "instructions: Écrivez-nous.", "instructions: Écrivez-nous en joignant\n            -- au choix -- un récit."),
        "content/badges/autre.md": badge(name="Autre", evidence="\n  -le lien vers le projet"),
    })
    said = ('is read as part of a text, not as a list item: write each item "- item", with a space after the dash, '
            'one under the other (or start a text of several lines with |)')
    assert [w for w in warnings(root) if "list item" in w] == [
        f'content/badges/autre.md:12:3: warning: evidence: "-le lien vers le projet" {said}',
        f'{BADGE}:12:3: warning: evidence: "-une attestation signée" {said}',
    ]


def test_a_hash_before_a_word_is_a_yaml_comment_that_hides_text(site):
    """`name: Hackathon #3` is the name "Hackathon" for YAML: legal, and not what was meant."""
    root = site({
        BADGE: badge(name="Hackathon #3", tags="[oral, Prise de parole]  # tags du catalogue"),
        "site.yaml": MINIMAL["site.yaml"].replace("title: Badges de test", "title: Badges #SCD  # le nom"),
        "content/pages/a-propos.md": "---\ntitle: Langage C#\n---\nTexte.\n",  # no space before it: text
        "content/competencies/oral.md": MINIMAL["content/competencies/oral.md"].replace("code: COM-1", "code: #42"),
    })
    assert warnings(root) == [
        f'{BADGE}:2:17: warning: name: "#3" is a YAML comment, left out of the text ("Hackathon"): to keep it, '
        'write "Hackathon #3"; a comment is written "# ..."',
        'content/competencies/oral.md:6:7: warning: code: "#42" is a YAML comment, so the field is empty: to keep '
        'it as text, write "#42"',
        'site.yaml:1:15: warning: title: "#SCD" is a YAML comment, left out of the text ("Badges"): '
        'to keep it, write "Badges #SCD"; a comment is written "# ..."',
    ]
