"""The site configuration: one documented set of settings, loaded and validated once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zqsite.characters import clean_value
from zqsite.errors import Problems
from zqsite.frontmatter import SourceText, check_keys, decode_source
from zqsite.i18n import has_catalogue
from zqsite.languages import CHINESE_SCRIPTS, DEFAULT_CHINESE_SCRIPT, DEFAULT_LANGUAGES, normalise_language
from zqsite.yamlsource import Mapping, Scalar, Sequence, YamlProblem, parse_bool, parse_yaml



@dataclass(frozen=True)
class SiteConfig:
    """Every setting of a site, with its default. `site.yaml` may set any of them."""

    title: str = "zqsite blog"
    description: str = ""
    base_url: str = "http://localhost:8000/"  # absolute; ends with "/"
    default_language: str = "en"
    languages: tuple[str, ...] = DEFAULT_LANGUAGES  # published, in the language switcher's order
    chinese_script: str = DEFAULT_CHINESE_SCRIPT  # what a bare `zh` means: zh-Hans or zh-Hant
    timezone: str = "Asia/Shanghai"
    posts_per_page: int = 10
    feed_size: int = 20
    listing: str = "full"  # "full" posts on listing pages, or "summary" with a Read more link
    author: str = ""
    trust_html: bool = False  # True: raw HTML in posts is published unsanitised
    iframe_hosts: tuple[str, ...] = ()
    search: bool = True  # build the Pagefind search index
    publish_target: str = ""  # publish.target: the rclone remote path `publish` uploads to
    image_widths: tuple[int, ...] = (480, 800, 1200, 1600)  # photos are published in these widths (px)
    image_quality: int = 82  # JPEG and WebP quality of the published photos
    search_bundle_posts: int = 200  # posts in a search bundle at most (see search.py); 0: one per language
    # Where the settings were read from, as typed (for messages): not a setting, so not in the
    # repr that page fingerprints hash (a relative --config would otherwise re-render every page).
    source_path: str | None = field(default=None, compare=False, repr=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url ("/" or "/blog/"): every site URL starts with it."""
        return urlsplit(self.base_url).path or "/"


_TEXT_KEYS = ("title", "description", "author")
_KNOWN_KEYS = (
    *_TEXT_KEYS, "base_url", "default_language", "languages", "chinese_script", "timezone", "posts_per_page",
    "feed_size", "listing", "trust_html", "iframe_hosts", "search", "search_bundle_posts", "publish",
    "image_widths", "image_quality",
)
MAX_IMAGE_WIDTH = 2048  # zqsite.images.MAX_WIDTH: wider variants are never published


def load_config(path: Path | None, display_path: str | None = None) -> tuple[SiteConfig, Problems]:
    """Read and validate a configuration file (None: the defaults); every problem is collected."""
    problems = Problems()
    if path is None:
        return SiteConfig(), problems
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.error(shown, None, "configuration file not found")
        return SiteConfig(), problems
    source = decode_source(shown, data, problems) if data.strip() else SourceText(shown, "")
    if source is None:
        return SiteConfig(), problems
    text = source.text
    try:
        root = parse_yaml(text)
    except YamlProblem as exc:
        problems.error(shown, exc.line, exc.message)
        return SiteConfig(), problems
    if root is None:
        return SiteConfig(source_path=shown), problems
    if not isinstance(root, Mapping):
        problems.error(shown, root.line, "the configuration must be a mapping of settings (key: value)")
        return SiteConfig(), problems

    root = clean_value(root, shown, problems)  # what YAML's escapes wrote
    values: dict[str, object] = {}
    check_keys(shown, root, _KNOWN_KEYS, {}, problems, what="setting")
    # Read first: the other language settings may name a bare `zh`.
    script_line, script_value = root.entries.get("chinese_script", (None, None))
    script = _parse_setting("chinese_script", script_value, problems, shown, script_line) if script_value else None
    chinese_script = script or DEFAULT_CHINESE_SCRIPT
    if script:
        values["chinese_script"] = script
    for key, (line, value) in root.entries.items():
        if key not in _KNOWN_KEYS or key == "chinese_script":
            continue
        parsed = _parse_setting(key, value, problems, shown, line, chinese_script)
        if parsed is not None:
            values["publish_target" if key == "publish" else key] = parsed
    _check_languages(values, root, problems, shown)
    return SiteConfig(source_path=shown, **values), problems


