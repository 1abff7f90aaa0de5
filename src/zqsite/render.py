"""Page specs -> HTML bytes through the templates (the one user of Jinja)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from markupsafe import Markup

from zqsite import i18n, translations, urls
from zqsite.photos import promote_first_image
from zqsite.config import SiteConfig
from zqsite.errors import BuildFailed, Problem
from zqsite.languages import native_name, text_direction, url_prefix
from zqsite.models import StandalonePage
from zqsite.pages import PageSpec
from zqsite.views import Entry, Link


@dataclass(frozen=True)
class Chrome:
    """What every page of one language shows around its content."""

    title: str
    description: str
    home_href: str
    nav: tuple[Link, ...]
    language_homes: tuple[Link, ...]
    feed_rss_href: str
    feed_atom_href: str
    css_href: str
    js_href: str
    search_href: str
    search_js_href: str
    contacts_href: str
    labels_href: str
    archive_href: str
    favicon_href: str
    widgets_href: str


def make_environment(templates_dir: Path, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """Compiled templates are kept in `bytecode_dir` (Jinja checks each against its source)."""
    if bytecode_dir is not None:
        bytecode_dir.mkdir(parents=True, exist_ok=True)
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir else None,
        autoescape=True,  # every title, label and contact field is escaped, in attributes too
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


# Entries kept for the next list pages that show them: the most recently used ones; whole
# posts on 10,000 list pages would otherwise all stay in memory.
ENTRIES_KEPT = 3000


class Renderer:
    """Renders pages; the chrome of each language is built once and reused."""

    def __init__(self, templates_dir: Path, config: SiteConfig, standalone: tuple[StandalonePage, ...],
                 languages_with_homes: tuple[str, ...], has_contacts: bool = True,
                 bytecode_dir: Path | None = None) -> None:
        self.has_contacts = has_contacts
        self.env = make_environment(templates_dir, bytecode_dir)
        self.config = config
        self.standalone = standalone
        self.languages_with_homes = languages_with_homes
        self._chrome: dict[str, Chrome] = {}
        self._templates: dict[str, jinja2.Template] = {}
        self._entries: OrderedDict[tuple[str, str, bool], Markup] = OrderedDict()
        self._fragments: dict[tuple[str, str], Markup] = {}

    def _href(self, url: str) -> str:
        return urls.href(self.config.base_path, url)

    def chrome(self, language: str) -> Chrome:
        found = self._chrome.get(language)
        if found is None:
            words = i18n.messages(language)
            prefix = self._prefix(language)
            home = urls.language_home_url(prefix) if prefix else "/"
            # The menu links each page in the page's language where it has a version in it.
            nav = (Link(words["home"], self._href(home)),
                   *(Link(p.title, self._href(p.url), lang=p.language if p.language != language else "")
                     for p in translations.menu_pages(self.standalone, language)))
            order = [code for code in self.config.languages if code in self.languages_with_homes]
            order += sorted(set(self.languages_with_homes) - set(order))
            homes = tuple(
                Link(native_name(code), self._href(urls.language_home_url(self._prefix(code)) if self._prefix(code)
                                                   else "/"), lang=code, current=code == language)
                for code in order)
            found = self._chrome[language] = Chrome(
                title=self.config.title, description=self.config.description, home_href=self._href(home),
                nav=nav, language_homes=homes if len(homes) > 1 else (),
                feed_rss_href=self._href(f"{home}feed.xml"), feed_atom_href=self._href(f"{home}atom.xml"),
                css_href=self._href("/static/site.css"), js_href=self._href("/static/site.js"),
                search_href=self._href("/search/"), search_js_href=self._href("/static/search.js"),
                contacts_href=self._href("/contacts/") if self.has_contacts else "",
                labels_href=self._href(urls.label_index_url(prefix)), archive_href=self._href(urls.archive_url(prefix)),
                favicon_href=self._href("/static/favicon.svg"),
                widgets_href=self._href(urls.widgets_url(url_prefix(language)
                                                         if language != self.config.default_language else "")))
        return found

    def _prefix(self, language: str) -> str:
        """The folder of a language's home, label pages and archives; "" for the default
        language and for a language without posts (whose pages link to the default's)."""
        if language == self.config.default_language or language not in self.languages_with_homes:
            return ""
        return url_prefix(language)

    def _template(self, name: str) -> jinja2.Template:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
        return template

    def fragment(self, name: str, language: str) -> Markup:
        """A part of every page that is the same on all pages of a language (header, footer):
        rendered once, not on each of thousands of pages."""
        key = (name, language)
        found = self._fragments.get(key)
        if found is None:
            html = self._template(name).render(t=i18n.messages(language), lang=language, site=self.chrome(language),
                                               dir=text_direction(language))
            found = self._fragments[key] = Markup(html.strip("\n"))
        return found

    def entry_html(self, entry: Entry, language: str, full: bool) -> Markup:
        """A post as it appears in listings; a post is on many listing pages (home, labels,
        archives), so its HTML is rendered once per language and reused."""
        key = (entry.href, language, full)
        found = self._entries.get(key)
        if found is None:
            html = self._template("_entry.html").render(e=entry, t=i18n.messages(language), full=full)
            found = self._entries[key] = Markup(html)
            if len(self._entries) > ENTRIES_KEPT:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return found

    def render(self, spec: PageSpec) -> bytes:
        context = dict(spec.context)
        if "days" in context:
            full = context["full_posts"]
            context["days"] = tuple(
                replace(day, entries=tuple(self.entry_html(e, spec.language, full) for e in day.entries))
                for day in context["days"])
        context.update(
            t=i18n.messages(spec.language),
            lang=spec.language,
            dir=text_direction(spec.language),
            site=self.chrome(spec.language),
            header_html=self.fragment("_header.html", spec.language),
            footer_html=self.fragment("_footer.html", spec.language),
            canonical=urls.absolute(self.config.base_url, spec.url),
        )
        html = self._template(spec.template).render(context)
        return promote_first_image(html, high_priority=spec.template == "post.html").encode("utf-8")

    def check_templates(self) -> None:
        """Compiles every template once, so that a syntax error stops the build before writing."""
        problems = []
        for name in self.env.list_templates(filter_func=lambda n: n.endswith(".html")):
            try:
                self._template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(Problem(f"templates/{exc.name or name}", exc.lineno, exc.message or "syntax error"))
        if problems:
            raise BuildFailed(problems, "a template has an error")
