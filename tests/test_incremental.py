"""Incremental builds (incremental.py): after any change, the output is byte for byte what a full
build gives, only what changed is rendered, and the live output is never written into."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import png_bytes
from generator.build import build
from generator.output_check import check_output
from test_awards import AWARDS, PNG_BADGE, SALT
from test_awards import fixed_today  # noqa: F401 - fixture

NEW = f"""\
- id: 9a9b9c9d-1111-4222-8333-944455556666
  badge: atelier-png
  recipient: zoe@example.org
  issued_on: 2024-11-02
  salt: {SALT}
"""


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, tuple[int, int, int]]:
    out = {}
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(folder).as_posix()] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture
def root(site):
    return site({"content/badges/atelier-png.md": PNG_BADGE, "content/images/atelier.png": png_bytes(256),
                 "awards/prise-de-parole.yaml": AWARDS})


def check_same_as_full(root: Path, tmp_path: Path, n: int) -> int:
    """Build incrementally, then fully elsewhere: the same files, the same bytes. The number of
    files rendered by the incremental build."""
    result = build(root, root / "output", workers=2)
    assert not result.skipped
    check = check_output(root / ".vitrine-cache", (root / "output").resolve())
    assert check is not None and not check.damaged  # the record says what output/ holds now
    full = build(root, tmp_path / f"full-{n}", workers=2, force=True)
    got, expected = tree(root / "output"), tree(full.out)
    if got != expected:
        import difflib

        bad = sorted(k for k in set(got) | set(expected) if got.get(k) != expected.get(k))
        first = bad[0]
        diff = difflib.unified_diff(got.get(first, b"").decode(errors="replace").splitlines(),
                                    expected.get(first, b"").decode(errors="replace").splitlines(), lineterm="", n=1)
        pytest.fail(f"step {n}: {len(bad)} files differ ({bad[:6]}):\n" + "\n".join(list(diff)[:30]))
    return result.rendered


@pytest.mark.parametrize("in_place", [True, False, "mixed"], ids=["in-place", "spare", "mixed"])
def test_every_change_gives_the_full_build(root, tmp_path, monkeypatch, in_place):
    from generator import incremental

    if not in_place:  # every change published through the spare folder and a swap
        monkeypatch.setattr(incremental, "IN_PLACE_MAX", -1)
    elif in_place == "mixed":  # the small changes in place, the others through the spare
        monkeypatch.setattr(incremental, "IN_PLACE_MAX", 12)
    first = build(root, root / "output", workers=2)
    assert first.rendered == first.files
    before = inodes(root / "output")
    # one award added: its pages and JSON, its badge's page (holders), the stats
    with open(root / "awards/prise-de-parole.yaml", "a", encoding="utf-8") as f:
        f.write(NEW)
    rendered = check_same_as_full(root, tmp_path, 1)
    assert rendered <= 14, rendered  # + the stats (2 pages, 4 CSV) and /verify/ (2), which depend on all records
    if in_place is True:
        # a change this small went straight into the output (incremental.Plan), by renames: no
        # file was written into (it may share its inode with the spare)
        after = inodes(root / "output")
        rewritten = [k for k in before if k in after and after[k][0] == before[k][0] and after[k] != before[k]]
        assert not rewritten and any(after[k][0] != before[k][0] for k in before if k in after)
        assert not (root / ".output.prev").exists()
    elif in_place is False:
        # the previous output, now the spare, was not written into while it was live
        after = {k: v for k, v in inodes(root / ".output.prev").items() if k in before}
        assert after == before
    # a revocation
    text = (root / "awards/prise-de-parole.yaml").read_text()
    (root / "awards/prise-de-parole.yaml").write_text(text + "  revoked: {date: 2024-12-01, reason: Erreur}\n")
    assert check_same_as_full(root, tmp_path, 2) <= 16
    # a badge edited: its awards' pages show its name
    badge = root / "content/badges/atelier-png.md"
    badge.write_text(badge.read_text().replace("name: Atelier PNG", "name: Atelier en PNG"))
    check_same_as_full(root, tmp_path, 3)
    # a page removed: its files go
    (root / "content/pages/a-propos.md").unlink()
    check_same_as_full(root, tmp_path, 4)
    assert not (root / "output/pages/a-propos").exists()
    # a template of the site's own
    (root / "templates").mkdir()
    (root / "templates/assertion.html").write_text("{{ award.id }} {{ status }}\n")
    check_same_as_full(root, tmp_path, 5)
    (root / "templates/assertion.html").unlink()
    check_same_as_full(root, tmp_path, 6)
    # another day: statuses change (an award expires)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1735732800 + 600 * 86400))
    check_same_as_full(root, tmp_path, 7)
    # nothing changed
    assert build(root, root / "output", workers=2).skipped


def test_a_failed_build_leaves_the_output_and_is_not_trusted(root, tmp_path):
    build(root, root / "output", workers=2)
    with open(root / "awards/prise-de-parole.yaml", "a", encoding="utf-8") as f:
        f.write(NEW)
    build(root, root / "output", workers=2)  # now there is a trusted spare
    good = tree(root / "output")
    (root / "templates").mkdir()
    (root / "templates/assertion.html").write_text("{{ award.id }} {{ nothing.here }}\n")
    from generator.build import RenderError

    with pytest.raises(RenderError):
        build(root, root / "output", workers=2)
    assert tree(root / "output") == good
    (root / "templates/assertion.html").unlink()
    (root / "templates").rmdir()
    with open(root / "awards/prise-de-parole.yaml", "a", encoding="utf-8") as f:
        f.write(NEW.replace("9a9b9c9d-1111", "8a8b8c8d-1111"))
    result = build(root, root / "output", workers=2)  # the spare, half written, is not used: a new folder
    full = build(root, tmp_path / "full", workers=2, force=True)
    assert tree(root / "output") == tree(full.out)
    assert result.rendered < 20  # the rest hard-linked from the live output


def test_output_removed_or_forced(root, tmp_path):
    import shutil

    build(root, root / "output", workers=2)
    shutil.rmtree(root / "output")
    result = build(root, root / "output", workers=2)
    assert result.rendered == result.files and tree(root / "output")
    result = build(root, root / "output", workers=2, force=True)
    assert result.rendered == result.files
    assert not any(name.startswith(".output.tmp") for name in os.listdir(root))


@pytest.mark.parametrize("in_place", [True, False], ids=["in-place", "spare"])
def test_files_removed_or_changed_in_the_output_are_made_again(root, tmp_path, monkeypatch, in_place):
    """Builds compare output/ with what the last one left there (every file's size, time and
    inode; a build whose inputs changed, the files out of award groups): a file removed or changed
    by hand is made again, even when no input changed, and the spare, which shares the changed
    files' inodes, is not trusted for them either."""
    from generator import incremental, output_check

    if not in_place:
        monkeypatch.setattr(incremental, "IN_PLACE_MAX", -1)
    monkeypatch.setattr(output_check, "SPLIT_FROM", 2)  # stats taken by two processes, as for a large site
    build(root, root / "output", workers=2)
    with open(root / "awards/prise-de-parole.yaml", "a", encoding="utf-8") as f:
        f.write(NEW)
    build(root, root / "output", workers=2)  # through the spare: output/ and the spare share inodes
    out = root / "output"
    (out / "badges/prise-de-parole/index.html").unlink()
    with open(out / "index.html", "ab") as f:
        f.write(b"<!-- added by hand -->")
    award = out / f"assertions/{NEW[6:42]}.json"  # a file of a job group (the awards of one file)
    award.write_bytes(award.read_bytes().replace(b"{", b"{ ", 1))  # written into: the same inode
    assert check_same_as_full(root, tmp_path, 1) == 3
    assert build(root, root / "output", workers=2).skipped
    with open(root / "awards/prise-de-parole.yaml", "a", encoding="utf-8") as f:
        f.write(NEW.replace("9a9b9c9d", "8a8b8c8d"))
    check_same_as_full(root, tmp_path, 2)  # the folder that was live with the changed files, if reused
    (out / "index.html").unlink()  # and with a change of the inputs too
    with open(root / "awards/prise-de-parole.yaml", "a", encoding="utf-8") as f:
        f.write(NEW.replace("9a9b9c9d", "7a7b7c7d"))
    check_same_as_full(root, tmp_path, 3)


