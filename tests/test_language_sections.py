"""Readers stay in their language: label pages, archives, sidebar widgets and standalone pages
per language, hreflang between their versions, and any language a BCP 47 tag names."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from sitekit import BASE_URL, PROJECT_ROOT, build, make_site, page, post, text
from zqsite import i18n
from zqsite.errors import BuildFailed

LABELS = ('dasha:\n  names:\n    zh-Hant: "大沙"\n    zh-Hans: "大沙"\n    ja: "大沙"\n'
          'sihui:\n  names:\n    ja: "四会"\n')
SMALL_PAGES = "posts_per_page: 2\n"


def config(extra: str = "") -> str:
    return (f'title: "Test Blog"\nbase_url: "{BASE_URL}"\ndefault_language: en\ntimezone: Asia/Shanghai\n'
            f"{SMALL_PAGES}{extra}")


def corpus() -> dict[str, str]:
    posts = {}
    for i in range(6):  # English originals, each with a Japanese translation on the same day
        day = f"2024-0{7 - i // 3}-{10 + i:02d}T09:00:00+08:00"
        posts[f"en{i}.md"] = post(f"English post {i}", day, labels=["dasha"] + (["sihui"] if i == 0 else []),
                                  slug=f"post-{i}")
        posts[f"ja{i}.md"] = post(f"日本語の投稿 {i}", day, labels=["dasha"], language="ja",
                                  translation_of=f"post-{i}")
    posts["zh.md"] = post("大沙新聞", "2023-11-05T10:00:00+08:00", labels=["dasha", "zh-only"], language="zh-Hant")
    posts["en-only.md"] = post("Only in English", "2023-03-01T10:00:00+08:00", labels=["english-only"])
    return posts


PAGES = {
    "about.md": page("About us", body="We write about Zhaoqing."),
    "about.ja.md": page("私たちについて", body="肇慶について書いています。", language="ja", translation_of="about"),
    "contact.md": page("Contact", body="Write to us."),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = make_site(tmp_path_factory.mktemp("sections"), posts=corpus(), pages=PAGES, labels=LABELS,
                      config=config())
    report = build(built)
    assert not report.warnings, report.warnings
    return built


def lang(site, url: str) -> str:
    return site.html(url).xpath("string(/html/@lang)")


def path_of(href: str) -> str:
    return unquote(urlsplit(href).path)


def links(doc, xpath: str) -> list[str]:
    return [path_of(a.get("href")) for a in doc.xpath(xpath)]


# --- following links: every page a reader reaches is in the reader's language --------------------

@pytest.mark.parametrize("language, prefix, pages", [("ja", "/ja/", 20), ("zh-Hant", "/zh-hant/", 9)])
def test_links_from_a_language_lead_to_pages_in_that_language(site, language, prefix, pages):
    """Every link of the language's pages (the sidebar's widgets included) that is not marked as
    going to another language (lang/hreflang) leads to a page in that language."""
    seen, queue, problems = set(), [(prefix, "")], []
    while queue:
        url, came_from = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        doc = site.html(url)
        if lang(site, url) != language:
            problems.append(f"{url} (linked from {came_from}) is in {lang(site, url)}")
            continue
        targets = [a for a in doc.xpath("//a[@href]")
                   if not a.get("lang") and not a.get("hreflang") and not a.get("href").startswith("#")]
        hrefs = [path_of(a.get("href")) for a in targets] + [path_of(w) for w in doc.xpath("//aside/@data-widgets")]
        for href in hrefs:
            # Not pages of a language: feeds, the contacts directory and the search page (one each).
            if href.endswith(".xml") or href in ("/contacts/", "/search/") or href.startswith("/static/"):
                continue
            queue.append((href, url))
    assert not problems, problems
    assert len(seen) >= pages  # the walk went through posts, labels, older pages, archives and pages


def test_post_to_label_to_older_page_to_post_stays_japanese(site):
    post_page = site.html("/2024/07/post-0-ja.html")
    label = [h for h in links(post_page, "//a[contains(@class,'p-category')]") if "dasha" in h]
    assert label == ["/ja/label/dasha/"]
    front = site.html(label[0])
    assert lang(site, label[0]) == "ja"
    older = path_of(front.xpath("string(//a[contains(@class,'pager-older')]/@href)"))
    assert older.startswith("/ja/label/dasha/page/")
    assert lang(site, older) == "ja"
    first = links(site.html(older), "//article//h3/a")[0]
    assert first.endswith("-ja.html") and lang(site, first) == "ja"


def test_sidebar_to_archive_month_to_post_stays_japanese(site):
    widgets_url = site.html("/2024/07/post-0-ja.html").xpath("string(//aside/@data-widgets)")
    assert path_of(widgets_url) == "/ja/widgets.html"
    widgets = site.html("/ja/widgets.html")
    months = links(widgets, "//li[contains(@class,'archive-month')]/a")
    assert months and all(m.startswith("/ja/") for m in months)
    month = site.html(months[0])
    assert lang(site, months[0]) == "ja"
    shown = links(month, "//article//h3/a")
    assert shown and all(lang(site, p) == "ja" for p in shown)


def test_menu_links_each_page_in_the_readers_language_where_there_is_one(site):
    ja_menu = site.html("/ja/").xpath("//nav[contains(@class,'site-nav')]//a")
    found = {text(a): (path_of(a.get("href")), a.get("lang")) for a in ja_menu}
    assert found["私たちについて"] == ("/ja/p/about.html", None)
    assert found["Contact"] == ("/p/contact.html", "en")  # no Japanese version: marked as English
    assert found["ホーム"] == ("/ja/", None)
    assert lang(site, "/ja/p/about.html") == "ja"
    en_menu = {text(a): path_of(a.get("href")) for a in site.html("/").xpath("//nav[contains(@class,'site-nav')]//a")}
    assert en_menu == {"Home": "/", "About us": "/p/about.html", "Contact": "/p/contact.html"}


# --- what the pages of a language show ------------------------------------------------------------

def test_japanese_label_page_speaks_japanese_and_lists_japanese_posts(site):
    doc = site.html("/ja/label/dasha/")
    words = i18n.messages("ja")
    assert words["showing_label"].format(label="大沙") in text(doc)
    assert doc.xpath("string(//h1)") == "大沙"
    titles = [text(h) for h in doc.xpath("//article//h3")]
    assert titles and all(t.startswith("日本語の投稿") for t in titles)
    headers = [text(h) for h in doc.xpath("//*[contains(@class,'date-header')]")]
    assert headers and all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 .曜日", h) for h in headers), headers
    assert text(doc.xpath("//a[contains(@class,'pager-older')]")[0]) == words["older_posts"]
    assert path_of(doc.xpath("string(//p[contains(@class,'status-message')]/a[1]/@href)")) == "/ja/"
    every = [t for page_url in ["/ja/label/dasha/", *_older_pages(site, "/ja/label/dasha/")]
             for t in (text(h) for h in site.html(page_url).xpath("//article//h3"))]
    assert sorted(every) == [f"日本語の投稿 {i}" for i in range(6)]


def _older_pages(site, url: str) -> list[str]:
    found = []
    while True:
        older = site.html(url).xpath("string(//a[contains(@class,'pager-older')]/@href)")
        if not older:
            return found
        url = path_of(older)
        found.append(url)


def test_the_default_language_keeps_its_addresses_and_lists(site):
    assert lang(site, "/label/dasha/") == "en"
    titles = [text(h) for url in ["/label/dasha/", *_older_pages(site, "/label/dasha/")]
              for h in site.html(url).xpath("//article//h3")]
    assert "大沙新聞" in titles and not any(t.startswith("日本語") for t in titles)  # as before: no translations
    for url in ("/2024/07/", "/2024/", "/archive/", "/label/", "/widgets.html", "/label/dasha/feed.xml"):
        assert site.out(url).is_file(), url


def test_a_language_has_a_label_page_only_where_it_has_posts_with_the_label(site):
    assert site.out("/ja/label/dasha/").is_file() and site.out("/zh-hant/label/zh-only/").is_file()
    assert not site.out("/ja/label/sihui/").exists()  # only the English post has it
    assert not site.out("/ja/label/english-only/").exists() and not site.out("/zh-hant/label/sihui/").exists()
    labels = {text(a): path_of(a.get("href")) for a in site.html("/ja/label/").xpath("//ul[@class='label-index']//a")}
    assert labels == {"大沙": "/ja/label/dasha/"}


def test_label_feeds_per_language(site):
    for kind in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(site.out(f"/ja/label/dasha/{kind}").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.language == "ja" if kind == "feed.xml" else True
        assert sorted(e.title for e in feed.entries) == [f"日本語の投稿 {i}" for i in range(6)]
    assert site.out("/label/dasha/atom.xml").is_file()


def test_date_archives_and_archive_page_per_language(site):
    for url in ("/ja/2024/", "/ja/2024/07/", "/ja/2024/06/", "/ja/archive/", "/zh-hant/2023/11/"):
        assert lang(site, url) == url.split("/")[1].replace("zh-hant", "zh-Hant"), url
    assert not site.out("/ja/2023/").exists()  # no Japanese post in 2023
    month = site.html("/ja/2024/06/")
    assert i18n.messages("ja")["showing_month"].format(month="2024年6月") in text(month)
    archive = site.html("/ja/archive/")
    assert all(h.endswith("-ja.html") for h in links(archive, "//ul[contains(@class,'archive-posts')]//a"))


def test_widgets_count_and_link_the_languages_own_posts(site):
    doc = site.html("/ja/widgets.html")
    labels = {text(li.xpath("./a")[0]): (path_of(li.xpath("./a/@href")[0]), text(li.xpath("./span")[0]))
              for li in doc.xpath("//section[contains(@class,'widget-labels')]//li")}
    assert labels == {"大沙": ("/ja/label/dasha/", "(6)")}
    years = links(doc, "//section[contains(@class,'widget-archive')]//li[contains(@class,'archive-year-link')]/a")
    assert years == ["/ja/2024/"]
    english = site.html("/widgets.html")
    assert "/label/sihui/" in links(english, "//section[contains(@class,'widget-labels')]//a")


# --- hreflang and the visible switcher -------------------------------------------------------------

def alternates_of(site, url: str) -> dict[str, str]:
    doc = site.html(url)
    return {e.get("hreflang"): e.get("href")[len(BASE_URL) - 1:]
            for e in doc.xpath("//head/link[@rel='alternate'][@hreflang]")}


@pytest.mark.parametrize("url, expected", [
    ("/ja/label/dasha/", {"en": "/label/dasha/", "zh-Hant": "/zh-hant/label/dasha/", "ja": "/ja/label/dasha/"}),
    ("/ja/2024/07/", {"en": "/2024/07/", "ja": "/ja/2024/07/"}),
    ("/zh-hant/2023/", {"en": "/2023/", "zh-Hant": "/zh-hant/2023/"}),
    ("/ja/archive/", {"en": "/archive/", "zh-Hant": "/zh-hant/archive/", "ja": "/ja/archive/"}),
    ("/zh-hant/label/", {"en": "/label/", "zh-Hant": "/zh-hant/label/", "ja": "/ja/label/"}),
    ("/ja/p/about.html", {"en": "/p/about.html", "ja": "/ja/p/about.html"}),
])
def test_hreflang_sets_are_reciprocal_and_point_to_existing_pages(site, url, expected):
    found = alternates_of(site, url)
    assert found == {**expected, "x-default": expected["en"]}
    for code, target in found.items():
        assert site.out(target).is_file(), target
        assert alternates_of(site, target) == found, f"{target} does not link back the same way"
        if code != "x-default":
            assert lang(site, target) == code
    switcher = {a.get("hreflang"): path_of(a.get("href"))
                for a in site.html(url).xpath("//p[contains(@class,'page-versions')]/a")}
    own = lang(site, url)
    assert switcher == {code: target for code, target in expected.items() if code != own}


def test_older_pages_and_pages_in_one_language_have_no_alternates(site):
    older = _older_pages(site, "/ja/label/dasha/")[0]
    assert alternates_of(site, older) == {}
    assert alternates_of(site, "/p/contact.html") == {}
    assert alternates_of(site, "/label/sihui/") == {}


def test_sitemap_lists_the_new_pages_with_their_alternates(site):
    import lxml.etree

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = lxml.etree.parse(str(site.out("/sitemap.xml"))).getroot()
    entries = {u.findtext("s:loc", namespaces=ns): {a.get("hreflang"): a.get("href") for a in u.findall("x:link", ns)}
               for u in root.findall("s:url", ns)}
    absolute = lambda url: BASE_URL.rstrip("/") + url  # noqa: E731
    for url in ("/ja/label/dasha/", "/ja/2024/07/", "/ja/archive/", "/ja/label/", "/ja/p/about.html"):
        assert entries[absolute(url)] == {k: absolute(v) for k, v in alternates_of(site, url).items()}, url


# --- language tags and the languages setting -------------------------------------------------------

@pytest.mark.parametrize("written, code, folder", [
    ("zh-CN", "zh-Hans", "zh-hans"), ("zh-SG", "zh-Hans", "zh-hans"), ("zh-TW", "zh-Hant", "zh-hant"),
    ("zh-HK", "zh-Hant", "zh-hant"), ("zh-MO", "zh-Hant", "zh-hant"), ("ja-JP", "ja", "ja"), ("zh", "zh-Hans", "zh-hans"),
])
def test_common_tags_are_normalised(tmp_path, written, code, folder):
    site = make_site(tmp_path, posts={"a.md": post("原文", "2024-07-15", labels=["x"], language=written, slug="a")},
                     config=config())
    build(site)
    assert lang(site, "/2024/07/a.html") == code
    assert lang(site, f"/{folder}/label/x/") == code


@pytest.mark.parametrize("written", ["en-US", "en-GB", "EN"])
def test_english_tags_are_the_default_language(tmp_path, written):
    site = make_site(tmp_path, posts={"a.md": post("Post", "2024-07-15", labels=["x"], language=written, slug="a")},
                     config=config())
    build(site)
    assert lang(site, "/2024/07/a.html") == "en" and not site.out("/en/").exists()


def test_a_bare_zh_follows_the_chinese_script_setting(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("原文", "2024-07-15", labels=["x"], language="zh", slug="a")},
                     config=config("chinese_script: zh-Hant\n"))
    build(site)
    assert lang(site, "/2024/07/a.html") == "zh-Hant"


def test_a_korean_post_builds_with_korean_strings_and_dates(tmp_path):
    site = make_site(tmp_path, config=config("languages: [en, ko]\n"), labels='dasha:\n  names: {ko: "다사"}\n', posts={
        "en.md": post("Dasha park opens", "2024-07-15T21:41:00+08:00", labels=["dasha"], slug="dasha-park"),
        "ko.md": post("다사 공원 개장", "2024-07-15T21:41:00+08:00", labels=["dasha"], language="ko-KR",
                      translation_of="dasha-park"),
    })
    report = build(site)
    assert not report.warnings
    doc = site.html("/2024/07/dasha-park-ko.html")
    assert doc.xpath("string(/html/@lang)") == "ko"
    assert doc.xpath("string(//time[contains(@class,'dt-published')])").startswith("2024년 7월 15일 월요일")
    label = site.html("/ko/label/dasha/")
    assert "다사 라벨이 있는 게시물을 표시합니다." in text(label)
    assert [text(a) for a in site.html("/").xpath("//nav[contains(@class,'language-switcher')]//a")] == ["English", "한국어"]


def test_a_language_the_site_does_not_publish_is_an_error_listing_those_it_does(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("Post", "2024-07-15", labels=["x"], language="ko")},
                     config=config("languages: [en, ja]\n"))
    with pytest.raises(BuildFailed) as failed:
        build(site)
    messages = [str(p) for p in failed.value.problems.sorted()]
    assert any(m.startswith("posts/a.md:6: error:") and "'ko'" in m and "en, ja" in m for m in messages), messages


@pytest.mark.parametrize("setting, message", [
    ("languages: [en, klingon]\n", "'klingon' is not a language tag"),
    ("languages: [ja, ko]\n", "the default language en must be one of them"),
    ("languages: [en, ja, ja-JP]\n", "ja is listed twice"),
    ("chinese_script: zh-Latn\n", "must be zh-Hans or zh-Hant"),
])
def test_bad_language_settings_are_errors_with_their_line(tmp_path, setting, message):
    site = make_site(tmp_path, posts={"a.md": post("Post", "2024-07-15", labels=["x"])}, config=config(setting))
    with pytest.raises(BuildFailed) as failed:
        build(site)
    found = [str(p) for p in failed.value.problems.sorted()]
    assert any("site.yaml:6: error:" in m and message in m for m in found), found


# --- a language without a catalogue, and right to left --------------------------------------------

def test_an_arabic_post_without_a_catalogue_is_right_to_left_with_english_strings_and_one_warning(tmp_path):
    assert not i18n.has_catalogue("ar"), "this test is about a language zqsite ships no catalogue for"
    site = make_site(tmp_path, config=config("languages: [en, ar]\n"), posts={
        "en.md": post("Dasha park opens", "2024-07-15", labels=["dasha"], slug="dasha-park"),
        "ar.md": post("افتتاح حديقة داشا", "2024-07-15", labels=["dasha"], language="ar", translation_of="dasha-park",
                      contacts=[{"name": "مكتب الاستثمار", "tel": "0086-758-3611228"}]),
        "ar2.md": post("خبر آخر", "2024-07-16", labels=["dasha"], language="ar", slug="other"),
    })
    report = build(site)
    missing = [w for w in report.warnings if "ar.yaml" in w.message]
    assert len(missing) == 1 and len(report.warnings) == 1, report.warnings
    assert str(missing[0]).startswith(f"{site.config}:6: warning:")
    doc = site.html("/2024/07/dasha-park-ar.html")
    assert doc.xpath("string(/html/@lang)") == "ar" and doc.xpath("string(/html/@dir)") == "rtl"
    assert "Older post" in text(doc) or "Newer post" in text(doc)  # the English interface strings
    assert doc.xpath("string(//time[contains(@class,'dt-published')])").startswith("الاثنين، 15 يوليو 2024")
    assert site.html("/ar/label/dasha/").xpath("string(/html/@dir)") == "rtl"
    # A phone number stays "+86 758 3611228" in right-to-left text, not "3611228 758 86+".
    assert doc.xpath("//a[contains(@class,'p-tel')]/@dir") == ["ltr"]
    # On an English page an Arabic post (no English version) keeps its language and direction.
    listed = site.html("/").xpath("//article[@lang='ar']")
    assert listed and listed[0].get("dir") == "rtl"
    assert site.html("/2024/07/dasha-park.html").xpath("string(/html/@dir)") == ""


def test_the_stylesheet_uses_logical_properties_only():
    css = (PROJECT_ROOT / "static" / "site.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    physical = re.findall(r"[\w-]*(?:left|right)[\w-]*\s*:|(?:text-align|float|clear)\s*:\s*(?:left|right)", css)
    assert physical == [], "use margin-inline-start, padding-inline-end, inset-inline-start … instead"


# --- standalone pages: translation errors ------------------------------------------------------------

@pytest.mark.parametrize("pages, message", [
    ({"a.ja.md": page("翻訳", language="ja", translation_of="nothing")}, "no page has the slug 'nothing'"),
    ({"a.md": page("A"), "b.md": page("B", translation_of="a")}, "must be in another language"),
    ({"a.md": page("A"), "b.md": page("B", language="ja", translation_of="a"),
      "c.md": page("C", language="ja", translation_of="a", slug="c")}, "is already the ja translation of 'a'"),
])
def test_page_translation_errors_name_their_line(tmp_path, pages, message):
    site = make_site(tmp_path, posts={"p.md": post("Post", "2024-07-15", labels=["x"])}, pages=pages, config=config())
    with pytest.raises(BuildFailed) as failed:
        build(site)
    found = [str(p) for p in failed.value.problems.sorted()]
    assert any(re.match(r"pages/\w+\.(ja\.)?md:\d+: error:", m) and message in m for m in found), found



def test_a_language_with_a_page_but_no_posts_links_to_the_default_languages_lists(tmp_path):
    site = make_site(tmp_path, config=config(), pages=PAGES, posts={
        "en.md": post("Dasha park opens", "2024-07-15", labels=["dasha"], slug="dasha-park")})
    build(site)
    from sitekit import broken_links

    assert broken_links(site.output) == []
    doc = site.html("/ja/p/about.html")
    assert lang(site, "/ja/p/about.html") == "ja"
    assert path_of(doc.xpath("string(//aside/@data-widgets)")) == "/ja/widgets.html"
    assert links(site.html("/ja/widgets.html"), "//section[contains(@class,'widget-labels')]//a") == ["/label/dasha/"]
    assert not site.out("/ja/").exists() and not site.out("/ja/label/").exists()


def test_new_refuses_a_language_the_site_does_not_publish(tmp_path):
    from zqsite.authoring import NewPostError, new_post
    from zqsite.config import load_config

    site = make_site(tmp_path, config=config("languages: [en, ko]\n"))
    loaded, _ = load_config(site.config)
    assert "language: ko" in new_post(site.content, loaded, "새 게시물", [], "ko-KR", []).read_text(encoding="utf-8")
    with pytest.raises(NewPostError, match="publishes en, ko"):
        new_post(site.content, loaded, "Nouveau", [], "fr", [])
