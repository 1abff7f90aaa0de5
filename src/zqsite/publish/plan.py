"""The difference between the built site and what the target holds, in a safe order (pure).

Uploads come in three phases, each started only when the one before succeeded, so that a
reader never meets a page whose parts are missing: files named by their content (the search
bundles' fragments and indexes), then the other files pages use (styles, scripts, images,
vCards, the search entry points), then the pages and feeds. Deletions come last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from posixpath import splitext

from zqsite.publish.record import BuiltFile

PHASES = ("content-named files", "styles, scripts, images and search bundles", "pages and feeds")

# Content-named: Pagefind names these by their content, so they never change under one name.
_CONTENT_NAMED = (".pf_fragment", ".pf_index", ".pf_meta")
_PAGE_TYPES = (".html", ".xml", ".txt", ".conf")
_PAGE_NAMES = ("_redirects",)
_FEEDS = {"feed.xml": "application/rss+xml; charset=utf-8", "atom.xml": "application/atom+xml; charset=utf-8"}
_TYPES = {
    ".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".conf": "text/plain; charset=utf-8",
    ".sha256": "text/plain; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".vcf": "text/vcard; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".avif": "image/avif", ".ico": "image/x-icon", ".pdf": "application/pdf",
    ".woff2": "font/woff2", ".woff": "font/woff", ".mp4": "video/mp4", ".wasm": "application/wasm",
    ".pagefind": "application/octet-stream", **{ext: "application/octet-stream" for ext in _CONTENT_NAMED},
}
CACHE_LONG = "public, max-age=31536000, immutable"  # content-named: a new content has a new name
CACHE_MEDIA = "public, max-age=3600"  # images and fonts: replaced under the same name only now and then
CACHE_SHORT = "public, max-age=300"  # pages, feeds and what they load: a change shows within minutes


@dataclass(frozen=True)
class Upload:
    rel: str
    size: int
    phase: int  # an index of PHASES
    content_type: str | None  # None: rclone's guess from the extension
    cache_control: str


@dataclass
class Plan:
    uploads: list[Upload] = field(default_factory=list)  # in phase order
    deletions: list[str] = field(default_factory=list)
    unchanged: int = 0
    strays: list[str] = field(default_factory=list)  # on the target, not in the site, not published by zqsite

    @property
    def upload_bytes(self) -> int:
        return sum(upload.size for upload in self.uploads)

    def phase(self, index: int) -> list[Upload]:
        return [upload for upload in self.uploads if upload.phase == index]


def plan_publish(site: dict[str, BuiltFile], held: dict[str, tuple[int, str | None]], ours: set[str],
                 unknown: set[str] = frozenset(), delete_strays: bool = False) -> Plan:
    """What to upload and delete so that the target holds `site`.

    `held`: the target's files (size, MD5 or None when the target gave none); `ours`: the
    files zqsite published there (the only ones deleted unless `delete_strays`); `unknown`:
    paths of a publish that did not finish (uploaded again, or deleted).
    """
    plan = Plan()
    for rel in sorted(site):
        built = site[rel]
        if rel not in unknown and held.get(rel) == (built.size, built.md5):
            plan.unchanged += 1
        else:
            plan.uploads.append(upload_of(rel, built.size))
    plan.uploads.sort(key=lambda upload: upload.phase)  # stable: paths stay sorted in a phase
    for rel in sorted((set(held) | unknown) - set(site)):
        if rel in ours or rel in unknown or delete_strays:
            plan.deletions.append(rel)
        else:
            plan.strays.append(rel)
    return plan


def upload_of(rel: str, size: int) -> Upload:
    name = rel.rpartition("/")[2]
    ext = splitext(name)[1].lower()
    content_type = _FEEDS.get(name) or _TYPES.get(ext)
    if name in _PAGE_NAMES:
        content_type = "text/plain; charset=utf-8"
    if ext in _CONTENT_NAMED:
        phase, cache = 0, CACHE_LONG
    elif ext in _PAGE_TYPES or name in _PAGE_NAMES:
        phase, cache = 2, CACHE_SHORT
    else:
        media = content_type is not None and content_type.startswith(("image/", "font/", "video/"))
        phase, cache = 1, CACHE_MEDIA if media else CACHE_SHORT
    return Upload(rel, size, phase, content_type, cache)


def emptied_folders(deleted: list[str], remaining: set[str]) -> list[str]:
    """The top-most folders that hold no file once `deleted` are gone (to remove on hosts with folders)."""
    kept = {rel.rpartition("/")[0] for rel in remaining}
    kept_all = set()
    for folder in kept:
        while folder and folder not in kept_all:
            kept_all.add(folder)
            folder = folder.rpartition("/")[0]
    emptied = set()
    for rel in deleted:
        folder = rel.rpartition("/")[0]
        top = None
        while folder and folder not in kept_all:
            top = folder
            folder = folder.rpartition("/")[0]
        if top:
            emptied.add(top)
    return sorted(emptied)
