"""Demo step: the HWB scorecard, from the evidence the demo's store really holds.

The card is the web's (``services.scorecard.compute``): plan assurance and timeliness
(illustrative plans), quarterly returns on time and spend against plan (the demo's pooled-fund
year), personal-budget outcomes (the stored illustrative cohort, when the budgets step ran
first), and Making Data Count signals on the REAL monthly series of emergency admissions and
delayed days. Missing evidence is reweighted by the method, never invented. Writes
scorecard.csv and adds a section to the evidence report.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from carepool.cell_text import SafeWriter
from carepool.reference import load_reference
from carepool.reference.published_series import nonelective_admissions
from carepool.services import scorecard
from carepool.services.scorecard import CardRow
from carepool.store.db import Store


def run_demo_step(store: Store, out_dir: Path, year_id: str, progress: Callable[[str], None]) -> dict[str, Any]:
    progress("scorecard: stored evidence and Making Data Count signals on the real series")
    card = scorecard.compute(store, year_id)
    scores = list(card.rows)
    folder = out_dir / "report"
    folder.mkdir(parents=True, exist_ok=True)
    _write_csv(folder / "scorecard.csv", scores)
    _add_to_report(folder / "index.html", scores, card.method.id)
    ranked = [s for s in scores if s.rank is not None]
    def line(s: CardRow) -> str:
        low, high = s.rank_interval or (s.rank, s.rank)
        return f"{s.rank:>3}. {s.name} (score {s.score:.2f}; rank interval {low}-{high})"
    lines = ["top five: " + "; ".join(line(s) for s in ranked[:5]),
             "bottom five: " + "; ".join(line(s) for s in ranked[-5:])]
    flagged = sorted(a for a in {s.area_code for s in ranked[-5:]} & areas_with_step_changes())
    names = load_reference().areas
    if flagged:
        lines.append("caution: " + ", ".join(names[a].name for a in flagged)
                     + (" have" if len(flagged) > 1 else " has") + " month-on-month step changes "
                     "in the published admissions series (a provider missing from the MAR return), which SPC reads "
                     "as special causes; check the data before reading their rank")
    lines.append(f"method {card.method.id} (weights in scorecard/data/scorecard.yaml); evidence used: "
                 + ", ".join(sorted(card.evidence_used)) + "; other indicators missing and reweighted; "
                 f"{folder / 'scorecard.csv'}")
    return {"scores": len(scores), "ranked": len(ranked), "lines": lines, "csv": str(folder / "scorecard.csv"),
            "evidence": sorted(card.evidence_used)}


def areas_with_step_changes() -> set[str]:
    """Areas served by a CCG whose published admissions halve or double from one month to the next."""
    ref = load_reference()
    codes = {str(f.location.field) for f in nonelective_admissions().findings
             if f.rule == "published.mar.sudden_change"}
    out: set[str] = set()
    for code in codes:
        if code in ref.ccgs_2013 or code in ref.ccgs_2015:
            out |= {link.area_code for link in ref.links_for_ccg(code)}
    return out


def _write_csv(path: Path, scores: list[CardRow]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = SafeWriter(handle)
        out.writerow(["rank", "area_code", "area", "score", "score_low", "score_high", "rank_low", "rank_high",
                      "coverage", "missing"])
        for s in sorted(scores, key=lambda s: (s.rank is None, s.rank or 0)):
            si, ri = s.score_interval or (None, None), s.rank_interval or (None, None)
            out.writerow([s.rank, s.area_code, s.name, s.score, si[0], si[1], ri[0], ri[1],
                          round(s.coverage, 3), ";".join(s.missing)])


def _add_to_report(path: Path, scores: list[CardRow], method_id: str) -> None:
    if not path.exists():
        return
    rows = "".join(
        f"<tr><td>{s.rank}</td><td>{html.escape(s.name)}</td><td>{s.score:.2f}</td>"
        f"<td>{(s.rank_interval or (s.rank, s.rank))[0]}-{(s.rank_interval or (s.rank, s.rank))[1]}</td></tr>"
        for s in sorted((s for s in scores if s.rank is not None), key=lambda s: s.rank or 0)
    )
    section = (f"<section id='scorecard'><h2>Health and Wellbeing Board scorecard ({html.escape(method_id)})</h2>"
               "<p>Which boards show evidence of effective system management. Evidence used here: the plan's "
               "assurance outcome and timeliness, quarterly returns on time and spend against plan (illustrative "
               "demo plans and books), personal-budget outcomes where the illustrative cohort is stored, and "
               "Making Data Count signals on the real monthly series of emergency admissions and delayed days; "
               "indicators without evidence are reweighted, never invented. Rank intervals come from a "
               "parametric bootstrap over each indicator's uncertainty.</p>"
               "<table><thead><tr><th>rank</th><th>area</th><th>score</th>"
               f"<th>rank interval (90%)</th></tr></thead><tbody>{rows}</tbody></table></section>")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</body>", section + "</body>", 1), encoding="utf-8")
