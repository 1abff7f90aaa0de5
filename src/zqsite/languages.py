"""The languages zqsite publishes in: BCP 47 codes, their Babel locales and URL prefixes."""

from __future__ import annotations

# code -> (Babel locale, name of the language in itself)
_LANGUAGES = {
    "en": ("en", "English"),
    "zh-Hant": ("zh_Hant", "繁體中文"),
    "zh-Hans": ("zh_Hans", "简体中文"),
    "ja": ("ja", "日本語"),
}
SUPPORTED_LANGUAGES = tuple(_LANGUAGES)
_BY_LOWER = {code.lower(): code for code in _LANGUAGES}
# Common ways of writing the same languages.
_ALIASES = {"zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans",
            "en-us": "en", "en-gb": "en", "ja-jp": "ja"}


def normalise_language(text: str) -> str | None:
    """The canonical code for a language tag (`zh-hant` -> `zh-Hant`); None if unsupported."""
    key = text.strip().replace("_", "-").lower()
    return _BY_LOWER.get(key) or _ALIASES.get(key)


def babel_locale(code: str) -> str:
    return _LANGUAGES[code][0]


def native_name(code: str) -> str:
    return _LANGUAGES[code][1]


def url_prefix(code: str) -> str:
    """The folder of a language's home page: `zh-hant`, `ja`."""
    return code.lower()
