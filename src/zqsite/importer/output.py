"""Writing the planned files: atomically, only when changed, never over a hand edit.

`content/.zqsite-import.json` remembers, for each imported entry, the file it became and the
sha256 of what the importer wrote there. A file whose bytes no longer have that hash was
edited by hand since: it is left alone (and reported) unless `--force`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from zqsite.importer import ImportFailed
from zqsite.importer.records import Report

MANIFEST = ".zqsite-import.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class PlannedFile:
    key: str  # the entry it comes from
    path: str  # below the content folder, "/" separators
    data: bytes


def sha256(data: bytes) -> str:
    """The hex digest the manifest keeps."""
    return hashlib.sha256(data).hexdigest()


def load_manifest(content_dir: Path) -> dict[str, dict[str, str]]:
    """Entry key -> {"path", "sha256"}; empty for a first import."""
    path = content_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not all(isinstance(v, dict) and _inside(v.get("path")) and isinstance(v.get("sha256"), str)
                   for v in files.values()):
            raise ValueError("an entry is malformed or names a file outside posts/ and pages/")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImportFailed(f"{MANIFEST} in the content folder is unreadable ({exc}); remove it to import "
                           "afresh (hand-edited posts are then no longer recognised as such)") from None
    return dict(files)


def _inside(path: object) -> bool:
    """A manifest path the importer may rewrite or remove: below posts/ or pages/, no '..'."""
    if not isinstance(path, str):
        return False
    parts = PurePosixPath(path).parts
    return len(parts) >= 2 and parts[0] in ("posts", "pages") and ".." not in parts and "\\" not in path


def write_documents(content_dir: Path, planned: list[PlannedFile], manifest: dict[str, dict[str, str]],
                    force: bool, report: Report) -> dict[str, dict[str, str]]:
    """Writes what changed; returns the manifest to save."""
    updated = dict(manifest)
    for item in planned:
        entry = manifest.get(item.key)
        target = content_dir / item.path
        if entry is not None and (content_dir / entry["path"]).is_file():
            old = content_dir / entry["path"]
            current = old.read_bytes()
            if sha256(current) != entry["sha256"] and not force:
                report.kept.append(entry["path"])
                continue  # the manifest keeps the old hash: the edit is still seen next time
            if entry["path"] == item.path and current == item.data:
                report.unchanged += 1
            else:
                if entry["path"] != item.path and not _may_replace(target, item.path, item.data, force, report):
                    continue
                write_atomic(target, item.data)
                report.written.append(item.path)
                if entry["path"] != item.path:
                    old.unlink()
                    report.removed.append(entry["path"])
        elif target.is_file():
            if target.read_bytes() == item.data:
                report.unchanged += 1  # already there (an earlier import without its manifest)
            elif not _may_replace(target, item.path, item.data, force, report):
                continue
            else:
                write_atomic(target, item.data)
                report.written.append(item.path)
        else:
            write_atomic(target, item.data)
            report.written.append(item.path)
        updated[item.key] = {"path": item.path, "sha256": sha256(item.data)}
    return updated


def _may_replace(target: Path, shown: str, data: bytes, force: bool, report: Report) -> bool:
    """A file the importer did not write is replaced only with --force."""
    if not target.is_file() or force or target.read_bytes() == data:
        return True
    report.foreign.append(shown)
    return False


def save_manifest(content_dir: Path, files: dict[str, dict[str, str]]) -> None:
    """Writes the manifest if it changed (a re-import that changes nothing touches nothing)."""
    if not files and not (content_dir / MANIFEST).exists():
        return  # nothing imported (every entry was an editor's own post): leave no trace
    data = (json.dumps({"version": MANIFEST_VERSION, "files": dict(sorted(files.items()))},
                       ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    write_if_changed(content_dir / MANIFEST, data)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Writes `data` unless the file already holds exactly it; True if written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file beside the target, then os.replace: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); content files get the usual permissions.
        os.chmod(handle.name, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
