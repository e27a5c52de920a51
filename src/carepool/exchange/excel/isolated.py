"""Read and validate an uploaded workbook in a worker process with a memory and a time limit.

The size checks in ``opening`` refuse the known ways a small file becomes a huge parse, but
openpyxl and the XML parser are large and a new trick may slip past them. So an upload is read
in a worker process whose address space is capped (``RLIMIT_AS``: its size after start-up plus
``memory_bytes``) and which is killed after ``seconds``: a workbook that needs more gets a
refusal finding, and the serving process never holds its parse.

The worker is started once (a fresh interpreter, ``spawn``, so it never inherits the server's
threads or locks) and reused; one read at a time goes to it. A worker that ran out of memory,
died or overran is killed and the next read starts a new one.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from carepool.errors import ConfigurationError
from carepool.exchange.excel.check import read_and_validate
from carepool.exchange.excel.reader import WorkbookRead
from carepool.findings import Finding, error
from carepool.reference.model import ReferenceData

MEMORY_BYTES = 768_000_000   # address space a read may add to the worker's own
SECONDS = 60.0
START_SECONDS = 120.0        # a fresh interpreter importing openpyxl on a busy machine


def _address_space() -> int:
    """This process's current virtual size in bytes (0 when /proc is not there)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _serve(requests: Connection, memory_bytes: int) -> None:
    """The worker: cap the address space, then answer reads until the pipe closes."""
    limit = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        requests.send(("ready", None))
        while True:
            try:
                path, ref, stage = requests.recv()
            except EOFError:
                return
            try:
                requests.send(("ok", read_and_validate(Path(path), ref=ref, stage=stage)))
            except MemoryError:
                requests.send(("memory", None))
                return                              # start clean next time
    except (BrokenPipeError, ConnectionError, EOFError):
        return                                      # the server stopped while this reader was busy


@dataclass
class _Worker:
    process: Any
    pipe: Connection
    memory_bytes: int

    def stop(self) -> None:
        self.pipe.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


_lock = threading.Lock()
_workers: dict[int, _Worker] = {}    # one per memory allowance, in this process


def _start(memory_bytes: int) -> _Worker:
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe(duplex=True)
    process = ctx.Process(target=_serve, args=(there, memory_bytes), daemon=True, name="carepool-workbook-reader")
    process.start()
    there.close()
    worker = _Worker(process, here, memory_bytes)
    try:
        if here.poll(START_SECONDS) and here.recv()[0] == "ready":
            return worker
    except (EOFError, OSError):
        pass
    worker.stop()
    raise ConfigurationError("the workbook reader process did not start; see the server log")


def _refused(path: Path, why: str) -> tuple[WorkbookRead, list[Finding]]:
    finding = error("XL-TOO-LARGE", f"the workbook could not be checked: {why}; remove unused rows, columns "
                    "and sheets (or start again from the carepool template)", file=path.name)
    return WorkbookRead(None, [finding]), [finding]


def start_reader(memory_bytes: int = MEMORY_BYTES) -> None:
    """Start the worker for ``memory_bytes`` now if it is not running (a server at start-up)."""
    with _lock:
        worker = _workers.get(memory_bytes)
        if worker is None or not worker.process.is_alive():
            _workers[memory_bytes] = _start(memory_bytes)


def read_and_validate_isolated(path: Path, *, ref: ReferenceData, stage: str = "draft",
                               memory_bytes: int = MEMORY_BYTES,
                               seconds: float = SECONDS) -> tuple[WorkbookRead, list[Finding]]:
    """As ``read_and_validate``, in the worker process: at most ``memory_bytes`` more memory and ``seconds``."""
    path = Path(path)
    with _lock:
        worker = _workers.get(memory_bytes)
        if worker is None or not worker.process.is_alive():
            worker = _workers[memory_bytes] = _start(memory_bytes)
        status, result = "memory", None
        try:
            worker.pipe.send((str(path), ref, stage))
            if not worker.pipe.poll(seconds):
                status = "slow"
            else:
                status, result = worker.pipe.recv()
        except (EOFError, OSError, BrokenPipeError):   # the worker died: out of memory in native code
            status = "memory"
        if status != "ok":
            worker.stop()
            del _workers[memory_bytes]
    if status == "slow":
        return _refused(path, f"reading it took longer than {seconds:g} seconds")
    if status != "ok" or result is None:
        return _refused(path, f"reading it needed more than {memory_bytes // 1_000_000:,} MB of memory")
    read, findings = result
    return read, findings
