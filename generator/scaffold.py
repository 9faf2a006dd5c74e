"""`vitrine new badge|issuer|competency|page SLUG`: write a commented starting file.

The file is written in the site's language (French comments and placeholders for a French site,
English otherwise). It is valid as written; every value still to write holds a placeholder
marked `À COMPLÉTER` (or `TO FILL IN`), which `vitrine check` reports as a warning (see lint.py)
until it is replaced. A badge is written as a draft (`status: draft`, as `hugo new` writes
`draft: true`): a badge full of placeholders must never be published, nor awarded, by accident;
its author sets `status: active` once it is written. References to other files
(the badge's issuer) are filled with a slug that exists, and the comments list the others.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections import Counter
from datetime import date
from pathlib import Path

# YAML and the field rules are imported where they are used: every `vitrine` command builds the
# parser this module's register() adds to.

KINDS = {"badge": "badges", "issuer": "issuers", "competency": "competencies", "page": "pages"}
# Placeholders: written in capitals so that ordinary text never looks like one (lint.py finds them).
MARKERS = {"fr": "À COMPLÉTER", "en": "TO FILL IN"}
URL_MARKERS = {"fr": "a-completer", "en": "to-fill-in"}
PLACEHOLDER_RE = re.compile(r"À COMPLÉTER|TO FILL IN|\ba-completer\b|\bto-fill-in\b")
SHOWN = 12  # slugs listed in a comment; past this, "..."


class ScaffoldError(Exception):
    """Why a file cannot be created, in one line."""


def _site_yaml(root: Path) -> dict:
    """site.yaml read leniently: a broken one still gets a file ({} then)."""
    import yaml

    try:
        data = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _site_language(root: Path) -> str:
    """The site's default language, read leniently: a broken site.yaml still gets a file."""
    data = _site_yaml(root)
    if not data:
        return "fr"
    listed = data.get("languages")
    first = listed[0] if isinstance(listed, list) and listed else "fr"  # DESIGN: "the first is the default"
    lang = data.get("language", first)
    return "fr" if lang == "fr" or not isinstance(lang, str) else "en"


def _slugs(root: Path, folder: str) -> list[str]:
    from .fields import SLUG_RE

    base = root / "content" / folder
    if not base.is_dir():
        return []
    return sorted(p.stem for p in base.glob("*.md") if "." not in p.stem and SLUG_RE.match(p.stem))


def _listing(slugs: list[str]) -> str:
    shown = ", ".join(slugs[:SHOWN])
    return shown + (f", ... ({len(slugs)})" if len(slugs) > SHOWN else "")


def _comment(text: str) -> str:
    """A YAML comment, wrapped at 100 characters."""
    return "\n".join(textwrap.wrap(text, 98, initial_indent="# ", subsequent_indent="#   ", break_on_hyphens=False))


def _common_value(root: Path, folder: str, field: str) -> str | None:
    """The value of a one-line field most used by a kind of file (the framework's name)."""
    counts: Counter[str] = Counter()
    for file in (root / "content" / folder).glob("*.md") if (root / "content" / folder).is_dir() else []:
        if "." in file.stem:
            continue
        match = re.search(rf"^{field}:[ \t]*(.+?)[ \t]*$", file.read_text(encoding="utf-8-sig", errors="replace"), re.M)
        if match:
            counts[match.group(1)] += 1
    return counts.most_common(1)[0][0] if counts else None


