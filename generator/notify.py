"""`vitrine notify`: tell each recipient, once, by e-mail, that they have earned a badge.

Who is told: every award that is valid (not revoked, not expired), already published (listed in
awards/published.txt, so that the link works) and not yet listed in awards/notified.txt. Each
e-mail is in its recipient's language (the record's `lang`, else --lang, else the site's), rendered
from the template `email/award.<lang>.txt` (a site's templates/ first, then
the theme's; its first line is `Subject: ...`), links to the award page and carries the baked
badge as an attachment. After each message the SMTP server accepted, its award id is appended to
awards/notified.txt (keep it under version control with the records): an interrupted run resumes
where it stopped, and nobody gets the message twice.

`--again` e-mails chosen awards again, told before or not (after a key's withdrawal or a
correction: "your badge was issued again, download it again"): the ids given (or their first 8
characters), or with `--badge SLUG` every award of that badge. Without ids or a badge it is
refused: nothing is ever sent twice unless asked for, award by award or badge by badge. A named
award that cannot be e-mailed (revoked, expired, not yet published, unknown) stops the run before
anything is sent. Each message sent again is recorded too (`ID  # day, again`).

`--dry-run` sends nothing and records nothing: it writes one .eml file per message into a folder
(default outbox/), to read or to send with another tool. Those files hold e-mail addresses: the
folder may not be inside a published folder, and should be git-ignored.

SMTP settings come from site.yaml `smtp: {host, port, starttls, ssl, username, from}`, each
overridden by the environment (VITRINE_SMTP_HOST, _PORT, _STARTTLS, _SSL, _USERNAME, _FROM); the
password only from VITRINE_SMTP_PASSWORD. Addresses are never printed (CI logs are often public):
messages name awards by id.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SiteError

if TYPE_CHECKING:
    from email.message import EmailMessage

    import jinja2

    from .awards import Record
    from .model import Site, Smtp

# smtplib, ssl, e-mail, Jinja and the award checks are imported where they are used: every
# `vitrine` command builds the parser this module's register() adds to.

NOTIFIED_FILE = "notified.txt"  # in awards/
NOTIFIED_HEADER = """\
# Awards whose recipient `vitrine notify` has told by e-mail, one id per line. Keep this file
# under version control with the records: an id listed here is never e-mailed again.
"""
PUBLISHED_DIRS = ("content", "output", "static", "themes", "templates", "awards")
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


class NotifyProblem(Exception):
    """Something the user must fix; the message is one line."""


@dataclass
class Letter:
    award_id: str
    badge: str
    to: str
    message: EmailMessage


# -- who ---------------------------------------------------------------------------------------

def read_notified(root: Path) -> set[str]:
    from .awards import AWARDS_DIR

    file = root / AWARDS_DIR / NOTIFIED_FILE
    if not file.is_file():
        return set()
    out = set()
    for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
        value = line.split("#", 1)[0].strip()
        if value:
            out.add(value.split()[0])
    return out


def record_notified(root: Path, award_id: str, on: date, again: bool = False) -> None:
    """Append one id (and the day) to awards/notified.txt, at once: a crash loses nothing."""
    from .awards import AWARDS_DIR

    file = root / AWARDS_DIR / NOTIFIED_FILE
    new = not file.is_file()
    with open(file, "a", encoding="utf-8") as f:
        if new:
            f.write(NOTIFIED_HEADER)
        f.write(f"{award_id}  # {on.isoformat()}{', again' if again else ''}\n")
        f.flush()
        os.fsync(f.fileno())


def pending(root: Path, site: Site, badge: str | None, on: date,
            again: list[str] | None = None) -> tuple[list[Record], dict[str, int]]:
    """The records to notify, and how many were left aside, by reason. With `again` (ids, or
    their first 8 characters or more; empty: every award of `badge`), the awards chosen, told
    before or not; a named one that cannot be e-mailed is a problem (NotifyProblems)."""
    from .awards import load_records
    from .published import published_ids

    records, problems = load_records(root, site.default.awardable(), on, languages=tuple(site.config.languages))
    errors = [p for p in problems if not p.warning]
    if errors:
        raise SiteError(errors)
    published = published_ids(root)
    told = read_notified(root)
    if again:
        return _chosen(records, again, published, on), {}
    out, skipped = [], {"already told": 0, "not yet published": 0, "revoked": 0, "expired": 0}
    for record in records:
        award = record.award
        if award is None or (badge and site.default.current_slug(award.badge) != site.default.current_slug(badge)):
            continue
        if award.id in told and again is None:
            skipped["already told"] += 1
        elif award.revoked is not None:
            skipped["revoked"] += 1
        elif award.status(on) == "expired":
            skipped["expired"] += 1
        elif award.id not in published:
            skipped["not yet published"] += 1
        else:
            out.append(record)
    return out, skipped


class NotifyProblems(Exception):
    """Several lines, each a problem; nothing was sent."""

    def __init__(self, lines: list[str], about: str = ""):
        super().__init__("\n".join(lines))
        self.lines, self.about = lines, about


def _chosen(records: list[Record], wanted: list[str], published: set[str], on: date) -> list[Record]:
    """The records of the ids given to --again, in the order given, each once; every id that names
    no award, several, or an award that cannot be e-mailed is a problem, and nothing is sent."""
    out: list[Record] = []
    problems: list[str] = []
    for given in wanted:
        text = given.strip().lower()
        matches = [r for r in records if r.award is not None and (r.award.id == text or (
            len(text) >= 8 and r.award.id.startswith(text)))]
        if len(matches) != 1:
            why = "matches several awards: give more of it" if matches else "is not the id of any award (see `vitrine awards`)"
            if not matches and text and any(r.award is not None and r.award.id.startswith(text) for r in records):
                why = "is too short: give the id's first 8 characters or more"
            problems.append(f'vitrine notify: --again "{given}" {why}')
            continue
        record = matches[0]
        award = record.award
        assert award is not None
        where = f"{record.path}:{record.start}: award {award.id}"
        if award.revoked is not None:
            problems.append(f"{where}: revoked on {award.revoked.date}: its recipient is not e-mailed again")
        elif award.status(on) == "expired":
            problems.append(f"{where}: expired on {award.expires}: its recipient is not e-mailed again")
        elif award.id not in published:
            problems.append(f"{where}: not yet published (not in awards/published.txt): build and publish first")
        elif record not in out:
            out.append(record)
    if problems:
        raise NotifyProblems(problems, " with --again")
    return out


def _languages(todo: list[Record], default: str, languages: list[str]) -> dict[int, str]:
    """Each record's e-mail language (by id() of the record): its `lang`, else `default`. A `lang`
    that is not one of the site's languages is a problem (NotifyProblems): nobody is e-mailed.
    (load_site and load_records refuse such a record already, at its field: this is a last guard.)"""
    out, problems = {}, []
    for record in todo:
        mine = record.data.get("lang") or default
        if mine not in languages:
            assert record.award is not None
            problems.append(f"{record.path}:{record.start}: award {record.award.id}: lang: {mine!r} is not one of the "
                            f"site's languages ({', '.join(languages)})")
        out[id(record)] = mine
    if problems:
        raise NotifyProblems(problems)
    return out


# -- what --------------------------------------------------------------------------------------

def _template(site: Site, lang: str) -> jinja2.Template:
    import jinja2

    from .templating import make_environment

    env = make_environment(site.config.root, site.config.theme)
    try:
        return env.get_template(f"email/award.{lang}.txt")
    except jinja2.TemplateNotFound:
        return env.get_template("email/award.en.txt")


def compose(site: Site, renderer: Any, record: Record, lang: str, sender: str | None,
            template: jinja2.Template, again: bool = False, note: str | None = None) -> Letter:
    from email.message import EmailMessage
    from email.utils import formataddr, formatdate, make_msgid, parseaddr

    from .render import ob2

    award = record.award
    assert award is not None and record.email is not None
    cat = site.catalogues.get(lang, site.default)
    badge = cat.award_badge(award.badge)
    attachment = f"{badge.slug}.{badge.image.kind}"
    text = template.render(name=award.name or record.data.get("name") or None, badge=badge, issuer=badge.issuer,
                           site_title=site.config.title.get(lang, ""),
                           page_url=renderer.url(cat, award.path), json_url=ob2.assertion_url(renderer, award),
                           issued_on=award.issued_on, expires=award.expires, attachment=attachment, lang=lang,
                           again=again, note=note or None)
    first, _, body = text.lstrip("\n").partition("\n")
    if not first.lower().startswith("subject:"):
        raise NotifyProblem(f"{template.filename}: the first line must be `Subject: ...`")
    issuer_address = badge.issuer.email
    message = EmailMessage()
    message["Subject"] = first.split(":", 1)[1].strip()
    message["From"] = sender or formataddr((badge.issuer.name, issuer_address))
    message["To"] = record.email
    if parseaddr(message["From"])[1].lower() != issuer_address.lower():
        message["Reply-To"] = formataddr((badge.issuer.name, issuer_address))
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(idstring=award.id[:8], domain=parseaddr(message["From"])[1].split("@")[-1])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(body.lstrip("\n"), charset="utf-8")
    image = ob2.baked_image(renderer, award, badge)
    subtype = "png" if badge.image.kind == "png" else "svg+xml"
    message.add_attachment(image, maintype="image", subtype=subtype, filename=attachment)
    message["Content-Language"] = lang  # after set_content(), which drops every Content-* header
    return Letter(award.id, badge.slug, record.email, message)


# -- how ---------------------------------------------------------------------------------------

def smtp_settings(config_smtp: Smtp) -> Smtp:
    """site.yaml's smtp, with the environment's VITRINE_SMTP_* on top."""
    from email.utils import parseaddr

    from .fields import EMAIL_RE

    env = os.environ
    smtp = replace(config_smtp)
    if env.get("VITRINE_SMTP_HOST"):
        smtp.host = env["VITRINE_SMTP_HOST"].strip()
    if env.get("VITRINE_SMTP_PORT"):
        value = env["VITRINE_SMTP_PORT"].strip()
        if not value.isdigit() or not 0 < int(value) < 65536:
            raise NotifyProblem(f"$VITRINE_SMTP_PORT: {value!r} is not a port number")
        smtp.port = int(value)
    for name in ("ssl", "starttls"):
        value = env.get(f"VITRINE_SMTP_{name.upper()}")
        if value is not None:
            if value.strip().lower() not in TRUE | FALSE:
                raise NotifyProblem(f"$VITRINE_SMTP_{name.upper()}: expected true or false, found {value!r}")
            setattr(smtp, name, value.strip().lower() in TRUE)
    if env.get("VITRINE_SMTP_SSL", "").strip().lower() in TRUE and "VITRINE_SMTP_STARTTLS" not in env:
        smtp.starttls = False
    if env.get("VITRINE_SMTP_USERNAME"):
        smtp.username = env["VITRINE_SMTP_USERNAME"].strip()
    if env.get("VITRINE_SMTP_FROM"):
        sender = env["VITRINE_SMTP_FROM"].strip()
        if not EMAIL_RE.match(parseaddr(sender)[1] or "-"):
            raise NotifyProblem(f"$VITRINE_SMTP_FROM: {sender!r} is not an e-mail address")
        smtp.sender = sender
    return smtp


class Mailer:
    """One SMTP connection for a whole run."""

    def __init__(self, smtp: Smtp):
        import smtplib
        import ssl

        if not smtp.host:
            raise NotifyProblem("no SMTP server: set smtp.host in site.yaml or VITRINE_SMTP_HOST "
                                "(or try --dry-run, which writes .eml files)")
        self.smtp = smtp
        self.port = smtp.port or (465 if smtp.ssl else 587 if smtp.starttls else 25)
        self.where = f"SMTP server {smtp.host}:{self.port}"
        password = os.environ.get("VITRINE_SMTP_PASSWORD")
        if smtp.username and not password:
            raise NotifyProblem(f"smtp.username is {smtp.username!r} but VITRINE_SMTP_PASSWORD is not set")
        try:
            if smtp.ssl:
                self.client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, self.port, timeout=60,
                                                             context=ssl.create_default_context())
            else:
                self.client = smtplib.SMTP(smtp.host, self.port, timeout=60)
                if smtp.starttls:
                    self.client.starttls(context=ssl.create_default_context())
            if smtp.username:
                self.client.login(smtp.username, password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise NotifyProblem(f"{self.where} refused the login of {smtp.username!r}: {_reply(exc)}") from None
        except smtplib.SMTPNotSupportedError as exc:
            raise NotifyProblem(f"{self.where}: {exc} (set smtp.starttls: false for a server without TLS, "
                                "on a trusted network only)") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise NotifyProblem(f"cannot reach the {self.where}: {_reply(exc)}") from None

    def send(self, letter: Letter) -> str | None:
        """None when the server took the message, else why not (this message only)."""
        import smtplib

        try:
            refused = self.client.send_message(letter.message)
        except smtplib.SMTPRecipientsRefused as exc:
            return "the server refused the recipient's address: " + "; ".join(_reply(v) for v in exc.recipients.values())
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return f"the server refused the message: {_reply(exc)}"
        if refused:
            return "the server refused the recipient's address"
        return None

    def close(self) -> None:
        import smtplib

        try:
            self.client.quit()
        except (OSError, smtplib.SMTPException):
            pass


def _reply(exc: Any) -> str:
    import smtplib
    import socket

    if isinstance(exc, tuple) and len(exc) == 2:
        code, text = exc
        return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, socket.timeout):
        return "no answer (timed out)"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _outbox(root: Path, folder: str) -> Path:
    path = (root / folder).resolve()
    for name in PUBLISHED_DIRS:
        bad = (root / name).resolve()
        if path == bad or bad in path.parents:
            raise NotifyProblem(f"--outbox {folder}: inside {name}/; the messages hold e-mail addresses: "
                                "choose a private folder (default outbox/)")
    return path


# -- the command -------------------------------------------------------------------------------

def register(sub: Any) -> None:
    n = sub.add_parser("notify", help="e-mail each recipient not yet told about their badge (once)")
    n.add_argument("--site", default=".", help="the site folder (default: the current folder)")
    n.add_argument("--badge", metavar="SLUG", help="only this badge's awards")
    n.add_argument("--again", nargs="*", metavar="ID",
                   help="e-mail again these awards (ids, or their first 8 characters), told before or not; "
                        "with --badge and no id: every award of that badge")
    n.add_argument("--note", metavar="TEXT", help="with --again: a paragraph saying why (a key withdrawn, a correction...)")
    n.add_argument("--lang", help="the language of the e-mails to recipients whose record has no `lang` "
                                  "(default: the site's default language)")
    n.add_argument("--dry-run", action="store_true", help="send nothing, record nothing: write .eml files instead")
    n.add_argument("--outbox", default="outbox", metavar="DIR",
                   help="where --dry-run writes the .eml files (default: outbox/; they hold addresses)")
    n.set_defaults(func=cmd_notify)


def cmd_notify(args: argparse.Namespace) -> int:
    from .build import CACHE
    from .loader import load_site
    from .render.base import Renderer

    import jinja2
    import smtplib

    from .awards import AWARDS_DIR
    from .clock import today

    root = Path(args.site).resolve()
    try:
        site = load_site(root)
    except SiteError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("vitrine: the site has problems; nobody was e-mailed.", file=sys.stderr)
        return 1
    lang = args.lang or site.config.language
    if lang not in site.config.languages:
        print(f"vitrine: --lang {lang}: not one of the site's languages ({', '.join(site.config.languages)})",
              file=sys.stderr)
        return 2
    if args.badge and args.badge not in site.default.awardable():
        from .errors import did_you_mean

        print(f'vitrine: --badge: no badge "{args.badge}"' + did_you_mean(args.badge, site.default.badges, "badges"),
              file=sys.stderr)
        return 2
    again = args.again
    if again is not None and not again and not args.badge:
        print("vitrine: --again: name the awards to e-mail again (their ids), or a badge (--again --badge SLUG); "
              "nobody was e-mailed.", file=sys.stderr)
        return 2
    if again and args.badge:
        print("vitrine: --again with ids and --badge: give the ids, or the badge (every award of it), not both; "
              "nobody was e-mailed.", file=sys.stderr)
        return 2
    if args.note is not None and again is None:
        print("vitrine: --note goes with --again (the first message needs none); nobody was e-mailed.", file=sys.stderr)
        return 2
    note = " ".join((args.note or "").split()) or None
    on = today()
    try:
        todo, skipped = pending(root, site, args.badge, on, again)
        smtp = smtp_settings(site.config.smtp)
        aside = ", ".join(f"{n} {why}" for why, n in skipped.items() if n)
        if not todo:
            print("Nobody to notify" + (f" ({aside})." if aside else "."))
            return 0
        langs = _languages(todo, lang, site.config.languages)
        renderer = Renderer(site, root / CACHE)
        templates = {one: _template(site, one) for one in sorted(set(langs.values()))}
        outbox = _outbox(root, args.outbox) if args.dry_run else None
        mailer = None if args.dry_run else Mailer(smtp)
    except SiteError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("vitrine: nobody was e-mailed.", file=sys.stderr)
        return 1
    except NotifyProblems as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        print(f"vitrine: {len(exc.lines)} problem(s){exc.about}; nobody was e-mailed.", file=sys.stderr)
        return 1
    except (NotifyProblem, jinja2.TemplateError) as exc:
        print(f"vitrine: {_template_message(exc, root)}", file=sys.stderr)
        print("vitrine: nobody was e-mailed.", file=sys.stderr)
        return 1
    sent, failed, sent_again = 0, 0, 0
    by_lang: dict[str, int] = {}  # messages made, by language
    told = read_notified(root) if again is not None else set()  # --again: these get the second message
    reached = 0  # --again: where a run that stops got to, to name the ids it did not reach
    try:
        for reached, record in enumerate(todo):
            second = record.award is not None and record.award.id in told
            mine = langs[id(record)]
            try:
                letter = compose(site, renderer, record, mine, smtp.sender, templates[mine], second,
                                 note if second else None)
            except (NotifyProblem, jinja2.TemplateError) as exc:
                print(f"vitrine: {_template_message(exc, root)}", file=sys.stderr)
                failed += len(todo) - sent - failed
                break
            if outbox is not None:
                outbox.mkdir(parents=True, exist_ok=True)
                (outbox / f"{letter.award_id}.eml").write_bytes(bytes(letter.message))
                sent, sent_again, by_lang[mine] = sent + 1, sent_again + second, by_lang.get(mine, 0) + 1
                continue
            why = mailer.send(letter)  # type: ignore[union-attr]
            if why is None:
                record_notified(root, letter.award_id, on, second)
                sent, sent_again, by_lang[mine] = sent + 1, sent_again + second, by_lang.get(mine, 0) + 1
            else:
                failed += 1
                print(f"{record.path}:{record.start}: award {letter.award_id}: {why}; not recorded, "
                      + ("not sent again" if again is not None else "the next run tries again"), file=sys.stderr)
    except (OSError, smtplib.SMTPException) as exc:
        where = mailer.where if mailer is not None else "outbox"
        resume = "the next run resumes." if again is None else (
            "to send the rest, run again with --again " + " ".join(r.award.id for r in todo[reached:] if r.award) + ".")
        print(f"vitrine: {where}: {_reply(exc)}; {sent} e-mail(s) sent before (recorded in "
              f"{AWARDS_DIR}/{NOTIFIED_FILE}); {resume}", file=sys.stderr)
        return 1
    finally:
        if mailer is not None:
            mailer.close()
    parts = []  # what the summary says besides the count: who, in which language, who was left aside
    if again is not None:  # told before (the message "issued again"), or for the first time
        parts += [f"{n} {why}" for why, n in (("told again", sent_again), ("told for the first time", sent - sent_again)) if n]
    if len(by_lang) > 1:  # in the recipients' languages
        parts += [f"{n} in {one}" for one, n in sorted(by_lang.items())]
    if aside:
        parts.append(f"{aside} left aside")
    tail = f" ({'; '.join(parts)})" if parts else ""
    if outbox is not None:
        shown = os.path.relpath(outbox, Path.cwd()) if outbox.is_relative_to(Path.cwd()) else str(outbox)
        print(f"Dry run: wrote {sent} message(s) into {shown}/, sent nothing, recorded nothing{tail}. "
              "They hold e-mail addresses: delete them once read.")
    else:
        print(f"Sent {sent} e-mail(s) through {mailer.where}; recorded in {AWARDS_DIR}/{NOTIFIED_FILE}{tail}.")  # type: ignore[union-attr]
    if failed:
        print(f"vitrine: {failed} message(s) not sent.", file=sys.stderr)
        return 1
    return 0


def _template_message(exc: BaseException, root: Path) -> str:
    """A mistake of the e-mail template at its file (named from the site) and line, as a build
    names a page template's."""
    import jinja2

    from .build import _describe

    if isinstance(exc, jinja2.TemplateError):
        return _describe(exc, root, "e-mail template")
    return str(exc)
