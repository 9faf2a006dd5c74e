"""What each file of a build read, so that `vitrine serve` renders again only what a save touched.

A badge edit must re-render that badge's page, its JSON, the pages that list it (the catalogue,
its issuer, its tags...) and the pages whose cards or links show it; not the whole site. Rather
than a hand-kept list of who depends on what (which would rot as templates change), the preview
records what each file actually read while it was made:

- **the model**: while tracking is installed, reading any public attribute of a model entity
  (the site, a catalogue, an issuer, a badge, a competency, a tag, a page, an award), from Python
  or from a template, notes (entity, attribute). Entities are named by what they are ("badge",
  "fr", "mediation") so that the same badge of the next load answers for the old one;
- **the templates** loaded (extends, include, import as well as the page's own);
- **what the job was given**: the values its function was made with (a listing's badges, a
  pagination, an image's digest), as the entities they name and the values they hold.

After the next load, a value's digest is compared with the one it had: an attribute holds the
same digest when its value is the same, references to other entities counting by their names
(a badge's `issuer` is "the issuer X", whatever X's own fields: whoever reads those is noted
as reading them). A file none of whose reads changed is kept as it was.

What this cannot see makes a file "volatile" (always made again): an object it does not know in
what the job was given, or a memo computed outside tracking. Memos shared between files (a card
rendered once for every listing that shows it) must go through `remember`, which notes what the
computation read and adds it to every file that uses the result. Settings, translations, static
files and keys are not tracked: the preview renders everything again when one of those changes.

Tracking is installed by the preview only (`install`): `vitrine build` pays nothing for it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import types
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, Callable, Iterator

from .model import Award, Badge, Catalogue, Competency, Issuer, Page, Site, Tag

ENTITIES = (Site, Catalogue, Issuer, Badge, Competency, Tag, Page, Award)
VOLATILE = ("volatile",)  # a read that always counts as changed


class _Local(threading.local):
    reads: set | None = None  # (id(entity), attribute) read by the file being made in this thread
    templates: set | None = None  # template names it loaded


_local = _Local()
_installed = 0
_lock = threading.Lock()


def _tracked_getattribute(self: Any, name: str, _get=object.__getattribute__, _local=_local) -> Any:
    reads = _local.reads
    if reads is not None and name[0] != "_":
        reads.add((id(self), name))
    return _get(self, name)


def install() -> None:
    """Start noting reads of the model's entities (counted: two previews in one process)."""
    global _installed
    with _lock:
        if _installed == 0:
            for cls in ENTITIES:
                cls.__getattribute__ = _tracked_getattribute  # type: ignore[method-assign, assignment]
        _installed += 1


def uninstall() -> None:
    global _installed
    with _lock:
        _installed = max(0, _installed - 1)
        if _installed == 0:
            for cls in ENTITIES:
                if "__getattribute__" in cls.__dict__:
                    del cls.__getattribute__  # type: ignore[attr-defined]


def installed() -> bool:
    return _installed > 0


def active() -> bool:
    """Whether the file being made in this thread is being tracked (memos then stand aside or
    go through `remember`)."""
    return _local.reads is not None


@dataclasses.dataclass
class Seen:
    reads: set
    templates: set


@contextmanager
def recording() -> Iterator[Seen]:
    """Note what the code run inside reads; what it reads is also noted by an outer recording."""
    outer_reads, outer_templates = _local.reads, _local.templates
    seen = Seen(set(), set())
    _local.reads, _local.templates = seen.reads, seen.templates
    try:
        yield seen
    finally:
        _local.reads, _local.templates = outer_reads, outer_templates
        if outer_reads is not None:
            outer_reads |= seen.reads
            outer_templates |= seen.templates  # type: ignore[operator]


def note_template(name: str) -> None:
    templates = _local.templates
    if templates is not None:
        templates.add(name)


def volatile() -> None:
    """The file being made depends on something tracking cannot see."""
    reads = _local.reads
    if reads is not None:
        reads.add(VOLATILE)


_MISSING = object()


