"""Contacts as vCard 3.0 (RFC 2426): the `.vcf` file that a visitor saves in one tap, and the
shorter text that a contact card's QR code holds. Both are made by one function.

3.0, not 4.0 (RFC 6350): Android's own Contacts app (AOSP, and the systems built on it) refuses
a `VERSION:4.0` card ("the format isn't supported") and reads 3.0; iOS and the desktop address
books read both, and Apple's Contacts writes 3.0 itself. Text is UTF-8, the 3.0 default, so no
CHARSET parameter is written.
"""

from __future__ import annotations

from zqsite import phones
from zqsite.models import Contact


def _escape(text: str) -> str:
    """RFC 2426 4: backslash, comma, semicolon and newline are escaped in text values."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 2425 5.8.1),
    never inside a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _card(contact: Contact, url: str, full: bool) -> list[str]:
    """The card's lines, unfolded. `full` is the .vcf file; without it, the QR code's card.

    The QR code's card has fewer values: the note, the site's own address (`url` is "" for a
    contact without a website), the WhatsApp link, the WeChat property and the UID are left
    out, since every byte makes the code denser and harder to read from a screen. Both carry
    the WhatsApp number as a mobile number (WhatsApp finds its contacts by number) and the
    WeChat id in the note (Android and iOS show no X- property).
    """
    person = contact.kind == "person"
    # 3.0 requires N; an organisation has none (as Apple writes it)
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{_escape(contact.name)};;;;" if person else "N:;;;;",
             f"FN:{_escape(contact.name)}"]
    if not person:
        lines.append(f"ORG:{_escape(contact.name)}")
        if full:
            lines.append("X-ABShowAs:COMPANY")  # what 4.0 says with KIND:org (Apple's Contacts reads it)
    if contact.address:
        lines.append(f"ADR;TYPE=WORK:;;{_escape(contact.address)};;;;")
    for number, types in ((contact.tel, "WORK,VOICE"), (contact.fax, "WORK,FAX"), (contact.whatsapp, "CELL")):
        if number and phones.digits(number):
            lines.append(f"TEL;TYPE={types}:{phones.international(number)}")
    if full and contact.whatsapp and phones.digits(contact.whatsapp):
        lines.append(f"IMPP;X-SERVICE-TYPE=WhatsApp:{phones.whatsapp_uri(contact.whatsapp)}")  # RFC 4770
    if full and contact.wechat:
        lines.append(f"X-WECHAT:{_escape(contact.wechat)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_escape(contact.email)}")
    if url:
        lines.append(f"URL:{url}")
    notes = ([contact.note] if full else []) + ([f"WeChat: {contact.wechat}"] if contact.wechat else [])
    if any(notes):
        lines.append(f"NOTE:{_escape(' / '.join(n for n in notes if n))}")
    if full:
        lines.append(f"UID:urn:zqsite:contact:{contact.id}")
    lines.append("END:VCARD")
    return lines


def vcard(contact: Contact, page_url: str) -> bytes:
    """One contact as a .vcf file; `page_url` is where the contact is shown on the site (the
    card's URL when the contact has no website). Lines are folded at 75 octets, CRLF ends."""
    lines = _card(contact, contact.website or page_url, full=True)
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def vcard_for_qr(contact: Contact, website: str = "") -> str:
    """The contact as the vCard a QR code holds: what a phone's camera offers to save.

    Lines are not folded (folding is a SHOULD in RFC 2425, and scanners differ in how they
    join lines).
    """
    return "\r\n".join(_card(contact, website, full=False)) + "\r\n"
