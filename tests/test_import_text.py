"""`zqsite import-text`: the seed's Blogger label page -> the project's seven posts and two translations."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import sitekit
from test_import_blogger import age_files, content_files, run, split
from zqsite.errors import Problems
from zqsite.importer.textdump import parse_text_dump
from zqsite.phones import digits
from zqsite.pipeline import BuildOptions, build_site
from zqsite.registry import read_contacts

# The blog's own Blogger label page as copied from the browser, kept byte for byte as a fixture.
SEED = Path(__file__).resolve().parent / "data" / "000_59e018fa860f1d58.txt"
PROJECT_CONTENT = sitekit.PROJECT_ROOT / "content"

JULY_15 = "posts/2024/2024-07-15-project-frequently-delayed-due-to-rain-zhaoqing-service.md"
OCTOBER_28 = "posts/2023/2023-10-28-nanfang-daily-build-a-big-platform-zhaoqing-s-large-scale.md"
# The seven English posts: date, contacts (the project's ids) and source, as the page gives them.
ENGLISH = {
    JULY_15: ("2024-07-15T21:41:00+08:00", ["sihui-bureau"], "Invest in Zhaoqing"),
    "posts/2024/2024-07-12-2024-jiangsu-merchants-investing-in-guangdong-zhaoqing.md":
        ("2024-07-12T21:20:00+08:00", ["dinghu-bureau", "gaoyao-bureau", "sihui-bureau"], "Investing in Zhaoqing"),
    "posts/2024/2024-07-10-land-acquisition-and-construction-started-pile-foundation.md":
        ("2024-07-10T22:39:00+08:00", ["sihui-bureau"],
         "Zhaoqing Large Industrial Cluster Zone Guangdong-Guangxi Experimental Zone"),
    "posts/2024/2024-05-29-large-scale-industrial-cluster-in-guangdong-province.md":
        ("2024-05-29", ["sihui-bureau"], None),
    "posts/2024/2024-03-20-good-investment-news-signing-starting-of-construction.md":
        ("2024-03-20T22:28:00+08:00", ["investment-consultant", "sihui-bureau", "hitech-zone-bureau"],
         "Invest in Zhaoqing"),
    "posts/2024/2024-01-05-the-industrial-transformation-and-solution-of-a-county-level.md":
        ("2024-01-05", ["sihui-center"], "China Economic Weekly"),  # its byline is of 2022-09-29: day only
    OCTOBER_28: ("2023-10-28", ["hitech-zone-bureau", "sihui-center", "zhaoqing-bureau"], "Nanfang Daily"),
}
TRANSLATIONS = {
    JULY_15.replace(".md", ".zh-hant.md"): ("zh-Hant", JULY_15),
    OCTOBER_28.replace(".md", ".ja.md"): ("ja", OCTOBER_28),
}


def seed() -> Path:
    if not SEED.is_file():
        pytest.fail(f"the seed text {SEED} is missing: it is part of the repository (tests/data/); "
                    "the import-text tests cannot run without it")
    return SEED


def import_text(capsys, content: Path, *extra: str, source: Path | None = None) -> tuple[int, str, str]:
    return run(capsys, "import-text", str(source or seed()), "--content", str(content), *extra)


@pytest.fixture
def project_registries(tmp_path) -> Path:
    """A content folder holding the project's contacts.yaml and labels.yaml, and no posts."""
    content = tmp_path / "content"
    content.mkdir()
    for name in ("contacts.yaml", "labels.yaml"):
        shutil.copy(PROJECT_CONTENT / name, content / name)
    return content


@pytest.fixture
def imported(project_registries, capsys):
    code, out, err = import_text(capsys, project_registries)
    assert code == 0, err
    return project_registries, out, err


