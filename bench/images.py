"""CPU time and bytes of the variants of one photo, as a build makes them.

    .venv/bin/python bench/images.py [--repeat 7] [--quality 82] [--widths 480,800,1200,1600]

Measures, with the process's CPU time (`time.process_time`, so a loaded machine's waiting
is not counted), the median of `--repeat` runs of `zqsite.images.encode_variants`:
- a 12-megapixel JPEG (4000 x 3000, quality 90, detail at every scale like a camera photo),
  the issue's budget being 0.25 s of CPU for all of its variants;
- the same with each variant also encoded as WebP (what a `<picture>` with a WebP source
  would cost), and the bytes of both;
- an 8000 x 6000 JPEG, with the peak memory of a process that encodes only it (Linux and
  macOS: `resource`).
The photos are made with Pillow (tests/sitekit.py's `photo_bytes`).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from sitekit import photo_bytes  # noqa: E402

from zqsite.images import encode_variants  # noqa: E402


def cpu_seconds(function, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    """(median, fastest) CPU seconds of `function()`."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return statistics.median(times), min(times)


def webp_too(data: bytes, widths: tuple[int, ...], quality: int) -> list[int]:
    """The JPEG variants, then each of them again as WebP: the bytes of the WebP ones."""
    from PIL import Image

    sizes = []
    for variant in encode_variants(data, widths, quality).variants:
        image = Image.open(io.BytesIO(variant.data))
        out = io.BytesIO()
        image.save(out, "WEBP", quality=quality, method=4)
        sizes.append(len(out.getvalue()))
    return sizes


def _peak_of_one_encode(widths: tuple[int, ...], quality: int, inbox, outbox) -> None:  # noqa: ANN001
    """Runs in a process started before the parent made any photo (Linux keeps a process's
    peak memory across exec, so a process started later would report the parent's)."""
    import resource

    data = inbox.get()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    encode_variants(data, widths, quality)
    seconds = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kilobytes on Linux
    outbox.put((seconds, before * scale, peak * scale))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quality", type=int, default=82)
    parser.add_argument("--widths", default="480,800,1200,1600")
    args = parser.parse_args()
    widths = tuple(int(w) for w in args.widths.split(","))
    context = multiprocessing.get_context("spawn")
    inbox, outbox, worker = context.Queue(), context.Queue(), None
    try:
        import resource  # noqa: F401
        worker = context.Process(target=_peak_of_one_encode, args=(widths, args.quality, inbox, outbox))
        worker.start()
    except ImportError:
        pass

    photo = photo_bytes(4000, 3000)
    encoded = encode_variants(photo, widths, args.quality)
    median, fastest = cpu_seconds(lambda: encode_variants(photo, widths, args.quality), args.repeat)
    print(f"12-megapixel JPEG ({len(photo) / 1e6:.1f} MB, 4000 x 3000), widths {args.widths}, "
          f"quality {args.quality}, {args.repeat} runs")
    print(f"  all variants: {median:.3f} s CPU (median), {fastest:.3f} s (fastest); budget 0.25 s")
    webp = webp_too(photo, widths, args.quality)
    with_webp, _ = cpu_seconds(lambda: webp_too(photo, widths, args.quality), max(3, args.repeat // 2))
    print(f"  with a WebP copy of each: {with_webp:.3f} s CPU (median)")
    print("  | width | JPEG bytes | WebP bytes |")
    print("  |---:|---:|---:|")
    for variant, webp_bytes in zip(encoded.variants, webp):
        print(f"  | {variant.width} x {variant.height} | {len(variant.data):,} | {webp_bytes:,} |")

    if worker is None:
        print("8000 x 6000: peak memory needs the resource module (Linux, macOS)")
        return 0
    big = photo_bytes(8000, 6000)
    inbox.put(big)
    seconds, before, peak = outbox.get()
    worker.join()
    print(f"8000 x 6000 JPEG ({len(big) / 1e6:.1f} MB): {seconds:.3f} s CPU; peak memory of a process "
          f"encoding it {peak / 1e6:.0f} MB ({before / 1e6:.0f} MB with the file's bytes, before encoding)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
