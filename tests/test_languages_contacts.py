"""Languages, contacts and discovery: what an investor abroad reads, taps and finds."""

from __future__ import annotations

import json
import re

import pytest
import vobject

from sitekit import BASE_URL, build, image_bytes, make_site, post

CONTACTS = """\
sihui-bureau:
  name: "Investment Promotion Bureau of Sihui City"
  address: "3F, Administrative Center, Dongcheng Street, Sihui City, Guangdong Province, China"
  tel: "0086-758-3611228"
  fax: "0086-758-3611188"
consultant:
  kind: "person"
  name: "Investment consultant"
  whatsapp: "+852 67274664"
  wechat: "+86 13143984664"
  email: "invest@example.org"
  website: "https://example.org/invest"
"""
LABELS = 'dasha:\n  names:\n    zh-Hant: "大沙"\n    zh-Hans: "大沙"\n    ja: "大沙"\n'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("languages")
    posts = {
        "en.md": post("Dasha park opens", "2024-07-15T21:41:00+08:00", labels=["dasha"], slug="dasha-park",
                      contacts=["sihui-bureau", "consultant"], body="The park opened.\n\n![Plant](images/plant.png)"),
        "zh.md": post("大沙園區開幕", "2024-07-15T21:41:00+08:00", labels=["dasha"], language="zh-Hant",
                      translation_of="dasha-park", contacts=["sihui-bureau"], body="大沙園區\n今天開幕。"),
        "ja.md": post("大沙パーク開園", "2024-07-15T21:41:00+08:00", labels=["dasha"], language="ja",
                      translation_of="dasha-park", body="肇慶市の大規模\n産業クラスター。"),
        "hans.md": post("四会新闻", "2024-06-01T10:00:00+08:00", labels=["dasha"], language="zh-Hans", body="简体中文。"),
    }
    built = make_site(root, posts=posts, contacts=CONTACTS, labels=LABELS, files={"images/plant.png": image_bytes(64, 48, "PNG")})
    build(built)
    return built


VERSIONS = {"en": "/2024/07/dasha-park.html", "zh-Hant": "/2024/07/dasha-park-zh-hant.html",
            "ja": "/2024/07/dasha-park-ja.html"}


@pytest.mark.parametrize("language, url", sorted(VERSIONS.items()))
def test_lang_attribute_and_reciprocal_hreflang(site, language, url):
    doc = site.html(url)
    assert doc.xpath("string(/html/@lang)") == language
    alternates = {a.get("hreflang"): a.get("href") for a in doc.xpath("//head/link[@rel='alternate'][@hreflang]")}
    assert alternates == {**{code: BASE_URL.rstrip("/") + u for code, u in VERSIONS.items()},
                          "x-default": BASE_URL.rstrip("/") + VERSIONS["en"]}
    for href in alternates.values():
        assert site.out(href[len(BASE_URL) - 1:]).is_file()
    switcher = {a.get("hreflang") for a in doc.xpath("//p[contains(@class,'post-translations')]/a")}
    assert switcher == set(VERSIONS) - {language}


@pytest.mark.parametrize("url, expected", [
    (VERSIONS["en"], "Monday, July 15, 2024"),
    (VERSIONS["zh-Hant"], "2024年7月15日 星期一"),
    (VERSIONS["ja"], "2024年7月15日 月曜日"),
])
def test_dates_in_each_language(site, url, expected):
    assert site.html(url).xpath("string(//time[contains(@class,'dt-published')])").startswith(expected)


@pytest.mark.parametrize("url, words", [
    ("/", ["Home", "Labels", "Blog Archive"]),
    ("/zh-hant/", ["首頁", "標籤", "網誌存檔"]),
    ("/zh-hans/", ["首页", "标签", "博客归档"]),
    ("/ja/", ["ホーム", "ラベル", "ブログ アーカイブ"]),
])
def test_interface_strings_per_language(site, url, words):
    text = site.out(url).read_text(encoding="utf-8")
    for word in words:
        assert word in text


def test_label_names_per_language(site):
    assert site.html(VERSIONS["ja"]).xpath("string(//a[contains(@class,'p-category')])") == "大沙"
    assert site.html(VERSIONS["en"]).xpath("string(//a[contains(@class,'p-category')])") == "dasha"


def test_home_lists_the_default_language_with_links_to_translations(site):
    doc = site.html("/")
    titles = doc.xpath("//article[contains(@class,'h-entry')]//*[contains(@class,'p-name')]//text()")
    assert "Dasha park opens" in titles and "大沙園區開幕" not in titles and "大沙パーク開園" not in titles
    assert "四会新闻" in titles  # no English version: listed as it is
    links = {a.get("hreflang") for a in doc.xpath("//p[contains(@class,'post-translations')]/a")}
    assert links == {"zh-Hant", "ja"}


