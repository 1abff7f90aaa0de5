"""Parts -> the text of Markdown files with YAML front matter that zqsite's reader accepts."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from zqsite import urls
from zqsite.importer.compose import Part
from zqsite.yamlsource import YAML11_BOOLEANS, YAML_NULLS


def front_matter(part: Part, tz: ZoneInfo) -> dict[str, object]:
    """The keys of one file, in the order an editor reads them; empty values left out."""
    front: dict[str, object] = {"title": part.title}
    if part.kind == "page":
        if urls.is_valid_explicit_slug(part.slug):
            front["slug"] = part.slug
        front["language"] = part.language
        if part.draft:
            front["draft"] = True
        if part.contacts:
            front["contacts"] = list(part.contacts)
        return front
    front["date"] = format_when(part.when, tz)
    if part.kind == "post" and urls.is_valid_explicit_slug(part.slug):
        front["slug"] = part.slug
    front["labels"] = list(part.labels)
    front["language"] = part.language
    if part.draft:
        front["draft"] = True
    if part.source:
        front["source"] = part.source
    if part.contacts:
        front["contacts"] = list(part.contacts)
    if part.blogger_path:
        front["blogger_path"] = part.blogger_path
    if part.translation_of:
        front["translation_of"] = part.translation_of
    return front


def format_when(when: datetime | date | None, tz: ZoneInfo) -> str:
    """"2024-08-01T00:30:00+08:00" in the site's time zone, or "2024-05-29" for a day alone."""
    if isinstance(when, datetime):
        return when.astimezone(tz).replace(microsecond=0).isoformat()
    if isinstance(when, date):
        return when.isoformat()
    raise ValueError("a post needs a date")


def render(front: dict[str, object], body: str) -> bytes:
    """`---`, one `key: value` line per key, `---`, a blank line, the body; UTF-8, LF endings."""
    lines = ["---"]
    for key, value in front.items():
        lines.append(f"{key}: {_value(key, value)}")
    lines.append("---")
    text = "\n".join(lines) + "\n\n" + body.strip("\n") + "\n"
    return text.encode("utf-8")


def _value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_item(key, v) for v in value) + "]"
    if key in ("date", "slug", "language", "translation_of"):
        return str(value)  # plain words, as editors write them
    return _quoted(str(value))


def _item(key: str, value: object) -> str:
    text = str(value)
    if key == "contacts" and text not in YAML11_BOOLEANS and text not in YAML_NULLS:
        return text  # ids are a-z, 0-9 and '-'
    return _quoted(text)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted string
