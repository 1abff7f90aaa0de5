"""`zqsite publish`: arguments, the progress line, the dry run's list and the summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from zqsite.publish.plan import Plan
from zqsite.publish.run import PublishError, PublishOptions, PublishReport, publish_site


def add_publish_command(subparsers, default_output: Path, default_config: Callable[[], Path | None]) -> None:  # noqa: ANN001
    """Adds `publish` to zqsite's command line."""
    publish = subparsers.add_parser(
        "publish", help="put the last build on the blog's host, uploading only what changed",
        description="Uploads the built site to an rclone remote (publish.target in site.yaml): "
                    "new and changed files first, pages and feeds after them, deletions last.")
    publish.add_argument("--target", default=None, metavar="REMOTE",
                         help="rclone remote path, e.g. zqsite-oss:bucket/blog (default: publish.target)")
    publish.add_argument("--output", type=Path, default=default_output, metavar="DIR",
                         help="the built site (default: the project's public/)")
    publish.add_argument("--config", type=Path, default=None, metavar="FILE",
                         help="configuration file (default: the project's site.yaml)")
    publish.add_argument("--dry-run", action="store_true", help="list what would be uploaded and deleted; change nothing")
    publish.add_argument("--verify", action="store_true",
                         help="compare with the target itself (not the record of the last publish) and "
                              "delete the files the site does not have")
    publish.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    publish.set_defaults(run=run_publish, default_config=default_config)


def run_publish(args: argparse.Namespace) -> int:
    """Runs `publish`; 0 on success, 1 with one line on stderr otherwise."""
    from zqsite.config import load_config

    config_path = args.config or args.default_config()
    config, problems = load_config(config_path, str(config_path) if config_path else None)
    if problems.errors:
        for problem in problems.errors:
            print(problem, file=sys.stderr)
        return 1
    target = args.target or config.publish_target
    if not target:
        print("zqsite: no target to publish to: set publish.target in site.yaml or give --target", file=sys.stderr)
        return 1
    progress = _progress_line if sys.stderr.isatty() and not args.quiet else None
    try:
        report = publish_site(PublishOptions(args.output, target, args.dry_run, args.verify), progress)
    except PublishError as exc:
        print(f"zqsite: {exc}", file=sys.stderr)
        return 1
    if not args.quiet or args.dry_run:
        for note in report.notes:
            print(f"note: {note}")
        print(dry_run_listing(report) if args.dry_run else summary(report))
    return 0


def summary(report: PublishReport) -> str:
    plan = report.plan
    return (f"uploaded {_files(len(plan.uploads))} ({size_text(plan.upload_bytes)}), deleted {len(plan.deletions):,}, "
            f"{plan.unchanged:,} unchanged; {report.seconds:.1f} s → {report.target}")


def dry_run_listing(report: PublishReport) -> str:
    """Counts first, then one line per path: what a publish would do now."""
    plan: Plan = report.plan
    lines = [f"dry run: would upload {_files(len(plan.uploads))} ({size_text(plan.upload_bytes)}) and delete "
             f"{len(plan.deletions):,}; {plan.unchanged:,} unchanged (compared with {report.compared_with}) "
             f"→ {report.target}"]
    lines += [f"upload  {upload.rel}" for upload in plan.uploads]
    lines += [f"delete  {rel}" for rel in plan.deletions]
    return "\n".join(lines)


def size_text(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if size < scale * 1000 or unit == "GB":
            return f"{size / scale:.1f} {unit}"
    raise AssertionError(size)


def _files(count: int) -> str:
    return f"{count:,} file{'s' * (count != 1)}"


def _progress_line(done: int, total: int, done_bytes: int, total_bytes: int) -> None:
    end = "\n" if done >= total else ""
    print(f"\rpublishing: {done:,}/{total:,} files, {size_text(done_bytes)} of {size_text(total_bytes)}   ",
          end=end, file=sys.stderr, flush=True)
