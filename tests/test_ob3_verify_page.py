"""The /verify/ page in headless Chromium: a dropped baked badge, a pasted credential, a URL.

The site's URLs (https://badges.example.org/...) are answered from the built output by
Playwright's routing, so the page's fetches of the DID document, status list and hosted JSON
stay on this machine."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path

import pytest

from browser import axe_violations, browser, crawl, needs_browser, serve
from test_awards import A1, A2, A3, A4
from test_ob3 import BASE, build, ob3_key, ob3_site  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, needs_browser]


@pytest.fixture(scope="module")
def signed_site(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    from test_ob3 import TEST_KEY, pem, signing_on
    from conftest import png_bytes, write_site
    from test_awards import AWARDS, PNG_BADGE

    mp.setenv("VITRINE_OB3_KEY", pem(TEST_KEY))
    try:
        root = write_site(tmp_path_factory.mktemp("verify") / "site", {
            "content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
            "awards/prise-de-parole.yaml": AWARDS})
        output = build(signing_on(root))
    finally:
        mp.undo()
    with serve(output) as url, browser() as chromium:
        yield url, chromium, output


def open_page(chromium, url: str, output: Path, lang: str = ""):
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def answer(route):
        rel = route.request.url[len(BASE):].split("#")[0]
        file = output / rel
        if file.is_dir():  # an award's page
            file = file / "index.html"
        if file.is_file():
            route.fulfill(status=200, body=file.read_bytes(), headers={"Access-Control-Allow-Origin": "*",
                                                                       "Content-Type": "application/json"})
        else:
            route.fulfill(status=404, body="not found", headers={"Access-Control-Allow-Origin": "*"})

    page.route(BASE + "**", answer)
    page.goto(f"{url}{lang}verify/")
    return page, errors


def result_of(page) -> tuple[str, list[str]]:
    page.wait_for_function("document.querySelector('[data-verdict]').textContent.length > 0 && "
                           "!document.querySelector('[data-verdict]').textContent.endsWith('…')", timeout=15000)
    return (page.locator("[data-verdict]").inner_text(),
            [li.locator("span").nth(1).inner_text() for li in page.locator("[data-checks] li").all()])


def key_id(output: Path) -> str:
    """The verification method that signed the site's credentials."""
    proof = json.loads((output / f"credentials/{A4}.json").read_text())["proof"]
    return (proof[0] if isinstance(proof, list) else proof)["verificationMethod"]


def test_a_dropped_3_0_badge_is_checked_signature_included(signed_site):
    """The page did not check a 3.0 credential's signature ("Signature: not checked here", "nothing
    wrong found"): it checks its eddsa-rdfc-2022 proof now, as vitrine verify does, and a genuine
    credential is VALID. jsonld.js and the contexts are loaded for that, not before."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))
    assert page.locator("[data-nojs]").is_hidden() and page.locator("form[data-verify]").is_visible()
    assert page.evaluate("typeof window.jsonld") == "undefined"
    page.set_input_files("#verify-file", str(output / f"credentials/{A4}.png"))
    page.fill("#verify-email", "dan@example.org")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict == "Open Badges 3.0 credential — valid: “Atelier PNG”, every check passed.", (verdict, checks)
    assert checks[2] == (f"Signature: valid (eddsa-rdfc-2022, key {key_id(output)}): the credential is exactly as its "
                         "issuer signed it."), checks
    text = "\n".join(checks)
    assert "Issuer's key: the key did:web:badges.example.org#" in text
    assert "Revocation: not revoked" in text and "Recipient: awarded to dan@example.org" in text
    assert page.locator("[data-limits]").inner_text().startswith("Checked in your browser, signatures included")
    assert f"{url}static/vendor/jsonld.esm.min.js" in loaded and f"{url}verify/contexts.json" in loaded
    assert not [u for u in loaded if not u.startswith((url, BASE))]  # nothing from anywhere else
    assert errors == []


def test_a_revoked_credential_pasted_in_french(signed_site):
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output)
    page.fill("#verify-text", (output / f"credentials/{A3}.json").read_text())
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    # said first, in words a recruiter reads (it was "NON valide : voir les vérifications marquées ✗")
    assert verdict == ("Attestation Open Badges 3.0 — RÉVOCATION par son émetteur\u00a0: ce badge ne doit plus être "
                       "considéré comme obtenu. Voir ci-dessous."), verdict
    assert any(c.startswith("Révocation\u00a0: RÉVOQUÉE par son émetteur") for c in checks), checks
    # when and why: neither the credential nor its status list says; its award page and 2.0
    # assertion, on the issuer's site, do (the command line said so, this page did not)
    assert (f"Quand et pourquoi\u00a0: sa page {BASE}assertions/{A3}/ dit qu’il a été révoqué le 1er\u00a0février 2024, "
            "pour ce motif\u00a0: «\u00a0Attribué par erreur\u00a0» (ce que dit le site de l’émetteur).") in checks, checks
    assert errors == []


def test_a_3_0_credential_changed_after_signing_fails_its_signature(signed_site):
    """One byte of the achievement's name changed: the signature does not match, the credential is
    NOT valid (it also differs from its published copy). An intact one is that copy. One whose id
    was changed escaped the comparison with the published copy ("nothing wrong found"): the
    signature covers the id, so it fails too."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    original = (output / f"credentials/{A4}.json").read_text()  # valid until 2030 (the browser's clock is real)
    credential = json.loads(original)
    assert credential["credentialSubject"]["achievement"]["name"] == "Atelier PNG"
    credential["credentialSubject"]["achievement"]["name"] = "Atelier PNH"
    page.fill("#verify-text", json.dumps(credential))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict, (verdict, checks)
    assert (f"Signature: does NOT match the key {key_id(output)}: the credential was changed after signing, or signed by "
            "someone else.") in checks, checks
    assert page.locator("[data-checks] li.verify__check--fail").filter(has_text="Signature").count() == 1
    assert any(c.startswith(f"Published copy: DIFFERS from the copy published at its address, {BASE}credentials/{A4}.json: "
                            "it was changed") for c in checks), checks
    page.fill("#verify-text", original)
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 3.0 credential — valid"), (verdict, checks)
    assert f"Published copy: identical to the copy published at its address, {BASE}credentials/{A4}.json." in checks, checks
    credential = json.loads(original)
    credential["id"] = f"{BASE}credentials/not-published.json"
    page.fill("#verify-text", json.dumps(credential))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert any(c.startswith(f"Published copy: not compared: its address {BASE}credentials/not-published.json could not")
               for c in checks), checks
    assert any(c.startswith("Signature: does NOT match") for c in checks), checks
    assert "NOT valid" in verdict, (verdict, checks)
    assert errors == []


