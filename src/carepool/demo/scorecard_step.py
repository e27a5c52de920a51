"""Demo step: the HWB scorecard, from the evidence the demo really has.

Evidence per area: the plan's assurance outcome and whether it was submitted on time (from the
store; the plans are illustrative), and Making Data Count signals on the REAL monthly series of
emergency admissions and delayed days (April 2013 to March 2017). Returns, spend, evaluation
and personal-budget indicators are missing and the method's missing-evidence rule reweights
them (never invented). Writes scorecard.csv and adds a section to the evidence report.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from carepool.budgets.scorecard import AreaScore, load_method, score_areas
from carepool.budgets.scorecard_inputs import PlanStatus, SpcEvidence, evidence_from_plans, spc_evidence
from carepool.metrics.spc import Improvement, SpcOptions, xmr
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.reference.series import AreaSeries, delayed_days, nonelective_admissions
from carepool.services import plans as svc
from carepool.store.db import Store

FIRST, LAST = "2013-04", "2017-03"


def area_spc(series: AreaSeries, area: str) -> list[tuple[date, float]]:
    points = sorted((p, v) for (a, p), v in series.values.items() if a == area and FIRST <= p <= LAST)
    return [(date(int(p[:4]), int(p[5:7]), 1), float(v)) for p, v in points]


def spc_by_area(areas: list[str]) -> dict[str, SpcEvidence]:
    """Improvement and concern signals on both real series, per area (lower is better)."""
    out: dict[str, SpcEvidence] = {}
    sources = (nonelective_admissions(), delayed_days())
    for area in areas:
        results = []
        for series in sources:
            points = area_spc(series, area)
            if len(points) >= 13:
                results.append(xmr([d for d, _ in points], [v for _, v in points],
                                   SpcOptions(improvement=Improvement.DECREASE)))
        if results:
            out[area] = spc_evidence(results)
    return out


def run_demo_step(store: Store, out_dir: Path, year_id: str, progress: Callable[[str], None]) -> dict[str, Any]:
    year = load_programme(year_id)
    deadline = dict(year.deadlines).get("resubmission")
    method = load_method()
    records = [r for r in svc.list_plans(store, year_id)]
    statuses: dict[str, PlanStatus] = {}
    for record in records:
        _, events = svc.history(store, record.area_code, year_id)
        submitted = next((e.at.date() for e in events if e.action == "submitted"), None)
        outcome = next((e.detail.partition("|")[0] for e in events if e.action == "assured"), None)
        statuses[record.area_code] = PlanStatus(record.area_code, record.status.value, outcome, submitted, deadline)
    progress(f"scorecard: Making Data Count signals on the real series for {len(records)} areas")
    spc = spc_by_area([r.area_code for r in records])
    scores = score_areas(evidence_from_plans([r.plan for r in records], statuses, method, spc=spc), method)
    folder = out_dir / "report"
    folder.mkdir(parents=True, exist_ok=True)
    _write_csv(folder / "scorecard.csv", scores)
    _add_to_report(folder / "index.html", scores, method.id)
    ranked = sorted((s for s in scores if s.rank is not None), key=lambda s: s.rank or 0)
    names = load_reference().areas
    def line(s: AreaScore) -> str:
        low, high = s.rank_interval or (s.rank, s.rank)
        return f"{s.rank:>3}. {names[s.area_code].name} (score {s.score:.2f}; rank interval {low}-{high})"
    lines = ["top five: " + "; ".join(line(s) for s in ranked[:5]),
             "bottom five: " + "; ".join(line(s) for s in ranked[-5:])]
    flagged = sorted(a for a in {s.area_code for s in ranked[-5:]} & areas_with_step_changes())
    if flagged:
        lines.append("caution: " + ", ".join(names[a].name for a in flagged) + " have month-on-month step changes "
                     "in the published admissions series (a provider missing from the MAR return), which SPC reads "
                     "as special causes; check the data before reading their rank")
    lines += [
             f"method {method.id} (weights in budgets/data/scorecard.yaml); evidence used: assurance and timeliness "
             "(illustrative plans), SPC signals on the real series; other indicators missing and reweighted; "
             f"{folder / 'scorecard.csv'}"]
    return {"scores": len(scores), "ranked": len(ranked), "lines": lines, "csv": str(folder / "scorecard.csv")}


def areas_with_step_changes() -> set[str]:
    """Areas served by a CCG whose published admissions halve or double from one month to the next."""
    ref = load_reference()
    codes = {q.split()[1].rstrip(":") for q in nonelective_admissions().quirks if q.startswith("MAR ") and
             (" fell from " in q or " rose from " in q)}
    out: set[str] = set()
    for code in codes:
        if code in ref.ccgs_2013 or code in ref.ccgs_2015:
            out |= {link.area_code for link in ref.links_for_ccg(code)}
    return out


def _write_csv(path: Path, scores: list[AreaScore]) -> None:
    names = load_reference().areas
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["rank", "area_code", "area", "score", "score_low", "score_high", "rank_low", "rank_high",
                      "coverage", "missing"])
        for s in sorted(scores, key=lambda s: (s.rank is None, s.rank or 0)):
            si, ri = s.score_interval or (None, None), s.rank_interval or (None, None)
            out.writerow([s.rank, s.area_code, names[s.area_code].name, s.score, si[0], si[1], ri[0], ri[1],
                          round(s.coverage, 3), ";".join(s.missing)])


def _add_to_report(path: Path, scores: list[AreaScore], method_id: str) -> None:
    if not path.exists():
        return
    names = load_reference().areas
    rows = "".join(
        f"<tr><td>{s.rank}</td><td>{html.escape(names[s.area_code].name)}</td><td>{s.score:.2f}</td>"
        f"<td>{(s.rank_interval or (s.rank, s.rank))[0]}-{(s.rank_interval or (s.rank, s.rank))[1]}</td></tr>"
        for s in sorted((s for s in scores if s.rank is not None), key=lambda s: s.rank or 0)
    )
    section = (f"<section id='scorecard'><h2>Health and Wellbeing Board scorecard ({html.escape(method_id)})</h2>"
               "<p>Which boards show evidence of effective system management. Evidence used here: the plan's "
               "assurance outcome and timeliness (illustrative demo plans) and Making Data Count signals on the "
               "real monthly series of emergency admissions and delayed days; indicators without evidence are "
               "reweighted, never invented. Rank intervals come from a parametric bootstrap over each "
               "indicator's uncertainty.</p><table><thead><tr><th>rank</th><th>area</th><th>score</th>"
               f"<th>rank interval (90%)</th></tr></thead><tbody>{rows}</tbody></table></section>")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</body>", section + "</body>", 1), encoding="utf-8")
