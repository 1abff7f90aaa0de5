"""The render phase: page specs -> files in the staging folder, in worker processes when worth it.

A listing page shows posts whose HTML the renderer renders once and keeps; a post page keeps
nothing. So lists go to the workers (with two cores: one worker keeping every entry, not two
keeping most of them) and post pages to the build process, which holds the posts already. A
worker done with the lists takes post pages from the end, so that both finish together.
Workers put their pages into the staging folder themselves: sending hundreds of megabytes of
lists back through a pipe kept the build process, and so them, waiting.

Under fork a worker inherits the work; under spawn it gets a recipe (`RenderWork.recipe`)
that makes the same work again from the build cache, which the build process has saved
before starting it. A worker that dies or cannot start leaves its pages to the build process.
"""

from __future__ import annotations

import logging
import traceback
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Iterator

import jinja2

from zqsite import answers
from zqsite.errors import BuildFailed, Problem
from zqsite.pages import PageSpec
from zqsite.render import Renderer
from zqsite.workers import Pool, start_method, worth_a_pool
from zqsite.writer import SiteWriter

if TYPE_CHECKING:
    from zqsite.cache import BuildCache
    from zqsite.incremental import Fingerprints
    from zqsite.loading import LoadedSite
    from zqsite.options import BuildOptions, PhaseClock
    from zqsite.pages import SitePlan

log = logging.getLogger(__name__)

# Below this many pages a second process costs more than it saves. A spawned worker starts
# from nothing (imports, then the posts from the build cache, then the plan): it needs more.
PARALLEL_RENDER_THRESHOLD = {"fork": 400, "spawn": 1500}
RENDER_CHUNK = 100


class RenderWork:
    """What every render worker shares: the renderer, the pages, their files and the writer.

    `recipe`: (top-level function, arguments) that makes this work again in a spawned worker;
    pickling sends the recipe, not the renderer and the posts.
    """

    def __init__(self, renderer: Renderer, specs: list[PageSpec], rels: list[str], writer: SiteWriter,
                 recipe: tuple[Callable[..., "RenderWork"], tuple] | None = None) -> None:
        self.renderer, self.specs, self.rels, self.writer = renderer, specs, rels, writer
        self.recipe = recipe

    def resolve(self) -> "RenderWork":
        return self

    def __reduce__(self):  # noqa: ANN204
        if self.recipe is None:
            raise TypeError("this render work has no recipe for a spawned worker")
        return (_WorkFromRecipe, self.recipe)


class _WorkFromRecipe:
    """A spawned worker's RenderWork, made from its recipe when its first job comes (so that a
    failure, a lost cache for one, reaches the build process as that job's error)."""

    def __init__(self, function: Callable[..., RenderWork], args: tuple) -> None:
        self._function, self._args = function, args
        self._work: RenderWork | None = None

    def resolve(self) -> RenderWork:
        if self._work is None:
            self._work = self._function(*self._args)
        return self._work


def can_use_workers(pages: int, workers: int, has_recipe: bool) -> bool:
    if not worth_a_pool(pages, workers, PARALLEL_RENDER_THRESHOLD):
        return False
    return start_method() == "fork" or has_recipe


def render_pages(work: RenderWork, workers: int) -> Iterator[tuple[int, int, bool]]:
    """Renders every page of `work` and puts it into the writer (its files claimed already);
    yields (position in work.specs, size, written: bytes differ from the published file), in
    no particular order."""
    specs = work.specs
    posts = [i for i, spec in enumerate(specs) if spec.template == "post.html"]
    # Lists in the order of their newest post (post URLs begin /YYYY/MM/): the pages that show
    # a post come close together, so the renderer's bounded store of entries keeps what they reuse.
    others = sorted((i for i, spec in enumerate(specs) if spec.template != "post.html"),
                    key=lambda i: specs[i].shows[0] if specs[i].shows else "", reverse=True)
    if not can_use_workers(len(specs), workers, work.recipe is not None):
        for position in posts + others:
            yield render_and_put(work, position)
        return
    work.writer.stage()  # before workers put files into it
    yield from _render_in_parallel(work, posts, others, workers)


