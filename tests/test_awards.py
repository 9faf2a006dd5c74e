"""Award records, hosted Open Badges 2.0 output, award pages, baking, and the award commands."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import BADGE_CRITERIA, MINIMAL, png_bytes, run_cli, SQUARE_SVG
from generator import baking
from generator.awards import identity_hash

BASE = "https://badges.example.org/"
A1 = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"  # valid, named with consent, evidence
A2 = "2c5f39cb-3ab2-4e4c-b4a6-f02ac6b8744c"  # expired, name without consent
A3 = "3d6a4adc-4bc3-4f5d-85b7-a13bd7c9855d"  # revoked
A4 = "4e7b5bed-5cd4-4a6e-96c8-b24ce8da966e"  # PNG badge
SALT = "0123456789abcdef0123456789abcdef"

AWARDS = f"""\
# awards of the test site
- id: {A1}
  badge: prise-de-parole
  recipient: alice.martin@example.org
  name: Alice Martin
  consent: true
  issued_on: 2024-06-12
  narrative: A animé **trois** ateliers.
  evidence:
    - https://example.org/portfolio/alice
    - url: https://example.org/video
      name: Vidéo de l'exposé
      narrative: Dix minutes devant 40 personnes.
  salt: {SALT}
- id: {A2}
  badge: prise-de-parole
  recipient: Bob.Secret@Example.org
  name: Bob Secret
  issued_on: 2020-01-15
  salt: {SALT}
- id: {A3}
  badge: prise-de-parole
  recipient: carole@example.org
  name: Carole Revoked
  consent: true
  issued_on: 2024-01-10
  salt: {SALT}
  revoked:
    date: 2024-02-01
    reason: Attribué par erreur
- id: {A4}
  badge: atelier-png
  recipient: dan@example.org
  issued_on: 2024-03-01
  expires: 2030-03-01
  salt: {SALT}
"""

PNG_BADGE = """\
---
name: Atelier PNG
issuer: univ
description: Un badge avec une image PNG.
category: participation
image: atelier.png
image_alt: Un carré bleu
---
Venir à l'atelier.
"""

EPOCH = "1735732800"  # 2025-01-01 12:00 UTC: "today" for these tests


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def awarded(site):
    def make(extra: dict | None = None) -> Path:
        files = {"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
                 "awards/prise-de-parole.yaml": AWARDS}
        files.update(extra or {})
        return site(files)
    return make


def build(root: Path) -> Path:
    status, out, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    return root / "output"


def problems_of(root: Path) -> list[str]:
    status, out, err = run_cli("check", "--site", str(root))
    assert status == 1
    assert "Traceback" not in err
    return [line for line in err.splitlines() if not line.startswith("vitrine:")]


# -- records ---------------------------------------------------------------------------------

def test_records_are_checked_with_exact_positions(awarded):
    bad = f"""\
- id: {A1}
  badge: prise-de-parol
  recipient: alice@
  issued_on: 2025-06-01
  expires: 2025-01-01
  salt: {SALT}
