"""Each language's label pages, date archives, label index, archive page and sidebar widgets,
with hreflang links between a page's language versions. Pure: no Jinja, no disk.

The default language keeps Blogger's addresses (/label/dasha/, /2024/07/); another language's
pages are in its folder (/ja/label/dasha/, /ja/2024/07/) and list its own posts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from zqsite import i18n, urls
from zqsite.config import SiteConfig
from zqsite.index import Section, SiteIndex, YearArchive
from zqsite.languages import url_prefix
from zqsite.listings import NO_VERSIONS, FeedSpec, LanguageVersions, PageSpec, feeds, language_versions, listing, make_meta
from zqsite.views import Link, ViewMaker


@dataclass(frozen=True)
class ArchiveMonth:
    link: Link
    posts: tuple[Link, ...]  # empty where titles are not shown


@dataclass(frozen=True)
class ArchiveYear:
    link: Link
    months: tuple[ArchiveMonth, ...]
    open: bool


def plan_sections(index: SiteIndex, config: SiteConfig, views: ViewMaker, widget_languages: Sequence[str],
                  wanted: Callable[[str], bool] | None = None) -> tuple[list[PageSpec], list[FeedSpec]]:
    """The section pages and feeds of every language that has posts, and the widgets page of
    each of `widget_languages`. `wanted(url)`: as in plan_site (lists it rejects are skipped)."""
    order = [code for code in config.languages if code in index.sections]  # the switcher's order
    order += sorted(set(index.sections) - set(order))
    full = config.listing == "full"
    pages: list[PageSpec] = []
    found: list[FeedSpec] = []

    def versions(language: str, first_url: str, url_in: Callable[[str], str | None]) -> LanguageVersions:
        if wanted is not None and not wanted(first_url):  # not planned: no need to know
            return NO_VERSIONS
        return language_versions(views, config.default_language, language,
                                 {code: url for code in order if (url := url_in(code)) is not None})

    for code in order:
        section, prefix, words = index.sections[code], views.prefix(code), i18n.messages(code)
        home = urls.language_home_url(prefix) if prefix else "/"
        for label in section.labels:
            posts = section.by_label[label.key]
            name = label.name(code)
            first = urls.label_url(label.slug, prefix=prefix)
            found_in = lambda other, key=label.key, slug=label.slug: (  # noqa: E731
                urls.label_url(slug, prefix=views.prefix(other)) if key in index.sections[other].by_label else None)
            pages += listing(views, posts, first, code, config, full, kind="label", title=name,
                             heading=words["showing_label"].format(label=name), show_all=home,
                             feed_url=urls.label_feed_url(label.slug, prefix),
                             versions=versions(code, first, found_in), wanted=wanted)
            found += feeds(posts, urls.label_feed_url(label.slug, prefix), urls.label_atom_url(label.slug, prefix),
                           f"{config.title}: {name}", code, first, config)
        pages.append(_whole_index_page(
            index, config, code, urls.label_index_url(prefix), "labels.html",
            versions(code, urls.label_index_url(prefix), lambda other: urls.label_index_url(views.prefix(other))),
            lambda section=section, code=code, words=words: {
                "title": words["all_labels"],
                "labels": tuple(views.label_link(label.key, code, len(section.by_label[label.key]))
                                for label in section.labels)}))

        for year in section.years:
            first = urls.year_url(year.year, prefix=prefix)
            pages += listing(views, year.posts, first, code, config, full, kind="archive", title=str(year.year),
                             heading=words["showing_year"].format(year=year.year), show_all=home,
                             versions=versions(code, first, lambda other, y=year.year: (
                                 urls.year_url(y, prefix=views.prefix(other))
                                 if _has_year(index.sections[other], y) else None)), wanted=wanted)
            for month in year.months:
                name = i18n.month_name(month.year, month.month, code)
                first = urls.month_url(month.year, month.month, prefix=prefix)
                pages += listing(views, month.posts, first, code, config, full, kind="archive", title=name,
                                 heading=words["showing_month"].format(month=name), show_all=home,
                                 versions=versions(code, first, lambda other, y=month.year, m=month.month: (
                                     urls.month_url(y, m, prefix=views.prefix(other))
                                     if _has_month(index.sections[other], y, m) else None)), wanted=wanted)
        pages.append(_whole_index_page(
            index, config, code, urls.archive_url(prefix), "archive.html",
            versions(code, urls.archive_url(prefix), lambda other: urls.archive_url(views.prefix(other))),
            lambda section=section, code=code, words=words: {
                "title": words["full_archive"],
                "years": archive_tree(views, section.years, code, titles_everywhere=True)},
            links=tuple(post.url for year in section.years for post in year.posts)))

    for code in widget_languages:
        pages.append(_widgets_page(views, index, code, config))
    return pages, found


def _has_year(section: Section, year: int) -> bool:
    return any(y.year == year for y in section.years)


def _has_month(section: Section, year: int, month: int) -> bool:
    return any(y.year == year and any(m.month == month for m in y.months) for y in section.years)


def _whole_index_page(index: SiteIndex, config: SiteConfig, language: str, url: str, template: str,
                      versions: LanguageVersions, make: Callable[[], dict], links: tuple[str, ...] = ()) -> PageSpec:
    """A page made from the whole index of a language (label index, archive): it changes when
    the index's structure does (`index.structure`) or a title of `links` (the archive's)."""
    return PageSpec(url, template, language, inputs=(index.structure, versions), links=links,
                    alternates=versions.for_sitemap,
                    make=lambda: {**make(), "meta": make_meta(config, language, ""), **versions.context()})


def archive_tree(views: ViewMaker, years: Sequence[YearArchive], language: str,
                 titles_everywhere: bool) -> tuple[ArchiveYear, ...]:
    """Years ▸ months with counts; titles under every month, or (widget) under the newest only."""
    prefix = views.prefix(language)
    tree = []
    for y, year in enumerate(years):
        months = []
        for m, month in enumerate(year.months):
            show_titles = titles_everywhere or (y == 0 and m == 0)
            titles = tuple(Link(p.title, views.href(p.url)) for p in month.posts) if show_titles else ()
            months.append(ArchiveMonth(Link(i18n.short_month(month.year, month.month, language),
                                            views.href(urls.month_url(month.year, month.month, prefix=prefix)),
                                            count=len(month.posts)), titles))
        tree.append(ArchiveYear(Link(str(year.year), views.href(urls.year_url(year.year, prefix=prefix)),
                                     count=len(year.posts)), tuple(months), open=y == 0))
    return tuple(tree)


def _widgets_page(views: ViewMaker, index: SiteIndex, language: str, config: SiteConfig) -> PageSpec:
    """The sidebar's widgets (Labels with counts, Blog Archive) of one language, as a page of
    their own that every page of the language shows in its sidebar (static/site.js): a new post
    changes the counts, and only this page has to be written again. A language with pages but
    no posts shows the default language's lists, in its own words."""
    words = i18n.messages(language)
    section = index.sections.get(language) or index.sections[config.default_language]
    own = url_prefix(language) if language != config.default_language else ""
    newest_month = section.years[0].months[0].posts if section.years else ()  # the titles it shows
    return PageSpec(urls.widgets_url(own), "widgets.html", language,
                    inputs=(index.structure,), links=tuple(post.url for post in newest_month), indexable=False,
                    make=lambda: {
                        "title": f"{words['labels']} · {words['blog_archive']}",
                        "labels": tuple(views.label_link(label.key, language, len(section.by_label[label.key]))
                                        for label in sorted(section.labels, key=lambda lb: lb.name(language).lower())),
                        "archive": archive_tree(views, section.years, language, titles_everywhere=False),
                        "meta": make_meta(config, language, ""),
                    })
