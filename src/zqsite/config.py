"""The site configuration: one documented set of settings, loaded and validated once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zqsite.errors import Problems
from zqsite.frontmatter import check_keys
from zqsite.languages import SUPPORTED_LANGUAGES, normalise_language
from zqsite.yamlsource import Mapping, Scalar, Sequence, YamlProblem, parse_bool, parse_yaml

CONFIG_FILE_NAME = "site.yaml"


@dataclass(frozen=True)
class SiteConfig:
    """Every setting of a site, with its default. `site.yaml` may set any of them."""

    title: str = "zqsite blog"
    description: str = ""
    base_url: str = "http://localhost:8000/"  # absolute; ends with "/"
    default_language: str = "en"
    timezone: str = "Asia/Shanghai"
    posts_per_page: int = 10
    feed_size: int = 20
    listing: str = "full"  # "full" posts on listing pages, or "summary" with a Read more link
    author: str = ""
    trust_html: bool = False  # True: raw HTML in posts is published unsanitised
    iframe_hosts: tuple[str, ...] = ()
    search: bool = True  # build the Pagefind search index
    search_bundle_posts: int = 200  # posts in a search bundle at most (see search.py); 0: one per language
    source_path: str | None = field(default=None, compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url ("/" or "/blog/"): every site URL starts with it."""
        return urlsplit(self.base_url).path or "/"


_TEXT_KEYS = ("title", "description", "author")
_KNOWN_KEYS = (
    *_TEXT_KEYS, "base_url", "default_language", "timezone", "posts_per_page",
    "feed_size", "listing", "trust_html", "iframe_hosts", "search",
    "search_bundle_posts",
)


def load_config(path: Path | None, display_path: str | None = None) -> tuple[SiteConfig, Problems]:
    """Read and validate a configuration file (None: the defaults); every problem is collected."""
    problems = Problems()
    if path is None:
        return SiteConfig(), problems
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.error(shown, None, "configuration file not found")
        return SiteConfig(), problems
    except UnicodeDecodeError as exc:
        problems.error(shown, None, f"not UTF-8 text ({exc.reason})")
        return SiteConfig(), problems
    try:
        root = parse_yaml(text.replace("\r\n", "\n"))
    except YamlProblem as exc:
        problems.error(shown, exc.line, exc.message)
        return SiteConfig(), problems
    if root is None:
        return SiteConfig(source_path=shown), problems
    if not isinstance(root, Mapping):
        problems.error(shown, root.line, "the configuration must be a mapping of settings (key: value)")
        return SiteConfig(), problems

    values: dict[str, object] = {}
    check_keys(shown, root, _KNOWN_KEYS, {}, problems, what="setting")
    for key, (line, value) in root.entries.items():
        if key not in _KNOWN_KEYS:
            continue
        parsed = _parse_setting(key, value, problems, shown, line)
        if parsed is not None:
            values[key] = parsed
    return SiteConfig(source_path=shown, **values), problems


def _parse_setting(key: str, value, problems: Problems, path: str, line: int):  # noqa: ANN001
    def fail(message: str) -> None:
        problems.error(path, line, f"{key}: {message}")

    if key == "iframe_hosts":
        if not isinstance(value, Sequence) or not all(isinstance(i, Scalar) for i in value.items):
            fail("must be a list of host names")
            return None
        return tuple(i.text.strip().lower() for i in value.items)
    if not isinstance(value, Scalar):
        fail("must be a single value")
        return None
    text = value.text.strip()
    if key in _TEXT_KEYS:
        return value.text
    if key == "base_url":
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            fail(f"'{text}' is not an absolute http(s) URL such as https://example.org/")
            return None
        return text if text.endswith("/") else text + "/"
    if key == "default_language":
        code = normalise_language(text)
        if code is None:
            fail(f"unknown language '{text}'; use one of {', '.join(SUPPORTED_LANGUAGES)}")
        return code
    if key == "timezone":
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"unknown time zone '{text}' (use an IANA name such as Asia/Shanghai)")
            return None
        return text
    if key in ("posts_per_page", "feed_size"):
        if not text.isdigit() or int(text) < 1:
            fail(f"must be a whole number of at least 1, not '{text}'")
            return None
        return int(text)
    if key == "search_bundle_posts":
        if not text.isdigit():
            fail(f"must be a whole number (0: one bundle per language), not '{text}'")
            return None
        return int(text)
    if key == "listing":
        if text not in ("full", "summary"):
            fail(f"must be 'full' or 'summary', not '{text}'")
            return None
        return text
    if key in ("trust_html", "search"):
        flag = parse_bool(value)
        if flag is None:
            fail(f"must be true or false, not '{text}'")
        return flag
    raise AssertionError(key)  # every known key is handled above