def test_the_seven_english_posts_with_their_dates_contacts_and_sources(imported):
    content, out, _err = imported
    posts = {p.relative_to(content).as_posix() for p in (content / "posts").rglob("*.md")}
    assert posts == set(ENGLISH) | set(TRANSLATIONS)
    for name, (when, contacts, source) in ENGLISH.items():
        front, body = split(content / name)
        assert front["date"] == when, name
        assert front["contacts"] == contacts, name
        assert front.get("source") == source, name
        assert front["language"] == "en" and front["labels"] == ["dasha"], name
        assert front["slug"] == Path(name).stem[11:], name
        assert "blogger_path" not in front and "translation_of" not in front, name
        assert "Tel:" not in body and "Investment Promotion Bureau of" not in body, name
    assert "posts: 7, drafts: 0, translations: 2, pages: 0" in out
    assert "contacts: 0 new, 13 merged" in out  # every block is one of the project's contacts


def test_the_titles_are_the_pages_titles_shown_once(imported):
    content, _out, _err = imported
    front, body = split(content / JULY_15)
    assert front["title"] == ('Project frequently delayed due to rain? Zhaoqing service makes up for the '
                              '"horsepower" and escorts with all efforts')
    assert front["title"] not in body
    assert body.count('is busy with "catch-up progress".') == 1  # a caption shown twice: kept once,
    assert '\n*The HoPo Window Control Intelligent System' in body  # in italics
    assert body.rstrip().endswith("Guangdong (Zhaoqing) Large Industrial Cluster (Dasha Town, Sihui City)")
    front, body = split(content / "posts/2024/2024-05-29-large-scale-industrial-cluster-in-guangdong-province.md")
    assert body.strip() == "Dasha Town, Sihui City, Zhaoqing City, Guangdong Province, China"


def test_the_translated_blocks_become_translations_in_their_own_language(imported):
    content, _out, err = imported
    for name, (language, original) in TRANSLATIONS.items():
        front, body = split(content / name)
        original_front, original_body = split(content / original)
        assert front["language"] == language
        assert front["translation_of"] == original_front["slug"]
        assert front["date"] == original_front["date"]
        assert front["contacts"] == original_front["contacts"]
        assert "slug" not in front
        assert not any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in original_body[:2000])
    ja, ja_body = split(content / OCTOBER_28.replace(".md", ".ja.md"))
    assert ja["title"] == "南方日報|大きなプラットフォームを築こう! 肇慶市の大規模産業クラスターが建設を加速"
    assert ja["source"] == "南方日報" and "発行地" not in ja_body
    zh, zh_body = split(content / JULY_15.replace(".md", ".zh-hant.md"))
    assert zh["source"] == "投資肇慶" and zh["title"].startswith("如四會市氣象局")
    assert zh_body.strip().startswith("如四會市氣象局提供更細緻的天氣預報")
    assert "no title: titled '如四會市氣象局" in err


def test_the_cut_off_last_post_is_skipped_with_a_warning(imported):
    content, _out, err = imported
    assert "the last post ('China's Zhaoqing may welcome flying cars" in err and "skipped" in err
    assert not [p for p in (content / "posts").rglob("*flying*")]


def test_the_imported_seed_builds(imported, tmp_path):
    content, _out, _err = imported
    output = tmp_path / "public"
    report = build_site(BuildOptions(content_dir=content, output_dir=output,
                                     config_path=sitekit.PROJECT_ROOT / "site.yaml", now=sitekit.FIXED_NOW))
    assert report.posts == 9
    assert report.warnings == ()
    assert (output / "2024/07/project-frequently-delayed-due-to-rain-zhaoqing-service.html").is_file()
    assert (output / "2024/07/project-frequently-delayed-due-to-rain-zhaoqing-service-zh-hant.html").is_file()


def test_without_a_contacts_yaml_each_bureau_becomes_one_contact(tmp_path, capsys):
    content = tmp_path / "content"
    code, out, _err = import_text(capsys, content)
    assert code == 0
    contacts = read_contacts(content, Problems())
    assert set(contacts) == {"sihui-bureau", "dinghu-bureau", "gaoyao-bureau", "investment-consultant",
                             "zhaoqing-high-tech-zone-bureau", "sihui-center", "zhaoqing-bureau"}
    # The seed writes the center's number "+86 758 3611228" once and "0086-758-3611228" once.
    center = [c for c in contacts.values() if digits(c.fax) == "867583611228"]
    assert [c.id for c in center] == ["sihui-center"]
    assert split(content / OCTOBER_28)[0]["contacts"] == ["zhaoqing-high-tech-zone-bureau", "sihui-center",
                                                          "zhaoqing-bureau"]
    assert "contacts: 7 new" in out


