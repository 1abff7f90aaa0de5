"""A visitor's paths through the real site, in Chromium, on a phone (390×844) and a desktop (1280×800).

Each test follows one path by clicking what a visitor clicks; after every step the page is
checked (on a phone: no horizontal scrolling) and a screenshot is saved under
test-artifacts/screenshots/<device>/. At the end no console error, no failed request and no
error response (other than a deliberate 404) may have happened.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import expect

RAIN_POST = "/2024/07/project-delayed-by-rain-zhaoqing-service.html"
RAIN_POST_ZH = "/2024/07/project-delayed-by-rain-zhaoqing-service-zh-hant.html"
CLUSTER_POST = "/2023/10/nanfang-daily-zhaoqing-cluster-big-platform.html"
CLUSTER_POST_JA = "/2023/10/nanfang-daily-zhaoqing-cluster-big-platform-ja.html"


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def assert_no_problems(visitor) -> None:  # noqa: ANN001
    problems = visitor.problems()
    assert not problems, "problems on the way:\n" + "\n".join(problems)


def entry_titles(page) -> list[str]:  # noqa: ANN001
    return [t.strip() for t in page.locator("main article.h-entry .post-title").all_inner_texts()]


def test_label_and_older_posts(visitor) -> None:  # noqa: ANN001
    page = visitor.page
    visitor.goto("/", "home")
    expect(page).to_have_title(re.compile("Invest in Zhaoqing"))
    expect(page.locator("h1")).to_have_count(1)

    page.locator(".widget-labels").get_by_role("link", name="dasha", exact=True).click()
    page.wait_for_url(visitor.url("/label/dasha/"))
    visitor.step("label dasha (sidebar)")
    expect(page.locator(".status-message")).to_contain_text("Showing posts with label dasha")
    first_page = entry_titles(page)
    assert 3 <= len(first_page) <= 5, first_page  # posts_per_page: 3; the front page holds 3 to 5

    page.locator("a.pager-older").click()
    page.wait_for_url(visitor.url("/label/dasha/page/1.html"))
    visitor.step("label dasha, older posts")
    expect(page.locator(".status-message")).to_contain_text("Showing posts with label dasha")
    second_page = entry_titles(page)
    assert second_page, "the older page of the dasha label shows no posts"
    assert not set(first_page) & set(second_page), "the older page repeats posts of the front page"

    page.go_back()
    page.wait_for_url(visitor.url("/label/dasha/"))
    visitor.step("back to label dasha")
    assert entry_titles(page) == first_page

    page.locator("a.pager-older").click()
    page.wait_for_url(visitor.url("/label/dasha/page/1.html"))
    page.locator("a.pager-newer").click()
    page.wait_for_url(visitor.url("/label/dasha/"))
    visitor.step("newer posts back to the front page")
    assert entry_titles(page) == first_page

    # A post's own labels lead to the same listing.
    page.locator("main .post-title a").first.click()
    page.wait_for_url(re.compile(r"/\d{4}/\d{2}/[^/]+\.html$"))
    visitor.step("post from the label page")
    expect(page.locator("h1.post-title")).to_have_count(1)
    page.locator("main .post-labels").get_by_role("link", name="dasha", exact=True).click()
    page.wait_for_url(visitor.url("/label/dasha/"))
    visitor.step("label dasha (post labels)")
    expect(page.locator(".status-message")).to_contain_text("Showing posts with label dasha")
    assert_no_problems(visitor)


@pytest.mark.parametrize("original, translation, language, link_text, listing_pages", [
    (RAIN_POST, RAIN_POST_ZH, "zh-Hant", "繁體中文", 0),
    (CLUSTER_POST, CLUSTER_POST_JA, "ja", "日本語", 1),
], ids=["zh-Hant", "ja"])
def test_post_and_its_translation(visitor, original, translation, language, link_text, listing_pages) -> None:  # noqa: ANN001
    page = visitor.page
    visitor.goto("/", "home")
    for _ in range(listing_pages):
        page.locator("a.pager-older").click()
        page.wait_for_load_state("load")
    visitor.step("listing with the post")
    page.locator(f'main .post-title a[href="{original}"]').click()
    page.wait_for_url(visitor.url(original))
    visitor.step("post")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    title = page.locator("h1.post-title").inner_text()
    hreflangs = page.locator('head link[rel="alternate"][hreflang]')
    expect(hreflangs).to_have_count(3)  # en, the translation, x-default

    page.locator("main .post-translations").get_by_role("link", name=link_text, exact=True).click()
    page.wait_for_url(visitor.url(translation))
    visitor.step(f"translation {language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_count(1)
    assert page.locator("h1.post-title").inner_text() != title, "the translation shows the original's title"

    page.locator('main .post-translations a[hreflang="en"]').click()
    page.wait_for_url(visitor.url(original))
    visitor.step("back to the original (link)")
    expect(page.locator("h1.post-title")).to_have_text(title)

    page.go_back()
    page.wait_for_url(visitor.url(translation))
    page.go_back()
    page.wait_for_url(visitor.url(original))
    visitor.step("back to the original (browser back)")
    expect(page.locator("h1.post-title")).to_have_text(title)
    assert_no_problems(visitor)


def test_blog_archive_to_a_month(visitor) -> None:  # noqa: ANN001
    page = visitor.page
    visitor.goto("/", "home")
    archive = page.locator(".widget-archive")
    # The newest year is open: its newest month is a link.
    archive.get_by_role("link", name="July", exact=True).click()
    page.wait_for_url(visitor.url("/2024/07/"))
    visitor.step("month July 2024")
    expect(page.locator(".status-message")).to_contain_text("Showing posts from July 2024")
    assert len(entry_titles(page)) == 3

    # An older year is closed: open it (click its summary), then the month.
    year = page.locator(".widget-archive details").filter(has=page.locator("summary", has_text="2023"))
    expect(year).not_to_have_attribute("open", "")
    year.locator("summary .count").click()
    expect(year).to_have_attribute("open", "")
    visitor.step("archive 2023 opened")
    year.get_by_role("link", name="October", exact=True).click()
    page.wait_for_url(visitor.url("/2023/10/"))
    visitor.step("month October 2023")
    expect(page.locator(".status-message")).to_contain_text("Showing posts from October 2023")
    assert entry_titles(page), "the October 2023 page shows no post"

    page.locator("main .post-title a").first.click()
    page.wait_for_url(re.compile(r"/2023/10/[^/]+\.html$"))
    visitor.step("post from the month page")
    assert_no_problems(visitor)


def test_contacts_save_a_vcard(visitor) -> None:  # noqa: ANN001
    page = visitor.page
    visitor.goto("/", "home")
    page.locator(".site-footer").get_by_role("link", name="Contacts", exact=True).click()
    page.wait_for_url(visitor.url("/contacts/"))
    visitor.step("contacts")
    expect(page.locator("h1")).to_have_text("Contacts")
    save = page.locator("a.save-contact").first
    expect(save).to_contain_text("Save contact")
    href = save.get_attribute("href")

    with page.expect_download() as info:
        save.click()
    download = info.value
    visitor.step("contact saved")
    saved = Path(download.path()).read_bytes()
    assert saved.startswith(b"BEGIN:VCARD"), saved[:200]
    assert b"END:VCARD" in saved
    assert download.suggested_filename.endswith(".vcf"), download.suggested_filename

    response = page.request.get(visitor.url(href))
    assert response.status == 200
    assert response.headers["content-type"].split(";")[0].strip() == "text/vcard"
    assert response.body() == saved
    assert_no_problems(visitor)


@pytest.mark.parametrize("word, language", [("rainfall", "en"), ("大規模", "ja"), ("氣象局", "zh-Hant")],
                         ids=["en", "ja", "zh-Hant"])
def test_search_from_the_header(visitor, word, language) -> None:  # noqa: ANN001
    page = visitor.page
    visitor.goto("/", "home")
    box = page.locator("header .search-form input[type=search]")
    box.fill(word)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert path_of(page.url) == "/search/"
    results = page.locator("#search-results ol.search-results li a")
    expect(results.first).to_be_visible(timeout=20_000)
    visitor.step(f"search {word}")
    expect(page.locator("#search-page-q")).to_have_value(word)

    results.first.click()
    page.wait_for_url(re.compile(r"/\d{4}/\d{2}/[^/]+\.html$"))
    visitor.step(f"search result {word}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert word.lower() in page.locator("main").inner_text().lower(), f"the first result for {word} does not contain it"
    assert_no_problems(visitor)


def test_missing_page_is_the_sites_404(visitor) -> None:  # noqa: ANN001
    page = visitor.page
    missing = visitor.url("/2024/07/no-such-post.html")
    visitor.expected_missing.add(missing)
    response = visitor.goto("/2024/07/no-such-post.html", "missing page")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    # The 404 page is styled (its stylesheet loaded from the site root, not relative to the missing URL).
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    page.get_by_role("link", name="Go to the home page").click()
    page.wait_for_url(visitor.url("/"))
    visitor.step("home from the 404 page")
    assert_no_problems(visitor)
