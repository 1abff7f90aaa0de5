"""Photos in posts: their variants, cached in the build cache, and the `<img>` that shows them.

An image's variants are kept in `<cache>/images/<key[:2]>/<key>/` (`<width>.<ext>` files and
`variants.json`), the key being a hash of the image's bytes, the settings and the encoder's
version: a rebuild encodes only new or changed images, and any process (a worker converting
posts) can encode one. The published names carry the key (`/images/plant-960.1a2b3c4d.jpg`),
so a host may let browsers keep them for a year. Pillow is imported only when an image has
to be encoded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# The theme's column (static/site.css): the page is 72rem at most with 1rem padding on each
# side; from 60rem the sidebar (17rem) and the gap (2rem) are beside the content.
SIZES = "(min-width: 72rem) 51rem, (min-width: 60rem) calc(100vw - 21rem), calc(100vw - 2rem)"
SHOWN_WIDTH = 800  # `src`, for browsers without srcset: the variant nearest the column's 816 px
PREVIEW_WIDTH = 1200  # link previews (Open Graph, Twitter cards, JSON-LD)
ENCODED_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")  # other files are copied as they are
_INDEX = "variants.json"


@dataclass(frozen=True)
class ImageSettings:
    widths: tuple[int, ...]
    quality: int
    cache_dir: str  # where variants are kept (the build cache's images/, or a scratch folder)


@dataclass(frozen=True)
class Published:
    """An image's variants: (site URL, file in the cache, width, height), narrowest first."""

    variants: tuple[tuple[str, str, int, int], ...]

    @property
    def largest(self) -> tuple[str, str, int, int]:
        return self.variants[-1]

    def nearest(self, width: int) -> tuple[str, str, int, int]:
        """The narrowest variant at least `width` wide, else the widest."""
        return next((v for v in self.variants if v[2] >= width), self.largest)


def is_encoded(path: str) -> bool:
    return path.lower().endswith(ENCODED_SUFFIXES)


def source_stamp(path: str) -> tuple[str, int, int]:
    """(path, mtime_ns, size): what tells a cached post that an image it shows changed."""
    stat = os.stat(path)
    return path, stat.st_mtime_ns, stat.st_size


def files_current(assets: tuple[tuple[str, str], ...], stamps: tuple[tuple[str, int, int], ...],
                  cache_dir: str | None) -> bool:
    """A cached post's files are all there and its photos unchanged. A photo's variants are
    one folder of the cache, written at once: one of them is looked at (thousands of cached
    posts are checked on every build)."""
    folders: set[str] = set()
    for _url, file in assets:
        if cache_dir and file.startswith(cache_dir):
            folder = os.path.dirname(file)
            if folder in folders:
                continue
            folders.add(folder)
        if not os.path.isfile(file):
            return False
    return stamps_current(stamps)


def stamps_current(stamps: tuple[tuple[str, int, int], ...]) -> bool:
    for path, mtime_ns, size in stamps:
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if (stat.st_mtime_ns, stat.st_size) != (mtime_ns, size):
            return False
    return True


_DONE: dict[tuple, Published | str] = {}  # this process's images: (stamp, settings) -> result


def publish(source: str, url: str, settings: ImageSettings) -> Published | str:
    """The variants of the image file `source` shown at site URL `url`, encoded unless the
    cache has them; or a message saying why it cannot be published."""
    memo_key = (source_stamp(source), settings)
    found = _DONE.get(memo_key)
    if found is None or (isinstance(found, Published) and not os.path.isfile(found.largest[1])):  # cache cleaned
        found = _DONE[memo_key] = _publish(source, url, settings)
    return found


def _publish(source: str, url: str, settings: ImageSettings) -> Published | str:
    with open(source, "rb") as handle:
        data = handle.read()
    from zqsite.images import ENCODER_VERSION  # noqa: PLC0415 (Pillow, only when images are shown)

    key = hashlib.sha256(data + repr((settings.widths, settings.quality, ENCODER_VERSION)).encode()).hexdigest()
    folder = Path(settings.cache_dir) / key[:2] / key
    index = _read_index(folder)
    if index is None:
        index = _encode_into(folder, data, settings)
    if isinstance(index, str):
        return index
    extension, sizes = index
    path = PurePosixPath(url)
    stem = f"{path.parent.as_posix().rstrip('/')}/{path.stem}"
    return Published(tuple((f"{stem}-{w}.{key[:8]}.{extension}", str(folder / f"{w}.{extension}"), w, h)
                           for w, h in sizes))


