"""QR codes in Chromium: shown on a desktop (1280 px) and on paper, hidden on a phone (390 px),
and what the desktop screen shows is what a phone's camera reads: the screenshot of each code,
decoded by zxing-cpp, holds the post's canonical address or the contact's vCard."""

from __future__ import annotations

import io

import vobject
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

RAIN_POST = "/2024/07/project-delayed-by-rain-zhaoqing-service.html"
RAIN_POST_ZH = "/2024/07/project-delayed-by-rain-zhaoqing-service-zh-hant.html"
BUREAU = "Investment Promotion Bureau of Sihui City"
CONSULTANT = "Investment consultant for Zhaoqing and Sihui"


def read_screen(locator) -> str:  # noqa: ANN001
    """The code as the screen shows it, read as a phone's camera would."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(locator.screenshot())).convert("L"))
    assert len(found) == 1, found
    return found[0].text


def test_codes_are_shown_on_a_desktop_and_hidden_on_a_phone(visitor) -> None:  # noqa: ANN001
    page = visitor.page
    for path in (RAIN_POST, "/contacts/"):
        visitor.goto(path)
        codes = page.locator(".qr-code")
        assert codes.count() >= (2 if path == RAIN_POST else 7), path
        for number in range(codes.count()):
            if visitor.device == "phone":
                expect(codes.nth(number)).to_be_hidden()
            else:
                expect(codes.nth(number)).to_be_visible()
    assert not visitor.problems(), "\n".join(visitor.problems())


def test_a_desktop_screen_shows_codes_a_phone_reads(visitor) -> None:  # noqa: ANN001
    if visitor.device == "phone":
        return  # hidden there (test above)
    page = visitor.page
    for path in (RAIN_POST, RAIN_POST_ZH):
        visitor.goto(path)
        canonical = page.locator("link[rel=canonical]").get_attribute("href")
        assert canonical == visitor.url(path)
        assert read_screen(page.locator(".post-footer .qr-code svg")) == canonical
    card = vobject.readOne(read_screen(page.locator(".contact-card .qr-code svg").first))
    assert card.fn.value == BUREAU and card.org.value == [BUREAU]
    assert [t.value for t in card.contents["tel"]] == ["+86 758 3611228", "+86 758 3611188"]
    visitor.goto("/contacts/")
    consultant = page.locator(".contact-card", has_text=CONSULTANT).locator(".qr-code svg")
    expect(consultant).to_have_count(2)
    person = vobject.readOne(read_screen(consultant.nth(0)))
    assert person.fn.value == CONSULTANT and person.tel.value == "+852 67274664"  # the WhatsApp number
    assert read_screen(consultant.nth(1)) == "+86 13143984664"  # the WeChat id, as plain text
    style = page.locator(".qr-code svg").first.evaluate(
        "svg => [getComputedStyle(svg).backgroundColor, getComputedStyle(svg.querySelector('path')).stroke]")
    assert style == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    assert not visitor.problems(), "\n".join(visitor.problems())


def test_each_code_is_announced_once_by_what_it_holds(visitor) -> None:  # noqa: ANN001
    page = visitor.page
    visitor.goto("/contacts/")
    label = f"QR code: save the contact {BUREAU}"
    images = page.get_by_role("img", name=label, exact=True)
    if visitor.device == "phone":
        expect(images).to_have_count(0)  # not shown, not announced
        return
    expect(images).to_have_count(1)
    tree = page.locator(".contact-card").first.aria_snapshot()
    assert tree.count("QR code") == 1, tree  # the <svg>'s label only: no title, no caption repeating it
    assert tree.count("Scan with your phone's camera") == 1, tree
    expect(page.get_by_role("img", name="QR code: the WeChat ID +86 13143984664", exact=True)).to_have_count(1)
    visitor.goto(RAIN_POST)
    expect(page.get_by_role("img", name=f"QR code: the address of this post, {visitor.url(RAIN_POST)}",
                            exact=True)).to_have_count(1)
    assert not visitor.problems(), "\n".join(visitor.problems())


def test_codes_are_printed_from_any_screen(visitor) -> None:  # noqa: ANN001
    # Paper has no camera either: a printed post carries its code, a phone's print too.
    page = visitor.page
    visitor.goto(RAIN_POST)
    page.emulate_media(media="print")
    expect(page.locator(".post-footer .qr-code")).to_be_visible()
    expect(page.locator(".contact-card .qr-code").first).to_be_visible()
    assert page.locator(".post-footer .qr-code").evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert not visitor.problems(), "\n".join(visitor.problems())
