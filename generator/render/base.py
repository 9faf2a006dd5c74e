"""What every output module shares: the job record and the page renderer."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import jinja2
from markupsafe import Markup

from .. import tracking
from ..i18n import Translator, load_catalogue
from ..model import Catalogue, Site
from ..templating import make_environment, theme_folders


@dataclass
class Job:
    path: str  # output path, site-relative
    owner: str  # who makes it, for messages
    make: Callable[[], bytes]
    # What the file depends on beyond the site's content, settings, templates and Vitrine's code
    # (see incremental.py): "" for nothing more, a short text (an award's record, a count) for
    # that, None (the default) when it may depend on anything, the award records and the day too.
    # A rebuild renders a job again only when this, or what it adds to, has changed.
    key: str | None = None
    # A parallel build runs the jobs of one batch in one worker, handed out before the others
    # (build.plan_slices): jobs that share work a worker does once (the listing pages of a
    # language, its badge cards), or one that takes seconds (a language's search index).
    batch: str = ""


@dataclass
class JobGroup:
    """Jobs whose keys change together, made only when needed: the files of the awards of one
    awards file. A build that finds the group's `key` as it was takes its files as they are,
    without making its jobs (incremental.py); so the key must cover whatever decides the jobs'
    paths and keys, as a Job's key does (the name may add what is fixed, a language's prefix)."""

    name: str
    key: str
    make_jobs: Callable[[], list[Job]]


class Kept(bytes):
    """Bytes that also sit in a cache file (`kept_in`): the writer links the output file to it
    rather than writing a second copy. A new file costs ext4 an inode, more than 25 KB of data
    do (at 10,000 badges, writing the share previews twice cost 7 s); a link costs a name."""

    kept_in: str


def disk_cached(file: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes kept in `file` (a cache folder, named by a digest of what they are made from),
    else made and kept there (written beside, then renamed: workers may race for it)."""
    try:
        data = Kept(file.read_bytes())
    except FileNotFoundError:
        data = Kept(make())
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".tmp{os.getpid()}-{id(data)}")
        tmp.write_bytes(data)
        tmp.replace(file)
    data.kept_in = str(file)
    return data


def expand(items: Iterable[Job | JobGroup]) -> Iterator[Job]:
    """Every job of an output module's list, its groups' jobs included."""
    for item in items:
        if isinstance(item, JobGroup):
            yield from item.make_jobs()
        else:
            yield item


def anchors(modules: Iterable, r: Renderer) -> set[str]:
    """Places inside published files that awards name (`did.json#<kid>`): the output modules'
    `anchors(r)`. published.py keeps them as it keeps files."""
    return {anchor for module in modules for anchor in getattr(module, "anchors", lambda r: ())(r)}


class Renderer:
    """Holds the model, the templates and the interface strings of a build."""

    def __init__(self, site: Site, cache_dir: Path):
        self.site = site
        self.config = site.config
        self.cache_dir = cache_dir
        # compiled templates kept in the cache folder of a build (not made by `vitrine check`)
        self.env = make_environment(site.config.root, site.config.theme, cache_dir if cache_dir.is_dir() else None)
        folders = theme_folders(site.config.root, site.config.theme, "i18n")
        strings = {lang: load_catalogue(folders, lang, site.config.root) for lang in site.config.languages}
        english = load_catalogue(folders, "en", site.config.root)
        self.t = {lang: Translator(strings[lang], english, lang) for lang in site.config.languages}
        self._templates: dict[str, jinja2.Template] = {}
        self._cards: dict[tuple, tuple] = {}  # (lang, slug) -> (html, what it read): tracking.remember

    def __fingerprint__(self) -> str:
        # what a job is made with (tracking.py): the model it reads is tracked read by read,
        # the templates by name; settings and translations make the preview render everything
        return "renderer"

    def template(self, name: str) -> jinja2.Template:
        tracking.note_template(name)
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def url(self, cat: Catalogue, path: str) -> str:
        """Absolute URL of a page of a language."""
        return self.config.base_url + cat.prefix + path

    def page(self, template: str, cat: Catalogue, page_path: str, root: str | None = None,
             og_image: str | None = None, other_path: Callable[[Catalogue], str] | None = None,
             **extra: Any) -> bytes:
        """Render one HTML page. `page_path` is relative to the language's home ("badges/x/").

        `other_path(catalogue)` gives the same page's path in another language where it differs
        (tags are translated, so a tag page may have no twin: then the tags list stands in)."""
        if root is None:
            root = "../" * (cat.prefix + page_path).count("/")
        cats = self.site.catalogues.values()
        twin = {c.lang: (other_path(c) if other_path and c is not cat else page_path) for c in cats}
        context = {
            "site": self.site, "config": self.config, "cat": cat, "lang": cat.lang, "t": self.t[cat.lang],
            "root": root, "home": root + cat.prefix, "page_path": page_path,
            "canonical": self.url(cat, page_path),
            "alternates": [(c.lang, self.url(c, twin[c.lang])) for c in cats if twin[c.lang] == page_path or c is cat]
            if len(self.site.catalogues) > 1 else [],
            # a language's own name, or its code where no interface strings name it (not "English")
            "switcher": [{"lang": c.lang, "href": root + c.prefix + twin[c.lang],
                          "label": self.t[c.lang].strings.get("language.name") or c.lang,
                          "current": c.lang == cat.lang} for c in cats] if len(self.site.catalogues) > 1 else [],
            "og_image": og_image,
            "preview_url": lambda badge=None: self.preview_url(cat, badge),
            "draft": False,  # the page of a draft badge, in `vitrine serve --drafts` only (render/drafts.py)
            **extra,
        }
        context["card"] = lambda badge, level=3: self._card(context, badge, level)
        return self.template(template).render(context).encode("utf-8")

    def preview_url(self, cat: Catalogue, badge: Any = None) -> str:
        """Absolute URL of the share preview image of a badge, or of the site (render/previews.py)."""
        from . import previews
        return self.config.base_url + (previews.badge_path(self.site, cat, badge) if badge is not None
                                       else previews.site_path(self.site, cat))

    def _card(self, context: dict, badge: Any, level: int) -> Markup:
        """A badge card. Listing pages repeat the same cards many times, and rendering them is
        most of a listing's cost: each card is rendered once per language, with placeholders
        for what differs between pages (the relative root and the heading level)."""
        html = tracking.remember(self._cards, (context["lang"], badge.slug), lambda: self.template("partials/card.html").render(
            {**context, "root": _ROOT, "home": _ROOT + context["cat"].prefix, "badge": badge, "card_heading": _LEVEL}))
        return Markup(html.replace(_ROOT, context["root"]).replace(_LEVEL, str(level)))


_ROOT, _LEVEL = "\x00root\x00", "\x00level\x00"
