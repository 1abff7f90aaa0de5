"""Cleaned HTML -> Markdown blocks, each with its plain text (for finding contacts and repeats).

markdownify does the conversion; this module adds the escaping it leaves out (a paragraph
that starts with "1. " or "# " must stay a paragraph) and cuts the result into blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from bs4 import NavigableString, Tag
from markdownify import MarkdownConverter

from zqsite.importer.html_clean import clean_blogger_html


@dataclass(frozen=True)
class Block:
    """One Markdown block (paragraph, heading, list, table…) and the plain text of each line."""

    lines: tuple[str, ...]  # Markdown lines
    texts: tuple[str, ...]  # the same lines as plain text

    @property
    def markdown(self) -> str:
        return "\n".join(self.lines)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    @property
    def is_structure(self) -> bool:
        """Tables and code keep their lines; they never hold a contact block."""
        return self.lines[0].startswith(("|", "```", "    "))


# Text that would start a heading, list, quote or rule if it began a line.
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+](?=\s)|>|={3,}\s*$|-{3,}\s*$)")
_ORDERED = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")
_HTML_LIKE = re.compile(r"<(?=[A-Za-z/!?])")


class _Converter(MarkdownConverter):
    """markdownify, escaping text that Markdown would otherwise read as markup."""

    def escape(self, text: str, parent_tags) -> str:  # noqa: ANN001 (markdownify's signature)
        text = text.replace("\\", "\\\\").replace("`", "\\`")
        text = _HTML_LIKE.sub("&lt;", text)
        return super().escape(text, parent_tags)

    def process_text(self, el, parent_tags=None) -> str:  # noqa: ANN001
        text = super().process_text(el, parent_tags)
        if parent_tags is not None and "_noformat" in parent_tags:
            return text
        if _starts_line(el):
            text = _LINE_START.sub(r"\1\\\2", text, count=1)
            text = _ORDERED.sub(r"\1\\\2", text, count=1)
        return text


def _starts_line(node: NavigableString) -> bool:
    """True if the text begins a line of its block: first in it, or just after a <br>."""
    previous = node.previous_sibling
    while isinstance(previous, NavigableString) and not previous.strip():
        previous = previous.previous_sibling
    if previous is None:
        parent = node.parent
        while isinstance(parent, Tag) and parent.name in ("b", "strong", "i", "em", "a") and \
                parent.previous_sibling is None:
            parent = parent.parent
        return isinstance(parent, Tag) and parent.name not in ("b", "strong", "i", "em", "a", "code")
    return isinstance(previous, Tag) and previous.name == "br"


_CONVERTER_OPTIONS = dict(heading_style="ATX", bullets="-", strong_em_symbol="*", escape_misc=False,
                          newline_style="spaces", table_infer_header=True)


def html_to_blocks(html: str, rewrite_image: Callable[[str], str] | None = None) -> list[Block]:
    """A post's HTML as cleaned Markdown blocks, in order; empty blocks left out."""
    soup = clean_blogger_html(html, rewrite_image)
    markdown = _Converter(**_CONVERTER_OPTIONS).convert_soup(soup)
    return split_blocks(markdown)


def split_blocks(markdown: str) -> list[Block]:
    """Cuts Markdown at blank lines (never inside a code fence) into blocks."""
    blocks: list[Block] = []
    current: list[str] = []
    in_fence = False
    for raw in markdown.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if raw.endswith("  ") and line:
            line += "  "  # a hard line break
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if not line.strip() and not in_fence:
            if current:
                blocks.append(_block(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(_block(current))
    return [b for b in blocks if b.markdown.strip()]


def _block(lines: list[str]) -> Block:
    if lines[-1].endswith("  "):
        lines[-1] = lines[-1].rstrip()  # a break at the end of a block shows nothing
    return Block(tuple(lines), tuple(plain_text(line) for line in lines))


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKERS = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-+*]\s+|\d{1,9}[.)]\s+)")
_EMPHASIS = re.compile(r"(?<!\\)(\*{1,3}|_{1,3})")
_ESCAPED = re.compile(r"\\(.)")


def plain_text(line: str) -> str:
    """A Markdown line as the reader sees it: no markers, emphasis, escapes or images."""
    text = _IMAGE.sub("", line)
    text = _LINK.sub(r"\1", text)
    text = _MARKERS.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _ESCAPED.sub(r"\1", text)
    return text.replace("&lt;", "<").strip()

