"""The converter's two shortcuts (mdconvert.py: plain text made atomic, bracket ends found from the
brackets alone) give the HTML Python-Markdown gives without them."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown.inlinepatterns import LinkInlineProcessor

from generator import markup, mdconvert

TRICKY = [
    "Du texte simple.\n\nUn autre paragraphe, sans rien d'autre.",
    "Un **gras**, un *italique*, un_mot_souligné et un `code`.",
    "Un [lien](https://example.org/a?b=1&c=2 \"titre\") puis [un autre][ref].\n\n[ref]: https://example.org/r",
    "![image](x.png) et [[crochets]] et ]fermé[ ouvert [ jamais",
    "Ligne avec deux espaces  \nà la ligne, puis une \\*étoile\\* échappée.",
    "Texte[^1] avec une note.\n\n[^1]: La note, en texte simple.",
    "Le HTML est partout.\n\n*[HTML]: HyperText Markup Language",
    "# Titre {: #ancre }\n\nTexte {: .classe }",
    "Terme\n:   Sa définition, simple.\n\nAutre terme\n:   *La sienne*.",
    "| a | b |\n|---|---|\n| simple | *forte* |\n| &copy; | <span>x</span> |",
    "<div markdown=\"1\">\n*a* et du texte simple\n</div>\n\nAprès.",
    "<https://example.org> et <personne@example.org>, &amp; &#233;.",
    "> Une citation simple\n>\n> - une liste\n> - *deux*\n\n    du code [pas un lien]",
    "1. un\n2. deux **gras**\n\n- a\n- b",
]


HAS_BRACKET_ENDS = hasattr(LinkInlineProcessor, "_findBracketEnds")  # Python-Markdown 3.11 has it


def _plain_converter() -> markdown.Markdown:
    """The converter with both shortcuts taken out."""
    md = mdconvert.converter()
    md.treeprocessors.deregister("plain_text")
    for pattern in md.inlinePatterns:
        pattern.__dict__.pop("_findBracketEnds", None)
    return md


def test_the_shortcuts_are_in_place():
    markup.convert("made on first use")
    assert "plain_text" in markup._MD.treeprocessors
    links = [p for p in markup._MD.inlinePatterns if isinstance(p, LinkInlineProcessor)]
    assert len(links) == 6
    assert all(getattr(p, "_findBracketEnds", None) is mdconvert._bracket_ends for p in links) == HAS_BRACKET_ENDS


@pytest.mark.parametrize("text", TRICKY)
def test_same_html_as_without_the_shortcuts(text):
    md = _plain_converter()
    md.top_heading = 2
    assert markup.convert(text) == md.convert(text)


def test_same_html_on_random_markdown():
    pieces = list("ab cd\n\n*_`[]()<>&\\{}#-:|!^ 1.") + [
        "  \n", "*[AB]: x\n", "[^1]\n\n[^1]: n\n", "<b>x</b>", "    c\n", "> q\n", "| a | b |\n|---|---|\n| c | d |\n",
        "[r]: http://x.org\n", "[a][r]", "![i](x.png)", "&copy;", "<http://x.org>", "AB ",
    ]
    rng = random.Random(7)
    md = _plain_converter()
    md.top_heading = 2
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 50)))
        md.reset()
        assert markup.convert(text) == md.convert(text), text


@pytest.mark.skipif(not HAS_BRACKET_ENDS, reason="this Python-Markdown has no _findBracketEnds to compare with")
def test_bracket_ends_as_the_library_finds_them():
    rng = random.Random(11)
    for _ in range(20000):
        text = "".join(rng.choice("[]ab") for _ in range(rng.randrange(0, 40)))
        assert mdconvert._bracket_ends(text) == LinkInlineProcessor._findBracketEnds(text), text
    long = "[" * 20000 + "x" + "]" * 3
    assert mdconvert._bracket_ends(long) == LinkInlineProcessor._findBracketEnds(long)
