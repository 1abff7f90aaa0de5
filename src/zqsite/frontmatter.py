"""Source files: bytes -> text (checked) -> front matter (literal YAML values) + body."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from zqsite.characters import clean_source, clean_value, remove_forbidden_references
from zqsite.errors import Problems
from zqsite.yamlsource import Mapping, YamlProblem, parse_yaml


@dataclass(frozen=True)
class SourceText:
    """A source file's text: LF line endings, no BOM, no XML-forbidden characters, NFC."""

    path: str
    text: str


def decode_source(path: str, data: bytes, problems: Problems) -> SourceText | None:
    """Checks that a file is non-empty UTF-8 text; reports the line of the first bad byte."""
    if not data.strip():
        problems.error(path, None, "the file is empty")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = _with_lone_surrogates(data)
        if text is None:
            line = data[: exc.start].count(b"\n") + 1
            if b"\0" in data:
                problems.error(path, data[: data.index(b"\0")].count(b"\n") + 1, "this is a binary file, not text")
            else:
                problems.error(path, line, "not UTF-8 text (save the file as UTF-8)")
            return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = clean_source(path, text, problems)
    return SourceText(path, text)


def _with_lone_surrogates(data: bytes) -> str | None:
    """Text that is UTF-8 but for encoded lone surrogates (which clean_source removes), else None."""
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None


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
    if front is not None:  # YAML's escapes ("\x0b", "\u0301") may write what the file did not hold
        front = clean_value(front, source.path, problems)
    if front is None:
        problems.error(source.path, 2, "the front matter is empty: it needs at least a title and a date")
        return None
    if not isinstance(front, Mapping):
        problems.error(source.path, front.line, "the front matter must be 'key: value' lines (a mapping)")
        return None
    body = remove_forbidden_references(source.path, "\n".join(lines[end + 1:]), end + 2, problems)
    return Document(source.path, front, body, end + 2)


def check_keys(path: str, front: Mapping, known: tuple[str, ...], synonyms: dict[str, str],
               problems: Problems, what: str = "key") -> None:
    """Warns about unknown keys, with a "did you mean" for near misses and common synonyms."""
    for key, (line, _value) in front.entries.items():
        if key in known:
            continue
        guess = synonyms.get(key.lower()) or next(iter(difflib.get_close_matches(key, known, n=1)), None)
        hint = f"; did you mean '{guess}'?" if guess else ""
        problems.warning(path, line, f"unknown {what} '{key}' is ignored{hint}")
