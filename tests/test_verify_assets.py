"""What /verify/ ships to check an Open Badges 3.0 signature in the browser: jsonld.js, as npm's
package has it, with its licences; the JSON-LD contexts Vitrine ships, published at
verify/contexts.json. (That it runs without eval, under the site's Content-Security-Policy, is
checked in the browser: tests/test_ob3_verify_page.py.)"""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import REPO, run_cli, write_site
from generator.ob3 import documents

VENDOR = REPO / "themes" / "default" / "static" / "vendor"
NPM = REPO / "node_modules" / "jsonld"


@pytest.mark.skipif(not NPM.is_dir() and not os.environ.get("VITRINE_REQUIRE_BROWSER"),
                    reason="needs npm's jsonld (bash scripts/test.sh installs it)")
def test_the_shipped_jsonld_is_npms_copy_byte_for_byte():
    """The copy in the theme cannot rot apart from the version package.json names: refresh it with
    `cp node_modules/jsonld/dist/jsonld.esm.min.js themes/default/static/vendor/` (and its licence)."""
    assert (VENDOR / "jsonld.esm.min.js").read_bytes() == (NPM / "dist" / "jsonld.esm.min.js").read_bytes()
    version = json.loads((NPM / "package.json").read_text(encoding="utf-8"))["version"]
    wanted = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["devDependencies"]["jsonld"]
    assert wanted.lstrip("^~").split(".")[0] == version.split(".")[0]
    licence = (VENDOR / "jsonld-LICENSE.txt").read_text(encoding="utf-8")
    assert licence.startswith(f"jsonld.esm.min.js is jsonld.js {version} ")
    assert (NPM / "LICENSE").read_text(encoding="utf-8") in licence


def test_the_build_publishes_the_contexts_vitrine_ships(tmp_path):
    root = write_site(tmp_path / "site", {})
    status, _, err = run_cli("build", "--site", str(root))
    assert status == 0, err
    published = json.loads((root / "output" / "verify" / "contexts.json").read_text(encoding="utf-8"))
    assert sorted(published) == sorted(documents.context_index())
    assert documents.OB_V3 in published and documents.VC_V2 in published and documents.DATA_INTEGRITY_V2 in published
    for url, document in published.items():
        assert document == documents.context(url), url
    html = (root / "output" / "en" / "verify" / "index.html").read_text(encoding="utf-8") \
        if (root / "output" / "en").is_dir() else (root / "output" / "verify" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="[./]*static/verify-ob3\.js" data-jsonld="[./]*static/vendor/jsonld\.esm\.min\.js" '
                     r'data-contexts="[./]*verify/contexts\.json" defer></script>', html)
    assert "jsonld.esm.min.js\" defer" not in html  # loaded by verify-ob3.js when a 3.0 credential is checked
