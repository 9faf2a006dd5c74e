"""Reading a spreadsheet's CSV export for `vitrine award --csv`: the bytes (UTF-8, UTF-16, or
Windows-1252 as French Excel saves them), the separator, the header row (French and English
column names, first and last names in two columns) and the days as spreadsheets write them.

Nothing here knows what an award is: award_cli turns each row's cells into a record. Every
problem is a Problem at the file's line and column, all of a file reported together.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .errors import Problem

FIELDS = ("email", "name", "consent", "evidence", "narrative", "issued_on", "lang")
# What a column's header may say, once normalised (see _key): lower case, no accents, words
# separated by one space. "nom" and "name" alone are the whole name, or the last name beside a
# first-name column. A column of notes ("Commentaire", "Remarques") is NOT the narrative: the
# narrative is published, notes in a spreadsheet often are not meant to be.
ALIASES = {
    "email": ("email", "e mail", "mail", "courriel", "mel", "adresse mail", "adresse email", "adresse e mail",
              "adresse mel", "adresse electronique", "adresse courriel", "adresse de courriel", "email address",
              "e mail address", "mail address", "recipient"),
    "name": ("name", "nom", "nom complet", "full name", "nom et prenom", "prenom et nom", "prenom nom", "nom prenom",
             "recipient name", "nom du destinataire"),
    "first": ("prenom", "first name", "firstname", "given name", "prenom usuel", "prenom d usage"),
    "last": ("nom de famille", "last name", "lastname", "surname", "family name", "nom d usage", "nom usage",
             "nom usuel"),
    "consent": ("consent", "consentement", "accord", "accord publication", "accord de publication", "publication",
                "publication du nom", "publier le nom", "autorisation de publication"),
    "evidence": ("evidence", "preuve", "preuves", "preuve s", "portfolio"),
    "narrative": ("narrative", "recit"),
    "lang": ("lang", "langue", "language", "langue de correspondance", "langue preferee", "preferred language",
             "langue des messages", "langue du courriel", "email language"),
    "issued_on": ("issued on", "issued", "date", "date d obtention", "date obtention", "obtenu le", "date d attribution",
                  "date de delivrance", "date d emission", "issue date", "awarded on", "date awarded"),
}
KNOWN = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_SEPARATORS = {"\t": "tab", ";": '";"', ",": '","'}
ENCODING_HINT = 'save the spreadsheet as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8)'


@dataclass
class Sheet:
    """A CSV file read whole: its rows of cells and how its columns were understood."""

    path: str
    encoding: str = "UTF-8"
    delimiter: str = ","
    declared: bool = False  # the separator was declared by a first line "sep=;" (Excel's)
    headers: list[str] = field(default_factory=list)  # as written, stripped
    columns: list[str | None] = field(default_factory=list)  # the field each column gives (first/last too), or None
    ignored: list[str] = field(default_factory=list)  # headers of the columns not read
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line of the row's start, cells)

    def label(self, name: str) -> str:
        """A field's column as the user named it: "Date d'obtention", "Prénom + Nom"."""
        if name == "name" and "first" in self.columns and "name" not in self.columns:
            return " + ".join(self.headers[self.columns.index(f)] for f in ("first", "last") if f in self.columns)
        return self.headers[self.columns.index(name)] if name in self.columns else name

    def cells(self, row: list[str]) -> dict[str, tuple[str, int]]:
        """Field -> (value, column) for one row; a first and a last name make the name, in this order."""
        out = {name: (row[i].strip() if i < len(row) else "", i + 1) for i, name in enumerate(self.columns) if name}
        if "first" in out:
            parts = [out[f][0] for f in ("first", "last") if f in out and out[f][0]]
            out["name"] = (" ".join(parts), out["first"][1])
        return out

    def summary(self) -> str:
        """What was read: the encoding, the separator, which column gave which field."""
        sep = _SEPARATORS[self.delimiter] + (" (declared by its first line, sep=)" if self.declared else "")
        given = []
        for name in FIELDS:
            if name == "name" and "first" in self.columns:
                given.append(" + ".join(f'"{self.headers[self.columns.index(f)]}"' for f in ("first", "last")
                                        if f in self.columns) + " -> name")
            elif name in self.columns:
                given.append(f'"{self.headers[self.columns.index(name)]}" -> {name}')
        text = (f"Read {self.path}: {self.encoding}, separator {sep}, {len(self.rows)} "
                f"row{'s' if len(self.rows) > 1 else ''}; columns {', '.join(given)}")
        return text + "."


