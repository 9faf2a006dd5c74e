"""Every text is escaped for where it lands: HTML text, attributes, JSON inside HTML, XML, JSON
files, baked SVG. A site whose every text field holds an injection attempt builds, and no page,
once parsed as a browser would, holds anything that runs: no <script> other than the theme's own
files and inert JSON data, no on* attribute, no javascript: URL, no element the texts smuggled
in. Template syntax in a text is shown, never evaluated. URLs are checked on the way in: a
javascript: URL is refused in every field that takes one.

The same site is opened in Chromium by tests/test_csp.py (scripts that render texts with the DOM).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SQUARE_SVG, png_bytes, run_cli, write_site
from generator import baking
from generator.rawhtml import clean_markdown

SCRIPT = "</script><script>alert(1)</script>"
ATTR = '"><img src=badge.svg onerror=alert(1)>'  # an image of the site: a relative one must exist
SINGLE = "'><svg onload=alert(1)>"
TEMPLATE = "{{ 7*7 }}{% if true %}x{% endif %}"
COMMENT = "<!-- --!><script>alert(2)</script>"
CDATA = "]]><script>alert(3)</script>"
ENTITY = "&lt;b&gt;not bold&lt;/b&gt; &amp;amp;"
ALL = SCRIPT + ATTR + SINGLE + TEMPLATE + COMMENT + CDATA + ENTITY  # one line, under 200 characters

AWARD_ID = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"
REVOKED_ID = "2c5f39cb-3ab2-4e4c-b4a6-f02ac6b8744c"
PNG_AWARD_ID = "3d6a4adc-4bc3-4f5d-85b7-a13bd7c9855d"
SALT = "0123456789abcdef0123456789abcdef"


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def hostile_files() -> dict:
    return {
        "site.yaml": f"""
            title: {q("Badges " + SCRIPT)}
            description: {q(ALL)}
            base_url: https://badges.example.org/
            language: fr
            languages: [fr, en]
        """,
        "content/issuers/univ.md": f"""
            ---
            name: {q("Université " + ATTR)}
            url: "https://univ.example.org/?q='x'&y={{{{7*7}}}}"
            email: contact@univ.example.org
            description: {q(ALL)}
            linkedin_organization_id: "123"
            ---
            {ALL}

            <script>alert('body')</script> <a href="javascript:alert(1)" onclick="alert(1)">x</a>
            [lien](javascript:alert(1)) <img src=badge.svg onerror=alert(1)> {TEMPLATE}
        """,
        "content/issuers/bu.md": f"""
            ---
            name: {q("Bibliothèque " + SINGLE)}
            url: https://bu.example.org/
            email: bu@univ.example.org
            parent: univ
            image: logo.png
            image_alt: {q(ATTR)}
            request:
              email: badges-bu@univ.example.org
              instructions: {q(ALL)}
            ---
            La bibliothèque. {TEMPLATE}
        """,
        "content/images/logo.png": png_bytes(128),
        "content/competencies/oral.md": f"""
            ---
            name: {q("Oral " + SCRIPT)}
            description: {q(ALL)}
            framework: {q("Cadre " + ATTR)}
            group: {q("Groupe " + SINGLE)}
            code: {q(TEMPLATE)}
            url: "https://esco.example.org/c?a=1&b='2'"
            ---
            {ALL}
        """,
        "content/badges/prise-de-parole.md": f"""
            ---
            name: {q("Prise " + ATTR)}
            issuer: bu
            description: {q(ALL)}
            category: transversal
            image: badge.svg
            image_alt: {q(SINGLE + SCRIPT)}
            competencies: [oral]
            tags: [{q("oral " + ATTR)}, {q(TEMPLATE)}, {q(SCRIPT)}]
            level: 1
            validity: P2Y
            date: 2024-09-01
            evidence: {q(ALL)}
            alignments:
              - name: {q("ESCO " + ATTR)}
                url: "https://esco.example.org/x?y='z'&w={{{{v}}}}"
                framework: {q(SCRIPT)}
                code: {q(TEMPLATE)}
            request:
              url: "https://forms.example.org/?a='b'&c=d"
              instructions: {q(ALL)}
            endorsements:
              - issuer: univ
                comment: {q(ALL)}
            ---
            ## Critères {TEMPLATE}

            {ALL}

            Participer à **trois** ateliers, puis présenter un exposé de dix minutes devant le groupe et
            répondre aux questions d'une bibliothécaire qui observe l'exposé et en discute ensuite.
        """,
        "content/badges/prise-de-parole.en.md": f"""
            ---
            name: {q("Speaking " + SCRIPT)}
            description: {q(ALL)}
            tags: [{q("speaking " + ATTR)}]
            ---
            {ALL}
        """,
        "content/badges/atelier.md": f"""
            ---
            name: {q(TEMPLATE + " atelier")}
            issuer: univ
            description: {q(SINGLE)}
            category: participation
            image: atelier.png
            image_alt: {q(ATTR)}
            related: [prise-de-parole]
            ---
            {ALL}
        """,
        "content/images/badge.svg": SQUARE_SVG,
        "content/images/atelier.png": png_bytes(256),
        "content/pages/a-propos.md": f"""
            ---
            title: {q("À propos " + SCRIPT + ATTR + TEMPLATE)}
            menu: 1
            ---
            {ALL}
        """,
        "awards/prise-de-parole.yaml": f"""
            - id: {AWARD_ID}
              badge: prise-de-parole
              recipient: alice@example.org
              name: {q("Alice " + ATTR)}
              consent: true
              issued_on: 2024-06-12
              narrative: {q(ALL)}
              evidence:
                - "https://example.org/portfolio?a='b'&c=d"
                - url: https://example.org/video
                  name: {q(SCRIPT)}
                  narrative: {q(ALL)}
              salt: {SALT}
            - id: {REVOKED_ID}
              badge: prise-de-parole
              recipient: bob@example.org
              issued_on: 2024-01-10
              salt: {SALT}
              revoked:
                date: 2024-02-01
                reason: {q(ALL)}
            - id: {PNG_AWARD_ID}
              badge: atelier
              recipient: carole@example.org
              name: {q(CDATA)}
              consent: true
              issued_on: 2024-03-01
              narrative: {q(CDATA)}
              salt: {SALT}
        """,
    }


def build_hostile(root: Path) -> Path:
    write_site(root, hostile_files())
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    return root / "output"


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    try:
        yield build_hostile(tmp_path_factory.mktemp("hostile") / "site")
    finally:
        mp.undo()


THEME_SCRIPTS = {p.name for p in (Path(__file__).parent.parent / "generator" / "themes" / "default" / "static").glob("*.js")}
URLS = ("https://univ.example.org/?q='x'&y={{7*7}}", "https://esco.example.org/x?y='z'&w={{v}}")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset", "background"}
DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "form"}
_INVISIBLE = re.compile(r"[\x00-\x20]+")


class PageCheck(HTMLParser):
    """Everything in one page that could run, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.attr_values: list[str] = []
        self.json_blocks: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            self.attr_values.append(value or "")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value and re.match(r"(?i)(javascript|vbscript|data:text/html)",
                                                             _INVISIBLE.sub("", value)):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value and re.search(r"(?i)url\(|expression|javascript", value):
                self.problems.append(f"<{tag} style={value!r}>")
        if tag in DANGEROUS_TAGS and not (tag == "form" and "://" not in (a.get("action") or "")):
            self.problems.append(f"<{tag}>")  # a form is the theme's (search, e-mail check) when it stays here
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            src = a.get("src")
            kind = (a.get("type") or "").lower()
            if src:
                if src.rsplit("/", 1)[-1] not in THEME_SCRIPTS or "://" in src:
                    self.problems.append(f"<script src={src!r}> (not one of the theme's files)")
                self._script = {"src": src, "data": []}
            elif kind in ("application/json", "application/ld+json"):
                self._script = {"json": True, "data": []}
            else:
                self.problems.append(f"<script type={kind!r}> with inline code")
                self._script = {"data": []}

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            body = "".join(self._script["data"])
            if self._script.get("src") and body.strip():
                self.problems.append("<script src> with inline code too")
            if self._script.get("json"):
                self.json_blocks.append(body)
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["data"].append(data)
        else:
            self.text.append(data)

    def handle_comment(self, data):
        if "alert" in data:
            self.problems.append(f"a comment holds page text: <!--{data[:60]}-->")


