"""The posts already in the content folder that the importer did not write (or lost track of).

An imported post that is one of them (same Blogger address, or same title and day) takes
over its file and slug instead of becoming a duplicate; its translations likewise. Such a
file is replaced only with --force, since an editor wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from zqsite import urls
from zqsite.config import SiteConfig
from zqsite.errors import Problems
from zqsite.frontmatter import decode_source, split_front_matter
from zqsite.frontvalues import parse_date
from zqsite.yamlsource import Scalar, Sequence


@dataclass(frozen=True)
class ExistingPost:
    """The front-matter values of one post file that matter for matching and labels."""

    path: str  # below the content folder
    title: str
    day: date | None
    slug: str  # explicit, or the one the reader derives from the title ("" for translations)
    language: str
    translation_of: str
    blogger_path: str
    labels: tuple[str, ...]


def read_existing_posts(content_dir: Path, tz: ZoneInfo, skip: set[str]) -> list[ExistingPost]:
    """Every readable post file except those in `skip`; broken files are the build's to report."""
    posts = []
    problems = Problems()
    for path in sorted((content_dir / "posts").glob("**/*.md"), key=Path.as_posix):
        relative = path.relative_to(content_dir).as_posix()
        if relative in skip:
            continue
        source = decode_source(relative, path.read_bytes(), problems)
        doc = split_front_matter(source, problems) if source else None
        if doc is None:
            continue

        def text(key: str) -> str:
            value = doc.front_matter.get(key)
            return " ".join(value.text.split()) if isinstance(value, Scalar) else ""

        value = doc.front_matter.get("labels")
        items = value.items if isinstance(value, Sequence) else (value,) if isinstance(value, Scalar) else ()
        labels = tuple(" ".join(i.text.split()) for i in items if isinstance(i, Scalar) and i.text.strip())
        translation_of = text("translation_of")
        slug = text("slug") or ("" if translation_of else urls.slug_from_text(text("title")))
        posts.append(ExistingPost(relative, text("title"), _day(text("date"), tz), slug,
                                  text("language").lower(), translation_of, text("blogger_path"), labels))
    return posts


def _day(text: str, tz: ZoneInfo) -> date | None:
    moment = parse_date(text, SiteConfig(timezone=tz.key)) if text else None  # the reader's own reading
    return moment.date() if moment else None


def find_original(posts: list[ExistingPost], blogger_path: str, title: str, day: date) -> ExistingPost | None:
    """The existing post that is this one: same Blogger address, else same title on the same day."""
    key = " ".join(title.split()).casefold()
    for post in posts:
        if blogger_path and post.blogger_path == blogger_path:
            return post
    for post in posts:
        if not post.translation_of and post.day == day and " ".join(post.title.split()).casefold() == key:
            return post
    return None


def find_translation(posts: list[ExistingPost], original_slug: str, language: str) -> ExistingPost | None:
    """The existing translation of the post with `original_slug` into `language`."""
    return next((p for p in posts if p.translation_of == original_slug and p.language == language.lower()), None)
