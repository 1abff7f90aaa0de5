"""The importers' nouns: what the readers give and what the summary counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class SourceItem:
    """One post or page as read from an export or a text dump, before any conversion."""

    key: str  # stable identity across imports: the Blogger id, or "text:<day>:<slug>"
    kind: str  # "post" or "page"
    title: str
    html: str
    when: datetime | date | None  # aware date-time, or only the day (text dumps)
    labels: tuple[str, ...] = ()
    draft: bool = False
    blogger_path: str = ""  # "/2024/07/x.html" or "/p/about.html"; "" when unknown
    origin: str = ""  # where it came from, for messages


@dataclass
class Report:
    """What an import did, for the summary printed at the end."""

    source_format: str = ""
    posts: int = 0
    drafts: int = 0
    translations: int = 0
    pages: int = 0
    skipped: Counter = field(default_factory=Counter)  # kind -> count
    written: list[str] = field(default_factory=list)  # new or updated files
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # edited by hand since imported: left alone (no --force)
    foreign: list[str] = field(default_factory=list)  # an editor's file the entry would replace: left alone
    removed: list[str] = field(default_factory=list)  # files the importer had written at an old path
    contacts_new: list[str] = field(default_factory=list)
    contacts_merged: int = 0
    images: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        """Adds a warning, prefixed with the entry or file it is about."""
        self.warnings.append(f"{where}: {message}" if where else message)
