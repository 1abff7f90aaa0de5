"""Unit tests of zqsite's plain functions, on in-memory data."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from zqsite import phones, urls
from zqsite.config import SiteConfig
from zqsite.errors import OutputError
from zqsite.index import build_index, paginate, sort_newest_first
from zqsite.models import Label, Post
from zqsite.frontvalues import parse_date
from zqsite.writer import MARKER, SiteWriter
from zqsite.yamlsource import Mapping, Scalar, Sequence, YamlProblem, parse_yaml

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONFIG = SiteConfig(timezone="Asia/Shanghai")


# --- urls.slug_from_text ---------------------------------------------------------------------

@pytest.mark.parametrize("title, slug", [
    ("Dasha Town", "dasha-town"),
    ("Hello, World! 2024", "hello-world-2024"),
    ("  Sihui   City  ", "sihui-city"),
    ("Café in Zhaoqing", "cafe-in-zhaoqing"),
    ("Project frequently delayed due to rain?", "project-frequently-delayed-due-to-rain"),
    ("2024", "2024"),
])
def test_slug_from_latin_text(title, slug):
    assert urls.slug_from_text(title) == slug


def test_slug_from_mixed_latin_and_cjk_text_keeps_only_the_latin_words():
    assert urls.slug_from_text("Good investment news丨Signing 肇慶") == "good-investment-news-signing"


def test_cjk_slugs_keep_their_script_and_stay_distinct():
    slugs = [urls.slug_from_text(t) for t in ("大沙", "大廈", "大厦")]
    assert slugs == ["大沙", "大廈", "大厦"]
    assert len(set(slugs)) == 3  # not all "da-sha"


def test_japanese_slug_is_kept_as_written():
    assert urls.slug_from_text("肇慶市の大規模産業クラスター") == "肇慶市の大規模産業クラスター"


@pytest.mark.parametrize("title", ["!!!", "🎉🎉", "?!… —", "「」、。", "   ", ""])
def test_slug_from_punctuation_or_emoji_is_empty(title):
    assert urls.slug_from_text(title) == ""


def test_long_titles_give_slugs_of_at_most_60_characters_cut_at_a_word():
    slug = urls.slug_from_text("word " * 40)
    assert 0 < len(slug) <= urls.SLUG_MAX_LENGTH
    assert not slug.endswith("-")
    assert set(slug.split("-")) == {"word"}


# --- urls: site URLs and output paths ---------------------------------------------------------

def test_post_url_is_bloggers_permalink_form():
    assert urls.post_url(datetime(2024, 7, 5, 21, 41, tzinfo=SHANGHAI), "x") == "/2024/07/x.html"
    assert urls.post_url(datetime(2023, 12, 31, tzinfo=SHANGHAI), "last-post") == "/2023/12/last-post.html"


def test_label_url_and_its_pages():
    assert urls.label_url("dasha") == "/label/dasha/"
    assert urls.label_url("dasha", 0) == "/label/dasha/"
    assert urls.label_url("dasha", 1) == "/label/dasha/page/1.html"
    assert urls.label_url("dasha", 2) == "/label/dasha/page/2.html"
    assert urls.label_feed_url("dasha") == "/label/dasha/feed.xml"


@pytest.mark.parametrize("first, page, expected", [
    ("/", 0, "/"),
    ("/", 1, "/page/1.html"),
    ("/", 2, "/page/2.html"),
    ("/", 10, "/page/10.html"),
    ("/2024/", 3, "/2024/page/3.html"),
    ("/ja/", 2, "/ja/page/2.html"),
])
def test_paginated(first, page, expected):
    assert urls.paginated(first, page) == expected


@pytest.mark.parametrize("url, path", [
    ("/", "index.html"),
    ("/page/2/", "page/2/index.html"),
    ("/label/dasha/", "label/dasha/index.html"),
    ("/2024/07/x.html", "2024/07/x.html"),
    ("/feed.xml", "feed.xml"),
    ("/p/about.html", "p/about.html"),
])
def test_output_path(url, path):
    assert urls.output_path(url) == path


def test_href_percent_encodes_non_ascii_and_keeps_the_base_path():
    assert urls.href("/", "/label/大沙/") == "/label/%E5%A4%A7%E6%B2%99/"
    assert urls.href("/blog/", "/2024/07/x.html") == "/blog/2024/07/x.html"
    assert urls.absolute("https://example.org/blog/", "/feed.xml") == "https://example.org/blog/feed.xml"


# --- index.paginate ---------------------------------------------------------------------------

def test_paginate_no_items_gives_no_pages():
    assert paginate([], 5) == []


def test_paginate_one_item():
    assert paginate(["a"], 5) == [(0, ("a",))]


def test_paginate_up_to_two_pages_less_one_is_one_front_page():
    assert paginate(list("abc"), 3) == [(0, ("a", "b", "c"))]
    assert paginate(list("abcde"), 3) == [(0, tuple("abcde"))]


def test_paginate_numbers_full_pages_from_the_oldest():
    assert paginate(list("abcdef"), 3) == [(0, ("a", "b", "c")), (1, ("d", "e", "f"))]
    assert paginate(list("abcdefg"), 3) == [(0, ("a", "b", "c", "d")), (1, ("e", "f", "g"))]


def test_paginate_keeps_order_and_every_item_once():
    items = list(range(23))
    pages = paginate(items, 5)
    assert [(n, len(p)) for n, p in pages] == [(0, 8), (3, 5), (2, 5), (1, 5)]
    assert [i for _, p in pages for i in p] == items


def test_paginate_a_new_item_leaves_the_numbered_pages_as_they_were():
    for count in range(1, 40):
        before = dict(paginate(list(range(count, 0, -1)), 4))  # newest first: the highest number
        after = dict(paginate(list(range(count + 1, 0, -1)), 4))
        for number, items in before.items():
            if number:
                assert after[number] == items, (count, number)


# --- index.build_index ------------------------------------------------------------------------

def make_post(slug: str, date: datetime, labels: tuple[str, ...] = (), language: str = "en",
              translation_of: str | None = None) -> Post:
    return Post(source_path=f"posts/{slug}.md", title=slug.replace("-", " ").title(), date=date,
                language=language, slug=slug, url=urls.post_url(date, slug), body="<p>x</p>",
                summary="x", labels=labels, translation_of=translation_of)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def slugs(posts) -> list[str]:
    return [p.slug for p in posts]


def test_index_lists_posts_newest_first_whatever_the_input_order():
    posts = [make_post("b", at(2024, 5, 1)), make_post("c", at(2024, 7, 15, 9)), make_post("a", at(2023, 1, 2))]
    index = build_index(posts, (), "en")
    assert slugs(index.all_posts) == ["c", "b", "a"]
    assert slugs(index.listing) == ["c", "b", "a"]
    assert slugs(build_index(list(reversed(posts)), (), "en").all_posts) == ["c", "b", "a"]


def test_posts_of_one_day_are_ordered_by_time_newest_first():
    posts = [make_post("morning", at(2024, 7, 15, 8)), make_post("evening", at(2024, 7, 15, 21, 41)),
             make_post("noon", at(2024, 7, 15, 12))]
    assert slugs(build_index(posts, (), "en").all_posts) == ["evening", "noon", "morning"]


def test_posts_with_the_same_date_are_ordered_by_url_in_any_input_order():
    same = at(2024, 7, 15)
    posts = [make_post("zeta", same), make_post("alpha", same), make_post("mid", same)]
    expected = ["alpha", "mid", "zeta"]
    assert slugs(build_index(posts, (), "en").all_posts) == expected
    assert slugs(build_index(list(reversed(posts)), (), "en").all_posts) == expected
    assert slugs(sort_newest_first(posts[1:] + posts[:1])) == expected


def test_same_instant_in_different_offsets_is_a_tie():
    one = make_post("b-post", at(2024, 7, 15, 20))
    other = make_post("a-post", datetime(2024, 7, 15, 12, tzinfo=timezone.utc))  # the same instant
    assert slugs(sort_newest_first([one, other])) == ["a-post", "b-post"]


def test_the_structure_changes_with_a_date_moved_by_one_second_and_not_with_a_title():
    from zqsite.index import structure_of

    posts = [make_post("a-post", at(2024, 7, 15, 20)), make_post("b-post", at(2024, 7, 16, 8))]
    moved = [posts[0], replace(posts[1], date=posts[1].date + timedelta(seconds=1))]
    retitled = [posts[0], replace(posts[1], title="Another title")]
    assert structure_of(moved) != structure_of(posts) == structure_of(retitled)


def test_the_structure_tells_labels_apart_whatever_they_hold():
    from zqsite.index import structure_of

    post = make_post("a-post", at(2024, 7, 15, 20))
    tabbed, two = replace(post, labels=("a\tb",)), replace(post, labels=("a", "b"))
    assert structure_of([tabbed]) != structure_of([two])
    assert structure_of([replace(post, translation_of="b")]) != structure_of([post])
    assert structure_of([two], [two.date.timestamp()]) == structure_of([two])


@pytest.mark.parametrize("year", [1970, 2024, 2099])
def test_posts_one_microsecond_apart_are_ordered_by_time_not_by_url(year):
    earlier = make_post("a-post", at(year, 7, 15, 20))
    later = make_post("b-post", earlier.date + timedelta(microseconds=1))
    assert slugs(sort_newest_first([earlier, later])) == ["b-post", "a-post"]


def test_archives_by_year_and_month_with_counts():
    posts = [
        make_post("jul-a", at(2024, 7, 15, 21)), make_post("jul-b", at(2024, 7, 1)),
        make_post("may", at(2024, 5, 29)), make_post("dec", at(2023, 12, 31, 23, 59)),
        make_post("oct", at(2023, 10, 28)), make_post("old", at(2021, 1, 1)),
    ]
    index = build_index(posts, (), "en")
    assert [(y.year, len(y.posts)) for y in index.years] == [(2024, 3), (2023, 2), (2021, 1)]
    assert [[(m.month, len(m.posts)) for m in y.months] for y in index.years] == [
        [(7, 2), (5, 1)], [(12, 1), (10, 1)], [(1, 1)]]
    assert slugs(index.years[0].months[0].posts) == ["jul-a", "jul-b"]
    assert slugs(index.years[0].posts) == ["jul-a", "jul-b", "may"]


def test_labels_group_posts_newest_first_and_unused_labels_are_dropped():
    labels = (Label("dasha", "dasha"), Label("sihui", "sihui"), Label("unused", "unused"))
    posts = [make_post("one", at(2024, 1, 1), ("dasha",)), make_post("two", at(2024, 2, 1), ("dasha", "sihui")),
             make_post("three", at(2024, 3, 1), ("sihui",))]
    index = build_index(posts, labels, "en")
    assert slugs(index.by_label["dasha"]) == ["two", "one"]
    assert slugs(index.by_label["sihui"]) == ["three", "two"]
    assert [label.key for label in index.labels] == ["dasha", "sihui"]


def test_translations_are_listed_once_in_the_default_language():
    original = make_post("big-platform", at(2023, 10, 28), ("dasha",))
    japanese = make_post("big-platform-ja", at(2023, 10, 28), ("dasha",), "ja", "big-platform")
    later = make_post("later", at(2024, 1, 1), ("dasha",))
    index = build_index([japanese, original, later], (Label("dasha", "dasha"),), "en")
    assert slugs(index.listing) == ["later", "big-platform"]
    assert slugs(index.by_label["dasha"]) == ["later", "big-platform"]
    assert slugs(index.by_language["ja"]) == ["big-platform-ja"]
    assert slugs(index.versions[original.url]) == ["big-platform", "big-platform-ja"]
    assert [len(y.posts) for y in index.years] == [1, 1]


def test_neighbours_are_the_next_newer_and_older_post_of_the_same_language():
    posts = [make_post("a", at(2024, 1, 1)), make_post("b", at(2024, 2, 1)), make_post("c", at(2024, 3, 1)),
             make_post("b-ja", at(2024, 2, 1), (), "ja", "b")]
    index = build_index(posts, (), "en")
    newer, older = index.neighbours["/2024/02/b.html"]
    assert (newer.slug, older.slug) == ("c", "a")
    assert index.neighbours["/2024/03/c.html"][0] is None
    assert index.neighbours["/2024/01/a.html"][1] is None
    assert index.neighbours["/2024/02/b-ja.html"] == (None, None)


# --- reader.parse_date ------------------------------------------------------------------------

def test_date_with_offset_keeps_the_instant_and_is_shown_in_the_site_time_zone():
    parsed = parse_date("2024-07-15T13:41:00Z", CONFIG)
    assert parsed == datetime(2024, 7, 15, 13, 41, tzinfo=timezone.utc)
    assert parsed.isoformat() == "2024-07-15T21:41:00+08:00"


def test_date_with_an_offset_converted_across_midnight():
    parsed = parse_date("2024-07-31T20:00:00-05:00", CONFIG)
    assert parsed.isoformat() == "2024-08-01T09:00:00+08:00"
    assert urls.post_url(parsed, "x") == "/2024/08/x.html"


def test_date_with_the_site_offset_is_unchanged():
    assert parse_date("2024-07-15T21:41:00+08:00", CONFIG).isoformat() == "2024-07-15T21:41:00+08:00"


def test_yaml_style_date_with_a_space_before_the_offset():
    assert parse_date("2024-07-15 21:41:00 +08:00", CONFIG).isoformat() == "2024-07-15T21:41:00+08:00"


def test_date_only_is_midnight_in_the_site_time_zone():
    parsed = parse_date("2024-07-15", CONFIG)
    assert parsed.isoformat() == "2024-07-15T00:00:00+08:00"
    assert parsed.utcoffset() == timedelta(hours=8)


def test_naive_date_time_is_in_the_site_time_zone():
    assert parse_date("2024-07-15T21:41:00", CONFIG).isoformat() == "2024-07-15T21:41:00+08:00"
    assert parse_date("2024-07-15 21:41", CONFIG).isoformat() == "2024-07-15T21:41:00+08:00"


def test_site_time_zone_with_summer_time():
    berlin = SiteConfig(timezone="Europe/Berlin")
    assert parse_date("2024-07-15", berlin).isoformat() == "2024-07-15T00:00:00+02:00"
    assert parse_date("2024-01-15", berlin).isoformat() == "2024-01-15T00:00:00+01:00"
    assert parse_date("2024-07-15T12:00:00+08:00", berlin).isoformat() == "2024-07-15T06:00:00+02:00"


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-01", "2024-02-30", "15.07.2024", "2024-07-15T25:00",
                                  "July 15, 2024"])
def test_invalid_dates_give_none(text):
    assert parse_date(text, CONFIG) is None


# --- phones -----------------------------------------------------------------------------------

def test_chinese_number_with_00_prefix():
    assert phones.international("0086-758-3611228") == "+86 758 3611228"
    assert phones.tel_uri("0086-758-3611228") == "tel:+867583611228"


def test_national_number_gets_the_chinese_country_code():
    assert phones.international("0758-3611228") == "+86 758 3611228"
    assert phones.tel_uri("0758-3611228") == "tel:+867583611228"


def test_international_number_is_kept_and_gives_a_whatsapp_link():
    assert phones.international("+852 67274664") == "+852 67274664"
    assert phones.whatsapp_uri("+852 67274664") == "https://wa.me/85267274664"
    assert phones.tel_uri("+852 67274664") == "tel:+85267274664"


def test_text_that_is_not_a_number_is_kept_and_gets_no_link():
    assert phones.international("ask at the front desk") == "ask at the front desk"
    assert phones.tel_uri("ask at the front desk") == ""
    assert phones.whatsapp_uri("") == ""


# --- yamlsource.parse_yaml --------------------------------------------------------------------

def test_yaml_scalars_keep_the_text_as_written():
    root = parse_yaml("title: 2024\ntel: 0758123\nwhatsapp: +85267274664\nanswer: no\ntime: 12:30\n")
    assert isinstance(root, Mapping)
    assert root.get("title").text == "2024"
    assert root.get("tel").text == "0758123"
    assert root.get("whatsapp").text == "+85267274664"
    assert root.get("answer").text == "no"
    assert root.get("time").text == "12:30"
    assert all(isinstance(root.get(k), Scalar) for k in ("title", "tel", "whatsapp", "answer", "time"))


def test_yaml_values_know_their_lines_and_quoting():
    root = parse_yaml('a: 1\nlabels: [dasha, "sihui"]\n', first_line=2)
    assert root.entries["a"][0] == 2
    labels = root.get("labels")
    assert isinstance(labels, Sequence) and labels.line == 3
    assert [(i.text, i.quoted) for i in labels.items] == [("dasha", False), ("sihui", True)]


def test_yaml_empty_document_is_none():
    assert parse_yaml("") is None


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: !!int 3\n", "a: [1, 2\n"])
def test_yaml_rejects_duplicates_anchors_tags_and_bad_syntax(text):
    with pytest.raises(YamlProblem):
        parse_yaml(text)


# --- writer -----------------------------------------------------------------------------------

@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/abs", "/etc/passwd", "a\\b", "..\\x", "a\0b", "", ".",
                                 "a//b", MARKER])
def test_writer_refuses_paths_outside_the_output(tmp_path, rel):
    output = tmp_path / "out" / "public"
    with SiteWriter(output) as writer:
        with pytest.raises(OutputError):
            writer.write(rel, b"data")
    assert not output.exists()  # nothing committed
    # Nothing was staged either: the writer makes its staging folder only for a real change.
    assert not (tmp_path / "out").exists() or sorted(p.name for p in (tmp_path / "out").iterdir()) == []
    assert not (tmp_path / "x").exists()


def test_writer_publishes_only_on_commit_and_counts_unchanged_files(tmp_path):
    output = tmp_path / "public"
    with SiteWriter(output) as writer:
        writer.write("index.html", b"home")
        writer.write("a/b/c.html", b"deep")
        assert not output.exists()
        stats = writer.commit()
    assert (stats.written, stats.unchanged, stats.deleted) == (2, 0, 0)
    assert (output / "a/b/c.html").read_bytes() == b"deep"
    with SiteWriter(output) as writer:
        writer.write("index.html", b"home")
        stats = writer.commit()
    assert (stats.written, stats.unchanged, stats.deleted) == (0, 1, 1)
    assert not (output / "a/b/c.html").exists()


def test_writer_refuses_a_folder_it_did_not_write(tmp_path):
    output = tmp_path / "mine"
    output.mkdir()
    (output / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputError):
        SiteWriter(output)
    assert (output / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_writer_refuses_to_write_one_file_twice(tmp_path):
    with SiteWriter(tmp_path / "public") as writer:
        writer.write("index.html", b"one")
        with pytest.raises(OutputError):
            writer.write("index.html", b"two")


# --- cache records ---------------------------------------------------------------------------

def test_a_post_read_back_from_its_cache_record_is_the_same_post():
    from zqsite.cache import post_from_record, post_to_record
    from zqsite.models import Contact

    post = replace(make_post("dasha-news", at(2024, 7, 15, 21, 41), labels=("dasha",)),
                   contacts=(Contact(id="sihui", name="Sihui bureau", tel="0758-1"),), lines=(("title", 2),),
                   links=(("/x.html", 9),), digest="abc")
    loaded = post_from_record(post_to_record(post), lambda: "<p>x</p>", lambda: "x")
    assert loaded == post
    assert (loaded.body_html, loaded.summary_html) == ("<p>x</p>", "x")
    assert (loaded.lines, loaded.digest, loaded.date.tzinfo is not None) == (post.lines, "abc", True)