OTHER = f"""\
- id: 7a7b7c7d-1111-4222-8333-944455556666
  badge: atelier-png
  recipient: yann@example.org
  issued_on: 2024-10-02
  salt: {SALT}
"""


@pytest.mark.parametrize("in_place", [True, False], ids=["in-place", "spare"])
def test_awards_of_unchanged_files_are_not_even_listed(root, tmp_path, monkeypatch, in_place):
    """The jobs of an awards file come in groups (render.base.JobGroup): after one award was
    added, only the groups of its file are made; the others' files are kept or linked."""
    from generator import incremental

    if not in_place:
        monkeypatch.setattr(incremental, "IN_PLACE_MAX", -1)

    (root / "awards/atelier-png.yaml").write_text(OTHER)
    plans = []

    class Spy(incremental.Plan):
        def __init__(self, out, *args, **kwargs):
            super().__init__(out, *args, **kwargs)
            plans.append((out, self))

    monkeypatch.setattr(incremental, "Plan", Spy)
    build(root, root / "output", workers=2)
    first = plans[-1][1]
    assert first.expanded and not first.kept
    per_file = len(first.groups) // 2  # award pages per language, OB 2.0 assertions...
    for n, (file, record) in enumerate([("prise-de-parole", NEW), ("atelier-png", NEW.replace("9a9b9c9d", "6a6b6c6d")),
                                        ("atelier-png", NEW.replace("9a9b9c9d", "5a5b5c5d"))], 1):
        with open(root / f"awards/{file}.yaml", "a", encoding="utf-8") as f:
            f.write(record)
        check_same_as_full(root, tmp_path, n)
        plan = next(p for out, p in reversed(plans) if out == (root / "output").resolve())
        assert len(plan.groups) - len(plan.kept) == per_file, n
        assert {job.path for job in plan.expanded} >= {f"assertions/{record[6:42]}.json"}

    # an awards file removed, its records moved into another file: the files move between groups
    moved = (root / "awards/atelier-png.yaml").read_text()
    (root / "awards/atelier-png.yaml").unlink()
    with open(root / "awards/prise-de-parole.yaml", "a", encoding="utf-8") as f:
        f.write(moved)
    check_same_as_full(root, tmp_path, 4)
    # and back
    text = (root / "awards/prise-de-parole.yaml").read_text()
    (root / "awards/prise-de-parole.yaml").write_text(text.replace(moved, ""))
    (root / "awards/atelier-png.yaml").write_text(moved)
    check_same_as_full(root, tmp_path, 5)
    # one removed for good (published, so revoked instead): still the full build
    (root / "awards/atelier-png.yaml").write_text(moved + "  revoked: {date: 2024-12-01, reason: Erreur}\n")
    check_same_as_full(root, tmp_path, 6)


