"""The build, as named phases in order: check the output folder → read → index → plan →
render → write → publish (a patch or a swap) → save the build cache.

Each phase is a function of its own module; this one calls them in order. Every way a build
starts again is in `build_site`: a damaged body shard found while rendering (`CacheLost`:
read every post again) and a file of the last build that is missing (`LastBuildGone`: plan
every page). Nothing is published before either.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from zqsite import answers
from zqsite.cache import CacheLost, LastPages, code_digest, discard_posts
from zqsite.errors import BuildFailed, Problem
from zqsite.incremental import digest_of_listing, input_snapshot, keep_frame, last_build_if_unchanged
from zqsite.loading import LoadedSite, load_site
from zqsite.options import PROJECT_ROOT, BuildOptions, BuildReport, PhaseClock, default_config_path
from zqsite.writer import SiteWriter, check_output_dir, list_files, remove_leftovers

# The phases' modules (Markdown, Jinja, Babel, feedgen, nh3 and zqsite's own) are imported by
# the functions that use them: a build with nothing to do needs none of them, and importing
# them took longer than the rest of such a build.
if TYPE_CHECKING:
    from zqsite.incremental import Fingerprints
    from zqsite.pages import SitePlan
    from zqsite.render import Renderer

__all__ = ["PROJECT_ROOT", "BuildOptions", "BuildReport", "build_site", "default_config_path", "load_site"]

log = logging.getLogger(__name__)
# The last build's site and plan, freed when the next build ends or never: freeing their
# million objects took 0.03 s of a one-edit rebuild, and the command exits without it (cli.run).
_last_build_objects: tuple = ()


class LastBuildGone(Exception):
    """A published file the build meant to keep is missing."""


def build_site(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Builds the whole site and publishes it only if every phase succeeded."""
    # A build makes millions of objects and next to no cyclic garbage: the garbage collector's
    # passes over them took a tenth of a rebuild after an edit. (Measured: the same peak memory
    # for a cold build of 10,000 posts without it.) It runs again after the build if it ran
    # before (the command line keeps it off: see cli.run).
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
    file_stats: dict[str, os.stat_result] = {}
    snapshot = _input_snapshot(options, file_stats)
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

    from zqsite.rendering import make_renderer, render_changed

    answers.remember_in(options.cache_folder)
    # The snapshot's stats of the content files: the same moment's, and no second stat per file.
    site = load_site(options, clock, (lambda done, total: progress(done, total, "posts read")) if progress else None,
                     file_stats)
    renderer = make_renderer(options, site)
    fingerprints = _fingerprints(options, site, renderer)
    frame = _frame(site, fingerprints)
    last = keep_frame(site.cache.last_pages if options.use_cache and from_last_build else None, frame)
    plan, kept = _plan(site, fingerprints, last)
    # What each page shows and links: the same as last time when the frame is the same.
    shows = last.shows if last else {output_path(spec.url): spec.shows for spec in plan.pages if spec.shows}
    links = last.links if last else {output_path(spec.url): spec.links for spec in plan.pages if spec.links}
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
            if not writer.keep_if_published(rel):
                raise LastBuildGone(rel)
            manifest[rel] = entry
        unmarked = render_changed(options, site, renderer, fingerprints, plan, writer, previous, manifest, progress, clock)
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
    site.cache.save(LastPages(frame if not unmarked else "", manifest, shows, links, fingerprints.post_marks,
                              fingerprints.titles, page_count))
    due = site.content.next_due.isoformat() if site.content.next_due else ""
    site.cache.save_last_build({
        "snapshot": snapshot, "output": digest_of_listing(published), "due": due,
        "posts": len(site.index.all_posts), "pages": page_count,
        "warnings": [(w.path, w.line, w.message) for w in warnings]})
    answers.save()
    clock.mark("save the build cache")
    if progress:
        total = len(plan.pages) + len(plan.feeds)
        progress(total, total)
    if site.scratch is not None:  # the photos' variants of a build without a cache: published by now
        site.scratch.cleanup()
    global _last_build_objects
    _last_build_objects = (site, renderer, fingerprints, plan, kept, manifest, shows, links)
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


def _protected(options: BuildOptions) -> list[Path]:
    """Folders the output folder must never be (nor be inside of)."""
    return [options.content_dir, options.templates_dir, options.static_dir, PROJECT_ROOT]


def _input_snapshot(options: BuildOptions, file_stats: dict[str, os.stat_result]) -> str:
    config = options.config_file
    described = repr((str(options.content_dir.resolve()), str(config), options.include_drafts,
                      options.include_future, options.strict, options.base_url, options.update_search,
                      str(options.templates_dir), str(options.static_dir)))
    return input_snapshot(code_digest(), described, (options.content_dir, options.templates_dir, options.static_dir),
                          config, file_stats)


def _report_of_unchanged(last: dict, files: int, clock: PhaseClock) -> BuildReport:
    """A build with nothing to do reports what the last one did, its warnings included."""
    return BuildReport(posts=last["posts"], pages=last["pages"], files_written=0, files_unchanged=files,
                       files_deleted=0, warnings=tuple(Problem(p, line, m, False) for p, line, m in last["warnings"]),
                       seconds=time.perf_counter() - clock.started, phases=tuple(clock.phases))


def _fingerprints(options: BuildOptions, site: LoadedSite, renderer: Renderer) -> Fingerprints:
    from zqsite.incremental import Fingerprints, theme_digest

    theme = theme_digest(options.templates_dir, (repr(site.config).encode(), repr(site.index.labels).encode()))
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


