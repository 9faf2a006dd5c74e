"""1EdTech's Open Badges 2.0 validator checks every hosted assertion of built sites, offline.

The validator (PyPI `openbadges`) lives in its own virtualenv, made by scripts/setup-validator.sh
(default .venv-validator/; or set VITRINE_VALIDATOR_PYTHON to its python). The built output is
served on 127.0.0.1 by a thread HTTP server; tests/ob2_validate.py routes the validator's requests
for the site's base_url there and answers the Open Badges context URL with the copy shipped in
generator/data/, so nothing reaches the network. Without the virtualenv the tests are skipped,
unless VITRINE_REQUIRE_VALIDATOR=1 (then they fail).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import threading
from datetime import datetime, timezone
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import REPO, copy_site, png_bytes, run_cli
from test_awards import PNG_BADGE, SALT, baked

VALIDATOR = Path(os.environ.get("VITRINE_VALIDATOR_PYTHON") or REPO / ".venv-validator" / "bin" / "python")
CONTEXT = REPO / "generator" / "data" / "openbadges-v2-context.json"
BASE = "https://badges.example.org/"

if not VALIDATOR.is_file():
    if os.environ.get("VITRINE_REQUIRE_VALIDATOR") == "1":
        raise RuntimeError(f"no validator at {VALIDATOR}: run scripts/setup-validator.sh")
    pytest.skip(f"1EdTech's validator is not installed ({VALIDATOR}): run scripts/setup-validator.sh",
                allow_module_level=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D401 - silence the test server
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.requested.append(self.path)
        super().do_GET()


def validate(output: Path, items: list[dict], requested: list[str] | None = None) -> list[dict]:
    """Serve `output` on 127.0.0.1 and run the validator on each item (see tests/ob2_validate.py).
    `requested` gets the paths the validator fetched."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    server.requested = requested if requested is not None else []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        local = f"http://127.0.0.1:{server.server_address[1]}/"
        run = subprocess.run([str(VALIDATOR), str(REPO / "tests" / "ob2_validate.py"), BASE, local, str(CONTEXT)],
                             input=json.dumps(items), capture_output=True, text=True, timeout=600,
                             env={**os.environ, "NO_PROXY": "*"})
    finally:
        server.shutdown()
        server.server_close()
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def bake_to(folder: Path, output: Path, award_id: str) -> str:
    """The award's baked badge (as its page's script makes it) written to a file: its path."""
    name, data = baked(output, award_id)
    file = folder / f"{award_id}-{name}"
    file.write_bytes(data)
    return str(file)


def expectation(output: Path, url: str) -> str:
    """What the validator must say of a hosted assertion: "valid", "expired" or "revoked"."""
    data = json.loads((output / url[len(BASE):]).read_text())
    if data.get("revoked"):
        return "revoked"
    expires = data.get("expires")
    if expires and datetime.fromisoformat(expires) <= datetime.now(timezone.utc):
        return "expired"
    return "valid"


def check_reports(output: Path, reports: list[dict]) -> None:
    for report in reports:
        url = report["input"]
        expected = expectation(output, url) if url.startswith(BASE) else "valid"
        if expected == "valid":
            assert report["valid"] and not report["errors"], report
        elif expected == "expired":  # the only problem the validator finds is the expiry
            assert not report["valid"] and len(report["errors"]) == 1 and "expired on" in report["errors"][0], report
        else:  # the stripped revoked form is not an assertion a verifier accepts
            assert not report["valid"], report


def test_every_assertion_of_the_example_site(tmp_path):
    root = copy_site(REPO, tmp_path / "site")
    status, _, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    output = root / "output"
    urls = sorted(BASE + p.relative_to(output).as_posix() for p in (output / "assertions").glob("*.json"))
    assert len(urls) >= 10
    requested: list[str] = []
    reports = validate(output, [{"input": url} for url in urls], requested)
    check_reports(output, reports)
    kinds = {expectation(output, url) for url in urls}
    assert {"valid", "expired", "revoked"} <= kinds
    assert_recorded(root, requested)


def assert_recorded(root: Path, requested: list[str]) -> None:
    """Every file the validator fetched is an award's own (its id is kept by published.txt) or is
    listed in awards/published-urls.txt: no file a verifier needs can go unnoticed."""
    record = (root / "awards" / "published-urls.txt").read_text(encoding="utf-8").splitlines()
    others = sorted({path.lstrip("/") for path in requested if not path.startswith("/assertions/")})
    assert others and all(path.endswith((".json", ".png", ".svg")) for path in others), others
    assert [path for path in others if path not in record] == []


