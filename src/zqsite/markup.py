"""Markdown to safe HTML (the one user of `markdown` and `nh3`).

One Markdown instance per process, reset between posts: building a new instance costs
about a third of a conversion.
"""

from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension, extra
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

# The dialect: Python-Markdown's "extra" and "sane_lists". Made here, module by module, not
# named: Markdown looks a name up among the installed entry points first, which imports
# importlib.metadata (0.02 s of a one-edit rebuild, measured on 2 December 2026). The
# modules are those "extra" names itself.
MARKDOWN_EXTENSIONS = (*extra.extensions, "sane_lists")


def _dialect() -> list[Extension]:
    return [importlib.import_module(f"markdown.extensions.{name}").makeExtension() for name in MARKDOWN_EXTENSIONS]


LIBRARY_VERSIONS = f"markdown {markdown.__version__}, nh3 {nh3.__version__}"  # both shape a converted body

# CJK ideographs, kana, CJK punctuation and full-width forms.
_CJK_CHAR = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_ANY_CJK = re.compile(f"[{_CJK_CHAR}]")
# The same ranges for one character: each regex of them took 3 ms to compile at start-up.
_CJK_RANGES = tuple(tuple(pair.split("-")) for pair in re.findall(".-.", _CJK_CHAR))


def _is_cjk(char: str) -> bool:
    return any(low <= char <= high for low, high in _CJK_RANGES)
_FENCE = re.compile(r"^\s*(```|~~~)")


class _JoinCjkLines(Preprocessor):
    """A line break between two CJK characters joins the lines with no space.

    Markdown turns a soft line break into a space, which is right between English words
    and wrong between Chinese or Japanese characters ("肇慶 市").
    """

    active = True  # False for a text without any CJK character (most posts): nothing to join

    def run(self, lines: list[str]) -> list[str]:
        if not self.active:
            return lines
        out: list[str] = []
        in_fence = False
        for line in lines:
            if _FENCE.match(line):
                in_fence = not in_fence
                out.append(line)
                continue
            if not in_fence and out and out[-1] and line and _is_cjk(out[-1][-1]) and _is_cjk(line[0]):
                out[-1] += line
            else:
                out.append(line)
        return out


@dataclass(frozen=True)
class ImageTag:
    """What an image resolver gives for a photo: the `<img>` attributes and the link around
    it (its largest size), or, for an image that cannot be shown, the text shown instead."""

    attributes: tuple[tuple[str, str], ...] = ()
    link: str = ""
    text_instead: str | None = None


@dataclass
class _References:
    """What one conversion found: images and links, as written by the editor."""

    resolve_image: Callable[[str], "str | ImageTag | None"] | None = None
    base_path: str = "/"
    missing_images: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _CollectReferences(Treeprocessor):
    """Rewrites local image sources to site URLs and records images and links."""

    def __init__(self, md: markdown.Markdown, refs: _References) -> None:
        super().__init__(md)
        self.refs = refs

    def run(self, root: etree.Element) -> None:
        parents: dict[etree.Element, etree.Element] | None = None
        for img in list(root.iter("img")):
            src = img.get("src", "")
            if not is_local_reference(src) or self.refs.resolve_image is None:
                continue
            found = self.refs.resolve_image(src)
            if found is None:
                self.refs.missing_images.append(src)
            elif isinstance(found, str):
                img.set("src", found)
                self.refs.images.append(found)
            else:
                if parents is None:
                    parents = {child: parent for parent in root.iter() for child in parent}
                _show_image(img, found, parents)
                if found.text_instead is None:
                    self.refs.images.append(img.get("src", ""))
                continue
            if img.get("loading") is None:
                img.set("loading", "lazy")
        for link in root.iter("a"):
            if link.get("class") == "photo-link":  # made above, to a variant: its address is final
                continue
            target = link.get("href", "")
            if is_local_reference(target) and not target.startswith("#"):
                self.refs.links.append(target)
                if target.startswith("/") and self.refs.base_path != "/":
                    # "/2024/07/x.html" means the site's root, which is below base_url's path.
                    link.set("href", self.refs.base_path.rstrip("/") + target)


