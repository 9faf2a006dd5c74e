"""Open Badges 3.0: canonicalization (RDFC-1.0), undefined terms, credentials, DID document,
status list, proofs, proof cache, baking, determinism. Independent verifiers: test_ob3_verifiers.py."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from conftest import REPO, copy_site, png_bytes, run_cli
from generator import baking
from generator.ob3 import canon, did, documents, multibase, proof, rdfc, status
from test_awards import A1, A2, A3, A4, AWARDS, PNG_BADGE

BASE = "https://badges.example.org/"
DID = "did:web:badges.example.org"
TEST_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def pem(key: ed25519.Ed25519PrivateKey, created: str = "2020-01-01") -> str:
    text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")
    return f"Created: {created}\n{text}"


@pytest.fixture(autouse=True)
def ob3_key(monkeypatch):
    """A fixed Ed25519 key from the environment (keys.py reads VITRINE_OB3_KEY), a fixed today."""
    monkeypatch.setenv("VITRINE_OB3_KEY", pem(TEST_KEY))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01


def signing_on(root: Path, extra: str = "") -> Path:
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n") + "\nsigning:\n  ob3: true\n" + extra,
                      encoding="utf-8")
    return root


@pytest.fixture
def ob3_site(site):
    def make(extra: dict | None = None) -> Path:
        files = {"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
                 "awards/prise-de-parole.yaml": AWARDS}
        files.update(extra or {})
        return signing_on(site(files))
    return make


def build(root: Path, *extra: str) -> Path:
    status_, out, err = run_cli("build", "--site", str(root), "--force", *extra)
    assert status_ == 0, err
    return root / "output"


def load(output: Path, rel: str) -> dict:
    return json.loads((output / rel).read_text(encoding="utf-8"))


def public_key_of(did_document: dict, method: str) -> ed25519.Ed25519PublicKey:
    found = [m for m in did_document["verificationMethod"] if m["id"] == method]
    assert found, f"{method} is not in the DID document"
    assert method in did_document["assertionMethod"]
    return multibase.public_from_multikey(found[0]["publicKeyMultibase"])


def schema_errors(credential: dict, url: str = documents.ACHIEVEMENT_SCHEMA) -> list[str]:
    validator = jsonschema.Draft201909Validator(documents.schema(url), format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(credential)]


# -- RDFC-1.0 ----------------------------------------------------------------------------------

def test_literals_are_escaped_the_rdfc_way():
    text = "a\x00b\x07c\bd\te\nf\x0bg\fh\ri\x1fj\x7fk\"l\\mé"
    assert rdfc.term_literal(text) == '"a\\u0000b\\u0007c\\bd\\te\\nf\\u000Bg\\fh\\ri\\u001Fj\\u007Fk\\"l\\\\mé"'
    assert rdfc.term_literal("2024-01-01T00:00:00Z", "http://www.w3.org/2001/XMLSchema#dateTime") == \
        '"2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    assert rdfc.term_literal("bonjour", rdfc.RDF_LANGSTRING, "fr") == '"bonjour"@fr'


def test_pyld_alone_escapes_the_old_way_and_we_do_not():
    """The reason for rdfc.py: pyld's URDNA2015 writes \\b and U+0007 raw, RDFC-1.0 escapes them."""
    from pyld import jsonld

    doc = {"@context": {"@vocab": "https://example.org/#"}, "@id": "https://example.org/x", "note": "bip\x07 \b"}
    old = jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads"})
    assert "\x07" in old and "\b" in old
    assert canon.plain_nquads(doc) == '<https://example.org/x> <https://example.org/#note> "bip\\u0007 \\b" .\n'


def test_blank_nodes_get_canonical_labels_whatever_their_order():
    """Two symmetric blank nodes (first-degree hashes tie): the N-degree algorithm decides."""
    p, q = "<https://example.org/p>", "<https://example.org/q>"
    quads = [("_:x", p, "_:y", ""), ("_:y", p, "_:x", ""), ("_:x", q, '"1"', ""), ("_:y", q, '"1"', "")]
    first = rdfc.canonicalize(quads)
    renamed = [tuple(t.replace("_:x", "_:t").replace("_:y", "_:x").replace("_:t", "_:y") for t in quad) for quad in quads]
    assert rdfc.canonicalize(list(reversed(renamed))) == first
    assert set(re.findall(r"_:c14n\d", first)) == {"_:c14n0", "_:c14n1"}


