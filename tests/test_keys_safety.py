"""Private signing keys at build time: never in a published folder, never where git would commit
them, readable by their owner only; and a rotation keeps the old public key published with its end
date, so that what it signed still verifies (Open Badges 2.0 JWS and 3.0 credential).

tests/test_keys.py covers the key commands themselves (init, rotate, list, environment keys).
"""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from conftest import run_cli
from generator import jws
from generator.keys import init_keys, load_keys, rotate_keys
from test_invalid_sites import tree_digest

BASE = "https://badges.example.org/"
AWARD = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"
AWARDS = f"""\
- id: {AWARD}
  badge: prise-de-parole
  recipient: alice@example.org
  issued_on: 2024-06-12
  salt: 0123456789abcdef0123456789abcdef
"""


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    monkeypatch.delenv("VITRINE_OB2_KEY", raising=False)
    monkeypatch.delenv("VITRINE_OB3_KEY", raising=False)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def with_signing(root: Path, keys: str | None = None, ob3: bool = True) -> Path:
    config = root / "site.yaml"
    extra = "\nsigning:\n  ob2: true\n" + ("  ob3: true\n" if ob3 else "") + (f"  keys: {keys}\n" if keys else "")
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n") + extra, encoding="utf-8")
    return root


def rsa_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@pytest.mark.parametrize("where", ["content/keys", "output/keys", "static/keys", "content/images"])
def test_a_build_refuses_keys_in_a_published_folder(site, where):
    root = site({"awards/prise-de-parole.yaml": AWARDS})
    assert run_cli("build", "--site", str(root))[0] == 0
    before = tree_digest(root / "output")
    with_signing(root, keys=where, ob3=False)
    (root / where).mkdir(parents=True, exist_ok=True)
    key_file = root / where / "ob2-rsa-20250101.pem"
    key_file.write_bytes(rsa_pem())
    key_file.chmod(0o600)
    if where.startswith("output"):
        before = tree_digest(root / "output")
    status, _, err = run_cli("build", "--site", str(root))
    top = where.split("/")[0]
    assert status == 1 and "Traceback" not in err
    assert f"keys folder {where}/ is inside {top}/, which is published or shared" in err
    assert tree_digest(root / "output") == before  # nothing published, and the key left where it was
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    status, _, err = run_cli("keys", "init", "--site", str(root))
    assert status == 1 and f"keys folder {where}/ is inside {top}/" in err


def test_a_keys_folder_git_would_commit_is_a_warning_then_an_error_when_signing(site):
    root = site({"awards/prise-de-parole.yaml": AWARDS})
    init_keys(root)  # before git: keys made in a folder that is not ignored yet
    git(root, "init", "-q")
    status, _, err = run_cli("build", "--site", str(root))
    warning = ("keys/: warning: keys folder keys/ is not ignored by git: add the line /keys/ to .gitignore first "
               "(private keys must never be published or committed)")
    assert status == 0 and warning in err.splitlines()
    status, _, err = run_cli("check", "--site", str(root), "--strict")
    assert status == 1 and warning in err.splitlines()
    with_signing(root)
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 1 and "keys folder keys/ is not ignored by git" in err and "Traceback" not in err
    (root / ".gitignore").write_text("/keys/\n/output/\n")
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0 and "warning: keys" not in err
    git(root, "add", "-f", "keys")  # tracked, even though ignored: the worst case
    status, _, err = run_cli("check", "--site", str(root))
    assert status == 1 and "Traceback" not in err  # signing on: an error, named
    line = (root / "site.yaml").read_text().splitlines().index("signing:") + 1  # ob2 and ob3 on: "signing"
    assert err.startswith(f"site.yaml:{line}:1: signing: keys folder keys/ has files tracked by git "
                          "(keys/ob2-rsa-20250101.pem)")
    (root / "site.yaml").write_text((root / "site.yaml").read_text().split("\nsigning:")[0] + "\n")
    (root / "awards/published-urls.txt").unlink()  # signing turned off: what it signed was never put online
    status, _, err = run_cli("check", "--site", str(root))
    assert status == 0 and "keys/: warning: keys folder keys/ has files tracked by git (keys/ob2-rsa-20250101.pem)" in err