def _show_image(img: etree.Element, tag: ImageTag, parents: dict[etree.Element, etree.Element]) -> None:
    """Sets a photo's attributes and links it to its largest size (unless it is in a link
    already); an image that cannot be shown becomes its alt text."""
    parent = parents[img]
    if tag.text_instead is not None:
        span = etree.Element("span", {"class": "image-unavailable"})
        span.text, span.tail = tag.text_instead or img.get("alt", ""), img.tail
        parent[list(parent).index(img)] = span
        return
    kept = {"alt": img.get("alt", "")}
    kept.update((name, img.get(name)) for name in ("title", "class", "id") if img.get(name) is not None)
    img.attrib.clear()
    img.attrib.update(kept)
    for name, value in tag.attributes:
        img.set(name, value)
    ancestor: etree.Element | None = parent
    while ancestor is not None and ancestor.tag != "a":
        ancestor = parents.get(ancestor)
    if tag.link and ancestor is None:
        link = etree.Element("a", {"href": tag.link, "class": "photo-link"})
        link.tail, img.tail = img.tail, None
        parent[list(parent).index(img)] = link
        link.append(img)


class _ZqsiteExtension(Extension):
    def __init__(self, refs: _References) -> None:
        super().__init__()
        self.refs = refs
        self.join_cjk = _JoinCjkLines()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.register(self.join_cjk, "zqsite_cjk", 25)
        md.treeprocessors.register(_CollectReferences(md, self.refs), "zqsite_refs", 5)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))


def is_local_reference(target: str) -> bool:
    """True for a link or image inside the site (no scheme, not protocol-relative)."""
    if not target or target.startswith("//"):
        return False
    # What urlsplit takes for a scheme (it drops leading controls and spaces, and tabs and
    # line breaks anywhere), without the rest of its parsing: this runs for every link.
    cleaned = target.lstrip(_C0_OR_SPACE).replace("\t", "").replace("\r", "").replace("\n", "")
    return not _SCHEME.match(cleaned)


@dataclass(frozen=True)
class Converted:
    html: str
    images: tuple[str, ...]
    missing_images: tuple[str, ...]
    links: tuple[str, ...]


_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes", "decoding"},
    "td": {"align", "style", "colspan", "rowspan"},
    "th": {"align", "style", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": set(),
    "iframe": {"src", "width", "height", "allowfullscreen", "loading"},
}


class MarkdownConverter:
    """Converts post bodies; reuse one instance for many posts."""

    def __init__(self, trust_html: bool = False, iframe_hosts: tuple[str, ...] = ()) -> None:
        self._refs = _References()
        self._extension = _ZqsiteExtension(self._refs)
        self._md = markdown.Markdown(extensions=[*_dialect(), self._extension], output_format="html")
        self.trust_html = trust_html
        self.iframe_hosts = frozenset(iframe_hosts)

    def convert(self, text: str, resolve_image: Callable[[str], str | ImageTag | None] | None = None,
                base_path: str = "/") -> Converted:
        refs = self._refs
        refs.resolve_image = resolve_image
        refs.base_path = base_path
        refs.images, refs.missing_images, refs.links = [], [], []
        self._md.reset()
        self._extension.join_cjk.active = _ANY_CJK.search(text) is not None
        html = self._md.convert(text)
        if not self.trust_html:
            html = self.sanitise(html)
        return Converted(html, tuple(refs.images), tuple(refs.missing_images), tuple(refs.links))

    def sanitise(self, html: str) -> str:
        """Removes scripts, event handlers, javascript: URLs and iframes from foreign hosts."""
        tags = _ALLOWED_TAGS | ({"iframe"} if self.iframe_hosts else set())
        return nh3.clean(
            html,
            tags=tags,
            attributes=_ALLOWED_ATTRIBUTES,
            # a Python call per attribute: only when some iframes are allowed
            attribute_filter=self._filter_attribute if self.iframe_hosts else None,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel=None,
            filter_style_properties={"text-align"},
        )

    def _filter_attribute(self, tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src":
            host = (urlsplit(value).hostname or "").lower()
            return value if value.startswith("https://") and host in self.iframe_hosts else None
        return value


_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def first_paragraph(html: str) -> str:
    """The first paragraph of converted HTML (inner HTML), or ""."""
    match = _FIRST_PARAGRAPH.search(html)
    return match.group(1) if match else ""


def strip_tags(html: str) -> str:
    import html as html_lib

    return html_lib.unescape(_TAG.sub("", html)).strip()