- id: {A1}
  badge: brouillon
  recipient: bob@example.org
  issued_on: 2024-01-01
  salt: nothex
  evidence: [ftp://example.org/x, {{name: sans url}}, 3]
  revoked: {{date: 2023-01-01}}
  colour: bleu
- id: not-a-uuid
  badge: ancien
  recipient: c@example.org
  issued_on: 2024-06-01
  salt: {SALT}
- [broken
"""
    root = awarded({"awards/prise-de-parole.yaml": bad, "content/badges/brouillon.md": PNG_BADGE.replace(
        "category: participation", "category: participation\nstatus: draft"),
        "content/badges/ancien.md": PNG_BADGE.replace("category: participation",
                                                      "category: participation\nstatus: retired\nretired: 2024-01-01")})
    assert problems_of(root) == [
        'awards/prise-de-parole.yaml:2:10: badge: no badge "prise-de-parol" (did you mean "prise-de-parole"?)',
        'awards/prise-de-parole.yaml:3:14: recipient: "alice@" is not a valid e-mail address (name@domain.org)',
        "awards/prise-de-parole.yaml:4:14: issued_on: 2025-06-01 is in the future (today is 2025-01-01)",
        "awards/prise-de-parole.yaml:5:12: expires: 2025-01-01 is not after issued_on (2025-06-01): an award expires after it is issued",
        f"awards/prise-de-parole.yaml:7:7: id: duplicate id: already used at awards/prise-de-parole.yaml:1",
        'awards/prise-de-parole.yaml:8:10: badge: "brouillon" is a draft: publish it (status: active) before awarding it',
        "awards/prise-de-parole.yaml:11:9: salt: expected 16 to 128 lowercase hexadecimal digits (`vitrine award` assigns salts)",
        'awards/prise-de-parole.yaml:12:14: evidence[0]: "ftp://example.org/x" is not an absolute http(s) URL (https://...)',
        'awards/prise-de-parole.yaml:12:35: evidence[1]: expected "url" (where to see the work) or "narrative" (what was done)',
        "awards/prise-de-parole.yaml:12:53: evidence[2]: expected a URL, or a mapping of url, name and narrative; found 3",
        "awards/prise-de-parole.yaml:13:12: revoked.reason: missing required field",
        "awards/prise-de-parole.yaml:13:19: revoked.date: 2023-01-01 is before issued_on (2024-01-01)",
        "awards/prise-de-parole.yaml:14:3: colour: unknown field (expected one of: badge, consent, evidence, expires, id, "
        "issued_on, lang, name, narrative, recipient, revoked, salt)",
        'awards/prise-de-parole.yaml:15:7: id: "not-a-uuid" is not a lowercase UUID such as '
        "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b (`vitrine award` assigns ids)",
        'awards/prise-de-parole.yaml:18:14: issued_on: 2024-06-01 is after the badge "ancien" was retired (2024-01-01): '
        "a retired badge is no longer awarded",
        "awards/prise-de-parole.yaml:21:1: invalid YAML: did not find expected ',' or ']' (the list opened at line 20, column 3 is not closed)",
    ]


def test_a_record_lang_the_site_does_not_have_stops_check_and_build(awarded):
    """A record's `lang` (the language `vitrine notify` writes to its recipient in) was checked
    against the site's languages by `vitrine award` and `vitrine notify` only: a record edited by
    hand with a language the site does not have (or a language taken out of site.yaml) passed
    check and build, and only notify, later, refused it. It is now one line from check and build,
    at the field, even when the record's file was read by an earlier build (the cache)."""
    root = awarded({"awards/prise-de-parole.yaml": AWARDS.replace("  recipient: dan@example.org\n",
                                                                   "  recipient: dan@example.org\n  lang: en\n")})
    build(root)
    site_yaml = (root / "site.yaml").read_text()
    (root / "site.yaml").write_text(site_yaml.replace("languages: [fr, en]", "languages: [fr]"))
    message = ("awards/prise-de-parole.yaml:34:9: lang: \"en\" is not one of the site's languages (fr): the e-mails "
               "`vitrine notify` sends this recipient are written in it")
    assert problems_of(root) == [message]
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1 and err.splitlines()[0] == message, err
    (root / "site.yaml").write_text(site_yaml)
    build(root)


def test_a_recipient_address_in_a_published_field_is_refused(awarded):
    """An address in the name column of a spreadsheet (consent: yes), or the recipient's own address
    in a narrative or an evidence link, was published on the award page and in its JSON: recipients'
    addresses never reach output/."""
    def record(n: int, extra: str) -> str:
        return (f"- id: 5a0e0c1e-1d3c-4b8e-9f4a-0c2b7d9e8f1{n}\n  badge: prise-de-parole\n"
                f"  recipient: Eve.Dupont@Example.org\n  issued_on: 2024-06-01\n  salt: {SALT}\n{extra}")
    bad = "".join([
        record(0, "  name: eve.dupont@example.org\n  consent: true\n"),
        record(1, "  name: Eve <eve@elsewhere.example.net>\n  consent: true\n"),
        record(2, "  name: eve.dupont@example.org\n"),  # not published: the name is not shown
        record(3, "  narrative: A écrit à tous (eve.dupont@example.org).\n"),
        record(4, "  evidence:\n    - https://example.org/p?u=eve.dupont%40example.org\n"
                  "    - url: https://example.org/v\n      name: Vidéo\n      narrative: par EVE.DUPONT@example.org\n"),
        record(5, "  narrative: Écrire à bu@univ.example.org pour en savoir plus.\n"),  # not hers: the issuer's
        record(6, "  narrative: Avec steve.dupont@example.org, son tuteur.\n"),  # another address ending like hers
    ])
    root = awarded({"awards/extra.yaml": bad})
    assert problems_of(root) == [
        "awards/extra.yaml:6:9: name: is an e-mail address: a name is published (consent: true), an address never is",
        "awards/extra.yaml:13:9: name: holds an e-mail address: a name is published (consent: true), an address never is",
        "awards/extra.yaml:26:14: narrative: holds the recipient's e-mail address, which is never published: take it out",
        "awards/extra.yaml:33:7: evidence[0]: holds the recipient's e-mail address, which is never published: take it out",
        "awards/extra.yaml:36:18: evidence[1].narrative: holds the recipient's e-mail address, which is never published: "
        "take it out",
    ]


def test_a_published_award_cannot_disappear(awarded):
    root = awarded()
    build(root)
    published = (root / "awards" / "published.txt").read_text()
    assert [line for line in published.splitlines() if not line.startswith("#")] == [A1, A2, A3, A4]
    text = (root / "awards" / "prise-de-parole.yaml").read_text()
    (root / "awards" / "prise-de-parole.yaml").write_text(text.split(f"- id: {A4}")[0])
    problems = problems_of(root)
    assert len(problems) == 1
    assert problems[0].startswith(f"awards/published.txt:8:1: award {A4} was published but is no longer in awards/*.yaml")


def test_a_published_record_hidden_by_a_yaml_mistake_is_not_said_deleted(awarded):
    """A field indented one space too far makes its record unreadable: the YAML mistake is the
    one problem, for `vitrine award` as for the build; "was published but is no longer in
    awards/*.yaml" would send the author looking for a record that is still there."""
    root = awarded()
    build(root)
    path = root / "awards" / "prise-de-parole.yaml"
    before = path.read_text().replace("  recipient: dan@example.org", "   recipient: dan@example.org")
    path.write_text(before)
    problems = problems_of(root)
    assert len(problems) == 1 and problems[0].startswith("awards/prise-de-parole.yaml:33:4: invalid YAML:"), problems
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "new@example.org")
    assert status == 1 and "invalid YAML" in err and "no longer in awards" not in err, err
    assert path.read_text() == before

def test_holders_count_awards_not_revoked(awarded):
    out = build(awarded())
    page = (out / "badges" / "prise-de-parole" / "index.html").read_text()
    assert re.search(r"<dd>2\s+personnes l’ont obtenu</dd>", page)  # A1 and A2 (expired, still held); not A3


# -- Open Badges 2.0 JSON ------------------------------------------------------------------------

def test_hosted_assertion_badge_class_and_issuer(awarded):
    out = build(awarded())
    a1 = json.loads((out / "assertions" / f"{A1}.json").read_text())
    assert a1 == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"{BASE}assertions/{A1}.json",
        "recipient": {"type": "email", "hashed": True, "salt": SALT,
                      "identity": identity_hash("alice.martin@example.org", SALT)},
        "badge": f"{BASE}badges/prise-de-parole.json",
        "issuedOn": "2024-06-12T00:00:00+00:00",
        "expires": "2026-06-12T00:00:00+00:00",  # the badge's validity, P2Y
        "verification": {"type": "hosted"},
        "narrative": "A animé **trois** ateliers.",
        "evidence": [{"type": "Evidence", "id": "https://example.org/portfolio/alice"},
                     {"type": "Evidence", "id": "https://example.org/video", "name": "Vidéo de l'exposé",
                      "narrative": "Dix minutes devant 40 personnes."}],
    }
    assert a1["recipient"]["identity"] == "sha256$" + __import__("hashlib").sha256(
        ("alice.martin@example.org" + SALT).encode()).hexdigest()
    badge = json.loads((out / "badges" / "prise-de-parole.json").read_text())
    assert badge["id"] == f"{BASE}badges/prise-de-parole.json" and badge["type"] == "BadgeClass"
    assert badge["criteria"] == {"id": f"{BASE}badges/prise-de-parole/",
                                 "narrative": BADGE_CRITERIA.strip()}
    assert badge["issuer"] == f"{BASE}issuers/bu.json"
    assert badge["image"] == f"{BASE}badges/prise-de-parole.svg"
    assert badge["alignment"] == [{"targetName": "S'exprimer à l'oral", "targetUrl": f"{BASE}competencies/oral/",
                                   "targetDescription": "Prendre la parole devant un groupe.",
                                   "targetFramework": "Référentiel de test", "targetCode": "COM-1"}]
    assert badge["tags"] == ["oral", "Prise de parole"]
    issuer = json.loads((out / "issuers" / "bu.json").read_text())
    assert issuer == {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": f"{BASE}issuers/bu.json",
                      "name": "Bibliothèque universitaire", "url": "https://bu.example.org/",
                      "email": "bu@univ.example.org"}


