"""Award pages in headless Chromium: the badge baked by the page's script is byte for byte the one
Python bakes (PNG and SVG, hosted and signed), the QR code is the one segno draws, the copy
buttons and the e-mail check work, and the page passes axe-core. Also /verify/'s script: it reads
baked badges back exactly as Python wrote them."""

from __future__ import annotations

import base64
import json

import pytest

from browser import axe_violations, browser, needs_browser, serve
from conftest import png_bytes
from generator.keys import init_keys
from test_awards import A1, A4, AWARDS, BASE, PNG_BADGE, baked, build
from test_awards import fixed_today  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, needs_browser]

BAKE = """async (selector) => {
  const link = document.querySelector(selector);
  const download = new Promise((resolve) => {
    const original = link.click.bind(link);
    link.click = () => resolve(link.href);  // the script calls click() once the baked file is behind the link
  });
  link.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true}));
  const href = await download;
  const bytes = new Uint8Array(await (await fetch(href)).arrayBuffer());
  let text = ""; for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}"""


@pytest.fixture
def sites(site, monkeypatch):
    monkeypatch.delenv("VITRINE_OB2_KEY", raising=False)

    def make(signed: bool):
        root = site({"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
                     "awards/prise-de-parole.yaml": AWARDS})
        if signed:
            with open(root / "site.yaml", "a", encoding="utf-8") as f:
                f.write("signing: {ob2: true}\n")
            init_keys(root)
        return build(root)
    return make


@pytest.mark.parametrize("signed", [False, True])
def test_the_script_bakes_what_python_bakes(sites, signed):
    output = sites(signed)
    with serve(output) as url, browser() as chromium:
        page = chromium.new_page()
        for award_id in (A1, A4):  # an SVG badge, a PNG badge
            page.goto(f"{url}assertions/{award_id}/")
            got = base64.b64decode(page.evaluate(BAKE, "a[data-bake]"))
            name, expected = baked(output, award_id)
            assert got == expected, (award_id, name)
        page.close()


def test_qr_code_copy_buttons_check_and_axe(sites):
    import segno

    output = sites(False)
    with serve(output) as url, browser() as chromium:
        context = chromium.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{url}assertions/{A1}/")
        # the QR code: the page's canonical address, as segno draws it with the same settings
        matrix = page.evaluate("""() => window.vitrineAward.qrMatrix(document.querySelector('[data-qr]').dataset.qr)
                                  .map(row => row.map(b => b ? 1 : 0).join(''))""")
        assert page.locator("figure.award-qr svg[role=img]").count() == 1
        version = (len(matrix) - 17) // 4
        # copy buttons beside the facts LinkedIn asks for
        assert page.locator(".facts dd[data-copy] .award-copy").count() == 4  # badge, issuer, id, address
        # each named by what it copies (the visible "Copier" first, WCAG 2.5.3), not four times "Copier"
        names = [page.get_by_role("button", name=n, exact=True).count()
                 for n in ("Copier Badge", "Copier Émetteur", "Copier Identifiant", "Copier Adresse de cette page")]
        assert names == [1, 1, 1, 1]
        page.locator(".facts dd:has(code) .award-copy").click()
        page.wait_for_function("() => document.querySelector('.facts dd:has(code) .award-copy').textContent === 'Copié'")
        assert page.evaluate("navigator.clipboard.readText()") == A1
        assert page.get_by_role("button", name="Copié Identifiant", exact=True).count() == 1  # what is heard
        # the e-mail check, in the browser only
        page.fill("#check-email", "  Alice.Martin@Example.org ")
        page.click(".award-check__form button")
        page.wait_for_selector(".award-check__result--yes")
        page.fill("#check-email", "someone@example.org")
        page.click(".award-check__form button")
        page.wait_for_selector(".award-check__result--no")
        # a "no" is not taken for a forgery: the holder may have been awarded it at another address
        assert page.locator(".award-check__result").inner_text() == (
            "Non\u00a0: ce badge n’a pas été délivré à cette adresse\u00a0; demandez à la personne si elle en a une autre.")
        assert axe_violations(page) == []
        assert not errors
        # (last: this runs the script again) segno writes one more zero byte after the terminator than ISO 18004 asks (its
        # write_padding_bits adds 8 bits on a byte boundary); both decode the same. Compare the
        # script with segno's padding, to check everything else against segno.
        with_segno_padding = page.evaluate("""(text) => {
            const src = document.querySelector('script[src$="award.js"]').src;
            return fetch(src).then(r => r.text()).then(code => {
              code = code.replace('while (bits.length % 8) bits.push(0);',
                                  'for (var z = 8 - bits.length % 8; z > 0; z--) bits.push(0);');
              const saved = window.vitrineAward; (0, eval)(code); const api = window.vitrineAward; window.vitrineAward = saved;
              return api.qrMatrix(text).map(row => row.map(b => b ? 1 : 0).join(''));
            });
        }""", f"{BASE}assertions/{A1}/")
        code = segno.make(f"{BASE}assertions/{A1}/", error="m", mask=4, micro=False, boost_error=False,
                          version=version, mode="byte")
        assert with_segno_padding == ["".join("1" if b else "0" for b in row) for row in code.matrix]
        context.close()


