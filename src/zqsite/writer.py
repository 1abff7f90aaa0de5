"""The output folder's only owner: containment, no double writes, compare-before-write, safe publish.

A build writes its new and changed files into a staging folder beside the output
(`.public.zqsite-new`); a file whose bytes did not change is kept. Only when everything
succeeded does the new site replace the published one (zqsite.replacing): by a patch, moving
the new and changed files into place, when they are fewer than the kept ones (an edit), else by
swapping in a staging folder that holds the whole site, unchanged files hard-linked into it.
A failure, an exception or Ctrl-C before that, or during a patch, leaves the published site
byte for byte as it was. Forked render workers put their pages into the staging folder through
a copy of the writer (put()); the build's own writer claims and accounts for every file.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from zqsite.errors import OutputError
from zqsite.replacing import (MARKER, MARKER_TEXT, link_or_copy, patch, roll_back, staging_dir, swap,
                              trash_dir)
from zqsite.urls import windows_name_problem

log = logging.getLogger(__name__)

# Set when the user asked the build to stop (SIGTERM, Ctrl-C): checked again just before the
# swap, since the KeyboardInterrupt a signal handler raises can be swallowed (a signal that
# arrives while a worker process is being forked lands in a hook whose exceptions are ignored).
STOP_REQUESTED = threading.Event()
__all__ = ["MARKER", "OutputError", "STOP_REQUESTED", "SiteWriter", "WriteStats", "check_output_dir", "list_files",
           "remove_leftovers", "staging_dir", "trash_dir"]


@dataclass(frozen=True)
class WriteStats:
    written: int  # new or changed files
    unchanged: int  # kept as they were (same bytes)
    deleted: int  # published before, not part of the new site


def check_output_dir(output: Path, protected: Iterable[Path] = ()) -> Path:
    """The absolute output folder, or OutputError if zqsite must not replace it."""
    output = Path(os.path.abspath(output))
    forbidden = {Path("/"), Path.home().resolve(), Path.cwd().resolve()}
    for path in protected:
        forbidden.add(Path(os.path.abspath(path)))
    real = output.resolve()
    for path in forbidden:
        if real == path or real in path.parents:
            raise OutputError(f"refusing to use {output} as the output folder: it is or contains {path}")
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputError(f"refusing to use {output} as the output folder: it is not a plain folder")
    if output.is_dir() and not (output / MARKER).is_file() and any(output.iterdir()):
        raise OutputError(f"refusing to replace {output}: it holds files zqsite did not write "
                          f"(no {MARKER} marker). Choose a new or empty folder.")
    return output


def _validate(rel: str) -> str:
    """A relative path that stays inside the output folder, or OutputError."""
    parts = rel.split("/")
    if ("\\" in rel or "\0" in rel or ":" in parts[0] or parts[0] == MARKER
            or any(part in ("", ".", "..") for part in parts)):
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    return rel


class SiteWriter:
    """Use as a context manager: files go into staging, published by `commit()`.

    The staging folder is made only when the first file differs from the published one:
    a build that changes nothing writes nothing and leaves every file as it is.
    """

    def __init__(self, output: Path, protected: Iterable[Path] = (), published_files: set[str] | None = None) -> None:
        """`published_files`: list_files() of the output, when the caller has just listed it."""
        self.output = check_output_dir(output, protected)
        self._listed = published_files
        self._output_prefix = str(self.output) + os.sep  # string joins: pathlib is slow per file
        self.staging = staging_dir(self.output)
        self._old_files: set[str] = set()  # the published site's files (sizes read when needed)
        self._done: set[str] = set()  # every file of the new site so far
        self._folded: dict[str, str] = {}  # each file's path in lower case -> the path
        self._kept: list[str] = []  # files of the published site that stay as they are
        self._written: list[str] = []  # new or changed files, in staging
        self._staged = False
        self._staging_prefix = str(self.staging) + os.sep
        self._dirs: set[str] = set()
        self.stats: WriteStats | None = None

    def __enter__(self) -> "SiteWriter":
        remove_leftovers(self.output)
        if self._listed is not None:
            self._old_files = self._listed
        elif self.output.is_dir():
            self._old_files = list_files(self.output)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        if self.stats is None:  # not committed: the published site stays as it was
            shutil.rmtree(self.staging, ignore_errors=True)

    def _published_size(self, rel: str) -> int | None:
        if rel not in self._old_files:
            return None
        try:
            return os.stat(self._output_prefix + rel).st_size
        except OSError:
            return None

    def _claim(self, rel: str) -> str:
        rel = self._register(_validate(rel))
        problem = windows_name_problem(rel)
        if problem:
            raise OutputError(f"cannot write {rel}: {problem}; rename the file or give the page a slug")
        return rel

    def _register(self, rel: str) -> str:
        """Claims a valid path (a file of the published site is one: it was listed in the output)."""
        if rel in self._done:
            raise OutputError(f"two pages would be written to the same file {rel}")
        folded = rel.casefold()
        if folded in self._folded:
            raise OutputError(f"two files of the site differ only in letter case: {self._folded[folded]} and {rel} "
                              "(on Windows and macOS one would overwrite the other): give one another slug")
        self._folded[folded] = rel
        self._done.add(rel)
        return rel

    def _target(self, rel: str) -> str:
        folder, _, _name = rel.rpartition("/")
        if folder not in self._dirs:
            os.makedirs(self._staging_prefix + folder, exist_ok=True)
            self._dirs.add(folder)
        return self._staging_prefix + rel

    def _stage(self) -> None:
        """Makes the staging folder, with the output's marker."""
        self.staging.mkdir(parents=True)
        self._dirs.add("")
        old_marker = self.output / MARKER
        if old_marker.is_file() and old_marker.read_bytes() == MARKER_TEXT:
            link_or_copy(str(old_marker), str(self.staging / MARKER))
        else:
            (self.staging / MARKER).write_bytes(MARKER_TEXT)
        self._staged = True

    def write(self, rel: str, data: bytes) -> bool:
        """Puts a file into the new site; True if its bytes differ from the published ones."""
        rel = self.claim(rel)
        return self.account(rel, self.put(rel, data))

    def claim(self, rel: str) -> str:
        """Reserves a file of the new site (each once), to be put by put()."""
        return self._claim(rel)

    def put(self, rel: str, data: bytes) -> bool:
        """Puts a claimed file into the new site; True if its bytes differ from the published ones.

        It records nothing, so a forked worker process may put files once the staging folder
        is made (stage()); the writer's own process then accounts for each.
        """
        if self._published_size(rel) == len(data):
            with open(self._output_prefix + rel, "rb") as handle:
                if handle.read() == data:
                    return False
        if not self._staged:
            self._stage()
        with open(self._target(rel), "xb") as handle:
            handle.write(data)
        return True

    def account(self, rel: str, written: bool) -> bool:
        """Records a file put by put(): written into staging, or kept as published."""
        if written:
            self._written.append(rel)
        else:
            self._kept.append(rel)
        return written

    def stage(self) -> None:
        """Makes the staging folder now, before worker processes put files into it."""
        if not self._staged:
            self._stage()

    def keep_if_published(self, rel: str) -> bool:
        """Keeps a published file without reading it (the caller knows its content is unchanged);
        False if there is no such published file. Its name is taken as proof, as the check
        for a build with nothing to do takes the output's list of names: a stat of each of the
        16,000 kept files of a rebuild at 10,000 posts took 0.05 s."""
        if rel not in self._old_files:
            return False
        self._kept.append(self._register(rel))
        return True

    def copy(self, rel: str, source: Path) -> bool:
        return self.write(rel, source.read_bytes())

    def published(self, rel: str) -> bytes | None:
        """The bytes of a file in the currently published site (None if it has none)."""
        rel = _validate(rel)
        if rel not in self._old_files:
            return None
        return (self.output / rel).read_bytes()

    def published_under(self, prefix: str) -> list[str]:
        """The files of the published site below a folder."""
        prefix = _validate(prefix.rstrip("/")) + "/"
        return sorted(rel for rel in self._old_files if rel.startswith(prefix))

    def keep_published(self, prefix: str) -> int:
        """Carries the published files under `prefix` into the new site as they are."""
        return self.keep_published_files(self.published_under(prefix))

    def keep_published_files(self, rels: Iterable[str]) -> int:
        """Carries these files of the published site (from published_under()) into the new site."""
        count = 0
        for rel in rels:
            self._kept.append(self._register(rel))
            count += 1
        return count

    def files(self) -> set[str]:
        """The files of the new site (as list_files gives them once it is published)."""
        return set(self._done)

    def commit(self) -> WriteStats:
        """Publishes the new site and removes what it replaced."""
        if STOP_REQUESTED.is_set():
            raise KeyboardInterrupt
        deleted = sorted(self._old_files - self._done)
        if not self.output.is_dir():
            self._swap()  # the first build
        elif len(self._written) + len(deleted) <= len(self._kept):
            if self._written or deleted:
                self._patch(deleted)
            elif self._staged:  # staged for render workers, and nothing differed
                shutil.rmtree(self.staging, ignore_errors=True)
        else:
            self._swap()
        self.stats = WriteStats(len(self._written), len(self._kept), len(deleted))
        return self.stats

    def _patch(self, deleted: list[str]) -> None:
        try:
            patch(self.staging, self.output, self._written, self._old_files, deleted)
        except OSError as error:  # rolled back: a swap needs no file of the old site in its way
            log.info("could not update %s in place (%s); replacing it whole", self.output, error)
            self._swap()

    def _swap(self) -> None:
        """Links every kept file into staging, then swaps it with the published site."""
        if not self._staged:
            self._stage()
        for rel in self._kept:
            link_or_copy(self._output_prefix + rel, self._target(rel))
        if STOP_REQUESTED.is_set():  # asked while the links were made
            raise KeyboardInterrupt
        swap(self.staging, self.output)


def list_files(root: Path) -> set[str]:
    """Relative paths of the files below root (scandir's file types: no stat per file)."""
    found: set[str] = set()
    stack = [("", str(root))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((prefix + entry.name + "/", entry.path))
                elif prefix or entry.name != MARKER:
                    found.add(prefix + entry.name)
    return found


def remove_leftovers(output: Path) -> None:
    """What an interrupted build left is undone: a patch of the output folder half made is
    rolled back, and staging or old folders are removed (they are only ever ours)."""
    if roll_back(output):
        log.warning("the last build was interrupted while it published %s: it is back as the build before "
                    "that one left it", output.name)
    for folder in (staging_dir(output), trash_dir(output)):
        if folder.exists():
            log.info("removing %s left by an interrupted build", folder.name)
            shutil.rmtree(folder)
    # A background removal that died leaves its folder; one still at work is left to finish.
    for folder in output.parent.glob(f"{trash_dir(output).name}-*"):
        try:
            stale = time.time() - folder.stat().st_mtime > 600
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
