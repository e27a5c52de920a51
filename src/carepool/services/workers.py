"""Worker processes for CPU-bound builds, so a server's requests never wait on them.

A web process serves every request with one interpreter lock: seconds of Python building a
report in one of its threads slow every page it serves meanwhile. ``Workers`` runs such a call
in a separate process instead (a fresh interpreter, ``spawn``, never a fork of a process with
threads and an open store), with plain data in and out. The pool is bounded (``processes``,
default one: a second build waits for the first), each call may add ``memory_bytes`` of resident
memory to the worker's size after start-up (watched every ``WATCH_SECONDS``; an address-space
cap, as the workbook reader has, was tried and breaks DuckDB, which reserves far more address
space than it uses), each call has ``seconds``, and BLAS uses one thread. A worker that ran out
of memory, died or overran is killed and the next call starts a fresh one. The app owns one
``Workers`` (stopped with it); the functions it runs are module-level (named, not pickled as code).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from carepool.errors import ConfigurationError

T = TypeVar("T")
MEMORY_BYTES = 1_500_000_000    # resident memory a call may add to the worker's own after start-up
WATCH_SECONDS = 0.1             # how often a call's memory is looked at
SECONDS = 300.0
START_SECONDS = 120.0           # a fresh interpreter on a busy machine
STOPPED = "the worker processes have been stopped"


class WorkerFailed(ConfigurationError):
    """A call in a worker process ran out of memory or time, or the worker died; nothing was returned."""


def resident_bytes(pid: int) -> int:
    """A process's resident memory in bytes (0 when /proc does not say)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _serve(pipe: Connection) -> None:
    """The worker: one BLAS thread, then answer calls until the pipe closes."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    try:
        pipe.send(("ready", os.getpid()))
        while True:
            try:
                fn, args = pipe.recv()
            except EOFError:
                return
            try:
                pipe.send(("ok", fn(*args)))
            except MemoryError:
                pipe.send(("memory", None))
                return                              # start clean next time
            except Exception as exc:                # the call's own error goes back to the caller
                pipe.send(("raised", exc))
    except (BrokenPipeError, ConnectionError, EOFError):
        return                                      # the server stopped while this worker was busy


@dataclass
class _Worker:
    process: Any
    pipe: Connection
    baseline: int = 0             # resident bytes once started: a call may add ``memory_bytes`` to it

    def stop(self) -> None:
        self.pipe.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


class Workers:
    """At most ``processes`` worker processes; ``call`` runs a function in one and returns its result."""

    def __init__(self, processes: int = 1, *, memory_bytes: int = MEMORY_BYTES, seconds: float = SECONDS) -> None:
        if processes < 1:
            raise ValueError("a pool needs at least one process")
        self.memory_bytes = memory_bytes
        self.seconds = seconds
        self.calls = 0
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(processes):
            self._idle.put(None)                    # a place for a worker, started when first needed
        self._lock = threading.Lock()
        self._live: list[_Worker] = []
        self._closed = False

    def start(self) -> None:
        """Start one worker now (a server calls this at start-up, so the first call does not wait)."""
        slot = self._idle.get()
        try:
            slot = slot if slot is not None and slot.process.is_alive() else self._start()
        finally:
            self._idle.put(slot)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker process; its exception is raised here; WorkerFailed if the worker
        ran out of memory or time, or died."""
        if self._closed:
            raise WorkerFailed(STOPPED)
        slot = self._idle.get()                     # waits while every worker is busy
        worker: _Worker | None = None
        try:
            worker = slot if slot is not None and slot.process.is_alive() else self._start()
            status: str = "died"
            result: Any = None
            try:
                worker.pipe.send((fn, args))
                status, result = self._wait(worker)
            except (EOFError, OSError):
                status = "died"
            self.calls += 1
            if status == "raised" and isinstance(result, BaseException):
                raise result
            if status == "ok":
                return result  # type: ignore[no-any-return]
            self._forget(worker)
            worker = None
            why = {"slow": f"took longer than {self.seconds:g} seconds",
                   "memory": f"needed more than {self.memory_bytes // 1_000_000:,} MB of memory"}
            raise WorkerFailed(f"{getattr(fn, '__name__', 'the call')} {why.get(status, 'ended its worker')}")
        finally:
            self._idle.put(worker)

    def _wait(self, worker: _Worker) -> tuple[str, Any]:
        """The call's answer, or ("slow" | "memory", None) once it overran its time or memory."""
        deadline = time.monotonic() + self.seconds
        limit = worker.baseline + self.memory_bytes
        while True:
            if worker.pipe.poll(min(WATCH_SECONDS, max(0.0, deadline - time.monotonic()))):
                answer: tuple[str, Any] = worker.pipe.recv()
                return answer
            if resident_bytes(worker.process.pid) > limit:
                return "memory", None
            if time.monotonic() >= deadline:
                return "slow", None

    def _start(self) -> _Worker:
        ctx = multiprocessing.get_context("spawn")
        here, there = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_serve, args=(there,), daemon=True, name="carepool-worker")
        with self._lock:                            # known from the start, so ``stop`` ends it even now
            if self._closed:
                raise WorkerFailed(STOPPED)
            process.start()
            worker = _Worker(process, here)
            self._live.append(worker)
        there.close()
        deadline = time.monotonic() + START_SECONDS
        try:
            while not self._closed and time.monotonic() < deadline:
                if here.poll(WATCH_SECONDS):
                    if here.recv()[0] == "ready" and not self._closed:
                        worker.baseline = resident_bytes(process.pid or 0)
                        return worker
                    break
        except (EOFError, OSError):
            pass
        self._forget(worker)
        raise WorkerFailed(STOPPED if self._closed else "a worker process did not start; see the server log")

    def _forget(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._live:
                self._live.remove(worker)

    def stop(self) -> None:
        """Stop every worker (the app's shutdown); a call after this is refused."""
        self._closed = True
        with self._lock:
            live, self._live = self._live, []
        for worker in live:
            worker.stop()
