"""RDF Dataset Canonicalization (RDFC-1.0), over quads whose terms are already serialized.

pyld turns JSON-LD into an RDF dataset well, but its canonicalization (URDNA2015) serializes
literals the old way: only `\\t \\n \\r \\" \\\\` are escaped, while RDFC-1.0's canonical N-Quads
escape `\\b` and `\\f` too and write every other control character (U+0000-U+001F, U+007F) as
`\\uXXXX` with upper-case hex. The serialization is also what the algorithm hashes, so a label
can differ, not only a line: a signature made with pyld's URDNA2015 over such a text does not
verify with an RDFC-1.0 implementation (Digital Bazaar's rdf-canonize, used by the JavaScript
verifiers). This module is a complete RDFC-1.0 (the algorithm is URDNA2015's, with the N-Quads
of RDFC-1.0 and a bound on the work a crafted dataset can cause).

A term is a string in N-Quads form: `<iri>`, `_:label` or `"literal"...`; a quad is a tuple
(subject, predicate, object, graph) where graph is "" for the default graph. `term_*` build them.
"""

from __future__ import annotations

import hashlib
import re
from itertools import permutations

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_LITERAL_NEEDS = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_TABLE = {c: f"\\u{c:04X}" for c in [*range(0x21), *map(ord, '<>"{}|^`\\')]}
_IRI_NEEDS = re.compile(r'[\x00-\x20<>"{}|^`\\]')

MAX_DEEP_CALLS = 4096  # Hash N-Degree Quads calls per dataset: poison graphs are refused


class CanonicalizationError(ValueError):
    """The dataset needs more work than any credential does (a poison graph)."""


_RARE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def escape_literal(value: str) -> str:
    if not _LITERAL_NEEDS.search(value):
        return value
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    value = value.replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f")
    return _RARE.sub(lambda m: f"\\u{ord(m.group()):04X}", value) if _RARE.search(value) else value


def escape_iri(value: str) -> str:
    return value.translate(_IRI_TABLE) if _IRI_NEEDS.search(value) else value


def term_iri(value: str) -> str:
    return f"<{escape_iri(value)}>"