def test_dates_read_as_on_the_award_pages_in_the_pages_language(signed_site):
    """The checks said "valide depuis le 2024-03-01T00:00:00+00:00 ; expire le 2030-03-01T00:00:00+00:00":
    the dates are now written as the award pages write them, in the page's language."""
    url, chromium, output = signed_site
    for lang, expected in (("", "Validité\u00a0: valide depuis le 1er\u00a0mars 2024 ; expire le 1er\u00a0mars 2030."),
                           ("en/", "Validity: valid since 1 March 2024; expires on 1 March 2030.")):
        page, errors = open_page(chromium, url, output, lang)
        page.set_input_files("#verify-file", str(output / f"credentials/{A4}.png"))  # 3.0
        page.click("form[data-verify] button[type=submit]")
        verdict, checks = result_of(page)
        assert expected in checks, checks
        page.set_input_files("#verify-file", [])
        page.fill("#verify-url", f"{BASE}assertions/{A4}.json")  # 2.0, hosted
        page.click("form[data-verify] button[type=submit]")
        verdict, checks = result_of(page)
        assert expected in checks, checks
        assert errors == []
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-text", (output / f"credentials/{A2}.json").read_text())
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "Validity: EXPIRED on 15 January 2022." in checks, checks


def test_a_credential_pointed_at_someone_elses_status_list_fails_the_revocation_check(signed_site):
    """The revoked credential A3, its credentialStatus pointed at a status list of another issuer
    (where its entry is clear): the page said "Revocation: not checked: ... could not be read", a
    skipped check, as if nothing had been found; it is a failed one, as vitrine verify says."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    real = json.loads((output / "status/1.json").read_text())
    other = dict(real, issuer={"id": "did:web:lists.example.net"}, id="https://lists.example.net/status.json")
    clear = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16384), mtime=0)).decode().rstrip("=")  # nobody revoked
    other["credentialSubject"] = dict(real["credentialSubject"], encodedList=clear)
    page.route("https://lists.example.net/**", lambda route: route.fulfill(
        status=200, body=json.dumps(other), headers={"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"}))
    credential = json.loads((output / f"credentials/{A3}.json").read_text())
    credential["credentialStatus"]["statusListCredential"] = "https://lists.example.net/status.json"
    credential["id"] = "urn:uuid:5f1ad4c4-5a1c-4ae0-9a37-6b3c3e0d1f20"  # no published copy to compare with
    page.fill("#verify-text", json.dumps(credential))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "Revocation: the status list https://lists.example.net/status.json is not a list of this issuer's, or not a " \
           "readable status list: nothing shows that the credential was not revoked." in checks, checks
    assert page.locator("[data-checks] li.verify__check--fail").filter(has_text="Revocation").count() == 1
    assert "NOT valid" in verdict, verdict
    # a list that cannot be had at all stays "not checked"
    credential["credentialStatus"]["statusListCredential"] = f"{BASE}status/missing.json"
    page.fill("#verify-text", json.dumps(credential))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert any(c.startswith(f"Revocation: not checked: the status list {BASE}status/missing.json could not be read")
               for c in checks), checks
    assert errors == []


def test_the_badge_given_last_is_the_one_checked(signed_site):
    """Checking badges one after another: a file chosen first was checked again when an address or
    a text was given after it (the file came first whatever came last), so the result shown was
    another badge's. What is given last is checked: giving it clears the others."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    page.set_input_files("#verify-file", str(output / f"credentials/{A4}.png"))  # Atelier PNG
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "Open Badges 3.0 credential" in verdict, verdict
    page.fill("#verify-url", f"{BASE}assertions/{A3}.json")  # revoked, a 2.0 hosted assertion
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict == ("Open Badges 2.0 badge (hosted) — REVOKED by its issuer: this badge must no longer be "
                       "considered earned. See below."), (verdict, checks)
    assert page.evaluate("document.getElementById('verify-file').files.length") == 0  # and the form shows it
    page.fill("#verify-text", (output / f"credentials/{A4}.json").read_text())
    assert page.input_value("#verify-url") == ""
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "Open Badges 3.0 credential — valid" in verdict, (verdict, checks)
    page.set_input_files("#verify-file", str(output / f"credentials/{A1}.svg"))
    assert page.input_value("#verify-text") == ""
    # dropped on the drop zone, as a person does with the mouse
    data = page.evaluate_handle("""async (url) => {
        const bytes = await (await fetch(url)).arrayBuffer();
        const dt = new DataTransfer(); dt.items.add(new File([bytes], "badge.png", {type: "image/png"})); return dt;
    }""", f"{BASE}credentials/{A4}.png")
    page.fill("#verify-url", f"{BASE}assertions/{A3}.json")
    page.dispatch_event("[data-drop]", "drop", {"dataTransfer": data})
    verdict, checks = result_of(page)
    assert "Open Badges 3.0 credential — valid" in verdict, (verdict, checks)
    assert page.input_value("#verify-url") == ""
    assert errors == []


