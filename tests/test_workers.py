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
    results = list(workers.map_jobs(square_with_offset, list(range(200)), {"offset": 3}, workers=2, min_jobs=10))
    assert [value for value, _pid in results] == [n * n + 3 for n in range(200)]
    assert os.getpid() not in {pid for _value, pid in results}  # run by the workers


def test_few_jobs_are_run_in_this_process():
    results = list(workers.map_jobs(square_with_offset, [1, 2, 3], {"offset": 0}, workers=4, min_jobs=10))
    assert results == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


def test_spawn_is_chosen_where_fork_is_not_safe(monkeypatch):
    monkeypatch.delenv(workers.START_METHOD_VARIABLE, raising=False)
    monkeypatch.setattr(workers.sys, "platform", "darwin")
    assert workers.start_method() == "spawn"
    monkeypatch.setattr(workers.sys, "platform", "win32")
    assert workers.start_method() == "spawn"
