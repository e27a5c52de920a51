"""Run the demo end to end into a fresh embedded store, reporting progress as it goes."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carepool.demo.plans_step import PlansSummary, run_plans_step
from carepool.store.db import Store, open_store

Say = Callable[[str], None]


@dataclass
class DemoResult:
    out_dir: Path
    db_path: Path
    plans: PlansSummary | None = None
    sections: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


class Clock:
    """Prefixes progress messages with the seconds since the demo started."""

    def __init__(self, say: Say) -> None:
        self.start = time.perf_counter()
        self.say = say

    def __call__(self, message: str) -> None:
        self.say(f"[{time.perf_counter() - self.start:6.1f}s] {message}")


def fresh_store(out_dir: Path) -> tuple[Store, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "carepool-demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return open_store(str(db_path)), db_path


def run_demo(out_dir: Path, *, seed: int, say: Say) -> DemoResult:
    clock = Clock(say)
    if out_dir.exists():
        for child in ("charts", "report", "activity", "sharing"):
            shutil.rmtree(out_dir / child, ignore_errors=True)
    store, db_path = fresh_store(out_dir)
    result = DemoResult(out_dir, db_path)
    clock(f"embedded store: {db_path}")
    clock("step 1: plans for all 151 Health and Wellbeing Board areas (2015-16)")
    result.plans = run_plans_step(store, seed=seed, progress=clock)
    store.dispose()
    result.seconds = time.perf_counter() - clock.start
    return result