def test_narratives_reach_the_json_without_what_pages_would_not_show(awarded):
    """Award and evidence narratives are Markdown in the JSON, which backpacks render: the raw
    HTML, event handlers and javascript: links the pages' sanitizer removes are not there either."""
    hostile = ('narrative: "Bravo <script>alert(1)</script> **bien** [lien](javascript:alert(2)) '
               '<img src=x onerror=alert(3)> [site](https://example.org/)"')
    records = AWARDS.replace("narrative: A animé **trois** ateliers.", hostile).replace(
        "narrative: Dix minutes devant 40 personnes.", 'narrative: "<iframe src=https://evil.example/></iframe>Dix minutes."')
    out = build(awarded({"awards/prise-de-parole.yaml": records}))
    assertion = json.loads((out / f"assertions/{A1}.json").read_text(encoding="utf-8"))
    text = json.dumps(assertion)
    for refused in ("<script", "alert(1)", "javascript:", "onerror", "<iframe", "evil.example"):
        assert refused not in text, refused
    assert "**bien**" in assertion["narrative"] and "[site](https://example.org/)" in assertion["narrative"]
    assert assertion["evidence"][1]["narrative"].endswith("Dix minutes.")


def test_revoked_assertion_is_stripped(awarded):
    out = build(awarded())
    assert json.loads((out / "assertions" / f"{A3}.json").read_text()) == {
        "@context": "https://w3id.org/openbadges/v2", "id": f"{BASE}assertions/{A3}.json", "type": "Assertion",
        "revoked": True, "revocationReason": "Attribué par erreur"}
    assert not (out / "assertions" / f"{A3}.svg").exists()  # nothing to bake for a revoked award
    page = (out / "assertions" / A3 / "index.html").read_text()
    assert "Badge révoqué" in page and "Attribué par erreur" in page and "linkedin.com" not in page
    # not "Carole Revoked a obtenu le badge" (heading, and the description link previews show)
    assert "a obtenu" not in page and "Carole Revoked" in page  # the name: consented, still the holder's
    assert '<h1 id="page-title">Badge révoqué : <span class="award__badge-name">Prise de parole</span></h1>' in page
    assert ('<meta name="description" content="Le badge « Prise de parole », délivré par Bibliothèque '
            'universitaire, a été révoqué.">') in page
    english = (out / "en" / "assertions" / A3 / "index.html").read_text()
    assert "earned the" not in english and "<h1 id=\"page-title\">Revoked badge: " in english


def test_no_email_and_no_unconsented_name_in_the_output(awarded):
    out = build(awarded())
    for file in out.rglob("*"):
        if file.is_file():
            data = file.read_bytes().lower()
            for secret in (b"alice.martin@", b"bob.secret@", b"carole@", b"dan@example", b"bob secret"):
                assert secret not in data, f"{secret!r} leaked into {file}"
    assert "Alice Martin" in (out / "assertions" / A1 / "index.html").read_text()
    assert "Nom non publié" in (out / "assertions" / A2 / "index.html").read_text()


