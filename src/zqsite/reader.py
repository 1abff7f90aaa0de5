"""Content folder -> models. Every problem is collected with its file and line; nothing is written."""

from __future__ import annotations

import hashlib
import html
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator
from urllib.parse import unquote, urlsplit

from zqsite import photos, urls
from zqsite.config import SiteConfig
from zqsite.cache import BuildCache, code_digest, post_from_record, post_to_record
from zqsite.errors import Problem, Problems
from zqsite.frontmatter import Document, check_keys, decode_source, split_front_matter
from zqsite.languages import normalise_language
from zqsite.bodies import BodyJob, BodyResult, convert_body, resolve_image
from zqsite.markup import LIBRARY_VERSIONS, first_paragraph
from zqsite.models import Asset, Contact, Post, SiteContent, StandalonePage
from zqsite.labelset import resolve_labels, several_in_one
from zqsite.registry import parse_contact, read_contacts, read_labels
from zqsite.translations import link_page_translations
from zqsite.workers import map_jobs
from zqsite.yamlsource import YAML11_BOOLEANS, Mapping, Scalar, Sequence, describe, is_null, parse_bool

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
              progress: Callable[[int, int], None] | None = None) -> SiteContent:
    """Reads posts, pages, contacts, labels and the images they use (photos encoded in
    their sizes unless cached).

    With a cache, a post whose file did not change is taken from it; the Markdown of the
    others is converted by `workers` processes when there is enough of it. `progress(done,
    total)` follows the posts read from their files.
    """
    contacts = read_contacts(content_dir, problems)
    label_entries = read_labels(content_dir, problems)
    assets: dict[str, Asset] = {}
    images = (photos.ImageSettings(config.image_widths, config.image_quality, options.image_dir)
              if options.image_dir else None)
    context = _Context(content_dir, config, contacts, assets, problems, images)

    posts, posts_read = _read_posts(content_dir, context, cache or BuildCache(None, ""), workers, progress)
    posts = _finish_posts(posts, config, problems)
    posts, next_due = _select_published(posts, options, problems)

    pages = []
    for path in sorted((content_dir / "pages").glob("*.md"), key=Path.as_posix):
        page = _read_page(path, context)
        if page is not None and page.draft and not options.include_drafts:
            problems.warning(page.source_path, page.draft_line, "draft: not published (build with --drafts to see it)")
        elif page is not None:
            pages.append(page)
    pages = link_page_translations(pages, config.default_language, problems)
    _check_unique_urls([(p.url, p.source_path) for p in pages], problems)

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
                progress: Callable[[int, int], None] | None) -> tuple[list[Post], int]:
    """The posts, in file order, and how many were read from their files."""
    files = _markdown_files(content_dir, "posts")
    found: list[Post | None] = [None] * len(files)
    new: list[tuple[int, str, os.stat_result]] = []  # not in the cache, or changed
    for number, (rel, name, stat) in enumerate(files):
        hit = cache.post(rel, stat, lambda name=name: _read_bytes(name))  # no Path per file: slow
        if hit is not None and _still_valid(hit, name, context):
            record, file_problems, assets, body, summary, _sources = hit
            found[number] = post_from_record(record, body, summary)
            context.problems.items.extend(Problem(*p) for p in file_problems)
            for url, source in assets:
                context.assets.setdefault(url, Asset(url, source))
            continue
        new.append((number, name, stat))

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
        file_problems.warning(draft.doc.path, _line(draft.doc, "title"), "the title has no letters or digits to make "
                              f"an address from: the post is at {post.url}, made from the file name; "
                              "add 'slug: …' (a-z, 0-9, -) to choose another")
    converted = (body.html + "\0" + post.summary_html).encode()
    digest = hashlib.sha256(repr(post_to_record(post)).encode() + converted).hexdigest()
    return replace(post, digest=digest), file_problems, body.assets, key, body.sources


def _report_bad_images(path: str, body: BodyResult, problems: Problems) -> None:
    for src, line, why in body.bad:
        problems.warning(path, line, f"image '{src}' is not published: {why}; its caption is shown instead")


