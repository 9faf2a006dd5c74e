"""The preview's HTTP side (`vitrine serve`): the snapshot it answers from, the files it renders on
demand (noting what each read: tracking.py), the reload script and error overlay it adds to HTML
pages, and the request handler with its Server-Sent Events stream. serve.py watches and rebuilds.
"""

from __future__ import annotations

import html
import http.server
import mimetypes
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from . import tracking
from .awards import render_narratives, today
from .build import _describe
from .model import Award, Site
from .render.base import Job, Renderer

EVENTS_PATH = "/__vitrine/events"
KEEPALIVE = 15.0  # seconds between two comments on an idle event stream

_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
          ".png": "image/png", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
          ".ico": "image/x-icon", ".woff2": "font/woff2", ".webmanifest": "application/manifest+json"}


def content_type(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name.lstrip(".") else ""
    if path.endswith("feed.xml"):
        return "application/atom+xml; charset=utf-8"
    if suffix in _TYPES:
        return _TYPES[suffix]
    guessed = mimetypes.guess_type(name)[0]
    return guessed or "text/plain; charset=utf-8"


# -- the state shared by the rebuilder and the request handlers --------------------------------


@dataclass
class Snapshot:
    """One successful load of the site: what the server answers from."""

    site: Site
    renderer: Renderer
    jobs: dict[str, Job]
    made: set[str] = field(default_factory=set)  # the jobs' paths and anchors (published.py)
    drafts: set[str] | None = None  # with `--drafts`: the paths of the drafts' files (render/drafts.py)
    rendered: dict[str, bytes] = field(default_factory=dict)
    reads: dict[str, tracking.Reads] = field(default_factory=dict)  # what each rendered file read
    digests: tracking.Digests | None = None
    day: date = field(default_factory=today)  # award statuses are those of a day

    def __post_init__(self) -> None:
        env = self.renderer.env
        self.registry = tracking.Registry(self.site)
        self.digests = tracking.Digests(self.registry, lambda name: env.loader.get_source(env, name)[0],  # type: ignore[union-attr]
                                        {Award: render_narratives})  # award narratives are made lazily


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.generation = 0  # every rebuild, good or bad, gets a new number: the pages reload
        self.snapshot: Snapshot | None = None
        self.errors: list[str] = []  # lines shown over the page while the last rebuild failed
        self.closing = False

    def swap(self, snapshot: Snapshot) -> int:
        with self.changed:
            self.snapshot = snapshot
            self.errors = []
            self.generation += 1
            self.changed.notify_all()
            return self.generation

    def fail(self, lines: list[str]) -> int:
        with self.changed:
            self.errors = lines
            self.generation += 1
            self.changed.notify_all()
            return self.generation

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()


def render(snapshot: Snapshot, path: str) -> bytes:
    """A file of the site, rendered once per snapshot (requests and the background share it),
    with what it read (tracking.py)."""
    data = snapshot.rendered.get(path)
    if data is None:
        job = snapshot.jobs[path]
        with tracking.recording() as seen:
            data = job.make()
        snapshot.reads[path] = tracking.reads_of(seen, snapshot.registry, snapshot.digests.value(job.make))  # type: ignore[union-attr]
        snapshot.rendered[path] = data
    return data


def reuse(before: Snapshot, now: Snapshot) -> set[str]:
    """Take from `before` every file whose reads did not change (tracking.py); returns their
    paths."""
    kept = set()
    for path, job in now.jobs.items():
        if path in now.rendered:
            continue
        reads, data = before.reads.get(path), before.rendered.get(path)
        if reads is not None and data is not None and tracking.unchanged(
                reads, before.digests, now.digests, now.digests.value(job.make)):  # type: ignore[arg-type, union-attr]
            now.rendered.setdefault(path, data)
            now.reads.setdefault(path, reads)
            kept.add(path)
    return kept


# -- what the dev server adds to HTML responses ------------------------------------------------

_SCRIPT = """<script>/* vitrine serve: live reload (not in output/) */
(function () {
  var since = %d, source;
  function listen() {
    source = new EventSource("%s?since=" + since);
    source.addEventListener("reload", function () { source.close(); location.reload(); });
  }
  if (window.EventSource) { listen(); }
})();
</script>
"""

_OVERLAY = """<div id="vitrine-dev-error" role="alert" style="position:fixed;inset:0;z-index:2147483647;\
overflow:auto;padding:2rem;background:rgba(24,24,27,.94);color:#fafafa;font:16px/1.5 system-ui,sans-serif">
<p style="margin:0 0 1rem;font-size:1.25rem;font-weight:bold">The site could not be rebuilt</p>
<pre style="margin:0 0 1rem;white-space:pre-wrap;font:15px/1.5 ui-monospace,monospace;color:#fecaca">%s</pre>
<p style="margin:0">Fix the file and save it: this page reloads by itself.%s</p>
</div>
"""


_DRAFTS_BAR = """<nav id="vitrine-dev-drafts" aria-label="vitrine serve --drafts" lang="%s" style="position:fixed;\
right:0;bottom:0;left:0;z-index:2147483646;max-height:30vh;overflow:auto;padding:.5rem 1rem;background:#fef9c3;\
color:#713f12;border-top:3px solid #713f12;font:15px/1.5 system-ui,sans-serif">%s%s</nav>
"""


def drafts_bar(snapshot: Snapshot, rel: str, base_path: str) -> str:
    """With `--drafts`: a bar over every page that lists the drafts of the page's language, linked
    (listings show only what `vitrine build` publishes; this is where the drafts are found)."""
    cats = list(snapshot.site.catalogues.values())
    cat = next((c for c in cats if c.prefix and rel.startswith(c.prefix)), snapshot.site.default)
    badges = cat.draft_badges
    t = snapshot.renderer.t[cat.lang]
    links = "".join(f' <a href="{html.escape(base_path + cat.prefix + b.path)}" style="color:inherit;'
                    f'margin-right:.75rem">{html.escape(b.name)}</a>' for b in badges)
    said = f"<strong>{html.escape(t('draft.preview_bar', count=len(badges)))}</strong>"
    return _DRAFTS_BAR % (cat.lang, said, links)


def inject(page: bytes, generation: int, errors: list[str], has_snapshot: bool, bar: str = "") -> bytes:
    """The page with the reload script, the drafts' bar (`bar`), and the error overlay while the
    last rebuild failed."""
    extra = bar + _SCRIPT % (generation, EVENTS_PATH)
    if errors:
        under = " The last good version of the site is underneath." if has_snapshot else ""
        extra = _OVERLAY % (html.escape("\n".join(errors)), under) + extra
    data = extra.encode("utf-8")
    at = page.rfind(b"</body>")
    return page[:at] + data + page[at:] if at >= 0 else page + data


def error_page(generation: int, errors: list[str]) -> bytes:
    page = (b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Vitrine: build error</title>'
            b"</head><body></body></html>\n")
    return inject(page, generation, errors, has_snapshot=False)


# -- HTTP ---------------------------------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "vitrine-serve"
    state: State
    base_path = "/"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:  # noqa: N802
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path == EVENTS_PATH:
            return self.events(parse_qs(url.query))
        base = self.base_path
        if not path.startswith(base):
            if path in ("/", base.rstrip("/")):
                return self.redirect(base)
            return self.not_found(head)
        rel = path[len(base):]
        state = self.state
        with state.lock:
            snapshot, generation, errors = state.snapshot, state.generation, list(state.errors)
        if snapshot is None:  # no good build yet
            if rel == "" or rel.endswith(("/", ".html")):
                return self.send(500, "text/html; charset=utf-8", error_page(generation, errors), head)
            return self.send(503, "text/plain; charset=utf-8", b"The site has not been built yet.\n", head)
        key = rel + "index.html" if rel == "" or rel.endswith("/") else rel
        if key not in snapshot.jobs:
            if rel + "/index.html" in snapshot.jobs:
                return self.redirect(path + "/")
            return self.not_found(head, snapshot, generation, errors, rel)
        try:
            data = render(snapshot, key)
        except Exception as exc:  # noqa: BLE001 - a template mistake: shown, not fatal
            lines = _describe(exc).splitlines()
            self.server.report_render_error(generation, lines)  # type: ignore[attr-defined]
            return self.send(500, "text/html; charset=utf-8", error_page(generation, lines), head)
        kind = content_type(key)
        if kind.startswith("text/html"):
            bar = drafts_bar(snapshot, rel, self.base_path) if snapshot.drafts is not None else ""
            data = inject(data, generation, errors, has_snapshot=True, bar=bar)
        self.send(200, kind, data, head)

    def not_found(self, head: bool, snapshot: Snapshot | None = None, generation: int = 0,
                  errors: list[str] | None = None, rel: str = "") -> None:
        body = b"Not found\n"
        kind = "text/plain; charset=utf-8"
        if snapshot is not None and "404.html" in snapshot.jobs:
            try:
                bar = drafts_bar(snapshot, rel, self.base_path) if snapshot.drafts is not None else ""
                body = inject(render(snapshot, "404.html"), generation, errors or [], has_snapshot=True, bar=bar)
                kind = "text/html; charset=utf-8"
            except Exception:  # noqa: BLE001 - the plain answer will do
                pass
        self.send(404, kind, body, head)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send(self, status: int, kind: str, body: bytes, head: bool = False) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def events(self, query: dict) -> None:
        """Server-Sent Events: `reload` once the site's generation differs from the page's."""
        try:
            since = int(query.get("since", ["-1"])[0])
        except ValueError:
            since = -1
        state = self.state
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                with state.changed:
                    state.changed.wait_for(lambda: state.generation != since or state.closing, timeout=KEEPALIVE)
                    closing, generation = state.closing, state.generation
                if closing:
                    return
                if generation != since:
                    since = generation
                    self.wfile.write(f"event: reload\ndata: {generation}\n\n".encode())
                else:
                    self.wfile.write(b": ping\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    report_render_error: Callable[[int, list[str]], None]
