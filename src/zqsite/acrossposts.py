"""Checks across posts, once every post is read: slugs and addresses of posts without their
own, translations and their originals, one post per address, and which posts are published
(drafts and future posts held back)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from zqsite import urls
from zqsite.config import SiteConfig
from zqsite.errors import Problems
from zqsite.models import Post

if TYPE_CHECKING:
    from zqsite.reader import ReadOptions


def finish_posts(posts: list[Post], config: SiteConfig, problems: Problems) -> list[Post]:
    """Decides the slug and URL of posts without an explicit one, and checks translations."""
    by_slug: dict[str, Post] = {p.slug: p for p in posts if p.slug and p.translation_of is None}
    finished = []
    for post in posts:
        if post.translation_of is not None:
            original = by_slug.get(post.translation_of)
            if original is None:
                problems.error(post.source_path, post.line_of("translation_of"),
                               f"translation_of: no post has the slug '{post.translation_of}'")
                continue
            if original.language == post.language:
                problems.error(post.source_path, post.line_of("translation_of"),
                               f"a translation must be in another language than {original.source_path}")
                continue
        slug = post.slug or (urls.translation_slug(post.translation_of, post.language) if post.translation_of else "")
        if not slug:
            problems.error(post.source_path, post.line_of("title"),
                           "cannot make a URL from this title (no letters or digits): add a 'slug'")
            continue
        url = post.url or urls.post_url(post.date, slug)
        finished.append(post if (slug, url) == (post.slug, post.url) else replace(post, slug=slug, url=url))
    check_unique_urls([(p.url, p.source_path) for p in finished], problems)
    seen: dict[tuple[str, str], str] = {}
    for post in finished:
        if post.translation_of is not None:
            key = (post.translation_of, post.language)
            if key in seen:
                problems.error(post.source_path, post.line_of("language"),
                               f"{seen[key]} is already the {post.language} translation of '{post.translation_of}'")
            seen[key] = post.source_path
    return finished


def check_unique_urls(entries: list[tuple[str, str]], problems: Problems) -> None:
    owner: dict[str, str] = {}
    for url, path in entries:
        if url in owner:
            problems.error(path, None, f"this would get the same URL {url} as {owner[url]}: give one of them another 'slug'")
        else:
            owner[url] = path


def select_published(posts: list[Post], options: ReadOptions,
                      problems: Problems) -> tuple[list[Post], datetime | None]:
    """The posts to publish, and the date of the earliest one held back for being in the future."""
    now = options.now or datetime.now().astimezone()
    published = []
    next_due: datetime | None = None
    for post in posts:
        if post.draft and not options.include_drafts:
            problems.warning(post.source_path, post.line_of("draft"), "draft: not published (build with --drafts to see it)")
            continue
        if post.date > now and not options.include_future:
            problems.warning(post.source_path, post.line_of("date"),
                             "dated in the future: published by the first build after that date (or use --future)")
            next_due = post.date if next_due is None else min(next_due, post.date)
            continue
        published.append(post)
    return published, next_due
