"""The output folder's only owner: containment, no double writes, compare-before-write, atomic publish.

A build writes the whole new site into a staging folder beside the output (`.public.zqsite-new`).
A file whose bytes did not change is hard-linked from the published site instead of written,
so it keeps its inode and mtime. Only when everything succeeded is the staging folder swapped
with the published one in a single rename (Linux renameat2 RENAME_EXCHANGE where available).
A failure, an exception or Ctrl-C before that leaves the published site byte for byte as it was.
Forked render workers put their pages into the staging folder through a copy of the writer
(put()); the build's own writer claims and counts every file.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from zqsite.errors import OutputError
from zqsite.linking import BackgroundLinker, link_or_copy
from zqsite.urls import windows_name_problem

log = logging.getLogger(__name__)

# Set when the user asked the build to stop (SIGTERM, Ctrl-C): checked again just before the
# swap, since the KeyboardInterrupt a signal handler raises can be swallowed (a signal that
# arrives while a worker process is being forked lands in a hook whose exceptions are ignored).
STOP_REQUESTED = threading.Event()
MARKER = ".zqsite-output"
MARKER_TEXT = b"This folder is written by zqsite. Each build replaces its whole content.\n"


@dataclass(frozen=True)
class WriteStats:
    written: int  # new or changed files
    unchanged: int  # kept as they were (same bytes)
    deleted: int  # published before, not part of the new site


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.zqsite-new"


def trash_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.zqsite-old"


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
    a build that changes nothing links nothing, swaps nothing and leaves every file as it is.
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
        self._kept: list[str] = []  # unchanged files not yet linked into staging
        self._staged = False
        self._linker: BackgroundLinker | None = None  # links kept files while the build goes on
        self._staging_prefix = str(self.staging) + os.sep
        self._dirs: set[str] = set()
        self._counts = {"written": 0, "unchanged": 0}
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
            try:
                self._finish_links()
            except Exception:  # noqa: BLE001 - the build failed already; this is the clean-up
                pass
            shutil.rmtree(self.staging, ignore_errors=True)

    def _published_size(self, rel: str) -> int | None:
        if rel not in self._old_files:
            return None
        try:
            return os.stat(self._output_prefix + rel).st_size
        except OSError:
            return None

    def _claim(self, rel: str) -> str:
        rel = _validate(rel)
        if rel in self._done:
            raise OutputError(f"two pages would be written to the same file {rel}")
        folded = rel.casefold()
        if folded in self._folded:
            raise OutputError(f"two files of the site differ only in letter case: {self._folded[folded]} and {rel} "
                              "(on Windows and macOS one would overwrite the other): give one another slug")
        problem = windows_name_problem(rel)
        if problem:
            raise OutputError(f"cannot write {rel}: {problem}; rename the file or give the page a slug")
        self._folded[folded] = rel
        self._done.add(rel)
        return rel

    def _target(self, rel: str) -> str:
        folder, _, _name = rel.rpartition("/")
        if folder not in self._dirs:
            os.makedirs(self._staging_prefix + folder, exist_ok=True)
            self._dirs.add(folder)
        return self._staging_prefix + rel

    def _link(self, rel: str) -> None:
        link_or_copy(self._output_prefix + rel, self._target(rel))

    def _stage(self) -> None:
        """Makes the staging folder, with every unchanged file so far linked into it."""
        self.staging.mkdir(parents=True)
        self._dirs.add("")
        old_marker = self.output / MARKER
        if old_marker.is_file() and old_marker.read_bytes() == MARKER_TEXT:
            link_or_copy(str(old_marker), str(self.staging / MARKER))
        else:
            (self.staging / MARKER).write_bytes(MARKER_TEXT)
        self._staged = True
        for rel in self._kept:
            self._link_later(rel)
        self._kept.clear()

    def _link_later(self, rel: str) -> None:
        if self._linker is None:
            self._linker = BackgroundLinker(self._link)
        self._linker.add(rel)

    def _finish_links(self) -> None:
        linker, self._linker = self._linker, None
        if linker is not None:
            linker.finish()

    def _keep(self, rel: str) -> None:
        self._counts["unchanged"] += 1
        if self._staged:
            self._link_later(rel)
        else:
            self._kept.append(rel)

    def write(self, rel: str, data: bytes) -> bool:
        """Puts a file into the new site; True if its bytes differ from the published ones."""
        return self.account(self.put(self.claim(rel), data))

    def claim(self, rel: str) -> str:
        """Reserves a file of the new site (each once), to be put by put()."""
        return self._claim(rel)

    def put(self, rel: str, data: bytes) -> bool:
        """Puts a claimed file into the new site; True if its bytes differ from the published ones.

        It counts nothing, so a forked worker process may put files once the staging folder
        is made (stage()); the writer's own process then accounts for each.
        """
        if self._published_size(rel) == len(data):
            with open(self._output_prefix + rel, "rb") as handle:
                if handle.read() == data:
                    if self._staged:
                        self._link(rel)
                    else:
                        self._kept.append(rel)
                    return False
        if not self._staged:
            self._stage()
        with open(self._target(rel), "xb") as handle:
            handle.write(data)
        return True

    def account(self, written: bool) -> bool:
        """Counts a file put by put(): written, or kept as published."""
        self._counts["written" if written else "unchanged"] += 1
        return written

    def stage(self) -> None:
        """Makes the staging folder now, before worker processes put files into it: with every
        link made, so that no thread runs while the workers are forked."""
        if not self._staged:
            self._stage()
        self._finish_links()

    def keep_if_published(self, rel: str, size: int) -> bool:
        """Keeps a published file without reading it (the caller knows its content is unchanged);
        False if there is no published file of that size."""
        if rel not in self._old_files or self._published_size(rel) != size:  # published: a valid path
            return False
        self._keep(self._claim(rel))
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
            self._keep(self._claim(rel))
            count += 1
        return count

    def files(self) -> set[str]:
        """The files of the new site (as list_files gives them once it is published)."""
        return set(self._done)

    def commit(self) -> WriteStats:
        """Publishes the staging folder in one step and removes the old site."""
        if STOP_REQUESTED.is_set():
            raise KeyboardInterrupt
        deleted = len(self._old_files - self._done)
        if not self._staged and (deleted or not self.output.is_dir()):
            self._stage()  # files to remove, or a first build: a new tree is published
        self._finish_links()
        if STOP_REQUESTED.is_set():  # asked while the last links were made
            raise KeyboardInterrupt
        if self._staged:
            if self.output.exists():
                if not _exchange(self.staging, self.output):
                    self.staging = _swap_by_renames(self.staging, self.output)
                _remove_soon(self.staging, self.output)
            else:
                self.output.parent.mkdir(parents=True, exist_ok=True)
                os.rename(self.staging, self.output)
        self.stats = WriteStats(self._counts["written"], self._counts["unchanged"], deleted)
        return self.stats


def _swap_by_renames(staging: Path, output: Path) -> Path:
    """Where folders cannot be exchanged in one step (every system but Linux): the published
    site is renamed aside, then the new one into its place; between the two renames (a few
    microseconds on a local disk) the output folder does not exist. If the second rename
    fails, the old site is put back. Returns where the old site now is."""
    trash = trash_dir(output)
    _rename(output, trash)
    try:
        _rename(staging, output)
    except BaseException:
        os.rename(trash, output)
        raise
    return trash


def _rename(source: Path, target: Path) -> None:
    # On Windows a folder with a file open in it (a preview server, a virus scanner) cannot be
    # renamed for a moment: a few tries before giving up.
    for attempt in range(5):
        try:
            os.rename(source, target)
            return
        except PermissionError:
            if attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


def _remove_soon(folder: Path, output: Path) -> None:
    """Removes the replaced site. A large tree goes to a background process: the new site is
    published already, and deleting thousands of files would only make the command slower."""
    if not _has_at_least(folder, 2000):
        shutil.rmtree(folder, ignore_errors=True)
        return
    import subprocess  # here: most builds swap nothing

    doomed = output.parent / f"{trash_dir(output).name}-{time.time_ns()}"
    os.rename(folder, doomed)
    # A Python of its own, not `rm -rf`: the same on Windows. Detached, so it outlives the build.
    detached = ({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS}
                if sys.platform == "win32" else {"start_new_session": True})
    try:
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                          str(doomed)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, **detached)
    except OSError:  # no process to spare: remove it now
        shutil.rmtree(doomed, ignore_errors=True)


def _has_at_least(folder: Path, count: int) -> bool:
    """Whether the tree below `folder` holds `count` entries (it stops counting there)."""
    stack, seen = [str(folder)], 0
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                seen += 1
                if seen >= count:
                    return True
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
    return False


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
    """Staging or old folders left by an interrupted build are removed (they are only ever ours)."""
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


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swaps two folders atomically (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # here: most builds swap nothing

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError, ValueError):  # no symbol table, or a libc without it
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
