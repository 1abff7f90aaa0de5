"""Interface strings (one message catalogue per language) and dates in each language (Babel/CLDR)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import yaml

from zqsite.answers import answer
from zqsite.languages import babel_locale

MESSAGES_DIR = Path(__file__).parent / "messages"

FALLBACK_LANGUAGE = "en"  # whose strings a language without a catalogue shows

# CLDR's full Japanese date runs the weekday into the date ("2024年7月15日月曜日"); Blogger's
# Japanese interface, which readers of this blog know, puts a space before it.
_FULL_DATE_PATTERNS = {"ja": "y年M月d日 EEEE"}


class Catalogue(SimpleNamespace):
    """Interface strings of one language: `t.older_posts` in templates, `t["older_posts"]` in code.

    Attributes, not a dict: in Jinja `t.copy` would otherwise find dict.copy.
    """

    def __getitem__(self, key: str) -> str:
        return getattr(self, key)

    def keys(self) -> set[str]:
        return set(vars(self))


def has_catalogue(language: str) -> bool:
    return (MESSAGES_DIR / f"{language}.yaml").is_file()


@lru_cache(maxsize=None)
def messages(language: str) -> Catalogue:
    """The catalogue of a language (English for a language without one: the configuration
    warns about it); every catalogue must have the English one's keys."""
    if language != FALLBACK_LANGUAGE and not has_catalogue(language):
        return messages(FALLBACK_LANGUAGE)
    with open(MESSAGES_DIR / f"{language}.yaml", encoding="utf-8") as handle:
        # Our own files: LibYAML's loader where PyYAML has it (ten times faster), else PyYAML's.
        entries = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if language != FALLBACK_LANGUAGE:
        missing = messages(FALLBACK_LANGUAGE).keys() - set(entries)
        if missing:
            raise ValueError(f"messages/{language}.yaml lacks {', '.join(sorted(missing))}")
    return Catalogue(**entries)


def check_catalogues() -> None:
    """Loads every shipped catalogue, so that one lacking a string fails before a page is made."""
    for path in sorted(MESSAGES_DIR.glob("*.yaml")):
        messages(path.stem)


# Babel is imported by the first question the build cache has no answer to (zqsite.answers).

@lru_cache(maxsize=4096)
def full_date(day: date, language: str) -> str:
    """"Monday, July 15, 2024" / "2024年7月15日 星期一" / "2024年7月15日 月曜日"."""
    return answer(("full_date", day.isoformat(), language), lambda: _dates().format_date(
        day, _FULL_DATE_PATTERNS.get(language, "full"), locale=babel_locale(language)))


@lru_cache(maxsize=4096)
def medium_date(moment: date, language: str) -> str:
    """"Jul 15, 2024" / "2024年7月15日"."""
    return answer(("medium_date", moment.isoformat(), language),
                  lambda: _dates().format_date(moment, "medium", locale=babel_locale(language)))


@lru_cache(maxsize=4096)
def month_name(year: int, month: int, language: str) -> str:
    """"July 2024" / "2024年7月"."""
    return answer(("month_name", year, month, language),
                  lambda: _dates().format_skeleton("yMMMM", date(year, month, 1), locale=babel_locale(language)))


@lru_cache(maxsize=1024)
def short_month(year: int, month: int, language: str) -> str:
    """The month alone, for the archive widget: "July" / "7月"."""
    return answer(("short_month", year, month, language),
                  lambda: _dates().format_date(date(year, month, 1), "LLLL", locale=babel_locale(language)))


def time_of_day(moment: datetime, language: str) -> str:
    """"9:41 PM" / "21:41". Every locale's short time pattern shows only the time of day (the
    hour, the minute and the period of the day, which is "midnight" at 00:00:00 exactly, in
    CLDR of Babel 2.x), so the answer is asked once per time of day, not once per post."""
    clock = moment.time()
    return answer(("time_of_day", clock.isoformat(), language),
                  lambda: _dates().format_time(clock, "short", locale=babel_locale(language)))


def _dates():  # noqa: ANN202
    import babel.dates

    return babel.dates
