"""Which pages and feeds exist, at which URL, showing what (pagination included). Pure: no Jinja, no disk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence
from urllib.parse import urljoin

from markupsafe import Markup

from zqsite import i18n, urls
from zqsite.config import SiteConfig
from zqsite.discovery import OG_LOCALES, SitemapEntry, blog_posting, contact_entity, json_ld, robots, sitemap
from zqsite.markup import first_paragraph, strip_tags
from zqsite.index import SiteIndex, paginate
from zqsite.languages import native_name, url_prefix
from zqsite.models import Contact, Post, StandalonePage
from zqsite.redirects import blogger_redirects, netlify_redirects, nginx_map, page_url_for, static_pages
from zqsite.search import bundle_path, search_languages
from zqsite.vcard import vcard
from zqsite.views import Entry, Link, ViewMaker


class PageSpec:
    """One HTML page to render: its URL, its template and the values the template shows.

    `inputs` and `shows` (the URLs of the posts whose content the page shows) describe
    everything particular to the page: the build compares their fingerprint with the last
    build's and renders only pages that changed. The context itself is built only when the
    page is rendered. `inputs=None`: a page given its context at once, which is its input.
    """

    __slots__ = ("url", "template", "language", "inputs", "shows", "indexable", "_make", "_context")

    def __init__(self, url: str, template: str, language: str, context: dict[str, Any] | None = None, *,
                 make: Callable[[], dict[str, Any]] | None = None, inputs: tuple | None = None,
                 shows: tuple[str, ...] = (), indexable: bool = True) -> None:
        self.url, self.template, self.language = url, template, language
        self.inputs, self.shows, self.indexable = inputs, shows, indexable
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


@dataclass(frozen=True)
class SitePlan:
    pages: tuple[PageSpec, ...]
    feeds: tuple[FeedSpec, ...]
    files: tuple[FileSpec, ...]
    languages: tuple[str, ...]  # languages that have pages (each has its own widgets page)


def plan_site(index: SiteIndex, standalone: Sequence[StandalonePage], config: SiteConfig,
              views: ViewMaker, contacts: Sequence[Contact] = (),
              wanted: Callable[[str], bool] | None = None) -> SitePlan:
    """Every page and feed of the site, in a stable order.

    `wanted(url)`: only the pages and files it accepts (every feed), when the build knows
    the others are as the last build made them; lists and post pages it rejects are not
    even described.
    """
    default = config.default_language
    pages: list[PageSpec] = []
    feeds: list[FeedSpec] = []
    words = i18n.messages(default)
    full = config.listing == "full"

    pages += _listing(views, index.listing, "/", default, config, full, kind="home",
                      title=config.title, heading="", keep_empty=True, wanted=wanted)
    feeds += _feeds(index.listing, "/feed.xml", "/atom.xml", config.title, default, "/", config)

    for code, posts in index.by_language.items():
        if code == default:
            continue
        home = urls.language_home_url(url_prefix(code))
        title = f"{config.title} ({native_name(code)})"
        pages += _listing(views, posts, home, code, config, full, kind="home", title=title, heading="",
                          wanted=wanted)
        feeds += _feeds(posts, f"{home}feed.xml", f"{home}atom.xml", title, code, home, config)

    for post in index.all_posts:
        if wanted is None or wanted(post.url):
            pages.append(_post_page(views, post, index, config))

    for label in index.labels:
        posts = index.by_label[label.key]
        name = label.name(default)
        first = urls.label_url(label.slug)
        pages += _listing(views, posts, first, default, config, full, kind="label", title=name,
                          heading=words["showing_label"].format(label=name), show_all=True,
                          feed_url=urls.label_feed_url(label.slug), wanted=wanted)
        feeds.append(FeedSpec(urls.label_feed_url(label.slug), "rss", f"{config.title}: {name}", default,
                              first, posts[: config.feed_size]))
    pages.append(PageSpec("/label/", "labels.html", default, inputs=(index.structure,), make=lambda: {
        "title": words["all_labels"],
        "labels": tuple(views.label_link(label.key, default, len(index.by_label[label.key]))
                        for label in index.labels),
        "meta": _meta(config, default, ""),
    }))

    for year in index.years:
        pages += _listing(views, year.posts, urls.year_url(year.year), default, config, full, kind="archive",
                          title=str(year.year), heading=words["showing_year"].format(year=year.year),
                          show_all=True, wanted=wanted)
        for month in year.months:
            name = i18n.month_name(month.year, month.month, default)
            pages += _listing(views, month.posts, urls.month_url(month.year, month.month), default, config,
                              full, kind="archive", title=name,
                              heading=words["showing_month"].format(month=name), show_all=True, wanted=wanted)
    pages.append(PageSpec("/archive/", "archive.html", default, inputs=(index.structure,), make=lambda: {
        "title": words["full_archive"],
        "years": _archive_tree(views, index, default, titles_everywhere=True),
        "meta": _meta(config, default, ""),
    }))

    for page in standalone:
        pages.append(PageSpec(page.url, "page.html", page.language, {
            "title": page.title,
            "body_html": Markup(page.body_html),
            "contacts": tuple(views.card(c, page.language) for c in page.contacts),
            "meta": _meta(config, page.language, strip_tags(first_paragraph(page.body_html)),
                          json_ld=_contacts_json_ld(views, page.contacts)),
        }))

    files: list[FileSpec] = []
    if contacts:
        pages.append(PageSpec("/contacts/", "contacts.html", default, {
            "title": words["contacts"],
            "contacts": tuple(views.card(c, default) for c in contacts),
            "meta": _meta(config, default, words["contact_us"], json_ld=_contacts_json_ld(views, contacts)),
        }))
        files += [FileSpec(f"/contacts/{c.id}.vcf", (c, views.absolute(f"/contacts/#contact-{c.id}")),
                           lambda c=c: vcard(c, views.absolute(f"/contacts/#contact-{c.id}")))
                  for c in contacts]
    pages.append(PageSpec("/search/", "search.html", default, {
        "title": words["search"], "meta": _meta(config, default, ""),
        "bundles": json.dumps([views.href(bundle_path(code)) for code in search_languages(index.all_posts)]),
    }, indexable=False))
    pages.append(PageSpec("/404.html", "404.html", default, {
        "title": words["not_found_title"], "meta": _meta(config, default, "")}, indexable=False))

    redirects = blogger_redirects(index)
    for redirect in static_pages(redirects):
        pages.append(PageSpec(page_url_for(redirect.old), "redirect.html", default, {
            "title": words["moved_to"].format(url=views.href(redirect.new)),
            "target_href": views.href(redirect.new), "target_absolute": views.absolute(redirect.new),
            "meta": _meta(config, default, "")}, indexable=False))
    files.append(FileSpec("/_redirects", (tuple(redirects), config.base_path),
                          lambda: netlify_redirects(redirects, config.base_path)))
    files.append(FileSpec("/nginx-redirects.conf", (tuple(redirects), config.base_path),
                          lambda: nginx_map(redirects, config.base_path)))

    languages = tuple(sorted({default, *index.by_language, *(page.language for page in standalone)}))
    for code in languages:
        pages.append(_widgets_page(views, index, code, config))
    for spec in pages:
        if spec.inputs is None:
            spec.context.setdefault("meta", _meta(config, spec.language, ""))
    # The sitemap lists the indexable pages, with the dates and language versions of posts.
    files.append(FileSpec("/sitemap.xml", (index.structure, tuple(spec.url for spec in pages if spec.indexable)),
                          lambda: sitemap(_sitemap_entries(pages, index, views))))
    files.append(FileSpec("/robots.txt", (views.absolute("/sitemap.xml"),),
                          lambda: robots(views.absolute("/sitemap.xml"))))
    if wanted is not None:
        pages = [spec for spec in pages if wanted(spec.url)]
        files = [file for file in files if wanted(file.url)]
    return SitePlan(tuple(pages), tuple(feeds), tuple(files), languages)


def _meta(config: SiteConfig, language: str, description: str, *, og_type: str = "website", image: str = "",
          json_ld: Markup = Markup(""), image_size: tuple[int, int] = (0, 0)) -> Meta:
    text = description or config.description
    if len(text) > 300:  # previews show about 200 characters; cut at a word
        text = text[:297].rsplit(" ", 1)[0] + "…"
    return Meta(text, og_type, OG_LOCALES[language], image, json_ld, *image_size)


def _contacts_json_ld(views: ViewMaker, contacts: Sequence[Contact]) -> Markup:
    if not contacts:
        return Markup("")
    return json_ld([contact_entity(c, views.absolute(f"/contacts/#contact-{c.id}")) for c in contacts])


def _sitemap_entries(pages: Sequence[PageSpec], index: SiteIndex, views: ViewMaker) -> list[SitemapEntry]:
    posts = {post.url: post for post in index.all_posts}
    entries = []
    for spec in pages:
        if not spec.indexable:
            continue
        post = posts.get(spec.url)
        alternates: tuple[tuple[str, str], ...] = ()
        lastmod = ""
        if post is not None:
            lastmod = post.date.isoformat()
            versions = index.versions.get(post.url, ())
            if len(versions) > 1:
                alternates = tuple((p.language, views.absolute(p.url)) for p in versions)
                alternates += (("x-default", views.absolute(versions[0].url)),)
        entries.append(SitemapEntry(views.absolute(spec.url), lastmod, alternates))
    return entries


def _listing(views: ViewMaker, posts: Sequence[Post], first_url: str, language: str, config: SiteConfig,
             full: bool, *, kind: str, title: str, heading: str, show_all: bool = False,
             feed_url: str = "", keep_empty: bool = False,
             wanted: Callable[[str], bool] | None = None) -> list[PageSpec]:
    """The pages of one paginated list: first_url, then first_url/page/N.html … first_url/page/1.html."""
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
                "show_all_href": views.href("/") if show_all else "",
                "days": _group_by_day(views, chunk, language),
                "full_posts": full,
                "newer_href": views.href(newer) if newer else "",
                "older_href": views.href(older) if older else "",
                "feed_href": views.href(feed_url) if feed_url else "",
                "meta": _meta(config, language, ""),
            }

        shown = tuple(p.url for p in chunk)
        specs.append(PageSpec(url, "list.html", language, make=make, shows=shown,
                              inputs=(kind, title, number, heading, show_all, full, newer, older,
                                      feed_url, _versions_of(chunk, views))))
    return specs


def _versions_of(posts: Sequence[Post], views: ViewMaker) -> tuple:
    """The translation links each post shows: part of what a page shows besides the posts themselves."""
    return tuple(views.version_urls(p.url) for p in posts)


def _group_by_day(views: ViewMaker, posts: Sequence[Post], language: str) -> tuple[DayGroup, ...]:
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


def _post_page(views: ViewMaker, post: Post, index: SiteIndex, config: SiteConfig) -> PageSpec:
    newer, older = index.neighbours.get(post.url, (None, None))
    versions = index.versions.get(post.url, (post,))
    inputs = (newer.title if newer else "", newer.url if newer else "", older.title if older else "",
              older.url if older else "", tuple((p.language, p.url, p.translation_of) for p in versions))
    return PageSpec(post.url, "post.html", post.language, make=lambda: _post_context(views, post, index, config),
                    inputs=inputs, shows=(post.url,))


def _post_context(views: ViewMaker, post: Post, index: SiteIndex, config: SiteConfig) -> dict[str, Any]:
    newer, older = index.neighbours.get(post.url, (None, None))
    versions = index.versions.get(post.url, (post,))
    image, image_size = urljoin(config.base_url, post.images[0]) if post.images else "", (0, 0)
    if post.preview_image:  # a photo: its variant made for link previews
        image, image_size = views.absolute(post.preview_image[0]), post.preview_image[1:]
    original = next((p for p in versions if p.translation_of is None), None)
    posting = blog_posting(
        post, views.absolute(post.url), config,
        [views.labels[key].name(post.language) for key in post.labels if key in views.labels], image,
        original_url=views.absolute(original.url) if post.translation_of and original else "",
        translation_urls=[views.absolute(p.url) for p in versions if p.translation_of and post.translation_of is None])
    organisations = [contact_entity(c, views.absolute(f"/contacts/#contact-{c.id}")) for c in post.contacts]
    return {
        "meta": _meta(config, post.language, post.summary_text, og_type="article", image=image,
                      json_ld=json_ld([posting, *organisations]), image_size=image_size),
        "title": post.title,
        "entry": views.entry(post, post.language, keep=False),  # a post page is its only user
        "qr_code": views.post_code(post),
        "newer": Link(newer.title, views.href(newer.url)) if newer else None,
        "older": Link(older.title, views.href(older.url)) if older else None,
        # hreflang alternates: every language version, and x-default (the listed one)
        "alternates": tuple((p.language, views.absolute(p.url)) for p in versions) if len(versions) > 1 else (),
        "x_default": views.absolute(versions[0].url) if len(versions) > 1 else "",
    }


@dataclass(frozen=True)
class ArchiveMonth:
    link: Link
    posts: tuple[Link, ...]  # empty where titles are not shown


@dataclass(frozen=True)
class ArchiveYear:
    link: Link
    months: tuple[ArchiveMonth, ...]
    open: bool


def _archive_tree(views: ViewMaker, index: SiteIndex, language: str, titles_everywhere: bool) -> tuple[ArchiveYear, ...]:
    """Years ▸ months with counts; titles under every month, or (widget) under the newest only."""
    years = []
    for y, year in enumerate(index.years):
        months = []
        for m, month in enumerate(year.months):
            show_titles = titles_everywhere or (y == 0 and m == 0)
            titles = tuple(Link(p.title, views.href(p.url)) for p in month.posts) if show_titles else ()
            months.append(ArchiveMonth(Link(i18n.short_month(month.year, month.month, language),
                                            views.href(urls.month_url(month.year, month.month)),
                                            count=len(month.posts)), titles))
        years.append(ArchiveYear(Link(str(year.year), views.href(urls.year_url(year.year)), count=len(year.posts)),
                                 tuple(months), open=y == 0))
    return tuple(years)


def _widgets_page(views: ViewMaker, index: SiteIndex, language: str, config: SiteConfig) -> PageSpec:
    """The sidebar's widgets (Labels with counts, Blog Archive) of one language, as a page of
    their own that every page of the language shows in its sidebar (static/site.js): a new post
    changes the counts, and only this page has to be written again."""
    words = i18n.messages(language)
    return PageSpec(urls.widgets_url(url_prefix(language) if language != config.default_language else ""),
                    "widgets.html", language, inputs=(index.structure,), indexable=False, make=lambda: {
                        "title": f"{words['labels']} · {words['blog_archive']}",
                        "labels": tuple(views.label_link(label.key, language, len(index.by_label[label.key]))
                                        for label in sorted(index.labels, key=lambda lb: lb.name(language).lower())),
                        "archive": _archive_tree(views, index, language, titles_everywhere=False),
                        "meta": _meta(config, language, ""),
                    })


def _feeds(posts: Sequence[Post], rss_url: str, atom_url: str, title: str, language: str, link_url: str,
           config: SiteConfig) -> list[FeedSpec]:
    newest = tuple(posts[: config.feed_size])
    return [FeedSpec(rss_url, "rss", title, language, link_url, newest),
            FeedSpec(atom_url, "atom", title, language, link_url, newest)]
