"""Turn the rows and cells read from each sheet into the plan's parts.

Called only after reading found no error, so every required value is present; blank
optional text becomes "" exactly as the model holds it, which keeps the round trip exact.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from carepool.exchange.excel.layout import (
    AMBITION_CELLS,
    BASELINE_ROW,
    METRICS_TABLE,
    QUARTER_COLUMNS,
    QUARTERS,
    REDUCTION_ROW,
    YEAR_COLUMN,
    Table,
    planned_columns,
)
from carepool.exchange.excel.sheetreader import SheetReader
from carepool.money import Money
from carepool.plans.model import (
    Ambition,
    CapacityLine,
    ConditionConfirmation,
    FundingLine,
    MetricPlan,
    Partner,
    Pool,
    Scheme,
    SignOff,
)
from carepool.programme.model import ProgrammeYear

Rows = list[dict[str, Any]]


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def partners(rows: Rows) -> tuple[Partner, ...]:
    return tuple(Partner(r["code"], r["name"], r["kind"]) for r in rows)


def pools(rows: Rows) -> tuple[Pool, ...]:
    return tuple(Pool(r["id"], _s(r["name"]), _s(r["host"]), _s(r["manager"]), _s(r["model"]),
                      _s(r["governance"])) for r in rows)


def funding(rows: Rows) -> tuple[FundingLine, ...]:
    return tuple(FundingLine(_s(r["contributor"]), _s(r["stream"]), _s(r["pool"]), r["amount"],
                             _s(r.get("plan_year"))) for r in rows)


def capacity(rows: Rows) -> tuple[CapacityLine, ...]:
    return tuple(CapacityLine(_s(r["service"]), _s(r["plan_year"]), int(r["demand"]), int(r["capacity"]))
                 for r in rows)


def schemes(rows: Rows, plan_years: tuple[str, ...] = ()) -> tuple[Scheme, ...]:
    """Two-year plans read a spend per plan year (blank: none that year); the amount is their sum."""
    out = []
    for r in rows:
        amounts: tuple[tuple[str, Money], ...] = ()
        amount: Money = r.get("amount") or Money(0)
        if len(plan_years) > 1:
            amounts = tuple((label, r.get(f"amounts_{j}") or Money(0)) for j, label in enumerate(plan_years))
            amount = Money(sum(m.pence for _, m in amounts))
        out.append(Scheme(_s(r["ref"]), _s(r["name"]), _s(r["scheme_type"]), _s(r["area_of_spend"]),
                          _s(r["commissioner"]), _s(r["provider"]), _s(r["source"]), _s(r["pool"]), amount, r["new"],
                          amounts))
    return tuple(out)


def metrics(rows: Rows) -> tuple[MetricPlan, ...]:
    return tuple(MetricPlan(r["code"], r["baseline"], r["planned"], _s(r["baseline_period"]),
                            _s(r["local_name"])) for r in rows)


def conditions(rows: Rows) -> tuple[ConditionConfirmation, ...]:
    return tuple(ConditionConfirmation(r["id"], r["confirmed"], _s(r["narrative"])) for r in rows)


def signoffs(rows: Rows) -> tuple[SignOff, ...]:
    return tuple(SignOff(r["partner"], r["name"], _s(r["role"]), r["on"]) for r in rows)


def planned_periods(sr: SheetReader, rows: Rows, year: ProgrammeYear | None, table: Table = METRICS_TABLE) -> None:
    """Collect each metric's planned values into one tuple: four for quarterly metrics, one
    for annual ones, one a plan year where the table has a goal column per year; a value typed
    in a period an annual metric does not have is an error."""
    frequency = {m.code: m.frequency for m in year.metrics} if year else {}
    columns = planned_columns(table)
    for i, row in enumerate(rows):
        values: list[Decimal | None] = [row.pop(f"planned_{j}") for j in range(columns)]
        if table is not METRICS_TABLE:     # a goal for each plan year
            row["planned"] = tuple(values)
            continue
        kind = frequency.get(row["code"])
        periods = QUARTERS if kind == "quarterly" else 1 if kind == "annual" else \
            max((j + 1 for j, v in enumerate(values) if v is not None), default=1)
        for j in range(periods, QUARTERS):
            if values[j] is not None:
                sr.problem("XL-PERIODS", f"{row['code']} is an {kind} metric: give one planned value, in "
                           f"'{METRICS_TABLE.column('planned_0').header}'",
                           f"{METRICS_TABLE.letter(f'planned_{j}')}{row['_row']}", f"metrics[{i}].planned[{j}]")
        row["planned"] = tuple(values[:periods])


def ambition(sr: SheetReader, quarters: int) -> Ambition | None:
    """The Ambition sheet's inputs; None if any is missing or unreadable (findings say which)."""
    before = len(sr.findings)
    sr.cells["ambition"] = (sr.ws.title, "A3")
    lines: dict[str, tuple[list[int | None], int | None]] = {}
    for row, name, whole_name, label in (
        (BASELINE_ROW, "baseline_quarters", "baseline_admissions", "baseline admissions"),
        (REDUCTION_ROW, "planned_quarters", "planned_reduction", "planned reduction"),
    ):
        by_quarter = [
            sr.read(f"{col}{row}", "int", field=f"ambition.{name}[{j}]", label=f"{label}, quarter {j + 1}",
                    required=True)
            for j, col in enumerate(QUARTER_COLUMNS[:quarters])
        ]
        sr.cells[f"ambition.{name}"] = (sr.ws.title, f"{QUARTER_COLUMNS[0]}{row}")
        whole = sr.read(f"{YEAR_COLUMN}{row}", "int", field=f"ambition.{whole_name}",
                        label=f"{label}, whole year", required=True)
        lines[name] = (by_quarter, whole)
    fixed = {spec.field: sr.read(spec.cell, spec.kind, field=spec.field, label=spec.label, required=True)
             for spec in AMBITION_CELLS}
    if len(sr.findings) > before:
        return None
    base_q, base = lines["baseline_quarters"]
    red_q, red = lines["planned_quarters"]
    return Ambition(
        baseline_admissions=int(base or 0), baseline_quarters=tuple(int(q or 0) for q in base_q),
        planned_reduction=int(red or 0), planned_quarters=tuple(int(q or 0) for q in red_q),
        performance_sum=fixed["ambition.performance_sum"],
        delayed_days_baseline=fixed["ambition.delayed_days_baseline"],
        delayed_days_reduction=fixed["ambition.delayed_days_reduction"],
    )
