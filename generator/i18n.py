"""Interface strings: the theme's `i18n/<lang>.yaml` catalogues, with a site's overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """{"badge": {"apply": "x"}} -> {"badge.apply": "x"}; a {one, other} mapping stays whole."""
    out: dict[str, Any] = {}
    if isinstance(data, dict) and not (set(data) and set(data) <= {"zero", "one", "other"}):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    out[prefix[:-1]] = data
    return out


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML has it: ten times faster


def load_catalogue(folders: list[Path], lang: str) -> dict[str, Any]:
    """Merge `<folder>/<lang>.yaml` from the most general folder to the most specific."""
    strings: dict[str, Any] = {}
    for folder in reversed(folders):
        file = folder / f"{lang}.yaml"
        if file.is_file():
            strings.update(flatten(yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER) or {}))
    return strings


class Translator:
    """`t(key, **values)`: the string of one language, with plural forms and substitutions."""

    def __init__(self, strings: dict[str, Any], fallback: dict[str, Any], lang: str):
        self.strings, self.fallback, self.lang = strings, fallback, lang

    def __fingerprint__(self) -> str:  # tracking.py: a change of the strings renders everything
        return self.lang

    def __call__(self, key: str, **values: Any) -> str:
        text = self.strings.get(key, self.fallback.get(key))
        if text is None:
            raise KeyError(f'interface string "{key}" is missing from i18n/{self.lang}.yaml')
        if isinstance(text, dict):
            count = values.get("count", 0)
            form = "zero" if count == 0 and "zero" in text else ("one" if count == 1 or (self.lang == "fr" and count == 0) else "other")
            text = text.get(form, text.get("other", ""))
        return str(text).format(**values) if values else str(text)
