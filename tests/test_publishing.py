"""The published site is never broken or lost: atomic publish, foreign folders refused, stale pages removed."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
import time

from pathlib import Path

import pytest

from sitekit import PROJECT_ROOT, build, make_site, post
from test_editor_errors import tree_digest
from zqsite import writer as writer_module
from zqsite.errors import BuildFailed, OutputError
from zqsite.render import Renderer
from zqsite.urls import windows_name_problem


def many_posts(count: int) -> dict[str, str]:
    return {f"p{i:04d}.md": post(f"Post number {i}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00+08:00",
                                 labels=[f"label-{i % 7}"]) for i in range(count)}


def test_a_render_failure_half_way_leaves_the_old_site(tmp_path, monkeypatch):
    site = make_site(tmp_path, posts=many_posts(60))
    build(site)
    before = tree_digest(site.output)
    (site.content / "posts" / "p0001.md").write_text(post("Changed", "2024-02-02", labels=["x"]), encoding="utf-8")
    original = Renderer.render
    calls = {"n": 0}

    def failing_render(self, spec):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 50:
            raise RuntimeError("template exploded on page 50")
        return original(self, spec)

    monkeypatch.setattr(Renderer, "render", failing_render)
    with pytest.raises(RuntimeError):
        build(site)
    assert calls["n"] == 50
    assert tree_digest(site.output) == before
    assert not list(tmp_path.glob(".public.zqsite-*"))


def test_a_template_error_names_the_template_and_line(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    for source in (PROJECT_ROOT / "templates").iterdir():
        (templates / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (templates / "404.html").write_text('{% extends "base.html" %}\n{% block content %}\n{{ no_such_value }}\n{% endblock %}\n', encoding="utf-8")
    site = make_site(tmp_path / "site", posts={"a.md": post("A", "2024-01-01", labels=["x"])})
    with pytest.raises(BuildFailed) as failure:
        build(site, templates_dir=templates)
    message = str(failure.value.problems.items[0])
    assert message.startswith("templates/404.html:3: error:") and "no_such_value" in message
    assert not site.output.exists()


def test_running_out_of_disk_leaves_the_old_site(tmp_path, monkeypatch):
    site = make_site(tmp_path, posts=many_posts(20))
    build(site)
    before = tree_digest(site.output)
    (site.content / "posts" / "p0002.md").write_text(post("Changed title", "2024-02-02", labels=["x"]), encoding="utf-8")
    real_open = open
    count = {"n": 0}

    def full_disk_open(path, mode="r", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if "x" in mode and ".zqsite-new" in str(path):
            count["n"] += 1
            if count["n"] == 5:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(writer_module, "open", full_disk_open, raising=False)
    with pytest.raises(OSError):
        build(site)
    assert tree_digest(site.output) == before
    assert not list(tmp_path.glob(".public.zqsite-*"))


def test_a_kept_file_that_cannot_be_linked_or_copied_fails_the_build_and_leaves_the_old_site(tmp_path, monkeypatch):
    # Another base URL changes every page: the new site is staged whole, the unchanged files
    # (the theme's) linked into it, and a link that fails fails the build before the swap.
    from zqsite import replacing

    site = make_site(tmp_path, posts=many_posts(20))
    build(site)
    before = tree_digest(site.output)
    calls = {"n": 0}

    def failing_link(source, target):  # noqa: ANN001, ANN202
        calls["n"] += 1
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(writer_module, "link_or_copy", failing_link)
    monkeypatch.setattr(replacing, "link_or_copy", failing_link)
    with pytest.raises(OSError, match="Input/output error"):
        build(site, base_url="https://elsewhere.example.org/")
    assert calls["n"] >= 1
    assert tree_digest(site.output) == before
    assert not list(tmp_path.glob(".public.zqsite-*"))


def edited_site(tmp_path):  # noqa: ANN001, ANN201 - (the site, the two posts' files as they were)
    """A built site of 40 posts, one post's title edited since: the next build patches a few
    files of the published site (the pages that show that post), new and deleted ones among them."""
    site = make_site(tmp_path, posts=many_posts(40))
    build(site)
    originals = {name: (site.content / "posts" / name).read_bytes() for name in ("p0002.md", "p0005.md")}
    (site.content / "posts" / "p0002.md").write_text(post("Changed title", "2024-02-02", labels=["brand-new"]),
                                                      encoding="utf-8")
    (site.content / "posts" / "p0005.md").unlink()
    return site, originals


class Died(BaseException):
    """The process killed half way (nothing catches it, as nothing runs after a SIGKILL)."""


def rename_failing_at(monkeypatch, call: int, error: type[BaseException]) -> dict[str, int]:  # noqa: ANN001
    """Makes the patch's `call`-th move raise `error` (the others are made); counts the moves."""
    from zqsite import replacing

    real_rename, calls = replacing._rename, {"n": 0}

    def rename(source, target):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == call:
            raise error
        real_rename(source, target)

    monkeypatch.setattr(replacing, "_rename", rename)
    return calls


