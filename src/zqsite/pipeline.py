"""The build, as named phases in order: configure → read → index → plan → render → write."""

from __future__ import annotations

import ctypes
import gc
import hashlib
import logging
import os
import tempfile
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote, urljoin

import jinja2

from zqsite import i18n, photos
from zqsite import __version__
from zqsite.cache import BuildCache, CacheLost, LastPages, code_digest, discard_posts, post_to_record, read_last_build
from zqsite.config import CONFIG_FILE_NAME, SiteConfig, load_config
from zqsite.errors import BuildFailed, Problem, Problems
from zqsite.feeds import render_feed
from zqsite.index import SiteIndex, build_index
from zqsite.models import SiteContent
from zqsite.models import Post
from zqsite.pages import FeedSpec, FileSpec, PageSpec, SitePlan, plan_site
from zqsite.reader import ReadOptions, read_site, reading_signature
from zqsite.render import Renderer
from zqsite.search import SearchUnavailable, build_search_files, bundle_path, pagefind_version, search_languages
from zqsite.urls import output_path
from zqsite.views import ViewMaker
from zqsite.writer import SiteWriter, check_output_dir, list_files, remove_leftovers

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout: templates/, static/, site.yaml
CACHE_DIR_NAME = ".zqsite-cache"


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path = PROJECT_ROOT / "content"
    output_dir: Path = PROJECT_ROOT / "public"
    config_path: Path | None = None  # None: the project's site.yaml if there is one, else defaults
    templates_dir: Path = PROJECT_ROOT / "templates"
    static_dir: Path = PROJECT_ROOT / "static"
    include_drafts: bool = False
    include_future: bool = False
    strict: bool = False
    now: datetime | None = None
    base_url: str | None = None  # overrides the configuration's (the preview server's own address)
    use_cache: bool = True
    cache_dir: Path | None = None  # None: .zqsite-cache/ beside the content folder
    workers: int = 0  # processes for Markdown conversion; 0: one per core
    # False: keep the published search index even if posts changed (the preview server's
    # quick rebuild after an edit; Pagefind re-indexes every post, which takes seconds)
    update_search: bool = True

    @property
    def cache_folder(self) -> Path | None:
        if not self.use_cache:
            return None
        return self.cache_dir or self.content_dir.resolve().parent / CACHE_DIR_NAME


@dataclass(frozen=True)
class BuildReport:
    posts: int
    pages: int  # HTML pages in the site
    files_written: int
    files_unchanged: int
    files_deleted: int
    warnings: tuple[Problem, ...]
    seconds: float
    phases: tuple[tuple[str, float], ...] = ()  # (phase, seconds), in order: `build --timings`


class PhaseClock:
    """How long each phase of a build took (seconds since the previous mark)."""

    def __init__(self, started: float) -> None:
        self._last = started
        self.phases: list[tuple[str, float]] = []

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases.append((phase, now - self._last))
        self._last = now


@dataclass
class LoadedSite:
    config: SiteConfig
    content: SiteContent
    index: SiteIndex
    cache: BuildCache
    problems: Problems = field(default_factory=Problems)
    # Where photos' variants are: the build cache's images/, or without a cache a scratch
    # folder that goes with this object.
    image_dir: Path | None = None
    scratch: tempfile.TemporaryDirectory | None = None


def default_config_path() -> Path | None:
    path = PROJECT_ROOT / CONFIG_FILE_NAME
    return path if path.is_file() else None


