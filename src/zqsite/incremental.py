"""What makes a rebuild small: fingerprints of posts and pages, the build's frame, what to keep
from the last build, and the shortcut when nothing changed.

A page's fingerprint is a hash of what it is made of: the theme (zqsite's code, templates,
catalogues, configuration, labels), what every page of its language shows around its content,
its own inputs and the fingerprints of the posts it shows. Same fingerprint, same bytes as last
time, so the published file is kept. The frame is everything besides the posts' own content
that decides which pages exist and what they show: with the last build's frame, only the pages
that showed a changed post need planning at all.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from zqsite import __version__
from zqsite.cache import BuildCache, LastPages, code_digest, post_to_record, read_last_build
from zqsite.models import Post
from zqsite.writer import SiteWriter

if TYPE_CHECKING:  # the incremental rules need no templates: a renderer is only asked for its chrome
    from zqsite.pages import FeedSpec, FileSpec, PageSpec
    from zqsite.render import Chrome


_LEAF_TYPES = (str, int, float, bool, bytes, date, datetime, enum.Enum)
_EXACT_LEAVES = frozenset({str, int, float, bool, bytes, date, datetime, type(None)})
_FIELDS: dict[type, tuple[str, tuple[str, ...]]] = {}  # dataclass -> (its heading, its field names)


class _Unseeable(Exception):
    """A value whose content a hash cannot see (a function, an object without declared fields)."""


def value_digest(value: Any, shared: dict[int, tuple[Any, str]] | None = None) -> bytes | None:
    """A stable description of plain values (text, numbers, dates, tuples, lists, dicts,
    dataclasses of them); None if `value` holds anything else (a function, an object without
    declared fields), whose content a hash cannot see.

    `shared`: descriptions of the tuples and frozen dataclasses described already, by identity,
    kept for one build (`Fingerprints` has one): a post's translation links or a list's language
    versions are part of many pages, and are described once.
    """
    try:
        return _describe(value, {} if shared is None else shared).encode()
    except _Unseeable:
        return None


def _describe(item: Any, shared: dict[int, tuple[Any, str]]) -> str:
    kind = type(item)
    # The common exact types first: a title change fingerprints every page (16,000 at 10,000 posts).
    if kind in _EXACT_LEAVES:
        return f"{kind.__name__}:{item!r}"
    if kind is tuple or kind in _FIELDS:
        found = shared.get(id(item))
        if found is not None:  # the item is kept beside its text, so its identity is not reused
            return found[1]
        if kind is tuple:
            text = "\n".join([f"tuple[{len(item)}]", *[_describe(part, shared) for part in item]])
        else:
            heading, names = _FIELDS[kind]
            text = "\n".join([heading, *[_describe(getattr(item, name), shared) for name in names]])
        if kind is tuple or kind.__dataclass_params__.frozen:  # what cannot change during the build
            shared[id(item)] = (item, text)
        return text
    if isinstance(item, _LEAF_TYPES):
        return f"{kind.__name__}:{item!r}"
    if isinstance(item, (tuple, list)):
        return "\n".join([f"{kind.__name__}[{len(item)}]", *[_describe(part, shared) for part in item]])
    if isinstance(item, dict):
        parts = [f"dict[{len(item)}]"]
        for key in sorted(item, key=repr, reverse=True):  # the order of the first, iterative version
            parts += [_describe(key, shared), _describe(item[key], shared)]
        return "\n".join(parts)
    if isinstance(item, (set, frozenset)):
        return "\n".join([f"set[{len(item)}]", *[_describe(part, shared) for part in sorted(item, key=repr, reverse=True)]])
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        names = tuple(f.name for f in dataclasses.fields(item))
        _FIELDS[kind] = (f"{kind.__qualname__}{list(names)}", names)
        return _describe(item, shared)
    raise _Unseeable


def theme_digest(templates_dir: Path, settings: Iterable[bytes]) -> bytes:
    """What every page and feed depends on: zqsite's code, the templates, the message
    catalogues and `settings` (the configuration, the labels)."""
    from zqsite import i18n  # imported when needed: with Babel, it is not needed by a build with nothing to do

    theme = hashlib.sha256(__version__.encode() + code_digest().encode())
    # Sorted as text: Windows compares paths without letter case, which would change the order.
    files = sorted(templates_dir.rglob("*"), key=Path.as_posix) + sorted(i18n.MESSAGES_DIR.glob("*.yaml"), key=Path.as_posix)
    for path in files:
        if path.is_file():
            theme.update(path.name.encode() + b"\0" + path.read_bytes())
    for part in settings:
        theme.update(part)
    return theme.digest()


class Fingerprints:
    """What a page or feed is made of, as a hash: same hash, same bytes as last time."""

    def __init__(self, theme: bytes, chrome: Callable[[str], "Chrome"], posts: Iterable[Post],
                 base_path: str) -> None:
        """`theme`: what every page depends on (theme_digest); `chrome(language)`: what a page
        of that language shows around its content."""
        self._theme = theme
        self._chrome = chrome
        self._by_language: dict[str, bytes] = {}
        self._base_path = base_path
        self._shared: dict[int, tuple[Any, str]] = {}  # value_digest's descriptions of shared values
        posts = tuple(posts)
        self.post_marks = {post.url: (post.digest or repr(post_to_record(post))).encode()
                           for post in posts}  # post URL -> what the post is made of
        self.titles = {post.url: post.title for post in posts}  # what a page's `links` show of them

    def frame(self, languages: Iterable[str], structure: str, others: bytes) -> str:
        """The frame: the theme, each language's chrome, the posts' structure (which posts,
        dates, labels, languages; not titles, which pages name in `shows` or `links`) and
        `others` (standalone pages, contacts)."""
        digest = hashlib.sha256(self._theme)
        for code in sorted(set(languages)):
            digest.update(self._language(code))
        digest.update(structure.encode() + others)
        return digest.hexdigest()

    def changed_posts(self, last: dict[str, bytes]) -> set[str]:
        """URLs of the posts whose fingerprint is not the one in `last`."""
        return {url for url, mark in self.post_marks.items() if last.get(url) != mark}

    def retitled_posts(self, last: dict[str, str], among: set[str]) -> set[str]:
        """URLs of the posts of `among` (the changed ones) whose title is not the one in `last`."""
        return {url for url in among if last.get(url) != self.titles.get(url)}

    def _language(self, language: str) -> bytes:
        found = self._by_language.get(language)
        if found is None:
            digest = hashlib.sha256(self._theme)
            digest.update(value_digest(self._chrome(language), self._shared) or b"")
            found = self._by_language[language] = digest.digest()
        return found

    def page(self, spec: PageSpec) -> str:
        """The page's fingerprint; "" for a page whose values a hash cannot see (rendered every time)."""
        digest = hashlib.sha256(self._language(spec.language))
        if spec.inputs is None:  # a page whose values are at hand (small, or few): they are its inputs
            described = value_digest(spec.context, self._shared)
            if described is None:
                return ""
            digest.update(repr((spec.url, spec.template)).encode() + described)
            return digest.hexdigest()
        marks = self.post_marks
        digest.update(repr((spec.url, spec.template)).encode() + (value_digest(spec.inputs, self._shared) or b"?")
                      + b"".join([marks[url] for url in spec.shows]))
        if spec.links:
            titles = self.titles
            digest.update("\0".join([titles[url] for url in spec.links]).encode())
        return digest.hexdigest()

    def search(self, engine_version: str, posts: tuple[Post, ...]) -> str:
        """What a language's search bundle is made of: its posts."""
        digest = hashlib.sha256(f"{engine_version}|{self._base_path}".encode())
        digest.update(b"".join([self.post_marks[post.url] for post in posts]))
        return digest.hexdigest()

    def file(self, file: FileSpec) -> str:
        """The file's fingerprint; "" for inputs a hash cannot see (written every time)."""
        described = value_digest(file.inputs, self._shared)
        if described is None:
            return ""
        digest = hashlib.sha256(self._theme)
        digest.update(repr(file.url).encode() + described)
        return digest.hexdigest()

    def feed(self, feed: FeedSpec) -> str:
        digest = hashlib.sha256(self._theme)
        digest.update(repr((feed.url, feed.kind, feed.title, feed.language, feed.link_url)).encode())
        digest.update(b"".join([self.post_marks[post.url] for post in feed.posts]))
        return digest.hexdigest()


