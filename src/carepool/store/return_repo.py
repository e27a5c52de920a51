"""The returns repository: versions of quarterly returns, and payment-for-performance assessments.

Functions take a ``Session`` and never commit (callers own the unit of work). Both tables are
append-only: ``add_version`` writes the next version of an area's return for a quarter, and
``add_assessment`` records a quarter's assessed figures as posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carepool.errors import InputError
from carepool.money import Money
from carepool.plans.quarterly_return import ConditionAnswer, PoolLine, QuarterlyReturn, ReturnRecord, SchemeLine
from carepool.plans.quarterly_return_json import return_to_dict
from carepool.plans.return_metrics import ENTERED, MetricLine
from carepool.store.return_tables import PerformanceAssessmentRow, QuarterlyReturnRow
from carepool.store.types import as_utc


@dataclass(frozen=True)
class Assessment:
    """A quarter's payment-for-performance figures as posted (amounts in pence)."""

    id: int
    area_code: str
    year: str
    quarter: str
    return_id: int | None
    baseline: int
    actual: int
    avoided: int
    planned_reduction: int
    share: int
    released: int
    paid_to_acute: int
    tariff_outside: int
    out_of_hospital: int
    ledger_key: str | None
    source: str
    assessed_by: str
    assessed_at: datetime


def _document(data: dict[str, object]) -> QuarterlyReturn:
    """The stored JSON back as a return (written by ``return_to_dict``, so amounts are pence)."""
    try:
        pools = data["pools"]
        schemes = data["schemes"]
        conditions = data["conditions"]
        metrics = data.get("metrics") or []
        assert isinstance(pools, list) and isinstance(schemes, list) and isinstance(conditions, list)
        assert isinstance(metrics, list)
        return QuarterlyReturn(
            area_code=str(data["area_code"]), year=str(data["year"]), quarter=str(data["quarter"]),
            pools=tuple(PoolLine(str(p["pool"]), Money(int(p["income_to_date_pence"])),
                                 Money(int(p["expenditure_to_date_pence"]))) for p in pools),
            schemes=tuple(SchemeLine(str(s["scheme"]), Money(int(s["expenditure_to_date_pence"])))
                          for s in schemes),
            admissions=_opt_int(data.get("non_elective_admissions")),
            delayed_days=_opt_int(data.get("delayed_days")),
            conditions=tuple(ConditionAnswer(str(c["id"]), c["met"] if isinstance(c["met"], bool) else None,
                                             str(c.get("comment", ""))) for c in conditions),
            narrative=str(data.get("narrative", "")), illustrative=data.get("illustrative") is True,
            metrics=tuple(_metric(m) for m in metrics),
        )
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise InputError(f"a stored quarterly return cannot be read: {exc}") from exc


def _opt_float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _metric(data: dict[str, object]) -> MetricLine:
    """A stored metric line (written by ``return_to_dict``)."""
    on_track = data.get("on_track")
    return MetricLine(str(data["metric"]), _opt_float(data.get("actual")), str(data.get("source", ENTERED)),
                      _opt_float(data.get("goal")), _opt_float(data.get("lower")), _opt_float(data.get("upper")),
                      str(data.get("interval") or ""), on_track if isinstance(on_track, bool) else None,
                      str(data.get("narrative", "")))


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _record(row: QuarterlyReturnRow) -> ReturnRecord:
    return ReturnRecord(row.id, row.version, _document(row.document), row.submitted_by, row.submitted_at,
                        row.deadline)


def _assessment(row: PerformanceAssessmentRow) -> Assessment:
    return Assessment(row.id, row.area_code, row.year, row.quarter, row.return_id, row.baseline, row.actual,
                      row.avoided, row.planned_reduction, int(row.share), int(row.released),
                      int(row.paid_to_acute), int(row.tariff_outside), int(row.out_of_hospital), row.ledger_key,
                      row.source, row.assessed_by, row.assessed_at)


# reading -----------------------------------------------------------------------------------
def versions(session: Session, area: str | None = None, year: str | None = None,
             quarter: str | None = None) -> list[ReturnRecord]:
    """Every stored version (of an area, year, quarter), by area, quarter and version."""
    r = QuarterlyReturnRow
    stmt = select(r).order_by(r.area_code, r.year, r.quarter, r.version)
    if area is not None:
        stmt = stmt.where(r.area_code == area)
    if year is not None:
        stmt = stmt.where(r.year == year)
    if quarter is not None:
        stmt = stmt.where(r.quarter == quarter)
    return [_record(row) for row in session.scalars(stmt)]


def latest_version(session: Session, area: str, year: str, quarter: str) -> int:
    r = QuarterlyReturnRow
    found = session.scalar(select(func.max(r.version)).where(r.area_code == area, r.year == year,
                                                             r.quarter == quarter))
    return int(found or 0)


def assessments(session: Session, area: str | None = None, year: str | None = None) -> list[Assessment]:
    a = PerformanceAssessmentRow
    stmt = select(a).order_by(a.id)
    if area is not None:
        stmt = stmt.where(a.area_code == area)
    if year is not None:
        stmt = stmt.where(a.year == year)
    return [_assessment(row) for row in session.scalars(stmt)]


def return_versions_by_id(session: Session, ids: set[int]) -> dict[int, int]:
    if not ids:
        return {}
    r = QuarterlyReturnRow
    return {i: v for i, v in session.execute(select(r.id, r.version).where(r.id.in_(sorted(ids))))}


# writing -----------------------------------------------------------------------------------
def add_version(session: Session, ret: QuarterlyReturn, submitted_by: str, submitted_at: datetime,
                deadline: date | None) -> ReturnRecord:
    """Store ``ret`` as the next version of its area's return for the quarter (checked already)."""
    if (ret.admissions is None or ret.delayed_days is None) and not ret.metrics:
        raise InputError("a return is stored only once it has its admissions and delayed days (or, from "
                         "2021-22, its metrics)")
    version = latest_version(session, ret.area_code, ret.year, ret.quarter) + 1
    row = QuarterlyReturnRow(
        area_code=ret.area_code, year=ret.year, quarter=ret.quarter, version=version,
        document=return_to_dict(ret), admissions=ret.admissions, delayed_days=ret.delayed_days,
        income_pence=ret.income_to_date.pence, expenditure_pence=ret.expenditure_to_date.pence,
        illustrative=ret.illustrative, submitted_by=submitted_by[:200], submitted_at=as_utc(submitted_at),
        deadline=deadline)
    session.add(row)
    session.flush()
    return _record(row)


def add_assessment(session: Session, *, area: str, year: str, quarter: str, return_id: int | None,
                   baseline: int, actual: int, avoided: int, planned_reduction: int, share: int, released: int,
                   paid_to_acute: int, tariff_outside: int, out_of_hospital: int, ledger_key: str | None,
                   source: str, actor: str, at: datetime) -> None:
    session.add(PerformanceAssessmentRow(
        area_code=area, year=year, quarter=quarter, return_id=return_id, baseline=baseline, actual=actual,
        avoided=avoided, planned_reduction=planned_reduction, share=share, released=released,
        paid_to_acute=paid_to_acute, tariff_outside=tariff_outside, out_of_hospital=out_of_hospital,
        ledger_key=ledger_key, source=source[:1000], assessed_by=actor[:200], assessed_at=as_utc(at)))
    session.flush()
