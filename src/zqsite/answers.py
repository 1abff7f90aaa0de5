"""Answers remembered between builds: Babel's (dates and month names in a language, a
language's own name), python-slugify's (the slug of a label or title) and the QR encoder's
(the modules of a code, `qrsymbol`).

They are pure functions of the installed Babel and python-slugify and of zqsite's code, and a
rebuild asks mostly what the last build asked. The build cache keeps them (valid for one
installation of each and one zqsite), so that a rebuild asking nothing new imports neither
library (Babel and its locale data took about 0.07 s of a one-post rebuild at 10,000 posts,
profiled on 2 December 2026) and encodes no code again. The libraries' answers are one file
(`answers.bin`), read when a build starts. Each post asks its own QR symbol, which only its
page shows, so the symbols are spread over `SPREAD_FILES` files by their text
(`answers/NN.bin`), each read when a page asks a symbol in it: a rebuild that renders a few
pages reads a few of them, not all 10,000 symbols of a 10,000-post site (unpacking those took
0.016 s of every such rebuild; 3 December 2026). Render workers send back what they asked
(`new_answers`, `learn`), so that the next build has it. Without a cache folder (a cold build
with `--no-cache`) every answer is asked. Another zqsite asks everything again: its encoder
may draw other symbols, and each file is stamped.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

FILE_NAME = "answers.bin"
SPREAD_FOLDER = "answers"  # beside FILE_NAME
SPREAD_FILES = 64
SPREAD_KINDS = frozenset({"qr symbol"})  # questions every post asks one of: ("qr symbol", text)
_VERSION = 3  # of the files' layout
LIBRARIES = ("babel", "slugify")  # whose answers these are, with zqsite's own

_answers: dict[tuple, object] = {}  # those of FILE_NAME
_spread: dict[int, dict[tuple, object]] = {}  # those of each spread file read so far
_new: dict[tuple, object] = {}  # asked in this process since new_answers() last took them
_folder: Path | None = None
_stamp = ""
_changed: set[int | None] = set()  # the files to write again: a spread file's number, None for FILE_NAME


def answer(key: tuple, compute: Callable[[], T]) -> T:
    """The remembered answer to `key` (a tuple of text and numbers naming the question; a
    kind of SPREAD_KINDS first, then its text, for a spread one), else `compute()`, remembered."""
    where = _file_of(key)
    found = _answers if where is None else _spread_answers(where)
    try:
        return found[key]  # type: ignore[return-value]
    except KeyError:
        value = found[key] = _new[key] = compute()
        _changed.add(where)
        return value


def new_answers() -> dict[tuple, object]:
    """What this process asked since the last call (a render worker sends it with its pages)."""
    taken = dict(_new)
    _new.clear()
    return taken


def learn(found: dict[tuple, object]) -> None:
    """Keeps answers a worker found."""
    for key, value in found.items():
        where = _file_of(key)
        (_answers if where is None else _spread_answers(where))[key] = value
        _changed.add(where)


def remember_in(folder: Path | None) -> None:
    """Starts a build: the answers of the last build with `folder` (none without a folder)."""
    global _folder, _stamp
    _answers.clear()
    _spread.clear()
    _new.clear()
    _changed.clear()
    _folder = folder
    if folder is None:
        return
    _stamp = library_stamp()
    _answers.update(_read(folder / FILE_NAME))


def save() -> None:
    """Keeps this build's answers for the next one: the files that got new answers."""
    if _folder is None:
        return
    for where in _changed:
        path = _path_of(_folder, where)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(marshal.dumps((_VERSION, _stamp, _answers if where is None else _spread[where])))
        os.replace(partial, path)
    _changed.clear()


def _file_of(key: tuple) -> int | None:
    if key[0] in SPREAD_KINDS:
        return hashlib.sha256(key[1].encode("utf-8")).digest()[0] % SPREAD_FILES
    return None


def _path_of(folder: Path, where: int | None) -> Path:
    return folder / FILE_NAME if where is None else folder / SPREAD_FOLDER / f"{where:02d}.bin"


def _spread_answers(where: int) -> dict[tuple, object]:
    found = _spread.get(where)
    if found is None:
        found = _spread[where] = _read(_path_of(_folder, where)) if _folder is not None else {}
    return found


def _read(path: Path) -> dict[tuple, object]:
    """A file's answers; none if it is missing, damaged or of another Babel or zqsite."""
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or damaged: asked again
        return {}
    if isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (_VERSION, _stamp) \
            and isinstance(stored[2], dict):
        return stored[2]
    return {}


def library_stamp() -> str:
    """Which Babel and python-slugify are installed (another release may answer otherwise),
    without importing them, and which zqsite (another may encode another QR symbol)."""
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
