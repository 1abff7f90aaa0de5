"""QR codes as small inline SVG, made at build time (the symbols: `qrsymbol`).

Nothing is loaded from another host and nothing needs JavaScript: a page holds its codes as
`<svg>` elements with one path of dark modules each.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from zqsite import answers, qrsymbol

QUIET_ZONE = 4  # modules of light margin on each side: the QR specification's minimum
MODULE_PX = 4  # CSS pixels per module: about 1 mm on a screen, for a phone held at arm's length


@lru_cache(maxsize=512)  # a contact's codes are on many pages; a post's on its own
def qr_svg(text: str, label: str) -> Markup:
    """`text` as a QR code: an `<svg role="img">` whose `aria-label` is `label`.

    The symbol as `qrsymbol` makes it (error correction level L at least, raised as far as the
    smallest version that holds the text allows; the mask of the lowest penalty); black modules
    on the white that the style sheet gives the element, with the quiet zone inside it.
    """
    rows = symbol_rows(text)
    modules = len(rows) + 2 * QUIET_ZONE
    size = modules * MODULE_PX
    return Markup(f'<svg role="img" aria-label="{escape(label)}" width="{size}" height="{size}" '
                  f'viewBox="0 0 {modules} {modules}"><path stroke="#000" d="{svg_path(rows)}"/></svg>')


@lru_cache(maxsize=256)  # a contact's code in each language: one symbol, labelled in each
def symbol_rows(text: str) -> tuple[bytes, ...]:
    """The finished symbol of `text`, one `bytes` of 0 and 1 per row, with the best mask."""
    # Kept between builds packed (about 200 bytes a code): a rebuild draws a post's code
    # again without encoding it again.
    packed, size = answers.answer(("qr symbol", text), lambda: qrsymbol.symbol(text))
    return tuple(qrsymbol.unpack(packed, size))


def svg_path(rows: tuple[bytes, ...]) -> str:
    """The dark modules as horizontal strokes one module thick, pen moves relative."""
    parts = []
    pen_x, pen_y = 0, None
    for y, row in enumerate(rows):
        runs = _RUNS.findall(row)  # (light before, dark) of each dark run
        if not runs:
            continue
        light, dark = runs[0]
        x = QUIET_ZONE + len(light)
        if pen_y is None:
            parts.append(f"M{x} {y + QUIET_ZONE + 0.5:g}h{len(dark)}")
        else:
            parts.append(f"m{x - pen_x} {y - pen_y}h{len(dark)}")
        later = runs[1:]  # on the same row: the pen moves right by the light run before each
        gaps, lengths = [len(light) for light, _ in later], [len(dark) for _, dark in later]
        parts.append("".join(map("m{} 0h{}".format, gaps, lengths)))
        pen_x, pen_y = QUIET_ZONE + len(row.rstrip(b"\x00")), y
    return "".join(parts)


_RUNS = re.compile(rb"(\x00*)(\x01+)")
