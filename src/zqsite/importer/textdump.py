"""The text of a Blogger label page (copied from the browser) -> `SourceItem`s.

The page reads: "Showing posts with label X. Show all posts", then for each day a date
header ("Monday, July 15, 2024"), and for each post of that day its title (shown twice),
usually a byline ("Invest in Zhaoqing July 15, 2024 21:41 Guangdong, China"), the
paragraphs, the contact blocks, and sometimes the article again in Chinese or Japanese.
A second post of the same day has no date header of its own: it starts where a doubled
title line follows a contact block. The last post is often cut off ("…"); it is skipped.

What such a page cannot tell, and the import therefore cannot know:
- labels other than the page's own (`--label`, else the "Showing posts with label" line);
- the post's Blogger address and slug (Blogger's own slugs are cut at about 39 characters
  and are not on the page): slugs come from the titles, and no `blogger_path` is written;
- the time of a post whose byline gives none, or another day than the date header's (the
  article's original date): such a post gets the day alone;
- headings, links and images: the text has none, so every line is a paragraph; only a line
  shown twice in a row is known to be an image's caption (the page shows caption and image
  title): it is written once, in italics;
- whether a post was a draft (a public page shows none), and its comments;
- the title of a translated block that starts with its byline: it gets one from its first
  words, with a warning.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from pathlib import Path

from zqsite import urls
from zqsite.importer import ImportFailed
from zqsite.importer.contacts import is_contact_field
from zqsite.importer.records import SourceItem
from zqsite.importer.sourceline import MONTHS

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_HEADER = re.compile(rf"^(?:{'|'.join(_WEEKDAYS)}),\s+(?P<month>{'|'.join(MONTHS)})\s+(?P<day>\d{{1,2}}),"
                          r"\s+(?P<year>\d{4})$")
_LABEL_LINE = re.compile(r"^Showing posts with label (?P<label>.+?)\.\s+Show all posts$")
_ELLIPSIS = ("...", "…")


def read_text_dump(path: Path, label: str | None) -> tuple[list[SourceItem], str, list[str]]:
    """The posts of a label page's text, the label used and the warnings."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"cannot read {path} as UTF-8 text ({exc})") from None
    return parse_text_dump(text, label, path.name)


def parse_text_dump(text: str, label: str | None, shown: str = "text") -> tuple[list[SourceItem], str, list[str]]:
    """As read_text_dump, from the text itself."""
    warnings: list[str] = []
    paragraphs = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    page_label = ""
    days: list[tuple[date, list[str]]] = []
    for paragraph in paragraphs:
        label_match = _LABEL_LINE.match(paragraph)
        header = _DATE_HEADER.match(paragraph)
        if label_match:
            page_label = page_label or label_match.group("label").strip()
        elif header:
            day = date(int(header.group("year")), MONTHS.index(header.group("month")) + 1, int(header.group("day")))
            days.append((day, []))
        elif days:
            days[-1][1].append(paragraph)
        else:
            warnings.append(f"{shown}: text before the first date header is ignored: '{paragraph[:60]}'")
    if not days:
        raise ImportFailed(f"{shown} has no date header such as 'Monday, July 15, 2024': it is not the text "
                           "of a Blogger label page")
    label = label if label is not None else page_label
    if not label:
        warnings.append(f"{shown}: no 'Showing posts with label' line and no --label: posts get no label")

    posts = [(day, post) for day, group in days for post in _split_day(group)]
    if posts and paragraphs[-1].endswith(_ELLIPSIS):
        day, post = posts.pop()
        warnings.append(f"{shown}: the last post ('{post[0][:60]}') is cut off ('…'); skipped")
    items = []
    for day, post in posts:
        title = post[0] if post else ""
        key = f"text:{day.isoformat()}:{urls.slug_from_text(title) or len(items)}"
        items.append(SourceItem(key=key, kind="post", title=title, html=_html(post[1:]), when=day,
                                labels=(label,) if label else (), origin=f"{shown}, post of {day.isoformat()} "
                                f"'{title[:50]}'"))
    return items, label, warnings


def _html(paragraphs: list[str]) -> str:
    """The paragraphs as HTML; a line repeated right away is a caption: once, in italics."""
    parts = []
    for index, paragraph in enumerate(paragraphs):
        if index and paragraph == paragraphs[index - 1]:
            continue
        repeated = index + 1 < len(paragraphs) and paragraphs[index + 1] == paragraph
        parts.append(f"<p><em>{escape(paragraph)}</em></p>" if repeated else f"<p>{escape(paragraph)}</p>")
    return "".join(parts)


def _split_day(paragraphs: list[str]) -> list[list[str]]:
    """A day's paragraphs, one list per post; each list starts with the title (shown once)."""
    posts: list[list[str]] = []
    current: list[str] = []
    seen_contact = False
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        starts_post = not current or (seen_contact and following is not None and _same_title(paragraph, following))
        if starts_post:
            if current:
                posts.append(current)
            current, seen_contact = [paragraph], False
            index += 2 if following is not None and _same_title(paragraph, following) else 1
            continue
        seen_contact = seen_contact or is_contact_field(paragraph)
        current.append(paragraph)
        index += 1
    if current:
        posts.append(current)
    return posts


def _same_title(first: str, second: str) -> bool:
    """The page shows each title twice; the second copy may be cut short with "…"."""
    if first == second:
        return True
    for ellipsis in _ELLIPSIS:
        if second.endswith(ellipsis):
            stem = second[: -len(ellipsis)].rstrip()
            return len(stem) >= 20 and first.startswith(stem)
    return False
