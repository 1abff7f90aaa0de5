"""Local links in posts that point to no file of the built site (checked once every URL is known)."""

from __future__ import annotations

from urllib.parse import unquote, urljoin

from zqsite.config import SiteConfig
from zqsite.errors import Problem
from zqsite.models import Post
from zqsite.urls import output_path


def check_post_links(posts: tuple[Post, ...], known_files: set[str], config: SiteConfig) -> list[Problem]:
    """Warnings for local links in posts that point to no file of the built site."""
    problems = []
    base = config.base_path
    for post in posts:
        for link, line in post.links:
            if link.startswith("/"):  # site-root links are published below the base path
                link_target = base + link[1:]
            else:
                link_target = urljoin(base + post.url[1:], link)
            # A local link has no scheme or host: its path ends at the query or fragment.
            target = link_target.partition("#")[0].partition("?")[0]
            if "%" in target:
                target = unquote(target)
            if not target.startswith(base):
                continue
            if output_path("/" + target[len(base):]) not in known_files:
                problems.append(Problem(post.source_path, line, f"link '{link}' points to no page of the site",
                                        is_error=False))
    return problems
