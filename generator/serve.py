"""`vitrine serve`: serve the built site on 127.0.0.1, under the base URL's path."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from .config import load_config


class _Handler(http.server.SimpleHTTPRequestHandler):
    base_path = "/"

    def translate_path(self, path: str) -> str:
        if self.base_path != "/" and path.startswith(self.base_path):
            path = "/" + path[len(self.base_path):]
        return super().translate_path(path)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.base_path != "/" and not self.path.startswith(self.base_path):
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return
        if not Path(self.translate_path(self.path.split("?")[0])).exists():
            self.send_response(404)
            body = (Path(self.directory) / "404.html").read_bytes() if (Path(self.directory) / "404.html").exists() else b"Not found"
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        pass


def serve(site: Path, out: Path, port: int) -> int:
    config, _ = load_config(site.resolve())
    base_path = config.base_path if config else "/"
    handler = functools.partial(type("Handler", (_Handler,), {"base_path": base_path}), directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving {out}/ at http://127.0.0.1:{server.server_address[1]}{base_path} (Ctrl+C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
