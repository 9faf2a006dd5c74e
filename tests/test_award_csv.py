"""`vitrine award BADGE --csv FILE` with the files French services really have: Excel's
"CSV (séparateur: point-virgule)" in Windows-1252, Excel's "Texte Unicode" (UTF-16, tabs),
LibreOffice's short dates, Moodle and form exports with columns of their own, first and last
names in two columns. Every file is written here as the bytes those programs write."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import run_cli

BADGE = "prise-de-parole"
HINT = 'save the spreadsheet as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8)'


@pytest.fixture
def award_site(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    return site({"awards/prise-de-parole.yaml": "# awards of the badge, added by `vitrine award`\n"})


def award(root: Path, tmp_path: Path, data: bytes, name: str = "liste.csv") -> tuple[int, str, str, Path]:
    csv_file = tmp_path / name
    csv_file.write_bytes(data)
    status, out, err = run_cli("award", BADGE, "--site", str(root), "--csv", str(csv_file))
    assert "Traceback" not in err
    return status, out, err, csv_file


def records(root: Path) -> list[dict]:
    return yaml.safe_load((root / "awards" / f"{BADGE}.yaml").read_text(encoding="utf-8")) or []


def refused(root: Path, before: bytes, status: int, out: str, err: str, csv_file: Path, lines: list[str]) -> None:
    """The file was refused whole with exactly these lines, and awards/ was left as it was."""
    n = len([line for line in lines if ": warning: " not in line])
    assert err.splitlines() == [line.format(f=csv_file) for line in lines] + [
        f"vitrine: {n} problem{'s' if n > 1 else ''} in {csv_file}: no award was made."]
    assert (status, out) == (1, "")
    assert (root / "awards" / f"{BADGE}.yaml").read_bytes() == before


# -- encodings -------------------------------------------------------------------------------------

FRENCH_EXCEL = ("Prénom;Nom;Adresse électronique;Date d'obtention;Consentement\r\n"
                "Hélène;Dupré;helene.dupre@etu.example.fr;07/12/2024;oui\r\n"
                "François;L’Hôte-Lefèvre;francois.lefevre@etu.example.fr;6/12/24;Non\r\n"
                "Zoë;Œuvray;zoe.oeuvray@etu.example.fr;2024-12-05;OUI\r\n")


def test_french_excel_csv_in_windows_1252_with_first_and_last_names(award_site, tmp_path):
    """Excel (French) "CSV (séparateur: point-virgule)": Windows-1252, ";", CRLF, first and last
    names in two columns. It was refused as "not UTF-8 text"."""
    data = FRENCH_EXCEL.encode("cp1252")
    assert b"\x92" in data and b"\x8c" in data  # ’ and Œ: Windows-1252, not Latin-1
    status, out, err, csv_file = award(award_site, tmp_path, data)
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == (
        f'Read {csv_file}: Windows-1252, separator ";", 3 rows; columns "Adresse électronique" -> email, '
        '"Prénom" + "Nom" -> name, "Consentement" -> consent, "Date d\'obtention" -> issued_on.')
    got = [(r["recipient"], r["name"], r["consent"], str(r["issued_on"])) for r in records(award_site)]
    assert got == [("helene.dupre@etu.example.fr", "Hélène Dupré", True, "2024-12-07"),
                   ("francois.lefevre@etu.example.fr", "François L’Hôte-Lefèvre", False, "2024-12-06"),
                   ("zoe.oeuvray@etu.example.fr", "Zoë Œuvray", True, "2024-12-05")]


def test_excel_unicode_text_utf16_with_tabs(award_site, tmp_path):
    """Excel's "Texte Unicode (*.txt)": UTF-16 little-endian with its BOM, tab-separated."""
    data = FRENCH_EXCEL.replace(";", "\t").encode("utf-16")
    assert data.startswith(b"\xff\xfe")
    status, out, err, csv_file = award(award_site, tmp_path, data, "liste.txt")
    assert (status, err) == (0, "")
    assert out.startswith(f"Read {csv_file}: UTF-16, separator tab, 3 rows;")
    assert [r["name"] for r in records(award_site)] == ["Hélène Dupré", "François L’Hôte-Lefèvre", "Zoë Œuvray"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf-8", "utf-8-bom"])
def test_utf8_is_read_first_and_named(award_site, tmp_path, bom):
    status, out, err, csv_file = award(award_site, tmp_path, bom + FRENCH_EXCEL.encode("utf-8"))
    assert (status, err) == (0, "")
    assert out.startswith(f'Read {csv_file}: UTF-8, separator ";", 3 rows;')
    assert records(award_site)[1]["name"] == "François L’Hôte-Lefèvre"


@pytest.mark.parametrize("name, data, line", [
    # Mac Roman (Excel for Mac's "CSV"): é is 0x8E, read as Windows-1252 it is "Ž"
    ("mac-roman", "email;Prénom;Nom\nx@example.org;Amélie;Dupont\n".encode("mac_roman"),
     '{f}:1:9: neither UTF-8 nor Windows-1252 text ("PrŽnom" read as Windows-1252): ' + HINT),
    # DOS (cp850): é is 0x82, read as Windows-1252 it is "‚"
    ("cp850", "email;Prénom;Nom\nx@example.org;Hélène;Dupont\n".encode("cp850"),
     '{f}:1:9: neither UTF-8 nor Windows-1252 text ("Pr‚nom" read as Windows-1252): ' + HINT),
    # rows pasted from a UTF-8 file into a Windows-1252 one: read either way, some names would be wrong
    ("mixed", "email;Prénom;Nom\nx@example.org;Hélène;Dupont\n".encode("utf-8")
     + "y@example.org;Léa;Martin\n".encode("cp1252"),
     "{f}:3:16: the file mixes two encodings: line 1 is UTF-8, this line is not: " + HINT),
    ("undefined-byte", b"email;Pr\x8fnom;Nom\nx@example.org;A;B\n",
     "{f}:1:9: neither UTF-8 nor Windows-1252 text (byte 0x8F): " + HINT),
    ("utf-16-truncated", "email\tname\n".encode("utf-16") + b"x",
     "{f}:1:1: the file starts with the mark of UTF-16 text but is not UTF-16 throughout: " + HINT),
])
def test_a_file_in_another_encoding_is_one_clear_line(award_site, tmp_path, name, data, line):
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    status, out, err, csv_file = award(award_site, tmp_path, data, f"{name}.csv")
    refused(award_site, before, status, out, err, csv_file, [line])


# -- columns ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, name", [
    ("E-mail;Nom", "Camille Martin"),
    ("Adresse électronique;NOM COMPLET", "Camille Martin"),
    ("Courriel;Nom et prénom", "Camille Martin"),
    ("Mail;Name", "Camille Martin"),
    ("Adresse de courriel;Full name", "Camille Martin"),
    (" adresse  e-mail ;Votre nom", "Camille Martin"),
    ("Email address;Nom complet", "Camille Martin"),
])
def test_usual_french_and_english_headers(award_site, tmp_path, header, name):
    status, _, err, _ = award(award_site, tmp_path, f"{header}\nc.martin@example.org;{name}\n".encode())
    assert (status, err) == (0, "")
    assert [(r["recipient"], r["name"]) for r in records(award_site)] == [("c.martin@example.org", name)]


