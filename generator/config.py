"""site.yaml: the site's settings, checked like content (unknown keys are errors)."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem
from .fields import Fields
from .frontmatter import Document, decode, parse_yaml
from .model import Config, Signing

LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")
CONFIG_FILE = "site.yaml"


def _per_language(f: Fields, name: str, languages: list[str], required: bool) -> dict[str, str]:
    value = f.raw(name, required)
    if value is None:
        return {}
    if isinstance(value, dict):
        sub = Fields(f.doc, f.problems, f.key + (name,), value)
        out = {}
        for lang in value:
            if lang not in languages:
                sub.fail(lang, f'"{lang}" is not one of the site\'s languages ({", ".join(languages)})', on_key=True)
                sub.seen.add(lang)
                continue
            text = sub.text(lang, required=True, oneline=True, max_len=300)
            if text:
                out[lang] = text
        if required and languages[0] not in out and languages[0] not in value:
            f.fail(name, f'needs a text for the default language "{languages[0]}"')
        return out
    text = f.text(name, required=required, oneline=True, max_len=300)
    return {lang: text for lang in languages} if text else {}


def parse_config(text: str, root: Path, path: str = CONFIG_FILE) -> tuple[Config | None, list[Problem]]:
    """Check site.yaml's text; `root` is the site folder."""
    problems: list[Problem] = []
    data, marks, key_marks, problem = parse_yaml(text, path)
    if problem:
        return None, [problem]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Problem(path, 1, 1, "", "expected a mapping of settings (title: ..., base_url: ...)")]
    f = Fields(Document(path, data, "", 1, marks, key_marks), problems)
    base_url = f.url("base_url", required=True, https=True)
    language = f.text("language", oneline=True, default="fr") or "fr"
    if not LANG_RE.match(language):
        f.fail("language", f'"{language}" is not a language code such as fr or en')
    languages = [language]
    for i, lang in f.items("languages"):
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            f.fail(("languages", i), f"{lang!r} is not a language code such as fr or en")
        elif lang in languages[1:]:
            f.fail(("languages", i), f'"{lang}" is listed twice')
        elif lang != language:
            languages.append(lang)
    if f.has("languages") and isinstance(data.get("languages"), list) and language not in data["languages"]:
        f.fail("languages", f'must include the default language "{language}"')
    title = _per_language(f, "title", languages, required=True)
    description = _per_language(f, "description", languages, required=False)
    theme = f.slug("theme") or "default"
    signing = Signing()
    sub = f.mapping("signing")
    if sub is not None:
        signing = Signing(ob2=sub.boolean("ob2"), ob3=sub.boolean("ob3"), keys=sub.text("keys", oneline=True) or "keys")
        sub.done()
    f.done()
    if problems or base_url is None:
        return None, problems
    for lang in languages:  # a language without its own text shows the default one
        title.setdefault(lang, title[language])
        description.setdefault(lang, description.get(language, ""))
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    return Config(root=root, title=title, description=description, base_url=base_url, language=language,
                  languages=languages, theme=theme, signing=signing), []


def load_config(root: Path) -> tuple[Config | None, list[Problem]]:
    file = root / CONFIG_FILE
    if not file.is_file():
        return None, [Problem(CONFIG_FILE, 1, 1, "", f"no {CONFIG_FILE} in {root}: is this a Vitrine site? "
                                                    "(create one, or pass --site DIR)")]
    text, problem = decode(file.read_bytes(), CONFIG_FILE)
    if problem:
        return None, [problem]
    return parse_config(text, root)
