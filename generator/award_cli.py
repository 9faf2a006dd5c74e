"""The award commands: `vitrine award`, `vitrine revoke`, `vitrine awards`.

They edit `awards/*.yaml` as text: new records are appended at the end of a file and a revocation
is inserted after its record's last line, so that the rest of the file (comments, layout, order)
stays as it was. Ids (uuid4) and salts (random hex) are assigned here and nowhere else. Before
anything is written, the whole new text is checked with every other record of the site
(awards.load_records); a file is replaced in one step, and a CSV file is taken whole or not at all.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem, SiteError, did_you_mean

if TYPE_CHECKING:
    from .awards import Record
    from .award_csv import Sheet
    from .model import Badge, Site

# The award checks, YAML and the field rules are imported by the functions that use them: every
# `vitrine` command builds this parser, and a build with nothing to do needs none of them.

NARRATIVE_MAX = 5000  # as awards.py checks the record's narrative


def register(sub: Any) -> None:
    """Add the award commands to the `vitrine` sub-command parser."""
    a = sub.add_parser("award", help="award a badge to someone (--to), or to every row of a CSV file (--csv)")
    a.add_argument("--site", default=".", help="the site folder (default: the current folder)")
    a.add_argument("badge", metavar="BADGE", help="the badge's slug")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--to", metavar="EMAIL", help="the recipient's e-mail address (never published)")
    who.add_argument("--csv", metavar="FILE", help="a CSV file: a header row, then one row per recipient; columns email (required), name "
                     "(or Prénom and Nom), consent, evidence, narrative, issued_on (French and English "
                     "names understood; UTF-8, UTF-16 or Windows-1252)")
    a.add_argument("--name", help="the recipient's name, with --to (published only with --consent)")
    a.add_argument("--consent", action="store_true", help="with --to: the recipient agreed to have their name published")
    a.add_argument("--evidence", action="append", metavar="URL", default=[], help="a URL showing the work (repeatable)")
    a.add_argument("--narrative", help="what this person did (Markdown)")
    a.add_argument("--date", help="the day of the award, YYYY-MM-DD (default: today; DD/MM/YYYY only when it cannot be read month first)")
    a.add_argument("--lang", help="with --to: the language of the e-mails `vitrine notify` sends this person "
                                  "(one of the site's languages; default: the run's --lang, else the site's)")
    a.add_argument("--file", help="the awards file to append to (default: awards/BADGE.yaml)")
    a.add_argument("--again", action="store_true", help="award even to someone who holds this badge, still valid")
    a.set_defaults(func=cmd_award)
    r = sub.add_parser("revoke", help="revoke an award: it stays published, marked revoked with the reason")
    r.add_argument("--site", default=".", help="the site folder (default: the current folder)")
    r.add_argument("id", metavar="ID", help="the award's id (or its first 8 characters or more)")
    r.add_argument("--reason", required=True, help="why, as shown on the award page and in its JSON")
    r.add_argument("--date", help="the day of the revocation, YYYY-MM-DD (default: today)")
    r.set_defaults(func=cmd_revoke)
    ls = sub.add_parser("awards", help="list the awards (recipients' addresses included: for you only)")
    ls.add_argument("--site", default=".", help="the site folder (default: the current folder)")
    ls.add_argument("--badge", metavar="SLUG", help="only this badge's awards")
    ls.add_argument("--status", choices=("valid", "expired", "revoked"), help="only awards with this status")
    ls.set_defaults(func=cmd_awards)
    from . import keys_cli, notify

    keys_cli.register(sub)  # keys init, rotate, withdraw, list
    notify.register(sub)  # notify


# -- shared ----------------------------------------------------------------------------------

def _fail(problems: list[Problem] | list[str], tail: str) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"vitrine: {tail}", file=sys.stderr)
    return 1


def _load(root: Path) -> tuple[Site | None, list[Record], int]:
    from .loader import load_site
    from .awards import load_records

    try:
        site = load_site(root)
    except SiteError as exc:
        return None, [], _fail(exc.problems, "the site has problems: fix them first; nothing was written.")
    records, problems = load_records(root, site.default.awardable(),  # type: ignore[arg-type]
                                     languages=tuple(site.config.languages))
    if [p for p in problems if not p.warning]:  # pragma: no cover - load_site reported them already
        return None, [], _fail(problems, "the award records have problems; nothing was written.")
    return site, records, 0


def _read(file: Path) -> tuple[str, str, bool]:
    """(text with "\\n" line ends, the file's line end, whether it had a BOM)."""
    if not file.is_file():
        return "", "\n", False
    raw = file.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), newline, bom


