"""The build, as named phases in order: check the output folder → read → index → plan →
render → write → publish (the swap) → save the build cache.

Each phase is a function of its own module; this one calls them in order. Every way a build
starts again is in `build_site`: a damaged body shard found while rendering (`CacheLost`:
read every post again) and a file of the last build that is missing or was changed
(`LastBuildGone`: plan every page). Nothing is published before either.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from zqsite.cache import CacheLost, LastPages, code_digest, discard_posts
from zqsite.config import CONFIG_FILE_NAME
from zqsite.errors import BuildFailed, Problem, Problems
from zqsite.incremental import digest_of_listing, input_snapshot, keep_frame, last_build_if_unchanged
from zqsite.workers import cpu_count
from zqsite.writer import SiteWriter, check_output_dir, list_files, remove_leftovers

# The phases' modules (Markdown, Jinja, Babel, feedgen, nh3 and zqsite's own) are imported by
# the functions that use them: a build with nothing to do needs none of them, and importing
# them took longer than the rest of such a build.
if TYPE_CHECKING:
    import tempfile

    from zqsite.cache import BuildCache
    from zqsite.config import SiteConfig
    from zqsite.incremental import Fingerprints
    from zqsite.index import SiteIndex
    from zqsite.models import SiteContent
    from zqsite.pages import SitePlan
    from zqsite.render import Renderer
    from zqsite.rendering import RenderWork

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
        self.started = started
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
    from zqsite.cache import BuildCache
    from zqsite.config import load_config
    from zqsite.index import build_index
    from zqsite.reader import ReadOptions, read_site, reading_signature

    config_path = options.config_path if options.config_path is not None else default_config_path()
    config, problems = load_config(config_path, str(config_path) if config_path else None)
    if options.base_url:
        config = replace(config, base_url=options.base_url)
    if not options.content_dir.is_dir():
        problems.error(str(options.content_dir), None, "content folder not found")
    if problems.errors:
        raise BuildFailed(problems)
    import tempfile

    scratch = None if options.cache_folder else tempfile.TemporaryDirectory(prefix="zqsite-images-")
    image_dir = options.cache_folder / "images" if options.cache_folder else Path(scratch.name)
    read_options = ReadOptions(options.include_drafts, options.include_future, options.now, str(image_dir))
    cache = BuildCache(options.cache_folder, reading_signature(options.content_dir, config), options.output_dir)
    content = read_site(options.content_dir, config, read_options, problems, cache, _workers(options), progress)
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
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError, ValueError):  # not glibc (musl), or no symbol table
        pass


class LastBuildGone(Exception):
    """A published file the build meant to keep is missing or was changed."""


def build_site(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Builds the whole site and publishes it only if every phase succeeded."""
    # A build makes millions of objects and next to no cyclic garbage: the garbage collector's
    # passes over them took a tenth of a rebuild after an edit. (Measured: the same peak memory
    # for a cold build of 10,000 posts without it.) It runs again after the build.
    collecting = gc.isenabled()
    gc.disable()
    # One "now" for the whole build and its worker processes (future posts, the due date).
    options = replace(options, now=options.now or datetime.now().astimezone())
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
    except LastBuildGone as exc:  # nothing was published: plan every page this time
        log.info("%s is not as the last build left it; planning every page", exc)
        return _build(options, progress, from_last_build=False)


