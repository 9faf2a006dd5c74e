"""One folder per mistake under tests/sites/invalid/: each must fail with exactly its message.

A case folder holds `files/` (laid over the minimal site of conftest.MINIMAL; a file named
`DELETE` lists paths of the minimal site to remove) and `expected.txt`, the exact stderr lines
(problems, then the summary line). The build must exit 1 and leave the previous output alone.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, SITES, run_cli, write_site

CASES = sorted(p.name for p in (SITES / "invalid").iterdir() if p.is_dir())


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*")):
        if file.is_file():
            digest.update(file.relative_to(folder).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def test_there_are_enough_cases():
    assert len(CASES) >= 25


@pytest.fixture(scope="module")
def good_output(tmp_path_factory) -> Path:
    """A good build of the minimal site, to lay under each broken site."""
    root = write_site(tmp_path_factory.mktemp("good") / "site", {})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    return root / "output"


@pytest.mark.parametrize("case", CASES)
def test_invalid_site(case: str, tmp_path: Path, good_output: Path):
    folder = SITES / "invalid" / case
    base = dict(MINIMAL)
    delete = folder / "DELETE"
    if delete.is_file():
        for rel in delete.read_text().split():
            base.pop(rel, None)
    root = write_site(tmp_path / "site", {}, base)
    files = folder / "files"
    if files.is_dir():
        shutil.copytree(files, root, dirs_exist_ok=True, symlinks=True)
    shutil.copytree(good_output, root / "output")
    before = tree_digest(root / "output")
    status, out, err = run_cli("build", "--site", str(root))
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    assert err == expected, f"\n--- got ---\n{err}--- expected ---\n{expected}"
    assert status == 1
    assert "Traceback" not in err
    assert tree_digest(root / "output") == before
