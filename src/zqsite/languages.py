"""Languages: BCP 47 tags as editors write them -> canonical codes, and what each code needs
(Babel locale, name in itself, text direction, URL prefix). Any language CLDR knows works."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from zqsite.answers import answer

if TYPE_CHECKING:  # Babel is imported when a language is looked up: a build with nothing to do needs none
    from babel import Locale

# The languages a site publishes unless its `languages` setting says otherwise (switcher order).
DEFAULT_LANGUAGES = ("en", "zh-Hant", "zh-Hans", "ja")
# A bare `zh` names no script; CLDR's likely script for it (that of mainland China, Zhaoqing's).
DEFAULT_CHINESE_SCRIPT = "zh-Hans"
CHINESE_SCRIPTS = ("zh-Hans", "zh-Hant")
SUPPORTED_LANGUAGES = DEFAULT_LANGUAGES  # the ones with a message catalogue from the start

# language, optional script, optional region (ISO 3166 or UN M.49); no variants or extensions
_TAG = re.compile(r"^([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|[0-9]{3}))?$", re.IGNORECASE)
_TRADITIONAL_REGIONS = {"TW", "HK", "MO"}
# CLDR calls these "中文 (繁體)"; readers (and Blogger) call them so:
_NATIVE_NAMES = {"zh-Hant": "繁體中文", "zh-Hans": "简体中文"}
# Open Graph wants language_TERRITORY; for Chinese the territory tells the script.
_OG_LOCALES = {"en": "en_US", "zh-Hant": "zh_TW", "zh-Hans": "zh_CN", "ja": "ja_JP"}


def normalise_language(text: str, chinese_script: str = DEFAULT_CHINESE_SCRIPT) -> str | None:
    """The canonical code of a BCP 47 tag, or None if it is none (or CLDR does not know it).

    zqsite publishes one version per language (and script), so a region is dropped: `en-US`,
    `en-GB` -> `en`, `ja-JP` -> `ja`. For Chinese the region tells the script: `zh-CN`,
    `zh-SG` -> `zh-Hans`, `zh-TW`, `zh-HK`, `zh-MO` -> `zh-Hant`; a bare `zh` is `chinese_script`.
    """
    match = _TAG.match(text.strip().replace("_", "-"))
    if match is None:
        return None
    language, script, region = match.group(1).lower(), match.group(2), match.group(3)
    script = script.title() if script else ""
    if language == "zh" and not script:
        if region:
            script = "Hant" if region.upper() in _TRADITIONAL_REGIONS else "Hans"
        else:
            return chinese_script
    code = f"{language}-{script}" if script else language
    return code if answer(("exists", code), lambda: _locale_exists(code)) else None


def _locale_exists(code: str) -> bool:
    from babel import localedata

    return localedata.exists(babel_locale(code))


def babel_locale(code: str) -> str:
    return code.replace("-", "_")


@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
    from babel import Locale

    return Locale.parse(babel_locale(code))


@lru_cache(maxsize=None)
def native_name(code: str) -> str:
    """The language's name in itself: "日本語", "한국어", "العربية"."""
    found = _NATIVE_NAMES.get(code)
    if found is None:
        name = answer(("native_name", code), lambda: _locale(code).get_display_name() or code)
        found = name[:1].upper() + name[1:]  # CLDR writes some in lower case ("français")
    return found


@lru_cache(maxsize=None)
def text_direction(code: str) -> str:
    """"rtl" for a language written right to left (Arabic, Hebrew, Persian), else "ltr"."""
    return answer(("direction", code), lambda: "rtl" if _locale(code).character_order == "right-to-left" else "ltr")


@lru_cache(maxsize=None)
def og_locale(code: str) -> str:
    """The Open Graph locale: "en_US", "ko_KR" (the language's likely territory, from CLDR)."""
    found = _OG_LOCALES.get(code)
    if found is None:
        found = answer(("og_locale", code), lambda: _likely_locale(code))
    return found


def _likely_locale(code: str) -> str:
    from babel.core import get_global

    subtags = get_global("likely_subtags")
    likely = subtags.get(babel_locale(code)) or subtags.get(code.split("-")[0]) or code
    parts = likely.split("_")
    territory = next((p for p in parts[1:] if len(p) in (2, 3) and not p.istitle()), "")
    return f"{parts[0]}_{territory}" if territory else parts[0]


def url_prefix(code: str) -> str:
    """The folder of a language's pages: `zh-hant`, `ja`."""
    return code.lower()
