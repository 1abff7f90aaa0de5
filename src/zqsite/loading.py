"""Load a site: its configuration and content, read and validated, and indexed."""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from zqsite.errors import BuildFailed, Problems
from zqsite.options import BuildOptions, PhaseClock

if TYPE_CHECKING:
    import tempfile

    from zqsite.cache import BuildCache
    from zqsite.config import SiteConfig
    from zqsite.index import SiteIndex
    from zqsite.models import SiteContent


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


def load_site(options: BuildOptions, clock: PhaseClock | None = None,
              progress: Callable[[int, int], None] | None = None,
              file_stats: Mapping[str, os.stat_result] | None = None) -> LoadedSite:
    """Configuration and content, validated; BuildFailed lists every error (and the warnings).
    `file_stats`: the stats of the content's files by path, if just taken."""
    from zqsite.cache import BuildCache
    from zqsite.config import load_config
    from zqsite.index import build_index
    from zqsite.reader import ReadOptions, read_site, reading_signature

    config_path = options.config_file
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
    content = read_site(options.content_dir, config, read_options, problems, cache, options.worker_count, progress,
                        file_stats)
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
    import ctypes  # here: a build with nothing to do reads nothing (3 ms of imports)

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError, ValueError):  # not glibc (musl), or no symbol table
        pass