@pytest.mark.parametrize("header, row", [
    ("Prénom;Nom;Mail", "Camille;Martin;c.martin@example.org"),
    ("Nom;Prénom;Mail", "Martin;Camille;c.martin@example.org"),
    ("NOM;PRENOM;EMAIL", "Martin;Camille;c.martin@example.org"),
    ("Last name,First name,Email", "Martin,Camille,c.martin@example.org"),
    ("Nom de famille;Prénom;Courriel", "Martin;Camille;c.martin@example.org"),
    ("Nom d'usage;Prénom usuel;Adresse électronique", "Martin;Camille;c.martin@example.org"),
])
def test_first_and_last_names_make_the_name_in_writing_order(award_site, tmp_path, header, row):
    """"Nom" beside "Prénom" is the last name: it was taken as the whole name, and "Prénom" refused."""
    status, out, err, csv_file = award(award_site, tmp_path, f"{header}\n{row}\n".encode())
    assert (status, err) == (0, "")
    assert [r["name"] for r in records(award_site)] == ["Camille Martin"]
    assert records(award_site)[0]["consent"] is False  # no consent column: the name is kept, never published


def test_unknown_columns_are_ignored_with_one_warning(award_site, tmp_path):
    """A Moodle export has columns of its own: they are not read (nothing of them is written), and
    one warning names them all."""
    data = ("Prénom,Nom,Numéro d'identification,Institution,Département,Adresse de courriel,Commentaire\r\n"
            "Camille,Martin,20241234,Université,Lettres,c.martin@example.org,absente le 3/10\r\n").encode()
    status, out, err, csv_file = award(award_site, tmp_path, data)
    assert status == 0
    assert err.splitlines() == [
        f"{csv_file}:1:3: warning: columns \"Numéro d'identification\", \"Institution\", \"Département\", "
        '"Commentaire" not read (not one of email, name, consent, evidence, narrative, issued_on, lang, first name, last name): ignored']
    text = (award_site / "awards" / f"{BADGE}.yaml").read_text(encoding="utf-8")
    assert "20241234" not in text and "absente" not in text and "Lettres" not in text
    assert [r["name"] for r in records(award_site)] == ["Camille Martin"]


