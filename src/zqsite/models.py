"""The site's nouns: declared, frozen, no I/O. The reader builds them; later stages only read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable


@dataclass(frozen=True)
class Contact:
    """A bureau or person a visitor can contact; values are kept exactly as the editor wrote them."""

    id: str
    name: str
    note: str = ""
    address: str = ""
    tel: str = ""
    fax: str = ""
    whatsapp: str = ""
    wechat: str = ""
    email: str = ""
    website: str = ""
    kind: str = "government"  # "government" (a bureau, the default), "organization" or "person"
    registered: bool = True  # from contacts.yaml (it has a page and a vCard), not written inline in a post


CONTACT_FIELDS = ("name", "note", "address", "tel", "fax", "whatsapp", "wechat", "email", "website", "kind")
CONTACT_KINDS = ("government", "organization", "person")


@dataclass(frozen=True)
class Label:
    """A label as written in posts (`key`), its URL slug and its display names per language."""

    key: str
    slug: str
    names: tuple[tuple[str, str], ...] = ()  # (language, name)

    def name(self, language: str) -> str:
        for code, name in self.names:
            if code == language:
                return name
        return self.key


@dataclass(frozen=True)
class Post:
    """One published (or draft) post, with everything later stages need already normalised."""

    source_path: str  # relative to the content folder, with "/" separators
    title: str
    date: datetime  # time-zone aware
    language: str  # canonical BCP 47 code
    slug: str
    url: str  # site path, e.g. "/2024/07/slug.html" (without the base path)
    # The converted body and summary (the `summary`, escaped, or the body's first paragraph),
    # or (a post read from the build cache) what loads them when a page shows them: most
    # builds show few posts, and 10,000 bodies are over 100 MB.
    body: str | Callable[[], str] = field(compare=False, repr=False)
    summary: str | Callable[[], str] = field(compare=False, repr=False)
    labels: tuple[str, ...] = ()  # label keys
    contacts: tuple[Contact, ...] = ()
    source: str = ""
    draft: bool = False
    translation_of: str | None = None  # slug of the original post
    images: tuple[str, ...] = ()  # links (hrefs) of the images the body shows
    preview_image: tuple[str, int, int] | tuple[()] = ()  # (site URL, width, height) for link previews
    links: tuple[tuple[str, int], ...] = ()  # local links in the body and their lines (checked once all URLs are known)
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)  # front-matter key -> line
    # A hash of everything the post was read from: same digest, same post (set by the reader).
    digest: str = field(default="", compare=False)

    @property
    def body_html(self) -> str:
        return self.body if isinstance(self.body, str) else self.body()

    @property
    def summary_html(self) -> str:
        return self.summary if isinstance(self.summary, str) else self.summary()

    @property
    def summary_text(self) -> str:
        """The summary as plain text (descriptions in feeds, link previews and structured data);
        derived, not stored: the build cache would hold every summary twice."""
        from zqsite.markup import strip_tags  # markup is the one user of Markdown; models stay plain

        return strip_tags(self.summary_html)

    def line_of(self, key: str) -> int | None:
        for name, line in self.lines:
            if name == key:
                return line
        return None


@dataclass(frozen=True)
class StandalonePage:
    """A page that is not a post (About, Contact): no date, no labels, not in feeds."""

    source_path: str
    title: str
    slug: str
    url: str  # "/p/<slug>.html"
    language: str
    body_html: str
    contacts: tuple[Contact, ...] = ()
    draft: bool = False  # published only with --drafts
    draft_line: int | None = field(default=None, compare=False)
    translation_of: str | None = None  # slug of the original page
    translation_line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Asset:
    """A file copied into the output as it is (an image of a post, a static file)."""

    url: str  # site path, e.g. "/images/plant.jpg"
    source: str  # absolute path of the file on disk


@dataclass(frozen=True)
class SiteContent:
    """Everything read from a content folder."""

    posts: tuple[Post, ...]
    pages: tuple[StandalonePage, ...]
    contacts: tuple[Contact, ...]
    labels: tuple[Label, ...]
    assets: tuple[Asset, ...]
    next_due: datetime | None = None  # the earliest date of a post held back for being in the future
    posts_read: int = 0  # posts read from their files (the others came from the build cache)
