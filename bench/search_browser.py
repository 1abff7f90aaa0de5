"""What a search costs a visitor: the search page of a generated corpus, built with one Pagefind
bundle per language and with bundles of `search_bundle_posts`, searched in Chromium on a phone
profile; bytes downloaded, time to the results, and whether both list the same posts in order.

    python bench/search_browser.py [--posts 10000] [--bundle-posts 200] [--repeat 3]

Run it with the project's .venv (zqsite and Playwright); Chromium is Debian's /usr/bin/chromium
(or ZQSITE_CHROMIUM). The corpus and the two sites go below bench/runs/ (ignored by git); the
sites are built again only when missing (`--rebuild` to force). Each query runs in a fresh
browser context (nothing cached), phone viewport and touch, the CPU slowed down `--cpu-slowdown`
times and the network limited to `--latency-ms` and `--mbps` (Chromium's emulation). The time
is from the start of the navigation to /search/?q=… until the first result is visible; the bytes
are the responses (bodies and headers) of every request below /pagefind/, the Pagefind worker's
included, as Playwright reports them (the bodies as they crossed the network).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
WORK = BENCH / "runs"
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402

CHROMIUM = os.environ.get("ZQSITE_CHROMIUM", "/usr/bin/chromium")
# Words of the generator's vocabulary (bench/generate.py): common, rarer, two words; Chinese; Japanese.
QUERIES = ["investment", "logistics", "pile foundation", "Sihui bureau", "新能源", "招商引資", "投資誘致", "産業クラスター"]


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".html": "text/html; charset=utf-8", ".json": "application/json"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def build(corpus: Path, dest: Path, bundle_posts: int, rebuild: bool) -> Path:
    """The corpus built with the search index into dest/public (kept for the next run)."""
    output = dest / "public"
    if output.is_dir() and not rebuild:
        return output
    from zqsite.pipeline import BuildOptions, build_site

    dest.mkdir(parents=True, exist_ok=True)
    config = dest / "site.yaml"
    text = (corpus / "site.yaml").read_text(encoding="utf-8").replace("search: false", "search: true")
    config.write_text(text + f"search_bundle_posts: {bundle_posts}\n", encoding="utf-8")
    start = time.perf_counter()
    build_site(BuildOptions(content_dir=corpus, output_dir=output, config_path=config,
                            cache_dir=dest / "cache", base_url="http://127.0.0.1/"))
    print(f"built {dest.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return output


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def search_once(browser, base: str, query: str, args: argparse.Namespace) -> tuple[float, int, list[str]]:  # noqa: ANN001
    """(seconds to the first result, bytes below /pagefind/, result paths in order)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, service_workers="block")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu_slowdown})
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": args.latency_ms,
            "downloadThroughput": args.mbps * 125_000, "uploadThroughput": args.mbps * 125_000 / 2})
        finished: list = []  # the page's requests and its Pagefind worker's
        page.on("requestfinished", lambda request: finished.append(request))
        start = time.perf_counter()
        page.goto(f"{base}/search/?q={quote(query)}", wait_until="commit")
        results = page.locator("#search-results ol.search-results li a")
        results.first.wait_for(timeout=60_000)
        seconds = time.perf_counter() - start
        found = [href.split("/", 3)[3] if href.startswith("http") else href
                 for href in results.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")]
        page.wait_for_load_state("networkidle")
        pagefind = [request for request in finished if "/pagefind/" in request.url]
        size = sum(max(0, request.sizes()["responseBodySize"]) + max(0, request.sizes()["responseHeadersSize"])
                   for request in pagefind)
        return seconds, size, found
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--bundle-posts", type=int, default=200, help="search_bundle_posts of the split site")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query; the median is shown")
    parser.add_argument("--cpu-slowdown", type=float, default=4.0)
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--mbps", type=float, default=10.0, help="download bandwidth in Mbit/s")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    corpus = WORK / f"corpus-{args.posts}-seed{args.seed}"
    if not (corpus / "site.yaml").is_file():
        shutil.rmtree(corpus, ignore_errors=True)
        generate.generate_corpus(corpus, args.posts, args.seed)
    single = build(corpus, WORK / f"search-{args.posts}-single", 0, args.rebuild)
    split = build(corpus, WORK / f"search-{args.posts}-split{args.bundle_posts}", args.bundle_posts, args.rebuild)

    from playwright.sync_api import sync_playwright

    servers = [serve(single), serve(split)]
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for query in QUERIES:
                measured = []
                for _server, base in servers:
                    runs = [search_once(browser, base, query, args) for _ in range(args.repeat)]
                    measured.append((statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
                                     runs[0][2]))
                (t1, b1, found1), (t2, b2, found2) = measured
                same = "yes" if found1 == found2 else (
                    f"no: same posts: {set(found1) == set(found2)}, first {next((i for i, (a, b) in enumerate(zip(found1, found2)) if a != b), min(len(found1), len(found2)))} equal")
                rows.append(f"| {query} | {len(found1)} | {b1 / 1000:.0f} kB | {b2 / 1000:.0f} kB | {b2 / b1:.2f} | "
                            f"{t1:.2f} s | {t2:.2f} s | {same} |")
                print(rows[-1], file=sys.stderr, flush=True)
            browser.close()
    finally:
        for httpd, _base in servers:
            httpd.shutdown()
            httpd.server_close()
    load = os.getloadavg()
    print(f"{args.posts} posts, bundles of {args.bundle_posts} against one per language; phone profile: CPU "
          f"{args.cpu_slowdown:g}x slower, {args.latency_ms:g} ms, {args.mbps:g} Mbit/s; medians of {args.repeat}; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n")
    print("| query | results shown | bytes, one bundle | bytes, bundles | ratio | time, one bundle | time, bundles | same order |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