def test_same_input_same_bytes(awarded, tmp_path):
    root = awarded()
    first = build(root)
    snapshot = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    second = root / "again"
    status, _, err = run_cli("build", "--site", str(root), "--out", str(second), "--force")
    assert status == 0, err
    assert {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()} == snapshot


# -- award page ---------------------------------------------------------------------------------

def test_award_page(awarded):
    out = build(awarded())
    page = (out / "assertions" / A1 / "index.html").read_text()
    assert 'class="award-status award-status--valid"' in page and "Badge valide" in page
    # it counts as expired from its expiry day on (Award.status): "valide jusqu'au" that day said otherwise
    # a date that ends the sentence, not a colon before it ("Il expire le\xa0: 12 juin", "It expired on: ...")
    assert '<p>Il expire le <time datetime="2026-06-12">12\xa0juin 2026</time>.</p>' in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=Prise%20de%20parole" in page
    assert "organizationName=Biblioth%C3%A8que%20universitaire&amp;issueYear=2024&amp;issueMonth=6" in page
    assert "&amp;expirationYear=2026&amp;expirationMonth=6&amp;certUrl=https%3A%2F%2Fbadges.example.org%2Fassertions%2F" in page
    # the badge is baked by the page's script (from the image and the JSON); the plain image without it
    assert (f'href="../../badges/prise-de-parole.svg" download="prise-de-parole.svg" '
            f'data-bake="../../assertions/{A1}.json"') in page
    assert f'href="../../assertions/{A1}.json"' in page
    assert f'data-qr="{BASE}assertions/{A1}/"' in page  # drawn by the script
    assert not (out / "assertions" / f"{A1}.svg").exists()
    assert f'data-identity="{identity_hash("alice.martin@example.org", SALT)}"' in page
    assert '<script src="../../static/award.js" defer></script>' in page
    assert not re.search(r"<script>|<script [^>]*>[^<]", page)  # no inline script
    assert '<meta property="og:title" content="Alice Martin' in page
    assert "https://example.org/portfolio/alice" in page and "<strong>trois</strong>" in page
    expired = (out / "assertions" / A2 / "index.html").read_text()
    assert "award-status--expired" in expired and "Badge expiré" in expired
    assert '<p>Il a expiré le <time datetime="2022-01-15">15\xa0janvier 2022</time>. Il a bien' in expired
    english_expired = (out / "en" / "assertions" / A2 / "index.html").read_text()
    assert '<p>It expired on <time datetime="2022-01-15">15 January 2022</time>. It was earned' in english_expired
    revoked = (out / "assertions" / A3 / "index.html").read_text()
    assert '<p>Révoqué le <time datetime="2024-02-01">1er\xa0février 2024</time>. <strong>Motif\xa0: </strong>' in revoked
    english_revoked = (out / "en" / "assertions" / A3 / "index.html").read_text()
    assert '<p>Revoked on <time datetime="2024-02-01">1 February 2024</time>. <strong>Reason: </strong>' in english_revoked
    assert "expire le\xa0:" not in page + expired and "expired on:" not in english_expired
    english = (out / "en" / "assertions" / A1 / "index.html").read_text()
    assert "Valid badge" in english and "Add to LinkedIn" in english
    # the advice names the heading of the facts as it reads in this language
    facts = re.search(r'<h2 id="facts-title">([^<]+)</h2>', english).group(1)
    assert facts == "About this award" and f"copy it from “{facts}”" in english
    facts = re.search(r'<h2 id="facts-title">([^<]+)</h2>', page).group(1)
    assert f"copiez les informations depuis « {facts} »" in page
    png_page = (out / "assertions" / A4 / "index.html").read_text()
    assert re.search(rf'<meta property="og:image" content="{BASE}badges/atelier-png\.preview\.\w+">', png_page)  # previews.py
    # shared by e-mail (a message for the holder to address): the badge, its issuer, the page
    from urllib.parse import parse_qs, unquote, urlsplit

    for text, subject, body in ((page, "Mon badge « Prise de parole »", f"Délivré par Bibliothèque universitaire : {BASE}assertions/{A1}/"),
                                (english, "My badge “Prise de parole”", f"Issued by Bibliothèque universitaire: {BASE}en/assertions/{A1}/")):
        mailto = html.unescape(re.search(r'href="(mailto:[^"]*)"', text).group(1))
        assert mailto.startswith("mailto:?") and " " not in mailto
        assert parse_qs(urlsplit(mailto).query) == {"subject": [subject], "body": [body]}, unquote(mailto)
    assert "mailto:" not in (out / "assertions" / A3 / "index.html").read_text()  # revoked: nothing to share
    # lean pages: there may be 100,000 of them (A1 has a narrative and evidence, A4 has not)
    assert len(page.encode()) < 8400 and len(png_page.encode()) < 7600, (len(page.encode()), len(png_page.encode()))
    assert (out / "static" / "award.js").is_file() and (out / "static" / "award.css").is_file()