def test_importing_the_seed_twice_changes_nothing(imported, capsys):
    content, _out, _err = imported
    age_files(content)
    before = content_files(content)
    code, out, _err = import_text(capsys, content)
    assert code == 0 and content_files(content) == before
    assert "files: 0 written, 9 unchanged" in out


def test_the_projects_own_posts_are_recognised_and_left_alone_unless_force(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(PROJECT_CONTENT, content)
    age_files(content)
    before = content_files(content)
    code, out, err = import_text(capsys, content)
    assert code == 0 and content_files(content) == before  # no duplicates, nothing overwritten, no manifest
    assert "9 kept as the editor wrote them" in out
    assert "kept posts/2024/2024-07-15-project-delayed-by-rain-zhaoqing-service.zh-hant.md" in err
    code, out, _err = import_text(capsys, content, "--force")
    assert code == 0 and "files: 9 written" in out
    assert {p for p in content_files(content) if p.startswith("posts/")} == {p for p in before if p.startswith("posts/")}
    front, _body = split(content / "posts/2024/2024-07-15-project-delayed-by-rain-zhaoqing-service.zh-hant.md")
    assert front["translation_of"] == "project-delayed-by-rain-zhaoqing-service"  # the editor's slug, kept
    build_site(BuildOptions(content_dir=content, output_dir=tmp_path / "public",
                            config_path=sitekit.PROJECT_ROOT / "site.yaml", now=sitekit.FIXED_NOW))


def test_the_label_option_replaces_the_pages_label(project_registries, capsys):
    code, out, _err = import_text(capsys, project_registries, "--label", "Sihui City")
    assert code == 0 and "label 'Sihui City'" in out
    assert split(project_registries / JULY_15)[0]["labels"] == ["Sihui City"]


def test_a_text_that_is_not_a_label_page_is_an_error(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("Just some notes.\n\nNo dates here.\n", encoding="utf-8")
    code, out, err = import_text(capsys, tmp_path / "content", source=text)
    assert code == 1 and out == "" and "no date header" in err
    assert not (tmp_path / "content").exists()


DUMP = """Showing posts with label sihui. Show all posts

Tuesday, June 4, 2024

First post of the day

First post of the day

Sihui News June 4, 2024 09:15 Guangdong, China

The first post's text.

Investment Promotion Bureau of Sihui City

Tel: 0086-758-3611228

Second post of the day

Second post of the day

Sihui News June 3, 2024 22:00 China

The second post's text.

Monday, June 3, 2024

A post without a byline

Its text.
"""


def test_posts_of_one_day_are_split_at_the_doubled_title_after_a_contact_block():
    items, label, warnings = parse_text_dump(DUMP, None)
    assert label == "sihui" and warnings == []
    assert [(i.title, i.when, i.labels) for i in items] == [
        ("First post of the day", date(2024, 6, 4), ("sihui",)),
        ("Second post of the day", date(2024, 6, 4), ("sihui",)),
        ("A post without a byline", date(2024, 6, 3), ("sihui",)),
    ]


def test_a_byline_gives_the_time_only_on_the_same_day(tmp_path, capsys):
    dump = tmp_path / "dump.txt"
    dump.write_text(DUMP, encoding="utf-8")
    content = tmp_path / "content"
    assert import_text(capsys, content, source=dump)[0] == 0
    dates = {p.name: split(p)[0]["date"] for p in (content / "posts").rglob("*.md")}
    assert dates == {"2024-06-04-first-post-of-the-day.md": "2024-06-04T09:15:00+08:00",
                     "2024-06-04-second-post-of-the-day.md": "2024-06-04",  # byline of June 3
                     "2024-06-03-a-post-without-a-byline.md": "2024-06-03"}
