"""Demo step: the evaluation the Forward View asked for, from the real published series.

The actual side (emergency admissions and delayed days, April 2012 onwards, the fund from
April 2015) is the real data; the planned side and the "dose" (how much each area pooled
beyond its minimum) come from the demo's illustrative plans, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from carepool.evaluation import national_evaluation
from carepool.evaluation.planned_vs_actual import PlannedChange, planned_vs_actual
from carepool.evaluation.report import DecisionRule, build_report
from carepool.money import Money, total
from carepool.programme import derive_minimums, load_programme
from carepool.reference import load_reference
from carepool.services import in_force
from carepool.store.db import Store

DOSES_BASIS = "illustrative: the share of each demo plan's pool above its derived minimum (local top-ups)"
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
    evaluation = national_evaluation(doses, doses_basis=DOSES_BASIS)
    planned = planned_vs_actual([
        PlannedChange(p.area_code, p.ambition.planned_reduction, p.ambition.delayed_days_reduction) for p in plans
    ])
    performance_sum = total(p.ambition.performance_sum for p in plans)
    rule = DecisionRule(performance_sum=performance_sum,
                        performance_sum_basis="the demo plans' performance sums (illustrative)")
    report = build_report(evaluation, rule, planned, PLANS_BASIS)
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
        f"verdict: {report.verdict.decision.upper()} - {report.verdict.reason}",
        f"evidence report: {path}",
    ]
    for line in lines:
        progress(f"evaluation: {line}")
    return {"verdict": report.verdict.decision, "report": str(path), "lines": lines,
            "performance_sum_pence": performance_sum.pence, "planned_savings": str(planned.total_planned_savings),
            "doses_basis": DOSES_BASIS, "value_low": str(report.verdict.value_low or Money(0))}