@pytest.mark.parametrize("data, lines", [
    (b"Emial;Nom\nx@example.org;X\n", ['{f}:1:1: column "Emial": not understood (did you mean "email"?): rename it, or delete it']),
    (b"email;Prenom;Nom de famile\nx@example.org;X;Y\n",
     ['{f}:1:3: column "Nom de famile": not understood (did you mean "nom de famille"?): rename it, or delete it']),
    (b"email;Prenom\nx@example.org;X\n",
     ['{f}:1:2: Prenom: a first name without a last-name column (Nom): add it, or call this column "name" if it '
      "holds the whole name"]),
    (b"email;Nom complet;Prenom;Nom\nx@example.org;X Y;X;Y\n",
     ['{f}:1:3: Prenom: a name is in column 2 ("Nom complet") already: keep the full name, or the first and last names']),
    (b"Courriel UNIV;Nom\nx@example.org;X\n",
     ['{f}:1:1: warning: column "Courriel UNIV" not read (not one of email, name, consent, evidence, narrative, '
      "issued_on, lang, first name, last name): ignored",
      '{f}:1:1: email: missing required column "email" (the recipients\' addresses): is it "Courriel UNIV"? Name '
      'that column "email"']),
    (b"Liste des inscrits - atelier 2024\n\nemail;nom\nx@example.org;X\n",
     ['{f}:1:1: the first line "Liste des inscrits - atelier 2024" is not a header row of columns (email, name, ...): '
      'delete the lines above the header row, and separate the columns with ";", "," or a tab']),
    (b"\nemail;nom\nx@example.org;X\n",
     ["{f}:1:1: the first line is blank: the header row (email, name, ...) must be the first line of the file"]),
], ids=["typo-email", "typo-last-name", "first-without-last", "full-and-parts", "address-column-unnamed", "title-line",
        "blank-first-line"])
def test_header_mistakes_are_named(award_site, tmp_path, data, lines):
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    status, out, err, csv_file = award(award_site, tmp_path, data)
    refused(award_site, before, status, out, err, csv_file, lines)


# -- days ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["07/12/2024", "7/12/2024", "07/12/24", "7/12/24", "2024-12-07", "07.12.2024",
                                     "07-12-2024", "07/12/2024 14:32", "07/12/2024 14:32:05", "2024-12-07 14:32:05",
                                     "2024-12-07T14:32:05+01:00", "2024/12/07 14:32:05", "7 décembre 2024",
                                     "samedi 7 décembre 2024", "07-déc-24", "7 déc. 2024", "7 DÉCEMBRE 2024, 14:32",
                                     "7 décembre 2024 à 14h32", "7-Dec-24", "December 7, 2024", "Sat, Dec 7th, 2024"])
def test_days_as_french_spreadsheets_write_them(award_site, tmp_path, written):
    status, _, err, _ = award(award_site, tmp_path, f"email;date d'obtention\nx@example.org;{written}\n".encode())
    assert (status, err) == (0, "")
    assert str(records(award_site)[0]["issued_on"]) == "2024-12-07"


