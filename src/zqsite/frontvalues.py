"""A post's or page's front-matter values, each checked and normalised where it is read
(a text, a date in the site's time zone, a published language, labels, contacts, a slug, a
flag, a Blogger address); every problem goes to `problems` with its line."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from zqsite import urls
from zqsite.config import SiteConfig
from zqsite.errors import Problems
from zqsite.frontmatter import Document
from zqsite.labelset import several_in_one
from zqsite.languages import normalise_language
from zqsite.models import Contact
from zqsite.registry import parse_contact
from zqsite.yamlsource import YAML11_BOOLEANS, Mapping, Scalar, Sequence, describe, is_null, parse_bool


def key_line(doc: Document, key: str) -> int:
    entry = doc.front_matter.entries.get(key)
    return entry[0] if entry else 2


def text_value(doc: Document, key: str, problems: Problems, required: bool = False) -> str | None:
    value = doc.front_matter.get(key)
    if is_null(value):
        if required:
            problems.error(doc.path, key_line(doc, key), f"'{key}' is missing or empty")
        return None
    if not isinstance(value, Scalar):
        problems.error(doc.path, value.line, f"'{key}' must be a single text, not {describe(value)}")
        return None
    # Kept as written: `title: 2024` is the text "2024", `title: no` is "no".
    text = " ".join(value.text.split())
    if required and not text:
        problems.error(doc.path, value.line, f"'{key}' is empty")
        return None
    return text


def warn_cut_at_comment(doc: Document, keys: tuple[str, ...], problems: Problems) -> None:
    """`title: Fixture C# #1 tip` is "Fixture C#" to YAML: the rest is a comment."""
    for key in keys:
        value = doc.front_matter.get(key)
        if isinstance(value, Scalar) and value.comment:
            whole = f"{value.text} #{value.comment}".replace('"', '\\"')
            problems.warning(doc.path, value.line, f"'{key}' was cut at ' #': YAML reads '#{value.comment}' as a "
                             f'comment; quote the value to keep it all: {key}: "{whole}"')


_DATE_SPACE_OFFSET = re.compile(r"^(.*\d)\s+([+-]\d\d:?\d\d|Z)$")


def parse_date(text: str, config: SiteConfig) -> datetime | None:
    """ISO 8601 date or date-time; without an offset it is in the site's time zone."""
    text = text.strip()
    match = _DATE_SPACE_OFFSET.match(text)
    if match:  # YAML's "2024-07-15 21:41:00 +08:00" form
        text = match.group(1) + match.group(2)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=config.tz)
    return value.astimezone(config.tz)


def date_value(doc: Document, config: SiteConfig, problems: Problems) -> datetime | None:
    value = doc.front_matter.get("date")
    if is_null(value):
        problems.error(doc.path, key_line(doc, "date"), "'date' is missing (write e.g. date: 2024-07-15T21:41:00+08:00)")
        return None
    if not isinstance(value, Scalar):
        problems.error(doc.path, value.line, f"'date' must be a single date, not {describe(value)}")
        return None
    parsed = parse_date(value.text, config)
    if parsed is None:
        problems.error(doc.path, value.line, f"'{value.text}' is not a valid date; write e.g. "
                       "2024-07-15 or 2024-07-15T21:41:00+08:00")
    return parsed


def language_value(doc: Document, config: SiteConfig, problems: Problems) -> str:
    text = text_value(doc, "language", problems)
    if text is None:
        return config.default_language
    code = normalise_language(text, config.chinese_script)
    if code is None or code not in config.languages:
        what = "unknown language" if code is None else "the site does not publish the language"
        problems.error(doc.path, key_line(doc, "language"),
                       f"{what} '{text}'; it publishes {', '.join(config.languages)} "
                       "(the `languages` setting of site.yaml)")
        return config.default_language
    return code