def test_a_new_version_of_the_code_renders_bodies_again(tmp_path):
    """The parsed content files kept in .vitrine-cache (parsed.bin) were trusted as long as
    __version__ was the same: after an upgrade (or a fix to the Markdown or the sanitizer) that
    kept the version, every unchanged body kept the old code's HTML, and the output differed from
    a clean build's. The code here is a copy, changed between two builds as an upgrade would."""
    import shutil
    import subprocess
    import sys

    from conftest import REPO, write_site

    code = tmp_path / "code"
    shutil.copytree(REPO / "generator", code / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    root = write_site(tmp_path / "site", {})
    env = {**os.environ, "PYTHONPATH": str(code)}

    def page() -> str:
        done = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(root)], cwd=tmp_path,
                              env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return (root / "output/pages/a-propos/index.html").read_text(encoding="utf-8")

    assert "Ce catalogue sert aux tests." in page()
    markup = code / "generator/markup.py"
    text = markup.read_text(encoding="utf-8")
    assert "\ndef sanitize(markup: str) -> str:\n" in text
    markup.write_text(text.replace("\ndef sanitize(markup: str) -> str:\n",
                                   "\ndef sanitize(markup: str) -> str:\n    return 'NEW CODE'\n"), encoding="utf-8")
    assert "NEW CODE" in page()