def test_impossible_and_ambiguous_days_are_named_at_their_cell(award_site, tmp_path):
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    data = ("Mail;Date d'obtention\r\n"
            "a@example.org;31/11/2024\r\n"
            "b@example.org;29/02/2023\r\n"
            "c@example.org;45633\r\n"
            "d@example.org;décembre 2024\r\n"
            "e@example.org;7/12/25\r\n"
            "f@example.org;7 jui. 2024\r\n").encode("cp1252")
    status, out, err, csv_file = award(award_site, tmp_path, data)
    refused(award_site, before, status, out, err, csv_file, [
        "{f}:2:2: Date d'obtention: \"31/11/2024\" is not a date: 31 novembre 2024 does not exist (day/month/year)",
        "{f}:3:2: Date d'obtention: \"29/02/2023\" is not a date: 29 février 2023 does not exist (day/month/year)",
        "{f}:4:2: Date d'obtention: \"45633\" is a spreadsheet's day number, not a date: format the column as a date "
        "(JJ/MM/AAAA) before saving the CSV",
        "{f}:5:2: Date d'obtention: \"décembre 2024\" is not a date: expected DD/MM/YYYY (or D/M/YY, YYYY-MM-DD, "
        "7 décembre 2026)",
        "{f}:6:2: Date d'obtention: \"7/12/25\" is 2025-12-07, in the future (today is 2025-01-01)",
        "{f}:7:2: Date d'obtention: \"7 jui. 2024\" is not a date: \"jui\" is not the name of one month",
    ])


def test_a_column_of_days_written_month_first_is_not_read_day_first(award_site, tmp_path):
    """An English spreadsheet's 12/25/2024 shows the column is month first: its 03/04/2024 could be
    either day, so it is named too, rather than read as 3 April."""
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    data = b"Email,Date\na@example.org,12/25/2024\nb@example.org,03/04/2024\nc@example.org,04/04/2024\n"
    status, out, err, csv_file = award(award_site, tmp_path, data)
    refused(award_site, before, status, out, err, csv_file, [
        '{f}:2:2: Date: "12/25/2024" is not a date read day first (there is no month 25): month first, as in English? '
        "Write the days as DD/MM/YYYY or YYYY-MM-DD",
        '{f}:3:2: Date: "03/04/2024" is ambiguous: this column also has "12/25/2024", month first; write the days as '
        "YYYY-MM-DD",
    ])


# -- rows ------------------------------------------------------------------------------------------

def test_rows_as_spreadsheets_leave_them(award_site, tmp_path):
    """A trailing separator on every line (Excel, a formatted empty column), blank rows and rows of
    separators only, a cell of several lines, and the header row again where two exports were
    pasted together: all read, the repeated header with a warning."""
    data = ("Nom;Prénom;Courriel;Narrative;\r\n"
            "Martin;Camille;c.martin@example.org;\"Trois ateliers\r\nanimés\";\r\n"
            ";;;;\r\n"
            "\r\n"
            "Nom;Prénom;Courriel;Narrative;\r\n"
            "Bernard;Léa;l.bernard@example.org;;\r\n"
            ";;;;\r\n"
            ";;;;\r\n").encode("cp1252")
    status, out, err, csv_file = award(award_site, tmp_path, data)
    assert status == 0
    assert err.splitlines() == [f"{csv_file}:6:1: warning: the header row again (two lists pasted together?): this "
                                "line is skipped"]
    assert out.splitlines()[0].startswith(f'Read {csv_file}: Windows-1252, separator ";", 2 rows;')
    got = [(r["name"], r.get("narrative")) for r in records(award_site)]
    assert got == [("Camille Martin", "Trois ateliers\nanimés"), ("Léa Bernard", None)]


@pytest.mark.parametrize("first, sep, encoding", [
    ("sep=;", ";", "cp1252"), ('"sep=;"', ";", "utf-8-sig"), ("sep=;;;;", ";", "cp1252"), ("SEP=,", ",", "utf-8"),
    ("sep=\t", "\t", "utf-16")], ids=["semicolon", "quoted", "trailing", "comma", "tab"])
