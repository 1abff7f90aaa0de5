"""`zqsite serve`: build, serve on 127.0.0.1, rebuild on change, reload the open page.

The preview is built into its own folder (.zqsite-preview/, with the server's address as
base_url and, on request, drafts), so that it never touches the published public/.
"""

from __future__ import annotations

import html
import json
import logging
import threading
import time
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from zqsite.errors import BuildFailed, OutputError
from zqsite.pipeline import PROJECT_ROOT, BuildOptions, build_site, default_config_path
from zqsite.problemreport import problem_lines

log = logging.getLogger(__name__)
STATUS_PATH = "/__zqsite/status"
PREVIEW_DIR = PROJECT_ROOT / ".zqsite-preview"

# Polls the build number once a second and reloads the page when a new build is published.
_RELOAD_SCRIPT = """<script>(function(){var seen=null;function poll(){fetch("%s",{cache:"no-store"})
.then(function(r){return r.json()}).then(function(s){if(seen!==null&&s.build!==seen){location.reload()}
seen=s.build}).catch(function(){}).finally(function(){setTimeout(poll,1000)})}poll()})();</script>""" % STATUS_PATH


class PreviewState:
    """The build number and the last build's problems, shared between watcher and server."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.build = 0
        self.error = ""

    def published(self) -> None:
        with self.lock:
            self.build += 1
            self.error = ""

    def failed(self, text: str) -> None:
        with self.lock:
            self.build += 1  # the page reloads to show the error
            self.error = text


class PreviewHandler(SimpleHTTPRequestHandler):
    state: PreviewState

    def __init__(self, *args, state: PreviewState, directory: str, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.state = state
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002, ANN002
        log.debug(format, *args)

    def do_GET(self) -> None:  # noqa: N802 (http.server's API)
        if self.path.split("?")[0] == STATUS_PATH:
            with self.state.lock:
                body = json.dumps({"build": self.state.build, "error": bool(self.state.error)}).encode()
            return self._send(200, "application/json", body)
        path = self._file_for(self.path)
        if path is None:
            not_found = Path(self.directory) / "404.html"
            data = not_found.read_bytes() if not_found.is_file() else b"<!DOCTYPE html><title>Not found</title>"
            return self._send(404, "text/html; charset=utf-8", self._decorate(data))
        data = path.read_bytes()
        content_type = self.guess_type(str(path))
        if content_type == "text/html":
            return self._send(200, "text/html; charset=utf-8", self._decorate(data))
        return self._send(200, content_type, data)

    do_HEAD = do_GET  # noqa: N815 (same answer, without the body: see _send)

    def _file_for(self, request_path: str) -> Path | None:
        """The file inside the output folder for a request; None for anything else (no listings)."""
        root = Path(self.directory).resolve()
        candidate = Path(self.translate_path(request_path))  # drops "..", query and fragment
        if candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            resolved = candidate.resolve()
            resolved.relative_to(root)
        except (OSError, ValueError):
            return None
        if "/../" in request_path or request_path.startswith("/..") or not resolved.is_file():
            return None
        return resolved

    def _decorate(self, data: bytes) -> bytes:
        with self.state.lock:
            error = self.state.error
        extra = _RELOAD_SCRIPT
        if error:
            extra = ('<div role="alert" style="position:fixed;inset:0 0 auto 0;z-index:99;max-height:60vh;'
                     'overflow:auto;background:#fff4f4;color:#600;border-bottom:3px solid #c00;padding:1em;'
                     'font:14px/1.5 monospace;white-space:pre-wrap"><strong>The last build failed; '
                     'this is the last good version of the page.</strong>\n' + html.escape(error) + "</div>" + extra)
        marker = b"</body>"
        index = data.rfind(marker)
        payload = extra.encode()
        return data[:index] + payload + data[index:] if index >= 0 else data + payload

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def watched_roots(options: BuildOptions) -> list[Path]:
    config = options.config_path or default_config_path()
    return [p for p in (options.content_dir, options.templates_dir, options.static_dir, config) if p]


def snapshot(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the watched folders: a change anywhere changes it."""
    found: dict[str, tuple[int, int]] = {}
    for root in roots:
        paths = [root] if root.is_file() else root.rglob("*") if root.is_dir() else []
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            if path.is_file():
                found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


class PreviewServer:
    """A running preview: `url`, and `stop()`. Rebuilds in a background thread on every change."""

    def __init__(self, options: BuildOptions, port: int = 8000, output: Path = PREVIEW_DIR,
                 report: Callable[[str], None] = print, interval: float = 0.3) -> None:
        self.state = PreviewState()
        self.report = report
        self.interval = interval
        handler = partial(PreviewHandler, state=self.state, directory=str(output))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.options = replace(options, output_dir=output, base_url=self.url)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> "PreviewServer":
        self.rebuild()
        self._threads = [threading.Thread(target=self.httpd.serve_forever, daemon=True),
                         threading.Thread(target=self._watch, daemon=True)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def rebuild(self, update_search: bool = True, reload: bool = True) -> bool:
        """Builds the preview; False if the build failed. `update_search` False keeps the last
        search index (see _watch); `reload` False: open pages are not reloaded after it."""
        started = time.perf_counter()
        try:
            report = build_site(replace(self.options, update_search=update_search))
        except BuildFailed as failure:
            text = "\n".join(str(p) for p in failure.problems.sorted())
            self.report(f"{text}\nzqsite: {failure}; still serving the last good site")
            self.state.failed(text)
            return False
        except (OutputError, OSError) as exc:
            self.report(f"zqsite: {exc}")
            self.state.failed(str(exc))
            return False
        for line in problem_lines(report.warnings, verbose=False):  # each kind's first few, as `build`
            self.report(line)
        self.report(f"rebuilt: {report.files_written} files changed in {time.perf_counter() - started:.2f} s"
                    + ("" if update_search else "; the search index follows"))
        if reload:
            self.state.published()
        return True

    def _watch(self) -> None:
        roots = watched_roots(self.options)
        before = snapshot(roots)
        search_behind = False
        while not self._stop.wait(self.interval):
            now = snapshot(roots)
            if now != before:
                before = now
                # The edit shows at once; the search index (Pagefind re-indexes the bundle of the
                # edited post, up to a second or so) catches up in the next quiet moment.
                search_behind = self.rebuild(update_search=False) or search_behind
            elif search_behind:
                search_behind = False  # tried once: a failure shows, and the next edit tries again
                self.rebuild(reload=False)  # only the search index changes: no page to reload


def serve(options: BuildOptions, port: int) -> int:
    server = PreviewServer(options, port).start()
    print(f"Serving {server.url} (Ctrl-C to stop); watching content, templates, static and configuration")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0