def _read_index(folder: Path) -> tuple[str, list] | str | None:
    """(extension, [(width, height), …]) or the stored reason the image is bad; None if not cached."""
    try:
        with open(folder / _INDEX, encoding="utf-8") as handle:
            index = json.load(handle)
        if "problem" in index:
            return index["problem"]
        sizes = [(int(w), int(h)) for w, h in index["sizes"]]
        if all((folder / f"{w}.{index['extension']}").is_file() for w, _h in sizes):
            return index["extension"], sizes
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _encode_into(folder: Path, data: bytes, settings: ImageSettings) -> tuple[str, list] | str:
    """Encodes the variants into a new folder and moves it into place in one rename, so that
    a process reading the cache sees every variant or none (two processes may encode one image)."""
    from zqsite.images import BadImage, encode_variants  # noqa: PLC0415

    try:
        encoded = encode_variants(data, settings.widths, settings.quality)
        index: dict = {"extension": encoded.extension, "sizes": [[v.width, v.height] for v in encoded.variants]}
        result: tuple[str, list] | str = encoded.extension, [(v.width, v.height) for v in encoded.variants]
    except BadImage as exc:
        encoded, index, result = None, {"problem": str(exc)}, str(exc)
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=folder.name[:8] + ".tmp"))
    try:
        for variant in encoded.variants if encoded else ():
            (temp / f"{variant.width}.{encoded.extension}").write_bytes(variant.data)
        (temp / _INDEX).write_text(json.dumps(index, sort_keys=True), encoding="utf-8")
        try:
            os.rename(temp, folder)
        except OSError:  # there already: another process's copy, or one a killed build left incomplete
            if _read_index(folder) is None:
                shutil.rmtree(folder, ignore_errors=True)
                with contextlib.suppress(OSError):  # unless yet another process was quicker
                    os.rename(temp, folder)
    finally:
        shutil.rmtree(temp, ignore_errors=True)  # nothing left once it was moved
    return result


def forget_unused(cache_dir: Path, used_files: set[str]) -> None:
    """Removes the cached variants of images no post showed in this build."""
    used = {str(Path(path).parent) for path in used_files}
    if not cache_dir.is_dir():
        return
    for prefix in cache_dir.iterdir():
        if not prefix.is_dir():
            continue
        for folder in prefix.iterdir():
            if str(folder) not in used and ".tmp" not in folder.name:
                shutil.rmtree(folder, ignore_errors=True)


def image_attributes(published: Published, href) -> tuple[dict[str, str], str]:  # noqa: ANN001
    """The `<img>` attributes (`href`: site URL -> link) and the link to the largest variant."""
    shown = published.nearest(SHOWN_WIDTH)
    largest = published.largest
    attributes = {"src": href(shown[0]), "width": str(largest[2]), "height": str(largest[3])}
    if len(published.variants) > 1:
        attributes["srcset"] = ", ".join(f"{href(url)} {width}w" for url, _file, width, _h in published.variants)
        attributes["sizes"] = SIZES
    attributes.update(loading="lazy", decoding="async")
    return attributes, href(largest[0])


_FIRST_LAZY = re.compile(r'<img\b[^>]*?\sloading="lazy"')


def promote_first_image(html: str, high_priority: bool) -> str:
    """The first image of a page loads at once (it is most often in view), and on a post page
    before other resources; every later one when scrolled near. Decided per page: a post's
    body is on its own page and on listing pages, where it is not always first."""
    match = _FIRST_LAZY.search(html)
    if match is None:
        return html
    tag = match.group(0)
    promoted = tag[:-len(' loading="lazy"')] + (' fetchpriority="high"' if high_priority else "")
    return html[:match.start()] + promoted + html[match.end():]