def _markdown_files(content_dir: Path, folder: str) -> list[tuple[str, str, os.stat_result]]:
    """(path relative to the content folder, path, stat) of every .md file below a folder, sorted."""
    found = []
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
                found.append((prefix + entry.name, entry.path, entry.stat()))
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

    title = _text(doc, "title", problems, required=True)
    date = _date(doc, context.config, problems)
    language = _language(doc, context.config, problems)
    labels = _labels(doc, problems)
    contacts = _contacts(doc, context, problems)
    slug = _slug(doc, problems)
    summary = _text(doc, "summary", problems)
    source = _text(doc, "source", problems)
    draft = _flag(doc, "draft", problems)
    translation_of = _text(doc, "translation_of", problems)
    blogger_path = _blogger_path(doc, problems)
    _warn_cut_at_comment(doc, ("title", "summary", "source"), problems)
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
    if not slug and not draft.translation_of:  # a translation's slug comes from its original's
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
    title = _text(doc, "title", problems, required=True)
    language = _language(doc, context.config, problems)
    contacts = _contacts(doc, context, problems)
    translation_of = _text(doc, "translation_of", problems)
    # A translation is at its original's address in its language's folder (/ja/p/about.html).
    slug = _slug(doc, problems) or translation_of or urls.slug_from_text(Path(doc.path).stem)
    draft = _flag(doc, "draft", problems)
    _warn_cut_at_comment(doc, ("title",), problems)
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
                          _line(doc, "draft"), translation_of, _line(doc, "translation_of") if translation_of else None)


# --- front-matter values -------------------------------------------------------------------

def _line(doc: Document, key: str) -> int:
    entry = doc.front_matter.entries.get(key)
    return entry[0] if entry else 2


def _text(doc: Document, key: str, problems: Problems, required: bool = False) -> str | None:
    value = doc.front_matter.get(key)
    if is_null(value):
        if required:
            problems.error(doc.path, _line(doc, key), f"'{key}' is missing or empty")
        return None
    if not isinstance(value, Scalar):
        problems.error(doc.path, value.line, f"'{key}' must be a single text, not {describe(value)}")
        return None
    # Kept as written: `title: 2024` is the text "2024", `title: no` is "no".
    text = " ".join(value.text.split())
    if required and not text:
        problems.error(doc.path, value.line, f"'{key}' is empty")
        return None
    return text


def _warn_cut_at_comment(doc: Document, keys: tuple[str, ...], problems: Problems) -> None:
    """`title: Fixture C# #1 tip` is "Fixture C#" to YAML: the rest is a comment."""
    for key in keys:
        value = doc.front_matter.get(key)
        if isinstance(value, Scalar) and value.comment:
            whole = f"{value.text} #{value.comment}".replace('"', '\\"')
            problems.warning(doc.path, value.line, f"'{key}' was cut at ' #': YAML reads '#{value.comment}' as a "
                             f'comment; quote the value to keep it all: {key}: "{whole}"')


_DATE_SPACE_OFFSET = re.compile(r"^(.*\d)\s+([+-]\d\d:?\d\d|Z)$")


def parse_date(text: str, config: SiteConfig) -> datetime | None:
    """ISO 8601 date or date-time; without an offset it is in the site's time zone."""
    text = text.strip()
    match = _DATE_SPACE_OFFSET.match(text)
    if match:  # YAML's "2024-07-15 21:41:00 +08:00" form
        text = match.group(1) + match.group(2)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=config.tz)
    return value.astimezone(config.tz)


def _date(doc: Document, config: SiteConfig, problems: Problems) -> datetime | None:
    value = doc.front_matter.get("date")
    if is_null(value):
        problems.error(doc.path, _line(doc, "date"), "'date' is missing (write e.g. date: 2024-07-15T21:41:00+08:00)")
        return None
    if not isinstance(value, Scalar):
        problems.error(doc.path, value.line, f"'date' must be a single date, not {describe(value)}")
        return None
    parsed = parse_date(value.text, config)
    if parsed is None:
        problems.error(doc.path, value.line, f"'{value.text}' is not a valid date; write e.g. "
                       "2024-07-15 or 2024-07-15T21:41:00+08:00")
    return parsed


def _language(doc: Document, config: SiteConfig, problems: Problems) -> str:
    text = _text(doc, "language", problems)
    if text is None:
        return config.default_language
    code = normalise_language(text, config.chinese_script)
    if code is None or code not in config.languages:
        what = "unknown language" if code is None else "the site does not publish the language"
        problems.error(doc.path, _line(doc, "language"),
                       f"{what} '{text}'; it publishes {', '.join(config.languages)} "
                       "(the `languages` setting of site.yaml)")
        return config.default_language
    return code


def _labels(doc: Document, problems: Problems) -> tuple[str, ...]:
    value = doc.front_matter.get("labels")
    if is_null(value):
        return ()
    if isinstance(value, Scalar):
        if not value.quoted and value.text.lower() in YAML11_BOOLEANS:
            problems.error(doc.path, value.line, f"'labels: {value.text}' is unclear (YAML reads it as "
                           f"true/false): write labels: [{value.text}] for a label, or labels: [] for none")
            return ()
        items = (value,)  # `labels: dasha` means one label
    elif isinstance(value, Sequence):
        items = value.items
    else:
        problems.error(doc.path, value.line, "'labels' must be a list, e.g. labels: [dasha, sihui]")
        return ()
    fix = several_in_one(items)
    if fix:  # `labels: 肇慶, 四會` would publish one label "肇慶, 四會"
        problems.error(doc.path, value.line, f"'{fix[0]}' is several labels written as one: write "
                       f"labels: [{', '.join(fix[1])}] (or quote it if it is one label)")
        return ()
    labels: list[str] = []
    for item in items:
        if not isinstance(item, Scalar) or not item.text.strip():
            problems.error(doc.path, item.line, "each label must be a non-empty text")
            continue
        label = " ".join(item.text.split())
        if label not in labels:
            labels.append(label)
    return tuple(labels)