RECORDS = f"""\
- id: 5f8c6cfe-6de5-4b7f-a7f8-c35df9eba77f
  badge: prise-de-parole
  recipient: alice.martin@example.org
  name: Alice Martin
  consent: true
  issued_on: 2024-06-12
  expires: 2099-06-12
  narrative: A animé **trois** ateliers.
  evidence:
    - https://example.org/portfolio/alice
    - {{url: https://example.org/video, name: Vidéo, narrative: Dix minutes.}}
  salt: {SALT}
- id: 6a9d7d0f-7ef6-4c80-b809-d46e0afcb880
  badge: atelier-png
  recipient: Dan.Dupont@Example.org
  issued_on: 2024-03-01
  salt: {SALT}
- id: 7bae8e10-80f7-4d91-8910-e57f1b0dc991
  badge: dessine
  recipient: eve@example.org
  issued_on: 2024-03-01
  salt: {SALT}
"""

DRAWN = """\
---
name: Badge dessiné
issuer: bu
description: Un badge dont l'image est dessinée.
category: technical
design: {shape: hexagon, background: "#1f5fa8", label: TEST}
---
Critères.
"""


def test_svg_png_and_drawn_badges_recipients_and_baked_files(site, tmp_path):
    root = site({"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
                 "content/badges/dessine.md": DRAWN, "awards/test.yaml": RECORDS})
    status, _, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    output = root / "output"
    a = "assertions/"
    items = [
        {"input": f"{BASE}{a}5f8c6cfe-6de5-4b7f-a7f8-c35df9eba77f.json", "email": "alice.martin@example.org"},
        {"input": f"{BASE}{a}6a9d7d0f-7ef6-4c80-b809-d46e0afcb880.json", "email": "dan.dupont@example.org"},
        {"input": f"{BASE}{a}7bae8e10-80f7-4d91-8910-e57f1b0dc991.json", "email": "eve@example.org"},
        {"file": bake_to(tmp_path, output, "5f8c6cfe-6de5-4b7f-a7f8-c35df9eba77f")},
        {"file": bake_to(tmp_path, output, "6a9d7d0f-7ef6-4c80-b809-d46e0afcb880")},
        {"file": bake_to(tmp_path, output, "7bae8e10-80f7-4d91-8910-e57f1b0dc991")},
        {"input": f"{BASE}{a}5f8c6cfe-6de5-4b7f-a7f8-c35df9eba77f.json", "email": "someone.else@example.org"},
    ]
    reports = validate(output, items)
    for report in reports[:6]:
        assert report["valid"] and not report["errors"], report
    for report, item in zip(reports[:3], items):
        assert report["recipient"] == {"email": item["email"]}, report
    assert not reports[6]["valid"]  # the hash does not match another address


def signed_site(site, monkeypatch) -> Path:
    """The records' site, its 2.0 assertions signed with keys made for it, built."""
    from generator.keys import init_keys

    monkeypatch.delenv("VITRINE_OB2_KEY", raising=False)
    monkeypatch.delenv("VITRINE_OB3_KEY", raising=False)
    root = site({"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
                 "content/badges/dessine.md": DRAWN, "awards/test.yaml": RECORDS})
    with open(root / "site.yaml", "a", encoding="utf-8") as f:
        f.write("signing: {ob2: true}\n")
    init_keys(root)
    status, _, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    return root


def test_signed_assertions(site, tmp_path, monkeypatch):
    """Signed badges (JWS RS256): the JWS, the hosted JSON at its id and the baked images are
    valid; a forged payload, and a JWS of an award revoked since, are not."""
    import base64

    root = signed_site(site, monkeypatch)
    output = root / "output"
    a = output / "assertions"
    ids = ["5f8c6cfe-6de5-4b7f-a7f8-c35df9eba77f", "6a9d7d0f-7ef6-4c80-b809-d46e0afcb880",
           "7bae8e10-80f7-4d91-8910-e57f1b0dc991"]
    tokens = [(a / f"{i}.jws").read_text() for i in ids]
    header, payload, signature = tokens[0].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["expires"] = "2199-06-12T00:00:00+00:00"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    items = [{"input": tokens[0], "email": "alice.martin@example.org"}, {"input": tokens[1]}, {"input": tokens[2]},
             {"input": f"{BASE}assertions/{ids[0]}.json"},
             {"file": bake_to(tmp_path, output, ids[0])}, {"file": bake_to(tmp_path, output, ids[1])},
             {"file": bake_to(tmp_path, output, ids[2])},
             {"input": f"{header}.{forged}.{signature}"}]
    requested: list[str] = []
    reports = validate(output, items, requested)
    for report in reports[:7]:
        assert report["valid"] and not report["errors"], report
    assert_recorded(root, requested)
    assert any(path.startswith("/keys/") for path in requested), requested  # the JWS's key was checked
    assert reports[0]["recipient"] == {"email": "alice.martin@example.org"}
    assert not reports[7]["valid"] and any("failed verification" in e for e in reports[7]["errors"]), reports[7]
    # revoke the first award: the JWS handed out before now reads as revoked, through the RevocationList
    status, _, err = run_cli("revoke", ids[0], "--reason", "Erreur", "--site", str(root))
    assert status == 0, err
    status, _, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    [report] = validate(output, [{"input": tokens[0]}])
    assert not report["valid"] and report["errors"] == [
        f"Assertion {BASE}assertions/{ids[0]}.json has been revoked in RevocationList {BASE}revocations/bu.json "
        "with reason: Erreur"], report