def _build(options: BuildOptions, progress: Callable[[int, int], None] | None, from_last_build: bool) -> BuildReport:
    clock = PhaseClock(time.perf_counter())
    protected = _protected(options)
    output = check_output_dir(options.output_dir, protected)  # before any work, and before the cache is written
    snapshot = _input_snapshot(options)
    remove_leftovers(output)  # of an earlier build that was interrupted
    published_files = list_files(output) if output.is_dir() else set()
    assert options.now is not None
    unchanged = last_build_if_unchanged(options.cache_folder, options.output_dir, snapshot, published_files,
                                        options.now)
    clock.mark("check for changes")
    if unchanged is not None:
        return _report_of_unchanged(unchanged, len(published_files), clock)

    from zqsite.feeds import render_feed
    from zqsite.incremental import write_unless_reused
    from zqsite.search import write_search_index
    from zqsite.urls import output_path

    site = load_site(options, clock, (lambda done, total: progress(done, total, "posts read")) if progress else None)
    renderer = _make_renderer(options, site)
    fingerprints = _fingerprints(options, site, renderer)
    frame = _frame(site, fingerprints)
    last = keep_frame(site.cache.last_pages if options.use_cache and from_last_build else None, frame)
    plan, kept = _plan(site, fingerprints, last)
    shows = last.shows if last else {output_path(spec.url): spec.shows for spec in plan.pages if spec.shows}
    page_count = last.page_count if last else len(plan.pages)
    clock.mark(f"plan {len(plan.pages)} pages")

    renderer.check_templates()
    static_files = _static_files(options.static_dir)
    warnings = list(site.problems.warnings) + _check_links(site, plan, kept, static_files)
    if options.strict and len(warnings) > len(site.problems.warnings):
        raise BuildFailed(warnings, "warnings are errors with --strict")
    site.cache.save()  # the posts read, before rendering: spawned render workers read them from it
    clock.mark("check templates and links")

    previous = site.cache if options.use_cache else None
    manifest: dict[str, tuple[str, int]] = {}
    with SiteWriter(options.output_dir, protected, published_files) as writer:
        for rel, entry in kept.items():
            if not writer.keep_if_published(rel, entry[1]):
                raise LastBuildGone(rel)
            manifest[rel] = entry
        unmarked = _render(options, site, renderer, fingerprints, plan, writer, previous, manifest, progress, clock)
        label_names = {label.key: label.name(site.config.default_language) for label in site.index.labels}
        for feed in plan.feeds:
            write_unless_reused(writer, previous, output_path(feed.url), fingerprints.feed(feed),
                                lambda feed=feed: render_feed(feed, site.config, label_names), manifest)
        for file in plan.files:
            write_unless_reused(writer, previous, output_path(file.url), fingerprints.file(file), file.make, manifest)
        clock.mark("feeds and files")
        warnings += write_search_index(writer, site.index.all_posts, site.index.by_language, site.config,
                                       fingerprints.search, options.update_search)
        clock.mark("search index")
        for rel, path in static_files:
            writer.copy(rel, path)
        for asset in site.content.assets:
            writer.copy(asset.url.lstrip("/"), Path(asset.source))
        stats = writer.commit()
        published = writer.files()
    clock.mark("static files and publish")

    if options.cache_folder and site.image_dir:
        from zqsite.photos import forget_unused

        forget_unused(site.image_dir, {asset.source for asset in site.content.assets})
    site.cache.save(LastPages(frame if not unmarked else "", manifest, shows, fingerprints.post_marks, page_count))
    due = site.content.next_due.isoformat() if site.content.next_due else ""
    site.cache.save_last_build({
        "snapshot": snapshot, "output": digest_of_listing(published), "due": due,
        "posts": len(site.index.all_posts), "pages": page_count,
        "warnings": [(w.path, w.line, w.message) for w in warnings]})
    clock.mark("save the build cache")
    if progress:
        total = len(plan.pages) + len(plan.feeds)
        progress(total, total)
    return BuildReport(
        posts=len(site.index.all_posts), pages=page_count, files_written=stats.written,
        files_unchanged=stats.unchanged, files_deleted=stats.deleted,
        warnings=tuple(warnings), seconds=time.perf_counter() - clock.started, phases=tuple(clock.phases))


def _plan(site: LoadedSite, fingerprints: Fingerprints,
          last: LastPages | None) -> tuple[SitePlan, dict[str, tuple[str, int]]]:
    """The pages and feeds to build, and the files of the last build to keep as they are.

    `last`: the last build, when its frame is this build's: the same pages, each showing what
    it showed then unless it shows a post that changed. Only those pages are planned (and
    every feed); the last build's other files are kept.
    """
    from zqsite.incremental import pages_to_keep
    from zqsite.pages import plan_site
    from zqsite.urls import output_path
    from zqsite.views import ViewMaker

    views = ViewMaker(site.config, site.index.labels, site.index.versions)
    if last is None:
        return plan_site(site.index, site.content.pages, site.config, views, site.content.contacts), {}
    affected, kept = pages_to_keep(last, fingerprints)
    plan = plan_site(site.index, site.content.pages, site.config, views, site.content.contacts,
                     wanted=lambda url: output_path(url) in affected)
    feeds = {output_path(feed.url) for feed in plan.feeds}
    return plan, {rel: entry for rel, entry in kept.items() if rel not in feeds}


def _render(options: BuildOptions, site: LoadedSite, renderer: Renderer, fingerprints: Fingerprints,
            plan: SitePlan, writer: SiteWriter, previous: BuildCache | None, manifest: dict[str, tuple[str, int]],
            progress: Callable[[int, int], None] | None, clock: PhaseClock) -> int:
    """Renders the planned pages whose fingerprint changed; the others are kept. Returns how
    many pages had no fingerprint (rendered every time)."""
    from zqsite.incremental import reuse
    from zqsite.rendering import RenderWork, render_pages
    from zqsite.urls import output_path

    changed = []
    unmarked = 0
    for spec in plan.pages:
        rel = output_path(spec.url)
        mark = fingerprints.page(spec)
        unmarked += not mark
        if not reuse(writer, previous, rel, mark, manifest):
            changed.append((writer.claim(rel), spec, mark))
    clock.mark(f"compare {len(plan.pages)} pages with the last build, keep {len(manifest)}")
    specs, rels = [spec for _, spec, _ in changed], [rel for rel, _, _ in changed]
    recipe = None
    if options.cache_folder is not None:  # a spawned worker makes the same work from the saved cache
        worker_options = replace(options, workers=1, strict=False)
        recipe = (render_work_from_cache, (worker_options, [spec.url for spec in specs], writer))
    total = len(plan.pages) + len(plan.feeds)
    done = total - len(plan.feeds) - len(changed)
    for position, size, written in render_pages(RenderWork(renderer, specs, rels, writer, recipe), _workers(options)):
        writer.account(written)
        rel, _spec, mark = changed[position]
        if mark:
            manifest[rel] = (mark, size)
        done += 1
        if progress and done % 500 == 0:
            progress(done, total)
    clock.mark(f"render {len(changed)} pages")
    return unmarked