def _key(header: str) -> str:
    """A header as compared: "Adresse électronique " -> "adresse electronique", "E-mail" -> "e mail"."""
    text = re.sub(r"[’‘ʼ`´]", "'", header.replace("\ufeff", ""))  # "Date d’obtention" as "Date d'obtention"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^(?:votre|ton|your) ", "", text)


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - start + 1


# Letters a French text saved as Windows-1252 never has between two letters: the accents of a
# file saved as Mac Roman or DOS (cp850) read as Windows-1252 ("AmŽlie", "H‚lŠne").
_UNLIKELY = re.compile(r"(?<=[^\W\d_])[‚ƒ„†‡ˆ‰‹›˜•™”](?=[^\W\d_])|(?<=[a-zà-ÿ])[ŠŽŒŸ]")


def decode(raw: bytes, shown: str) -> tuple[str | None, str, Problem | None]:
    """(text, the encoding's name, None), or (None, "", the problem). UTF-8 (BOM or not) first;
    UTF-16 and UTF-32 by their BOM; else Windows-1252 when every byte is one of its characters and
    the text reads as such; never a guess that would change the names silently."""
    for bom, codec, name in ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"), (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
                             (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"), (b"\xff\xfe", "utf-16", "UTF-16"),
                             (b"\xfe\xff", "utf-16", "UTF-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec), name, None
            except UnicodeDecodeError as exc:
                line, col = _position(raw, exc.start) if codec == "utf-8-sig" else (1, 1)
                return None, "", Problem(shown, line, col, "", f"the file starts with the mark of {name} text but is not "
                                                               f"{name} throughout: {ENCODING_HINT}")
    if raw.count(b"\x00") * 4 >= len(raw) > 0:
        return None, "", Problem(shown, 1, 1, "", "the file looks like UTF-16 text without its byte order mark: "
                                                  + ENCODING_HINT)
    try:
        return raw.decode("utf-8"), "UTF-8", None
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    mixed = re.search(rb"[\xc3][\x80-\xbf]|\xe2\x80[\x93\x94\x98\x99\x9c\x9d\xa6]|\xc5[\x92\x93]", raw)
    if mixed:  # "Ã©": a line in UTF-8 in a file that is not (rows pasted from two files)
        line, col = _position(raw, mixed.start())
        bad_line, bad_col = _position(raw, utf8_error)
        return None, "", Problem(shown, bad_line, bad_col, "", f"the file mixes two encodings: line {line} is UTF-8, "
                                                               f"this line is not: {ENCODING_HINT}")
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line, col = _position(raw, exc.start)
        return None, "", Problem(shown, line, col, "", f"neither UTF-8 nor Windows-1252 text (byte 0x{raw[exc.start]:02X}): "
                                                       + ENCODING_HINT)
    odd = _UNLIKELY.search(text)
    if odd or "\x00" in text:
        offset = odd.start() if odd else text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        col = offset - text.rfind("\n", 0, offset)
        word = re.search(r"[^\s;,]*$", text[:offset]).group() + re.match(r"[^\s;,]*", text[offset:]).group()  # type: ignore[union-attr]
        return None, "", Problem(shown, line, col, "", f'neither UTF-8 nor Windows-1252 text ("{word[:40]}" read as '
                                                       f"Windows-1252): {ENCODING_HINT}")
    return text, "Windows-1252", None


def read_sheet(path: Path) -> tuple[Sheet | None, list[Problem]]:
    """The file's rows and columns, or None and every problem of its header (or its bytes); the
    problems may include warnings (columns not read, the header row again)."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 1, 1, "", f"cannot read the file: {exc.strerror or exc}")]
    text, encoding, problem = decode(raw, shown)
    if text is None:
        return None, [problem]  # type: ignore[list-item]
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a multi-line cell from a spreadsheet: "\n" lines
    first = text.split("\n", 1)[0]
    hint = re.fullmatch(r"(?i)[ ]*\"?sep=(.?)\"?[;,\t]*\s*", first)  # Excel's line before the header: "sep=;"
    if hint is None:
        return _read_rows(text, shown, encoding, None)
    declared = hint.group(1)
    if declared not in _SEPARATORS:
        what = f"the separator {show(declared)}" if declared else "no separator"
        return None, [Problem(shown, 1, 1, "", f'the first line ("sep=", for Excel) declares {what}: the columns '
                                               'must be separated by ";", "," or a tab (write sep=; or delete the line)')]
    rest = text.split("\n", 1)[1] if "\n" in text else ""
    header = rest.split("\n", 1)[0]
    others = [d for d in _SEPARATORS if d != declared and d in header]
    if declared not in header and others:
        found = max(others, key=header.count)
        return None, [Problem(shown, 1, 1, "", f"the first line declares the separator {_SEPARATORS[declared]} "
                                               f"(sep=), but the header row (line 2) is separated by "
                                               f"{_SEPARATORS[found]}: correct the first line, or delete it")]
    sheet, problems = _read_rows(rest, shown, encoding, declared)
    if sheet is not None:  # its lines are counted from the header: the sep= line comes before
        sheet.declared = True
        sheet.rows = [(line + 1, row) for line, row in sheet.rows]
    return sheet, [replace(p, line=p.line + 1) for p in problems]


def _read_rows(text: str, shown: str, encoding: str, declared: str | None) -> tuple[Sheet | None, list[Problem]]:
    """read_sheet() from the header row on; `declared`: the separator a "sep=" line gave."""
    first = text.split("\n", 1)[0]
    delimiter = declared or (max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ",")
    sheet = Sheet(shown, encoding, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return None, [Problem(shown, 1, 1, "", f"not a CSV file: {exc}")]
    if not header or not any(cell.strip() for cell in header):
        if text.strip(" \t\n;,\ufeff"):
            return None, [Problem(shown, 1, 1, "", "the first line is blank: the header row (email, name, ...) must be "
                                                   "the first line of the file")]
        return None, [Problem(shown, 1, 1, "", f"empty file: expected a header row ({', '.join(FIELDS)})")]
    problems = _read_header(sheet, header)
    if [p for p in problems if not p.warning]:
        return None, problems
    keys = [_key(cell) for cell in header]
    while keys and not keys[-1]:
        keys.pop()
    line = reader.line_num
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank row, or separators only
            if [_key(cell) for cell in row[:len(keys)]] == keys and not any(c.strip() for c in row[len(keys):]):
                problems.append(Problem(shown, start, 1, "", "the header row again (two lists pasted together?): "
                                                             "this line is skipped", warning=True))
                continue
            unnamed = [i for i, cell in enumerate(row) if cell.strip() and (i >= len(sheet.columns) or
                                                                            not sheet.headers[i])]
            if unnamed:
                i = unnamed[0]
                if i >= len(sheet.columns):
                    problems.append(Problem(shown, start, i + 1, "", f"{show(row[i].strip())} is in column {i + 1}, "
                                            f"but the header has {len(sheet.columns)} columns"))
                else:
                    problems.append(Problem(shown, start, i + 1, "", f"{show(row[i].strip())} is in column {i + 1}, "
                                            "which has no name in the header row: name the column "
                                            f"({', '.join(FIELDS)}) or delete it"))
                continue
            sheet.rows.append((start, row))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):  # strict: a quote opened and never closed
            problems.append(Problem(shown, line + 1, 1, "", 'a quoted cell is not closed (a " is missing): '
                                                           "the rest of the file would be read as one cell"))
        else:
            problems.append(Problem(shown, reader.line_num, 1, "", f"not valid CSV: {exc}"))
    return sheet, problems


def _read_header(sheet: Sheet, header: list[str]) -> list[Problem]:
    """Fill sheet.headers/columns/ignored from the header row; the problems of the header."""
    shown = sheet.path
    problems: list[Problem] = []
    ignored: list[tuple[int, str]] = []
    given = {KNOWN.get(_key(cell)) for cell in header}
    near_misses = set()
    for col, cell in enumerate(header, 1):
        written = cell.replace("\ufeff", "").strip()
        key = _key(cell)
        name = KNOWN.get(key)
        sheet.headers.append(written)
        sheet.columns.append(None)
        if not written:
            continue  # a column without a name: read only if a row has something in it (then a problem)
        if name is None:
            question = consent_question(key)
            if question == "negative":
                problems.append(Problem(shown, 1, col, f"column {show(written)}",
                                        "asks the consent question in the negative (a yes there may be a refusal): its "
                                        'answers are not read as consent; give each person\'s oui or non in a column '
                                        '"consent", or delete this one'))
                continue
            name = question
        if name is None:
            near = _near(key, [alias for alias, f in KNOWN.items() if f not in given])
            if near:  # a typo of a column the file lacks: "Emial", "Consentment"
                near_misses.add(KNOWN[near])
                problems.append(Problem(shown, 1, col, f"column {show(written)}",
                                        f'not understood (did you mean "{near}"?): rename it, or delete it'))
            else:
                ignored.append((col, written))
            continue
        if name == "name" and key in ("nom", "name") and any(KNOWN.get(_key(c)) == "first" for c in header):
            name = "last"  # "Prénom" and "Nom": the last name
        if name in sheet.columns:
            other = sheet.columns.index(name)
            problems.append(Problem(shown, 1, col, _header(written), f"gives the same thing as column {other + 1} "
                                    f"({show(sheet.headers[other])}): keep one of them"))
            continue
        sheet.columns[-1] = name
    columns = sheet.columns
    if "name" in columns and ("first" in columns or "last" in columns):
        col = columns.index("first" if "first" in columns else "last")
        problems.append(Problem(shown, 1, col + 1, _header(sheet.headers[col]),
                                f'a name is in column {columns.index("name") + 1} ({show(sheet.headers[columns.index("name")])}) '
                                "already: keep the full name, or the first and last names"))
    elif ("first" in columns) != ("last" in columns) and not near_misses & {"first", "last"}:
        have, lack = ("first", "last") if "first" in columns else ("last", "first")
        col = columns.index(have)
        problems.append(Problem(shown, 1, col + 1, _header(sheet.headers[col]),
                                f"a {have} name without a {lack}-name column "
                                f"({'Nom' if lack == 'last' else 'Prénom'}): add it, or call this column \"name\" "
                                "if it holds the whole name"))
    alone = [h for h in sheet.headers if h]
    if len(alone) == 1 and not any(columns) and not near_misses and (
            re.search(r"[|:]", alone[0]) or "mail" not in _key(alone[0]).replace("courriel", "mail")):
        return [Problem(shown, 1, 1, "", f"the first line {show(alone[0])} is not a header row of "
                                         "columns (email, name, ...): delete the lines above the header row, and "
                                         'separate the columns with ";", "," or a tab')]
    if "email" not in columns and "email" not in near_misses:
        hint = [h for c, h in ignored if "mail" in _key(h) or "courriel" in _key(h)]
        problems.append(Problem(shown, 1, 1, "email", 'missing required column "email" (the recipients\' addresses)'
                                + (f': is it {show(hint[0])}? Name that column "email"' if hint else "")))
    if ignored:
        problems.insert(0, Problem(shown, 1, ignored[0][0], "", "column" + ("s " if len(ignored) > 1 else " ")
                                   + ", ".join(show(h) for _, h in ignored) + " not read (not one of "
                                   + ", ".join(FIELDS) + ", first name, last name): ignored", warning=True))
    sheet.ignored = [h for _, h in ignored]
    return problems


def _near(key: str, aliases: list[str]) -> str | None:
    """The alias `key` is a typo of (one letter wrong, missing, extra, or two swapped; two in a
    longer word), or None. Short aliases ("mel", "nom") are too near too many words to say so."""
    def distance(a: str, b: str) -> int:  # optimal string alignment
        rows = [list(range(len(b) + 1))]
        for i in range(1, len(a) + 1):
            row = [i] + [0] * len(b)
            for j in range(1, len(b) + 1):
                row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
                if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                    row[j] = min(row[j], rows[-2][j - 2] + 1)
            rows.append(row)
        return rows[-1][-1]

    found = sorted((distance(key, alias), alias) for alias in aliases
                   if len(alias) >= 4 and abs(len(alias) - len(key)) <= 2)
    if found and found[0][0] <= (1 if len(key) <= 6 else 2):
        return found[0][1]
    return None


def _header(value: str) -> str:
    """A header as the field of a message: as written, or shown (show) when it holds what would
    break the message's one line (a quote left open runs the header over the next lines)."""
    return value if value.isprintable() else show(value)


def show(value: str) -> str:
    """A cell's value in quotes for a message of one line: invisible characters written out."""
    if len(value) > 80:
        value = value[:77] + "..."
    escapes = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return '"' + "".join(c if c.isprintable() else escapes.get(c, f"\\u{ord(c):04x}") for c in value) + '"'


# -- consent ---------------------------------------------------------------------------------------

# A form tool (Google Forms, Microsoft Forms, LimeSurvey) names a column after its question: "J'accepte
# que mon nom apparaisse publiquement sur mon badge", "I agree that my name is shown on my badge". Such
# a header is the consent column when it says all three: an agreement (accept, agree, consent,
# authorise), the name, and its being shown (published, shown, displayed, appear...). An agreement to
# something else ("J'accepte le traitement de mes données", "I agree to be contacted", "que mon nom
# soit transmis au service") is not: nothing of it is read. Its answers are read as any consent
# column's (consent_answer: a clear yes, a clear no, or the file is refused at the cell). A question
# asked in the negative ("Je n'accepte pas que mon nom soit publié") is refused: a yes there is a no.
_AGREE = re.compile(r"\b(?:accept\w*|agree\w*|consen\w*|autoris\w*|authori[sz]\w*|d accord)\b")
_NAME = re.compile(r"\b(?:nom|noms|prenom|prenoms|name|names)\b")
_SHOWN = re.compile(r"\b(?:publi(?:e|ee|es|ees|er|cation|quement|c|que|shed|sh|shing|cly)|apparai\w*|appear\w*"
                    r"|affich\w*|figur(?:e|ent|er|era)|visibles?|shown|show|showing|displayed|display|displaying)\b")
_ANSWERS = re.compile(r"\b(?:oui (?:ou )?non|yes (?:or )?no|o n|y n)\b")  # "(oui/non)" after a question


def consent_question(key: str) -> str | None:
    """"consent" for a header (as _key gives it) that asks for the consent to publish the name,
    "negative" for one that asks it in the negative, else None."""
    if not (_AGREE.search(key) and _NAME.search(key) and _SHOWN.search(key)):
        return None
    return "negative" if _NEGATION & set(_ANSWERS.sub(" ", key).split()) else "consent"


# A consent column as forms fill it: a box ticked ("x", "1", "oui") or a sentence chosen by the
# person ("J'accepte que mon nom apparaisse", "Oui, j'accepte", "Non merci", "Yes, I agree").
# Compared as _key() does (no case, accents or punctuation; "j'accepte" is "j accepte"). A yes is
# an answer that starts as one and has no negation in it; a no, one that starts as one. Anything
# else ("Oui mais pas mon nom", "Je ne sais pas", "peut-être") is neither: award_cli refuses the
# file at that cell rather than guess (a name is published only after a clear yes, and a "no"
# guessed for someone who said yes would be a wrong record too).
_YES = ("oui", "yes", "y", "o", "true", "vrai", "1", "x", "ok", "okay", "d accord", "j accepte", "accepte",
        "j autorise", "autorise", "je consens", "je donne mon accord", "i agree", "agree", "agreed", "i accept",
        "accept", "accepted", "i consent", "consent", "sure", "of course", "bien sur")
_NO = ("non", "no", "n", "false", "faux", "0", "nope", "je refuse", "refuse", "refused", "je n accepte pas",
       "je n autorise pas", "je ne souhaite pas", "je ne veux pas", "pas d accord", "i do not", "i don t",
       "i dont", "i disagree", "disagree", "i decline", "decline", "declined", "i refuse")
_NEGATION = {"non", "no", "not", "pas", "ne", "n", "don", "dont", "refuse", "refuses", "decline", "disagree",
             "jamais", "never", "sans", "without", "mais", "but", "sauf", "except"}


def _starts(words: list[str], phrases: tuple[str, ...]) -> bool:
    return any(words[:len(p.split())] == p.split() for p in phrases)


def consent_answer(value: str) -> bool | None:
    """True for a clear yes, False for a clear no (or nothing), None when it is neither."""
    text = re.sub(r"[’‘ʼ`´]", "'", value)
    text = re.sub(r"(?i)\b(?:sans r[ée]serve|without reservation)\b", "", text)
    words = _key(text).split()
    if not words:
        return False
    if _starts(words, _YES) and not _NEGATION & set(words):
        return True
    if _starts(words, _NO):
        return False
    return None


# -- language --------------------------------------------------------------------------------------

_LANGUAGE_NAMES = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en", "espagnol": "es",
                   "spanish": "es", "allemand": "de", "german": "de", "italien": "it", "italian": "it"}


def language(value: str, languages: list[str]) -> tuple[str | None, str]:
    """(the code of one of the site's languages, "") for "fr", "EN", "Français", "English"; (None,
    "") for an empty cell; (None, what is wrong) otherwise."""
    key = _key(value)
    if not key:
        return None, ""
    code = key if key in languages else _LANGUAGE_NAMES.get(key)
    if code in languages:
        return code, ""
    return None, f"{show(value.strip())} is not one of the site's languages ({', '.join(languages)})"


# -- days ------------------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_TIME = re.compile(r"(?:,?\s*(?:a|at|T)?\s*\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:am|pm)?"
                   r"\s*(?:z|(?:utc|gmt)?\s*[+-]\d{1,2}(?::?\d{2})?|utc|gmt)?)?", re.I)
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
_MONTH_NAMES = [(n + 1, _key(fr)) for n, fr in enumerate(_MONTHS)] + [(n + 1, en.lower()) for n, en in enumerate(_MONTHS_EN)]
_WEEKDAY = r"(?:(?:lun|mar|mer|jeu|ven|sam|dim|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_NAMED = re.compile(_WEEKDAY + r"(\d{1,2})(?:er|st|nd|rd|th)?[\s-]+([a-z]{3,})\.?[\s-]+(\d{4}|\d{2})")
_NAMED_EN = re.compile(_WEEKDAY + r"([a-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")


