"""Sets zqsite up in .venv (first run only), then builds the site or runs the tests.

    python scripts/run.py build [build options]     (Windows: py scripts\\run.py build)
    python scripts/run.py test [pytest options]

The same on Windows, macOS and Linux; `scripts/build` and `scripts/test` call it. The tests
need Chromium, Java (the Nu HTML Checker) and the npm package axe-core: on Debian
`scripts/install-test-tools` installs them (as root); elsewhere this script installs axe-core
with npm and, without a Chromium named by ZQSITE_CHROMIUM, Playwright's own Chromium.

Without a selection of tests (no -k, -m or path), `test` then runs the build tests a second
time in the Windows-like mode (tests/windows_like/sitecustomize.py), except on Windows itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
AXE_DIR = ROOT / "tests" / "browser" / ".node"
AXE_FILE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
# The tests that build sites: run again with no fork, no hard links, no CDLL(None), cp1252 streams.
WINDOWS_LIKE_TESTS = [
    "tests/test_windows_like.py", "tests/test_workers.py", "tests/test_incremental.py",
    "tests/test_incremental_units.py", "tests/test_editor_errors.py", "tests/test_core_site.py",
    "tests/test_publishing.py", "tests/test_real_content.py", "tests/test_editor_commands.py",
    "tests/test_editor_input.py",
    "tests/test_language_sections.py",
]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def say(message: str) -> None:
    print(f"run.py: {message}", flush=True)


def run(command: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(part) for part in command], cwd=ROOT, env=env)


def set_up(extra: str = "") -> Path:
    python = venv_python()
    if not python.exists():
        say("making .venv")
        if run([sys.executable, "-m", "venv", str(VENV)]) != 0:
            sys.exit("run.py: could not make .venv (on Debian or Ubuntu: apt-get install python3-venv)")
    target = f".[{extra}]" if extra else "."
    if run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target]) != 0:
        sys.exit("run.py: pip could not install zqsite")
    return python


def is_debian() -> bool:
    """Debian itself (Ubuntu's chromium package is a snap, which CI runners cannot use)."""
    try:
        release = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return False
    return "\nID=debian" in "\n" + release


def install_test_tools(python: Path) -> dict[str, str]:
    """Chromium, Java and axe-core for the browser and validator tests; the environment to run them in."""
    env = dict(os.environ)
    script = ROOT / "scripts" / "install-test-tools"
    if is_debian() and shutil.which("apt-get") and shutil.which("bash"):
        if run(["bash", str(script)]) != 0:
            sys.exit("run.py: scripts/install-test-tools failed")
        return env
    if not AXE_FILE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("run.py: the browser tests need axe-core: install Node.js (npm), then run this again")
        say("installing axe-core with npm")
        if run([npm, "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund", "axe-core@4"]) != 0:
            sys.exit("run.py: npm could not install axe-core")
    if not env.get("ZQSITE_CHROMIUM") and not DEBIAN_CHROMIUM.exists():
        say("installing Playwright's Chromium")
        if run([python, "-m", "playwright", "install", "chromium"]) != 0:
            sys.exit("run.py: could not install Chromium (python -m playwright install chromium)")
        found = subprocess.run(
            [str(python), "-c", "from playwright.sync_api import sync_playwright\n"
             "with sync_playwright() as p: print(p.chromium.executable_path)"],
            capture_output=True, encoding="utf-8", errors="replace", cwd=ROOT)
        env["ZQSITE_CHROMIUM"] = found.stdout.strip()
    if shutil.which("java") is None:
        say("warning: no Java found: the HTML validator tests will fail (install a Java runtime)")
    return env


def selects_tests(arguments: list[str]) -> bool:
    """Whether pytest's arguments choose some tests (a path, -k or -m) rather than all."""
    for position, argument in enumerate(arguments):
        if argument in ("-k", "-m") or argument.startswith(("-k", "-m")) and len(argument) > 2:
            return True
        previous = arguments[position - 1] if position else ""
        if not argument.startswith("-") and previous not in ("-p", "-W", "-o", "-c", "--rootdir"):
            return True
    return False


def windows_like_environment(env: dict[str, str]) -> dict[str, str]:
    env = dict(env, ZQSITE_WINDOWS_LIKE="1", PYTHONWARNDEFAULTENCODING="1")
    mode = str(ROOT / "tests" / "windows_like")
    env["PYTHONPATH"] = os.pathsep.join(part for part in (mode, env.get("PYTHONPATH", "")) if part)
    return env


def test(arguments: list[str]) -> int:
    python = set_up("test")
    env = install_test_tools(python)
    status = run([python, "-m", "pytest", *arguments], env)
    if status != 0 or selects_tests(arguments) or os.name == "nt":
        return status
    say("the build tests again, in the Windows-like mode")
    return run([python, "-m", "pytest", *arguments, *WINDOWS_LIKE_TESTS], windows_like_environment(env))


def build(arguments: list[str]) -> int:
    python = set_up()
    return run([python, "build.py", *arguments])


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("build", "test"):
        print(__doc__.strip())
        return 2
    command, arguments = sys.argv[1], sys.argv[2:]
    return build(arguments) if command == "build" else test(arguments)


if __name__ == "__main__":
    sys.exit(main())
