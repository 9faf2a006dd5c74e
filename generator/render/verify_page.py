"""The page /verify/ (and /<lang>/verify/): check any Open Badge in the browser.

templates/verify.html holds the form, and the messages of static/verify.js in the page's language
(a JSON data block: no inline script, the site's Content-Security-Policy allows none). The script
reads a URL, pasted JSON or a JWS, or a dropped PNG or SVG, and checks what a browser can: see
static/verify.js, and README's "Open Badges 3.0 and vitrine verify" for what the command adds.

An Open Badges 3.0 credential's signature is checked by static/verify-ob3.js, with jsonld.js
(static/vendor/) and the JSON-LD contexts Vitrine ships, published once for every language at
verify/contexts.json: the page fetches nothing from a third party to canonicalize a credential.
"""

from __future__ import annotations

import json

from ..ob3 import documents
from .base import Job, Renderer

PATH = "verify/"
CONTEXTS = "verify/contexts.json"
MESSAGES = (
    "checking", "verdict_valid", "verdict_nothing_wrong", "verdict_invalid", "read_failed", "not_badge",
    "verdict_expired", "verdict_revoked", "kind_not_found", "verdict_not_found", "name_address", "not_found",
    "kind_ob3", "kind_ob2", "kind_ob2_signed",
    "name_structure", "name_signature", "name_key", "name_status", "name_revoked", "name_validity", "name_recipient",
    "name_hosted", "name_badge", "name_issuer",
    "structure_ok", "structure_bad", "signature_ob3", "key_ok", "key_bad", "key_withdrawn", "key_unread",
    "key_didkey", "name_published", "published_ok", "published_bad", "published_unread",
    "status_ok", "status_revoked", "status_suspended", "status_none", "status_unread", "status_bad",
    "validity_ok", "validity_open", "validity_expired", "validity_future",
    "recipient_ok", "recipient_bad", "recipient_skip", "recipient_none",
    "hosted_ok", "hosted_bad", "hosted_unread", "revoked", "badge_ok", "badge_bad", "origin_ok", "origin_bad",
    "jws_ok", "jws_bad", "jws_unread", "signed_json", "signed_json_differs", "key_ob2_ok", "key_ob2_retired", "key_ob2_not_owned",
    "key_ob2_unnamed", "key_ob2_withdrawn", "revocation_list_ok", "revocation_list_none", "revocation_list_unread",
    "limits_ob3", "limits_ob2",
    "kind_not_award", "name_type", "advice", "about_badge_page", "about_badge", "about_issuer_page", "about_issuer",
    "about_document", "about_page", "about_picture", "revoked_named", "revoked_unnamed", "revoked_when", "revoked_when_why",
    # the 3.0 signature (verify-ob3.js) and what a valid one makes of a newer published copy
    "signature_ob3_ok", "signature_ob3_bad", "signature_ob3_none", "signature_ob3_unsupported",
    "signature_ob3_undefined", "signature_ob3_invalid_jsonld", "signature_ob3_context", "signature_ob3_no_ed25519",
    "signature_ob3_key_unread", "signature_ob3_unloaded", "published_newer", "published_diff_name",
    "published_diff_description", "published_diff_criteria", "published_diff_dates", "published_diff_other",
    "limits_ob3_signed", "published_other", "status_ok_signed", "status_unsigned",
)


def contexts_json() -> bytes:
    """{context URL: document} of every context Vitrine ships (generator/data/ob3/contexts): what
    verify-ob3.js's document loader answers; any other context is not fetched."""
    shipped = {url: documents.context(url) for url in sorted(documents.context_index())}
    return (json.dumps(shipped, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def jobs(r: Renderer) -> list[Job]:
    out = []
    for cat in r.site.catalogues.values():
        t = r.t[cat.lang]
        strings: dict = {key: t(f"verify.js.{key}") for key in MESSAGES}
        # dates in words, as the award pages write them ("1er mars 2024", "1 March 2024")
        strings.update(date_long=t("date.long"), date_first_day=t("date.first_day"),
                       date_months=[t(f"date.months.m{m}") for m in range(1, 13)])
        out.append(Job(f"{cat.prefix}{PATH}index.html", "verify",
                       lambda c=cat, s=strings: r.page("verify.html", c, PATH, strings=s), key=""))  # content only
    out.append(Job(CONTEXTS, "verify", contexts_json, key=""))  # Vitrine's own data only
    return out