def term_literal(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    text = f'"{escape_literal(value)}"'
    if language is not None and datatype == RDF_LANGSTRING:
        return f"{text}@{language}"
    if datatype == XSD_STRING:
        return text
    return f"{text}^^<{escape_iri(datatype)}>"


def from_pyld(dataset: dict) -> list[tuple[str, str, str, str]]:
    """The quads of a pyld RDF dataset ({graph name: [triples]}) as serialized-term tuples."""
    quads = []
    for graph_name, triples in dataset.items():
        if graph_name == "@default":
            g = ""
        elif graph_name.startswith("_:"):
            g = graph_name
        else:
            g = term_iri(graph_name)
        for t in triples:
            quads.append((_term(t["subject"]), _term(t["predicate"]), _term(t["object"]), g))
    return quads


def _term(node: dict) -> str:
    kind = node["type"]
    if kind == "IRI":
        return term_iri(node["value"])
    if kind == "blank node":
        return node["value"]
    return term_literal(node["value"], node.get("datatype", XSD_STRING), node.get("language"))


def serialize(quad: tuple[str, str, str, str]) -> str:
    s, p, o, g = quad
    return f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Issuer:
    __slots__ = ("prefix", "issued", "order")

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.issued: dict[str, str] = {}
        self.order: list[str] = []

    def issue(self, existing: str) -> str:
        new = self.issued.get(existing)
        if new is None:
            new = self.issued[existing] = f"{self.prefix}{len(self.order)}"
            self.order.append(existing)
        return new

    def copy(self) -> "_Issuer":
        other = _Issuer(self.prefix)
        other.issued = dict(self.issued)
        other.order = list(self.order)
        return other


def first_degree_hash(bnode: str, quads: list[tuple[str, str, str, str]]) -> str:
    """Hash First Degree Quads of a blank node, given the quads it is in."""
    state = _State([], {bnode: quads})
    return state.hash_first_degree(bnode)


class _State:
    def __init__(self, quads: list[tuple[str, str, str, str]], bnode_quads: dict | None = None):
        self.quads = quads
        if bnode_quads is None:
            bnode_quads = {}
            for quad in quads:
                seen = set()
                for i in (0, 2, 3):
                    term = quad[i]
                    if term.startswith("_:") and term not in seen:
                        seen.add(term)
                        bnode_quads.setdefault(term, []).append(quad)
        self.bnode_quads: dict[str, list[tuple[str, str, str, str]]] = bnode_quads
        self.canonical = _Issuer("_:c14n")
        self.first_degree: dict[str, str] = {}
        self.deep_calls = 0

    def hash_first_degree(self, bnode: str) -> str:
        cached = self.first_degree.get(bnode)
        if cached is not None:
            return cached
        lines = []
        for s, p, o, g in self.bnode_quads[bnode]:
            if s.startswith("_:"):
                s = "_:a" if s == bnode else "_:z"
            if o.startswith("_:"):
                o = "_:a" if o == bnode else "_:z"
            if g.startswith("_:"):
                g = "_:a" if g == bnode else "_:z"
            lines.append(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
        lines.sort()
        digest = self.first_degree[bnode] = _sha256("".join(lines))
        return digest

    def hash_related(self, related: str, quad: tuple, issuer: _Issuer, position: str) -> str:
        if related in self.canonical.issued:
            ident = self.canonical.issued[related]
        elif related in issuer.issued:
            ident = issuer.issued[related]
        else:
            ident = self.hash_first_degree(related)
        text = position + (f"<{quad[1][1:-1]}>" if position != "g" else "") + ident
        return _sha256(text)

    def hash_n_degree(self, bnode: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        self.deep_calls += 1
        if self.deep_calls > MAX_DEEP_CALLS:
            raise CanonicalizationError("the dataset's blank nodes are too intricate to canonicalize")
        groups: dict[str, list[str]] = {}
        for quad in self.bnode_quads[bnode]:
            for i, position in ((0, "s"), (2, "o"), (3, "g")):
                term = quad[i]
                if term.startswith("_:") and term != bnode:
                    h = self.hash_related(term, quad, issuer, position)
                    groups.setdefault(h, []).append(term)
        data = []
        for related_hash in sorted(groups):
            data.append(related_hash)
            chosen_path, chosen_issuer = None, None
            for perm in permutations(groups[related_hash]):
                issuer_copy = issuer.copy()
                path = ""
                recursion = []
                skip = False
                for related in perm:
                    if related in self.canonical.issued:
                        path += self.canonical.issued[related]
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += issuer_copy.issue(related)
                    if chosen_path is not None and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += issuer_copy.issue(related)
                    path += f"<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path is not None and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if chosen_path is None or path < chosen_path:
                    chosen_path, chosen_issuer = path, issuer_copy
            data.append(chosen_path or "")
            issuer = chosen_issuer  # type: ignore[assignment]
        return _sha256("".join(data)), issuer


def canonical_labels(quads: list[tuple[str, str, str, str]], bnode_quads: dict | None = None,
                     hashes: dict | None = None) -> dict[str, str]:
    """Blank node label -> canonical label (`_:c14n0`...), by RDFC-1.0. `bnode_quads`, if given,
    maps each blank node to the quads it appears in (once each); `hashes`, first-degree hashes
    already known."""
    state = _State(quads, bnode_quads)
    if hashes:
        state.first_degree.update(hashes)
    by_hash: dict[str, list[str]] = {}
    for bnode in state.bnode_quads:
        by_hash.setdefault(state.hash_first_degree(bnode), []).append(bnode)
    shared = []
    for h in sorted(by_hash):
        if len(by_hash[h]) == 1:
            state.canonical.issue(by_hash[h][0])
        else:
            shared.append(h)
    for h in shared:
        results = []
        for bnode in by_hash[h]:
            if bnode in state.canonical.issued:
                continue
            temporary = _Issuer("_:b")
            temporary.issue(bnode)
            results.append(state.hash_n_degree(bnode, temporary))
        for _, issuer in sorted(results, key=lambda r: r[0]):
            for existing in issuer.order:
                state.canonical.issue(existing)
    return state.canonical.issued


def canonicalize(quads: list[tuple[str, str, str, str]], bnode_quads: dict | None = None,
                 hashes: dict | None = None) -> str:
    """The canonical N-Quads of a dataset (a set: duplicate quads count once). `bnode_quads` and
    `hashes`: see canonical_labels (only for quads without duplicates)."""
    if bnode_quads is None:
        quads = list(dict.fromkeys(quads))
        labels = canonical_labels(quads) if any(q[0][:2] == "_:" or q[2][:2] == "_:" or q[3][:2] == "_:" for q in quads) else {}
    else:
        labels = canonical_labels(quads, bnode_quads, hashes) if bnode_quads else {}
    lines = set()
    for s, p, o, g in quads:
        if labels:
            s = labels.get(s, s) if s[:2] == "_:" else s
            o = labels.get(o, o) if o[:2] == "_:" else o
            g = labels.get(g, g) if g[:2] == "_:" else g
        lines.add(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
    return "".join(sorted(lines))