def check_page(path: Path) -> PageCheck:
    checker = PageCheck()
    checker.feed(path.read_text(encoding="utf-8"))
    checker.close()
    for block in checker.json_blocks:
        json.loads(block)  # well-formed data, not code
        assert "<" not in block, f"{path}: JSON inside HTML keeps a raw '<' (it could close the script element)"
    return checker


def test_no_page_holds_anything_that_runs(hostile_output):
    pages = sorted(hostile_output.rglob("*.html"))
    assert len(pages) > 20
    found = {}
    seen_text = ""
    for page in pages:
        checker = check_page(page)
        if checker.problems:
            found[page.relative_to(hostile_output).as_posix()] = checker.problems
        seen_text += " ".join(checker.text) + " ".join(checker.attr_values)
    assert found == {}
    # The texts are shown as written (escaped, not dropped): a visitor reads them.
    for text in (SCRIPT, ATTR, SINGLE, "{{ 7*7 }}", CDATA, "Alice " + ATTR):
        assert text in seen_text, text
    assert "&lt;b&gt;not bold&lt;/b&gt;" in seen_text  # entities in a text are text, not markup
    for url in URLS:  # links keep their quotes and braces, as attribute values
        assert url in seen_text, url
    assert "49" not in re.sub(r"\d{3,}", "", seen_text.replace("{{ 7*7 }}", ""))  # no template evaluated


