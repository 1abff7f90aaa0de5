"""The project's own content/ and site.yaml, built once into a temporary folder and checked."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest

import sitekit
from sitekit import PROJECT_ROOT, Site, entries, has_class, parse_html, text, walk_listing
from zqsite.config import load_config

NOW = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
FIRST_TITLE = "Project frequently delayed due to rain?"
LAST_TITLE = "Nanfang Daily|Build a big platform!"
ENGLISH_POSTS = 7


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    site = Site(root=root, content=PROJECT_ROOT / "content", config=PROJECT_ROOT / "site.yaml",
                output=root / "public")
    report = sitekit.build(site, now=NOW)
    return site, report


@pytest.fixture(scope="module")
def out(real):
    return real[0]


@pytest.fixture(scope="module")
def base_url():
    config, problems = load_config(PROJECT_ROOT / "site.yaml")
    assert not problems.errors
    return config.base_url


def post_pages(site):
    return sorted(p for p in site.output.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*.html")
                  if p.name != "index.html" and not sitekit.is_redirect_stub(parse_html(p)))


def test_real_content_builds_without_errors(real):
    site, report = real
    assert report.posts >= ENGLISH_POSTS
    assert site.out("/").is_file()


def test_home_pages_together_list_the_seven_english_posts_newest_first(out):
    pages = walk_listing(out, "/")
    titles = [t for page in pages for t in page]
    assert len(titles) == ENGLISH_POSTS
    assert len(set(titles)) == ENGLISH_POSTS
    assert titles[0].startswith(FIRST_TITLE)
    assert titles[-1].startswith(LAST_TITLE)
    assert all(not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", t[:12]) for t in titles)  # English versions
    assert all(len(page) > 0 for page in pages)  # no empty pages


def test_home_pages_are_in_date_order(out):
    stamps = []
    url = "/"
    while url:
        doc = out.html(url)
        stamps += [datetime.fromisoformat(e.xpath(f".//time[{has_class('dt-published')}]/@datetime")[0])
                   for e in entries(doc)]
        url = sitekit.older_href(doc)
    assert stamps == sorted(stamps, reverse=True)
    assert all(s.utcoffset() is not None for s in stamps)


def test_dasha_label_lists_all_english_posts_newest_first(out):
    pages = walk_listing(out, "/label/dasha/")
    titles = [t for page in pages for t in page]
    assert titles == [t for page in walk_listing(out, "/") for t in page]
    assert len(titles) == ENGLISH_POSTS
    assert titles[0].startswith(FIRST_TITLE)
    assert titles[-1].startswith(LAST_TITLE)
    status = text(out.html("/label/dasha/").xpath(f"//*[{has_class('status-message')}]")[0])
    assert status.startswith("Showing posts with label dasha. Show all posts")


def test_every_post_page_ends_with_contact_cards(out):
    pages = post_pages(out)
    assert len(pages) >= ENGLISH_POSTS
    for path in pages:
        doc = parse_html(path)
        (entry,) = entries(doc)
        cards = entry.xpath(f".//div[{has_class('contact-card')}]")
        assert cards, path
        for card in cards:
            assert text(card.xpath(f".//*[{has_class('contact-name')}]")[0]), path
            links = card.xpath(".//a/@href")
            assert any(h.startswith(("tel:+", "https://wa.me/")) for h in links), (path, links)
            for tel in card.xpath(".//a[starts-with(@href, 'tel:')]"):
                assert re.fullmatch(r"tel:\+\d{8,15}", tel.get("href")), (path, tel.get("href"))
                assert text(tel).startswith("+"), (path, text(tel))


def test_every_internal_link_and_image_resolves(out):
    broken = sitekit.broken_links(out.output)
    assert broken == [], "\n".join(f"{page}: {link}" for page, link in broken)


def test_label_and_archive_indexes_exist(out):
    labels = out.html("/label/")
    hrefs = labels.xpath(f"//ul[{has_class('label-index')}]//a/@href")
    assert "/label/dasha/" in hrefs
    for href in hrefs:
        assert sitekit.site_file(out.output, href).is_file(), href
    tree = out.html("/archive/").xpath(f"//main//ul[{has_class('archive-tree')}]")[0]
    archive_titles = [text(a) for a in tree.xpath(f".//ul[{has_class('archive-posts')}]//a")]
    assert archive_titles == [t for page in walk_listing(out, "/") for t in page]


def all_feeds(site):
    return sorted(site.output.rglob("*.xml"), key=lambda p: p.as_posix())


def test_every_feed_parses(out, base_url):
    feeds = [p for p in all_feeds(out) if p.name in ("feed.xml", "atom.xml")]
    assert out.out("/feed.xml") in feeds and out.out("/atom.xml") in feeds
    assert out.out("/label/dasha/feed.xml") in feeds
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.entries, path
        published = [e.published_parsed for e in feed.entries]
        assert published == sorted(published, reverse=True), path
        for entry in feed.entries:
            assert entry.link.startswith(base_url), (path, entry.link)


def test_main_feed_holds_the_english_posts(out):
    feed = feedparser.parse(out.out("/feed.xml").read_bytes())
    titles = [e.title for e in feed.entries]
    assert len(titles) == ENGLISH_POSTS
    assert titles[0].startswith(FIRST_TITLE)
    assert titles[-1].startswith(LAST_TITLE)


def test_translations_have_their_language_homes(out):
    ja = out.html("/ja/")
    assert ja.get("lang") == "ja"
    assert [t for t in sitekit.entry_titles(ja)] and all("肇慶" in t for t in sitekit.entry_titles(ja))
    zh = out.html("/zh-hant/")
    assert zh.get("lang") == "zh-Hant"
    assert len(sitekit.entry_titles(zh)) == 1
