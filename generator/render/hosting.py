"""Files static hosts read: `.nojekyll` (GitHub Pages) and `_headers` (Netlify, Cloudflare Pages).

- `.nojekyll`: without it GitHub Pages runs Jekyll, which drops every file and folder whose name
  starts with "." or "_" (`/.well-known/did.json` would vanish).
- `_headers`: response headers. CORS on everything (`Access-Control-Allow-Origin: *`): the badge
  JSON, assertions and baked images are public, and browser-based verifiers and backpacks fetch
  them from other sites. Content types for the files whose type a host may guess wrong (the Atom
  feeds), and a Content-Security-Policy that fits the built-in theme (scripts and styles from
  the site itself only; no inline code). Paths include the path of `base_url`: for a site under
  a sub-path, move `_headers` to the root of what is published (see README, "Publishing").

Other hosts ignore both files (GitLab Pages, a plain web server: see README for nginx).
"""

from __future__ import annotations

from .base import Job, Renderer

CSP = ("default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
       "connect-src 'self' https:; object-src 'none'; base-uri 'self'; form-action 'self' https: mailto:; "
       "frame-ancestors 'self'")


def headers(r: Renderer) -> bytes:
    base = r.config.base_path  # "/" or "/badges/"
    lines = [
        "# Response headers for Netlify and Cloudflare Pages (written by Vitrine; other hosts ignore it).",
        "# Everything is public: CORS lets browser-based verifiers and backpacks read the badge JSON",
        "# and baked images from other sites.",
        f"{base}*",
        "  Access-Control-Allow-Origin: *",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: strict-origin-when-cross-origin",
        f"  Content-Security-Policy: {CSP}",
    ]
    for cat in r.site.catalogues.values():
        lines += [f"{base}{cat.prefix}feed.xml", "  Content-Type: application/atom+xml; charset=utf-8"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def jobs(r: Renderer) -> list[Job]:
    return [Job(".nojekyll", "hosting", lambda: b""), Job("_headers", "hosting", lambda: headers(r))]
