"""Worker pools: the same results with either start method, in order, and no pool for a few jobs."""

from __future__ import annotations

import multiprocessing
import os

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


@pytest.mark.parametrize("method", [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()])
def test_an_interruption_while_a_pool_starts_stops_its_workers_and_stays_an_interruption(monkeypatch, method):
    # Ctrl-C or SIGTERM (a KeyboardInterrupt) between the workers' start and their manager
    # thread's: shutting the pool down must neither raise another error nor leave workers.
    from concurrent.futures import process

    def interrupted(thread) -> None:  # noqa: ANN001
        raise KeyboardInterrupt

    monkeypatch.setenv(workers.START_METHOD_VARIABLE, method)
    monkeypatch.setattr(process._ExecutorManagerThread, "start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        with workers.Pool(square_with_offset, {"offset": 0}, 2) as pool:
            pool.submit([1, 2])
    for child in multiprocessing.active_children():  # joins the stopped workers
        child.join(timeout=10)
    assert multiprocessing.active_children() == []
