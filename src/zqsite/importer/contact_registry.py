"""Found contacts <-> `contacts.yaml`: one contact per bureau, matched by phone number.

The same bureau is written "0086-758-3611228" in one post and "+86 758 3611228" in another,
so numbers are compared as digits in international form. Entries already in contacts.yaml
keep their ids and text; contacts new to it are appended, values double-quoted as found.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from zqsite.errors import Problems
from zqsite.importer import ImportFailed
from zqsite.importer.contacts import FoundContact
from zqsite.models import CONTACT_FIELDS
from zqsite.phones import digits
from zqsite.registry import CONTACT_ID, CONTACTS_FILE, read_contacts
from zqsite.urls import slug_from_text

_NUMBER_FIELDS = ("tel", "fax", "whatsapp", "wechat")
# Words that every bureau's name shares; left out of ids ("sihui-bureau", not
# "investment-promotion-bureau-of-sihui-city").
_FILLER = {"investment", "promotion", "of", "the", "city", "district", "county", "town", "province",
           "municipal", "and", "for"}
_ROLES = {"bureau", "center", "centre", "office", "committee", "department", "agency", "commission"}


@dataclass
class ContactRegistry:
    """contacts.yaml's entries (never changed) and the contacts this import adds."""

    existing: dict[str, dict[str, str]]
    new: dict[str, dict[str, str]] = field(default_factory=dict)
    merged: int = 0


def load_registry(content_dir: Path) -> ContactRegistry:
    """Reads contacts.yaml (if any); a broken one stops the import before anything is written."""
    problems = Problems()
    contacts = read_contacts(content_dir, problems)
    if problems.errors:
        details = "; ".join(str(p) for p in problems.errors[:5])
        raise ImportFailed(f"{CONTACTS_FILE} has errors, fix them first: {details}")
    existing = {}
    for contact_id, contact in contacts.items():
        values = {k: v for k, v in asdict(contact).items() if k != "id" and v}
        existing[contact_id] = values
    return ContactRegistry(existing)


def resolve(registry: ContactRegistry, found: FoundContact) -> str:
    """The id of the contact `found` is (an existing one, or a new entry)."""
    best_id, best_score = None, 0
    for contact_id, fields in (*registry.existing.items(), *registry.new.items()):
        score = _match_score(found.fields, fields)
        if score > best_score:
            best_id, best_score = contact_id, score
    if best_id is not None:
        registry.merged += 1
        if best_id in registry.new:  # fill in what an earlier block of the same bureau lacked
            for key, value in found.fields.items():
                registry.new[best_id].setdefault(key, value)
        return best_id
    contact_id = _new_id(found.fields, set(registry.existing) | set(registry.new))
    registry.new[contact_id] = dict(found.fields)
    return contact_id


def _match_score(a: dict[str, str], b: dict[str, str]) -> int:
    """0 if these are different contacts; higher for more shared numbers and the same name."""
    shared = 0
    for key in _NUMBER_FIELDS:
        if a.get(key) and b.get(key):
            if _number(a[key]) != _number(b[key]):
                return 0  # another fax number: another office, even with the same phone
            shared += 1
    same_name = _name(a.get("name", "")) == _name(b.get("name", ""))
    if not shared and not same_name:
        return 0
    return shared + 2 * same_name


def _number(text: str) -> str:
    return digits(text) or " ".join(text.lower().split())


def _name(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _new_id(fields: dict[str, str], taken: set[str]) -> str:
    name = fields.get("name", "")
    words = name.split()
    if fields.get("kind", "government") == "government":
        kept = [w for w in words if w.lower() not in _FILLER]
        words = [w for w in kept if w.lower() not in _ROLES] + [w for w in kept if w.lower() in _ROLES]
    base = slug_from_text(" ".join(words)) or slug_from_text(name)
    if not CONTACT_ID.match(base or ""):
        base = "contact"  # a name without Latin letters gives no a-z id
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def new_entries_yaml(registry: ContactRegistry, command: str) -> str:
    """The YAML text of the contacts this import adds ("" if none)."""
    if not registry.new:
        return ""
    lines = [f"# Added by `zqsite {command}`; ids and values may be edited (posts name contacts by id)."]
    for contact_id, fields in registry.new.items():
        lines.append(f"{contact_id}:")
        order = (["kind"] if fields.get("kind", "government") != "government" else []) + \
            [key for key in CONTACT_FIELDS if key != "kind"]
        for key in order:
            if fields.get(key):
                lines.append(f"  {key}: {json.dumps(fields[key], ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def merged_contacts_file(existing: bytes | None, addition: str) -> bytes | None:
    """contacts.yaml with `addition` appended, its own bytes untouched; None if nothing changes."""
    if not addition:
        return None
    if existing is None or not existing.strip():
        header = "# Contact registry: posts and pages name contacts by id in their `contacts:` list.\n"
        return (header + addition).encode("utf-8")
    separator = b"" if existing.endswith(b"\n") else b"\n"
    return existing + separator + addition.encode("utf-8")
