"""The search page of a site whose languages are split into many search bundles finds what the
same site with one bundle per language finds: built both ways from a generated corpus
(bench/generate.py), served, and searched in Chromium through the real search page."""

from __future__ import annotations

import json
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "bench"))
import generate  # noqa: E402

QUERIES = {"en": ["investment", "logistics", "pile foundation"], "zh-Hant": ["新能源", "招商引資"],
           "ja": ["投資誘致", "産業クラスター"]}


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".html": "text/html; charset=utf-8"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's API)
        pass


@pytest.fixture(scope="session")
def two_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Base URLs of the same 300-post corpus built with one bundle per language ("one") and with
    bundles of 8 posts ("split")."""
    from zqsite.pipeline import BuildOptions, build_site

    root = tmp_path_factory.mktemp("bundles")
    corpus = root / "corpus"
    generate.generate_corpus(corpus, 300, seed=3)
    servers, bases = [], {}
    try:
        for name, size in (("one", 0), ("split", 8)):
            config = root / f"{name}.yaml"
            text = (corpus / "site.yaml").read_text(encoding="utf-8").replace("search: false", "search: true")
            config.write_text(text + f"search_bundle_posts: {size}\n", encoding="utf-8")
            output = root / name
            build_site(BuildOptions(content_dir=corpus, output_dir=output, config_path=config,
                                    cache_dir=root / f"cache-{name}", base_url="http://127.0.0.1/"))
            httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(output)))
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            servers.append(httpd)
            bases[name] = f"http://127.0.0.1:{httpd.server_address[1]}"
            bases[name + "-output"] = str(output)
        yield bases
    finally:
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()


def found(browser, base: str, query: str) -> list[str]:  # noqa: ANN001
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{base}/search/?q={quote(query)}")
        page.locator("#search-results ol.search-results li a").first.wait_for(timeout=30_000)
        return page.locator("#search-results ol.search-results li a").evaluate_all(
            "(links) => links.map((a) => new URL(a.href).pathname)")
    finally:
        context.close()


def test_the_split_site_has_many_bundles_per_language(two_sites) -> None:  # noqa: ANN001
    for language, least in (("en", 20), ("zh-hant", 5), ("ja", 5)):
        manifest = json.loads((Path(two_sites["split-output"]) / "pagefind" / language / "bundles.json").read_text())
        assert len(manifest["bundles"]) >= least, manifest
        assert json.loads((Path(two_sites["one-output"]) / "pagefind" / language / "bundles.json").read_text()) == {
            "bundles": ["all/"]}


@pytest.mark.parametrize("query", [q for queries in QUERIES.values() for q in queries])
def test_bundles_find_the_posts_one_bundle_finds(two_sites, browser, query) -> None:  # noqa: ANN001
    one = found(browser, two_sites["one"], query)
    split = found(browser, two_sites["split"], query)
    assert split == one
