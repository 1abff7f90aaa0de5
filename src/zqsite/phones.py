"""Phone numbers as written by editors -> international form and `tel:` / WhatsApp links."""

from __future__ import annotations

import re

DEFAULT_COUNTRY_CODE = "86"  # the bureaus are in China: a national number is a Chinese one
_SEPARATORS = re.compile(r"[\s\-().\u00a0/]+")


def international(number: str) -> str:
    """"0086-758-3611228" -> "+86 758 3611228"; "0758-3611228" -> "+86 758 3611228".

    The editor's grouping is kept; only the prefix becomes international. Text that is not
    a phone number is returned unchanged.
    """
    groups = [g for g in _SEPARATORS.split(number.strip()) if g]
    if not groups or not all(g.lstrip("+").isdigit() for g in groups):
        return number.strip()
    first = groups[0]
    if first.startswith("+"):
        return " ".join(groups)
    if first.startswith("00"):
        rest = first[2:]
        return " ".join(["+" + rest, *groups[1:]] if rest else ["+" + groups[1], *groups[2:]])
    if first.startswith("0"):
        return " ".join(["+" + DEFAULT_COUNTRY_CODE, first[1:], *groups[1:]] if first[1:]
                        else ["+" + DEFAULT_COUNTRY_CODE, *groups[1:]])
    return " ".join(["+" + DEFAULT_COUNTRY_CODE, *groups])


def digits(number: str) -> str:
    """The international number as digits only ("8675836112228"); "" if not a number."""
    formatted = international(number)
    return formatted[1:].replace(" ", "") if formatted.startswith("+") else ""


def tel_uri(number: str) -> str:
    """RFC 3966 link: "tel:+867583611228"; "" if the text is not a phone number."""
    found = digits(number)
    return f"tel:+{found}" if found else ""


def whatsapp_uri(number: str) -> str:
    found = digits(number)
    return f"https://wa.me/{found}" if found else ""


PHONE_FIELDS = ("tel", "fax", "whatsapp")
# With its country code a number reachable from abroad has at least this many digits
# ("+86 758 3611228" has 12); fewer usually means a missing area code or a lost digit.
MIN_DIGITS = 10


def phone_problem(number: str) -> tuple[bool, str] | None:
    """(is it an error, what is wrong) for text that is not a usable phone number, else None."""
    found = digits(number)
    if not found:
        return True, ("is not a phone number (write digits, spaces, '-' or '()', with '+' or 00 "
                      "before the country code: +86 758 3611228)")
    if len(found) < MIN_DIGITS:
        return False, f"has only {len(found)} digits with the country code (+{found}): is a part missing?"
    return None
