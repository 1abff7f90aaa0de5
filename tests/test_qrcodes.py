"""QR codes: every code the build writes is read back as a phone would read it (the SVG drawn to
pixels by resvg at its size on a screen, decoded by zxing-cpp) and holds what it should:
a post's canonical address, a contact's vCard (parsed by vobject and compared with the
contact's fields), a WeChat id."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import resvg_py
import vobject
import zxingcpp
from PIL import Image

from sitekit import has_class, post, page, parse_html, site_pages
from zqsite.models import Contact
from zqsite import qrcodes, qrsymbol
from zqsite.qrcodes import MODULE_PX, QUIET_ZONE, qr_svg
from zqsite.vcard import vcard_for_qr

BASE_URL = "https://example.org/blog/"
CONFIG = f"""\
title: "Test Blog"
base_url: "{BASE_URL}"
default_language: en
posts_per_page: 2
"""
CONTACTS = """\
sihui-bureau:
  name: "Investment Promotion Bureau of Sihui City"
  note: "Sihui City; key city for foreign investment"
  address: "3F, Administrative Center, Dongcheng Street, Sihui City, Guangdong Province, China"
  tel: "0086-758-3611228"
  fax: "0086-758-3611188"
  email: "invest@sihui.example.cn"
  website: "https://sihui.example.cn/"
consultant:
  kind: "person"
  name: "Investment consultant for Zhaoqing and Sihui"
  whatsapp: "+852 67274664"
  wechat: "+86 13143984664"
zh-bureau:
  name: "四会市投资促进局"
  address: "广东省四会市东城街道行政中心三楼"
  tel: "0758-3611228"
