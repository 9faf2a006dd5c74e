"""Static files: the theme's static/ folders, a site's own static/ overriding files by name."""

from __future__ import annotations

from pathlib import Path

from ..templating import theme_folders
from .base import Job, Renderer


def jobs(r: Renderer) -> list[Job]:
    found: dict[str, Path] = {}
    for folder in reversed(theme_folders(r.config.root, r.config.theme, "static")):
        for file in sorted(folder.rglob("*")):
            if file.is_file() and not file.name.startswith("."):
                found[file.relative_to(folder).as_posix()] = file
    return [Job(f"static/{rel}", "static", lambda f=file: f.read_bytes()) for rel, file in sorted(found.items())]