def test_an_untranslated_issuer_name_is_marked_french_on_the_english_award_page(awarded):
    """On /en/ award pages the issuer's name, when it has no English translation, was read with
    English rules by screen readers (WCAG 3.1.2): the badge page marked it lang="fr", the award
    page did not, neither in "Awarded by" nor in the facts (nor the organization named to
    LinkedIn). A translated name carries no lang, nor does the French page's. The organization
    follows the issuer after a comma: in brackets it made "Bibliothèques universitaires (SCD)
    (Université de Lorvanne)", two brackets in a row for a recruiter to read."""
    univ = MINIMAL["content/issuers/univ.md"].replace("        email: contact@univ.example.org\n",
                                                       "        email: contact@univ.example.org\n"
                                                       "        linkedin_organization_id: \"1234\"\n")
    out = build(awarded({"content/issuers/univ.md": univ}))
    english = (out / "en" / "assertions" / A1 / "index.html").read_text()
    assert '<a href="../../../en/issuers/bu/" lang="fr">Bibliothèque universitaire</a>' in english
    assert ('<dd data-copy="Université de Test"><span lang="fr">Bibliothèque universitaire</span>, '
            '<span lang="fr">Université de Test</span></dd>') in english
    french = (out / "assertions" / A1 / "index.html").read_text()
    assert '<a href="../../issuers/bu/">Bibliothèque universitaire</a>' in french and "<span lang" not in french

    out = build(awarded({"content/issuers/univ.md": univ,
                         "content/issuers/univ.en.md": "---\nname: Test University\n---\nThe university.\n"}))
    english = (out / "en" / "assertions" / A1 / "index.html").read_text()
    assert ('<dd data-copy="Test University"><span lang="fr">Bibliothèque universitaire</span>, '
            'Test University</dd>') in english
    png_page = (out / "en" / "assertions" / A4 / "index.html").read_text()  # atelier-png: issued by univ itself
    assert '<a href="../../../en/issuers/univ/">Test University</a>' in png_page
    assert '<dd data-copy>Test University</dd>' in png_page


# -- baking -----------------------------------------------------------------------------------

def test_bake_and_unbake_png_keeps_every_other_chunk():
    original = png_bytes(256)
    baked = baking.bake_png(original, '{"id": "é"}')
    assert baking.unbake_png(baked) == '{"id": "é"}'
    assert baked.startswith(original[:-12]) and baked.endswith(original[-12:])  # inserted before IEND only
    again = baking.bake_png(baked, "second")
    assert baking.unbake_png(again) == "second" and again.count(b"iTXtopenbadges") == 1
    from PIL import Image
    import io
    assert Image.open(io.BytesIO(baked)).size == (256, 256)
    with pytest.raises(baking.BakingError):
        baking.bake_png(b"not a png", "x")


def test_bake_and_unbake_svg():
    baked = baking.bake_svg(SQUARE_SVG, '{"a": "]]>"}', "https://x.example.org/a.json")
    assert 'xmlns:openbadges="http://openbadges.org"' in baked
    assert '<openbadges:assertion verify="https://x.example.org/a.json">' in baked
    assert baking.unbake_svg(baked) == '{"a": "]]>"}'
    again = baking.bake_svg(baked, "{}", "https://x.example.org/b.json")
    assert again.count("<openbadges:assertion") == 1 and again.count("xmlns:openbadges") == 1
    import xml.etree.ElementTree as ET
    ET.fromstring(again)  # still well-formed


def baked(out: Path, award_id: str) -> tuple[str, bytes]:
    """The baked badge of an award of a built site, as the page's script makes it (see
    test_browser_award: the script's bytes equal these): (file name, bytes)."""
    from generator.loader import load_site
    from generator.render import ob2
    from generator.render.base import Renderer

    site = load_site(out.parent)
    [award] = [a for a in site.awards if a.id == award_id]
    badge = site.default.award_badge(award.badge)  # as published under the slug its record names
    return f"{badge.slug}.{badge.image.kind}", ob2.baked_image(Renderer(site, out.parent / ".vitrine-cache"), award, badge)


def test_baked_images_hold_their_assertion(awarded):
    out = build(awarded())
    name, data = baked(out, A4)
    assert name == "atelier-png.png"
    assert json.loads(baking.unbake_png(data)) == json.loads((out / "assertions" / f"{A4}.json").read_text())
    name, data = baked(out, A1)
    assert json.loads(baking.unbake_svg(data.decode()))["id"] == f"{BASE}assertions/{A1}.json"


# -- commands -----------------------------------------------------------------------------------

def test_award_one_person_appends_without_touching_the_rest(awarded):
    root = awarded()
    before = (root / "awards" / "prise-de-parole.yaml").read_text()
    status, out, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "eve@example.org",
                               "--name", "Ève Neuve", "--consent", "--evidence", "https://example.org/e",
                               "--narrative", "Très bien", "--date", "2024-12-01")
    assert status == 0, err
    after = (root / "awards" / "prise-de-parole.yaml").read_text()
    assert after.startswith(before)
    added = after[len(before):]
    new_id = re.search(r"- id: ([0-9a-f-]{36})\n", added).group(1)
    assert re.fullmatch(
        rf"- id: {new_id}\n  badge: prise-de-parole\n  recipient: eve@example.org\n  name: Ève Neuve\n  consent: true\n"
        r"  issued_on: 2024-12-01\n  evidence:\n  - https://example.org/e\n  narrative: Très bien\n  salt: [0-9a-f]{32}\n", added)
    assert new_id in out
    built = build(root)
    assert json.loads((built / "assertions" / f"{new_id}.json").read_text())["issuedOn"] == "2024-12-01T00:00:00+00:00"