def _render_in_parallel(work: RenderWork, posts: list[int], others: list[int],
                        workers: int) -> Iterator[tuple[int, int, bool]]:
    from concurrent.futures.process import BrokenProcessPool  # with multiprocessing: only when a pool starts

    lists = [others[i:i + RENDER_CHUNK] for i in range(0, len(others), RENDER_CHUNK)]
    own = RENDER_CHUNK // 4  # post pages rendered here between two looks at the workers' results
    first, last = 0, len(posts)  # post pages not taken yet: this process from the start, workers from the end
    orphans: list[int] = []  # pages of chunks whose worker died: rendered here
    broken = False
    by_workers = 0

    def next_chunk() -> list[int]:
        nonlocal last
        if broken:
            return []
        if lists:
            return lists.pop(0)
        take = min(RENDER_CHUNK, max(0, (last - first) // 2))  # leave this process its share
        last -= take
        return posts[last:last + take]

    with Pool(_render_chunk_job, work, workers - 1) as pool:
        pending: dict[Any, list[int]] = {}
        for _ in range(2 * (workers - 1)):  # a few chunks in flight, so that no worker waits for the next
            chunk = next_chunk()
            if chunk:
                pending[pool.submit(chunk)] = chunk
        while pending or first < last:
            mine = posts[first:min(first + own, last)]
            first += len(mine)
            done, _ = wait(pending, timeout=0 if mine else None, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = pending.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:  # the worker died or could not start: its pages are ours
                    broken = True
                    orphans += chunk
                    continue
                by_workers += len(results)
                for position, size, written, found in results:
                    answers.learn(found)  # the next build has them without asking
                    yield position, size, written
                follow = next_chunk()
                if follow:
                    pending[pool.submit(follow)] = follow
            for position in mine:
                yield render_and_put(work, position)
        for chunk in lists:  # never sent: the pool broke
            orphans += chunk
    for position in orphans:
        yield render_and_put(work, position)
    log.debug("render workers (%s) rendered %d of %d pages%s", pool.method, by_workers, len(work.specs),
              "; a worker died" if broken else "")


def _render_chunk_job(shared: RenderWork | _WorkFromRecipe, position: int) -> tuple[int, int, bool, dict]:
    """In a worker: the page's render_and_put, and what the worker asked Babel and the QR encoder."""
    return (*render_and_put(shared.resolve(), position), answers.new_answers())


def render_and_put(work: RenderWork, position: int) -> tuple[int, int, bool]:
    data = render_page(work.renderer, work.specs[position])
    return position, len(data), work.writer.put(work.rels[position], data)


def render_page(renderer: Renderer, spec: PageSpec) -> bytes:
    """Renders one page; a template error names the template file and line."""
    try:
        return renderer.render(spec)
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
        where = frames[-1] if frames else None
        path = f"templates/{Path(where.filename).name}" if where else "templates"
        raise BuildFailed([Problem(path, where.lineno if where else None,
                                   f"{exc} (while rendering {spec.url})")], "a template failed") from None


# --- the render phase of a build ----------------------------------------------------------

def render_changed(options: BuildOptions, site: LoadedSite, renderer: Renderer, fingerprints: Fingerprints,
            plan: SitePlan, writer: SiteWriter, previous: BuildCache | None, manifest: dict[str, tuple[str, int]],
            progress: Callable[[int, int], None] | None, clock: PhaseClock) -> int:
    """Renders the planned pages whose fingerprint changed; the others are kept. Returns how
    many pages had no fingerprint (rendered every time)."""
    from zqsite.incremental import reuse
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
    for position, size, written in render_pages(RenderWork(renderer, specs, rels, writer, recipe), options.worker_count):
        rel, _spec, mark = changed[position]
        writer.account(rel, written)
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
    from zqsite.loading import load_site
    from zqsite.pages import plan_site
    from zqsite.urls import output_path
    from zqsite.views import ViewMaker

    site = load_site(options)
    renderer = make_renderer(options, site)
    wanted = set(page_urls)
    views = ViewMaker(site.config, site.index.labels, site.index.versions)
    plan = plan_site(site.index, site.content.pages, site.config, views, site.content.contacts,
                     wanted=wanted.__contains__)
    by_url = {spec.url: spec for spec in plan.pages if spec.url in wanted}
    return RenderWork(renderer, [by_url[url] for url in page_urls], [output_path(url) for url in page_urls], writer)


def make_renderer(options: BuildOptions, site: LoadedSite) -> Renderer:
    from zqsite import i18n

    languages = tuple(sorted({site.config.default_language, *site.index.by_language}))
    i18n.check_catalogues()
    return Renderer(options.templates_dir, site.config, site.content.pages, languages,
                    has_contacts=bool(site.content.contacts),
                    bytecode_dir=options.cache_folder / "templates" if options.cache_folder else None)