def _month(word: str) -> int | None:
    """The month a name or an abbreviation stands for: "déc" (as compared: "dec"), "juil", "Sept"."""
    found = {n for n, name in _MONTH_NAMES if name.startswith(word)}
    return found.pop() if len(found) == 1 else None


def _only_read(values: list[str], month_first: bool) -> str | None:
    """A value of a column of days that can only be read month first ("12/25/2026"), or only day
    first ("25/12/2026"); None when there is none."""
    for value in values:
        m = _DMY.fullmatch(value.strip().split(" ")[0].split("T")[0])
        if m:
            month, day = (int(m.group(1)), int(m.group(3))) if month_first else (int(m.group(3)), int(m.group(1)))
            if month <= 12 < day <= 31:
                return value.strip()
    return None


def month_first(values: list[str]) -> str | None:
    """A value of a column of days that can only be month/day/year ("12/25/2026"), or None."""
    return _only_read(values, month_first=True)


def day_first(values: list[str]) -> bool:
    """Whether a value of a column of days can only be day/month/year ("25/12/2026")."""
    return _only_read(values, month_first=False) is not None


def two_readings(first: int, second: int, year: int) -> str:
    """How 03/12/2024 reads: "3 December 2024 (day first) or March 12, 2024 (month first)"."""
    return (f"{first} {_MONTHS_EN[second - 1]} {year} (day first) or {_MONTHS_EN[first - 1]} {second}, {year} "
            "(month first)")


