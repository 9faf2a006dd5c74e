"""`vitrine verify`: Open Badges 3.0 and 2.0, from files, baked images, URLs (offline), JWTs, any issuer."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from conftest import png_bytes, run_cli
from generator.ob3 import documents, multibase, proof
from test_awards import A1, A2, A3, A4, baked
from test_ob3 import BASE, OTHER_KEY, build, ob3_key, ob3_site  # noqa: F401 - fixtures

ALICE, BOB, CAROLE, DAN = "alice.martin@example.org", "Bob.Secret@Example.org", "carole@example.org", "dan@example.org"


def verify(*args: str) -> tuple[int, dict]:
    status, out, err = run_cli("verify", *args, "--json")
    assert "Traceback" not in err, err
    return status, json.loads(out)


def checks(result: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in result["checks"]}


def message(result: dict, check: str) -> str:
    return next(c["message"] for c in result["checks"] if c["id"] == check)


@pytest.fixture
def built(ob3_site):
    root = ob3_site()
    output = build(root)
    return root, output, f"{BASE}={output}"


def test_a_valid_credential_and_its_baked_images(built):
    root, output, offline = built
    for target in (output / f"credentials/{A1}.json", output / f"credentials/{A1}.svg",
                   f"{BASE}credentials/{A1}.json", output / f"credentials/{A4}.png"):
        email = DAN if str(target).endswith(".png") else ALICE
        status, result = verify(str(target), "--offline", offline, "--email", email)
        assert status == 0, result
        assert result["valid"] and result["version"] == "3.0" and result["type"] == "OpenBadgeCredential"
        assert checks(result) == {"structure": "pass", "json-ld": "pass", "signature": "pass", "issuer key": "pass",
                                  "status": "pass", "validity": "pass", "recipient": "pass"}
    status, out, err = run_cli("verify", str(output / f"credentials/{A1}.json"), "--offline", offline)
    assert status == 0
    assert out.startswith("Open Badges 3.0 OpenBadgeCredential (JSON) from ")
    assert "✓ signature" in out and "– recipient" in out and "give --email ADDRESS" in out
    assert out.rstrip().endswith('VALID: "Prise de parole" issued by Bibliothèque universitaire, whose site is badges.example.org')


def test_expired_revoked_and_someone_else(built):
    root, output, offline = built
    status, result = verify(str(output / f"credentials/{A2}.json"), "--offline", offline, "--email", "bob.secret@example.org")
    assert status == 1 and checks(result)["validity"] == "fail" and "EXPIRED on 2022-01-15" in message(result, "validity")
    assert checks(result)["recipient"] == "pass"  # hashed lower-cased, as Vitrine does
    status, result = verify(str(output / f"credentials/{A3}.json"), "--offline", offline)
    assert status == 1 and checks(result)["status"] == "fail" and "REVOKED" in message(result, "status")
    assert checks(result)["signature"] == "pass"  # still signed: the status list says it is revoked
    status, result = verify(str(output / f"credentials/{A1}.json"), "--offline", offline, "--email", BOB)
    assert status == 1 and checks(result)["recipient"] == "fail"


def test_tampered_credentials_fail(built, tmp_path):
    root, output, offline = built
    credential = json.loads((output / f"credentials/{A1}.json").read_text())
    credential["credentialSubject"]["achievement"]["name"] = "Prise de parole — niveau expert"
    file = tmp_path / "tampered.json"
    file.write_text(json.dumps(credential))
    status, result = verify(str(file), "--offline", offline)
    assert status == 1 and checks(result)["signature"] == "fail"
    assert "changed after signing" in message(result, "signature")
    # what the unsigned file says passes its checks, but is not said to be more than its word
    # (it read "✓ validity valid since ..." for dates that could have been changed)
    credential = json.loads((output / f"credentials/{A1}.json").read_text())
    credential["validFrom"] = "2023-01-01T00:00:00Z"
    file.write_text(json.dumps(credential))
    status, result = verify(str(file), "--offline", offline, "--email", ALICE)
    assert status == 1 and checks(result)["signature"] == "fail"
    for check in ("status", "validity", "recipient"):
        assert checks(result)[check] == "pass"
        assert message(result, check).endswith(" — only the credential's word: no valid signature vouches for it"), check
    assert message(result, "validity").startswith("valid since 2023-01-01T00:00:00Z")
    status, result = verify(str(output / f"credentials/{A1}.json"), "--offline", offline, "--email", ALICE)
    assert status == 0 and "vouches" not in json.dumps(result)  # said only when the signature failed
    credential = json.loads((output / f"credentials/{A1}.json").read_text())
    credential["credentialSubject"]["grade"] = "A+"  # not defined by any context: not covered by the signature
    file.write_text(json.dumps(credential))
    status, result = verify(str(file), "--offline", offline)
    assert status == 1 and checks(result)["json-ld"] == "fail" and '"grade"' in message(result, "json-ld")
    assert checks(result)["structure"] == "pass"  # the JSON Schema allows additional properties: JSON-LD does not


def test_the_verdict_names_the_issuers_site_not_only_the_name_it_gives_itself(ob3_site, tmp_path):
    """Any site can call its issuer "Bibliothèque universitaire": a valid credential from another
    site read "VALID: ... issued by Bibliothèque universitaire", word for word the real one's verdict.
    The verdict now says whose site (did:web, or a 2.0 profile's URL) vouched for it."""
    from conftest import copy_site
    root = ob3_site()
    impostor = copy_site(root, tmp_path / "impostor")
    config = impostor / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(BASE, "https://impostor.example.net/"), encoding="utf-8")
    real, other = build(root), build(impostor)
    status, out, err = run_cli("verify", str(real / f"credentials/{A1}.json"), "--offline", f"{BASE}={real}")
    assert status == 0
    assert out.rstrip().endswith('VALID: "Prise de parole" issued by Bibliothèque universitaire, whose site is badges.example.org')
    status, out, err = run_cli("verify", str(other / f"credentials/{A1}.json"), "--offline", f"https://impostor.example.net/={other}")
    assert status == 0  # a valid credential, of another issuer with the same name
    assert out.rstrip().endswith('VALID: "Prise de parole" issued by Bibliothèque universitaire, whose site is impostor.example.net')
    status, out, err = run_cli("verify", f"{BASE}assertions/{A1}.json", "--offline", f"{BASE}={real}")  # Open Badges 2.0
    assert status == 0
    assert out.rstrip().endswith('VALID: "Prise de parole" issued by Bibliothèque universitaire, whose site is badges.example.org')