# -- undefined terms ------------------------------------------------------------------------------

CREDENTIAL_CONTEXT = [documents.VC_V2, documents.OB_V3]


def small_credential(**subject) -> dict:
    return {"@context": CREDENTIAL_CONTEXT, "id": "https://example.org/c/1",
            "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": {"id": DID, "type": ["Profile"], "name": "X"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"],
                                  "achievement": {"id": "https://example.org/a", "type": ["Achievement"], "name": "A",
                                                  "description": "D", "criteria": {"narrative": "N"}, **subject}}}


@pytest.mark.parametrize("change, named", [
    (lambda d: d.update(colour="bleu"), '"colour"'),
    (lambda d: d["credentialSubject"]["achievement"].update(level=2), '"level"'),
    (lambda d: d["credentialSubject"]["achievement"]["criteria"].update(rubric={"id": "https://example.org/r"}), '"rubric"'),
    (lambda d: d["credentialSubject"].update(type=["AchievementSubject", "Winner"]), '"Winner"'),
    (lambda d: d["issuer"].update(id="issuer-1"), '"issuer-1"'),
])
def test_undefined_terms_are_refused_on_both_paths(change, named):
    doc = small_credential()
    canon.plain_nquads(doc)  # the unchanged document is fine
    change(doc)
    for path in (canon.plain_nquads, canon.Canonicalizer().nquads, canon.Canonicalizer(check_first=False).nquads):
        with pytest.raises(canon.UndefinedTerm) as caught:
            path(doc)
        assert named in str(caught.value) or "not in the RDF" in str(caught.value)
        assert "no JSON-LD context defines it" in str(caught.value)


def test_template_path_names_the_json_path_of_what_would_be_dropped():
    doc = small_credential()
    doc["credentialSubject"]["achievement"]["criteria"]["rubric"] = {"id": "https://example.org/r", "name": "R"}
    with pytest.raises(canon.UndefinedTerm) as caught:
        canon.Canonicalizer().nquads(doc)
    assert "rubric" in str(caught.value)
    doc = small_credential()
    doc["issuer"]["image"] = "images/logo.png"  # a relative IRI: JSON-LD processors drop it
    with pytest.raises(canon.UndefinedTerm) as caught:
        canon.Canonicalizer().nquads(doc)
    assert "images/logo.png" in str(caught.value)


def test_unknown_context_is_a_clear_error_not_a_fetch():
    doc = small_credential()
    doc["@context"] = CREDENTIAL_CONTEXT + ["https://example.org/my-context.json"]
    with pytest.raises(canon.CanonError) as caught:
        canon.plain_nquads(doc)
    assert "example.org/my-context.json" in str(caught.value) or "load" in str(caught.value).lower()


def tricky_documents() -> list[dict]:
    """Credentials whose strings would trip a naive template: control characters, compact-IRI
    lookalikes, repeated values, ids that are not absolute, many evidence items."""
    out = []
    for text in ["simple", "ctl \x00\x07\b\t\n\x0b\f\r\x1f\x7f \" \\ é 🎭", "ob:thing", "_:b0", "", "urn:vitrine-slot"]:
        doc = small_credential(tag=[text, "A"], humanCode=text)
        doc["evidence"] = [{"id": "https://example.org/e/1", "type": ["Evidence"], "narrative": text},
                           {"type": ["Evidence"], "name": text}, {"type": ["Evidence"], "name": text}]
        out.append(doc)
    return out


def test_cached_path_gives_the_plain_path_nquads_on_tricky_documents():
    c = canon.Canonicalizer(check_first=False)
    for doc in tricky_documents() + tricky_documents():
        assert c.nquads(doc) == canon.plain_nquads(doc)
    assert c.hits > 0


# -- did:web -------------------------------------------------------------------------------------

