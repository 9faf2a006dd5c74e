"""awards/published-urls.txt: the files that published awards point at stay published.

Renaming an issuer's file, making a badge image an SVG, removing a retired key or turning
signing off would each leave the awards already out there pointing at a missing file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import SQUARE_SVG, run_cli
from generator.keys import load_keys, rotate_keys
from test_awards import BASE, build, problems_of
from test_awards import awarded, fixed_today  # noqa: F401 - fixtures
from test_signing import signed_site  # noqa: F401 - fixture

RECORD = "awards/published-urls.txt"


def listed(root: Path) -> list[str]:
    lines = [line for line in (root / RECORD).read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == f"base_url: {BASE}"  # first, the address they are published under
    return lines[1:]


def line_of(root: Path, path: str) -> int:
    return (root / RECORD).read_text().splitlines().index(path) + 1


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(folder)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def failed_build(root: Path) -> list[str]:
    """`vitrine build` fails with these lines, and output/ is left as it was; `check` says the same."""
    before = digest(root / "output")
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 1 and "Traceback" not in err
    assert digest(root / "output") == before
    lines = [line for line in err.splitlines() if not line.startswith("vitrine:")]
    assert problems_of(root) == lines
    return lines


def test_a_build_records_what_its_awards_point_at(awarded):
    root = awarded({"content/badges/never-awarded.md": """\
---
name: Jamais attribué
issuer: univ
description: Personne ne l'a encore.
category: participation
image: badge.svg
image_alt: Un disque bleu
---
Rien.
"""})
    build(root)
    assert listed(root) == [
        "badges/atelier-png.json", "badges/atelier-png.png", "badges/atelier-png/",
        "badges/prise-de-parole.json", "badges/prise-de-parole.svg", "badges/prise-de-parole/",
        "competencies/oral/",
        "issuers/bu.json", "issuers/bu/", "issuers/univ.json", "issuers/univ/",  # univ: bu's parent and an issuer
    ]
    # a badge nobody holds is not listed: deleting it is fine
    (root / "content/badges/never-awarded.md").unlink()
    build(root)
    assert "never-awarded" not in (root / RECORD).read_text()


def test_a_site_without_awards_records_nothing(site):
    root = site()
    build(root)
    assert not (root / RECORD).exists()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    file = root / rel
    file.write_text(file.read_text().replace(old, new))


def rename_competency(root: Path) -> None:
    (root / "content/competencies/oral.md").rename(root / "content/competencies/parler.md")
    edit(root, "content/badges/prise-de-parole.md", "competencies: [oral]", "competencies: [parler]")


def rename_issuer(root: Path) -> None:
    (root / "content/issuers/bu.md").rename(root / "content/issuers/bibliotheque.md")
    edit(root, "content/badges/prise-de-parole.md", "issuer: bu", "issuer: bibliotheque")


def rename_badge(root: Path) -> None:
    """The badge's file renamed, its award records left as they were: they must not say 'no badge
    "atelier-png" (did you mean "atelier"?)', which invites editing published records."""
    (root / "content/badges/atelier-png.md").rename(root / "content/badges/atelier.md")


def svg_image(root: Path) -> None:
    (root / "content/images/atelier.svg").write_text(SQUARE_SVG)
    edit(root, "content/badges/atelier-png.md", "image: atelier.png", "image: atelier.svg")


@pytest.mark.parametrize("change, first, message", [
    (rename_issuer, "issuers/bu.json",
     'issuers/bu.json and issuers/bu/, which published awards point at, are no longer made: issuer "bu" is gone. Put '
     "content/issuers/bu.md back (to rename it, change its `name`, not its file name)"),
    (rename_badge, "badges/atelier-png.json",
     "badges/atelier-png.json, badges/atelier-png.png and badges/atelier-png/, which published awards point at, are "
     'no longer made: badge "atelier-png" is gone: if you renamed it, add `formerly: [atelier-png]` to the renamed '
     "file (its old addresses then keep answering); else put content/badges/atelier-png.md back (to stop awarding "
     "it, set `status: retired`)"),
    (svg_image, "badges/atelier-png.png",
     'badges/atelier-png.png, which published awards point at, is no longer made: the image of badge "atelier-png" '
     "was a PNG and is now an SVG; its awards' baked images were published as PNG too. Give it a PNG image again "
     "(export the SVG as a PNG of 512 px or more)"),
    (rename_competency, "competencies/oral/",
     'competencies/oral/, which published awards point at, is no longer made: competency "oral" is gone: if you '
     "renamed it, add `formerly: [oral]` to the renamed file (its old addresses then keep answering); else put "
     "content/competencies/oral.md back"),
])
def test_a_file_awards_point_at_cannot_go(awarded, change, first, message):
    root = awarded()
    build(root)
    change(root)
    assert failed_build(root) == [f"{RECORD}:{line_of(root, first)}:1: {message}"]


