"""What a target held after the last successful publish from here, and the built site's files.

The record lives beside the output folder (`.public.zqsite-publish/<target key>.json`), so
that `clean` keeps it and a CI cache can carry it. Each entry is a file's size and MD5 (the
hash S3 and most hosts report, so that `--verify` can compare) and the stat stamp (mtime,
inode) of the built file those bytes came from: the build keeps an unchanged file's inode
and mtime, so a publish hashes only the files a build rewrote.

Before anything is uploaded, the paths about to change are written to a pending file. A
publish that fails part-way leaves the record as it was, and the next one treats the pending
paths as unknown (uploads them again, deletes them if the site no longer has them), so no
half-finished upload is ever taken for a file the target holds.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from zqsite.publish.target import Target
from zqsite.writer import MARKER

RECORD_FORMAT = 1


@dataclass(frozen=True)
class BuiltFile:
    """A file of the built site: its size, MD5 and stat stamp (mtime_ns, inode)."""

    size: int
    md5: str
    mtime_ns: int
    inode: int


@dataclass
class Record:
    files: dict[str, BuiltFile] = field(default_factory=dict)  # what the target held
    pending: set[str] = field(default_factory=set)  # paths of a publish that did not finish


def record_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.zqsite-publish"


def _record_file(output: Path, target: Target) -> Path:
    return record_dir(output) / f"{target.key}.json"


def _pending_file(output: Path, target: Target) -> Path:
    return record_dir(output) / f"{target.key}.pending.json"


def load_record(output: Path, target: Target) -> Record | None:
    """The record of this target, or None if there is none (or it is unreadable: then the
    target itself is listed, which is slower but right)."""
    pending = set(_read_json(_pending_file(output, target), target) or ())
    data = _read_json(_record_file(output, target), target)
    if not isinstance(data, dict):
        return Record(pending=pending) if pending else None
    try:
        files = {rel: BuiltFile(*entry) for rel, entry in data.items()}
    except TypeError:
        return Record(pending=pending) if pending else None
    return Record(files, pending)


def save_record(output: Path, target: Target, files: dict[str, BuiltFile]) -> None:
    """Records what the target holds now and forgets the pending paths (after a success)."""
    entries = {rel: [f.size, f.md5, f.mtime_ns, f.inode] for rel, f in sorted(files.items())}
    _write_json(_record_file(output, target), target, entries)
    _pending_file(output, target).unlink(missing_ok=True)


def mark_pending(output: Path, target: Target, paths: set[str]) -> None:
    """Notes the paths a publish is about to change (kept if it fails)."""
    old = set(_read_json(_pending_file(output, target), target) or ())
    _write_json(_pending_file(output, target), target, sorted(old | paths))


def _read_json(path: Path, target: Target):  # noqa: ANN202
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT or data.get("target") != target.text:
        return None
    return data.get("files")


def _write_json(path: Path, target: Target, files: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        json.dump({"format": RECORD_FORMAT, "target": target.text, "files": files}, handle,
                  ensure_ascii=False, separators=(",", ":"))
    os.replace(temporary, path)  # a crash while writing never leaves half a record


def scan_site(output: Path, known: dict[str, BuiltFile]) -> dict[str, BuiltFile]:
    """Every file of the built site with its MD5; a file whose stat stamp matches `known`
    is not read (on Windows scandir reports no inode: the stamp is size and mtime)."""
    found: dict[str, BuiltFile] = {}
    stack = [("", str(output))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if _is_ours(entry.name):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((prefix + entry.name + "/", entry.path))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue  # the build writes plain files only
                rel = prefix + entry.name
                stat = entry.stat(follow_symlinks=False)
                old = known.get(rel)
                if old and (old.size, old.mtime_ns, old.inode) == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
                    found[rel] = old
                else:
                    found[rel] = BuiltFile(stat.st_size, file_md5(entry.path), stat.st_mtime_ns, stat.st_ino)
    return found


def file_md5(path: str) -> str:
    with open(path, "rb") as handle:
        # MD5 because it is the hash S3 and most hosts report (not for security).
        return hashlib.file_digest(handle, lambda: hashlib.md5(usedforsecurity=False)).hexdigest()


def _is_ours(name: str) -> bool:
    """zqsite's own files (marker, build cache, staging and trash folders, the search index's
    stamps) are never published."""
    return name == MARKER or name.startswith(".zqsite") or (name.startswith(".") and ".zqsite-" in name)