def test_award_with_a_name_but_no_consent_says_the_name_is_not_published(awarded):
    root = awarded()
    status, out, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "eve@example.org",
                               "--name", "Ève Martin")
    assert status == 0, err
    assert ('The name "Ève Martin" is not published (no --consent): to publish it, once the person agreed, set '
            "consent: true in its record (awards/prise-de-parole.yaml).") in out
    status, out, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "flo@example.org",
                               "--name", "Flo Martin", "--consent")
    assert status == 0 and "is not published" not in out

def test_award_on_a_retired_badge_records_what_was_awarded_before_its_retirement(awarded, tmp_path):
    """A record of an award made before a badge's `retired` day is valid (written by hand, it
    builds), but `vitrine award` refused it whatever its --date: a service that retires a badge
    and then finds last session's list could not record it with the tool."""
    retired = PNG_BADGE.replace("category: participation", "category: participation\nstatus: retired\nretired: 2024-06-30")
    root = awarded({"content/badges/ancien.md": retired,
                    "content/badges/vieux.md": PNG_BADGE.replace("category: participation",
                                                                 "category: participation\nstatus: retired")})
    file = root / "awards" / "ancien.yaml"
    status, _, err = run_cli("award", "ancien", "--site", str(root), "--to", "eve@example.org")
    assert status == 1 and not file.exists()
    assert ('vitrine award: "ancien" was retired on 2024-06-30: it is no longer awarded (an award made before then '
            "takes --date, on or before 2024-06-30)") in err
    status, _, err = run_cli("award", "ancien", "--site", str(root), "--to", "eve@example.org", "--date", "2024-07-01")
    assert status == 1 and not file.exists() and "was retired on 2024-06-30" in err
    status, _, err = run_cli("award", "vieux", "--site", str(root), "--to", "eve@example.org", "--date", "2024-01-01")
    assert status == 1 and 'give the badge the day it was retired, "retired: YYYY-MM-DD"' in err
    status, out, err = run_cli("award", "ancien", "--site", str(root), "--to", "eve@example.org", "--date", "2024-06-30")
    assert status == 0, err
    assert "issued_on: 2024-06-30" in file.read_text()
    # a spreadsheet's rows carry their own days: each is checked as a record is
    sheet = tmp_path / "session.csv"
    sheet.write_text("email;issued_on\nflo@example.org;2024-05-02\n", encoding="utf-8")
    status, out, err = run_cli("award", "ancien", "--site", str(root), "--csv", str(sheet))
    assert status == 0, err
    late = tmp_path / "late.csv"
    late.write_text("email;issued_on\ngus@example.org;2024-09-02\n", encoding="utf-8")
    before = file.read_text()
    status, out, err = run_cli("award", "ancien", "--site", str(root), "--csv", str(late))
    assert status == 1 and file.read_text() == before and "Traceback" not in err
    assert err.splitlines()[0] == (f"{late}:2:2: issued_on: 2024-09-02 is after the badge was retired (2024-06-30): "
                                   "a retired badge is no longer awarded"), err
    assert build(root).joinpath("badges", "ancien", "index.html").is_file()


def test_award_refuses_mistakes_and_writes_nothing(awarded):
    root = awarded()
    before = (root / "awards" / "prise-de-parole.yaml").read_text()
    status, _, err = run_cli("award", "prise-de-parol", "--site", str(root), "--to", "x@example.org")
    assert status == 1 and 'no badge "prise-de-parol" (did you mean "prise-de-parole"?)' in err
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "alice.martin@example.org")
    assert status == 1 and "already holds this badge" in err
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "nope", "--date", "2026-01-01")
    assert status == 1 and "not a valid e-mail address" in err and "is in the future" in err
    assert (root / "awards" / "prise-de-parole.yaml").read_text() == before
    assert "Traceback" not in err


def test_award_from_csv_all_or_nothing(awarded, tmp_path):
    root = awarded()
    bad = tmp_path / "promo.csv"
    bad.write_text("email;nom;consent;evidence;issued_on\n"
                   "e1@example.org;Eve One;oui;https://example.org/e1;12/03/2024\n"
                   "nope;;peut-être;ftp://x;2024-13-01\n"
                   "\n"
                   "E1@example.org;;;;\n", encoding="utf-8")
    before = (root / "awards" / "prise-de-parole.yaml").read_text()
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--csv", str(bad))
    assert status == 1
    assert err.splitlines() == [
        f'{bad}:3:1: email: "nope" is not a valid e-mail address (name@domain.org)',
        f'{bad}:3:3: consent: "peut-être" is not a clear yes or no: write oui or non (a name is published only after a clear yes)',
        f'{bad}:3:4: evidence: "ftp://x" is not an absolute http(s) URL (several URLs are separated by spaces)',
        f'{bad}:3:5: issued_on: "2024-13-01" is not a date: there is no month 13 (year-month-day)',
        f"{bad}:5:1: email: E1@example.org is already on line 2 of this file",
        f"vitrine: 5 problems in {bad}: no award was made.",
    ]
    assert (root / "awards" / "prise-de-parole.yaml").read_text() == before
    good = tmp_path / "ok.csv"
    good.write_text("email,name,consent,issued_on\n" + "".join(
        f"s{i}@example.org,Student {i},{'yes' if i % 2 else 'no'},2024-09-0{1 + i % 9}\n" for i in range(229)))
    status, out, err = run_cli("award", "prise-de-parole", "--site", str(root), "--csv", str(good))
    assert status == 0, err
    assert "to 229 people" in out
    status, out, _ = run_cli("awards", "--site", str(root), "--badge", "prise-de-parole", "--status", "valid")
    assert out.splitlines()[-1] == "230 awards (230 valid)."  # 229 + Alice
    built = build(root)
    assert len(list((built / "assertions").glob("*.json"))) == 233


