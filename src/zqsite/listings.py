"""The plan's nouns (PageSpec, FeedSpec, FileSpec) and the pages of a paginated list of posts. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

from markupsafe import Markup

from zqsite import i18n, urls
from zqsite.config import SiteConfig
from zqsite.index import paginate
from zqsite.languages import native_name, og_locale
from zqsite.models import Post
from zqsite.views import Entry, Link, ViewMaker


class PageSpec:
    """One HTML page to render: its URL, its template and the values the template shows.

    `inputs`, `shows` (the URLs of the posts whose content the page shows) and `links` (the
    URLs of posts it links by their titles alone: a post page's neighbours, the archive's
    entries) describe everything particular to the page: the build compares their fingerprint
    with the last build's and renders only pages that changed. The context itself is built only
    when the page is rendered. `inputs=None`: a page given its context at once, which is its input.

    `alternates`: the page's language versions for the sitemap, (hreflang, absolute URL)
    with x-default last; the template gets them through the context.
    """

    __slots__ = ("url", "template", "language", "inputs", "shows", "links", "indexable", "alternates", "_make",
                 "_context")

    def __init__(self, url: str, template: str, language: str, context: dict[str, Any] | None = None, *,
                 make: Callable[[], dict[str, Any]] | None = None, inputs: tuple | None = None,
                 shows: tuple[str, ...] = (), links: tuple[str, ...] = (), indexable: bool = True,
                 alternates: tuple[tuple[str, str], ...] = ()) -> None:
        self.url, self.template, self.language = url, template, language
        self.inputs, self.shows, self.links, self.indexable, self.alternates = inputs, shows, links, indexable, alternates
        self._make, self._context = make, context

    @property
    def context(self) -> dict[str, Any]:
        """The values the template shows; a page's lazily made values are made anew each time
        and not kept (pages are rendered once, and 15,000 kept contexts would take hundreds
        of megabytes)."""
        if self._context is not None:
            return self._context
        assert self._make is not None
        return self._make()

    def __repr__(self) -> str:
        return f"PageSpec({self.url!r}, {self.template!r})"


@dataclass(frozen=True)
class LanguageVersions:
    """The versions of one page in the site's languages: hreflang links (to each other, with
    x-default) and the visible "Also in" links to the others."""

    alternates: tuple[tuple[str, str], ...] = ()  # (language, absolute URL), switcher order
    x_default: str = ""
    links: tuple[Link, ...] = ()

    @property
    def for_sitemap(self) -> tuple[tuple[str, str], ...]:
        return self.alternates + ((("x-default", self.x_default),) if self.x_default else ())

    def context(self) -> dict[str, Any]:
        return {"alternates": self.alternates, "x_default": self.x_default, "versions": self.links}


NO_VERSIONS = LanguageVersions()


def language_versions(views: ViewMaker, default_language: str, language: str,
                      url_of: dict[str, str]) -> LanguageVersions:
    """The versions of a page in `language`, given each language's URL of it (switcher order);
    x-default is the default language's, else the first."""
    if len(url_of) < 2:
        return NO_VERSIONS
    return LanguageVersions(
        tuple((code, views.absolute(url)) for code, url in url_of.items()),
        views.absolute(url_of.get(default_language) or next(iter(url_of.values()))),
        tuple(Link(native_name(code), views.href(url), lang=code) for code, url in url_of.items() if code != language))


@dataclass(frozen=True)
class FeedSpec:
    """One feed: RSS or Atom, of `posts` (newest first), found at `url`."""

    url: str
    kind: str  # "rss" or "atom"
    title: str
    language: str
    link_url: str  # the HTML page the feed belongs to
    posts: tuple[Post, ...]


@dataclass(frozen=True)
class FileSpec:
    """A file that is neither page nor feed (vCard, sitemap.xml, robots.txt, redirect maps):
    `make` gives its bytes, and is called only when `inputs` changed since the last build."""

    url: str
    inputs: tuple
    make: Callable[[], bytes]


@dataclass(frozen=True)
class DayGroup:
    """The posts of one day under one Blogger-style date header."""

    date_iso: str
    date_text: str
    entries: tuple[Entry, ...]  # the renderer swaps in each entry's HTML, rendered once per post


