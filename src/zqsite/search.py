"""The site search index, built with Pagefind (the one user of `pagefind`).

Each language's posts are indexed into bundles of at most `search_bundle_posts` posts below
/pagefind/<language>/: a year's posts of that language, in date order, cut into runs of that
many (2023-1/, 2023-2/, …), each bundle indexed with the language's word segmentation (Chinese
and Japanese need the "extended" Pagefind build). A bundle's posts follow from the posts' dates
alone, so an edit changes one bundle and a new post the newest bundle of its year; only those
are indexed again (Pagefind has no incremental mode). /pagefind/<language>/bundles.json lists a
language's bundles; the search page merges them (Pagefind's multisite search) and queries every
language, so a Japanese query finds Japanese posts from any page's search box. The index is built
from the posts themselves (title, body), not from rendered pages.
"""

from __future__ import annotations

import html
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from zqsite.config import SiteConfig
from zqsite.errors import Problem
from zqsite.languages import url_prefix
from zqsite.models import Post

if TYPE_CHECKING:
    import subprocess

    from zqsite.writer import SiteWriter

log = logging.getLogger(__name__)
SEARCH_ROOT = "pagefind"
MANIFEST = "bundles.json"
# The digest of a bundle's posts, kept beside the bundle (so it is published, and replaced, with
# it in the same swap). Named as every file of zqsite's own is (".zqsite…"): `zqsite publish`
# never uploads it, and many hosts refuse to serve a dot file anyway.
STAMP = ".zqsite-input.sha256"
# Pagefind's own search interfaces: the search page uses pagefind.js alone.
_UNUSED_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


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


@dataclass(frozen=True)
class Bundle:
    """One Pagefind bundle: `folder` is its site path without slashes (pagefind/en/2023-1)."""

    language: str
    folder: str
    posts: tuple[Post, ...]


def bundle_path(language: str) -> str:
    """Site URL of a language's folder of bundles: /pagefind/ja/."""
    return f"/{SEARCH_ROOT}/{url_prefix(language)}/"


def search_languages(posts: Sequence[Post]) -> list[str]:
    return sorted({post.language for post in posts})


def plan_bundles(language: str, posts: Sequence[Post], config: SiteConfig) -> list[Bundle]:
    """A language's bundles: each year's posts in date order, in runs of `search_bundle_posts`
    (0: one bundle for the language). Membership depends on the dates only, so it is stable."""
    root = bundle_path(language).strip("/")
    ordered = sorted(posts, key=lambda post: (post.date, post.url))
    size = config.search_bundle_posts
    if size == 0:
        return [Bundle(language, f"{root}/all", tuple(ordered))]
    tz = config.tz
    bundles = []
    for year, group in groupby(ordered, key=lambda post: post.date.astimezone(tz).year):
        run = tuple(group)
        for number, start in enumerate(range(0, len(run), size), start=1):
            bundles.append(Bundle(language, f"{root}/{year}-{number}", run[start:start + size]))
    return bundles


