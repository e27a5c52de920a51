"""Fill the per-process caches in the background when the app starts, so first requests are fast.

An area page's charts and per-area evaluation take about 0.4 s of CPU on its first request
(``area_data.metrics_section``), about a minute for all 151 areas, and the dashboard's figures
about a second. The app's lifespan starts a ``Warmer`` (``WebSettings.warm_caches``;
``CAREPOOL_WEB_WARM=0`` turns it off), which

- fills the dashboard rows cache and every area's view (plan, statements, history: store reads)
  in a daemon thread, once no request is in flight (or after ``MAX_WAIT`` seconds);
- with the app's worker processes, starts the workbook reader and builds the evidence report in
  a worker (so neither the first upload nor the first ``/evidence`` waits for a process to start);
- renders every area's metrics section in a child process at the lowest CPU priority (nice 19)
  and hands each one's HTML to this process as it is done. A thread in this process would share
  the interpreter lock with the request handlers, and when tried it held every request up by
  seconds under load; a child process at nice 19 only gets CPU that requests leave unused.

The sections depend only on the shipped published files and the area, so the child renders
exactly what a request would; whichever copy is ready first is kept (``area_data.offer_section``),
and a request for an area the child has not reached yet computes it as before. ``stop`` ends the
child at once and so the thread (or after the dashboard rows in hand). The child is a fresh
interpreter (``python -c CHILD CODE...``) writing one JSON line per area.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

from markupsafe import Markup

from carepool.services import dashboard, evaluation, plans
from carepool.services.areas import geography_of
from carepool.services.workers import Workers
from carepool.store.db import Store
from carepool.web import area_data

log = logging.getLogger(__name__)
# the child: lower its priority before the heavy imports, then render the areas named in its arguments
CHILD = ("import os, sys\nif hasattr(os, 'nice'):\n    os.nice(19)\n"
         "from carepool.web.warmup import main\nmain(sys.argv[1:])")
MAX_WAIT = 1.0     # seconds to wait for no request in flight before computing the dashboard rows anyway


class Warmer:
    """Fills the dashboard rows cache of ``store`` for ``year`` and each area's metrics section."""

    def __init__(self, store: Store, year: str, *, areas: Sequence[str] | None = None,
                 workers: Workers | None = None) -> None:
        self.store = store
        self.year = year
        self.workers = workers             # the app's worker processes: the evidence report is built there
        self.areas = tuple(sorted(geography_of(year).areas) if areas is None else areas)
        self.in_flight = 0                 # requests being served (kept by the app's middleware)
        self.warmed: list[str] = []        # area codes whose section arrived, in order
        self.done = threading.Event()      # set when the thread ends (finished, stopped or failed)
        self._stop = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        self._child_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="carepool-warm-caches", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End the child process now and wait up to ``timeout`` seconds for the thread."""
        self._stop.set()
        with self._child_lock:
            child = self._child
        if child is not None and child.poll() is None:
            child.kill()                   # its output stops: the thread's read ends
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        started = time.perf_counter()
        beside: threading.Thread | None = None
        try:
            child = self._start_child()
            if self.workers is not None:   # the processes start beside the rest, not after the sections
                beside = threading.Thread(target=self._warm_workers, name="carepool-warm-workers", daemon=True)
                beside.start()
            deadline = time.monotonic() + MAX_WAIT
            while self.in_flight > 0 and time.monotonic() < deadline and not self._stop.wait(0.01):
                pass
            if not self._stop.is_set():
                dashboard.all_rows(self.store, self.year)
            for code in self.areas:        # each area's plan, statements and history (store reads)
                if self._stop.is_set():
                    break
                area_data.warm_view(self.store, code, self.year)
            self._receive(child)
            if beside is not None:
                beside.join()
            if not self._stop.is_set():
                log.info("caches warmed: dashboard and %d areas in %.1f s", len(self.warmed),
                         time.perf_counter() - started)
        except _Stopped:
            pass
        except Exception:              # a warm-up failure must never take the server down
            log.exception("warming the caches failed after %d areas; pages compute on first request",
                          len(self.warmed))
        finally:
            self._end_child()
            self.done.set()

    def _warm_workers(self) -> None:
        """Start the workbook reader (so the first upload does not wait for a process) and build the
        evidence report in the app's worker (so the first ``/evidence`` does not wait for a build)."""
        try:
            plans.start_workbook_reader()
            if self.workers is not None and not self._stop.is_set():
                evaluation.evidence_report(self.store, self.year, self.workers)
        except Exception:              # never fatal: an upload or /evidence starts them itself
            if self._stop.is_set():    # the server is stopping: ending them is what it asked for
                log.info("the server stopped while its worker processes were starting")
                return
            log.exception("starting the worker processes at start-up failed; the first use starts them")

    def _start_child(self) -> subprocess.Popen[bytes]:
        # a fresh interpreter (never a fork of a process with threads and an open store), one BLAS
        # thread; it lowers its own priority first thing
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        with self._child_lock:
            if self._stop.is_set():
                raise _Stopped
            self._child = subprocess.Popen([sys.executable, "-c", CHILD, *self.areas],
                                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=env)
        return self._child

    def _end_child(self) -> None:
        with self._child_lock:
            child = self._child
        if child is None:
            return
        if child.poll() is None:
            child.kill()
        child.wait(5)
        if child.stdout is not None:
            child.stdout.close()

    def _receive(self, child: subprocess.Popen[bytes]) -> None:
        assert child.stdout is not None
        for line in child.stdout:          # one JSON object per area; EOF when the child ends or is killed
            if self._stop.is_set():
                return
            if not line.startswith(b"{"):
                continue                   # anything else a library may print
            found = json.loads(line)
            area_data.offer_section(found["code"], Markup(found["html"]))
            self.warmed.append(found["code"])


class _Stopped(Exception):
    """Stopped before the child process was started."""


def main(codes: Sequence[str]) -> None:
    """The child process (``CHILD``, already at nice 19): render each area's metrics section, one JSON line each."""
    out = sys.stdout
    try:
        for code in codes:
            out.write(json.dumps({"code": code, "html": str(area_data.render_section(code))}) + "\n")
            out.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        pass                           # the server stopped listening: nothing left to do
