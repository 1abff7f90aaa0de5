"""Text as editors' tools produce it -> text that every output format can hold, in one form.

Word pastes U+000B, a YAML escape (`"\\x0b"`, `"\\uFFFE"`) or an HTML character reference
(`&#11;`) can write any code point, and XML 1.0 (the feeds, the sitemap) forbids some: lxml
stops the whole build at the first one. Those characters are removed, each with a warning
at its line. macOS writes decomposed Unicode (NFD: `か` + `゙`), Windows composed (NFC: `が`):
everything read is normalised to NFC, so that the same word typed on both is one word.
"""

from __future__ import annotations

import re
import unicodedata

from zqsite.errors import Problems
from zqsite.yamlsource import Mapping, Scalar, Sequence, Value

# Tab, LF and CR are allowed; C0 controls, lone surrogates, U+FFFE and U+FFFF are not.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def removed_message(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return f"removed the invisible control character U+{code:04X}"
    return f"removed U+{code:04X}, which is not a character (feeds cannot hold it)"


def clean(text: str) -> tuple[str, list[str]]:
    """(the text in NFC without XML-forbidden characters, the characters removed: sorted, once each)."""
    removed: list[str] = []
    if XML_FORBIDDEN.search(text):
        # An escaped pair ("\ud83d\ude00") is one character, not two to remove.
        text = _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)
        removed = sorted(set(XML_FORBIDDEN.findall(text)))
        text = XML_FORBIDDEN.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, removed


def clean_source(path: str, text: str, problems: Problems) -> str:
    """A whole file's text cleaned; a warning for each character removed, at its line."""
    cleaned, removed = clean(text)
    if removed:
        for number, line_text in enumerate(text.split("\n"), 1):
            for char in sorted(set(XML_FORBIDDEN.findall(line_text))):
                problems.warning(path, number, removed_message(char))
    return cleaned


def clean_value(value: Value, path: str, problems: Problems) -> Value:
    """YAML values (after YAML's escapes are applied) cleaned, keys included; warnings at their lines.

    A value with nothing to clean is returned as it is (nearly every one: no copies to make).
    """
    if isinstance(value, Scalar):
        text = _clean_at(value.text, path, value.line, problems)
        return value if text is value.text else Scalar(text, value.line, value.quoted, value.comment)
    if isinstance(value, Sequence):
        items = tuple(clean_value(item, path, problems) for item in value.items)
        return value if all(a is b for a, b in zip(items, value.items)) else Sequence(items, value.line)
    entries = {_clean_at(key, path, line, problems): (line, clean_value(item, path, problems))
               for key, (line, item) in value.entries.items()}
    same = all(new is old for new, old in zip(entries, value.entries)) and all(
        new[1] is old[1] for new, old in zip(entries.values(), value.entries.values()))
    return value if same and len(entries) == len(value.entries) else Mapping(entries, value.line)


def _clean_at(text: str, path: str, line: int, problems: Problems) -> str:
    if not XML_FORBIDDEN.search(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return text
    cleaned, removed = clean(text)
    for char in removed:
        problems.warning(path, line, removed_message(char))
    return cleaned


def remove_forbidden_references(path: str, text: str, first_line: int, problems: Problems) -> str:
    """A Markdown body without character references to forbidden characters (`&#11;`, `&#xFFFE;`)."""
    if "&#" not in text:
        return text

    def replace(match: re.Match) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if code > 0x10FFFF or not XML_FORBIDDEN.match(chr(code)):
            return match.group()
        line = first_line + text.count("\n", 0, match.start())
        problems.warning(path, line, f"{removed_message(chr(code))} (written {match.group()})")
        return ""

    return _REFERENCE.sub(replace, text)
