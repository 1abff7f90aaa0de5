"""The import itself, shared by both commands: plan every file, then write them.

Everything is read, converted and checked before the first byte is written, so an input
that cannot be imported leaves the content folder exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from zqsite import urls
from zqsite.importer import ImportFailed, images
from zqsite.importer.compose import Context, Part, compose
from zqsite.importer.contact_registry import load_registry, merged_contacts_file, new_entries_yaml
from zqsite.importer.document import front_matter, render
from zqsite.importer.existing import ExistingPost, find_original, find_translation, read_existing_posts
from zqsite.importer.labels import known_labels, unify_labels
from zqsite.importer.output import (PlannedFile, load_manifest, save_manifest, write_documents,
                                    write_if_changed)
from zqsite.importer.records import Report, SourceItem
from zqsite.registry import CONTACTS_FILE


@dataclass(frozen=True)
class ImportOptions:
    content_dir: Path
    tz: ZoneInfo
    command: str  # "import-blogger" or "import-text", for the contacts.yaml comment
    force: bool = False
    language: str | None = None  # None: detected per post
    download_images: bool = False
    fetch: Callable[[str], bytes] | None = None  # None: images.fetch_url, looked up when used


def import_items(items: list[SourceItem], options: ImportOptions, report: Report) -> Report:
    """Converts `items` into content files and writes those that changed."""
    content_dir = options.content_dir
    if content_dir.exists() and not content_dir.is_dir():
        raise ImportFailed(f"{content_dir} is not a folder")
    registry = load_registry(content_dir)
    manifest = load_manifest(content_dir)
    existing = read_existing_posts(content_dir, options.tz, skip={entry["path"] for entry in manifest.values()})
    labels = known_labels(content_dir, existing)
    downloads = (images.ImageDownloads(content_dir, options.fetch or images.fetch_url)
                 if options.download_images else None)
    context = Context(options.tz, registry, report, options.language,
                      downloads.localise if downloads else None)

    parts: list[Part] = []
    for item in items:
        item = replace(item, labels=unify_labels(item.labels, labels, report.warnings))
        parts.extend(compose(item, context))
    _adopt(parts, existing, options.tz)
    planned = _place(parts, options.tz, report)

    content_dir.mkdir(parents=True, exist_ok=True)
    contacts_path = content_dir / CONTACTS_FILE
    contacts = merged_contacts_file(contacts_path.read_bytes() if contacts_path.is_file() else None,
                                    new_entries_yaml(registry, options.command))
    if contacts is not None:
        write_if_changed(contacts_path, contacts)
    if downloads:
        for relative, data in downloads.files.items():
            report.images += write_if_changed(content_dir / relative, data)
        report.warnings.extend(downloads.warnings)
    save_manifest(content_dir, write_documents(content_dir, planned, manifest, options.force, report))
    report.contacts_new = list(registry.new)
    report.contacts_merged = registry.merged
    return report


def _adopt(parts: list[Part], existing: list[ExistingPost], tz: ZoneInfo) -> None:
    """Posts already in the folder (written by an editor) keep their files and slugs: no duplicates."""
    slugs: dict[str, str] = {}  # post key -> the slug its translations name
    taken: set[str] = set()
    for part in parts:
        found = None
        if part.kind == "post":
            found = find_original(existing, part.blogger_path, part.title, _day(part.when, tz))
            if found is not None and found.path not in taken and urls.is_valid_explicit_slug(found.slug):
                part.slug = found.slug  # its translations and links already use this one
            slugs[part.key] = part.slug
        elif part.kind == "translation":
            part.translation_of = slugs.get(part.key.split("#")[0], part.translation_of)
            found = find_translation(existing, part.translation_of, part.language)
        if found is not None and found.path not in taken:
            part.path = found.path
            taken.add(found.path)


def _place(parts: list[Part], tz: ZoneInfo, report: Report) -> list[PlannedFile]:
    """Each part's file path (and a free URL for posts without an old address); counts kinds."""
    used_paths: set[str] = set()
    used_urls: set[str] = set()
    stems: dict[str, str] = {}  # post key -> its file's stem, for its translation's file name
    planned = []
    for part in parts:
        if part.kind == "page":
            base, suffix = f"pages/{part.slug or 'page'}", ".md"
            report.pages += 1
            report.drafts += part.draft
        elif part.kind == "translation":
            base, suffix = stems.get(part.key.split("#")[0], "posts/translation"), f".{part.language.lower()}.md"
            report.translations += 1
        else:
            day = _day(part.when, tz)
            slug = part.slug or "post"
            url = part.blogger_path or urls.post_url(datetime(day.year, day.month, 1), slug)
            number = 2
            while not part.blogger_path and url in used_urls:
                part.slug = f"{slug}-{number}"  # two drafts of a month with the same title: both kept
                url, number = urls.post_url(datetime(day.year, day.month, 1), part.slug), number + 1
            used_urls.add(url)
            base, suffix = f"posts/{day:%Y}/{day:%Y-%m-%d}-{part.slug or 'post'}", ".md"
            report.drafts += part.draft
            report.posts += not part.draft
        path, number = (part.path or base + suffix), 2
        while path in used_paths:
            path, number = f"{base}-{number}{suffix}", number + 1
        used_paths.add(path)
        if part.kind == "post":
            stems[part.key] = path.removesuffix(".md")
        planned.append(PlannedFile(part.key, path, render(front_matter(part, tz), part.body)))
    return planned


def _day(when: datetime | date | None, tz: ZoneInfo) -> date:
    if isinstance(when, datetime):
        return when.astimezone(tz).date()  # 07:00 on 1 August in China is a 1 August post
    if isinstance(when, date):
        return when
    raise ImportFailed("a post without a date reached the writer")  # the readers skip those