@dataclass(frozen=True)
class Meta:
    """What link previews (Open Graph, Twitter) and search engines read about a page."""

    description: str
    og_type: str  # "website" or "article"
    locale: str
    image: str = ""  # absolute URL of the first image, if any
    json_ld: Markup = Markup("")
    image_width: int = 0  # of `image`, when known (a photo's preview variant)
    image_height: int = 0


def make_meta(config: SiteConfig, language: str, description: str, *, og_type: str = "website", image: str = "",
              json_ld: Markup = Markup(""), image_size: tuple[int, int] = (0, 0)) -> Meta:
    text = description or config.description
    if len(text) > 300:  # previews show about 200 characters; cut at a word
        text = text[:297].rsplit(" ", 1)[0] + "…"
    return Meta(text, og_type, og_locale(language), image, json_ld, *image_size)


def listing(views: ViewMaker, posts: Sequence[Post], first_url: str, language: str, config: SiteConfig,
            full: bool, *, kind: str, title: str, heading: str, show_all: str = "",
            feed_url: str = "", keep_empty: bool = False, versions: LanguageVersions = NO_VERSIONS,
            wanted: Callable[[str], bool] | None = None) -> list[PageSpec]:
    """The pages of one paginated list: first_url, then first_url/page/N.html … first_url/page/1.html.

    `show_all`: the URL of the home page a "Show all posts" link goes to; `versions`: the
    list's front page in other languages (numbered pages hold other posts in each language).
    """
    chunks = paginate(posts, config.posts_per_page) or ([(0, ())] if keep_empty else [])
    words = i18n.messages(language)
    specs = []
    for position, (number, chunk) in enumerate(chunks):
        url = urls.paginated(first_url, number)
        if wanted is not None and not wanted(url):
            continue
        newer = urls.paginated(first_url, chunks[position - 1][0]) if position > 0 else ""
        older = urls.paginated(first_url, chunks[position + 1][0]) if position + 1 < len(chunks) else ""

        def make(chunk=chunk, number=number, newer=newer, older=older) -> dict:  # noqa: ANN001
            page_title = title
            if number:  # a numbered page is named by the dates of its posts, which never change
                page_title += " – " + words["date_range"].format(
                    start=i18n.medium_date(chunk[-1].date.date(), language),
                    end=i18n.medium_date(chunk[0].date.date(), language))
            return {
                "kind": kind,
                "title": page_title,
                "heading": heading,
                "show_all_href": views.href(show_all) if show_all else "",
                "days": group_by_day(views, chunk, language),
                "full_posts": full,
                "newer_href": views.href(newer) if newer else "",
                "older_href": views.href(older) if older else "",
                "feed_href": views.href(feed_url) if feed_url else "",
                "meta": make_meta(config, language, ""),
                **(versions if not number else NO_VERSIONS).context(),
            }

        shown = tuple(p.url for p in chunk)
        page_versions = versions if not number else NO_VERSIONS
        specs.append(PageSpec(url, "list.html", language, make=make, shows=shown,
                              alternates=page_versions.for_sitemap,
                              inputs=(kind, title, number, heading, show_all, full, newer, older,
                                      feed_url, versions_of(chunk, views), page_versions)))
    return specs


def versions_of(posts: Sequence[Post], views: ViewMaker) -> tuple:
    """The translation links each post shows: part of what a page shows besides the posts themselves."""
    return tuple(views.version_urls(p.url) for p in posts)


def group_by_day(views: ViewMaker, posts: Sequence[Post], language: str) -> tuple[DayGroup, ...]:
    groups: list[DayGroup] = []
    for post in posts:
        entry = views.entry(post, language)
        if groups and groups[-1].date_iso == entry.day_key:
            last = groups[-1]
            groups[-1] = DayGroup(last.date_iso, last.date_text, last.entries + (entry,))
        else:
            day = date.fromisoformat(entry.day_key)
            groups.append(DayGroup(entry.day_key, i18n.full_date(day, language), (entry,)))
    return tuple(groups)


def feeds(posts: Sequence[Post], rss_url: str, atom_url: str, title: str, language: str, link_url: str,
           config: SiteConfig) -> list[FeedSpec]:
    newest = tuple(posts[: config.feed_size])
    return [FeedSpec(rss_url, "rss", title, language, link_url, newest),
            FeedSpec(atom_url, "atom", title, language, link_url, newest)]
