"""Feed specs -> RSS 2.0 / Atom bytes (the one user of feedgen)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urlsplit


from zqsite import urls
from zqsite.config import SiteConfig
from zqsite.pages import FeedSpec

# A fixed date for feeds without posts, so that two builds give the same bytes.
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


_ROOT_RELATIVE = re.compile(r'(\s(?:src|href)=")/(?!/)')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
_CANDIDATE_START = re.compile(r'(^|,\s*)/(?!/)')


@lru_cache(maxsize=256)  # a recent post is in most feeds (the site's, its language's, its labels'; RSS and Atom)
def absolute_links(html: str, base_url: str) -> str:
    """Root-relative links and images (srcset candidates too) made absolute: a feed reader
    has no page to resolve them against."""
    split = urlsplit(base_url)
    origin = f"{split.scheme}://{split.netloc}/"
    html = _ROOT_RELATIVE.sub(lambda m: m.group(1) + origin, html)
    return _SRCSET.sub(lambda m: m.group(1) + _CANDIDATE_START.sub(lambda c: c.group(1) + origin, m.group(2)) + '"',
                       html)


def render_feed(spec: FeedSpec, config: SiteConfig, label_names: dict[str, str]) -> bytes:
    """One feed with full content, absolute URLs and dates with offsets; no build time in it."""
    absolute = lambda url: urls.absolute(config.base_url, url)  # noqa: E731
    from feedgen.feed import FeedGenerator  # imported when a feed changed: most builds write none

    fg = FeedGenerator()
    fg.id(absolute(spec.url))
    fg.title(spec.title)
    fg.description(config.description or spec.title)
    fg.subtitle(config.description or spec.title)
    # feedgen puts the last link it was given into RSS <link>: that must be the HTML page.
    fg.link(href=absolute(spec.url), rel="self")
    fg.link(href=absolute(spec.link_url), rel="alternate")
    fg.language(spec.language)
    fg.author(name=config.author or config.title)  # Atom requires an author
    fg.generator("zqsite")
    updated = spec.posts[0].date if spec.posts else _EPOCH
    fg.updated(updated)
    fg.lastBuildDate(updated)
    # feedgen puts the first added entry last: add the oldest first.
    for post in reversed(spec.posts):
        entry = fg.add_entry()
        link = absolute(post.url)
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(post.title)
        entry.link(href=link, rel="alternate")
        entry.published(post.date)
        entry.updated(post.date)
        content = absolute_links(post.body_html, config.base_url)
        entry.content(content, type="CDATA" if spec.kind == "rss" else "html")
        if post.summary_text:
            entry.summary(post.summary_text) if spec.kind == "atom" else entry.description(post.summary_text)
        for key in post.labels:
            entry.category(term=label_names.get(key, key))
    if spec.kind == "rss":
        return fg.rss_str(pretty=True)
    return fg.atom_str(pretty=True)
