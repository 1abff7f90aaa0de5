"""Blogger exports -> `SourceItem`s: the classic "Back up content" XML and Takeout's `feed.atom`.

Both are Atom feeds; the format is told by its entries. The classic backup marks an entry's
kind with a category of scheme `…/g/2005#kind`, labels with scheme `…/atom/ns#`, drafts with
`app:control/app:draft`, dates in the blog's own offset and the old address in the alternate
link. Takeout says `blogger:type`, `blogger:status` and `blogger:filename`, with UTC dates and
labels as plain `category term`s.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from zqsite.importer import ImportFailed
from zqsite.importer.records import SourceItem

ATOM = "http://www.w3.org/2005/Atom"
BLOGGER_2018 = "http://schemas.google.com/blogger/2018"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
# Blogger's backups use the pre-standard APP namespace; accept the RFC 5023 one as well.
APP_NAMESPACES = ("http://purl.org/atom/app#", "http://www.w3.org/2007/app")
MAX_FEED_BYTES = 2**30  # a zip's feed.atom is read into memory: refuse absurd sizes
CLASSIC, TAKEOUT = "classic Blogger backup", "Google Takeout feed.atom"


@dataclass
class Export:
    """The readable entries of an export, what was skipped (by kind) and the warnings."""

    format: str
    items: list[SourceItem]
    skipped: Counter
    warnings: list[str]


def read_export(path: Path) -> Export:
    """Reads either export form (or Takeout's zip holding feed.atom); ImportFailed if it cannot."""
    try:
        data = path.read_bytes()
        shown = str(path)
        if data.startswith(b"PK\x03\x04"):
            data, shown = _feed_in_zip(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ImportFailed(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    warnings: list[str] = []
    root = parse_feed(data, shown, warnings)
    entries = root.findall(f"{{{ATOM}}}entry")
    export = None
    if any(entry.find(f"{{{BLOGGER_2018}}}type") is not None for entry in entries):
        export = _read_takeout(entries)
    elif any(_classic_kind(entry) for entry in entries):
        export = _read_classic(entries)
    if export is not None:
        export.warnings[:0] = warnings
        return export
    if not entries:
        raise ImportFailed(f"{path} holds no entries: it is not a Blogger export (or an empty one)")
    raise ImportFailed(f"{path} is an Atom feed but not a Blogger export: its entries carry neither "
                       "blogger:type nor Blogger's kind categories")


def _feed_in_zip(path: Path) -> tuple[bytes, str]:
    """The one blog's feed.atom in a Takeout archive."""
    with zipfile.ZipFile(path) as archive:
        feeds = [info for info in archive.infolist() if info.filename.endswith("feed.atom")]
        if len(feeds) != 1:
            found = ", ".join(info.filename for info in feeds) or "none"
            raise ImportFailed(f"{path} should hold one blog's feed.atom (found: {found}); unpack it and "
                               "import the feed.atom of the blog you want")
        if feeds[0].file_size > MAX_FEED_BYTES:
            raise ImportFailed(f"{path}: {feeds[0].filename} is larger than {MAX_FEED_BYTES // 2**20} MB")
        return archive.read(feeds[0]), f"{path}:{feeds[0].filename}"


def parse_feed(data: bytes, shown: str, warnings: list[str] | None = None) -> ET.Element:
    """The feed's root element; a clear ImportFailed if it is not complete, well-formed Atom.

    A prefix used without its `xmlns:` declaration (`<app:control>` in hand-edited exports and
    in samples other tools ship) is declared, with a warning; a truncated file is still refused.
    """
    head = data[:4096]
    # A Blogger export never declares a DTD; refusing one rules out entity-expansion tricks
    # without another XML library.
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data:
        raise ImportFailed(f"{shown} declares a DOCTYPE or entities, which a Blogger export never does")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        declared = _declare_prefixes(data) if str(exc).startswith("unbound prefix") else None
        if declared is None:
            raise _not_well_formed(shown, exc) from None
        try:  # declarations go on the root's own line: the line of a later error stays right
            root = ET.fromstring(declared[0])
        except ET.ParseError as again:  # truncated or damaged besides
            raise _not_well_formed(shown, again) from None
        if warnings is not None:
            warnings.append(f"{shown}: uses the namespace prefixes {', '.join(declared[1])} without declaring "
                            "them (a hand-edited export?); read with Blogger's namespaces for them")
    if root.tag != f"{{{ATOM}}}feed":
        raise ImportFailed(f"{shown} is not an Atom feed (its root element is <{root.tag}>)")
    return root


# Blogger's prefixes; another undeclared prefix gets a namespace of its own, which nothing reads.
KNOWN_PREFIXES = {"app": APP_NAMESPACES[0], "thr": "http://purl.org/syndication/thread/1.0",
                  "gd": "http://schemas.google.com/g/2005", "georss": "http://www.georss.org/georss",
                  "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/", "blogger": BLOGGER_2018,
                  "media": "http://search.yahoo.com/mrss/"}
_USED_PREFIX = re.compile(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
_DECLARED_PREFIX = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
_ROOT_TAG = re.compile(rb"<feed\b")


def _declare_prefixes(data: bytes) -> tuple[bytes, list[str]] | None:
    """The export with every used but undeclared prefix declared on its root, and those prefixes."""
    used = {m.group(1) or m.group(2) for m in _USED_PREFIX.finditer(data)}
    missing = sorted((used - set(_DECLARED_PREFIX.findall(data)) - {b"xml", b"xmlns"}), key=bytes.lower)
    root = _ROOT_TAG.search(data)
    if not missing or root is None:
        return None
    names = [prefix.decode("ascii") for prefix in missing]
    declarations = "".join(f' xmlns:{name}="{KNOWN_PREFIXES.get(name, "urn:zqsite:undeclared:" + name)}"'
                           for name in names)
    return data[:root.end()] + declarations.encode("ascii") + data[root.end():], names


def _not_well_formed(shown: str, error: ET.ParseError) -> ImportFailed:
    line, column = error.position
    return ImportFailed(f"{shown} is not well-formed XML (line {line}, column {column}: "
                        f"{str(error).split(':')[0]}); the file may be truncated or damaged")


# --- classic backup -------------------------------------------------------------------------

def _classic_kind(entry: ET.Element) -> str:
    for category in entry.findall(f"{{{ATOM}}}category"):
        if category.get("scheme") == KIND_SCHEME:
            term = category.get("term", "")
            return term.removeprefix(KIND_PREFIX) if term.startswith(KIND_PREFIX) else term.rsplit("#", 1)[-1]
    return ""


def _read_classic(entries: list[ET.Element]) -> Export:
    export = Export(CLASSIC, [], Counter(), [])
    for entry in entries:
        kind = _classic_kind(entry) or "unknown"
        if kind not in ("post", "page"):
            export.skipped[kind] += 1
            continue
        draft = any((_text(entry, f"{{{ns}}}control/{{{ns}}}draft") or "").strip().lower() == "yes"
                    for ns in APP_NAMESPACES)
        alternate = next((link.get("href", "") for link in entry.findall(f"{{{ATOM}}}link")
                          if link.get("rel") == "alternate"), "")
        labels = [c.get("term", "") for c in entry.findall(f"{{{ATOM}}}category")
                  if c.get("scheme") == LABEL_SCHEME]
        _add(export, entry, kind, draft, urlsplit(alternate).path if alternate else "", labels)
    return export


# --- Takeout --------------------------------------------------------------------------------

def _read_takeout(entries: list[ET.Element]) -> Export:
    export = Export(TAKEOUT, [], Counter(), [])
    for entry in entries:
        kind = (_text(entry, f"{{{BLOGGER_2018}}}type") or "unknown").strip().lower()
        if kind not in ("post", "page"):
            export.skipped[kind] += 1
            continue
        status = (_text(entry, f"{{{BLOGGER_2018}}}status") or "LIVE").strip().upper()
        if status not in ("LIVE", "DRAFT", "SCHEDULED"):
            # SOFT_TRASHED and the like: the author deleted it.
            export.skipped[f"{kind} ({status.lower()})"] += 1
            continue
        labels = [c.get("term", "") for c in entry.findall(f"{{{ATOM}}}category")
                  if c.get("scheme") in (None, "", LABEL_SCHEME)]
        filename = (_text(entry, f"{{{BLOGGER_2018}}}filename") or "").strip()
        _add(export, entry, kind, status != "LIVE", urlsplit(filename).path, labels)
    return export


# --- shared ---------------------------------------------------------------------------------

def _add(export: Export, entry: ET.Element, kind: str, draft: bool, path: str, labels: list[str]) -> None:
    key = (_text(entry, f"{{{ATOM}}}id") or "").strip()
    title = " ".join((_text(entry, f"{{{ATOM}}}title") or "").split())
    shown = f"entry '{title or key or '?'}'"
    if not key:
        export.warnings.append(f"{shown}: has no <id>, so re-imports cannot recognise it; skipped")
        export.skipped[f"{kind} without id"] += 1
        return
    when = None
    for tag in (f"{{{ATOM}}}published", f"{{{ATOM}}}updated", f"{{{BLOGGER_2018}}}created"):
        when = _datetime(_text(entry, tag))
        if when is not None:
            break
    if when is None and kind == "post":
        export.warnings.append(f"{shown}: no valid published date; skipped")
        export.skipped[f"{kind} without date"] += 1
        return
    if path and not (path.startswith("/") and path.endswith(".html")):
        export.warnings.append(f"{shown}: '{path}' is not a Blogger address (/yyyy/mm/name.html); not kept")
        path = ""
    html = _text(entry, f"{{{ATOM}}}content") or ""
    export.items.append(SourceItem(
        key=key, kind=kind, title=title, html=html, when=when,
        labels=tuple(" ".join(label.split()) for label in labels if label.strip()),
        draft=draft, blogger_path="" if draft else path, origin=shown,
    ))


def _text(entry: ET.Element, path: str) -> str | None:
    element = entry.find(path)
    return None if element is None else "".join(element.itertext())


def _datetime(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else None
