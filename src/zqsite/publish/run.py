"""`publish`: puts the last successful build on its host, uploading only what changed.

    check the build → scan it (hashing only rewritten files) → look at the target's top folder
    → plan against the record (or the whole target) → upload phase by phase → delete → record
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from zqsite.publish.plan import PHASES, Plan, Upload, emptied_folders, plan_publish
from zqsite.publish.rclone import Outcome, Rclone, RcloneMissing, TargetFailure, classify, find_rclone
from zqsite.publish.record import BuiltFile, Record, load_record, mark_pending, save_record, scan_site
from zqsite.publish.target import Target, TargetError, keeps_headers, parse_target
from zqsite.writer import MARKER, staging_dir, trash_dir

Progress = Callable[[int, int, int, int], None]  # files done, files in all, bytes done, bytes in all

_FOLDER_BACKENDS = ("local", "sftp", "ftp", "smb", "webdav")  # hosts where an emptied folder stays
_PARALLEL_BATCHES = 4


class PublishError(Exception):
    """Publishing stopped; the message is one line that says why and what the target holds."""


@dataclass(frozen=True)
class PublishOptions:
    output_dir: Path
    target: str
    dry_run: bool = False
    verify: bool = False  # compare with the target itself, and delete what the site does not have


@dataclass
class PublishReport:
    target: str
    plan: Plan
    compared_with: str  # "the record of the last publish" or "the target"
    dry_run: bool
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def publish_site(options: PublishOptions, progress: Progress | None = None) -> PublishReport:
    """Publishes the built site in options.output_dir; PublishError (one line) when it cannot."""
    started = time.monotonic()
    try:
        target = parse_target(options.target)
        output = check_build(options.output_dir)
        identity = _identity(output)  # before the scan: a build that ends later is noticed
        _refuse_overlap(target, output)
        rclone = Rclone(find_rclone(), target)
        record, site, backend, report = _survey(options, rclone, output)
    except TargetError as exc:
        raise PublishError(str(exc)) from exc
    except RcloneMissing as exc:
        raise PublishError(str(exc)) from exc
    except TargetFailure as failure:
        raise PublishError(describe(failure, target) + "; nothing was changed") from failure
    plan = report.plan
    if not options.dry_run:
        if plan.uploads or plan.deletions:
            mark_pending(output, target, {u.rel for u in plan.uploads} | set(plan.deletions))
            _upload(rclone, output, plan, keeps_headers(backend), progress)
            if _identity(output) != identity:
                raise PublishError("the site was rebuilt while it was being published; publish again "
                                   "(the target keeps every file it had)")
            _delete(rclone, plan, set(site), backend in _FOLDER_BACKENDS)
        if plan.uploads or plan.deletions or site != record.files or record.pending:
            save_record(output, target, site)
    report.seconds = time.monotonic() - started
    return report


def _survey(options: PublishOptions, rclone: Rclone, output: Path
            ) -> tuple[Record, dict[str, BuiltFile], str | None, PublishReport]:
    """The record, the built site, the target's backend and the plan. The quick look at the
    target runs while the site is scanned."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        looking = pool.submit(lambda: (rclone.remote_type(), _list_top(rclone)))
        record = load_record(output, rclone.target) or Record()
        site = scan_site(output, record.files)
        backend, top = looking.result()
    return record, site, backend, _plan(options, rclone, record, site, top)


def check_build(output_dir: Path) -> Path:
    """The output folder, if it holds a finished zqsite build; PublishError otherwise."""
    output = Path(os.path.abspath(output_dir))
    shown = _shown(output)
    if staging_dir(output).exists() or trash_dir(output).exists():
        raise PublishError(f"a build is writing {shown} (or one was interrupted): publish when it has "
                           f"finished, or build again")
    if not output.is_dir():
        raise PublishError(f"no build yet in {shown}: run `python build.py` first")
    if not (output / MARKER).is_file():
        raise PublishError(f"{shown} was not built by zqsite (it has no {MARKER} marker); "
                           f"publish only a folder that `build` wrote")
    return output


def describe(failure: TargetFailure, target: Target) -> str:
    """One line for the editor: what went wrong with the target, in words."""
    where = target.text
    if failure.kind == "unreachable":
        return f"cannot reach the host of {where} ({failure.detail}); check the address and the network"
    if failure.kind == "credentials":
        return (f"the host of {where} refused the credentials ({failure.detail}); check the remote in "
                f"rclone's configuration (`rclone config`) or the RCLONE_* environment variables")
    if failure.kind == "missing":
        return f"no such bucket or folder: {where} ({failure.detail})"
    if failure.kind == "config":
        return f"rclone's configuration: {failure.detail}"
    return f"rclone failed on {where}: {failure.detail}"


def _plan(options: PublishOptions, rclone: Rclone, record: Record, site: dict[str, BuiltFile],
          top: list[dict] | None) -> PublishReport:
    notes = []
    if options.verify:
        reason = "--verify"
    elif not record.files:
        reason = "no record of an earlier publish to this target here"
    elif _drifted(top or [], record):
        reason = "its top folder differs from the record of the last publish (was it published from elsewhere?)"
    else:
        reason = None
    if reason is None:
        held = {rel: (f.size, f.md5) for rel, f in record.files.items()}
        compared = "the record of the last publish"
    else:
        listing = rclone.list(recursive=True, hashes=True) if top is not None else []
        held = {e["Path"]: (e["Size"], (e.get("Hashes") or {}).get("md5")) for e in listing}
        compared = "the target"
        notes.append(f"compared with the target itself: {reason}")
    plan = plan_publish(site, held, set(record.files), record.pending, delete_strays=options.verify)
    if plan.strays:
        notes.append(f"{len(plan.strays):,} files on the target are not part of the site and were left "
                     f"alone (publish --verify deletes them)")
    return PublishReport(rclone.target.text, plan, compared, options.dry_run, notes=notes)


