"""Worker pools: "these jobs, in parallel when worth it", with either start method.

A pool starts its processes with fork on Linux, where a worker inherits what the build has
read already and starts in milliseconds, and with spawn everywhere else: Windows has no fork,
and on macOS forking a process that has loaded system frameworks is unsafe (spawn is
Python's default there). `ZQSITE_START_METHOD=spawn` (or `fork`) chooses one, for tests and
benchmarks.

Code that uses a pool works under spawn: its function is a top-level function of a module,
and what every job needs (`shared`) is handed to each worker once: inherited under fork,
pickled under spawn. An object too large to pickle can make its pickled form a recipe that
rebuilds it in the worker (see `rendering.RenderWork`).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

# multiprocessing and concurrent.futures are imported when a pool starts: most rebuilds start none.

START_METHOD_VARIABLE = "ZQSITE_START_METHOD"
Job = TypeVar("Job")
Result = TypeVar("Result")

_FUNCTION: Callable[[Any, Any], Any] | None = None  # what a worker runs, and what its jobs share
_SHARED: Any = None


def start_method() -> str:
    """"fork" where it is safe and available (Linux), else "spawn"."""
    import multiprocessing

    available = multiprocessing.get_all_start_methods()
    wanted = os.environ.get(START_METHOD_VARIABLE, "").strip().lower()
    if wanted in ("fork", "spawn") and wanted in available:
        return wanted
    if sys.platform.startswith("linux") and "fork" in available:
        return "fork"
    return "spawn"


def cpu_count() -> int:
    """The cores this process may use (a container or `taskset` may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # no sched_getaffinity (Windows, macOS)
        return os.cpu_count() or 1


def _install(function: Callable[[Any, Any], Any] | None, shared: Any) -> None:
    """Runs in each worker as it starts (spawn), or in the build process before forking."""
    global _FUNCTION, _SHARED
    _FUNCTION, _SHARED = function, shared


def _run_chunk(jobs: Sequence[Any]) -> list[Any]:
    assert _FUNCTION is not None, "worker started without its function"
    return [_FUNCTION(_SHARED, job) for job in jobs]


class Pool:
    """`workers` processes that run `function(shared, job)` for chunks of jobs (`submit`).

    Use as a context manager: leaving it waits for the workers and cancels what has not started.
    """

    def __init__(self, function: Callable[[Any, Job], Result], shared: Any, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.method = start_method()
        context = multiprocessing.get_context(self.method)
        with interrupts_deferred():
            if self.method == "fork":
                _install(function, shared)  # every worker inherits it: nothing is pickled
                # A forked worker's garbage collector would touch, and so copy, every object it inherits.
                gc.freeze()
                self._executor = ProcessPoolExecutor(workers, mp_context=context)
            else:
                self._executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_install,
                                                     initargs=(function, shared))

    def submit(self, jobs: Sequence[Job]) -> "Future[list[Result]]":
        """The results of `jobs`, in their order, when a worker has run them all."""
        with interrupts_deferred():
            return self._executor.submit(_run_chunk, list(jobs))

    def close(self) -> None:
        try:
            with interrupts_deferred():
                self._executor.shutdown(wait=True, cancel_futures=True)
        except RuntimeError:
            # The executor broke while starting its manager thread: nothing would end the
            # workers, and shutdown cannot wait for the thread. The workers are killed here.
            for process in list((getattr(self._executor, "_processes", None) or {}).values()):
                process.kill()
        finally:
            if self.method == "fork":
                gc.unfreeze()
                _install(None, None)

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done, then act as they would have. A
    KeyboardInterrupt inside ProcessPoolExecutor's submit or shutdown can leave its queues
    half set up: a worker then waits for work forever and the build never exits (seen here
    with SIGTERM while a pool started)."""
    if threading.current_thread() is not threading.main_thread():  # signals go to the main thread only
        yield
        return
    caught: list[int] = []
    numbers = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    before = {number: signal.signal(number, lambda number, _frame: caught.append(number)) for number in numbers}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
        if caught:
            handler = before[caught[0]]
            if callable(handler):
                handler(caught[0], None)  # the build's own (cli._interrupt) or Python's: KeyboardInterrupt
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), caught[0])


def worth_a_pool(jobs: int, workers: int, min_jobs: dict[str, int]) -> bool:
    """Whether `jobs` are enough for a pool: `min_jobs` per start method (a spawned worker
    starts from nothing and needs more work to pay for itself than a forked one)."""
    if workers < 2 or jobs < max(2, min(min_jobs.values())):
        return False  # decided without asking for the start method (and importing multiprocessing)
    return jobs >= max(2, min_jobs[start_method()])


def map_jobs(function: Callable[[Any, Job], Result], jobs: Sequence[Job], shared: Any = None, *,
             workers: int = 1, min_jobs: dict[str, int] | None = None,
             chunk_size: int | None = None) -> Iterator[Result]:
    """`function(shared, job)` for every job, results in the jobs' order.

    In `workers` processes when worth_a_pool (by default from 2 jobs), else in this process.
    """
    if not worth_a_pool(len(jobs), workers, min_jobs or {"fork": 2, "spawn": 2}):
        for job in jobs:
            yield function(shared, job)
        return
    size = chunk_size or max(1, min(50, len(jobs) // (workers * 8)))
    with Pool(function, shared, workers) as pool:
        futures = [pool.submit(jobs[start:start + size]) for start in range(0, len(jobs), size)]
        for future in futures:
            yield from future.result()
