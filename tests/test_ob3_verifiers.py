"""Independent verifiers from the npm registry check every credential of the example site, offline.

tests/js/verify-credentials.mjs runs Digital Bazaar's `@digitalbazaar/vc` (DataIntegrityProof with
`@digitalbazaar/eddsa-rdfc-2022-cryptosuite`, status with `@digitalbazaar/vc-bitstring-status-list`)
and the Digital Credentials Consortium's `@digitalcredentials/verifier-core`. They are given the
contexts shipped in generator/data/ob3, the built DID document, status list and the JSON Schema,
and nothing else (what they ask for beyond that is listed and must be nothing). Tampered and revoked
credentials must fail there. tests/js/canonize.mjs compares our canonical N-Quads with jsonld.js
(RDFC-1.0, Digital Bazaar's rdf-canonize).

Needs node and `npm ci` (scripts/setup.sh --test); skipped without them, unless
VITRINE_REQUIRE_VALIDATOR=1 (then they fail).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from generator.ob3 import canon, documents
from test_ob3 import example, example_credentials, ob3_site, tricky_documents  # noqa: F401 - example, ob3_site are fixtures

NODE = shutil.which("node")
MODULES = REPO / "node_modules"
NEEDED = ["@digitalbazaar/vc", "@digitalbazaar/eddsa-rdfc-2022-cryptosuite", "@digitalbazaar/data-integrity",
          "@digitalbazaar/vc-bitstring-status-list", "@digitalcredentials/verifier-core", "jsonld"]
missing = [name for name in NEEDED if not (MODULES / name / "package.json").is_file()]
if NODE is None or missing:
    why = "node is not installed" if NODE is None else f"npm packages missing ({', '.join(missing)}): run npm ci"
    if os.environ.get("VITRINE_REQUIRE_VALIDATOR") == "1":
        raise RuntimeError(why)
    pytest.skip(why, allow_module_level=True)

BASE = "https://badges.example.org/"
JS = REPO / "tests" / "js"


def served(output: Path) -> dict[str, str]:
    """URL -> file: the shipped contexts and schemas, and the built DID document and status list."""
    data = documents.DATA
    out = {url: str(data / "contexts" / name) for url, name in documents.context_index().items()}
    out.update({url: str(data / "schema" / name) for url, name in documents.SCHEMAS.items()})
    out[BASE + ".well-known/did.json"] = str(output / ".well-known" / "did.json")
    out[BASE + "status/1.json"] = str(output / "status" / "1.json")
    return out


def run_verifiers(output: Path, files: list[Path], tmp: Path, now: str | None = None) -> dict:
    manifest = tmp / "manifest.json"
    data = {"documents": served(output), "credentials": [str(f) for f in files]}
    if now:
        data["now"] = now
    manifest.write_text(json.dumps(data))
    run = subprocess.run([NODE, str(JS / "verify-credentials.mjs"), str(manifest)], capture_output=True, text=True,
                         timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert result["refused"] == [], "the verifiers asked for documents nobody served"
    return {r["file"]: r for r in result["results"]}


def kinds(root: Path) -> dict[str, str]:
    """Award id -> "valid", "expired" or "revoked" today (the real today: the verifiers use it)."""
    from datetime import date

    from generator.loader import load_site

    site = load_site(root, 1)
    return {a.id: a.status(date.today()) for a in site.awards}


def test_every_example_credential_verifies_with_both(example, tmp_path):
    output = example / "output"
    files = sorted((output / "credentials").glob("*.json"))
    results = run_verifiers(output, files, tmp_path)
    state = kinds(example)
    assert set(state.values()) >= {"valid", "expired", "revoked"}  # the example has each case
    for file in files:
        r, kind = results[str(file)], state[file.stem]
        db, dcc = r["db"], r["dcc"]
        assert dcc["signature"] is True, (file.name, dcc)
        assert dcc["schema"] is True, (file.name, dcc)
        assert dcc["errors"] is None, (file.name, dcc)
        if kind == "valid":
            assert db["verified"] is True and db["revoked"] is False, (file.name, db)
            assert dcc["expiration"] is True and dcc["revocation"] is True, (file.name, dcc)
        elif kind == "expired":
            assert db["verified"] is False and "validUntil" in db["error"], (file.name, db)
            assert dcc["expiration"] is False, (file.name, dcc)
        else:  # revoked: the signature holds, the status list says revoked
            assert db["revoked"] is True, (file.name, db)
            assert dcc["revocation"] is False, (file.name, dcc)
    # the expired ones, checked at a moment when they were valid: the signature and status hold
    expired = [f for f in files if state[f.stem] == "expired"]
    then = run_verifiers(output, expired, tmp_path, now="2022-06-01T00:00:00Z")
    for file in expired:
        db = then[str(file)]["db"]
        if "validFrom" in (db["error"] or ""):
            continue  # issued after that moment
        assert db["verified"] is True, (file.name, db)


def test_tampered_credentials_fail_both(example, tmp_path):
    output = example / "output"
    state = kinds(example)
    valid = [p for p in sorted((output / "credentials").glob("*.json")) if state[p.stem] == "valid"][0]
    credential = json.loads(valid.read_text())
    changes = {
        "name": lambda c: c.update(name=c["name"] + " (niveau expert)"),
        "recipient": lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="sha256$" + "0" * 64),
        "expiry": lambda c: c.update(validUntil="2099-12-31T00:00:00Z"),
        "status": lambda c: c["credentialStatus"].update(statusListIndex="0", id=c["credentialStatus"]["statusListCredential"] + "#0"),
        "achievement": lambda c: c["credentialSubject"]["achievement"].update(description="Autre chose."),
        "proof": lambda c: c["proof"][0].update(verificationMethod=c["proof"][0]["verificationMethod"][:-1] + "0"),
    }
    files = []
    for name, change in changes.items():
        tampered = json.loads(json.dumps(credential))
        change(tampered)
        file = tmp_path / f"tampered-{name}.json"
        file.write_text(json.dumps(tampered))
        files.append(file)
    results = run_verifiers(output, files, tmp_path)
    for file in files:
        r = results[str(file)]
        assert r["db"]["verified"] is False, (file.name, r["db"])
        assert r["dcc"]["signature"] is not True, (file.name, r["dcc"])


def test_a_tampered_status_list_is_refused(example, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(example / "output" / ".well-known", output / ".well-known")
    (output / "status").mkdir()
    status_list = json.loads((example / "output" / "status" / "1.json").read_text())
    status_list["credentialSubject"]["encodedList"] = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    (output / "status" / "1.json").write_text(json.dumps(status_list))
    state = kinds(example)
    valid = [p for p in sorted((example / "output" / "credentials").glob("*.json")) if state[p.stem] == "valid"][:1]
    r = run_verifiers(output, valid, tmp_path)[str(valid[0])]
    assert r["db"]["verified"] is False and "not verified" in r["db"]["error"], r["db"]
    assert r["dcc"]["revocation"] is not True and "signature" in r["dcc"]["revocationError"].lower(), r["dcc"]


def test_our_canonical_nquads_are_jsonld_js_rdfc(example, tmp_path):
    docs = []
    for credential in example_credentials(example)[:6]:
        docs.append({k: v for k, v in credential.items() if k != "proof"})
    docs += tricky_documents()
    file = tmp_path / "docs.json"
    file.write_text(json.dumps({"documents": served(example / "output"), "docs": docs}))
    run = subprocess.run([NODE, str(JS / "canonize.mjs"), str(file)], capture_output=True, text=True, timeout=600,
                         cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    theirs = json.loads(run.stdout)
    c = canon.Canonicalizer(check_first=False)
    for doc, expected in zip(docs, theirs):
        assert canon.plain_nquads(doc) == expected
        assert c.nquads(doc) == expected


def test_vitrine_verify_agrees_with_both(example, tmp_path):
    from conftest import run_cli

    output = example / "output"
    files = sorted((output / "credentials").glob("*.json"))
    results = run_verifiers(output, files, tmp_path)
    for file in files:
        r = results[str(file)]
        theirs = r["db"]["verified"] and not r["db"]["revoked"]
        assert theirs == (r["dcc"]["signature"] and r["dcc"]["expiration"] and r["dcc"]["revocation"]), r
        status, out, err = run_cli("verify", str(file), "--offline", f"{BASE}={output}", "--json")
        ours = json.loads(out)
        assert ours["valid"] == theirs, (file.name, ours["checks"], r)
        assert (status == 0) == theirs


def test_example_endorsements_verify_with_both(example, tmp_path):
    output = example / "output"
    files = sorted((output / "endorsements").rglob("*.json"))
    assert files, "the example catalogue has endorsements"
    results = run_verifiers(output, files, tmp_path)
    for file in files:
        r = results[str(file)]
        assert r["db"]["verified"] is True, (file.name, r["db"])
        assert r["dcc"]["signature"] is True and r["dcc"]["schema"] is True, (file.name, r["dcc"])


def test_a_credential_signed_by_a_withdrawn_key_fails_both_and_its_new_copy_passes(ob3_site, monkeypatch, tmp_path):
    """A leaked key withdrawn (keys.withdraw_keys): Digital Bazaar's and the DCC's verifiers refuse
    what it signed, given the DID document that lists it as revoked and not as an assertion method;
    the credential signed again at the same URL passes both."""
    from test_ob3 import A1, TEST_KEY, build, pem, withdraw_test_key

    monkeypatch.setenv("VITRINE_OB3_KEY", pem(TEST_KEY))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    root = ob3_site()
    output = build(root)
    old = tmp_path / "downloaded.json"
    old.write_bytes((output / f"credentials/{A1}.json").read_bytes())
    then = "2025-06-01T00:00:00Z"  # while the award is valid
    assert run_verifiers(output, [old], tmp_path, now=then)[str(old)]["db"]["verified"] is True  # before
    withdraw_test_key(monkeypatch)
    output = build(root)
    new = output / f"credentials/{A1}.json"
    results = run_verifiers(output, [old, new], tmp_path, now=then)
    db, dcc = results[str(old)]["db"], results[str(old)]["dcc"]
    assert db["verified"] is False and "assertionMethod" in db["error"], db
    assert dcc["signature"] is not True and "invalid_signature" in (dcc["errors"] or ""), dcc
    db, dcc = results[str(new)]["db"], results[str(new)]["dcc"]
    assert db["verified"] is True and db["revoked"] is False, db
    assert dcc["signature"] is True and dcc["revocation"] is True and dcc["errors"] is None, dcc


def test_credentials_issued_before_a_rename_still_verify_with_both(ob3_site, monkeypatch, tmp_path):
    """atelier-png.md renamed atelier.md with `formerly: [atelier-png]`: the credentials of its
    awards are not signed again (same bytes) and still pass both verifiers; one awarded under the new
    slug names the new addresses and passes too."""
    from test_ob3 import A4, TEST_KEY, build, pem
    from test_rename import NEW_AWARD, rename_atelier

    monkeypatch.setenv("VITRINE_OB3_KEY", pem(TEST_KEY))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    root = ob3_site()
    output = build(root)
    before = {p.name: p.read_bytes() for p in (output / "credentials").iterdir()}
    rename_atelier(root)
    (root / "awards/atelier.yaml").write_text(NEW_AWARD)
    output = build(root)
    assert {name: (output / "credentials" / name).read_bytes() for name in before} == before
    new = output / "credentials/8cbf9f21-91a8-4ea2-9a21-f68a2c1ed0a2.json"
    assert json.loads(new.read_text())["credentialSubject"]["achievement"]["id"] == f"{BASE}badges/atelier/"
    old = output / f"credentials/{A4}.json"
    assert json.loads(old.read_text())["credentialSubject"]["achievement"]["id"] == f"{BASE}badges/atelier-png/"
    results = run_verifiers(output, [old, new], tmp_path, now="2025-06-01T00:00:00Z")
    for file in (old, new):
        db, dcc = results[str(file)]["db"], results[str(file)]["dcc"]
        assert db["verified"] is True and db["revoked"] is False, db
        assert dcc["signature"] is True and dcc["errors"] is None, dcc
