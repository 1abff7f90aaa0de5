"""The build, as named phases in order: configure → read → index → plan → render → write."""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urljoin, urlsplit

import jinja2

from zqsite import i18n
from zqsite.config import CONFIG_FILE_NAME, SiteConfig, load_config
from zqsite.errors import BuildFailed, Problem, Problems
from zqsite.feeds import render_feed
from zqsite.index import SiteIndex, build_index
from zqsite.models import SiteContent
from zqsite.models import Post
from zqsite.pages import PageSpec, SitePlan, plan_site, sidebar_context
from zqsite.reader import ReadOptions, read_site
from zqsite.render import Renderer
from zqsite.search import SEARCH_ROOT, SearchUnavailable, build_search_files, search_input_digest
from zqsite.urls import output_path
from zqsite.views import ViewMaker
from zqsite.writer import SiteWriter

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout: templates/, static/, site.yaml


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


@dataclass(frozen=True)
class BuildReport:
    posts: int
    pages: int  # HTML pages in the site
    files_written: int
    files_unchanged: int
    files_deleted: int
    warnings: tuple[Problem, ...]
    seconds: float


@dataclass
class LoadedSite:
    config: SiteConfig
    content: SiteContent
    index: SiteIndex
    problems: Problems = field(default_factory=Problems)


def default_config_path() -> Path | None:
    path = PROJECT_ROOT / CONFIG_FILE_NAME
    return path if path.is_file() else None


def load_site(options: BuildOptions) -> LoadedSite:
    """Configuration and content, validated; BuildFailed lists every error (and the warnings)."""
    config_path = options.config_path if options.config_path is not None else default_config_path()
    config, problems = load_config(config_path, str(config_path) if config_path else None)
    if options.base_url:
        config = replace(config, base_url=options.base_url)
    if not options.content_dir.is_dir():
        problems.error(str(options.content_dir), None, "content folder not found")
    if problems.errors:
        raise BuildFailed(problems)
    read_options = ReadOptions(options.include_drafts, options.include_future, options.now)
    content = read_site(options.content_dir, config, read_options, problems)
    if problems.errors or (options.strict and problems.warnings):
        raise BuildFailed(problems, "warnings are errors with --strict" if not problems.errors else "build failed")
    index = build_index(content.posts, content.labels, config.default_language)
    return LoadedSite(config, content, index, problems)


def build_site(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Builds the whole site and publishes it only if every phase succeeded."""
    started = time.perf_counter()
    site = load_site(options)
    views = ViewMaker(site.config, site.index.labels, site.index.versions)
    plan = plan_site(site.index, site.content.pages, site.config, views, site.content.contacts)
    renderer = _make_renderer(options, site, plan, views)
    renderer.check_templates()
    static_files = _static_files(options.static_dir)
    known = {output_path(spec.url) for spec in plan.pages} | {output_path(f.url) for f in plan.feeds}
    known |= {output_path(url) for url, _ in plan.files}
    known |= {rel for rel, _ in static_files} | {a.url.lstrip("/") for a in site.content.assets}
    warnings = list(site.problems.warnings) + check_post_links(site.index.all_posts, known, site.config)
    if options.strict and len(warnings) > len(site.problems.warnings):
        raise BuildFailed(warnings, "warnings are errors with --strict")
    label_names = {label.key: label.name(site.config.default_language) for label in site.index.labels}

    protected = [options.content_dir, options.templates_dir, options.static_dir, PROJECT_ROOT]
    with SiteWriter(options.output_dir, protected) as writer:
        total = len(plan.pages) + len(plan.feeds)
        for number, spec in enumerate(plan.pages, 1):
            writer.write(output_path(spec.url), _render(renderer, spec))
            if progress and number % 200 == 0:
                progress(number, total)
        for feed in plan.feeds:
            writer.write(output_path(feed.url), render_feed(feed, site.config, label_names))
        for url, data in plan.files:
            writer.write(output_path(url), data)
        warnings += _write_search_index(writer, site)
        for rel, path in static_files:
            writer.copy(rel, path)
        for asset in site.content.assets:
            writer.copy(asset.url.lstrip("/"), Path(asset.source))
        stats = writer.commit()
    if progress:
        progress(total, total)
    return BuildReport(
        posts=len(site.index.all_posts), pages=len(plan.pages), files_written=stats.written,
        files_unchanged=stats.unchanged, files_deleted=stats.deleted,
        warnings=tuple(warnings), seconds=time.perf_counter() - started)


def _write_search_index(writer: SiteWriter, site: LoadedSite) -> list[Problem]:
    """The Pagefind bundles; reused from the published site when no post changed."""
    posts = site.index.all_posts
    if not posts:
        return []
    digest = search_input_digest(posts, site.config).encode()
    stamp = f"{SEARCH_ROOT}/zqsite-input.sha256"
    if writer.published(stamp) == digest and writer.keep_published(SEARCH_ROOT) > 1:
        return []
    try:
        files = build_search_files(posts, site.config)
    except SearchUnavailable as exc:
        return [Problem("search", None, f"{exc}; the site was built without its search index", is_error=False)]
    for rel, data in files:
        writer.write(rel, data)
    writer.write(stamp, digest)
    return []


def _static_files(static_dir: Path) -> list[tuple[str, Path]]:
    """The theme's static files and where they go: static/<path>."""
    if not static_dir.is_dir():
        return []
    return [("static/" + path.relative_to(static_dir).as_posix(), path)
            for path in sorted(static_dir.rglob("*")) if path.is_file()]


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
            target = urlsplit(urljoin(base + post.url.lstrip("/"), link)).path
            target = unquote(target)
            if not target.startswith(base):
                continue
            if output_path("/" + target[len(base):]) not in known_files:
                problems.append(Problem(post.source_path, line, f"link '{link}' points to no page of the site",
                                        is_error=False))
    return problems


def _make_renderer(options: BuildOptions, site: LoadedSite, plan: SitePlan, views: ViewMaker) -> Renderer:
    languages = tuple(sorted({site.config.default_language, *site.index.by_language}))
    sidebars = {code: sidebar_context(views, site.index, code) for code in plan.languages}
    i18n.check_catalogues()
    return Renderer(options.templates_dir, site.config, site.content.pages, languages, sidebars,
                    has_contacts=bool(site.content.contacts))
