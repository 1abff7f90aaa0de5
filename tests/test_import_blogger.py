"""`zqsite import-blogger`: both export forms, front matter, Markdown, contacts, re-imports, the build.

The two fixtures describe the same blog, once as the classic "Back up content" XML and once
as Takeout's feed.atom (same entry ids, dates in the blog's offset or in UTC), so both must
give the same files.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
import yaml

import sitekit
from zqsite.cli import main
from zqsite.errors import Problems
from zqsite.importer.html_to_markdown import html_to_blocks
from zqsite.importer.language import detect_language
from zqsite.markup import MarkdownConverter
from zqsite.phones import digits
from zqsite.pipeline import BuildOptions, build_site
from zqsite.registry import read_contacts

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "blogger"
EXPORTS = ("blog-backup.xml", "feed.atom")
POST_A = "posts/2024/2024-07-15-project-frequently-delayed-due-to.md"
POST_B = "posts/2024/2024-08-01-2024-jiangsu-merchants-investing-in.md"
POST_D = "posts/2024/2024-05-20-四會市招商引資成果豐碩.md"

# Every file of the import and its front matter, as text (YAML's BaseLoader: nothing typed).
EXPECTED = {
    POST_A: {
        "title": "Project frequently delayed due to rain? Zhaoqing service escorts with all efforts",
        "date": "2024-07-15T21:41:00+08:00", "slug": "project-frequently-delayed-due-to",
        "labels": ["Sihui City", "Dasha Town", "construction"], "language": "en",
        "source": "Invest in Zhaoqing", "contacts": ["sihui-bureau"],
        "blogger_path": "/2024/07/project-frequently-delayed-due-to.html",
    },
    "posts/2024/2024-07-15-project-frequently-delayed-due-to.zh-hant.md": {
        "title": "如四會市氣象局提供更細緻的天氣預報，幫助工程提前做好施工安排",
        "date": "2024-07-15T21:41:00+08:00", "labels": ["Sihui City", "Dasha Town", "construction"],
        "language": "zh-Hant", "source": "投資肇慶", "contacts": ["sihui-bureau"],
        "translation_of": "project-frequently-delayed-due-to",
    },
    POST_B: {  # 16:30 UTC on 31 July is 00:30 on 1 August in China; Blogger's path keeps July
        "title": "2024 Jiangsu Merchants Investing in Zhaoqing Matchmaking Meeting Held in Nanjing",
        "date": "2024-08-01T00:30:00+08:00", "slug": "2024-jiangsu-merchants-investing-in",
        "labels": ["Jiangsu", "Investment Promotion"], "language": "en",
        "contacts": ["dinghu-bureau", "sihui-center"],
        "blogger_path": "/2024/07/2024-jiangsu-merchants-investing-in.html",
    },
    "posts/2024/2024-06-18-肇庆大型产业集聚区建设加速.md": {
        "title": "肇庆大型产业集聚区建设加速", "date": "2024-06-18T17:00:00+08:00",
        "labels": ["Zhaoqing", "Dasha Town"], "language": "zh-Hans", "contacts": ["sihui-center"],
        "blogger_path": "/2024/06/blog-post_18.html",
    },
    POST_D: {
        "title": "四會市招商引資成果豐碩", "date": "2024-05-20T16:15:00+08:00", "labels": ["Sihui City"],
        "language": "zh-Hant", "blogger_path": "/2024/05/blog-post.html",
    },
    "posts/2024/2024-04-10-肇慶市の大規模産業クラスターが建設を加速.md": {
        "title": "肇慶市の大規模産業クラスターが建設を加速", "date": "2024-04-10T18:00:00+08:00",
        "labels": ["Zhaoqing"], "language": "ja", "blogger_path": "/2024/04/blog-post_10.html",
    },
    "posts/2024/2024-08-02-upcoming-land-auction-in-dasha.md": {
        "title": "Upcoming land auction in Dasha", "date": "2024-08-02T16:00:00+08:00",
        "slug": "upcoming-land-auction-in-dasha", "labels": ["Dasha Town"], "language": "en", "draft": "true",
    },
    "posts/2024/2024-03-06-zhaoqing-high-tech-zone-welcomes-new.md": {  # the entry without a title
        "title": "Zhaoqing High-tech Zone welcomes new investors this spring",
        "date": "2024-03-06T11:00:00+08:00", "slug": "zhaoqing-high-tech-zone-welcomes-new",
        "labels": ["Zhaoqing", "Investment Promotion"], "language": "en",
        "contacts": ["investment-consultant", "sihui-bureau"],
        "blogger_path": "/2024/03/zhaoqing-high-tech-zone-welcomes-new.html",
    },
    "pages/about.md": {"title": "About this blog", "slug": "about", "language": "en"},
    # A draft page is imported as a draft, published with --drafts as a post is.
    "pages/visiting-sihui-draft.md": {"title": "Visiting Sihui (draft)", "slug": "visiting-sihui-draft",
                                      "language": "en", "draft": "true"},
}
SKIPPED = {
    "blog-backup.xml": "skipped entries: 3 comment, 2 settings, 1 template",
    "feed.atom": "skipped entries: 3 comment, 1 post (soft_trashed)",
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_blogger(capsys, export: Path, content: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "import-blogger", str(export), "--content", str(content), *extra)


def split(path: Path) -> tuple[dict, str]:
    """A content file's front matter (all values as text) and body."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.load(head, Loader=yaml.BaseLoader), body