def load_site(options: BuildOptions, clock: PhaseClock | None = None,
              progress: Callable[[int, int], None] | None = None) -> LoadedSite:
    """Configuration and content, validated; BuildFailed lists every error (and the warnings)."""
    config_path = options.config_path if options.config_path is not None else default_config_path()
    config, problems = load_config(config_path, str(config_path) if config_path else None)
    if options.base_url:
        config = replace(config, base_url=options.base_url)
    if not options.content_dir.is_dir():
        problems.error(str(options.content_dir), None, "content folder not found")
    if problems.errors:
        raise BuildFailed(problems)
    scratch = None if options.cache_folder else tempfile.TemporaryDirectory(prefix="zqsite-images-")
    image_dir = options.cache_folder / "images" if options.cache_folder else Path(scratch.name)
    read_options = ReadOptions(options.include_drafts, options.include_future, options.now, str(image_dir))
    cache = BuildCache(options.cache_folder, reading_signature(options.content_dir, config), options.output_dir)
    workers = options.workers or os.cpu_count() or 1
    content = read_site(options.content_dir, config, read_options, problems, cache, workers, progress)
    if clock:
        clock.mark(f"read {content.posts_read} of {len(content.posts)} posts")
    if problems.errors or (options.strict and problems.warnings):
        raise BuildFailed(problems, "warnings are errors with --strict" if not problems.errors else "build failed")
    index = build_index(content.posts, content.labels, config.default_language)
    if content.posts_read > 500:
        _return_free_memory()
    if clock:
        clock.mark("index")
    return LoadedSite(config, content, index, cache, problems, image_dir, scratch)


def _return_free_memory() -> None:
    """Gives what reading freed (file bytes, parsed documents, conversion results: about half
    of what it used) back to the system, instead of keeping it in the process where every
    forked render worker would map it too. glibc only; elsewhere nothing happens."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def build_site(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Builds the whole site and publishes it only if every phase succeeded."""
    # A build makes millions of objects and next to no cyclic garbage: the garbage collector's
    # passes over them took a tenth of a rebuild after an edit. (Measured: the same peak memory
    # for a cold build of 10,000 posts without it.) It runs again after the build.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            return _build_once(options, progress)
        except CacheLost as exc:  # nothing was published: build again, reading every post
            log.warning("%s; reading every post again", exc)
            assert options.cache_folder is not None
            discard_posts(options.cache_folder)
            return _build_once(options, progress)
    finally:
        if collecting:
            gc.enable()


def _build_once(options: BuildOptions, progress: Callable[[int, int], None] | None) -> BuildReport:
    try:
        return _build(options, progress, from_last_build=True)
    except _LastBuildGone as exc:  # nothing was published: plan every page this time
        log.info("%s is not as the last build left it; planning every page", exc)
        return _build(options, progress, from_last_build=False)


class _LastBuildGone(Exception):
    """A published file the build meant to keep is missing or was changed."""


