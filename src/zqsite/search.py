"""The site search index, built with Pagefind (the one user of `pagefind`).

One Pagefind bundle per language at /pagefind/<language>/, each indexed with that language's
word segmentation (Chinese and Japanese need the "extended" Pagefind build). The search page
queries every bundle, so a Japanese query finds Japanese posts from any page's search box.
The index is built from the posts themselves (title, labels, body), not from rendered pages.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
from importlib import metadata
import logging
import tempfile
from pathlib import Path
from typing import Sequence

from zqsite import urls
from zqsite.config import SiteConfig
from zqsite.languages import url_prefix
from zqsite.models import Post

log = logging.getLogger(__name__)
SEARCH_ROOT = "pagefind"
try:
    PAGEFIND_VERSION = metadata.version("pagefind")
except metadata.PackageNotFoundError:
    PAGEFIND_VERSION = "none"
# Pagefind takes ISO 639-1 codes: both Chinese scripts are segmented as Chinese.
_PAGEFIND_LANGUAGE = {"en": "en", "zh-Hant": "zh", "zh-Hans": "zh", "ja": "ja"}


class SearchUnavailable(Exception):
    """Pagefind is not installed or could not run; the rest of the site is built anyway."""


def bundle_path(language: str) -> str:
    """Site URL of a language's bundle: /pagefind/ja/."""
    return f"/{SEARCH_ROOT}/{url_prefix(language)}/"


def search_languages(posts: Sequence[Post]) -> list[str]:
    return sorted({post.language for post in posts})


def build_search_files(posts: Sequence[Post], config: SiteConfig) -> list[tuple[str, bytes]]:
    """(site path, bytes) of every file of every language's bundle."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchUnavailable("Pagefind is not installed (pip install 'pagefind[extended]')") from exc
    if get_executable() is None:
        raise SearchUnavailable("the Pagefind binary was not found (pip install 'pagefind[extended]')")
    try:
        return asyncio.run(_build(posts, config))
    except SearchUnavailable:
        raise
    except Exception as exc:  # the Pagefind binary is missing or failed: say so, keep building
        raise SearchUnavailable(f"Pagefind failed: {exc}") from exc


async def _build(posts: Sequence[Post], config: SiteConfig) -> list[tuple[str, bytes]]:
    from pagefind.service import PagefindService

    files: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="zqsite-search-") as tmp:
        async with PagefindService() as service:  # one Pagefind process for every language
            for language in search_languages(posts):
                out = Path(tmp) / url_prefix(language)
                index = await service.create_index({"force_language": _PAGEFIND_LANGUAGE[language]})
                for post in posts:
                    if post.language == language:
                        await index.add_html_file(content=_document(post), url=urls.href(config.base_path, post.url))
                await index.write_files(output_path=str(out))
                for path in sorted(out.rglob("*")):
                    if path.is_file():
                        rel = f"{SEARCH_ROOT}/{url_prefix(language)}/{path.relative_to(out).as_posix()}"
                        files.append((rel, path.read_bytes()))
    return files


def search_input_digest(posts: Sequence[Post], config: SiteConfig) -> str:
    """A hash of everything the index is made of: same hash, same bundles."""
    digest = hashlib.sha256(f"{PAGEFIND_VERSION}|{config.base_path}".encode())
    for post in posts:
        digest.update(f"\0{post.url}\0{post.language}\0".encode())
        digest.update(_document(post).encode())
    return digest.hexdigest()


def _document(post: Post) -> str:
    """What Pagefind indexes for a post: its title and body."""
    return (f'<!DOCTYPE html><html lang="{post.language}"><head><title>{html.escape(post.title)}</title></head>'
            f"<body><main data-pagefind-body><h1>{html.escape(post.title)}</h1>{post.body_html}</main></body></html>")
