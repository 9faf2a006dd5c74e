"""JSON-LD documents to canonical N-Quads (RDFC-1.0), refusing terms that no context defines.

Two paths give the same text (the test suite checks it on every credential of the example site):

- `plain_nquads(doc)`: pyld expands the document and turns it into RDF; `rdfc` canonicalizes.
- `Canonicalizer.nquads(doc)`: the same, with the JSON-LD work done once per *shape*. Credentials
  of one badge differ only in their string values (ids, dates, hashes, names), and JSON-LD
  expansion, most of the cost, depends on the keys, the types and the structure, not on those
  strings. So the shape (the document with every string replaced by a numbered placeholder) goes
  through pyld once; each placeholder is found in the resulting quads, as an IRI or as a literal,
  and a document of that shape gets its quads by putting its own strings back in. A string that
  JSON-LD would read differently from its placeholder (a compact IRI, a relative IRI, a term of
  `@vocab`-typed property) is not substituted: the document takes the plain path. The first
  document of every shape is also run through the plain path and compared.

Undefined terms. pyld drops a property that no context defines, and a type or id that is not an
absolute IRI, without a word: the signature would then cover less than the JSON shows, and
other verifiers would disagree about what was signed. Both paths refuse: the plain path hears of
dropped properties from pyld and checks every expanded `@id` and `@type`; the template path also
checks that every string of the document is found in the RDF (its JSON path is named).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from pyld import jsonld

from . import rdfc
from .documents import STATIC_LOADER

Quad = tuple[str, str, str, str]

# Values kept in the shape (never substituted): they are read as terms, not as plain strings.
FIXED_KEYS = frozenset({"@context", "type", "@type", "proofPurpose", "@language", "@direction",
                        "@container", "@vocab", "@base"})
_SLOT = "urn:vitrine-slot-4c1f:"  # placeholder prefix: an absolute IRI that no content contains
_SLOT_MARK = "\x00"
_ABSOLUTE = re.compile(r"^(?:https?|did|urn):[^\s<>\"{}|\\^`]*$")
_PYLD_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")
_PYLD_DEFAULT_BASE = getattr(jsonld, "DEFAULT_BASE_IRI", "http://example.org/base/")


class UndefinedTerm(ValueError):
    """A property, type or id that JSON-LD processing would silently drop."""

    def __init__(self, what: str, path: str = ""):
        self.what, self.path = what, path
        where = f" at {path}" if path else ""
        super().__init__(f"{what}{where}: no JSON-LD context defines it, so a signature would not cover it "
                         "(JSON-LD processors drop it without a word)")


class CanonError(ValueError):
    """The document is not JSON-LD that can be canonicalized (unknown context, bad syntax)."""


def _pyld_options(loader: Callable) -> dict:
    # base None, not "": with "" pyld 3 resolves relative IRIs against http://example.org/base/
    # (and signs them so), where other processors leave them relative and drop them
    return {"documentLoader": loader, "base": None}


def _absolute(iri: str) -> bool:
    return bool(_PYLD_ABSOLUTE.match(iri)) and not iri.startswith(_PYLD_DEFAULT_BASE)


def _check_expanded(node: Any, path: str = "") -> None:
    """Every @id and @type of expanded JSON-LD must be an absolute IRI (or a blank node)."""
    if isinstance(node, list):
        for item in node:
            _check_expanded(item, path)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        datatype = node.get("@type")
        if isinstance(datatype, str) and not _absolute(datatype) and datatype != "@json":
            raise UndefinedTerm(f'the datatype "{datatype}"', path)
        return
    ident = node.get("@id")
    if isinstance(ident, str) and not _absolute(ident):
        raise UndefinedTerm(f'the id "{ident}" (not an absolute IRI)', path)
    for t in node.get("@type", []) if isinstance(node.get("@type"), list) else [node.get("@type")]:
        if isinstance(t, str) and not _absolute(t):
            raise UndefinedTerm(f'the type "{t}"', path)
    for key, value in node.items():
        if key in ("@id", "@type"):
            continue
        _check_expanded(value, f"{path} > {key}" if path else key)


class _Processor(jsonld.JsonLdProcessor):
    """pyld's processor, keeping what it expanded (to check it) and the properties it dropped."""

    def __init__(self) -> None:
        self.dropped: list[Any] = []
        super().__init__(on_property_dropped=self.dropped.append)
        self.expanded: Any = None

    def expand(self, input_, options):  # noqa: ANN001 - pyld's signature
        self.expanded = super().expand(input_, options)
        return self.expanded


def to_quads(doc: dict, loader: Callable = STATIC_LOADER) -> list[Quad]:
    """The RDF of a JSON-LD document, through pyld, refusing undefined terms."""
    processor = _Processor()
    try:
        dataset = processor.to_rdf(doc, _pyld_options(loader))
    except jsonld.JsonLdError as exc:
        raise CanonError(_jsonld_message(exc)) from exc
    if processor.dropped:
        raise UndefinedTerm(f'the property "{processor.dropped[0]}"')
    _check_expanded(processor.expanded)
    return rdfc.from_pyld(dataset)


def _jsonld_message(exc: BaseException) -> str:
    """The innermost cause of a pyld error, which names the context or keyword at fault."""
    messages = []
    while exc is not None:
        text = str(exc).split("\n")[0].strip()
        if text and text not in messages:
            messages.append(text)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return messages[-1] if messages else "invalid JSON-LD"


def plain_nquads(doc: dict, loader: Callable = STATIC_LOADER) -> str:
    """Canonical N-Quads (RDFC-1.0) of a JSON-LD document: pyld, then rdfc."""
    return rdfc.canonicalize(to_quads(doc, loader))