def test_a_line_deleted_from_the_record_is_no_longer_required(awarded):
    root = awarded()
    build(root)
    record = root / RECORD
    record.write_text(record.read_text().replace("competencies/oral/\n", ""))
    rename_competency(root)
    build(root)
    assert "competencies/parler/" in listed(root)


def test_signing_files_stay_published(signed_site):
    root = signed_site()
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("signing: {ob2: true}", "signing: {ob2: true, ob3: true}"))
    build(root)
    keys = [path for path in listed(root) if path.startswith("keys/")]
    assert [path.split("/")[1] for path in keys] == ["bu", "univ"]  # one key, for each issuer awarding
    assert {"revocations/bu.json", "revocations/univ.json", ".well-known/did.json", "status/1.json"} <= set(listed(root))

    # a key retired by a rotation stays; removing its file is refused
    rotate_keys(root)
    build(root)
    old = keys[0].rsplit("/", 1)[1].removesuffix(".json")
    rsa = next(root / key.source for key in load_keys(root, "keys").rsa if key.kid == old)
    rsa.rename(root / "rsa-elsewhere.pem")
    assert failed_build(root) == [
        f"{RECORD}:{line_of(root, keys[0])}:1: {keys[0]} and {keys[1]}, which published awards point at, are no longer "
        f"made: the RSA key {old} is no longer in keys/ (nor in $VITRINE_OB2_KEY). Put its file back: a key retired by "
        "`vitrine keys rotate` stays, so that what it signed still verifies"]
    (root / "rsa-elsewhere.pem").rename(rsa)
    # so with the Ed25519 key that signed 3.0 credentials: their holders' copies name it in the DID document
    ed25519 = [key for key in load_keys(root, "keys").ed25519 if key.retired is not None][0]
    anchor = f".well-known/did.json#{ed25519.kid}"
    assert anchor in listed(root)
    (root / ed25519.source).rename(root / "ed25519-elsewhere.pem")
    assert failed_build(root) == [
        f"{RECORD}:{line_of(root, anchor)}:1: {anchor}, which published awards point at, is no longer made: the "
        f"Ed25519 key {ed25519.kid} is no longer in keys/ (nor in $VITRINE_OB3_KEY), and the credentials it signed, "
        "as their holders keep them, name it. Put its file back: a key retired by `vitrine keys rotate` stays, so "
        "that what it signed still verifies"]
    (root / "ed25519-elsewhere.pem").rename(root / ed25519.source)

    # turning signing off is refused: what was signed is checked with these files
    site_yaml.write_text(site_yaml.read_text().replace("signing: {ob2: true, ob3: true}", "signing: {ob2: false, ob3: false}"))
    lines = failed_build(root)
    assert len(lines) == 2
    assert lines[0] == (
        f"{RECORD}:{line_of(root, '.well-known/did.json')}:1: .well-known/did.json and status/1.json, which published "
        "awards point at, are no longer made: site.yaml no longer issues Open Badges 3.0, and the credentials it "
        "issued are checked with the site's DID document and status list. Turn it back on (`signing: {ob3: true}`)")
    assert lines[1].startswith(f"{RECORD}:{line_of(root, keys[0])}:1: {keys[0]}, ")
    assert lines[1].endswith(", which published awards point at, are no longer made: site.yaml no longer signs Open "
                             "Badges 2.0, and the badges it signed are checked with the issuers' key documents and "
                             "revocation lists. Turn it back on (`signing: {ob2: true}`)")
    assert " and 3 more, " in lines[1]  # 4 key documents and 2 revocation lists, shown as 3 and a count


def test_base_url_cannot_move_under_published_awards(awarded):
    root = awarded()
    build(root)
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace(f"base_url: {BASE}", "base_url: https://badges.example.net/"))
    line = line_of(root, f"base_url: {BASE}")
    assert failed_build(root) == [
        f"site.yaml:3:11: base_url: awards were published under {BASE}, and their documents name it: under "
        "https://badges.example.net/ they would not verify. Put it back; if the site has moved for good (what was "
        f"published there stays online as it is, or is given up), write the new address at {RECORD}:{line}"]
    record = root / RECORD
    record.write_text(record.read_text().replace(f"base_url: {BASE}", "base_url: https://badges.example.net/"))
    build(root)  # the move is acknowledged