def render_work_from_cache(options: BuildOptions, page_urls: list[str], writer: SiteWriter) -> RenderWork:
    """In a spawned render worker: the build process's render work, made again from the build
    cache it saved (every post a cache hit) and the same plan."""
    from zqsite.pages import plan_site
    from zqsite.rendering import RenderWork
    from zqsite.urls import output_path
    from zqsite.views import ViewMaker

    site = load_site(options)
    renderer = _make_renderer(options, site)
    wanted = set(page_urls)
    views = ViewMaker(site.config, site.index.labels, site.index.versions)
    plan = plan_site(site.index, site.content.pages, site.config, views, site.content.contacts,
                     wanted=wanted.__contains__)
    by_url = {spec.url: spec for spec in plan.pages if spec.url in wanted}
    return RenderWork(renderer, [by_url[url] for url in page_urls], [output_path(url) for url in page_urls], writer)


def _workers(options: BuildOptions) -> int:
    return options.workers or cpu_count()


def _protected(options: BuildOptions) -> list[Path]:
    """Folders the output folder must never be (nor be inside of)."""
    return [options.content_dir, options.templates_dir, options.static_dir, PROJECT_ROOT]


def _input_snapshot(options: BuildOptions) -> str:
    config = options.config_path if options.config_path is not None else default_config_path()
    described = repr((str(options.content_dir.resolve()), str(config), options.include_drafts,
                      options.include_future, options.strict, options.base_url, options.update_search,
                      str(options.templates_dir), str(options.static_dir)))
    return input_snapshot(code_digest(), described, (options.content_dir, options.templates_dir, options.static_dir),
                          config)


def _report_of_unchanged(last: dict, files: int, clock: PhaseClock) -> BuildReport:
    """A build with nothing to do reports what the last one did, its warnings included."""
    return BuildReport(posts=last["posts"], pages=last["pages"], files_written=0, files_unchanged=files,
                       files_deleted=0, warnings=tuple(Problem(p, line, m, False) for p, line, m in last["warnings"]),
                       seconds=time.perf_counter() - clock.started, phases=tuple(clock.phases))


def _fingerprints(options: BuildOptions, site: LoadedSite, renderer: Renderer) -> Fingerprints:
    from zqsite import qrcodes
    from zqsite.incremental import Fingerprints, theme_digest

    # The QR encoder's version too: another segno may draw other codes on posts and cards.
    theme = theme_digest(options.templates_dir, (repr(site.config).encode(), repr(site.index.labels).encode(),
                                                 qrcodes.LIBRARY_VERSION.encode()))
    return Fingerprints(theme, renderer.chrome, site.index.all_posts, site.config.base_path)


def _frame(site: LoadedSite, fingerprints: Fingerprints) -> str:
    content = site.content
    languages = {site.config.default_language, *site.index.by_language, *(p.language for p in content.pages)}
    return fingerprints.frame(languages, site.index.structure, repr((content.pages, content.contacts)).encode())


def _check_links(site: LoadedSite, plan: SitePlan, kept: dict[str, tuple[str, int]],
                 static_files: list[tuple[str, Path]]) -> list[Problem]:
    from zqsite.links import check_post_links
    from zqsite.urls import output_path

    known = {output_path(spec.url) for spec in plan.pages} | {output_path(f.url) for f in plan.feeds}
    known |= {output_path(file.url) for file in plan.files} | set(kept)
    known |= {rel for rel, _ in static_files} | {a.url.lstrip("/") for a in site.content.assets}
    return check_post_links(site.index.all_posts, known, site.config)


def _static_files(static_dir: Path) -> list[tuple[str, Path]]:
    """The theme's static files and where they go: static/<path>."""
    if not static_dir.is_dir():
        return []
    return [("static/" + path.relative_to(static_dir).as_posix(), path)
            for path in sorted(static_dir.rglob("*"), key=Path.as_posix) if path.is_file()]


def _make_renderer(options: BuildOptions, site: LoadedSite) -> Renderer:
    from zqsite import i18n
    from zqsite.render import Renderer

    languages = tuple(sorted({site.config.default_language, *site.index.by_language}))
    i18n.check_catalogues()
    return Renderer(options.templates_dir, site.config, site.content.pages, languages,
                    has_contacts=bool(site.content.contacts),
                    bytecode_dir=options.cache_folder / "templates" if options.cache_folder else None)
