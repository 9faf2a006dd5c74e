"""`vitrine serve`: the live preview, driven over HTTP while files are edited."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from browser import CHROMIUM, browser
from conftest import MINIMAL, REPO, run_cli
from generator import parse_cache
from generator.serve import DevServer, free_port
from generator.serve_http import content_type

BADGE = "content/badges/prise-de-parole.md"


def fetch(url: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(check, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    file = root / rel
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new), encoding="utf-8")


class Events:
    """A Server-Sent Events client in a thread: the data of the reload events it has seen."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.seen: list[str] = []
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        self.sock.sendall(f"GET {parts.path}?{parts.query} HTTP/1.0\r\nHost: {parts.netloc}\r\n\r\n".encode())
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self) -> None:
        try:
            for raw in self.sock.makefile("rb"):
                line = raw.decode().strip()
                if line.startswith("data: "):
                    self.seen.append(line[6:])
        except OSError:  # closed at the end of the test
            pass

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


@pytest.fixture
def dev(site):
    servers = []

    def start(files: dict | None = None, prepare=None, **kwargs):
        root = site(files or {})
        if prepare is not None:  # before the server starts: keys, say
            prepare(root)
        out, err = io.StringIO(), io.StringIO()
        server = DevServer(root, port=0, stdout=out, stderr=err, **kwargs)
        url = server.start()
        servers.append(server)
        return root, server, url, out, err

    yield start
    for server in servers:
        server.stop()


def test_edit_a_badge_and_the_page_changes(dev):
    root, server, url, out, _ = dev()
    status, page, headers = fetch(url + "badges/prise-de-parole/")
    assert status == 200 and "<h1" in page and "Prise de parole" in page
    assert headers["Content-Type"] == "text/html; charset=utf-8" and headers["Cache-Control"] == "no-store"
    assert "/__vitrine/events?since=" in page  # the reload script
    events = Events(url.rstrip("/") + f"/__vitrine/events?since={server.state.generation}")
    misses = parse_cache.active().misses
    started = time.monotonic()
    edit(root, BADGE, "name: Prise de parole", "name: Parler en public")
    wait_for(lambda: events.seen, what="a reload event")
    status, page, _ = fetch(url + "badges/prise-de-parole/")
    elapsed = time.monotonic() - started
    events.close()
    assert status == 200 and "Parler en public" in page
    assert parse_cache.active().misses == misses + 1  # only the edited file was parsed again
    assert elapsed < 5, elapsed
    assert "content/badges/prise-de-parole.md changed: reloaded in" in out.getvalue()


def test_a_broken_file_shows_the_error_then_recovers(dev):
    root, server, url, _, err = dev()
    generation = server.state.generation
    edit(root, BADGE, "category: transversal", "category: oral")
    wait_for(lambda: server.state.generation > generation, what="the failed rebuild")
    status, page, _ = fetch(url + "badges/prise-de-parole/")
    assert status == 200
    assert 'id="vitrine-dev-error"' in page
    assert "content/badges/prise-de-parole.md:5:11: category: &quot;oral&quot; is not allowed" in page
    assert "Prise de parole" in page  # the last good version is underneath
    assert 'content/badges/prise-de-parole.md:5:11: category: "oral" is not allowed' in err.getvalue()
    generation = server.state.generation
    edit(root, BADGE, "category: oral", "category: technical")
    wait_for(lambda: server.state.generation > generation and not server.state.errors, what="the recovery")
    status, page, _ = fetch(url + "badges/prise-de-parole/")
    assert status == 200 and "vitrine-dev-error" not in page
    assert "categories/technical/" in page


def test_a_template_mistake_is_shown_and_fixed(dev):
    root, server, url, _, err = dev()
    generation = server.state.generation
    (root / "templates").mkdir()  # a folder that did not exist when the preview started
    (root / "templates" / "page.html").write_text('{% extends "base.html" %}{% block content %}{% if %}{% endblock %}')
    wait_for(lambda: server.state.generation > generation, what="a rebuild")
    status, page = wait_for(lambda: (lambda r: r[:2] if "vitrine-dev-error" in r[1] else None)(
        fetch(url + "pages/a-propos/")), what="the template error")
    assert status == 500
    assert "page.html:1:1: template: Expected an expression" in page
    generation = server.state.generation
    (root / "templates" / "page.html").write_text('{% extends "base.html" %}{% block content %}<p>Ma page</p>{% endblock %}')
    wait_for(lambda: server.state.generation > generation and not server.state.errors, what="the recovery")
    status, page, _ = fetch(url + "pages/a-propos/")
    assert status == 200 and "<p>Ma page</p>" in page and "vitrine-dev-error" not in page
    assert "template: Expected an expression" in err.getvalue()


