"""Signed Open Badges 2.0 assertions: JWS RS256, CryptographicKey, RevocationList, baking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from conftest import run_cli
from generator import baking, jws
from generator.keys import init_keys, load_keys, rotate_keys
from test_awards import A1, A3, A4, BASE, baked, build  # noqa: F401 - fixtures below
from test_awards import awarded, fixed_today  # noqa: F401

SIGNING = "signing: {ob2: true}\n"


@pytest.fixture
def signed_site(awarded, monkeypatch):
    monkeypatch.delenv("VITRINE_OB2_KEY", raising=False)
    monkeypatch.delenv("VITRINE_OB3_KEY", raising=False)

    def make(extra: dict | None = None, keys: bool = True) -> Path:
        root = awarded(extra)
        with open(root / "site.yaml", "a", encoding="utf-8") as f:
            f.write(SIGNING)
        if keys:
            init_keys(root)
        return root
    return make


def key_of(output: Path, url: str):
    doc = json.loads((output / url[len(BASE):]).read_text())
    return doc, serialization.load_pem_public_key(doc["publicKeyPem"].encode())


def test_signed_assertions_verify(signed_site):
    root = signed_site()
    output = build(root)
    token = (output / f"assertions/{A1}.jws").read_text()
    header, payload, _, _ = jws.parts(token)
    assert header == {"alg": "RS256"}
    claims = json.loads(payload)
    hosted = json.loads((output / f"assertions/{A1}.json").read_text())
    assert claims == hosted  # the id resolves to what was signed
    assert claims["id"] == f"{BASE}assertions/{A1}.json"
    kid = load_keys(root).current_rsa.kid
    assert claims["verification"] == {"type": "SignedBadge", "creator": f"{BASE}keys/bu/{kid}.json"}
    doc, public = key_of(output, claims["verification"]["creator"])
    assert doc["type"] == "CryptographicKey" and doc["owner"] == f"{BASE}issuers/bu.json"
    assert jws.verify_rs256(token, public) == payload
    issuer = json.loads((output / "issuers/bu.json").read_text())
    assert issuer["publicKey"] == claims["verification"]["creator"]
    assert issuer["revocationList"] == f"{BASE}revocations/bu.json"
    revocations = json.loads((output / "revocations/bu.json").read_text())
    assert revocations["type"] == "RevocationList"
    # one revoked award is listed twice: see ob2.revocation_list
    assert [r["id"] for r in revocations["revokedAssertions"]] == [f"{BASE}assertions/{A3}.json"] * 2
    assert revocations["revokedAssertions"][0]["revocationReason"] == "Attribué par erreur"
    assert not (output / f"assertions/{A3}.jws").exists()  # revoked: the stripped JSON only
    assert json.loads((output / f"assertions/{A3}.json").read_text())["revoked"] is True
    # the baked images carry the JWS
    svg = baked(output, A1)[1].decode()
    assert baking.unbake_svg(svg) == token and 'verify="' + token + '"' in svg
    png_token = baking.unbake_png(baked(output, A4)[1])
    assert jws.verify_rs256(png_token, public)
    page = (output / f"assertions/{A1}/index.html").read_text()
    assert f'href="../../assertions/{A1}.jws"' in page and f'data-bake="../../assertions/{A1}.jws"' in page
    # tampering is caught
    h, p, s = token.split(".")
    forged = json.loads(jws.b64url_decode(p))
    forged["expires"] = "2099-01-01T00:00:00+00:00"
    with pytest.raises(jws.JWSError):
        jws.verify_rs256(f"{h}.{jws.b64url(jws.canonical(forged))}.{s}", public)


def test_signed_build_is_byte_identical_and_leaks_no_key(signed_site, tmp_path):
    root = signed_site()
    first = build(root)
    copy = tmp_path / "first"
    first.rename(copy)
    second = build(root)
    files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(copy) for p in copy.rglob("*") if p.is_file())
    for rel in files:
        assert (copy / rel).read_bytes() == (second / rel).read_bytes(), rel
        assert b"PRIVATE KEY" not in (second / rel).read_bytes(), rel
    private = (root / "keys").glob("*.pem")
    blobs = [p.read_text().split("-----")[2].strip().replace("\n", "")[:40] for p in private]
    for rel in files:
        data = (second / rel).read_bytes()
        assert not any(b.encode() in data for b in blobs), rel


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published(signed_site):
    root = signed_site()
    output = build(root)
    old_kid = load_keys(root).current_rsa.kid
    old_token = (output / f"assertions/{A1}.jws").read_text()
    rotate_keys(root)
    output = build(root)
    keys = load_keys(root)
    assert keys.rsa[0].kid == old_kid and keys.rsa[0].retired is not None
    token = (output / f"assertions/{A1}.jws").read_text()
    assert token != old_token
    claims = json.loads(jws.parts(token)[1])
    assert claims["verification"]["creator"].endswith(f"/{keys.current_rsa.kid}.json")
    _, old_public = key_of(output, f"{BASE}keys/bu/{old_kid}.json")  # still published
    assert jws.verify_rs256(old_token, old_public)
    issuer = json.loads((output / "issuers/bu.json").read_text())
    assert issuer["publicKey"] == f"{BASE}keys/bu/{keys.current_rsa.kid}.json"


def test_key_from_the_environment(signed_site, monkeypatch):
    root = signed_site(keys=False)
    init_keys(root, "elsewhere")
    pem = (root / "elsewhere").glob("ob2-rsa-*.pem").__next__().read_text()
    monkeypatch.setenv("VITRINE_OB2_KEY", pem)
    output = build(root)
    token = (output / f"assertions/{A1}.jws").read_text()
    claims = json.loads(jws.parts(token)[1])
    _, public = key_of(output, claims["verification"]["creator"])
    jws.verify_rs256(token, public)


def test_signing_without_keys_or_with_exposed_keys_is_a_plain_error(signed_site):
    root = signed_site(keys=False)
    status, out, err = run_cli("build", "--site", str(root), "--force")
    assert status == 1 and "Traceback" not in err
    line = (root / "site.yaml").read_text().splitlines().index(SIGNING.strip()) + 1
    assert err.splitlines()[0] == (f"site.yaml:{line}:10: signing.ob2: signed Open Badges 2.0 assertions need a key, "
                                   "and no RSA key in keys/ nor in $VITRINE_OB2_KEY: run `vitrine keys init` "
                                   "(or `vitrine keys rotate`)")
    assert not (root / "output").exists()
    text = (root / "site.yaml").read_text().replace(SIGNING, "signing: {ob2: true, keys: static/keys}\n")
    (root / "site.yaml").write_text(text)
    init_keys(root, "keys")
    (root / "static").mkdir()
    (root / "keys").rename(root / "static/keys")  # keys/ would be copied into the site
    status, out, err = run_cli("build", "--site", str(root), "--force")
    assert status == 1 and "Traceback" not in err
    assert f"site.yaml:{line}:10: signing.ob2: keys folder static/keys/ is inside static/" in err
    assert not (root / "output").exists()


def test_both_formats_without_keys_are_both_named_at_the_signing_setting(signed_site):
    """Only the 2.0 key was named: the 3.0 one was missing too, found after the next try."""
    root = signed_site(keys=False)
    text = (root / "site.yaml").read_text().replace(SIGNING, "signing:\n  ob2: true\n  ob3: true\n")
    (root / "site.yaml").write_text(text)
    line = text.splitlines().index("signing:") + 1
    status, out, err = run_cli("build", "--site", str(root), "--force")
    assert status == 1 and "Traceback" not in err
    assert err.splitlines() == [
        f"site.yaml:{line}:1: signing.ob2: signed Open Badges 2.0 assertions need a key, and no RSA key in keys/ "
        "nor in $VITRINE_OB2_KEY: run `vitrine keys init` (or `vitrine keys rotate`)",
        f"site.yaml:{line}:1: signing.ob3: Open Badges 3.0 credentials need a key, and no Ed25519 key in keys/ "
        "nor in $VITRINE_OB3_KEY: run `vitrine keys init` (or `vitrine keys rotate`)",
        "vitrine: 2 problems found; output/ was left as it was.",
    ]


def test_a_rotation_is_a_change_for_the_next_build(signed_site):
    root = signed_site()
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    status, out, err = run_cli("build", "--site", str(root))
    assert out.startswith("Nothing changed")
    rotate_keys(root)
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0 and out.startswith("Built"), out + err
    creator = json.loads((root / f"output/assertions/{A1}.json").read_text())["verification"]["creator"]
    assert creator.endswith(f"/{load_keys(root).current_rsa.kid}.json")


def test_a_badge_signed_on_the_day_its_key_was_retired_still_verifies(signed_site, tmp_path):
    """Awarded, built and downloaded in the morning; keys rotated in the afternoon. The retired
    key's document said it expired at 00:00 that day, so the badge (issued that day, signed with
    it) failed `vitrine verify` for ever: "the key ... is not named by the issuer's profile". A key
    retired on a day signed until the end of that day."""
    today = "2025-01-01"  # SOURCE_DATE_EPOCH of these tests
    root = signed_site({"awards/today.yaml": f"""\
        - id: 5a0e0c1e-1d3c-4b8e-9f4a-0c2b7d9e8f10
          badge: prise-de-parole
          recipient: eve@example.org
          issued_on: {today}
          salt: 0123456789abcdef0123456789abcdef
        """})
    output = build(root)
    morning = tmp_path / "morning.jws"
    morning.write_text((output / "assertions/5a0e0c1e-1d3c-4b8e-9f4a-0c2b7d9e8f10.jws").read_text())
    old_kid = load_keys(root).current_rsa.kid
    rotate_keys(root)
    output = build(root)
    doc = json.loads((output / f"keys/bu/{old_kid}.json").read_text())
    assert doc["expires"] == "2025-01-02T00:00:00+00:00"  # it signed all day on 2025-01-01
    status, out, err = run_cli("verify", str(morning), "--offline", f"{BASE}={output}")
    assert status == 0, out + err
    assert "which stopped using it at 2025-01-02T00:00:00+00:00, after this assertion was issued" in out


def test_a_withdrawn_key_stays_published_marked_revoked_and_verifies_nothing(signed_site, tmp_path):
    """A leaked RSA key could only be retired: its document said when it stopped signing, and
    `vitrine verify` accepted whatever it had signed (or a thief signs, dated) before then. Withdrawn,
    its document stays at its URL, marked revoked, and nothing it signed verifies; the same
    award, signed again with the new key at the same URL, does."""
    from generator.keys import withdraw_keys

    root = signed_site()
    output = build(root)
    leaked = tmp_path / "downloaded.jws"  # what a recipient downloaded (or a thief signed) before
    leaked.write_text((output / f"assertions/{A1}.jws").read_text())
    old_kid = load_keys(root).current_rsa.kid
    gone, made = withdraw_keys(root)  # rotate --compromised
    assert old_kid in {k.kid for k in gone} and len(made) == 2
    output = build(root)
    doc = json.loads((output / f"keys/bu/{old_kid}.json").read_text())  # still published
    assert doc["revoked"] == "2025-01-01T00:00:00+00:00" and doc["publicKeyPem"].startswith("-----BEGIN PUBLIC")
    assert doc["@context"] == ["https://w3id.org/openbadges/v2", {"revoked": {
        "@id": "https://w3id.org/security#revoked", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}}]
    status, out, err = run_cli("verify", str(leaked), "--offline", f"{BASE}={output}")
    assert status == 1 and "NOT VALID" in out, out + err
    assert (f"✗ issuer key  the key {BASE}keys/bu/{old_kid}.json was withdrawn (revoked) by its issuer on "
            "2025-01-01T00:00:00+00:00: nothing it signed verifies any more; the award's page offers a copy "
            "signed again with the issuer's current key") in out
    token = (output / f"assertions/{A1}.jws").read_text()  # the same URL, signed again
    assert token != leaked.read_text()
    assert json.loads(jws.parts(token)[1])["verification"]["creator"] == f"{BASE}keys/bu/{load_keys(root).current_rsa.kid}.json"
    status, out, err = run_cli("verify", str(output / f"assertions/{A1}.jws"), "--offline", f"{BASE}={output}")
    assert status == 0, out + err
    assert b"PRIVATE" not in b"".join(p.read_bytes() for p in output.rglob("*.json"))


def test_a_withdrawal_in_a_keys_folder_of_its_own_is_a_change_for_the_next_build(signed_site):
    """signing.keys names another folder than keys/: a rotation or a withdrawal there was not an
    input of the build, which said "Nothing changed" and left the withdrawn key verifying."""
    root = signed_site(keys=False)
    config = root / "site.yaml"
    config.write_text(config.read_text().replace(SIGNING, "signing: {ob2: true, keys: secrets}\n"))
    init_keys(root, "secrets")
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    old_kid = load_keys(root, "secrets").current_rsa.kid
    status, out, err = run_cli("keys", "rotate", "--compromised", "--site", str(root))
    assert status == 0, err
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0 and out.startswith("Built"), out + err
    assert json.loads((root / f"output/keys/bu/{old_kid}.json").read_text())["revoked"]


def test_a_signed_assertions_json_file_verifies_by_its_jws(signed_site, tmp_path):
    """`vitrine verify output/assertions/ID.json` (or that file downloaded) said NOT VALID on a signed
    site ("this is its JSON alone"), while its URL verified: the JSON holds no signature, and the
    JWS beside it, or published at its id, was not looked for. Now the file verifies when it is
    exactly what that JWS signs; tampered, re-signed since, revoked or from elsewhere, it fails
    with the reason."""
    from generator.keys import withdraw_keys

    root = signed_site()
    output = build(root)
    offline = ("--offline", f"{BASE}={output}")
    status, out, err = run_cli("verify", str(output / f"assertions/{A1}.json"), *offline)
    assert status == 0 and "(JSON, with the JWS beside it (signed))" in out and "✓ signature" in out, out + err
    downloaded = tmp_path / "badge.json"  # alone, as a recipient downloads it
    downloaded.write_text((output / f"assertions/{A1}.json").read_text())
    status, out, err = run_cli("verify", str(downloaded), *offline, "--email", "alice.martin@example.org")
    assert status == 0 and "(JSON, with the JWS published at its id (signed))" in out, out + err
    assert "✓ recipient" in out
    tampered = json.loads(downloaded.read_text())
    tampered["expires"] = "2099-01-01T00:00:00+00:00"
    (tmp_path / "pair").mkdir()  # a tampered JSON beside its genuine JWS
    (tmp_path / f"pair/{A1}.json").write_text(json.dumps(tampered))
    (tmp_path / f"pair/{A1}.jws").write_text((output / f"assertions/{A1}.jws").read_text())
    status, out, err = run_cli("verify", str(tmp_path / f"pair/{A1}.json"), *offline)
    assert status == 1 and "NOT VALID" in out, out + err
    assert (f"✗ signature  this file is not the assertion its issuer signed: it differs in expires from the one "
            f"signed in {tmp_path}/pair/{A1}.jws and in {BASE}assertions/{A1}.jws") in out
    elsewhere = dict(json.loads(downloaded.read_text()), id=f"https://other.example.net/assertions/{A1}.json")
    (tmp_path / "other.json").write_text(json.dumps(elsewhere))
    status, out, err = run_cli("verify", str(tmp_path / "other.json"), *offline)
    assert status == 1 and (f"✗ signature  no JWS could be read at its id: https://other.example.net/assertions/"
                            f"{A1}.jws: not under any --offline base URL") in out, out + err
    old_key = json.loads(downloaded.read_text())["verification"]["creator"]
    withdraw_keys(root)
    output = build(root)
    new_key = json.loads((output / f"assertions/{A1}.json").read_text())["verification"]["creator"]
    status, out, err = run_cli("verify", str(downloaded), *offline)
    assert status == 1 and (f"✗ signature  this copy names the key {old_key}, but its issuer now signs this assertion "
                            f"with the key {new_key} ({BASE}assertions/{A1}.jws): download it again from its award "
                            f"page, or verify {BASE}assertions/{A1}.json") in out, out + err
    downloaded.write_text((output / f"assertions/{A1}.json").read_text())
    assert run_cli("verify", str(downloaded), *offline)[0] == 0
    status, out, err = run_cli("revoke", A1, "--reason", "Erreur de saisie", "--site", str(root))
    assert status == 0, err
    output = build(root)
    status, out, err = run_cli("verify", str(downloaded), *offline)
    assert status == 1 and f"✗ status  REVOKED by its issuer: Erreur de saisie (at {BASE}assertions/{A1}.json)" in out, out + err
