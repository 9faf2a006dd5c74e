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
_PYLD_DEFAULT_BASE = "http://example.org/base/"  # pyld's jsonld.DEFAULT_BASE_IRI (checked in test_ob3)


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


_PROCESSOR: Any = None


def _processor() -> Any:
    """pyld's processor, keeping what it expanded (to check it) and the properties it dropped.
    pyld (and the asyncio it pulls in) is imported on first use: a build without Open Badges
    3.0 never needs it."""
    global _PROCESSOR
    if _PROCESSOR is None:
        from pyld import jsonld

        class Processor(jsonld.JsonLdProcessor):
            def __init__(self) -> None:
                self.dropped: list[Any] = []
                super().__init__(on_property_dropped=self.dropped.append)
                self.expanded: Any = None

            def expand(self, input_, options):  # noqa: ANN001 - pyld's signature
                self.expanded = super().expand(input_, options)
                return self.expanded

        Processor.error = jsonld.JsonLdError  # type: ignore[attr-defined]
        _PROCESSOR = Processor
    return _PROCESSOR()


def to_quads(doc: dict, loader: Callable = STATIC_LOADER) -> list[Quad]:
    """The RDF of a JSON-LD document, through pyld, refusing undefined terms."""
    processor = _processor()
    try:
        dataset = processor.to_rdf(doc, _pyld_options(loader))
    except processor.error as exc:
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

def _fixed(key: str) -> bool:
    return key in FIXED_KEYS or (key[:1] == "@" and key not in ("@id", "@value"))


class _Walk:
    """One document's shape (strings replaced by slot marks), its strings, and their JSON paths.

    A subtree registered as frozen (Canonicalizer.freeze: the same object, never changed, in many
    documents) is walked once; in the shape it is a reference `\x01<n>`, so that the key of a
    document is small to compute, and its strings are the same in every document of that key:
    the template takes them as constants (`fixed` lists their slots)."""

    __slots__ = ("values", "paths", "memo", "frozen", "fixed")

    def __init__(self, memo: dict | None = None, frozen: dict | None = None):
        self.values: list[str] = []
        self.paths: list[str] = []
        self.fixed: list[int] = []
        self.memo = memo
        self.frozen = frozen

    def shape(self, node: Any, path: str) -> Any:
        kind = type(node)
        if kind is str:
            self.values.append(node)
            self.paths.append(path)
            return _SLOT_MARK
        if kind is dict:
            if self.frozen is not None and id(node) in self.frozen:
                return self._frozen(node, path)
            return {key: (value if _fixed(key) else self.shape(value, f"{path}.{key}" if path else key))
                    for key, value in node.items()}
        if kind is list:
            return [self.shape(item, f"{path}[{i}]") for i, item in enumerate(node)]
        return node

    def _frozen(self, node: dict, path: str) -> str:
        entry = self.memo.get((id(node), path))  # type: ignore[union-attr]
        if entry is None:
            inner = _Walk()
            shape = inner.shape(node, path)
            ref = f"\x01{len(self.memo)}"  # type: ignore[arg-type]
            entry = self.memo[(id(node), path)] = (ref, shape, inner.values, inner.paths)  # type: ignore[index]
            self.memo[ref] = shape  # type: ignore[index]
        start = len(self.values)
        self.values.extend(entry[2])
        self.paths.extend(entry[3])
        self.fixed.extend(range(start, len(self.values)))
        return entry[0]


def _unfreeze(shape: Any, memo: dict) -> Any:
    """The full shape: frozen references replaced by their shapes."""
    if type(shape) is str and shape[:1] == "\x01" and shape in memo:
        return _unfreeze(memo[shape], memo)
    if type(shape) is dict:
        return {k: (v if _fixed(k) else _unfreeze(v, memo)) for k, v in shape.items()}
    if type(shape) is list:
        return [_unfreeze(item, memo) for item in shape]
    return shape


def _fill(shape: Any, counter: list[int]) -> Any:
    """The shape with its slot marks replaced by numbered placeholders, in walk order."""
    if isinstance(shape, dict):
        return {k: (v if _fixed(k) else _fill(v, counter)) for k, v in shape.items()}
    if isinstance(shape, list):
        return [_fill(item, counter) for item in shape]
    if shape == _SLOT_MARK:
        counter[0] += 1
        return f"{_SLOT}{counter[0] - 1}"
    return shape


class _Template:
    """The quads of one shape, as a function of the slots' terms, and its blank nodes' quads.

    Strings of frozen subtrees are constants here; `hashes` holds the first-degree hashes of the
    blank nodes whose quads are all constant (RDFC-1.0 would compute the same for every document)."""

    __slots__ = ("make", "slots", "bnodes", "hashes", "checked")

    def __init__(self, make: Callable, slots: list[tuple[int, bool, str]], bnodes: dict[str, list[int]],
                 hashes: dict[str, str]):
        self.make = make  # terms of the slots -> quads
        self.slots = slots  # (slot, is_iri, literal suffix) of the slots that vary
        self.bnodes = bnodes  # blank node -> indexes of the quads it is in
        self.hashes = hashes
        self.checked = False

    def build(self, values: list[str]) -> list[Quad] | None:
        """The document's quads, or None when a value cannot stand where its placeholder did."""
        terms: list[Any] = [None] * len(values)
        for slot, is_iri, suffix in self.slots:
            value = values[slot]
            if is_iri:
                if not _ABSOLUTE.match(value):
                    return None
                terms[slot] = rdfc.term_iri(value)
            else:
                terms[slot] = f'"{rdfc.escape_literal(value)}"{suffix}'
        return self.make(terms)


