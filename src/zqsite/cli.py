"""Command line: `python build.py`, `python -m zqsite <command>` and the `zqsite` script."""

from __future__ import annotations

import argparse
import atexit
import gc
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Sequence

from zqsite.errors import BuildFailed, OutputError, Problem
from zqsite.options import PROJECT_ROOT, default_config_path
from zqsite.writer import STOP_REQUESTED

# The build pipeline (and what it imports) is imported by the commands that build: `publish`,
# `clean` and `--help` need none of it.
if TYPE_CHECKING:
    from zqsite.options import BuildOptions

COMMANDS = ("build", "check", "new", "serve", "clean", "publish", "import-blogger", "import-text")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS and args[0] not in ("-h", "--help"):
        args.insert(0, "build")
    _escape_what_streams_cannot_show()
    parser = _parser()
    options = parser.parse_args(args)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    # SIGTERM ends a build like Ctrl-C: the staging folder is removed, the published site kept.
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return options.run(options)
    except KeyboardInterrupt:
        print("zqsite: interrupted; the published site was left as it was", file=sys.stderr)
        return 130


def run() -> NoReturn:
    """The command line as a program (`python build.py`, `python -m zqsite`, `zqsite`): runs
    the command, then ends the process without freeing its objects one by one, which a normal
    exit does (0.05-0.1 s after a build of 10,000 posts, measured): the system takes the
    memory back at once. What an exit runs besides (atexit functions: temporary folders,
    logging) runs first.

    The cyclic garbage collector stays off: a command makes next to no cyclic garbage and
    ends with the process, and its passes over the objects of a build cost a rebuild after an
    edit at 10,000 posts 0.14 s (0.96 -> 0.82 s, measured). `serve`, which runs until stopped,
    turns it on again."""
    gc.disable()
    code = main()
    try:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        os._exit(code)


