"""Shows that a change of zqsite's code left its output as it was: builds the project's content
and a generated corpus with an earlier commit's code and with the working tree's, and compares
the two sites file by file.

    .venv/bin/python bench/same_output.py REV [--posts 2000] [--seed 1]

REV is checked out into a temporary git worktree; both builds run with the interpreter that
runs this script, without the build cache, into bench/runs/same-output/. Exits with 1 and
lists the differing files when the sites differ.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
WORK = PROJECT / "bench" / "runs" / "same-output"


def digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def build(code: Path, content: Path, config: Path | None, output: Path) -> None:
    command = [sys.executable, str(code / "build.py"), "--content", str(content), "--output", str(output),
               "--no-cache", "-q"]
    if config is not None:
        command += ["--config", str(config)]
    # The checkout's own src/ first: build.py puts it on sys.path, but an installed zqsite must not win.
    env = dict(os.environ, PYTHONPATH=str(code / "src"))
    result = subprocess.run(command, cwd=code, capture_output=True, encoding="utf-8", errors="replace", env=env)
    if result.returncode != 0:
        sys.exit(f"same_output: the build with {code.name} failed:\n{result.stderr[-3000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    corpus = WORK / "corpus"
    generate.generate_corpus(corpus, args.posts, args.seed)
    different = 0
    with tempfile.TemporaryDirectory(prefix="zqsite-rev-") as tmp:
        earlier = Path(tmp) / "earlier"
        subprocess.run(["git", "worktree", "add", "--detach", str(earlier), args.rev], cwd=PROJECT, check=True,
                       capture_output=True)
        try:
            for name, content, config in (("content", PROJECT / "content", PROJECT / "site.yaml"),
                                          (f"corpus-{args.posts}", corpus, corpus / "site.yaml")):
                before, after = WORK / f"{name}-{args.rev}", WORK / f"{name}-now"
                build(earlier, content, config, before)
                build(PROJECT, content, config, after)
                old, new = digests(before), digests(after)
                changed = sorted(rel for rel in old.keys() | new.keys() if old.get(rel) != new.get(rel))
                print(f"{name}: {len(new)} files, {len(changed)} differ")
                for rel in changed[:20]:
                    print(f"  {rel}")
                different += len(changed)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(earlier)], cwd=PROJECT, capture_output=True)
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
