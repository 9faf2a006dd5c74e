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


class _Layers(jinja2.BaseLoader):
    """The template folders, most specific first. A template that extends (or includes) its own
    name means the next folder's template of that name: a site's `templates/base.html` that
    starts `{% extends "base.html" %}` overrides one block of the theme's. Such a template is
    named `<name>` followed by `@<n>` (n: the folder to start from)."""

    def __init__(self, folders: list[Path]) -> None:
        self.layers = [jinja2.FileSystemLoader(str(f)) for f in folders]

    @staticmethod
    def split(name: str) -> tuple[str, int]:
        bare, sep, level = name.rpartition("@")
        return (bare, int(level)) if sep and level.isdigit() else (name, 0)

    def level_of(self, environment: jinja2.Environment, name: str) -> int:
        bare, start = self.split(name)
        for n in range(start, len(self.layers)):
            try:
                self.layers[n].get_source(environment, bare)
                return n
            except jinja2.TemplateNotFound:
                continue
        return start

    def get_source(self, environment: jinja2.Environment, template: str):  # type: ignore[no-untyped-def]
        bare, start = self.split(template)
        for layer in self.layers[start:]:
            try:
                return layer.get_source(environment, bare)
            except jinja2.TemplateNotFound:
                continue
        if start:
            raise jinja2.TemplateNotFound(template, f'"{bare}" extends or includes itself, and no theme '
                                                    f'has a template of that name to extend')
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        return sorted({name for layer in self.layers for name in layer.list_templates()})


class _Environment(jinja2.Environment):
    def join_path(self, template: str, parent: str) -> str:
        layers = self.loader
        if isinstance(layers, _Layers) and template == layers.split(parent)[0]:
            return f"{template}@{layers.level_of(self, parent) + 1}"
        return template


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
    env = _Environment(
        bytecode_cache=bytecode,
        loader=_Layers(folders),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def template_problems(root: Path, theme: str) -> list:
    """The site's own templates (templates/, themes/<theme>/templates/) that do not compile, each
    at its line: `vitrine check` names them before a build stops on them. A name a template uses
    but no page gives shows only when pages are rendered (a build says which)."""
    from .errors import Problem

    env = make_environment(root, theme)
    problems = []
    for folder in (root / "templates", root / "themes" / theme / "templates"):
        if not folder.is_dir():
            continue
        loader = jinja2.FileSystemLoader(str(folder))
        for name in loader.list_templates():
            shown = f"{folder.relative_to(root).as_posix()}/{name}"
            try:
                source, filename, _ = loader.get_source(env, name)
                env.compile(source, name, filename)
            except UnicodeDecodeError:
                problems.append(Problem(shown, 1, 1, "template", "not UTF-8 text: save it as UTF-8"))
            except jinja2.TemplateSyntaxError as exc:  # unknown filters and tests too
                problems.append(Problem(shown, exc.lineno or 1, 1, "template", exc.message or str(exc)))
    return problems


def unknown_blocks(root: Path, theme: str) -> list:
    """Warnings: a block of a site's template that the template it extends does not have
    (`{% block fotter %}`): Jinja drops it without a word, so what it holds is never shown."""
    from jinja2 import nodes

    from .errors import Problem, did_you_mean

    env = make_environment(root, theme)
    layers = env.loader
    assert isinstance(layers, _Layers)
    folders = theme_folders(root, theme, "templates")

    def parsed(name: str) -> nodes.Template | None:
        try:
            source, filename, _ = layers.get_source(env, name)
            return env.parse(source, name, filename)
        except (jinja2.TemplateError, UnicodeDecodeError, OSError):
            return None  # a template that does not compile is named by template_problems

    def blocks_of(name: str, seen: set[str]) -> set[str] | None:
        tree = parsed(name) if name not in seen else None
        if tree is None:
            return None
        seen.add(name)
        found = {block.name for block in tree.find_all(nodes.Block)}
        parent = next(tree.find_all(nodes.Extends), None)
        if parent is not None:
            if not isinstance(parent.template, nodes.Const):
                return None  # extends a name computed when rendering: cannot tell
            more = blocks_of(env.join_path(parent.template.value, name), seen)
            if more is None:
                return None
            found |= more
        return found

    problems = []
    for level, folder in enumerate(folders):
        if folder.resolve() not in ((root / "templates").resolve(), (root / "themes" / theme / "templates").resolve()):
            continue
        for name in jinja2.FileSystemLoader(str(folder)).list_templates():
            own = name if level == 0 else f"{name}@{level}"
            tree = parsed(own)
            parent = next(tree.find_all(nodes.Extends), None) if tree is not None else None
            if parent is None or not isinstance(parent.template, nodes.Const):
                continue
            above = env.join_path(parent.template.value, own)
            known = blocks_of(above, {own})
            if known is None:
                continue
            inner = {id(b) for block in tree.find_all(nodes.Block) for b in block.find_all(nodes.Block)}
            for block in tree.find_all(nodes.Block):
                if id(block) not in inner and block.name not in known:
                    problems.append(Problem(
                        f"{folder.relative_to(root).as_posix()}/{name}", block.lineno, 1, "template",
                        f'block "{block.name}" is not a block of "{parent.template.value}", which this template '
                        f"extends: it is never shown" + did_you_mean(block.name, known), warning=True))
    return problems
