"""`--download-images`: a post's remote images -> files in content/images/, fetched once.

Files are named after their address (a short hash, then the original file name), so a
re-import finds an image it already has without fetching it again. A Blogger image is
fetched in the largest size Blogger offers (a post shows a small copy): zqsite makes the
sizes a reader's screen needs from it.
"""

from __future__ import annotations

import hashlib
import re
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable
from urllib.parse import unquote, urlsplit, urlunsplit

IMAGES_FOLDER = "images"
MAX_IMAGE_BYTES = 25 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAGIC = ((b"\x89PNG", ".png"), (b"\xff\xd8", ".jpg"), (b"GIF8", ".gif"), (b"RIFF", ".webp"), (b"<svg", ".svg"))


_BLOGGER_HOST = re.compile(r"(^|\.)(bp\.blogspot\.com|googleusercontent\.com|blogger\.com)$")
_SIZE_SEGMENT = re.compile(r"^[swh]\d+(-[a-z0-9]+)*$")  # "s320", "w640-h480", "s72-c", "s1600-rw"
_SIZE_SUFFIX = re.compile(r"=[swh]\d+[a-z0-9-]*$")  # "…=w640-h426", "…=s320-rw"


def largest_blogger_size(url: str) -> str:
    """The address of the largest size of a Blogger image: its `s1600` form
    (`…/s320/plant.jpg` -> `…/s1600/plant.jpg`) or its `=s0` form (`…=w640-h426` ->
    `…=s0`, the original); any other address as it is."""
    parts = urlsplit(url)
    if not _BLOGGER_HOST.search((parts.hostname or "").lower()):
        return url
    path = parts.path
    if _SIZE_SUFFIX.search(path):
        path = _SIZE_SUFFIX.sub("=s0", path)
    else:
        segments = path.split("/")
        for position in (len(segments) - 2, len(segments) - 1):  # before the file name, or last
            if position > 0 and _SIZE_SEGMENT.match(segments[position]):
                segments[position] = "s1600"
                break
        path = "/".join(segments)
    return urlunsplit(parts._replace(path=path))


def fetch_url(url: str) -> bytes:
    """The bytes at an http(s) or file URL (file URLs are for tests and local copies)."""
    request = urllib.request.Request(url, headers={"User-Agent": "zqsite-importer"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (schemes checked by caller)
        data = response.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise OSError(f"larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    return data


@dataclass
class ImageDownloads:
    """Images to write into content/images/, by file name; failures become warnings."""

    content_dir: Path
    fetch: Callable[[str], bytes] = fetch_url
    files: dict[str, bytes] = field(default_factory=dict)  # "images/x.jpg" -> bytes
    by_url: dict[str, str] = field(default_factory=dict)  # url -> site path
    warnings: list[str] = field(default_factory=list)

    def localise(self, src: str) -> str:
        """The site path of the downloaded copy of `src`, or `src` itself if it cannot be had."""
        url = "https:" + src if src.startswith("//") else src
        if urlsplit(url).scheme not in ("http", "https", "file"):
            return src
        if url in self.by_url:
            return self.by_url[url]
        shown, url = url, largest_blogger_size(url)
        name = _file_name(url)
        relative = f"{IMAGES_FOLDER}/{name}"
        existing = next((p for p in (self.content_dir / IMAGES_FOLDER).glob(f"{name.rsplit('.', 1)[0]}.*")
                         if p.is_file()), None) if (self.content_dir / IMAGES_FOLDER).is_dir() else None
        if existing is not None:  # fetched by an earlier import
            relative = f"{IMAGES_FOLDER}/{existing.name}"
        else:
            try:
                data = self.fetch(url)
            except (OSError, ValueError) as exc:
                self.warnings.append(f"image {src}: not downloaded ({exc}); the post keeps its address")
                return src
            if "." not in name:
                name += _suffix(data)
                relative = f"{IMAGES_FOLDER}/{name}"
            self.files[relative] = data
        self.by_url[shown] = "/" + relative
        return "/" + relative


def _file_name(url: str) -> str:
    """"https://…/s1600/Plant%20A.jpg" -> "3f2a9c1b07-plant-a.jpg"."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]
    base = _SAFE.sub("-", unquote(PurePosixPath(urlsplit(url).path).name)).strip("-.").lower()
    return f"{digest}-{base[-60:]}" if base else digest


def _suffix(data: bytes) -> str:
    return next((suffix for magic, suffix in _MAGIC if data.startswith(magic)), ".img")