@pytest.mark.parametrize("base, expected, path, url", [
    ("https://example.org/badges/", "did:web:example.org:badges", "did.json", "https://example.org/badges/did.json"),
    ("https://badges.example.org/", "did:web:badges.example.org", ".well-known/did.json",
     "https://badges.example.org/.well-known/did.json"),
    ("https://example.org:8443/a/b/", "did:web:example.org%3A8443:a:b", "did.json", "https://example.org:8443/a/b/did.json"),
])
def test_did_web_is_path_based(base, expected, path, url):
    assert did.did_web(base) == expected
    assert did.document_path(base) == path
    assert did.resolve_url(expected + "#key-1") == url


# -- the build -------------------------------------------------------------------------------------

def test_credentials_of_a_site(ob3_site):
    root = ob3_site()
    output = build(root)
    did_doc = load(output, ".well-known/did.json")
    assert did_doc["id"] == DID
    assert did_doc["@context"] == [documents.DID_V1, documents.MULTIKEY_V1]
    [method] = did_doc["verificationMethod"]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    status_list = load(output, "status/1.json")
    public = public_key_of(did_doc, status_list["proof"][0]["verificationMethod"])
    proof.check_proof(status_list, status_list["proof"][0], public)
    bits = status.decode_list(status_list["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= status.MIN_BITS
    indexes, problems = status.read_indexes(root)
    assert not problems and set(indexes) == {A1, A2, A3, A4}
    for award_id in (A1, A2, A3, A4):
        credential = load(output, f"credentials/{award_id}.json")
        assert schema_errors(credential) == [], award_id
        assert credential["@context"] == [documents.VC_V2, documents.OB_V3, documents.OB_EXTENSIONS]
        assert credential["id"] == f"{BASE}credentials/{award_id}.json"
        assert credential["issuer"]["id"] == DID
        [one] = credential["proof"]
        assert one["type"] == "DataIntegrityProof" and one["cryptosuite"] == "eddsa-rdfc-2022"
        proof.check_proof(credential, one, public_key_of(did_doc, one["verificationMethod"]))
        entry = credential["credentialStatus"]
        assert entry["statusListCredential"] == f"{BASE}status/1.json"
        assert int(entry["statusListIndex"]) == indexes[award_id]
        assert status.bit(bits, indexes[award_id]) is (award_id == A3)
        [identity] = credential["credentialSubject"]["identifier"]
        assert identity["identityHash"].startswith("sha256$") and identity["hashed"] is True
        text = (output / f"credentials/{award_id}.json").read_text()
        assert "@example.org" not in text and "Bob Secret" not in text  # no e-mail address, no name
    alice = load(output, f"credentials/{A1}.json")
    assert alice["validFrom"] == "2024-06-12T00:00:00Z" and alice["validUntil"] == "2026-06-12T00:00:00Z"
    assert [e.get("id") for e in alice["evidence"]] == ["https://example.org/portfolio/alice", "https://example.org/video"]
    achievement = alice["credentialSubject"]["achievement"]
    assert achievement["criteria"]["narrative"].startswith("## Ateliers")
    assert achievement["image"] == {"id": f"{BASE}badges/prise-de-parole.svg", "type": "Image", "caption": "Un disque bleu"}
    assert achievement["alignment"][0]["targetName"] == "S'exprimer à l'oral"
    assert achievement["tag"] == ["oral", "Prise de parole"]
    assert achievement["achievementType"] == "Competency"


def test_tampering_breaks_the_proof(ob3_site):
    output = build(ob3_site())
    did_doc = load(output, ".well-known/did.json")
    credential = load(output, f"credentials/{A1}.json")
    key = public_key_of(did_doc, credential["proof"][0]["verificationMethod"])
    for change in (lambda c: c.update(name="Autre"),
                   lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="sha256$" + "0" * 64),
                   lambda c: c.update(validUntil="2099-01-01T00:00:00Z"),
                   lambda c: c["credentialStatus"].update(statusListIndex="1")):
        tampered = json.loads(json.dumps(credential))
        change(tampered)
        with pytest.raises(proof.ProofError):
            proof.check_proof(tampered, tampered["proof"][0], key)
    with pytest.raises(proof.ProofError):
        proof.check_proof(credential, credential["proof"][0], OTHER_KEY.public_key())


def test_baked_credentials(ob3_site):
    output = build(ob3_site())
    svg = (output / f"credentials/{A1}.svg").read_text(encoding="utf-8")
    assert f'xmlns:openbadges="{baking.OB3_SVG_NAMESPACE}"' in svg
    assert "<openbadges:credential><![CDATA[" in svg
    assert json.loads(baking.unbake_svg(svg, "credential")) == load(output, f"credentials/{A1}.json")
    png = (output / f"credentials/{A4}.png").read_bytes()
    assert json.loads(baking.unbake_png(png, baking.OB3_KEYWORD)) == load(output, f"credentials/{A4}.json")
    assert not (output / f"credentials/{A3}.svg").exists()  # revoked: no image to hand out
    assert (output / f"credentials/{A3}.json").is_file()  # but its URL still answers


def test_same_input_same_bytes_and_nothing_signed_twice(ob3_site, monkeypatch):
    root = ob3_site()
    first = build(root, "--jobs", "1")
    files = {p.relative_to(first).as_posix(): p.read_bytes() for p in first.rglob("*")
             if p.is_file() and p.relative_to(first).parts[0] in ("credentials", "status", ".well-known")}
    calls = []
    real = proof.make_proof
    monkeypatch.setattr("generator.ob3.issue.make_proof", lambda *a, **k: calls.append(1) or real(*a, **k))
    second = build(root, "--jobs", "1")
    assert calls == []  # every proof came from .vitrine-cache
    assert {rel: (second / rel).read_bytes() for rel in files} == files
    shutil.rmtree(root / ".vitrine-cache")
    third = build(root, "--jobs", "1")
    assert len(calls) == 5  # four credentials and the status list, signed again: the same bytes
    assert {rel: (third / rel).read_bytes() for rel in files} == files


def test_revoking_changes_the_status_list_not_the_credential(ob3_site):
    root = ob3_site()
    output = build(root)
    before = (output / f"credentials/{A1}.json").read_bytes()
    index = status.read_indexes(root)[0][A1]
    records = root / "awards" / "prise-de-parole.yaml"
    records.write_text(records.read_text().replace(
        "  narrative: A animé **trois** ateliers.\n",
        "  narrative: A animé **trois** ateliers.\n  revoked:\n    date: 2024-12-01\n    reason: Erreur\n"))
    output = build(root)
    assert (output / f"credentials/{A1}.json").read_bytes() == before
    status_list = load(output, "status/1.json")
    assert status.bit(status.decode_list(status_list["credentialSubject"]["encodedList"]), index)
    assert status_list["validFrom"] == "2024-12-01T00:00:00Z"
    assert status.read_indexes(root)[0][A1] == index  # positions never move


def test_status_positions_are_kept_and_checked(ob3_site):
    root = ob3_site()
    build(root)
    file = root / "awards" / "status.txt"
    text = file.read_text()
    assert text.startswith("#") and text.count("\n") == 4 + len(status.HEADER.splitlines())
    first = status.read_indexes(root)[0]
    build(root)
    assert file.read_text() == text
    assert status.assign(first, [A1, A2]) == (first, [])
    file.write_text(text + f"{A1} 7\n")
    status_, out, err = run_cli("build", "--site", str(root), "--force")
    assert status_ == 1
    assert f"awards/status.txt:{text.count(chr(10)) + 1}:1: award {A1} is listed twice" in err
    assert "Traceback" not in err


def test_status_list_capacity_grows_and_keeps_positions():
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(70000)]
    first, new = status.assign({}, ids[:1000])
    assert len(new) == 1000 and max(first.values()) < status.MIN_BITS
    more, new = status.assign(first, ids)
    assert len(new) == 69000 and all(more[i] == first[i] for i in first)
    assert len(set(more.values())) == 70000
    assert status.capacity(70000, max(more.values())) == 2 * status.MIN_BITS


