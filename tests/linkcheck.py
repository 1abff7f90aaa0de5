"""A link checker for a built site: every reference from every HTML page that points into the
site must resolve to a file of the output folder; links to other sites are collected, not fetched.

    report = check_site(output_dir, base_url="https://example.org/blog/")
    report.broken        # [BrokenLink(page, attribute, value, reason)]
    report.external      # {url: (page, ...)}: links to other sites
    report.assert_ok()   # AssertionError listing every broken link

Also `external_loads(output_dir, base_url)`: what a page would load from another host (scripts,
images, stylesheets, icons, preloads, frames, CSS url()/@import), which a site that promises
"nothing loads from other hosts" must not have. A plain <a href> to another site is not a load.

Rules: attributes href, src, srcset (every candidate) and poster; references are resolved
against the page's own URL (and its <base href>, if any); the path is percent-decoded and the
site's base path stripped; a path ending in "/" means its index.html; a fragment must name an
id (or <a name>) of the target page. Only the standard library and lxml.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

URL_ATTRIBUTES = ("href", "src", "srcset", "poster")
# Schemes that are not a page or a file of any site.
IGNORED_SCHEMES = {"mailto", "tel", "sms", "javascript", "data", "blob", "about", "geo", "callto", "whatsapp",
                   "weixin", "skype"}
# <link rel=…> values that make a browser fetch something.
LOADING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon",
                "preload", "prefetch", "modulepreload", "prerender", "preconnect", "dns-prefetch", "manifest"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.IGNORECASE)


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the page's path in the output folder, e.g. "2024/07/index.html"
    attribute: str  # "href", "src", …
    value: str  # the reference as written
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.attribute}={self.value!r}: {self.reason}"


@dataclass
class LinkReport:
    pages: int = 0
    checked: int = 0  # internal references checked
    broken: list[BrokenLink] = field(default_factory=list)
    external: dict[str, tuple[str, ...]] = field(default_factory=dict)  # url -> pages that link to it

    def assert_ok(self) -> None:
        if self.broken:
            shown = "\n".join(str(b) for b in self.broken[:100])
            more = f"\n… and {len(self.broken) - 100} more" if len(self.broken) > 100 else ""
            raise AssertionError(f"{len(self.broken)} broken links in {self.pages} pages:\n{shown}{more}")


@dataclass(frozen=True)
class ExternalLoad:
    page: str
    element: str  # e.g. 'img src', 'link rel=stylesheet', 'style url()'
    url: str

    def __str__(self) -> str:
        return f"{self.page}: {self.element} {self.url}"


class Site:
    """The output folder seen from its base URL: which site URLs are files of it."""

    def __init__(self, output: Path, base_url: str) -> None:
        self.output = Path(output).resolve()
        parts = urlsplit(base_url)
        self.scheme = parts.scheme.lower()
        self.host = parts.netloc.lower()
        self.base_path = parts.path if parts.path.endswith("/") else (parts.path or "") + "/"
        self.base_url = f"{self.scheme}://{self.host}{self.base_path}"
        self._ids: dict[Path, set[str]] = {}

    def page_url(self, path: Path) -> str:
        """The absolute URL a page of the output is served at (…/index.html -> …/)."""
        rel = path.resolve().relative_to(self.output).as_posix()
        if rel == "index.html":
            rel = ""
        elif rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.base_url + rel

    def is_same_host(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https", "") and parts.netloc.lower() == self.host

    def resolve(self, absolute_url: str) -> tuple[Path | None, str]:
        """The file serving a URL of this host, or (None, why not)."""
        path = unquote(urlsplit(absolute_url).path)
        if not path.startswith(self.base_path):
            return None, f"outside the site's base path {self.base_path}"
        rel = path[len(self.base_path):]
        normal = posixpath.normpath("/" + rel)
        if normal.startswith("/.."):
            return None, "leaves the output folder"
        rel_file = rel + "index.html" if rel == "" or rel.endswith("/") else rel
        target = self.output / rel_file
        try:
            target.resolve().relative_to(self.output)
        except ValueError:
            return None, "leaves the output folder"
        if target.is_file():
            return target, ""
        if target.is_dir():
            return None, "is a folder: the link needs a trailing '/'"
        return None, f"no file {rel_file} in the output"

    def anchors(self, page: Path) -> set[str]:
        found = self._ids.get(page)
        if found is None:
            doc = parse(page)
            found = {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")}
            found |= {e.get("name") for e in doc.iter("a") if e.get("name")}
            self._ids[page] = found
        return found


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(Path(path).read_bytes())


def html_pages(output: Path) -> list[Path]:
    return sorted(p for p in Path(output).rglob("*.html") if p.is_file())


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset: comma-separated candidates "url [descriptor]"."""
    urls = []
    for candidate in value.split(","):
        candidate = candidate.strip()
        if candidate:
            urls.append(candidate.split()[0])
    return urls


