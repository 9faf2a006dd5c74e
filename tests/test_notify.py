"""`vitrine notify`: e-mails through a real SMTP server (aiosmtpd) on 127.0.0.1, once per award."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import run_cli
from generator import baking
from test_awards import A1, A2, A3, A4, awarded, fixed_today  # noqa: F401 - fixtures

PUBLISHED = f"# published\n{A1}\n{A2}\n{A3}\n{A4}\n"


class Inbox:
    """An aiosmtpd handler that keeps what it receives; refuses the addresses in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    servers = []

    def start(**kwargs) -> tuple[Inbox, int]:
        inbox = Inbox()
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        servers.append(controller)
        return inbox, port
    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def notify_site(awarded, monkeypatch):
    for name in ("HOST", "PORT", "STARTTLS", "SSL", "USERNAME", "FROM", "PASSWORD"):
        monkeypatch.delenv(f"VITRINE_SMTP_{name}", raising=False)
    monkeypatch.delenv("VITRINE_OB2_KEY", raising=False)

    def make(port: int, smtp: str = "", extra: dict | None = None) -> Path:
        root = awarded({"awards/published.txt": PUBLISHED, **(extra or {})})
        with open(root / "site.yaml", "a", encoding="utf-8") as f:
            f.write(f"smtp:\n  host: 127.0.0.1\n  port: {port}\n  starttls: false\n"
                    f"  from: Badges de test <badges@univ.example.org>\n{smtp}")
        return root
    return make


def test_each_recipient_is_told_once(notify_site, smtp_server):
    inbox, port = smtp_server()
    root = notify_site(port)
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 0, err
    assert out == ("Sent 2 e-mail(s) through SMTP server 127.0.0.1:" + str(port) + "; recorded in awards/notified.txt "
                   "(1 revoked, 1 expired left aside).\n")
    assert "@" not in out + err  # no address in the logs
    by_to = {to[0]: (sender, msg) for sender, to, msg in inbox.messages}
    assert sorted(by_to) == ["alice.martin@example.org", "dan@example.org"]  # not the expired, not the revoked
    sender, msg = by_to["alice.martin@example.org"]
    assert sender == "badges@univ.example.org"
    assert msg["Subject"] == "Vous avez obtenu le badge « Prise de parole »"
    assert msg["From"] == "Badges de test <badges@univ.example.org>"
    assert msg["Reply-To"] == "Bibliothèque universitaire <bu@univ.example.org>"
    assert msg["Auto-Submitted"] == "auto-generated"
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith("Bonjour Alice Martin,\n")
    assert f"https://badges.example.org/assertions/{A1}/" in body
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "prise-de-parole.svg" and attachment.get_content_type() == "image/svg+xml"
    baked = json.loads(baking.unbake_svg(attachment.get_content() if isinstance(attachment.get_content(), str)
                                         else attachment.get_content().decode()))
    assert baked["id"] == f"https://badges.example.org/assertions/{A1}.json"
    _, png = by_to["dan@example.org"]
    [attachment] = list(png.iter_attachments())
    assert attachment.get_filename() == "atelier-png.png"
    assert json.loads(baking.unbake_png(attachment.get_content()))["id"].endswith(f"{A4}.json")
    # recorded, so nobody gets it twice
    told = (root / "awards/notified.txt").read_text()
    assert told.startswith("# Awards whose recipient") and f"{A1}  # 2025-01-01\n" in told and A4 in told
    assert A2 not in told and A3 not in told
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 0 and out == "Nobody to notify (2 already told, 1 revoked, 1 expired).\n"
    assert len(inbox.messages) == 2


def test_only_published_awards_one_badge_and_english(notify_site, smtp_server):
    inbox, port = smtp_server()
    root = notify_site(port, extra={"awards/published.txt": f"{A1}\n"})
    status, out, err = run_cli("notify", "--site", str(root), "--badge", "atelier-png")
    assert status == 0 and out.startswith("Nobody to notify (1 not yet published)"), out + err
    status, out, err = run_cli("notify", "--site", str(root), "--lang", "en")
    assert status == 0, err
    [(_, _, msg)] = inbox.messages
    assert msg["Subject"] == 'You have earned the badge "Prise de parole"'  # no English translation: the name as is
    assert f"https://badges.example.org/en/assertions/{A1}/" in msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    status, out, err = run_cli("notify", "--site", str(root), "--badge", "prise-de-parol")
    assert status == 2 and 'no badge "prise-de-parol" (did you mean "prise-de-parole"?)' in err