def _build(options: BuildOptions, progress: Callable[[int, int], None] | None, from_last_build: bool) -> BuildReport:
    started = time.perf_counter()
    clock = PhaseClock(started)
    protected = [options.content_dir, options.templates_dir, options.static_dir, PROJECT_ROOT]
    output = check_output_dir(options.output_dir, protected)  # before any work, and before the cache is written
    snapshot = input_snapshot(options)
    remove_leftovers(output)  # of an earlier build that was interrupted
    published_files = list_files(output) if output.is_dir() else set()
    unchanged = _unchanged_build(options, snapshot, published_files, started)
    clock.mark("check for changes")
    if unchanged is not None:
        return replace(unchanged, phases=tuple(clock.phases))
    site = load_site(options, clock, (lambda done, total: progress(done, total, "posts read")) if progress else None)
    cache = site.cache
    views = ViewMaker(site.config, site.index.labels, site.index.versions)
    renderer = _make_renderer(options, site)
    fingerprints = Fingerprints(site, renderer, options.templates_dir)
    frame = fingerprints.frame(site)
    last = cache.last_pages if options.use_cache and from_last_build else None
    if last is None or last.frame != frame:
        last = None
    plan, kept = _plan(site, views, fingerprints, last)
    shows = last.shows if last else {output_path(spec.url): spec.shows for spec in plan.pages if spec.shows}
    page_count = last.page_count if last else len(plan.pages)
    clock.mark(f"plan {len(plan.pages)} pages")
    renderer.check_templates()
    static_files = _static_files(options.static_dir)
    known = {output_path(spec.url) for spec in plan.pages} | {output_path(f.url) for f in plan.feeds}
    known |= {output_path(file.url) for file in plan.files} | set(kept)
    known |= {rel for rel, _ in static_files} | {a.url.lstrip("/") for a in site.content.assets}
    warnings = list(site.problems.warnings) + check_post_links(site.index.all_posts, known, site.config)
    if options.strict and len(warnings) > len(site.problems.warnings):
        raise BuildFailed(warnings, "warnings are errors with --strict")
    label_names = {label.key: label.name(site.config.default_language) for label in site.index.labels}
    clock.mark("check templates and links")

    previous = cache if options.use_cache else None
    manifest: dict[str, tuple[str, int]] = {}
    unmarked = 0  # pages without a fingerprint: rendered every time
    workers = options.workers or os.cpu_count() or 1
    with SiteWriter(options.output_dir, protected, published_files) as writer:
        for rel, entry in kept.items():
            if not writer.keep_if_published(rel, entry[1]):
                raise _LastBuildGone(rel)
            manifest[rel] = entry
        total = len(plan.pages) + len(plan.feeds)
        changed: list[tuple[str, PageSpec, str]] = []
        for spec in plan.pages:
            rel = output_path(spec.url)
            mark = fingerprints.page(spec)
            unmarked += not mark
            if not _reuse(writer, previous, rel, mark, manifest):
                changed.append((rel, spec, mark))
        clock.mark(f"compare {len(plan.pages)} pages with the last build, keep {len(kept)}")
        done = total - len(plan.feeds) - len(changed)
        rels = [writer.claim(rel) for rel, _spec, _mark in changed]
        for position, size, written in render_pages(renderer, [c[1] for c in changed], rels, writer, workers):
            writer.account(written)
            mark = changed[position][2]
            if mark:
                manifest[rels[position]] = (mark, size)
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
        clock.mark(f"render {len(changed)} pages")
        for feed in plan.feeds:
            _write_unless_reused(writer, previous, output_path(feed.url), fingerprints.feed(feed),
                                 lambda feed=feed: render_feed(feed, site.config, label_names), manifest)
        for file in plan.files:
            _write_unless_reused(writer, previous, output_path(file.url), fingerprints.file(file), file.make,
                                 manifest)
        clock.mark("feeds and files")
        warnings += _write_search_index(writer, site, fingerprints, options.update_search)
        clock.mark("search index")
        for rel, path in static_files:
            writer.copy(rel, path)
        for asset in site.content.assets:
            writer.copy(asset.url.lstrip("/"), Path(asset.source))
        stats = writer.commit()
        published = writer.files()
    clock.mark("static files and publish")
    if options.cache_folder and site.image_dir:
        photos.forget_unused(site.image_dir, {asset.source for asset in site.content.assets})
    cache.save(LastPages(frame if not unmarked else "", manifest, shows, fingerprints.post_marks, page_count))
    due = site.content.next_due.isoformat() if site.content.next_due else ""
    cache.save_last_build({
        "snapshot": snapshot, "output": _digest_of_listing(published), "due": due,
        "posts": len(site.index.all_posts), "pages": page_count,
        "warnings": [(w.path, w.line, w.message) for w in warnings]})
    clock.mark("save the build cache")
    if progress:
        progress(total, total)
    return BuildReport(
        posts=len(site.index.all_posts), pages=page_count, files_written=stats.written,
        files_unchanged=stats.unchanged, files_deleted=stats.deleted,
        warnings=tuple(warnings), seconds=time.perf_counter() - started, phases=tuple(clock.phases))


def _plan(site: LoadedSite, views: ViewMaker, fingerprints: "Fingerprints",
          last: LastPages | None) -> tuple[SitePlan, dict[str, tuple[str, int]]]:
    """The pages and feeds to build, and the files of the last build to keep as they are.

    `last`: the last build, when its frame is this build's: the same pages, each showing what
    it showed then unless it shows a post that changed. Only those pages are planned (and
    every feed); the last build's other files are kept.
    """
    if last is None:
        return plan_site(site.index, site.content.pages, site.config, views, site.content.contacts), {}
    changed_posts = fingerprints.changed_posts(last.posts)
    affected = {rel for rel, shows in last.shows.items() if not changed_posts.isdisjoint(shows)}
    plan = plan_site(site.index, site.content.pages, site.config, views, site.content.contacts,
                     wanted=lambda url: output_path(url) in affected)
    feeds = {output_path(feed.url) for feed in plan.feeds}
    return plan, {rel: entry for rel, entry in last.pages.items() if rel not in affected and rel not in feeds}


