"""A site whose languages are split into many search bundles finds the posts that the same site
with one bundle per language finds: built both ways from a generated corpus (bench/generate.py),
served, and searched in Chromium through the real search page and its bundles.

Not the same order: Pagefind ranks a bundle's results with that bundle's term statistics (see
README, Search); bench/search_browser.py measures how far the orders agree."""

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


# Every result of a language's bundles, searched as the search page does (bundles.json, then
# Pagefind's mergeIndex): the search page shows the first 20 of each language only.
_ALL_RESULTS = """async ([root, query]) => {
  const manifest = await (await fetch(root + "bundles.json")).json();
  const paths = manifest.bundles.map((name) => root + name);
  // An instance of its own: the search page has already merged the bundles into the module's.
  const pagefind = (await import(paths[0] + "pagefind.js")).createInstance({ basePath: paths[0] });
  for (const path of paths.slice(1)) await pagefind.mergeIndex(path);
  const found = await pagefind.search(query);
  const data = await Promise.all(found.results.map((r) => r.data()));
  return data.map((d) => d.url);
}"""


def found(browser, base: str, query: str, language: str) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """(the search page's result links, every result of the language's bundles)."""
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{base}/search/?q={quote(query)}")
        links = page.locator("#search-results ol.search-results li a")
        links.first.wait_for(timeout=30_000)
        shown = links.evaluate_all("(links) => links.map((a) => new URL(a.href).pathname)")
        return shown, page.evaluate(_ALL_RESULTS, [f"/pagefind/{language.lower()}/", query])
    finally:
        context.close()


def test_the_split_site_has_many_bundles_per_language(two_sites) -> None:  # noqa: ANN001
    for language, least in (("en", 20), ("zh-hant", 5), ("ja", 5)):
        manifest = json.loads((Path(two_sites["split-output"]) / "pagefind" / language / "bundles.json").read_text(encoding="utf-8"))
        assert len(manifest["bundles"]) >= least, manifest
        assert json.loads((Path(two_sites["one-output"]) / "pagefind" / language / "bundles.json").read_text(encoding="utf-8")) == {
            "bundles": ["all/"]}


@pytest.mark.parametrize("language, query", [(lang, q) for lang, queries in QUERIES.items() for q in queries])
def test_bundles_find_the_posts_one_bundle_finds(two_sites, browser, language, query) -> None:  # noqa: ANN001
    shown_one, all_one = found(browser, two_sites["one"], query, language)
    shown_split, all_split = found(browser, two_sites["split"], query, language)
    assert len(all_one) >= 10 and len(all_one) == len(set(all_one))
    assert sorted(all_split) == sorted(all_one)  # the same posts (Pagefind ranks each bundle by its own statistics)
    assert len(shown_split) == len(shown_one)  # the page lists as many (20 a language at most)