def test_an_excel_sep_line_declares_the_separator(award_site, tmp_path, first, sep, encoding):
    """Excel writes (and reads) a first line "sep=;" that says the separator: it was refused ("delete
    it"), so a file Excel itself saved and opens could not be imported as it was. It is read as the
    separator, the header row is the second line, and every line keeps its number in messages."""
    rows = FRENCH_EXCEL.replace(";", sep)
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    data = f"{first}\r\n{rows}".replace("07/12/2024", "31/11/2024").replace("zoe.oeuvray", "zoe oeuvray")
    status, out, err, csv_file = award(award_site, tmp_path, data.encode(encoding))
    refused(award_site, before, status, out, err, csv_file, [
        '{f}:3:4: Date d\'obtention: "31/11/2024" is not a date: 31 novembre 2024 does not exist (day/month/year)',
        '{f}:5:3: Adresse électronique: "zoe oeuvray@etu.example.fr" is not a valid e-mail address (name@domain.org)'])
    status, out, err, csv_file = award(award_site, tmp_path, f"{first}\r\n{rows}".encode(encoding))
    assert (status, err) == (0, ""), err
    shown = {";": '";"', ",": '","', "\t": "tab"}[sep]
    assert out.splitlines()[0].startswith(f"Read {csv_file}: ") and (
        f"separator {shown} (declared by its first line, sep=), 3 rows;" in out.splitlines()[0])
    assert [r["name"] for r in records(award_site)] == ["Hélène Dupré", "François L’Hôte-Lefèvre", "Zoë Œuvray"]


def test_a_sep_line_with_another_separator_is_one_clear_line(award_site, tmp_path):
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    status, out, err, csv_file = award(award_site, tmp_path, ("sep=|\r\n" + FRENCH_EXCEL).encode("cp1252"))
    refused(award_site, before, status, out, err, csv_file, [
        '{f}:1:1: the first line ("sep=", for Excel) declares the separator "|": the columns must be separated by '
        '";", "," or a tab (write sep=; or delete the line)'])


@pytest.mark.parametrize("answer, consent", [
    ("J'accepte que mon nom apparaisse", True), ("J’accepte que mon nom apparaisse sur la page du badge", True),
    ("Oui, j'accepte", True), ("Yes, I agree", True), ("I agree to have my name published", True),
    ("J'autorise la publication de mon nom", True), ("D'accord", True), ("Oui, sans réserve", True),
    ("Non merci", False), ("Non, je ne souhaite pas", False), ("Je n'accepte pas que mon nom apparaisse", False),
    ("Je refuse", False), ("No, thanks", False), ("I do not agree", False), ("Pas d'accord", False)])
def test_consent_written_as_a_form_answers(award_site, tmp_path, answer, consent):
    """A form tool writes the answer chosen, not oui/non: "J'accepte que mon nom apparaisse" was
    refused as "not yes or no", so every row of such an export had to be edited by hand."""
    data = f"Prénom;Nom;Courriel;Consentement\r\nHélène;Dupré;helene.dupre@example.org;{answer}\r\n"
    status, out, err, csv_file = award(award_site, tmp_path, data.encode("utf-8"))
    assert (status, err) == (0, ""), err
    [record] = records(award_site)
    assert record["consent"] is consent and record["name"] == "Hélène Dupré"



def test_an_address_copied_from_a_mail_program_is_told_the_address_to_write(award_site, tmp_path):
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    data = b"Email,Name\nAlice Walker <alice@example.org>,Alice\nmailto:bob@example.org,Bob\n"
    status, out, err, csv_file = award(award_site, tmp_path, data)
    refused(award_site, before, status, out, err, csv_file, [
        '{f}:2:1: Email: "Alice Walker <alice@example.org>" is not a valid e-mail address (write alice@example.org)',
        '{f}:3:1: Email: "mailto:bob@example.org" is not a valid e-mail address (write bob@example.org)'])
    status, out, err = run_cli("award", BADGE, "--site", str(award_site), "--to", "Alice <alice@example.org>")
    assert (status, err) == (1, 'vitrine award: --to "Alice <alice@example.org>" is not a valid e-mail address '
                                "(write alice@example.org)\nvitrine: nothing was written.\n")


