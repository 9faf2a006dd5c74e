"""search.json per language: what the catalogue's search and filters read (static/catalogue.js).

The catalogue page fetches it on first use only, so it is kept light:

- issuers, competencies and tags are listed once, in tables, and badges refer to them by
  position (a badge's issuer filter also matches the issuer's parents: catalogue.js walks
  `parent`);
- a badge is an array, in the order of `fields`, not an object repeating its keys;
- the text a badge is found by is not stored as written but as an index, `words`: each distinct
  word stem, with common words left out, lists the badges that have it in their name,
  description, issuers (parents included), competencies or tags (positions in `badges`, as gaps
  from the previous one, in base 36: "pris": "3 1 a"), and `more` the badges that have it in
  their criteria only, so that catalogue.js ranks the first before the second without
  reading any text; a competency code of letters and digits is one word, without its
  separators ("COM-1" as "com1": `code_key`).

Stems come from a deliberately light French and English stemmer (`stem`): accents and case
aside (elided words such as the l of "l’écriture" are left out with the common words), English
-ies and -ied as -y ("studies", "studied" as "study"), plural s/x off ("oraux" as "oral", and the few -ail nouns whose plural is -aux: "travaux" as
"travail"), then one common suffix off ("créative", "créatif", "créativité" and "creative" all
give "creat"; "directrice" and "directeur" give "direct"), and a stem that ends in qu ends in c
("communiquer" gives "communic", as "communication" does). catalogue.js has the
same stemmer, letter for letter, and matches each typed word as the start of a stem, so that
searching as you type works; the test suite checks that both give the same stems for every word
of the example catalogue.

Only active badges are listed, as on the catalogue page. The criteria count up to
CRITERIA_WORDS distinct stems: enough to find a badge by what it asks, without an index that
grows with every sentence of every badge.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

from ..model import CATEGORIES, Badge, Catalogue
from .base import Job, Renderer

CRITERIA_WORDS = 80  # distinct stems of the criteria kept per badge (after those of name, description...)
CRITERIA_CHARS = 5000  # enough text to find them: criteria are read from their beginning
FIELDS = ["slug", "name", "description", "issuer", "category", "level", "competencies", "tags", "image",
          "untranslated"]

# Words too common to tell badges apart: left out of the index and of typed searches (folded).
STOPWORDS = frozenset("""
a au aux avec ce ces cet cette d dans de des du elle en est et il ils l la le les leur leurs lui
ma mais me mes n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur ta te tes
un une vos votre vous y jusqu lorsqu puisqu quoiqu
an and are as at be by for from has have in is it its of on or that the their this to was
were will with your
""".split())

# Longest first: the first that leaves at least MIN_STEM letters is taken off.
SUFFIXES = sorted("""
issement ement ment ations ation atrice ateur ivite ite ive if euse eur ere rice ique isme
iste able ible ance ence ancy ency ness ing ee er ed ly e
""".split(), key=lambda s: (-len(s), s))
MIN_STEM = 3
# Nouns in -ail whose plural is -aux (the others, such as "détails", only lose their s).
AIL_PLURALS = {"travaux": "travail", "vitraux": "vitrail", "coraux": "corail", "vantaux": "vantail",
               "soupiraux": "soupirail"}

_INCLUSIVE = re.compile(r"[·‧•⋅][^\W\d_]*")  # tuteur·rice, étudiant·e·s: the base form stays
_WORD = re.compile(r"[^\W_]+")  # letters and numbers: /[\p{L}\p{N}]+/u in catalogue.js
_DIGITS = re.compile(r"[0-9]+")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"[0-9]")


def fold(text: str) -> str:
    """Lower case, without accents (combining marks U+0300-U+036F), œ and æ spelt out."""
    text = unicodedata.normalize("NFD", text)
    text = re.sub("[\u0300-\u036f]", "", text).lower()
    return text.replace("œ", "oe").replace("æ", "ae").replace("\u02bc", "'")  # ʼ: an apostrophe, not a letter


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one folded word (see the module's docstring)."""
    if len(word) <= MIN_STEM or _DIGITS.fullmatch(word):
        return word
    if word in AIL_PLURALS:
        word = AIL_PLURALS[word]
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ied") and len(word) > 5:  # studied, applied (not "pied")
        word = word[:-3] + "y"
    elif word.endswith("aux") and len(word) > 4 and not word.endswith("eaux"):  # oraux, journaux
        word = word[:-3] + "al"
    elif word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            word = word[:-len(suffix)]
            break
    return word[:-2] + "c" if word.endswith("qu") else word  # communiqu(er) as communic(ation)


