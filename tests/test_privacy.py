"""Nothing personal and nothing secret leaves in output/: a whole-site scan, every file, text and
binary, of the example catalogue and of a generated one (bench/corpus.py, then a few hundred
awards through `vitrine award --csv`), both built with Open Badges 2.0 and 3.0 signing on.

What must never be found, in any form a file may hold it (as written, lower-cased, HTML entities,
JSON \\u escapes, percent-encoding; and inside PNG text chunks, compressed or not):
- a recipient's e-mail address (awards/*.yaml): only salted hashes are published;
- a name given without consent;
- private key material: PEM private key blocks, the key's DER, its raw numbers (RSA d, p, q...)
  or Ed25519 seed, in hex, base64, base64url or base58 (multibase).

And the award page's e-mail check sends nothing anywhere (Chromium: no request after the click).
"""

from __future__ import annotations

import base64
import html
import json
import re
import struct
import subprocess
import sys
import urllib.parse
import zlib
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from conftest import REPO, copy_site, run_cli


# -- what must not leak ----------------------------------------------------------------------------

def _records(root: Path) -> list[dict]:
    out = []
    for path in sorted((root / "awards").glob("*.yaml")):
        out.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return out


def _b58(data: bytes) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n, out = int.from_bytes(data, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = alphabet[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _encodings(raw: bytes) -> list[str]:
    """The ways a secret byte string could be written into a file (long enough to be telling)."""
    b64 = base64.b64encode(raw).decode()
    url = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return [raw.hex(), b64.rstrip("=")[:-2], url[:-2], _b58(raw), "z" + _b58(b"\x80\x26" + raw)]


def key_needles(root: Path) -> list[str]:
    needles = ["PRIVATE KEY-----", "BEGIN RSA PRIVATE", "BEGIN OPENSSH PRIVATE"]
    for path in sorted((root / "keys").glob("*.pem")):
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        pem_lines = [line for line in path.read_text().splitlines() if line and not line.startswith("-----")]
        needles += [line.lower() for line in pem_lines]  # each line of the PEM body
        needles += [s.lower() for s in _encodings(der)]
        if isinstance(key, rsa.RSAPrivateKey):
            numbers = key.private_numbers()
            for n in (numbers.d, numbers.p, numbers.q, numbers.dmp1, numbers.dmq1, numbers.iqmp):
                needles += [s.lower() for s in _encodings(n.to_bytes((n.bit_length() + 7) // 8, "big"))]
                needles.append(str(n))
        elif isinstance(key, ed25519.Ed25519PrivateKey):
            seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
            needles += [s.lower() for s in _encodings(seed)]
    return needles


def personal_needles(root: Path) -> tuple[list[str], list[str]]:
    """(every recipient address, every name given without consent and written nowhere else)."""
    records = _records(root)
    emails = sorted({r["recipient"].strip().lower() for r in records})
    consented = {str(r["name"]).lower() for r in records if r.get("name") and r.get("consent") is True}
    elsewhere = "\n".join(p.read_text(encoding="utf-8").lower() for p in (root / "content").rglob("*.md"))
    hidden = sorted({str(r["name"]).lower() for r in records if r.get("name") and r.get("consent") is not True}
                    - consented)
    return emails, [name for name in hidden if name not in elsewhere]


# -- every view of every file ----------------------------------------------------------------------

def _png_texts(data: bytes) -> list[bytes]:
    """Every text chunk of a PNG, inflated when compressed."""
    out, pos = [], 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"zTXt":
            out.append(zlib.decompress(body.split(b"\0", 1)[1][1:]))
        elif kind == b"iTXt":
            keyword, rest = body.split(b"\0", 1)
            compressed, text = rest[0], rest[2:].split(b"\0", 2)[-1]
            out.append(zlib.decompress(text) if compressed else text)
        elif kind == b"tEXt":
            out.append(body)
    return out


def views(path: Path) -> list[str]:
    """The file's content as the lower-cased texts a reader or a program could get out of it."""
    data = path.read_bytes()
    blobs = [data] + (_png_texts(data) if data.startswith(b"\x89PNG") else [])
    out = []
    for blob in blobs:
        text = blob.decode("utf-8", "replace")
        unescaped = html.unescape(text)
        unescaped = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), unescaped)
        for variant in (text, unescaped, urllib.parse.unquote(unescaped)):
            out.append(variant.lower())
        out.append(blob.hex())  # raw key bytes written as binary
    return out


def leaks(output: Path, needles: dict[str, list[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    files = [p for p in sorted(output.rglob("*")) if p.is_file()]
    assert len(files) > 50
    for path in files:
        for text in views(path):
            for kind, items in needles.items():
                for needle in items:
                    if needle and needle in text:
                        found.setdefault(f"{path.relative_to(output)}", []).append(f"{kind}: {needle[:40]}")
    return {k: sorted(set(v)) for k, v in found.items()}


def signing_on(root: Path) -> None:
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n") + "\nsigning:\n  ob2: true\n  ob3: true\n",
                      encoding="utf-8")
    status, out, err = run_cli("keys", "init", "--site", str(root))
    assert status == 0, err


def scan(root: Path) -> None:
    status, _, err = run_cli("build", "--site", str(root), "--force")
    assert status == 0, err
    emails, names = personal_needles(root)
    keys = key_needles(root)
    assert emails and len(keys) > 20
    found = leaks(root / "output", {"e-mail": emails, "name without consent": names, "key": keys})
    assert found == {}
    return emails, names


@pytest.fixture
def today(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the example's awards are recent: today is today
    monkeypatch.delenv("VITRINE_OB2_KEY", raising=False)
    monkeypatch.delenv("VITRINE_OB3_KEY", raising=False)


def test_example_site_leaks_nothing(tmp_path, today):
    root = copy_site(REPO, tmp_path / "site")
    signing_on(root)
    emails, names = scan(root)
    assert len(emails) >= 10 and names  # the example has unconsented names: they are looked for
    # The scan itself finds what is there: the hashes are published, and a consented name is.
    assert (root / "output" / "credentials").is_dir() and list((root / "output" / "keys").rglob("*.json"))


def test_generated_site_with_hundreds_of_awards_leaks_nothing(tmp_path, today):
    root = tmp_path / "site"
    made = subprocess.run([sys.executable, str(REPO / "bench" / "corpus.py"), "--badges", "24", "--out", str(root),
                           "--vitrine-only", "--seed", "7"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    badges = sorted(p.stem for p in (root / "content" / "badges").glob("*.md") if "." not in p.stem)
    status, _, err = run_cli("check", "--site", str(root))
    assert status == 0, err
    awarded = 0
    for n, badge in enumerate(badges[:4]):
        rows = ["email;name;consent;evidence;narrative;issued_on"]
        for i in range(80):
            who = f"etu{n}x{i:03d}"
            consent = "oui" if i % 3 == 0 else "non"
            rows.append(f"{who}.prenom@etu.univ-exemple.fr;Prénom{n}x{i:03d} Nom-Secret;{consent};"
                        f"https://portfolio.example.org/{who};Atelier suivi par {who} en entier.;{1 + i % 28:02d}/03/2025")
        csv_file = tmp_path / f"{badge}.csv"
        csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
        status, out, err = run_cli("award", badge, "--site", str(root), "--csv", str(csv_file))
        if status == 1 and ("retired" in err or "draft" in err):
            continue
        assert status == 0, err
        awarded += 80
    assert awarded >= 240
    signing_on(root)
    emails, names = scan(root)
    assert len(emails) == awarded and len(names) == awarded // 80 * sum(1 for i in range(80) if i % 3)
    assert len(list((root / "output" / "assertions").glob("*.json"))) == awarded


def test_the_award_page_email_check_sends_nothing(tmp_path, today):
    from browser import browser, needs_browser, serve

    if needs_browser.args[0]:
        pytest.skip(needs_browser.kwargs["reason"])
    root = copy_site(REPO, tmp_path / "site")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    record = next(r for r in _records(root) if "revoked" not in r
                  and (root / "output" / "assertions" / r["id"] / "index.html").is_file())
    with serve(root / "output") as url, browser() as chromium:
        page = chromium.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("websocket", lambda ws: requests.append(ws.url))
        address = f"{url}assertions/{record['id']}/"
        page.goto(address)
        page.wait_for_load_state("networkidle")
        page.locator(".award-check__form").wait_for(state="visible")
        before = list(requests)
        page.fill("#check-email", record["recipient"])
        page.click(".award-check__form button[type=submit]")
        page.wait_for_function("document.querySelector('.award-check__result').textContent.trim() !== ''")
        page.fill("#check-email", "not.the.holder@example.org")
        page.press("#check-email", "Enter")
        page.wait_for_function("document.querySelector('.award-check__result').className.includes('--no')")
        page.wait_for_timeout(500)
        assert requests == before, requests[len(before):]  # no request at all, to this site or any other
        assert page.url == address  # the form was not submitted: the address is not in the URL either
        assert all(record["recipient"].split("@")[0] not in u for u in requests)
        stored = page.evaluate("JSON.stringify([document.cookie, Object.keys(localStorage), Object.keys(sessionStorage)])")
        assert record["recipient"] not in stored
        page.close()