def content_files(content: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(content).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(content.rglob("*")) if p.is_file()}


def age_files(content: Path) -> None:
    """Old mtimes, so that any rewrite (even of equal bytes) shows."""
    for path in content.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))


@pytest.fixture(params=EXPORTS)
def export(request) -> Path:
    return FIXTURES / request.param


@pytest.fixture
def imported(tmp_path, capsys, export):
    content = tmp_path / "content"
    code, out, err = import_blogger(capsys, export, content)
    assert code == 0, err
    return content, out, err


def test_import_writes_the_expected_files_and_front_matter(imported):
    content, _out, _err = imported
    posts_and_pages = {p for p in content_files(content) if p.startswith(("posts/", "pages/"))}
    assert posts_and_pages == set(EXPECTED)
    for name, expected in EXPECTED.items():
        front, _body = split(content / name)
        assert front == expected, name


def test_summary_counts_posts_drafts_pages_skipped_entries_and_contacts(imported, export):
    _content, out, err = imported
    assert "posts: 6, drafts: 2, translations: 1, pages: 2" in out
    assert SKIPPED[export.name] in out
    assert "contacts: 4 new (sihui-bureau, dinghu-bureau, sihui-center, investment-consultant), 2 merged" in out
    assert "files: 10 written, 0 unchanged, 0 kept as edited" in out
    assert "no title: titled 'Zhaoqing High-tech Zone welcomes new investors this spring'" in err


def test_both_export_forms_give_the_same_files(tmp_path, capsys):
    classic, takeout = tmp_path / "classic", tmp_path / "takeout"
    assert import_blogger(capsys, FIXTURES / "blog-backup.xml", classic)[0] == 0
    assert import_blogger(capsys, FIXTURES / "feed.atom", takeout)[0] == 0
    assert {k: v[0] for k, v in content_files(classic).items()} == {k: v[0] for k, v in content_files(takeout).items()}
    age_files(classic)
    before = content_files(classic)
    assert import_blogger(capsys, FIXTURES / "feed.atom", classic)[0] == 0  # same ids: recognised
    assert content_files(classic) == before


def test_body_keeps_headings_lists_links_images_tables_and_emphasis(imported):
    content, _out, _err = imported
    _front, body = split(content / POST_A)
    assert '\n## "Zhaoqing Service" escorts the enterprises\n' in body
    assert "- land connected and levelled;\n- pumping equipment added;\n- a WeChat group for *each* project." in body
    assert ("[Zhaoqing regulations on the business environment]"
            "(https://www.zhaoqing.gov.cn/invest/regulations.html)") in body
    assert "(https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh1/s320/hopo-plant.jpg)" in body
    assert "| **Item** | **Value** |\n| --- | --- |\n| Total investment | 578.5 million yuan |" in body
    assert "**speeding up**" in body
    _front, body_b = split(content / POST_B)
    assert "1\\. Matchmaking for new energy  \n2\\. Matchmaking for electronics" in body_b  # a line break, no list
    assert "![](https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh2/s400/nanjing.jpg)" in body_b