def remember(store: dict, key: Any, compute: Callable[[], Any]) -> Any:
    """store[key], computed once. Under tracking, what the computation read is kept with the
    value and noted for every file that uses it."""
    entry = store.get(key, _MISSING)
    if entry is _MISSING:
        if _installed:
            with recording() as seen:
                value = compute()
            entry = store[key] = (value, seen)
        else:
            entry = store[key] = (compute(), None)
    elif _local.reads is not None:
        seen = entry[1]
        if seen is None:
            _local.reads.add(VOLATILE)
        else:
            _local.reads |= seen.reads
            _local.templates |= seen.templates  # type: ignore[operator]
    return entry[0]


def track_templates(env: Any) -> None:
    """Note every template a Jinja environment loads (extends, include and import go through
    `_load_template`, which keeps its own cache, so this sees every use)."""
    if env.__dict__.get("_vitrine_tracked"):
        return
    load = env._load_template

    def _load_template(name: Any, globals: Any) -> Any:  # noqa: A002 - Jinja's signature
        note_template(name)
        return load(name, globals)

    env._load_template = _load_template
    env._vitrine_tracked = True


# -- names and digests ---------------------------------------------------------------------------


class Registry:
    """The entities of one load of the site, by name and by object id."""

    def __init__(self, site: Site):
        names: dict[int, tuple] = {id(site): ("site",)}
        objects: dict[tuple, Any] = {("site",): site}
        for lang, cat in site.catalogues.items():
            names[id(cat)] = name = ("catalogue", lang)
            objects[name] = cat
            for kind, table in (("issuer", cat.issuers), ("badge", cat.badges), ("competency", cat.competencies),
                                ("page", cat.pages), ("tag", cat.tags), ("former-badge", cat.formerly)):
                for slug, obj in table.items():
                    names[id(obj)] = name = (kind, lang, slug)
                    objects[name] = obj
        for award in site.awards:
            names[id(award)] = name = ("award", award.id)
            objects[name] = award
        self.names, self.objects = names, objects
        self.keys: dict[tuple, tuple] = {}  # (name, attribute) pairs, one object each: files share them


