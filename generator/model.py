"""The typed model of a site: what the loader checks and the renderers read.

Plain dataclasses, no behaviour beyond small derived properties. The model never imports
Jinja or any renderer: templates and output modules only read it.

Paths called `path` are site-relative output paths ("badges/expression-orale/"), always
ending in "/" for pages; a template links to them as `{{ root }}{{ badge.path }}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

CATEGORIES = ("participation", "transversal", "technical", "network")
STATUSES = ("draft", "active", "retired")


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration limited to whole years, months, weeks and days (P2Y, P6M, P1Y6M)."""

    text: str
    years: int = 0
    months: int = 0
    days: int = 0


@dataclass
class Image:
    """A checked image from content/, and where it is published."""

    source: Path | None  # absolute path of the file read (None when drawn)
    rel: str  # path relative to the site root, for messages
    kind: str  # "png" or "svg"; the images of bodies also "jpeg", "gif", "webp"
    width: int
    height: int
    digest: str  # sha256 hex of the bytes: cache key for derived images
    path: str = ""  # where it is published, site-relative ("badges/x.png")
    thumb_path: str = ""  # card thumbnail, site-relative (same as path for SVG)
    drawn: bool = False  # drawn from a `design` block rather than read from a file
    shown: bool = True  # an image of a body: False when only drafts show it (checked, not published)


@dataclass
class Request:
    """How to apply for a badge: a form URL or an e-mail address, and instructions."""

    url: str | None = None
    email: str | None = None
    instructions_html: str = ""


@dataclass
class Alignment:
    """An external framework entry a badge aligns to (ESCO, RNCP...)."""

    name: str
    url: str
    framework: str | None = None
    code: str | None = None


@dataclass
class Design:
    """A badge image to draw instead of reading one (see images.draw_badge)."""

    shape: str
    background: str
    foreground: str
    label: str
    icon: str | None
    initials: str


@dataclass
class Endorsement:
    """An issuer of the site vouching for a badge or another issuer."""

    issuer: Issuer
    comment: str
    date: date | None = None
    translated: bool = True  # False where a language shows the original's comment (its translation has none)


@dataclass
class Issuer:
    slug: str
    name: str
    url: str
    email: str
    description: str = ""
    image: Image | None = None
    image_alt: str = ""
    parent: Issuer | None = None
    linkedin_organization_id: str | None = None
    request: Request | None = None
    body_html: str = ""
    source: str = ""  # content file, site-relative
    lang: str = ""
    translated: bool = True  # False when this language fell back to the original text
    # fields a translation leaves out, shown in the default language ("description", "body_html"...)
    fallback: frozenset[str] = frozenset()
    children: list[Issuer] = field(default_factory=list)
    badges: list[Badge] = field(default_factory=list)  # published badges: active first, then retired (loader)
    endorsements: list[Endorsement] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"issuers/{self.slug}/"

    @property
    def json_path(self) -> str:  # its Open Badges 2.0 Issuer Profile
        return f"issuers/{self.slug}.json"

    @property
    def ancestors(self) -> list[Issuer]:
        chain, node = [], self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain

    @property
    def descendants(self) -> list[Issuer]:
        out: list[Issuer] = []
        for child in self.children:
            out.append(child)
            out.extend(child.descendants)
        return out

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isupper()]
        return "".join(w[0] for w in words[:3]) or self.name[:2].upper()


@dataclass
class Competency:
    slug: str
    name: str
    description: str
    framework: str
    code: str | None = None
    url: str | None = None  # external reference (ESCO URI...)
    group: str | None = None
    body_html: str = ""
    source: str = ""
    lang: str = ""
    translated: bool = True
    fallback: frozenset[str] = frozenset()  # as Issuer.fallback
    badges: list[Badge] = field(default_factory=list)  # published badges that develop it
    formerly: list[str] = field(default_factory=list)  # slugs it was published under: their pages lead here

    @property
    def path(self) -> str:
        return f"competencies/{self.slug}/"