def test_an_edit_moves_only_the_changed_files_into_the_published_site(tmp_path):
    site, originals = edited_site(tmp_path)
    inodes = {p: p.stat().st_ino for p in site.output.rglob("*") if p.is_file()}
    report = build(site)
    assert 0 < report.files_written + report.files_deleted < report.files_unchanged
    after = {p: p.stat().st_ino for p in site.output.rglob("*") if p.is_file()}
    kept = [p for p in after if p in inodes and inodes[p] == after[p]]
    assert len(kept) >= report.files_unchanged  # the folder was not replaced: its files are the same files
    assert (site.output / "label" / "brand-new" / "index.html").is_file()
    assert not list(tmp_path.glob(".public.zqsite-*"))
    cold = make_site(tmp_path / "cold", posts={name: path.read_text(encoding="utf-8")
                                               for name, path in ((p.name, p) for p in (site.content / "posts").iterdir())})
    build(cold)
    assert tree_digest(site.output) == tree_digest(cold.output)


def test_a_patch_is_seen_by_a_publish_that_started_before_it(tmp_path):
    # `publish` compares the output's identity after uploading: a patch must change it, as a swap does.
    from zqsite.publish.run import _identity

    site, _originals = edited_site(tmp_path)
    before = _identity(site.output)
    build(site)
    assert _identity(site.output) != before