def build_search_files(bundles: Sequence[Bundle], config: SiteConfig) -> list[tuple[str, bytes]]:
    """(site path, bytes) of every file of `bundles`; one Pagefind process per bundle, as many at
    once as there are cores (each uses every core; more at once would only add memory)."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchUnavailable("Pagefind is not installed (pip install 'pagefind[extended]')") from exc
    binary = get_executable()
    if binary is None:
        raise SearchUnavailable("the Pagefind binary was not found (pip install 'pagefind[extended]')")
    files: list[tuple[str, bytes]] = []
    waiting = list(bundles)
    running: list[tuple[Bundle, Path, subprocess.Popen]] = []
    at_once = max(1, os.cpu_count() or 1)
    # The command-line Pagefind reads a folder with all its threads: about 100x faster than
    # feeding pages one by one through its Python API.
    with tempfile.TemporaryDirectory(prefix="zqsite-search-") as tmp:
        try:
            while waiting or running:
                while waiting and len(running) < at_once:
                    bundle = waiting.pop(0)
                    running.append((bundle, *_start_pagefind(binary, bundle, Path(tmp), config)))
                bundle, out, process = running.pop(0)
                _finish(process)
                for path in sorted(out.rglob("*"), key=Path.as_posix):
                    if path.is_file() and not path.name.startswith(_UNUSED_FILES):
                        files.append((f"{bundle.folder}/{path.relative_to(out).as_posix()}", path.read_bytes()))
        finally:
            for _bundle, _out, process in running:  # after a failure: none is left running
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return files


def _start_pagefind(binary: Path, bundle: Bundle, tmp: Path, config: SiteConfig) -> tuple[Path, subprocess.Popen]:
    import subprocess  # here and in _finish: only when a bundle is indexed

    site = tmp / "site" / bundle.folder
    out = tmp / "out" / bundle.folder
    for post in bundle.posts:
        # Pagefind makes result URLs from file paths: the base path goes in front.
        page = site / config.base_path.strip("/") / post.url.lstrip("/")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(_document(post), encoding="utf-8")
    command = [str(binary), "--site", str(site), "--output-path", str(out),
               "--force-language", _pagefind_language(bundle.language), "--quiet"]
    try:
        return out, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SearchUnavailable(f"Pagefind could not run: {exc}") from exc


def _finish(process: subprocess.Popen) -> None:
    import subprocess

    try:
        stdout, stderr = process.communicate(timeout=600)
    except subprocess.TimeoutExpired as exc:
        raise SearchUnavailable(f"Pagefind could not run: {exc}") from exc
    if process.returncode != 0:
        raise SearchUnavailable(f"Pagefind failed: {(stderr or stdout).strip()[-500:]}")


def _document(post: Post) -> str:
    """What Pagefind indexes for a post: its title and body."""
    return (f'<!DOCTYPE html><html lang="{post.language}"><head><title>{html.escape(post.title)}</title></head>'
            f"<body><main data-pagefind-body><h1>{html.escape(post.title)}</h1>{post.body_html}</main></body></html>")


def manifest(bundles: Sequence[Bundle]) -> bytes:
    """bundles.json of a language: its bundles' folders relative to the language's folder."""
    names = [bundle.folder.rsplit("/", 1)[1] + "/" for bundle in bundles]
    return (json.dumps({"bundles": names}, separators=(",", ":")) + "\n").encode()


def write_search_index(writer: "SiteWriter", posts: Sequence[Post], by_language: dict[str, tuple[Post, ...]],
                       config: SiteConfig, bundle_digest: Callable[[str, tuple[Post, ...]], str],
                       update: bool = True) -> list[Problem]:
    """Every language's bundles and their manifests; a bundle is kept from the published site when
    `bundle_digest(engine, its posts)` is the one stamped in it (or, with `update` False, whenever
    it is published). A missing Pagefind is a warning; the bundles kept are still searched."""
    if not posts or not config.search:
        return []
    engine = pagefind_version()
    published: dict[str, list[str]] = {}  # bundle folder -> its published files
    for rel in writer.published_under(SEARCH_ROOT):
        published.setdefault("/".join(rel.split("/")[:3]), []).append(rel)
    planned = {language: plan_bundles(language, by_language[language], config) for language in search_languages(posts)}
    stale: list[tuple[Bundle, bytes]] = []
    for bundle in (bundle for bundles in planned.values() for bundle in bundles):
        stamp = f"{bundle.folder}/{STAMP}"
        digest = bundle_digest(engine, bundle.posts).encode()
        files = published.get(bundle.folder, [])
        if len(files) > 1 and (not update or writer.published(stamp) == digest):  # the stamp and the bundle
            writer.keep_published_files(files)
        else:
            stale.append((bundle, digest))
    problems = []
    if stale:
        try:
            built = build_search_files([bundle for bundle, _ in stale], config)
        except SearchUnavailable as exc:
            missing = ", ".join(sorted({bundle.language for bundle, _ in stale}))
            problems.append(Problem("search", None, f"{exc}; the site was built without the search index of "
                                    f"{missing}", is_error=False))
            failed = {bundle.folder for bundle, _ in stale}
            planned = {language: [b for b in bundles if b.folder not in failed] for language, bundles in planned.items()}
        else:
            for rel, data in built:
                writer.write(rel, data)
            for bundle, digest in stale:
                writer.write(f"{bundle.folder}/{STAMP}", digest)
    for language, bundles in planned.items():
        if bundles:
            writer.write(bundle_path(language).lstrip("/") + MANIFEST, manifest(bundles))
    return problems
