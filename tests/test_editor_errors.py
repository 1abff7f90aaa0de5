"""Editors' mistakes: reported as path:line: message, all at once, and nothing published."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sitekit import FIXED_NOW, build, make_site, post
from zqsite.errors import BuildFailed

GOOD = post("Good post", "2024-07-15T21:41:00+08:00", labels=["dasha"], body="Fine.")


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fails_with(tmp_path: Path, files: dict[str, str | bytes], *, contacts: str | None = None, **options) -> list[str]:
    """Builds a good site, then adds `files` and builds again: returns the problems as text.

    Asserts that the second build failed and left the published output byte for byte as it was.
    """
    site = make_site(tmp_path, posts={"good.md": GOOD}, contacts=contacts)
    build(site)
    before = tree_digest(site.output)
    for name, data in files.items():
        path = site.content / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    with pytest.raises(BuildFailed) as failure:
        build(site, **options)
    assert tree_digest(site.output) == before, "a failed build changed the published site"
    assert not list(tmp_path.glob(".public.zqsite-*")), "a failed build left its staging folder"
    return [str(p) for p in failure.value.problems.sorted()]


def one_error(tmp_path: Path, text: str | bytes, **kwargs) -> str:
    problems = [p for p in fails_with(tmp_path, {"bad.md": text}, **kwargs) if ": error: " in p]
    assert len(problems) == 1, problems
    return problems[0]


# --- front matter shape ------------------------------------------------------------------

def test_no_front_matter(tmp_path):
    assert one_error(tmp_path, "Just text\n").startswith("posts/bad.md:1: error: no front matter")


def test_unclosed_front_matter(tmp_path):
    assert one_error(tmp_path, "---\ntitle: A\ndate: 2024-01-01\n").startswith("posts/bad.md:1: error: the front matter is not closed")


def test_yaml_syntax_error_names_its_line(tmp_path):
    message = one_error(tmp_path, "---\ntitle: A\ndate: 2024-01-01\nlabels: [a, b\n---\nText\n")
    assert message.startswith("posts/bad.md:") and "YAML syntax error" in message
    assert int(message.split(":")[1]) in (4, 5)


def test_front_matter_that_is_not_a_mapping(tmp_path):
    assert one_error(tmp_path, "---\n- title\n- date\n---\n").startswith("posts/bad.md:2: error: the front matter must be")


def test_duplicate_key(tmp_path):
    message = one_error(tmp_path, "---\ntitle: A\ndate: 2024-01-01\ntitle: B\n---\n")
    assert message.startswith("posts/bad.md:4: error: duplicate key 'title' (first on line 2)")


@pytest.mark.parametrize("key, suggestion", [("label", "labels"), ("tags", "labels"), ("lang", "language")])
def test_unknown_key_is_a_warning_with_did_you_mean(tmp_path, key, suggestion):
    site = make_site(tmp_path, posts={"a.md": f"---\ntitle: A\ndate: 2024-01-01\n{key}: x\n---\nText\n"})
    report = build(site)
    messages = [str(w) for w in report.warnings]
    assert f"posts/a.md:4: warning: unknown key '{key}' is ignored; did you mean '{suggestion}'?" in messages


# --- values ------------------------------------------------------------------------------

def test_missing_title(tmp_path):
    assert one_error(tmp_path, "---\ndate: 2024-01-01\n---\n").startswith("posts/bad.md:2: error: 'title' is missing")


def test_empty_title(tmp_path):
    assert one_error(tmp_path, "---\ntitle: \"  \"\ndate: 2024-01-01\n---\n").startswith("posts/bad.md:2: error: 'title' is empty")


def test_missing_date(tmp_path):
    assert "error: 'date' is missing" in one_error(tmp_path, "---\ntitle: A\n---\n")


def test_unparseable_date(tmp_path):
    assert one_error(tmp_path, "---\ntitle: A\ndate: next tuesday\n---\n").startswith("posts/bad.md:3: error: 'next tuesday' is not a valid date")


def test_impossible_date(tmp_path):
    assert one_error(tmp_path, "---\ntitle: A\ndate: 2024-02-30\n---\n").startswith("posts/bad.md:3: error: '2024-02-30' is not a valid date")


def test_date_without_time_or_offset_is_midnight_in_the_site_time_zone(tmp_path):
    site = make_site(tmp_path, posts={"a.md": "---\ntitle: A\ndate: 2024-07-15\nlabels: [x]\n---\nText\n"})
    build(site)
    stamp = site.html("/2024/07/a.html").xpath("//time[contains(@class,'dt-published')]/@datetime")[0]
    assert stamp == "2024-07-15T00:00:00+08:00"


def test_labels_no_is_an_error_not_false(tmp_path):
    message = one_error(tmp_path, "---\ntitle: A\ndate: 2024-01-01\nlabels: no\n---\n")
    assert message.startswith("posts/bad.md:4: error: 'labels: no' is unclear")


def test_yaml_number_and_time_traps_keep_the_text(tmp_path):
    site = make_site(tmp_path, posts={
        "a.md": "---\ntitle: 2024\ndate: 2024-01-01T10:00:00+08:00\nlabels: dasha\n---\nText\n",
        "b.md": "---\ntitle: 12:30\ndate: 2024-01-02T10:00:00+08:00\nlabels: [2024]\n---\nText\n",
    })
    build(site)
    assert site.html("/2024/01/2024.html").xpath("string(//h1)") == "2024"
    assert site.html("/2024/01/12-30.html").xpath("string(//h1)") == "12:30"
    assert site.out("/label/dasha/").is_file()  # `labels: dasha` is the one label "dasha"
    assert site.out("/label/2024/").is_file()


@pytest.mark.parametrize("front", [
    "title: &t A\ndate: 2024-01-01\nsummary: *t",
    "title: !!python/object:os.system A\ndate: 2024-01-01",
    "title: A\ndate: !!timestamp 2024-01-01",
])
def test_anchors_aliases_and_tags_are_rejected(tmp_path, front):
    message = one_error(tmp_path, f"---\n{front}\n---\n")
    assert "not allowed" in message and message.startswith("posts/bad.md:")


def test_alias_bomb_is_rejected_quickly(tmp_path):
    bomb = "---\ntitle: A\ndate: 2024-01-01\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)) + "---\n"
    assert len(bomb) < 1000
    assert "not allowed" in one_error(tmp_path, bomb)


def test_labels_that_are_not_strings(tmp_path):
    message = one_error(tmp_path, "---\ntitle: A\ndate: 2024-01-01\nlabels:\n  - {a: b}\n---\n")
    assert message.startswith("posts/bad.md:5: error: each label must be a non-empty text")


def test_unknown_language(tmp_path):
    assert one_error(tmp_path, "---\ntitle: A\ndate: 2024-01-01\nlanguage: klingon\n---\n").startswith(
        "posts/bad.md:4: error: unknown language 'klingon'")


def test_unknown_contact_id_names_post_and_line(tmp_path):
    message = one_error(tmp_path, "---\ntitle: A\ndate: 2024-01-01\ncontacts:\n  - sihui\n  - nowhere\n---\n",
                        contacts='sihui:\n  name: "Sihui bureau"\n')
    assert message.startswith("posts/bad.md:6: error: unknown contact id 'nowhere'")


def test_two_posts_with_the_same_url(tmp_path):
    problems = fails_with(tmp_path, {"x1.md": post("Same title", "2024-07-01"), "x2.md": post("Same title", "2024-07-20")})
    assert any("would get the same URL /2024/07/same-title.html" in p for p in problems)


def test_label_with_empty_slug(tmp_path):
    assert "label '!!!' gives an empty URL" in one_error(tmp_path, post("A", "2024-01-01", labels=["!!!"]))


def test_labels_whose_slugs_collide(tmp_path):
    problems = fails_with(tmp_path, {"a.md": post("A", "2024-01-01", labels=["Dasha"]),
                                     "b.md": post("B", "2024-01-02", labels=["dasha!"])})
    assert any("gets the same URL /label/dasha/" in p for p in problems)


@pytest.mark.parametrize("slug", ["../escape", "a/b", "a\\\\b", "/abs", "UPPER", "with space", "大沙"])
def test_explicit_slug_must_be_plain(tmp_path, slug):
    message = one_error(tmp_path, f'---\ntitle: A\ndate: 2024-01-01\nslug: "{slug}"\n---\n')
    assert message.startswith("posts/bad.md:4: error: slug")


@pytest.mark.parametrize("path", ["/../etc/passwd.html", "/etc/passwd", "relative.html", "/a/..\\\\b.html"])
def test_blogger_path_cannot_escape(tmp_path, path):
    message = one_error(tmp_path, f'---\ntitle: A\ndate: 2024-01-01\nblogger_path: "{path}"\n---\n')
    assert "blogger_path" in message


def test_file_name_with_backslash(tmp_path):
    problems = fails_with(tmp_path / "2", {"a\\b.md": post("Other", "2024-02-01")})
    assert any("file name must not contain" in p for p in problems)
    assert not any(p.name == "b.md" for p in (tmp_path / "2").rglob("*"))


def test_not_utf8_names_the_line(tmp_path):
    data = "---\ntitle: A\ndate: 2024-01-01\n---\nline five\n".encode() + "caf\xe9\n".encode("latin-1")
    assert one_error(tmp_path, data).startswith("posts/bad.md:6: error: not UTF-8 text")


def test_empty_file(tmp_path):
    assert one_error(tmp_path, b"").startswith("posts/bad.md: error: the file is empty")


def test_binary_file(tmp_path):
    assert "binary file" in one_error(tmp_path, b"\x89PNG\r\n\x1a\n\0\0\0")


def test_all_problems_of_a_run_are_reported_together(tmp_path):
    problems = fails_with(tmp_path, {"one.md": "---\ntitle: A\n---\n", "two.md": "no front matter\n",
                                     "three.md": "---\ntitle: C\ndate: 2024-01-01\nlanguage: xx\n---\n"})
    assert [p.split(":")[0] for p in problems if ": error: " in p] == ["posts/one.md", "posts/three.md", "posts/two.md"]


def test_bom_crlf_and_tabs_are_accepted(tmp_path):
    text = "\ufeff---\r\ntitle: Windows post\r\ndate: 2024-03-01\r\nlabels: [x]\r\n---\r\n\r\nA\tparagraph.\r\n"
    site = make_site(tmp_path, posts={"w.md": text.encode("utf-8").decode("utf-8")})
    report = build(site)
    assert site.out("/2024/03/windows-post.html").is_file() and not report.warnings


def test_strict_fails_on_warnings(tmp_path):
    problems = fails_with(tmp_path, {"nolabels.md": "---\ntitle: No labels\ndate: 2024-01-01\n---\nText\n"}, strict=True)
    assert any("posts/nolabels.md:2: warning: this post has no labels" in p for p in problems)


# --- contacts.yaml -----------------------------------------------------------------------

def test_contacts_keep_every_value_as_written(tmp_path):
    contacts = ("wa:\n  name: Consultant\n  whatsapp: +85267274664\n  tel: 0758123456\n  fax: 00 86 758 3611188\n"
                "  wechat: 0123\n")
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"], contacts=["wa"])}, contacts=contacts)
    build(site)
    card = site.out("/2024/01/a.html").read_text(encoding="utf-8")
    assert "https://wa.me/85267274664" in card and ">+85267274664<" in card
    assert 'href="tel:+86758123456"' in card  # 0758… is a Chinese number, not octal
    assert "+86 758 3611188" in card and ">0123<" in card
    vcard = site.out("/contacts/wa.vcf").read_text(encoding="utf-8")
    assert "TEL;TYPE=CELL:+85267274664" in vcard and "https://wa.me/85267274664" in vcard


def test_malformed_contact_entry_names_its_line(tmp_path):
    site = make_site(tmp_path, posts={"a.md": GOOD}, contacts="ok:\n  name: Fine\nbroken: just text\n")
    with pytest.raises(BuildFailed) as failure:
        build(site)
    assert any(str(p).startswith("contacts.yaml:3: error: contact 'broken' must be a mapping")
               for p in failure.value.problems.items)


# --- HTML and characters -----------------------------------------------------------------

def test_raw_html_is_sanitised(tmp_path):
    body = ('<script>alert(1)</script>\n\n<p onclick="steal()">Hi <a href="javascript:alert(2)">x</a></p>\n\n'
            '<iframe src="https://evil.example/"></iframe>\n\n<img src="x.png" onerror="bad()">')
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"], body=body)})
    build(site)
    page = site.out("/2024/01/a.html").read_text(encoding="utf-8")
    article = page[page.index("e-content"):page.index("post-footer")]
    for bad in ("<script", "onclick", "javascript:", "<iframe", "onerror"):
        assert bad not in article


def test_iframes_from_allowed_hosts_and_trusted_html(tmp_path):
    body = '<iframe src="https://player.example.org/v/1"></iframe>\n\n<iframe src="https://evil.example/"></iframe>'
    config = ('title: T\nbase_url: "https://zq.example.org/"\niframe_hosts: [player.example.org]\n')
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"], body=body)}, config=config)
    build(site)
    page = site.out("/2024/01/a.html").read_text(encoding="utf-8")
    assert 'src="https://player.example.org/v/1"' in page and "evil.example" not in page
    trusted = make_site(tmp_path / "t", posts={"a.md": post("A", "2024-01-01", labels=["x"], body="<marquee>raw</marquee>")},
                        config='title: T\nbase_url: "https://zq.example.org/"\ntrust_html: true\n')
    build(trusted)
    assert "<marquee>raw</marquee>" in trusted.out("/2024/01/a.html").read_text(encoding="utf-8")


def test_metadata_is_escaped_in_text_and_attributes(tmp_path):
    title = 'Tom "&" <script>x</script>'
    site = make_site(tmp_path, posts={"a.md": post(title, "2024-01-01", labels=['<b>"l"</b>'], summary='"quoted" <i>')})
    build(site)
    doc = site.html("/2024/01/tom-script-x-script.html")
    assert not doc.xpath("//script[not(@type) or @type!='application/ld+json'][contains(., 'x')]")
    assert doc.xpath("string(//meta[@property='og:title']/@content)") == title
    assert doc.xpath("string(//h1)") == title
    assert doc.xpath("string(//a[contains(@class,'p-category')])") == '<b>"l"</b>'


def test_xml_forbidden_characters_are_stripped_with_a_warning(tmp_path):
    import feedparser

    text = "---\ntitle: Pasted\x0b from Word\ndate: 2024-01-01\nlabels: [x]\n---\n\nBody\x1f text.\n"
    site = make_site(tmp_path, posts={"a.md": text})
    report = build(site)
    warnings = [str(w) for w in report.warnings]
    assert "posts/a.md:2: warning: removed the invisible control character U+000B" in warnings
    assert "posts/a.md:7: warning: removed the invisible control character U+001F" in warnings
    feed = feedparser.parse(site.out("/feed.xml").read_bytes())
    assert not feed.bozo and feed.entries[0].title == "Pasted from Word"


# --- warnings ----------------------------------------------------------------------------

def test_warnings_and_what_is_published(tmp_path):
    posts = {
        "nolabels.md": "---\ntitle: No labels\ndate: 2024-01-01\n---\nText\n",
        "draft.md": post("A draft", "2024-01-02", labels=["x"], draft=True),
        "future.md": post("Tomorrow", "2025-06-01", labels=["x"]),
        "repeat.md": post("Repeats", "2024-01-03", labels=["x"], body="The same paragraph here.\n\nOther.\n\nThe same paragraph here."),
        "image.md": post("Image", "2024-01-04", labels=["x"], body="![gone](images/missing.jpg)"),
        "link.md": post("Link", "2024-01-05", labels=["x"], body="See [this](/2019/01/nowhere.html) and [that](/2024/01/image.html)."),
    }
    site = make_site(tmp_path, posts=posts)
    report = build(site)
    warnings = [str(w) for w in report.warnings]
    assert any(w.startswith("posts/nolabels.md:2: warning: this post has no labels") for w in warnings)
    assert any(w.startswith("posts/draft.md:") and "draft: not published" in w for w in warnings)
    assert any(w.startswith("posts/future.md:3: warning: dated in the future") for w in warnings)
    assert any(w.startswith("posts/repeat.md:") and "repeats the one on line" in w for w in warnings)
    assert any(w.startswith("posts/image.md:") and "image 'images/missing.jpg' not found" in w for w in warnings)
    link_line = posts["link.md"].split("\n").index(posts["link.md"].strip().split("\n")[-1]) + 1
    assert [w for w in warnings if "points to no page" in w] == [
        f"posts/link.md:{link_line}: warning: link '/2019/01/nowhere.html' points to no page of the site"]
    assert not site.out("/2024/01/a-draft.html").exists() and not site.out("/2025/06/tomorrow.html").exists()
    build(site, include_drafts=True, include_future=True)
    assert site.out("/2024/01/a-draft.html").is_file() and site.out("/2025/06/tomorrow.html").is_file()


def test_future_post_is_published_by_the_first_build_after_its_date(tmp_path):
    from datetime import timedelta

    site = make_site(tmp_path, posts={"f.md": post("Soon", "2025-01-02T09:00:00+08:00", labels=["x"])})
    build(site)
    assert not site.out("/2025/01/soon.html").exists()
    build(site, now=FIXED_NOW + timedelta(days=1))
    assert site.out("/2025/01/soon.html").is_file()


# --- CJK labels and titles ---------------------------------------------------------------

def test_cjk_labels_and_titles_get_distinct_urls(tmp_path):
    labels = ["大沙", "大廈", "大厦", "四會", "肇慶", "肇慶市の大規模産業クラスター"]
    site = make_site(tmp_path, posts={
        "a.md": post("大沙鎮的新工廠", "2024-01-01", labels=labels),
        "b.md": post("肇慶市の大規模産業クラスター", "2024-01-02", labels=["肇慶"]),
    })
    build(site)
    for label in labels:
        assert site.out(f"/label/{label}/").is_file(), label
    assert site.out("/2024/01/大沙鎮的新工廠.html").is_file()
    assert site.out("/2024/01/肇慶市の大規模産業クラスター.html").is_file()
    home = site.out("/").read_text(encoding="utf-8")
    assert "/label/%E5%A4%A7%E6%B2%99/" in home  # percent-encoded in links


def test_labels_file_gives_cjk_labels_ascii_slugs(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["大沙"])},
                     labels="大沙:\n  slug: dasha\n  names:\n    en: Dasha\n    ja: 大沙\n")
    build(site)
    assert site.out("/label/dasha/").is_file()
    assert "Showing posts with label Dasha." in site.out("/label/dasha/").read_text(encoding="utf-8")
