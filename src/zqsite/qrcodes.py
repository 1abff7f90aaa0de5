"""QR codes as small inline SVG, made at build time (the one user of segno).

Nothing is loaded from another host and nothing needs JavaScript: a page holds its codes as
`<svg>` elements with one path of dark modules each.

segno encodes; the mask is chosen here. segno's own choice scores the eight masks module by
module in Python (about 5 ms a code, a minute of CPU for a 10,000-post site, one code a post
page); the same four penalty rules on whole symbols packed into one integer cost about 0.1 ms.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from markupsafe import Markup, escape

from zqsite import answers

# The encoder shapes every code: another segno may draw another, equally valid, symbol. Which
# segno is installed, without importing it (it imports urllib.request: 0.03 s of a rebuild).
LIBRARY_VERSION = f"segno at {answers.installed('segno')} (masks scored by zqsite, 1)"

QUIET_ZONE = 4  # modules of light margin on each side: the QR specification's minimum
MODULE_PX = 4  # CSS pixels per module: about 1 mm on a screen, for a phone held at arm's length
PAD = 4  # light modules packed around each line: the quiet zone the finder-like rule may use
MASKS = range(8)


@lru_cache(maxsize=512)  # a contact's codes are on many pages; a post's on its own
def qr_svg(text: str, label: str) -> Markup:
    """`text` as a QR code: an `<svg role="img">` whose `aria-label` is `label`.

    Error correction level L at least, raised as far as the smallest version that holds the
    text allows (segno's default), and the mask of the lowest penalty (`best_mask`). Text is
    encoded as UTF-8 bytes, as phones expect; black modules on the white that the style sheet
    gives the element, with the quiet zone inside it.
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
    # again without segno.
    packed, size = answers.answer(("qr symbol", text), lambda: _packed_symbol(text))
    return tuple(unpack(packed, size))


def _packed_symbol(text: str) -> tuple[int, int]:
    import segno

    code = segno.make_qr(text, encoding="utf-8", mask=0)
    matrix = [bytes(row) for row in code.matrix]
    rows, columns = pack(matrix), pack(transpose(matrix))
    row_deltas, column_deltas = mask_deltas(code.version, code.error)
    mask = best_mask([rows ^ delta for delta in row_deltas],
                     [columns ^ delta for delta in column_deltas], len(matrix))
    return rows ^ row_deltas[mask], len(matrix)


# --- symbols packed into one integer: each line PAD + n + PAD bits, light padding ------------

_BITS = bytes.maketrans(b"\x00\x01", b"01")
_MODULES = bytes.maketrans(b"01", b"\x00\x01")


def transpose(matrix: list[bytes]) -> list[bytes]:
    return [bytes(column) for column in zip(*matrix)]


def pack(lines: list[bytes]) -> int:
    pad = b"\x00" * PAD
    return int(b"".join(pad + line + pad for line in lines).translate(_BITS), 2)


def unpack(packed: int, n: int) -> list[bytes]:
    stride = n + 2 * PAD
    bits = format(packed, f"0{n * stride}b").encode("ascii").translate(_MODULES)
    return [bits[i * stride + PAD:i * stride + PAD + n] for i in range(n)]


@lru_cache(maxsize=64)
def mask_deltas(version: int, error: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """What turns the mask-0 symbol of this version and level into each mask's, rows and columns.

    Masking XORs the data modules with a fixed pattern and writes the mask's format bits: both
    depend on the version and the level only (ISO/IEC 18004 §7.8.2, §7.9; the positions as in
    Nayuki's qrcodegen). A test checks every mask against segno's own symbols.
    """
    n = 17 + 4 * version

    def both(grid: list[bytes]) -> tuple[int, int]:
        return pack(grid), pack(transpose(grid))

    data = both(_data_modules(version))
    patterns = [both(_pattern(rule, n)) for rule in _MASK_RULES]
    formats = [both(_format_modules(n, error, mask)) for mask in MASKS]
    deltas = [tuple(data[side] & (patterns[0][side] ^ patterns[mask][side]) ^ formats[0][side] ^ formats[mask][side]
                    for side in (0, 1)) for mask in MASKS]
    return tuple(rows for rows, _ in deltas), tuple(columns for _, columns in deltas)


def _pattern(rule: Callable[[int, int], bool], n: int) -> list[bytes]:
    """A mask's pattern over the whole symbol: every rule repeats every 12 rows and 6 columns."""
    tiles = [bytes(int(rule(i, j)) for j in range(6)) * (n // 6 + 1) for i in range(12)]
    return [tiles[i % 12][:n] for i in range(n)]


_MASK_RULES = (  # row i, column j: 1 where the mask inverts a data module
    lambda i, j: (i + j) % 2 == 0, lambda i, j: i % 2 == 0, lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0, lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0, lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}


def _data_modules(version: int) -> list[bytes]:
    """1 for every module that holds data (what masking touches), 0 for the function patterns."""
    n = 17 + 4 * version
    grid = [bytearray(b"\x01" * n) for _ in range(n)]

    def clear(top: int, left: int, height: int, width: int) -> None:
        for i in range(max(top, 0), min(top + height, n)):
            grid[i][max(left, 0):min(left + width, n)] = bytes(min(left + width, n) - max(left, 0))

    for top, left in ((0, 0), (0, n - 8), (n - 8, 0)):  # finders with their separators
        clear(top, left, 8, 8)
    clear(6, 0, 1, n)  # timing patterns
    clear(0, 6, n, 1)
    centres = _alignment_centres(version)
    for row in centres:
        for column in centres:
            if (row, column) not in ((6, 6), (6, n - 7), (n - 7, 6)):
                clear(row - 2, column - 2, 5, 5)
    clear(8, 0, 1, 9)  # format information (and the dark module below the top-right finder)
    clear(0, 8, 9, 1)
    clear(8, n - 8, 1, 8)
    clear(n - 8, 8, 8, 1)
    if version >= 7:  # version information
        clear(0, n - 11, 6, 3)
        clear(n - 11, 0, 3, 6)
    return [bytes(row) for row in grid]


def _alignment_centres(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    return [6] + sorted(17 + 4 * version - 7 - i * step for i in range(count - 1))


def _format_modules(n: int, error: str, mask: int) -> list[bytes]:
    """The 15 format bits of this level and mask where they are drawn (twice), 0 elsewhere."""
    value = _LEVEL_BITS[error] << 3 | mask
    remainder = value
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    bits = (value << 10 | remainder) ^ 0x5412
    grid = [bytearray(n) for _ in range(n)]
    places = ([(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
              + [(8, n - 1 - i) for i in range(8)] + [(n - 15 + i, 8) for i in range(8, 15)])
    for index, (row, column) in enumerate(places):
        grid[row][column] = bits >> index % 15 & 1
    return [bytes(row) for row in grid]


@lru_cache(maxsize=64)
def _masks(n: int) -> tuple[int, int, int]:
    """Bits of every module; of modules with a right neighbour in a line below another; of all."""
    pad = "0" * PAD
    modules = int((pad + "1" * n + pad) * n, 2)
    block_starts = int((pad + "0" * n + pad) + (pad + "0" + "1" * (n - 1) + pad) * (n - 1), 2)
    return modules, block_starts, (1 << (n * (n + 2 * PAD))) - 1


def best_mask(row_symbols: list[int], column_symbols: list[int], n: int) -> int:
    """The mask whose finished symbol has the lowest penalty (the lowest mask number on a tie)."""
    scores = [penalty(rows, columns, n) for rows, columns in zip(row_symbols, column_symbols)]
    return scores.index(min(scores))


def penalty(rows: int, columns: int, n: int) -> int:
    """ISO/IEC 18004 §7.8.3.1 on the finished symbol (format bits drawn, as ZXing and Nayuki's
    qrcodegen score it): N1 runs of five or more, N2 2×2 blocks, N3 finder-like 1011101 with four
    light modules before or after (outside the symbol is light), N4 balance of dark modules."""
    modules, block_starts, everything = _masks(n)
    stride = n + 2 * PAD
    score = 0
    for packed in (rows, columns):
        light = ~packed & modules  # padding is neither colour for runs
        for line in (packed, light):
            fives = line & line >> 1 & line >> 2 & line >> 3 & line >> 4
            score += fives.bit_count() + 2 * (fives & ~(fives << 1)).bit_count()  # 3 + (length - 5)
        light = ~packed & everything  # padding is light for the finder-like rule
        core = packed & light >> 1 & packed >> 2 & packed >> 3 & packed >> 4 & light >> 5 & packed >> 6
        fours = light & light >> 1 & light >> 2 & light >> 3
        score += 40 * (core & (fours << 4 | fours >> 7)).bit_count()
    same_below = ~(rows ^ rows >> stride)
    score += 3 * (same_below & same_below >> 1 & ~(rows ^ rows >> 1) & block_starts).bit_count()
    dark = rows.bit_count()
    return score + 10 * (abs(20 * dark - 10 * n * n) // (n * n))


def svg_path(rows: tuple[bytes, ...]) -> str:
    """The dark modules as horizontal strokes one module thick, pen moves relative (as segno's)."""
    parts = []
    pen_x, pen_y = 0, 0.5
    for y, row in enumerate(rows):
        for run in re.finditer(rb"\x01+", row):
            x, target_y = run.start() + QUIET_ZONE, y + QUIET_ZONE + 0.5
            if parts:
                parts.append(f"m{x - pen_x} {target_y - pen_y:g}h{run.end() - run.start()}")
            else:
                parts.append(f"M{x} {target_y:g}h{run.end() - run.start()}")
            pen_x, pen_y = x + run.end() - run.start(), target_y
    return "".join(parts)
