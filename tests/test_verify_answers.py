"""`vitrine verify` answers truthfully about what it was given: a revoked award names its badge,
issuer, day and reason from what the issuer's site publishes (saying where), and what is not an
award (a badge's page or BadgeClass, an issuer's page or profile, a list, a home page) is named
as such, with what to give instead."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from test_awards import A1, A2, A3
from test_ob3 import BASE, build, ob3_key, ob3_site  # noqa: F401 - fixtures

ADVICE = ("to check someone's award, give the address of the award's page (…/assertions/<id>/), its JSON "
          "(…/assertions/<id>.json or …/credentials/<id>.json) or its baked image (PNG or SVG)")


@pytest.fixture
def built(ob3_site):
    root = ob3_site()
    output = build(root)
    return output, f"{BASE}={output}"


def verify(target: str, offline: str) -> tuple[int, str]:
    status, out, err = run_cli("verify", target, "--offline", offline)
    assert "Traceback" not in err, err
    return status, out.rstrip("\n")


def test_a_revoked_assertion_names_its_badge_from_the_award_page(built):
    output, offline = built
    page = f"{BASE}assertions/{A3}/"
    for target in (f"{BASE}assertions/{A3}.json", page, str(output / f"assertions/{A3}.json")):
        status, out = verify(target, offline)
        assert status == 1
        lines = out.split("\n")
        assert lines[1].startswith("  ✗ status  REVOKED by its issuer: Attribué par erreur")
        assert lines[2] == (
            f'  – badge   a revoked assertion keeps only its id and the reason; its award page {page} names the badge '
            f'"Prise de parole" by Bibliothèque universitaire and says it was revoked on 2024-02-01; its Open Badges '
            f"3.0 credential {BASE}credentials/{A3}.json names the same (what the issuer's site says, not checked)")
        assert lines[-1] == ('REVOKED by its issuer: "Prise de parole" issued by Bibliothèque universitaire, revoked on '
                             "2024-02-01, as its award page and its Open Badges 3.0 credential say. It must no longer "
                             "be considered earned")
    # the English page names the badge in English (no translation here: the same name), and is the one read
    status, out = verify(f"{BASE}en/assertions/{A3}/", offline)
    assert f"its award page {BASE}en/assertions/{A3}/ names the badge" in out


def test_a_revoked_assertion_without_its_page_says_so(built):
    output, offline = built
    (output / f"assertions/{A3}/index.html").unlink()
    status, out = verify(f"{BASE}assertions/{A3}.json", offline)
    assert status == 1
    assert out.split("\n")[2:] == [
        "  – badge   a revoked assertion keeps only its id and the reason, and no page of its issuer's site was "
        "found that names its badge",
        "REVOKED by its issuer: it must no longer be considered earned"]


def test_a_page_of_another_award_is_not_believed(built):
    output, offline = built
    # a page at the revoked award's address that links to another award names nothing about this one
    (output / f"assertions/{A3}/index.html").write_text(
        (output / f"assertions/{A1}/index.html").read_text(encoding="utf-8"), encoding="utf-8")
    status, out = verify(f"{BASE}assertions/{A3}.json", offline)
    assert "no page of its issuer's site was found that names its badge" in out
    assert out.endswith("\nREVOKED by its issuer: it must no longer be considered earned")


def test_a_revoked_credential_says_when_and_why(built):
    output, offline = built
    status, out = verify(f"{BASE}credentials/{A3}.json", offline)
    assert status == 1
    status_line = next(line for line in out.split("\n") if line.startswith("  ✗ status"))
    assert status_line.endswith(
        f"a list signed by the issuer); its award page {BASE}assertions/{A3}/ says it was revoked on 2024-02-01 "
        f'for this reason: "Attribué par erreur" (in {BASE}assertions/{A3}.json)')
    assert out.split("\n")[-1] == ('REVOKED by its issuer: "Prise de parole" issued by Bibliothèque universitaire, whose '
                                   "site is badges.example.org, revoked on 2024-02-01 (as its award page says). It must "
                                   "no longer be considered earned")
    status, result = run_cli("verify", f"{BASE}credentials/{A3}.json", "--offline", offline, "--json")[:2]
    assert json.loads(result)["summary"]["revoked_on"] == "2024-02-01"


@pytest.mark.parametrize("path, head, message", [
    ("badges/prise-de-parole/", "Not an award: a badge's web page: {url}",
     '{url} is the page of the badge "Prise de parole" by Bibliothèque universitaire (Open Badges 2.0 BadgeClass '
     "at {base}badges/prise-de-parole.json): the badge's description, not someone's award. To check someone's "
     "award, give the address of the award's page (…/assertions/<id>/) or its baked image (PNG or SVG)"),
    ("en/badges/prise-de-parole/", "Not an award: a badge's web page: {url}",
     '{url} is the page of the badge "Prise de parole" by Bibliothèque universitaire (Open Badges 2.0 BadgeClass '
     "at {base}badges/prise-de-parole.json): the badge's description, not someone's award. To check someone's "
     "award, give the address of the award's page (…/assertions/<id>/) or its baked image (PNG or SVG)"),
    ("badges/prise-de-parole.json", "Not an award: Open Badges 2.0 BadgeClass (JSON) from {url}",
     '{url} is the description of the badge "Prise de parole" by Bibliothèque universitaire, not someone\'s '
     "award; " + ADVICE),
    ("issuers/bu/", "Not an award: an issuer's web page: {url}",
     '{url} is the page of the issuer "Bibliothèque universitaire" (Open Badges issuer profile at '
     "{base}issuers/bu.json): not an award; " + ADVICE),
    ("issuers/bu.json", "Not an award: Open Badges issuer profile (JSON) from {url}",
     '{url} is the profile of the issuer "Bibliothèque universitaire", not an award; ' + ADVICE),
    ("", "Not an award: a web page: {url}",
     "{url} is a web page that is not an award's page (it links to no Open Badge); " + ADVICE),
    ("status/1.json", "Not an award: status list (JSON) from {url}",
     "{url} is an issuer's status list (one bit per credential, set when it is revoked), not an award; " + ADVICE),
    (".well-known/did.json", "Not an award: DID document (JSON) from {url}",
     "{url} is the DID document of did:web:badges.example.org (an issuer's keys), not an award; " + ADVICE),
])
def test_what_is_not_an_award_is_named(built, path, head, message):
    output, offline = built
    url = BASE + path
    status, out = verify(url, offline)
    assert status == 1
    assert out.split("\n") == [head.format(url=url), "  ✗ type  " + message.format(url=url, base=BASE), "NOT VALID"]


def test_a_badge_page_from_a_file_is_named_too(built):
    output, offline = built
    status, out = verify(str(output / "badges/prise-de-parole/index.html"), offline)
    assert status == 1 and "is the page of the badge \"Prise de parole\" by Bibliothèque universitaire" in out


def test_a_genuine_expired_award_is_said_expired_not_forged(built):
    """A recruiter given an old award read "NOT VALID", as for a forgery; /verify/ says EXPIRED."""
    output, offline = built
    for target in (f"{BASE}credentials/{A2}.json", f"{BASE}assertions/{A2}.json", f"{BASE}assertions/{A2}/"):
        status, out = verify(target, offline)
        assert status == 1, out  # not valid now: the exit status says so to scripts
        assert out.split("\n")[-1].startswith("EXPIRED: "), out
        assert out.endswith(". It was awarded by its issuer, and is no longer current"), out
        assert ", expired on 2022-01-15" in out.split("\n")[-1], out
    status, result = run_cli("verify", f"{BASE}credentials/{A2}.json", "--offline", offline, "--json")[:2]
    assert json.loads(result)["verdict"] == "expired" and json.loads(result)["valid"] is False


def test_an_expired_award_that_was_changed_is_not_valid(built, tmp_path):
    """EXPIRED only for a genuine award: a copy whose signature fails is NOT VALID, whatever its dates."""
    output, offline = built
    credential = json.loads((output / f"credentials/{A2}.json").read_text(encoding="utf-8"))
    credential["credentialSubject"]["achievement"]["name"] = "Autre chose"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(credential), encoding="utf-8")
    status, out = verify(str(changed), offline)
    assert status == 1 and "✗ validity" in out and "✗ signature" in out, out
    assert out.split("\n")[-1].startswith("NOT VALID"), out


def test_an_address_where_nothing_is_published_is_not_found(built):
    """A cut or mistyped award address (from a CV) said "NOT VALID", which reads as a forgery."""
    output, offline = built
    cut = f"{BASE}assertions/{A1[:20]}/"
    status, out = verify(cut, offline)
    assert status == 1
    assert out.split("\n") == [
        f"Not found: {cut}",
        f"  ✗ address  {cut}: no file {output / 'assertions' / A1[:20]} (offline mapping {BASE}={output})",
        "NOT FOUND: nothing is published at this address; it may be mistyped or cut (copied from a CV or a PDF): "
        "ask the holder for the address of their award's page"]
    status, result = run_cli("verify", cut, "--offline", offline, "--json")[:2]
    assert json.loads(result)["verdict"] == "not found"
    # a file that is not there is the command line's mistake, not an address: said as before
    status, out = verify(str(output / "nothing.json"), offline)
    assert out.split("\n")[-1] == "NOT VALID" and "no such file" in out