def test_key_files_are_private_and_a_readable_one_is_a_warning(site):
    root = site({"awards/prise-de-parole.yaml": AWARDS})
    made = init_keys(root) + rotate_keys(root)
    assert len(made) == 4
    assert stat.S_IMODE((root / "keys").stat().st_mode) == 0o700
    for path in made:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    status, _, err = run_cli("build", "--site", str(with_signing(root)))
    assert status == 0 and "warning" not in err
    made[2].chmod(0o644)
    status, _, err = run_cli("check", "--site", str(root))
    assert (f"keys/{made[2].name}:1:1: warning: other users may read this private key (mode 0644): "
            f"run `chmod 600 keys/{made[2].name}`") in err.splitlines()


def verify(target: Path, output: Path) -> dict:
    status, out, err = run_cli("verify", str(target), "--offline", f"{BASE}={output}", "--json")
    report = json.loads(out)
    report["status"] = status
    return report


def failed(report: dict) -> list:
    assert report["checks"] and all(c["status"] in ("pass", "fail", "skip") for c in report["checks"])
    return [c for c in report["checks"] if c["status"] == "fail"]


def test_rotation_keeps_the_old_public_key_with_its_end_date_and_old_signatures_verify(site, tmp_path):
    root = with_signing(site({"awards/prise-de-parole.yaml": AWARDS}))
    init_keys(root)
    old = load_keys(root)
    assert run_cli("build", "--site", str(root))[0] == 0
    out = root / "output"
    old_jws = tmp_path / "old.jws"
    old_jws.write_text((out / "assertions" / f"{AWARD}.jws").read_text())
    old_credential = tmp_path / "old-credential.json"
    old_credential.write_text((out / "credentials" / f"{AWARD}.json").read_text())

    rotate_keys(root)
    new = load_keys(root)
    assert new.current_rsa.kid != old.current_rsa.kid and new.current_ed25519.kid != old.current_ed25519.kid
    assert run_cli("build", "--site", str(root))[0] == 0

    # Open Badges 2.0: both key documents published, the old one with its end (retired on 2025-01-01, it
    # signed that day too: it ends at the next midnight).
    old_doc = json.loads((out / "keys" / "bu" / f"{old.current_rsa.kid}.json").read_text())
    new_doc = json.loads((out / "keys" / "bu" / f"{new.current_rsa.kid}.json").read_text())
    assert old_doc["publicKeyPem"] == old.current_rsa.public_pem and old_doc["expires"] == "2025-01-02T00:00:00+00:00"
    assert "expires" not in new_doc
    profile = json.loads((out / "issuers" / "bu.json").read_text())
    assert profile["publicKey"] == new_doc["id"]
    # The old JWS, checked by hand against the published old key: RS256 over header.payload.
    header, payload, signature = old_jws.read_text().strip().split(".")
    published = serialization.load_pem_public_key(old_doc["publicKeyPem"].encode())
    published.verify(jws.b64url_decode(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    # ... and by `vitrine verify`, offline, against the new build: every check passes.
    report = verify(old_jws, out)
    assert report["status"] == 0 and report["valid"] and failed(report) == [], report
    assert any("stopped using it at 2025-01-02T00:00:00+00:00" in json.dumps(c) for c in report["checks"])
    assert verify(out / "assertions" / f"{AWARD}.jws", out)["status"] == 0  # signed again with the new key

    # Open Badges 3.0: the DID document keeps the old key as a verification method.
    did = json.loads((out / ".well-known" / "did.json").read_text())
    methods = [m["id"].split("#")[1] for m in did["verificationMethod"]]
    assert methods == [old.current_ed25519.kid, new.current_ed25519.kid]
    assert all("expires" not in m and "revoked" not in m for m in did["verificationMethod"])
    report = verify(old_credential, out)
    assert report["status"] == 0 and failed(report) == [], report
    # A credential made after the rotation is signed by the new key (unchanged ones may keep their
    # proof by the old key: it is still published, see ob3/issue.py).
    later = "2d6a4adc-4bc3-4f5d-85b7-a13bd7c9855d"
    with open(root / "awards" / "prise-de-parole.yaml", "a") as f:
        f.write(AWARDS.replace(AWARD, later).replace("alice@", "bob@"))
    assert run_cli("build", "--site", str(root))[0] == 0
    fresh = json.loads((out / "credentials" / f"{later}.json").read_text())
    assert fresh["proof"][0]["verificationMethod"].endswith("#" + new.current_ed25519.kid)
    assert verify(out / "credentials" / f"{later}.json", out)["status"] == 0