def _list_top(rclone: Rclone) -> list[dict] | None:
    """The files at the top of the target: a quick look that it is there and the credentials work;
    None for a folder still to be made."""
    try:
        return rclone.look()
    except TargetFailure as failure:
        parent = rclone.target.parent()
        if failure.kind != "missing" or parent is None:
            raise
        rclone.look(parent)  # a new folder in an existing one is made by the first upload
        return None


def _drifted(top: list[dict], record: Record) -> bool:
    """True if a file at the top of the target is not what the record says it published."""
    for entry in top:
        rel = entry.get("Path", "")
        held = record.files.get(rel)
        if held is not None and rel not in record.pending and entry.get("Size") != held.size:
            return True
    on_target = {entry.get("Path") for entry in top}
    return any("/" not in rel and rel not in on_target and rel not in record.pending for rel in record.files)


def _upload(rclone: Rclone, output: Path, plan: Plan, with_headers: bool, progress: Progress | None) -> None:
    meter = _Meter(progress, len(plan.uploads), plan.upload_bytes)
    for phase in range(len(PHASES)):
        batches = [(headers, uploads, meter.batch())
                   for headers, uploads in _batches(plan.phase(phase), with_headers).items()]
        with ThreadPoolExecutor(max_workers=_PARALLEL_BATCHES) as pool:
            outcomes = list(pool.map(lambda batch: _send(rclone, output, *batch), batches))
        failed: dict[str, str] = {}
        errors: list[str] = []
        for outcome in outcomes:
            failed.update(outcome.failed)
            errors += outcome.errors
        if failed:
            raise PublishError(_upload_failure(rclone.target, failed, errors, len(plan.uploads)))
    meter.finish()


def _batches(uploads: list[Upload], with_headers: bool) -> dict[tuple[str, ...], list[Upload]]:
    """Uploads grouped by the headers they get: one rclone process per group."""
    groups: dict[tuple[str, ...], list[Upload]] = {}
    for upload in uploads:
        key: tuple[str, ...] = ()
        if with_headers:
            key = (f"Cache-Control: {upload.cache_control}",)
            if upload.content_type:
                key = (f"Content-Type: {upload.content_type}", *key)
        groups.setdefault(key, []).append(upload)
    return groups


def _send(rclone: Rclone, output: Path, headers: tuple[str, ...], uploads: list[Upload],
          stats: Callable[[int, int], None]) -> Outcome:
    outcome = rclone.copy(output, [u.rel for u in uploads], list(headers), stats)
    stats(len(outcome.done), sum(u.size for u in uploads if u.rel in outcome.done))
    return outcome


def _upload_failure(target: Target, failed: dict[str, str], errors: list[str], total: int) -> str:
    first, message = min(failed.items())
    failure = classify([message] if message else errors)
    return (f"could not upload {len(failed):,} of {total:,} files (first: {first}: "
            f"{describe(failure, target)}); the target keeps every file it had and the next publish "
            f"finishes the job")


def _delete(rclone: Rclone, plan: Plan, remaining: set[str], folders: bool) -> None:
    if not plan.deletions:
        return
    outcome = rclone.delete(plan.deletions)
    if outcome.code or outcome.failed:
        failure = classify(list(outcome.failed.values()) or outcome.errors)
        raise PublishError(f"every file was uploaded, but deleting the {len(plan.deletions):,} files the "
                           f"site no longer has failed ({describe(failure, rclone.target)}); "
                           f"the next publish deletes them")
    if folders:
        for folder in emptied_folders(plan.deletions, remaining):
            rclone.remove_empty_folder(folder)


def _refuse_overlap(target: Target, output: Path) -> None:
    if not target.is_local:
        return
    folder = Path(os.path.abspath(target.path)).resolve()
    real = output.resolve()
    if folder == real or real in folder.parents or folder in real.parents:
        raise PublishError(f"the target {target.text} is, holds or is inside the output folder {_shown(output)}")


def _identity(output: Path) -> tuple[int, int, int]:
    """Changes when a build replaces the output folder (it swaps in a new one) or patches it
    (it writes a new marker first)."""
    folder, marker = os.stat(output), os.stat(output / MARKER)
    return folder.st_ino, folder.st_dev, marker.st_ino


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class _Meter:
    """Adds up the progress of the batches running at once for one progress line."""

    def __init__(self, progress: Progress | None, files: int, size: int) -> None:
        self.progress, self.files, self.size = progress, files, size
        self.batches: list[tuple[int, int]] = []
        self.lock = threading.Lock()

    def batch(self) -> Callable[[int, int], None]:
        index = len(self.batches)
        self.batches.append((0, 0))

        def update(done: int, done_bytes: int) -> None:
            with self.lock:  # batches report from their own threads
                self.batches[index] = (done, done_bytes)
                if self.progress:
                    self.progress(sum(b[0] for b in self.batches), self.files,
                                  sum(b[1] for b in self.batches), self.size)

        return update

    def finish(self) -> None:
        if self.progress and self.files:
            self.progress(self.files, self.files, self.size, self.size)
