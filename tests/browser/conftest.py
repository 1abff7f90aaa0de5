"""Browser tests: the project's real content/ built, served on 127.0.0.1 and visited with
Debian's Chromium through Playwright (sync API).

Nothing here is skipped: a missing Chromium or axe-core fails the tests with a message that
says how to install it (scripts/install-test-tools).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
AXE_JS = HERE / ".node" / "node_modules" / "axe-core" / "axe.min.js"
# Debian's package puts its launcher here; ZQSITE_CHROMIUM may name another Chromium binary.
CHROMIUM = os.environ.get("ZQSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = "run scripts/install-test-tools (as root) to install it"

VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}

# Where an element sticks out of the page to the right (for the horizontal-scroll message).
_OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) {
      const parentSticksOut = el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1;
      if (!parentSticksOut) {
        found.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().replace(/\\s+/g, '.') : '')
                   + ' right=' + Math.round(r.right) + ' text=' + JSON.stringify((el.textContent || '').trim().slice(0, 60)));
      }
    }
    if (found.length >= 5) break;
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits: found};
}"""


# --- the test server ------------------------------------------------------------------------

class SiteHandler(SimpleHTTPRequestHandler):
    """Serves the built site as a static host would: index.html for folders, the site's own
    404.html (status 404) for anything missing, no folder listings."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".vcf": "text/vcard",
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".svg": "image/svg+xml",
        ".xml": "application/xml",
        ".html": "text/html; charset=utf-8",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's API)
        pass

    def list_directory(self, path):  # noqa: ANN001, ANN201 (http.server's API)
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass(frozen=True)
class ServedSite:
    base_url: str  # "http://127.0.0.1:PORT/"
    output: Path

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The project's real content/ and site.yaml, built with the server's own address as base_url."""
    from zqsite.pipeline import BuildOptions, build_site

    output = tmp_path_factory.mktemp("browser") / "site"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(output)))
    httpd.daemon_threads = True
    base_url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        report = build_site(BuildOptions(output_dir=output, base_url=base_url))
        assert not report.warnings, "the real content builds with warnings:\n" + "\n".join(map(str, report.warnings))
        thread = threading.Thread(target=httpd.serve_forever, name="zqsite-test-server", daemon=True)
        thread.start()
        try:
            yield ServedSite(base_url, output)
        finally:
            httpd.shutdown()
    finally:
        httpd.server_close()


# --- the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(served_site: ServedSite):  # noqa: ANN201 (a playwright Browser)
    # served_site first: the site is built before Playwright's event loop runs (a build that
    # uses asyncio, as the Pagefind service API does, cannot run inside it).
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium; "
                    f"{INSTALL_HINT}", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: pip install -e '.[test]' (scripts/test does it)", pytrace=False)
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except Exception as exc:  # noqa: BLE001 (any launch failure: say what and how to fix)
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}\n{INSTALL_HINT}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core not found at tests/browser/.node/node_modules/axe-core/axe.min.js; {INSTALL_HINT}",
                    pytrace=False)
    return AXE_JS


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "step"


@dataclass
class Visitor:
    """A visitor's browser tab: records console errors, page errors, failed requests and
    error responses; `step()` checks the page (no horizontal scrolling on a phone) and saves
    a screenshot. `problems()` lists everything that went wrong, for one assert at the end."""

    page: object  # playwright Page
    site: ServedSite
    device: str
    test_name: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    layout_problems: list[str] = field(default_factory=list)
    expected_missing: set[str] = field(default_factory=set)  # URLs whose 404 is deliberate
    steps: int = 0

    def attach(self) -> "Visitor":
        page = self.page
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: uncaught {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        return self

    def _on_console(self, message) -> None:  # noqa: ANN001
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            if where in self.expected_missing and message.text.startswith("Failed to load resource"):
                return  # Chromium's own line for the deliberate 404, already checked as a response
            self.console_errors.append(f"{self.page.url}: console error: {message.text} ({where})")

    def _on_request_failed(self, request) -> None:  # noqa: ANN001
        failure = request.failure or ""
        # ERR_ABORTED is Chromium cancelling a request itself: the favicon of a page the test
        # has already left, or a `download` link's navigation once the download started.
        # A missing file shows up as an error response instead (below).
        if "ERR_ABORTED" in failure:
            return
        self.failed_requests.append(f"{request.method} {request.url}: {failure}")

    def _on_response(self, response) -> None:  # noqa: ANN001
        if response.status >= 400 and response.url not in self.expected_missing:
            self.bad_responses.append(f"{response.status} {response.url} (from {self.page.url})")

    def url(self, path: str) -> str:
        return self.site.url(path)

    def goto(self, path: str, name: str | None = None):  # noqa: ANN201 (a Response)
        response = self.page.goto(self.url(path), wait_until="load")
        self.step(name or path)
        return response

    def step(self, name: str) -> None:
        """After each visitor action: layout checks on a phone, and a screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        self.steps += 1
        if self.device == "phone":
            width = VIEWPORTS["phone"]["viewport"]["width"]
            found = page.evaluate(_OVERFLOW_JS)
            if found["scrollWidth"] > width or found["innerWidth"] != width:
                self.layout_problems.append(
                    f"{page.url}: horizontal scrolling on a {width}px-wide phone: scrollWidth "
                    f"{found['scrollWidth']}, innerWidth {found['innerWidth']}; sticking out: {found['culprits']}")
        folder = SCREENSHOTS / self.device
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{_slug(self.test_name)}-{self.steps:02d}-{_slug(name)}.png"))

    def problems(self) -> list[str]:
        return self.layout_problems + self.console_errors + self.failed_requests + self.bad_responses


@pytest.fixture(params=sorted(VIEWPORTS), ids=sorted(VIEWPORTS))
def device(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def visitor(browser, served_site: ServedSite, device: str, request: pytest.FixtureRequest) -> Iterator[Visitor]:  # noqa: ANN001
    context = browser.new_context(accept_downloads=True, locale="en-US", service_workers="block",
                                  **VIEWPORTS[device])
    context.set_default_timeout(15_000)
    page = context.new_page()
    v = Visitor(page, served_site, device, request.node.name).attach()
    try:
        yield v
    finally:
        context.close()