def _check_languages(values: dict[str, object], root: Mapping, problems: Problems, path: str) -> None:
    """The default language is published (first, when `languages` is not set), and every
    published language without a message catalogue gets one warning."""
    default = values.get("default_language", SiteConfig.default_language)
    languages = values.get("languages")
    entry = root.entries.get("languages") or root.entries.get("default_language")
    line = entry[0] if entry else None
    if languages is None:
        languages = DEFAULT_LANGUAGES if default in DEFAULT_LANGUAGES else (default, *DEFAULT_LANGUAGES)
        values["languages"] = languages
    elif default not in languages:
        problems.error(path, line, f"languages: the default language {default} must be one of them")
    for code in languages:
        if not has_catalogue(code):
            problems.warning(path, line, f"languages: no message catalogue for {code} "
                             f"(src/zqsite/messages/{code}.yaml): its pages show the English interface strings")


def _parse_setting(key: str, value, problems: Problems, path: str, line: int,  # noqa: ANN001
                   chinese_script: str = DEFAULT_CHINESE_SCRIPT):
    def fail(message: str) -> None:
        problems.error(path, line, f"{key}: {message}")

    if key == "publish":
        return _parse_publish(value, problems, path)
    if key == "languages":
        items = value.items if isinstance(value, Sequence) else None
        if not items or not all(isinstance(i, Scalar) for i in items):
            fail("must be a list of language tags, such as [en, zh-Hant, ja]")
            return None
        codes = []
        for item in items:
            code = normalise_language(item.text, chinese_script)
            if code is None:
                problems.error(path, item.line, f"languages: '{item.text}' is not a language tag "
                               "zqsite knows (such as en, zh-Hant, ko)")
            elif code in codes:
                problems.error(path, item.line, f"languages: {code} is listed twice")
            else:
                codes.append(code)
        return tuple(codes) if len(codes) == len(items) else None
    if key == "iframe_hosts":
        if not isinstance(value, Sequence) or not all(isinstance(i, Scalar) for i in value.items):
            fail("must be a list of host names")
            return None
        return tuple(i.text.strip().lower() for i in value.items)
    if key == "image_widths":
        texts = [i.text.strip() for i in value.items] if isinstance(value, Sequence) and all(
            isinstance(i, Scalar) for i in value.items) else None
        if not texts or not all(t.isdigit() and 16 <= int(t) <= MAX_IMAGE_WIDTH for t in texts):
            fail(f"must be a list of widths in pixels from 16 to {MAX_IMAGE_WIDTH}, such as [480, 800, 1200, 1600]")
            return None
        return tuple(sorted({int(t) for t in texts}))
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
        code = normalise_language(text, chinese_script)
        if code is None:
            fail(f"'{text}' is not a language tag zqsite knows (such as en, zh-Hant, ko)")
        return code
    if key == "chinese_script":
        code = normalise_language(text)
        if code not in CHINESE_SCRIPTS:
            fail(f"must be zh-Hans or zh-Hant, not '{text}'")
            return None
        return code
    if key == "timezone":
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"unknown time zone '{text}' (use an IANA name such as Asia/Shanghai)")
            return None
        return text
    if key == "image_quality":
        if not text.isdigit() or not 30 <= int(text) <= 95:
            fail(f"must be a whole number from 30 to 95 (82 is a good choice), not '{text}'")
            return None
        return int(text)
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


def _parse_publish(value, problems: Problems, path: str) -> str | None:  # noqa: ANN001
    """publish: {target: REMOTE}; a target that carries a secret is refused (site.yaml is committed)."""
    from zqsite.publish.target import TargetError, parse_target

    if not isinstance(value, Mapping):
        problems.error(path, value.line, "publish: must be a mapping, e.g. publish: {target: zqsite-oss:bucket/blog}")
        return None
    check_keys(path, value, ("target",), {}, problems, what="publish setting")
    entry = value.entries.get("target")
    if entry is None:
        return None
    line, target = entry
    if not isinstance(target, Scalar):
        problems.error(path, line, "publish.target: must be a single value (an rclone remote path)")
        return None
    if not target.text.strip():
        return ""
    try:
        parse_target(target.text)
    except TargetError as exc:
        problems.error(path, line, f"publish.target: {exc}")
        return None
    return target.text.strip()