def test_under_a_sub_path(ob3_site):
    root = ob3_site()
    config = root / "site.yaml"
    config.write_text(config.read_text().replace("https://badges.example.org/", "https://example.org/badges/"))
    output = build(root)
    did_doc = load(output, "did.json")
    assert did_doc["id"] == "did:web:example.org:badges"
    assert not (output / ".well-known").exists()
    credential = load(output, f"credentials/{A1}.json")
    assert credential["issuer"]["id"] == "did:web:example.org:badges"
    assert credential["id"] == f"https://example.org/badges/credentials/{A1}.json"


def test_old_keys_stay_published_and_their_proofs_stay(ob3_site, monkeypatch):
    root = ob3_site()
    output = build(root)
    before = (output / f"credentials/{A1}.json").read_bytes()
    # (the text before a PEM block speaks of that block: TEST_KEY is the one retired)
    monkeypatch.setenv("VITRINE_OB3_KEY", "Retired: 2024-12-01\n" + pem(TEST_KEY) + pem(OTHER_KEY, "2024-12-01"))
    output = build(root)
    did_doc = load(output, ".well-known/did.json")
    assert len(did_doc["verificationMethod"]) == 2 and len(did_doc["assertionMethod"]) == 2
    from generator.keys import key_id, load_keys
    assert load_keys(root).current_ed25519.kid == key_id(OTHER_KEY.public_key())
    assert (output / f"credentials/{A1}.json").read_bytes() == before  # signed once, kept


