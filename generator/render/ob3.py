"""Open Badges 3.0 (site.yaml `signing: {ob3: true}`): signed credentials, DID document, status list.

Per award: `/credentials/<id>.json`, an OpenBadgeCredential signed with a DataIntegrityProof
(eddsa-rdfc-2022) by the site's did:web key, and, unless revoked, the badge image with the
credential baked in (`/credentials/<id>.png` or `.svg`). For the site: the DID document
(`/did.json` under a sub-path, `/.well-known/did.json` at the root of a host: ob3/did.py) and the
signed revocation list `/status/1.json` (ob3/status.py), rebuilt at every build.

Endorsements (ob3/endorsement.py): each badge endorsement of the content is an
EndorsementCredential signed with the site's key, `/endorsements/<badge>/<issuer>.json`; signed
ones made elsewhere (`content/endorsements/*.json`) are checked here and published at
`/endorsements/external/<name>.json`; both are embedded in the achievement they endorse.

A revoked award keeps its credential, unchanged and still signed, at its URL: its bit in the
status list says it is revoked. See ob3/ for how credentials are built, canonicalized, signed and
cached; the first credential of each badge is canonicalized while the jobs are listed, so that a
property no context defines stops the build with a message rather than in a worker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from .. import baking, designer, tracking
from ..awards import award_groups, record_key, today
from ..errors import Problem, SiteError
from ..keys import KeyProblem, load_keys, signing_problems
from ..model import Award, Badge
from ..ob3 import credential as cred
from ..ob3 import did as didweb
from ..ob3 import endorsement
from ..ob3 import status
from ..ob3.canon import CanonError, UndefinedTerm
from ..ob3.issue import CACHE_DIR, Issuer, ProofCache, dumps
from .base import Job, JobGroup, Renderer
from .images import _cached, published


@dataclass
class State:
    issuer: Issuer
    indexes: dict[str, int]
    new_indexes: list[str]
    profiles: dict[str, dict]  # issuer slug -> Profile
    achievements: dict[str, dict]  # badge slug -> Achievement
    endorsements: dict[str, str]  # output path -> signed EndorsementCredential (JSON)


def enabled(r: Renderer) -> bool:
    return bool(r.config.signing.ob3)


def _fail(field: str, message: str, path: str = "site.yaml") -> SiteError:
    return SiteError([Problem(path, 0, 0, field, message)])


def state(r: Renderer) -> State:
    """Keys, DID, status indexes and shared parts, once per build (SiteError when unusable).
    For the preview's tracking, every credential reads what these read: all badges, issuers and
    award ids of the catalogue (coarse, but a credential embeds its badge's achievement)."""
    return tracking.remember(r.__dict__.setdefault("_ob3_memo", {}), "state", lambda: _make_state(r))


def _make_state(r: Renderer) -> State:
    keys_dir = r.config.signing.keys
    try:
        keys = load_keys(r.config.root, keys_dir)
    except KeyProblem:
        raise SiteError(signing_problems(r.config)) from None
    if keys.current_ed25519 is None:  # every format's missing key named at once, at site.yaml's signing
        raise SiteError(signing_problems(r.config))
    known, problems = status.read_indexes(r.config.root)
    if problems:
        raise SiteError(problems)
    indexes, new = status.assign(known, [a.id for a in r.site.awards])
    did = didweb.did_web(r.config.base_url)
    issuer = Issuer(did, keys.ed25519, keys.current_ed25519, ProofCache(r.cache_dir / CACHE_DIR))
    cat = r.site.default
    base = r.config.base_url
    freeze = issuer.canonicalizer.freeze  # shared by every credential of a badge, never changed
    profiles = {slug: freeze(cred.profile(base, did, i)) for slug, i in cat.issuers.items()}
    # a renamed badge's achievement under each former slug too: the credentials of the awards whose
    # records name it stay as they were signed (its endorsements too, at their addresses)
    achievements = {b.slug: cred.achievement(base, b, r.config.language)
                    for b in (*cat.published_badges, *cat.formerly.values())}
    endorsed = _endorsements(r, issuer, profiles, achievements)
    for a in achievements.values():
        freeze(a)
    r.__dict__["_ob3"] = st = State(issuer, indexes, new, profiles, achievements, endorsed)
    return st


def _endorsements(r: Renderer, issuer: Issuer, profiles: dict[str, dict], achievements: dict[str, dict]) -> dict[str, str]:
    """Sign the site's endorsements, check the external ones, and embed both in the achievements
    they endorse (ob3/endorsement.py). Returns output path -> JSON."""
    out: dict[str, str] = {}
    embedded: dict[str, list[dict]] = {}
    base = r.config.base_url
    for badge in (*r.site.default.published_badges, *r.site.default.formerly.values()):
        for n, e in enumerate(badge.endorsements):
            if (e.date or badge.date) is None:
                if badge.alias_of is None:  # said once, of the badge's own file
                    r.site.warnings.append(Problem(badge.source, 0, 0, f"endorsements[{n}].date",
                                                   "no day for this endorsement (nor a date for the badge): it is "
                                                   "not issued as an Open Badges 3.0 endorsement credential",
                                                   warning=True))
                continue
            rel = endorsement.path(badge, e, n)
            document = endorsement.credential(base, badge, e, profiles[e.issuer.slug], rel,
                                              achievements[badge.slug]["id"])
            out[rel] = issuer.sign_text(document, e.date or badge.date)
            embedded.setdefault(badge.slug, []).append(json.loads(out[rel]))
    by_id = {a["id"]: slug for slug, a in achievements.items()}
    external, problems = endorsement.read_external(r.config.root, by_id)
    if problems:
        raise SiteError(problems)
    for item in external:
        out[f"endorsements/external/{item.name}.json"] = json.dumps(item.document, ensure_ascii=False,
                                                                    separators=(",", ":"))
        embedded.setdefault(by_id[item.subject], []).append(item.document)
    for slug, items in embedded.items():
        achievements[slug]["endorsement"] = items
    return out


def unsigned(r: Renderer, award: Award, badge: Badge) -> dict:
    st = state(r)
    return cred.open_badge_credential(r.config.base_url, st.issuer.did, award, badge,
                                      status.entry(r.config.base_url, st.indexes[award.id]),
                                      st.profiles[badge.issuer.slug], st.achievements[badge.slug])


_MARK = "\x00vitrine-credential\x00"  # stands for the credential while a badge's image is baked once
_SIGNED: dict[str, str] = {}  # award id -> signed credential (compact JSON), within one process


def signed(r: Renderer, award: Award, badge: Badge) -> str:
    """The signed credential as compact JSON: the same text is published and baked."""
    # (the preview's tracking notes what each file reads: a text signed for another file is
    # not taken, it would hide what signing it read)
    text = _SIGNED.get(award.id) if not tracking.active() else None
    if text is None:
        if len(_SIGNED) > 256:
            _SIGNED.clear()
        text = _SIGNED[award.id] = state(r).issuer.sign_text(unsigned(r, award, badge), award.issued_on)
    return text


def status_list(r: Renderer) -> str:
    st = state(r)
    revoked = [st.indexes[a.id] for a in r.site.awards if a.revoked is not None]
    size = status.capacity(len(st.indexes), max(st.indexes.values(), default=-1))
    days = [a.issued_on for a in r.site.awards] + [a.revoked.date for a in r.site.awards if a.revoked is not None]
    valid_from = max(days) if days else date(2000, 1, 1)  # from the records: no clock read
    document = status.list_credential(r.config.base_url, st.issuer.did, revoked, size, valid_from)
    return st.issuer.sign_text(document, valid_from)


def did_document(r: Renderer) -> dict:
    st = state(r)
    return didweb.document(st.issuer.did, st.issuer.keys)


def anchors(r: Renderer) -> list[str]:
    """The DID document's keys, as `<its path>#<kid>`: what a credential kept by its holder names
    (published.py records those of published awards: a key file removed would leave them out)."""
    if not enabled(r):
        return []
    path = didweb.document_path(r.config.base_url)
    return [f"{path}#{key.kid}" for key in state(r).issuer.keys]


def _preflight(r: Renderer) -> None:
    """Canonicalize the first credential of each badge (and the status list) in this process:
    an undefined term is a clear message here, and the shapes are cached for the workers."""
    seen = set()
    for award in r.site.awards:
        if award.badge in seen:
            continue
        seen.add(award.badge)
        badge = r.site.default.award_badge(award.badge)
        try:
            state(r).issuer.canonicalizer.check(unsigned(r, award, badge))
        except (UndefinedTerm, CanonError) as exc:
            raise _fail("", f"the Open Badges 3.0 credential of award {award.id} (badge {badge.slug}) "
                            f"cannot be signed: {exc}", award.source) from None


def jobs(r: Renderer) -> list[Job]:
    if not enabled(r):
        return []
    state(r)  # keys, DID, status positions: a SiteError now rather than in a worker
    _SIGNED.clear()
    _preflight(r)
    cat = r.site.default
    # Keys (render.base.Job, incremental.py): the DID document and the endorsements depend on the
    # content and the keys; a credential and its image on its award's record and status position
    # too; the status list on every record (no key).
    st = state(r)
    keyset = "|".join([st.issuer.did, st.issuer.current.kid] +
                      [k.kid + ("-" if k.withdrawn else "") for k in st.issuer.keys])
    out = [Job(didweb.document_path(r.config.base_url), "ob3", lambda: dumps(did_document(r)), key=keyset),
           Job(status.LIST_PATH, "ob3", lambda: (status_list(r) + "\n").encode("utf-8"))]
    out += [Job(rel, "ob3", lambda text=text: (text + "\n").encode("utf-8"), key=keyset)
            for rel, text in st.endorsements.items()]

    images: dict[str, tuple] = {}
    around: dict[str, tuple] = {}

    def image_bytes(slug: str) -> bytes:
        return tracking.remember(images, slug, lambda: _image_bytes(slug))

    def _image_bytes(slug: str) -> bytes:
        badge = cat.award_badge(slug)
        if badge.image.drawn:
            return _cached(r, badge.image.digest, "512", lambda: designer.draw(badge.design, 512))
        return published(r, badge.image)

    def baked_around(slug: str) -> tuple[bytes, bytes]:
        return tracking.remember(around, slug, lambda: _baked_around(slug))

    def _baked_around(slug: str) -> tuple[bytes, bytes]:
        """What comes before and after the baked credential in this badge's image: baking is the
        same for every award of a badge but the text, so it is done once (with a marker)."""
        badge = cat.award_badge(slug)
        if badge.image.kind == "png":
            baked = baking.bake_png(image_bytes(slug), _MARK, baking.OB3_KEYWORD)
            chunk = baking.itxt_chunk(baking.OB3_KEYWORD, _MARK)
        else:
            baked = baking.bake_svg(image_bytes(slug).decode("utf-8"), _MARK, None, "credential",
                                    baking.OB3_SVG_NAMESPACE).encode("utf-8")
            chunk = _MARK.encode("utf-8")
        head, found, tail = baked.partition(chunk)
        assert found and chunk not in tail
        return head, tail

    def bake(award: Award, badge: Badge) -> bytes:
        text = signed(r, award, badge)
        _SIGNED.pop(award.id, None)
        head, tail = baked_around(badge.slug)
        if badge.image.kind == "png":
            return head + baking.itxt_chunk(baking.OB3_KEYWORD, text) + tail
        return head + text.replace("]]>", "]]]]><![CDATA[>").encode("utf-8") + tail

    def json_bytes(award: Award, badge: Badge) -> bytes:
        data = (signed(r, award, badge) + "\n").encode("utf-8")
        if award.revoked is not None:
            _SIGNED.pop(award.id, None)
        return data

    def group_jobs(awards: list[Award]) -> list[Job]:
        jobs = []
        for award in awards:
            badge = cat.award_badge(award.badge)
            key = f"{keyset}|{record_key(award)}|{st.indexes[award.id]}"
            jobs.append(Job(cred.credential_path(award), "ob3", lambda a=award, b=badge: json_bytes(a, b), key=key))
            if award.revoked is None:
                jobs.append(Job(cred.baked_path(award, badge), "ob3", lambda a=award, b=badge: bake(a, b), key=key))
        return jobs

    # one group per awards file (incremental.py): its key adds the keys and the status positions
    for source, awards, digest in award_groups(r.site.awards, today(), r.__dict__.setdefault("_award_groups", {})):
        positions = ",".join(str(st.indexes[a.id]) for a in awards)
        out.append(JobGroup(f"ob3:{source}", f"{keyset}|{digest}|{positions}", lambda group=awards: group_jobs(group)))
    return out


def after_build(r: Renderer) -> None:
    """After a successful build: keep the new status positions (awards/status.txt) and fold the
    proof cache's files into one."""
    if not enabled(r) or "_ob3" not in r.__dict__:
        return
    st = r.__dict__["_ob3"]
    status.save_indexes(r.config.root, st.indexes, st.new_indexes)
    st.issuer.cache.merge()
