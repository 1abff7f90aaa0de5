"""One image's bytes -> its published variants (the one user of Pillow).

Each variant is the photo upright (EXIF orientation applied), in sRGB, without any of the
camera's metadata (EXIF with GPS and serial numbers, XMP, IPTC, comments, the colour
profile): the encoders are given the pixels and nothing else. A JPEG is decoded at the
smallest DCT scale that still covers the largest variant (`draft`), and each smaller
variant is made from the one above it, so a 12-megapixel photo never exists at full size
in memory. Same bytes and settings, same variants: nothing varying (time, paths) goes in.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageCms, ImageOps

from zqsite.config import MAX_IMAGE_WIDTH as MAX_WIDTH  # the widest variant published, whatever the settings ask
# A file claiming more pixels than this is refused before it is decoded (Pillow's own
# bomb limit, ~89 megapixels, as an error): an 8000 x 6000 photo is 48.
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
# What decides the bytes besides the image and the settings: this file and Pillow (with its codecs).
ENCODER_VERSION = hashlib.sha256(Path(__file__).read_bytes() + PIL.__version__.encode()).hexdigest()[:16]
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


class BadImage(Exception):
    """The bytes are not an image zqsite can publish; the message says why."""


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class Encoded:
    extension: str  # of every variant: "jpg", "png", "webp" or "gif"
    variants: tuple[Variant, ...]  # narrowest first


def variant_widths(width: int, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The widths to publish an image `width` px wide in: never wider than it, never above
    MAX_WIDTH; the widest is the original's when every asked width would enlarge it."""
    largest = min(width, max(widths), MAX_WIDTH)
    return tuple(sorted({w for w in widths if w < largest} | {largest}))


def encode_variants(data: bytes, widths: tuple[int, ...], quality: int) -> Encoded:
    """Every variant of one image; BadImage for anything that is not a whole, sane image."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _encode(data, widths, quality)
        except BadImage:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BadImage(f"it claims to be larger than {MAX_PIXELS // 1_000_000} megapixels "
                           "(a damaged file, or a decompression bomb)") from None
        except Image.UnidentifiedImageError:
            raise BadImage("not a JPEG, PNG, GIF or WebP image") from None
        except Exception as exc:  # noqa: BLE001 - Pillow's decoders raise many kinds on damaged input
            raise BadImage(f"the file is damaged or truncated ({exc})") from None


def _encode(data: bytes, widths: tuple[int, ...], quality: int) -> Encoded:
    image = Image.open(io.BytesIO(data), formats=FORMATS)
    kind = image.format or ""
    if image.width * image.height > MAX_PIXELS:
        raise Image.DecompressionBombError(kind)
    if kind == "GIF" and getattr(image, "n_frames", 1) > 1:
        return Encoded("gif", (_animated_gif(image),))
    turned = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # stored sideways: width and height swap
    shown_width = image.height if turned else image.width
    planned = variant_widths(shown_width, widths)
    if kind == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when the largest variant allows it
        scale = planned[-1] / shown_width
        image.draft(None, (max(1, int(image.width * scale) + 1), max(1, int(image.height * scale) + 1)))
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)  # loads the pixels
    base = _to_output_mode(upright, kind)
    extension = "jpg" if kind == "JPEG" else "png" if kind == "GIF" else _EXTENSIONS[kind]
    variants: list[Variant] = []
    current = base
    for width in reversed(planned):  # widest first: each one is made from the one above
        height = max(1, round(base.height * width / base.width))
        if (width, height) != current.size:
            current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
        if icc and not variants:
            current = _to_srgb(current, icc)  # on the widest variant only: fewer pixels than the original
        variants.append(Variant(width, height, _save(current, extension, quality)))
    return Encoded(extension, tuple(reversed(variants)))


def _to_output_mode(image: Image.Image, kind: str) -> Image.Image:
    """RGB or L for a JPEG; PNG, GIF and WebP keep their transparency."""
    if kind == "JPEG":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode in ("RGB", "L", "RGBA", "LA"):
        return image
    return image.convert("RGBA" if has_alpha else "RGB")


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """The pixels in sRGB (what browsers assume of an image without a profile); a profile
    Pillow cannot read is ignored (the colours stay as stored)."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "sRGB" in (ImageCms.getProfileDescription(profile) or ""):
            return image
        mode = image.mode if image.mode in ("RGB", "RGBA") else "RGB"
        return ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _save(image: Image.Image, extension: str, quality: int) -> bytes:
    image.info = {}  # Pillow's encoders also write what is left in info (comments, XMP, profile)
    out = io.BytesIO()
    if extension == "jpg":
        image.save(out, "JPEG", quality=quality, progressive=True, optimize=True, subsampling="4:2:0")
    elif extension == "webp":
        image.save(out, "WEBP", quality=quality, method=4, exif=b"", xmp=b"", icc_profile=b"")
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _animated_gif(image: Image.Image) -> Variant:
    """An animation at its own size (resizing every frame would cost more than it saves),
    its frames and timing kept, its comments and extensions dropped."""
    frames, durations = [], []
    for number in range(image.n_frames):
        image.seek(number)
        frames.append(image.convert("RGBA"))
        durations.append(image.info.get("duration", 100))
    out = io.BytesIO()
    first = frames[0]
    first.info = {}
    first.save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations,
               loop=image.info.get("loop", 0), disposal=2, optimize=False)
    return Variant(image.width, image.height, out.getvalue())