def test_ctrl_c_half_way_through_a_patch_puts_every_file_back(tmp_path, monkeypatch):
    site, originals = edited_site(tmp_path)
    before = tree_digest(site.output)
    calls = rename_failing_at(monkeypatch, 7, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        build(site)
    assert calls["n"] == 7
    assert tree_digest(site.output) == before
    assert not list(tmp_path.glob(".public.zqsite-*"))


def test_a_patch_cut_short_is_rolled_back_by_the_next_build(tmp_path, monkeypatch, caplog):
    # The process died half way (killed, the machine switched off): nothing rolled it back then.
    from zqsite import replacing

    site, originals = edited_site(tmp_path)
    before = tree_digest(site.output)
    rename_failing_at(monkeypatch, 9, Died)
    monkeypatch.setattr(replacing, "roll_back", lambda output: False)
    with pytest.raises(Died):
        build(site)
    monkeypatch.undo()
    assert replacing.journal_path(site.output).is_file() and tree_digest(site.output) != before
    from zqsite.publish.run import PublishError, check_build

    with pytest.raises(PublishError, match="a build is writing"):
        check_build(site.output)
    # The editor puts the post back as it was: the site must be the last finished build's again.
    for name, data in originals.items():
        (site.content / "posts" / name).write_bytes(data)
    caplog.set_level("WARNING")
    build(site)
    assert "interrupted while it published" in caplog.text
    assert tree_digest(site.output) == before
    assert not list(tmp_path.glob(".public.zqsite-*"))


def test_a_journal_left_beside_a_removed_site_is_dropped(tmp_path, monkeypatch):
    # A patch cut short, then the site removed (`clean`, or by hand): the next build starts afresh.
    from zqsite import replacing

    site, _originals = edited_site(tmp_path)
    rename_failing_at(monkeypatch, 1, Died)
    monkeypatch.setattr(replacing, "roll_back", lambda output: False)
    with pytest.raises(Died):
        build(site)
    monkeypatch.undo()
    assert replacing.journal_path(site.output).is_file()
    import shutil

    shutil.rmtree(site.output)
    build(site)
    assert (site.output / "index.html").is_file()
    assert not list(tmp_path.glob(".public.zqsite-*"))


def test_a_patch_that_meets_a_folder_in_its_way_replaces_the_site_whole(tmp_path, monkeypatch):
    from zqsite import replacing

    site, originals = edited_site(tmp_path)
    real_rename, blocked = replacing._rename, []

    def blocked_rename(source, target):  # noqa: ANN001, ANN202
        if Path(target).parts[-2:] == ("brand-new", "index.html") and "zqsite-new" in str(source):
            blocked.append(target)
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        real_rename(source, target)

    monkeypatch.setattr(replacing, "_rename", blocked_rename)
    build(site)
    monkeypatch.undo()
    assert blocked
    cold = make_site(tmp_path / "cold", posts={p.name: p.read_text(encoding="utf-8")
                                               for p in (site.content / "posts").iterdir()})
    build(cold)
    assert tree_digest(site.output) == tree_digest(cold.output)
    assert not list(tmp_path.glob(".public.zqsite-*"))


def test_sigterm_during_a_build_leaves_the_old_site(tmp_path):
    site = make_site(tmp_path, posts=many_posts(1500))
    build(site)
    before = tree_digest(site.output)
    (site.content / "posts" / "p0003.md").write_text(post("Changed again", "2024-03-03", labels=["x"]), encoding="utf-8")
    # A new site title too: every page changes, so the build still has most of its pages to
    # render when its staging folder appears (an edit alone is published within milliseconds).
    site.config.write_text(site.config.read_text(encoding="utf-8").replace('title: "Test Blog"', 'title: "Renamed"'),
                           encoding="utf-8")
    staging = tmp_path / ".public.zqsite-new"
    process = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "build.py"), "--content", str(site.content), "--output", str(site.output),
         "--config", str(site.config), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not staging.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert staging.exists(), "the build finished before it could be interrupted"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"the published site was left as it was" in err
    assert tree_digest(site.output) == before
    assert not staging.exists()


def test_leftovers_of_an_interrupted_build_are_removed_next_time(tmp_path):
    site = make_site(tmp_path, posts=many_posts(3))
    build(site)
    leftover = tmp_path / ".public.zqsite-new"
    (leftover / "half").mkdir(parents=True)
    (leftover / "half" / "page.html").write_text("partial", encoding="utf-8")
    build(site)
    assert not leftover.exists() and not (tmp_path / ".public.zqsite-old").exists()


@pytest.mark.parametrize("where", ["foreign", "content", "cwd", "home", "parent-of-content"])
def test_output_refuses_folders_zqsite_did_not_make(tmp_path, monkeypatch, where):
    site = make_site(tmp_path, posts=many_posts(2))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    target = {"foreign": tmp_path / "mine", "content": site.content, "cwd": tmp_path,
              "home": tmp_path / "home", "parent-of-content": site.root}[where]
    target.mkdir(exist_ok=True)
    (target / "precious.txt").write_text("keep me", encoding="utf-8")
    before = tree_digest(target)
    from dataclasses import replace

    with pytest.raises(OutputError):
        build(replace(site, output=target))
    assert tree_digest(target) == before


