"""Kill an importing process at random points (SIGKILL): the batch is wholly there or wholly absent,
the running balances still match the postings, and re-running the import posts nothing twice."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from carepool.services import ledger as svc
from carepool.store import ledger_repo
from carepool.store.db import open_store
from tests.ledger.helpers import assured_store

ROWS = 6_000
IMPORT = """
import sys
from pathlib import Path
from carepool.services.ledger import import_spend
from carepool.store.db import open_store
print("started", flush=True)
done = import_spend(open_store(sys.argv[1]), Path(sys.argv[2]))
print("posted", done.posted, flush=True)
"""


def _payments(path: Path, plans: dict[str, object]) -> None:
    lines = ["date,area,scheme,provider,amount,reference"]
    for i in range(ROWS):
        area = sorted(plans)[i % len(plans)]
        lines.append(f"2015-{4 + i % 9:02d}-{1 + i % 28:02d},{area},S0{1 + i % 3},Provider {i % 7},"
                     f"{100 + i}.{i % 100:02d},CRASH-{i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _start(url: str, file: Path) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[2]   # this checkout's carepool, not whichever is installed
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(root / "src"), str(root)))}
    return subprocess.Popen([sys.executable, "-c", IMPORT, url, str(file)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _wait_started(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"


def _count(url: str) -> tuple[int, list[tuple[int, int, int]]]:
    store = open_store(url)
    try:
        with store.transaction() as session:
            return len(ledger_repo.digests(session, [f"spend:{a}:CRASH-{i}" for i in range(ROWS)
                                                     for a in ("E08000018", "E06000001")])), \
                ledger_repo.balance_drift(session)
    finally:
        store.dispose()


def test_killed_imports_leave_all_or_nothing_and_reruns_post_nothing_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    store = open_store(url)
    plans = assured_store(store)
    store.dispose()
    file = tmp_path / "payments.csv"
    _payments(file, plans)   # type: ignore[arg-type]

    scratch = tmp_path / "scratch.db"   # time a whole import on a copy, to aim the kills inside it
    shutil.copy(tmp_path / "crash.db", scratch)
    timer = _start(f"sqlite:///{scratch}", file)
    _wait_started(timer)
    began = time.monotonic()
    timer.communicate(timeout=300)
    duration = time.monotonic() - began
    rng = random.Random(20150401)
    outcomes = []
    for attempt in range(4):   # one random point in each quarter of the import's run time
        proc = _start(url, file)
        _wait_started(proc)
        time.sleep(duration * (attempt + rng.random()) / 4)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
        posted, drift = _count(url)
        assert posted in (0, ROWS), f"a killed import left {posted} of {ROWS} payments"
        assert drift == []
        outcomes.append(posted)
        if posted == ROWS:
            break
    rerun = _start(url, file)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    posted_now = int(out.split("posted")[-1].strip())
    assert posted_now == (0 if ROWS in outcomes else ROWS)
    assert _count(url) == (ROWS, [])
    store = open_store(url)
    assert svc.import_spend(store, file).posted == 0
    assert svc.trial_balance(store).unbalanced_pools() == []
    store.dispose()
