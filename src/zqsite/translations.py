"""Standalone pages in several languages: a translation names its original with `translation_of`;
the versions of one page link to each other, and each language's menu shows its own version."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from zqsite import urls
from zqsite.errors import Problems
from zqsite.languages import url_prefix
from zqsite.models import StandalonePage


def link_page_translations(pages: Sequence[StandalonePage], default_language: str,
                           problems: Problems) -> list[StandalonePage]:
    """The pages, each translation at its address in its language's folder (/ja/p/about.html);
    a translation of no page, in its original's language or a second one in a language is an error."""
    originals = {page.slug: page for page in pages if page.translation_of is None}
    seen: dict[tuple[str, str], str] = {}
    linked = []
    for page in pages:
        if page.translation_of is None:
            linked.append(page)
            continue
        where = (page.source_path, page.translation_line)
        original = originals.get(page.translation_of)
        if original is None:
            problems.error(*where, f"translation_of: no page has the slug '{page.translation_of}'")
            continue
        if original.language == page.language:
            problems.error(*where, f"a translation must be in another language than {original.source_path}")
            continue
        key = (page.translation_of, page.language)
        if key in seen:
            problems.error(*where, f"{seen[key]} is already the {page.language} translation of "
                           f"'{page.translation_of}'")
            continue
        seen[key] = page.source_path
        prefix = "" if page.language == default_language else url_prefix(page.language)
        linked.append(replace(page, url=urls.page_url(page.slug, prefix)))
    return linked


def page_versions(pages: Sequence[StandalonePage]) -> dict[str, tuple[StandalonePage, ...]]:
    """Page URL -> every language version of the page, the original first."""
    groups: dict[str, list[StandalonePage]] = {}
    for page in pages:
        groups.setdefault(page.translation_of or page.slug, []).append(page)
    versions = {}
    for group in groups.values():
        ordered = tuple(sorted(group, key=lambda p: (p.translation_of is not None, p.language)))
        for page in ordered:
            versions[page.url] = ordered
    return versions


def menu_pages(pages: Sequence[StandalonePage], language: str) -> tuple[StandalonePage, ...]:
    """The pages a menu in `language` links to: each page once, in that language where it has
    a version in it, else as it was written."""
    versions = page_versions(pages)
    menu = []
    for page in pages:
        if page.translation_of is not None:
            continue
        group = versions[page.url]
        menu.append(next((p for p in group if p.language == language), page))
    return tuple(menu)
