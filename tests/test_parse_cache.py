"""The parse cache kept in .vitrine-cache between builds (parse_cache.StoredParseCache): results
of unchanged files come back equal, changed, new and deleted files are seen, and a damaged or
foreign file, or one another build wrote meanwhile, never gives a wrong result."""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from generator.parse_cache import StoredParseCache


@dataclass
class FakeTask:
    kind: str
    lang: str | None
    file: Path
    rel: str


def tasks_of(folder: Path) -> list[FakeTask]:
    return [FakeTask("badge", None, p, p.name) for p in sorted(folder.glob("*.md"))]


class Parser:
    """Counts what it parses; a result is the file's text, upper-cased, with its name."""

    def __init__(self) -> None:
        self.parsed: list[str] = []

    def __call__(self, todo):
        for task in todo:
            self.parsed.append(task.rel)
            yield pickle.dumps({"rel": task.rel, "text": task.file.read_text().upper()})


def load(store: Path, folder: Path, code: str = "code-1") -> tuple[list, list[str]]:
    cache = StoredParseCache(store, code)
    parser = Parser()
    try:
        results = cache.parse_all(tasks_of(folder), parser)
    finally:
        cache.save()
    return results, parser.parsed


def expected(folder: Path) -> list:
    return [{"rel": p.name, "text": p.read_text().upper()} for p in sorted(folder.glob("*.md"))]


def edit(path: Path, text: str) -> None:
    path.write_text(text)
    st = path.stat()  # a later time than the last build's, as an editor's save gives
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_unchanged_files_come_back_from_the_store_and_changes_are_seen(tmp_path):
    folder, store = tmp_path / "content", tmp_path / "cache/parsed.bin"
    folder.mkdir()
    for i in range(30):
        (folder / f"b{i:02}.md").write_text(f"badge {i}\n" * (i + 1))
    results, parsed = load(store, folder)
    assert results == expected(folder) and len(parsed) == 30
    results, parsed = load(store, folder)
    assert results == expected(folder) and parsed == []

    edit(folder / "b07.md", "edited\n")
    (folder / "b99.md").write_text("new\n")
    (folder / "b03.md").unlink()
    results, parsed = load(store, folder)
    assert results == expected(folder) and parsed == ["b07.md", "b99.md"]
    results, parsed = load(store, folder)  # what the last load appended is read back
    assert results == expected(folder) and parsed == []
    assert "b03.md" not in StoredParseCache(store, "code-1").index


def test_dead_results_do_not_pile_up(tmp_path):
    folder, store = tmp_path / "content", tmp_path / "parsed.bin"
    folder.mkdir()
    for i in range(20):
        (folder / f"b{i:02}.md").write_text("x" * 60_000)
    load(store, folder)
    first = store.stat().st_size
    for round_ in range(60):  # one badge edited again and again: each load appends its result
        edit(folder / "b05.md", f"{round_} " + "y" * 60_000)
        results, parsed = load(store, folder)
        assert parsed == ["b05.md"] and results == expected(folder)
    assert store.stat().st_size < 2 * first + (1 << 20) + 200_000  # 60 edits appended 3.6 MB
    results, parsed = load(store, folder)
    assert results == expected(folder) and parsed == []


def test_a_damaged_or_foreign_file_is_parsed_again_never_misread(tmp_path):
    folder, store = tmp_path / "content", tmp_path / "parsed.bin"
    folder.mkdir()
    for i in range(10):
        (folder / f"b{i}.md").write_text(f"badge {i}\n")
    load(store, folder)
    whole = store.read_bytes()
    for damaged in (whole[:-5], whole[:len(whole) // 2], b"", whole[:-24] + b"\0" * 24, b"junk" + whole[4:]):
        store.write_bytes(damaged)
        results, parsed = load(store, folder)
        assert results == expected(folder) and len(parsed) == 10
    results, parsed = load(store, folder, code="code-2")  # other code: its results are not these
    assert results == expected(folder) and len(parsed) == 10


def test_a_build_that_wrote_the_file_meanwhile_wins(tmp_path):
    """Two builds of one site at once: the first reads the store, the second writes it again
    (a cold store, or a copy without its dead results), then the first appends its new result.
    It must not write offsets of the file it read into the new one."""
    folder, store = tmp_path / "content", tmp_path / "parsed.bin"
    folder.mkdir()
    for i in range(10):
        (folder / f"b{i}.md").write_text(f"badge {i}\n")
    load(store, folder)
    first = StoredParseCache(store, "code-1")  # reads the store's index
    copy = tmp_path / "copy.bin"
    for replaced in (lambda: (store.unlink(), load(store, folder)),  # the second build, from nothing
                     lambda: (copy.write_bytes(store.read_bytes()), os.replace(copy, store))):  # or a copy
        replaced()
        edit(folder / "b2.md", f"edited by the first build {replaced}\n")
        results = first.parse_all(tasks_of(folder), Parser())  # appends to the file it read, if any
        assert results == expected(folder)
    first.save()
    results, parsed = load(store, folder)
    assert results == expected(folder) and parsed == ["b2.md"]


def test_an_unwritable_cache_folder_only_costs_the_cache(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a.md").write_text("a\n")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be\n")
    results, parsed = load(blocker / "parsed.bin", folder)
    assert results == expected(folder) and parsed == ["a.md"]
