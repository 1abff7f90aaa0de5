"""QR code symbols (ISO/IEC 18004, model 2): text to dark and light modules, the mask chosen.

Written here for speed. Every post page has a code, and segno (module by module in Python)
took about 1.9 ms to encode one of this blog's addresses and 5 ms to choose its mask: a minute
of CPU in a cold 10,000-post build. Here the layout of each version is worked out once per
process, and a symbol is laid out by one gather, masked and scored as whole integers. The
tests compare every symbol with segno's, for all eight masks.

A symbol is kept packed into one integer: each row is PAD + n + PAD bits, the first row in the
most significant bits, 1 for a dark module. The modes are segno's choice: numeric when the
text is all digits, alphanumeric when it is all in that mode's 45 characters, else UTF-8 bytes
(no ECI header, as phones expect); error correction level L at least, raised as far as the
smallest version that holds the text allows.
"""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter
from typing import Callable

PAD = 4  # light modules packed around each line: the quiet zone the finder-like rule may use
MASKS = range(8)
LEVELS = "LMQH"
_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}
_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALPHANUMERIC_VALUES = {c: i for i, c in enumerate(_ALPHANUMERIC)}

# Per level (L, M, Q, H), per version 1-40: error correction codewords of each block, and the
# number of blocks (ISO/IEC 18004 table 9; index 0 unused).
_ECC_PER_BLOCK = (
    (0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26,
     28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    (0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28,
     28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    (0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30,
     28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    (0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30,
     30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
)
_BLOCKS = (
    (0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16,
     17, 18, 19, 19, 20, 21, 22, 24, 25),
    (0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28,
     29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    (0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35,
     38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    (0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40,
     42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
)


def symbol(text: str) -> tuple[int, int]:
    """The finished symbol of `text` with the mask of the lowest penalty: (packed rows, size).
    ValueError if the text does not fit in a QR code (2,953 bytes at most)."""
    return finished(*_encode(text))


def finished(version: int, level: str, data: bytes) -> tuple[int, int]:
    """The symbol of these data codewords, error correction added, the best mask applied."""
    n = 17 + 4 * version
    rows, columns = unmasked(version, level, data)
    row_deltas, column_deltas = mask_deltas(version, level)
    mask = best_mask([rows ^ delta for delta in row_deltas], [columns ^ delta for delta in column_deltas], n)
    return rows ^ row_deltas[mask], n


def unmasked(version: int, level: str, data: bytes) -> tuple[int, int]:
    """The symbol before masking (format bits light), packed by rows and by columns."""
    rows_from, columns_from = _layout(version)
    bits = format(int.from_bytes(_codewords(data, version, level), "big"), f"0{8 * _raw_codewords(version)}b")
    source = bits.encode("ascii") + b"01"  # the codewords' bits, then a light and a dark module
    return int(bytes(rows_from(source)), 2), int(bytes(columns_from(source)), 2)


# --- the data: segments, version and level, codewords ----------------------------------------

def _encode(text: str) -> tuple[int, str, bytes]:
    """The smallest version that holds `text`, the highest level it allows, the data codewords."""
    version, level, bits = bit_stream(text)
    bits += "0" * (-len(bits) % 8)
    padding = _data_codewords(version, level) - len(bits) // 8
    return version, level, int(bits, 2).to_bytes(len(bits) // 8, "big") + (b"\xec\x11" * padding)[:padding]


def bit_stream(text: str) -> tuple[int, str, str]:
    """Version, level, and the bits of mode, count, data and terminator (§7.4), as 0 and 1."""
    if text.isascii() and text.isdigit():
        mode, count_bits, count = 0b0001, (10, 12, 14), len(text)
        payload = "".join(format(int(text[i:i + 3]), ("04b", "07b", "010b")[len(text[i:i + 3]) - 1])
                          for i in range(0, len(text), 3))
    elif all(c in _ALPHANUMERIC_VALUES for c in text):
        mode, count_bits, count = 0b0010, (9, 11, 13), len(text)
        values = [_ALPHANUMERIC_VALUES[c] for c in text]
        payload = "".join(format(45 * values[i] + values[i + 1], "011b") if i + 1 < len(values)
                          else format(values[i], "06b") for i in range(0, len(values), 2))
    else:
        raw = text.encode("utf-8")
        mode, count_bits, count = 0b0100, (8, 16, 16), len(raw)
        payload = format(int.from_bytes(raw, "big"), f"0{8 * len(raw)}b") if raw else ""
    for version in range(1, 41):
        width = count_bits[0 if version < 10 else 1 if version < 27 else 2]
        used = 4 + width + len(payload)
        if count < 1 << width and used <= 8 * _data_codewords(version, "L"):
            break
    else:
        raise ValueError(f"too long for a QR code ({count} characters or bytes)")
    level = [lv for lv in LEVELS if used <= 8 * _data_codewords(version, lv)][-1]
    bits = format(mode, "04b") + format(count, f"0{width}b") + payload
    return version, level, bits + "0" * min(4, 8 * _data_codewords(version, level) - used)


def _raw_codewords(version: int) -> int:
    """Codewords the version holds: its modules less the function patterns, over 8."""
    modules = (16 * version + 128) * version + 64
    if version >= 2:
        count = version // 7 + 2
        modules -= (25 * count - 10) * count - 55
        if version >= 7:
            modules -= 36
    return modules // 8


def _data_codewords(version: int, level: str) -> int:
    i = LEVELS.index(level)
    return _raw_codewords(version) - _ECC_PER_BLOCK[i][version] * _BLOCKS[i][version]


def _codewords(data: bytes, version: int, level: str) -> bytes:
    """The data split into blocks, each block's error correction, interleaved (§7.6)."""
    i = LEVELS.index(level)
    blocks, ecc = _BLOCKS[i][version], _ECC_PER_BLOCK[i][version]
    raw = _raw_codewords(version)
    short_blocks, short_length = blocks - raw % blocks, raw // blocks - ecc
    pieces, start = [], 0
    for b in range(blocks):
        length = short_length + (b >= short_blocks)
        pieces.append(data[start:start + length])
        start += length
    out = bytearray()
    for k in range(short_length + 1):
        out.extend(piece[k] for piece in pieces if k < len(piece))
    corrections = [_remainder(piece, ecc) for piece in pieces]
    for k in range(ecc):
        out.extend(correction[k] for correction in corrections)
    return bytes(out)


def _remainder(data: bytes, degree: int) -> bytes:
    """Reed-Solomon error correction of `data`: its remainder by the generator polynomial,
    the polynomial held as one integer, a byte per coefficient."""
    products = _generator_products(degree)
    top, keep = 8 * (degree - 1), (1 << 8 * degree) - 1
    remainder = 0
    for byte in data:
        remainder = (remainder << 8 & keep) ^ products[remainder >> top ^ byte]
    return remainder.to_bytes(degree, "big")


@lru_cache(maxsize=None)
def _generator_products(degree: int) -> tuple[int, ...]:
    """The generator polynomial of `degree` (roots 2^0 … 2^(degree-1) in GF(256), leading 1
    left out) times each byte value, packed as `_remainder` holds it."""
    exp, log = _galois_tables()

    def multiply(x: int, y: int) -> int:
        return exp[log[x] + log[y]] if x and y else 0

    divisor = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            divisor[j] = multiply(divisor[j], root)
            if j + 1 < degree:
                divisor[j] ^= divisor[j + 1]
        root = multiply(root, 2)
    return tuple(int.from_bytes(bytes(multiply(c, f) for c in divisor), "big") for f in range(256))


@lru_cache(maxsize=1)
def _galois_tables() -> tuple[list[int], list[int]]:
    exp, log = [0] * 512, [0] * 256
    value = 1
    for power in range(255):
        exp[power] = exp[power + 255] = value
        log[value] = power
        value = value << 1 ^ (0x11D if value & 0x80 else 0)
    return exp, log


# --- the layout: function patterns, where each data bit goes ---------------------------------

@lru_cache(maxsize=64)
def _function_modules(version: int) -> tuple[list[bytes], list[bytes]]:
    """Which modules are function patterns (format areas included), and which of them are dark
    (format bits left light: each mask's delta draws them)."""
    n = 17 + 4 * version
    function, dark = [bytearray(n) for _ in range(n)], [bytearray(n) for _ in range(n)]

    def put(row: int, column: int, is_dark: bool) -> None:
        function[row][column], dark[row][column] = 1, is_dark

    for i in range(n):  # timing patterns
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for top, left in ((3, 3), (3, n - 4), (n - 4, 3)):  # finders with their separators
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                if 0 <= top + dy < n and 0 <= left + dx < n:
                    put(top + dy, left + dx, max(abs(dx), abs(dy)) not in (2, 4))
    centres = _alignment_centres(version)
    for row in centres:
        for column in centres:
            if (row, column) not in ((6, 6), (6, n - 7), (n - 7, 6)):
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        put(row + dy, column + dx, max(abs(dx), abs(dy)) != 1)
    for row, column in _format_places(n):
        put(row, column, False)
    put(n - 8, 8, True)  # the dark module
    if version >= 7:  # version information: 6 bits and a BCH remainder, drawn twice
        remainder = version
        for _ in range(12):
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        bits = version << 12 | remainder
        for i in range(18):
            a, b = n - 11 + i % 3, i // 3
            put(b, a, bool(bits >> i & 1))
            put(a, b, bool(bits >> i & 1))
    return [bytes(row) for row in function], [bytes(row) for row in dark]


def _alignment_centres(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    return [6] + sorted(17 + 4 * version - 7 - i * step for i in range(count - 1))


def _format_places(n: int) -> list[tuple[int, int]]:
    """(row, column) of the 15 format bits, bit 0 first, then of their second copy."""
    return ([(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
            + [(8, n - 1 - i) for i in range(8)] + [(n - 15 + i, 8) for i in range(8, 15)])


@lru_cache(maxsize=64)
def _layout(version: int) -> tuple[Callable, Callable]:
    """For the row-packed and the column-packed symbol: where each of their bits comes from in
    the codewords' bits followed by a light and a dark module (§7.7.3: two-module columns from
    the right, upwards and downwards in turn, skipping the vertical timing pattern)."""
    n = 17 + 4 * version
    function, dark = _function_modules(version)
    bits = 8 * _raw_codewords(version)
    light_index = bits  # the source's light module, then its dark one
    stride = n + 2 * PAD
    rows_from, columns_from = [light_index] * (n * stride), [light_index] * (n * stride)
    for row in range(n):
        for column in range(n):
            if function[row][column]:
                rows_from[row * stride + PAD + column] = light_index + dark[row][column]
                columns_from[column * stride + PAD + row] = light_index + dark[row][column]
    k = 0
    for right in range(n - 1, 0, -2):
        if right <= 6:
            right -= 1
        upward = (right + 1) & 2 == 0
        for step in range(n):
            row = n - 1 - step if upward else step
            for column in (right, right - 1):
                if not function[row][column]:
                    if k < bits:  # the remainder bits after the last codeword stay light
                        rows_from[row * stride + PAD + column] = k
                        columns_from[column * stride + PAD + row] = k
                    k += 1
    return itemgetter(*rows_from), itemgetter(*columns_from)


# --- masks and their penalty -----------------------------------------------------------------

@lru_cache(maxsize=64)
def mask_deltas(version: int, level: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """What turns the unmasked symbol (format bits light) into each mask's, rows and columns:
    the mask's pattern over the data modules and the format bits of the level and mask."""
    n = 17 + 4 * version
    function, _ = _function_modules(version)
    data = [bytes(1 - module for module in row) for row in function]
    deltas = []
    for mask in MASKS:
        grid = [bytearray(a & b for a, b in zip(data_row, pattern_row))
                for data_row, pattern_row in zip(data, _pattern(_MASK_RULES[mask], n))]
        value = _LEVEL_BITS[level] << 3 | mask
        remainder = value
        for _ in range(10):
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        format_bits = (value << 10 | remainder) ^ 0x5412
        for index, (row, column) in enumerate(_format_places(n)):
            grid[row][column] = format_bits >> index % 15 & 1
        grid = [bytes(row) for row in grid]
        deltas.append((pack(grid), pack(transpose(grid))))
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


# --- packing ---------------------------------------------------------------------------------

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
