"""Publishing: `.nojekyll` and `_headers` in the output, and a site served under a sub-path."""

from __future__ import annotations

import fnmatch
import functools
import http.server
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from browser import CHROMIUM, browser
from conftest import MINIMAL, REPO, copy_site, run_cli, write_site

SUB_PATH_CONFIG = MINIMAL["site.yaml"].replace("https://badges.example.org/", "https://www.example.org/badges/")


def parse_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Netlify's `_headers`: a path pattern, then indented `Name: value` lines."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            assert line.startswith("/"), line
            rules.append((line.strip(), []))
        else:
            name, value = line.strip().split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules, path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pattern, headers in rules:
        if fnmatch.fnmatchcase(path, pattern):  # `*` is Netlify's splat: any rest of the path
            out.update(headers)
    return out


@contextmanager
def host(www: Path, rules=None):
    """A static host for `www`: files as they are, plus the `_headers` rules if given."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def end_headers(self) -> None:
            for name, value in headers_for(rules or [], urllib.parse.urlsplit(self.path).path).items():
                if name.lower() != "content-type":
                    self.send_header(name, value)
            super().end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def sub_path_site(site, tmp_path) -> tuple[Path, Path]:
    root = site({"site.yaml": SUB_PATH_CONFIG})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    www = tmp_path / "www"
    www.mkdir()
    (www / "badges").symlink_to(root / "output")  # output/ served under /badges/
    return root, www


def test_hosting_files(sub_path_site):
    root, _ = sub_path_site
    out = root / "output"
    assert (out / ".nojekyll").read_bytes() == b""
    rules = parse_headers((out / "_headers").read_text(encoding="utf-8"))
    json_headers = headers_for(rules, "/badges/badges/prise-de-parole.json")
    assert json_headers["Access-Control-Allow-Origin"] == "*"
    assert headers_for(rules, "/badges/assertions/x.png")["Access-Control-Allow-Origin"] == "*"
    csp = headers_for(rules, "/badges/index.html")["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert headers_for(rules, "/badges/feed.xml")["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert headers_for(rules, "/badges/en/feed.xml")["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert headers_for(rules, "/elsewhere/x.json") == {}  # only the site's own path


def test_root_site_headers_cover_everything(site):
    root = site()
    assert run_cli("build", "--site", str(root))[0] == 0
    rules = parse_headers((root / "output/_headers").read_text(encoding="utf-8"))
    assert rules[0][0] == "/*"
    assert headers_for(rules, "/.well-known/did.json")["Access-Control-Allow-Origin"] == "*"


def crawl(origin: str, start: str) -> tuple[set[str], list[str]]:
    """Every page and file reachable from `start` on `origin`; links that fail."""
    seen, broken, todo = set(), [], [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            with urllib.request.urlopen(origin + path, timeout=10) as response:
                kind = response.headers.get("Content-Type", "")
                body = response.read().decode("utf-8", "replace") if "html" in kind else ""
        except urllib.error.HTTPError as exc:
            broken.append(f"{path}: {exc.code}")
            continue
        for link in re.findall(r'(?:href|src)="([^"]+)"', body):
            target = urllib.parse.urljoin(origin + path, link.replace("&amp;", "&"))
            parts = urllib.parse.urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue  # canonical links, other sites
            todo.append(parts.path)
    return seen, broken


def test_sub_path_site_works_when_served_under_its_path(sub_path_site):
    root, www = sub_path_site
    with host(www) as origin:
        pages, broken = crawl(origin, "/badges/")
        assert broken == []
        assert all(p.startswith("/badges/") for p in pages), [p for p in pages if not p.startswith("/badges/")]
        for expected in ["/badges/badges/prise-de-parole/", "/badges/issuers/bu/", "/badges/competencies/oral/",
                         "/badges/pages/a-propos/", "/badges/en/", "/badges/static/style.css",
                         "/badges/badges/prise-de-parole.svg", "/badges/categories/transversal/"]:
            assert expected in pages, expected
        # The 404 page links with absolute paths (it answers at any depth): they stay under /badges/.
        text = (root / "output/404.html").read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="(/[^"]*)"', text):
            assert link.startswith("/badges/"), link
            assert urllib.request.urlopen(origin + link.split("#")[0], timeout=10).status == 200
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"',
                          (root / "output/badges/prise-de-parole/index.html").read_text(encoding="utf-8"))
    assert canonical.group(1) == "https://www.example.org/badges/badges/prise-de-parole/"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium")
def test_the_theme_works_under_the_content_security_policy(tmp_path):
    """The example catalogue, served with its `_headers` (CSP): no violation, scripts run."""
    root = copy_site(REPO, tmp_path / "site")
    for rel in ("site.yaml", "awards/published-urls.txt"):  # moved for good: the record says so
        (root / rel).write_text((root / rel).read_text(encoding="utf-8")
                                .replace("https://badges.example.org/", "https://www.example.org/badges/"), encoding="utf-8")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    www = tmp_path / "www"
    www.mkdir()
    (www / "badges").symlink_to(root / "output")
    rules = parse_headers((root / "output/_headers").read_text(encoding="utf-8"))
    with host(www, rules) as origin, browser() as chromium:
        page = chromium.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        for path in ["/badges/", "/badges/badges/prise-de-parole-niveau-1/", "/badges/en/", "/badges/competencies/"]:
            response = page.goto(origin + path)
            assert response.status == 200
            assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
            page.wait_for_load_state("load")
        assert problems == []