def test_texts_are_shown_where_the_reader_expects_them(hostile_output):
    page = hostile_output / "badges" / "prise-de-parole" / "index.html"
    checker = check_page(page)
    text = " ".join(checker.text)
    assert "Prise " + ATTR in text and "{{ 7*7 }}" in text and "Critères {{ 7*7 }}" in text
    award = check_page(hostile_output / "assertions" / AWARD_ID / "index.html")
    assert "Alice " + ATTR in " ".join(award.text)
    assert any(v.startswith("Alice " + ATTR) for v in award.attr_values)  # og:title, as an attribute value


def test_markdown_bodies_keep_no_raw_html_that_runs(hostile_output):
    page = (hostile_output / "issuers" / "univ" / "index.html").read_text(encoding="utf-8")
    assert "alert('body')" not in page and 'href="javascript' not in page.lower()
    assert ">lien</a>" not in page or 'href="javascript' not in page


def test_json_and_xml_files_parse_and_keep_the_texts(hostile_output):
    for path in sorted(hostile_output.rglob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))
    badge = json.loads((hostile_output / "badges" / "prise-de-parole.json").read_text(encoding="utf-8"))
    assert badge["name"] == "Prise " + ATTR and badge["description"] == ALL
    for path in [*hostile_output.rglob("*.xml"), *hostile_output.rglob("*.svg")]:
        ET.parse(path)  # well-formed: every text escaped for XML
    feed = (hostile_output / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in feed


def test_baked_badges_keep_the_assertion_whole(hostile_output):
    """Award pages bake in the browser, byte for byte as baking.py does (their own tests check
    that); here baking.py with these texts: "]]>" must not end the SVG's CDATA early."""
    for award_id, image in ((AWARD_ID, "badges/prise-de-parole.svg"), (PNG_AWARD_ID, "badges/atelier.png")):
        text = (hostile_output / "assertions" / f"{award_id}.json").read_text(encoding="utf-8")
        picture = (hostile_output / image).read_bytes()
        if image.endswith(".svg"):
            baked = baking.bake_svg(picture.decode("utf-8"), text, "https://badges.example.org/x.json")
            assert ET.fromstring(baked).tag.endswith("svg")
            assert json.loads(baking.unbake_svg(baked)) == json.loads(text)
        else:
            assert json.loads(baking.unbake_png(baking.bake_png(picture, text))) == json.loads(text)
    # the narrative as written, less what pages would not show either (awards.published_markdown)
    narrative = json.loads((hostile_output / "assertions" / f"{AWARD_ID}.json").read_text(encoding="utf-8"))["narrative"]
    assert narrative == clean_markdown(ALL)
    assert TEMPLATE in narrative and "]]>" in narrative and ENTITY in narrative
    assert "<script" not in narrative and "onerror" not in narrative and "onload" not in narrative


URL_FIELDS = {
    "content/issuers/univ.md": ("url: https://univ.example.org/", "url: javascript:alert(1)"),
    "content/competencies/oral.md": ("code: COM-1", "code: COM-1\nurl: javascript:alert(1)"),
    "content/badges/prise-de-parole.md": ("level: 1", "level: 1\nalignments:\n  - name: ESCO\n    url: JavaScript:alert(1)\n"
                                          "request:\n  url: 'javascript:alert(document.cookie)'"),
}


def test_javascript_urls_are_refused_wherever_a_url_is_accepted(site, monkeypatch):
    from conftest import MINIMAL
    import textwrap

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")
    files = {}
    for rel, (old, new) in URL_FIELDS.items():
        text = textwrap.dedent(MINIMAL[rel]).lstrip("\n")
        assert old in text
        files[rel] = text.replace(old, new, 1)
    files["site.yaml"] = textwrap.dedent(MINIMAL["site.yaml"]).replace("https://badges.example.org/", "javascript:alert(1)//")
    files["awards/x.yaml"] = (f"- id: {AWARD_ID}\n  badge: prise-de-parole\n  recipient: a@example.org\n  issued_on: 2024-06-12\n"
                              f"  salt: {SALT}\n  evidence: [javascript:alert(1), {{url: 'data:text/html,<script>alert(1)</script>'}}]\n")
    root = site(files)
    status, _, err = run_cli("check", "--site", str(root))
    assert status == 1 and "Traceback" not in err
    assert 'site.yaml:3:11: base_url: "javascript:alert(1)//" is not an absolute http(s) URL (https://...)' in err.splitlines()
    files["site.yaml"] = textwrap.dedent(MINIMAL["site.yaml"])
    root = write_site(root, files)
    status, _, err = run_cli("check", "--site", str(root))
    lines = err.splitlines()
    assert status == 1 and "Traceback" not in err
    assert lines == [
        'awards/x.yaml:6:14: evidence[0]: "javascript:alert(1)" is not an absolute http(s) URL (https://...)',
        'awards/x.yaml:6:41: evidence[1].url: "data:text/html,<script>alert(1)</script>" is not an absolute http(s) URL (https://...)',
        'content/badges/prise-de-parole.md:13:10: alignments[0].url: "JavaScript:alert(1)" is not an absolute http(s) URL (https://...)',
        'content/badges/prise-de-parole.md:15:8: request.url: "javascript:alert(document.cookie)" is not an absolute http(s) URL (https://...)',
        'content/competencies/oral.md:7:6: url: "javascript:alert(1)" is not an absolute http(s) URL (https://...)',
        'content/issuers/univ.md:3:6: url: "javascript:alert(1)" is not an absolute http(s) URL (https://...)',
        "vitrine: 6 problems found.",
    ]
