"""The persistent build cache: read posts (front matter parsed, Markdown converted) keyed by
their file's bytes and by everything else that shapes them, and the previous build's pages.

Posts without their bodies and summaries are one file, loaded whole, and a small file of the
posts changed since it was written (rewritten whole only when those are many); the bodies and
summaries are in 4,096 shard files by the hash of their post's file, loaded only when a page
that shows them is rendered and rewritten only when one of their posts changed: an edit to
one post reads and writes the few shards of the posts its pages show, not every body of the blog.

Stored with `marshal` (plain data only; nothing in it can run code) behind a header with a
format version and a checksum of the payload: a corrupt, truncated or foreign file is
ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import shutil
import zlib
from dataclasses import dataclass, fields
from functools import lru_cache
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from zqsite.models import Contact, Post

log = logging.getLogger(__name__)
MAGIC = b"zqsite-cache 10\n"
_CONVERTED_FIELDS = ("body", "summary")  # stored apart, in the shards


def _dump(path: Path, data: Any) -> None:
    payload = marshal.dumps(data)
    import tempfile  # here: a build with nothing to do writes nothing (6 ms of imports)

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + _checksum(payload) + b"\n" + payload)
        os.replace(temp, path)  # a reader sees the old file or the new one, never half of one
    except BaseException:
        os.unlink(temp)
        raise


def _checksum(payload: bytes) -> bytes:
    # CRC-32 finds corruption and truncation at memory speed; marshal data cannot run code,
    # so a cryptographic hash would add time, not safety.
    return b"%08x" % zlib.crc32(payload)


def _load(path: Path) -> Any:
    """The stored data, or None if the file is missing, corrupt or not ours."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header_end = len(MAGIC) + 9
    if not data.startswith(MAGIC) or len(data) < header_end:
        # Most often the cache of an earlier zqsite after an upgrade: expected, and rebuilt.
        log.debug("ignoring %s: not a zqsite cache of this version", path)
        return None
    digest, payload = data[len(MAGIC):header_end - 1], data[header_end:]
    if _checksum(payload) != digest:
        log.warning("ignoring %s: it is corrupt", path)
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        log.warning("ignoring %s: it is corrupt", path)
        return None


def _shard_of(key: str) -> str:
    # 4,096 shards: a page shows up to a few dozen posts, and their shards are read whole.
    return key[:3]


class CacheLost(Exception):
    """A post's body, found in the cache's index, is not in its shard (a corrupt shard file):
    the build starts again without the cache's posts."""


def discard_posts(folder: Path) -> None:
    """Forgets every cached post and body (the page manifests stay)."""
    (folder / "posts.bin").unlink(missing_ok=True)
    (folder / "posts-changes.bin").unlink(missing_ok=True)
    shutil.rmtree(folder / "bodies", ignore_errors=True)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of zqsite's own code: another zqsite (even an unreleased change) reads and renders
    differently, so it must not reuse what this one cached."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*"), key=Path.as_posix):
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def post_to_record(post: Post) -> tuple:
    """The post as plain values, without its body and summary (stored apart)."""
    values = []
    for f in fields(Post):
        if f.name in _CONVERTED_FIELDS:
            continue
        value = getattr(post, f.name)
        if f.name == "date":
            value = value.isoformat()
        elif f.name == "contacts":
            value = _shared(tuple(_contact_values(c) for c in value))
        elif f.name == "lines":
            value = _shared(value)
        values.append(value)
    return tuple(values)


@lru_cache(maxsize=4096)
def _shared(value: tuple) -> tuple:
    """The first of equal values: posts share a few layouts of front matter and sets of
    bureaus, and marshal writes a shared object once (loading posts.bin at 10,000 posts took
    half as long: 0.024 s instead of 0.047 s)."""
    return value


@lru_cache(maxsize=1)
def _record_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Post) if f.name not in _CONVERTED_FIELDS)


