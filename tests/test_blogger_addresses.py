"""No old link breaks: after importing a Blogger export and building, every old Blogger
address of the blog reaches the right page, through the static redirect pages a visitor's
browser follows (and the same addresses are in _redirects and the nginx map)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import lxml.html
import pytest

from zqsite.cli import main
from zqsite.pipeline import BuildOptions, build_site

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "blogger" / "blog-backup.xml"
BASE = "https://blog.example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("blogger")
    config = root / "site.yaml"
    config.write_text(f'title: "Imported"\nbase_url: "{BASE}"\nsearch: false\n', encoding="utf-8")
    assert main(["import-blogger", str(FIXTURE), "--content", str(root / "content"), "--config", str(config)]) == 0
    build_site(BuildOptions(content_dir=root / "content", output_dir=root / "public", config_path=config))
    return root / "public"


def serve(output: Path, address: str) -> Path | None:
    """What a static host serves for an address: the file, or the folder's index.html (query ignored)."""
    path = unquote(urlsplit(address).path).lstrip("/")
    candidate = output / path
    if candidate.is_dir() or path == "" or path.endswith("/"):
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def follow(output: Path, address: str) -> tuple[str, Path]:
    """Follows meta-refresh redirect pages like a browser; returns the final address and file."""
    for _ in range(5):
        found = serve(output, address)
        assert found is not None, f"{address} is not served"
        if found.suffix != ".html":
            return address, found
        doc = lxml.html.parse(str(found)).getroot()
        refresh = doc.xpath("//meta[@http-equiv='refresh']/@content")
        if not refresh:
            return address, found
        target = refresh[0].split("url=", 1)[1]
        assert doc.xpath("string(//link[@rel='canonical']/@href)") == BASE.rstrip("/") + target
        address = target
    raise AssertionError(f"redirect loop at {address}")


def old_posts(output: Path) -> list[tuple[str, str]]:
    content = output.parent / "content"
    found = []
    for path in sorted((content / "posts").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith("blogger_path:"):
                title = next(l for l in text.splitlines() if l.startswith("title:")).split(":", 1)[1].strip().strip('"')
                found.append((line.split(":", 1)[1].strip().strip('"'), title))
    return found


def test_every_old_post_address_serves_the_post(site):
    posts = old_posts(site)
    assert len(posts) >= 5
    for address, title in posts:
        for variant in (address, address + "?m=1"):  # Blogger's mobile variant: the query is ignored
            _, page = follow(site, variant)
            assert lxml.html.parse(str(page)).getroot().xpath("string(//h1)") == title


@pytest.mark.parametrize("label", ["Sihui City", "Dasha Town", "Investment Promotion", "construction"])
def test_old_label_addresses_reach_the_label_page(site, label):
    for address in (f"/search/label/{quote(label)}", f"/search/label/{quote(label)}?max-results=7",
                    f"/search/label/{quote(label)}?updated-max=2024-07-15T21:41:00%2B08:00&max-results=20"):
        final, page = follow(site, address)
        assert final.startswith("/label/")
        heading = lxml.html.parse(str(page)).getroot().xpath("string(//p[contains(@class,'status-message')])")
        assert heading.startswith(f"Showing posts with label {label}.")


@pytest.mark.parametrize("label", ["Sihui City", "Dasha Town"])
def test_old_label_feeds_reach_the_label_feed(site, label):
    final, feed = follow(site, f"/feeds/posts/default/-/{quote(label)}")
    assert final.endswith("/feed.xml") and feed.read_bytes().startswith(b"<?xml")
    assert label.encode() in feed.read_bytes()


def test_old_feed_and_search_addresses(site):
    assert follow(site, "/feeds/posts/default")[0] == "/atom.xml"
    assert follow(site, "/feeds/posts/default?alt=rss")[1].name in ("atom.xml", "feed.xml")  # a static host ignores ?alt
    assert follow(site, "/search?q=Sihui")[1] == site / "search" / "index.html"
    assert follow(site, "/p/about.html")[1] == site / "p" / "about.html"


def test_server_redirect_files_hold_the_same_addresses(site):
    rules = (site / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/feeds/posts/default alt=rss /feed.xml 301" in rules
    assert "/search/label/Sihui%20City /label/sihui-city/ 301" in rules
    nginx = (site / "nginx-redirects.conf").read_text(encoding="utf-8")
    assert '"/search/label/Sihui City|" "/label/sihui-city/";' in nginx
    assert '"/feeds/posts/default|rss" "/feed.xml";' in nginx


def test_old_label_addresses_no_windows_folder_can_hold_are_left_to_server_redirects(tmp_path):
    from sitekit import build, make_site, post

    from zqsite.redirects import Redirect, static_pages

    site = make_site(tmp_path, posts={"a.md": post("A quote", "2024-01-02", labels=['Zhaoqing "Daily"', "Dasha"])})
    build(site)
    assert not (site.output / "search" / "label" / 'Zhaoqing "Daily"').exists()
    assert "/search/label/Zhaoqing%20%22Daily%22 " in (site.output / "_redirects").read_text(encoding="utf-8")
    assert (site.output / "search" / "label" / "Dasha" / "index.html").is_file()
    # The same old address in another letter case would be the same folder on Windows and macOS: one page.
    pages = static_pages([Redirect("/search/label/Dasha", "/label/dasha/"), Redirect("/search/label/dasha", "/label/dasha/")])
    assert [page.old for page in pages] == ["/search/label/Dasha"]
