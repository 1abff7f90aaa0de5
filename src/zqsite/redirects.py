"""Blogger's old addresses -> this site: static redirect pages, Netlify/Cloudflare `_redirects`
and an nginx `map`, so that no link to the old blog breaks.

Posts need none: an imported post is published at its Blogger path (`blogger_path`), and
Blogger's `?m=1` mobile variants and `?max-results=` queries are ignored by static hosts.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from zqsite import urls
from zqsite.index import SiteIndex

BLOGGER_FEED = "/feeds/posts/default"


@dataclass(frozen=True)
class Redirect:
    old: str  # the old path as Blogger wrote it (decoded: spaces and capitals kept)
    new: str  # site URL it moved to
    query: str = ""  # "alt=rss": only for requests with this query (server redirects only)


def blogger_redirects(index: SiteIndex) -> list[Redirect]:
    """Every old Blogger address that has a new home, in a stable order."""
    # Blogger's /search?q=… needs none: /search/ is the search page, which reads ?q=.
    found = [Redirect(BLOGGER_FEED, "/atom.xml"),
             Redirect(BLOGGER_FEED, "/feed.xml", "alt=rss"),
             Redirect("/feeds/posts/summary", "/atom.xml"), Redirect("/feeds/posts/summary", "/feed.xml", "alt=rss")]
    for label in index.labels:
        if not _usable(label.key):
            continue
        found.append(Redirect(f"/search/label/{label.key}", urls.label_url(label.slug)))
        found.append(Redirect(f"{BLOGGER_FEED}/-/{label.key}", urls.label_feed_url(label.slug)))
    return found


def _usable(label: str) -> bool:
    # A label that cannot be one path segment on disk gets no static redirect page.
    return urls.is_safe_segment(label) and not any(c in label for c in "?#%")


def static_pages(redirects: list[Redirect]) -> list[Redirect]:
    """The redirects a static host can serve as pages: path-only ones, one per old path.

    Old paths that differ only in letter case share one page (the first), and old paths that
    no Windows folder can be named after (a Blogger label `What?`) get none: the site must copy
    to any host. `_redirects` and the nginx map still send both on.
    """
    seen: set[str] = set()
    pages = []
    for redirect in redirects:
        folded = redirect.old.casefold()
        if redirect.query or folded in seen or urls.windows_name_problem(urls.output_path(page_url_for(redirect.old))):
            continue
        seen.add(folded)
        pages.append(redirect)
    return pages


def page_url_for(old: str) -> str:
    """Where the static redirect page for an old path lives: <old>/index.html."""
    return old.rstrip("/") + "/"


def netlify_redirects(redirects: list[Redirect], base_path: str) -> bytes:
    """`_redirects` (Netlify, Cloudflare Pages): query rules first, as the first match wins."""
    ordered = sorted(redirects, key=lambda r: not r.query)
    lines = ["# Old Blogger addresses (written by zqsite)"]
    for r in ordered:
        old = quote(base_path.rstrip("/") + r.old)
        rule = f"{old} {r.query} " if r.query else f"{old} "
        lines.append(f"{rule}{urls.href(base_path, r.new)} 301")
    return ("\n".join(lines) + "\n").encode("utf-8")


def nginx_map(redirects: list[Redirect], base_path: str) -> bytes:
    """An nginx map of old to new paths; the header says how to use it."""
    lines = [
        "# Old Blogger addresses (written by zqsite). In the http block:",
        "#   include /path/to/nginx-redirects.conf;",
        "# and in the server block:",
        "#   if ($zqsite_redirect) { return 301 $zqsite_redirect; }",
        "#   if ($arg_m = 1) { return 301 $uri; }   # Blogger's mobile variants",
        'map "$uri|$arg_alt" $zqsite_redirect {',
        "    default \"\";",
    ]
    for r in sorted(redirects, key=lambda r: not r.query):
        alt = r.query.split("=", 1)[1] if r.query.startswith("alt=") else ""
        key = base_path.rstrip("/") + r.old + "|" + alt
        value = urls.href(base_path, r.new)
        lines.append(f'    "{_nginx_escape(key)}" "{_nginx_escape(value)}";')
        if not alt:  # any other alt= value goes to the same place
            lines.append(f'    "~^{_nginx_regex(base_path.rstrip("/") + r.old)}\\|" "{_nginx_escape(value)}";')
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _nginx_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _nginx_regex(text: str) -> str:
    special = set(".^$*+?()[]{}|\\/")
    return "".join("\\" + c if c in special else c for c in _nginx_escape(text))
