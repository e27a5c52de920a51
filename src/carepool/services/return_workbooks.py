"""Use cases for the return workbook: write an area's pre-filled return, submit a filled one.

The template is pre-filled from the pool's books to the period's end and, from 2021-22, with each
metric's goal from the assured plan and the metrics engine's figures where person-level data are
loaded. A submitted workbook goes through the same validation as the JSON file and the web form;
every finding is pointed at the sheet and cell to fix.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from carepool.errors import InputError, ValidationFailed
from carepool.exchange.excel.locate import locate
from carepool.exchange.excel.return_workbook import read_return_workbook, write_return_workbook
from carepool.plans.quarterly_return import QuarterlyReturn, parse_period, quarter_label
from carepool.plans.return_metrics import is_current, year_end_periods
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.reference.load_geography import geography_2023
from carepool.services import return_metrics, returns
from carepool.store.db import Store

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024


def _area_name(code: str, vintage: str) -> str:
    if vintage == "2023":
        return geography_2023().area(code).name
    return load_reference().area(code).name


def template(store: Store, area: str, year: str, period: str, out: Path, *,
             metrics_file: str | Path | None = None) -> Path:
    """Write ``area``'s return workbook for ``period`` ('2025Q1', '2025-26 Q1' or, end of year, '2025-26')."""
    programme = load_programme(year)
    code = returns.area_code(area)
    chosen = parse_period(period)
    if chosen is None or chosen not in programme.quarters + year_end_periods(programme):
        periods = ", ".join(quarter_label(q) for q in programme.quarters + year_end_periods(programme))
        raise InputError(f"'{period}' is not a period of {programme.name} ({periods})")
    plan = returns.assured_plan(store, code, programme.id)
    pools, schemes = returns.finance_to_date(store, plan, chosen) if plan is not None else ((), ())
    ret = QuarterlyReturn(code, programme.id, chosen, pools, schemes, None, None, ())
    if is_current(programme):
        lines = return_metrics.prefill(programme, plan, chosen, return_metrics.metrics_file(metrics_file), code)
        ret = replace(ret, metrics=lines)
    return write_return_workbook(out, ret, programme, plan, _area_name(code, programme.vintage))


def submit_workbook(store: Store, path: Path, *, actor: str, at: datetime | None = None,
                    metrics_file: str | Path | None = None) -> returns.Submitted:
    """Read, validate and store a filled return workbook; refuse it with every finding at its cell."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if size > MAX_WORKBOOK_BYTES:
        raise InputError(f"{path.name} is larger than {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB; a return is "
                         "much smaller")
    data, cells, read = read_return_workbook(path)
    if data is None:
        raise ValidationFailed(f"{path.name}: it could not be read", read)
    try:
        done = returns.submit_data(store, data, actor=actor, at=at, file=path.name, metrics_file=metrics_file,
                                   read_findings=read)
    except ValidationFailed as exc:
        raise ValidationFailed(str(exc), locate(exc.findings, cells, path.name)) from None
    return replace(done, findings=locate(done.findings, cells, path.name))
