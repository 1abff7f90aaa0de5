"""Publishing targets: rclone remote paths, read without running rclone (pure, no I/O).

A target is what rclone accepts as a destination: a named remote (`zqsite-oss:bucket/blog`,
optionally with overrides `zqsite-oss,region=x:bucket`), an on-the-fly remote
(`:s3,provider=Alibaba,endpoint=oss-cn-hongkong.aliyuncs.com:bucket/blog`) or a local folder.
The parameters are read here so that a secret written into one is refused before it is used:
site.yaml is committed to git, and a command line ends up in shell histories and CI logs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SECRETS_BELONG = ("secrets belong in rclone's configuration file (run `rclone config`) or in "
                  "RCLONE_* environment variables such as RCLONE_S3_SECRET_ACCESS_KEY, never in the target")

_SECRET_WORDS = ("secret", "pass", "token", "credential", "access_key", "sas_url")
_NOT_SECRET = ("key_use_agent", "key_exchange", "pubkey", "pubkey_file")
_DRIVE = re.compile(r"^[A-Za-z]:([\\/]|$)")  # a Windows drive, not a remote called "C"
# Backends that keep Content-Type and Cache-Control (rclone's --header-upload); wrappers
# whose backend we cannot see are given the headers too (a backend without them ignores them).
_HEADER_BACKENDS = ("s3", "gcs", "google cloud storage", "azureblob", "swift", "alias", "union", "combine")


class TargetError(ValueError):
    """The target cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    text: str  # as the user wrote it (holds no secret)
    remote: str  # "zqsite-oss", ":s3" for an on-the-fly remote, "" for a local folder
    params: tuple[tuple[str, str], ...]  # the connection string's parameters
    path: str

    @property
    def is_local(self) -> bool:
        return self.remote == "" or self.remote == ":local"

    @property
    def backend(self) -> str | None:
        """The backend of an on-the-fly remote ("s3"); None for a named remote (see rclone's config)."""
        if self.is_local:
            return "local"
        return self.remote[1:] if self.remote.startswith(":") else None

    @property
    def key(self) -> str:
        """A file-name-safe key for the record of what this target holds."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:20]

    def parent(self) -> str | None:
        """The folder (or bucket) the target is in, as an rclone path; None for a remote's root."""
        path = self.path.replace("\\", "/") if self.remote == "" else self.path
        stripped = path.rstrip("/")
        if not stripped or _DRIVE.match(stripped + "/") and len(stripped) == 2:
            return None
        head, sep, _name = stripped.rpartition("/")
        if sep and not head:
            head = "/"
        if self.remote == "":
            return head if sep else "."
        return self.text[: len(self.text) - len(self.path)] + head


def parse_target(text: str) -> Target:
    """Reads a target; TargetError if it is empty, malformed or carries a secret."""
    text = text.strip()
    if not text:
        raise TargetError("no target: set publish.target in site.yaml or give --target")
    if text.startswith(("/", "./", "../", "\\")) or _DRIVE.match(text):
        return Target(text, "", (), text)
    colon = _unquoted_index(text, ":", start=1 if text.startswith(":") else 0)
    if colon < 0:
        return Target(text, "", (), text)  # a relative local folder
    spec, path = text[:colon], text[colon + 1:]
    parts = _split_unquoted(spec, ",")
    remote, params = parts[0], []
    if remote in ("", ":"):
        raise TargetError(f"'{text}' names no remote before ':' (e.g. zqsite-oss:bucket/blog)")
    for part in parts[1:]:
        name, sep, value = part.partition("=")
        params.append((name.strip().lower().replace("-", "_"), _unquote(value) if sep else "true"))
    target = Target(text, remote, tuple(params), path)
    secrets = [name for name, _value in params if is_secret(name)]
    if secrets:
        raise TargetError(f"the target carries a secret ({', '.join(secrets)}): {SECRETS_BELONG}")
    return target


def is_secret(name: str) -> bool:
    """True for a parameter that holds a secret: keys, passwords, tokens."""
    name = name.lower().replace("-", "_")
    if name in _NOT_SECRET:
        return False
    return (any(word in name for word in _SECRET_WORDS) or name == "key" or name.endswith("_key")
            or name.startswith("key_"))


def keeps_headers(backend: str | None) -> bool:
    return backend is not None and backend.lower() in _HEADER_BACKENDS


def _unquoted_index(text: str, char: str, start: int = 0) -> int:
    quote = None
    for index in range(start, len(text)):
        c = text[index]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == char:
            return index
    return -1


def _split_unquoted(text: str, char: str) -> list[str]:
    parts = []
    while (index := _unquoted_index(text, char)) >= 0:
        parts.append(text[:index])
        text = text[index + 1:]
    return parts + [text]


def _unquote(value: str) -> str:
    # rclone quotes a value with ' or " and doubles the quote inside it.
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].replace(value[0] * 2, value[0])
    return value