def test_no_key_is_a_plain_message(ob3_site, monkeypatch):
    monkeypatch.delenv("VITRINE_OB3_KEY")
    root = ob3_site()
    status_, out, err = run_cli("build", "--site", str(root), "--force")
    assert status_ == 1
    assert "signing.ob3: Open Badges 3.0 credentials need a key" in err and "vitrine keys init" in err
    assert "Traceback" not in err


def test_an_undefined_term_stops_the_build_with_a_message(ob3_site, monkeypatch):
    from generator.ob3 import credential as cred

    real = cred.achievement
    monkeypatch.setattr(cred, "achievement", lambda *a: {**real(*a), "level": 1})
    root = ob3_site()
    status_, out, err = run_cli("build", "--site", str(root), "--force")
    assert status_ == 1
    assert '"level"' in err and "no JSON-LD context defines it" in err and "cannot be signed" in err
    assert "Traceback" not in err
    assert not (root / "output").exists()


# -- the example site ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The repository's example catalogue, built with Open Badges 3.0 signing on."""
    mp = pytest.MonkeyPatch()
    mp.setenv("VITRINE_OB3_KEY", pem(TEST_KEY))
    try:
        root = signing_on(copy_site(REPO, tmp_path_factory.mktemp("example") / "site"))
        build(root)
    finally:
        mp.undo()
    return root


def example_credentials(root: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "output" / "credentials").glob("*.json"))]


def test_every_example_credential_passes_the_official_schema(example):
    credentials = example_credentials(example)
    assert len(credentials) >= 10
    for credential in credentials:
        assert schema_errors(credential) == [], credential["id"]


def test_every_example_credential_cached_path_equals_plain_path(example):
    c = canon.Canonicalizer(check_first=False)
    for credential in example_credentials(example):
        unsecured = {k: v for k, v in credential.items() if k != "proof"}
        assert c.nquads(unsecured) == canon.plain_nquads(unsecured), credential["id"]
        options = {**credential["proof"][0], "@context": credential["@context"]}
        del options["proofValue"]
        assert c.nquads(options) == canon.plain_nquads(options)
    assert c.plain == 0 and c.hits > 0


def test_every_example_credential_verifies_with_our_own_check(example):
    did_doc = json.loads((example / "output" / ".well-known" / "did.json").read_text())
    for credential in example_credentials(example):
        [one] = credential["proof"]
        proof.check_proof(credential, one, public_key_of(did_doc, one["verificationMethod"]))