def test_per_language_homes_and_feeds(site):
    import feedparser

    assert "大沙パーク開園" in site.out("/ja/").read_text(encoding="utf-8")
    feed = feedparser.parse(site.out("/ja/feed.xml").read_bytes())
    assert not feed.bozo and [e.title for e in feed.entries] == ["大沙パーク開園"]
    assert feed.feed.language == "ja"


def test_cjk_line_breaks_do_not_become_spaces(site):
    assert "大沙園區今天開幕。" in site.out(VERSIONS["zh-Hant"]).read_text(encoding="utf-8")
    assert "肇慶市の大規模産業クラスター。" in site.out(VERSIONS["ja"]).read_text(encoding="utf-8")


def test_contact_card_links(site):
    doc = site.html(VERSIONS["en"])
    cards = doc.xpath("//div[contains(@class,'contact-card')]")
    assert len(cards) == 2
    bureau, person = cards
    assert bureau.xpath("string(.//h2)") == "Investment Promotion Bureau of Sihui City"
    assert bureau.xpath(".//a[starts-with(@href,'tel:')]/@href") == ["tel:+867583611228", "tel:+867583611188"]
    assert bureau.xpath(".//a[starts-with(@href,'tel:')]/text()") == ["+86 758 3611228", "+86 758 3611188"]
    assert person.xpath(".//a[starts-with(@href,'https://wa.me/')]/@href") == ["https://wa.me/85267274664"]
    assert person.xpath("string(.//button[contains(@class,'copy-button')]/@data-copy)") == "+86 13143984664"
    assert person.xpath(".//a[@href='mailto:invest@example.org']") and person.xpath(".//a[@href='https://example.org/invest']")
    assert bureau.xpath("string(.//a[contains(@class,'save-contact')]/@href)") == "/contacts/sihui-bureau.vcf"


def test_contacts_page_and_vcards(site):
    doc = site.html("/contacts/")
    assert [n.text for n in doc.xpath("//div[contains(@class,'contact-card')]/h2")] == [
        "Investment Promotion Bureau of Sihui City", "Investment consultant"]
    card = vobject.readOne(site.out("/contacts/sihui-bureau.vcf").read_text(encoding="utf-8"))
    # 3.0, which Android's Contacts app imports (it refuses 4.0; see vcard.py)
    assert card.version.value == "3.0" and card.fn.value == "Investment Promotion Bureau of Sihui City"
    assert card.org.value == ["Investment Promotion Bureau of Sihui City"]
    assert card.x_abshowas.value == "COMPANY"
    assert "Dongcheng Street" in str(card.adr.value.street)
    phones = {t.value: t.params["TYPE"] for t in card.contents["tel"]}
    assert phones == {"+86 758 3611228": ["WORK", "VOICE"], "+86 758 3611188": ["WORK", "FAX"]}
    assert card.url.value == BASE_URL + "contacts/#contact-sihui-bureau"
    person = vobject.readOne(site.out("/contacts/consultant.vcf").read_text(encoding="utf-8"))
    assert person.version.value == "3.0" and person.email.value == "invest@example.org"
    assert "x-abshowas" not in person.contents and person.n.value.family == person.fn.value
    assert ("+852 67274664", ["CELL"]) in [(t.value, t.params["TYPE"]) for t in person.contents["tel"]]
    assert person.impp.value == "https://wa.me/85267274664"


