"""Editor commands: new, check, serve (over real HTTP on 127.0.0.1)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitekit import PROJECT_ROOT, make_site, post
from zqsite.authoring import NewPostError, new_post
from zqsite.config import SiteConfig
from zqsite.errors import Problems
from zqsite.pipeline import BuildOptions
from zqsite.reader import ReadOptions, read_site
from zqsite.serve import PreviewServer


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zqsite", *args], cwd=cwd or PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120, encoding="utf-8")


def test_new_writes_a_post_that_builds_and_never_overwrites(tmp_path):
    site = make_site(tmp_path, contacts='sihui:\n  name: "Sihui bureau"\n')
    result = run_cli("new", "Dasha park opens 大沙", "--labels", "dasha,sihui", "--lang", "en",
                     "--contacts", "sihui", "--content", str(site.content), "--config", str(site.config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / result.stdout.strip()
    assert path.is_file() and path.parent.parent == site.content / "posts"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Dasha park opens 大沙"' in text and 'labels: ["dasha", "sihui"]' in text
    problems = Problems()
    content = read_site(site.content, SiteConfig(), ReadOptions(include_future=True), problems)
    assert not problems.errors and [p.title for p in content.posts] == ["Dasha park opens 大沙"]
    assert content.posts[0].labels == ("dasha", "sihui") and content.posts[0].contacts[0].id == "sihui"
    again = run_cli("new", "Dasha park opens 大沙", "--content", str(site.content), "--config", str(site.config),
                    cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert path.read_text(encoding="utf-8") == text


def test_new_uses_the_site_time_zone_and_rejects_unknown_contacts(tmp_path):
    moment = datetime(2024, 7, 31, 23, 30, tzinfo=ZoneInfo("UTC"))  # 07:30 on 1 August in China
    path = new_post(tmp_path, SiteConfig(), "Early news", [], None, [], now=moment)
    assert path.name == "2024-08-01-early-news.md" and "date: 2024-08-01T07:30:00+08:00" in path.read_text(encoding="utf-8")
    with pytest.raises(NewPostError):
        new_post(tmp_path, SiteConfig(), "Bad", [], "xx", [])
    result = run_cli("new", "Other", "--contacts", "nobody", "--content", str(tmp_path))
    assert result.returncode == 1 and "unknown contact id" in result.stderr


def test_check_reports_like_build_and_writes_nothing(tmp_path):
    site = make_site(tmp_path, posts={"good.md": post("Good", "2024-01-01", labels=["x"]),
                                      "bad.md": "---\ntitle: Bad\ndate: never\n---\n"})
    result = run_cli("check", "--content", str(site.content), "--config", str(site.config), cwd=tmp_path)
    assert result.returncode == 1
    assert "content/posts/bad.md:3: error: 'never' is not a valid date" in result.stderr
    assert not site.output.exists()
    (site.content / "posts" / "bad.md").unlink()
    result = run_cli("check", "--content", str(site.content), "--config", str(site.config), cwd=tmp_path)
    assert result.returncode == 0 and "no errors" in result.stdout
    assert not site.output.exists()


def test_the_program_ends_with_its_messages_written_and_its_temporary_folders_removed(tmp_path):
    # The command line ends the process at once (os._exit) after running what an exit runs:
    # every line printed arrives, the exit code is the command's, and a build without a cache
    # leaves no scratch folder for photos behind.
    site = make_site(tmp_path / "site", posts={"a.md": post("A post", "2024-01-01", labels=["x"])})
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    build = [sys.executable, str(PROJECT_ROOT / "build.py"), "--content", str(site.content),
             "--output", str(site.output), "--config", str(site.config), "--no-cache"]
    result = subprocess.run(build, capture_output=True, text=True, encoding="utf-8", timeout=120,
                            env={**os.environ, "TMPDIR": str(scratch), "TEMP": str(scratch), "TMP": str(scratch)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 posts") and result.stdout.endswith("\n")
    assert list(scratch.iterdir()) == []
    (site.content / "posts" / "b.md").write_text("---\ntitle: B\ndate: never\n---\n", encoding="utf-8")
    result = subprocess.run(build, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1
    assert result.stderr.rstrip().endswith("nothing was published")


def test_the_program_collects_cyclic_garbage_only_in_serve(tmp_path):
    # The command line turns the cyclic garbage collector off (a command ends with the
    # process); the preview server runs until stopped, so it turns it on again.
    site = make_site(tmp_path / "site", posts={"a.md": post("A post", "2024-01-01")})
    script = (f"import gc, sys; sys.path.insert(0, {str(PROJECT_ROOT / 'src')!r})\n"
              "import zqsite.pipeline, zqsite.serve\n"
              "from zqsite import cli\n"
              "built = zqsite.pipeline.build_site\n"
              "def build_site(*args, **kwargs):\n"
              "    print('build', gc.isenabled(), flush=True)\n"
              "    return built(*args, **kwargs)\n"
              "zqsite.pipeline.build_site = build_site\n"
              "zqsite.serve.serve = lambda options, port: print('serve', gc.isenabled(), flush=True) or 0\n"
              "cli.run()\n")
    common = ["--content", str(site.content), "--config", str(site.config)]
    for command, expected in (("build", "build False"), ("serve", "serve True")):
        extra = ["--output", str(site.output), "-q"] if command == "build" else []
        result = subprocess.run([sys.executable, "-c", script, command, *common, *extra], capture_output=True,
                                text=True, encoding="utf-8", timeout=120, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == expected


def get(url: str, path: str) -> tuple[int, str]:
    host, port = url.split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)  # sent as written: ".." is not cleaned by the client
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def wait_for_build(server: PreviewServer, after: int) -> None:
    deadline = time.monotonic() + 20
    while server.state.build <= after and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.state.build > after, "no rebuild after the change"


def test_serve_rebuilds_on_change_and_serves_only_the_output(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("First title", "2024-01-01", labels=["x"])})
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    options = BuildOptions(content_dir=site.content, config_path=site.config)
    server = PreviewServer(options, port=0, output=tmp_path / "preview", report=lambda _: None, interval=0.1).start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        status, body = get(server.url, "/2024/01/first-title.html")
        assert status == 200 and "First title" in body and "__zqsite/status" in body  # live-reload script
        assert server.url in body  # built with the server's own address as base_url

        stamp = tmp_path / "preview" / "pagefind" / "en" / "2024-1" / ".zqsite-input.sha256"
        indexed = stamp.read_bytes()
        build_number = server.state.build
        (site.content / "posts" / "a.md").write_text(post("First title", "2024-01-01", labels=["x"], body="Edited body."), encoding="utf-8")
        wait_for_build(server, build_number)
        status, body = get(server.url, "/2024/01/first-title.html")
        assert status == 200 and "Edited body." in body
        # The edit showed without re-indexing; the search index follows, and the open page is
        # not reloaded for it.
        deadline = time.monotonic() + 30
        while stamp.read_bytes() == indexed and time.monotonic() < deadline:
            time.sleep(0.1)
        assert stamp.read_bytes() != indexed
        assert server.state.build == build_number + 1

        build_number = server.state.build
        (site.content / "posts" / "a.md").write_text("---\ntitle: Broken\ndate: nope\n---\n", encoding="utf-8")
        wait_for_build(server, build_number)
        status, body = get(server.url, "/2024/01/first-title.html")
        assert status == 200 and "Edited body." in body  # the last good site is still served
        assert 'role="alert"' in body and "posts/a.md:3: error:" in body

        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/static/", "/../../etc/passwd"):
            status, body = get(server.url, path)
            assert status == 404 and "outside" not in body, path
        assert get(server.url, "/no/such/page.html")[0] == 404
    finally:
        server.stop()
