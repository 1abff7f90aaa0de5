"""What templates see: posts, contacts and links as ready strings and URLs (no logic left for templates)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from zqsite import i18n, phones, urls
from zqsite.config import SiteConfig
from zqsite.languages import native_name, text_direction, url_prefix
from zqsite.models import Contact, Label, Post
from zqsite.qrcodes import qr_svg
from zqsite.vcard import vcard_for_qr


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    lang: str = ""  # set when the target is in another language than the page
    count: int | None = None
    current: bool = False


@dataclass(frozen=True)
class Phone:
    kind: str  # the interface word: "Tel", "Fax"
    text: str  # international form, "+86 758 3611228"
    href: str  # "tel:+867583611228" ("" when the text is not a number)


@dataclass(frozen=True)
class QrCode:
    """A code as its inputs: the symbol is drawn only when a page that shows it is rendered
    (a kept page, or one only fingerprinted, costs nothing)."""

    text: str  # what the code holds
    label: str  # its accessible name: what it holds, in words
    caption: str  # the line shown under it: what to do with it

    @property
    def svg(self) -> Markup:
        return qr_svg(self.text, self.label)


@dataclass(frozen=True)
class ContactCard:
    id: str
    name: str
    note: str
    address: str
    phones: tuple[Phone, ...]
    whatsapp: Phone | None
    wechat: str
    email: str
    website: str
    vcard_href: str
    codes: tuple[QrCode, ...]  # the vCard's, then the WeChat id's (shown on wide screens)


@dataclass(frozen=True)
class Entry:
    """A post as one h-entry: in a listing or on its own page."""

    title: str
    href: str
    url_absolute: str
    language: str
    lang_attr: str  # the post's language when it differs from the page's, else ""
    date_iso: str
    date_text: str
    day_key: str  # YYYY-MM-DD in the site's time zone: posts of one day share a date header
    time_text: str
    labels: tuple[Link, ...]
    summary_html: Markup
    source: str
    translations: tuple[Link, ...]
    contacts: tuple[ContactCard, ...]
    # The body is read from the post when a template shows it, not kept here: entries are kept
    # for every post, and copies of 10,000 bodies would be hundreds of megabytes.
    post: Post = field(compare=False)
    dir_attr: str = ""  # the post's text direction when it differs from the page's, else ""

    @property
    def body_html(self) -> Markup:
        """Headings as written (h2 under the page's h1)."""
        return Markup(self.post.body_html)

    @property
    def listing_body_html(self) -> Markup:
        """Headings two levels down, under the listing's date header and post title."""
        return Markup(demote_headings(self.post.body_html))


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def demote_headings(html: str, levels: int = 2) -> str:
    """<h2> becomes <h4>: in a listing the post title is an h3, so the outline stays in order."""
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + levels)}", html)


