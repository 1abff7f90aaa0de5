"""Helpers for tests: write small content folders, build them, and read the built HTML.

Nothing here knows about a particular test; `conftest.py` turns these into fixtures.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import lxml.html

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# "Now" for every build in the tests: later than every dated post they write.
FIXED_NOW = datetime(2025, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

BASE_URL = "https://zq.example.org/"

# Used when a test does not give its own configuration, so that no test depends on the
# project's own site.yaml.
DEFAULT_CONFIG = f"""\
title: "Test Blog"
description: "A blog built by the tests"
base_url: "{BASE_URL}"
default_language: en
timezone: Asia/Shanghai
posts_per_page: 10
feed_size: 20
listing: full
"""


@dataclass(frozen=True)
class Site:
    """The paths of a test site: content folder, configuration file (or None) and output."""

    root: Path
    content: Path
    config: Path | None
    output: Path

    def out(self, url: str) -> Path:
        """The output file that serves a site URL ("/" -> index.html, "/a/" -> a/index.html)."""
        return site_file(self.output, url)

    def html(self, url: str) -> lxml.html.HtmlElement:
        return parse_html(self.out(url))


def make_site(tmp_path: Path, posts: Mapping[str, str] | None = None, pages: Mapping[str, str] | None = None,
              contacts: str | None = None, labels: str | None = None, config: str | None = DEFAULT_CONFIG,
              files: Mapping[str, bytes] | None = None) -> Site:
    """Writes a content folder below tmp_path; `config=None` writes no site.yaml at all."""
    root = Path(tmp_path)
    content = root / "content"
    (content / "posts").mkdir(parents=True, exist_ok=True)
    for name, text in (posts or {}).items():
        _write(content / "posts" / name, text.encode("utf-8"))
    if pages:
        (content / "pages").mkdir(exist_ok=True)
        for name, text in pages.items():
            _write(content / "pages" / name, text.encode("utf-8"))
    if contacts is not None:
        _write(content / "contacts.yaml", contacts.encode("utf-8"))
    if labels is not None:
        _write(content / "labels.yaml", labels.encode("utf-8"))
    for name, data in (files or {}).items():
        _write(content / name, data)
    config_path = None
    if config is not None:
        config_path = root / "site.yaml"
        _write(config_path, config.encode("utf-8"))
    return Site(root=root, content=content, config=config_path, output=root / "public")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _yaml_value(value: Any, indent: int) -> str:
    """A YAML rendering of a front-matter value; strings are JSON-quoted (valid YAML)."""
    pad = " " * indent
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "".join(f"\n{pad}  {k}: {_yaml_value(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "".join(f"\n{pad}  -{_list_item(v, indent + 4)}" for v in value)
    raise TypeError(f"cannot write {value!r} as front matter")


def _list_item(value: Any, indent: int) -> str:
    if isinstance(value, Mapping):
        pad = " " * indent
        lines = [f"{k}: {_yaml_value(v, indent)}" for k, v in value.items()]
        return " " + f"\n{pad}".join(lines)
    return " " + _yaml_value(value, indent)


def post(title: str, date: str | datetime, labels: Iterable[str] = (), language: str | None = None,
         contacts: Iterable[str | Mapping[str, str]] = (), slug: str | None = None,
         body: str | None = None, **extra: Any) -> str:
    """The text of a post file: YAML front matter, then the Markdown body."""
    front: dict[str, Any] = {"title": title, "date": date if isinstance(date, datetime) else str(date)}
    if slug is not None:
        front["slug"] = slug
    front["labels"] = list(labels)
    if language is not None:
        front["language"] = language
    contacts = list(contacts)
    if contacts:
        front["contacts"] = contacts
    front.update(extra)
    lines = ["---"]
    for key, value in front.items():
        if key == "date" and isinstance(value, str):
            lines.append(f"date: {value}")  # as an editor writes it, unquoted
        else:
            lines.append(f"{key}: {_yaml_value(value, 0)}")
    lines.append("---")
    if body is None:
        body = f"First paragraph about {title}.\n\nSecond paragraph with more detail."
    return "\n".join(lines) + "\n\n" + body + "\n"


def sihui_posts(count: int, years: int, topics: int, labels: Iterable[str] = (), body: str = ".") -> dict[str, str]:
    """`count` posts spread over `years` years from 2020, each labelled dasha, one of `topics`
    topics and `labels`; every fourth names the contact "sihui". `body` ends the first paragraph."""
    return {f"{2020 + i % years}/p{i:03d}.md": post(
        f"Post {i} from Sihui", f"{2020 + i % years}-{1 + i % 12:02d}-{1 + i % 28:02d}T08:{i % 60:02d}:00+08:00",
        labels=["dasha", f"topic-{i % topics}", *labels], contacts=["sihui"] if i % 4 == 0 else [],
        body=f"Paragraph of post {i}{body}\n\n## Heading\n\nMore words.") for i in range(count)}


def page(title: str, slug: str | None = None, body: str = "Page text.", **extra: Any) -> str:
    """The text of a standalone page file."""
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if slug is not None:
        lines.append(f"slug: {slug}")
    for key, value in extra.items():
        lines.append(f"{key}: {_yaml_value(value, 0)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body + "\n"


def build(site: Site, **options: Any):  # noqa: ANN201 (a BuildReport)
    """Builds the site with zqsite's public entry point; templates and static are the project's."""
    from zqsite.pipeline import BuildOptions, build_site

    options.setdefault("now", FIXED_NOW)
    options.setdefault("config_path", site.config)
    return build_site(BuildOptions(content_dir=site.content, output_dir=site.output, **options))


# --- images, made with Pillow ------------------------------------------------------------

def image_bytes(width: int, height: int, fmt: str = "JPEG", color=(40, 120, 60), **save: Any) -> bytes:  # noqa: ANN001
    """A plain image file: one colour with a lighter square in the top-left corner (so that
    a turned copy can be told apart)."""
    from PIL import Image

    mode = "RGBA" if fmt == "PNG" and len(color) == 4 else "RGB"
    image = Image.new(mode, (width, height), color)
    image.paste((240, 240, 240) if mode == "RGB" else (240, 240, 240, 255), (0, 0, max(1, width // 4), max(1, height // 4)))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def photo_bytes(width: int, height: int, seed: int = 0, quality: int = 90) -> bytes:
    """A JPEG with what makes a camera photo cost bytes: a sky-to-ground gradient, 160 shapes
    of every size with hard edges, and light and shade at every scale (noise drawn at a few
    resolutions and enlarged). Its 800 px variant takes about 1.8 bits per pixel at quality
    82, the detailed end of news photos (a flat test image would make every size look cheap)."""
    import random

    from PIL import Image, ImageChops, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 8):
        t = y / height
        draw.rectangle((0, y, width, y + 8), fill=(int(90 + 120 * t), int(140 + 60 * t), int(200 - 120 * t)))
    for _ in range(160):
        w, h = int(width * rng.uniform(0.01, 0.3)), int(height * rng.uniform(0.01, 0.3))
        x, y = rng.randrange(0, width), rng.randrange(height // 4, height)
        shape = draw.rectangle if rng.random() < 0.6 else draw.ellipse
        shape((x, y, x + w, y + h), fill=tuple(rng.randrange(0, 256) for _ in range(3)))
    texture = Image.new("L", (width, height), 128)
    for scale, sigma in ((40, 40), (160, 16), (640, 8), (2560, 3)):
        noise = Image.effect_noise((scale, max(2, scale * height // width)), sigma)
        texture = ImageChops.add(texture, noise.resize((width, height), Image.Resampling.BICUBIC), offset=-128)
    image = ImageChops.add(image, Image.merge("RGB", (texture,) * 3), offset=-128)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


# --- reading the output ---------------------------------------------------------------------

def site_file(output: Path, url: str) -> Path:
    path = unquote(urlsplit(url).path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return output / path


def parse_html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(Path(path).read_bytes())


def has_class(name: str) -> str:
    """An XPath predicate body: the element has the class token `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def entries(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return doc.xpath(f"//article[{has_class('h-entry')}]")


def entry_title(entry: lxml.html.HtmlElement) -> str:
    """The post title of an h-entry (not the p-name of a contact card inside it)."""
    names = entry.xpath(f"./header//*[{has_class('p-name')}]")
    assert len(names) == 1, "an h-entry has exactly one post title"
    return text(names[0])


def entry_titles(doc: lxml.html.HtmlElement) -> list[str]:
    """Titles of the h-entries of a page, in page order."""
    return [entry_title(e) for e in entries(doc)]


def date_headers(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return doc.xpath(f"//*[{has_class('date-header')}]")


def date_header_texts(doc: lxml.html.HtmlElement) -> list[str]:
    return [text(h) for h in date_headers(doc)]


def grouped_titles(doc: lxml.html.HtmlElement) -> list[tuple[str, list[str]]]:
    """(date header, titles of the h-entries under it) for each date header of a listing."""
    groups = []
    for header in date_headers(doc):
        section = header.getparent()
        groups.append((text(header), [entry_title(e) for e in section.xpath(f".//article[{has_class('h-entry')}]")]))
    return groups


def link_href(doc: lxml.html.HtmlElement, css_class: str) -> str | None:
    """The href of the one link with this class (pager-older, pager-newer, …), or None."""
    found = doc.xpath(f"//a[{has_class(css_class)}]")
    assert len(found) <= 1, f"more than one a.{css_class}"
    return found[0].get("href") if found else None


def older_href(doc: lxml.html.HtmlElement) -> str | None:
    return link_href(doc, "pager-older")


def newer_href(doc: lxml.html.HtmlElement) -> str | None:
    return link_href(doc, "pager-newer")


def walk_listing(site: Site, first_url: str, limit: int = 50) -> list[list[str]]:
    """Titles on each page of a paginated listing, following the "Older posts" links."""
    pages = []
    url: str | None = first_url
    while url is not None:
        assert len(pages) < limit, "the Older posts links go round in a circle"
        doc = site.html(url)
        pages.append(entry_titles(doc))
        url = older_href(doc)
    return pages


def html_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def is_redirect_stub(doc: lxml.html.HtmlElement) -> bool:
    """A page that only sends the visitor on (an old Blogger address): <meta http-equiv=refresh>."""
    return bool(doc.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']"))


def site_pages(output: Path) -> list[Path]:
    """The HTML pages of the site proper: every HTML file but redirect stubs."""
    return [path for path in html_files(output) if not is_redirect_stub(parse_html(path))]


def internal_references(doc: lxml.html.HtmlElement) -> list[str]:
    """Every href and src of a page that points inside the site (starts with one "/")."""
    found = []
    for element in doc.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value and value.startswith("/") and not value.startswith("//"):
                found.append(value)
    return found


def broken_links(output: Path, base_path: str = "/") -> list[tuple[str, str]]:
    """(page, link) for every internal href/src whose target file is missing from the output."""
    broken = []
    for path in html_files(output):
        doc = parse_html(path)
        for reference in internal_references(doc):
            target = urlsplit(reference).path
            if base_path != "/" and target.startswith(base_path):
                target = "/" + target[len(base_path):]
            if not site_file(output, target).is_file():
                broken.append((path.relative_to(output).as_posix(), reference))
    return broken