"""
# What a phone should save from each contact's code: (property, value) pairs, and the name.
EXPECTED = {
    "Investment Promotion Bureau of Sihui City": {
        "org": "Investment Promotion Bureau of Sihui City",
        "adr": "3F, Administrative Center, Dongcheng Street, Sihui City, Guangdong Province, China",
        "tel": [("+86 758 3611228", {"WORK", "VOICE"}), ("+86 758 3611188", {"WORK", "FAX"})],
        "email": "invest@sihui.example.cn", "url": "https://sihui.example.cn/", "note": None,
    },
    "Investment consultant for Zhaoqing and Sihui": {
        "org": None, "adr": None, "tel": [("+852 67274664", {"CELL"})],  # the WhatsApp number
        "email": None, "url": None, "note": "WeChat: +86 13143984664",
    },
    "四会市投资促进局": {
        "org": "四会市投资促进局", "adr": "广东省四会市东城街道行政中心三楼",
        "tel": [("+86 758 3611228", {"WORK", "VOICE"})], "email": None, "url": None, "note": None,
    },
    "Dasha park office": {  # a one-off contact written in a post
        "org": "Dasha park office", "adr": None, "tel": [("+86 758 1234567", {"WORK", "VOICE"})],
        "email": None, "url": None, "note": None,
    },
    "Gaoyao desk": {"org": "Gaoyao desk", "adr": None, "tel": [("+86 758 7654321", {"WORK", "VOICE"})],
                    "email": None, "url": None, "note": None},
}
_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)


@dataclass(frozen=True)
class Code:
    page: str  # the page's path in the output
    label: str  # its aria-label
    caption: str  # the visible line under it
    text: str  # what it decodes to
    svg: str


def as_file(svg: str) -> str:
    """An inline <svg> (HTML needs no namespace) as an SVG document."""
    return svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)


def decode(svg: str) -> str:
    """What a reader gets from the code drawn at its size on a screen (MODULE_PX per module)."""
    width = int(re.search(r'\bwidth="(\d+)"', svg).group(1))
    png = resvg_py.svg_to_bytes(svg_string=as_file(svg), width=width, height=width,
                                background="#ffffff")  # the style sheet's white
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode, (found, svg[:200])
    return found[0].text


def codes_of(path: Path, output: Path) -> list[Code]:
    """Every QR code of a page: the raw <svg> (an HTML parser would lower-case viewBox)."""
    raw = [m.group(0) for m in _SVG.finditer(path.read_text(encoding="utf-8")) if 'role="img"' in m.group(0)]
    boxes = parse_html(path).xpath(f"//*[{has_class('qr-code')}]")
    assert len(boxes) == len(raw), path
    found = []
    for box, svg in zip(boxes, raw):
        element = box.xpath("./svg")[0]
        caption = box.xpath(f"./p[{has_class('qr-caption')}]")
        found.append(Code(path.relative_to(output).as_posix(), element.get("aria-label"),
                          caption[0].text_content().strip() if caption else "", decode(svg), svg))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import sitekit

    tmp = tmp_path_factory.mktemp("qr")
    one_off = {"name": "Dasha park office", "tel": "0758-1234567"}
    posts = {
        "a.md": post("Rain and the Dasha park", "2024-07-15T21:41:00+08:00", labels=["dasha"],
                     contacts=["sihui-bureau", "consultant"], slug="rain-dasha"),
        "b.md": post("A one-off office", "2024-06-01", labels=["dasha"], contacts=[one_off], slug="one-off"),
        "c.md": post("Another one-off office", "2024-05-01", labels=["dasha"],
                     contacts=[{"name": "Gaoyao desk", "tel": "0758-7654321"}], slug="other-one-off"),
        "d.ja.md": post("大沙の雨", "2024-07-16", labels=["dasha"], language="ja", translation_of="rain-dasha",
                        contacts=["zh-bureau"]),
        "e.md": post("Plain news", "2024-04-01", labels=["news"], slug="plain-news"),
    }
    site = sitekit.make_site(tmp, posts=posts, contacts=CONTACTS, config=CONFIG,
                             pages={"about.md": page("About us", contacts=["consultant"])})
    report = sitekit.build(site)
    assert not report.warnings, report.warnings
    codes = [code for path in site_pages(site.output) for code in codes_of(path, site.output)]
    return site, codes


def test_every_post_page_has_a_code_of_its_canonical_address_under_the_base_path(built):
    site, codes = built
    posts = {"2024/07/rain-dasha.html", "2024/06/one-off.html", "2024/05/other-one-off.html",
             "2024/07/rain-dasha-ja.html", "2024/04/plain-news.html"}
    for rel in posts:
        doc = parse_html(site.output / rel)
        canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
        assert canonical == BASE_URL + rel
        mine = [c for c in codes if c.page == rel and c.text.startswith("https://")]
        assert [c.text for c in mine] == [canonical], rel
    english = next(c for c in codes if c.page == "2024/07/rain-dasha.html" and c.text.startswith("https://"))
    assert english.label == f"QR code: the address of this post, {BASE_URL}2024/07/rain-dasha.html"
    assert english.caption == "Read on your phone / share in WeChat"
    japanese = next(c for c in codes if c.page == "2024/07/rain-dasha-ja.html" and c.text.startswith("https://"))
    assert japanese.caption == "スマートフォンで読む / WeChat で共有"  # in the page's language
    assert japanese.label.startswith("QR コード")


def test_contact_codes_hold_vcards_a_phone_saves_with_the_contacts_fields(built):
    _, codes = built
    cards = [c for c in codes if c.text.startswith("BEGIN:VCARD")]
    seen = set()
    for code in cards:
        card = vobject.readOne(code.text)
        assert card.version.value == "3.0"  # what Android's Contacts app imports (see vcard.py)
        name = card.fn.value
        expected = EXPECTED[name]
        seen.add(name)
        assert code.label in (f"QR code: save the contact {name}", f"QR コード：連絡先 {name} を保存")
        org = card.contents.get("org")
        assert (org[0].value[0] if org else None) == expected["org"]
        adr = card.contents.get("adr")
        assert (adr[0].value.street if adr else None) == expected["adr"]
        phones = [(tel.value, set(tel.params.get("TYPE", []))) for tel in card.contents.get("tel", [])]
        assert phones == expected["tel"], name
        for key in ("email", "url", "note"):
            value = card.contents.get(key)
            assert (value[0].value if value else None) == expected[key], (name, key)
    assert seen == set(EXPECTED)


def test_a_wechat_id_is_a_second_code_of_plain_text(built):
    _, codes = built
    wechat = [c for c in codes if c.text == "+86 13143984664"]
    # the post, the About page and /contacts/ show the consultant's card
    assert {c.page for c in wechat} == {"2024/07/rain-dasha.html", "p/about.html", "contacts/index.html"}
    for code in wechat:
        assert code.label == "QR code: the WeChat ID +86 13143984664"
        assert "Add Contacts" in code.caption


def test_list_pages_show_no_codes(built):
    site, codes = built
    assert not [c for c in codes if c.page in ("index.html", "label/dasha/index.html", "2024/index.html")]
    assert {c.page for c in codes} >= {"contacts/index.html", "p/about.html"}


def test_one_off_contacts_of_two_posts_have_their_own_codes(built):
    _, codes = built  # both are the first one-off contact of their post ("inline-1")
    for rel, name in (("2024/06/one-off.html", "Dasha park office"), ("2024/05/other-one-off.html", "Gaoyao desk")):
        assert [vobject.readOne(c.text).fn.value for c in codes if c.page == rel and c.text.startswith("BEGIN")] == [name]


def test_every_code_is_black_on_white_with_a_four_module_quiet_zone(built):
    _, codes = built
    assert len(codes) > 15
    for code in codes:
        modules = int(re.search(r'viewBox="0 0 (\d+) \1"', code.svg).group(1))
        assert f'width="{modules * MODULE_PX}"' in code.svg
        assert code.svg.count("<path") == 1 and 'stroke="#000"' in code.svg
        png = resvg_py.svg_to_bytes(svg_string=as_file(code.svg), width=modules, height=modules,
                                    background="#ffffff")
        image = Image.open(io.BytesIO(png)).convert("L")
        dark = [(x, y) for y in range(modules) for x in range(modules) if image.getpixel((x, y)) < 128]
        assert min(x for x, _ in dark) == min(y for _, y in dark) == QUIET_ZONE  # the finder patterns' corner
        assert max(x for x, _ in dark) == max(y for _, y in dark) == modules - 1 - QUIET_ZONE


def test_the_qr_vcard_escapes_and_does_not_fold():
    contact = Contact("x", "Bureau; \"East\", Zhaoqing " + "long " * 20, address="Road 1; Building 2, Floor 3",
                      tel="0758-1", fax="not a number", kind="organization")
    text = vcard_for_qr(contact)
    assert "\r\n " not in text and text.endswith("END:VCARD\r\n")
    card = vobject.readOne(text)
    assert card.fn.value == contact.name and card.org.value == [contact.name]
    assert card.adr.value.street == "Road 1; Building 2, Floor 3"
    assert [t.value for t in card.contents["tel"]] == ["+86 758 1"]  # text that is no number is left out


def test_a_label_is_escaped_and_the_code_is_one_svg():
    svg = qr_svg("https://example.org/?a=1&b=2", 'QR code: "Sihui" & <Dasha>')
    assert svg.startswith('<svg role="img" aria-label="QR code: &#34;Sihui&#34; &amp; &lt;Dasha&gt;"')
    assert decode(str(svg)) == "https://example.org/?a=1&b=2"
    assert lxml.html.fromstring(str(svg)).get("aria-label") == 'QR code: "Sihui" & <Dasha>'


# --- the symbols: zqsite's encoder (qrsymbol) against segno's ----------------------------

TEXTS = ["https://example.org/blog/2024/07/sihui-dasha-industrial-park.html", "四会市投资促进局 " * 6,
         "WIFI:S:x;;", "a" * 300, vcard_for_qr(Contact("x", "Bureau of Sihui City", tel="0758-3611228")),
         "12345", "0" * 3000, "HELLO WORLD", "+86 13143984664", "HTTPS://EXAMPLE.ORG/" * 40, "A" * 4296,
         "€" * 984]  # numeric, alphanumeric, and the largest symbols (version 40) of each mode


def segno_data(version: int, level: str, bits: str) -> bytes:
    """The data codewords of this bit stream as segno writes them: a stream that ends on a byte
    boundary gets one more zero byte before the pad codewords (segno 1.6's padding; §7.4.10
    adds none, as qrsymbol does: both read back the same)."""
    bits += "0" * (8 - len(bits) % 8)
    capacity = qrsymbol._data_codewords(version, level)
    data = int(bits, 2).to_bytes(len(bits) // 8, "big")[:capacity]
    return data + (b"\xec\x11" * capacity)[:capacity - len(data)]


def test_the_error_correction_tables_are_segnos():
    import segno.consts
    for version in range(1, 41):
        for level in "LMQH":
            blocks = segno.consts.ECC[version][segno.consts.ERROR_MAPPING[level]]
            i = qrsymbol.LEVELS.index(level)
            assert qrsymbol._BLOCKS[i][version] == sum(block.num_blocks for block in blocks)
            assert qrsymbol._ECC_PER_BLOCK[i][version] == blocks[0].num_total - blocks[0].num_data
            assert qrsymbol._data_codewords(version, level) == sum(b.num_blocks * b.num_data for b in blocks)


def random_texts() -> list[str]:
    import random
    randomness = random.Random(11)
    return ["".join(randomness.choice(alphabet) for _ in range(randomness.randint(1, length)))
            for alphabet, length in [("abcXYZ 0123/:é中", 1500), ("0123456789", 7000),
                                     (qrsymbol._ALPHANUMERIC, 4000)] for _ in range(12)]


@pytest.mark.parametrize("text", TEXTS + random_texts())
def test_each_mask_gives_the_symbol_segno_draws_with_that_mask(text):
    import segno
    version, level, bits = qrsymbol.bit_stream(text)
    code = segno.make_qr(text, encoding="utf-8", mask=0)
    assert (code.version, code.error, code.mode) == (version, level, code.mode)
    rows, columns = qrsymbol.unmasked(version, level, segno_data(version, level, bits))
    row_deltas, column_deltas = qrsymbol.mask_deltas(version, level)
    for mask in range(8):
        expected = [bytes(row) for row in segno.make_qr(text, encoding="utf-8", mask=mask).matrix]
        assert qrsymbol.unpack(rows ^ row_deltas[mask], len(expected)) == expected
        assert columns ^ column_deltas[mask] == qrsymbol.pack(qrsymbol.transpose(expected))


@pytest.mark.parametrize("version", [1, 2, 6, 7, 21, 32, 40])
def test_every_version_and_level_is_laid_out_as_segno_does(version):
    import segno
    width = 10 if version < 10 else 12 if version < 27 else 14
    for level in "LMQH":
        bits = "0001" + format(1, f"0{width}b") + "0000" + "0000"  # "0", numeric, and the terminator
        rows, _ = qrsymbol.unmasked(version, level, segno_data(version, level, bits))
        deltas, _ = qrsymbol.mask_deltas(version, level)
        for mask in range(8):
            expected = [bytes(row) for row in segno.make_qr("0", version=version, error=level, mask=mask,
                                                            boost_error=False).matrix]
            assert qrsymbol.unpack(rows ^ deltas[mask], len(expected)) == expected


def test_a_stream_that_ends_on_a_byte_boundary_gets_the_pad_codewords_right_after_it():
    version, level, bits = qrsymbol.bit_stream("wxid_abc")  # byte mode: always a whole number of bytes
    assert len(bits) % 8 == 0
    assert qrsymbol._encode("wxid_abc")[2] == int(bits, 2).to_bytes(len(bits) // 8, "big") + b"\xec\x11\xec"


def test_a_text_too_long_for_a_qr_code_is_refused():
    qrsymbol.symbol("a" * 2953)
    with pytest.raises(ValueError, match="too long"):
        qrsymbol.symbol("a" * 2954)


def plain_penalty(matrix: list[bytes]) -> int:
    """The four rules of ISO/IEC 18004 §7.8.3.1 written out module by module (as ZXing's MaskUtil)."""
    n = len(matrix)
    columns = [bytes(column) for column in zip(*matrix)]
    score = 0
    for line in matrix + columns:
        run = 1
        for i in range(1, n + 1):
            if i < n and line[i] == line[i - 1]:
                run += 1
                continue
            if run >= 5:
                score += 3 + run - 5
            run = 1
        for i in range(n - 6):
            if list(line[i:i + 7]) == [1, 0, 1, 1, 1, 0, 1]:
                before = all(line[j] == 0 for j in range(i - 4, i) if 0 <= j < n)
                after = all(line[j] == 0 for j in range(i + 7, i + 11) if 0 <= j < n)
                score += 40 if before or after else 0
    for y in range(n - 1):
        for x in range(n - 1):
            if matrix[y][x] == matrix[y][x + 1] == matrix[y + 1][x] == matrix[y + 1][x + 1]:
                score += 3
    dark = sum(sum(row) for row in matrix)
    return score + 10 * (abs(dark * 2 - n * n) * 10 // (n * n))


def test_the_packed_penalty_is_the_rules_written_out():
    import random
    randomness = random.Random(7)
    matrices = [[bytes(randomness.random() < share for _ in range(n)) for _ in range(n)]
                for n, share in [(21, 0.5), (25, 0.2), (29, 0.8), (33, 0.5), (57, 0.5)] for _ in range(6)]
    matrices.append([bytes([1, 0, 1, 1, 1, 0, 1] + [0] * 14) for _ in range(21)])  # finders at the edge
    for matrix in matrices:
        packed = qrsymbol.pack(matrix), qrsymbol.pack(qrsymbol.transpose(matrix))
        assert qrsymbol.penalty(*packed, len(matrix)) == plain_penalty(matrix)


@pytest.mark.parametrize("text", TEXTS)
def test_the_code_has_the_mask_of_the_lowest_penalty_and_every_mask_reads_back(text):
    version, level, data = qrsymbol._encode(text)
    rows, _ = qrsymbol.unmasked(version, level, data)
    symbols = [qrsymbol.unpack(rows ^ delta, 17 + 4 * version) for delta in qrsymbol.mask_deltas(version, level)[0]]
    penalties = [plain_penalty(symbol) for symbol in symbols]
    assert list(qrcodes.symbol_rows(text)) == symbols[penalties.index(min(penalties))]
    assert decode(str(qr_svg(text, "code"))) == text
    if len(text) < 500:  # a phone reads the symbol of any mask (decoding the large ones takes long)
        for symbol in symbols:
            assert decode(svg_of(symbol)) == text


def svg_of(rows: list[bytes]) -> str:
    modules = len(rows) + 2 * QUIET_ZONE
    return (f'<svg width="{modules * MODULE_PX}" height="{modules * MODULE_PX}" viewBox="0 0 {modules} {modules}">'
            f'<path stroke="#000" d="{qrcodes.svg_path(tuple(rows))}"/></svg>')


def test_the_path_draws_each_run_of_dark_modules_once():
    rows = (b"\x00\x01\x01\x00\x01", b"\x00\x00\x00\x00\x00", b"\x01\x00\x00\x00\x01")
    assert qrcodes.svg_path(rows) == "M5 4.5h2m1 0h1m-5 2h1m3 0h1"
