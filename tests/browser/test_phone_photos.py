"""What a phone downloads for a post with five 12-megapixel photos, read to its end."""

from __future__ import annotations

import threading
from functools import partial
from http.server import ThreadingHTTPServer

import pytest

import sitekit
from browser.conftest import VIEWPORTS, SiteHandler

PHONE_BUDGET = 600 * 1024  # bytes of images for the whole post
POST = "/2024/07/five-photos.html"


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory):  # noqa: ANN201
    """A post with five different 4000 x 3000 camera JPEGs, built and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("photos")
    body = "\n\n".join(f"Paragraph {n} about the plant.\n\n![Photo {n}](images/photo-{n}.jpg)" for n in range(1, 6))
    site = sitekit.make_site(root, posts={"five.md": sitekit.post("Five photos", "2024-07-15", labels=["x"], body=body)},
                             files={f"images/photo-{n}.jpg": sitekit.photo_bytes(4000, 3000, seed=n) for n in range(1, 6)},
                             config=sitekit.DEFAULT_CONFIG + "search: false\n")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(site.output)))
    httpd.daemon_threads = True
    report = sitekit.build(site, base_url=f"http://127.0.0.1:{httpd.server_address[1]}/")
    assert report.warnings == ()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", site
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_phone_downloads_at_most_600_kb_of_photos_for_a_post_with_five(browser, photo_site) -> None:  # noqa: ANN001
    base, site = photo_site
    context = browser.new_context(**VIEWPORTS["phone"])
    page = context.new_page()
    images: dict[str, int] = {}
    page.on("response", lambda r: images.__setitem__(r.url, len(r.body()))
            if r.request.resource_type == "image" else None)
    try:
        page.goto(base + POST, wait_until="load")
        initially = set(images)
        # Read to the end: every photo comes into view and is loaded.
        for _ in range(40):
            page.mouse.wheel(0, 600)
            page.wait_for_timeout(100)
        page.wait_for_load_state("networkidle")
        shown = page.evaluate("""() => [...document.querySelectorAll('main img')].map(img => ({
            src: img.currentSrc, complete: img.complete, natural: img.naturalWidth,
            width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height}))""")
        assert len(shown) == 5 and all(img["complete"] and img["natural"] > 0 for img in shown), shown
        for img in shown:  # full width of the column, at the photo's aspect ratio
            assert abs(img["width"] - (390 - 32)) < 1 and abs(img["height"] / img["width"] - 0.75) < 0.01, img
        photos = {url: size for url, size in images.items() if "/images/photo-" in url}
        assert len(photos) == 5, photos  # one variant of each, no photo twice
        assert all("-800." in url for url in photos), photos  # 358 css px x 2 device px: the 800 px variant
        assert sum(photos.values()) <= PHONE_BUDGET, photos
        assert len(initially & set(photos)) < 5  # the later photos waited until they came near (lazy)

        page.locator("main img").first.click()  # opens the largest size
        page.wait_for_load_state("load")
        assert "/images/photo-1-1600." in page.url
    finally:
        context.close()
