"""Line-aware, literal YAML: every value is kept as the text the editor wrote.

YAML 1.1 reads `no` as false, `2024` as a number, `0758` as octal and `12:30` as 750.
zqsite never lets the YAML library guess: it keeps each scalar's raw text with its line,
and the reader interprets the text for the key it belongs to. Anchors, aliases and tags
are rejected (an alias bomb of a few hundred bytes can exhaust memory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

import yaml

try:  # libyaml's parser is about 8x faster than the pure-Python one; same events and marks.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Scalar:
    text: str
    line: int
    quoted: bool
    comment: str = ""  # a `# comment` right after an unquoted value on its line (YAML cut the value there)


@dataclass(frozen=True)
class Sequence:
    items: tuple["Value", ...]
    line: int


@dataclass(frozen=True)
class Mapping:
    # key -> (key line, value); insertion order kept
    entries: dict[str, tuple[int, "Value"]]
    line: int

    def get(self, key: str) -> "Value | None":
        entry = self.entries.get(key)
        return entry[1] if entry else None


Value = Union[Scalar, Sequence, Mapping]


class YamlProblem(Exception):
    """A YAML text that cannot be read; `line` is 1-based within the file."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_yaml(text: str, first_line: int = 1) -> Value | None:
    """Parse YAML text into literal `Value`s; lines are counted from `first_line`.

    Raises YamlProblem for syntax errors, anchors, aliases, tags and duplicate keys.
    Returns None for an empty document.
    """
    offset = first_line - 1
    if any(ch in text for ch in "&*!"):  # cheap test before the event scan
        _reject_anchors_and_tags(text, offset)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        raise YamlProblem(line, f"YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"YAML error: {exc}") from None
    if node is None:
        return None
    return _convert(node, offset, text.split("\n"))


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # libyaml refuses an escaped lone surrogate ("\ud800"); the pure-Python parser reads it,
        # and the caller removes it with a warning like every character XML forbids.
        if "invalid Unicode character escape code" not in str(exc.problem):
            raise
        return yaml.compose(text, Loader=yaml.SafeLoader)


def _reject_anchors_and_tags(text: str, offset: int) -> None:
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1 + offset
            if isinstance(event, yaml.AliasEvent):
                raise YamlProblem(line, "YAML aliases (*name) are not allowed here")
            if getattr(event, "anchor", None):
                raise YamlProblem(line, "YAML anchors (&name) are not allowed here")
            if getattr(event, "tag", None) and not isinstance(event, (yaml.DocumentStartEvent,)):
                raise YamlProblem(line, f"YAML tags ({event.tag}) are not allowed here")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        raise YamlProblem(line, f"YAML syntax error: {exc.problem or exc.context}") from None


def _convert(node: yaml.Node, offset: int, lines: list[str]) -> Value:
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, line, node.style in ("'", '"', "|", ">"), _comment_after(node, lines))
    if isinstance(node, yaml.SequenceNode):
        return Sequence(tuple(_convert(item, offset, lines) for item in node.value), line)
    entries: dict[str, tuple[int, Value]] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1 + offset
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem(key_line, "a key must be a plain word")
        key = key_node.value
        if key in entries:
            raise YamlProblem(key_line, f"duplicate key '{key}' (first on line {entries[key][0]})")
        entries[key] = (key_line, _convert(value_node, offset, lines))
    return Mapping(entries, line)


def _comment_after(node: yaml.ScalarNode, lines: list[str]) -> str:
    """The comment that ends a one-line plain value: `title: Tip #1` is "Tip" and the comment "1"."""
    line = node.start_mark.line
    if node.style or node.end_mark.line != line or line >= len(lines) or "#" not in lines[line]:
        return ""
    # Found by text, not by column: libyaml's columns do not count characters beyond ASCII.
    match = re.search(re.escape(node.value) + r"[ \t]+#(.*)$", lines[line])
    return match.group(1).strip() if match else ""


def describe(value: Value) -> str:
    """A short name of a value's kind, for messages."""
    if isinstance(value, Scalar):
        return "a single value"
    if isinstance(value, Sequence):
        return "a list"
    return "a mapping"


# Plain scalars that YAML 1.1 would read as booleans or null: worth a word in messages.
YAML11_BOOLEANS = {"y", "yes", "n", "no", "true", "false", "on", "off"}
YAML_NULLS = {"", "~", "null"}


def is_null(value: Value | None) -> bool:
    return value is None or (isinstance(value, Scalar) and not value.quoted and value.text.lower() in YAML_NULLS)


def parse_bool(value: Scalar) -> bool | None:
    """true/false (and YAML 1.1's yes/no/on/off); None if it is not a boolean."""
    text = value.text.strip().lower()
    if text in ("true", "yes", "on", "y"):
        return True
    if text in ("false", "no", "off", "n"):
        return False
    return None