@dataclass(slots=True)  # past 30 attributes CPython gives each instance a dict of its own (1.3 KB a badge)
class Badge:
    slug: str
    name: str
    issuer: Issuer
    description: str
    category: str
    image: Image
    image_alt: str = ""
    design: Design | None = None
    competencies: list[Competency] = field(default_factory=list)
    alignments: list[Alignment] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    level: int | None = None
    status: str = "active"
    validity: Duration | None = None
    own_request: Request | None = None
    evidence: list[str] = field(default_factory=list)
    related: list[Badge] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)
    date: date | None = None  # first published (feed, sorting); optional
    body_markdown: str = ""  # the criteria as written (Open Badges criteria narrative)
    body_html: str = ""  # the criteria
    body_text: str = ""  # the criteria as plain text (search index)
    source: str = ""
    lang: str = ""
    translated: bool = True
    fallback: frozenset[str] = frozenset()  # as Issuer.fallback
    holders: int = 0  # filled from award records
    retired_on: date | None = None  # with status retired: awards issued after it are refused
    formerly: list[str] = field(default_factory=list)  # slugs it was published under (renamed files)
    # On the copy of a badge as published under a former slug (Catalogue.formerly): the slug it
    # has now. Its paths are the old ones, its content the badge's own.
    alias_of: str | None = None

    @property
    def path(self) -> str:
        return f"badges/{self.slug}/"

    @property
    def json_path(self) -> str:
        return f"badges/{self.slug}.json"

    @property
    def request(self) -> Request | None:
        """The badge's own way to apply, else its issuer's, else the nearest ancestor's."""
        if self.own_request is not None:
            return self.own_request
        for issuer in [self.issuer, *reversed(self.issuer.ancestors)]:
            if issuer.request is not None:
                return issuer.request
        return None

    @property
    def published(self) -> bool:
        return self.status != "draft"

    @property
    def retired(self) -> bool:
        return self.status == "retired"


@dataclass
class Tag:
    name: str
    slug: str
    badges: list[Badge] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"tags/{self.slug}/"


@dataclass
class Page:
    slug: str
    title: str
    menu: int | None = None  # position in the main navigation; None: not in it
    body_html: str = ""
    source: str = ""
    lang: str = ""
    translated: bool = True
    fallback: frozenset[str] = frozenset()  # as Issuer.fallback

    @property
    def path(self) -> str:
        return f"pages/{self.slug}/"


@dataclass
class Signing:
    ob2: bool = False
    ob3: bool = False
    keys: str = "keys"


@dataclass
class Smtp:
    """site.yaml `smtp`: where `vitrine notify` sends its e-mails (the password comes from the
    environment, VITRINE_SMTP_PASSWORD, never from a file)."""

    host: str | None = None
    port: int | None = None  # default: 465 with ssl, else 587 with starttls, else 25
    starttls: bool = True
    ssl: bool = False  # implicit TLS (port 465)
    username: str | None = None
    sender: str | None = None  # `from`: an address, or "Name <address>"


@dataclass
class Config:
    """site.yaml, checked."""

    root: Path  # the site folder
    title: dict[str, str]  # per language
    description: dict[str, str]
    base_url: str  # always ends with "/"
    language: str
    languages: list[str]  # default first
    theme: str = "default"
    signing: Signing = field(default_factory=Signing)
    smtp: Smtp = field(default_factory=Smtp)

    @property
    def base_path(self) -> str:
        """The path part of base_url ("/" or "/badges/")."""
        rest = self.base_url.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