def test_a_badge_whose_criteria_hold_html_images_and_relative_links(site, tmp_path):
    """The BadgeClass's criteria narrative: Markdown without what the page's sanitizer removes,
    with absolute links and images (bodies.py); the validator still accepts the award."""
    from test_bodies import HOSTILE, picture
    from test_lint import badge

    root = site({"content/badges/prise-de-parole.md": badge(HOSTILE), "content/badges/impro.png": picture("PNG"),
                 "awards/test.yaml": RECORDS.split("- id: 6a9d7d0f")[0]})
    status, _, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    output = root / "output"
    narrative = json.loads((output / "badges/prise-de-parole.json").read_text())["criteria"]["narrative"]
    assert "javascript" not in narrative.lower() and "<script" not in narrative
    assert f"![Un masque violet]({BASE}media/badges/impro.png)" in narrative
    award = "5f8c6cfe-6de5-4b7f-a7f8-c35df9eba77f"
    reports = validate(output, [{"input": f"{BASE}assertions/{award}.json", "email": "alice.martin@example.org"},
                                {"file": bake_to(tmp_path, output, award)}])
    for report in reports:
        assert report["valid"] and not report["errors"], report


def test_a_jws_signed_by_a_withdrawn_key_is_refused_and_its_new_copy_is_valid(site, tmp_path, monkeypatch):
    """A leaked RSA key withdrawn (`vitrine keys rotate --compromised`): 1EdTech's validator refuses
    a JWS it signed, its document being still published (marked revoked); the same award, signed
    again at the same URL, is valid, and so is its baked image."""
    from generator.keys import load_keys

    root = signed_site(site, monkeypatch)
    output = root / "output"
    award = "5f8c6cfe-6de5-4b7f-a7f8-c35df9eba77f"
    leaked = (output / f"assertions/{award}.jws").read_text()
    old_kid = load_keys(root).current_rsa.kid
    status, out, err = run_cli("keys", "rotate", "--compromised", "--site", str(root))
    assert status == 0, err
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    assert json.loads((output / f"keys/bu/{old_kid}.json").read_text())["revoked"]  # still published
    fresh = (output / f"assertions/{award}.jws").read_text()
    old_report, new_report, baked_report = validate(output, [{"input": leaked}, {"input": fresh},
                                                             {"file": bake_to(tmp_path, output, award)}])
    assert not old_report["valid"] and any(f"signed by a key {BASE}keys/bu/{old_kid}.json other than those "
                                           "authorized by issuer profile" in e for e in old_report["errors"]), old_report
    assert new_report["valid"] and not new_report["errors"], new_report
    assert baked_report["valid"] and not baked_report["errors"], baked_report


def test_awards_made_before_a_rename_still_validate(site, tmp_path):
    """atelier-png.md renamed atelier.md with `formerly: [atelier-png]`: its assertion names the old
    BadgeClass, which the validator fetches and checks at that address; so do its baked images."""
    root = site({"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
                 "content/badges/dessine.md": DRAWN, "awards/test.yaml": RECORDS})
    status, _, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    old = "6a9d7d0f-7ef6-4c80-b809-d46e0afcb880"
    first = (root / "output" / "assertions" / f"{old}.json").read_bytes()
    (root / "content/badges/atelier-png.md").unlink()
    (root / "content/badges/atelier.md").write_text(PNG_BADGE.replace("---\n", "---\nformerly: [atelier-png]\n", 1))
    status, _, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    output = root / "output"
    assert (output / "assertions" / f"{old}.json").read_bytes() == first
    requested: list[str] = []
    reports = validate(output, [{"input": f"{BASE}assertions/{old}.json", "email": "dan.dupont@example.org"},
                                {"file": bake_to(tmp_path, output, old)}], requested)
    for report in reports:
        assert report["valid"] and not report["errors"], report
    assert "/badges/atelier-png.json" in requested and "/badges/atelier-png.png" in requested
    assert_recorded(root, requested)