@lru_cache(maxsize=1024)
def _contact_values(contact: Contact) -> tuple:
    """One tuple per bureau, shared by every post that names it (marshal writes it once)."""
    return tuple(getattr(contact, f.name) for f in fields(Contact))


@lru_cache(maxsize=1024)
def _contact(values: tuple) -> Contact:
    """Posts name the same few bureaus: one Contact for each, not one per post."""
    return Contact(*values)


def post_from_record(record: tuple, body: str | Callable[[], str], summary: str | Callable[[], str]) -> Post:
    values = dict(zip(_record_fields(), record))
    values["date"] = datetime.fromisoformat(values["date"])
    values["contacts"] = tuple(_contact(c) for c in values["contacts"]) if values["contacts"] else ()
    values["body"] = body
    values["summary"] = summary
    # Every build reads thousands of cached posts; a frozen dataclass's __init__ sets each
    # field through object.__setattr__, ten times slower than filling its __dict__ (Post has
    # no __post_init__, and the record holds every field).
    post = object.__new__(Post)
    post.__dict__.update(values)
    return post


def _manifest_name(kind: str, output: Path | None) -> str:
    """One page manifest (and last-build record) per output folder: the preview and the
    published site share posts, not pages."""
    where = str(output.resolve()) if output is not None else ""
    return f"{kind}-{hashlib.sha256(where.encode()).hexdigest()[:16]}.bin"


@dataclass(frozen=True)
class LastPages:
    """What the last build into an output folder made of its pages, feeds and files."""

    frame: str  # Fingerprints.frame of that build ("": some page had no fingerprint)
    pages: dict[str, tuple[str, int]]  # output path -> (fingerprint, size of the file)
    shows: dict[str, tuple[str, ...]]  # output path -> URLs of the posts the page shows
    links: dict[str, tuple[str, ...]]  # output path -> URLs of the posts it links by title (PageSpec.links)
    posts: dict[str, bytes]  # post URL -> the post's fingerprint
    titles: dict[str, str]  # post URL -> its title
    page_count: int  # HTML pages


_PAGE_DICTS = ("pages", "shows", "links", "posts", "titles")  # LastPages's fields kept as changes
_ABSENT = object()


def read_last_build(folder: Path, output: Path) -> dict | None:
    """What the last build into `output` was made from and reported (without loading the posts)."""
    found = _load(folder / _manifest_name("last", output))
    return found if isinstance(found, dict) else None


