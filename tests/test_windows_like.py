"""The Windows-like mode (tests/windows_like/sitecustomize.py): a blog builds there, byte for
byte as it does here, and the build's messages survive a cp1252 console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sitekit import PROJECT_ROOT, make_site, post, sihui_posts
from test_editor_errors import tree_digest

MODE_FOLDER = PROJECT_ROOT / "tests" / "windows_like"
CONTACTS = 'sihui:\n  name: "Sihui bureau"\n  tel: "0086-758-3611228"\n'


def windows_like_environment() -> dict[str, str]:
    env = dict(os.environ, ZQSITE_WINDOWS_LIKE="1", PYTHONWARNDEFAULTENCODING="1")
    env["PYTHONPATH"] = os.pathsep.join([str(MODE_FOLDER), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("PYTHONIOENCODING", None)
    env.pop("PYTHONUTF8", None)
    return env


def normal_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["ZQSITE_WINDOWS_LIKE"] = "0"
    return env


def run_build(site, output: Path, env: dict[str, str]) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "--content", str(site.content),
                           "--output", str(output), "--config", str(site.config), "--cache-dir", str(output) + "-cache"],
                          env=env, capture_output=True, timeout=600)


def test_the_mode_is_what_it_claims():
    probe = """
import ctypes, multiprocessing, os, sys
from zqsite.workers import start_method
assert start_method() == "spawn", start_method()
assert multiprocessing.get_all_start_methods() == ["spawn"]
try:
    ctypes.CDLL(None)
except TypeError:
    pass
else:
    raise AssertionError("CDLL(None) worked")
try:
    os.link(sys.executable, "never")
except OSError:
    pass
else:
    raise AssertionError("a hard link was made")
assert sys.stdout.encoding == "cp1252" and sys.stderr.encoding == "cp1252"
print("windows-like")
"""
    result = subprocess.run([sys.executable, "-c", probe], env=windows_like_environment(), capture_output=True,
                            timeout=120, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stdout.strip() == b"windows-like"


def corpus(count: int) -> dict[str, str]:
    posts = sihui_posts(count, years=4, topics=6, labels=["肇慶"], body=": 肇慶市の大規模産業クラスター.")
    # A file name in Chinese, and a warning that names it (an unknown key).
    posts["2024/大沙新闻.md"] = post("Dasha news", "2024-05-01T10:00:00+08:00", labels=["dasha"],
                                   body="News from Dasha.", colour="blue")
    return posts


def test_a_few_hundred_posts_build_the_same_bytes_in_windows_like_mode(tmp_path):
    site = make_site(tmp_path / "site", posts=corpus(300), contacts=CONTACTS)
    windows, linux = tmp_path / "windows", tmp_path / "linux"
    messages = b""
    for output, env in ((windows, windows_like_environment()), (linux, normal_environment())):
        result = run_build(site, output, env)
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-3000:]
        assert b"Traceback" not in result.stderr
        messages = messages or result.stdout + result.stderr
    assert len(list(windows.rglob("*.html"))) > 300
    assert tree_digest(windows) == tree_digest(linux)
    # The warning naming the Chinese file name reached the cp1252 stream, escaped.
    assert b"\\u5927\\u6c99\\u65b0\\u95fb.md" in messages, messages[-2000:]

    # An edit: the changed files are moved into place (a patch), the others left as they are.
    edited = site.content / "posts" / "2021" / "p001.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Post 1 from", "Post one from"), encoding="utf-8")
    inodes = {path: path.stat().st_ino for path in windows.rglob("*.html")}
    for output, env in ((windows, windows_like_environment()), (linux, normal_environment())):
        result = run_build(site, output, env)
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-3000:]
    assert tree_digest(windows) == tree_digest(linux)
    kept = sum(path.stat().st_ino == inode for path, inode in inodes.items() if path.exists())
    assert len(inodes) * 0.9 < kept < len(inodes)
    # A new site title changes every page: the unchanged files (the theme's) are copied, not
    # hard-linked, into a new tree, and it is swapped in by two renames.
    site.config.write_text(site.config.read_text(encoding="utf-8").replace('title: "Test Blog"', 'title: "Renamed"'),
                           encoding="utf-8")
    for output, env in ((windows, windows_like_environment()), (linux, normal_environment())):
        result = run_build(site, output, env)
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-3000:]
    assert tree_digest(windows) == tree_digest(linux)
    assert all(path.stat().st_nlink == 1 for path in windows.rglob("*") if path.is_file())
    assert not any(path.stat().st_ino == inode for path, inode in inodes.items() if path.exists())