def test_cli_refuses_output_dot(tmp_path):
    site = make_site(tmp_path, posts=many_posts(2))
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "--content", str(site.content),
                             "--output", ".", "--config", str(site.config)], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 1 and "refusing" in result.stderr
    assert (tmp_path / "site.yaml").is_file()


def test_stale_pages_disappear(tmp_path):
    posts = many_posts(3)
    posts["lonely.md"] = post("Lonely", "2024-05-05", labels=["only-here"])
    site = make_site(tmp_path, posts=posts)
    build(site)
    assert site.out("/2024/05/lonely.html").is_file() and site.out("/label/only-here/").is_file()
    (site.content / "posts" / "lonely.md").unlink()
    report = build(site)
    assert not site.out("/2024/05/lonely.html").exists() and not site.out("/label/only-here/").exists()
    assert report.files_deleted >= 3


def test_two_builds_are_byte_identical_and_the_second_rewrites_nothing(tmp_path):
    site = make_site(tmp_path, posts=many_posts(25))
    build(site)
    first = tree_digest(site.output)
    mtimes = {p: p.stat().st_mtime_ns for p in site.output.rglob("*") if p.is_file()}
    report = build(site)
    assert tree_digest(site.output) == first
    assert report.files_written == 0
    assert {p: p.stat().st_mtime_ns for p in site.output.rglob("*") if p.is_file()} == mtimes
    other = make_site(tmp_path / "again", posts=many_posts(25))
    build(other)
    assert tree_digest(other.output) == first


def test_writer_never_writes_outside_its_folder(tmp_path):
    with writer_module.SiteWriter(tmp_path / "out") as out:
        for bad in ("../escape.html", "/etc/passwd", "a\\b.html", "a/../../b", "x\0y", "C:/x"):
            with pytest.raises(OutputError):
                out.write(bad, b"no")
        out.write("fine/page.html", b"yes")
        with pytest.raises(OutputError):
            out.write("fine/page.html", b"twice")
        out.commit()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "out/.zqsite-output", "out/fine/page.html"]


def test_a_template_error_in_a_parallel_render_leaves_the_old_site(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    for source in (PROJECT_ROOT / "templates").iterdir():
        (templates / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    site = make_site(tmp_path / "site", posts=many_posts(450))
    build(site, templates_dir=templates, workers=2)
    before = tree_digest(site.output)
    post_template = templates / "post.html"
    post_template.write_text(post_template.read_text(encoding="utf-8").replace("{{ show_entry(entry", "{{ broken_value.x }}{{ show_entry(entry"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(site, templates_dir=templates, workers=2)
    message = str(failure.value.problems.items[0])
    assert message.startswith("templates/post.html:") and "broken_value" in message
    assert tree_digest(site.output) == before
    assert not list((tmp_path / "site").glob(".public.zqsite-*"))


# --- names every system can hold ------------------------------------------------------------

def test_names_windows_cannot_hold_are_found():
    assert windows_name_problem("2024/07/dasha-park.html") is None
    assert windows_name_problem("label/大沙/index.html") is None
    for bad in ("2024/07/con.html", "p/AUX.html", "images/nul", "images/a:b.jpg", 'x/"q".html',
                "images/what?.png", "folder./a.html", "a /b.html", "images/tab\there.jpg"):
        assert windows_name_problem(bad), bad


@pytest.mark.parametrize("second_post, message", [
    (post("Shouting", "2024-03-01", labels=["x"], blogger_path="/2024/03/Park.html"), "differ only in letter case"),
    (post("Console", "2024-03-02", labels=["x"], slug="con"), "reserved on Windows"),
])
def test_output_names_that_would_clash_on_windows_or_macos_fail_the_build(tmp_path, second_post, message):
    site = make_site(tmp_path, posts={"a.md": post("Park", "2024-03-01", labels=["x"], blogger_path="/2024/03/park.html"),
                                      "b.md": second_post})
    with pytest.raises(OutputError, match=message):
        build(site)
    assert not site.output.exists() and not list(tmp_path.glob(".public.zqsite-*"))