def pages_to_keep(last: LastPages, fingerprints: Fingerprints) -> tuple[set[str], dict[str, tuple[str, int]]]:
    """With the last build's frame: the output paths of the pages that showed a changed post
    or linked a retitled one (to plan again), and the last build's other files with their
    (fingerprint, size), to keep."""
    changed_posts = fingerprints.changed_posts(last.posts)
    affected = {rel for rel, shows in last.shows.items() if not changed_posts.isdisjoint(shows)}
    retitled = fingerprints.retitled_posts(last.titles, changed_posts)
    if retitled:
        affected |= {rel for rel, links in last.links.items() if not retitled.isdisjoint(links)}
    return affected, {rel: entry for rel, entry in last.pages.items() if rel not in affected}


def reuse(writer: SiteWriter, previous: BuildCache | None, rel: str, mark: str,
          manifest: dict[str, tuple[str, int]]) -> bool:
    """Keeps a published file whose fingerprint is the one it was built from last time."""
    if not mark or previous is None:
        return False
    last = previous.page(rel)
    if last is not None and last[0] == mark and writer.keep_if_published(rel):
        manifest[rel] = last
        return True
    return False


def write_unless_reused(writer: SiteWriter, previous: BuildCache | None, rel: str, mark: str,
                        make: Callable[[], bytes], manifest: dict[str, tuple[str, int]]) -> None:
    """Keeps the published file if its fingerprint is unchanged, else writes what `make` gives."""
    if not reuse(writer, previous, rel, mark, manifest):
        data = make()
        writer.write(rel, data)
        manifest[rel] = (mark, len(data))