def labels_value(doc: Document, problems: Problems) -> tuple[str, ...]:
    value = doc.front_matter.get("labels")
    if is_null(value):
        return ()
    if isinstance(value, Scalar):
        if not value.quoted and value.text.lower() in YAML11_BOOLEANS:
            problems.error(doc.path, value.line, f"'labels: {value.text}' is unclear (YAML reads it as "
                           f"true/false): write labels: [{value.text}] for a label, or labels: [] for none")
            return ()
        items = (value,)  # `labels: dasha` means one label
    elif isinstance(value, Sequence):
        items = value.items
    else:
        problems.error(doc.path, value.line, "'labels' must be a list, e.g. labels: [dasha, sihui]")
        return ()
    fix = several_in_one(items)
    if fix:  # `labels: 肇慶, 四會` would publish one label "肇慶, 四會"
        problems.error(doc.path, value.line, f"'{fix[0]}' is several labels written as one: write "
                       f"labels: [{', '.join(fix[1])}] (or quote it if it is one label)")
        return ()
    labels: list[str] = []
    for item in items:
        if not isinstance(item, Scalar) or not item.text.strip():
            problems.error(doc.path, item.line, "each label must be a non-empty text")
            continue
        label = " ".join(item.text.split())
        if label not in labels:
            labels.append(label)
    return tuple(labels)


def contacts_value(doc: Document, known: dict[str, Contact], problems: Problems) -> tuple[Contact, ...]:
    value = doc.front_matter.get("contacts")
    if is_null(value):
        return ()
    items = (value,) if isinstance(value, (Scalar, Mapping)) else value.items
    fix = several_in_one(items)
    if fix:
        problems.error(doc.path, value.line, f"'{fix[0]}' is several contact ids written as one: write "
                       f"contacts: [{', '.join(fix[1])}]")
        return ()
    contacts = []
    for number, item in enumerate(items, 1):
        if isinstance(item, Mapping):  # a one-off contact written in the post
            # An inline contact is named by its place in the list: its id only marks its card on the page.
            contact = parse_contact(doc.path, f"inline-{number}", item, item.line, problems)
            contact = replace(contact, registered=False) if contact else None
        elif isinstance(item, Scalar):
            contact = known.get(item.text.strip())
            if contact is None:
                known = ", ".join(sorted(known)) or "none: contacts.yaml is missing or empty"
                problems.error(doc.path, item.line, f"unknown contact id '{item.text}' (known ids: {known})")
        else:
            problems.error(doc.path, item.line, "a contact is an id from contacts.yaml or a mapping of fields")
            contact = None
        if contact is not None:
            contacts.append(contact)
    return tuple(contacts)


def slug_value(doc: Document, problems: Problems) -> str | None:
    text = text_value(doc, "slug", problems)
    if text is not None and not urls.is_valid_explicit_slug(text):
        problems.error(doc.path, key_line(doc, "slug"),
                       f"slug '{text}' may hold only lower-case a-z, 0-9 and single '-' between them")
        return None
    return text


def flag_value(doc: Document, key: str, problems: Problems) -> bool:
    value = doc.front_matter.get(key)
    if is_null(value):
        return False
    flag = parse_bool(value) if isinstance(value, Scalar) else None
    if flag is None:
        problems.error(doc.path, value.line, f"'{key}' must be true or false")
        return False
    return flag


def blogger_path_value(doc: Document, problems: Problems) -> str | None:
    """The post's old Blogger address (/2024/07/x.html), kept so that old links still work."""
    text = text_value(doc, "blogger_path", problems)
    if text is None:
        return None
    path = urlsplit(text).path if "://" in text else text
    parts = PurePosixPath(unquote(path)).parts
    if (not path.startswith("/") or not path.endswith(".html") or len(parts) < 2
            or not all(urls.is_safe_segment(p) for p in parts[1:])):
        problems.error(doc.path, key_line(doc, "blogger_path"),
                       f"blogger_path '{text}' must be a site path like /2024/07/post-name.html")
        return None
    return "/" + "/".join(parts[1:])
