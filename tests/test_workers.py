"""Worker pools: the same results with either start method, in order, and no pool for a few jobs."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from zqsite import workers


def square_with_offset(shared: dict, job: int) -> tuple[int, int]:
    return job * job + shared["offset"], os.getpid()


# Both where the system has both; spawn alone in the Windows-like mode (and on Windows).
@pytest.mark.parametrize("method", [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()])
def test_map_jobs_gives_every_result_in_order_with_either_start_method(monkeypatch, method):
    monkeypatch.setenv(workers.START_METHOD_VARIABLE, method)
    assert workers.start_method() == method
    results = list(workers.map_jobs(square_with_offset, list(range(200)), {"offset": 3}, workers=2,
                                    min_jobs={"fork": 10, "spawn": 10}))
    assert [value for value, _pid in results] == [n * n + 3 for n in range(200)]
    assert os.getpid() not in {pid for _value, pid in results}  # run by the workers


def test_few_jobs_are_run_in_this_process():
    results = list(workers.map_jobs(square_with_offset, [1, 2, 3], {"offset": 0}, workers=4,
                                    min_jobs={"fork": 10, "spawn": 10}))
    assert results == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


def test_spawn_is_chosen_where_fork_is_not_safe(monkeypatch):
    monkeypatch.delenv(workers.START_METHOD_VARIABLE, raising=False)
    monkeypatch.setattr(workers.sys, "platform", "darwin")
    assert workers.start_method() == "spawn"
    monkeypatch.setattr(workers.sys, "platform", "win32")
    assert workers.start_method() == "spawn"


# --- the render phase's pool: a worker that dies leaves its pages to the build process ----------

class DyingRenderer:
    """Renders a page as its URL; in a worker process, the page /die ends the process."""

    def __init__(self, parent: int) -> None:
        self.parent = parent

    def render(self, spec) -> bytes:  # noqa: ANN001
        if spec.url.endswith("/die.html") and os.getpid() != self.parent:
            os._exit(3)
        return f"<p>{spec.url}</p>".encode()


def dying_work(parent: int, urls: list[str], writer):  # noqa: ANN001, ANN201
    from zqsite.pages import PageSpec
    from zqsite.rendering import RenderWork

    specs = [PageSpec(url, "list.html", "en", {}) for url in urls]
    return RenderWork(DyingRenderer(parent), specs, [url.lstrip("/") for url in urls], writer,
                      recipe=(dying_work, (parent, urls, writer)))


@pytest.mark.parametrize("method", [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()])
def test_pages_of_a_render_worker_that_died_are_rendered_by_the_build_process(tmp_path, monkeypatch, caplog, method):
    from zqsite import rendering
    from zqsite.writer import SiteWriter

    monkeypatch.setenv(workers.START_METHOD_VARIABLE, method)
    monkeypatch.setattr(rendering, "PARALLEL_RENDER_THRESHOLD", {"fork": 10, "spawn": 10})
    caplog.set_level("DEBUG", logger="zqsite.rendering")
    urls = [f"/list/{n}.html" for n in range(300)] + ["/list/die.html"]
    with SiteWriter(tmp_path / "out") as writer:
        work = dying_work(os.getpid(), urls, writer)
        rels = [writer.claim(rel) for rel in work.rels]
        results = list(rendering.render_pages(work, workers=2))
        for position, _size, written in results:
            writer.account(rels[position], written)
        writer.commit()
    assert sorted(position for position, _size, _written in results) == list(range(len(urls)))
    assert all((tmp_path / "out" / rel).read_bytes() == f"<p>/{rel}</p>".encode() for rel in rels)
    assert any("a worker died" in record.getMessage() for record in caplog.records)


def raise_interrupt(_number, _frame) -> None:  # noqa: ANN001
    raise KeyboardInterrupt  # as cli._interrupt does for SIGTERM


def assert_no_worker_left() -> None:
    for child in multiprocessing.active_children():  # joins the workers that ended
        child.join(timeout=10)
    assert multiprocessing.active_children() == []


METHODS = [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()]


@pytest.mark.parametrize("method", METHODS)
def test_sigterm_while_a_pool_starts_comes_after_the_start_and_the_pool_shuts_down(monkeypatch, method):
    # SIGTERM in the middle of ProcessPoolExecutor.submit once left a worker waiting for work
    # forever and the build never ended: it is held until submit is done.
    from concurrent.futures import ProcessPoolExecutor

    monkeypatch.setenv(workers.START_METHOD_VARIABLE, method)
    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    original = ProcessPoolExecutor.submit
    submitted = []

    def signalled(executor, *args, **kwargs):  # noqa: ANN001
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)  # the signal is delivered while submit goes on
        future = original(executor, *args, **kwargs)
        submitted.append(future)
        return future

    monkeypatch.setattr(ProcessPoolExecutor, "submit", signalled)
    try:
        with pytest.raises(KeyboardInterrupt):
            with workers.Pool(square_with_offset, {"offset": 0}, 2) as pool:
                pool.submit([1, 2])
                pytest.fail("the interruption did not come after submit")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(submitted) == 1  # the interruption came once submit had started the pool
    assert_no_worker_left()


@pytest.mark.parametrize("method", METHODS)
def test_an_interruption_while_a_pool_starts_stops_its_workers_and_stays_an_interruption(monkeypatch, method):
    # Should the executor still break while it starts (here its thread's start raises), shutting
    # the pool down must neither raise another error nor leave workers, whatever SIGTERM does.
    from concurrent.futures import process

    def interrupted(thread) -> None:  # noqa: ANN001
        raise KeyboardInterrupt

    monkeypatch.setenv(workers.START_METHOD_VARIABLE, method)
    monkeypatch.setattr(process._ExecutorManagerThread, "start", interrupted)
    previous = signal.signal(signal.SIGTERM, raise_interrupt)  # what a worker inherits from the build
    try:
        with pytest.raises(KeyboardInterrupt):
            with workers.Pool(square_with_offset, {"offset": 0}, 2) as pool:
                pool.submit([1, 2])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert_no_worker_left()
