"""Content folder -> models. Every problem is collected with its file and line; nothing is written."""

from __future__ import annotations

import hashlib
import html
import os
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Mapping

from zqsite import photos, urls
from zqsite.config import SiteConfig
from zqsite.cache import BuildCache, code_digest, post_from_record, post_to_record
from zqsite.errors import Problem, Problems
from zqsite.frontmatter import Document, check_keys, decode_source, split_front_matter
from zqsite.frontvalues import (blogger_path_value, contacts_value, date_value, flag_value, key_line,
                                labels_value, language_value, slug_value, text_value, warn_cut_at_comment)
from zqsite.acrossposts import check_unique_urls, finish_posts, select_published
from zqsite.bodies import BodyJob, BodyResult, convert_body, resolve_image
from zqsite.markup import LIBRARY_VERSIONS, first_paragraph
from zqsite.models import Asset, Contact, Post, SiteContent, StandalonePage
from zqsite.labelset import resolve_labels
from zqsite.registry import read_contacts, read_labels
from zqsite.translations import link_page_translations
from zqsite.workers import map_jobs

POST_KEYS = ("title", "date", "labels", "language", "contacts", "slug", "summary", "source", "draft",
             "translation_of", "blogger_path")
PAGE_KEYS = ("title", "slug", "language", "contacts", "draft", "translation_of")
SYNONYMS = {"label": "labels", "tags": "labels", "tag": "labels", "categories": "labels",
            "category": "labels", "lang": "language", "locale": "language", "contact": "contacts",
            "published": "date", "pubdate": "date", "created": "date", "name": "title",
            "permalink": "slug", "url": "slug", "description": "summary", "excerpt": "summary",
            "translation": "translation_of", "translationof": "translation_of", "drafts": "draft"}


@dataclass(frozen=True)
class ReadOptions:
    include_drafts: bool = False
    include_future: bool = False
    now: datetime | None = None  # "now" for future-dated posts; None: the real clock
    image_dir: str | None = None  # where photos' variants are kept; None: images are copied as they are


def read_site(content_dir: Path, config: SiteConfig, options: ReadOptions, problems: Problems,
              cache: BuildCache | None = None, workers: int = 1,
              progress: Callable[[int, int], None] | None = None,
              file_stats: Mapping[str, os.stat_result] | None = None) -> SiteContent:
    """Reads posts, pages, contacts, labels and the images they use (photos encoded in
    their sizes unless cached).

    With a cache, a post whose file did not change is taken from it; the Markdown of the
    others is converted by `workers` processes when there is enough of it. `progress(done,
    total)` follows the posts read from their files. `file_stats`: the stats of the content's
    files by path, if the caller has just taken them.
    """
    contacts = read_contacts(content_dir, problems)
    label_entries = read_labels(content_dir, problems)
    assets: dict[str, Asset] = {}
    images = (photos.ImageSettings(config.image_widths, config.image_quality, options.image_dir)
              if options.image_dir else None)
    context = _Context(content_dir, config, contacts, assets, problems, images)

    posts, posts_read = _read_posts(content_dir, context, cache or BuildCache(None, ""), workers, progress,
                                    file_stats or {})
    posts = finish_posts(posts, config, problems)
    posts, next_due = select_published(posts, options, problems)

    pages = []
    for path in sorted((content_dir / "pages").glob("*.md"), key=Path.as_posix):
        page = _read_page(path, context)
        if page is not None and page.draft and not options.include_drafts:
            problems.warning(page.source_path, page.draft_line, "draft: not published (build with --drafts to see it)")
        elif page is not None:
            pages.append(page)
    pages = link_page_translations(pages, config.default_language, problems)
    check_unique_urls([(p.url, p.source_path) for p in pages], problems)

    posts, labels = resolve_labels(posts, label_entries, problems)
    return SiteContent(tuple(posts), tuple(pages), tuple(contacts.values()), labels,
                       tuple(sorted(assets.values(), key=lambda a: a.url)), next_due, posts_read)


@dataclass
class _Context:
    content_dir: Path
    config: SiteConfig
    contacts: dict[str, Contact]
    assets: dict[str, Asset]
    problems: Problems
    images: photos.ImageSettings | None = None