_TERM_SLOT = re.compile(r'^(<|")' + re.escape(_SLOT) + r'(\d+)(>|")(.*)$')


def _compile(quads: list[Quad], paths: list[str], values: list[str], fixed: set[int]) -> _Template:
    """The template of a shape's quads; `values` are the first document's strings, of which the
    `fixed` slots are the same in every document of the shape."""
    kinds: dict[int, tuple[bool, str]] = {}
    constants: list[str] = []
    rows = []
    resolved = []  # the quads with fixed slots in place (None for a varying term)
    for quad in quads:
        refs, terms = [], []
        for term in quad:
            if _SLOT not in term:
                constants.append(term)
                refs.append(f"K[{len(constants) - 1}]")
                terms.append(term)
                continue
            match = _TERM_SLOT.match(term)
            if match is None or (match.group(1) == "<") != (match.group(3) == ">") or (match.group(1) == "<" and match.group(4)):
                raise _NotTemplatable()
            slot, kind = int(match.group(2)), (match.group(1) == "<", match.group(4))
            if kinds.setdefault(slot, kind) != kind:
                raise _NotTemplatable()
            if slot in fixed:
                value = values[slot]
                if kind[0] and not _ABSOLUTE.match(value):
                    raise _NotTemplatable()
                term = rdfc.term_iri(value) if kind[0] else f'"{rdfc.escape_literal(value)}"{kind[1]}'
                constants.append(term)
                refs.append(f"K[{len(constants) - 1}]")
                terms.append(term)
            else:
                refs.append(f"T[{slot}]")
                terms.append(None)
        rows.append("(" + ", ".join(refs) + ")")
        resolved.append(tuple(terms))
    missing = [i for i in range(len(paths)) if i not in kinds]
    if missing:
        raise UndefinedTerm("this value is not in the RDF: the property holding it", paths[missing[0]])
    namespace: dict[str, Any] = {"K": tuple(constants)}
    exec("def make(T):\n    return [" + ",\n            ".join(rows) + "]\n", namespace)  # noqa: S102 - indexes only
    bnodes: dict[str, list[int]] = {}
    for n, quad in enumerate(quads):
        for term in {quad[0], quad[2], quad[3]}:
            if term[:2] == "_:":
                bnodes.setdefault(term, []).append(n)
    constant = {b: [resolved[i] for i in idx] for b, idx in bnodes.items()
                if all(None not in resolved[i] for i in idx)}
    hashes = {b: rdfc.first_degree_hash(b, quads_) for b, quads_ in constant.items()}
    slots = [(slot, k[0], k[1]) for slot, k in sorted(kinds.items()) if slot not in fixed]
    return _Template(namespace["make"], slots, bnodes, hashes)


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
        self.frozen: dict[int, Any] = {}
        self.memo: dict = {}
        self.hits = self.misses = self.plain = 0

    def freeze(self, subtree: dict) -> dict:
        """Declare that this object, wherever it appears in documents, will never change: it is
        walked once (a credential's issuer profile and achievement are shared by many)."""
        self.frozen[id(subtree)] = subtree  # kept alive, so its id is not reused
        return subtree

    def _walk(self, doc: dict) -> tuple[str, _Walk]:
        walk = _Walk(self.memo, self.frozen)
        shape = walk.shape(doc, "")
        return json.dumps(shape, ensure_ascii=False, separators=(",", ":")), walk

    def _lookup(self, doc: dict) -> tuple[_Template | None, list[Quad] | None, str]:
        key, walk = self._walk(doc)
        template = self.templates.get(key, False)
        if template is False:
            self.misses += 1
            shape = _unfreeze(json.loads(key), self.memo)
            template = self.templates[key] = self._template(shape, walk)
        else:
            self.hits += 1
        if template is None or any(_SLOT in v for v in walk.values):
            return None, None, key
        return template, template.build(walk.values), key

    def quads(self, doc: dict) -> list[Quad]:
        return self._canonical_input(doc)[0]

    def _canonical_input(self, doc: dict) -> tuple[list[Quad], _Template | None]:
        template, built, key = self._lookup(doc)
        if built is None:
            self.plain += 1
            return to_quads(doc, self.loader), None
        if not template.checked and self.check_first:  # type: ignore[union-attr]
            template.checked = True  # type: ignore[union-attr]
            if rdfc.canonicalize(built) != plain_nquads(doc, self.loader):
                self.templates[key] = None  # never trust this shape: plain path from now on
                self.plain += 1
                return to_quads(doc, self.loader), None
        return built, template  # type: ignore[return-value]

    def nquads(self, doc: dict) -> str:
        quads, template = self._canonical_input(doc)
        if template is not None and len(set(quads)) == len(quads):
            return rdfc.canonicalize(quads, {b: [quads[i] for i in idx] for b, idx in template.bnodes.items()},
                                     template.hashes)
        return rdfc.canonicalize(quads)

    def check(self, doc: dict) -> bool:
        """Compare the cached path with the plain one for this document; a shape that differs is
        never templated again. Raises UndefinedTerm and CanonError like the plain path."""
        plain = plain_nquads(doc, self.loader)
        if self.nquads(doc) == plain:
            return True
        self.templates[self._walk(doc)[0]] = None
        return False

    def _template(self, shape: Any, walk: _Walk) -> _Template | None:
        filled = _fill(shape, [0])
        quads = to_quads(filled, self.loader)  # raises UndefinedTerm for undefined keys and types
        try:
            return _compile(quads, walk.paths, walk.values, set(walk.fixed))
        except _NotTemplatable:
            return None