# Text whose characters matter in an SVG: the CDATA end (whole, split, doubled), what a regular
# expression could take for the element's end, entities, non-ASCII.
TRICKY = ('{"a":"]]>","b":"x < y & z &amp; &lt;","c":"é ✓ 😀","d":"]]]]>","e":"<![CDATA[ x ]]",'
          '"f":"</openbadges:assertion>","g":"a/>b","h":"</openbadges:credential>"}')
VERIFY_URL = 'https://x.example.org/a.json?b=1&c="2"<'
READ = """async (b64) => {
  const raw = atob(b64), bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return await window.vitrineVerify.extract(bytes);
}"""


def test_the_verify_page_reads_back_exactly_what_python_bakes(sites):
    """verify.js unbakes PNG and SVG, Open Badges 2.0 and 3.0, as baking.py bakes and unbakes them;
    award.js replaces an already baked element as baking.bake_svg does."""
    from conftest import SQUARE_SVG
    from generator import baking

    ns = SQUARE_SVG.replace("<svg ", '<svg xmlns:openbadges="http://openbadges.org" ', 1)
    svgs = {  # name -> (SVG, what the script must read)
        "2.0": (baking.bake_svg(SQUARE_SVG, TRICKY, VERIFY_URL), TRICKY),
        "3.0": (baking.bake_svg(SQUARE_SVG, TRICKY, None, "credential", baking.OB3_SVG_NAMESPACE), TRICKY),
        # as other bakers write them: the URL alone, or entities in the text (no CDATA)
        "verify only": (ns.replace(">", '><openbadges:assertion verify="https://x.example.org/a?b=1&amp;c=&#233;'
                                        '&#x2713;&gt;&apos;&amp;lt;"/>', 1), "https://x.example.org/a?b=1&c=é✓>'&lt;"),
        "entities": (ns.replace(">", '><openbadges:assertion>{"a":"x &lt; y &amp; z &gt; w &quot;"}'
                                     '</openbadges:assertion>', 1), '{"a":"x < y & z > w ""}'),
    }
    images = {name: (svg.encode("utf-8"), text) for name, (svg, text) in svgs.items()}
    images["2.0 PNG"] = (baking.bake_png(png_bytes(8), TRICKY), TRICKY)
    images["3.0 PNG"] = (baking.bake_png(png_bytes(8), TRICKY, baking.OB3_KEYWORD), TRICKY)
    for name, (svg, text) in svgs.items():  # the reference: what Python reads
        assert [baking.unbake_svg(svg, "credential") or baking.unbake_svg(svg, "assertion")] == [text], name
    output = sites(False)
    with serve(output) as url, browser() as chromium:
        page = chromium.new_page()
        page.goto(f"{url}verify/")
        for name, (data, text) in images.items():
            assert page.evaluate(READ, base64.b64encode(data).decode("ascii")) == [text], name
        # baking again over a baked badge: the old element goes whole, whatever its CDATA holds
        page.goto(f"{url}assertions/{A1}/")
        for name in ("2.0", "3.0"):
            got = page.evaluate("(a) => window.vitrineAward.bakeSvg(...a)", [svgs[name][0], "{}]]>", VERIFY_URL])
            assert got == baking.bake_svg(svgs[name][0], "{}]]>", VERIFY_URL), name
        page.close()


