"""`zqsite import-blogger` and `zqsite import-text`: arguments, the run, the summary."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from zqsite.importer import ImportFailed
from zqsite.languages import SUPPORTED_LANGUAGES, normalise_language

# The importer's modules are imported by the commands that run it: every zqsite command builds
# this parser, and a build needs none of them.
if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from zqsite.importer.records import Report


def add_import_commands(subparsers, default_content: Path) -> None:  # noqa: ANN001 (argparse's private type)
    """Adds both import commands to zqsite's command line."""
    blogger = subparsers.add_parser(
        "import-blogger", help="import a Blogger export (classic backup XML or Takeout feed.atom)",
        description="Turns a Blogger export into posts, pages and contacts. Safe to run again: "
                    "unchanged posts are left alone, posts edited since are kept unless --force.")
    blogger.add_argument("export", type=Path, metavar="EXPORT", help="the .xml backup, Takeout's feed.atom, or the Takeout zip holding it")
    _common_options(blogger, default_content)
    blogger.add_argument("--download-images", action="store_true",
                         help="copy the posts' images into the content folder's images/")
    blogger.set_defaults(run=run_import_blogger)

    text = subparsers.add_parser(
        "import-text", help="import the text of a Blogger label page",
        description="Turns the text of a Blogger label page (as copied from the browser) into posts. "
                    "Such a page shows only one label, no Blogger addresses, and some posts without a time.")
    text.add_argument("file", type=Path, metavar="FILE", help="the page's text, UTF-8")
    _common_options(text, default_content)
    text.add_argument("--label", default=None,
                      help="the label of every post (default: from the 'Showing posts with label' line)")
    text.set_defaults(run=run_import_text)


def _common_options(parser: argparse.ArgumentParser, default_content: Path) -> None:
    parser.add_argument("--content", type=Path, default=default_content, metavar="DIR",
                        help="content folder (default: the project's content/)")
    parser.add_argument("--config", type=Path, default=None, metavar="FILE",
                        help="configuration file, for the time zone (default: the project's site.yaml)")
    parser.add_argument("--force", action="store_true", help="overwrite posts edited by hand since the last import")
    parser.add_argument("--language", default=None, metavar="CODE",
                        help=f"language of the posts ({', '.join(SUPPORTED_LANGUAGES)}; default: detected)")


def run_import_blogger(args: argparse.Namespace) -> int:
    """Runs `import-blogger`; 0 on success, 1 with a message on error."""
    from zqsite.importer.blogger import read_export
    from zqsite.importer.records import Report

    def read() -> tuple[list, Report]:
        export = read_export(args.export)
        return export.items, Report(source_format=export.format, skipped=export.skipped,
                                    warnings=list(export.warnings))

    return _run(args, read, "import-blogger", args.download_images)


def run_import_text(args: argparse.Namespace) -> int:
    """Runs `import-text`; 0 on success, 1 with a message on error."""
    from zqsite.importer.records import Report
    from zqsite.importer.textdump import read_text_dump

    def read() -> tuple[list, Report]:
        items, label, warnings = read_text_dump(args.file, args.label)
        report = Report(source_format=f"Blogger label page, label '{label}'" if label else "Blogger label page",
                        warnings=warnings)
        return items, report

    return _run(args, read, "import-text", False)


def _run(args: argparse.Namespace, read, command: str, download_images: bool) -> int:  # noqa: ANN001
    from zqsite.importer.run import ImportOptions, import_items

    try:
        language = _language(args.language)
        tz = _time_zone(args.config)
        items, report = read()
        options = ImportOptions(args.content, tz, command, force=args.force, language=language,
                                download_images=download_images)
        import_items(items, options, report)
    except ImportFailed as exc:
        print(f"zqsite: {exc}; nothing was written", file=sys.stderr)
        return 1
    except OSError as exc:  # disk full, permissions: each file is whole, but the import is partial
        print(f"zqsite: could not write to {_shown(args.content)} ({exc}); run the import again "
              "once this is fixed", file=sys.stderr)
        return 1
    print_summary(report, args.content)
    return 0


def _language(text: str | None) -> str | None:
    if text is None:
        return None
    code = normalise_language(text)
    if code is None:
        raise ImportFailed(f"unknown language '{text}'; use one of {', '.join(SUPPORTED_LANGUAGES)}")
    return code


def _time_zone(config_path: Path | None) -> ZoneInfo:
    """The site's time zone: --config's, else the project's site.yaml's, else Asia/Shanghai."""
    from zqsite.config import load_config
    from zqsite.pipeline import default_config_path

    path = config_path or default_config_path()
    config, problems = load_config(path, str(path) if path else None)
    if problems.errors:
        raise ImportFailed("; ".join(str(p) for p in problems.errors))
    return config.tz


def print_summary(report: Report, content_dir: Path) -> None:
    """The counts on stdout; warnings and files kept on stderr, where problems go."""
    for warning in dict.fromkeys(report.warnings):
        print(f"zqsite: warning: {warning}", file=sys.stderr)
    for path in report.kept:
        print(f"zqsite: kept {path}: edited since the last import (--force overwrites it)", file=sys.stderr)
    for path in report.foreign:
        print(f"zqsite: kept {path}: the same post, not written by the importer (--force overwrites it)",
              file=sys.stderr)
    skipped = ", ".join(f"{count} {kind}" for kind, count in sorted(report.skipped.items())) or "none"
    new = ", ".join(report.contacts_new)
    lines = [
        f"Imported {report.source_format} into {_shown(content_dir)}:",
        f"  posts: {report.posts}, drafts: {report.drafts}, translations: {report.translations}, "
        f"pages: {report.pages}",
        f"  skipped entries: {skipped}",
        f"  contacts: {len(report.contacts_new)} new{f' ({new})' if new else ''}, {report.contacts_merged} merged",
        f"  files: {len(report.written)} written, {report.unchanged} unchanged, {len(report.kept)} kept as edited"
        + (f", {len(report.foreign)} kept as the editor wrote them" if report.foreign else "")
        + (f", {len(report.removed)} moved" if report.removed else "")
        + (f", {report.images} images downloaded" if report.images else ""),
        f"  warnings: {len(dict.fromkeys(report.warnings))}",
    ]
    print("\n".join(lines))


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
