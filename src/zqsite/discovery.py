"""What search engines and link previews read: JSON-LD, sitemap.xml and robots.txt."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from zqsite import phones
from zqsite.config import SiteConfig
from zqsite.models import Contact, Post

_SCHEMA_TYPES = {"government": "GovernmentOrganization", "organization": "Organization", "person": "Person"}


def json_ld(data: dict | list) -> Markup:
    """A <script type="application/ld+json"> body; "</" is escaped so the script cannot be closed early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("</", "<\\/"))


def blog_posting(post: Post, url: str, config: SiteConfig, label_names: list[str], image: str,
                 original_url: str, translation_urls: list[str]) -> dict:
    publisher = {"@type": "Organization", "name": config.title, "url": config.base_url}
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "datePublished": post.date.isoformat(),
        "dateModified": post.date.isoformat(),
        "inLanguage": post.language,
        "keywords": label_names,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "author": {"@type": "Organization", "name": config.author or config.title, "url": config.base_url},
        "publisher": publisher,
    }
    if post.summary_text:
        data["description"] = post.summary_text
    if image:
        data["image"] = image
    if post.source:
        data["isBasedOn"] = {"@type": "CreativeWork", "publisher": {"@type": "Organization", "name": post.source}}
    if original_url:
        data["translationOfWork"] = {"@id": original_url}
    if translation_urls:
        data["workTranslation"] = [{"@id": u} for u in translation_urls]
    return data


def contact_entity(contact: Contact, url: str) -> dict:
    """A contact as schema.org: GovernmentOrganization (or Organization, Person) with ContactPoint."""
    data: dict = {"@context": "https://schema.org", "@type": _SCHEMA_TYPES[contact.kind],
                  "@id": url, "name": contact.name, "url": contact.website or url}
    if contact.address:
        data["address"] = {"@type": "PostalAddress", "streetAddress": contact.address, "addressCountry": "CN"}
    point: dict = {"@type": "ContactPoint", "contactType": "investment promotion",
                   "availableLanguage": ["en", "zh"]}
    if contact.tel:
        point["telephone"] = phones.international(contact.tel)
        data["telephone"] = phones.international(contact.tel)
    if contact.fax:
        point["faxNumber"] = phones.international(contact.fax)
        data["faxNumber"] = phones.international(contact.fax)
    if contact.whatsapp and not contact.tel:
        point["telephone"] = phones.international(contact.whatsapp)
    if contact.email:
        point["email"] = contact.email
        data["email"] = contact.email
    data["contactPoint"] = point
    if contact.note:
        data["description"] = contact.note
    return data


@dataclass(frozen=True)
class SitemapEntry:
    url: str  # absolute
    lastmod: str = ""  # W3C date-time
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, absolute url)


def sitemap(entries: list[SitemapEntry]) -> bytes:
    """sitemaps.org 0.9 with xhtml:link hreflang alternates (Google's form for translations)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for entry in entries:
        lines.append("<url>")
        lines.append(f"<loc>{escape(entry.url, quote=False)}</loc>")
        if entry.lastmod:
            lines.append(f"<lastmod>{escape(entry.lastmod, quote=False)}</lastmod>")
        for code, href in entry.alternates:
            lines.append(f'<xhtml:link rel="alternate" hreflang="{escape(code)}" href="{escape(href)}"/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(sitemap_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode("utf-8")