def test_offline_means_no_network(built):
    root, output, offline = built
    status, result = verify(str(output / f"credentials/{A1}.json"), "--offline", f"https://other.example.org/={output}")
    assert status == 1
    assert "network is off in offline mode" in message(result, "signature")


def baked_file(output, award_id, folder):
    """The 2.0 baked badge, as the award page's script makes it (Vitrine does not publish it)."""
    name, data = baked(output, award_id)
    file = folder / f"{award_id}-{name}"
    file.write_bytes(data)
    return str(file)


def test_open_badges_2_hosted_and_baked(built, tmp_path):
    root, output, offline = built
    status, result = verify(baked_file(output, A1, tmp_path), "--offline", offline, "--email", ALICE)
    assert status == 0, result
    assert result["version"] == "2.0" and checks(result) == {
        "hosted": "pass", "structure": "pass", "badge": "pass", "issuer": "pass", "status": "pass", "validity": "pass",
        "recipient": "pass"}
    status, result = verify(f"{BASE}assertions/{A3}.json", "--offline", offline)
    assert status == 1 and "REVOKED" in message(result, "status") and "Attribué par erreur" in message(result, "status")
    status, result = verify(baked_file(output, A4, tmp_path), "--offline", offline, "--email", DAN)
    assert status == 0, result