def test_body_loses_blogger_noise_repeats_bylines_and_contact_blocks(imported):
    content, _out, _err = imported
    _front, body = split(content / POST_A)
    for noise in ("style", "<span", "<div", "&nbsp;", "\xa0", "tr-caption", "s1600", "\n\n\n", "<br"):
        assert noise not in body, noise
    assert body.count("Zhaoqing service, progress every day") == 1
    assert body.count('\n*The HoPo project is busy with "catch-up progress".*\n') == 1  # caption, once
    assert '\n\nThe HoPo project is busy with "catch-up progress".\n' not in body  # its repeat as text: gone
    for gone in ("Invest in Zhaoqing July 15", "Investment Promotion Bureau", "Address:", "0086-758",
                 "China's key cities", "投資肇慶", "四會市"):
        assert gone not in body, gone
    _front, body_g = split(content / "posts/2024/2024-03-06-zhaoqing-high-tech-zone-welcomes-new.md")
    assert body_g.strip() == "Zhaoqing High-tech Zone welcomes new investors this spring. Land is ready for industrial projects."


def test_markdown_that_looks_like_markup_stays_text():
    blocks = html_to_blocks("<div>1. Not a list</div><div># Not a heading</div><div>- not an item *star* a_b</div>")
    html = MarkdownConverter().convert("\n\n".join(b.markdown for b in blocks)).html
    assert html == "<p>1. Not a list</p>\n<p># Not a heading</p>\n<p>- not an item *star* a_b</p>"


def test_language_detection_by_script():
    assert detect_language("Zhaoqing 丨 news for investors") == "en"
    assert detect_language("如四會市氣象局提供更細緻的天氣預報") == "zh-Hant"
    assert detect_language("肇庆大型产业集聚区建设加速，四会市大沙镇") == "zh-Hans"
    assert detect_language("肇慶市の大規模産業クラスター") == "ja"


def test_contacts_are_one_entry_per_bureau_merged_by_phone_number(imported):
    content, _out, _err = imported
    contacts = read_contacts(content, Problems())
    assert set(contacts) == {"sihui-bureau", "dinghu-bureau", "sihui-center", "investment-consultant"}
    numbers = [(digits(c.tel), digits(c.fax), digits(c.whatsapp)) for c in contacts.values()]
    assert len(numbers) == len(set(numbers))
    assert contacts["sihui-center"].tel == "+86 758 3611228"  # as first found, "+" kept
    assert contacts["sihui-bureau"].tel == "0086-758-3611228"  # leading zeros kept
    assert contacts["investment-consultant"].kind == "person"
    assert contacts["sihui-bureau"].note == "Sihui City — China's key cities for attracting foreign investment"
    text = (content / "contacts.yaml").read_text(encoding="utf-8")
    assert '  tel: "+86 758 3611228"\n' in text and '  whatsapp: "+852 67274664"\n' in text


def test_an_existing_contacts_yaml_is_kept_and_its_ids_used(tmp_path, capsys, export):
    content = tmp_path / "content"
    content.mkdir()
    original = ('# the editor\'s own registry\nsihui-bureau:\n  name: "Sihui bureau (edited)"\n'
                '  tel: "0758-3611228"\n  fax: "0758-3611188"\nconsultant:\n  kind: person\n'
                '  name: "Our consultant"\n  whatsapp: "+852 6727 4664"').encode("utf-8")
    (content / "contacts.yaml").write_bytes(original)
    assert import_blogger(capsys, export, content)[0] == 0
    merged = (content / "contacts.yaml").read_bytes()
    assert merged.startswith(original + b"\n")
    assert split(content / POST_A)[0]["contacts"] == ["sihui-bureau"]
    front_g, _ = split(content / "posts/2024/2024-03-06-zhaoqing-high-tech-zone-welcomes-new.md")
    assert front_g["contacts"] == ["consultant", "sihui-bureau"]
    assert set(read_contacts(content, Problems())) == {"sihui-bureau", "consultant", "dinghu-bureau", "sihui-center"}


