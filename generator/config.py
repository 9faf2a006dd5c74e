"""site.yaml: the site's settings, checked like content (unknown keys are errors)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from .errors import Problem, did_you_mean
from .fields import EMAIL_RE, Fields, quoted, type_name
from .frontmatter import Document, decode, read_yaml
from .model import Config, Signing, Smtp
from .templating import BUILTIN_THEMES, theme_exists

LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")
CONFIG_FILE = "site.yaml"
_KEYS = ("title", "description", "base_url", "language", "languages", "theme", "signing", "smtp")


def _per_language(f: Fields, name: str, languages: list[str], required: bool, settled: bool = True) -> dict[str, str]:
    value = f.raw(name, required)
    if value is None:
        return {}
    if isinstance(value, dict):
        sub = Fields(f.doc, f.problems, f.key + (name,), value)
        out = {}
        for lang in value:
            if lang not in languages:
                if not settled:  # the languages line is wrong, and said so: lang may be right
                    sub.seen.add(lang)
                    continue
                sub.fail(lang, f'"{lang}" is not one of the site\'s languages ({", ".join(languages)})', on_key=True)
                sub.seen.add(lang)
                continue
            text = sub.text(lang, required=True, oneline=True, max_len=300)
            if text:
                out[lang] = text
        if required and settled and languages[0] not in out and languages[0] not in value:
            f.fail(name, f'needs a text for the default language "{languages[0]}"')
        return out
    text = f.text(name, required=required, oneline=True, max_len=300)
    return {lang: text for lang in languages} if text else {}


def _language_code(f: Fields, where: str | tuple, value: object) -> str | None:
    """A language code as written; YAML 1.1 reads `no` (Norwegian) as false: say so."""
    if isinstance(value, bool):
        written = f.source(where, value)
        if isinstance(written, str):
            f.fail(where, f'YAML reads {written} as {str(value).lower()}: put the language code in quotes ("{written}")')
            return None
    value = f.source(where, value)
    if not isinstance(value, str):
        f.fail(where, f"expected a language code such as fr or en, found {type_name(value)}")
        return None
    if not LANG_RE.match(value):
        f.fail(where, f"{quoted(value)} is not a language code such as fr or en{_code_meant(value)}")
        return None
    return value


# Languages written by their name, as people write them in a settings file
_NAMES = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en", "espagnol": "es", "spanish": "es",
          "espanol": "es", "allemand": "de", "german": "de", "deutsch": "de", "italien": "it", "italian": "it",
          "italiano": "it", "portugais": "pt", "portuguese": "pt", "portugues": "pt", "neerlandais": "nl",
          "dutch": "nl", "nederlands": "nl", "breton": "br", "brezhoneg": "br", "occitan": "oc", "catalan": "ca",
          "basque": "eu", "euskara": "eu", "corse": "co", "corsican": "co", "alsacien": "gsw"}


def _code_meant(value: str) -> str:
    """' (did you mean "fr"?)' for "FR", "fr_FR", "français"; else ""."""
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFKD", value.strip()) if not unicodedata.combining(c)).lower()
    region = re.fullmatch(r"([a-z]{2,3})[-_]([a-z]{2})", folded)
    meant = (_NAMES.get(folded) or (folded if re.fullmatch(r"[a-z]{2,3}", folded) else None)
             or (f"{region[1]}-{region[2].upper()}" if region else None))
    return f' (did you mean "{meant}"?)' if meant and meant != value else ""


def _themes(root: Path) -> list[str]:
    """The themes a site can use: its own themes/ folders and the built-in ones."""
    names = set()
    for folder in (root / "themes", BUILTIN_THEMES):
        if folder.is_dir():
            names.update(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    return sorted(names)


PLACEHOLDER_URL = "https://base-url.invalid/"  # stands in for a broken base_url while content is checked


def parse_config(text: str, root: Path, path: str = CONFIG_FILE) -> tuple[Config | None, list[Problem]]:
    """Check site.yaml's text; `root` is the site folder.

    Returns the settings and every problem found. With problems, the settings are still returned
    (defaults standing in for what is broken) when the languages could be read, so that the
    content is checked in the same run and every problem is reported at once; the build stops
    anyway. None when nothing usable could be read.
    """
    r = read_yaml(text, path)
    if r.problem:
        return None, [r.problem]
    problems: list[Problem] = list(r.warnings)
    data = {} if r.value is None else r.value
    if not isinstance(data, dict):
        return None, [Problem(path, 1, 1, "", "expected a mapping of settings (title: ..., base_url: ...)")]
    f = Fields(Document(path, data, "", 1, r.marks, r.key_marks, r.raw), problems)
    base_url = f.url("base_url", required=True, https=True)
    if base_url is not None and ("?" in base_url or "#" in base_url):
        f.fail("base_url", "must not have a query (?...) or fragment (#...)")
        base_url = None
    elif base_url is not None:
        host, _, path = base_url.split("://", 1)[1].partition("/")
        if "@" in host:  # a user name or password would be published in every page and badge
            f.fail("base_url", f'"{base_url}" holds a user name or password (before "@"): write only https://host/path/')
            base_url = None
        elif re.search(r"//|/\.\.?(/|$)", "/" + path):  # a browser would ask for another address than the ids say
            f.fail("base_url", f'"{base_url}" has an empty, "." or ".." segment in its path: write the path as it is served')
            base_url = None
        elif re.search(r"\.(?:html?|php|aspx?|jsp|xml|json)$", path, re.I):  # ids would be index.html/badges/...
            folder = base_url[: base_url.rfind("/") + 1]
            f.fail("base_url", f'"{base_url}" names a file: base_url is the folder output/ is served at ("{folder}")')
            base_url = None
        elif not base_url.isascii():  # ids and the sitemap must be the addresses clients send, encoded
            f.fail("base_url", f'"{base_url}" has characters outside ASCII: write it as browsers send it, '
                               f'"{_ascii_url(host, path)}"')
            base_url = None
    language, stated = "fr", None  # stated: the code written as `language`, when it is one
    if f.raw("language") is not None:
        stated = _language_code(f, "language", data["language"])
        language = stated or "fr"
    elif isinstance(data.get("languages"), list) and data["languages"] and isinstance(data["languages"][0], str):
        language = data["languages"][0]  # DESIGN: "the first is the default"
    languages = [language]
    listed, unreadable = [], False
    written = data.get("languages")
    if isinstance(written, str) and re.fullmatch(r"\s*[\w-]+(?:\s*[,;]?\s*[\w-]+)*\s*", written):
        f.seen.add("languages")  # "languages: fr, en": the list that was meant
        codes = ", ".join(re.split(r"[\s,;]+", written.strip()))
        f.fail("languages", f"expected a list, found text: write languages: [{codes}]")
    for i, lang in ([] if isinstance(written, str) else f.items("languages")):
        code = _language_code(f, ("languages", i), lang)
        if code is None:
            unreadable = True
        elif code in listed:
            f.fail(("languages", i), f'"{code}" is listed twice')
        else:
            listed.append(code)
            if code != language:
                languages.append(code)
    if isinstance(data.get("languages"), list) and not unreadable:
        if not listed:
            f.fail("languages", "is empty: list the site's languages, the default first (such as [fr, en])")
        elif stated is not None and listed[0] != stated:  # DESIGN: "the first is the default"
            said = (f'starts with "{listed[0]}", but the default language is "{stated}"' if stated in listed
                    else f'does not include "{stated}", the default language')
            expected = "[" + ", ".join([stated] + [code for code in listed if code != stated]) + "]"
            f.fail("languages", f"{said} (language: {stated}): the first of languages is the default; expected "
                                f'{expected}, or no language line to make "{listed[0]}" the default')
    # `langages: [fr, en]`: the languages line is misspelt, so the site would be read as French
    # only, and every translation and title.en reported as its echo
    misspelt = any(isinstance(key, str) and key not in _KEYS and key not in ("language", "languages")
                   and difflib.get_close_matches(key, [k for k in ("language", "languages") if k not in data], n=1, cutoff=0.75)
                   for key in data)
    # with the languages line wrong, "title.en: not one of the site's languages" would be its echo
    # an empty site.yaml: the languages are not said, and translations would be reported as their echo
    settled = bool(data) and not misspelt and not any(p.field.split("[")[0] in ("language", "languages") for p in problems)
    title = _per_language(f, "title", languages, required=True, settled=settled)
    description = _per_language(f, "description", languages, required=False, settled=settled)
    theme = f.slug("theme") or "default"
    if f.has("theme") and theme != "default" and not theme_exists(root, theme):
        f.fail("theme", f'no theme "{theme}"' + did_you_mean(theme, _themes(root), "themes"))
        theme = "default"
    signing = Signing()
    sub = f.mapping("signing")
    if sub is not None:
        signing = Signing(ob2=sub.boolean("ob2"), ob3=sub.boolean("ob3"), keys=sub.text("keys", oneline=True) or "keys")
        sub.done()
    smtp = _smtp(f)
    f.done()
    if not settled:
        return None, problems  # translations could not be told from mistakes: stop at site.yaml
    for lang in languages:  # a language without its own text shows the default one
        title.setdefault(lang, title.get(language, ""))
        description.setdefault(lang, description.get(language, ""))
    base_url = base_url or PLACEHOLDER_URL
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    return Config(root=root, title=title, description=description, base_url=base_url, language=language,
                  languages=languages, theme=theme, signing=signing, smtp=smtp), problems


def _smtp(f: Fields) -> Smtp:
    """`smtp: {host, port, starttls, ssl, username, from}` for `vitrine notify`; no password here."""
    sub = f.mapping("smtp")
    if sub is None:
        return Smtp()
    if sub.has("password"):
        sub.fail("password", "keep the password out of files: set the environment variable VITRINE_SMTP_PASSWORD",
                 on_key=True)
        sub.seen.add("password")
    host = sub.text("host", oneline=True)
    port = sub.integer("port", minimum=1, maximum=65535)
    ssl = sub.boolean("ssl")
    starttls = sub.boolean("starttls", default=not ssl)
    if ssl and starttls and sub.has("starttls"):
        sub.fail("starttls", "ssl (TLS from the start, port 465) and starttls (port 587) exclude each other")
    username = sub.text("username", oneline=True)
    sender = sub.text("from", oneline=True)
    if sender is not None:
        from email.utils import parseaddr

        address = parseaddr(sender)[1]
        if not address or not EMAIL_RE.match(address):
            sub.fail("from", f'"{sender}" is not an e-mail address ("badges@example.org" or "Badges <badges@example.org>")')
            sender = None
    sub.done()
    return Smtp(host=host, port=port, starttls=starttls and not ssl, ssl=ssl, username=username, sender=sender)


def position(root: Path, key: tuple) -> tuple[int, int]:
    """Where a setting is written in site.yaml, for problems found after loading (signing keys):
    a block mapping at its key, a flow one at its "{"; 1:1 when it cannot be told."""
    try:
        text, problem = decode((root / CONFIG_FILE).read_bytes(), CONFIG_FILE)
    except OSError:
        return (1, 1)
    r = read_yaml(text or "", CONFIG_FILE)
    if problem or r.problem or not isinstance(r.value, dict):
        return (1, 1)
    return Document(CONFIG_FILE, r.value, "", 1, r.marks, r.key_marks, r.raw).where_whole(key)


def _ascii_url(host: str, path: str) -> str:
    """https://host/path with the host in IDNA (punycode) and the path percent-encoded."""
    from urllib.parse import quote

    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    return f"https://{host}/{quote(path, safe='/%')}"


def load_config(root: Path) -> tuple[Config | None, list[Problem]]:
    file = root / CONFIG_FILE
    if not file.is_file():
        return None, [Problem(CONFIG_FILE, 1, 1, "", f"no {CONFIG_FILE} in {root}: is this a Vitrine site? "
                                                    "(create one, or pass --site DIR)")]
    text, problem = decode(file.read_bytes(), CONFIG_FILE)
    if problem:
        return None, [problem]
    return parse_config(text, root)
