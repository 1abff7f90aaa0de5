"""One `SourceItem` -> the parts of its files: the post itself and, if it carries one, its translation.

The same rules for both importers: contact blocks become contact ids, the byline becomes
`source` (and gives the time of a post known only by its day), a repeated paragraph is kept
once, a paragraph repeating the title is dropped, and a Chinese or Japanese block at the end
of an English post becomes a post of its own (`translation_of` the English one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Callable
from zoneinfo import ZoneInfo

from zqsite import urls
from zqsite.importer.contact_registry import ContactRegistry, resolve
from zqsite.importer.contacts import extract_contacts
from zqsite.importer.html_to_markdown import Block, html_to_blocks
from zqsite.importer.language import cjk_count, detect_language, is_cjk_text
from zqsite.importer.records import Report, SourceItem
from zqsite.importer.sourceline import SourceLine, parse_source_line, source_from_title

_BLOGGER_NUMBERED = re.compile(r"^blog-post(?:_\d+)?$")  # Blogger's name for posts without ASCII titles
_LATIN = re.compile(r"[A-Za-z]")
_MIN_TRANSLATION_CJK = 20  # fewer CJK characters than this is a quote, not a translation


@dataclass
class Context:
    """What composing needs besides the item: time zone, language override, contact registry."""

    tz: ZoneInfo
    registry: ContactRegistry
    report: Report
    language: str | None = None
    rewrite_image: Callable[[str], str] | None = None


@dataclass
class Part:
    """The front-matter values and body of one file to be."""

    kind: str  # "post", "translation" or "page"
    key: str
    title: str
    when: datetime | date | None
    language: str
    body: str
    slug: str = ""
    labels: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    source: str = ""
    draft: bool = False
    blogger_path: str = ""
    translation_of: str = ""
    path: str = ""  # an existing file this part is (see existing.py); "" for a file of its own


def compose(item: SourceItem, context: Context) -> list[Part]:
    """The post (or page) and its translation, if any."""
    blocks = html_to_blocks(item.html, context.rewrite_image)
    blocks, found = extract_contacts(blocks)
    contacts = tuple(dict.fromkeys(resolve(context.registry, contact) for contact in found))
    translated: list[Block] = []
    if item.kind == "post":
        blocks, translated = split_translation(blocks)

    title, when, source, body = _shape(blocks, item.title, item.when, context, item.origin)
    language = context.language or detect_language(f"{title}\n{_text(body)}")
    if item.kind == "page":
        slug = page_slug(item.blogger_path, title)
        if item.blogger_path and item.blogger_path != f"/p/{slug}.html":
            context.report.warn(item.origin, f"the page's address {item.blogger_path} cannot be kept "
                                f"(a slug has only a-z, 0-9 and '-'): it becomes /p/{slug}.html")
        return [Part("page", item.key, title, None, language, _markdown(body), slug=slug, contacts=contacts,
                     draft=item.draft)]

    slug = post_slug(item.blogger_path, title)
    if translated and not urls.is_valid_explicit_slug(slug):
        # translation_of needs the original's slug; without one the block stays where it was.
        context.report.warn(item.origin, "a translated block stays in the post: the post has no a-z slug")
        body, translated = body + translated, []
    main = Part("post", item.key, title, when, language, _markdown(body), slug=slug, labels=item.labels,
                contacts=contacts, source=source, draft=item.draft, blogger_path=item.blogger_path)
    parts = [main]
    if translated:
        t_title, _when, t_source, t_body = _shape(translated, "", when, context,
                                                  f"{item.origin}, its translated block", own_title=True)
        t_language = detect_language(f"{t_title}\n{_text(t_body)}")
        parts.append(Part("translation", f"{item.key}#{t_language}", t_title, when, t_language,
                          _markdown(t_body), labels=item.labels, contacts=contacts,
                          source=t_source, draft=item.draft, translation_of=slug))
    return parts


def split_translation(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """An English post's trailing Chinese or Japanese blocks, apart from the rest."""
    scripts = [_script(block) for block in blocks]
    first = next((s for s in scripts if s != "neutral"), "neutral")
    if first != "latin":
        return blocks, []
    start = len(blocks)
    while start > 0 and scripts[start - 1] in ("cjk", "neutral"):
        start -= 1
    while start < len(blocks) and scripts[start] == "neutral":
        start += 1  # images just before the block belong to the English text
    if cjk_count(_text(blocks[start:])) < _MIN_TRANSLATION_CJK:
        return blocks, []
    return blocks[:start], blocks[start:]