# --- the nothing-to-do shortcut ------------------------------------------------------------

def input_snapshot(code: str, options_description: str, roots: Iterable[Path], config: Path | None,
                   file_stats: dict[str, os.stat_result] | None = None) -> str:
    """A hash of everything a build reads: each input file's path, size and modification time
    below `roots`, the configuration file's, the options and zqsite's own code (`code`).
    `file_stats`, if given, gets each file's stat by its path (the reader's file list uses them)."""
    digest = hashlib.sha256(code.encode())
    digest.update(options_description.encode())
    for root in roots:
        folders = [str(root)]
        while folders:  # depth first, names in order (os.walk with a stat per file is slower)
            folder = folders.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except (FileNotFoundError, NotADirectoryError):
                continue
            subfolders = []
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                else:
                    try:
                        stat = entry.stat()
                    except OSError:  # a broken link: the reader reports it if it matters
                        continue
                    digest.update(f"{entry.path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
                    if file_stats is not None:
                        file_stats[entry.path] = stat
            folders += reversed(subfolders)
    if config is not None and config.is_file():
        stat = config.stat()
        digest.update(f"{config}\0{stat.st_mtime_ns}\0{stat.st_size}".encode())
    return digest.hexdigest()


def digest_of_listing(files: set[str]) -> str:
    return hashlib.sha256("\n".join(sorted(files)).encode()).hexdigest()


def last_build_if_unchanged(cache_folder: Path | None, output: Path, snapshot: str,
                            published_files: set[str], now: datetime) -> dict | None:
    """The last build's record when a build would have nothing to do: no input changed since
    then, its output is all there, and no post held back for a future date has come due."""
    if cache_folder is None or not published_files:
        return None
    last = read_last_build(cache_folder, output)
    if not last or last.get("snapshot") != snapshot or last.get("output") != digest_of_listing(published_files):
        return None
    if last.get("due") and now >= datetime.fromisoformat(last["due"]):
        return None
    return last


def keep_frame(last: LastPages | None, frame: str) -> LastPages | None:
    """The last build's pages when its frame is this build's, else None (plan every page)."""
    return last if last is not None and last.frame == frame else None