def words(text: str) -> list[str]:
    """The folded words of a text, inclusive endings removed, common words left out."""
    return [w for w in _WORD.findall(_INCLUSIVE.sub("", fold(text))) if w not in STOPWORDS and (len(w) > 1 or _DIGITS.fullmatch(w))]


def stems(text: str) -> list[str]:
    """Distinct stems of a text, in order of first appearance."""
    return list(dict.fromkeys(stem(w) for w in words(text)))


def code_key(code: str) -> str | None:
    """A competency code of letters and digits as one word, without its separators: "COM-1"
    is "com1", "CT2.5" "ct25" (so that typing it does not find every badge with a 1 or a 5);
    None for a code without both (its words are indexed as any text's)."""
    key = "".join(_WORD.findall(fold(code)))
    return key if _LETTER.search(key) and _DIGIT.search(key) else None


def jobs(r: Renderer) -> list[Job]:
    return [Job(f"{cat.prefix}search.json", "search", lambda c=cat: index(c), batch=f"search {cat.lang}") for cat in r.site.catalogues.values()]


def _badge_stems(badge: Badge) -> tuple[list[str], list[str]]:
    """(stems of its name, description, issuers, competencies and tags; other stems of its criteria)."""
    issuers = [badge.issuer, *badge.issuer.ancestors]
    codes = [c.code for c in badge.competencies if c.code]
    keys = [code_key(code) for code in codes]
    head = " ".join([badge.name, badge.description, *(c.name for c in badge.competencies),
                     *(code for code, key in zip(codes, keys) if not key), *(i.name for i in issuers),
                     *(t.name for t in badge.tags)])
    found = dict.fromkeys([*stems(head), *(key for key in keys if key)])
    extra: dict[str, None] = {}
    for word in words(badge.body_text[:CRITERIA_CHARS]):
        s = stem(word)
        if s not in found and s not in extra:
            extra[s] = None
            if len(extra) == CRITERIA_WORDS:
                break
    return list(found), list(extra)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _gaps(postings: dict[str, list[int]]) -> dict[str, str]:
    """Which badges have each stem: positions in `badges`, as gaps from the previous one, in base 36."""
    words = {}
    for word in sorted(postings):
        previous, gaps = 0, []
        for n in postings[word]:
            gaps.append(_base36(n - previous))
            previous = n
        words[word] = " ".join(gaps)
    return words


def index(cat: Catalogue) -> bytes:
    badges = cat.active_badges
    issuers = list(cat.issuers.values())
    issuer_at = {i.slug: n for n, i in enumerate(issuers)}
    used_competencies = {c.slug for b in badges for c in b.competencies}
    competencies = [c for c in cat.competencies.values() if c.slug in used_competencies]
    comp_at = {c.slug: n for n, c in enumerate(competencies)}
    used_tags = {t.slug for b in badges for t in b.tags}
    tags = [t for t in cat.tags.values() if t.slug in used_tags]
    tag_at = {t.slug: n for n, t in enumerate(tags)}
    entries = []
    postings: dict[str, list[int]] = {}
    criteria: dict[str, list[int]] = {}
    for n, badge in enumerate(badges):
        prefix = f"badges/{badge.slug}"
        thumb = badge.image.thumb_path or badge.image.path
        untranslated = int(not badge.translated) + 2 * int(not badge.issuer.translated)
        entries.append([
            badge.slug, badge.name, badge.description, issuer_at[badge.issuer.slug], CATEGORIES.index(badge.category),
            badge.level, [comp_at[c.slug] for c in badge.competencies], [tag_at[t.slug] for t in badge.tags],
            thumb[len(prefix):] if thumb.startswith(prefix + ".") else thumb, untranslated,
        ])
        head, more = _badge_stems(badge)
        for word in head:
            postings.setdefault(word, []).append(n)
        for word in more:
            criteria.setdefault(word, []).append(n)
    data = {
        "lang": cat.lang,
        "fields": FIELDS,
        "categories": list(CATEGORIES),
        "issuers": [[i.slug, i.name, issuer_at[i.parent.slug] if i.parent else -1, int(not i.translated)] for i in issuers],
        "competencies": [[c.slug, c.name, int(not c.translated)] for c in competencies],
        "tags": [[t.slug, t.name] for t in tags],
        "badges": entries,
        "words": _gaps(postings),
        "more": _gaps(criteria),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
