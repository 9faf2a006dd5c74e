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


def load_catalogue(folders: list[Path], lang: str, root: Path | None = None) -> dict[str, Any]:
    """Merge `<folder>/<lang>.yaml` from the most general folder to the most specific. A file
    that is not a YAML mapping is a SiteError (named from `root`, the site's folder)."""
    from .errors import Problem, SiteError

    strings: dict[str, Any] = {}
    for folder in reversed(folders):
        file = folder / f"{lang}.yaml"
        if file.is_file():
            shown = file.relative_to(root).as_posix() if root and file.is_relative_to(root) else str(file)
            try:
                text = file.read_text(encoding="utf-8")
                data = yaml.load(text, Loader=_LOADER) or {}
            except UnicodeDecodeError:
                raise SiteError([Problem(shown, 1, 1, "", "not UTF-8 text: save it as UTF-8")]) from None
            except yaml.MarkedYAMLError as exc:  # as content files' frontmatter says it
                from .yaml_errors import syntax_problem
                raise SiteError([syntax_problem(exc, text, shown, 0)]) from None
            except yaml.YAMLError as exc:
                raise SiteError([Problem(shown, 1, 1, "", f"invalid YAML: {exc}")]) from None
            if not isinstance(data, dict):
                raise SiteError([Problem(shown, 1, 1, "", "expected a mapping of interface strings (key: text)")])
            strings.update(flatten(data))
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
        if not values:
            return str(text)
        try:
            return str(text).format(**values)
        except (KeyError, IndexError, ValueError) as exc:  # a site's own string: say which, not a traceback
            import jinja2

            given = ", ".join("{" + name + "}" for name in values)
            why = (f"names {{{exc.args[0]}}}, which is not given here (only {given})" if isinstance(exc, KeyError)
                   else f"has a numbered placeholder: use the names given here ({given})" if isinstance(exc, IndexError)
                   else f"is not a text with {{placeholders}}: {exc} (write {{{{ and }}}} for a brace)")
            raise jinja2.TemplateError(f'interface string "{key}" of i18n/{self.lang}.yaml: "{text}" {why}') from None