def reading_signature(content_dir: Path, config: SiteConfig) -> str:
    """Everything besides a post's own bytes that shapes the post read from it."""
    from zqsite import __version__

    registry = content_dir / "contacts.yaml"
    parts = [__version__, code_digest(), LIBRARY_VERSIONS, str(content_dir.resolve()),
             config.timezone, config.default_language, repr(config.languages), config.chinese_script,
             config.base_path, repr(config.trust_html), repr(config.iframe_hosts),
             repr((config.image_widths, config.image_quality)), registry.read_bytes().hex() if registry.is_file() else ""]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _read_posts(content_dir: Path, context: _Context, cache: BuildCache, workers: int,
                progress: Callable[[int, int], None] | None,
                file_stats: Mapping[str, os.stat_result]) -> tuple[list[Post], int]:
    """The posts, in file order, and how many were read from their files."""
    files = _markdown_files(content_dir, "posts", file_stats)
    found: list[Post | None] = [None] * len(files)
    new: list[tuple[int, str, os.stat_result]] = []  # not in the cache, or changed
    for number, (rel, name, stat) in enumerate(files):
        hit = cache.post(rel, stat, lambda name=name: _read_bytes(name))  # no Path per file: slow
        if hit is None:
            new.append((number, name, stat))
            continue
        record, file_problems, assets, body, summary, sources = hit
        if file_problems or assets or sources:  # most posts have none: nothing to look at
            if not _still_valid(hit, name, context):
                new.append((number, name, stat))
                continue
            context.problems.items.extend(Problem(*p) for p in file_problems)
            for url, source in assets:
                context.assets.setdefault(url, Asset(url, source))
        found[number] = post_from_record(record, body, summary)

    results = _read_new_posts(new, context, workers)
    for done, ((number, _name, stat), (post, file_problems, assets, key, sources)) in enumerate(zip(new, results), 1):
        if progress and len(new) > 1:
            progress(done, len(new))
        context.problems.extend(file_problems)
        for url, source in assets:
            context.assets.setdefault(url, Asset(url, source))
        if post is None:
            continue
        found[number] = post
        cache.store_post(post.source_path, stat, key, post_to_record(post),
                         tuple((p.path, p.line, p.message, p.is_error) for p in file_problems.items),
                         assets, post.body_html, post.summary_html, sources)
    cache.forget_others({rel for rel, _path, _stat in files})
    return [post for post in found if post is not None], len(new)


# Below this many new posts a process pool costs more than it saves: a forked reader starts in
# milliseconds; a spawned one imports zqsite and Python-Markdown first (0.13 s of CPU, measured),
# the time of reading about 50 posts.
PARALLEL_THRESHOLD = {"fork": 64, "spawn": 200}


def _read_new_posts(new: list[tuple[int, str, os.stat_result]], context: _Context,
                    workers: int) -> Iterator[tuple[Post | None, Problems, tuple, str, tuple]]:
    """Each new post read and converted (its new photos encoded), in order; many are read by
    worker processes (each reads, checks and converts whole files), and the results are
    taken as they come."""
    names = [name for _number, name, _stat in new]
    # What every reader needs: the settings and the contacts (a worker collects its own problems).
    shared = replace(context, problems=Problems(), assets={})
    yield from map_jobs(_read_new_post, names, shared, workers=workers, min_jobs=PARALLEL_THRESHOLD)


def _read_new_post(context: _Context, name: str) -> tuple[Post | None, Problems, tuple, str, tuple]:
    """(the post or None, its problems, its images to copy, the hash of its bytes, the
    stamps of the photos it shows)."""
    file_problems = Problems()
    path = Path(name)
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    draft = _read_post(path, data, replace(context, problems=file_problems))
    if draft is None:
        return None, file_problems, (), key, ()
    body = convert_body(_body_job(draft.doc, context))
    for src, line in body.missing:
        file_problems.warning(draft.doc.path, line, f"image '{src}' not found (looked beside "
                              "the post and in the content folder)")
    _report_bad_images(draft.doc.path, body, file_problems)
    post = _make_post(draft, body)
    from_file_name = not (draft.slug or draft.translation_of or draft.blogger_path or urls.slug_from_text(draft.title))
    if post.slug and from_file_name:
        file_problems.warning(draft.doc.path, key_line(draft.doc, "title"), "the title has no letters or digits to make "
                              f"an address from: the post is at {post.url}, made from the file name; "
                              "add 'slug: …' (a-z, 0-9, -) to choose another")
    converted = (body.html + "\0" + post.summary_html).encode()
    digest = hashlib.sha256(repr(post_to_record(post)).encode() + converted).hexdigest()
    return replace(post, digest=digest), file_problems, body.assets, key, body.sources