def test_an_english_site_is_told_what_to_write_in_english(site, monkeypatch, tmp_path):
    """An English site's volunteer was told to write "oui or non", to format an Excel column as
    "JJ/MM/AAAA", that "31 novembre 2024" does not exist, and that the columns read were "Prénom,
    Nom". The messages' examples follow the site's language. Consent with no name column at all
    was "the name is empty" on every row."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    root = site({"site.yaml": "title: Badges\nbase_url: https://badges.example.org/\nlanguage: en\nlanguages: [en, fr]\n",
                 "awards/prise-de-parole.yaml": ""})
    before = (root / "awards" / f"{BADGE}.yaml").read_bytes()
    data = ("Email address,Name,I agree that my name is shown on my badge,Date,Notes\n"
            "alice@example.org,Alice Walker,maybe,45730,\n"
            "bob@example.org,Bob Stone,no,31/11/2024,\n"
            "cara@example.org,Cara Diaz,no,3 Dec,\n")
    status, out, err, csv_file = award(root, tmp_path, data.encode())
    refused(root, before, status, out, err, csv_file, [
        '{f}:1:5: warning: column "Notes" not read (not one of email, name, consent, evidence, narrative, issued_on, '
        'lang, first name, last name): ignored',
        '{f}:2:3: I agree that my name is shown on my badge: "maybe" is not a clear yes or no: write yes or no (a name '
        'is published only after a clear yes)',
        '{f}:2:4: Date: "45730" is a spreadsheet\'s day number, not a date: format the column as a date (DD/MM/YYYY) '
        'before saving the CSV',
        '{f}:3:4: Date: "31/11/2024" is not a date: 31 November 2024 does not exist (day/month/year)',
        '{f}:4:4: Date: "3 Dec" is not a date: expected DD/MM/YYYY (or D/M/YY, YYYY-MM-DD, 7 December 2026)'])
    status, out, err, csv_file = award(root, tmp_path, b"Email,Consent\nalice@example.org,yes\nbob@example.org,no\n")
    refused(root, before, status, out, err, csv_file, [
        "{f}:2:2: Consent: consent to publish a name, but the file has no name column (Name, or First name and Last name)"])



def test_an_english_site_s_days_that_read_two_ways_need_their_column_to_tell(site, monkeypatch, tmp_path):
    """On an English site, a column of days that all read both ways (03/12/2024: March 12 in the
    United States, the 3rd of December in Britain) was read day first without a word. A French
    site's spreadsheet is day first; elsewhere one day of the column must tell the order."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    root = site({"site.yaml": "title: Badges\nbase_url: https://badges.example.org/\nlanguage: en\nlanguages: [en, fr]\n",
                 "awards/prise-de-parole.yaml": ""})
    before = (root / "awards" / f"{BADGE}.yaml").read_bytes()
    status, out, err, csv_file = award(root, tmp_path, b"Email,Date\nalice@example.org,03/12/2024\nbob@example.org,07/07/2024\n")
    refused(root, before, status, out, err, csv_file, [
        '{f}:2:2: Date: "03/12/2024" could be 3 December 2024 (day first) or March 12, 2024 (month first), and no '
        "day of this column tells which: write the days as YYYY-MM-DD"])
    # one day past the 12th decides: day first here
    status, out, err, csv_file = award(root, tmp_path, b"Email,Date\nalice@example.org,03/12/2024\nbob@example.org,25/11/2024\n")
    assert status == 0, err
    written = (root / "awards" / f"{BADGE}.yaml").read_text()
    assert "issued_on: 2024-12-03" in written and "issued_on: 2024-11-25" in written


@pytest.mark.parametrize("answer", ["Oui mais pas mon nom de famille", "Oui, sans mon nom", "Je ne sais pas",
                                    "peut-être", "Yes, but not my last name", "J'accepte pas"])
def test_a_consent_that_is_not_a_clear_yes_or_no_is_named_at_its_cell(award_site, tmp_path, answer):
    """Neither a yes nor a no: never published (a name needs a clear yes), and not taken for a no
    either (that person may have said yes in other words): the file is refused at that cell."""
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    data = f"Prénom;Nom;Courriel;Consentement\r\nHélène;Dupré;helene.dupre@example.org;{answer}\r\n"
    status, out, err, csv_file = award(award_site, tmp_path, data.encode("utf-8"))
    refused(award_site, before, status, out, err, csv_file, [
        f'{{f}}:2:4: Consentement: "{answer}" is not a clear yes or no: write oui or non (a name is published only '
        'after a clear yes)'])


