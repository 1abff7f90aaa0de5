"""Answers remembered between builds: Babel's (dates and month names in a language, a
language's own name) and the QR encoder's (the modules of a code, `qrsymbol`).

They are pure functions of the installed Babel and of zqsite's code, and a rebuild asks mostly
what the last build asked. The build cache keeps them (`answers.bin`, valid for one
installation of Babel and one zqsite), so that a rebuild asking nothing new imports no Babel
(Babel and its locale data took about 0.07 s of a one-post rebuild at 10,000 posts, profiled
on 2 December 2026) and encodes no code again. Render workers send back what they asked
(`new_answers`, `learn`), so that the next build has it. Without a cache folder (a cold build
with `--no-cache`) every answer is asked. Another zqsite asks everything again: its encoder
may draw other symbols, and the whole file is one stamp.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

FILE_NAME = "answers.bin"
_VERSION = 2  # of the file's layout
LIBRARIES = ("babel",)  # whose answers these are, with zqsite's own

_answers: dict[tuple, object] = {}
_new: dict[tuple, object] = {}  # asked in this process since new_answers() last took them
_file: Path | None = None
_stamp = ""
_changed = False


def answer(key: tuple, compute: Callable[[], T]) -> T:
    """The remembered answer to `key` (a tuple of text and numbers naming the question),
    else `compute()`, remembered."""
    global _changed
    try:
        return _answers[key]  # type: ignore[return-value]
    except KeyError:
        value = _answers[key] = _new[key] = compute()
        _changed = True
        return value


def new_answers() -> dict[tuple, object]:
    """What this process asked since the last call (a render worker sends it with its pages)."""
    taken = dict(_new)
    _new.clear()
    return taken


def learn(found: dict[tuple, object]) -> None:
    """Keeps answers a worker found."""
    global _changed
    if found:
        _answers.update(found)
        _changed = True


def remember_in(folder: Path | None) -> None:
    """Starts a build: the answers of the last build with `folder` (none without a folder)."""
    global _file, _stamp, _changed
    _answers.clear()
    _new.clear()
    _changed = False
    _file = folder / FILE_NAME if folder is not None else None
    if _file is None:
        return
    _stamp = library_stamp()
    try:
        stored = marshal.loads(_file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or damaged: asked again
        return
    if isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (_VERSION, _stamp) \
            and isinstance(stored[2], dict):
        _answers.update(stored[2])


def save() -> None:
    """Keeps this build's answers for the next one, if it asked anything new."""
    global _changed
    if _file is None or not _changed:
        return
    _file.parent.mkdir(parents=True, exist_ok=True)
    partial = _file.with_name(_file.name + ".part")
    partial.write_bytes(marshal.dumps((_VERSION, _stamp, _answers)))
    os.replace(partial, _file)
    _changed = False


def library_stamp() -> str:
    """Which Babel is installed (another release may answer otherwise), without importing it,
    and which zqsite (another may encode another QR symbol)."""
    from zqsite.cache import code_digest  # here: answers imports nothing of zqsite's at load

    return "\0".join([*(installed(name) for name in LIBRARIES), code_digest()])


def installed(name: str) -> str:
    """Where a library is installed, with the size and time of its first file: another install
    of it changes them ("" if it is not installed)."""
    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None and spec.origin else ""
    try:
        stat = os.stat(origin)
    except OSError:
        return origin
    return f"{origin}\0{stat.st_size}\0{stat.st_mtime_ns}"