def test_english_e_mail_dates_read_as_the_page_says_them(notify_site, smtp_server):
    """The English e-mail wrote "on 01 March 2024, valid until 01 March 2030" (strftime's %d), the
    award page "1 March 2024": the day without a leading zero, as English writes it."""
    inbox, port = smtp_server()
    root = notify_site(port)
    status, out, err = run_cli("notify", "--site", str(root), "--lang", "en", "--badge", "atelier-png")
    assert status == 0, err
    [(_, _, msg)] = inbox.messages
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert '"Atelier PNG"\non 1 March 2024, expires on 1 March 2030.\n' in body


def test_the_e_mail_says_its_language(notify_site, smtp_server):
    """notify set Content-Language, then set_content() dropped it with the other Content-*
    headers: no message said its language (mail clients use it to offer a translation, screen
    readers to pick a voice)."""
    inbox, port = smtp_server()
    root = notify_site(port)
    assert run_cli("notify", "--site", str(root), "--badge", "atelier-png")[0] == 0
    assert run_cli("notify", "--site", str(root), "--lang", "en", "--badge", "prise-de-parole")[0] == 0
    assert [(msg["To"], msg["Content-Language"]) for _, _, msg in inbox.messages] == [
        ("dan@example.org", "fr"), ("alice.martin@example.org", "en")]


def test_dry_run_writes_eml_files_and_records_nothing(notify_site, smtp_server):
    inbox, port = smtp_server()
    root = notify_site(port)
    status, out, err = run_cli("notify", "--site", str(root), "--dry-run")
    assert status == 0, err
    assert "Dry run: wrote 2 message(s) into" in out
    files = sorted(p.name for p in (root / "outbox").iterdir())
    assert files == sorted([f"{A1}.eml", f"{A4}.eml"])
    msg = email.message_from_bytes((root / "outbox" / f"{A1}.eml").read_bytes(), policy=email.policy.default)
    assert msg["To"] == "alice.martin@example.org"
    assert not inbox.messages and not (root / "awards/notified.txt").exists()
    status, out, err = run_cli("notify", "--site", str(root), "--dry-run", "--outbox", "output/mails")
    assert status == 1 and "inside output/" in err and not (root / "output/mails").exists()


def test_a_site_overrides_the_template(notify_site, smtp_server):
    inbox, port = smtp_server()
    template = "Subject: Bravo {{ name or '' }} !\n\nVoir {{ page_url }}\n"
    root = notify_site(port, extra={"templates/email/award.fr.txt": template})
    status, out, err = run_cli("notify", "--site", str(root), "--badge", "prise-de-parole")
    assert status == 0, err
    [(_, _, msg)] = inbox.messages
    assert msg["Subject"] == "Bravo Alice Martin !"
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == f"Voir https://badges.example.org/assertions/{A1}/\n"
    (root / "templates/email/award.fr.txt").write_text("Bonjour {{ nom }}\n")
    (root / "awards/notified.txt").unlink()
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and "Traceback" not in err
    assert "vitrine: templates/email/award.fr.txt:1:1: e-mail template: 'nom' is undefined\n" in err
    (root / "templates/email/award.fr.txt").write_text("Subject: x\n\n{% if %}\n")
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and "vitrine: templates/email/award.fr.txt:3:1: e-mail template: " in err, err