class ViewMaker:
    """Builds views once per (post, page language) and reuses them on every page that shows them."""

    def __init__(self, config: SiteConfig, labels: tuple[Label, ...], versions: dict[str, tuple[Post, ...]]) -> None:
        self.config = config
        self.labels = {label.key: label for label in labels}
        self.versions = versions
        self._entries: dict[tuple[str, str], Entry] = {}
        self._cards: dict[tuple[Contact, str], ContactCard] = {}
        self._version_urls: dict[str, tuple[str, ...]] = {}
        # Languages with posts have label pages and archives of their own (the index's sections).
        self._with_sections = {config.default_language, *(p.language for group in versions.values() for p in group)}

    def prefix(self, language: str) -> str:
        """The folder of a language's label pages and archives: "" for the default language, and
        for a language without posts (whose pages link to the default language's)."""
        if language == self.config.default_language or language not in self._with_sections:
            return ""
        return url_prefix(language)

    def version_urls(self, url: str) -> tuple[str, ...]:
        """The URLs of every language version of a post (a post is on several listing pages)."""
        found = self._version_urls.get(url)
        if found is None:
            found = self._version_urls[url] = tuple(v.url for v in self.versions.get(url, ()))
        return found

    def href(self, url: str) -> str:
        return urls.href(self.config.base_path, url)

    def absolute(self, url: str) -> str:
        return urls.absolute(self.config.base_url, url)

    def label_link(self, key: str, language: str, count: int | None = None) -> Link:
        """The label's page in `language` (where it has one: see `prefix`)."""
        label = self.labels[key]
        return Link(label.name(language), self.href(urls.label_url(label.slug, prefix=self.prefix(language))),
                    count=count)

    def entry(self, post: Post, page_language: str, keep: bool = True) -> Entry:
        """The post's entry; kept for the next page that shows it, unless `keep` is False."""
        key = (post.url, page_language)
        found = self._entries.get(key)
        if found is None:
            found = self._make_entry(post, page_language)
            if keep:
                self._entries[key] = found
        return found

    def _make_entry(self, post: Post, page_language: str) -> Entry:
        ui = post.language  # a post's own date and labels read in its own language
        translations = tuple(
            Link(native_name(other.language), self.href(other.url), lang=other.language)
            for other in self.versions.get(post.url, ()) if other is not post
        )
        has_time = (post.date.hour, post.date.minute, post.date.second) != (0, 0, 0)
        return Entry(
            title=post.title,
            href=self.href(post.url),
            url_absolute=self.absolute(post.url),
            language=post.language,
            lang_attr=post.language if post.language != page_language else "",
            date_iso=post.date.isoformat(),
            date_text=i18n.full_date(post.date.date(), ui),
            day_key=post.date.date().isoformat(),
            time_text=i18n.time_of_day(post.date, ui) if has_time else "",
            labels=tuple(self.label_link(key, ui) for key in post.labels if key in self.labels),
            summary_html=Markup(post.summary_html),
            source=post.source,
            translations=translations,
            contacts=tuple(self.card(contact, ui) for contact in post.contacts),
            post=post,
            dir_attr=(text_direction(post.language)
                      if text_direction(post.language) != text_direction(page_language) else ""),
        )

    def post_code(self, post: Post) -> QrCode:
        """The QR code of a post's canonical address, for its own page."""
        words = i18n.messages(post.language)
        url = self.absolute(post.url)
        return QrCode(url, words["qr_post_label"].format(url=url), words["qr_post_caption"])

    def card(self, contact: Contact, language: str) -> ContactCard:
        # The contact itself, not its id: one-off contacts of different posts share ids ("inline-1").
        key = (contact, language)
        found = self._cards.get(key)
        if found is None:
            found = self._cards[key] = self._make_card(contact, language)
        return found

    def _make_card(self, contact: Contact, language: str) -> ContactCard:
        words = i18n.messages(language)
        numbers = [(words["tel"], contact.tel), (words["fax"], contact.fax)]
        whatsapp = None
        if contact.whatsapp:
            whatsapp = Phone(words["whatsapp"], phones.international(contact.whatsapp),
                             phones.whatsapp_uri(contact.whatsapp))
        return ContactCard(
            id=contact.id,
            name=contact.name,
            note=contact.note,
            address=contact.address,
            phones=tuple(Phone(kind, phones.international(n), phones.tel_uri(n)) for kind, n in numbers if n),
            whatsapp=whatsapp,
            wechat=contact.wechat,
            email=contact.email,
            website=contact.website,
            vcard_href=self.href(f"/contacts/{contact.id}.vcf") if contact.registered else "",
            codes=self._contact_codes(contact, language),
        )

    def _contact_codes(self, contact: Contact, language: str) -> tuple[QrCode, ...]:
        words = i18n.messages(language)
        codes = [QrCode(vcard_for_qr(contact, contact.website), words["qr_contact_label"].format(name=contact.name),
                        words["qr_contact_caption"])]
        if contact.wechat:  # plain text: WeChat's scanner shows it, to copy into "Add Contacts"
            codes.append(QrCode(contact.wechat, words["qr_wechat_label"].format(id=contact.wechat),
                                words["qr_wechat_caption"]))
        return tuple(codes)