def _contacts(doc: Document, context: _Context, problems: Problems) -> tuple[Contact, ...]:
    value = doc.front_matter.get("contacts")
    if is_null(value):
        return ()
    items = (value,) if isinstance(value, (Scalar, Mapping)) else value.items
    fix = several_in_one(items)
    if fix:
        problems.error(doc.path, value.line, f"'{fix[0]}' is several contact ids written as one: write "
                       f"contacts: [{', '.join(fix[1])}]")
        return ()
    contacts = []
    for number, item in enumerate(items, 1):
        if isinstance(item, Mapping):  # a one-off contact written in the post
            # An inline contact is named by its place in the list: its id only marks its card on the page.
            contact = parse_contact(doc.path, f"inline-{number}", item, item.line, problems)
            contact = replace(contact, registered=False) if contact else None
        elif isinstance(item, Scalar):
            contact = context.contacts.get(item.text.strip())
            if contact is None:
                known = ", ".join(sorted(context.contacts)) or "none: contacts.yaml is missing or empty"
                problems.error(doc.path, item.line, f"unknown contact id '{item.text}' (known ids: {known})")
        else:
            problems.error(doc.path, item.line, "a contact is an id from contacts.yaml or a mapping of fields")
            contact = None
        if contact is not None:
            contacts.append(contact)
    return tuple(contacts)


def _slug(doc: Document, problems: Problems) -> str | None:
    text = _text(doc, "slug", problems)
    if text is not None and not urls.is_valid_explicit_slug(text):
        problems.error(doc.path, _line(doc, "slug"),
                       f"slug '{text}' may hold only lower-case a-z, 0-9 and single '-' between them")
        return None
    return text


def _flag(doc: Document, key: str, problems: Problems) -> bool:
    value = doc.front_matter.get(key)
    if is_null(value):
        return False
    flag = parse_bool(value) if isinstance(value, Scalar) else None
    if flag is None:
        problems.error(doc.path, value.line, f"'{key}' must be true or false")
        return False
    return flag


def _blogger_path(doc: Document, problems: Problems) -> str | None:
    """The post's old Blogger address (/2024/07/x.html), kept so that old links still work."""
    text = _text(doc, "blogger_path", problems)
    if text is None:
        return None
    path = urlsplit(text).path if "://" in text else text
    parts = PurePosixPath(unquote(path)).parts
    if (not path.startswith("/") or not path.endswith(".html") or len(parts) < 2
            or not all(urls.is_safe_segment(p) for p in parts[1:])):
        problems.error(doc.path, _line(doc, "blogger_path"),
                       f"blogger_path '{text}' must be a site path like /2024/07/post-name.html")
        return None
    return "/" + "/".join(parts[1:])


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


# --- across posts --------------------------------------------------------------------------

def _finish_posts(posts: list[Post], config: SiteConfig, problems: Problems) -> list[Post]:
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
        slug = post.slug or (f"{post.translation_of}-{post.language.lower()}" if post.translation_of else "")
        if not slug:
            problems.error(post.source_path, post.line_of("title"),
                           "cannot make a URL from this title (no letters or digits): add a 'slug'")
            continue
        url = post.url or urls.post_url(post.date, slug)
        finished.append(post if (slug, url) == (post.slug, post.url) else replace(post, slug=slug, url=url))
    _check_unique_urls([(p.url, p.source_path) for p in finished], problems)
    seen: dict[tuple[str, str], str] = {}
    for post in finished:
        if post.translation_of is not None:
            key = (post.translation_of, post.language)
            if key in seen:
                problems.error(post.source_path, post.line_of("language"),
                               f"{seen[key]} is already the {post.language} translation of '{post.translation_of}'")
            seen[key] = post.source_path
    return finished


def _check_unique_urls(entries: list[tuple[str, str]], problems: Problems) -> None:
    owner: dict[str, str] = {}
    for url, path in entries:
        if url in owner:
            problems.error(path, None, f"this would get the same URL {url} as {owner[url]}: give one of them another 'slug'")
        else:
            owner[url] = path


def _select_published(posts: list[Post], options: ReadOptions,
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
