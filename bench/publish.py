"""How long `zqsite publish` takes against a local S3 server (`rclone serve s3`).

    python bench/publish.py [--posts 10000] [--repeat 5] [--seed 1] [--search]

Builds the benchmark corpus (bench/generate.py; `search: false` like the build benchmark,
unless --search), starts `rclone serve s3` on 127.0.0.1 over bench/runs/publish-N/s3, and
times whole `python -m zqsite publish` processes: the first publish (every file), a publish
with nothing changed, and --repeat publishes of a one-post body edit (each edit built first,
untimed), then one `--verify` publish (the target listed and compared). The results go to
bench/runs/publish-results-<date>.md and are printed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from run import PROJECT, WORK, Target, _git, corpus_for, results_path, say, shown  # noqa: E402

from zqsite.publish.rclone import find_rclone  # noqa: E402

ACCESS_KEY, SECRET_KEY = "zqsitebenchaccess", "zqsite-bench-secret"
_SUMMARY = re.compile(r"^uploaded ([\d,]+) files? \(([^)]*)\), deleted ([\d,]+), ([\d,]+) unchanged", re.M)


def start_s3(folder: Path, log: Path) -> tuple[subprocess.Popen, int]:
    (folder / "bench").mkdir(parents=True, exist_ok=True)  # the bucket
    handle = open(log, "wb")
    server = subprocess.Popen([find_rclone(), "serve", "s3", str(folder), "--addr", "127.0.0.1:0",
                               "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}"], stdout=handle, stderr=handle)
    for _ in range(400):
        found = re.findall(r"127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
        if found:
            return server, int(found[-1])
        time.sleep(0.05)
    server.terminate()
    raise SystemExit(f"rclone serve s3 did not start: {log.read_text()[-1000:]}")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the process and the children it waited for (rclone), stdout."""
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    seconds, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time zqsite publish against a local S3 server.")
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5, help="one-post edits to publish (the median is shown)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--search", action="store_true", help="build the search index too")
    args = parser.parse_args(argv)
    python = sys.executable
    site = WORK / f"publish-{args.posts}-seed{args.seed}"
    shutil.rmtree(site, ignore_errors=True)
    corpus = corpus_for(args.posts, args.seed)
    content, output, cache = site / "content", site / "public", site / "cache"
    shutil.copytree(corpus, content)
    config = content / "site.yaml"
    if args.search:
        config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"),
                          encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(RCLONE_S3_ACCESS_KEY_ID=ACCESS_KEY, RCLONE_S3_SECRET_ACCESS_KEY=SECRET_KEY,
               RCLONE_CONFIG=str(site / "rclone.conf"))
    build = [python, "build.py", "--content", str(content), "--output", str(output), "--config", str(config),
             "--cache-dir", str(cache), "-q"]
    say(f"building {args.posts} posts into {shown(output)}")
    timed(build, env)
    files = sum(1 for p in output.rglob("*") if p.is_file()) - 1  # the marker is never published
    server, port = start_s3(site / "s3", site / "s3.log")
    target = f":s3,provider=Other,endpoint='http://127.0.0.1:{port}':bench/blog"
    publish = [python, "-m", "zqsite", "publish", "--output", str(output), "--config", str(config), "--target", target]
    rows: list[tuple[str, list[tuple[float, float]], str]] = []
    try:
        say("first publish (every file)")
        seconds, cpu, out = timed(publish, env)
        rows.append(("first publish, every file", [(seconds, cpu)], _counts(out)))
        say("nothing changed")
        seconds, cpu, out = timed(publish, env)
        rows.append(("nothing changed", [(seconds, cpu)], _counts(out)))
        post = content / Target.choose(corpus).rel
        original = post.read_text(encoding="utf-8")
        edits, counts = [], ""
        for number in range(1, args.repeat + 1):
            post.write_text(original.rstrip("\n") + f" The figures were revised ({number}).\n", encoding="utf-8")
            timed(build, env)
            say(f"one-post edit {number}/{args.repeat}")
            seconds, cpu, out = timed(publish, env)
            edits.append((seconds, cpu))
            counts = _counts(out)
        rows.append(("one post's body edited", edits, counts))
        say("--verify")
        seconds, cpu, out = timed([*publish, "--verify"], env)
        rows.append(("--verify, nothing changed (the target listed)", [(seconds, cpu)], _counts(out)))
        post.write_text(original, encoding="utf-8")
    finally:
        server.terminate()
        server.wait()
    report = _report(args, files, Target.choose(corpus).rel, rows)
    path = results_path("publish-results")
    path.write_text(report, encoding="utf-8")
    print(report)
    say(f"written to {shown(path)}")
    shutil.rmtree(site, ignore_errors=True)
    return 0


def _counts(out: str) -> str:
    found = _SUMMARY.search(out)
    return f"{found[1]} uploaded ({found[2]}), {found[3]} deleted, {found[4]} unchanged" if found else "?"


def _report(args: argparse.Namespace, files: int, edited: str,
            rows: list[tuple[str, list[tuple[float, float]], str]]) -> str:
    load = os.getloadavg()
    lines = [
        f"# zqsite publish benchmark, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"- zqsite commit {_git('rev-parse', '--short', 'HEAD')}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.1f} at the end",
        f"- corpus: {args.posts} posts, seed {args.seed}, search index {'on' if args.search else 'off'}; "
        f"{files:,} files published; the edits change `{edited}`",
        "- target: `rclone serve s3` on 127.0.0.1 over a local folder; time: the whole "
        "`python -m zqsite publish` process, wall clock; CPU: user + system time of that process and "
        "of the rclone processes it ran (not the server's)",
        "",
        "| publish | median s | min–max s | median CPU s | runs | what it did |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, runs, counts in rows:
        walls = [wall for wall, _cpu in runs]
        cpus = [cpu for _wall, cpu in runs]
        lines.append(f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f}–{max(walls):.2f} "
                     f"| {statistics.median(cpus):.2f} | {len(runs)} | {counts} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