@dataclass
class Catalogue:
    """Everything of one language. Non-default languages hold translated copies."""

    lang: str
    prefix: str  # "" for the default language, "en/" for English...
    title: str
    description: str
    issuers: dict[str, Issuer]
    badges: dict[str, Badge]  # every badge, drafts included
    competencies: dict[str, Competency]
    pages: dict[str, Page]
    tags: dict[str, Tag]
    # Renamed files (`formerly`): each former slug of a published badge -> the badge as published
    # under that slug (Badge.alias_of), which the awards whose records name it are made with, so
    # that what they point at stays as it was; not listed anywhere (drafts' former slugs aside).
    formerly: dict[str, Badge] = field(default_factory=dict)
    competencies_formerly: dict[str, Competency] = field(default_factory=dict)  # former slug -> competency

    def award_badge(self, slug: str) -> Badge:
        """The badge an award record names: by its slug, or by a slug it had (as published then)."""
        badge = self.badges.get(slug)
        return badge if badge is not None else self.formerly[slug]

    def awardable(self) -> dict[str, Badge]:
        """Every badge by its slug, and by each of its former slugs: what award records may name."""
        return {**self.badges, **{old: self.badges[b.alias_of] for old, b in self.formerly.items() if b.alias_of}}

    def current_slug(self, slug: str) -> str:
        """A badge's slug now, given one an award record names (its own, or a former one)."""
        alias = self.formerly.get(slug) if slug not in self.badges else None
        return alias.alias_of if alias is not None and alias.alias_of else slug

    @property
    def published_badges(self) -> list[Badge]:
        return [b for b in self.badges.values() if b.published]

    @property
    def active_badges(self) -> list[Badge]:
        return [b for b in self.badges.values() if b.status == "active"]

    @property
    def draft_badges(self) -> list[Badge]:
        """Badges not published: only `vitrine serve --drafts` shows them (render/drafts.py)."""
        return [b for b in self.badges.values() if not b.published]

    @property
    def menu(self) -> list[Page]:
        pages = [p for p in self.pages.values() if p.menu is not None]
        return sorted(pages, key=lambda p: (p.menu, p.slug))

    def categories(self) -> dict[str, list[Badge]]:
        """Category name -> published badges, in the fixed order of CATEGORIES; in each, the
        active badges first, then the retired ones (as the loader orders the other listings)."""
        out: dict[str, list[Badge]] = {c: [] for c in CATEGORIES}
        for badge in sorted(self.published_badges, key=lambda b: b.retired):
            out[badge.category].append(badge)
        return out

    def competency_groups(self) -> list[tuple[str, list[Competency]]]:
        """(group, competencies) ordered by code (COM-1 < COM-2 < COM-10), then name; ungrouped last."""
        groups: dict[str, list[Competency]] = {}
        for comp in sorted(self.competencies.values(), key=_competency_order):
            groups.setdefault(comp.group or "", []).append(comp)
        named = [(g, cs) for g, cs in groups.items() if g]
        return named + ([("", groups[""])] if "" in groups else [])


@dataclass
class Evidence:
    """One piece of evidence of an award: a URL, or a described work (DESIGN §4)."""

    url: str | None = None
    name: str | None = None
    narrative: str = ""  # Markdown, as written
    narrative_html: str = ""


@dataclass
class Revocation:
    date: date
    reason: str


@dataclass
class Award:
    """One award record of awards/*.yaml, checked. The recipient's e-mail address is not here:
    only its salted hash, so no template can publish it; the name only with consent."""

    id: str  # a UUID, part of the public URLs
    badge: str  # the badge's slug: look it up in each catalogue
    identity: str  # "sha256$" + hex(sha256(e-mail + salt))
    salt: str
    issued_on: date
    expires: date | None = None
    name: str | None = None  # None unless the recipient consented to its publication
    evidence: list[Evidence] = field(default_factory=list)
    narrative: str = ""  # Markdown, as written
    narrative_html: str = ""
    revoked: Revocation | None = None
    source: str = ""  # the awards file, site-relative
    line: int = 0

    @property
    def path(self) -> str:
        return f"assertions/{self.id}/"

    @property
    def json_path(self) -> str:
        return f"assertions/{self.id}.json"

    def status(self, today: date) -> str:
        """"revoked", "expired" or "valid" on a given day."""
        if self.revoked is not None:
            return "revoked"
        if self.expires is not None and self.expires <= today:
            return "expired"
        return "valid"


def _competency_order(comp: Competency) -> tuple:
    """Natural order of codes: digits compare as numbers; competencies without code come after."""
    parts = re.split(r"(\d+)", comp.code or "")
    key = tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in parts if p)
    return (comp.code is None, key, comp.name.lower())


@dataclass
class Site:
    """The whole checked model: the config and one catalogue per language."""

    config: Config
    catalogues: dict[str, Catalogue]  # default language first
    warnings: list = field(default_factory=list)  # errors.Problem with warning=True
    awards: list[Award] = field(default_factory=list)  # in file order; see awards.py
    media: list[Image] = field(default_factory=list)  # the images of Markdown bodies, by path (bodies.py)

    @property
    def default(self) -> Catalogue:
        return self.catalogues[self.config.language]