# -- templates -------------------------------------------------------------------------------

def _shape(node: Any, values: list[str], paths: list[str], path: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in FIXED_KEYS or (key.startswith("@") and key not in ("@id", "@value")):
                out[key] = value
            else:
                out[key] = _shape(value, values, paths, f"{path}.{key}" if path else key)
        return out
    if isinstance(node, list):
        return [_shape(item, values, paths, f"{path}[{i}]") for i, item in enumerate(node)]
    if isinstance(node, str):
        values.append(node)
        paths.append(path)
        return _SLOT_MARK
    return node


def _fill(shape: Any, counter: list[int]) -> Any:
    """The shape with its slot marks replaced by numbered placeholders, in walk order."""
    if isinstance(shape, dict):
        return {k: (v if k in FIXED_KEYS or (k.startswith("@") and k not in ("@id", "@value")) else _fill(v, counter))
                for k, v in shape.items()}
    if isinstance(shape, list):
        return [_fill(item, counter) for item in shape]
    if shape == _SLOT_MARK:
        counter[0] += 1
        return f"{_SLOT}{counter[0] - 1}"
    return shape


class _Template:
    """The quads of one shape: each term is a constant or (slot, kind, literal suffix)."""

    __slots__ = ("quads", "iri_slots", "checked")

    def __init__(self, quads: list[tuple], iri_slots: frozenset[int]):
        self.quads = quads
        self.iri_slots = iri_slots
        self.checked = False

    def build(self, values: list[str]) -> list[Quad] | None:
        """The document's quads, or None when a value cannot stand where its placeholder did."""
        for i in self.iri_slots:
            if not _ABSOLUTE.match(values[i]):
                return None
        out = []
        for quad in self.quads:
            out.append(tuple(_put(term, values) for term in quad))
        return out  # type: ignore[return-value]


def _put(term: Any, values: list[str]) -> str:
    if type(term) is str:
        return term
    slot, kind, suffix = term
    if kind == "iri":
        return rdfc.term_iri(values[slot])
    return f'"{rdfc.escape_literal(values[slot])}"{suffix}'


_TERM_SLOT = re.compile(r'^(<|")' + re.escape(_SLOT) + r'(\d+)(>|")(.*)$')


def _compile(quads: list[Quad], paths: list[str]) -> _Template:
    found: set[int] = set()
    iri_slots: set[int] = set()
    compiled = []
    for quad in quads:
        terms = []
        for term in quad:
            if _SLOT not in term:
                terms.append(term)
                continue
            match = _TERM_SLOT.match(term)
            if match is None or (match.group(1) == "<") != (match.group(3) == ">") or (match.group(1) == "<" and match.group(4)):
                raise _NotTemplatable()
            slot = int(match.group(2))
            found.add(slot)
            if match.group(1) == "<":
                iri_slots.add(slot)
                terms.append((slot, "iri", ""))
            else:
                terms.append((slot, "literal", match.group(4)))
        compiled.append(tuple(terms))
    missing = [i for i in range(len(paths)) if i not in found]
    if missing:
        raise UndefinedTerm("this value is not in the RDF: the property holding it", paths[missing[0]])
    return _Template(compiled, frozenset(iri_slots))


class _NotTemplatable(Exception):
    pass


class Canonicalizer:
    """Canonical N-Quads with JSON-LD processing cached per shape (see the module's docstring).

    `check_first`: compare the first document of each shape with the plain path (costs one more
    JSON-LD expansion per shape). A build checks the first credential of each badge instead
    (render/ob3.py), so that the workers do not repeat it.
    """

    def __init__(self, loader: Callable = STATIC_LOADER, check_first: bool = True):
        self.loader = loader
        self.check_first = check_first
        self.templates: dict[str, _Template | None] = {}
        self.hits = self.misses = self.plain = 0

    def quads(self, doc: dict) -> list[Quad]:
        values: list[str] = []
        paths: list[str] = []
        shape = _shape(doc, values, paths, "")
        key = json.dumps(shape, ensure_ascii=False, separators=(",", ":"))
        template = self.templates.get(key, False)
        if template is False:
            self.misses += 1
            template = self.templates[key] = self._template(shape, paths)
        else:
            self.hits += 1
        built = template.build(values) if template is not None and not any(_SLOT in v for v in values) else None
        if built is None:
            self.plain += 1
            return to_quads(doc, self.loader)
        if not template.checked and self.check_first:
            template.checked = True
            if rdfc.canonicalize(built) != plain_nquads(doc, self.loader):
                self.templates[key] = None  # never trust this shape: plain path from now on
                self.plain += 1
                return to_quads(doc, self.loader)
        return built

    def nquads(self, doc: dict) -> str:
        return rdfc.canonicalize(self.quads(doc))

    def check(self, doc: dict) -> bool:
        """Compare the cached path with the plain one for this document; a shape that differs is
        never templated again. Raises UndefinedTerm and CanonError like the plain path."""
        plain = plain_nquads(doc, self.loader)
        if self.nquads(doc) == plain:
            return True
        values: list[str] = []
        key = json.dumps(_shape(doc, values, [], ""), ensure_ascii=False, separators=(",", ":"))
        self.templates[key] = None
        return False

    def _template(self, shape: Any, paths: list[str]) -> _Template | None:
        filled = _fill(shape, [0])
        quads = to_quads(filled, self.loader)  # raises UndefinedTerm for undefined keys and types
        try:
            return _compile(quads, paths)
        except _NotTemplatable:
            return None