def test_error_at_start_then_fixed(dev):
    broken = MINIMAL[BADGE].replace("issuer: bu", "issuer: nobody")
    root, server, url, _, err = dev({BADGE: broken})
    status, page, _ = fetch(url)
    assert status == 500 and 'no issuer &quot;nobody&quot;' in page and "EventSource" in page
    generation = server.state.generation
    edit(root, BADGE, "issuer: nobody", "issuer: bu")
    wait_for(lambda: server.state.generation > generation and server.state.snapshot, what="the first good build")
    status, page, _ = fetch(url)
    assert status == 200 and "Prise de parole" in page and "vitrine-dev-error" not in page


def test_output_is_written_without_the_preview_script(dev):
    root, server, url, _, _ = dev()
    generation = server.state.generation
    edit(root, BADGE, "name: Prise de parole", "name: Parler en public")
    wait_for(lambda: server.state.generation > generation, what="the rebuild")
    wait_for(lambda: server.output_generation == server.state.generation, what="output/ written")
    page = (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8")
    assert "Parler en public" in page
    everything = b"".join(p.read_bytes() for p in (root / "output").rglob("*") if p.is_file())
    assert b"__vitrine" not in everything and b"vitrine-dev-error" not in everything
    # The same files as `vitrine build` writes.
    status, _, _ = run_cli("build", "--site", str(root), "--out", str(root / "built"))
    assert status == 0
    assert sorted(p.relative_to(root / "built").as_posix() for p in (root / "built").rglob("*")) == \
        sorted(p.relative_to(root / "output").as_posix() for p in (root / "output").rglob("*"))


def test_a_burst_of_saves_is_one_rebuild(dev):
    root, server, url, _, _ = dev()
    before = server.rebuilds
    for i in range(5):
        edit(root, BADGE, f"level: {i + 1}", f"level: {i + 2}")
    (root / "content/pages/faq.md").write_text("---\ntitle: FAQ\n---\nQuestions.\n", encoding="utf-8")
    wait_for(lambda: server.rebuilds > before, what="a rebuild")
    time.sleep(0.5)
    assert server.rebuilds - before <= 2  # one, unless the machine stalled between two saves
    assert fetch(url + "pages/faq/")[0] == 200
    assert "<dd>Niveau\xa06</dd>" in fetch(url + "badges/prise-de-parole/")[1]


def test_new_file_and_deleted_file(dev):
    root, server, url, _, _ = dev()
    generation = server.state.generation
    assert run_cli("new", "page", "contact", "--site", str(root))[0] == 0
    wait_for(lambda: fetch(url + "pages/contact/")[0] == 200, what="the new page")
    (root / "content/pages/contact.md").unlink()
    wait_for(lambda: fetch(url + "pages/contact/")[0] == 404, what="the page gone")
    assert server.state.generation > generation


def test_sub_path_redirects_and_404(dev):
    config = MINIMAL["site.yaml"].replace("https://badges.example.org/", "https://www.example.org/badges/")
    root, server, url, _, _ = dev({"site.yaml": config})
    assert url.endswith("/badges/")
    origin = url[: -len("/badges/")]
    status, _, headers = fetch(origin + "/")
    assert status == 302 and headers["Location"] == "/badges/"
    assert fetch(url)[0] == 200
    status, _, headers = fetch(url + "badges/prise-de-parole")
    assert status == 302 and headers["Location"] == "/badges/badges/prise-de-parole/"
    status, page, _ = fetch(url + "nowhere/")
    assert status == 404 and "EventSource" in page
    assert fetch(origin + "/elsewhere/")[0] == 404
    status, body, headers = fetch(url + "badges/prise-de-parole.json")
    assert status == 200 and headers["Content-Type"] == "application/json" and '"BadgeClass"' in body
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_events_reload_a_page_built_before_the_last_rebuild(dev):
    root, server, url, _, _ = dev()
    origin = url.rstrip("/")
    events = Events(f"{origin}/__vitrine/events?since={server.state.generation - 1}")
    wait_for(lambda: events.seen, what="an immediate reload")
    events.close()
    assert events.seen == [str(server.state.generation)]


def test_content_types():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("feed.xml") == "application/atom+xml; charset=utf-8"
    assert content_type("badges/x.json") == "application/json"
    assert content_type("badges/x.svg") == "image/svg+xml"
    assert content_type("_headers") == "text/plain; charset=utf-8"


def test_the_command(site):
    """`vitrine serve` in its own process: serves, then stops on Ctrl+C."""
    root = site()
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    # Ctrl+C as a terminal sends it: a suite started in the background (`pytest &`) ignores SIGINT,
    # and its children inherit that, so the server would never hear it
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        status = wait_for(lambda: _try(f"http://127.0.0.1:{port}/"), timeout=30, what="the server")
        assert status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert f"at http://127.0.0.1:{port}/" in out


def _try(url: str) -> int | None:
    try:
        return fetch(url)[0]
    except OSError:
        return None


def test_port_in_use(site):
    root = site()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, _, err = run_cli("serve", "--site", str(root), "--port", str(port))
    assert status == 1
    assert err == f"vitrine: cannot listen on 127.0.0.1:{port} (Address already in use): pass another --port\n"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium")
def test_the_open_page_reloads_in_a_browser(dev):
    """As an author sees it: the page follows the saves, shows a mistake, then the fix."""
    root, server, url, _, _ = dev()
    with browser() as chromium:
        page = chromium.new_page()
        page.goto(url + "badges/prise-de-parole/")
        edit(root, BADGE, "name: Prise de parole", "name: Parler en public")
        page.wait_for_function("() => document.querySelector('h1').textContent.includes('Parler en public')",
                               timeout=15_000)
        edit(root, BADGE, "category: transversal", "category: oral")
        page.wait_for_selector("#vitrine-dev-error", timeout=15_000)
        assert 'category: "oral" is not allowed' in page.inner_text("#vitrine-dev-error")
        assert "Parler en public" in page.inner_text("h1")  # the last good page, underneath
        edit(root, BADGE, "category: oral", "category: technical")
        page.wait_for_selector("#vitrine-dev-error", state="detached", timeout=15_000)
        assert "Parler en public" in page.inner_text("h1")


def test_a_file_that_published_awards_point_at_cannot_go(dev):
    award = ("- id: 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b\n  badge: prise-de-parole\n  recipient: alice@example.org\n"
             "  issued_on: 2024-06-12\n  salt: 0123456789abcdef0123456789abcdef\n")
    root, server, url, _, err = dev({"awards/a.yaml": award})
    record = root / "awards" / "published-urls.txt"
    wait_for(lambda: record.is_file() and "issuers/bu.json" in record.read_text(), what="the record of published files")
    (root / "content/issuers/bu.md").rename(root / "content/issuers/bibliotheque.md")
    edit(root, BADGE, "issuer: bu", "issuer: bibliotheque")
    gone = "issuers/bu.json and issuers/bu/, which published awards point at, are no longer made"
    wait_for(lambda: any(gone in line for line in server.state.errors), what="the error")
    status, page, _ = fetch(url + "badges/prise-de-parole/")
    assert 'id="vitrine-dev-error"' in page and gone in page


def test_a_key_rotation_rebuilds_the_preview(dev, monkeypatch):
    """A rotation (or a withdrawal) in the folder of signing.keys is a change: the preview signs again."""
    from generator.keys import init_keys, rotate_keys

    monkeypatch.delenv("VITRINE_OB2_KEY", raising=False)
    award = ("- id: 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b\n  badge: prise-de-parole\n  recipient: alice@example.org\n"
             "  issued_on: 2024-06-12\n  salt: 0123456789abcdef0123456789abcdef\n")
    config = textwrap.dedent(MINIMAL["site.yaml"]).lstrip("\n") + "signing: {ob2: true, keys: secrets/keys}\n"
    files = {"awards/a.yaml": award, "site.yaml": config}
    root, server, url, _, _ = dev(files, prepare=lambda root: init_keys(root, "secrets/keys", ("rsa",)))

    def key() -> str | None:
        status, text, _ = fetch(url + "issuers/bu.json")
        return json.loads(text)["publicKey"] if status == 200 else None  # 503 until the first build is done
    first = wait_for(key, what="the first build")
    rotate_keys(root, "secrets/keys", ("rsa",))
    wait_for(lambda: key() != first, what="the issuer's profile to name the new key")
