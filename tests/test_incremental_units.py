"""The incremental rules on their own: fingerprints, the frame and what to keep from the last
build, from values made here (no templates, no disk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from zqsite.cache import LastPages
from zqsite.incremental import Fingerprints, keep_frame, pages_to_keep, value_digest
from zqsite.models import Post
from zqsite.pages import PageSpec


@dataclass(frozen=True)
class Chrome:
    title: str
    links: tuple[str, ...]


def a_post(url: str, digest: str, title: str = "") -> Post:
    return Post(source_path=f"posts{url}.md", title=title or url, date=datetime(2024, 7, 15, tzinfo=timezone.utc),
                language="en", slug=url.strip("/"), url=url, body="<p>x</p>", summary="x", digest=digest)


def fingerprints(posts=(), chrome_title="Blog") -> Fingerprints:  # noqa: ANN001
    return Fingerprints(b"theme", lambda language: Chrome(f"{chrome_title} {language}", ("/", "/p/about.html")),
                        posts, "/")


def test_value_digest_describes_plain_values_and_refuses_what_it_cannot_see():
    assert value_digest({"b": (1, "x"), "a": [None, 2.5]}) == value_digest({"a": [None, 2.5], "b": (1, "x")})
    assert value_digest(("1",)) != value_digest((1,))  # text and number differ
    assert value_digest(Chrome("a", ("b",))) != value_digest(Chrome("a", ("c",)))
    assert value_digest({"make": lambda: 1}) is None
    assert value_digest([object()]) is None


def test_value_digest_tells_subclasses_and_nesting_apart_on_its_fast_paths():
    from markupsafe import Markup

    assert value_digest(Markup("<b>x</b>")) != value_digest("<b>x</b>")  # markup is not the same text
    assert value_digest((("a",), "b")) != value_digest(("a", ("b",)))
    assert value_digest([1, 2]) != value_digest((1, 2))
    assert value_digest(True) != value_digest(1)
    twice = [Chrome("a", ("b",)), Chrome("a", ("b",))]
    assert value_digest(twice) == value_digest([Chrome("a", ("b",))] * 2)  # a dataclass, the second time too


def test_a_page_of_values_is_fingerprinted_by_its_values():
    marks = fingerprints()
    first = marks.page(PageSpec("/p/about.html", "page.html", "en", {"title": "About", "n": 1}))
    same = marks.page(PageSpec("/p/about.html", "page.html", "en", {"n": 1, "title": "About"}))
    other = marks.page(PageSpec("/p/about.html", "page.html", "en", {"title": "About us", "n": 1}))
    assert first and first == same and other != first
    # A value without declared fields has no fingerprint: the page is rendered every time.
    assert marks.page(PageSpec("/p/x.html", "page.html", "en", {"thing": object()})) == ""


def test_a_list_page_changes_with_the_posts_it_shows_and_the_chrome_of_its_language():
    posts = [a_post("/2024/07/a.html", "a1"), a_post("/2024/07/b.html", "b1")]
    spec = PageSpec("/", "list.html", "en", make=lambda: {}, inputs=(("page", 1),), shows=("/2024/07/a.html",))
    before = fingerprints(posts).page(spec)
    assert fingerprints([a_post("/2024/07/a.html", "a1"), a_post("/2024/07/b.html", "b2")]).page(spec) == before
    assert fingerprints([a_post("/2024/07/a.html", "a2"), posts[1]]).page(spec) != before
    assert fingerprints(posts, chrome_title="Renamed").page(spec) != before


def test_the_frame_and_what_a_body_edit_keeps():
    posts = [a_post("/2024/07/a.html", "a1"), a_post("/2024/07/b.html", "b1")]
    marks = fingerprints(posts)
    frame = marks.frame(["en", "ja"], "structure", b"pages")
    assert frame == fingerprints(posts).frame(["ja", "en"], "structure", b"pages")
    assert frame != marks.frame(["en"], "structure", b"pages")
    assert frame != marks.frame(["en", "ja"], "another structure", b"pages")
    last = LastPages(frame=frame,
                     pages={"index.html": ("m1", 10), "2024/07/a.html": ("m2", 20), "2024/07/b.html": ("m3", 30)},
                     shows={"index.html": ("/2024/07/a.html", "/2024/07/b.html"), "2024/07/a.html": ("/2024/07/a.html",),
                            "2024/07/b.html": ("/2024/07/b.html",)},
                     links={"2024/07/b.html": ("/2024/07/a.html",), "archive/index.html": ("/2024/07/a.html",)},
                     posts={"/2024/07/a.html": b"a0", "/2024/07/b.html": b"b1"},
                     titles={"/2024/07/a.html": "/2024/07/a.html", "/2024/07/b.html": "/2024/07/b.html"}, page_count=3)
    assert keep_frame(last, frame) is last and keep_frame(last, "other") is None and keep_frame(None, frame) is None
    affected, kept = pages_to_keep(last, marks)  # post a changed since (a0 -> a1), its title did not
    assert affected == {"index.html", "2024/07/a.html"}
    assert kept == {"2024/07/b.html": ("m3", 30)}
    # A new title: the pages that link the post by its title are planned too.
    retitled = fingerprints([a_post("/2024/07/a.html", "a1", title="Renamed"), posts[1]])
    affected, kept = pages_to_keep(last, retitled)
    assert affected == {"index.html", "2024/07/a.html", "2024/07/b.html", "archive/index.html"}
    assert kept == {}


def test_a_page_that_links_posts_by_title_changes_with_their_titles_only():
    spec = PageSpec("/2024/07/b.html", "post.html", "en", make=lambda: {}, inputs=(("/2024/07/a.html", ""),),
                    shows=("/2024/07/b.html",), links=("/2024/07/a.html",))
    before = fingerprints([a_post("/2024/07/a.html", "a1"), a_post("/2024/07/b.html", "b1")]).page(spec)
    assert fingerprints([a_post("/2024/07/a.html", "a2"), a_post("/2024/07/b.html", "b1")]).page(spec) == before
    renamed = [a_post("/2024/07/a.html", "a2", title="Renamed"), a_post("/2024/07/b.html", "b1")]
    assert fingerprints(renamed).page(spec) != before
