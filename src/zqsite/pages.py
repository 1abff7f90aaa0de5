"""Which pages and feeds exist, at which URL, showing what (pagination included). Pure: no Jinja, no disk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import urljoin

from markupsafe import Markup

from zqsite import i18n, translations, urls
from zqsite.config import SiteConfig
from zqsite.discovery import SitemapEntry, blog_posting, contact_entity, json_ld, robots, sitemap
from zqsite.index import SiteIndex
from zqsite.languages import native_name, url_prefix
from zqsite.listings import FeedSpec, FileSpec, PageSpec, language_versions, listing, make_meta
from zqsite.listings import feeds as make_feeds
from zqsite.markup import first_paragraph, strip_tags
from zqsite.models import Contact, Post, StandalonePage
from zqsite.redirects import blogger_redirects, netlify_redirects, nginx_map, page_url_for, static_pages
from zqsite.search import bundle_path, search_languages
from zqsite.sections import plan_sections
from zqsite.vcard import vcard
from zqsite.views import Link, ViewMaker

__all__ = ["FeedSpec", "FileSpec", "PageSpec", "SitePlan", "plan_site"]  # the plan's nouns live in listings.py


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

    pages += listing(views, index.listing, "/", default, config, full, kind="home",
                     title=config.title, heading="", keep_empty=True, wanted=wanted)
    feeds += make_feeds(index.listing, "/feed.xml", "/atom.xml", config.title, default, "/", config)

    for code, posts in index.by_language.items():
        if code == default:
            continue
        home = urls.language_home_url(url_prefix(code))
        title = f"{config.title} ({native_name(code)})"
        pages += listing(views, posts, home, code, config, full, kind="home", title=title, heading="",
                         wanted=wanted)
        feeds += make_feeds(posts, f"{home}feed.xml", f"{home}atom.xml", title, code, home, config)

    for post in index.all_posts:
        if wanted is None or wanted(post.url):
            pages.append(_post_page(views, post, index, config))

    languages = tuple(sorted({default, *index.by_language, *(page.language for page in standalone)}))
    section_pages, section_feeds = plan_sections(index, config, views, languages, wanted)
    pages += section_pages
    feeds += section_feeds

    page_versions = translations.page_versions(standalone)
    for page in standalone:
        pages.append(_standalone_page(views, page, page_versions[page.url], config))

    files: list[FileSpec] = []
    if contacts:
        pages.append(PageSpec("/contacts/", "contacts.html", default, {
            "title": words["contacts"],
            "contacts": tuple(views.card(c, default) for c in contacts),
            "meta": make_meta(config, default, words["contact_us"], json_ld=_contacts_json_ld(views, contacts)),
        }))
        files += [FileSpec(f"/contacts/{c.id}.vcf", (c, views.absolute(f"/contacts/#contact-{c.id}")),
                           lambda c=c: vcard(c, views.absolute(f"/contacts/#contact-{c.id}")))
                  for c in contacts]
    pages.append(PageSpec("/search/", "search.html", default, {
        "title": words["search"], "meta": make_meta(config, default, ""),
        "bundles": json.dumps([views.href(bundle_path(code)) for code in search_languages(index.all_posts)]),
    }, indexable=False))
    pages.append(PageSpec("/404.html", "404.html", default, {
        "title": words["not_found_title"], "meta": make_meta(config, default, "")}, indexable=False))

    redirects = blogger_redirects(index)
    for redirect in static_pages(redirects):
        pages.append(PageSpec(page_url_for(redirect.old), "redirect.html", default, {
            "title": words["moved_to"].format(url=views.href(redirect.new)),
            "target_href": views.href(redirect.new), "target_absolute": views.absolute(redirect.new),
            "meta": make_meta(config, default, "")}, indexable=False))
    files.append(FileSpec("/_redirects", (tuple(redirects), config.base_path),
                          lambda: netlify_redirects(redirects, config.base_path)))
    files.append(FileSpec("/nginx-redirects.conf", (tuple(redirects), config.base_path),
                          lambda: nginx_map(redirects, config.base_path)))

    for spec in pages:
        if spec.inputs is None:
            spec.context.setdefault("meta", make_meta(config, spec.language, ""))
    # The sitemap lists the indexable pages, with the dates and language versions of posts
    # (not their titles: a new title leaves the sitemap as it was).
    if wanted is None or wanted("/sitemap.xml"):
        versions = index.versions
        post_dates = tuple((p.url, p.date.isoformat(), tuple((v.language, v.url) for v in versions.get(p.url, ())))
                           for p in index.all_posts)
        files.append(FileSpec("/sitemap.xml", (post_dates, tuple((spec.url, spec.alternates)
                                                                 for spec in pages if spec.indexable)),
                              lambda: sitemap(_sitemap_entries(pages, index, views))))
    files.append(FileSpec("/robots.txt", (views.absolute("/sitemap.xml"),),
                          lambda: robots(views.absolute("/sitemap.xml"))))
    if wanted is not None:
        pages = [spec for spec in pages if wanted(spec.url)]
        files = [file for file in files if wanted(file.url)]
    return SitePlan(tuple(pages), tuple(feeds), tuple(files), languages)


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
        entries.append(SitemapEntry(views.absolute(spec.url), lastmod, alternates or spec.alternates))
    return entries


def _post_page(views: ViewMaker, post: Post, index: SiteIndex, config: SiteConfig) -> PageSpec:
    newer, older = index.neighbours.get(post.url, (None, None))
    versions = index.versions.get(post.url, (post,))
    neighbour_urls = (newer.url if newer else "", older.url if older else "")
    inputs = (neighbour_urls, tuple((p.language, p.url, p.translation_of) for p in versions))
    return PageSpec(post.url, "post.html", post.language, make=lambda: _post_context(views, post, index, config),
                    inputs=inputs, shows=(post.url,), links=tuple(url for url in neighbour_urls if url))


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
        "meta": make_meta(config, post.language, post.summary_text, og_type="article", image=image,
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


def _standalone_page(views: ViewMaker, page: StandalonePage, versions: tuple[StandalonePage, ...],
                     config: SiteConfig) -> PageSpec:
    """A standalone page, linked to its versions in other languages (switcher order)."""
    order = {code: position for position, code in enumerate(config.languages)}
    ordered = sorted(versions, key=lambda p: order.get(p.language, len(order)))
    linked = language_versions(views, config.default_language, page.language, {p.language: p.url for p in ordered})
    return PageSpec(page.url, "page.html", page.language, {
        "title": page.title,
        "body_html": Markup(page.body_html),
        "contacts": tuple(views.card(c, page.language) for c in page.contacts),
        "meta": make_meta(config, page.language, strip_tags(first_paragraph(page.body_html)),
                          json_ld=_contacts_json_ld(views, page.contacts)),
        **linked.context(),
    }, alternates=linked.for_sitemap)