def _report_bad_images(path: str, body: BodyResult, problems: Problems) -> None:
    for src, line, why in body.bad:
        problems.warning(path, line, f"image '{src}' is not published: {why}; its caption is shown instead")


def _markdown_files(content_dir: Path, folder: str,
                    file_stats: Mapping[str, os.stat_result]) -> list[tuple[str, str, os.stat_result]]:
    """(path relative to the content folder, path, stat) of every .md file below a folder, sorted;
    from `file_stats` (every file of the content folder, just listed) when given."""
    found = []
    if file_stats:  # a second walk of 10,000 posts took 0.02 s of a one-edit rebuild
        top = os.path.join(content_dir, folder) + os.sep
        for name, stat in file_stats.items():
            if name.startswith(top) and name.endswith(".md"):
                found.append((f"{folder}/" + name[len(top):].replace(os.sep, "/"), name, stat))
        found.sort(key=lambda item: item[0])
        return found
    stack = [(f"{folder}/", os.path.join(content_dir, folder))]
    while stack:
        prefix, directory = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((f"{prefix}{entry.name}/", entry.path))
            elif entry.name.endswith(".md"):
                found.append((prefix + entry.name, entry.path, file_stats.get(entry.path) or entry.stat()))
    found.sort(key=lambda item: item[0])
    return found


def _read_bytes(name: str) -> bytes:
    with open(name, "rb") as handle:
        return handle.read()


def _still_valid(hit: tuple, name: str, context: _Context) -> bool:
    """A cached post holds while its images are still there (its photos unchanged) and its
    missing images still missing."""
    _record, file_problems, assets, _body, _summary, sources = hit
    cache_dir = context.images.cache_dir if context.images else None
    if not photos.files_current(assets, sources, cache_dir):
        return False
    for _path, _line, message, _is_error in file_problems:
        if message.startswith("image '") and " not found " in message:
            src = message.split("'")[1]
            if resolve_image(src, Path(name), context.content_dir) is not None:
                return False
    return True


def _load(path: Path, context: _Context, data: bytes | None = None) -> Document | None:
    shown = unicodedata.normalize("NFC", path.relative_to(context.content_dir).as_posix())  # macOS names are NFD
    if not urls.is_safe_segment(path.name) or "\\" in shown:
        context.problems.error(shown, None, "file name must not contain '\\', ':' or control characters")
        return None
    source = decode_source(shown, path.read_bytes() if data is None else data, context.problems)
    if source is None:
        return None
    return split_front_matter(source, context.problems)


@dataclass(frozen=True)
class _Draft:
    """A post's checked front matter, waiting for its body to be converted."""

    doc: Document
    title: str
    date: datetime
    language: str
    labels: tuple[str, ...]
    contacts: tuple[Contact, ...]
    slug: str | None
    summary: str | None
    source: str | None
    draft: bool
    translation_of: str | None
    blogger_path: str | None


def _read_post(path: Path, data: bytes, context: _Context) -> _Draft | None:
    doc = _load(path, context, data)
    if doc is None:
        return None
    problems, shown, front = context.problems, doc.path, doc.front_matter
    errors_before = len(problems.errors)
    check_keys(shown, front, POST_KEYS, SYNONYMS, problems)

    title = text_value(doc, "title", problems, required=True)
    date = date_value(doc, context.config, problems)
    language = language_value(doc, context.config, problems)
    labels = labels_value(doc, problems)
    contacts = contacts_value(doc, context.contacts, problems)
    slug = slug_value(doc, problems)
    summary = text_value(doc, "summary", problems)
    source = text_value(doc, "source", problems)
    draft = flag_value(doc, "draft", problems)
    translation_of = text_value(doc, "translation_of", problems)
    blogger_path = blogger_path_value(doc, problems)
    warn_cut_at_comment(doc, ("title", "summary", "source"), problems)
    if len(problems.errors) > errors_before or title is None or date is None:
        return None

    if not labels and front.get("labels") is None:
        problems.warning(shown, 2, "this post has no labels: it appears on no label page")
    _warn_repeated_paragraphs(doc, problems)
    return _Draft(doc, title, date, language, labels, contacts, slug, summary, source, draft, translation_of,
                  blogger_path)