def test_open_badges_2_signed(ob3_site, monkeypatch, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    monkeypatch.setenv("VITRINE_OB2_KEY", key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()).decode())
    root = ob3_site()
    config = root / "site.yaml"
    config.write_text(config.read_text().replace("signing:\n", "signing:\n  ob2: true\n"))
    output = build(root)
    offline = f"{BASE}={output}"
    status, result = verify(str(output / f"assertions/{A1}.jws"), "--offline", offline, "--email", ALICE)
    assert status == 0, result
    assert checks(result)["signature"] == "pass" and checks(result)["issuer key"] == "pass"
    status, result = verify(baked_file(output, A1, tmp_path), "--offline", offline)  # the JWS baked in
    assert status == 0, result
    status, result = verify(f"{BASE}assertions/{A1}/", "--offline", offline, "--email", ALICE)  # its page
    assert status == 0 and result["form"] == "web page → JSON (signed)" and checks(result)["signature"] == "pass", result
    token = (output / f"assertions/{A1}.jws").read_text().strip()
    head, payload, signature = token.split(".")
    forged = json.loads(multibase.b64url_decode(payload))
    forged["expires"] = "2099-01-01T00:00:00+00:00"
    file = root / "forged.jws"
    file.write_text(f"{head}.{multibase.b64url(json.dumps(forged).encode())}.{signature}")
    status, result = verify(str(file), "--offline", offline)
    assert status == 1 and checks(result)["signature"] == "fail"
    # the JSON's URL, as a recruiter copies it from the page: its signature is read from the .jws beside it
    status, result = verify(f"{BASE}assertions/{A1}.json", "--offline", offline, "--email", ALICE)
    assert status == 0 and result["form"] == "JSON, with the JWS beside it (signed)", result
    assert checks(result)["signature"] == "pass" and checks(result)["recipient"] == "pass"
    (output / f"assertions/{A1}.jws").unlink()  # no JWS beside it: its JSON alone cannot be trusted
    status, result = verify(f"{BASE}assertions/{A1}.json", "--offline", offline)
    assert status == 1 and checks(result)["signature"] == "fail"


# -- credentials from elsewhere -----------------------------------------------------------------------

def did_key(key: ed25519.Ed25519PrivateKey) -> str:
    return "did:key:" + multibase.public_multikey(key.public_key())


def foreign_credential(issuer: str) -> dict:
    return {
        "@context": [documents.VC_V2, documents.OB_V3],
        "id": "urn:uuid:3f1c2b1e-8a51-4c8e-9a4e-2f3a1d0c9b7e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Another Issuer"},
        "validFrom": "2024-05-01T10:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": False,
                            "identityHash": "eve@example.net"}],
            "achievement": {"id": "https://other.example.net/achievements/teamwork", "type": ["Achievement"],
                            "name": "Teamwork", "description": "Works well in a team.",
                            "criteria": {"narrative": "Led a team project."}},
        },
    }


def test_a_data_integrity_credential_from_another_issuer(tmp_path):
    """A did:key issuer: nothing to fetch, no status: checked without Vitrine having made it."""
    key = ed25519.Ed25519PrivateKey.generate()
    issuer = did_key(key)
    credential = foreign_credential(issuer)
    method = f"{issuer}#{issuer[len('did:key:'):]}"
    credential["proof"] = [proof.make_proof(credential, key, method, "2024-05-01T10:00:00Z")]
    file = tmp_path / "foreign.json"
    file.write_text(json.dumps(credential))
    status, result = verify(str(file), "--email", "eve@example.net", "--offline", f"https://nothing.example/={tmp_path}")
    assert status == 0, result
    assert checks(result)["status"] == "skip" and checks(result)["recipient"] == "pass"
    # a did:key is no site: the verdict names it as what identifies the issuer ("whose site is
    # did:key:..." said a site vouched for a name that only its key stands for)
    status, out, err = run_cli("verify", str(file), "--offline", f"https://nothing.example/={tmp_path}")
    assert status == 0 and "whose site is" not in out
    assert out.rstrip().endswith(f", identified as {issuer}"), out