def _script(block: Block) -> str:
    if block.is_structure:
        return "neutral"
    if is_cjk_text(block.text):
        return "cjk"
    return "latin" if _LATIN.search(block.text) else "neutral"


def _shape(blocks: list[Block], title: str, when: datetime | date | None, context: Context, origin: str,
           own_title: bool = False) -> tuple[str, datetime | date | None, str, list[Block]]:
    """Title, date, source and body: byline read and removed, repeats and title lines dropped."""
    blocks = list(blocks)
    index, byline = _find_byline(blocks)
    if own_title and not title and len(blocks) > 1 and (index == 1 or index < 0 and _is_heading_like(blocks[0])):
        title = blocks[0].text  # a translated block starts with its own title (then its byline)
    source = ""
    if byline is not None:
        source = byline.source
        remove = {index}
        previous = blocks[index - 1].text if index > 0 else ""
        if not source and previous and _is_short_name(previous) and _key(previous) != _key(title):
            source = previous  # "China Economic Weekly" on the line above "2022-09-29 17:58:09 …"
            remove.add(index - 1)
        blocks = [b for i, b in enumerate(blocks) if i not in remove]
        if isinstance(when, date) and not isinstance(when, datetime) and byline.day == when:
            # Known only by its day: the byline's time counts when it is the same day.
            when = datetime.combine(when, byline.time, tzinfo=context.tz)
    source = source or source_from_title(title)
    body = _without_repeats(blocks, title)
    if not title.strip():
        title = title_from_text(_text(body))
        context.report.warn(origin, f"no title: titled '{title}' after its first words")
    return " ".join(title.split()), when, source, body


def _find_byline(blocks: list[Block]) -> tuple[int, SourceLine | None]:
    for index, block in enumerate(blocks[:3]):
        if len(block.lines) == 1 and not block.is_structure:
            byline = parse_source_line(block.text)
            if byline is not None:
                return index, byline
    return -1, None


def _is_heading_like(block: Block) -> bool:
    """One short line that is not a sentence: a title."""
    text = block.text
    return len(block.lines) == 1 and 0 < len(text) <= 80 and not text.endswith(("。", ".", "！", "？", ":", "："))


def _is_short_name(text: str) -> bool:
    return 0 < len(text.split()) <= 6 and len(text) <= 60 and not text.endswith((".", "。", ":", "!", "?"))


def _without_repeats(blocks: list[Block], title: str) -> list[Block]:
    """Each paragraph once; none that only repeats the title (Blogger shows it twice)."""
    seen = {_key(title)} if title.strip() else set()
    kept = []
    for block in blocks:
        key = _key(block.text) or block.markdown
        if key in seen:
            continue
        seen.add(key)
        kept.append(block)
    return kept


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _text(blocks: list[Block]) -> str:
    return "\n".join(block.text for block in blocks)


def _markdown(blocks: list[Block]) -> str:
    return "\n\n".join(block.markdown for block in blocks)


def title_from_text(text: str, words: int = 10, characters: int = 40) -> str:
    """A title from a text's first words: its first sentence, cut at `words` (or CJK characters)."""
    text = " ".join(text.split())
    if not text:
        return "Untitled"
    if is_cjk_text(text):
        sentence = re.split(r"[。！？!?；;]", text, maxsplit=1)[0]
        return sentence if len(sentence) <= characters else sentence[:characters] + "…"
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".")
    parts = sentence.split()
    return sentence if len(parts) <= words else " ".join(parts[:words]) + "…"


def post_slug(blogger_path: str, title: str) -> str:
    """The old address's last segment ("project-frequently-delayed-due-to"), else the title's slug."""
    if blogger_path:
        stem = PurePosixPath(blogger_path).stem
        if not _BLOGGER_NUMBERED.match(stem):
            candidate = stem.lower().replace("_", "-")
            if urls.is_valid_explicit_slug(candidate):
                return candidate
    return urls.slug_from_text(title)


def page_slug(blogger_path: str, title: str) -> str:
    """A page's slug: from its /p/<slug>.html address, so that the address stays the same."""
    stem = PurePosixPath(blogger_path).stem if blogger_path else ""
    if stem and urls.is_valid_explicit_slug(stem):
        return stem
    return urls.slug_from_text(stem) or urls.slug_from_text(title)
