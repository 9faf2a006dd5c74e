"""`vitrine new`: commented starting files that check once their placeholders are filled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli
from generator.scaffold import PLACEHOLDER_RE

FILLED = {  # what an author would write, by field
    "name": "Accueil en bibliothèque",
    "title": "Nous contacter",
    "description": "Accueillir et orienter les lecteurs de la bibliothèque pendant un semestre.",
    "design.label": "ACCUEIL",
    "url": "https://service.example.org/",
    "email": "service@example.org",
    "request.email": "badges@example.org",
    "request.instructions": "Écrivez-nous avant la fin du semestre.",
}
BODY = ("La personne a accueilli le public de la bibliothèque chaque semaine pendant un semestre, "
        "a répondu aux questions des lecteurs, les a orientés vers les bons services et a tenu à jour "
        "le cahier de liaison de l'équipe, qui en vérifie la tenue à la fin du semestre.")


def fill(text: str) -> str:
    """Replace every placeholder line as an author would: by field in the frontmatter, by
    sentences in the body."""
    out, key, in_body, fences = [], "", False, 0
    for line in text.split("\n"):
        if line.rstrip() == "---":
            fences += 1
            in_body = fences >= 2
        elif not in_body and not line.lstrip().startswith("#"):
            m = re.match(r"^(\s*)([a-z_]+):", line)
            if m:
                key = m.group(2) if not m.group(1) else key.split(".")[0] + "." + m.group(2)
        if PLACEHOLDER_RE.search(line):
            if in_body:
                line = BODY
            else:
                indent = re.match(r"^\s*", line).group(0)
                line = f"{indent}{key.split('.')[-1]}: {FILLED[key]}"
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("kind,folder", [("badge", "badges"), ("issuer", "issuers"),
                                         ("competency", "competencies"), ("page", "pages")])
def test_new_file_checks_once_filled(site, kind: str, folder: str):
    root = site()
    status, out, err = run_cli("new", kind, "nouveau", "--site", str(root))
    assert (status, err) == (0, "")
    file = root / "content" / folder / "nouveau.md"
    if kind == "badge":  # a draft: the message says how to publish it
        assert out == ("Créé : content/badges/nouveau.md, en brouillon (status: draft : ni publié ni attribuable) — "
                       "remplacez les valeurs « À COMPLÉTER » (`vitrine check` liste celles qui restent), puis "
                       "écrivez `status: active` pour le publier.\nPour le voir en l’écrivant : `vitrine serve "
                       "--drafts`, puis http://127.0.0.1:8000/badges/nouveau/\n")
    else:
        assert out == f"Créé : content/{folder}/nouveau.md — remplacez les valeurs « À COMPLÉTER », puis lancez `vitrine check`.\n"
    text = file.read_text(encoding="utf-8")
    assert "# " in text and "À COMPLÉTER" in text  # commented, in French, with placeholders
    # As written, the file is valid (the preview shows it at once), and each placeholder is a warning.
    status, out, err = run_cli("check", "--site", str(root))
    assert status == 0, err
    placeholders = [line for line in err.splitlines() if "still holds a placeholder" in line]
    assert placeholders and all(line.startswith(f"content/{folder}/nouveau.md:") for line in placeholders)
    assert run_cli("check", "--strict", "--site", str(root))[0] == 1
    # Filled in, it passes even the strict check.
    filled = fill(text)
    if kind == "badge":
        filled = filled.replace("competencies: []", "competencies: [oral]").replace("status: draft", "status: active")
    file.write_text(filled, encoding="utf-8")
    status, out, err = run_cli("check", "--strict", "--site", str(root))
    assert (status, err) == (0, ""), err
    status, out, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    assert (root / "output" / folder / "nouveau" / "index.html").is_file()


@pytest.mark.parametrize("language,message", [
    ("fr", "Créé : content/badges/nouveau.md, en brouillon (status: draft : ni publié ni attribuable) — remplacez les "
           "valeurs « À COMPLÉTER » (`vitrine check` liste celles qui restent), puis écrivez `status: active` pour le "
           "publier.\nPour le voir en l’écrivant : `vitrine serve --drafts`, puis http://127.0.0.1:8000/badges/nouveau/\n"),
    ("en", "Created content/badges/nouveau.md as a draft (status: draft: neither published nor awardable): replace the "
           "TO FILL IN values (`vitrine check` lists those left), then set `status: active` to publish it.\n"
           "To see it while you write it: `vitrine serve --drafts`, then http://127.0.0.1:8000/badges/nouveau/\n")])
def test_new_badge_is_a_draft_until_its_author_publishes_it(site, language: str, message: str):
    """Full of placeholders, a new badge must not be published (nor awarded) by accident, as
    `hugo new` writes `draft: true`; `vitrine check` still lists what is left to fill in."""
    root = site({"site.yaml": f"title: T\nbase_url: https://badges.example.org/\nlanguage: {language}\n"})
    status, out, err = run_cli("new", "badge", "nouveau", "--site", str(root))
    assert (status, out, err) == (0, message, "")
    text = (root / "content/badges/nouveau.md").read_text(encoding="utf-8")
    assert "\nstatus: draft\n" in text and "\nstatus: active\n" not in text
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    assert "content/badges/nouveau.md:7:8: warning: name: still holds a placeholder" in err
    assert not (root / "output/badges/nouveau").exists() and not (root / "output/badges/nouveau.json").exists()
    assert "nouveau" not in (root / "output/sitemap.xml").read_text(encoding="utf-8")
    status, _, err = run_cli("award", "nouveau", "--to", "ada@example.org", "--site", str(root))
    assert status == 1 and '"nouveau" is a draft: publish it (status: active) before awarding it' in err


def test_badge_refers_to_existing_issuer_and_lists_the_others(site):
    root = site()
    run_cli("new", "badge", "nouveau", "--site", str(root))
    text = (root / "content/badges/nouveau.md").read_text(encoding="utf-8")
    assert "\nissuer: bu\n" in text  # the issuer of most badges
    assert "bu, univ" in text and "oral" in text  # the choices, in comments
    # its file name is its address, which stays once awarded (awards/published-urls.txt)
    assert "# Le nom du fichier est l’adresse du badge (/badges/nouveau/) : une fois le badge\n" in text
    # where the image goes, so that `image: badges/nouveau.png` finds it (content/images/, then that path)
    assert "# Pour utiliser votre propre image, content/images/badges/nouveau.png, remplacez le bloc par :\n" in text
    root = site({"site.yaml": "title: Test badges\nbase_url: https://badges.example.org/\nlanguage: en\n"})
    run_cli("new", "badge", "fresh", "--site", str(root))
    run_cli("new", "issuer", "club", "--site", str(root))
    assert "# To use your own image, content/images/badges/fresh.png, replace the block with:\n#   image: badges/fresh.png" \
        in (root / "content/badges/fresh.md").read_text(encoding="utf-8")
    assert "preferably square, in content/images/issuers/) and what it shows:\n# image: issuers/club.svg\n" \
        in (root / "content/issuers/club.md").read_text(encoding="utf-8")


def test_english_site_gets_english_comments(site):
    root = site({"site.yaml": "title: Test badges\nbase_url: https://badges.example.org/\nlanguage: en\n"})
    status, out, _ = run_cli("new", "page", "contact", "--site", str(root))
    assert status == 0
    assert out.startswith("Created content/pages/contact.md")
    text = (root / "content/pages/contact.md").read_text(encoding="utf-8")
    assert "TO FILL IN" in text and "# A free page" in text and "À COMPLÉTER" not in text
    (root / "content/pages/contact.md").write_text(fill(text), encoding="utf-8")
    assert run_cli("check", "--strict", "--site", str(root))[:3:2] == (0, "")


def test_refuses_an_existing_file(site):
    root = site()
    before = (root / "content/badges/prise-de-parole.md").read_bytes()
    status, out, err = run_cli("new", "badge", "prise-de-parole", "--site", str(root))
    assert (status, out) == (1, "")
    assert err == "vitrine: content/badges/prise-de-parole.md already exists: edit it, or choose another slug\n"
    assert (root / "content/badges/prise-de-parole.md").read_bytes() == before


@pytest.mark.parametrize("slug,hint", [("Prise de Parole", ' (for example "prise-de-parole")'),
                                       ("été", ' (for example "ete")'), ("a.en", ' (for example "a-en")'),
                                       ("_", "")])
def test_refuses_an_invalid_slug(site, slug: str, hint: str):
    root = site()
    status, out, err = run_cli("new", "competency", slug, "--site", str(root))
    assert (status, out) == (2, "")  # a wrong command line, as README says
    assert err == f'vitrine: "{slug}" is not a valid slug: use lowercase letters, digits and hyphens{hint}\n'
    assert sorted(p.name for p in (root / "content/competencies").iterdir()) == ["oral.md"]


def test_refuses_a_folder_without_site(tmp_path: Path):
    status, _, err = run_cli("new", "page", "contact", "--site", str(tmp_path))
    assert status == 1
    assert err == f"vitrine: no site.yaml in {tmp_path}: is this a Vitrine site? (pass --site DIR)\n"
    assert not (tmp_path / "content").exists()


def test_unknown_kind_is_a_usage_error(site):
    status, _, err = run_cli("new", "badges", "x", "--site", str(site()))
    assert status == 2 and "invalid choice: 'badges'" in err