def test_award_page_offers_the_credential_beside_the_2_0_badge(ob3_site):
    output = build(ob3_site())
    page = (output / "assertions" / A1 / "index.html").read_text(encoding="utf-8")
    assert f'data-bake="../../assertions/{A1}.json"' in page  # the 2.0 baked badge stays (baked by the script)
    assert f'href="../../credentials/{A1}.svg" download="prise-de-parole-ob3.svg"' in page
    assert f'href="../../credentials/{A1}.json"' in page
    assert "Open Badges 3.0" in page
    english = (output / "en" / "assertions" / A1 / "index.html").read_text(encoding="utf-8")
    assert "Download the badge, Open Badges 3.0 (SVG)" in english
    # two downloads: each says which standard it follows, and the page says which goes where
    assert "Download the badge, Open Badges 2.0 (SVG)" in english
    assert "Télécharger le badge, Open Badges 2.0 (SVG)" in page
    assert "Which file? For LinkedIn, a CV or an e-mail, the address of this page is enough." in english
    assert "digital wallet that accepts Open Badges 3.0 credentials" in english
    assert "portefeuille numérique qui accepte les attestations Open Badges 3.0" in page
    revoked = (output / "assertions" / A3 / "index.html").read_text(encoding="utf-8")
    assert f"credentials/{A3}.svg" not in revoked and f"credentials/{A3}.json" in revoked
    # and it does not speak of a file it does not offer (it said "The Open Badges 3.0 badge file
    # contains that credential" on a revoked award's page, which has no such file)
    assert "The Open Badges 3.0 badge file contains that credential." in english
    assert "Le fichier du badge Open Badges 3.0 contient cette attestation." in page
    english_revoked = (output / "en" / "assertions" / A3 / "index.html").read_text(encoding="utf-8")
    assert "badge file" not in english_revoked and "Le fichier du badge" not in revoked
    assert "Which file?" not in english_revoked and "Open Badges 2.0 (SVG)" not in english_revoked
    assert "Open Badges 3.0 credential, signed" in english_revoked  # the credential itself stays, and is said


def test_award_page_does_not_say_a_wallet_checks_revocation_without_this_site(ob3_site):
    """The award page said a wallet checks the 3.0 credential "and whether it was revoked, without
    asking this site" ("sans interroger ce site"): the issuer's key (its DID document) and the status
    list that says whether it was revoked are both read from this site. What is true: the page
    itself is not needed."""
    output = build(ob3_site())
    assert (output / ".well-known" / "did.json").is_file() and (output / "status" / "1.json").is_file()
    for lang, said in (("", "la contrôle sans passer par cette page, avec la clé et la liste de révocation que ce site publie."),
                       ("en/", "checks it without this page, with the key and the revocation list this site publishes.")):
        page = (output / f"{lang}assertions" / A1 / "index.html").read_text(encoding="utf-8")
        assert said in page
        assert "without asking this site" not in page and "sans interroger ce site" not in page


def test_award_page_without_3_0_signing_has_no_credential(site):
    files = {"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
             "awards/prise-de-parole.yaml": AWARDS}
    output = build(site(files))
    page = (output / "assertions" / A1 / "index.html").read_text(encoding="utf-8")
    assert "credentials/" not in page and not (output / "credentials").exists()


# -- endorsements ------------------------------------------------------------------------------------

ENDORSED = """\
---
name: Prise de parole
issuer: bu
description: Présenter un exposé de dix minutes.
category: transversal
image: badge.svg
image_alt: Un disque bleu
competencies: [oral]
tags: [oral, Prise de parole]
level: 1
validity: P2Y
date: 2024-09-01
endorsements:
  - issuer: univ
    comment: L'université reconnaît ce badge.
    date: 2024-10-01
---
""" + __import__("conftest").BADGE_CRITERIA


def external_endorsement(key: ed25519.Ed25519PrivateKey, issuer: str, method: str, subject: str) -> dict:
    document = {
        "@context": [documents.VC_V2, documents.OB_V3],
        "id": "https://partner.example.net/endorsements/1",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Le réseau régional recommande ce badge",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Réseau régional"},
        "validFrom": "2024-11-01T00:00:00Z",
        "credentialSubject": {"id": subject, "type": ["EndorsementSubject"], "endorsementComment": "Un badge sérieux."},
    }
    document["proof"] = [proof.make_proof(document, key, method, "2024-11-01T00:00:00Z")]
    return document


