"""Source files: bytes -> text (checked) -> front matter (literal YAML values) + body."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from zqsite.errors import Problems
from zqsite.yamlsource import Mapping, YamlProblem, parse_yaml

# Characters XML 1.0 forbids (tab, LF and CR are allowed); Word pastes U+000B and friends.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class SourceText:
    """A source file's text: LF line endings, no BOM, no XML-forbidden characters."""

    path: str
    text: str


def decode_source(path: str, data: bytes, problems: Problems) -> SourceText | None:
    """Checks that a file is non-empty UTF-8 text; reports the line of the first bad byte."""
    if not data.strip():
        problems.error(path, None, "the file is empty")
        return None
    if b"\0" in data:
        problems.error(path, data[: data.index(b"\0")].count(b"\n") + 1, "this is a binary file, not text")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(path, line, "not UTF-8 text (save the file as UTF-8)")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _XML_FORBIDDEN.search(text):
        for number, line_text in enumerate(text.split("\n"), 1):
            for char in set(_XML_FORBIDDEN.findall(line_text)):
                problems.warning(path, number, f"removed the invisible control character U+{ord(char):04X}")
        text = _XML_FORBIDDEN.sub("", text)
    return SourceText(path, text)


@dataclass(frozen=True)
class Document:
    """A file split into its front matter and its body; `body_line` is the body's first line."""

    path: str
    front_matter: Mapping
    body: str
    body_line: int


def split_front_matter(source: SourceText, problems: Problems) -> Document | None:
    """Separates the `---` fenced YAML front matter from the Markdown body."""
    text = source.text
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        problems.error(source.path, 1, "no front matter: the file must start with a line '---', "
                       "then title, date, … and another line '---'")
        return None
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        problems.error(source.path, 1, "the front matter is not closed: add a line '---' after it")
        return None
    try:
        front = parse_yaml("\n".join(lines[1:end]), first_line=2)
    except YamlProblem as exc:
        problems.error(source.path, exc.line, exc.message)
        return None
    if front is None:
        problems.error(source.path, 2, "the front matter is empty: it needs at least a title and a date")
        return None
    if not isinstance(front, Mapping):
        problems.error(source.path, front.line, "the front matter must be 'key: value' lines (a mapping)")
        return None
    return Document(source.path, front, "\n".join(lines[end + 1:]), end + 2)


def check_keys(path: str, front: Mapping, known: tuple[str, ...], synonyms: dict[str, str],
               problems: Problems, what: str = "key") -> None:
    """Warns about unknown keys, with a "did you mean" for near misses and common synonyms."""
    for key, (line, _value) in front.entries.items():
        if key in known:
            continue
        guess = synonyms.get(key.lower()) or next(iter(difflib.get_close_matches(key, known, n=1)), None)
        hint = f"; did you mean '{guess}'?" if guess else ""
        problems.warning(path, line, f"unknown {what} '{key}' is ignored{hint}")
