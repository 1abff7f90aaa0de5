"""The one place that decides slugs, site URLs and output paths (and the one user of slugify).

A site URL here is a path below the site's base path, starting with "/": "/2024/07/x.html",
"/label/dasha/". Templates get them with the base path already in front.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

from zqsite.answers import answer

SLUG_MAX_LENGTH = 60
EXPLICIT_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# Han, kana, CJK punctuation and full-width forms: dropped from mixed Latin/CJK titles, since
# slugify would spell them out in pinyin (and read Japanese kanji as Chinese).
_CJK = r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+"  # compiled when a slug is made (3 ms)


def is_valid_explicit_slug(text: str) -> bool:
    """An editor's `slug`: only a-z, 0-9 and single hyphens."""
    return bool(EXPLICIT_SLUG.match(text)) and len(text) <= 200


def slug_from_text(text: str) -> str:
    """The slug of a title or label; may be "" (punctuation or emoji only).

    Text with Latin letters or digits becomes ASCII ("Dasha Town" -> "dasha-town"), CJK
    characters in it dropped. Text without any keeps its own script, lower-cased
    (大沙 -> "大沙", 肇慶市の大規模産業クラスター unchanged): distinct words stay distinct
    instead of colliding in pinyin (大沙, 大廈 and 大厦 would all be "da-sha").
    """
    # Kept in the build cache: every build slugs each label (and each page without a slug), and
    # a rebuild that slugs nothing new imports no slugify (9 ms of a one-edit rebuild, 3 December 2026).
    return answer(("slug", text), lambda: _slugified(text))


def _slugified(text: str) -> str:
    from slugify import slugify

    if _ASCII_WORD.search(text):
        return slugify(re.sub(_CJK, " ", text), max_length=SLUG_MAX_LENGTH, word_boundary=True, save_order=True)
    return slugify(text, allow_unicode=True, max_length=SLUG_MAX_LENGTH, word_boundary=True, save_order=True)


def is_safe_segment(text: str) -> bool:
    """True if `text` can be one path segment that stays inside the output folder."""
    return bool(text) and text not in (".", "..") and not any(c in text for c in "/\\\0") and ":" not in text


def translation_slug(original_slug: str, language: str) -> str:
    """A translation without a slug of its own: its original's, with the language."""
    return f"{original_slug}-{language.lower()}"


def post_url(date: datetime, slug: str) -> str:
    """Blogger's permalink form: /YYYY/MM/<slug>.html (year and month in the site's time zone)."""
    return f"/{date:%Y}/{date:%m}/{slug}.html"


# `prefix`: the folder of a language's pages ("ja", "zh-hant"); "" for the default language,
# whose pages keep Blogger's addresses.

def _in(prefix: str, path: str) -> str:
    return f"/{prefix}{path}" if prefix else path


def page_url(slug: str, prefix: str = "") -> str:
    """A standalone page, at Blogger's page address (a translation in its language's folder)."""
    return _in(prefix, f"/p/{slug}.html")


def label_url(slug: str, page: int = 0, prefix: str = "") -> str:
    return paginated(_in(prefix, f"/label/{slug}/"), page)


def label_feed_url(slug: str, prefix: str = "") -> str:
    return _in(prefix, f"/label/{slug}/feed.xml")


def label_atom_url(slug: str, prefix: str = "") -> str:
    return _in(prefix, f"/label/{slug}/atom.xml")


def label_index_url(prefix: str = "") -> str:
    return _in(prefix, "/label/")


def year_url(year: int, page: int = 0, prefix: str = "") -> str:
    return paginated(_in(prefix, f"/{year:04d}/"), page)


def month_url(year: int, month: int, page: int = 0, prefix: str = "") -> str:
    return paginated(_in(prefix, f"/{year:04d}/{month:02d}/"), page)


def archive_url(prefix: str = "") -> str:
    return _in(prefix, "/archive/")


def widgets_url(language_prefix: str) -> str:
    """The page of a language's sidebar widgets; "" is the default language."""
    return f"/{language_prefix}/widgets.html" if language_prefix else "/widgets.html"


def language_home_url(prefix: str, page: int = 0) -> str:
    return paginated(f"/{prefix}/", page)


def paginated(first_page: str, page: int) -> str:
    """Page 0 is the list's front page, the folder itself; page N is <folder>page/N.html
    (numbered from the oldest posts, see index.paginate). A file, not a folder of its own:
    thousands of folders would make every build's staging tree slower to make."""
    return f"{first_page}page/{page}.html" if page else first_page


def output_path(url: str) -> str:
    """The file (relative to the output folder) that serves a site URL."""
    path = url.lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


_SAFE = "/:?=&#%~+!$,;@()*'"
_NEEDS_QUOTING = re.compile(r"[^A-Za-z0-9._\-/:?=&#%~+!$,;@()*']")


def _quoted(text: str) -> str:
    # Most URLs need no quoting: skip urllib's quote, which is slow over thousands of links.
    return quote(text, safe=_SAFE) if _NEEDS_QUOTING.search(text) else text


def href(base_path: str, url: str) -> str:
    """A site URL as a link: base path in front, non-ASCII characters percent-encoded."""
    return _quoted(base_path.rstrip("/") + url)


def absolute(base_url: str, url: str) -> str:
    """A site URL as an absolute URL, for feeds, canonical links and sitemaps."""
    return _quoted(base_url.rstrip("/") + url)


# What a file or folder name cannot be on Windows: a site built anywhere is copied to Windows
# shares and served from them.
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"\\|?*\x00-\x1f]|[. ]$')
_WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\.|$)", re.IGNORECASE)


def windows_name_problem(rel: str) -> str | None:
    """Why a relative output path cannot exist on Windows, or None."""
    for part in rel.split("/"):
        if _WINDOWS_FORBIDDEN.search(part):
            return f"the name '{part}' holds a character Windows forbids (<>:\"\\|?*) or ends in a dot or space"
        if _WINDOWS_RESERVED.match(part):
            return f"the name '{part}' is reserved on Windows"
    return None