def _write(file: Path, text: str, newline: str, bom: bool) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    data = (("\ufeff" if bom else "") + text.replace("\n", newline)).encode("utf-8")
    tmp = file.with_name(f".{file.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.write_bytes(data)
    tmp.replace(file)


_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _not_a_day(option: str, value: str) -> str:
    """`--date "2025-02-30" is not a date: February 2025 has 28 days`; else what is expected."""
    from .fields import DATE_RE, _no_such_day

    text = value.strip()
    slashed = _SLASHED.fullmatch(text)
    if slashed and _ambiguous(slashed):
        from .award_csv import two_readings

        first, second, year = (int(g) for g in slashed.groups())
        return (f'{option} "{value}" could be {two_readings(first, second, year)}: write it as YYYY-MM-DD '
                f"({date(year, second, first).isoformat()} or {date(year, first, second).isoformat()})")
    why = _no_such_day(text) if DATE_RE.match(text) else "expected YYYY-MM-DD"
    return f'{option} "{value}" is not a date: {why}'


def _ambiguous(slashed: re.Match) -> bool:
    """03/12/2025: the 3rd of December in France, March 12 in the United States. Read either way,
    a wrong day would be published for years: such a date is refused (13/12/2025 is not)."""
    first, second, year = (int(g) for g in slashed.groups())
    return 1 <= first <= 12 and 1 <= second <= 12 and first != second


def _parse_day(value: str) -> date | None:
    """YYYY-MM-DD, or DD/MM/YYYY when it cannot be read month first."""
    value = value.strip()
    slashed = _SLASHED.fullmatch(value)
    if slashed and _ambiguous(slashed):
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    return None


def _record_yaml(record: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump([record], allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


def _append_text(existing: str, rel: str, badge: Badge, records: list[dict]) -> tuple[str | None, str]:
    """The file's new text with the records at the end, or (None, why not)."""
    body = [ln for ln in existing.split("\n") if ln.strip() and not ln.lstrip().startswith("#")]
    if body and body[0].strip() == "[]" and len(body) == 1:
        existing = "\n".join(ln for ln in existing.split("\n") if ln.strip() != "[]")
    elif body and not body[0].startswith("-"):
        return None, f"{rel}:1:1: cannot append to this file: it is not a block list of records (- id: ...)"
    if not existing.strip():
        existing = (f"# Awards of the badge \"{badge.name}\" ({badge.slug}): one record per award, added by "
                    "`vitrine award`.\n# Personal data: recipients' e-mail addresses are never published, "
                    "names only with consent.\n")
    if not existing.endswith("\n"):
        existing += "\n"
    return existing + "".join(_record_yaml(r) for r in records), ""


def _holders(records: list[Record], badge: str, on: date, current=lambda slug: slug) -> dict[str, Record]:
    """E-mail -> record, for people holding `badge` on a day (not revoked, not expired); a record
    naming one of its former slugs (`current` gives a slug's slug now) holds it too."""
    from .awards import normalise_email

    out = {}
    for record in records:
        award = record.award
        if award is None or current(award.badge) != badge or award.revoked is not None or record.email is None:
            continue
        if award.expires is None or award.expires > on:
            out[normalise_email(record.email)] = record
    return out


def _check_badge(site: Site, slug: str) -> str | None:
    badges = site.default.badges
    renamed = next((b for b in badges.values() if slug in b.formerly), None)
    if renamed is not None:  # new awards get the badge's addresses of now
        return (f'badge "{slug}" is now called "{renamed.slug}" (its file, {renamed.source}, lists '
                f'`formerly: [{slug}]`): award "{renamed.slug}"')
    if slug not in badges:
        return f'no badge "{slug}"' + did_you_mean(slug, badges, "badges")
    badge = badges[slug]
    if badge.status == "draft":
        return f'"{slug}" is a draft: publish it (status: active) before awarding it'
    return None


def _check_retired(badge: Badge, issued: date, per_row: bool) -> str | None:
    """A retired badge is no longer awarded; an award made before its `retired` day may still be
    recorded (a record written by hand may say so too: awards.py), dated with --date."""
    if badge.status != "retired":
        return None
    if badge.retired_on is None:
        return (f'"{badge.slug}" is retired: it is no longer awarded (to record an award made before, give the badge '
                f'the day it was retired, "retired: YYYY-MM-DD", and the award --date)')
    if issued > badge.retired_on and not per_row:
        return (f'"{badge.slug}" was retired on {badge.retired_on}: it is no longer awarded (an award made before '
                f"then takes --date, on or before {badge.retired_on})")
    return None


def _save(root: Path, site: Site, badge: Badge, rel: str, new: list[dict]) -> int:
    """Append `new` records to `rel` after checking the result with every record of the site."""
    from .awards import load_records

    file = root / rel
    existing, newline, bom = _read(file)
    text, why = _append_text(existing, rel, badge, new)
    if text is None:
        return _fail([why], "nothing was written.")
    _, problems = load_records(root, site.default.awardable(), overrides={rel: text},  # type: ignore[arg-type]
                                  languages=tuple(site.config.languages))
    errors = [p for p in problems if not p.warning]
    if errors:
        return _fail(errors, "the new records would not be valid; nothing was written.")
    _write(file, text, newline, bom)
    return 0


def _new_record(badge: str, email: str, name: str | None, consent: bool, evidence: list[str],
                narrative: str | None, issued: date, lang: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"id": str(uuid.uuid4()), "badge": badge, "recipient": email}
    if name:
        record["name"] = name
        record["consent"] = consent
    if lang:
        record["lang"] = lang
    record["issued_on"] = issued
    if evidence:
        record["evidence"] = evidence
    if narrative:
        record["narrative"] = narrative
    record["salt"] = secrets.token_hex(16)
    return record


# -- vitrine award -----------------------------------------------------------------------------

def cmd_award(args: argparse.Namespace) -> int:
    from .awards import AWARDS_DIR, address_problems, normalise_email
    from .clock import today
    from .fields import EMAIL_RE, URL_RE, email_hint

    root = Path(args.site)
    site, records, status = _load(root)
    if site is None:
        return status
    problem = _check_badge(site, args.badge)
    if problem:
        return _fail([f"vitrine award: {problem}"], "nothing was written.")
    badge = site.default.badges[args.badge]
    on = today()
    issued = on
    if args.date:
        issued = _parse_day(args.date)  # type: ignore[assignment]
        if issued is None:
            return _fail([f"vitrine award: {_not_a_day('--date', args.date)}"], "nothing was written.")
    problem = _check_retired(badge, issued, per_row=bool(args.csv) and not args.date)
    if problem:  # a spreadsheet's rows may carry their own days: each is checked as a record
        return _fail([f"vitrine award: {problem}"], "nothing was written.")
    rel = args.file or f"{AWARDS_DIR}/{args.badge}.yaml"
    rel = Path(rel).as_posix()
    if not rel.startswith(f"{AWARDS_DIR}/") or not rel.endswith(".yaml") or "/" in rel[len(AWARDS_DIR) + 1:]:
        return _fail([f'vitrine award: --file "{rel}" must be a file of {AWARDS_DIR}/ ending in .yaml'], "nothing was written.")
    holders = _holders(records, args.badge, issued, site.default.current_slug)
    sheet = None
    if args.csv and (args.name or args.consent or args.lang):  # a name, its consent, a language are each person's
        return _fail([f"vitrine award: --{o} is for one person (--to): with --csv, {c}" for o, c in
                      (("name", 'each row\'s name is in a column ("name", or "Prénom" and "Nom")'),
                       ("consent", 'each person\'s consent is in a column ("consent": oui/non)'),
                       ("lang", 'each person\'s language is in a column ("lang" or "Langue": fr, en...)'))
                      if getattr(args, o)], "nothing was written.")
    if args.csv:
        new, problems, sheet = _csv_records(Path(args.csv), args, holders, issued, on, site.config.languages,
                                            badge.retired_on if badge.status == "retired" else None)
        for warning in (p for p in problems if p.warning):
            print(warning, file=sys.stderr)
        problems = [p for p in problems if not p.warning]
        if problems:
            n = len(problems)
            return _fail(problems, f"{n} problem{'s' if n > 1 else ''} in {args.csv}: no award was made.")
        if not new:
            return _fail([f"{args.csv}: no rows to award"], "nothing was written.")
    else:
        errors = []
        email = args.to.strip()
        if not EMAIL_RE.match(email) or ".." in email:
            errors.append(f'vitrine award: --to "{email}" is not a valid e-mail address {email_hint(email)}')
        if args.consent and not args.name:
            errors.append("vitrine award: --consent needs --name (the name to publish)")
        for url in args.evidence:
            if not URL_RE.match(url):
                errors.append(f'vitrine award: --evidence "{url}" is not an absolute http(s) URL')
        if issued > on:
            errors.append(f"vitrine award: --date {issued} is in the future (today is {on})")
        if args.lang is not None and args.lang not in site.config.languages:
            errors.append(f'vitrine award: --lang "{args.lang}" is not one of the site\'s languages '
                          f"({', '.join(site.config.languages)})")
        for key, message in address_problems(email, args.consent, args.name, args.narrative, args.evidence):
            errors.append(f"vitrine award: --{key if isinstance(key, str) else key[0]} {message}")
        if normalise_email(email) in holders and not args.again:
            held = holders[normalise_email(email)]
            errors.append(f"vitrine award: {email} already holds this badge ({held.path}:{held.start}, id "
                          f"{held.id}); add --again to award it once more")
        if errors:
            return _fail(errors, "nothing was written.")
        new = [_new_record(args.badge, email, args.name, args.consent, args.evidence, args.narrative, issued, args.lang)]
    status = _save(root, site, badge, rel, new)
    if status:
        return status
    base = site.config.base_url
    if sheet is not None:
        print(sheet.summary())
    if len(new) == 1:
        print(f"Awarded \"{badge.name}\" to {new[0]['recipient']}: id {new[0]['id']}, in {rel}.")
        print(f"Its page, once built and published: {base}assertions/{new[0]['id']}/")
        if args.name and not args.consent:  # kept for the award's e-mail and listings, not published
            print(f'The name "{args.name}" is not published (no --consent): to publish it, once the person agreed, '
                  f"set consent: true in its record ({rel}).")
    else:
        print(f"Awarded \"{badge.name}\" to {len(new)} people, in {rel}. Build and publish to make their pages.")
    return 0


def _csv_records(path: Path, args: argparse.Namespace, holders: dict[str, Record], default_day: date,
                 on: date, languages: list[str], retired_on: date | None = None) -> tuple[list[dict], list[Problem], Sheet | None]:
    """The records of a CSV file's rows, and every problem (warnings too) of the file."""
    from .award_csv import day_first, month_first, read_sheet

    sheet, problems = read_sheet(path)
    if sheet is None:
        return [], problems, sheet
    new: list[dict] = []
    seen: dict[str, int] = {}
    days = sheet.columns.index("issued_on") if "issued_on" in sheet.columns else None
    column = [] if days is None else [row[days] for _, row in sheet.rows if days < len(row)]
    us_sample = month_first(column)
    # a French site's spreadsheet is day first; elsewhere (03/12 is March 12 in the United States,
    # the 3rd of December in Britain) a day that reads both ways needs another day of its column
    order_known = (languages[0] if languages else "fr") == "fr" or us_sample is not None or day_first(column)
    for line, row in sheet.rows:
        record = _csv_row(sheet, line, sheet.cells(row), args, holders, seen, default_day, on, problems, us_sample,
                          languages, retired_on, order_known)
        if record is not None:
            new.append(record)
    problems.sort(key=lambda p: (not p.warning, p.line, p.col))  # the file's order, its rows' problems too
    return ([] if [p for p in problems if not p.warning] else new), problems, sheet


def _csv_row(sheet: Sheet, line: int, cells: dict[str, tuple[str, int]], args: argparse.Namespace,
             holders: dict[str, Record], seen: dict[str, int], default_day: date, on: date,
             problems: list[Problem], us_sample: str | None, languages: list[str],
             retired_on: date | None = None, order_known: bool = True) -> dict | None:
    """One row's record, or None and its problems, each at its cell, named by the column's header."""
    from .award_csv import consent_answer, language, parse_day, show
    from .awards import address_problems, normalise_email
    from .fields import EMAIL_RE, URL_RE, control_problem, email_hint

    before = len(problems)

    def fail(column: str, message: str) -> None:
        col = cells[column][1] if column in cells else 1
        problems.append(Problem(sheet.path, line, col, sheet.label(column), message))

    email, _ = cells["email"]
    if not email:
        fail("email", "is empty: every row needs the recipient's address")
    elif not EMAIL_RE.match(email) or ".." in email:
        fail("email", f"{show(email)} is not a valid e-mail address {email_hint(email)}")
    else:
        key = normalise_email(email)
        if key in seen:
            fail("email", f"{email} is already on line {seen[key]} of this file")
        elif key in holders and not args.again:
            held = holders[key]
            fail("email", f"{email} already holds this badge ({held.path}:{held.start}); add --again to award it once more")
        seen.setdefault(key, line)
    for column, (value, _) in cells.items():
        bad = None if column == "name" and "first" in cells else control_problem(value)  # said of its parts
        if bad:
            fail(column, bad)
    name = cells.get("name", ("", 0))[0] or None
    if name and ("\n" in name or len(name) > 200):
        fail("name", "expected a single line of at most 200 characters")
    consent_text = cells.get("consent", ("", 0))[0]
    answer = consent_answer(consent_text)
    consent = answer is True
    if answer is None:
        fail("consent", f"{show(consent_text)} is not a clear yes or no: write "
                        f"{'oui or non' if not languages or languages[0] == 'fr' else 'yes or no'} (a name is published only "
                        "after a clear yes)")
    elif consent and not name:
        fail("consent", "consent to publish a name, but the name is empty" if "name" in cells else
                        "consent to publish a name, but the file has no name column (Name, or First name and Last name)")
    lang, why = language(cells.get("lang", ("", 0))[0], languages)
    if why:
        fail("lang", why)
    evidence = cells.get("evidence", ("", 0))[0].split()
    for url in evidence:
        if not URL_RE.match(url):
            fail("evidence", f"{show(url)} is not an absolute http(s) URL (several URLs are separated by spaces)")
    day = default_day
    day_text = cells.get("issued_on", ("", 0))[0]
    if day_text:
        parsed, why = parse_day(day_text, us_sample, languages[0] if languages else "fr", order_known)
        if parsed is None:
            fail("issued_on", why)
        else:
            day = parsed
    if day > on:
        read = "" if day_text in ("", day.isoformat()) else f"{show(day_text)} is "
        fail("issued_on", f"{read}{day}{',' if read else ' is'} in the future (today is {on})")
    elif retired_on is not None and day > retired_on:  # said at the row, not at the record it would have made
        read = "" if day_text in ("", day.isoformat()) else f"{show(day_text)} is "
        fail("issued_on", f"{read}{day}{',' if read else ' is'} after the badge was retired ({retired_on}): "
                          "a retired badge is no longer awarded")
    narrative = cells.get("narrative", ("", 0))[0] or args.narrative
    if narrative and len(narrative) > NARRATIVE_MAX:
        fail("narrative", f"is {len(narrative)} characters long; at most {NARRATIVE_MAX} expected")
    for key, message in address_problems(email, consent, name, narrative, evidence or list(args.evidence)):
        fail(key if isinstance(key, str) else key[0], message)
    if len(problems) > before:
        return None
    return _new_record(args.badge, email, name, consent, evidence or list(args.evidence), narrative, day, lang)


# -- vitrine revoke ----------------------------------------------------------------------------

def cmd_revoke(args: argparse.Namespace) -> int:
    from .awards import load_records
    from .clock import today

    root = Path(args.site)
    site, records, status = _load(root)
    if site is None:
        return status
    wanted = args.id.strip().lower()
    matches = [r for r in records if r.id and (r.id == wanted or (len(wanted) >= 8 and r.id.startswith(wanted)))]
    if len(matches) != 1:
        why = "matches several awards: give more of it" if matches else "is not the id of any award (see `vitrine awards`)"
        if not matches and wanted and any(r.id and r.id.startswith(wanted) for r in records):
            why = "is too short: give the id's first 8 characters or more"
        return _fail([f'vitrine revoke: "{args.id}" {why}'], "nothing was written.")
    record = matches[0]
    award = record.award
    assert award is not None
    if award.revoked is not None:
        return _fail([f"{record.path}:{record.start}:{max(1, record.indent - 1)}: revoked: award {award.id} was already "
                      f"revoked on {award.revoked.date}"],
                     "nothing was written.")
    reason = " ".join(args.reason.split())
    on = today()
    day = on if not args.date else _parse_day(args.date)
    errors = []
    if not reason:
        errors.append("vitrine revoke: --reason is empty: say why (it is published)")
    if day is None:
        errors.append(f"vitrine revoke: {_not_a_day('--date', args.date)}")
    elif day < award.issued_on:
        errors.append(f"vitrine revoke: --date {day} is before the award was issued ({award.issued_on})")
    elif day > on:
        errors.append(f"vitrine revoke: --date {day} is in the future (today is {on})")
    if errors:
        return _fail(errors, "nothing was written.")
    file = root / record.path
    text, newline, bom = _read(file)
    lines = text.split("\n")
    pad = " " * record.indent
    insert = [f"{pad}revoked:", f"{pad}  date: {day.isoformat()}", f"{pad}  reason: {json.dumps(reason, ensure_ascii=False)}"]
    new_text = "\n".join(lines[: record.end] + insert + lines[record.end:])
    after, problems = load_records(root, site.default.awardable(), overrides={record.path: new_text},  # type: ignore[arg-type]
                                   languages=tuple(site.config.languages))
    changed = next((r for r in after if r.id == award.id), None)
    if ([p for p in problems if not p.warning] or changed is None or changed.award is None
            or changed.award.revoked is None or changed.award.revoked.reason != reason
            or {k: v for k, v in changed.data.items() if k != "revoked"} != record.data):
        return _fail([f"{record.path}:{record.start}:{max(1, record.indent - 1)}: revoked: cannot add the revocation "
                      "to this record automatically "
                      f"(is it written in flow style?); add to it by hand:\n" + "\n".join(insert)], "nothing was written.")
    _write(file, new_text, newline, bom)
    print(f"Revoked award {award.id} ({award.badge}) on {day}, in {record.path}. Build and publish: its page and "
          "JSON will say so.")
    return 0


# -- vitrine awards ----------------------------------------------------------------------------

def cmd_awards(args: argparse.Namespace) -> int:
    from .clock import today

    root = Path(args.site)
    site, records, status = _load(root)
    if site is None:
        return status
    if args.badge and args.badge not in site.default.awardable():
        print(f'vitrine awards: no badge "{args.badge}"' + did_you_mean(args.badge, site.default.badges, "badges"),
              file=sys.stderr)  # one line: there is nothing more to say (it ended with an empty "vitrine: ")
        return 1
    on = today()
    current = site.default.current_slug  # --badge, by its slug or a former one: the awards under either
    rows = []
    counts = {"valid": 0, "expired": 0, "revoked": 0}
    for record in records:
        award = record.award
        if award is None or (args.badge and current(award.badge) != current(args.badge)):
            continue
        state = award.status(on)
        if args.status and state != args.status:
            continue
        counts[state] += 1
        name = record.data.get("name") or ""
        if name and award.name is None:
            name += " (not published)"
        rows.append((award.id, award.badge, award.issued_on.isoformat(), award.expires.isoformat() if award.expires else "-",
                     state, record.email or "", str(name)))
    if not rows:
        print("No awards" + (" match." if args.badge or args.status else " yet: see `vitrine award --help`."))
        return 0
    header = ("id", "badge", "issued_on", "expires", "status", "recipient", "name")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    summary = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    print(f"{len(rows)} award{'s' if len(rows) > 1 else ''} ({summary}).")
    return 0