def test_endorsements_are_signed_published_and_embedded(ob3_site):
    root = ob3_site({"content/badges/prise-de-parole.md": ENDORSED})
    output = build(root)
    endorsement = load(output, "endorsements/prise-de-parole/univ.json")
    assert schema_errors(endorsement, documents.ENDORSEMENT_SCHEMA) == []
    assert endorsement["issuer"]["id"] == DID and endorsement["issuer"]["name"] == "Université de Test"
    assert endorsement["credentialSubject"] == {"id": f"{BASE}badges/prise-de-parole/", "type": ["EndorsementSubject"],
                                                "endorsementComment": "L'université reconnaît ce badge."}
    did_doc = load(output, ".well-known/did.json")
    proof.check_proof(endorsement, endorsement["proof"][0], public_key_of(did_doc, endorsement["proof"][0]["verificationMethod"]))
    credential = load(output, f"credentials/{A1}.json")
    assert credential["credentialSubject"]["achievement"]["endorsement"] == [endorsement]
    assert schema_errors(credential) == []
    proof.check_proof(credential, credential["proof"][0], public_key_of(did_doc, credential["proof"][0]["verificationMethod"]))


def test_an_endorsement_made_elsewhere_is_checked_at_build(ob3_site):
    from generator.ob3 import multibase as mb

    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(7, 39)))
    did_key = "did:key:" + mb.public_multikey(key.public_key())
    good = external_endorsement(key, did_key, f"{did_key}#{did_key[8:]}", f"{BASE}badges/prise-de-parole/")
    # a did:web endorser, with its DID document beside the endorsement (nothing is fetched at build time)
    web = "did:web:partner.example.net"
    other = external_endorsement(OTHER_KEY, web, f"{web}#k1", f"{BASE}badges/prise-de-parole/")
    other["id"] = "https://partner.example.net/endorsements/2"
    other["proof"] = [proof.make_proof({k: v for k, v in other.items() if k != "proof"}, OTHER_KEY, f"{web}#k1",
                                       "2024-11-01T00:00:00Z")]
    partner_did = {"@context": [documents.DID_V1, documents.MULTIKEY_V1], "id": web,
                   "verificationMethod": [{"id": f"{web}#k1", "type": "Multikey", "controller": web,
                                           "publicKeyMultibase": mb.public_multikey(OTHER_KEY.public_key())}],
                   "assertionMethod": [f"{web}#k1"]}
    root = ob3_site({"content/endorsements/reseau.json": json.dumps(good),
                     "content/endorsements/partenaire.json": json.dumps(other),
                     "content/endorsements/partenaire-did.json": json.dumps(partner_did)})
    output = build(root)
    assert load(output, "endorsements/external/reseau.json") == good
    assert load(output, "endorsements/external/partenaire.json") == other
    embedded = load(output, f"credentials/{A1}.json")["credentialSubject"]["achievement"]["endorsement"]
    assert good in embedded and other in embedded

    tampered = json.loads(json.dumps(good))
    tampered["credentialSubject"]["endorsementComment"] = "Un badge magnifique."
    (root / "content/endorsements/reseau.json").write_text(json.dumps(tampered))
    status_, out, err = run_cli("build", "--site", str(root), "--force")
    assert status_ == 1 and "content/endorsements/reseau.json:1:1: proof: the endorsement does not verify" in err
    elsewhere = external_endorsement(key, did_key, f"{did_key}#{did_key[8:]}", "https://other.example.org/badges/x/")
    (root / "content/endorsements/reseau.json").write_text(json.dumps(elsewhere))
    status_, out, err = run_cli("build", "--site", str(root), "--force")
    assert status_ == 1 and "is not one of this site's badges" in err
    (root / "content/endorsements/partenaire-did.json").unlink()
    (root / "content/endorsements/reseau.json").write_text(json.dumps(good))
    status_, out, err = run_cli("build", "--site", str(root), "--force")
    assert status_ == 1 and "partenaire.json" in err and "not fetched at build time" in err
    assert "Traceback" not in err


def test_an_incremental_build_renders_only_the_new_credential(ob3_site, tmp_path):
    from generator.build import build as build_site
    from test_incremental import NEW, tree

    root = ob3_site()
    first = build_site(root, root / "output", workers=2)
    assert first.rendered == first.files
    with open(root / "awards/prise-de-parole.yaml", "a", encoding="utf-8") as f:
        f.write(NEW)
    again = build_site(root, root / "output", workers=2)
    full = build_site(root, tmp_path / "full", workers=2, force=True)
    got, expected = tree(root / "output"), tree(full.out)
    assert {k for k in got if k.split("/")[0] in ("credentials", "status", ".well-known", "endorsements")} == \
        {k for k in expected if k.split("/")[0] in ("credentials", "status", ".well-known", "endorsements")}
    assert all(got[k] == expected[k] for k in got if k.split("/")[0] in ("credentials", "status", ".well-known"))
    assert again.rendered <= 14 + 3, again.rendered  # as without 3.0, plus its credential, image and the status list


