"""Windows-like mode for the tests (`scripts/test` runs the build tests in it a second time).

Python imports this module at start-up when this folder is first on PYTHONPATH, in the test
process and in every process it starts (build.py in a subprocess, spawned workers). It makes
Linux behave like Windows in the four ways zqsite must cope with, through the real code paths:
- no fork: only the spawn start method exists (as on Windows);
- `ctypes.CDLL(None)` raises TypeError (Windows has no process-wide symbol table);
- hard links fail (FAT and exFAT drives, many network shares);
- standard output and error are cp1252 with strict errors (a redirected stream on a
  Western Windows install).
With PYTHONWARNDEFAULTENCODING=1 (set by scripts/test), a text file opened by zqsite without
an explicit encoding is an error, since on Windows it would be read in the ANSI code page.
"""

import ctypes
import errno
import multiprocessing
import multiprocessing.context
import os
import sys
import warnings

ACTIVE = os.environ.get("ZQSITE_WINDOWS_LIKE") == "1"

if ACTIVE:
    # No fork: the default and only start method is spawn.
    multiprocessing.set_start_method("spawn", force=True)
    for _method in ("fork", "forkserver"):
        multiprocessing.context._concrete_contexts.pop(_method, None)
    multiprocessing.context.DefaultContext.get_all_start_methods = lambda self: ["spawn"]
    multiprocessing.get_all_start_methods = lambda: ["spawn"]  # bound when multiprocessing was imported
    if hasattr(os, "fork"):
        del os.fork

    class _WindowsCDLL(ctypes.CDLL):
        def __init__(self, name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            if name is None:
                raise TypeError("expected str, bytes or os.PathLike object, not NoneType")
            super().__init__(name, *args, **kwargs)

    ctypes.CDLL = _WindowsCDLL

    def _no_hard_links(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.EPERM, "Operation not permitted (no hard links on this drive)")

    os.link = _no_hard_links

    for _stream in (sys.stdout, sys.stderr):
        if _stream is not None and hasattr(_stream, "reconfigure"):
            _stream.reconfigure(encoding="cp1252", errors="strict")

    if sys.flags.warn_default_encoding:
        warnings.filterwarnings("error", category=EncodingWarning, module=r"zqsite(\..*)?$")
