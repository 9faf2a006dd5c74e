"""Read and check the fields of a parsed YAML mapping, reporting every mistake with its position.

A `Fields` reader is the schema of one mapping: each accessor checks one field and returns a
clean value (or None after recording a problem); `done()` reports the keys nobody asked for.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from .errors import Problem, did_you_mean
from .frontmatter import Document, Key, label as key_label
from .model import Duration

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def email_hint(value: str) -> str:
    """What to write instead of a copied address: "Alice <alice@example.org>" (a mail program's
    form) or "mailto:alice@example.org" (a link's) hold one address."""
    inner = re.fullmatch(r"\s*(?:mailto:\s*(?P<link>\S+)|[^<>]*<\s*(?P<angle>[^<>\s]+)\s*>)\s*", value, re.I)
    found = inner and (inner["link"] or inner["angle"])
    return f"(write {found})" if found and EMAIL_RE.match(found) else "(name@domain.org)"
URL_RE = re.compile(r"^https?://[^\s/?#<>\"]+\.[^\s/?#<>\"]*[^\s<>\"]*$|^https?://localhost[^\s<>\"]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DURATION_RE = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
# Any ISO 8601 duration (time part, decimal fractions), to tell "not supported" from "not a duration".
ISO_DURATION_RE = re.compile(r"^P(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?W)?"
                             r"(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?"
                             r"(?:\d+(?:[.,]\d+)?S)?)?$")
DURATION_EXPECTED = "expected a duration in whole years, months, weeks or days, such as P2Y, P6M, P1Y6M, P2W or P90D"
HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# Control characters other than tab and line feed: YAML refuses them written as they are, but
# accepts them escaped in double quotes ("\x1b", "\0"); in a page or a feed they are at best
# invisible, and XML (feed.xml, sitemap.xml, SVG) forbids most of them.
# U+FFFE and U+FFFF are not characters at all, and XML refuses them too.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def control_problem(text: str) -> str | None:
    """A message for a text holding a control character (or a noncharacter), or None."""
    match = CONTROL_RE.search(text)
    if match is None:
        return None
    what = "control character" if unicodedata.category(match.group()) == "Cc" else "noncharacter"
    return f"contains the {what} U+{ord(match.group()):04X}: remove it"

@lru_cache(maxsize=4096)  # a few dozen tags, named again by thousands of badges
def tag_slug(name: str) -> str:
    """A URL-safe form of a free text: "Prise de parole" -> "prise-de-parole"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def slug_form(value: str) -> str:
    """The slug a reference written another way stands for: "SCD" -> "scd", "université" ->
    "universite", "prise de parole" -> "prise-de-parole", "oral.md" -> "oral"."""
    value = value.strip()
    return tag_slug(value[:-3] if value.lower().endswith(".md") else value)


_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", float: "a number",
               list: "a list", dict: "a mapping", date: "a date", type(None): "nothing"}


def quoted(text: Any) -> str:
    """A value as written, in double quotes, for messages (never a Python repr)."""
    return '"' + str(text).replace("\n", " ") + '"'


def type_name(value: Any) -> str:
    if isinstance(value, datetime):
        return "a date and time"
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def _date_hint(value: str) -> str:
    """' (write 2025-09-01)' for a day written the French way, 01/09/2025 or 1.9.2025."""
    match = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", value)
    year_first = re.fullmatch(r"\s*(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})\s*", value)
    try:
        if match:
            return f" (write {date(int(match[3]), int(match[2]), int(match[1])).isoformat()})"
        if year_first:
            return f" (write {date(int(year_first[1]), int(year_first[2]), int(year_first[3])).isoformat()})"
    except ValueError:
        pass
    return ""


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def _no_such_day(value: str) -> str:
    """Why a YYYY-MM-DD that is well written names no day: "there is no month 13", "February 2025
    has 28 days" (a spreadsheet's 2025-02-30 or a 2024-31-12 written day before month)."""
    import calendar

    year, month, day = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        swapped = f" (write {year:04d}-{day:02d}-{month:02d})" if 1 <= day <= 12 and 1 <= month <= calendar.monthrange(year, day)[1] else ""
        return f"there is no month {month}: expected YYYY-MM-DD, the month before the day{swapped}"
    if day == 0:
        return "there is no day 0: days start at 01"
    return f"{_MONTH_NAMES[month - 1]} {year} has {calendar.monthrange(year, month)[1]} days"


_UNITS = {"Y": ("an", "ans", "année", "années", "annee", "annees", "year", "years", "yr", "yrs"),
          "M": ("mois", "month", "months"), "W": ("semaine", "semaines", "week", "weeks"),
          "D": ("jour", "jours", "day", "days", "j", "d")}


# What a French author writes for the values of `status`, `category` and `design.shape`: by
# spelling alone, "archivé" is nearest to "active", the opposite of what is meant.
_MEANT = {word: value for value, words in {
    "draft": ("brouillon", "ebauche", "en preparation"),
    "active": ("actif", "publie", "publiee", "en ligne"),
    "retired": ("retire", "retiree", "archive", "archivee", "archived", "obsolete", "ferme", "clos"),
    "network": ("reseau", "appartenance", "adhesion", "membre", "membership"),
    "technical": ("technique", "techniques", "specifique"),
    "transversal": ("transversale", "transversales", "transverse"),
    "circle": ("cercle", "rond", "disque"),
    "hexagon": ("hexagone",),
    "shield": ("bouclier", "ecusson", "blason"),
    "ribbon": ("ruban",),
}.items() for word in words}


def _plain(text: str) -> str:
    """Lower case, without accents: "Archivé" is "archive"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.strip().lower()) if not unicodedata.combining(c))


def _duration_hint(value: str) -> str:
    """' (write P2Y)' for a duration written in words: "2 ans", "6 months", "1 an et 6 mois"; or
    almost as ISO 8601: "2Y", "p2y", "P1Y 6M", "P2A" (an), "P90J" (jours), "P2S" (semaines)."""
    compact = re.sub(r"\s+", "", value.upper())
    compact = compact if compact.startswith("P") else "P" + compact
    compact = compact[0] + compact[1:].translate(str.maketrans("AJS", "YDW"))
    if compact != value and DURATION_RE.match(compact) and any(int(n) for n in re.findall(r"\d+", compact)):
        return f" (write {compact})"
    parts = re.findall(r"(\d+)\s*([^\W\d_]+)", value.lower())
    if not parts or re.sub(r"\d+\s*[^\W\d_]+|\bet\b|\band\b|[\s,]", "", value.lower()):
        return ""
    amounts: dict[str, int] = {}
    for amount, unit in parts:
        letter = next((k for k, names in _UNITS.items() if unit in names), None)
        if letter is None or letter in amounts:
            return ""
        amounts[letter] = int(amount)
    written = "P" + "".join(f"{amounts[k]}{k}" for k in "YMWD" if k in amounts)
    return f" (write {written})" if DURATION_RE.match(written) and any(amounts.values()) else ""


# what a French author writes for true or false (YAML itself reads yes/no as booleans)
_FRENCH_BOOLEANS = {"oui": True, "vrai": True, "non": False, "faux": False}


class Fields:
    def __init__(self, doc: Document, problems: list[Problem], key: Key = (), data: dict | None = None):
        self.doc = doc
        self.problems = problems
        self.key = key
        self.data = doc.data if data is None else data
        self.seen: set[str] = set()
        self.missed: dict[str, Problem] = {}  # required fields found absent, by name

    # -- reporting -------------------------------------------------------------------------
    def _key(self, name: str | int | tuple | None) -> Key:
        if name is None:
            return self.key
        return self.key + (name if isinstance(name, tuple) else (name,))

    def label(self, name: str | int | tuple | None = None) -> str:
        """The dotted field name of a key for messages: request.url, alignments[1].url."""
        return key_label(self._key(name))

    def fail(self, name: str | int | tuple | None, message: str, on_key: bool = False) -> None:
        """Report a problem at a value (a block mapping or list: at its key), or at its key."""
        key = self._key(name)
        if message.startswith("is empty") and self._comment_made_empty(key):
            return
        line, col = self.doc.where_key(key) if on_key else self.doc.where_whole(key)
        self.problems.append(Problem(self.doc.path, line, col, self.label(name), message))

    def _comment_made_empty(self, key: Key) -> bool:
        """`background: #1f5fa8`: YAML reads the colour as a comment, and the field as empty.
        The reader's warning says so at the "#"; where the field must have a value, that warning
        becomes the error, instead of an "is empty" that does not say why."""
        for i, p in enumerate(self.problems):
            if (p.warning and p.path == self.doc.path and p.field == key_label(key)
                    and "is a YAML comment, so the field is empty" in p.message):
                self.problems[i] = Problem(p.path, p.line, p.col, p.field, p.message)
                return True
        return False

    def missing(self, name: str, hint: str = "") -> None:
        """A required field is absent: named in the field slot, reported where its mapping is
        (for a content file's own fields, at the opening '---')."""
        line, col = self.doc.where_whole(self.key)
        problem = Problem(self.doc.path, line, col, self.label(name), "missing required field" + hint)
        self.problems.append(problem)
        self.missed[name] = problem

    def position(self, name: str | int) -> tuple[int, int]:
        return self.doc.where(self.key + (name,))

    # -- raw access ------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str, required: bool = False) -> Any:
        self.seen.add(name)
        if name not in self.data:
            if required:
                self.missing(name)
            return None
        value = self.data[name]
        if value is None and required:
            self.fail(name, "is empty: a value is required")
        return value

    def done(self, allowed: tuple[str, ...] = ()) -> None:
        """Report every key that no accessor read. A misspelt required field (`nme:`, `Name:`,
        `category :` with a no-break space) is one mistake: its line, not also "missing"."""
        known = set(allowed) | self.seen
        for name in self.data:
            if name in known:
                continue
            if not isinstance(name, str):
                self.fail(name, "unknown field" + did_you_mean(name, known), on_key=True)
                continue
            bare = "".join(ch for ch in name if not ch.isspace())
            if bare != name and bare in known:  # "category\u00a0:", as word processors write it
                space = next(ch for ch in name if ch.isspace())
                what = "a no-break space (U+00A0)" if space == "\u00a0" else f"a space (U+{ord(space):04X})"
                self.fail(name, f'unknown field: "{bare}" with {what} in its name: write {bare}: with nothing '
                                f"between the name and the colon", on_key=True)
                meant = [bare]
            else:
                near = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6) or [
                    m for m in known if m.casefold() == name.casefold()]  # "URL:" for "url:"
                meant = [m for m in near if m in self.missed]
                self.fail(name, "unknown field" + did_you_mean(name, meant[:1] or known), on_key=True)
            for m in meant:
                if m in self.missed and self.missed[m] in self.problems:
                    self.problems.remove(self.missed.pop(m))

    def source(self, name: str | int | tuple, value: Any) -> Any:
        """A scalar as its author wrote it: YAML 1.1 reads `0123` as 83, `1.10` as 1.1, `no` as
        false and `2024-09-01` as a date; where text is expected, the written text is meant."""
        if isinstance(value, (bool, int, float, date)):
            written = self.doc.raw.get(self._key(name))
            if written is not None:
                return written
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
        return value

    def found(self, name: str | int | tuple, value: Any) -> str:
        """What a message says was found: a number or true/false as written (`found 1.5`,
        `found yes`: "found a number" reads like what was expected), else its kind (`found text`)."""
        if isinstance(value, (bool, int, float)):
            written = self.doc.raw.get(self._key(name))
            return written if written is not None else str(value).lower()
        return type_name(value)

    def found_text(self, name: str | int | tuple, value: Any) -> str:
        """`found`, with a short text shown as written: `found text "deux"`; a number in quotes
        ("2") is one for YAML only without them."""
        if not isinstance(value, str) or "\n" in value or len(value) > 40:
            return self.found(name, value)
        shown = f"text {quoted(value)}"
        return shown + " (a number is written without quotes)" if re.fullmatch(r"-?\d+(\.\d+)?", value.strip()) else shown

    # -- typed accessors ---------------------------------------------------------------------
    def text(self, name: str, required: bool = False, oneline: bool = False, max_len: int | None = None,
             default: str | None = None) -> str | None:
        value = self.raw(name, required)
        if value is None:
            return default
        value = self.source(name, value)  # "code: 1.10" is the text "1.10", not the number 1.1
        if not isinstance(value, str):
            self.fail(name, f"expected text, found {type_name(value)}")
            return default
        value = value.strip()
        if required and not value:
            self.fail(name, "is empty: a value is required")
            return default
        bad = control_problem(value)
        if bad:
            self.fail(name, bad)
            return default
        if oneline and "\n" in value:
            self.fail(name, "expected a single line of text")
        if max_len and len(value) > max_len:
            self.fail(name, f"is {len(value)} characters long; at most {max_len} expected")
        return value

    def url(self, name: str, required: bool = False, https: bool = False) -> str | None:
        value = self.text(name, required, oneline=True)
        if value is None:
            return None
        if not URL_RE.match(value):
            bare = re.fullmatch(r"(?://)?([a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:/\S*)?)", value.strip(), re.I)
            hint = f' (write "https://{bare[1]}")' if bare else " (https://...)"  # "example.org/badges/"
            self.fail(name, f'"{value}" is not an absolute http(s) URL{hint}')
            return None
        if https and not value.startswith("https://"):
            self.fail(name, f'"{value}" must start with https://')
            return None
        return value

    def email(self, name: str, required: bool = False) -> str | None:
        value = self.text(name, required, oneline=True)
        if value is None:
            return None
        if not EMAIL_RE.match(value) or ".." in value:
            self.fail(name, f'"{value}" is not a valid e-mail address {email_hint(value)}')
            return None
        return value

    def slug(self, name: str, required: bool = False) -> str | None:
        value = self.text(name, required, oneline=True)
        if value is None:
            return None
        if not SLUG_RE.match(value):
            self.fail(name, f'"{value}" is not a slug (lowercase letters, digits and hyphens)')
            return None
        return value

    def reference(self, name: str, required: bool = False) -> str | None:
        """The slug of another file, as `slug`; but a text that stands for one ("SCD", "oral.md")
        is returned as written, for the loader to name it with the slug meant, which it knows."""
        value = self.text(name, required, oneline=True)
        if value is None or SLUG_RE.match(value) or slug_form(value):
            return value
        self.fail(name, f'"{value}" is not a slug (lowercase letters, digits and hyphens)')
        return None

    def references(self, name: str) -> list[tuple[str, tuple[int, int], int]]:
        """A list of slugs of other files (`reference` for each): (text, position, index)."""
        out = []
        for i, item in self.items(name):
            item = self.source((name, i), item)
            if not isinstance(item, str):
                self.fail((name, i), f"expected a slug (lowercase letters, digits and hyphens), found {type_name(item)}")
            elif SLUG_RE.match(item):
                out.append((item, self.doc.where(self.key + (name, i)), i))
            elif slug_form(item):  # named with the slug meant by the loader
                out.append((item.strip(), self.doc.where(self.key + (name, i)), i))
            else:
                self.fail((name, i), f"{quoted(item)} is not a slug (lowercase letters, digits and hyphens)")
        return out

    def slugs(self, name: str) -> list[tuple[str, tuple[int, int]]]:
        """A list of slugs, each with its position for reference errors later."""
        out = []
        for i, item in self.items(name):
            item = self.source((name, i), item)
            if not isinstance(item, str):
                self.fail((name, i), f"expected a slug (lowercase letters, digits and hyphens), found {type_name(item)}")
                continue
            if not SLUG_RE.match(item):
                self.fail((name, i), f"{quoted(item)} is not a slug (lowercase letters, digits and hyphens)")
                continue
            out.append((item, self.doc.where(self.key + (name, i))))
        return out

    def items(self, name: str) -> list[tuple[int, Any]]:
        """The items of a list field; their problems are reported under `name[i]`."""
        value = self.raw(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, f"expected a list, found {self.found(name, value)}{self.list_hint(name, value)}")
            return []
        return list(enumerate(value))

    @staticmethod
    def list_hint(name: str, value: Any) -> str:
        """`competencies: oral, ecoute` (YAML reads one text): the line to write instead."""
        if not isinstance(value, str) or "\n" in value or len(value) > 200:
            return ""
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts or not all(re.fullmatch(r"[^\W_][\w .'’-]*", part) for part in parts):
            return ""  # quotes or brackets: a hint would need YAML's quoting rules
        return f": write {name}: [{', '.join(parts)}]"

    def texts(self, name: str, max_len: int | None = None, slugged: bool = False, one: bool = True) -> list[str]:
        """A text, or a list of texts; with `one=False`, a list only (`tags: théâtre, oral` is
        a mistake for [théâtre, oral], not one tag "théâtre, oral")."""
        value = self.raw(name)
        if value is None:
            return []
        if isinstance(value, list):
            items = [((name, i), self.source((name, i), item)) for i, item in enumerate(value)]
        elif not one:
            self.fail(name, f"expected a list, found {self.found(name, value)}{self.list_hint(name, value)}")
            return []
        else:
            items = [(name, self.source(name, value))]
            if not isinstance(items[0][1], str):
                self.fail(name, f"expected text or a list of texts, found {type_name(value)}")
                return []
        out = []
        for where, item in items:
            if isinstance(item, str) and not item.strip():
                self.fail(where, "is empty: write a text, or remove it")
            elif not isinstance(item, str):
                self.fail(where, f"expected text, found {type_name(item)}")
            elif max_len and len(item) > max_len:
                self.fail(where, f"is {len(item)} characters long; at most {max_len} expected")
            elif control_problem(item):
                self.fail(where, control_problem(item))
            elif slugged and not tag_slug(item) and any(c.isalnum() for c in item):  # Greek, Cyrillic, CJK...
                self.fail(where, f'"{item}" has no letter a to z or digit 0 to 9 to make a URL from: write it in Latin letters')
            elif slugged and not tag_slug(item):
                self.fail(where, f'"{item}" has no letter or digit to make a URL from')
            else:
                out.append(item.strip())
        return out

    def integer(self, name: str, minimum: int | None = None, maximum: int | None = None) -> int | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"expected a whole number, found {self.found_text(name, value)}")
            return None
        if minimum is not None and value < minimum:
            self.fail(name, f"{value} is too small: at least {minimum} expected")
            return None
        if maximum is not None and value > maximum:
            self.fail(name, f"{value} is too large: at most {maximum} expected")
            return None
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            meant = _FRENCH_BOOLEANS.get(value.strip().lower()) if isinstance(value, str) else None
            hint = "" if meant is None else f": write {name}: {'true' if meant else 'false'}"
            self.fail(name, f"expected true or false, found {self.found_text(name, value)}{hint}")
            return default
        return value

    def choice(self, name: str, choices: tuple[str, ...], required: bool = False, default: str | None = None) -> str | None:
        value = self.text(name, required, oneline=True)
        if value is None:
            return default
        if value not in choices:
            meant = _MEANT.get(_plain(value))
            hint = f' (did you mean "{meant}"?)' if meant in choices else ""
            self.fail(name, f'"{value}" is not allowed' + (hint or did_you_mean(value, choices)))
            return default
        return value

    def date(self, name: str) -> date | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        value = self.source(name, value)
        if isinstance(value, str):
            if DATE_RE.match(value.strip()):
                try:
                    return date.fromisoformat(value.strip())
                except ValueError:
                    self.fail(name, f"{quoted(value)} is not a date: {_no_such_day(value.strip())}")
                    return None
            self.fail(name, f"{quoted(value)} is not a date: expected YYYY-MM-DD, such as 2024-09-01" + _date_hint(value))
        else:
            self.fail(name, f"expected a date (YYYY-MM-DD, such as 2024-09-01), found {self.found(name, value)}")
        return None

    def duration(self, name: str) -> Duration | None:
        value = self.text(name, oneline=True)
        if value is None:
            return None
        match = DURATION_RE.match(value)
        if not match:
            if ISO_DURATION_RE.match(value):  # P1DT12H, P1.5Y: ISO 8601, but not what a validity takes
                what = "hours, minutes and seconds are" if "T" in value else "fractions are"
                self.fail(name, f'"{value}": {what} not supported; {DURATION_EXPECTED}')
            else:
                self.fail(name, f'"{value}" is not an ISO 8601 duration: {DURATION_EXPECTED}' + _duration_hint(value))
            return None
        years, months, weeks, days = (int(g or 0) for g in match.groups())
        if years + months + weeks + days == 0:
            self.fail(name, f'"{value}" is a zero duration: an award would never be valid')
            return None
        return Duration(value, years, months, days + 7 * weeks)

    def colour(self, name: str, required: bool = False) -> str | None:
        value = self.text(name, required, oneline=True)
        if value is not None and not HEX_RE.match(value):
            from PIL import ImageColor

            try:  # "green", "#fff", "rgb(0, 128, 0)": a colour CSS knows, written otherwise
                hex_code = "#{:02x}{:02x}{:02x}".format(*ImageColor.getrgb(value.strip())[:3])
            except ValueError:
                self.fail(name, f'"{value}" is not a colour: expected #rrggbb, such as #1f5fa8')
            else:
                self.fail(name, f'"{value}" is not written as #rrggbb: write "{hex_code}", the same colour (in quotes)')
            return None
        return value

    def mapping(self, name: str, required: bool = False) -> Fields | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(name, f"expected a mapping of fields, found {self.found(name, value)}")
            return None
        return Fields(self.doc, self.problems, self.key + (name,), value)

    def mappings(self, name: str) -> list[Fields]:
        out = []
        for i, item in self.items(name):
            if not isinstance(item, dict):
                self.fail((name, i), f"expected a mapping of fields, found {self.found((name, i), item)}")
                continue
            out.append(Fields(self.doc, self.problems, self.key + (name, i), item))
        return out