def input_snapshot(options: BuildOptions) -> str:
    """A hash of everything a build reads: each input file's path, size and modification time,
    the options, and zqsite's own code."""
    config = options.config_path if options.config_path is not None else default_config_path()
    digest = hashlib.sha256(code_digest().encode())
    digest.update(repr((str(options.content_dir.resolve()), str(config), options.include_drafts,
                        options.include_future, options.strict, options.base_url, options.update_search,
                        str(options.templates_dir), str(options.static_dir))).encode())
    for root in (options.content_dir, options.templates_dir, options.static_dir):
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
            folders += reversed(subfolders)
    if config is not None and config.is_file():
        stat = config.stat()
        digest.update(f"{config}\0{stat.st_mtime_ns}\0{stat.st_size}".encode())
    return digest.hexdigest()


def _digest_of_listing(files: set[str]) -> str:
    return hashlib.sha256("\n".join(sorted(files)).encode()).hexdigest()


def _unchanged_build(options: BuildOptions, snapshot: str, published_files: set[str],
                     started: float) -> BuildReport | None:
    """The report of a build with nothing to do: no input changed since the last build, its
    output is all there, and no post held back for a future date has come due."""
    if options.cache_folder is None or not published_files:
        return None
    last = read_last_build(options.cache_folder, options.output_dir)
    if not last or last.get("snapshot") != snapshot or last.get("output") != _digest_of_listing(published_files):
        return None
    now = options.now or datetime.now().astimezone()
    if last.get("due") and now >= datetime.fromisoformat(last["due"]):
        return None
    files = len(published_files)
    return BuildReport(posts=last["posts"], pages=last["pages"], files_written=0, files_unchanged=files,
                       files_deleted=0, warnings=tuple(Problem(p, line, m, False) for p, line, m in last["warnings"]),
                       seconds=time.perf_counter() - started)


def _write_search_index(writer: SiteWriter, site: LoadedSite, fingerprints: "Fingerprints",
                        update: bool = True) -> list[Problem]:
    """The Pagefind bundles, one per language; a language's bundle is reused from the
    published site when none of its posts changed (or, with `update` False, whenever there
    is one)."""
    posts = site.index.all_posts
    if not posts or not site.config.search:
        return []
    engine = pagefind_version()
    stale: list[tuple[str, str, bytes]] = []  # (language, stamp file, digest)
    for language in search_languages(posts):
        folder = bundle_path(language).strip("/")
        stamp = f"{folder}/zqsite-input.sha256"
        digest = fingerprints.search(engine, site.index.by_language[language]).encode()
        current = not update or writer.published(stamp) == digest
        if current and len(writer.published_under(folder)) > 1:  # the stamp and the bundle
            writer.keep_published(folder)
        else:
            stale.append((language, stamp, digest))
    if not stale:
        return []
    try:
        files = build_search_files(posts, site.config, [language for language, _, _ in stale])
    except SearchUnavailable as exc:
        missing = ", ".join(language for language, _, _ in stale)
        return [Problem("search", None, f"{exc}; the site was built without the search index of {missing}",
                        is_error=False)]
    for rel, data in files:
        writer.write(rel, data)
    for _language, stamp, digest in stale:
        writer.write(stamp, digest)
    return []


def _reuse(writer: SiteWriter, previous: BuildCache | None, rel: str, mark: str,
           manifest: dict[str, tuple[str, int]]) -> bool:
    """Keeps a published file whose fingerprint is the one it was built from last time."""
    if not mark or previous is None:
        return False
    last = previous.page(rel)
    if last is not None and last[0] == mark and writer.keep_if_published(rel, last[1]):
        manifest[rel] = last
        return True
    return False


def _write_unless_reused(writer: SiteWriter, previous: BuildCache | None, rel: str, mark: str,
                         make: Callable[[], bytes], manifest: dict[str, tuple[str, int]]) -> None:
    """Keeps the published file if its fingerprint is unchanged, else writes what `make` gives."""
    if not _reuse(writer, previous, rel, mark, manifest):
        data = make()
        writer.write(rel, data)
        manifest[rel] = (mark, len(data))