def jwt(header: dict, payload: dict, sign) -> str:
    head = multibase.b64url(json.dumps(header).encode())
    body = multibase.b64url(json.dumps(payload).encode())
    return f"{head}.{body}.{multibase.b64url(sign(f'{head}.{body}'.encode()))}"


def test_a_vc_jwt_from_another_issuer(tmp_path):
    key = ed25519.Ed25519PrivateKey.generate()
    issuer = did_key(key)
    credential = foreign_credential(issuer)
    kid = f"{issuer}#{issuer[len('did:key:'):]}"
    later = int((datetime.now(timezone.utc) + timedelta(days=30)).timestamp())
    token = jwt({"alg": "EdDSA", "kid": kid, "typ": "JWT"}, {"vc": credential, "iss": issuer, "exp": later}, key.sign)
    file = tmp_path / "badge.jwt"
    file.write_text(token)
    offline = f"https://nothing.example/={tmp_path}"
    status, result = verify(str(file), "--offline", offline)
    assert status == 0, result
    assert "VC-JWT" in result["form"] and checks(result)["signature"] == "pass"
    other = jwt({"alg": "EdDSA", "kid": kid}, {"vc": credential, "iss": issuer}, OTHER_KEY.sign)
    file.write_text(other)
    status, result = verify(str(file), "--offline", offline)
    assert status == 1 and checks(result)["signature"] == "fail"


@pytest.mark.parametrize("content, expected", [
    (b'{"hello": "world"}', "neither an Open Badges 3.0 credential"),
    (png_bytes(32), "no badge baked in it"),
    (b"\xff\xfe\x00binary", "neither a PNG image nor UTF-8 text"),
    (b"\x00\x01text", "not JSON, a JWS/JWT, a URL, nor a baked PNG or SVG image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "no badge baked in it"),
])
def test_what_is_not_a_badge_is_said_plainly(tmp_path, content, expected):
    file = tmp_path / "thing"
    file.write_bytes(content)
    status, result = verify(str(file), "--offline", f"https://nothing.example/={tmp_path}")
    assert status == 1 and not result["valid"]
    assert expected in result["checks"][0]["message"]


def test_command_line_errors(tmp_path):
    status, out, err = run_cli("verify", "x.json", "--offline", "example.org=out")
    assert status == 2 and "BASE_URL=DIR" in err
    status, out, err = run_cli("verify", str(tmp_path / "missing.json"))
    assert status == 1 and "no such file" in out


def test_an_award_page_address_is_verified_through_the_json_it_links_to(built):
    """The address a verifier has is often the award's page: printed on a CV, in its QR code, in
    LinkedIn's credential URL. `vitrine verify` said "Not an Open Badge" for it; it now follows the
    page's <link rel="alternate" type="application/ld+json"> to the hosted assertion."""
    root, output, offline = built
    for target in (f"{BASE}assertions/{A1}/", f"{BASE}en/assertions/{A1}/", str(output / f"assertions/{A1}/index.html")):
        status, result = verify(target, "--offline", offline, "--email", ALICE)
        assert status == 0 and result["valid"] and result["version"] == "2.0", (target, result)
        assert result["form"].startswith("web page → JSON") and checks(result)["recipient"] == "pass"
    status, result = verify(f"{BASE}assertions/{A3}/", "--offline", offline)
    assert status == 1 and checks(result)["status"] == "fail"  # revoked
    status, result = verify(f"{BASE}badges/prise-de-parole/", "--offline", offline)  # a badge's page: no award
    assert status == 1 and result["type"] == "a badge's web page"
    assert message(result, "type").startswith(f'{BASE}badges/prise-de-parole/ is the page of the badge "Prise de parole"')
