"""The site search index, built with Pagefind (the one user of `pagefind`).

One Pagefind bundle per language at /pagefind/<language>/, each indexed with that language's
word segmentation (Chinese and Japanese need the "extended" Pagefind build). The search page
queries every bundle, so a Japanese query finds Japanese posts from any page's search box.
The index is built from the posts themselves (title, labels, body), not from rendered pages.
"""

from __future__ import annotations

import subprocess
import html
import logging
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from zqsite.config import SiteConfig
from zqsite.errors import Problem
from zqsite.languages import url_prefix
from zqsite.models import Post

if TYPE_CHECKING:
    from zqsite.writer import SiteWriter

log = logging.getLogger(__name__)
SEARCH_ROOT = "pagefind"


@lru_cache(maxsize=1)
def pagefind_version() -> str:
    from importlib import metadata  # imported when needed: it costs more than the rest of a rebuild's imports

    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "none"


# Pagefind takes ISO 639-1 codes: both Chinese scripts are segmented as Chinese.
def _pagefind_language(code: str) -> str:
    """Pagefind's stemmers and segmenters are chosen by the primary language ("zh", "ko", "ar")."""
    return code.split("-")[0]


class SearchUnavailable(Exception):
    """Pagefind is not installed or could not run; the rest of the site is built anyway."""


def bundle_path(language: str) -> str:
    """Site URL of a language's bundle: /pagefind/ja/."""
    return f"/{SEARCH_ROOT}/{url_prefix(language)}/"


def search_languages(posts: Sequence[Post]) -> list[str]:
    return sorted({post.language for post in posts})


def build_search_files(posts: Sequence[Post], config: SiteConfig,
                       languages: Sequence[str] | None = None) -> list[tuple[str, bytes]]:
    """(site path, bytes) of every file of the bundles of `languages` (default: every language
    of the posts); one Pagefind process per language, all running at once."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchUnavailable("Pagefind is not installed (pip install 'pagefind[extended]')") from exc
    binary = get_executable()
    if binary is None:
        raise SearchUnavailable("the Pagefind binary was not found (pip install 'pagefind[extended]')")
    files: list[tuple[str, bytes]] = []
    runs: list[tuple[str, Path, subprocess.Popen]] = []
    # The command-line Pagefind reads a folder with all its threads: about 100x faster than
    # feeding pages one by one through its Python API.
    with tempfile.TemporaryDirectory(prefix="zqsite-search-") as tmp:
        try:
            for language in search_languages(posts) if languages is None else languages:
                site = Path(tmp) / "site" / url_prefix(language)
                out = Path(tmp) / "out" / url_prefix(language)
                for post in posts:
                    if post.language == language:
                        # Pagefind makes result URLs from file paths: the base path goes in front.
                        page = site / config.base_path.strip("/") / post.url.lstrip("/")
                        page.parent.mkdir(parents=True, exist_ok=True)
                        page.write_text(_document(post), encoding="utf-8")
                command = [str(binary), "--site", str(site), "--output-path", str(out),
                           "--force-language", _pagefind_language(language), "--quiet"]
                try:
                    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                               encoding="utf-8", errors="replace")
                except OSError as exc:
                    raise SearchUnavailable(f"Pagefind could not run: {exc}") from exc
                runs.append((language, out, process))
            for language, out, process in runs:
                try:
                    stdout, stderr = process.communicate(timeout=600)
                except subprocess.TimeoutExpired as exc:
                    raise SearchUnavailable(f"Pagefind could not run: {exc}") from exc
                if process.returncode != 0:
                    raise SearchUnavailable(f"Pagefind failed: {(stderr or stdout).strip()[-500:]}")
                for path in sorted(out.rglob("*"), key=Path.as_posix):
                    if path.is_file():
                        rel = bundle_path(language).lstrip("/") + path.relative_to(out).as_posix()
                        files.append((rel, path.read_bytes()))
        finally:
            for _language, _out, process in runs:  # after a failure: none is left running
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return files


def _document(post: Post) -> str:
    """What Pagefind indexes for a post: its title and body."""
    return (f'<!DOCTYPE html><html lang="{post.language}"><head><title>{html.escape(post.title)}</title></head>'
            f"<body><main data-pagefind-body><h1>{html.escape(post.title)}</h1>{post.body_html}</main></body></html>")


def write_search_index(writer: "SiteWriter", posts: Sequence[Post], by_language: dict[str, tuple[Post, ...]],
                       config: SiteConfig, bundle_digest: Callable[[str, tuple[Post, ...]], str],
                       update: bool = True) -> list[Problem]:
    """The Pagefind bundles, one per language; a language's bundle is kept from the published
    site when `bundle_digest(engine, its posts)` is the one stamped beside it (or, with
    `update` False, whenever there is one). A missing Pagefind is a warning."""
    if not posts or not config.search:
        return []
    engine = pagefind_version()
    stale: list[tuple[str, str, bytes]] = []  # (language, stamp file, digest)
    for language in search_languages(posts):
        folder = bundle_path(language).strip("/")
        stamp = f"{folder}/zqsite-input.sha256"
        digest = bundle_digest(engine, by_language[language]).encode()
        current = not update or writer.published(stamp) == digest
        if current and len(writer.published_under(folder)) > 1:  # the stamp and the bundle
            writer.keep_published(folder)
        else:
            stale.append((language, stamp, digest))
    if not stale:
        return []
    try:
        files = build_search_files(posts, config, [language for language, _, _ in stale])
    except SearchUnavailable as exc:
        missing = ", ".join(language for language, _, _ in stale)
        return [Problem("search", None, f"{exc}; the site was built without the search index of {missing}",
                        is_error=False)]
    for rel, data in files:
        writer.write(rel, data)
    for _language, stamp, digest in stale:
        writer.write(stamp, digest)
    return []