class BuildCache:
    """One folder (default `.zqsite-cache/`); `None` folder: a cache that remembers nothing."""

    def __init__(self, folder: Path | None, signature: str, output: Path | None = None) -> None:
        self.folder = folder
        self.signature = signature  # everything besides a file's bytes that shapes a read post
        self._output = output
        self._pages_file = _manifest_name("pages", output)
        # Like posts.bin, the page manifest is rewritten whole only now and then (16,000 pages
        # at 10,000 posts: 6 MB); the entries changed since are in a small file beside it.
        self._page_changes_file = _manifest_name("page-changes", output)
        self._pages_generation: str | None = None
        self._page_changes: dict[str, tuple[dict, set]] = {}  # field -> (entries set, keys removed)
        self._posts: dict[str, tuple] = {}
        # posts.bin is rewritten whole only now and then: in between, the posts changed since
        # are in posts-changes.bin (an edit wrote 10,000 records to change one).
        self._generation: str | None = None  # of the posts.bin loaded, which the changes extend
        self._changed: dict[str, tuple | None] = {}  # since that posts.bin: rel path -> entry, None if gone
        self.last_pages: LastPages | None = None
        self._dirty = False
        self._shards: dict[str, dict[str, tuple[str, str]]] = {}  # loaded shards: name -> {file hash: (body, summary)}
        self._dirty_shards: set[str] = set()
        if folder is not None:
            stored = _load(folder / "posts.bin")
            if isinstance(stored, dict) and stored.get("signature") == signature:
                self._posts = stored.get("posts", {})
                self._generation = stored.get("generation")
                self._apply_changes(_load(folder / "posts-changes.bin"))
            else:  # every post is read again: no shard is of use (an older zqsite's shards included)
                shutil.rmtree(folder / "bodies", ignore_errors=True)
            self.last_pages = self._load_pages()

    def _load_pages(self) -> LastPages | None:
        assert self.folder is not None
        stored = _load(self.folder / self._pages_file)
        if not isinstance(stored, dict) or set(stored) != {"generation", *(f.name for f in fields(LastPages))}:
            return None
        self._pages_generation = stored.pop("generation")
        changes = _load(self.folder / self._page_changes_file)
        if isinstance(changes, dict) and changes.get("generation") == self._pages_generation:
            stored.update(changes["values"])
            for name, (entries, removed) in changes["dicts"].items():
                stored[name].update(entries)
                for key in removed:
                    stored[name].pop(key, None)
                self._page_changes[name] = (entries, set(removed))
        return LastPages(**stored)

    def _save_pages(self, pages: LastPages) -> None:
        assert self.folder is not None
        last = self.last_pages
        values = {f.name: getattr(pages, f.name) for f in fields(pages) if f.name not in _PAGE_DICTS}
        if last is not None and self._pages_generation is not None:
            fresh = changed = 0  # entries changed by this build; since the whole file was written
            for f in _PAGE_DICTS:
                new, old = getattr(pages, f), getattr(last, f)
                entries, removed = self._page_changes.setdefault(f, ({}, set()))
                # The same dict: unchanged (a rebuild passes on what the pages show; no dict of
                # a LastPages is ever changed in place).
                if new is not old:
                    for key, value in new.items():
                        if old.get(key, _ABSENT) != value:
                            entries[key] = value
                            removed.discard(key)
                            fresh += 1
                    for key in old.keys() - new.keys():
                        entries.pop(key, None)
                        removed.add(key)
                        fresh += 1
                changed += len(entries) + len(removed)
            if not fresh and values == {name: getattr(last, name) for name in values}:
                return
            if changed <= max(64, len(pages.pages) // 16):
                _dump(self.folder / self._page_changes_file, {
                    "generation": self._pages_generation,
                    "values": values,
                    "dicts": {f: (entries, tuple(removed)) for f, (entries, removed) in self._page_changes.items()}})
                return
        self._pages_generation = os.urandom(8).hex()
        _dump(self.folder / self._pages_file, {"generation": self._pages_generation,
                                               **{f.name: getattr(pages, f.name) for f in fields(pages)}})
        (self.folder / self._page_changes_file).unlink(missing_ok=True)
        self._page_changes = {}

    def _apply_changes(self, stored: Any) -> None:
        # A changes file lost or of another posts.bin is no harm: every entry is checked
        # against its file's size, time and bytes before it is used.
        if (not isinstance(stored, dict) or stored.get("signature") != self.signature
                or stored.get("generation") != self._generation or self._generation is None):
            return
        self._changed = stored["posts"]
        for rel, entry in self._changed.items():
            if entry is None:
                self._posts.pop(rel, None)
            else:
                self._posts[rel] = entry

    # Posts: rel path -> (mtime_ns, size, sha256 of bytes, post record, problems, assets, photo stamps);
    # shards: the hash's first three digits -> {sha256 of the post's bytes: (body HTML, summary HTML)}
    def post(self, rel: str, stat: os.stat_result, read_bytes) -> tuple | None:  # noqa: ANN001
        """(record, problems, assets, what loads the body, what loads the summary, the stamps
        of its photos) of an unchanged post, or None."""
        entry = self._posts.get(rel)
        if entry is None:
            return None
        if (entry[0], entry[1]) != (stat.st_mtime_ns, stat.st_size):
            # Touched: still a hit if the bytes are the same.
            if hashlib.sha256(read_bytes()).hexdigest() != entry[2]:
                return None
            self._posts[rel] = self._changed[rel] = (stat.st_mtime_ns, stat.st_size, *entry[2:])
            self._dirty = True
        key = entry[2]
        shard = self._shards.get(_shard_of(key))  # None: not loaded yet (_converted loads it when needed)
        if shard is not None and key not in shard:
            return None  # its body is lost (a shard was corrupt): read the post again
        return (entry[3], entry[4], entry[5], lambda: self._converted(key)[0], lambda: self._converted(key)[1],
                entry[6])

    def _converted(self, key: str) -> tuple[str, str]:
        name = _shard_of(key)
        shard = self._shards.get(name)
        if shard is None:
            shard = self._shards[name] = self._load_shard(name)
        found = shard.get(key)
        if found is None:  # a shard file is corrupt or missing
            raise CacheLost(f"{self.folder}: the body of a cached post is missing")
        return found

    def _load_shard(self, name: str) -> dict[str, tuple[str, str]]:
        assert self.folder is not None
        stored = _load(self.folder / "bodies" / f"{name}.bin")
        if isinstance(stored, dict) and stored.get("signature") == self.signature:
            return stored["bodies"]
        return {}

    def store_post(self, rel: str, stat: os.stat_result, key: str, record: tuple, problems: tuple,
                   assets: tuple, body: str, summary: str, sources: tuple = ()) -> None:
        """`key`: the sha256 of the post file's bytes."""
        if self.folder is None:
            return
        self._posts[rel] = self._changed[rel] = (stat.st_mtime_ns, stat.st_size, key, record, problems, assets, sources)
        name = _shard_of(key)
        if name not in self._shards:
            self._shards[name] = self._load_shard(name)
        self._shards[name][key] = (body, summary)
        self._dirty_shards.add(name)
        self._dirty = True

    def forget_others(self, kept: set[str]) -> None:
        for rel in set(self._posts) - kept:
            key = self._posts.pop(rel)[2]
            self._changed[rel] = None
            self._dirty_shards.add(_shard_of(key))  # its body goes when the shard is written
            self._dirty = True

    # Pages: output path -> (fingerprint of what the page shows, size of the published file)
    def page(self, rel: str) -> tuple[str, int] | None:
        return self.last_pages.pages.get(rel) if self.last_pages is not None else None

    def save_last_build(self, record: dict) -> None:
        """What this build was made from and reported, so that a build with no change can be skipped."""
        if self.folder is not None:
            _dump(self.folder / _manifest_name("last", self._output), record)

    def save(self, pages: LastPages | None = None) -> None:
        if self.folder is None:
            return
        if self._dirty:
            live = {entry[2] for entry in self._posts.values()}
            for name in sorted(self._dirty_shards):
                if name not in self._shards:
                    self._shards[name] = self._load_shard(name)
                bodies = {key: body for key, body in self._shards[name].items() if key in live}
                self._shards[name] = bodies
                _dump(self.folder / "bodies" / f"{name}.bin", {"signature": self.signature, "bodies": bodies})
            self._dirty_shards.clear()
            self._save_posts()
            self._dirty = False
        if pages is not None and pages is not self.last_pages:
            self._save_pages(pages)
            self.last_pages = pages

    def _save_posts(self) -> None:
        assert self.folder is not None
        if self._generation is not None and len(self._changed) <= max(64, len(self._posts) // 16):
            _dump(self.folder / "posts-changes.bin",
                  {"signature": self.signature, "generation": self._generation, "posts": self._changed})
            return
        self._generation = os.urandom(8).hex()
        _dump(self.folder / "posts.bin", {"signature": self.signature, "generation": self._generation,
                                          "posts": self._posts})
        (self.folder / "posts-changes.bin").unlink(missing_ok=True)
        self._changed = {}
