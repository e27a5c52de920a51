"""Run the demo end to end into a fresh store, reporting progress as it goes.

By default the store is a new SQLite file in the output folder; given a database URL (for
example an empty PostgreSQL database) every step writes there instead, and files (charts,
reports, generated data) still go to the output folder.

The steps run in the order the product is built: plans, person-level activity and metrics,
the pooled-fund year (fed with the metrics' actual admissions), SPC charts of the real
series, the evaluation (with its HTML evidence report), the duty to share, and joined-up personal budgets.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

from carepool.demo.current_year import CurrentYearSummary, run_current_year
from carepool.demo.plans_step import PlansSummary, run_plans_step
from carepool.errors import ConfigurationError
from carepool.store.db import Store, normalise_url, open_store

Say = Callable[[str], None]
YEAR = "bcf-2015-16"


@dataclass
class DemoResult:
    out_dir: Path
    db_path: Path | None   # the SQLite file, when the demo made one
    db_url: str
    plans: PlansSummary | None = None
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
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


def given_store(url: str) -> Store:
    """The database named by ``url``, which must hold no carepool data yet (the demo never mixes
    its illustrative figures into real books, and never deletes anything to make room)."""
    store = open_store(url)
    with store.engine.connect() as connection:
        holding = [table for table in ("plans", "ledger_transactions", "web_users")
                   if connection.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None]
    if holding:
        store.dispose()
        raise ConfigurationError(
            f"the database {safe_url(url)} already holds carepool data ({', '.join(holding)}); the demo needs an "
            "empty database (for PostgreSQL: dropdb and createdb, or name a new database)")
    return store


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def _activity(out_dir: Path, seed: int, clock: Clock, _store: Store, _result: DemoResult) -> dict[str, Any]:
    from carepool.demo.activity_step import run_demo_step
    return run_demo_step(out_dir, seed, clock)


def _ledger(out_dir: Path, seed: int, clock: Clock, store: Store, result: DemoResult) -> dict[str, Any]:
    from carepool.demo.ledger_step import run_demo_step
    activity = result.sections.get("activity", {})
    admissions = activity.get("quarterly_admissions") or _published_admissions()
    source = "the metrics engine (person-level data)" if "quarterly_admissions" in activity else \
        "the published MAR series mapped to areas"
    clock(f"ledger: actual quarterly emergency admissions from {source}")
    out = run_demo_step(store, YEAR, admissions, seed, clock, out_dir / "host-ledgers")
    out["admissions_source"] = source
    return out


def _published_admissions() -> dict[tuple[str, str], int]:
    from carepool.reference.published_series import financial_quarter, nonelective_admissions
    out: dict[tuple[str, str], int] = {}
    for (area, period), value in nonelective_admissions().values.items():
        if "2015-04" <= period <= "2016-03":
            key = (area, financial_quarter(period))
            out[key] = out.get(key, 0) + value
    return out


def _spc(out_dir: Path, _seed: int, clock: Clock, _store: Store, _result: DemoResult) -> dict[str, Any]:
    from carepool.demo.spc_step import spc_for_published_series
    from carepool.engines.published import delayed_days_by_area_month, nonelective_by_area_month
    paths = spc_for_published_series(out_dir / "charts")
    clock(f"spc: {len(paths)} Making Data Count charts of real published series in {out_dir / 'charts'}")
    quarantined = [f for s in (nonelective_by_area_month(), delayed_days_by_area_month()) for f in s.findings]
    return {"charts": [str(p) for p in paths],
            "lines": [f"{len(paths) // 2} real published series loaded through the dataset loaders and charted "
                      f"(PNG and SVG) in {out_dir / 'charts'}",
                      f"{len(quarantined)} source rows reported by the loaders (quarantined or unmapped), e.g. "
                      f"{quarantined[0].message if quarantined else 'none'}"]}


def _evaluation(out_dir: Path, _seed: int, clock: Clock, store: Store, _result: DemoResult) -> dict[str, Any]:
    from carepool.demo.evaluation_step import run_demo_step
    return run_demo_step(store, out_dir, YEAR, clock)


def _scorecard(out_dir: Path, _seed: int, clock: Clock, store: Store, _result: DemoResult) -> dict[str, Any]:
    from carepool.demo.scorecard_step import run_demo_step
    return run_demo_step(store, out_dir, YEAR, clock)


def _sharing(out_dir: Path, seed: int, clock: Clock, store: Store, _result: DemoResult) -> dict[str, Any]:
    from carepool.demo.sharing_step import run_demo_step
    return run_demo_step(store, out_dir / "sharing", seed, clock)


def _budgets(out_dir: Path, seed: int, clock: Clock, store: Store, _result: DemoResult) -> dict[str, Any]:
    from carepool.services.synthetic_budgets import synthetic_budget_year
    return synthetic_budget_year(out_dir, seed, clock, store=store)


Step = Callable[[Path, int, Clock, Store, DemoResult], dict[str, Any]]
STEPS: tuple[tuple[str, str, Step], ...] = (
    ("activity", "person-level activity data and the BCF metrics (DuckDB)", _activity),
    ("ledger", "the pooled-fund year: contributions, spend, payment for performance, settlement", _ledger),
    ("spc", "Making Data Count SPC charts of the real published series", _spc),
    ("evaluation", "evaluation from the real series: planned versus actual, estimators, the verdict", _evaluation),
    ("sharing", "the duty to share: NHS-number linkage and a share under an agreement", _sharing),
    ("budgets", "joined-up personal budgets for illustrative people in three areas", _budgets),
    ("scorecard", "the Health and Wellbeing Board scorecard, with rank intervals", _scorecard),
)


def run_current_year_demo(out_dir: Path, *, year_id: str, seed: int, say: Say,
                          db: str | None = None) -> tuple[DemoResult, CurrentYearSummary]:
    """The current-year demo (plans only, 2023 geography) into a new SQLite file or the empty ``db``."""
    clock = Clock(say)
    out_dir.mkdir(parents=True, exist_ok=True)
    store, db_path = (given_store(db), None) if db is not None else fresh_store(out_dir)
    url = store.engine.url.render_as_string(hide_password=False)
    result = DemoResult(out_dir, db_path, url)
    clock(f"plans for the 153 Health and Wellbeing Board areas ({year_id})")
    summary = run_current_year(store, year_id=year_id, seed=seed, progress=clock)
    store.dispose()
    result.seconds = time.perf_counter() - clock.start
    return result, summary


def run_demo(out_dir: Path, *, seed: int, say: Say, skip: tuple[str, ...] = (), db: str | None = None) -> DemoResult:
    """Every step not in ``skip``, into a new SQLite file in ``out_dir`` or the empty database ``db``."""
    clock = Clock(say)
    if db is not None:
        store, db_path = given_store(db), None
    for child in ("charts", "report", "activity", "sharing", "budgets"):
        shutil.rmtree(out_dir / child, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    if db is None:
        store, db_path = fresh_store(out_dir)
    url = store.engine.url.render_as_string(hide_password=False)
    result = DemoResult(out_dir, db_path, url)
    clock(f"embedded store: {db_path}" if db_path is not None else f"store: {safe_url(url)} ({store.dialect})")
    clock("step 1: plans for all 151 Health and Wellbeing Board areas (2015-16)")
    result.plans = run_plans_step(store, seed=seed, progress=clock)
    for number, (name, title, step) in enumerate(STEPS, start=2):
        if name in skip:
            continue
        clock(f"step {number}: {title}")
        result.sections[name] = step(out_dir, seed, clock, store, result)
    store.dispose()
    result.seconds = time.perf_counter() - clock.start
    return result
