"""QR codes as small inline SVG, made at build time (the one user of segno).

Nothing is loaded from another host and nothing needs JavaScript: a page holds its codes as
`<svg>` elements with one path of dark modules each.
"""

from __future__ import annotations

import segno
from markupsafe import Markup, escape

# The encoder shapes every code: another segno may draw another, equally valid, symbol.
LIBRARY_VERSION = f"segno {segno.__version__}"

QUIET_ZONE = 4  # modules of light margin on each side: the QR specification's minimum
MODULE_PX = 4  # CSS pixels per module: about 1 mm on a screen, for a phone held at arm's length


def qr_svg(text: str, label: str) -> Markup:
    """`text` as a QR code: an `<svg role="img">` whose `aria-label` is `label`.

    Error correction level L at least, raised as far as the smallest version that holds the
    text allows (segno's default), and the mask the specification's penalty rules choose.
    Text is encoded as UTF-8 bytes, as phones expect; black modules on the white that the
    style sheet gives the element, with the quiet zone inside it.
    """
    code = segno.make_qr(text, encoding="utf-8")
    svg = code.svg_inline(border=QUIET_ZONE, omitsize=True, svgclass=None, lineclass=None,
                          dark="#000", light=None)
    modules = code.symbol_size(border=QUIET_ZONE)[0]
    opening = f'<svg viewBox="0 0 {modules} {modules}">'
    if not svg.startswith(opening):  # segno's output is relied on below
        raise RuntimeError(f"{LIBRARY_VERSION} wrote an unexpected SVG: {svg[:60]!r}")
    size = modules * MODULE_PX
    return Markup(f'<svg role="img" aria-label="{escape(label)}" width="{size}" height="{size}" '
                  f'viewBox="0 0 {modules} {modules}">') + Markup(svg[len(opening):])