def references(doc: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, str, str]]:
    """(element, attribute, reference) for every URL-valued attribute of a page."""
    found = []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in URL_ATTRIBUTES:
            value = element.get(attribute)
            if value is None:
                continue
            values = srcset_urls(value) if attribute == "srcset" else [value.strip()]
            found += [(element, attribute, v) for v in values]
    return found


def _page_base(doc: lxml.html.HtmlElement, page_url: str) -> str:
    base = doc.find(".//head/base[@href]")
    return urljoin(page_url, base.get("href").strip()) if base is not None else page_url


def _scheme(reference: str) -> str:
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", reference)
    return match.group(1).lower() if match else ""


def check_site(output: Path, base_url: str) -> LinkReport:
    """Checks every href/src/srcset/poster of every HTML file of `output` (see the module doc)."""
    site = Site(output, base_url)
    report = LinkReport()
    external: dict[str, set[str]] = {}
    for page in html_pages(site.output):
        report.pages += 1
        page_name = page.relative_to(site.output).as_posix()
        doc = parse(page)
        base = _page_base(doc, site.page_url(page))
        for element, attribute, value in references(doc):
            if value == "" and attribute != "href":
                report.broken.append(BrokenLink(page_name, attribute, value, "empty URL"))
                continue
            scheme = _scheme(value)
            if scheme in IGNORED_SCHEMES:
                continue
            absolute = urljoin(base, value)
            if scheme not in ("", "http", "https") or not site.is_same_host(absolute):
                if scheme in ("", "http", "https") and not urlsplit(absolute).netloc:
                    report.broken.append(BrokenLink(page_name, attribute, value, "not a URL"))
                else:
                    external.setdefault(absolute, set()).add(page_name)
                continue
            report.checked += 1
            target, why = site.resolve(absolute)
            if target is None:
                report.broken.append(BrokenLink(page_name, attribute, value, why))
                continue
            fragment = unquote(urlsplit(absolute).fragment)
            if fragment and target.suffix == ".html" and fragment not in site.anchors(target):
                report.broken.append(BrokenLink(page_name, attribute, value,
                                                f"no id {fragment!r} on {target.relative_to(site.output).as_posix()}"))
    report.external = {url: tuple(sorted(pages)) for url, pages in sorted(external.items())}
    return report


def _is_external(url: str, page_url: str, site: Site) -> bool:
    url = url.strip()
    if not url or _scheme(url) in IGNORED_SCHEMES:
        return False
    return not site.is_same_host(urljoin(page_url, url))


def _css_urls(text: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in _CSS_URL.finditer(text) if (m.group(2) or m.group(4))]


def external_loads(output: Path, base_url: str) -> list[ExternalLoad]:
    """Everything a page of the site (or one of its stylesheets) would load from another host."""
    site = Site(output, base_url)
    found: list[ExternalLoad] = []
    for page in html_pages(site.output):
        page_name = page.relative_to(site.output).as_posix()
        doc = parse(page)
        page_url = _page_base(doc, site.page_url(page))
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower()
            for attribute in ("src", "srcset", "poster", "data"):
                value = element.get(attribute)
                if value is None or (attribute == "data" and tag != "object"):
                    continue
                for url in srcset_urls(value) if attribute == "srcset" else [value]:
                    if _is_external(url, page_url, site):
                        found.append(ExternalLoad(page_name, f"{tag} {attribute}", url))
            if tag == "link" and element.get("href"):
                rels = set((element.get("rel") or "").lower().split())
                if rels & LOADING_RELS and _is_external(element.get("href"), page_url, site):
                    found.append(ExternalLoad(page_name, f"link rel={' '.join(sorted(rels))}", element.get("href")))
            if tag == "style" and element.text:
                found += [ExternalLoad(page_name, "style url()", u) for u in _css_urls(element.text)
                          if _is_external(u, page_url, site)]
            if element.get("style"):
                found += [ExternalLoad(page_name, f"{tag} style url()", u) for u in _css_urls(element.get("style"))
                          if _is_external(u, page_url, site)]
    for sheet in sorted(site.output.rglob("*.css")):
        rel = sheet.relative_to(site.output).as_posix()
        if rel.startswith("pagefind/"):
            continue  # Pagefind's own UI styles: no page of the site links them
        sheet_url = site.base_url + rel
        found += [ExternalLoad(rel, "css url()", u) for u in _css_urls(sheet.read_text(encoding="utf-8", errors="replace"))
                  if _is_external(u, sheet_url, site)]
    return found