def test_award_refuses_a_recipient_address_where_it_would_be_published(awarded, tmp_path):
    """The same check as the records', said where the mistake is: at the CSV's cell, or at the
    option (the message named a line of awards/*.yaml that was never written)."""
    root = awarded()
    before = (root / "awards" / "prise-de-parole.yaml").read_text()
    sheet = tmp_path / "promo.csv"
    sheet.write_text("email;name;consent;narrative;evidence\n"
                     "e1@example.org;e1@example.org;oui;;\n"  # the address in the name column
                     "e2@example.org;Eve Two;oui;Écrire à E2@example.org;https://example.org/?m=e2%40example.org\n",
                     encoding="utf-8")
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--csv", str(sheet))
    assert status == 1
    problem = "holds the recipient's e-mail address, which is never published: take it out"
    assert err.splitlines() == [
        f"{sheet}:2:2: name: is an e-mail address: a name is published (consent: true), an address never is",
        f"{sheet}:3:4: narrative: {problem}",
        f"{sheet}:3:5: evidence: {problem}",
        f"vitrine: 3 problems in {sheet}: no award was made.",
    ]
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "e3@example.org",
                             "--name", "e3@example.org", "--consent")
    assert status == 1 and err.splitlines() == [
        "vitrine award: --name is an e-mail address: a name is published (consent: true), an address never is",
        "vitrine: nothing was written."]
    assert (root / "awards" / "prise-de-parole.yaml").read_text() == before


def test_award_from_csv_with_an_excel_sep_line_that_says_another_separator(awarded, tmp_path):
    """A "sep=" first line is read as the separator (test_award_csv); one that contradicts the
    header row is refused, naming both."""
    root = awarded()
    before = (root / "awards" / "prise-de-parole.yaml").read_text()
    for first in ("sep=,", '"sep=,"', "sep=,;"):
        csv_file = tmp_path / "excel.csv"
        csv_file.write_bytes(f"\ufeff{first}\r\nemail;name\r\ne1@example.org;Eve One\r\n".encode())
        status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--csv", str(csv_file))
        assert status == 1
        assert err.splitlines() == [
            f'{csv_file}:1:1: the first line declares the separator "," (sep=), but the header row (line 2) is '
            'separated by ";": correct the first line, or delete it',
            f"vitrine: 1 problem in {csv_file}: no award was made.",
        ]
    assert (root / "awards" / "prise-de-parole.yaml").read_text() == before


def test_award_and_revoke_say_why_a_well_written_day_is_no_day(awarded):
    """--date 2025-02-30 is written YYYY-MM-DD: "expected YYYY-MM-DD" told its author nothing."""
    root = awarded()
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "x@example.org",
                             "--date", "2024-02-30")
    assert status == 1 and err.splitlines()[0] == 'vitrine award: --date "2024-02-30" is not a date: February 2024 has 29 days'
    status, _, err = run_cli("revoke", A1, "--site", str(root), "--reason", "x", "--date", "2024-13-01")
    assert status == 1 and ('vitrine revoke: --date "2024-13-01" is not a date: there is no month 13: expected '
                            "YYYY-MM-DD, the month before the day") in err


def test_a_day_that_reads_two_ways_is_refused_with_both(awarded):
    """--date 03/12/2025 was read day first without a word: an American volunteer's March 12
    became the 3rd of December on every page and credential of the award, for years."""
    root = awarded()
    before = (root / "awards" / "prise-de-parole.yaml").read_text()
    status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", "x@example.org",
                             "--date", "03/12/2024")
    assert status == 1 and err.splitlines()[0] == (
        'vitrine award: --date "03/12/2024" could be 3 December 2024 (day first) or March 12, 2024 (month first): '
        "write it as YYYY-MM-DD (2024-12-03 or 2024-03-12)")
    status, _, err = run_cli("revoke", A1, "--site", str(root), "--reason", "x", "--date", "05/06/2024")
    assert status == 1 and 'could be 5 June 2024 (day first) or May 6, 2024 (month first)' in err
    assert (root / "awards" / "prise-de-parole.yaml").read_text() == before
    # a day that reads one way only is taken: 13/12 has no month 13, 07/07 is the same both ways
    for given, day in (("13/11/2024", "2024-11-13"), ("07/07/2024", "2024-07-07")):
        status, _, err = run_cli("award", "prise-de-parole", "--site", str(root), "--to", f"{day}@example.org",
                                 "--date", given)
        assert status == 0, err
        assert f"issued_on: {day}" in (root / "awards" / "prise-de-parole.yaml").read_text()


