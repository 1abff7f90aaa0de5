"""Functional tests: small content folders built into tmp_path, checked through their HTML and feeds."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import feedparser
import pytest
from lxml import etree

import sitekit
from sitekit import (
    BASE_URL, PROJECT_ROOT, build, date_header_texts, entries, entry_title, entry_titles, grouped_titles,
    has_class, newer_href, older_href, page, parse_html, post, text, walk_listing,
)
from zqsite import options as options_module
from zqsite.errors import BuildFailed

# --- the main fixture blog: five posts, two per page -------------------------------------------

BLOG_CONFIG = f"""\
title: "Zhaoqing Test Blog"
description: "Investment news for tests"
base_url: "{BASE_URL}"
timezone: Asia/Shanghai
posts_per_page: 2
feed_size: 3
"""

CONTACTS = """\
sihui-bureau:
  name: "Investment Promotion Bureau of Sihui City"
  address: "3F, Administrative Center, Sihui"
  tel: "0086-758-3611228"
  fax: "0086-758-3611188"
consultant:
  name: "Investment consultant"
  whatsapp: "+852 67274664"
  wechat: "+86 13143984664"
"""

LABELS = """\
dasha:
  names:
    en: "Dasha Town"
    ja: "大沙"
"""

ALPHA = "Alpha plant opens"
BETA = "Beta road is built"
GAMMA = "Gamma park signed"
DELTA = "Delta bureau visit"
EPSILON = "Epsilon matchmaking meeting"
NEWEST_FIRST = [DELTA, GAMMA, BETA, ALPHA, EPSILON]

BLOG_POSTS = {
    # Files named so that reading order differs from date order.
    "a-alpha.md": post(ALPHA, "2024-05-01T10:00:00+08:00", labels=["dasha", "Sihui City"], slug="alpha-plant",
                       body="Alpha first paragraph.\n\nAlpha second paragraph."),
    "b-beta.md": post(BETA, "2024-06-10T09:00:00+08:00", labels=["dasha"],
                      contacts=[{"name": "Site office of the road", "tel": "0758-1234567"}],
                      body="Beta first paragraph.\n\n![Plant at dusk](images/plant.jpg)\n\nBeta last paragraph."),
    "c-gamma.md": post(GAMMA, "2024-07-15T08:00:00+08:00", labels=["Sihui City", "zhaoqing"],
                       body="Gamma first paragraph.\n\nGamma second paragraph."),
    "d-delta.md": post(DELTA, "2024-07-15T21:41:00+08:00", labels=["dasha", "zhaoqing"],
                       contacts=["sihui-bureau", "consultant"],
                       body="Delta first paragraph.\n\n## Delta heading\n\nDelta second paragraph."),
    "2023/e-epsilon.md": post(EPSILON, "2023-12-20", labels=["dasha"],
                              body="Epsilon first paragraph.\n\nEpsilon second paragraph."),
}

URL = {
    ALPHA: "/2024/05/alpha-plant.html",
    BETA: "/2024/06/beta-road-is-built.html",
    GAMMA: "/2024/07/gamma-park-signed.html",
    DELTA: "/2024/07/delta-bureau-visit.html",
    EPSILON: "/2023/12/epsilon-matchmaking-meeting.html",
}

PLANT_JPG = sitekit.image_bytes(640, 480)


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    site = sitekit.make_site(tmp_path_factory.mktemp("blog"), posts=BLOG_POSTS, config=BLOG_CONFIG, contacts=CONTACTS,
                     labels=LABELS, pages={"about.md": page("About this blog", body="We write about Sihui.")},
                     files={"images/plant.jpg": PLANT_JPG})
    report = build(site)
    return site, report


@pytest.fixture(scope="module")
def out(blog):
    return blog[0]


def test_blog_builds_without_warnings(blog):
    site, report = blog
    assert report.posts == 5
    assert report.warnings == ()
    assert site.out("/").is_file()


# --- home page and pagination ------------------------------------------------------------------

def test_home_page_lists_the_newest_posts_newest_first(out):
    # Numbered pages hold exactly posts_per_page (2) posts counted from the oldest; the home
    # page holds the rest: 2 to 3 posts.
    assert entry_titles(out.html("/")) == [DELTA, GAMMA, BETA]


def test_home_pages_together_list_every_post_once_newest_first(out):
    pages = walk_listing(out, "/")
    assert pages == [[DELTA, GAMMA, BETA], [ALPHA, EPSILON]]


def test_home_has_exactly_two_pages(out):
    assert out.out("/page/1.html").is_file()  # the oldest posts
    assert not out.out("/page/2.html").exists()
    assert not out.out("/page/0.html").exists()


def test_older_and_newer_links_between_home_pages(out):
    first, oldest = out.html("/"), out.html("/page/1.html")
    assert older_href(first) == "/page/1.html"
    assert newer_href(first) is None
    assert newer_href(oldest) == "/"
    assert older_href(oldest) is None


def test_numbered_pages_are_named_by_the_dates_of_their_posts(out):
    assert text(out.html("/page/1.html").xpath("//title")[0]) == (
        "Zhaoqing Test Blog – Dec 20, 2023 – May 1, 2024 | Zhaoqing Test Blog")
    assert text(out.html("/").xpath("//title")[0]) == "Zhaoqing Test Blog"


def test_numbered_pages_keep_their_posts_when_posts_are_added(make_site):
    def listing(count):
        site = make_site(posts={f"p{i:02d}.md": post(f"Post {i}", f"2024-01-{i:02d}", labels=["x"])
                                for i in range(1, count + 1)}, config="posts_per_page: 3\n")
        build(site)
        return {url: entry_titles(site.html(url)) for url in ["/"] + [f"/page/{n}.html" for n in range(1, 9)]
                if site.out(url).is_file()}

    seven, eight, nine = listing(7), listing(8), listing(9)
    assert seven == {"/": ["Post 7", "Post 6", "Post 5", "Post 4"], "/page/1.html": ["Post 3", "Post 2", "Post 1"]}
    assert eight == {"/": ["Post 8", "Post 7", "Post 6", "Post 5", "Post 4"], "/page/1.html": ["Post 3", "Post 2", "Post 1"]}
    assert nine == {"/": ["Post 9", "Post 8", "Post 7"], "/page/2.html": ["Post 6", "Post 5", "Post 4"],
                    "/page/1.html": ["Post 3", "Post 2", "Post 1"]}


def test_pager_link_words(out):
    doc = out.html("/page/1.html")
    assert text(out.html("/").xpath(f"//a[{has_class('pager-older')}]")[0]) == "Older posts"
    assert text(doc.xpath(f"//a[{has_class('pager-newer')}]")[0]) == "Newer posts"
    home = doc.xpath(f"//a[{has_class('pager-home')}]")
    assert [(text(a), a.get("href")) for a in home] == [("Home", "/")]


# --- date headers --------------------------------------------------------------------------------

def test_two_posts_of_one_day_share_one_date_header(out):
    doc = out.html("/")
    assert grouped_titles(doc)[0] == ("Monday, July 15, 2024", [DELTA, GAMMA])
    header = sitekit.date_headers(doc)[0]
    assert header.xpath(".//time/@datetime") == ["2024-07-15"]


def test_posts_of_different_days_get_separate_date_headers(out):
    assert grouped_titles(out.html("/")) == [
        ("Monday, July 15, 2024", [DELTA, GAMMA]), ("Monday, June 10, 2024", [BETA])]
    assert date_header_texts(out.html("/page/1.html")) == ["Wednesday, May 1, 2024", "Wednesday, December 20, 2023"]


def test_day_of_a_post_is_taken_in_the_site_time_zone(make_site):
    # 23:30 UTC on July 15 is already July 16 in Shanghai; 20:00 in New York on July 31 is August 1.
    site = make_site(posts={
        "late.md": post("Late news from London", "2024-07-15T23:30:00Z", labels=["x"]),
        "ny.md": post("News from New York", "2024-07-31T20:00:00-05:00", labels=["x"]),
    })
    build(site)
    doc = site.html("/")
    assert grouped_titles(doc) == [("Thursday, August 1, 2024", ["News from New York"]),
                                   ("Tuesday, July 16, 2024", ["Late news from London"])]
    assert site.out("/2024/08/news-from-new-york.html").is_file()
    assert site.out("/2024/07/late-news-from-london.html").is_file()
    times = doc.xpath(f"//time[{has_class('dt-published')}]/@datetime")
    assert times == ["2024-08-01T09:00:00+08:00", "2024-07-16T07:30:00+08:00"]


def test_posts_at_the_same_moment_are_ordered_by_url_everywhere(make_site):
    # One instant written three ways: with the site's offset, in UTC, and YAML's spaced form.
    site = make_site(posts={
        "1.md": post("Zeta same time", "2024-07-15T21:41:00+08:00", labels=["x"]),
        "2.md": post("Alpha same time", "2024-07-15T13:41:00Z", labels=["x"]),
        "3.md": "---\ntitle: Mid same time\ndate: 2024-07-15 21:41:00 +08:00\nlabels: x\n---\n\nBody.\n",
    })
    report = build(site)
    assert report.warnings == ()
    expected = [["Alpha same time", "Mid same time", "Zeta same time"]]
    assert walk_listing(site, "/") == expected
    assert walk_listing(site, "/label/x/") == expected
    assert grouped_titles(site.html("/")) == [("Monday, July 15, 2024", expected[0])]
    mid = site.html("/2024/07/mid-same-time.html")
    assert newer_href(mid) == "/2024/07/alpha-same-time.html"
    assert older_href(mid) == "/2024/07/zeta-same-time.html"
    assert [e.title for e in parse_feed(site.out("/feed.xml")).entries] == expected[0]


# --- post pages and h-entry ----------------------------------------------------------------------

def test_post_pages_are_at_year_month_slug(out):
    for title, url in URL.items():
        assert re.fullmatch(r"/\d{4}/\d\d/[a-z0-9-]+\.html", url)
        doc = out.html(url)
        assert entry_titles(doc) == [title], url


def test_post_page_is_one_h_entry_with_its_microformats(out):
    doc = out.html(URL[DELTA])
    (entry,) = entries(doc)
    assert entry_title(entry) == DELTA
    assert entry.xpath(f"./header//*[{has_class('p-name')}]")[0].tag == "h1"
    assert entry.xpath(f".//a[{has_class('u-url')}]/@href") == [URL[DELTA]]
    (published,) = entry.xpath(f".//time[{has_class('dt-published')}]")
    assert published.get("datetime") == "2024-07-15T21:41:00+08:00"
    assert "Monday, July 15, 2024" in text(published)
    categories = entry.xpath(f".//*[{has_class('p-category')}]")
    assert [(text(c), c.get("href")) for c in categories] == [
        ("Dasha Town", "/label/dasha/"), ("zhaoqing", "/label/zhaoqing/")]
    (content,) = entry.xpath(f".//*[{has_class('e-content')}]")
    assert "Delta first paragraph." in text(content)
    assert "Delta second paragraph." in text(content)
    assert content.xpath(".//h2/text()") == ["Delta heading"]


def test_date_only_post_has_a_midnight_datetime_with_offset(out):
    doc = out.html(URL[EPSILON])
    assert doc.xpath(f"//time[{has_class('dt-published')}]/@datetime") == ["2023-12-20T00:00:00+08:00"]


def test_listing_entries_link_to_their_post_pages(out):
    doc = out.html("/")
    assert [e.xpath(f".//a[{has_class('u-url')}]/@href")[0] for e in entries(doc)] == [
        URL[DELTA], URL[GAMMA], URL[BETA]]
    # in a listing the post's own headings sit below the h3 title
    (delta,) = [e for e in entries(doc) if entry_title(e) == DELTA]
    assert delta.xpath(f".//*[{has_class('e-content')}]//h4/text()") == ["Delta heading"]


def test_newer_and_older_post_links(out):
    middle = out.html(URL[BETA])
    assert newer_href(middle) == URL[GAMMA]
    assert older_href(middle) == URL[ALPHA]
    newest = out.html(URL[DELTA])
    assert newer_href(newest) is None
    assert older_href(newest) == URL[GAMMA]
    oldest = out.html(URL[EPSILON])
    assert newer_href(oldest) == URL[ALPHA]
    assert older_href(oldest) is None


# --- label pages ---------------------------------------------------------------------------------

def test_label_page_lists_only_its_posts_newest_first_across_pages(out):
    assert walk_listing(out, "/label/dasha/") == [[DELTA, BETA], [ALPHA, EPSILON]]
    assert out.out("/label/dasha/page/1.html").is_file()
    assert not out.out("/label/dasha/page/2.html").exists()
    assert older_href(out.html("/label/dasha/")) == "/label/dasha/page/1.html"
    assert newer_href(out.html("/label/dasha/page/1.html")) == "/label/dasha/"


def test_label_with_few_posts_has_one_page(out):
    assert walk_listing(out, "/label/zhaoqing/") == [[DELTA, GAMMA]]
    assert walk_listing(out, "/label/sihui-city/") == [[GAMMA, ALPHA]]
    assert not out.out("/label/zhaoqing/page/1.html").exists()


def test_label_page_heading_and_show_all_link(out):
    doc = out.html("/label/dasha/")
    (status,) = doc.xpath(f"//*[{has_class('status-message')}]")
    assert text(status).startswith("Showing posts with label Dasha Town. Show all posts")
    show_all = [a for a in status.xpath(".//a") if text(a) == "Show all posts"]
    assert [a.get("href") for a in show_all] == ["/"]
    # later pages carry the same heading
    assert "Showing posts with label Dasha Town." in text(out.html("/label/dasha/page/1.html"))


def test_labels_index_with_counts(out):
    doc = out.html("/label/")
    items = [text(li) for li in doc.xpath(f"//ul[{has_class('label-index')}]/li")]
    assert items == ["Dasha Town (4)", "Sihui City (2)", "zhaoqing (2)"]
    hrefs = doc.xpath(f"//ul[{has_class('label-index')}]/li/a/@href")
    assert hrefs == ["/label/dasha/", "/label/sihui-city/", "/label/zhaoqing/"]


def test_labels_widget_with_counts_is_in_the_sidebar_of_every_page(out):
    # The widgets are one page that site.js shows in every page's sidebar; without JavaScript
    # the sidebar links to the labels index and the full archive.
    doc = out.html("/widgets.html")
    items = [text(li) for li in doc.xpath(f"//section[{has_class('widget-labels')}]//li")]
    assert items == ["Dasha Town (4)", "Sihui City (2)", "zhaoqing (2)"]
    for path in sitekit.site_pages(out.output):
        if path.name == "widgets.html":
            continue
        (aside,) = parse_html(path).xpath("//aside[@data-widgets]")
        assert aside.get("data-widgets") == "/widgets.html", path
        assert aside.xpath(".//a/@href") == ["/label/", "/archive/"], path


def test_cjk_labels_get_their_own_pages_and_encoded_links(make_site):
    site = make_site(posts={"a.md": post("Town news", "2024-03-03", labels=["大沙", "大廈", "Dasha Town"]),
                            "b.md": post("Other news", "2024-03-04", labels=["大沙"])})
    report = build(site)
    assert report.warnings == ()
    assert walk_listing(site, "/label/大沙/") == [["Other news", "Town news"]]
    assert walk_listing(site, "/label/大廈/") == [["Town news"]]
    assert walk_listing(site, "/label/dasha-town/") == [["Town news"]]
    doc = site.html("/2024/03/town-news.html")
    assert [(text(a), a.get("href")) for a in doc.xpath(f"//*[{has_class('p-category')}]")] == [
        ("大沙", "/label/%E5%A4%A7%E6%B2%99/"), ("大廈", "/label/%E5%A4%A7%E5%BB%88/"), ("Dasha Town", "/label/dasha-town/")]
    assert "Showing posts with label 大沙." in text(site.html("/label/大沙/"))
    feed = feedparser.parse(site.out("/label/大沙/feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Other news", "Town news"]


def test_site_without_posts_has_one_empty_home_page_and_empty_feeds(make_site):
    site = make_site(posts={})
    report = build(site)
    assert report.posts == 0
    doc = site.html("/")
    assert entries(doc) == []
    assert "No posts yet." in text(doc)
    assert older_href(doc) is None
    assert not site.out("/page/2.html").exists()
    for url in ("/feed.xml", "/atom.xml"):
        feed = parse_feed(site.out(url))
        assert feed.entries == []


# --- archives ------------------------------------------------------------------------------------

def test_year_and_month_archives_list_the_right_posts(out):
    assert walk_listing(out, "/2024/") == [[DELTA, GAMMA], [BETA, ALPHA]]
    assert walk_listing(out, "/2024/07/") == [[DELTA, GAMMA]]
    assert walk_listing(out, "/2024/06/") == [[BETA]]
    assert walk_listing(out, "/2024/05/") == [[ALPHA]]
    assert walk_listing(out, "/2023/") == [[EPSILON]]
    assert walk_listing(out, "/2023/12/") == [[EPSILON]]
    assert not out.out("/2024/08/").exists()


def test_archive_pages_have_headings(out):
    assert "Showing posts from 2024." in text(out.html("/2024/"))
    assert "Showing posts from July 2024." in text(out.html("/2024/07/"))


def test_blog_archive_widget_shows_years_and_months_with_counts(out):
    doc = out.html("/widgets.html")
    (widget,) = doc.xpath(f"//section[{has_class('widget-archive')}]")
    # The summary only opens and closes a year (a link inside it would be a control in a control);
    # the year page is the first link under it.
    years = [(text(s), d.xpath(f"./ul/li[{has_class('archive-year-link')}]/a/@href")[0])
             for d in widget.xpath(".//details") for s in d.xpath("./summary")]
    assert years == [("2024 (4)", "/2024/"), ("2023 (1)", "/2023/")]
    months = []
    for details in widget.xpath(".//details"):
        months.append([(text(li.xpath("./a")[0]), text(li.xpath("./span[@class='count']")[0]),
                        li.xpath("./a/@href")[0]) for li in details.xpath(f"./ul/li[{has_class('archive-month')}]")])
    assert months == [
        [("July", "(2)", "/2024/07/"), ("June", "(1)", "/2024/06/"), ("May", "(1)", "/2024/05/")],
        [("December", "(1)", "/2023/12/")],
    ]


def test_full_archive_lists_every_title_once(out):
    doc = out.html("/archive/")
    tree = doc.xpath(f"//ul[{has_class('archive-tree')}]")[0]
    titles = [text(a) for a in tree.xpath(f".//ul[{has_class('archive-posts')}]//a")]
    assert titles == NEWEST_FIRST
    hrefs = tree.xpath(f".//ul[{has_class('archive-posts')}]//a/@href")
    assert hrefs == [URL[t] for t in NEWEST_FIRST]


# --- feeds ---------------------------------------------------------------------------------------

def parse_feed(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url, kind", [("/feed.xml", "rss20"), ("/atom.xml", "atom10")])
def test_site_feeds_hold_the_newest_posts_newest_first(out, url, kind):
    feed = parse_feed(out.out(url))
    assert feed.version == kind
    assert [e.title for e in feed.entries] == [DELTA, GAMMA, BETA]  # feed_size: 3
    assert [e.link for e in feed.entries] == [BASE_URL.rstrip("/") + URL[t] for t in (DELTA, GAMMA, BETA)]
    assert feed.feed.link.startswith(BASE_URL)


@pytest.mark.parametrize("url", ["/feed.xml", "/atom.xml"])
def test_feed_dates_have_offsets(out, url):
    raw = out.out(url).read_text(encoding="utf-8")
    feed = parse_feed(out.out(url))
    delta = feed.entries[0]
    assert delta.published_parsed[:6] == (2024, 7, 15, 13, 41, 0)  # 21:41 +08:00 in UTC
    if url == "/feed.xml":
        assert "Mon, 15 Jul 2024 21:41:00 +0800" in raw
    else:
        assert "2024-07-15T21:41:00+08:00" in raw


@pytest.mark.parametrize("url", ["/feed.xml", "/atom.xml"])
def test_feed_entries_carry_full_content_with_absolute_links(out, url):
    # A feed's content is shown away from the site (RSS has no base URL): the image must be absolute.
    feed = parse_feed(out.out(url))
    beta = [e for e in feed.entries if e.title == BETA][0]
    body = beta.content[0].value
    assert "Beta last paragraph." in body
    srcs = re.findall(r'(?:href|src)="([^"]+)"', body)
    assert srcs, body
    for link in srcs:
        assert re.fullmatch(re.escape(BASE_URL) + r"images/plant-(480|640)\.[0-9a-f]{8}\.jpg", link), link
    for srcset in re.findall(r'srcset="([^"]+)"', body):
        assert all(c.strip().startswith(BASE_URL + "images/plant-") for c in srcset.split(",")), srcset


def test_feed_links_are_absolute(out):
    for url in ("/feed.xml", "/atom.xml", "/label/dasha/feed.xml"):
        feed = parse_feed(out.out(url))
        for entry in feed.entries:
            assert entry.link.startswith(BASE_URL)
            assert entry.id.startswith(BASE_URL)
        for link in feed.feed.links:
            assert link.href.startswith(BASE_URL), (url, link)


@pytest.mark.parametrize("feed_url, page_url", [("/feed.xml", "/"), ("/label/dasha/feed.xml", "/label/dasha/")])
def test_rss_channel_link_is_the_html_page_and_self_link_the_feed(out, feed_url, page_url):
    # RSS 2.0: <channel><link> is "the URL to the HTML website corresponding to the channel".
    channel = etree.fromstring(out.out(feed_url).read_bytes()).find("channel")
    assert channel.findtext("link") == BASE_URL.rstrip("/") + page_url
    self_links = channel.findall("{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert [link.get("href") for link in self_links] == [BASE_URL.rstrip("/") + feed_url]


def test_atom_feed_links_to_the_home_page_and_itself(out):
    feed = parse_feed(out.out("/atom.xml"))
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"alternate": BASE_URL, "self": BASE_URL + "atom.xml"}


def test_label_feed_holds_only_that_labels_posts(out):
    feed = parse_feed(out.out("/label/dasha/feed.xml"))
    assert [e.title for e in feed.entries] == [DELTA, BETA, ALPHA]  # feed_size 3 of the label's 4
    zhaoqing = parse_feed(out.out("/label/zhaoqing/feed.xml"))
    assert [e.title for e in zhaoqing.entries] == [DELTA, GAMMA]
    sihui = parse_feed(out.out("/label/sihui-city/feed.xml"))
    assert [e.title for e in sihui.entries] == [GAMMA, ALPHA]


def test_every_html_page_announces_the_rss_feed(out):
    files = sitekit.site_pages(out.output)
    assert len(files) > 10
    for path in files:
        doc = parse_html(path)
        links = doc.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']/@href")
        assert links, path
        assert all(sitekit.site_file(out.output, href).is_file() for href in links), path


def test_feed_categories_are_label_names(out):
    feed = parse_feed(out.out("/feed.xml"))
    delta = feed.entries[0]
    assert sorted(t.term for t in delta.tags) == ["Dasha Town", "zhaoqing"]


# --- contacts ------------------------------------------------------------------------------------

def contact_cards(doc):
    return doc.xpath(f"//div[{has_class('contact-card')}]")


def test_post_ends_with_the_contact_cards_it_names(out):
    doc = out.html(URL[DELTA])
    cards = contact_cards(doc)
    assert [text(c.xpath(f".//*[{has_class('contact-name')}]")[0]) for c in cards] == [
        "Investment Promotion Bureau of Sihui City", "Investment consultant"]
    bureau, consultant = cards
    tel = bureau.xpath(f".//a[{has_class('p-tel')}]")
    assert [(a.get("href"), text(a)) for a in tel] == [
        ("tel:+867583611228", "+86 758 3611228"), ("tel:+867583611188", "+86 758 3611188")]
    assert "3F, Administrative Center, Sihui" in text(bureau)
    assert consultant.xpath(".//a[starts-with(@href, 'https://wa.me/')]/@href") == ["https://wa.me/85267274664"]
    assert "+86 13143984664" in text(consultant)
    # the cards come after the post's body
    body = doc.xpath(f"//*[{has_class('e-content')}]")[0]
    assert list(doc.iter()).index(body) < list(doc.iter()).index(bureau)


def test_inline_contact_in_a_post_is_shown(out):
    doc = out.html(URL[BETA])
    (card,) = contact_cards(doc)
    assert text(card.xpath(f".//*[{has_class('contact-name')}]")[0]) == "Site office of the road"
    assert card.xpath(f".//a[{has_class('p-tel')}]/@href") == ["tel:+867581234567"]
    assert "+86 758 1234567" in text(card)


def test_links_of_every_contact_card_resolve(out):
    # e.g. "Save contact" (a vCard), for contacts from contacts.yaml and for one written in a post
    for url in (URL[DELTA], URL[BETA]):
        for card in contact_cards(out.html(url)):
            for href in sitekit.internal_references(card):
                assert sitekit.site_file(out.output, href).is_file(), (url, href)


def test_post_without_contacts_has_no_card(out):
    assert contact_cards(out.html(URL[GAMMA])) == []


def test_unknown_contact_id_fails_the_build_naming_the_post(make_site):
    site = make_site(posts={"x.md": post("X marks", "2024-01-01", labels=["x"], contacts=["nobody"])},
                     contacts=CONTACTS)
    with pytest.raises(BuildFailed) as failure:
        build(site)
    messages = [str(p) for p in failure.value.problems.errors]
    assert any(m.startswith("posts/x.md:") and "nobody" in m for m in messages), messages
    assert not site.output.exists()


# --- navigation and standalone pages --------------------------------------------------------------

def test_standalone_page_is_published_and_linked_from_every_page(out):
    doc = out.html("/p/about.html")
    assert text(doc.xpath("//article//h1")[0]) == "About this blog"
    assert "We write about Sihui." in text(doc)
    for path in sitekit.site_pages(out.output):
        nav = parse_html(path).xpath(f"//nav[{has_class('site-nav')}]//a")
        assert ("About this blog", "/p/about.html") in [(text(a), a.get("href")) for a in nav], path


def test_standalone_page_is_not_a_post(out):
    for url in ("/feed.xml", "/atom.xml"):
        assert "About this blog" not in out.out(url).read_text(encoding="utf-8")
    for doc_url in ("/", "/page/1.html", "/archive/"):
        assert "About this blog" not in entry_titles(out.html(doc_url))
        assert "We write about Sihui." not in text(out.html(doc_url))


def test_page_not_found_and_static_files(out):
    doc = out.html("/404.html")
    assert "Page not found" in text(doc)
    assert out.out("/static/site.css").read_bytes() == (PROJECT_ROOT / "static" / "site.css").read_bytes()
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/site.css"]


def test_every_internal_link_of_the_blog_resolves(out):
    assert sitekit.broken_links(out.output) == []


# --- images ----------------------------------------------------------------------------------------

def image_srcs(doc, alt):
    return doc.xpath(f"//img[@alt='{alt}']/@src")


def test_post_image_is_published_and_found_from_every_page_that_shows_it(out):
    assert not out.out("/images/plant.jpg").exists()  # the original (with its metadata) is not published
    for url in (URL[BETA], "/", "/label/dasha/", "/2024/06/"):
        srcs = image_srcs(out.html(url), "Plant at dusk")
        assert srcs, url
        for src in srcs:
            assert src.startswith("/images/plant-"), (url, src)  # resolves the same from any folder
            assert sitekit.site_file(out.output, src).read_bytes()[:2] == b"\xff\xd8"  # a JPEG


def test_missing_image_gives_a_warning_naming_the_post(make_site):
    site = make_site(posts={"lost.md": post("Lost picture", "2024-02-02", labels=["x"],
                                            body="Text.\n\n![gone](images/missing.jpg)\n")})
    report = build(site)
    warnings = [w for w in report.warnings if "missing.jpg" in w.message]
    assert len(warnings) == 1
    assert warnings[0].path == "posts/lost.md"
    source_lines = (site.content / "posts" / "lost.md").read_text(encoding="utf-8").split("\n")
    assert "missing.jpg" in source_lines[warnings[0].line - 1]
    assert not site.out("/images/missing.jpg").exists()


def test_image_beside_the_post_is_published(make_site):
    site = make_site(posts={"2024/walk.md": post("A walk", "2024-02-02", labels=["x"], body="![river](river.png)")},
                     files={"posts/2024/river.png": sitekit.image_bytes(40, 30, "PNG")})
    report = build(site)
    assert report.warnings == ()
    (src,) = image_srcs(site.html("/2024/02/a-walk.html"), "river")
    assert src.startswith("/posts/2024/river-40.")
    assert sitekit.site_file(site.output, src).read_bytes()[:4] == b"\x89PNG"


# --- translations ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def translated(tmp_path_factory):
    site = sitekit.make_site(tmp_path_factory.mktemp("translated"), posts={
        "platform.md": post("Build a big platform", "2023-10-28", labels=["dasha"], slug="big-platform",
                            body="English text of the platform."),
        "platform.ja.md": post("大きなプラットフォームを築こう", "2023-10-28", labels=["dasha"], language="ja",
                               translation_of="big-platform", body="日本語の本文。"),
        "other.md": post("Another English post", "2024-01-05", labels=["sihui"], body="Only in English.",
                         contacts=["sihui-bureau"]),
    }, labels=LABELS, contacts=CONTACTS)
    report = build(site)
    return site, report


ENGLISH_URL, JAPANESE_URL = "/2023/10/big-platform.html", "/2023/10/big-platform-ja.html"


def test_translation_url_language_and_links_both_ways(translated):
    site, report = translated
    assert report.warnings == ()
    japanese = site.html(JAPANESE_URL)
    assert japanese.get("lang") == "ja"
    assert entry_titles(japanese) == ["大きなプラットフォームを築こう"]
    english = site.html(ENGLISH_URL)
    assert english.get("lang") == "en"
    assert JAPANESE_URL in english.xpath(f"//*[{has_class('post-translations')}]//a/@href")
    assert ENGLISH_URL in japanese.xpath(f"//*[{has_class('post-translations')}]//a/@href")
    alternates = {link.get("hreflang"): link.get("href") for link in english.xpath("//head/link[@hreflang]")}
    assert alternates["ja"] == BASE_URL.rstrip("/") + JAPANESE_URL
    assert alternates["en"] == BASE_URL.rstrip("/") + ENGLISH_URL


def test_home_lists_the_original_and_the_language_home_the_translation(translated):
    site, _ = translated
    home = site.html("/")
    assert entry_titles(home) == ["Another English post", "Build a big platform"]
    (platform,) = [e for e in entries(home) if entry_title(e) == "Build a big platform"]
    links = platform.xpath(f".//*[{has_class('post-translations')}]//a")
    assert [(a.get("href"), a.get("lang")) for a in links] == [(JAPANESE_URL, "ja")]
    ja_home = site.html("/ja/")
    assert ja_home.get("lang") == "ja"
    assert entry_titles(ja_home) == ["大きなプラットフォームを築こう"]
    # the label page and the archives list the post once, in English
    assert walk_listing(site, "/label/dasha/") == [["Build a big platform"]]
    assert walk_listing(site, "/2023/10/") == [["Build a big platform"]]


def test_translation_is_in_its_languages_feed_only(translated):
    site, _ = translated
    assert [e.title for e in parse_feed(site.out("/feed.xml")).entries] == [
        "Another English post", "Build a big platform"]
    assert [e.title for e in parse_feed(site.out("/ja/feed.xml")).entries] == ["大きなプラットフォームを築こう"]


def test_japanese_pages_use_japanese_dates_and_label_names(translated):
    site, _ = translated
    doc = site.html("/ja/")
    assert date_header_texts(doc) == ["2023年10月28日 土曜日"]
    assert [text(a) for a in doc.xpath(f"//*[{has_class('p-category')}]")] == ["大沙"]


def test_every_internal_link_of_the_translated_site_resolves(translated):
    site, _ = translated
    assert sitekit.broken_links(site.output) == []


# --- listing: summary -------------------------------------------------------------------------------

def test_summary_listing_shows_the_first_paragraph_and_read_more(make_site):
    config = f'base_url: "{BASE_URL}"\nlisting: summary\n'
    site = make_site(config=config, posts={
        "one.md": post("Summary post", "2024-03-03", labels=["x"],
                       body="The **first** paragraph.\n\nThe second paragraph, only on the post page."),
        "two.md": post("Own summary", "2024-03-02", labels=["x"], summary="Written summary <here>",
                       body="Body first.\n\nBody second."),
    })
    build(site)
    for url in ("/", "/label/x/", "/2024/03/"):
        doc = site.html(url)
        first, second = entries(doc)
        assert "The first paragraph." in text(first)
        assert first.xpath(".//strong/text()") == ["first"]
        assert "only on the post page" not in text(doc)
        assert first.xpath(f".//*[{has_class('e-content')}]") == []
        read_more = first.xpath(f".//*[{has_class('read-more')}]//a")
        assert len(read_more) == 1
        assert read_more[0].get("href") == "/2024/03/summary-post.html"
        assert text(read_more[0]).startswith("Read more")
        assert "Written summary <here>" in text(second)
        assert "Body first." not in text(second)
    assert "only on the post page" in text(site.html("/2024/03/summary-post.html"))


def test_full_listing_shows_the_whole_body(out):
    doc = out.html("/")
    assert "Beta last paragraph." in text(doc)
    assert doc.xpath(f"//*[{has_class('read-more')}]") == []


# --- escaping ---------------------------------------------------------------------------------------

def assert_no_injected_script(doc, where):
    """Inline scripts may only be JSON-LD data that parses as JSON (no markup broke out of it)."""
    for script in doc.xpath("//script[not(@src)]"):
        assert script.get("type") == "application/ld+json", (where, script.text)
        json.loads(script.text)
    for script in doc.xpath("//script[@src]"):
        assert script.get("src").startswith("/static/"), (where, script.get("src"))


def test_titles_with_markup_and_quotes_are_escaped(make_site):
    nasty = 'Break <script>alert("x")</script> & "quotes" \'too\''
    site = make_site(posts={"nasty.md": post(nasty, "2024-04-04", labels=['Label "quoted" <b>'], slug="nasty",
                                             source='A "source" <i>')},
                     pages={"about.md": page('About <script>x</script> "us"', slug="about")},
                     config=f"base_url: \"{BASE_URL}\"\ntitle: 'Zhaoqing \"Invest\" <Blog> & Co'\n")
    build(site)
    site_title = 'Zhaoqing "Invest" <Blog> & Co'
    for url in ("/", "/2024/04/nasty.html", "/404.html"):
        doc = site.html(url)
        assert doc.xpath("//link[@type='application/rss+xml']/@title") == [f"{site_title} – RSS"], url
        assert text(doc.xpath(f"//*[{has_class('site-title')}]")[0]) == site_title, url
    for url in ("/", "/2024/04/nasty.html", "/label/", "/archive/", "/p/about.html", "/2024/"):
        doc = site.html(url)
        assert_no_injected_script(doc, url)
        assert doc.xpath("//body//b | //body//i") == [], url
    post_page = site.html("/2024/04/nasty.html")
    assert entry_titles(post_page) == [nasty]
    assert text(post_page.xpath("//title")[0]) == f"{nasty} | {site_title}"
    home = site.html("/")
    (link,) = home.xpath(f"//article//a[{has_class('u-url')}]")
    assert link.get("href") == "/2024/04/nasty.html"
    assert text(link) == nasty
    nav = site.html("/").xpath(f"//nav[{has_class('site-nav')}]//a")
    assert [text(a) for a in nav] == ["Home", 'About <script>x</script> "us"']
    feed = feedparser.parse(site.out("/feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.entries[0].title == nasty


def test_raw_html_in_a_post_body_is_sanitised(make_site):
    site = make_site(posts={"x.md": post("Raw html", "2024-04-04", labels=["x"],
                                         body='Hi <script>alert(1)</script> <a href="javascript:alert(1)" '
                                              'onclick="x()">link</a>')})
    build(site)
    doc = site.html("/2024/04/raw-html.html")
    assert_no_injected_script(doc, "/2024/04/raw-html.html")
    assert "alert(1)" not in " ".join(doc.xpath("//script/text()"))
    assert doc.xpath("//*[@onclick]") == []
    assert not any(h.startswith("javascript:") for h in doc.xpath("//a/@href"))


# --- configuration ----------------------------------------------------------------------------------

def test_build_without_any_config_file_uses_the_defaults(make_site, monkeypatch):
    # No site.yaml beside the content, and none in the project either: every default applies.
    monkeypatch.setattr(options_module, "default_config_path", lambda: None)
    site = make_site(config=None, posts={f"p{i:02d}.md": post(f"Post number {i}", f"2024-01-{i:02d}", labels=["x"])
                                         for i in range(1, 26)})
    assert site.config is None
    report = build(site)
    assert report.posts == 25
    assert walk_listing(site, "/") == [[f"Post number {i}" for i in range(25, 10, -1)],
                                       [f"Post number {i}" for i in range(10, 0, -1)]]  # posts_per_page: 10
    doc = site.html("/")
    assert text(doc.xpath("//title")[0]) == "zqsite blog"
    feed = feedparser.parse(site.out("/feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.entries[0].link == "http://localhost:8000/2024/01/post-number-25.html"
    assert doc.xpath("//time/@datetime")[1] == "2024-01-25T00:00:00+08:00"  # Asia/Shanghai


def test_site_without_contacts_has_no_broken_links(make_site):
    site = make_site(posts={"a.md": post("Plain post", "2024-03-03", labels=["x"])})
    build(site)
    assert sitekit.broken_links(site.output) == []


def test_empty_config_file_means_defaults(make_site):
    site = make_site(config="", posts={"a.md": post("Only post", "2024-01-01", labels=["x"])})
    report = build(site)
    assert report.warnings == ()
    assert text(site.html("/").xpath("//title")[0]) == "zqsite blog"


def test_base_url_with_a_path_prefixes_every_link(make_site):
    posts = dict(BLOG_POSTS, **{"b-beta.md": post(BETA, "2024-06-10T09:00:00+08:00", labels=["dasha"],
                                                  body="Beta.\n\n![Plant at dusk](images/plant.jpg)")})
    site = make_site(config='base_url: "https://example.org/blog/"\n', posts=posts, contacts=CONTACTS,
                     files={"images/plant.jpg": PLANT_JPG})
    build(site)
    doc = site.html("/")
    assert doc.xpath(f"//article//a[{has_class('u-url')}]/@href")[0] == "/blog" + URL[DELTA]
    assert site.out(URL[DELTA]).is_file()
    assert sitekit.broken_links(site.output, base_path="/blog/") == []
    feed = feedparser.parse(site.out("/feed.xml").read_bytes())
    assert feed.entries[0].link == "https://example.org/blog" + URL[DELTA]


# --- output: reproducible and incremental -----------------------------------------------------------

def snapshot(output):
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def test_rebuilding_the_same_input_gives_identical_bytes_and_writes_nothing(make_site):
    site = make_site(posts=BLOG_POSTS, config=BLOG_CONFIG, contacts=CONTACTS, labels=LABELS,
                     files={"images/plant.jpg": PLANT_JPG})
    first = build(site)
    before = snapshot(site.output)
    assert first.files_written == len(before) - 1  # all but the writer's marker
    second = build(site)
    assert snapshot(site.output) == before
    assert second.files_written == 0
    assert second.files_unchanged == first.files_written
    assert second.files_deleted == 0


def test_rebuild_is_identical_whatever_the_clock_says(make_site, fixed_now):
    from datetime import timedelta

    site = make_site(posts=BLOG_POSTS, config=BLOG_CONFIG, contacts=CONTACTS, labels=LABELS,
                     files={"images/plant.jpg": PLANT_JPG})
    build(site)
    before = snapshot(site.output)
    report = build(site, now=fixed_now + timedelta(days=400))
    assert report.files_written == 0
    assert snapshot(site.output) == before


def test_removed_post_disappears_on_rebuild(make_site):
    site = make_site(posts={"a.md": post("Keep me", "2024-01-01", labels=["x"]),
                            "b.md": post("Remove me", "2024-01-02", labels=["y"])})
    build(site)
    assert site.out("/2024/01/remove-me.html").is_file()
    (site.content / "posts" / "b.md").unlink()
    report = build(site)
    assert not site.out("/2024/01/remove-me.html").exists()
    assert not site.out("/label/y/").exists()
    assert report.files_deleted >= 3  # the post page, its label page and label feed
    assert entry_titles(site.html("/")) == ["Keep me"]


def test_future_and_draft_posts_are_not_published(make_site):
    site = make_site(posts={"now.md": post("Published post", "2024-06-01", labels=["x"]),
                            "later.md": post("Future post", "2025-06-01", labels=["x"]),
                            "draft.md": post("Draft post", "2024-06-02", labels=["x"], draft=True)})
    report = build(site)
    assert entry_titles(site.html("/")) == ["Published post"]
    assert {w.path for w in report.warnings} == {"posts/later.md", "posts/draft.md"}
    build(site, include_future=True, include_drafts=True)
    assert entry_titles(site.html("/")) == ["Future post", "Draft post", "Published post"]


# --- command line -----------------------------------------------------------------------------------

def run_cli(*args):
    return subprocess.run([sys.executable, "build.py", *map(str, args)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120, encoding="utf-8")


def test_cli_builds_and_prints_a_one_line_summary(make_site):
    site = make_site(posts={"a.md": post("Cli post", "2024-01-01", labels=["x"])})
    result = run_cli("--content", site.content, "--output", site.output, "--config", site.config)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert re.match(r"Built 1 posts?, \d+ pages: \d+ files written", lines[0])
    assert entry_titles(site.html("/")) == ["Cli post"]


def test_cli_timings_lists_each_phase_and_the_work_it_did(make_site):
    site = make_site(posts={"a.md": post("Cli post", "2024-01-01", labels=["x"])})
    args = ("--content", site.content, "--output", site.output, "--config", site.config, "--no-cache", "--timings")
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    phases = [re.match(r" *(\d+\.\d{3}) s  (.+)$", line) for line in result.stdout.strip().splitlines()[1:]]
    assert all(phases), result.stdout
    names = [m.group(2) for m in phases]
    assert names[:3] == ["check for changes", "read 1 of 1 posts", "index"]
    assert any(re.fullmatch(r"render \d+ pages", name) for name in names)
    assert names[-1] == "save the build cache"


def test_cli_content_error_exits_1_and_names_the_file_and_line(make_site):
    broken = "---\ntitle: No date here\nlabels: [x]\n---\n\nText.\n"
    site = make_site(posts={"good.md": post("Fine", "2024-01-01", labels=["x"]), "bad.md": broken})
    result = run_cli("--content", site.content, "--output", site.output, "--config", site.config)
    assert result.returncode == 1
    assert re.search(r"posts/bad\.md:\d+: error: .*date", result.stderr), result.stderr
    assert result.stdout == ""
    assert not site.output.exists()


def test_cli_failed_build_leaves_the_published_site_alone(make_site):
    site = make_site(posts={"good.md": post("Fine", "2024-01-01", labels=["x"])})
    assert run_cli("--content", site.content, "--output", site.output, "--config", site.config).returncode == 0
    before = snapshot(site.output)
    (site.content / "posts" / "bad.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    result = run_cli("--content", site.content, "--output", site.output, "--config", site.config)
    assert result.returncode == 1
    assert re.search(r"bad\.md:\d+: error", result.stderr), result.stderr
    assert snapshot(site.output) == before


def test_slug_collision_is_an_error_naming_both_files(make_site):
    site = make_site(posts={"a.md": post("Same title", "2024-01-01", labels=["x"]),
                            "b.md": post("Same Title!", "2024-01-20", labels=["x"])})
    with pytest.raises(BuildFailed) as failure:
        build(site)
    (error,) = failure.value.problems.errors
    assert error.path == "posts/b.md" and "posts/a.md" in error.message
    assert "/2024/01/same-title.html" in error.message


def test_label_pages_link_their_own_feed_in_the_head(out):
    doc = out.html("/label/dasha/page/1.html")
    feeds = doc.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']/@href")
    assert "/label/dasha/feed.xml" in feeds and "/feed.xml" in feeds