def _quote(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _badge(root: Path, lang: str, slug: str) -> str:
    fr = lang == "fr"
    todo = MARKERS[lang]
    issuers = _slugs(root, "issuers")
    comps = _slugs(root, "competencies")
    common = _common_value(root, "badges", "issuer")  # the issuer of most badges, else the first
    issuer = common if common in issuers else (issuers[0] if issuers else URL_MARKERS[lang])
    label = todo  # at most 12 characters, like any label
    lines = ["---"]
    if fr:
        lines += [
            "# Un badge du catalogue. Remplacez chaque valeur à compléter, puis vérifiez avec",
            "# `vitrine check` (ou gardez `vitrine serve` ouvert : la page se met à jour à chaque",
            "# enregistrement). Tous les champs : docs/format.md.",
            f"# Le nom du fichier est l’adresse du badge (/badges/{slug}/) : une fois le badge",
            "# attribué, il ne change plus. Pour renommer le badge, changez `name`.",
            f"name: {_quote(todo + ' : nom du badge')}",
            _comment(f"L’émetteur (le service qui délivre le badge), par son slug : {_listing(issuers) or 'aucun pour l’instant'}"),
            f"issuer: {issuer}",
            f"description: {_quote(todo + ' : une ou deux phrases qui disent ce que le badge reconnaît.')}",
            "# participation, transversal, technical ou network",
            "category: transversal",
            "# L’image du badge est dessinée à partir de ce bloc (formes : circle, hexagon, shield, ribbon).",
            "# Pour utiliser votre propre image, content/images/badges/" + slug + ".png, remplacez le bloc par :",
            "#   image: badges/" + slug + ".png     (PNG carré d’au moins 512 px, ou SVG carré)",
            "#   image_alt: ce que montre l’image",
            "design:",
            "  shape: circle",
            '  background: "#1f5fa8"',
            '  foreground: "#ffffff"',
            f"  label: {_quote(label)}   # 12 caractères au plus",
            "  # icon: livre   # ou micro, etoile, groupe, ampoule, masque, musique... (docs/format.md)",
            _comment(f"Les compétences que le badge développe, par leurs slugs ([a, b]) : {_listing(comps) or 'aucune pour l’instant'}"),
            "competencies: []",
            "tags: []",
            "level: 1",
            "# Durée de validité d’une attribution (P2Y : deux ans) ; supprimez la ligne si elle n’expire pas.",
            "validity: P2Y",
            "# Comment candidater, si ce n’est pas la voie habituelle de l’émetteur :",
            "# request:",
            "#   url: https://exemple.org/formulaire",
            "#   instructions: Ce qu’il faut joindre à la demande.",
            "# Ce que la personne doit montrer :",
            "# evidence:",
            "#   - une attestation de participation",
            "# draft : pas encore publié ; active : publié ; retired : publié, plus attribué. Le badge reste",
            "# un brouillon tant que ses valeurs à compléter ne sont pas remplacées : écrivez alors active.",
            "status: draft",
            f"date: {date.today().isoformat()}",
            "# Sous le --- qui suit, les critères : la page les met sous son titre « Critères d’obtention ».",
            "---",
            "",
            f"{todo} : ce que la personne a fait pour obtenir le badge, en quelques phrases ou en liste",
            "(au moins une quarantaine de mots, pour qu’on sache à quoi s’engager).",
            "",
            "## Modalités d’évaluation",
            "",
            f"{todo} : qui vérifie, et comment.",
        ]
    else:
        lines += [
            "# A badge of the catalogue. Replace every value still to fill in, then check with",
            "# `vitrine check` (or keep `vitrine serve` open: the page updates on every save).",
            "# Every field: docs/format.md.",
            f"# The file name is the badge's address (/badges/{slug}/): once the badge is awarded,",
            "# it stays. To rename the badge, change `name`.",
            f"name: {_quote(todo + ': name of the badge')}",
            _comment(f"The issuer (the service that awards the badge), by its slug: {_listing(issuers) or 'none yet'}"),
            f"issuer: {issuer}",
            f"description: {_quote(todo + ': one or two sentences saying what the badge recognises.')}",
            "# participation, transversal, technical or network",
            "category: transversal",
            "# The badge image is drawn from this block (shapes: circle, hexagon, shield, ribbon).",
            "# To use your own image, content/images/badges/" + slug + ".png, replace the block with:",
            "#   image: badges/" + slug + ".png     (a square PNG of at least 512 px, or a square SVG)",
            "#   image_alt: what the image shows",
            "design:",
            "  shape: circle",
            '  background: "#1f5fa8"',
            '  foreground: "#ffffff"',
            f"  label: {_quote(label)}   # at most 12 characters",
            "  # icon: book   # or microphone, star, people, lightbulb, mask, music... (docs/format.md)",
            _comment(f"The competencies the badge develops, by their slugs ([a, b]): {_listing(comps) or 'none yet'}"),
            "competencies: []",
            "tags: []",
            "level: 1",
            "# How long an award stays valid (P2Y: two years); delete the line if it never expires.",
            "validity: P2Y",
            "# How to apply, when it is not the issuer's usual way:",
            "# request:",
            "#   url: https://example.org/form",
            "#   instructions: What to send with the application.",
            "# What an applicant must show:",
            "# evidence:",
            "#   - a certificate of attendance",
            "# draft: not published yet; active: published; retired: published, no longer awarded. The badge",
            "# stays a draft until its values to fill in are replaced: then write active.",
            "status: draft",
            f"date: {date.today().isoformat()}",
            "# Below the next ---, the criteria: the page puts them under its own heading, \"Criteria\".",
            "---",
            "",
            f"{todo}: what a person did to earn the badge, in a few sentences or a list",
            "(forty words or more, so that applicants know what they commit to).",
            "",
            "## Assessment",
            "",
            f"{todo}: who checks, and how.",
        ]
    return "\n".join(lines) + "\n"


def _issuer(root: Path, lang: str, slug: str) -> str:
    fr = lang == "fr"
    todo, url_todo = MARKERS[lang], URL_MARKERS[lang]
    issuers = _slugs(root, "issuers")
    if fr:
        lines = [
            "---",
            "# Un émetteur : un service, une composante, une association qui délivre des badges.",
            "# Remplacez chaque valeur à compléter. Tous les champs : docs/format.md.",
            f"# Le nom du fichier est l’adresse de l’émetteur (/issuers/{slug}/) : une fois l’un de ses",
            "# badges attribué, il ne change plus. Pour renommer le service, changez `name`.",
            f"name: {_quote(todo + ' : nom du service')}",
            "# Son site web, et l’adresse de contact publiée dans les badges (Open Badges l’exige).",
            f"url: https://{url_todo}.example.org/",
            f"email: {url_todo}@example.org",
            f"description: {_quote(todo + ' : le service en une phrase.')}",
            _comment(f"Le service dépend d’un autre émetteur ? Son slug : {_listing(issuers) or 'aucun pour l’instant'}"),
            "# parent: " + (issuers[0] if issuers else "universite"),
            "# Logo (PNG ou SVG, carré de préférence, dans content/images/issuers/) et sa description :",
            "# image: issuers/" + slug + ".svg",
            "# image_alt: Logo du service",
            "# Comment candidater à ses badges (sauf quand un badge dit autre chose) :",
            "request:",
            f"  email: {url_todo}@example.org",
            f"  instructions: {_quote(todo + ' : ce qu’il faut envoyer, et dans quel délai.')}",
            "---",
            "",
            f"{todo} : présentez le service, ce qu’il propose aux étudiant·e·s et ses badges.",
        ]
    else:
        lines = [
            "---",
            "# An issuer: a service, a faculty, an association that awards badges.",
            "# Replace every value still to fill in. Every field: docs/format.md.",
            f"# The file name is the issuer's address (/issuers/{slug}/): once one of its badges is",
            "# awarded, it stays. To rename the service, change `name`.",
            f"name: {_quote(todo + ': name of the service')}",
            "# Its website, and the contact address published in badges (Open Badges requires one).",
            f"url: https://{url_todo}.example.org/",
            f"email: {url_todo}@example.org",
            f"description: {_quote(todo + ': the service in one sentence.')}",
            _comment(f"Part of another issuer? Its slug: {_listing(issuers) or 'none yet'}"),
            "# parent: " + (issuers[0] if issuers else "university"),
            "# Logo (PNG or SVG, preferably square, in content/images/issuers/) and what it shows:",
            "# image: issuers/" + slug + ".svg",
            "# image_alt: Logo of the service",
            "# How to apply for its badges (unless a badge says otherwise):",
            "request:",
            f"  email: {url_todo}@example.org",
            f"  instructions: {_quote(todo + ': what to send, and by when.')}",
            "---",
            "",
            f"{todo}: present the service, what it offers students, and its badges.",
        ]
    return "\n".join(lines) + "\n"


def _competency(root: Path, lang: str, slug: str) -> str:
    fr = lang == "fr"
    todo = MARKERS[lang]
    framework = _common_value(root, "competencies", "framework")
    group = _common_value(root, "competencies", "group")
    framework_line = f"framework: {framework}" if framework else (
        f"framework: {_quote(todo + (' : nom du référentiel' if fr else ': name of the framework'))}")
    if fr:
        lines = [
            "---",
            "# Une compétence du référentiel. Remplacez chaque valeur à compléter. Tous les champs : docs/format.md.",
            f"name: {_quote(todo + ' : la compétence, commençant par un verbe')}",
            f"description: {_quote(todo + ' : ce que sait faire la personne, en une ou deux phrases.')}",
            framework_line,
            "# Code dans le référentiel, famille de compétences, référence externe (ESCO...) :",
            "# code: COM-1",
            f"# group: {group or 'Communiquer'}",
            "# url: https://data.europa.eu/esco/skill/...",
            "---",
            "",
            f"{todo} : à quoi ressemble la compétence en pratique, avec un ou deux exemples.",
        ]
    else:
        lines = [
            "---",
            "# A competency of the framework. Replace every value still to fill in. Every field: docs/format.md.",
            f"name: {_quote(todo + ': the competency, starting with a verb')}",
            f"description: {_quote(todo + ': what the person can do, in one or two sentences.')}",
            framework_line,
            "# Code within the framework, family of competencies, external reference (ESCO...):",
            "# code: COM-1",
            f"# group: {group or 'Communicating'}",
            "# url: https://data.europa.eu/esco/skill/...",
            "---",
            "",
            f"{todo}: what the competency looks like in practice, with an example or two.",
        ]
    return "\n".join(lines) + "\n"


def _page(root: Path, lang: str, slug: str) -> str:
    fr = lang == "fr"
    todo = MARKERS[lang]
    if fr:
        lines = [
            "---",
            "# Une page libre (à propos, comment candidater, FAQ...).",
            f"title: {_quote(todo + ' : titre de la page')}",
            "# Pour l’afficher dans le menu principal, à cette place :",
            "# menu: 4",
            "---",
            "",
            f"{todo} : le texte de la page, en Markdown (## pour un intertitre, - pour une liste).",
        ]
    else:
        lines = [
            "---",
            "# A free page (about, how to apply, FAQ...).",
            f"title: {_quote(todo + ': title of the page')}",
            "# To show it in the main navigation, at this position:",
            "# menu: 4",
            "---",
            "",
            f"{todo}: the page's text, in Markdown (## for a heading, - for a list).",
        ]
    return "\n".join(lines) + "\n"


TEMPLATES = {"badge": _badge, "issuer": _issuer, "competency": _competency, "page": _page}


def _former_owner(folder: Path, slug: str) -> str | None:
    """The file of `folder` whose `formerly` lists `slug` (site-relative), if any."""
    from .frontmatter import parse_frontmatter

    for file in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "formerly" not in text or file.name.count(".") > 1:
            continue
        doc, _ = parse_frontmatter(text, file.name)
        value = doc.data.get("formerly") if doc is not None and isinstance(doc.data, dict) else None
        if value == slug or (isinstance(value, list) and slug in value):
            return f"content/{folder.name}/{file.name}"
    return None


def create(root: Path, kind: str, slug: str) -> Path:
    """Write content/<kind>s/<slug>.md; raise ScaffoldError with a one-line reason."""
    from .fields import SLUG_RE, tag_slug

    if not SLUG_RE.match(slug):
        hint = tag_slug(slug)
        suggestion = f' (for example "{hint}")' if hint and SLUG_RE.match(hint) else ""
        raise ScaffoldError(f'"{slug}" is not a valid slug: use lowercase letters, digits and hyphens{suggestion}')
    if not (root / "site.yaml").is_file():
        raise ScaffoldError(f"no site.yaml in {root}: is this a Vitrine site? (pass --site DIR)")
    file = root / "content" / KINDS[kind] / f"{slug}.md"
    rel = file.relative_to(root).as_posix()
    if file.exists():
        raise ScaffoldError(f"{rel} already exists: edit it, or choose another slug")
    owner = _former_owner(file.parent, slug) if kind in ("badge", "competency") else None
    if owner is not None:  # its addresses answer for that file: a new one would take them (loader.check_formerly)
        raise ScaffoldError(f"{owner} was once called {slug} (its `formerly` says so), and its old addresses lead "
                            "to it: choose another slug")
    text = TEMPLATES[kind](root, _site_language(root), slug)
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(file, "x", encoding="utf-8") as handle:  # never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{rel} already exists: edit it, or choose another slug") from None
    return file


def _preview_url(root: Path, slug: str) -> str:
    """Where `vitrine serve --drafts` shows a new badge (its default port, the path of base_url)."""
    base_url = _site_yaml(root).get("base_url")
    rest = base_url.split("://", 1)[-1] if isinstance(base_url, str) else ""
    path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return f"http://127.0.0.1:8000{path if path.endswith('/') else path + '/'}badges/{slug}/"


def cmd_new(args) -> int:
    from .fields import SLUG_RE

    root = Path(args.site)
    try:
        file = create(root, args.kind, args.slug)
    except ScaffoldError as exc:
        print(f"vitrine: {exc}", file=sys.stderr)
        return 2 if not SLUG_RE.match(args.slug) else 1  # a bad slug is a wrong command line (README: 2)
    lang = _site_language(root)
    rel = file.relative_to(root).as_posix()
    if args.kind == "badge" and lang == "fr":
        print(f"Créé : {rel}, en brouillon (status: draft : ni publié ni attribuable) — remplacez les valeurs "
              f"« {MARKERS['fr']} » (`vitrine check` liste celles qui restent), puis écrivez `status: active` "
              "pour le publier.")
        print(f"Pour le voir en l’écrivant : `vitrine serve --drafts`, puis {_preview_url(root, args.slug)}")
    elif args.kind == "badge":
        print(f"Created {rel} as a draft (status: draft: neither published nor awardable): replace the "
              f"{MARKERS['en']} values (`vitrine check` lists those left), then set `status: active` to publish it.")
        print(f"To see it while you write it: `vitrine serve --drafts`, then {_preview_url(root, args.slug)}")
    elif lang == "fr":
        print(f"Créé : {rel} — remplacez les valeurs « {MARKERS['fr']} », puis lancez `vitrine check`.")
    else:
        print(f"Created {rel}: replace the {MARKERS['en']} values, then run `vitrine check`.")
    return 0


def register(sub) -> None:
    """Add `vitrine new` to the command line's subcommands."""
    n = sub.add_parser("new", help="create a commented badge, issuer, competency or page file")
    n.add_argument("kind", choices=list(KINDS), help="what to create")
    n.add_argument("slug", help="the file name without .md: lowercase letters, digits and hyphens")
    n.add_argument("--site", default=".", help="the site folder (default: the current folder)")
    n.set_defaults(func=cmd_new)