def test_refused_recipient_is_retried_next_time(notify_site, smtp_server):
    inbox, port = smtp_server()
    inbox.refuse.add("dan@example.org")
    root = notify_site(port)
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1
    assert f"award {A4}: the server refused the recipient's address: 550 5.1.1 no such mailbox" in err
    assert "dan@" not in err
    told = (root / "awards/notified.txt").read_text()
    assert A1 in told and A4 not in told
    inbox.refuse.clear()
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 0 and out.startswith("Sent 1 e-mail(s)")
    assert [to for _, to, _ in inbox.messages] == [["alice.martin@example.org"], ["dan@example.org"]]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_with_the_password_from_the_environment(notify_site, smtp_server, monkeypatch):
    def authenticator(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login in ("badges", b"badges") and data.password in ("s3cret", b"s3cret")
        return AuthResult(success=ok, handled=False)

    inbox, port = smtp_server(authenticator=authenticator, auth_require_tls=False, auth_required=True)
    root = notify_site(port, smtp="  username: badges\n")
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and err.startswith("vitrine: smtp.username is 'badges' but VITRINE_SMTP_PASSWORD is not set")
    monkeypatch.setenv("VITRINE_SMTP_PASSWORD", "wrong")
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and f"SMTP server 127.0.0.1:{port} refused the login of 'badges'" in err
    assert "wrong" not in err and not (root / "awards/notified.txt").exists()
    monkeypatch.setenv("VITRINE_SMTP_PASSWORD", "s3cret")
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 0, err
    assert len(inbox.messages) == 2


def test_settings_from_the_environment_and_plain_errors(notify_site, smtp_server, monkeypatch):
    inbox, port = smtp_server()
    root = notify_site(port, extra={})
    text = (root / "site.yaml").read_text().split("smtp:")[0]
    (root / "site.yaml").write_text(text)
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and "no SMTP server: set smtp.host in site.yaml or VITRINE_SMTP_HOST" in err
    monkeypatch.setenv("VITRINE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VITRINE_SMTP_PORT", str(port))
    status, out, err = run_cli("notify", "--site", str(root))  # STARTTLS by default: this server has none
    assert status == 1 and "STARTTLS extension not supported by server" in err and "Traceback" not in err
    monkeypatch.setenv("VITRINE_SMTP_STARTTLS", "false")
    status, out, err = run_cli("notify", "--site", str(root), "--badge", "prise-de-parole")
    assert status == 0, err
    [(sender, _, msg)] = inbox.messages
    assert sender == "bu@univ.example.org"  # no `from`: the issuer's address
    monkeypatch.setenv("VITRINE_SMTP_PORT", str(free_port()))  # nobody listens there
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and err.startswith("vitrine: cannot reach the SMTP server 127.0.0.1:") and "Traceback" not in err
    (root / "site.yaml").write_text(text + "smtp: {host: x, password: hunter2}\n")
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and "smtp.password: keep the password out of files" in err


def test_again_re_sends_to_the_awards_chosen_and_never_by_accident(notify_site, smtp_server):
    """After a key's withdrawal or a correction, an issuer could not e-mail a recipient again:
    notify skipped every id of awards/notified.txt, and had no way round it. `--again` names the
    awards (ids, or a badge: all of its awards); nothing else is ever sent twice."""
    inbox, port = smtp_server()
    root = notify_site(port)
    assert run_cli("notify", "--site", str(root), "--badge", "prise-de-parole")[0] == 0  # A1 told
    assert len(inbox.messages) == 1
    status, out, err = run_cli("notify", "--site", str(root), "--again")
    assert status == 2 and "vitrine: --again: name the awards to e-mail again (their ids), or a badge" in err
    status, out, err = run_cli("notify", "--site", str(root), "--again", A1[:8], "--badge", "prise-de-parole")
    assert status == 2 and "not both" in err
    status, out, err = run_cli("notify", "--site", str(root), "--again", A1[:8], A3, "1b4e", "ffffffff")
    assert status == 1 and err == (
        f"awards/prise-de-parole.yaml:21: award {A3}: revoked on 2024-02-01: its recipient is not e-mailed again\n"
        'vitrine notify: --again "1b4e" is too short: give the id\'s first 8 characters or more\n'
        'vitrine notify: --again "ffffffff" is not the id of any award (see `vitrine awards`)\n'
        "vitrine: 3 problem(s) with --again; nobody was e-mailed.\n"), err
    assert len(inbox.messages) == 1
    status, out, err = run_cli("notify", "--site", str(root), "--again", A1[:8], "--note",
                               "Notre clé de signature a été remplacée.")
    assert status == 0, err
    assert out == f"Sent 1 e-mail(s) through SMTP server 127.0.0.1:{port}; recorded in awards/notified.txt (1 told again).\n"
    (_, to, msg) = inbox.messages[-1]
    assert to == ["alice.martin@example.org"] and "@" not in out + err
    assert msg["Subject"] == "Votre badge « Prise de parole » a été délivré à nouveau"
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "\n\nNotre clé de signature a été remplacée.\n\nLe fichier joint (prise-de-parole.svg) remplace celui" in body
    assert len(list(msg.iter_attachments())) == 1
    assert (root / "awards/notified.txt").read_text().endswith(f"{A1}  # 2025-01-01, again\n")
    # a badge: all of its awards, told before (A4 was not: it gets the first message)
    status, out, err = run_cli("notify", "--site", str(root), "--again", "--badge", "atelier-png")
    assert status == 0 and out.endswith("(1 told for the first time).\n"), out + err
    assert inbox.messages[-1][2]["Subject"] == "Vous avez obtenu le badge « Atelier PNG »"
    status, out, err = run_cli("notify", "--site", str(root), "--again", "--badge", "prise-de-parole", "--lang", "en")
    assert status == 0 and out.endswith("(1 told again; 1 revoked, 1 expired left aside).\n"), out + err
    assert inbox.messages[-1][2]["Subject"] == 'Your badge "Prise de parole" was issued again'
    # and a plain run still tells nobody twice
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 0 and out == "Nobody to notify (2 already told, 1 revoked, 1 expired).\n"
    assert len(inbox.messages) == 4
    status, out, err = run_cli("notify", "--site", str(root), "--note", "x")
    assert status == 2 and "--note goes with --again" in err



def test_an_again_run_that_stops_names_the_awards_it_did_not_reach(notify_site, smtp_server, monkeypatch):
    """Running the same --again again would e-mail the first recipients twice: a run the server
    stops names the ids still to send, the one it stopped at included, and records the others."""
    from generator import notify

    inbox, port = smtp_server()
    root = notify_site(port)
    send = notify.Mailer.send
    calls = []

    def send_once(self, letter):
        calls.append(letter.award_id)
        if len(calls) > 1:
            raise OSError("connection reset")
        return send(self, letter)

    monkeypatch.setattr(notify.Mailer, "send", send_once)
    status, out, err = run_cli("notify", "--site", str(root), "--again", A1[:8], A4)
    assert status == 1 and calls == [A1, A4]
    assert err.endswith(f"to send the rest, run again with --again {A4}.\n"), err
    assert (root / "awards/notified.txt").read_text().endswith(f"{A1}  # 2025-01-01\n")
    assert len(inbox.messages) == 1

def test_each_recipient_in_the_language_of_their_record(notify_site, smtp_server):
    """The e-mail's language was the run's (--lang), the same for everyone: an English-speaking
    student of a French site got French. A record's `lang` (a CSV column, `vitrine award --lang`)
    now chooses it; --lang (else the site's language) is for the records without one."""
    from test_awards import AWARDS

    inbox, port = smtp_server()
    awards = AWARDS.replace("  recipient: dan@example.org\n", "  recipient: dan@example.org\n  lang: en\n")
    root = notify_site(port, extra={"awards/prise-de-parole.yaml": awards})
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 0, err
    assert out.endswith("(1 in en; 1 in fr; 1 revoked, 1 expired left aside).\n"), out
    got = {to[0]: (msg["Subject"], msg["Content-Language"]) for _, to, msg in inbox.messages}
    assert got == {"alice.martin@example.org": ("Vous avez obtenu le badge « Prise de parole »", "fr"),
                   "dan@example.org": ('You have earned the badge "Atelier PNG"', "en")}
    body = [m for _, to, m in inbox.messages if to == ["dan@example.org"]][0].get_body(("plain",)).get_content()
    assert f"https://badges.example.org/en/assertions/{A4}/" in body
    (root / "awards/prise-de-parole.yaml").write_text(awards.replace("  lang: en\n", "  lang: de\n"))
    (root / "awards/notified.txt").unlink()
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and err == (  # as check and build say it (test_awards), at the field
        "awards/prise-de-parole.yaml:34:9: lang: \"de\" is not one of the site's languages (fr, en): the e-mails "
        "`vitrine notify` sends this recipient are written in it\n"
        "vitrine: the site has problems; nobody was e-mailed.\n"), err
    (root / "awards/prise-de-parole.yaml").write_text(awards.replace("  lang: en\n", "  lang: English\n"))
    status, out, err = run_cli("notify", "--site", str(root))
    assert status == 1 and ('awards/prise-de-parole.yaml:34:9: lang: "English" is not a language code such as fr or '
                            "en (one of the site's languages: the e-mails `vitrine notify` sends this recipient are "
                            "written in it)") in err, err
    assert len(inbox.messages) == 2