class Fingerprints:
    """What a page or feed is made of, as a hash: same hash, same bytes as last time."""

    def __init__(self, site: LoadedSite, renderer: Renderer, templates_dir: Path) -> None:
        theme = hashlib.sha256(__version__.encode() + code_digest().encode())
        for path in sorted(templates_dir.rglob("*")) + sorted(i18n.MESSAGES_DIR.glob("*.yaml")):
            if path.is_file():
                theme.update(path.name.encode() + b"\0" + path.read_bytes())
        theme.update(repr(site.config).encode() + repr(site.index.labels).encode())
        self._theme = theme.digest()
        self._renderer = renderer
        self._by_language: dict[str, bytes] = {}
        self._base_path = site.config.base_path
        self.post_marks = {post.url: (post.digest or repr(post_to_record(post))).encode()
                           for post in site.index.all_posts}  # post URL -> what the post is made of

    def frame(self, site: LoadedSite) -> str:
        """Everything besides the posts' own content that decides which pages there are and
        what they show: with the frame of the last build, a page changes only if a post it
        shows changed."""
        digest = hashlib.sha256(self._theme)
        content = site.content
        for code in sorted({site.config.default_language, *site.index.by_language, *(p.language for p in content.pages)}):
            digest.update(self._language(code))
        digest.update(site.index.structure.encode() + repr((content.pages, content.contacts)).encode())
        return digest.hexdigest()

    def changed_posts(self, last: dict[str, bytes]) -> set[str]:
        """URLs of the posts whose fingerprint is not the one in `last`."""
        return {url for url, mark in self.post_marks.items() if last.get(url) != mark}

    def _language(self, language: str) -> bytes:
        """What every page of a language shows around its content."""
        found = self._by_language.get(language)
        if found is None:
            digest = hashlib.sha256(self._theme)
            digest.update(repr(self._renderer.chrome(language)).encode())
            found = self._by_language[language] = digest.digest()
        return found

    def page(self, spec: PageSpec) -> str:
        digest = hashlib.sha256(self._language(spec.language))
        if spec.inputs is None:  # a page whose values are at hand (small, or few): they are its inputs
            described = repr(spec.context)
            if " at 0x" in described:  # an object without a repr of its values: render it every time
                return ""
            digest.update(repr((spec.url, spec.template)).encode() + described.encode())
            return digest.hexdigest()
        marks = self.post_marks
        digest.update(repr((spec.url, spec.template, spec.inputs)).encode() + b"".join([marks[url] for url in spec.shows]))
        return digest.hexdigest()

    def search(self, engine_version: str, posts: tuple[Post, ...]) -> str:
        """What a language's search bundle is made of: its posts."""
        digest = hashlib.sha256(f"{engine_version}|{self._base_path}".encode())
        digest.update(b"".join([self.post_marks[post.url] for post in posts]))
        return digest.hexdigest()

    def file(self, file: FileSpec) -> str:
        digest = hashlib.sha256(self._theme)
        digest.update(repr((file.url, file.inputs)).encode())
        return digest.hexdigest()

    def feed(self, feed: FeedSpec) -> str:
        digest = hashlib.sha256(self._theme)
        digest.update(repr((feed.url, feed.kind, feed.title, feed.language, feed.link_url)).encode())
        digest.update(b"".join([self.post_marks[post.url] for post in feed.posts]))
        return digest.hexdigest()


def _static_files(static_dir: Path) -> list[tuple[str, Path]]:
    """The theme's static files and where they go: static/<path>."""
    if not static_dir.is_dir():
        return []
    return [("static/" + path.relative_to(static_dir).as_posix(), path)
            for path in sorted(static_dir.rglob("*")) if path.is_file()]


# Below this many pages a second process costs more than it saves.
PARALLEL_RENDER_THRESHOLD = 400
RENDER_CHUNK = 100
_RenderJob = tuple[Renderer, list[PageSpec], list[str], SiteWriter]  # specs and the files they go to
_RENDER_JOB: _RenderJob | None = None  # what forked render workers inherit