class Digests:
    """Digests of what one load of the site holds: entities' attributes, templates, the values a
    job was made with. Computed when first asked for, then kept."""

    def __init__(self, registry: Registry, template_source: Callable[[str], str],
                 prepare: dict[type, Callable[[Any], Any]] | None = None):
        self.registry = registry
        self.template_source = template_source
        self.prepare = prepare or {}
        self._attributes: dict[tuple, bytes] = {}
        self._templates: dict[str, bytes] = {}
        self._prepared: set[int] = set()

    def attribute(self, key: tuple) -> bytes:
        """The digest of (entity name, attribute); b"" when the entity is gone."""
        known = self._attributes.get(key)
        if known is not None:
            return known
        name, attr = key
        obj = self.registry.objects.get(name)
        if obj is None:
            digest = b""
        else:
            prepare = self.prepare.get(type(obj))
            if prepare is not None and id(obj) not in self._prepared:
                prepare(obj)
                self._prepared.add(id(obj))
            try:
                value = getattr(obj, attr)
            except Exception as exc:  # noqa: BLE001 - a template may read what is not there
                value = ("missing", type(exc).__name__)
            digest = self.value(value)
        self._attributes[key] = digest
        return digest

    def template(self, name: str) -> bytes:
        known = self._templates.get(name)
        if known is None:
            try:
                source = self.template_source(name)
            except Exception:  # noqa: BLE001 - gone, or unreadable: changed
                source = "\0missing"
            known = self._templates[name] = hashlib.blake2b(source.encode("utf-8", "surrogatepass"),
                                                           digest_size=16).digest()
        return known

    def value(self, value: Any) -> bytes:
        """A digest of a value; VOLATILE's digest (b"?") for what cannot be known."""
        out: list[str] = []
        if not self._encode(value, out, set()):
            return b"?"
        return hashlib.blake2b("\x1f".join(out).encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _encode(self, value: Any, out: list[str], seen: set[int]) -> bool:
        """Append a text for `value` to `out`; False when it cannot be told (volatile)."""
        if value is None or isinstance(value, (bool, int, float, str, bytes, date, datetime, PurePath)):
            out.append(f"{type(value).__name__}:{value!r}")
            return True
        if isinstance(value, ENTITIES):
            name = self.registry.names.get(id(value))
            if name is None:
                return False
            out.append(f"@{name!r}")
            return True
        key = id(value)
        if key in seen:
            out.append("<cycle>")
            return True
        seen.add(key)
        try:
            if isinstance(value, (list, tuple)):
                out.append(f"[{len(value)}")
                return all(self._encode(v, out, seen) for v in value)
            if isinstance(value, dict):
                out.append(f"{{{len(value)}")
                return all(self._encode(k, out, seen) and self._encode(v, out, seen) for k, v in value.items())
            if isinstance(value, (set, frozenset)):
                parts = []
                for v in value:
                    part: list[str] = []
                    if not self._encode(v, part, seen):
                        return False
                    parts.append("\x1e".join(part))
                out.append(f"{{set{len(parts)}")
                out.extend(sorted(parts))
                return True
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                out.append(f"dc:{type(value).__qualname__}")
                return all(self._encode(object.__getattribute__(value, f.name), out, seen)
                           for f in dataclasses.fields(value))
            fingerprint = getattr(type(value), "__fingerprint__", None)
            if fingerprint is not None:
                out.append(f"fp:{type(value).__qualname__}")
                return self._encode(fingerprint(value), out, seen)
            if isinstance(value, types.MethodType):
                out.append(f"method:{value.__func__.__qualname__}")
                return self._encode(value.__self__, out, seen) and self._encode(value.__func__, out, seen)
            if isinstance(value, types.FunctionType):
                # a function by its code and what it was made with (defaults, closure)
                out.append(f"fn:{value.__module__}.{value.__qualname__}")
                cells = [c.cell_contents for c in (value.__closure__ or ()) if _filled(c)]
                return (self._encode(value.__defaults__, out, seen) and self._encode(value.__kwdefaults__, out, seen)
                        and self._encode(cells, out, seen))
            wrapped = getattr(value, "__wrapped__", None)  # functools.lru_cache, partial-like wrappers
            if isinstance(value, types.BuiltinFunctionType):
                out.append(f"builtin:{getattr(value, '__qualname__', '')}")
                return self._encode(getattr(value, "__self__", None) if not isinstance(
                    getattr(value, "__self__", None), types.ModuleType) else None, out, seen)
            if wrapped is not None:
                out.append("wrapped")
                return self._encode(wrapped, out, seen)
            return False
        finally:
            seen.discard(key)


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


# -- a file's reads, and whether they changed ----------------------------------------------------


@dataclasses.dataclass
class Reads:
    """What one file read of one load of the site (its entities by name)."""

    attributes: frozenset  # (entity name, attribute)
    templates: frozenset  # template names
    made_with: bytes  # digest of what its job function was given
    volatile: bool = False


def reads_of(seen: Seen, registry: Registry, made_with: bytes) -> Reads:
    names, keys = registry.names, registry.keys
    attributes = set()
    volatile = made_with == b"?"
    for item in seen.reads:
        if item is VOLATILE:
            volatile = True
            continue
        name = names.get(item[0])
        if name is None:  # an entity of no load we know (made on the fly): cannot be compared
            volatile = True
            continue
        key = (name, item[1])
        attributes.add(keys.setdefault(key, key))
    return Reads(frozenset(attributes), frozenset(seen.templates), made_with, volatile)


def unchanged(reads: Reads, before: Digests, now: Digests, made_with: bytes) -> bool:
    """Whether a file made from `before` would come out the same from `now`."""
    if reads.volatile or made_with == b"?" or made_with != reads.made_with:
        return False
    for name in reads.templates:
        if before.template(name) != now.template(name):
            return False
    for key in reads.attributes:
        if before.attribute(key) != now.attribute(key):
            return False
    return True
