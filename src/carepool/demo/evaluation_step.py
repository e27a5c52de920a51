"""Demo step: the evaluation the Forward View asked for, from the real published series.

The report is built by the one evidence service (``services.evaluation.build_evidence``), as
``carepool evaluate report`` and ``/evidence`` build it. The actual side (emergency admissions
and delayed days, April 2012 onwards, the fund from April 2015) is real data, and so are the
verdict's threshold (a published figure) and the between-area exposures. The demo's plans
give the planned side and, as a labelled demonstration only, an illustrative "dose" (how much
each area pooled beyond its minimum); neither enters the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from carepool.evaluation.planned_vs_actual import PlannedChange
from carepool.money import Money
from carepool.programme import derive_minimums, load_programme
from carepool.reference import load_reference
from carepool.services import evaluation as evidence
from carepool.services import in_force
from carepool.store.db import Store

DOSES_BASIS = ("illustrative (a demonstration, not evidence): the share of each demo plan's pool above its "
               "derived minimum (local top-ups)")
PLANS_BASIS = "illustrative demo plans, calibrated to the NAO's national planned figures"


def run_demo_step(store: Store, out_dir: Path, year_id: str, progress: Callable[[str], None]) -> dict[str, Any]:
    plans = [r.plan for r in in_force.records_in_force(store, year_id).values()]
    minimums = derive_minimums(load_programme(year_id), load_reference())
    doses = {
        p.area_code: float(Fraction((p.pooled_total - minimums[p.area_code].total).pence, p.pooled_total.pence))
        for p in plans if p.pooled_total.pence > 0
    }
    progress(f"evaluation: {len(plans)} plans; area x month panels of the real series from April 2012; "
             "synthetic control with placebos, staggered DiD and ITS")
    changes = [PlannedChange(p.area_code, p.ambition.planned_reduction, p.ambition.delayed_days_reduction)
               for p in plans]
    report = evidence.build_evidence(evidence.ReportRequest(
        doses=doses, doses_basis=DOSES_BASIS, planned=changes, plans_basis=PLANS_BASIS))
    planned = report.planned
    assert planned is not None        # the request had plans
    folder = out_dir / "report"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.html"
    path.write_text(report.html, encoding="utf-8")
    adm, days = planned.actuals.england_admissions, planned.actuals.england_delayed_days
    lines = [
        f"emergency admissions 2014-15 -> 2015-16 (real): {adm.before:,.0f} -> {adm.after:,.0f} "
        f"({adm.after - adm.before:+,.0f}); planned {-sum(p.ambition.planned_reduction for p in plans):+,} "
        "(illustrative plans)",
        f"delayed days 2014-15 -> 2015-16 (real): {days.before:,.0f} -> {days.after:,.0f} "
        f"({days.after - days.before:+,.0f}; NAO: +185,000)",
        f"planned savings {planned.total_planned_savings.millions()} (NAO: £511m in all)",
        *[f"real exposure {line}" for e in report.exposures for line in e.headlines()],
        f"verdict: {report.verdict.decision.upper()} - {report.verdict.reason} (England ITS against the published "
        "£253m; no illustrative input)",
        f"evidence report: {path}",
    ]
    for line in lines:
        progress(f"evaluation: {line}")
    return {"verdict": report.verdict.decision, "report": str(path), "lines": lines,
            "planned_savings": str(planned.total_planned_savings),
            "doses_basis": DOSES_BASIS, "value_low": str(report.verdict.value_low or Money(0))}
