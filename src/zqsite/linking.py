"""Hard links into the staging folder, on a thread of their own.

An edit to one post of a 15,000-file site links every unchanged file into the new tree: about
0.25 s of system calls on a local disk. A link releases the GIL, so a thread makes them while
the build goes on rendering, writing feeds and saving its cache.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
from typing import Callable


def link_or_copy(source: str, target: str) -> None:
    """A hard link, or where the file system has none (FAT and exFAT drives, many network
    shares) or refuses one, a copy with the same bytes and modification time."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class BackgroundLinker:
    """Runs `link(rel)` for every path `add`ed, in order, on one thread; `finish()` waits for
    them and raises the first failure (the build then fails before anything is published)."""

    _DONE = object()

    def __init__(self, link: Callable[[str], None]) -> None:
        self._link = link
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="zqsite-linker", daemon=True)
        self._thread.start()

    def add(self, rel: str) -> None:
        self._queue.put(rel)

    def _run(self) -> None:
        while True:
            rel = self._queue.get()
            if rel is self._DONE:
                return
            if self._error is None:
                try:
                    self._link(rel)
                except BaseException as error:  # noqa: BLE001 - raised again by finish()
                    self._error = error

    def finish(self) -> None:
        self._queue.put(self._DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error
