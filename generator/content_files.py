"""Finding a site's content files: every Markdown file of content/issuers, badges, competencies
and pages, as a Task to parse (a translation by its `<slug>.<lang>.md` name), and the files that
would silently not be read (misplaced, misnamed: "aide.md.txt", ".MD", a subfolder, "zotero-en.md"
for zotero.en.md), each one problem at 1:1.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, did_you_mean
from .fields import SLUG_RE, tag_slug
from .model import Config

KINDS = {"issuers": "issuer", "badges": "badge", "competencies": "competency", "pages": "page"}
_NAME_RE = re.compile(r"^(?P<slug>[^.]+)(?:\.(?P<lang>[^.]+))?\.md$")
_MD_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


@dataclass
class Task:
    kind: str
    file: str  # a path: strings, as 10,000 Path objects would cost a tenth of a second
    rel: str
    slug: str
    lang: str | None  # a translation's language


def _markdown_name(path: Path) -> str | None:
    """The name a file meant as Markdown should have, when it would not be read as it is: "aide.md.txt"
    (Windows' Notepad adds .txt, and hides it), "aide.md " (a space after the name), a .txt file
    that opens with frontmatter. None for a file that is not Markdown (an image, a backup)."""
    name = path.name
    stem, suffix = os.path.splitext(name.rstrip())
    if suffix.lower() == ".txt":
        inner, md = os.path.splitext(stem)
        if md.lower() in _MD_SUFFIXES:
            return inner + ".md"
        try:
            with open(path, "rb") as handle:
                start = handle.read(8)
        except OSError:
            return None
        return stem + ".md" if start.lstrip(b"\xef\xbb\xbf").startswith(b"---") else None
    if name != name.rstrip() and suffix.lower() in _MD_SUFFIXES:
        return stem + ".md"
    return None


def misplaced_content(root: Path, problems: list[Problem]) -> None:
    """Files that would silently not be read: unknown folders, .MD or .markdown names, Markdown
    in subfolders. A file is reported at 1:1, as every problem about a whole file; a folder has no
    line, so it is reported without one (line 0)."""
    content = root / "content"
    folders = (*KINDS, "images", "endorsements")  # endorsements: signed JSON files, read by ob3/endorsement.py
    for entry in sorted(content.iterdir()):
        rel = entry.relative_to(root).as_posix()
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name not in folders:
            near = [f for f in folders if entry.name.lower() in (f, f[:-1], f[:-3] + "y")]  # Badge, competency
            hint = f' (did you mean "{near[0]}"?)' if near else did_you_mean(entry.name, folders)
            problems.append(Problem(rel + "/", 0, 0, "", "unknown folder" + hint))
        elif entry.is_file() and (entry.suffix.lower() in _MD_SUFFIXES or _markdown_name(entry)):
            problems.append(Problem(rel, 1, 1, "", "not read: content files go in content/issuers/, content/badges/, "
                                                   "content/competencies/ or content/pages/"))
    for folder in KINDS:
        top = os.path.join(content, folder)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                suffix = os.path.splitext(name)[1]
                if suffix == ".md" and dirpath == top or name.startswith("."):
                    continue  # read (or hidden): the common case, decided without a path
                here = Path(dirpath)
                rel = (here / name).relative_to(root).as_posix()
                target = _markdown_name(here / name)
                if target is not None and dirpath == top:
                    problems.append(Problem(rel, 1, 1, "", f'not read: a content file\'s name ends in ".md" '
                                                           f'(rename it "{target}")'))
                    continue
                if suffix.lower() not in _MD_SUFFIXES and target is None:
                    continue
                target = target or name[: -len(suffix)] + ".md"
                if dirpath != top:
                    problems.append(Problem(rel, 1, 1, "", f"subfolders are not read: move {target} to content/{folder}/"))
                elif suffix != ".md":
                    problems.append(Problem(rel, 1, 1, "", f'not read: a content file\'s name ends in ".md" '
                                                           f'(rename it "{target}")'))


def _translation_meant(folder: Path, slug: str, lang: str | None, others: list[str]) -> tuple[str, str] | None:
    """(original slug, language) when a file named "zotero-en" or "zotero_en" sits beside
    zotero.md and en is one of the site's other languages: a translation, misnamed."""
    if not others or lang is not None:
        return None
    found = re.fullmatch(r"(.+?)[-_ ](" + "|".join(map(re.escape, others)) + ")", slug, re.I)
    if found is None:
        return None
    original, code = found[1], found[2].lower()
    return (original, code) if code in others and (folder / f"{original}.md").is_file() else None


def find_files(config: Config, problems: list[Problem], misnamed: dict[tuple[str, str], str] | None = None) -> list[Task]:
    """Every content file, in a stable order; misnamed files are problems. `misnamed` gets the
    slug each misnamed file was meant to have ("Code-Club.md": code-club), with its path."""
    content = config.root / "content"
    tasks = []
    if not content.is_dir():
        problems.append(Problem("content/", 0, 0, "", "no such folder: create content/badges/, content/issuers/..."))
        return tasks
    misplaced_content(config.root, problems)
    content_real = content.resolve()
    for folder, kind in KINDS.items():
        base = content / folder
        if not base.is_dir():
            continue
        outside = base.is_symlink()  # a linked folder: each of its files is checked
        with os.scandir(base) as listing:  # the entries' types come with the names: no stat each
            # hidden files are editors' and tools' (as elsewhere in content/): not content
            entries = sorted((e for e in listing if os.path.splitext(e.name)[1] == ".md" and not e.name.startswith(".")
                              and e.is_file()), key=lambda e: e.name)
        names = {e.name for e in entries}
        for entry in entries:
            name, rel = entry.name, f"content/{folder}/{entry.name}"
            if (outside or entry.is_symlink()) and not Path(entry.path).resolve().is_relative_to(content_real):
                where = (f"content/{folder}/ is a link to a folder outside content/" if outside
                         else f'"{name}" is a link to a file outside content/')
                problems.append(Problem(rel, 1, 1, "", f"{where}: content files must be inside content/"))
                continue
            match = _NAME_RE.match(name)
            slug, lang = (match["slug"], match["lang"]) if match else (name[:-3], None)
            meant = _translation_meant(base, slug, lang, config.languages[1:])
            if meant and (not match or not SLUG_RE.match(slug)):
                problems.append(Problem(rel, 1, 1, "", f'"{name}" is not a valid file name: a translation of '
                                                     f'{meant[0]}.md is named "{meant[0]}.{meant[1]}.md"'))
                continue
            if meant:  # "zotero-en.md" beside zotero.md: a badge of its own, or a translation misnamed?
                problems.append(Problem(rel, 1, 1, "", f'if this is the {meant[1]} translation of {meant[0]}.md, name it '
                                                     f'"{meant[0]}.{meant[1]}.md"', warning=True))
            if not match or not SLUG_RE.match(slug):
                better = tag_slug(slug)  # "Prise de parole" -> "prise-de-parole", "a--b" -> "a-b"
                meant_name = f'{better}{"." + lang if lang else ""}.md'
                hint = ("" if not better else f" ({meant_name} exists beside it: keep one of the two)"
                        if meant_name in names else f' (rename it "{meant_name}")')  # not is_file(): macOS ignores case
                problems.append(Problem(rel, 1, 1, "", f'"{name}" is not a valid file name: the slug before .md '
                                                     f"takes lowercase letters, digits and hyphens{hint}"))
                if misnamed is not None and better and lang is None:
                    misnamed.setdefault((kind, better), rel)
                continue
            if lang is not None and lang not in config.languages[1:]:
                others = ", ".join(config.languages[1:])
                if lang.lower() in config.languages[1:]:  # zotero.EN.md
                    message = f'"{lang}": language codes are lowercase: name it "{slug}.{lang.lower()}.md"'
                elif lang != config.language:
                    message = (f'"{lang}" is not one of the site\'s other languages ({others})' if others else
                               f'"{lang}": the site has no other language than {config.language} '
                               f"(list them in site.yaml: languages: [{config.language}, {lang}])")
                elif (base / f"{slug}.md").is_file():
                    message = (f'"{lang}" is the site\'s default language, whose text is in {slug}.md: '
                               f"a translation is for another language ({others or 'the site has none'})")
                else:
                    message = (f'"{lang}" is the site\'s default language: rename this file {slug}.md '
                               f"(a translation is for another language{': ' + others if others else ''})")
                    if misnamed is not None:  # the original, misnamed: what names its slug is not wrong too
                        misnamed.setdefault((kind, slug), rel)
                problems.append(Problem(rel, 1, 1, "language", message))
                continue
            tasks.append(Task(kind, entry.path, rel, slug, lang))
    return tasks