def parse_day(value: str, us_sample: str | None = None, lang: str = "fr",
              order_known: bool = True) -> tuple[date | None, str]:
    """(the day, "") or (None, what is wrong). Day first, as French spreadsheets write it:
    07/12/2026, 7/12/26 (the year 2026), 07.12.2026, 07-12-2026, 7 décembre 2026, 07-déc-26,
    samedi 7 décembre 2026; or 2026-12-07; a time after it (a form's timestamp) is left out.
    `us_sample`: a value of the same column that is month first. `lang`: the site's, for the
    examples of what to write (a French spreadsheet's date format is JJ/MM/AAAA). `order_known`:
    False when the site is not French and no day of the column shows its order: a day that
    reads both ways (03/12/2024) is then refused rather than guessed."""
    text = value.strip()
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    order = "day/month/year"
    m = _ISO.match(text)
    named = _NAMED.match(plain) or _NAMED_EN.match(plain)
    if m and _TIME.fullmatch(text[m.end():]):
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
        order = "year-month-day"
    elif named and _TIME.fullmatch(plain[named.end():]):
        day, word, year = named.groups() if named.re is _NAMED else (named[2], named[1], named[3])
        month = _month(word)
        if month is None:
            return None, f"{show(text)} is not a date: {show(word)} is not the name of one month"
        d, mo, y = int(day), month, int(year) + (2000 if len(year) == 2 else 0)
    else:
        m = _DMY.match(text)
        if m is None or not _TIME.fullmatch(text[m.end():]):
            if re.fullmatch(r"\d{5}(?:[.,]\d+)?", text) and 20000 <= float(text.replace(",", ".")) < 80000:
                return None, (f"{show(text)} is a spreadsheet's day number, not a date: format the column as a date "
                              f"({'JJ/MM/AAAA' if lang == 'fr' else 'DD/MM/YYYY'}) before saving the CSV")
            example = "7 décembre 2026" if lang == "fr" else "7 December 2026"
            return None, f"{show(text)} is not a date: expected DD/MM/YYYY (or D/M/YY, YYYY-MM-DD, {example})"
        d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if len(m.group(4)) == 2:
            y += 2000
        if us_sample is not None and d <= 12 and mo <= 12 and d != mo:
            return None, (f"{show(text)} is ambiguous: this column also has {show(us_sample)}, month first; "
                          "write the days as YYYY-MM-DD")
        if not order_known and 1 <= d <= 12 and 1 <= mo <= 12 and d != mo:
            return None, (f"{show(text)} could be {two_readings(d, mo, y)}, and no day of this column tells which: "
                          "write the days as YYYY-MM-DD")
    if not 1 <= mo <= 12:
        if order == "day/month/year" and 1 <= d <= 12 < mo <= 31:
            return None, (f"{show(text)} is not a date read day first (there is no month {mo}): month first, as in "
                          "English? Write the days as DD/MM/YYYY or YYYY-MM-DD")
        return None, f"{show(text)} is not a date: there is no month {mo} ({order})"
    try:
        return date(y, mo, d), ""
    except ValueError:
        return None, f"{show(text)} is not a date: {d} {(_MONTHS if lang == 'fr' else _MONTHS_EN)[mo - 1]} {y} does not exist ({order})"
