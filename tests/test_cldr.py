"""Babel's answers kept in the build cache: asked once, the same bytes, and a rebuild that asks
nothing new runs without importing Babel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitekit import PROJECT_ROOT, make_site, post
from test_editor_errors import tree_digest
from zqsite import cldr


@pytest.fixture
def memo(tmp_path):
    yield tmp_path
    cldr.remember_in(None)  # the next test starts with no answers


def test_an_answer_is_asked_once_and_kept_for_the_next_build(memo):
    asked = []
    cldr.remember_in(memo)
    assert cldr.answer(("month_name", 2024, 7, "ja"), lambda: asked.append(1) or "2024年7月") == "2024年7月"
    assert cldr.answer(("month_name", 2024, 7, "ja"), lambda: asked.append(1) or "other") == "2024年7月"
    cldr.save()
    cldr.remember_in(memo)
    assert cldr.answer(("month_name", 2024, 7, "ja"), lambda: asked.append(1) or "other") == "2024年7月"
    assert asked == [1]


@pytest.mark.parametrize("damage", ["truncated", "another babel", "no folder"])
def test_a_damaged_or_foreign_file_of_answers_is_asked_again(memo, monkeypatch, damage):
    cldr.remember_in(memo)
    cldr.answer(("native_name", "ko"), lambda: "한국어")
    cldr.save()
    if damage == "truncated":
        (memo / cldr.FILE_NAME).write_bytes((memo / cldr.FILE_NAME).read_bytes()[:7])
    elif damage == "another babel":
        monkeypatch.setattr(cldr, "_babel_stamp", lambda: "babel of another release")
    cldr.remember_in(None if damage == "no folder" else memo)
    assert cldr.answer(("native_name", "ko"), lambda: "asked again") == "asked again"


def run_build(site, cache: Path | None, output: Path) -> str:
    """A build in a process of its own; prints the Babel modules it imported."""
    script = (f"import sys; sys.path.insert(0, {str(PROJECT_ROOT / 'src')!r}); from zqsite.cli import main\n"
              "code = main(sys.argv[1:])\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel')); sys.exit(code)\n")
    arguments = ["--content", str(site.content), "--output", str(output), "--config", str(site.config), "-q"]
    arguments += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    result = subprocess.run([sys.executable, "-c", script, *arguments],
                            capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout.strip()


def test_a_rebuild_that_asks_nothing_new_imports_no_babel_and_gives_the_same_bytes(tmp_path):
    posts = {f"2024/p{i}.md": post(f"Post {i}", f"2024-0{1 + i % 3}-1{i}T09:30:00+08:00", labels=["dasha"],
                                   slug=f"p{i}", body=f"Body {i}.") for i in range(6)}
    posts["2024/p0.ja.md"] = post("投稿", "2024-01-10T09:30:00+08:00", labels=["dasha"], language="ja",
                                  translation_of="p0", body="本文。")
    site = make_site(tmp_path / "site", posts=posts)
    cache = tmp_path / "cache"
    assert run_build(site, cache, site.output) != "[]"  # the first build asks Babel
    assert (cache / cldr.FILE_NAME).is_file()
    body = site.content / "posts/2024/p2.md"
    body.write_text(body.read_text(encoding="utf-8").replace("Body 2.", "Body two."), encoding="utf-8")
    assert run_build(site, cache, site.output) == "[]"
    assert run_build(site, None, tmp_path / "cold") != "[]"  # no cache: Babel's own answers
    assert tree_digest(site.output) == tree_digest(tmp_path / "cold")
