"""SVG images are published as they are: anything in them that runs, navigates or loads from
outside the file is refused (generator/images.py). One line per vector, and the ordinary SVGs
that drawing tools write (gradients, <use> of a local symbol, Inkscape metadata) still pass.

The build-level cases, with their exact messages, are tests/sites/invalid/badge-svg-*.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from generator.images import css_danger, parse_svg, svg_danger
from generator.strip import strip_svg

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 512 512">'


def danger(body: str, prolog: str = "") -> str | None:
    root, instructions = parse_svg(prolog + OPEN + body + "</svg>")
    return svg_danger(root, instructions)


@pytest.mark.parametrize("body, reason", [
    # scripts and handlers
    ("<script>alert(1)</script>", "contains a <script> element"),
    ('<script xlink:href="https://evil.example/a.js"/>', "contains a <script> element"),
    ('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>', "contains a <script> element"),
    ('<circle r="1" onclick="alert(1)"/>', 'has an event handler attribute "onclick"'),
    ('<circle r="1" ONLOAD="alert(1)"/>', 'has an event handler attribute "ONLOAD"'),
    ('<handler type="application/ecmascript">alert(1)</handler>', "contains a <handler> element"),
    ("<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject>", "contains a <foreignObject> element"),
    ('<iframe src="https://evil.example/"/>', "contains a <iframe> element"),
    ('<embed src="https://evil.example/x.swf"/>', "contains a <embed> element"),
    ('<object data="https://evil.example/x"/>', "contains a <object> element"),
    # javascript: URLs, however written
    ('<a href="javascript:alert(1)"><circle r="1"/></a>', 'has a javascript: URL in its "href" attribute'),
    ('<a xlink:href="JaVaScRiPt:alert(1)"><circle r="1"/></a>', 'has a javascript: URL in its "href" attribute'),
    ('<a href=" java&#x09;script&#x0A;:alert(1)"><circle r="1"/></a>', 'has a javascript: URL in its "href" attribute'),
    ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>', 'has a javascript: URL in its "href" attribute'),
    # animations that change a link or a handler
    ('<a><set attributeName="href" to="javascript:alert(1)"/></a>', 'has a javascript: URL in its "to" attribute'),
    ('<a><set attributeName="href" to="https://evil.example/"/></a>', 'animates the "href" attribute (<set>)'),
    ('<a><animate attributeName="xlink:href" values="https://evil.example/;#a"/></a>', 'animates the "href" attribute (<animate>)'),
    ('<a><animate attributeName="onclick" values="x"/></a>', 'animates the "onclick" attribute (<animate>)'),
    ('<rect><set attributeName="style" to="fill:red"/></rect>', 'animates the "style" attribute (<set>)'),
    # references outside the file
    ('<a href="https://evil.example/"><circle r="1"/></a>', 'refers to an outside resource "https://evil.example/"'),
    ('<image xlink:href="https://tracker.example/p.png"/>', 'refers to an outside resource "https://tracker.example/p.png"'),
    ('<image href="//tracker.example/p.png"/>', 'refers to an outside resource "//tracker.example/p.png"'),
    ('<image href="../../site.yaml"/>', 'refers to an outside resource "../../site.yaml"'),
    ('<use href="https://evil.example/sprite.svg#a"/>', 'refers to an outside resource "https://evil.example/sprite.svg#a"'),
    ('<use href="data:image/svg+xml;base64,PHN2Zz4="/>', 'refers to an outside resource "data:image/svg+xml;base64,PHN2Zz4="'),
    ('<feImage href="file:///etc/passwd"/>', 'refers to an outside resource "file:///etc/passwd"'),
    ('<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="https://tracker.example/p.gif"/>',
     'refers to an outside resource "https://tracker.example/p.gif"'),
    # styles that load
    ('<rect style="fill:url(https://evil.example/p.svg#g)"/>', 'has a style that loads an outside resource "https://evil.example/p.svg#g"'),
    ("<rect style=\"fill:url( 'http://evil.example/p.svg#g' )\"/>", 'has a style that loads an outside resource "http://evil.example/p.svg#g"'),
    ('<rect fill="url(https://evil.example/p.svg#g)"/>', 'has a style that loads an outside resource "https://evil.example/p.svg#g"'),
    ('<rect cursor="url(https://evil.example/c.cur), auto"/>', 'has a style that loads an outside resource "https://evil.example/c.cur"'),
    ('<rect style="fill:u\\72l(https://evil.example/p)"/>', 'has a style that loads an outside resource "https://evil.example/p"'),
    ('<rect style="fill:u/**/rl(https://evil.example/p)"/>', 'has a style that loads an outside resource "https://evil.example/p"'),
    ('<style>@import "https://evil.example/a.css";</style>', "has a style that loads an outside resource (@import)"),
    ("<style>@import url(a.css);</style>", 'has a style that loads an outside resource "a.css"'),
    ("<style><![CDATA[rect{fill:url(//evil.example/x)}]]></style>", 'has a style that loads an outside resource "//evil.example/x"'),
    ('<style>@font-face{font-family:x;src:url("https://fonts.example/x.woff2")}</style>',
     'has a style that loads an outside resource "https://fonts.example/x.woff2"'),
    ('<style>rect{background:image-set("x.png" 1x)}</style>', "has a style that loads an outside resource (image-set)"),
    ('<style>rect{background:-webkit-image-set("//evil.example/x.png" 1x)}</style>',
     "has a style that loads an outside resource (-webkit-image-set)"),
    ("<style>a{b:expression(alert(1))}</style>", "has a style that loads an outside resource (expression)"),
    ("<style>a{cursor:url(javascript:alert(1))}</style>", "has a style with a javascript: URL"),
])
def test_dangerous_svg_is_refused(body, reason):
    assert danger(body) == reason


def test_a_css_comment_does_not_hide_a_url():
    assert css_danger("fill:url(/**/https://evil.example/p)") == 'has a style that loads an outside resource "https://evil.example/p"'
    assert css_danger("fill:url(#a)/*)*/;x:url(https://evil.example/p)") == (
        'has a style that loads an outside resource "https://evil.example/p"')


@pytest.mark.parametrize("prolog, reason", [
    ('<?xml version="1.0"?>\n<?xml-stylesheet href="https://evil.example/a.css"?>\n',
     "has a processing instruction (<?xml-stylesheet ...?>): not allowed in an SVG image"),
    ('<?XML-STYLESHEET type="text/css" href="a.css"?>', "has a processing instruction (<?XML-STYLESHEET ...?>): not allowed in an SVG image"),
])
def test_style_sheet_instructions_are_refused(prolog, reason):
    assert danger("<circle r='1'/>", prolog) == reason


def test_other_instructions_pass_and_are_not_published():
    """Illustrator wraps its XMP in <?xpacket?>: inert in a browser, and stripped (strip.py)."""
    svg = ('<?xml version="1.0"?>\n<?adobe-xap-filters esc="CRLF"?>\n' + OPEN +
           '<metadata><?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
           '<?xpacket end="w"?></metadata><circle r="1"/></svg>')
    root, instructions = parse_svg(svg)
    assert len(instructions) == 3 and svg_danger(root, instructions) is None
    published = strip_svg(svg.encode()).decode()
    assert "<?xpacket" not in published and "adobe-xap" not in published and "<metadata" not in published
    assert published.startswith('<?xml version="1.0"?>') and '<circle r="1"/>' in published


def test_an_instruction_inside_the_svg_is_refused_too():
    root, instructions = parse_svg(OPEN + '<?xml-stylesheet href="a.css"?><circle r="1"/></svg>')
    assert svg_danger(root, instructions) == "has a processing instruction (<?xml-stylesheet ...?>): not allowed in an SVG image"


def test_entities_are_never_expanded():
    with pytest.raises(ET.ParseError):  # an entity nobody declared: a parse error, not a lookup
        parse_svg(OPEN + "<text>&ext;</text></svg>")


@pytest.mark.parametrize("body", [
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
    '<rect fill="url(#g)" style="fill:url(#g);stroke:#000;font-family:\'Open Sans\'"/>',
    '<defs><symbol id="s"><circle r="1"/></symbol></defs><use xlink:href="#s"/><use href="#s"/>',
    '<a href="#top"><circle r="1"/></a>',
    '<image href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/>',
    "<style>circle:hover{fill:red} .a{clip-path:url(#c)}</style>",
    '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#">'
    '<cc:Work rdf:about=""><cc:license rdf:resource="http://creativecommons.org/licenses/by/4.0/"/></cc:Work></rdf:RDF></metadata>',
    '<g xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:label="Calque 1" '
    'inkscape:export-filename="C:\\Users\\moi\\badge.png"><animate attributeName="opacity" values="0;1" dur="1s"/></g>',
    "<!-- a comment with https://example.org/ and javascript: in it --><circle r='1'/>",
    "<text>Voir https://example.org/ ou javascript: rien</text>",
])
def test_ordinary_svg_passes(body):
    assert danger(body) is None
