"""What a build has published that must stay published, since a published URL answers for ever.

awards/published.txt: every award id a build has published. An id listed there whose record is
gone stops the build (DESIGN §4): the record must stay, revoked if need be.

awards/published-urls.txt: every file that published awards point at (their badge's page, JSON
and image, their issuer's profile, the competencies they align to, the keys that signed them,
the DID document, each of its keys (`did.json#<kid>`, render.ob3.anchors) and the status list of
3.0 credentials). An award's own URLs carry its id, kept by
published.txt; these carry slugs and file types, which an author can change without touching
an award record: renaming an issuer's file, or a badge image made an SVG, would leave every
signed badge of theirs pointing at a missing file. A build that no longer makes a file listed
there stops, saying what removed it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .awards import AWARDS_DIR, UUID_RE
from .errors import Problem
from .frontmatter import decode

if TYPE_CHECKING:
    from .model import Site

PUBLISHED_FILE = "published.txt"  # in awards/
PUBLISHED_HEADER = """\
# Every award id that a build has published (`vitrine build` adds new ones). Keep this file under
# version control with the records: an id listed here must stay in awards/*.yaml, revoked if need
# be (`vitrine revoke ID --reason ...`), because its URL answers for ever. Delete a line only for
# an award that was never put online.
"""

URLS_FILE = "published-urls.txt"  # in awards/
URLS_HEADER = """\
# Every file that published awards point at, as a path under the base_url written first
# (`vitrine build` adds new ones): their badges' pages, JSON and images, their issuers' profiles,
# the competencies they align to, the keys that signed them. Verifiers and backpacks fetch these
# for years: a build that no longer makes one of them, or under another base_url, stops. Keep this
# file under version control with the records. Delete a line only for a file never put online.
"""

BASE_PREFIX = "base_url: "  # the record's first line: the address the files are published under

_READ: dict[Path, tuple[tuple, tuple[list[str], frozenset[str], list[Problem]]]] = {}


def _record(root: Path, name: str) -> tuple[list[str], frozenset[str], list[Problem]]:
    """A record of awards/ as its lines (stripped), the set of them, and a problem reading it. A
    build reads it twice (to check it, then to add to it): the second time, unless the file
    changed, from memory."""
    file = root / AWARDS_DIR / name
    try:
        st = file.stat()
    except OSError:
        return [], frozenset(), []
    stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
    known = _READ.get(file)
    if known is not None and known[0] == stamp:
        return known[1]
    text, problem = decode(file.read_bytes(), f"{AWARDS_DIR}/{name}")
    lines = [] if problem else [line.strip() for line in text.split("\n")]  # an id with spaces around it counts
    result = (lines, frozenset(lines), [problem] if problem else [])
    if len(_READ) > 4:  # the records of one or two sites, not of every site a test suite builds
        _READ.clear()
    _READ[file] = (stamp, result)
    return result


def _published(root: Path) -> tuple[list[str], frozenset[str], list[Problem]]:
    return _record(root, PUBLISHED_FILE)


def published_ids(root: Path) -> frozenset[str]:
    """The lines of awards/published.txt, stripped: every published id is among them."""
    return _published(root)[1]


def check_published(root: Path, ids: set[str]) -> list[Problem]:
    """A problem for each line of published.txt that is not an id of `ids` (the records')."""
    lines, unique, problems = _published(root)
    other = unique.difference(ids)
    if not other and not problems:
        return []
    rel = f"{AWARDS_DIR}/{PUBLISHED_FILE}"
    problems = list(problems)
    for n, value in enumerate(lines, 1):  # lines come stripped
        if value not in other or not value or value.startswith("#"):
            continue
        if not UUID_RE.match(value):
            problems.append(Problem(rel, n, 1, "", f'"{value}" is not an award id (one lowercase UUID per line)'))
        else:
            problems.append(Problem(rel, n, 1, "", f"award {value} was published but is no longer in awards/*.yaml: "
                                    "its URL must keep answering. Restore its record (revoke it with `vitrine revoke "
                                    f"{value} --reason ...` if it should no longer count)"))
    return problems


def remember_published(root: Path, site: Site, made: Collection[str]) -> int:
    """After a build that published `made` (its output paths): append the award ids not yet
    listed in awards/published.txt, and the files they point at not yet listed in
    awards/published-urls.txt. The number of ids added."""
    known = published_ids(root)
    new = [a.id for a in site.awards if a.id not in known]
    if new:
        append_lines(root / AWARDS_DIR / PUBLISHED_FILE, PUBLISHED_HEADER, new)
    lines, listed, _ = _record(root, URLS_FILE)
    urls = [path for path in relied_on(site, made) if path not in listed]
    if urls and _recorded_base(lines) is None:  # the address they are published under, first
        urls.insert(0, BASE_PREFIX + site.config.base_url)
    if urls:
        append_lines(root / AWARDS_DIR / URLS_FILE, URLS_HEADER, urls)
    return len(new)


def _recorded_base(lines: list[str]) -> tuple[int, str] | None:
    """The line number and value of the record's last `base_url:` line."""
    for n in range(len(lines), 0, -1):
        if lines[n - 1].startswith(BASE_PREFIX):
            return n, lines[n - 1][len(BASE_PREFIX):].strip()
    return None


def _is_path(line: str) -> bool:
    return bool(line) and not line.startswith(("#", BASE_PREFIX))


def _made(path: str, made: Collection[str]) -> bool:
    return path in made or (path.endswith("/") and path + "index.html" in made)


def relied_on(site: Site, made: Collection[str]) -> list[str]:
    """The files that the awards' documents point at, among those made, sorted: for each badge
    awarded, its page, JSON and image, the competencies it aligns to, its issuer's page and
    profile, their key documents and revocation list (OB 2.0 signing); the DID document and
    status list of 3.0 credentials."""
    if not site.awards:
        return []
    from .ob3.did import DID_FILE, WELL_KNOWN
    from .ob3.status import LIST_PATH

    cat = site.default
    wanted = {DID_FILE, WELL_KNOWN, LIST_PATH}
    issuers: set[str] = set()
    for slug in {award.badge for award in site.awards}:
        badge = cat.badges.get(slug) or cat.formerly.get(slug)  # a record may name a former slug
        if badge is None:
            continue
        wanted.update((badge.path, badge.json_path, badge.image.path, badge.issuer.path))
        wanted.update(parent.path for parent in badge.issuer.ancestors)  # a 3.0 profile's parentOrg
        wanted.update(comp.path for comp in badge.competencies)
        issuers.add(badge.issuer.slug)
    for slug in issuers:
        wanted.update((f"issuers/{slug}.json", f"revocations/{slug}.json"))
    signing = site.config.signing
    if signing.ob2 or signing.ob3:  # every key: a retired one verifies what it signed, as its holders keep it
        keys = (f"{DID_FILE}#", f"{WELL_KNOWN}#") if signing.ob3 else ()  # the DID document's (render.ob3.anchors)
        for path in made:
            if path.startswith(keys) or (signing.ob2 and path.startswith("keys/") and path.split("/", 2)[1] in issuers):
                wanted.add(path)
    return sorted(path for path in wanted if _made(path, made))


def check_relied_on(site: Site, made: Collection[str]) -> list[Problem]:
    """A problem for each file of awards/published-urls.txt that this build (`made`, its output
    paths) no longer makes, saying what removed it."""
    lines, unique, problems = _record(site.config.root, URLS_FILE)
    base = _recorded_base(lines)
    moved = base is not None and base[1] != site.config.base_url
    if not problems and not moved and all(_made(path, made) for path in unique if _is_path(path)):
        return []
    rel = f"{AWARDS_DIR}/{URLS_FILE}"
    problems = list(problems)
    if moved:
        from .config import CONFIG_FILE, position

        problems.append(Problem(CONFIG_FILE, *position(site.config.root, ("base_url",)), "base_url",
                                f"awards were published under {base[1]}, and their documents name it: under "
                                f"{site.config.base_url} they would not verify. Put it back; if the site has moved "
                                f"for good (what was published there stays online as it is, or is given up), write "
                                f"the new address at {rel}:{base[0]}"))
    by_cause: dict[str, list[tuple[int, str]]] = {}  # one line per cause (an issuer gone takes two files)
    for n, path in enumerate(lines, 1):
        if "#" in path and path.partition("#")[0] not in made:
            continue  # a place in a file that is gone: said with the file
        if _is_path(path) and not _made(path, made):
            by_cause.setdefault(_gone_because(site, path, made), []).append((n, path))
    problems.extend(_gone_problem(gone, cause) for cause, gone in by_cause.items())
    return problems


def _gone_problem(gone: list[tuple[int, str]], cause: str) -> Problem:
    """One line for the record's lines (number, path) that one cause removed, at the first."""
    paths = [path for _, path in gone]
    if len(paths) > 4:
        paths = [*paths[:3], f"{len(paths) - 3} more"]
    shown = paths[0] if len(paths) == 1 else ", ".join(paths[:-1]) + " and " + paths[-1]
    verb = "is" if len(paths) == 1 else "are"
    return Problem(f"{AWARDS_DIR}/{URLS_FILE}", gone[0][0], 1, "",
                   f"{shown}, which published awards point at, {verb} no longer made: {cause}")


_KEEP_NAME = "to rename it, change its `name`, not its file name"


def _renamed(slug: str) -> str:
    return f"if you renamed it, add `formerly: [{slug}]` to the renamed file (its old addresses then keep answering)"


def _badge_gone(slug: str) -> str:
    return (f'badge "{slug}" is gone: {_renamed(slug)}; else put content/badges/{slug}.md back (to stop '
            "awarding it, set `status: retired`)")


_BADGE_FILE_RE = re.compile(r"badges/([a-z0-9-]+)(?:/|\.json|\.png|\.svg)$")


def gone_badges(root: Path, known: Iterable[str]) -> tuple[set[str], list[Problem]]:
    """While loading: the badges whose files published awards point at but whose content file
    is gone (renamed, deleted) and which no file claims in `formerly` (`known` holds both slugs),
    and one problem each, as the build's check words it. Their records then do not also say 'no
    badge "old" (did you mean "new"?)', which would send the author to edit published records to
    the new name instead of adding `formerly` (or putting the file back)."""
    known = set(known)
    gone: dict[str, list[tuple[int, str]]] = {}
    for n, line in enumerate(_record(root, URLS_FILE)[0], 1):
        match = _BADGE_FILE_RE.fullmatch(line)
        if match and match[1] not in known:
            gone.setdefault(match[1], []).append((n, line))
    return set(gone), [_gone_problem(found, _badge_gone(slug)) for slug, found in gone.items()]


def _gone_because(site: Site, path: str, made: Collection[str]) -> str:
    """Why a file of published-urls.txt is no longer made, and how to make it again."""
    cat, signing = site.default, site.config.signing
    folder, _, rest = path.partition("/")
    slug = rest.split("/", 1)[0].rsplit(".", 1)[0] if folder != "keys" else rest.split("/", 1)[0]
    keep_name = _KEEP_NAME
    if folder == "badges":
        badge = cat.badges.get(slug) or cat.formerly.get(slug)
        if badge is None:
            draft = next((b for b in cat.badges.values() if slug in b.formerly), None)
            if draft is None:
                return _badge_gone(slug)
            return (f'badge "{draft.slug}" (formerly "{slug}") is a draft now. Set `status: retired` instead, to '
                    "stop awarding it")
        if badge.status == "draft":
            return f'badge "{slug}" is a draft now. Set `status: retired` instead, to stop awarding it'
        if path != badge.image.path and path.rsplit(".", 1)[-1] in ("png", "svg"):
            was, now = path.rsplit(".", 1)[-1].upper(), badge.image.kind.upper()
            named = f'"{badge.alias_of}" (formerly "{slug}")' if badge.alias_of else f'"{slug}"'
            return (f'the image of badge {named} was a {was} and is now a{"n" if now == "SVG" else ""} {now}; its '
                    f"awards' baked images were published as {was} too. Give it a {was} image again"
                    + (" (export the SVG as a PNG of 512 px or more)" if was == "PNG" else ""))
    elif folder == "issuers" and slug not in cat.issuers:
        return f'issuer "{slug}" is gone. Put content/issuers/{slug}.md back ({keep_name})'
    elif folder == "competencies" and slug not in cat.competencies and slug not in cat.competencies_formerly:
        return f'competency "{slug}" is gone: {_renamed(slug)}; else put content/competencies/{slug}.md back'
    elif folder in ("keys", "revocations"):
        if slug not in cat.issuers:
            return f'issuer "{slug}" is gone. Put content/issuers/{slug}.md back ({keep_name})'
        if not signing.ob2:
            return ("site.yaml no longer signs Open Badges 2.0, and the badges it signed are checked with the "
                    "issuers' key documents and revocation lists. Turn it back on (`signing: {ob2: true}`)")
        if folder == "keys":
            kid = path.rsplit("/", 1)[-1].removesuffix(".json")
            return (f"the RSA key {kid} is no longer in {signing.keys}/ (nor in $VITRINE_OB2_KEY). Put its file back: "
                    "a key retired by `vitrine keys rotate` stays, so that what it signed still verifies")
    elif folder.startswith(("did.json", ".well-known", "status")):
        if not signing.ob3:
            return ("site.yaml no longer issues Open Badges 3.0, and the credentials it issued are checked with "
                    "the site's DID document and status list. Turn it back on (`signing: {ob3: true}`)")
        if "#" in path and path.split("#")[0] in made:  # the document is there, without this key
            kid = path.rsplit("#", 1)[1]
            return (f"the Ed25519 key {kid} is no longer in {signing.keys}/ (nor in $VITRINE_OB3_KEY), and the "
                    "credentials it signed, as their holders keep them, name it. Put its file back: a key retired "
                    "by `vitrine keys rotate` stays, so that what it signed still verifies")
        if folder != "status":
            return "the DID document moved with base_url's path, and the credentials issued name the old one"
    return "put back the file or setting that made it"


def append_lines(file: Path, header: str, lines: list[str]) -> None:
    """Add lines to a record of awards/ kept as written otherwise (made with `header`), replaced
    in one step: an interrupted build leaves it whole."""
    text = file.read_text(encoding="utf-8") if file.is_file() else header
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{line}\n" for line in lines)
    tmp = file.with_name(f".{file.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)