def render_pages(renderer: Renderer, specs: list[PageSpec], rels: list[str], writer: SiteWriter,
                 workers: int) -> Iterator[tuple[int, int, bool]]:
    """Renders every page and puts it into the writer as `rels` (claimed) says; yields
    (position in specs, size, written: bytes differ from the published file) in no
    particular order. With many pages, forked worker processes render the lists, and the
    post pages with this process.

    A listing page shows posts whose HTML its renderer renders once and keeps; a post page
    keeps nothing. Lists go to the workers (with two cores: one worker keeping every entry,
    not two keeping most of them), post pages to this process, which holds the posts
    already, while a worker copies what it touches of them. A worker done with the lists
    takes post pages from the end, so that both finish together. Workers put their pages
    into the staging folder themselves: sending hundreds of megabytes of lists back through
    a pipe kept this process, and so them, waiting.
    """
    global _RENDER_JOB
    posts = [i for i, spec in enumerate(specs) if spec.template == "post.html"]
    # Lists in the order of their newest post (post URLs begin /YYYY/MM/): the pages that show
    # a post come close together, so the renderer's bounded store of entries keeps what they reuse.
    others = sorted((i for i, spec in enumerate(specs) if spec.template != "post.html"),
                    key=lambda i: specs[i].shows[0] if specs[i].shows else "", reverse=True)
    job = (renderer, specs, rels, writer)
    if workers < 2 or len(specs) < PARALLEL_RENDER_THRESHOLD:
        for position in posts + others:
            yield _render_and_put(job, position)
        return
    writer.stage()
    _RENDER_JOB = job
    gc.freeze()  # a worker's garbage collector would touch, and so copy, every object it inherits
    import multiprocessing  # imported when needed: a rebuild after an edit renders a few pages
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("fork"))
    lists = [others[i:i + RENDER_CHUNK] for i in range(0, len(others), RENDER_CHUNK)]
    own = RENDER_CHUNK // 4  # post pages rendered here between two looks at the workers' results
    first, last = 0, len(posts)  # post pages not taken yet: this process from the start, workers from the end

    def next_job() -> list[int]:
        nonlocal last
        if lists:
            return lists.pop(0)
        take = min(RENDER_CHUNK, max(0, (last - first) // 2))  # leave this process its share
        last -= take
        return posts[last:last + take]

    try:
        pending = set()
        for _ in range(2 * (workers - 1)):  # a few jobs in flight, so that no worker waits for the next
            chunk = next_job()
            if chunk:
                pending.add(pool.submit(_render_chunk, chunk))
        while pending or first < last:
            mine = posts[first:min(first + own, last)]
            first += len(mine)
            done, _ = wait(pending, timeout=0 if mine else None, return_when=FIRST_COMPLETED)
            for future in done:
                pending.remove(future)
                chunk = next_job()
                if chunk:
                    pending.add(pool.submit(_render_chunk, chunk))
                yield from future.result()
            for position in mine:
                yield _render_and_put(job, position)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _RENDER_JOB = None
        gc.unfreeze()


def _render_chunk(positions: list[int]) -> list[tuple[int, int, bool]]:
    assert _RENDER_JOB is not None
    return [_render_and_put(_RENDER_JOB, position) for position in positions]


def _render_and_put(job: _RenderJob, position: int) -> tuple[int, int, bool]:
    renderer, specs, rels, writer = job
    data = _render(renderer, specs[position])
    return position, len(data), writer.put(rels[position], data)


def _render(renderer: Renderer, spec: PageSpec) -> bytes:
    """Renders one page; a template error names the template file and line."""
    try:
        return renderer.render(spec)
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
        where = frames[-1] if frames else None
        path = f"templates/{Path(where.filename).name}" if where else "templates"
        raise BuildFailed([Problem(path, where.lineno if where else None,
                                   f"{exc} (while rendering {spec.url})")], "a template failed") from None


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


def _make_renderer(options: BuildOptions, site: LoadedSite) -> Renderer:
    languages = tuple(sorted({site.config.default_language, *site.index.by_language}))
    i18n.check_catalogues()
    return Renderer(options.templates_dir, site.config, site.content.pages, languages,
                    has_contacts=bool(site.content.contacts),
                    bytecode_dir=options.cache_folder / "templates" if options.cache_folder else None)