def test_a_3_0_result_says_which_badge_and_issuer(signed_site):
    """A 3.0 credential's result named neither the badge nor its issuer (only a DID in the key's
    line), where a 2.0 badge's says "Badge: “Prise de parole”, by Bibliothèque universitaire": a
    recruiter could not see what had been checked. It says it now, in both languages."""
    url, chromium, output = signed_site
    for lang, expected in (("en/", "Badge: “Prise de parole”, by Bibliothèque universitaire."),
                           ("", "Badge\u00a0: «\u00a0Prise de parole\u00a0», par Bibliothèque universitaire.")):
        page, errors = open_page(chromium, url, output, lang)
        page.fill("#verify-text", (output / f"credentials/{A1}.json").read_text())
        page.click("form[data-verify] button[type=submit]")
        verdict, checks = result_of(page)
        assert expected in checks, checks
        assert checks.index(expected) == 1  # right after the structure
        assert errors == []


def test_check_this_badge_from_its_award_page(signed_site):
    """An award page's "Verify this badge" section linked to an empty /verify/ form: the verifier
    had to find and paste the award's address. The link now opens /verify/ with the award's address
    filled in and checked at once; an address of another site, given in such a link, is neither."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    page.goto(f"{url}en/assertions/{A4}/")
    page.get_by_role("link", name="Check this badge on the verification page").click()
    page.wait_for_url(lambda address: address.startswith(f"{url}en/verify/?url="))
    assert page.input_value("#verify-url") == f"{BASE}assertions/{A4}/"
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 2.0 badge (hosted) — valid: “Atelier PNG”"), (verdict, checks)
    page.set_viewport_size({"width": 360, "height": 640})  # a phone: the result is shown, below the form
    page.reload()
    result_of(page)
    page.wait_for_function("document.querySelector('[data-result]').getBoundingClientRect().top < 320", timeout=5000)
    page.goto(f"{url}verify/?url=https://elsewhere.example.net/assertions/x.json")
    page.wait_for_timeout(300)
    assert page.input_value("#verify-url") == "" and page.locator("[data-result]").is_hidden()
    assert errors == []


def test_a_2_0_badge_by_its_url_and_a_baked_svg(signed_site):
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-url", f"{BASE}assertions/{A4}.json")  # valid until 2030 (the browser's clock is real)
    page.fill("#verify-email", "dan@example.org")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 2.0 badge (hosted) — valid"), (verdict, checks)
    # the award's page, as printed and in its QR code: its badge is the JSON it links to (it said
    # "not an Open Badge this page can read")
    page.fill("#verify-url", f"{BASE}assertions/{A4}/")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 2.0 badge (hosted) — valid"), (verdict, checks)
    page.fill("#verify-url", f"{BASE}badges/prise-de-parole/")  # a badge's page: no award behind it
    page.fill("#verify-email", "")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict and checks[0].startswith("What it is: this is the page of the badge"), (verdict, checks)
    page.fill("#verify-url", "")
    page.set_input_files("#verify-file", str(output / f"credentials/{A1}.svg"))
    page.fill("#verify-email", "someone@example.org")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict and any(c.startswith("Recipient: NOT awarded") for c in checks), (verdict, checks)
    assert errors == []


def test_the_page_is_accessible_and_works_without_javascript(signed_site):
    url, chromium, output = signed_site
    assert crawl(url, ["verify/", "en/verify/"]) == []
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{url}en/verify/")
    assert page.locator("[data-nojs]").is_visible()
    assert "vitrine verify" in page.locator("[data-nojs]").inner_text()
    context.close()


def test_a_signed_2_0_badge_by_the_address_of_its_json(ob2_signed_site):
    """As `vitrine verify` does (verify_ob2.jws_beside): a signed assertion's JSON URL is checked
    from the JWS published beside it. The page checked the JSON as if hosted, and said "valid"
    without looking at the signature."""
    url, chromium, output, _key = ob2_signed_site
    assert (output / f"assertions/{A4}.jws").is_file()
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-url", f"{BASE}assertions/{A4}.json")
    page.fill("#verify-email", "dan@example.org")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 2.0 badge (signed) — valid"), (verdict, checks)
    assert any(c.startswith("Signature: verified with the key") for c in checks), checks


def test_a_signed_2_0_badges_json_pasted_or_dropped_is_checked_by_the_jws_at_its_id(ob2_signed_site, tmp_path):
    """As `vitrine verify FILE` does (verify_ob2.check_signed_json): the JSON of a signed assertion,
    pasted or dropped (a downloaded file), was "NOT valid" ("not its JSON alone"); it is checked
    by the JWS published at its id, when that signs exactly this JSON. A changed copy is not."""
    url, chromium, output, _key = ob2_signed_site
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-text", (output / f"assertions/{A4}.json").read_text())
    page.fill("#verify-email", "dan@example.org")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 2.0 badge (signed) — valid"), (verdict, checks)
    assert any(c.startswith("Signature: verified with the key") for c in checks), checks
    dropped = tmp_path / "badge.json"
    dropped.write_text((output / f"assertions/{A4}.json").read_text())
    page.fill("#verify-text", "")
    page.set_input_files("#verify-file", str(dropped))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 2.0 badge (signed) — valid"), (verdict, checks)
    changed = json.loads(dropped.read_text())
    changed["expires"] = "2099-01-01T00:00:00+00:00"
    dropped.write_text(json.dumps(changed))
    page.set_input_files("#verify-file", str(dropped))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict and (
        f"Signature: this copy is not the badge its issuer signed (the signature published at {BASE}assertions/{A4}.jws "
        "is of another version of it: changed since, or signed again): download it again from its page.") in checks, (
        verdict, checks)
    assert errors == []
# -- signed Open Badges 2.0: whose key signed it ------------------------------------------------------

EVIL = "https://evil.example.net/"


@pytest.fixture(scope="module")
def ob2_signed_site(tmp_path_factory, signed_site):
    """A site signing Open Badges 2.0 (and 3.0), and an RSA key of someone else's."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from conftest import png_bytes, write_site
    from test_awards import AWARDS, PNG_BADGE
    from test_ob3 import TEST_KEY, pem, signing_on

    def private(key) -> str:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode("ascii")
    issuer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    mp = pytest.MonkeyPatch()
    mp.setenv("VITRINE_OB3_KEY", pem(TEST_KEY))
    mp.setenv("VITRINE_OB2_KEY", private(issuer_key))
    try:
        root = write_site(tmp_path_factory.mktemp("verify-ob2") / "site", {
            "content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
            "awards/prise-de-parole.yaml": AWARDS})
        output = build(signing_on(root, "  ob2: true\n"))
    finally:
        mp.undo()
    chromium = signed_site[1]  # one browser for the module
    with serve(output) as url:
        yield url, chromium, output, issuer_key


