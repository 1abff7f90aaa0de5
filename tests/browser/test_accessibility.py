"""Accessibility of the real site in Chromium, on a phone and a desktop: axe-core finds no
serious or critical violation (colour contrast included), every page has one h1, one main
landmark and alt text on its images, and keyboard focus is visible."""

from __future__ import annotations

import json

import pytest

PAGES = {
    "home": "/",
    "label": "/label/dasha/",
    "post": "/2024/07/project-delayed-by-rain-zhaoqing-service.html",
    "post-zh-Hant": "/2024/07/project-delayed-by-rain-zhaoqing-service-zh-hant.html",
    "post-ja": "/2023/10/nanfang-daily-zhaoqing-cluster-big-platform-ja.html",
    "month": "/2024/07/",
    "archive": "/archive/",
    "label-ja": "/ja/label/dasha/",
    "month-ja": "/ja/2023/10/",
    "archive-ja": "/ja/archive/",
    "page-ja": "/ja/p/about.html",
    "contacts": "/contacts/",
    "search": "/search/?q=rainfall",
    "not-found": "/no-such-page.html",
}

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
    count: v.nodes.length,
  }));
}"""

_STRUCTURE = """() => ({
  h1: Array.from(document.querySelectorAll('h1')).map(h => h.textContent.trim()),
  mains: document.querySelectorAll('main, [role=main]').length,
  lang: document.documentElement.getAttribute('lang') || '',
  imagesWithoutAlt: Array.from(document.querySelectorAll('img:not([alt])')).map(i => i.getAttribute('src')),
  title: document.title,
})"""

# What the focused element shows: an outline or a box shadow of nonzero width.
_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const shadow = s.boxShadow && s.boxShadow !== 'none' && /\\d*[1-9]\\d*(\\.\\d+)?px/.test(s.boxShadow);
  return {
    what: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().replace(/\\s+/g, '.') : '')
          + ' ' + JSON.stringify((el.textContent || el.getAttribute('placeholder') || '').trim().slice(0, 40)),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
    outlineText: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
    shadow: Boolean(shadow),
    onScreen: r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0
              && r.left < window.innerWidth && r.top < window.innerHeight,
  };
}"""


def _open(visitor, path: str) -> None:  # noqa: ANN001
    if path == PAGES["not-found"]:
        visitor.expected_missing.add(visitor.url(path))
    visitor.goto(path, "home" if path == "/" else path)
    if path.startswith("/search/"):  # wait for the results, so that axe sees them too
        visitor.page.locator("#search-results ol.search-results li a").first.wait_for(timeout=20_000)


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_axe_finds_no_serious_violation(visitor, axe_source, path) -> None:  # noqa: ANN001
    _open(visitor, path)
    page = visitor.page
    page.add_script_tag(path=str(axe_source))
    violations = page.evaluate(_AXE_RUN)
    bad = [v for v in violations if v["impact"] in ("serious", "critical") or v["id"] == "color-contrast"]
    assert not bad, f"axe-core on {path} ({visitor.device}):\n" + json.dumps(bad, indent=1, ensure_ascii=False)
    assert not visitor.problems(), "\n".join(visitor.problems())


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_page_structure(visitor, path) -> None:  # noqa: ANN001
    _open(visitor, path)
    found = visitor.page.evaluate(_STRUCTURE)
    assert len(found["h1"]) == 1, f"{path}: {len(found['h1'])} h1 elements: {found['h1']}"
    assert found["h1"][0], f"{path}: the h1 is empty"
    assert found["mains"] == 1, f"{path}: {found['mains']} main landmarks"
    assert found["lang"], f"{path}: <html> has no lang"
    assert not found["imagesWithoutAlt"], f"{path}: images without alt: {found['imagesWithoutAlt']}"
    assert found["title"].strip(), f"{path}: no <title>"


@pytest.mark.parametrize("path", [PAGES["home"], PAGES["post"], PAGES["contacts"]], ids=["home", "post", "contacts"])
def test_keyboard_focus_is_visible(visitor, path) -> None:  # noqa: ANN001
    _open(visitor, path)
    page = visitor.page
    seen = []
    for stop in range(1, 13):
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS)
        assert focus is not None, f"{path}: Tab number {stop} focused nothing"
        seen.append(focus["what"])
        assert focus["outline"] or focus["shadow"], (
            f"{path}: Tab number {stop} focuses {focus['what']} without a visible outline or box shadow "
            f"(outline: {focus['outlineText']})")
        assert focus["onScreen"], f"{path}: Tab number {stop} focuses {focus['what']}, which is off the screen"
        if stop == 1:
            assert "skip-link" in focus["what"], f"{path}: the first Tab does not reach the skip link: {focus['what']}"
            visitor.step("skip link focused")
    # The skip link leads to the main content.
    page.keyboard.press("Shift+Tab")
    page.keyboard.down("Shift")
    for _ in range(10):
        page.keyboard.press("Tab")
    page.keyboard.up("Shift")
    assert "skip-link" in page.evaluate(_FOCUS)["what"]
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert not visitor.problems(), "\n".join(visitor.problems())