def _escape_what_streams_cannot_show() -> None:
    """Messages name files such as content/posts/大沙新闻.md. A console or log file in another
    encoding (on Windows a redirected stream uses the ANSI code page: cp1252, cp936) shows a
    character it cannot encode as an escape (\\u5927) instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a stream that cannot change: left as it is
                pass


def _interrupt(signum, frame) -> None:  # noqa: ANN001
    STOP_REQUESTED.set()
    raise KeyboardInterrupt


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zqsite", description="Build the zqsite blog.")
    commands = parser.add_subparsers(dest="command", required=True)

    def site_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--content", type=Path, default=PROJECT_ROOT / "content", metavar="DIR",
                         help="content folder (default: the project's content/)")
        sub.add_argument("--config", type=Path, default=None, metavar="FILE",
                         help="configuration file (default: the project's site.yaml, else defaults)")
        sub.add_argument("--drafts", action="store_true", help="publish posts marked draft: true")
        sub.add_argument("--future", action="store_true", help="publish posts dated in the future")
        sub.add_argument("--strict", action="store_true", help="fail on warnings too")
        sub.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")
        sub.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                         help="build cache folder (default: .zqsite-cache beside the content folder)")

    build = commands.add_parser("build", help="build the site (the default command)")
    site_options(build)
    build.add_argument("--output", type=Path, default=PROJECT_ROOT / "public", metavar="DIR",
                       help="output folder (default: the project's public/)")
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    build.add_argument("--timings", action="store_true", help="print how long each phase took")
    build.add_argument("-v", "--verbose", action="store_true",
                       help="print every warning (default: each kind's count and first few)")
    build.set_defaults(run=_run_build)

    check = commands.add_parser("check", help="validate content and configuration; write nothing")
    site_options(check)
    check.set_defaults(run=_run_check)

    new = commands.add_parser("new", help="write a new post file with its front matter filled in")
    new.add_argument("title")
    new.add_argument("--labels", default="", help="comma-separated labels, e.g. dasha,sihui")
    new.add_argument("--lang", default=None, help="language code (default: the site's)")
    new.add_argument("--contacts", default="", help="comma-separated contact ids from contacts.yaml")
    new.add_argument("--content", type=Path, default=PROJECT_ROOT / "content", metavar="DIR")
    new.add_argument("--config", type=Path, default=None, metavar="FILE")
    new.set_defaults(run=_run_new)

    serve = commands.add_parser("serve", help="preview the site on 127.0.0.1, rebuilding on every change")
    site_options(serve)
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_run_serve)

    clean = commands.add_parser("clean", help="remove the built site, the preview and the build cache")
    clean.add_argument("--output", type=Path, default=PROJECT_ROOT / "public", metavar="DIR")
    clean.set_defaults(run=_run_clean)

    from zqsite.publish.cli import add_publish_command

    add_publish_command(commands, default_output=PROJECT_ROOT / "public", default_config=default_config_path)

    try:  # the Blogger importer adds its own commands
        from zqsite.importer.cli import add_import_commands
    except ImportError:
        pass
    else:
        add_import_commands(commands, default_content=PROJECT_ROOT / "content")
    return parser


def _options(args: argparse.Namespace, output: Path | None = None) -> BuildOptions:
    from zqsite.options import BuildOptions

    return BuildOptions(content_dir=args.content, output_dir=output or PROJECT_ROOT / "public",
                        config_path=args.config, include_drafts=args.drafts,
                        include_future=args.future, strict=args.strict,
                        use_cache=not args.no_cache, cache_dir=args.cache_dir)


def _run_build(args: argparse.Namespace) -> int:
    from zqsite.pipeline import build_site

    options = _options(args, args.output)
    show_progress = not args.quiet
    try:
        report = build_site(options, progress=_progress_printer() if show_progress else None)
    except BuildFailed as failure:
        _print_problems(failure.problems.sorted(), options.content_dir, args.verbose)
        errors = len(failure.problems.errors)
        print(f"zqsite: {failure} ({errors} error{'s' * (errors != 1)}); nothing was published",
              file=sys.stderr)
        return 1
    except OutputError as exc:
        print(f"zqsite: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # disk full, permissions: the staging folder is gone, the site intact
        print(f"zqsite: could not write the site ({exc}); the published site was left as it was",
              file=sys.stderr)
        return 1
    _print_problems(report.warnings, options.content_dir, args.verbose)
    if not args.quiet:
        print(f"Built {report.posts} posts, {report.pages} pages: {report.files_written} files written, "
              f"{report.files_unchanged} unchanged, {report.files_deleted} removed; "
              f"{len(report.warnings)} warnings; {report.seconds:.2f} s → {_shown(options.output_dir)}")
    if args.timings:
        for phase, seconds in report.phases:
            print(f"{seconds:8.3f} s  {phase}")
    return 0


def _run_check(args: argparse.Namespace) -> int:
    from zqsite.pipeline import load_site

    options = _options(args)
    try:
        site = load_site(options)
    except BuildFailed as failure:
        _print_problems(failure.problems.sorted(), options.content_dir)
        print(f"zqsite: {len(failure.problems.errors)} errors, {len(failure.problems.warnings)} warnings",
              file=sys.stderr)
        return 1
    _print_problems(site.problems.sorted(), options.content_dir)
    print(f"Checked {len(site.index.all_posts)} posts: no errors, {len(site.problems.warnings)} warnings")
    return 0


def _run_new(args: argparse.Namespace) -> int:
    from zqsite.authoring import NewPostError, new_post
    from zqsite.config import load_config
    from zqsite.errors import Problems
    from zqsite.registry import read_contacts

    config_path = args.config or default_config_path()
    config, problems = load_config(config_path, str(config_path) if config_path else None)
    contacts = [c.strip() for c in args.contacts.split(",") if c.strip()]
    known = read_contacts(args.content, Problems())
    unknown = [c for c in contacts if c not in known]
    if problems.errors or unknown:
        _print_problems(problems.errors, args.content)
        if unknown:
            print(f"zqsite: unknown contact id(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
                  file=sys.stderr)
        return 1
    try:
        path = new_post(args.content, config, args.title, args.labels.split(","), args.lang, contacts)
    except NewPostError as exc:
        print(f"zqsite: {exc}", file=sys.stderr)
        return 1
    print(_shown(path))
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    from zqsite.serve import serve

    gc.enable()  # off in `run`, for commands that end soon; serve runs until stopped
    return serve(_options(args), args.port)


def _run_clean(args: argparse.Namespace) -> int:
    import shutil

    from zqsite.serve import PREVIEW_DIR
    from zqsite.writer import MARKER, check_output_dir, remove_leftovers

    removed = []
    for folder in (args.output, PREVIEW_DIR):
        if folder.is_dir():
            try:
                check_output_dir(folder)
            except OutputError as exc:
                print(f"zqsite: {exc}", file=sys.stderr)
                return 1
            if (folder / MARKER).is_file():
                shutil.rmtree(folder)
                removed.append(_shown(folder))
        remove_leftovers(folder)  # of a build that was interrupted: they are ours too
    cache = PROJECT_ROOT / ".zqsite-cache"
    if cache.is_dir():
        shutil.rmtree(cache)
        removed.append(_shown(cache))
    print("removed " + ", ".join(removed) if removed else "nothing to remove")
    return 0


def _print_problems(problems: Sequence[Problem], content_dir: Path, verbose: bool = True) -> None:
    """Every error; every warning, or (not verbose) each kind's count and first few."""
    from zqsite.problemreport import problem_lines

    def shown(problem: Problem) -> str:
        candidate = content_dir / problem.path
        path = _shown(candidate) if candidate.exists() else problem.path
        line = f"{path}:{problem.line}" if problem.line else path
        return f"{line}: {'error' if problem.is_error else 'warning'}: {problem.message}"

    for line in problem_lines(problems, verbose, shown):
        print(line, file=sys.stderr)


def _shown(path: Path) -> str:
    """A path as the editor would type it: relative to the current folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _progress_printer():  # noqa: ANN202
    terminal = sys.stderr.isatty()
    quarters: dict[str, int] = {}

    def progress(done: int, total: int, what: str = "files") -> None:
        """`what`: "files" (pages and feeds rendered) or "posts read" (and their photos encoded)."""
        if terminal:
            filled = int(30 * done / max(total, 1))
            end = "\n" if done >= total else ""
            print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {what}", end=end, file=sys.stderr,
                  flush=True)
        elif done < total and done * 4 // total > quarters.get(what, 0):  # about every quarter
            quarters[what] = done * 4 // total
            print(f"{done}/{total} {'pages and feeds done' if what == 'files' else what}", file=sys.stderr)

    return progress
