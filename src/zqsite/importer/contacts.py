"""Contact blocks at the end of posts -> contact fields, and the body without them.

A block is a run of "Tel: …", "Fax: …", "Address: …", "WhatsApp: …", "Wechat: …" lines,
with the lines just before it: an optional "Contact information", the bureau's name, and an
optional tagline ("Sihui City--China's key cities for attracting foreign investment"); or
the consultant's "If you want to invest in China … contact me directly" sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zqsite.importer.html_to_markdown import Block

_FIELD = re.compile(r"^(?P<key>address|addr|add|tel|telephone|phone|mobile|fax|whatsapp|whats app|wechat|"
                    r"we chat|e-?mail|website|web ?site|web)\s*[:：]\s*(?P<value>\S.*)$", re.I)
_FIELD_NAMES = {"address": "address", "addr": "address", "add": "address", "tel": "tel", "telephone": "tel",
                "phone": "tel", "mobile": "tel", "fax": "fax", "whatsapp": "whatsapp", "whats app": "whatsapp",
                "wechat": "wechat", "we chat": "wechat", "email": "email", "e-mail": "email",
                "website": "website", "web site": "website", "web": "website"}
_CONTACT_HEADING = re.compile(r"^contacts?(?: information| info| details| us)?\s*[:：]?$", re.I)
_INVITATION = re.compile(r"\bif you want to invest in china\b.*\bcontact me\b", re.I)
_TAGLINE_DASH = re.compile(r"\s*(?:-{2,}|—+|–{2,})\s*")
_SENTENCE_END = (".", "。", "!", "?", "！", "？", ":", "：", ",", "，")
CONSULTANT_NAME = "Investment consultant"


def is_contact_field(text: str) -> bool:
    """True for a "Tel: …", "Fax: …", "Address: …" (and the like) line."""
    return bool(_FIELD.match(text))


@dataclass
class FoundContact:
    """The fields of one contact block, values exactly as written in the post."""

    fields: dict[str, str] = field(default_factory=dict)


def extract_contacts(blocks: list[Block]) -> tuple[list[Block], list[FoundContact]]:
    """The blocks without their contact blocks, and the contacts found, in order."""
    lines = [(b, n, text) for b, block in enumerate(blocks) if not block.is_structure
             for n, text in enumerate(block.texts)]
    consumed: set[int] = set()
    found: list[FoundContact] = []
    index = 0
    while index < len(lines):
        if index in consumed or not _FIELD.match(lines[index][2]):
            index += 1
            continue
        end, fields = _field_run(lines, index)
        taken = set(range(index, end))
        contact = _preamble(lines, index - 1, consumed, taken, fields)
        if contact is not None:
            found.append(contact)
            consumed |= taken
        index = end
    return _without(blocks, {(lines[i][0], lines[i][1]) for i in consumed}), found


def _field_run(lines: list[tuple[int, int, str]], start: int) -> tuple[int, dict[str, str]]:
    """The "Key: value" lines from `start` on; a key seen twice starts the next block."""
    fields: dict[str, str] = {}
    end = start
    while end < len(lines):
        text = lines[end][2]
        match = _FIELD.match(text)
        if match:
            key = _FIELD_NAMES[" ".join(match.group("key").lower().split())]
            if key in fields:
                break
            fields[key] = match.group("value").strip()
        elif not (_CONTACT_HEADING.match(text) and fields):
            break
        end += 1
    return end, fields


def _preamble(lines: list[tuple[int, int, str]], before: int, consumed: set[int], taken: set[int],
              fields: dict[str, str]) -> FoundContact | None:
    """Reads name, tagline or invitation above the fields; None if this is no contact block."""
    def free(i: int) -> bool:
        return i >= 0 and i not in consumed and i not in taken

    contact = FoundContact()
    while free(before) and _CONTACT_HEADING.match(lines[before][2]):
        taken.add(before)
        before -= 1
    if free(before) and _INVITATION.search(lines[before][2]):
        contact.fields.update(kind="person", name=CONSULTANT_NAME, note=lines[before][2])
        taken.add(before)
    elif free(before) and _is_name(lines[before][2]):
        contact.fields["name"] = lines[before][2]
        taken.add(before)
        before -= 1
        if free(before) and _INVITATION.search(lines[before][2]):
            contact.fields.update(kind="person", note=lines[before][2])
            taken.add(before)
        elif free(before) and _is_tagline(lines[before][2]):
            contact.fields["note"] = _TAGLINE_DASH.sub(" — ", lines[before][2])
            taken.add(before)
    elif len(fields) < 2:
        return None  # a lone "Tel: …" without a name is not worth a contact
    if not contact.fields.get("name"):
        # Only messenger numbers and no name: the consultant's way of signing, not a bureau's.
        messenger_only = fields.keys() <= {"whatsapp", "wechat"}
        contact.fields["name"] = CONSULTANT_NAME if messenger_only else "Contact"
        if messenger_only:
            contact.fields["kind"] = "person"
    contact.fields.update(fields)
    return contact


def _is_name(text: str) -> bool:
    """A bureau's name: one short line, not a sentence."""
    return (0 < len(text) <= 120 and len(text.split()) <= 16 and not text.endswith(_SENTENCE_END)
            and not _FIELD.match(text) and any(c.isalpha() for c in text))


def _is_tagline(text: str) -> bool:
    return bool(_TAGLINE_DASH.search(text)) and len(text.split()) <= 20 and not _FIELD.match(text)


def _without(blocks: list[Block], removed: set[tuple[int, int]]) -> list[Block]:
    kept = []
    for b, block in enumerate(blocks):
        pairs = [(line, text) for n, (line, text) in enumerate(zip(block.lines, block.texts))
                 if (b, n) not in removed]
        if not pairs:
            continue
        lines = [line for line, _ in pairs]
        lines[-1] = lines[-1].rstrip()  # its hard break led to a line that is gone
        kept.append(Block(tuple(lines), tuple(text for _, text in pairs)))
    return kept
