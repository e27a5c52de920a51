"""Worker processes for CPU-bound builds (issue 16, item 4): results come back as data, a call that
needs too much memory or time is refused and its worker replaced, the caller's error comes back."""

from __future__ import annotations

import os
import time

import pytest

from carepool.services.workers import WorkerFailed, Workers


def whose(value: int) -> tuple[int, int]:
    return value * 2, os.getpid()


def hungry(megabytes: int) -> int:
    block = b"x" * (megabytes * 1_000_000)     # written, so resident
    time.sleep(1.0)                             # held, as a runaway build holds it
    return len(block)


def sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return "awake"


def refuses(text: str) -> None:
    raise ValueError(text)


@pytest.fixture
def workers() -> Workers:
    pool = Workers(1, memory_bytes=200_000_000, seconds=20)
    yield pool
    pool.stop()


def test_a_call_runs_in_another_process_and_returns_its_result(workers: Workers) -> None:
    doubled, pid = workers.call(whose, 21)
    assert doubled == 42 and pid != os.getpid()
    assert workers.call(whose, 1)[1] == pid, "the worker is kept for the next call"


def test_a_call_needing_more_memory_than_allowed_is_refused_and_the_next_one_runs(workers: Workers) -> None:
    first_pid = workers.call(whose, 1)[1]
    with pytest.raises(WorkerFailed, match="more than 200 MB of memory"):
        workers.call(hungry, 400)
    assert workers.call(hungry, 50) == 50_000_000
    assert workers.call(whose, 1)[1] != first_pid, "a fresh worker replaced the one that ran out"


def test_a_call_that_overruns_is_refused_and_its_worker_killed() -> None:
    pool = Workers(1, seconds=0.5)
    try:
        with pytest.raises(WorkerFailed, match=r"longer than 0\.5 seconds"):
            pool.call(sleepy, 30)
        assert pool.call(sleepy, 0) == "awake"
    finally:
        pool.stop()


def test_the_calls_own_error_is_raised_in_the_caller(workers: Workers) -> None:
    with pytest.raises(ValueError, match="no such series"):
        workers.call(refuses, "no such series")
    assert workers.call(whose, 2)[0] == 4, "an error in the call does not end the worker"


def test_a_stopped_pool_refuses_calls() -> None:
    pool = Workers(1)
    pool.stop()
    with pytest.raises(WorkerFailed, match="stopped"):
        pool.call(whose, 1)


def test_stopping_while_a_worker_starts_ends_it_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    """A server stopped during its warm-up: the starting worker is ended, nothing is printed from it,
    and the starter is told the pool stopped (as the demo's serve test saw: a BrokenPipeError trace)."""
    import threading

    pool = Workers(1)
    outcome: list[BaseException | None] = []

    def start() -> None:
        try:
            pool.start()
            outcome.append(None)
        except WorkerFailed as exc:
            outcome.append(exc)

    starter = threading.Thread(target=start)
    starter.start()
    time.sleep(0.05)                  # the worker's interpreter is still starting
    pool.stop()
    starter.join(30)
    assert not starter.is_alive() and len(outcome) == 1
    assert isinstance(outcome[0], WorkerFailed) and "stopped" in str(outcome[0])
    time.sleep(1.0)                   # anything the worker would print on its way out
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err, err
