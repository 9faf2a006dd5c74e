"""Run 1EdTech's Open Badges 2.0 validator (PyPI `openbadges`) on hosted assertions, offline.

Runs in the validator's own virtualenv (scripts/setup-validator.sh), not in Vitrine's:

    .venv-validator/bin/python tests/ob2_validate.py SERVED_AT LOCAL_URL CONTEXT_FILE < requests.json

SERVED_AT is the site's base_url (https://badges.example.org/); LOCAL_URL is where a test server
on 127.0.0.1 serves the built output (http://127.0.0.1:PORT/). Every HTTP request the validator
makes goes through a requests adapter: URLs under SERVED_AT are fetched from LOCAL_URL, the Open
Badges 2.0 context URL is answered with CONTEXT_FILE (the copy shipped in generator/data/), and
anything else fails, so nothing reaches the network. stdin holds a JSON list of
{"input": URL or JSON text} or {"file": path of a baked PNG or SVG}, each with an optional
"email" (a recipient address to check against the hash); stdout gets a JSON list of
{"input", "valid", "errors": [...], "warnings": [...], "recipient"}.
"""

from __future__ import annotations

import json
import sys

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

CONTEXT_URLS = ("https://w3id.org/openbadges/v2", "https://w3id.org/openbadges/v2/",
                "https://openbadgespec.org/v2/context.json")


class OfflineAdapter(HTTPAdapter):
    def __init__(self, served_at: str, local: str, context: bytes):
        super().__init__()
        self.served_at, self.local, self.context = served_at, local, context

    def _answer(self, request, status: int, body: bytes, content_type: str):
        response = requests.Response()
        response.status_code = status
        response.reason = "OK" if status == 200 else "Not Found"
        response._content = body
        response.headers = CaseInsensitiveDict({"Content-Type": content_type})
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def send(self, request, **kwargs):
        url = request.url
        if url in CONTEXT_URLS:
            return self._answer(request, 200, self.context, "application/ld+json")
        if url.startswith(self.served_at):
            request.url = self.local + url[len(self.served_at):]
            response = super().send(request, **kwargs)
            response.url = url
            return response
        raise requests.ConnectionError(f"offline test: no network access for {url}")


def main() -> int:
    served_at, local, context_file = sys.argv[1:4]
    with open(context_file, "rb") as f:
        context = f.read()
    original_init = requests.Session.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        adapter = OfflineAdapter(served_at, local, context)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    requests.Session.__init__ = init  # every session the validator opens, cached or not

    import openbadges  # after the patch: module-level sessions are created at import

    out = []
    for item in json.load(sys.stdin):
        profile = {"email": item["email"]} if item.get("email") else None
        if "file" in item and item["file"].endswith(".svg"):
            # openbadges-bakery's SVG unbake returns bytes on Python 3, which verify() then refuses
            # ("only URL, JSON, or JWS input"): unbake with it, decode, and verify what it found.
            from openbadges_bakery import unbake
            with open(item["file"], "rb") as f:
                found = unbake(f)
            found = found.decode("utf-8") if isinstance(found, bytes) else found
            result = openbadges.verify(found, recipient_profile=profile, use_cache=False)
        elif "file" in item:
            with open(item["file"], "rb") as f:
                result = openbadges.verify(f, recipient_profile=profile, use_cache=False)
        else:
            result = openbadges.verify(item["input"], recipient_profile=profile, use_cache=False)
        report = result["report"]
        messages = report.get("messages", [])
        out.append({"input": item.get("input") or item["file"], "valid": bool(report.get("valid")),
                    "errors": [m.get("result") for m in messages if m.get("messageLevel") == "ERROR"],
                    "warnings": [m.get("result") for m in messages if m.get("messageLevel") == "WARNING"],
                    "recipient": report.get("recipientProfile")})
    json.dump(out, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
