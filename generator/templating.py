"""The Jinja environment: site templates, then the theme, then the built-in default theme."""

from __future__ import annotations

from pathlib import Path

import jinja2

BUILTIN_THEMES = Path(__file__).parent / "themes"


def theme_folders(root: Path, theme: str, sub: str) -> list[Path]:
    """Folders to look in, most specific first: site/<sub>, site theme, built-in theme, default."""
    candidates = [root / sub, root / "themes" / theme / sub, BUILTIN_THEMES / theme / sub,
                  BUILTIN_THEMES / "default" / sub]
    out: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in [f.resolve() for f in out]:
            out.append(folder)
    return out


def theme_exists(root: Path, theme: str) -> bool:
    return (root / "themes" / theme).is_dir() or (BUILTIN_THEMES / theme).is_dir()


def make_environment(root: Path, theme: str) -> jinja2.Environment:
    folders = theme_folders(root, theme, "templates")
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env
