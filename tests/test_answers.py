"""Babel's and the QR encoder's answers kept in the build cache: asked once, the same bytes,
and a rebuild that asks nothing new runs without importing Babel or encoding a code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitekit import DEFAULT_CONFIG, PROJECT_ROOT, make_site, post
from test_editor_errors import tree_digest
import zqsite.cache
from zqsite import answers


@pytest.fixture
def memo(tmp_path):
    yield tmp_path
    answers.remember_in(None)  # the next test starts with no answers


def test_an_answer_is_asked_once_and_kept_for_the_next_build(memo):
    asked = []
    answers.remember_in(memo)
    assert answers.answer(("month_name", 2024, 7, "ja"), lambda: asked.append(1) or "2024年7月") == "2024年7月"
    assert answers.answer(("month_name", 2024, 7, "ja"), lambda: asked.append(1) or "other") == "2024年7月"
    answers.save()
    answers.remember_in(memo)
    assert answers.answer(("month_name", 2024, 7, "ja"), lambda: asked.append(1) or "other") == "2024年7月"
    assert asked == [1]


def test_what_a_worker_asked_goes_back_once_and_is_kept(memo):
    answers.remember_in(memo)
    answers.answer(("native_name", "ko"), lambda: "한국어")  # asked in a render worker, say
    found = answers.new_answers()
    assert found == {("native_name", "ko"): "한국어"} and answers.new_answers() == {}
    answers.remember_in(memo)  # the build process, which had not asked it
    answers.learn(found)
    answers.save()
    answers.remember_in(memo)
    assert answers.answer(("native_name", "ko"), lambda: "asked again") == "한국어"


@pytest.mark.parametrize("damage", ["truncated", "another babel", "another zqsite", "no folder"])
def test_a_damaged_or_foreign_file_of_answers_is_asked_again(memo, monkeypatch, damage):
    answers.remember_in(memo)
    answers.answer(("native_name", "ko"), lambda: "한국어")
    answers.save()
    if damage == "truncated":
        (memo / answers.FILE_NAME).write_bytes((memo / answers.FILE_NAME).read_bytes()[:7])
    elif damage == "another babel":
        monkeypatch.setattr(answers, "library_stamp", lambda: "babel of another release")
    elif damage == "another zqsite":  # whose QR encoder may draw other symbols
        monkeypatch.setattr(zqsite.cache, "code_digest", lambda: "a newer zqsite")
    answers.remember_in(None if damage == "no folder" else memo)
    assert answers.answer(("native_name", "ko"), lambda: "asked again") == "asked again"


def run_build(site, cache: Path | None, output: Path) -> str:
    """A build in a process of its own; prints the Babel, python-slugify and segno modules it imported,
    importlib.metadata (Markdown imports it to look up extensions given by name), and how many
    QR versions the build process laid out (0: it encoded no code)."""
    script = (f"import sys; sys.path.insert(0, {str(PROJECT_ROOT / 'src')!r}); from zqsite.cli import main\n"
              "code = main(sys.argv[1:])\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('babel', 'segno', 'slugify') or m == 'importlib.metadata'))\n"
              "from zqsite import qrsymbol; print(qrsymbol._layout.cache_info().currsize)\n"
              "sys.exit(code)\n")
    arguments = ["--content", str(site.content), "--output", str(output), "--config", str(site.config), "-q"]
    arguments += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    result = subprocess.run([sys.executable, "-c", script, *arguments],
                            capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout.strip()


def test_a_rebuild_that_asks_nothing_new_imports_no_babel_or_slugify_encodes_no_code_and_gives_the_same_bytes(tmp_path):
    # The edit converts one body: the Markdown of a rebuild needs no importlib.metadata either.
    posts = {f"2024/p{i}.md": post(f"Post {i}", f"2024-0{1 + i % 3}-1{i}T09:30:00+08:00", labels=["dasha"],
                                   slug=f"p{i}", body=f"Body {i}.") for i in range(6)}
    posts["2024/p0.ja.md"] = post("投稿", "2024-01-10T09:30:00+08:00", labels=["dasha"], language="ja",
                                  translation_of="p0", body="本文。")
    # Without the search index, whose stamp names Pagefind's version (from importlib.metadata).
    site = make_site(tmp_path / "site", posts=posts, config=DEFAULT_CONFIG + "search: false\n")
    cache = tmp_path / "cache"
    first = run_build(site, cache, site.output).splitlines()
    # The first build asks all three (a post page has a code; a label has a slug).
    assert "'babel'" in first[0] and "'slugify'" in first[0] and first[1] != "0"
    assert "segno" not in first[0]  # the encoder is zqsite's own (segno is the tests' reference)
    assert (cache / answers.FILE_NAME).is_file()
    body = site.content / "posts/2024/p2.md"
    body.write_text(body.read_text(encoding="utf-8").replace("Body 2.", "Body two."), encoding="utf-8")
    assert run_build(site, cache, site.output).splitlines() == ["[]", "0"]
    cold = run_build(site, None, tmp_path / "cold").splitlines()  # no cache: asked again
    assert "'babel'" in cold[0] and cold[1] != "0"
    assert tree_digest(site.output) == tree_digest(tmp_path / "cold")


def test_a_qr_symbol_is_kept_in_one_spread_file_read_only_when_a_page_asks_it(memo, monkeypatch):
    texts = [f"https://example.org/2024/07/post-{i}.html" for i in range(1000)]
    answers.remember_in(memo)
    for text in texts:
        answers.answer(("qr symbol", text), lambda text=text: (len(text), 21))
    answers.answer(("month_name", 2024, 7, "ja"), lambda: "2024年7月")
    answers.save()
    spread = sorted((memo / answers.SPREAD_FOLDER).glob("*.bin"))
    assert len(spread) == answers.SPREAD_FILES  # a thousand texts reach every file

    read = []
    real_read = answers._read
    monkeypatch.setattr(answers, "_read", lambda path: read.append(path.name) or real_read(path))
    answers.remember_in(memo)
    assert read == [answers.FILE_NAME]  # Babel's answers only: no symbol is read before it is asked
    assert answers.answer(("qr symbol", texts[7]), lambda: "asked again") == (len(texts[7]), 21)
    assert answers.answer(("month_name", 2024, 7, "ja"), lambda: "asked again") == "2024年7月"
    assert len(read) == 2  # the one file that holds that symbol

    spread[0].write_bytes(b"\x00damaged")
    answers.remember_in(memo)
    asked = [text for text in texts
             if answers.answer(("qr symbol", text), lambda: "asked again") == "asked again"]
    assert asked and len(asked) < len(texts) // 10  # those of the damaged file, and only those
    answers.save()  # that file is written again, whole
    answers.remember_in(memo)
    assert all(answers.answer(("qr symbol", text), lambda: "asked a third time") != "asked a third time"
               for text in texts)


def test_what_a_worker_asked_of_a_spread_file_is_kept_with_that_file(memo):
    answers.remember_in(memo)
    answers.answer(("qr symbol", "https://example.org/a.html"), lambda: (1, 21))
    answers.save()
    answers.remember_in(memo)
    answers.learn({("qr symbol", "https://example.org/b.html"): (2, 21)})  # from a render worker
    answers.save()
    answers.remember_in(memo)
    assert answers.answer(("qr symbol", "https://example.org/a.html"), lambda: "again") == (1, 21)
    assert answers.answer(("qr symbol", "https://example.org/b.html"), lambda: "again") == (2, 21)


@pytest.mark.parametrize("language", ["en", "zh-Hant", "zh-Hans", "ja", "ko", "ar"])
def test_a_time_of_day_is_asked_once_per_time_and_reads_as_babel_writes_the_moment(memo, language):
    import babel.dates
    from datetime import datetime, timedelta, timezone

    from zqsite import i18n
    from zqsite.languages import babel_locale

    answers.remember_in(memo)
    start = datetime(2024, 7, 15, tzinfo=timezone(timedelta(hours=8)))
    # Midnight on the dot is a day period of its own in Chinese ("午夜"), a second after it is not.
    moments = [start + timedelta(days=day, minutes=minute, seconds=second)
               for day in (0, 40) for minute in range(0, 1440, 37) for second in (0, 1)]
    for moment in moments:
        assert i18n.time_of_day(moment, language) == babel.dates.format_time(moment, "short",
                                                                              locale=babel_locale(language))
    assert len(answers.new_answers()) == len(moments) // 2  # each time of day once, whatever the day