def test_a_downloaded_vcard_is_3_0_and_keeps_cjk_text_whole_across_folded_lines(tmp_path):
    name = "四会市投资促进局（肇庆）"
    address = "中国广东省肇庆市四会市东城街道行政中心三楼, 投资促进局办公室; 邮编 526200 \\ 大厅，" * 3
    fields = {"name": name, "address": address, "tel": "0758-3611228", "note": "一\n二"}
    contacts = "zh:\n" + "".join(f"  {key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items())
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"], contacts=["zh"])}, contacts=contacts)
    build(site)
    data = site.out("/contacts/zh.vcf").read_bytes()
    assert data.endswith(b"END:VCARD\r\n") and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    lines = data.split(b"\r\n")[:-1]
    assert lines[:2] == [b"BEGIN:VCARD", b"VERSION:3.0"] and b"CHARSET" not in data
    assert len(lines) > 8 and max(len(line) for line in lines) <= 75  # folded, at 75 octets at most
    assert all(line.decode("utf-8") for line in lines)  # no character split between two lines
    card = vobject.readOne(data.decode("utf-8"))
    assert card.version.value == "3.0" and card.fn.value == name and card.org.value == [name]
    assert card.n.value.family == "" and card.adr.value.street == address  # intact after unfolding
    assert card.adr.params["TYPE"] == ["WORK"] and card.note.value == "一\n二"
    assert [(t.value, t.params["TYPE"]) for t in card.contents["tel"]] == [("+86 758 3611228", ["WORK", "VOICE"])]


def json_ld(doc):
    return json.loads(doc.xpath("string(//script[@type='application/ld+json'])"))


def test_json_ld_blog_posting_and_organisations(site):
    data = json_ld(site.html(VERSIONS["en"]))
    posting, bureau, person = data
    assert posting["@type"] == "BlogPosting" and posting["headline"] == "Dasha park opens"
    assert posting["datePublished"] == "2024-07-15T21:41:00+08:00" and posting["inLanguage"] == "en"
    assert posting["keywords"] == ["dasha"] and posting["mainEntityOfPage"]["@id"] == BASE_URL + "2024/07/dasha-park.html"
    assert re.fullmatch(re.escape(BASE_URL) + r"images/plant-64\.[0-9a-f]{8}\.png", posting["image"])
    assert {w["@id"] for w in posting["workTranslation"]} == {BASE_URL + VERSIONS["zh-Hant"][1:], BASE_URL + VERSIONS["ja"][1:]}
    assert posting["author"]["name"] and posting["publisher"]["@type"] == "Organization"
    assert bureau["@type"] == "GovernmentOrganization"
    assert bureau["address"]["@type"] == "PostalAddress" and bureau["contactPoint"]["@type"] == "ContactPoint"
    assert bureau["contactPoint"]["telephone"] == "+86 758 3611228"
    assert person["@type"] == "Person"
    translated = json_ld(site.html(VERSIONS["ja"]))[0]
    assert translated["translationOfWork"]["@id"] == BASE_URL + "2024/07/dasha-park.html"
    assert translated["inLanguage"] == "ja"


def posting_image(doc):
    return json_ld(doc)[0]["image"]


def test_open_graph_and_canonical(site):
    doc = site.html(VERSIONS["en"])
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//meta[@content]")}
    assert meta["og:title"] == "Dasha park opens" and meta["og:type"] == "article"
    assert meta["og:description"] == "The park opened." and meta["og:locale"] == "en_US"
    assert meta["og:image"] == posting_image(doc) and meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    assert (meta["og:image:width"], meta["og:image:height"]) == ("64", "48")
    assert doc.xpath("string(//link[@rel='canonical']/@href)") == BASE_URL + "2024/07/dasha-park.html"
    assert site.html(VERSIONS["ja"]).xpath("string(//meta[@property='og:locale']/@content)") == "ja_JP"


def test_sitemap_lists_public_pages_with_alternates(site):
    from lxml import etree

    tree = etree.parse(str(site.out("/sitemap.xml")))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = tree.xpath("//s:loc/text()", namespaces=ns)
    assert len(locs) == len(set(locs))
    assert BASE_URL + "2024/07/dasha-park.html" in locs and BASE_URL + "404.html" not in locs
    url = tree.xpath("//s:url[s:loc='%s']" % (BASE_URL + "2024/07/dasha-park.html"), namespaces=ns)[0]
    assert {a.get("hreflang") for a in url.xpath("x:link", namespaces=ns)} == {"en", "zh-Hant", "ja", "x-default"}
    assert "Sitemap: " + BASE_URL + "sitemap.xml" in site.out("/robots.txt").read_text(encoding="utf-8")


def test_search_index_per_language(site):
    for code in ("en", "ja", "zh-hant", "zh-hans"):
        folder = site.output / "pagefind" / code
        bundles = json.loads((folder / "bundles.json").read_text(encoding="utf-8"))["bundles"]
        assert bundles and all((folder / name / "pagefind-entry.json").is_file() for name in bundles), code
    bundles = json.loads(site.html("/search/").xpath("string(//*[@id='search-results']/@data-bundles)"))
    assert sorted(bundles) == ["/pagefind/en/", "/pagefind/ja/", "/pagefind/zh-hans/", "/pagefind/zh-hant/"]


def test_search_missing_is_a_warning_and_the_rest_is_built(tmp_path, monkeypatch):
    import zqsite.search as search

    monkeypatch.setattr("pagefind.service.get_executable", lambda: None)
    built = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"])})
    report = build(built)
    assert any("Pagefind binary was not found" in str(w) for w in report.warnings)
    assert built.out("/2024/01/a.html").is_file() and not (built.output / "pagefind").exists()
    assert search.SEARCH_ROOT == "pagefind"


def test_one_off_contacts_of_two_posts_each_show_their_own_card(tmp_path):
    # Both are the first one-off contact of their post, named "inline-1": the cards must not mix.
    site = make_site(tmp_path, posts={
        "a.md": post("First", "2024-06-01", labels=["dasha"], contacts=[{"name": "Dasha park office"}], slug="first"),
        "b.md": post("Second", "2024-05-01", labels=["dasha"], contacts=[{"name": "Gaoyao desk"}], slug="second"),
    })
    build(site)
    for url, name in (("/2024/06/first.html", "Dasha park office"), ("/2024/05/second.html", "Gaoyao desk")):
        names = [" ".join(n.text_content().split()) for n in site.html(url).xpath("//*[contains(@class, 'contact-name')]")]
        assert names == [name], url
