"""Two commits' build times side by side, in one sitting: the way to show that a change of
zqsite's code made no build slower (issue 14 asks for it).

    .venv/bin/python bench/ab.py BEFORE AFTER [--posts 10000] [--seed 1] [--repeat 3]

Each commit is checked out into a git worktree (AFTER may be `.`, the working tree) and run
with this interpreter from its own src/. Rounds alternate the two commits, so that a change in
the machine's load falls on both: per round, for each commit (which one goes first alternates), a cold build (no output, no
cache), a one-post body edit and a title change of the same post (the post of bench/run.py's
change scenarios), whole-process wall time. Prints medians and the AFTER ÷ BEFORE ratio.
`--cold-once`: the cold builds in the first round only; the later rounds time the two edits
(each a change from the round before), for edit figures with less of the cold builds' noise.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (corpus_for, Target, the tools' environment)

SCENARIOS = ("cold", "body edit", "title change")


def timed_build(code: Path, content: Path, site: Path) -> float:
    command = [sys.executable, str(code / "build.py"), "--content", str(content), "--output", str(site / "public"),
               "--config", str(content / "site.yaml"), "--cache-dir", str(site / "cache"), "-q"]
    env = dict(bench.TOOL_ENVIRONMENT, PYTHONPATH=str(code / "src"))  # its own code, not the installed one
    started = time.perf_counter()
    result = subprocess.run(command, cwd=code, capture_output=True, encoding="utf-8", errors="replace", env=env)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"ab: the build with {code} failed:\n{result.stderr[-3000:]}")
    time.sleep(2)  # the replaced tree is removed in the background: let it finish untimed
    return seconds


def _folder_of(rev: str) -> str:
    """The folder of a commit's output and cache below bench/runs/ab/ (`.` is the working tree)."""
    return "working-tree" if rev == "." else rev.replace("/", "_")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold-once", action="store_true",
                        help="a cold build in the first round only: later rounds time the edits alone")
    args = parser.parse_args()
    bench.WORK.mkdir(parents=True, exist_ok=True)
    corpus = bench.corpus_for(args.posts, args.seed)
    work = bench.WORK / "ab"
    shutil.rmtree(work, ignore_errors=True)
    content = work / "content"
    shutil.copytree(corpus, content)
    target = content / bench.Target.choose(corpus).rel
    original = target.read_text(encoding="utf-8")
    times: dict[tuple[str, str], list[float]] = {}
    by_position: dict[tuple[str, str, int], list[float]] = {}  # 0: built first of the pair, 1: second
    with tempfile.TemporaryDirectory(prefix="zqsite-ab-") as tmp:
        codes = {}
        for rev in (args.before, args.after):
            if rev == ".":
                codes[rev] = bench.PROJECT
                continue
            codes[rev] = Path(tmp) / rev
            subprocess.run(["git", "worktree", "add", "--detach", str(codes[rev]), rev], cwd=bench.PROJECT,
                           check=True, capture_output=True)
        try:
            for round_number in range(1, args.repeat + 1):
                target.write_text(original, encoding="utf-8")
                cold = round_number == 1 or not args.cold_once
                for rev, code in codes.items():
                    if cold:
                        shutil.rmtree(work / _folder_of(rev), ignore_errors=True)
                    else:  # back to the unchanged post, untimed: the body edit is an edit of it alone
                        timed_build(code, content, work / _folder_of(rev))
                for scenario in SCENARIOS if cold else SCENARIOS[1:]:
                    if scenario == "body edit":
                        target.write_text(original + f"\nOne more sentence, round {round_number}.\n", encoding="utf-8")
                    elif scenario == "title change":
                        text = target.read_text(encoding="utf-8")
                        target.write_text(text.replace("title: ", f"title: Round {round_number} ", 1), encoding="utf-8")
                    # Odd rounds run BEFORE first, even rounds AFTER first: what one build leaves
                    # behind (a tree removed in the background, a warm page cache) falls on both.
                    order = list(codes.items()) if round_number % 2 else list(reversed(codes.items()))
                    for position, (rev, code) in enumerate(order):
                        seconds = timed_build(code, content, work / _folder_of(rev))
                        times.setdefault((rev, scenario), []).append(seconds)
                        by_position.setdefault((rev, scenario, position), []).append(seconds)
                        print(f"round {round_number} {rev} {scenario}: {seconds:.2f} s", flush=True)
        finally:
            target.write_text(original, encoding="utf-8")
            for rev, code in codes.items():
                if code != bench.PROJECT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(code)], cwd=bench.PROJECT,
                                   capture_output=True)
    print(f"\n{args.posts} posts, medians of {args.repeat}{' (cold: 1 run)' if args.cold_once else ''}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"| scenario | {args.before} | {args.after} | after ÷ before |\n|---|---:|---:|---:|")
    for scenario in SCENARIOS:
        before = statistics.median(times[(args.before, scenario)])
        after = statistics.median(times[(args.after, scenario)])
        print(f"| {scenario} | {before:.2f} s | {after:.2f} s | {after / before:.2f} |")
    # What going first or second did to each commit: an order effect as large as the difference
    # between the commits makes that difference noise (an odd --repeat also lets one go first more).
    print("\nmedians by the place in the pair (first / second, with the number of runs):")
    for scenario in SCENARIOS:
        cells = []
        for rev in (args.before, args.after):
            places = [by_position.get((rev, scenario, position), []) for position in (0, 1)]
            cells.append(f"{rev} " + " / ".join(f"{statistics.median(runs):.2f} s ({len(runs)})" if runs else "—"
                                                  for runs in places))
        print(f"- {scenario}: " + "; ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