def test_revoke(awarded):
    root = awarded()
    status, out, err = run_cli("revoke", A1[:8], "--site", str(root), "--reason", "Fraude: travail copié")
    assert status == 0, err
    text = (root / "awards" / "prise-de-parole.yaml").read_text()
    assert '  salt: 0123456789abcdef0123456789abcdef\n  revoked:\n    date: 2025-01-01\n    reason: "Fraude: travail copié"\n- id: 2c5f' in text
    status, _, err = run_cli("revoke", A1, "--site", str(root), "--reason", "encore")
    assert status == 1 and err.splitlines()[0] == (f"awards/prise-de-parole.yaml:2:1: revoked: award {A1} was already "
                                                   "revoked on 2025-01-01")
    status, _, err = run_cli("revoke", "ffffffff", "--site", str(root), "--reason", "x")
    assert status == 1 and "is not the id of any award" in err
    status, _, err = run_cli("revoke", A1[:4], "--site", str(root), "--reason", "x")  # an id's start, too short
    assert status == 1 and f'vitrine revoke: "{A1[:4]}" is too short: give the id\'s first 8 characters or more\n' in err
    out_dir = build(root)
    assert json.loads((out_dir / "assertions" / f"{A1}.json").read_text())["revocationReason"] == "Fraude: travail copié"


def test_awards_listing(awarded):
    root = awarded()
    status, out, _ = run_cli("awards", "--site", str(root))
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "badge", "issued_on", "expires", "status", "recipient", "name"]
    assert lines[-1] == "4 awards (2 valid, 1 expired, 1 revoked)."
    assert "Bob Secret (not published)" in out
    status, out, _ = run_cli("awards", "--site", str(root), "--status", "revoked")
    assert A3 in out and A1 not in out
    status, out, err = run_cli("awards", "--site", str(root), "--badge", "prise-de-parol")
    assert status == 1 and out == ""
    assert err == 'vitrine awards: no badge "prise-de-parol" (did you mean "prise-de-parole"?)\n'


def test_award_pages_rendered_once_per_kind_equal_a_plain_render(awarded):
    """Award pages are rendered once per kind of award, with markers for the award's values
    (render/award_pages.py): the pages must be exactly what rendering each award gives."""
    from generator.awards import render_narratives, today
    from generator.loader import load_site
    from generator.render import award_pages
    from generator.render.base import Renderer

    odd = f"""\
- id: 5e8c6c00-0000-4000-8000-000000000001
  badge: prise-de-parole
  recipient: odd@example.org
  name: "Zoé <b>&amp; \\"O'Neil\\""
  consent: true
  issued_on: 2024-02-01
  narrative: "Un <script> & **gras** {{{{ x }}}}"
  evidence:
    - {{url: "https://example.org/a?b=1&c=2'", name: "Vidéo & \\"moi\\""}}
    - {{narrative: "Seulement *un récit* & <i>"}}
    - https://example.org/x
  salt: {SALT}
- id: 5e8c6c00-0000-4000-8000-000000000002
  badge: atelier-png
  recipient: odd2@example.org
  issued_on: 2024-03-01
  salt: {SALT}
  revoked: {{date: 2024-04-01, reason: "Fraude <avérée> & \\"grave\\""}}
"""
    odd_badge = PNG_BADGE.replace("name: Atelier PNG", "name: \"Atelier <PNG> & \\\"co\\\"\"").replace(
        "description: Un badge avec une image PNG.", "description: \"Décrit avec <b>, & et 'guillemets'\"").replace(
        "image_alt: Un carré bleu", "image_alt: \"Un <carré> & rien\"")
    odd += f"""\
- id: 5e8c6c00-0000-4000-8000-000000000003
  badge: atelier-bizarre
  recipient: odd3@example.org
  issued_on: 2024-03-02
  salt: {SALT}
- id: 5e8c6c00-0000-4000-8000-000000000004
  badge: atelier-png
  recipient: odd4@example.org
  issued_on: 2024-03-03
  salt: {SALT}
"""

    def check(root: Path) -> dict:
        site = load_site(root)
        r = Renderer(site, root / ".vitrine-cache")
        on = today()
        seen = 0
        for cat in site.catalogues.values():
            for award in site.awards:
                badge = cat.badges[award.badge]
                fast = award_pages._page(r, cat, award, badge, on)
                plain = award_pages.render(r, cat, render_narratives(award), badge, award.status(on))
                assert fast == plain, (cat.lang, award.id)
                assert b"\x00" not in fast
                seen += 1
        assert seen == 2 * 8
        return r.__dict__

    state = check(awarded({"awards/odd.yaml": odd, "content/badges/atelier-bizarre.md": odd_badge}))
    # the default template reads nothing of a badge that a marker does not stand for: one frame
    # per kind of award, shared by the badges
    assert not state.get("_award_frames_per_badge")
    assert len(state["_award_frames"]) == 2 * 7  # the last two awards share theirs
    # a site's own template that reads more of the badge gets frames per badge, still exact
    own = (Path(award_pages.__file__).parent.parent / "themes/default/templates/assertion.html").read_text()
    own = own.replace("</main>", '<p class="cat">{{ badge.category }} {{ badge.issuer.slug }}</p></main>')
    state = check(awarded({"awards/odd.yaml": odd, "content/badges/atelier-bizarre.md": odd_badge,
                           "templates/assertion.html": own}))
    assert state.get("_award_frames_per_badge")


def test_consent_written_in_french_gets_the_value_to_write(awarded):
    record = (f"- id: {A1}\n  badge: prise-de-parole\n  recipient: alice.martin@example.org\n  name: Alice Martin\n"
              f"  consent: oui\n  issued_on: 2024-06-12\n  salt: {SALT}\n")
    root = awarded({"awards/prise-de-parole.yaml": record})
    assert problems_of(root) == [
        'awards/prise-de-parole.yaml:5:12: consent: expected true or false, found text "oui": write consent: true']
