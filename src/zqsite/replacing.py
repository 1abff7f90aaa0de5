"""How a finished new site replaces the published one, in one of two ways, and how an
interrupted replacement is undone. Only the writer (zqsite.writer) calls these.

- Swap: the staging folder holds the whole new site (unchanged files hard-linked from the
  published one) and is exchanged with the output folder in one rename. A cold build or one
  that changes most files does this.
- Patch: the staging folder holds only the new and changed files. Each is moved into the
  output folder, and each replaced or deleted file aside into the old-files folder, with a
  journal of every move written first. An edit to one post changes a few dozen of 16,000
  files: linking the other 16,000 took longer than the rest of such a rebuild.

A patch that fails is rolled back at once; one that was interrupted (the process killed, the
machine off) is rolled back by the next build before it looks at the output folder. Either
way the published site is again exactly what the last finished build left.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

MARKER = ".zqsite-output"
MARKER_TEXT = b"This folder is written by zqsite. Each build replaces its whole content.\n"


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.zqsite-new"


def trash_dir(output: Path) -> Path:
    """The replaced site after a swap, or the replaced and deleted files during a patch."""
    return output.parent / f".{output.name}.zqsite-old"


def journal_path(output: Path) -> Path:
    return output.parent / f".{output.name}.zqsite-journal"


def link_or_copy(source: str, target: str) -> None:
    """A hard link, or where the file system has none (FAT and exFAT drives, many network
    shares) or refuses one, a copy with the same bytes and modification time."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# --- swap -------------------------------------------------------------------------------------

def swap(staging: Path, output: Path) -> None:
    """Puts the staging folder in the place of the output folder and removes the old site."""
    if not output.exists():
        output.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, output)
        return
    old = staging if _exchange(staging, output) else _swap_by_renames(staging, output)
    _remove_soon(old, output)


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


def _rename(source: Path | str, target: Path | str) -> None:
    # On Windows a file or folder open in another program (a preview server, a virus scanner)
    # cannot be renamed for a moment: a few tries before giving up.
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


# --- patch ------------------------------------------------------------------------------------

def patch(staging: Path, output: Path, written: list[str], published: set[str], deleted: list[str]) -> None:
    """Moves the files `written` from staging into the output folder (those in `published`
    replace a file) and removes the files `deleted`; on any failure, or Ctrl-C, puts every
    file back as it was and raises."""
    import json  # here: most builds patch nothing

    replaced = sorted(rel for rel in written if rel in published)
    new = sorted(rel for rel in written if rel not in published)
    journal = journal_path(output)
    _write_atomically(journal, json.dumps({"replaced": replaced, "new": new, "deleted": sorted(deleted)}).encode(),
                      durable=True)
    trash, out, new_site = str(trash_dir(output)) + os.sep, str(output) + os.sep, str(staging) + os.sep
    folders: set[str] = set()

    def ready(root: str, rel: str) -> None:
        folder = root + rel.rpartition("/")[0]
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)

    try:
        # A new marker (a new inode): a publish that started before this sees the site changed.
        _write_atomically(output / MARKER, MARKER_TEXT)
        for rel in replaced:
            ready(trash, rel)
            _rename(out + rel, trash + rel)
            _rename(new_site + rel, out + rel)
        for rel in new:
            ready(out, rel)
            _rename(new_site + rel, out + rel)
        for rel in deleted:
            ready(trash, rel)
            _rename(out + rel, trash + rel)
    except BaseException:
        roll_back(output)
        raise
    _remove_empty_folders(output, deleted)
    journal.unlink()  # the patch is done: from here on the new site is the published one
    shutil.rmtree(trash_dir(output), ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def roll_back(output: Path) -> bool:
    """Undoes a patch that did not finish, from its journal; False if there was none (or no
    output folder to undo it in). Safe to run again if it is itself interrupted."""
    journal = journal_path(output)
    try:
        data = journal.read_bytes()
    except FileNotFoundError:
        return False
    import json  # here: every build looks for a journal, and almost never finds one

    try:
        moves = json.loads(data)
    except ValueError:  # never written in full: the patch had not begun
        journal.unlink()
        return True
    if not output.is_dir():  # removed since (by `clean` or by hand): nothing to put back
        journal.unlink()
        return False
    # The new files go back into staging (a swap may still use them), the old ones into place.
    trash, out, new_site = (str(folder) + os.sep for folder in (trash_dir(output), output, staging_dir(output)))
    for rel in moves["new"]:
        if os.path.lexists(out + rel):
            _move(out + rel, new_site + rel)
    for rel in moves["replaced"]:
        if os.path.lexists(trash + rel):  # moved aside: what is in its place now is the new file
            if os.path.lexists(out + rel):
                _move(out + rel, new_site + rel)
            _move(trash + rel, out + rel)
    for rel in moves["deleted"]:
        if os.path.lexists(trash + rel):
            _move(trash + rel, out + rel)
    _remove_empty_folders(output, moves["new"])
    _write_atomically(output / MARKER, MARKER_TEXT)
    shutil.rmtree(trash_dir(output), ignore_errors=True)  # empty folders now
    journal.unlink()
    return True


def _move(source: str, target: str) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.replace(source, target)


def _remove_empty_folders(output: Path, rels: list[str]) -> None:
    """The folders of these files that are now empty, up to the output folder."""
    for folder in sorted({rel.rpartition("/")[0] for rel in rels if "/" in rel}, key=len, reverse=True):
        path = output / folder
        while path != output:
            try:
                path.rmdir()
            except OSError:  # not empty, or gone already
                break
            path = path.parent


def _write_atomically(path: Path, data: bytes, durable: bool = False) -> None:
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as handle:
        handle.write(data)
        if durable:  # on disk before the first move, so that a power cut cannot lose it
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(part, path)