def test_printed_award_shows_the_address_of_named_evidence(sites):
    """On paper a link cannot be followed: evidence given a name printed only that name, and a
    verifier holding the printed page had no address to see the work at."""
    output = sites(False)
    with serve(output) as url, browser() as chromium:
        page = chromium.new_page()
        page.goto(f"{url}assertions/{A1}/")
        page.emulate_media(media="print")
        after = page.evaluate("""() => Array.from(document.querySelectorAll('.award .link-list a[rel~=external]'))
                                 .map(a => [a.textContent, getComputedStyle(a, '::after').content])""")
        assert after == [["https://example.org/portfolio/alice", "none"],  # the address is the text already
                         ["Vidéo de l'exposé", '" (https://example.org/video)"']]
        page.emulate_media(media="screen")
        assert page.evaluate("getComputedStyle(document.querySelector('a[data-print-url]'), '::after').content") == "none"
        page.close()


def test_the_baked_download_is_promised_only_when_the_script_bakes_it(sites):
    """Without JavaScript the download button gives the plain image: the page said "the downloaded
    badge holds its Open Badges description" all the same."""
    output = sites(False)
    page_html = (output / "assertions" / A1 / "index.html").read_text(encoding="utf-8")
    assert "<span data-baked-help hidden> Le badge téléchargé contient sa description Open Badges.</span>" in page_html
    with serve(output) as url, browser() as chromium:
        for javascript in (False, True):
            context = chromium.new_context(java_script_enabled=javascript)
            page = context.new_page()
            page.goto(f"{url}assertions/{A1}/")
            if javascript:
                page.wait_for_selector("figure.award-qr svg")  # the script has run
            text = page.locator(".award-share").inner_text()
            assert "Si LinkedIn ne reprend pas tout" in text
            assert ("Le badge téléchargé contient sa description Open Badges." in text) == javascript, (javascript, text)
            context.close()


def test_printed_award_is_a_one_page_certificate(sites):
    """Printed (or saved as PDF) for a CV, an award page took two A4 pages: the big screen title
    and status box, the "see the criteria" link and the list of JSON links, which paper cannot
    follow, pushed the QR code onto a second sheet. Now every state prints on one page, with
    the page's address and its QR code, and without the links only a screen can use."""
    import re

    from test_awards import A2, A3

    output = sites(True)
    with serve(output) as url, browser() as chromium:
        page = chromium.new_page()
        for award_id in (A1, A2, A3, A4):
            for lang in ("", "en/"):
                page.goto(f"{url}{lang}assertions/{award_id}/")
                page.emulate_media(media="print")
                if award_id != A3:  # a revoked award offers no sharing, hence no QR code
                    page.wait_for_selector("figure.award-qr svg")
                pdf = page.pdf(format="A4")
                assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, (lang, award_id)
                shown = page.evaluate("""() => [...document.querySelectorAll('#verify-title, .facts a[href*="#criteria"]')]
                                         .map(e => e.checkVisibility())""")
                assert shown == [False, False], (lang, award_id)
                assert page.locator(".award__id").last.is_visible()  # the page's address stays on paper
                if award_id != A3:
                    assert page.locator("figure.award-qr svg").is_visible()
        page.close()


def test_a_page_built_before_the_expiry_names_its_status_expired_once_past(sites):
    """Opened after its expiry date, a page built while the award was valid shows "Badge expiré",
    but the status region stayed named by the hidden heading: a screen reader moving by regions
    heard "Badge valide". Now the region's name follows the heading shown."""
    output = sites(False)
    clock = "Date = class extends Date { constructor(...a) { if (a.length) super(...a); else super('%s'); } static now() { return new Date().getTime(); } };"
    with serve(output) as url, browser() as chromium:
        # A1 expires on 2026-06-12: valid on the build's day (2025-01-01)
        for day, expected in (("2025-06-01", ("Badge valide", "Valid badge")), ("2027-01-01", ("Badge expiré", "Expired badge"))):
            context = chromium.new_context()
            context.add_init_script(clock % f"{day}T12:00:00Z")
            page = context.new_page()
            for lang, name in zip(("", "en/"), expected):
                page.goto(f"{url}{lang}assertions/{A1}/")
                page.wait_for_selector("figure.award-qr svg")  # the script has run
                assert page.locator("section.award-status").get_attribute("class").endswith("--valid" if day < "2026" else "--expired")
                assert page.locator("section.award-status").aria_snapshot().startswith(f'- region "{name}"'), (day, lang)
                assert page.locator("#status-title").count() == 1 and page.locator("#status-title").is_visible()
            context.close()