def test_a_post_an_editor_already_wrote_is_not_duplicated(tmp_path, capsys, export):
    content = tmp_path / "content"
    own = content / "posts/2024/2024-07-15-delayed-by-rain.md"
    own.parent.mkdir(parents=True)
    own.write_text('---\ntitle: "Delayed by rain"\ndate: 2024-07-15\nslug: delayed-by-rain\nlabels: [dasha]\n'
                   'blogger_path: "/2024/07/project-frequently-delayed-due-to.html"\n---\n\nMy own words.\n',
                   encoding="utf-8")
    written = own.read_bytes()
    code, out, err = import_blogger(capsys, export, content)
    assert code == 0 and own.read_bytes() == written and not (content / POST_A).exists()
    assert "1 kept as the editor wrote them" in out and "kept posts/2024/2024-07-15-delayed-by-rain.md" in err
    translation, _body = split(content / "posts/2024/2024-07-15-delayed-by-rain.zh-hant.md")
    assert translation["translation_of"] == "delayed-by-rain"  # the editor's slug


def test_importing_twice_changes_nothing(imported, capsys, export):
    content, _out, _err = imported
    age_files(content)
    before = content_files(content)
    code, out, _err = import_blogger(capsys, export, content)
    assert code == 0
    assert content_files(content) == before  # bytes and mtimes
    assert "files: 0 written, 10 unchanged, 0 kept as edited" in out
    assert "contacts: 0 new, 6 merged" in out


def test_a_post_edited_by_hand_is_kept_unless_force(imported, capsys, export):
    content, _out, _err = imported
    post = content / POST_A
    imported_bytes = post.read_bytes()
    post.write_bytes(imported_bytes + b"\nA paragraph the editor added.\n")
    code, out, err = import_blogger(capsys, export, content)
    assert code == 0
    assert post.read_bytes().endswith(b"A paragraph the editor added.\n")
    assert f"kept {POST_A}" in err and "1 kept as edited" in out
    code, out, err = import_blogger(capsys, export, content)  # still seen as edited the next time
    assert post.read_bytes().endswith(b"A paragraph the editor added.\n") and "1 kept as edited" in out
    code, out, _err = import_blogger(capsys, export, content, "--force")
    assert code == 0 and post.read_bytes() == imported_bytes
    assert "files: 1 written, 9 unchanged, 0 kept as edited" in out


def test_a_post_changed_on_blogger_is_updated_and_others_left_alone(imported, capsys, export, tmp_path):
    content, _out, _err = imported
    age_files(content)
    before = content_files(content)
    changed = tmp_path / export.name
    changed.write_bytes(export.read_bytes().replace("新簽約項目十二個".encode(), "新簽約項目十五個".encode()))
    code, out, _err = import_blogger(capsys, changed, content)
    assert code == 0 and "files: 1 written, 9 unchanged" in out
    after = content_files(content)
    assert "十五個" in after[POST_D][0].decode()
    assert {k for k in after if after[k] != before.get(k)} == {POST_D, ".zqsite-import.json"}


