"""The /verify/ page (headless Chromium) says what it was given when that is not an award (a
badge's page or BadgeClass, an issuer's page or profile, another page, a list), in French and
English, with what to give instead; and names the badge of a revoked award from its award page."""

from __future__ import annotations

import pytest

from browser import needs_browser
from test_awards import A3, A4
from test_ob3 import BASE
from test_ob3_verify_page import open_page, result_of, signed_site  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, needs_browser]

ADVICE_EN = ("To check someone's award, paste the address of the award's page (…/assertions/<id>/) or drop its "
             "baked image (PNG or SVG).")
ADVICE_FR = ("Pour vérifier le badge délivré à quelqu’un, collez l’adresse de sa page (…/assertions/<id>/) ou "
             "déposez son image (PNG ou SVG).")
CASES = [
    ("en/", "badges/prise-de-parole/", "What it is: this is the page of the badge “Prise de parole” by "
     "Bibliothèque universitaire: the badge's description, not someone's award. " + ADVICE_EN),
    ("en/", "badges/prise-de-parole.json", "What it is: this is the description of the badge “Prise de parole” by "
     "Bibliothèque universitaire (an Open Badges BadgeClass), not someone's award. " + ADVICE_EN),
    ("en/", "issuers/bu/", "What it is: this is the page of the issuer “Bibliothèque universitaire”, not an award. "
     + ADVICE_EN),
    ("en/", "issuers/bu.json", "What it is: this is the profile of the issuer “Bibliothèque universitaire”, not an "
     "award. " + ADVICE_EN),
    ("en/", "", "What it is: this web page is not an award's page: it links to no Open Badge. " + ADVICE_EN),
    ("en/", "status/1.json", "What it is: this is one of an issuer's technical documents "
     "(BitstringStatusListCredential), not an award. " + ADVICE_EN),
    ("", "badges/prise-de-parole/", "Nature\u00a0: c’est la page du badge « Prise de parole » de Bibliothèque "
     "universitaire\u00a0: la description du badge, pas un badge délivré à quelqu’un. " + ADVICE_FR),
    ("", "issuers/bu.json", "Nature\u00a0: c’est le profil de l’émetteur « Bibliothèque universitaire », pas un "
     "badge délivré. " + ADVICE_FR),
    ("", "", "Nature\u00a0: cette page web n’est pas la page d’un badge délivré\u00a0: elle ne renvoie à aucun Open Badge. "
     + ADVICE_FR),
]


@pytest.mark.parametrize("lang, path, expected", CASES)
def test_what_is_not_an_award_is_named(signed_site, lang, path, expected):
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, lang)
    page.fill("#verify-url", BASE + path)
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict == ("Not an award — NOT valid: see the checks marked ✗." if lang else
                       "Pas un badge délivré — NON valide\u00a0: voir les vérifications marquées ✗."), verdict
    assert checks == [expected]
    assert errors == []


def test_a_revoked_badge_is_named_from_its_award_page(signed_site):
    url, chromium, output = signed_site
    for lang, expected in (
            ("en/", f"Badge: a revoked badge keeps only its id and the reason; its award page {BASE}assertions/{A3}/ "
                    "names the badge “Prise de parole” by Bibliothèque universitaire, revoked on 1 February 2024 "
                    "(what the issuer's site says, not checked)."),
            ("", f"Badge\u00a0: un badge révoqué ne garde que son identifiant et le motif\u00a0; sa page "
                 f"{BASE}assertions/{A3}/ le nomme « Prise de parole », de Bibliothèque universitaire, révoqué le "
                 "1er\u00a0février 2024 (ce que dit le site de l’émetteur, non vérifié).")):
        page, errors = open_page(chromium, url, output, lang)
        page.fill("#verify-url", f"{BASE}assertions/{A3}.json")
        page.click("form[data-verify] button[type=submit]")
        verdict, checks = result_of(page)
        assert len(checks) == 2 and checks[1] == expected, checks
        assert errors == []
    # without its page, it says that nothing names it (it showed the reason alone)
    (output / f"assertions/{A3}/index.html").rename(output / "moved.html")
    try:
        page, errors = open_page(chromium, url, output, "en/")
        page.fill("#verify-url", f"{BASE}assertions/{A3}.json")
        page.click("form[data-verify] button[type=submit]")
        verdict, checks = result_of(page)
        assert checks[1] == ("Badge: a revoked badge keeps only its id and the reason, and no page of its issuer's "
                             "site was found that names it."), checks
    finally:
        (output / "moved.html").rename(output / f"assertions/{A3}/index.html")


