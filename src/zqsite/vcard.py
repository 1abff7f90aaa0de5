"""Contacts as vCard 4.0 files (RFC 6350), so that a visitor can save a bureau in one tap, and
as the vCard 3.0 text (RFC 2426) that a contact card's QR code holds."""

from __future__ import annotations

from zqsite import phones
from zqsite.models import Contact

_KIND = {"government": "org", "organization": "org", "person": "individual"}


def _escape(text: str) -> str:
    """RFC 6350 3.4: backslash, comma, semicolon and newline are escaped in text values."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 6350 3.2)."""
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


def vcard(contact: Contact, page_url: str) -> bytes:
    """One contact as a vCard 4.0; `page_url` is where the contact is shown on the site."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"KIND:{_KIND[contact.kind]}", f"FN:{_escape(contact.name)}"]
    if contact.kind == "person":
        lines.append(f"N:{_escape(contact.name)};;;;")
    else:
        lines.append(f"ORG:{_escape(contact.name)}")
    if contact.address:
        lines.append(f"ADR;TYPE=work;LABEL=\"{contact.address.replace(chr(34), chr(39))}\":;;"
                     f"{_escape(contact.address)};;;;")
    for number, types in ((contact.tel, "work,voice"), (contact.fax, "work,fax")):
        uri = phones.tel_uri(number) if number else ""
        if uri:
            lines.append(f"TEL;VALUE=uri;TYPE=\"{types}\":{uri}")
    if contact.whatsapp and phones.tel_uri(contact.whatsapp):
        lines.append(f"TEL;VALUE=uri;TYPE=\"cell,text\":{phones.tel_uri(contact.whatsapp)}")
        lines.append(f"IMPP;X-SERVICE-TYPE=WhatsApp:{phones.whatsapp_uri(contact.whatsapp)}")
    if contact.wechat:
        lines.append(f"X-WECHAT:{_escape(contact.wechat)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=work:{_escape(contact.email)}")
    lines.append(f"URL:{contact.website or page_url}")
    notes = [contact.note] + ([f"WeChat: {contact.wechat}"] if contact.wechat else [])
    if any(notes):
        lines.append(f"NOTE:{_escape(' / '.join(n for n in notes if n))}")
    lines.append(f"UID:urn:zqsite:contact:{contact.id}")
    lines.append("END:VCARD")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def vcard_for_qr(contact: Contact, website: str = "") -> str:
    """The contact as a vCard 3.0 for a QR code: what a phone's camera offers to save.

    3.0, not 4.0: Android's own Contacts app (AOSP, and the systems built on it) refuses a
    `VERSION:4.0` card ("the format isn't supported") and reads 3.0; iOS reads both, and
    Apple's Contacts writes 3.0 itself. The same values as the .vcf file, fewer of them: the
    note and the site's own address are left out, since every byte makes the code denser and
    harder to read from a screen; the WhatsApp number is a mobile number (WhatsApp finds its
    contacts by number); the WeChat id is in the note. Lines are not folded (folding is a
    SHOULD in RFC 2425, and scanners differ in how they join lines).
    """
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    if contact.kind == "person":
        lines.append(f"N:{_escape(contact.name)};;;;")
    else:
        lines.append("N:;;;;")  # 3.0 requires N; an organisation has none (as Apple writes it)
    lines.append(f"FN:{_escape(contact.name)}")
    if contact.kind != "person":
        lines.append(f"ORG:{_escape(contact.name)}")
    if contact.address:
        lines.append(f"ADR;TYPE=WORK:;;{_escape(contact.address)};;;;")
    for number, types in ((contact.tel, "WORK,VOICE"), (contact.fax, "WORK,FAX"), (contact.whatsapp, "CELL")):
        if number and phones.digits(number):
            lines.append(f"TEL;TYPE={types}:{phones.international(number)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_escape(contact.email)}")
    if website:
        lines.append(f"URL:{website}")
    if contact.wechat:
        lines.append(f"NOTE:{_escape(f'WeChat: {contact.wechat}')}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
