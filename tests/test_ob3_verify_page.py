"""The /verify/ page in headless Chromium: a dropped baked badge, a pasted credential, a URL.

The site's URLs (https://badges.example.org/...) are answered from the built output by
Playwright's routing, so the page's fetches of the DID document, status list and hosted JSON
stay on this machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from browser import axe_violations, browser, crawl, needs_browser, serve
from test_awards import A1, A3, A4
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


def test_a_dropped_3_0_badge_is_checked_and_says_what_was_not(signed_site):
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output, "en/")
    assert page.locator("[data-nojs]").is_hidden() and page.locator("form[data-verify]").is_visible()
    page.set_input_files("#verify-file", str(output / f"credentials/{A4}.png"))
    page.fill("#verify-email", "dan@example.org")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 3.0 credential — nothing wrong found"), verdict
    text = "\n".join(checks)
    assert "Signature: not checked here" in text
    assert "Issuer's key: the key did:web:badges.example.org#" in text
    assert "Revocation: not revoked" in text and "Recipient: awarded to dan@example.org" in text
    assert errors == []


def test_a_revoked_credential_pasted_in_french(signed_site):
    url, chromium, output = signed_site
    page, errors = open_page(chromium, url, output)
    page.fill("#verify-text", (output / f"credentials/{A3}.json").read_text())
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NON valide" in verdict
    assert any(c.startswith("Révocation\u00a0: RÉVOQUÉE par son émetteur") for c in checks), checks
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
    page.fill("#verify-url", f"{BASE}badges/prise-de-parole/")  # a page with no badge behind it
    page.fill("#verify-email", "")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict and checks[0].startswith("Structure: this is not an Open Badge"), (verdict, checks)
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


@pytest.fixture(scope="module")
def ob2_signed_site(tmp_path_factory, signed_site):  # its browser: one Playwright per process
    from conftest import png_bytes, write_site
    from generator.keys import init_keys
    from test_awards import AWARDS, PNG_BADGE

    root = write_site(tmp_path_factory.mktemp("verify-ob2") / "site", {
        "content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
        "awards/prise-de-parole.yaml": AWARDS})
    with open(root / "site.yaml", "a", encoding="utf-8") as f:
        f.write("signing: {ob2: true}\n")
    init_keys(root)
    output = build(root)
    with serve(output) as url:
        yield url, signed_site[1], output


def test_a_signed_2_0_badge_by_the_address_of_its_json(ob2_signed_site):
    """As `vitrine verify` does (verify_ob2.jws_beside): a signed assertion's JSON URL is checked
    from the JWS published beside it. The page checked the JSON as if hosted, and said "valid"
    without looking at the signature."""
    url, chromium, output = ob2_signed_site
    assert (output / f"assertions/{A4}.jws").is_file()
    page, errors = open_page(chromium, url, output, "en/")
    page.fill("#verify-url", f"{BASE}assertions/{A4}.json")
    page.fill("#verify-email", "dan@example.org")
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert verdict.startswith("Open Badges 2.0 badge (signed) — valid"), (verdict, checks)
    assert any(c.startswith("Signature: verified with the issuer's key") for c in checks), checks
    # its JSON pasted alone: nothing to check its signature with, as the command says
    page.fill("#verify-url", "")
    page.fill("#verify-text", (output / f"assertions/{A4}.json").read_text())
    page.click("form[data-verify] button[type=submit]")
    verdict, checks = result_of(page)
    assert "NOT valid" in verdict and any(c.startswith("Signature: a signed badge is checked from its signature")
                                          for c in checks), (verdict, checks)
    assert errors == []
