"""The content folder's registries: `contacts.yaml` and `labels.yaml`."""

from __future__ import annotations

import re
from pathlib import Path

from zqsite.characters import clean_value
from zqsite.errors import Problems
from zqsite.frontmatter import check_keys, decode_source
from zqsite.languages import normalise_language
from zqsite.models import CONTACT_FIELDS, CONTACT_KINDS, Contact, Label
from zqsite.phones import PHONE_FIELDS, phone_problem
from zqsite.urls import is_valid_explicit_slug
from zqsite.yamlsource import Mapping, Scalar, YamlProblem, describe, parse_yaml

CONTACTS_FILE = "contacts.yaml"
LABELS_FILE = "labels.yaml"
CONTACT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _read_registry(content_dir: Path, name: str, problems: Problems) -> Mapping | None:
    path = content_dir / name
    if not path.is_file():
        return None
    source = decode_source(name, path.read_bytes(), problems)
    if source is None:
        return None
    try:
        root = parse_yaml(source.text)
    except YamlProblem as exc:
        problems.error(name, exc.line, exc.message)
        return None
    if root is None:
        return None
    if not isinstance(root, Mapping):
        problems.error(name, root.line, "must be a mapping of ids to entries")
        return None
    return clean_value(root, name, problems)


def read_contacts(content_dir: Path, problems: Problems) -> dict[str, Contact]:
    """Reads `contacts.yaml`: id -> fields. Values are kept exactly as written (no YAML typing)."""
    root = _read_registry(content_dir, CONTACTS_FILE, problems)
    contacts: dict[str, Contact] = {}
    if root is None:
        return contacts
    for contact_id, (line, entry) in root.entries.items():
        if not CONTACT_ID.match(contact_id):
            problems.error(CONTACTS_FILE, line, f"contact id '{contact_id}' may hold only a-z, 0-9 and '-'")
            continue
        contact = parse_contact(CONTACTS_FILE, contact_id, entry, line, problems)
        if contact is not None:
            contacts[contact_id] = contact
    return contacts


def parse_contact(path: str, contact_id: str, entry, line: int, problems: Problems) -> Contact | None:  # noqa: ANN001
    """One contact's fields from a YAML mapping (the registry's, or inline in a post)."""
    if not isinstance(entry, Mapping):
        problems.error(path, line, f"contact '{contact_id}' must be a mapping of fields (name, address, tel, …), "
                       f"not {describe(entry)}")
        return None
    fields: dict[str, str] = {}
    check_keys(path, entry, CONTACT_FIELDS, {"phone": "tel", "telephone": "tel", "weixin": "wechat",
                                             "url": "website", "mail": "email"}, problems, what="contact field")
    for key, (key_line, value) in entry.entries.items():
        if key not in CONTACT_FIELDS:
            continue
        if not isinstance(value, Scalar):
            problems.error(path, key_line, f"contact field '{key}' must be a single value, not {describe(value)}")
            continue
        text = value.text.strip()
        if value.comment and key in ("name", "note", "address"):
            problems.warning(path, value.line, f"contact '{contact_id}': {key} was cut at ' #': YAML reads "
                             f"'#{value.comment}' as a comment; quote the value to keep it all")
        problem = phone_problem(text) if key in PHONE_FIELDS and text else None
        if problem is not None:
            report = problems.error if problem[0] else problems.warning
            report(path, value.line, f"contact '{contact_id}': {key} '{text}' {problem[1]}")
            if problem[0]:
                continue
        fields[key] = text
    if fields.get("kind", "government") not in CONTACT_KINDS:
        problems.error(path, line, f"contact '{contact_id}': kind must be one of {', '.join(CONTACT_KINDS)}")
        return None
    if not fields.get("name"):
        problems.error(path, line, f"contact '{contact_id}' has no name")
        return None
    return Contact(id=contact_id, **fields)


def read_labels(content_dir: Path, problems: Problems) -> dict[str, Label]:
    """Reads `labels.yaml`: label -> optional slug and display names per language."""
    root = _read_registry(content_dir, LABELS_FILE, problems)
    labels: dict[str, Label] = {}
    if root is None:
        return labels
    for key, (line, entry) in root.entries.items():
        if not isinstance(entry, Mapping):
            problems.error(LABELS_FILE, line, f"label '{key}' must have 'slug:' and/or 'names:' under it")
            continue
        slug = ""
        names: list[tuple[str, str]] = []
        for field_name, (field_line, value) in entry.entries.items():
            if field_name == "slug" and isinstance(value, Scalar):
                slug = value.text.strip()
                if not is_valid_explicit_slug(slug):
                    problems.error(LABELS_FILE, field_line, f"slug '{slug}' may hold only a-z, 0-9 and '-'")
                    slug = ""
            elif field_name == "names" and isinstance(value, Mapping):
                for code, (name_line, name) in value.entries.items():
                    language = normalise_language(code)
                    if language is None:
                        problems.error(LABELS_FILE, name_line, f"'{code}' is not a language tag zqsite "
                                       "knows (such as en, zh-Hant, ja, ko)")
                    elif not isinstance(name, Scalar) or not name.text.strip():
                        problems.error(LABELS_FILE, name_line, "a label name must be a single, non-empty value")
                    else:
                        names.append((language, name.text.strip()))
            else:
                problems.error(LABELS_FILE, field_line, f"unknown or malformed field '{field_name}' "
                               "(a label has 'slug: word' and 'names: {language: name}')")
        labels[key] = Label(key=key, slug=slug, names=tuple(names))
    return labels