def signed_with(output: Path, award_id: str, key, creator: str) -> str:
    """The award's signed assertion, signed again by `key` and naming `creator` as its key."""
    from generator import jws

    claims = json.loads(jws.parts((output / f"assertions/{award_id}.jws").read_text().strip())[1])
    claims["verification"] = {"type": "SignedBadge", "creator": creator}
    return jws.sign_rs256(jws.canonical(claims), key)


def key_document(key, url: str, owner: str, expires: str | None = None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    doc = {"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": url, "owner": owner,
           "publicKeyPem": key.public_key().public_bytes(serialization.Encoding.PEM,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()}
    if expires:
        doc["expires"] = expires
    return json.dumps(doc).encode()


def test_a_signed_2_0_badge_whose_issuer_cannot_be_read_is_not_said_to_have_no_revocation_list(ob2_signed_site):
    """Signed by the issuer's key, but naming a BadgeClass that cannot be read: the page said
    "Revocation: the issuer publishes no revocation list", which it could not know (the issuer's
    profile, which names the list, was never read). It no longer says it; the badge's line says why."""
    from generator import jws

    url, chromium, output, issuer_key = ob2_signed_site
    claims = json.loads(jws.parts((output / f"assertions/{A4}.jws").read_text().strip())[1])
    claims["badge"] = f"{BASE}badges/gone.json"
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-text", jws.sign_rs256(jws.canonical(claims), issuer_key))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict and any(c.startswith("Badge: the badge's description or its issuer could not be read")
                                          for c in checks), checks
    assert not any("publishes no revocation list" in c for c in checks), checks
    assert errors == []


def test_a_2_0_badge_signed_by_a_key_that_is_not_the_issuers_is_not_valid(ob2_signed_site):
    """The page checked the JWS with whatever key it named, then the badge and its issuer: a badge
    signed with a forger's own key, naming a real issuer's BadgeClass, came out "valid, every check
    passed". The key must be owned by the issuer and named by its profile (or retired after the
    badge was issued), as `vitrine verify` and 1EdTech's validator require."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    url, chromium, output, issuer_key = ob2_signed_site
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = f"{BASE}issuers/univ.json"
    documents = {  # URL -> body, served beside the site's own files
        f"{EVIL}key.json": key_document(forger, f"{EVIL}key.json", f"{EVIL}issuer.json"),
        f"{EVIL}claims-univ.json": key_document(forger, f"{EVIL}claims-univ.json", issuer),
        f"{BASE}keys/univ/retired-2020.json": key_document(issuer_key, f"{BASE}keys/univ/retired-2020.json", issuer,
                                                           "2020-01-01T00:00:00+00:00"),
        f"{BASE}keys/univ/retired-2025.json": key_document(issuer_key, f"{BASE}keys/univ/retired-2025.json", issuer,
                                                           "2025-01-01T00:00:00+00:00"),
    }
    page, errors = open_page(chromium, url, output, "en/")

    def extra(route):
        body = documents.get(route.request.url)
        if body is None:
            return route.fallback()
        route.fulfill(status=200, body=body, headers={"Access-Control-Allow-Origin": "*",
                                                      "Content-Type": "application/json"})
    page.route(EVIL + "**", extra)
    page.route(BASE + "keys/univ/retired-*", extra)

    def check(token: str) -> tuple[str, list[str]]:
        page.fill("#verify-text", token)
        page.click("form[data-verify] button[type=submit]")
        return result_of(page)

    genuine = (output / f"assertions/{A4}.jws").read_text().strip()
    verdict, checks = check(genuine)
    assert verdict.startswith("Open Badges 2.0 badge (signed) — valid"), (verdict, checks)
    assert any(c.startswith("Issuer's key: the key is owned by the issuer") for c in checks), checks
    for creator, why in ((f"{EVIL}key.json", "is not owned by the issuer"),
                         (f"{EVIL}claims-univ.json", "is not named by the issuer's profile")):
        verdict, checks = check(signed_with(output, A4, forger, creator))
        assert "NOT valid" in verdict, (creator, verdict, checks)
        assert any(c.startswith("Issuer's key: ") and why in c for c in checks), (creator, checks)
    # a key the issuer retired: what it signed before (A4: 2024-03-01) still stands, not after
    verdict, checks = check(signed_with(output, A4, issuer_key, f"{BASE}keys/univ/retired-2025.json"))
    assert verdict.startswith("Open Badges 2.0 badge (signed) — valid"), (verdict, checks)
    assert any("stopped using it on 1 January 2025" in c for c in checks), checks
    verdict, checks = check(signed_with(output, A4, issuer_key, f"{BASE}keys/univ/retired-2020.json"))
    assert "NOT valid" in verdict, (verdict, checks)
    assert errors == []


def test_a_badge_signed_by_a_withdrawn_key_is_not_valid(ob2_signed_site):
    """A key the issuer withdrew (leaked: `vitrine keys withdraw`) stays published, marked revoked.
    The page took a 2.0 key document marked revoked for a retired key, valid for what it signed
    before its end; and it said of a 3.0 key left out of the assertion methods only that it was
    "not the issuer's". Both now say the key was withdrawn, and the badge is not valid."""
    url, chromium, output, issuer_key = ob2_signed_site
    issuer = f"{BASE}issuers/univ.json"
    withdrawn = f"{BASE}keys/univ/withdrawn.json"
    doc = json.loads(key_document(issuer_key, withdrawn, issuer, "2025-01-01T00:00:00+00:00"))
    doc["revoked"] = "2024-12-01T00:00:00+00:00"
    did_doc = json.loads((output / ".well-known/did.json").read_text())
    did_doc["verificationMethod"][0]["revoked"] = "2024-12-01T00:00:00Z"  # the key that signed the credentials
    did_doc["assertionMethod"] = []
    served = {withdrawn: json.dumps(doc).encode(), f"{BASE}.well-known/did.json": json.dumps(did_doc).encode()}
    page, errors = open_page(chromium, url, output, "en/")

    def extra(route):
        route.fulfill(status=200, body=served[route.request.url], headers={"Access-Control-Allow-Origin": "*",
                                                                          "Content-Type": "application/json"})
    page.route(withdrawn, extra)
    page.route(f"{BASE}.well-known/did.json", extra)
    page.fill("#verify-text", signed_with(output, A4, issuer_key, withdrawn))  # A4: issued 2024-03-01
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict, (verdict, checks)
    assert any(c.startswith(f"Issuer's key: the key {withdrawn} was WITHDRAWN by its issuer on 1 December 2024") for c in checks), checks
    page.fill("#verify-text", (output / f"credentials/{A4}.json").read_text())
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict, (verdict, checks)
    assert any("was WITHDRAWN by the issuer on 1 December 2024" in c for c in checks), checks
    assert errors == []


# -- the 3.0 signature: a newer version published, RDFC-1.0 escaping, what is not checked here --------

@pytest.fixture(scope="module")
def edited_site(tmp_path_factory, signed_site):
    """The signed site after its author edited the badge "Atelier PNG"'s description and rebuilt it:
    its credentials keep their ids and are signed again. (output before, output after)"""
    from conftest import copy_site
    from test_ob3 import TEST_KEY, pem

    before = signed_site[2]
    root = copy_site(before.parent, tmp_path_factory.mktemp("verify-edited") / "site")
    badge = root / "content/badges/atelier-png.md"
    badge.write_text(badge.read_text().replace("description: Un badge avec une image PNG.",
                                               "description: Un badge avec une image PNG, pour l'atelier du jeudi."))
    mp = pytest.MonkeyPatch()
    mp.setenv("VITRINE_OB3_KEY", pem(TEST_KEY))
    try:
        after = build(root)
    finally:
        mp.undo()
    return before, after


def test_a_genuine_older_copy_is_valid_when_a_newer_version_is_published(signed_site, edited_site):
    """The issuer edited the badge's description, and the build signed its credentials again (same
    id, new proof): a student's copy from before was "NOT valid" here ("DIFFERS from the copy
    published at its address"), while vitrine verify said VALID. Its signature is valid: the page
    says so, and that the issuer has published a newer signed version, and what differs."""
    from conftest import run_cli

    url, chromium, _ = signed_site
    before, after = edited_site
    older, newer = (json.loads((o / f"credentials/{A4}.json").read_text()) for o in (before, after))
    assert older["id"] == newer["id"] and older["proof"] != newer["proof"]
    page, errors = open_page(chromium, url, after, "en/")  # the site as published now
    page.fill("#verify-text", json.dumps(older))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict == "Open Badges 3.0 credential — valid: “Atelier PNG”, every check passed.", (verdict, checks)
    assert any(c.startswith("Signature: valid (eddsa-rdfc-2022") for c in checks), checks
    newer_line = [c for c in checks if c.startswith("Published copy: ")]
    assert newer_line == [f"Published copy: the issuer has published a newer signed version at its address, {BASE}credentials/"
                          f"{A4}.json (signed on {when_en(newer)}; it differs in: its description), for example after "
                          "editing the badge. This copy remains the one it signed: its signature is valid."], checks
    assert page.locator("[data-checks] li.verify__check--fail").count() == 0
    # what vitrine verify says of the same copy, against the same published site
    older_file = before.parent.parent / "older.json"
    older_file.write_text(json.dumps(older))
    status, out, err = run_cli("verify", str(older_file), "--offline", f"{BASE}={after}")
    assert status == 0, (out, err)
    # in French
    page, errors_fr = open_page(chromium, url, after)
    page.fill("#verify-text", json.dumps(older))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "valide" in verdict and "NON" not in verdict, (verdict, checks)
    assert any(c.startswith("Copie publiée\u00a0: l’émetteur a publié à son adresse") and "sa description" in c
               for c in checks), checks
    # a published copy whose own signature does not hold is not called a signed version
    forged = json.loads(json.dumps(newer))
    forged["credentialSubject"]["achievement"]["name"] = "Atelier PNH"
    page.route(f"{BASE}credentials/{A4}.json", lambda route: route.fulfill(
        status=200, body=json.dumps(forged), headers={"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"}))
    page.fill("#verify-text", json.dumps(older))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "Copie publiée\u00a0: la copie publiée à son adresse, " \
           f"{BASE}credentials/{A4}.json, est une autre version (elle diffère par\u00a0: le nom du badge, sa description), " \
           "dont cette page n’a pas pu confirmer la signature. Cette copie est celle que son émetteur a signée\u00a0: " \
           "sa signature est valide." in checks, checks
    assert errors == [] and errors_fr == []


def when_en(credential: dict) -> str:
    """The day the proof was made, as the English page writes it ("1 March 2024")."""
    from datetime import datetime

    proof = credential["proof"][0] if isinstance(credential["proof"], list) else credential["proof"]
    moment = datetime.fromisoformat(proof["created"].replace("Z", "+00:00"))
    text = f"{moment.day} {moment.strftime('%B')} {moment.year}"
    return text + (f", {moment.strftime('%H:%M')} UTC" if (moment.hour, moment.minute, moment.second) != (0, 0, 0) else "")


def signed_again(output: Path, award_id: str, change) -> dict:
    """The award's credential, changed by `change(credential)` and signed again by the site's key
    (Vitrine's own signing: generator/ob3/proof.py over rdfc.py's canonical N-Quads)."""
    from generator.ob3.proof import make_proof
    from test_ob3 import TEST_KEY

    credential = json.loads((output / f"credentials/{award_id}.json").read_text())
    proof = credential.pop("proof")
    proof = proof[0] if isinstance(proof, list) else proof
    change(credential)
    credential["proof"] = make_proof(credential, TEST_KEY, proof["verificationMethod"], proof["created"])
    return credential


def test_a_credential_with_control_characters_and_non_ascii_text_verifies(signed_site):
    """RDFC-1.0 writes a control character of a literal as \\uXXXX (\\b, \\f as such), where pyld
    and older canonicalizations wrote it raw: Vitrine signs the RDFC-1.0 form (rdfc.py). A name with
    a backspace, a form feed, U+001F and text beyond ASCII, signed by Vitrine, verifies in the page."""
    from generator.ob3.canon import plain_nquads

    url, chromium, output = signed_site
    name = "Atelier\b PNG\f — prise de parole \u001f élève 学生 😀"

    def change(credential):
        credential["id"] = "urn:uuid:8d1e3f52-9a0b-4c1d-8e2f-3a4b5c6d7e8f"  # no published copy to compare with
        credential["credentialSubject"]["achievement"]["name"] = name
    credential = signed_again(output, A4, change)
    quads = plain_nquads({k: v for k, v in credential.items() if k != "proof"})
    assert '"Atelier\\b PNG\\f — prise de parole \\u001F élève 学生 😀"' in quads  # the RDFC-1.0 escapes
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-text", json.dumps(credential, ensure_ascii=False))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert any(c.startswith("Signature: valid (eddsa-rdfc-2022") for c in checks), checks
    assert verdict.startswith("Open Badges 3.0 credential — valid"), (verdict, checks)
    credential["credentialSubject"]["achievement"]["name"] = name.replace("\u001f", "\u001e")  # one code point
    page.fill("#verify-text", json.dumps(credential, ensure_ascii=False))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert any(c.startswith("Signature: does NOT match") for c in checks) and "NOT valid" in verdict, (verdict, checks)
    assert errors == []


def test_without_ed25519_in_the_browser_the_signature_is_not_checked_and_nothing_is_valid(signed_site):
    """A browser without Ed25519 in Web Crypto: the signature line says it was not checked here,
    and why; the verdict claims no more than before (never VALID); a changed copy still fails on its
    published copy."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    page.evaluate("""() => {
        const subtle = window.crypto.subtle, importKey = subtle.importKey.bind(subtle);
        subtle.importKey = (format, key, algorithm, ...rest) =>
            (algorithm && (algorithm.name || algorithm)) === "Ed25519"
                ? Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"))
                : importKey(format, key, algorithm, ...rest);
    }""")
    original = (output / f"credentials/{A4}.json").read_text()
    page.fill("#verify-text", original)
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "Signature: not checked here: this browser cannot check Ed25519 signatures (recent Chrome, Edge, Firefox and " \
           "Safari can). Use another browser, vitrine verify or a digital wallet." in checks, checks
    assert page.locator("[data-checks] li.verify__check--skip").filter(has_text="Signature").count() == 1
    assert verdict.startswith("Open Badges 3.0 credential — nothing wrong found in what this page could check"), verdict
    assert "valid:" not in verdict
    assert page.locator("[data-limits]").inner_text().startswith("Checked in your browser, except the signature")
    changed = json.loads(original)
    changed["credentialSubject"]["achievement"]["name"] = "Atelier PNH"
    page.fill("#verify-text", json.dumps(changed))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict and any(c.startswith("Published copy: DIFFERS") for c in checks), (verdict, checks)
    assert errors == []


def test_a_context_the_page_does_not_know_is_not_fetched_and_the_signature_not_checked(signed_site):
    """The page's JSON-LD processor answers the contexts Vitrine ships, and nothing else: a credential
    naming another context is "not checked here", with its URL, and that URL is never requested."""
    url, chromium, output = signed_site
    unknown = "https://contexts.example.net/badges/v1.jsonld"
    page, errors = open_page(chromium, url, output, "en/")
    asked: list[str] = []
    page.route("https://contexts.example.net/**", lambda route: (asked.append(route.request.url), route.abort()))
    credential = json.loads((output / f"credentials/{A4}.json").read_text())
    credential["@context"].append(unknown)
    credential["id"] = "urn:uuid:8d1e3f52-9a0b-4c1d-8e2f-3a4b5c6d7e8f"
    page.fill("#verify-text", json.dumps(credential))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert (f"Signature: not checked here: the credential uses a context this page does not know: {unknown}. Use vitrine "
            "verify or a digital wallet.") in checks, checks
    assert "nothing wrong found" in verdict, verdict
    assert asked == []
    assert errors == []


def test_the_signature_is_checked_under_the_sites_content_security_policy(signed_site):
    """The site's own policy (generator/render/hosting.py: scripts from the site only, no eval):
    jsonld.js is loaded and canonicalizes without a violation."""
    from generator.render.hosting import CSP

    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    page.add_init_script("""window.__violations = [];
        document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));""")

    def with_policy(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})
    page.route(url + "**", with_policy)
    assert page.reload().headers["content-security-policy"] == CSP
    page.fill("#verify-text", (output / f"credentials/{A4}.json").read_text())
    page.click("form[data-verify] button[type=submit]")
    # polled from outside: wait_for_function compiles its argument in the page, which the policy forbids
    deadline = time.monotonic() + 15
    while not page.evaluate("document.querySelector('[data-verdict]').textContent.includes(' — ')"):
        assert time.monotonic() < deadline, page.evaluate("document.querySelector('[data-verdict]').textContent")
        time.sleep(0.05)
    verdict = page.locator("[data-verdict]").inner_text()
    assert verdict.startswith("Open Badges 3.0 credential — valid"), (verdict, page.locator("[data-checks]").inner_text())
    assert page.evaluate("window.__violations") == []
    assert page.evaluate("document.querySelector('script[src$=\"jsonld.esm.min.js\"]') !== null")
    assert errors == []


def test_a_property_no_context_defines_makes_the_signature_untrustworthy(signed_site):
    """A property that no context defines is dropped by JSON-LD processing: a signature over the
    credential would not cover it. As vitrine verify does, the page fails the signature, and says
    which property."""
    url, chromium, output = signed_site

    def change(credential):
        credential["id"] = "urn:uuid:8d1e3f52-9a0b-4c1d-8e2f-3a4b5c6d7e8f"
        credential["credentialSubject"]["grade"] = "A+"  # in no context: not covered by the proof
    from generator.ob3.canon import UndefinedTerm
    with pytest.raises(UndefinedTerm):  # Vitrine would not sign it; jsonld.js (safe) refuses it too
        signed_again(output, A4, change)
    credential = json.loads((output / f"credentials/{A4}.json").read_text())
    change(credential)
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-text", json.dumps(credential))
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert any(c.startswith("Signature: cannot be trusted: grade is not defined by the credential's contexts, so the "
                            "signature does not cover it") for c in checks), checks
    assert "NOT valid" in verdict, verdict
    assert errors == []


def test_a_status_list_changed_after_signing_does_not_clear_a_revoked_credential(signed_site):
    """The status list said "not revoked" on its own word: a copy of the issuer's list with the
    revoked credential's bit cleared, served in its place, made A3 "not revoked". The list's own
    signature is checked now, by a key of the credential's issuer, as vitrine verify does."""
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    credential = (output / f"credentials/{A3}.json").read_text()
    list_url = json.loads(credential)["credentialStatus"]["statusListCredential"]
    page.fill("#verify-text", credential)
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert any(c.startswith("Revocation: REVOKED by its issuer") for c in checks), checks
    real = json.loads((output / "status/1.json").read_text())
    assert list_url == real["id"]
    cleared = dict(real, credentialSubject=dict(real["credentialSubject"], encodedList="u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(16384), mtime=0)).decode().rstrip("=")))
    page.route(list_url, lambda route: route.fulfill(
        status=200, body=json.dumps(cleared), headers={"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"}))
    page.fill("#verify-text", credential)
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert any(c.startswith(f"Revocation: the status list {list_url} is not validly signed by the credential's issuer "
                            "(does NOT match the key") for c in checks), checks
    assert "NOT valid" in verdict, verdict
    # the genuine list, for a credential that is not revoked: signed by the issuer
    page.unroute(list_url)
    page.fill("#verify-text", (output / f"credentials/{A4}.json").read_text())
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert any(c.startswith("Revocation: not revoked (entry ") and c.endswith(", a list signed by the issuer).")
               for c in checks), checks
    assert errors == []
