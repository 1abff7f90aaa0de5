"""The incremental path: after every kind of change, a build that reuses the cache and the
published site gives exactly the bytes of a clean cold build of the same content."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from sitekit import PROJECT_ROOT, FIXED_NOW, image_bytes, make_site, page, post, sihui_posts
from test_editor_errors import tree_digest
from zqsite.pipeline import BuildOptions, build_site

CONTACTS = 'sihui:\n  name: "Sihui bureau"\n  tel: "0086-758-3611228"\nother:\n  name: "Other bureau"\n'


def corpus() -> dict[str, str]:
    posts = {}
    for i in range(24):
        labels = ["dasha", f"topic-{i % 4}"] + (["rare"] if i == 5 else [])
        posts[f"{2023 + i % 2}/p{i:02d}.md"] = post(
            f"Post {i} about Zhaoqing", f"{2023 + i % 2}-{1 + i % 12:02d}-{1 + i % 27:02d}T09:{i:02d}:00+08:00",
            labels=labels, contacts=["sihui"] if i % 3 == 0 else [], slug=f"post-{i}",
            body=f"Paragraph one of post {i}.\n\n## Section\n\nParagraph two, [a link](/2023/01/post-0.html).")
    posts["2023/p00.ja.md"] = post("第0号の投稿", "2023-01-01T09:00:00+08:00", labels=["dasha"], language="ja",
                                   translation_of="post-0", body="肇慶市の大規模\n産業クラスター。")
    return posts


@pytest.fixture
def workspace(tmp_path):
    site = make_site(tmp_path / "site", posts=corpus(), contacts=CONTACTS,
                     pages={"about.md": page("About us", body="We write about Zhaoqing.", contacts=["sihui"])})
    templates = tmp_path / "templates"
    static = tmp_path / "static"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    shutil.copytree(PROJECT_ROOT / "static", static)
    options = BuildOptions(content_dir=site.content, output_dir=site.output, config_path=site.config,
                           templates_dir=templates, static_dir=static, now=FIXED_NOW,
                           cache_dir=tmp_path / "cache")
    build_site(options)
    return site, options, tmp_path


def assert_same_as_cold(options: BuildOptions, tmp_path: Path) -> None:
    incremental = build_site(options)
    cold_output = tmp_path / "cold"
    build_site(replace(options, output_dir=cold_output, use_cache=False))
    assert tree_digest(options.output_dir) == tree_digest(cold_output)
    shutil.rmtree(cold_output)
    return incremental


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {
    "body": lambda s, t: edit(s.content / "posts/2023/p04.md", "Paragraph one of post 4.", "A new first paragraph."),
    "title": lambda s, t: edit(s.content / "posts/2023/p04.md", 'title: "Post 4 about Zhaoqing"', 'title: "Renamed post"'),
    # The newest post: its title is in every language's sidebar widgets (the newest month).
    "newest title": lambda s, t: edit(s.content / "posts/2024/p23.md", 'title: "Post 23 about Zhaoqing"', 'title: "Renamed"'),
    "labels": lambda s, t: edit(s.content / "posts/2024/p05.md", '- "rare"', '- "brand-new"'),
    "date": lambda s, t: edit(s.content / "posts/2023/p06.md", "date: 2023-07-07", "date: 2024-12-30"),
    "translation link": lambda s, t: edit(s.content / "posts/2023/p00.ja.md", 'translation_of: "post-0"', 'translation_of: "post-2"'),
    "contact": lambda s, t: edit(s.content / "contacts.yaml", "0086-758-3611228", "0086-758-3611999"),
    # What the QR codes hold: a post's address (slug, base path) and its contacts' fields.
    "contact wechat": lambda s, t: edit(s.content / "contacts.yaml", '  tel: "0086-758-3611228"\n',
                                        '  tel: "0086-758-3611228"\n  wechat: "sihui-wx"\n'),
    "slug": lambda s, t: edit(s.content / "posts/2023/p04.md", 'slug: "post-4"', 'slug: "post-four"'),
    "base path": lambda s, t: edit(s.config, 'base_url: "https://zq.example.org/"', 'base_url: "https://zq.example.org/blog/"'),
    "template": lambda s, t: edit(t / "templates" / "_macros.html", "post-footer", "post-footer changed"),
    "static file": lambda s, t: edit(t / "static" / "site.css", ":root {", ":root { --extra: 1;"),
    "configuration": lambda s, t: edit(s.config, 'title: "Test Blog"', 'title: "Renamed Blog"'),
    "add": lambda s, t: (s.content / "posts/2024/new.md").write_text(post("A new post", "2024-11-11", labels=["dasha", "rare"]), encoding="utf-8"),
    "delete": lambda s, t: (s.content / "posts/2024/p05.md").unlink(),
    "rename": lambda s, t: (s.content / "posts/2023/p08.md").rename(s.content / "posts/2023/p08-renamed.md"),
    "touch only": lambda s, t: (s.content / "posts/2023/p10.md").write_bytes((s.content / "posts/2023/p10.md").read_bytes()),
    "image appears": lambda s, t: (edit(s.content / "posts/2023/p02.md", "Paragraph one", "![plant](images/plant.png) Paragraph one"),
                                   None)[1],
    "labels file": lambda s, t: (s.content / "labels.yaml").write_text('dasha:\n  names:\n    ja: "大沙"\n', encoding="utf-8"),
    # Standalone pages are in every page's navigation: their titles are part of the frame.
    "page body": lambda s, t: edit(s.content / "pages/about.md", "We write about Zhaoqing.", "We write about Sihui."),
    "page title": lambda s, t: edit(s.content / "pages/about.md", 'title: "About us"', 'title: "Who we are"'),
    # A translation is on its language's own label pages, archives and widgets.
    "translation body": lambda s, t: edit(s.content / "posts/2023/p00.ja.md", "肇慶市の大規模", "肇慶市の新しい"),
    "translation title": lambda s, t: edit(s.content / "posts/2023/p00.ja.md", "第0号の投稿", "第0号の投稿(改)"),
    "translation labels": lambda s, t: edit(s.content / "posts/2023/p00.ja.md", '- "dasha"', '- "dasha"\n  - "topic-1"'),
    "translation date": lambda s, t: edit(s.content / "posts/2023/p00.ja.md", "date: 2023-01-01", "date: 2024-03-01"),
    "page translation added": lambda s, t: (s.content / "pages/about.ja.md").write_text(
        page("私たちについて", body="肇慶について。", language="ja", translation_of="about"), encoding="utf-8"),
    "languages setting": lambda s, t: s.config.write_text(s.config.read_text(encoding="utf-8") + "languages: [ja, en]\n", encoding="utf-8"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_build_equals_cold_build(workspace, change):
    site, options, tmp_path = workspace
    CHANGES[change](site, tmp_path)
    assert_same_as_cold(options, tmp_path)
    if change == "image appears":  # the missing image is added later: the post must pick it up
        (site.content / "images").mkdir()
        (site.content / "images" / "plant.png").write_bytes(image_bytes(64, 48, "PNG"))
        assert_same_as_cold(options, tmp_path)
        assert len(list((options.output_dir / "images").glob("plant-64.*.png"))) == 1


def test_nothing_changed_rewrites_nothing(workspace):
    site, options, _ = workspace
    mtimes = {p: p.stat().st_mtime_ns for p in site.output.rglob("*")}
    report = build_site(options)
    assert report.files_written == 0 and report.files_deleted == 0
    assert {p: p.stat().st_mtime_ns for p in site.output.rglob("*")} == mtimes


def test_one_body_edit_rewrites_only_the_pages_that_show_it(workspace):
    site, options, _ = workspace
    before = tree_digest(site.output)
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "Changed words.")
    build_site(options)
    after = tree_digest(site.output)
    changed = sorted(name for name in after if before.get(name) != after[name])
    showing = [name for name in changed if name.endswith(".html") or name.endswith(".xml")]
    assert "2023/05/post-4.html" in changed
    for name in showing:  # every rewritten page shows the post (or is the search index / sitemap)
        text = (site.output / name).read_text(encoding="utf-8")
        assert "Changed words." in text or name == "sitemap.xml", name
    assert len(changed) < len(after) // 4


@pytest.fixture
def rendered(monkeypatch):
    """The URLs of the pages rendered from now on (small sites: rendered in this process)."""
    from zqsite.render import Renderer

    urls: list[str] = []
    original = Renderer.render

    def counting_render(self, spec):  # noqa: ANN001, ANN202
        urls.append(spec.url)
        return original(self, spec)

    monkeypatch.setattr(Renderer, "render", counting_render)
    return urls


def test_a_body_edit_plans_and_renders_only_the_pages_that_show_the_post(workspace, rendered):
    # Nothing but a body changed: the build plans the pages that showed the post last time,
    # and keeps every other page of the last build without describing it again.
    site, options, tmp_path = workspace
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "Only this post changed.")
    report = assert_same_as_cold(options, tmp_path)
    incremental = rendered[:len(rendered) - report.pages]  # then the cold build rendered every page
    planned = next(int(name.split()[1]) for name, _ in report.phases if name.startswith("plan "))
    showing = sorted(str(p.relative_to(site.output)) for p in site.output.rglob("*.html")
                     if "Only this post changed." in p.read_text(encoding="utf-8"))
    assert planned == len(showing) == len(incremental), (planned, showing, incremental)
    assert "/2023/05/post-4.html" in incremental and "/archive/" not in incremental


def test_naming_the_folders_relative_instead_of_absolute_renders_no_page_again(workspace, rendered, monkeypatch):
    # An editor may type `--config content/site.yaml` one day and a full path the next: the
    # same files, so the next build keeps every page (it only checks that nothing changed).
    site, options, tmp_path = workspace
    monkeypatch.chdir(tmp_path)
    relative = replace(options, content_dir=site.content.relative_to(tmp_path),
                       output_dir=site.output.relative_to(tmp_path), config_path=site.config.relative_to(tmp_path))
    report = build_site(relative)
    assert report.files_written == 0 and rendered == []
    assert build_site(options).files_written == 0 and rendered == []


@pytest.mark.parametrize("path, old", [("posts/2023/p04.md", "Post 4 about Zhaoqing"),
                                       ("posts/2024/p23.md", "Post 23 about Zhaoqing"),
                                       ("posts/2023/p00.ja.md", "第0号の投稿")])
def test_a_new_title_plans_only_the_pages_that_show_the_post_or_link_it_by_its_title(workspace, rendered, path, old):
    # Titles are not part of the frame: the pages planned are the post's own, the lists that
    # show it, its neighbours' pages, the archive and (for the newest month) the widgets.
    site, options, tmp_path = workspace
    edit(site.content / path, f'title: "{old}"', 'title: "A title never seen"')
    report = assert_same_as_cold(options, tmp_path)
    incremental = rendered[:len(rendered) - report.pages]
    planned = next(int(name.split()[1]) for name, _ in report.phases if name.startswith("plan "))
    showing = sorted(str(p.relative_to(site.output)) for p in site.output.rglob("*.html")
                     if "A title never seen" in p.read_text(encoding="utf-8"))
    assert planned == len(showing) == len(incremental), (planned, showing, incremental)
    assert planned < report.pages // 4


def test_a_published_page_removed_by_hand_comes_back_with_a_body_edit(workspace, caplog):
    site, options, tmp_path = workspace
    caplog.set_level("INFO", logger="zqsite.pipeline")
    other = site.out("/2024/02/post-1.html")  # shows nothing of the edited post: it was to be kept
    other.unlink()
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "Edited.")
    assert_same_as_cold(options, tmp_path)
    assert other.is_file()
    assert "2024/02/post-1.html is not as the last build left it" in caplog.text


def test_the_preview_and_the_published_site_keep_separate_page_manifests(workspace):
    site, options, tmp_path = workspace
    build_site(replace(options, output_dir=tmp_path / "preview", base_url="http://127.0.0.1:8000/"))
    assert len(list((tmp_path / "cache").glob("pages-*.bin"))) == 2
    mtimes = {p: p.stat().st_mtime_ns for p in site.output.rglob("*")}
    assert build_site(options).files_written == 0
    assert {p: p.stat().st_mtime_ns for p in site.output.rglob("*")} == mtimes


def test_a_corrupt_cache_is_detected_and_rebuilt(workspace, caplog):
    site, options, tmp_path = workspace
    cache_file = tmp_path / "cache" / "posts.bin"
    data = bytearray(cache_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache_file.write_bytes(bytes(data))
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "After corruption.")
    assert_same_as_cold(options, tmp_path)
    assert "corrupt" in caplog.text
    assert cache_file.read_bytes() != bytes(data)  # rewritten


@pytest.mark.parametrize("damage", ["none", "corrupt", "deleted"])
def test_an_edit_writes_the_changed_posts_beside_the_cache_of_every_post(workspace, damage):
    # posts.bin is written whole only when many posts changed; an edit writes posts-changes.bin.
    # Losing that file costs a reading of the edited posts again, never a wrong page.
    site, options, tmp_path = workspace
    posts_file, changes_file = tmp_path / "cache" / "posts.bin", tmp_path / "cache" / "posts-changes.bin"
    before = posts_file.read_bytes()
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "A first edit.")
    build_site(options)
    assert posts_file.read_bytes() == before and changes_file.is_file()
    assert_same_as_cold(options, tmp_path)  # (its cold build, which reads no cache, writes posts.bin anew)
    if damage == "corrupt":
        data = bytearray(changes_file.read_bytes())
        data[-5] ^= 0xFF
        changes_file.write_bytes(bytes(data))
    elif damage == "deleted":
        changes_file.unlink()
    edit(site.content / "posts/2023/p04.md", "A first edit.", "A second edit.")
    report = assert_same_as_cold(options, tmp_path)
    read = next(int(name.split()[1]) for name, _ in report.phases if name.startswith("read "))
    assert read == 1  # the edited post; the others are cached, whatever happened to the changes
    edit(site.content / "posts/2023/p04.md", "A second edit.", "Paragraph one of post 4.")
    assert_same_as_cold(options, tmp_path)


@pytest.mark.parametrize("damage, workers", [("corrupt", 1), ("deleted", 1), ("deleted", 2)])
def test_a_damaged_body_shard_is_detected_and_the_posts_read_again(workspace, caplog, monkeypatch, damage, workers):
    # Bodies live in shard files loaded only when a page shows them: a damaged shard is found
    # while rendering (in a forked render worker too), and the build starts again reading
    # every post (nothing was published).
    import zqsite.rendering

    monkeypatch.setattr(zqsite.rendering, "PARALLEL_RENDER_THRESHOLD", {"fork": 1, "spawn": 1})
    site, options, tmp_path = workspace
    options = replace(options, workers=workers)
    shards = sorted((tmp_path / "cache" / "bodies").glob("*.bin"))
    assert len(shards) > 5
    for shard in shards:
        if damage == "deleted":
            shard.unlink()
        else:
            data = bytearray(shard.read_bytes())
            data[-10] ^= 0xFF
            shard.write_bytes(bytes(data))
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "After the damage.")
    assert_same_as_cold(options, tmp_path)
    assert "reading every post again" in caplog.text
    assert len(list((tmp_path / "cache" / "bodies").glob("*.bin"))) == len(shards)


def test_shards_of_another_cache_are_removed_when_every_post_is_read_again(workspace):
    site, options, tmp_path = workspace
    stray = tmp_path / "cache" / "bodies" / "ab.bin"  # as an older zqsite named its shards
    stray.write_bytes(b"zqsite-cache 5\nold")
    (tmp_path / "cache" / "posts.bin").write_bytes(b"zqsite-cache 5\nold")
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "Read again.")
    assert_same_as_cold(options, tmp_path)
    assert not stray.exists() and len(list((tmp_path / "cache" / "bodies").glob("*.bin"))) > 5


def test_a_foreign_cache_file_is_ignored(workspace):
    site, options, tmp_path = workspace
    (tmp_path / "cache" / "posts.bin").write_bytes(b"not a cache at all")
    for manifest in (tmp_path / "cache").glob("pages-*.bin"):
        manifest.write_bytes(b"\x80\x04K\x01.")  # a pickle: never loaded
    assert_same_as_cold(options, tmp_path)


def test_a_new_post_rewrites_only_the_pages_that_show_it(workspace, rendered):
    site, options, tmp_path = workspace
    # One more post labelled "rare": the label counts change, on the widgets page only.
    (site.content / "posts/2023/extra.md").write_text(post("Extra", "2023-03-03T08:00:00+08:00", labels=["rare"]), encoding="utf-8")
    report = build_site(options)
    pages = list(site.output.rglob("*.html"))
    assert "/widgets.html" in rendered and "/label/" in rendered
    assert site.out("/2024/02/post-1.html").is_file()
    assert "/2024/02/post-1.html" not in rendered  # shows nothing of the new post
    assert 0 < len(rendered) < len(pages) // 2, (len(rendered), len(pages))
    assert report.files_written < len(pages) // 2
    cold = tmp_path / "cold"
    build_site(replace(options, output_dir=cold, use_cache=False))
    assert tree_digest(site.output) == tree_digest(cold)


def test_another_zqsite_code_does_not_reuse_the_cache(workspace, monkeypatch):
    import zqsite.incremental
    import zqsite.pipeline
    import zqsite.reader
    from zqsite.render import Renderer

    site, options, tmp_path = workspace
    calls = {"convert": 0, "render": 0}
    convert, render = zqsite.reader.convert_body, Renderer.render

    def counting_convert(job):  # noqa: ANN001, ANN202
        calls["convert"] += 1
        return convert(job)

    def counting_render(self, spec):  # noqa: ANN001, ANN202
        calls["render"] += 1
        return render(self, spec)

    monkeypatch.setattr(zqsite.reader, "convert_body", counting_convert)
    monkeypatch.setattr(Renderer, "render", counting_render)
    build_site(replace(options, workers=1))
    unchanged = dict(calls)
    monkeypatch.setattr(zqsite.reader, "code_digest", lambda: "a newer zqsite")
    monkeypatch.setattr(zqsite.pipeline, "code_digest", lambda: "a newer zqsite")
    monkeypatch.setattr(zqsite.incremental, "code_digest", lambda: "a newer zqsite")
    build_site(replace(options, workers=1))
    assert unchanged["convert"] == 0
    assert calls["convert"] == len(corpus()) + 1 and calls["render"] > unchanged["render"] + 20  # posts and the page


def test_a_build_with_nothing_to_do_still_reports_its_warnings_and_repairs_its_output(workspace):
    site, options, tmp_path = workspace
    (site.content / "posts/2023/nolabels.md").write_text("---\ntitle: No labels\ndate: 2023-05-05\n---\nText\n", encoding="utf-8")
    first = build_site(options)
    second = build_site(options)  # nothing changed: nothing is read, rendered or written
    assert second.files_written == 0 and second.posts == first.posts and second.pages == first.pages
    assert [str(w) for w in second.warnings] == [str(w) for w in first.warnings]
    assert any("no labels" in str(w) for w in second.warnings)
    page = site.out("/2023/05/no-labels.html")
    page.unlink()  # someone deleted a published file: the next build puts it back
    third = build_site(options)
    assert page.is_file() and third.files_written >= 1
    cold = tmp_path / "cold"
    build_site(replace(options, output_dir=cold, use_cache=False))
    assert tree_digest(site.output) == tree_digest(cold)


def search_files(output: Path) -> dict[Path, int]:
    """The search index's files with their modification times (a kept file keeps its time;
    without hard links a kept file is a copy with the same time)."""
    folder = output / "pagefind"
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def bundles_rewritten(before: dict[Path, int], after: dict[Path, int]) -> set[str]:
    """The bundles (en/2023-1) with a file added, removed or written again."""
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    return {"/".join(path.parts[:2]) for path in changed if len(path.parts) > 2}


def test_a_build_told_not_to_update_the_search_index_keeps_the_published_one(workspace):
    # The preview server's quick rebuild after an edit: the page shows the edit at once, the
    # search index (Pagefind re-indexes a bundle) is brought up to date by the next build.
    site, options, tmp_path = workspace
    stamp = site.output / "pagefind" / "en" / "2023-1" / ".zqsite-input.sha256"
    before = stamp.read_bytes()
    index_files = search_files(site.output)
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "Searchable new words.")
    build_site(replace(options, update_search=False))
    assert "Searchable new words." in site.out("/2023/05/post-4.html").read_text(encoding="utf-8")
    assert stamp.read_bytes() == before
    assert search_files(site.output) == index_files
    report = build_site(options)  # not "nothing changed": this build updates the search index
    assert stamp.read_bytes() != before and report.files_written > 0
    assert_same_as_cold(options, tmp_path)


def test_an_edit_re_indexes_the_search_bundle_of_its_post_only(workspace):
    site, options, tmp_path = workspace
    edit(site.config, 'title: "Test Blog"', 'title: "Test Blog"\nsearch_bundle_posts: 5')
    assert_same_as_cold(options, tmp_path)
    manifest = json.loads((site.output / "pagefind" / "en" / "bundles.json").read_text(encoding="utf-8"))
    # Each year's 12 English posts in date order, in runs of 5; the Japanese post alone.
    assert manifest == {"bundles": ["2023-1/", "2023-2/", "2023-3/", "2024-1/", "2024-2/", "2024-3/"]}
    assert json.loads((site.output / "pagefind" / "ja" / "bundles.json").read_text(encoding="utf-8")) == {"bundles": ["2023-1/"]}
    before = search_files(site.output)
    assert len([path for path in before if path.parts[:2] == ("ja", "2023-1")]) > 2
    # Post 4 (2023-05-05) is the fifth post of 2023: posts 0, 12, 2, 14, 4 are the first bundle.
    edit(site.content / "posts/2023/p04.md", "Paragraph one of post 4.", "Words to find.")
    assert_same_as_cold(options, tmp_path)
    after = search_files(site.output)
    assert bundles_rewritten(before, after) == {"en/2023-1"}
    edit(site.content / "posts/2023/p00.ja.md", "産業クラスター。", "新しい言葉。")
    assert_same_as_cold(options, tmp_path)
    assert bundles_rewritten(after, search_files(site.output)) == {"ja/2023-1"}
    # A new post at the end of 2024 goes into the newest bundle of its year.
    before = search_files(site.output)
    (site.content / "posts/2024/new.md").write_text(post("A new post", "2024-12-31", labels=["dasha"]), encoding="utf-8")
    assert_same_as_cold(options, tmp_path)
    assert bundles_rewritten(before, search_files(site.output)) == {"en/2024-3"}


def test_a_small_store_of_rendered_entries_gives_the_same_site(workspace, monkeypatch):
    # The renderer keeps the HTML of the most recently shown posts only; a post shown again
    # after it was dropped is rendered again, to the same bytes.
    import zqsite.render

    site, options, tmp_path = workspace
    monkeypatch.setattr(zqsite.render, "ENTRIES_KEPT", 1)
    small = tmp_path / "small"
    build_site(replace(options, output_dir=small, use_cache=False))
    assert tree_digest(small) == tree_digest(site.output)


def test_worker_processes_and_one_process_build_the_same_bytes(tmp_path, monkeypatch):
    # Enough posts for the reading and the rendering workers; a small store of entries, so
    # that lists render entries again after they were dropped.
    import zqsite.render

    monkeypatch.setattr(zqsite.render, "ENTRIES_KEPT", 50)
    posts = sihui_posts(300, years=5, topics=6)
    site = make_site(tmp_path / "site", posts=posts, contacts=CONTACTS)
    options = BuildOptions(content_dir=site.content, output_dir=tmp_path / "parallel", config_path=site.config,
                           now=FIXED_NOW, use_cache=False, workers=2)
    build_site(options)
    build_site(replace(options, output_dir=tmp_path / "serial", workers=1))
    build_site(replace(options, output_dir=tmp_path / "three", workers=3))
    assert len(list((tmp_path / "parallel").rglob("*.html"))) > 400  # above the parallel thresholds
    assert tree_digest(tmp_path / "parallel") == tree_digest(tmp_path / "serial") == tree_digest(tmp_path / "three")


def test_spawned_workers_build_the_same_bytes_as_one_process(tmp_path, monkeypatch, caplog):
    # Windows and macOS start workers with spawn: a reader gets its settings pickled, a render
    # worker makes its pages again from the build cache. The same bytes as one process.
    import zqsite.rendering
    from zqsite import workers

    monkeypatch.setenv(workers.START_METHOD_VARIABLE, "spawn")
    monkeypatch.setattr(zqsite.rendering, "PARALLEL_RENDER_THRESHOLD", {"fork": 100, "spawn": 100})
    # 220 posts: above the spawned readers' threshold too.
    posts = sihui_posts(220, years=3, topics=5, body=", 肇慶.")
    site = make_site(tmp_path / "site", posts=posts, contacts=CONTACTS)
    options = BuildOptions(content_dir=site.content, output_dir=tmp_path / "spawned", config_path=site.config,
                           now=FIXED_NOW, cache_dir=tmp_path / "cache", workers=2)
    caplog.set_level("DEBUG", logger="zqsite.rendering")
    build_site(options)
    rendered = [r.getMessage() for r in caplog.records if r.getMessage().startswith("render workers (spawn)")]
    assert rendered and "a worker died" not in rendered[0]
    assert not rendered[0].startswith("render workers (spawn) rendered 0 ")
    build_site(replace(options, output_dir=tmp_path / "serial", workers=1, use_cache=False))
    assert tree_digest(tmp_path / "spawned") == tree_digest(tmp_path / "serial")


def test_the_posts_listed_from_the_snapshots_stats_are_those_a_walk_finds(tmp_path):
    from zqsite.incremental import input_snapshot
    from zqsite.reader import _markdown_files

    content = tmp_path / "content"
    for rel in ("posts/2024/b.md", "posts/2024/a.md", "posts/2023/deep/er/c.md", "posts/top.md",
                "posts/2024/photo.jpg", "posts/2024/notes.txt", "pages/about.md", "site.md"):
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("x", encoding="utf-8")
    stats: dict = {}
    input_snapshot("code", "options", [content], None, stats)
    listed = _markdown_files(content, "posts", stats)
    walked = _markdown_files(content, "posts", {})
    assert [(rel, name) for rel, name, _stat in listed] == [(rel, name) for rel, name, _stat in walked]
    assert [rel for rel, _name, _stat in listed] == ["posts/2023/deep/er/c.md", "posts/2024/a.md",
                                                     "posts/2024/b.md", "posts/top.md"]
    assert all(stat.st_size == 1 for _rel, _name, stat in listed)


def test_the_page_manifest_is_kept_as_changes_and_read_back_whole(tmp_path):
    from zqsite.cache import BuildCache, LastPages

    def manifest(n: int, edited: dict, gone: set, frame: str = "frame") -> LastPages:
        pages = {f"p{i}.html": (edited.get(i, f"mark{i}"), i) for i in range(n) if i not in gone}
        shows = {f"p{i}.html": (f"/post{i}.html",) for i in range(n) if i not in gone}
        return LastPages(frame, pages, shows, {}, {f"/post{i}.html": b"d" for i in range(n)},
                         {f"/post{i}.html": edited.get(i, f"Title {i}") for i in range(n)}, len(pages))

    def cache() -> BuildCache:
        return BuildCache(tmp_path / "cache", "signature", tmp_path / "public")

    base = manifest(2000, {}, set())
    cache().save(base)
    written = {p.name: p.read_bytes() for p in (tmp_path / "cache").glob("*.bin")}
    steps = [manifest(2000, {3: "new"}, set()), manifest(2000, {3: "newer", 7: "x"}, {9}),
             manifest(2000, {7: "x"}, {9, 11}, frame="other frame")]
    for step in steps:
        kept = cache()
        kept.save(step)
        assert cache().last_pages == step
    pages_file = next(p for p in (tmp_path / "cache").glob("pages-*.bin"))
    assert pages_file.read_bytes() == written[pages_file.name]  # only the changes file was written
    assert len(list((tmp_path / "cache").glob("page-changes-*.bin"))) == 1
    many = manifest(2000, {i: "all new" for i in range(1000)}, set())
    cache().save(many)  # too many changes: the whole manifest again, no changes file
    assert cache().last_pages == many and pages_file.read_bytes() != written[pages_file.name]
    assert not list((tmp_path / "cache").glob("page-changes-*.bin"))
