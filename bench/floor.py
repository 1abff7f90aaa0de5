"""The floor of a cold build: what Python-Markdown and the disk alone need for a corpus, beside
zqsite's cold build of it, in one run.

    .venv/bin/python bench/floor.py [--posts 2000] [--seed 1] [--repeat 3]

The floor, as issue 18 defines it: Python-Markdown with `extra` converting every post body
(one reused converter per core, the bodies split between the cores, wall time), plus writing
as many files of the same sizes as zqsite's build writes, without rendering them. zqsite's
cold build is the whole process (`build.py`, no cache, no output, search off as in bench/run.py).
Prints medians; the target is a cold build within 1.25x of the floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (corpus_for, the benchmark's corpora)

_CONVERTER = None


def _bodies(paths: list[str]) -> float:
    """Converts the bodies of these post files with one reused Markdown instance; CPU seconds."""
    global _CONVERTER
    import markdown

    if _CONVERTER is None:
        _CONVERTER = markdown.Markdown(extensions=["extra"])
    texts = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        texts.append(text.split("\n---\n", 1)[1] if text.startswith("---\n") else text)
    started = time.process_time()
    for text in texts:
        _CONVERTER.reset()
        _CONVERTER.convert(text)
    return time.process_time() - started


def markdown_wall(posts: list[str], cores: int) -> float:
    """Wall time of converting every body with `cores` processes (reading the files excluded)."""
    shares = [posts[i::cores] for i in range(cores)]
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_bodies, [[] for _ in range(cores)]))  # start the workers and import Markdown first
        return max(pool.map(_bodies, shares))


def write_wall(sizes: list[tuple[str, int]]) -> float:
    """Wall time of writing files of these relative paths and sizes into a new folder."""
    with tempfile.TemporaryDirectory(prefix="zqsite-floor-", dir=bench.WORK) as tmp:
        started = time.perf_counter()
        made: set[str] = set()
        for rel, size in sizes:
            folder = os.path.join(tmp, os.path.dirname(rel))
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            with open(os.path.join(tmp, rel), "wb") as out:
                out.write(b"x" * size)
        return time.perf_counter() - started


def cold_build(content: Path, output: Path, cache: Path) -> float:
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    command = [sys.executable, "build.py", "--content", str(content), "--output", str(output),
               "--config", str(content / "site.yaml"), "--cache-dir", str(cache), "-q"]
    started = time.perf_counter()
    subprocess.run(command, cwd=bench.PROJECT, check=True, env=bench.TOOL_ENVIRONMENT,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench.WORK.mkdir(parents=True, exist_ok=True)
    corpus = bench.corpus_for(args.posts, args.seed)
    posts = sorted(str(p) for p in (corpus / "posts").rglob("*.md"))
    cores = os.cpu_count() or 1
    site = bench.WORK / f"floor-{args.posts}"
    output, cache = site / "public", site / "cache"
    builds, floors, markdowns, writes = [], [], [], []
    for _ in range(args.repeat):
        builds.append(cold_build(corpus, output, cache))
        sizes = [(p.relative_to(output).as_posix(), p.stat().st_size) for p in output.rglob("*") if p.is_file()]
        markdowns.append(markdown_wall(posts, cores))
        writes.append(write_wall(sizes))
        floors.append(markdowns[-1] + writes[-1])
    shutil.rmtree(site, ignore_errors=True)
    build, floor = statistics.median(builds), statistics.median(floors)
    print(f"{args.posts} posts, {cores} cores, medians of {args.repeat}, load average {os.getloadavg()[0]:.1f}")
    print(f"Python-Markdown extra, every body: {statistics.median(markdowns):.2f} s on {cores} cores")
    print(f"writing {len(sizes)} files: {statistics.median(writes):.2f} s")
    print(f"floor: {floor:.2f} s; zqsite cold build: {build:.2f} s = {build / floor:.2f}x the floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