def test_a_truncated_export_is_an_error_and_writes_nothing(tmp_path, capsys, export):
    data = export.read_bytes()
    truncated = tmp_path / export.name
    truncated.write_bytes(data[: len(data) * 2 // 3])
    content = tmp_path / "content"
    code, out, err = import_blogger(capsys, truncated, content)
    assert code == 1 and out == ""
    assert "not well-formed XML" in err and "truncated" in err and "nothing was written" in err
    assert not content.exists()


def undeclared(export: Path) -> bytes:
    """The export with its `xmlns:app` and `xmlns:thr` declarations taken out, as hand-edited files have."""
    data = export.read_bytes()
    for declaration in (b" xmlns:app='http://purl.org/atom/app#'", b" xmlns:thr='http://purl.org/syndication/thread/1.0'"):
        data = data.replace(declaration, b"")
    assert b"<app:draft>" in data and b"xmlns:app" not in data
    return data


def test_an_export_with_undeclared_namespace_prefixes_is_read_with_a_warning(tmp_path, capsys):
    export = tmp_path / "blog-backup.xml"
    export.write_bytes(undeclared(FIXTURES / "blog-backup.xml"))
    content = tmp_path / "content"
    code, out, err = import_blogger(capsys, export, content)
    assert code == 0, err
    assert "uses the namespace prefixes app, thr without declaring them" in out + err
    posts_and_pages = {p for p in content_files(content) if p.startswith(("posts/", "pages/"))}
    assert posts_and_pages == set(EXPECTED)  # the drafts (app:draft) still known as drafts
    assert split(content / "posts/2024/2024-08-02-upcoming-land-auction-in-dasha.md")[0]["draft"] == "true"


def test_an_export_with_undeclared_prefixes_that_is_also_truncated_is_refused(tmp_path, capsys):
    data = undeclared(FIXTURES / "blog-backup.xml")
    export = tmp_path / "blog-backup.xml"
    export.write_bytes(data[: len(data) * 2 // 3])
    content = tmp_path / "content"
    code, out, err = import_blogger(capsys, export, content)
    assert code == 1 and "not well-formed XML" in err and "truncated" in err and "unbound prefix" not in err
    assert not content.exists()


def test_an_atom_feed_that_is_not_a_blogger_export_is_an_error(tmp_path, capsys):
    feed = tmp_path / "feed.xml"
    feed.write_text("<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id><title>t</title></entry></feed>", encoding="utf-8")
    code, _out, err = import_blogger(capsys, feed, tmp_path / "content")
    assert code == 1 and "not a Blogger export" in err
    assert not (tmp_path / "content").exists()


def test_a_takeout_zip_is_read_through_its_feed_atom(tmp_path, capsys):
    archive = tmp_path / "takeout-20240802.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(FIXTURES / "feed.atom", "Takeout/Blogger/Blogs/Invest in Zhaoqing/feed.atom")
    code, out, _err = import_blogger(capsys, archive, tmp_path / "content")
    assert code == 0 and "posts: 6, drafts: 2, translations: 1, pages: 2" in out
    assert (tmp_path / "content" / POST_A).is_file()


def test_dates_follow_the_configured_time_zone(tmp_path, capsys, export):
    config = tmp_path / "site.yaml"
    config.write_text(sitekit.DEFAULT_CONFIG.replace("Asia/Shanghai", "UTC"), encoding="utf-8")
    content = tmp_path / "content"
    assert import_blogger(capsys, export, content, "--config", str(config))[0] == 0
    front, _body = split(content / "posts/2024/2024-07-31-2024-jiangsu-merchants-investing-in.md")
    assert front["date"] == "2024-07-31T16:30:00+00:00"


def _takeout_with_image(tmp_path: Path, src: str) -> Path:
    export = tmp_path / "images.atom"
    export.write_text(
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>"
        "<entry><id>tag:blogger.com,1999:blog-1.post-1</id><blogger:type>POST</blogger:type>"
        "<blogger:status>LIVE</blogger:status><title>Plant photos</title>"
        f"<content type='html'>&lt;p&gt;The plant.&lt;/p&gt;&lt;img src=\"{src}\" /&gt;</content>"
        "<published>2024-07-01T02:00:00Z</published><category term='Dasha Town'/>"
        "<blogger:filename>/2024/07/plant-photos.html</blogger:filename></entry></feed>", encoding="utf-8")
    return export


def test_download_images_copies_a_file_url_into_content_images(tmp_path, capsys):
    picture = tmp_path / "source" / "Plant Photo.png"
    picture.parent.mkdir()
    picture.write_bytes(b"\x89PNG\r\n\x1a\n fake image")
    content = tmp_path / "content"
    code, out, err = import_blogger(capsys, _takeout_with_image(tmp_path, picture.as_uri()), content,
                                    "--download-images")
    assert code == 0, err
    images = list((content / "images").iterdir())
    assert len(images) == 1 and images[0].read_bytes() == picture.read_bytes()
    assert images[0].name.endswith("-plant-photo.png")
    _front, body = split(content / "posts/2024/2024-07-01-plant-photos.md")
    assert f"![](/images/{images[0].name})" in body
    assert "1 images downloaded" in out


def test_download_images_fetches_each_image_once_and_keeps_the_address_on_failure(tmp_path, capsys, monkeypatch):
    from zqsite.importer import images

    fetched = []

    def fake_fetch(url: str) -> bytes:
        fetched.append(url)
        if "missing" in url:
            raise OSError("HTTP Error 404")
        return b"\xff\xd8\xff fake jpeg"

    monkeypatch.setattr(images, "fetch_url", fake_fetch)
    content = tmp_path / "content"
    export = _takeout_with_image(tmp_path, "https://blogger.googleusercontent.com/img/b/x/s1600/")
    assert import_blogger(capsys, export, content, "--download-images")[0] == 0
    assert len(fetched) == 1 and [p.suffix for p in (content / "images").iterdir()] == [".jpg"]
    assert import_blogger(capsys, export, content, "--download-images")[0] == 0
    assert len(fetched) == 1  # already there: not fetched again
    missing = _takeout_with_image(tmp_path, "https://example.org/missing.jpg")
    code, _out, err = import_blogger(capsys, missing, tmp_path / "other", "--download-images")
    assert code == 0 and "not downloaded (HTTP Error 404)" in err
    _front, body = split(tmp_path / "other/posts/2024/2024-07-01-plant-photos.md")
    assert "![](https://example.org/missing.jpg)" in body


def test_the_import_builds_and_each_post_is_served_at_its_blogger_path(imported, tmp_path):
    content, _out, _err = imported
    config = tmp_path / "site.yaml"
    config.write_text(sitekit.DEFAULT_CONFIG, encoding="utf-8")
    output = tmp_path / "public"
    report = build_site(BuildOptions(content_dir=content, output_dir=output, config_path=config,
                                     now=sitekit.FIXED_NOW))
    assert report.posts == 7  # six posts and a translation; the draft is not published
    for name, front in EXPECTED.items():
        if "blogger_path" in front:
            page = output / front["blogger_path"].lstrip("/")
            assert page.is_file(), front["blogger_path"]
            assert front["title"] in page.read_text(encoding="utf-8")
    assert (output / "p/about.html").is_file()
    assert (output / "2024/07/project-frequently-delayed-due-to-zh-hant.html").is_file()
    assert [w for w in report.warnings if "draft" not in w.message] == []


@pytest.mark.parametrize("shown, largest", [
    ("https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh/s320/plant.jpg",
     "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh/s1600/plant.jpg"),
    ("https://1.bp.blogspot.com/-abc/XYZ/AAAA/def/w640-h480-rw/plant.jpg",
     "https://1.bp.blogspot.com/-abc/XYZ/AAAA/def/s1600/plant.jpg"),
    ("https://blogger.googleusercontent.com/img/b/x/s72-c/", "https://blogger.googleusercontent.com/img/b/x/s1600/"),
    ("https://blogger.googleusercontent.com/img/a/AVvXsEiQ=w640-h426", "https://blogger.googleusercontent.com/img/a/AVvXsEiQ=s0"),
    ("https://lh3.googleusercontent.com/abc=s320-rw", "https://lh3.googleusercontent.com/abc=s0"),
    ("https://example.org/s320/plant.jpg", "https://example.org/s320/plant.jpg"),  # not Blogger's
])
def test_blogger_images_are_fetched_in_their_largest_size(tmp_path, shown, largest):
    from zqsite.importer.images import ImageDownloads, largest_blogger_size

    assert largest_blogger_size(shown) == largest
    fetched = []
    downloads = ImageDownloads(tmp_path, fetch=lambda url: fetched.append(url) or b"\xff\xd8\xff")
    site_path = downloads.localise(shown)
    assert fetched == [largest] and downloads.localise(shown) == site_path and len(fetched) == 1