def test_pyld_default_base_is_the_one_canon_refuses():
    """canon refuses IRIs made relative to pyld's default base; it names that base itself, so
    that pyld is imported only when a credential is made."""
    from pyld import jsonld

    from generator.ob3 import canon

    assert canon._PYLD_DEFAULT_BASE == getattr(jsonld, "DEFAULT_BASE_IRI", "http://example.org/base/")


def withdraw_test_key(monkeypatch) -> str:
    """TEST_KEY leaked: withdrawn on 2025-01-01 (the secret says so), OTHER_KEY signs from then on."""
    monkeypatch.setenv("VITRINE_OB3_KEY", "Withdrawn: 2025-01-01\n" + pem(TEST_KEY) + pem(OTHER_KEY, "2025-01-01"))
    from generator.keys import key_id

    return key_id(OTHER_KEY.public_key())


def test_a_withdrawn_key_leaves_the_assertion_methods_and_what_it_signed_is_signed_again(ob3_site, monkeypatch,
                                                                                          tmp_path):
    """A leaked Ed25519 key could not be withdrawn: credentials kept the proofs it made (the proof
    cache keeps them while the key is published), so removing it would have broken them all, and
    keeping it left it verifying anything. Withdrawn, it stays in the DID document marked revoked
    and out of assertionMethod; every credential, baked image, the status list are signed again
    with the current key, at the same URLs, on the next (incremental) build."""
    from generator.keys import key_id

    root = ob3_site()
    status_, out, err = run_cli("build", "--site", str(root))
    assert status_ == 0, err
    output = root / "output"
    old = tmp_path / "downloaded.json"
    old.write_bytes((output / f"credentials/{A1}.json").read_bytes())
    old_method = f"{DID}#{key_id(TEST_KEY.public_key())}"
    new_method = f"{DID}#{withdraw_test_key(monkeypatch)}"
    status_, out, err = run_cli("build", "--site", str(root))  # not forced
    assert status_ == 0 and out.startswith("Built"), out + err
    did_doc = load(output, ".well-known/did.json")
    assert [m["id"] for m in did_doc["verificationMethod"]] == [old_method, new_method]
    assert did_doc["verificationMethod"][0]["revoked"] == "2025-01-01T00:00:00Z"
    assert "revoked" not in did_doc["verificationMethod"][1] and did_doc["assertionMethod"] == [new_method]
    signed = [output / f"credentials/{a}.json" for a in (A1, A2, A3, A4)] + [output / "status/1.json"]
    for file in signed:
        document = json.loads(file.read_text())
        [one] = document["proof"]
        assert one["verificationMethod"] == new_method, file
        proof.check_proof(document, one, public_key_of(did_doc, new_method))
    assert json.loads(baking.unbake_svg((output / f"credentials/{A1}.svg").read_text(), "credential")) == \
        load(output, f"credentials/{A1}.json")
    assert load(output, f"credentials/{A1}.json")["id"] == json.loads(old.read_text())["id"]  # same id, same URL
    status_, out, err = run_cli("verify", str(old), "--offline", f"{BASE}={output}")
    assert status_ == 1 and "NOT VALID" in out
    assert (f"✗ signature   {old_method} was withdrawn (revoked on 2025-01-01T00:00:00Z) by its controller, in "
            f"{BASE}.well-known/did.json: nothing it signed verifies any more; the issuer publishes a copy signed "
            "again with its current key") in out, out
    status_, out, err = run_cli("verify", str(output / f"credentials/{A1}.json"), "--offline", f"{BASE}={output}")
    assert status_ == 0, out + err
    # and the build after that signs nothing again: the new proofs are kept
    before = {f: f.read_bytes() for f in signed}
    output = build(root)
    assert all(f.read_bytes() == data for f, data in before.items())