@pytest.mark.parametrize("question", [
    "J'accepte que mon nom apparaisse publiquement sur mon badge",
    "J’accepte que mon nom apparaisse sur la page publique du badge",  # the apostrophe a form tool writes
    "I agree that my name is shown on my badge",
    "Acceptez-vous que votre nom soit publié ? (oui/non)",
    "J'autorise l'affichage de mon nom et de mon prénom",
    "Do you consent to your name being displayed publicly? (Yes/No)",
])
def test_a_form_s_consent_question_as_header_is_the_consent_column(award_site, tmp_path, question):
    """Google Forms, Microsoft Forms and LimeSurvey name a column after its question: the consent
    column of their exports was not read (a warning), and everyone who said yes got consent: false.
    A header that asks to agree to the name being shown is now the consent column; its answers are
    read as any consent column's."""
    data = (f'Horodateur,Adresse e-mail,Prénom,Nom,"{question}"\r\n'
            "07/12/2024 10:12:03,camille@example.org,Camille,Martin,Oui\r\n"
            "07/12/2024 10:13:03,dom@example.org,Dominique,Petit,Non\r\n"
            "07/12/2024 10:14:03,eve@example.org,Ève,Roux,\r\n"
            "07/12/2024 10:15:03,lou@example.org,Lou,Blanc,\"Yes, I agree\"\r\n")
    status, out, err, csv_file = award(award_site, tmp_path, data.encode("utf-8"))
    assert status == 0 and "Traceback" not in err
    assert f'-> name, "{question}" -> consent.' in out.splitlines()[0]
    assert err.splitlines() == [f'{csv_file}:1:1: warning: column "Horodateur" not read (not one of email, name, '
                                "consent, evidence, narrative, issued_on, lang, first name, last name): ignored"]
    assert [(r["name"], r["consent"]) for r in records(award_site)] == [
        ("Camille Martin", True), ("Dominique Petit", False), ("Ève Roux", False), ("Lou Blanc", True)]
    # a cell that is neither yes nor no is refused, as in a column named "consent"
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    unclear = data.replace("camille@", "camille2@").replace(",Oui\r\n", ",Oui mais pas mon nom de famille\r\n")
    status, out, err, csv_file = award(award_site, tmp_path, unclear.replace("dom@", "dom2@").replace("eve@", "eve2@")
                                       .replace("lou@", "lou2@").encode("utf-8"))
    assert status == 1 and (award_site / "awards" / f"{BADGE}.yaml").read_bytes() == before
    assert f'{csv_file}:2:5: {question}: "Oui mais pas mon nom de famille" is not a clear yes or no' in err, err


@pytest.mark.parametrize("header", [
    "J'accepte le traitement de mes données personnelles",  # an agreement to something else
    "J'accepte que mes nom et prénom soient transmis au service",  # the name, not shown
    "I agree to be contacted about my badge",
    "J'accepte que mon nom soit utilisé à des fins de publicité",
    "Nom affiché sur le badge",  # the name shown, without an agreement
])
def test_an_agreement_to_something_else_is_not_the_consent_column(award_site, tmp_path, header):
    """Only a header that asks for an agreement to the name being shown is read as consent: a
    yes to another question never publishes a name."""
    data = f'Courriel;Prénom;Nom;"{header}"\r\ncamille@example.org;Camille;Martin;Oui\r\n'
    status, out, err, csv_file = award(award_site, tmp_path, data.encode("utf-8"))
    assert status == 0 and "-> consent" not in out
    assert f'"{header}" not read' in err, err
    assert [(r["name"], r["consent"]) for r in records(award_site)] == [("Camille Martin", False)]


@pytest.mark.parametrize("header", ["Je n'accepte pas que mon nom soit publié",
                                    "I do not agree to my name being shown",
                                    "J'accepte que mon nom apparaisse, mais pas mon prénom"])
def test_a_consent_question_in_the_negative_is_refused(award_site, tmp_path, header):
    """A yes to "I do not agree that my name is shown" is a refusal: such a column is neither read
    as consent nor left aside in silence (renamed "consent", its yes would publish the name)."""
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    data = f'Courriel;Nom;"{header}"\r\ncamille@example.org;Camille Martin;Oui\r\n'
    status, out, err, csv_file = award(award_site, tmp_path, data.encode("utf-8"))
    refused(award_site, before, status, out, err, csv_file, [
        f'{{f}}:1:3: column "{header}": asks the consent question in the negative (a yes there may be a refusal): '
        'its answers are not read as consent; give each person\'s oui or non in a column "consent", or delete this one'])


def test_a_header_with_a_typographic_apostrophe_is_understood(award_site, tmp_path):
    """"Date d’obtention" (the apostrophe word processors and form tools write) was not "Date
    d'obtention": the column was ignored and every award dated today."""
    data = "Courriel;Nom d’usage;Prénom;Date d’obtention\r\ncamille@example.org;Martin;Camille;07/12/2024\r\n"
    status, out, err, csv_file = award(award_site, tmp_path, data.encode("utf-8"))
    assert (status, err) == (0, ""), err
    assert [(r["name"], r["issued_on"].isoformat()) for r in records(award_site)] == [("Camille Martin", "2024-12-07")]


