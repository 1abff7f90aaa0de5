"""What a build is asked to do (`BuildOptions`) and what it reports (`BuildReport`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from zqsite.errors import Problem
from zqsite.workers import cpu_count

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout: templates/, static/, site.yaml
CACHE_DIR_NAME = ".zqsite-cache"
CONFIG_FILE_NAME = "site.yaml"


def default_config_path() -> Path | None:
    """The project's site.yaml, if there is one."""
    path = PROJECT_ROOT / CONFIG_FILE_NAME
    return path if path.is_file() else None


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
    # quick rebuild after an edit; Pagefind re-indexes the changed bundles, which takes a moment)
    update_search: bool = True

    @property
    def cache_folder(self) -> Path | None:
        if not self.use_cache:
            return None
        return self.cache_dir or self.content_dir.resolve().parent / CACHE_DIR_NAME

    @property
    def config_file(self) -> Path | None:
        """The configuration file to read: --config, else the project's site.yaml, else none (the defaults)."""
        return self.config_path if self.config_path is not None else default_config_path()

    @property
    def worker_count(self) -> int:
        return self.workers or cpu_count()


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
