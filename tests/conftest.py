"""Shared test helpers: build a site from a dict of files, run the CLI, read outputs."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from generator.cli import main

TESTS = Path(__file__).parent
SITES = TESTS / "sites"
REPO = TESTS.parent


def png_bytes(size: int = 256, colour: str = "#1f5fa8", width: int | None = None) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width or size, size), colour).save(buffer, "PNG")
    return buffer.getvalue()


SQUARE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">'
              '<circle cx="256" cy="256" r="240" fill="#1f5fa8"/></svg>\n')

# The badge's body: at least 40 words, so that the authoring checks (lint.py) have nothing to say.
BADGE_CRITERIA = """## Ateliers

Participer à **trois** ateliers.

Les ateliers ont lieu à la bibliothèque pendant le semestre. Chaque participant présente un
exposé de dix minutes devant le groupe, puis répond aux questions. Une bibliothécaire observe
l'exposé et en discute ensuite avec la personne.
"""

MINIMAL = {
    "site.yaml": """
        title: Badges de test
        description: Un petit catalogue pour les tests.
        base_url: https://badges.example.org/
        language: fr
        languages: [fr, en]
    """,
    "content/issuers/univ.md": """
        ---
        name: Université de Test
        url: https://univ.example.org/
        email: contact@univ.example.org
        ---
        L'université.
    """,
    "content/issuers/bu.md": """
        ---
        name: Bibliothèque universitaire
        url: https://bu.example.org/
        email: bu@univ.example.org
        parent: univ
        request:
          email: badges-bu@univ.example.org
          instructions: Écrivez-nous.
        ---
        La bibliothèque.
    """,
    "content/competencies/oral.md": """
        ---
        name: S'exprimer à l'oral
        description: Prendre la parole devant un groupe.
        framework: Référentiel de test
        group: Communiquer
        code: COM-1
        ---
        En pratique.
    """,
    "content/badges/prise-de-parole.md": """
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
        ---
""" + textwrap.indent(BADGE_CRITERIA, " " * 8),
    "content/images/badge.svg": SQUARE_SVG,
    "content/pages/a-propos.md": """
        ---
        title: À propos
        menu: 1
        ---
        Ce catalogue sert aux tests.
    """,
}


def write_site(root: Path, files: dict[str, str | bytes], base: dict | None = None) -> Path:
    """Write a site: `base` files (MINIMAL by default), then `files` (None deletes a file)."""
    merged = dict(MINIMAL if base is None else base)
    merged.update(files)
    for rel, content in merged.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run `vitrine ARGS` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse
            status = exc.code if isinstance(exc.code, int) else 1
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def site(tmp_path: Path):
    """A factory: site({"content/badges/x.md": "..."}) -> the site folder."""
    def make(files: dict | None = None, base: dict | None = None) -> Path:
        return write_site(tmp_path / "site", files or {}, base)
    return make


SITE_PARTS = ("site.yaml", "content", "awards", "templates", "static")


def copy_site(src: Path, dst: Path) -> Path:
    """Copy a site's own files (not its output, cache or anything else in the folder)."""
    dst.mkdir(parents=True)
    for name in SITE_PARTS:
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name)
        elif (src / name).is_file():
            shutil.copy2(src / name, dst / name)
    return dst


def vitrine_subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)