def test_a_language_column_gives_each_person_the_language_of_their_e_mails(award_site, tmp_path):
    """`vitrine notify` writes to each person in their record's `lang`: a "Langue" column (a code or
    the language's name) fills it; a language the site does not have is named at its cell."""
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    data = ("Courriel;Langue\r\n"
            "helene.dupre@example.org;English\r\n"
            "lea.martin@example.org;fr\r\n"
            "eric.roux@example.org;\r\n"
            "zoe.perrin@example.org;Deutsch\r\n")
    status, out, err, csv_file = award(award_site, tmp_path, data.encode("utf-8"))
    refused(award_site, before, status, out, err, csv_file, [
        '{f}:5:2: Langue: "Deutsch" is not one of the site\'s languages (fr, en)'])
    status, out, err, csv_file = award(award_site, tmp_path, data.rsplit("zoe", 1)[0].encode("utf-8"))
    assert (status, err) == (0, ""), err
    assert '"Langue" -> lang.' in out.splitlines()[0]
    assert [r.get("lang") for r in records(award_site)] == ["en", "fr", None]
    status, out, err = run_cli("award", BADGE, "--site", str(award_site), "--to", "sam@example.org", "--lang", "en")
    assert status == 0 and records(award_site)[-1]["lang"] == "en", err
    status, out, err = run_cli("award", BADGE, "--site", str(award_site), "--to", "ann@example.org", "--lang", "de")
    assert status == 1 and "vitrine award: --lang \"de\" is not one of the site's languages (fr, en)" in err
    status, out, err = run_cli("award", BADGE, "--site", str(award_site), "--csv", str(csv_file), "--lang", "en")
    assert status == 1 and "vitrine award: --lang is for one person (--to): with --csv, each person's language" in err


def test_every_problem_of_a_file_at_once_named_by_its_column(award_site, tmp_path):
    """A French Excel file with a mistake in several rows: every one at its line and column, named
    as the spreadsheet names the column, and not one award written."""
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    data = ("Prénom;Nom;E-mail;Consentement;Date\r\n"
            "Hélène;Dupré;helene.dupre@example.org;oui;07/12/2024\r\n"
            "Léa;Martin;lea.martin@example;oui;08/12/2024\r\n"
            "Zoé;;;peut-être;32/12/2024\r\n"
            ";;;;\r\n"
            "Éric;Roux;HELENE.DUPRE@example.org;non;01/12/2024;\"en trop\"\r\n").encode("cp1252")
    status, out, err, csv_file = award(award_site, tmp_path, data)
    refused(award_site, before, status, out, err, csv_file, [
        '{f}:3:3: E-mail: "lea.martin@example" is not a valid e-mail address (name@domain.org)',
        "{f}:4:3: E-mail: is empty: every row needs the recipient's address",
        '{f}:4:4: Consentement: "peut-être" is not a clear yes or no: write oui or non (a name is published only after a clear yes)',
        '{f}:4:5: Date: "32/12/2024" is not a date: 32 décembre 2024 does not exist (day/month/year)',
        '{f}:6:6: "en trop" is in column 6, but the header has 5 columns',
    ])


def test_name_and_consent_options_are_refused_with_a_file(award_site, tmp_path):
    """--consent with --csv was ignored without a word (every name kept unpublished while the user
    thought otherwise); a blanket consent for a list would not be each person's: refused."""
    before = (award_site / "awards" / f"{BADGE}.yaml").read_bytes()
    csv_file = tmp_path / "liste.csv"
    csv_file.write_bytes("Prénom;Nom;Mail\r\nCamille;Martin;c.martin@example.org\r\n".encode("cp1252"))
    status, out, err = run_cli("award", BADGE, "--site", str(award_site), "--csv", str(csv_file), "--consent",
                               "--name", "Camille")
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        'vitrine award: --name is for one person (--to): with --csv, each row\'s name is in a column ("name", or '
        '"Prénom" and "Nom")',
        "vitrine award: --consent is for one person (--to): with --csv, each person's consent is in a column "
        '("consent": oui/non)',
        "vitrine: nothing was written."]
    assert (award_site / "awards" / f"{BADGE}.yaml").read_bytes() == before