def _make_post(draft: _Draft, body: "BodyResult") -> Post:
    summary_html = html.escape(draft.summary) if draft.summary else first_paragraph(body.html)
    slug = draft.slug
    if not slug and draft.translation_of:  # a translation's slug comes from its original's
        slug = urls.translation_slug(draft.translation_of, draft.language)
    elif not slug:
        slug = urls.slug_from_text(draft.title) or urls.slug_from_text(Path(draft.doc.path).stem)
    url = draft.blogger_path or (urls.post_url(draft.date, slug) if slug else "")
    return Post(
        source_path=draft.doc.path, title=draft.title, date=draft.date, language=draft.language,
        slug=slug or "", url=url, body=body.html, summary=summary_html,
        labels=draft.labels, contacts=draft.contacts,
        source=draft.source or "", draft=draft.draft, translation_of=draft.translation_of, images=body.images,
        preview_image=body.preview,
        links=body.links, lines=tuple((key, line) for key, (line, _v) in draft.doc.front_matter.entries.items()),
    )


def _read_page(path: Path, context: _Context) -> StandalonePage | None:
    doc = _load(path, context)
    if doc is None:
        return None
    problems = context.problems
    errors_before = len(problems.errors)
    check_keys(doc.path, doc.front_matter, PAGE_KEYS, SYNONYMS, problems)
    title = text_value(doc, "title", problems, required=True)
    language = language_value(doc, context.config, problems)
    contacts = contacts_value(doc, context.contacts, problems)
    translation_of = text_value(doc, "translation_of", problems)
    # A translation is at its original's address in its language's folder (/ja/p/about.html).
    slug = slug_value(doc, problems) or translation_of or urls.slug_from_text(Path(doc.path).stem)
    draft = flag_value(doc, "draft", problems)
    warn_cut_at_comment(doc, ("title",), problems)
    if len(problems.errors) > errors_before or title is None:
        return None
    if not slug:
        problems.error(doc.path, None, "cannot make a URL from this file name: give the page a 'slug'")
        return None
    body = convert_body(_body_job(doc, context))
    for src, line in body.missing:
        problems.warning(doc.path, line, f"image '{src}' not found (looked beside the page and in the content folder)")
    _report_bad_images(doc.path, body, problems)
    for url, source in body.assets:
        context.assets.setdefault(url, Asset(url, source))
    return StandalonePage(doc.path, title, slug, urls.page_url(slug), language, body.html, contacts, draft,
                          key_line(doc, "draft"), translation_of, key_line(doc, "translation_of") if translation_of else None)


# --- body ----------------------------------------------------------------------------------

def _body_job(doc: Document, context: _Context) -> BodyJob:
    config = context.config
    return BodyJob(doc.path, doc.body, doc.body_line, str(context.content_dir), config.base_path,
                   config.trust_html, config.iframe_hosts, context.images)


def _warn_repeated_paragraphs(doc: Document, problems: Problems) -> None:
    blocks = doc.body.split("\n\n")
    seen: dict[str, int] = {}  # a paragraph's words -> the block it first appears in
    repeats: list[tuple[int, int]] = []
    for number, block in enumerate(blocks):
        text = " ".join(block.split())
        if len(text) >= 12 and not text.startswith(("|", "```")):
            first = seen.setdefault(text, number)
            if first != number:
                repeats.append((number, first))
    if not repeats:  # nearly every post: no line numbers to count
        return
    starts, line = [], doc.body_line  # the line of each block's first text
    for block in blocks:
        starts.append(line + block.count("\n", 0, len(block) - len(block.lstrip("\n"))))
        line += block.count("\n") + 2
    for number, first in repeats:
        problems.warning(doc.path, starts[number], f"this paragraph repeats the one on line {starts[first]}")
