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


def make_environment(root: Path, theme: str, cache: Path | None = None) -> jinja2.Environment:
    """`cache`: a folder where compiled templates are kept between builds (compiling the theme
    costs half a second, most of a small rebuild); Jinja checks each against its source."""
    folders = theme_folders(root, theme, "templates")
    bytecode = None
    if cache is not None:
        try:
            (cache / "templates").mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(cache / "templates"))
        except OSError:
            pass  # a read-only site: compile every time
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env