def test_a_mistyped_award_address_is_said_not_found_not_invalid(signed_site):
    """A recruiter pasting an award's address with its last characters cut (from a CV) was told
    "NOT valid" and "Structure: the badge could not be read (…: HTTP 404)", which reads as a
    forged badge. Now the page says nothing is published there, and what to do."""
    url, chromium, output = signed_site
    typed = f"{BASE}assertions/{A3[:-2]}/"
    for lang, expected in (
            ("en/", ("Not found — no badge is published at this address, so nothing could be checked: see below.",
                     [f"Address: nothing is published at {typed} (HTTP 404). The address of someone's award ends with its "
                      "identifier, as in …/assertions/<id>/: check that it was copied whole and without a typo, or "
                      "ask the holder for the link to their award page, or for their badge file."])),
            ("", ("Introuvable — aucun badge n’est publié à cette adresse, rien n’a donc pu être vérifié\u00a0: voir "
                  "ci-dessous.",
                  [f"Adresse\u00a0: rien n’est publié à l’adresse {typed} (HTTP 404). L’adresse d’un badge délivré se termine par son "
                   "identifiant, comme …/assertions/<id>/\u00a0: vérifiez qu’elle a été recopiée en entier et sans "
                   "faute, ou demandez à la personne le lien de la page de son badge, ou son fichier de badge."]))):
        page, errors = open_page(chromium, url, output, lang)
        page.fill("#verify-url", typed)
        page.click("form[data-verify] button[type=submit]")
        assert result_of(page) == expected
        assert errors == []
        page.close()


def test_a_genuine_expired_award_is_said_expired_not_invalid(signed_site):
    """An expired award, genuine in every other check, was "NOT valid: see the checks marked ✗"
    (a recruiter reads a forged badge); the award's own page says "It was earned, but it is no
    longer current". Now the verdict says that. Changed after signing as well, it stays NOT valid."""
    import json

    from test_awards import A2

    url, chromium, output = signed_site
    credential = json.loads((output / f"credentials/{A2}.json").read_text(encoding="utf-8"))
    changed = dict(credential, name="Autre chose")
    for lang, given, expected in (
            ("en/", f"{BASE}assertions/{A2}/",
             "EXPIRED on 15 January 2022: “Prise de parole” was awarded by its issuer and is no longer current; every "
             "other check passed."),
            ("", json.dumps(credential),
             "EXPIRÉ le 15\u00a0janvier 2022\u00a0: «\u00a0Prise de parole\u00a0» a bien été délivré par son émetteur, "
             "et n’est plus en cours de validité\u00a0; toutes les autres vérifications ont réussi."),
            ("en/", json.dumps(changed), "NOT valid: see the checks marked ✗.")):
        page, errors = open_page(chromium, url, output, lang)
        page.fill("#verify-url" if given.startswith("http") else "#verify-text", given)
        page.click("form[data-verify] button[type=submit]")
        verdict, checks = result_of(page)
        assert verdict.split(" — ", 1)[1] == expected, verdict
        assert errors == []
        page.close()


def test_the_address_field_asks_for_what_a_recruiter_holds(signed_site):
    """A recruiter holds the link of an award's page, from a CV, LinkedIn or an e-mail: the field's
    help asked for "an award's JSON, Open Badges 3.0 credential or image", which they do not know
    they have. It names the page's address first; the JSON and images still follow."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    assert page.locator("#verify-url-help").inner_text() == (
        "The address of the badge's page that its holder gave you (on a CV, on LinkedIn, in an e-mail), or of its "
        "JSON, Open Badges 3.0 credential or image on its issuer's site.")
    page.fill("#verify-url", f"{BASE}assertions/{A3}/")  # such an address is read, as the help says
    page.click("form[data-verify] button[type=submit]")
    assert result_of(page)[0].startswith("Open Badges 2.0 badge (hosted) — REVOKED")
    page.close()


def test_a_badge_picture_with_nothing_baked_in_is_named(signed_site):
    """A recruiter sent the plain image of a badge (saved from its page, or downloaded without
    JavaScript) was told only "Structure: this is not an Open Badge this page can read". Now the
    page says it is a picture that proves nothing by itself, and what to ask for instead."""
    url, chromium, output = signed_site
    for picture in (output / "badges/prise-de-parole.svg", output / "badges/atelier-png.png"):
        page, errors = open_page(chromium, url, output, "en/")
        with page.expect_file_chooser() as chooser:
            page.click("#verify-file")
        chooser.value.set_files(str(picture))
        page.click("form[data-verify] button[type=submit]")
        assert result_of(page) == ("Not an award — NOT valid: see the checks marked ✗.", [
            "What it is: this image holds no badge: it is only a picture, such as a badge's image saved from a web "
            "page, and proves nothing by itself. " + ADVICE_EN])
        assert errors == []
        page.close()


def test_an_address_the_badge_was_not_awarded_to_says_to_ask_which(signed_site):
    """Given an e-mail address the badge was not awarded to, the page said "NOT awarded to …",
    which a recruiter reads as a forgery when the holder used a university address."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-url", f"{BASE}credentials/{A4}.json")
    page.fill("#verify-email", "someone.else@example.org")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert ("Recipient: NOT awarded to someone.else@example.org. Its holder may have received it at another address "
            "(a university one, for example): ask which.") in checks, checks
    assert errors == []
    page.close()
