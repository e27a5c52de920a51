"""The evidence report: question, data, a decision rule fixed before the results, methods,
results, planned versus actual, caveats and a plain-English verdict, as one HTML page.

The verdict is computed from the rule, never written by hand: extend only if the national
effect on emergency admissions is favourable with the rule's confidence and the admissions
avoided are worth more than the performance sum; do not extend if the effect is unfavourable
with that confidence or cannot be worth the sum; otherwise the answer is not yet known.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from scipy import stats

from carepool.evaluation.exposure_report import exposure_section
from carepool.evaluation.exposures import ExposureEvaluation
from carepool.evaluation.its import ItsResult
from carepool.evaluation.national import MetricEvaluation, NationalEvaluation
from carepool.evaluation.planned_vs_actual import ADMISSION_COST, PlannedVsActual
from carepool.evaluation.svg import histogram, interval_chart, line_chart
from carepool.money import Money

EXTEND, DO_NOT_EXTEND, NOT_YET_KNOWN = "extend", "do not extend", "not yet known"
PERFORMANCE_SUM = Money.pounds(253_000_000)


@dataclass(frozen=True)
class DecisionRule:
    """Fixed before the results are seen; every field can be changed by the caller."""

    confidence: float = 0.95
    performance_sum: Money = PERFORMANCE_SUM
    performance_sum_basis: str = ("published: about £253m of the planned 2015-16 savings were to come from fewer "
                                  "emergency admissions, paid for by the pay-for-performance sum (House of Commons "
                                  "Committee of Public Accounts, Planning for the Better Care Fund, HC 807, 2015, "
                                  "paragraph 10)")
    performance_sum_url: str = "https://publications.parliament.uk/pa/cm201415/cmselect/cmpubacc/807/80707.htm"
    admission_cost: Money = ADMISSION_COST
    months: int = 12                      # the fund's first year

    def text(self) -> str:
        return (f"Extend only if the national effect on emergency admissions is favourable with "
                f"{self.confidence:.0%} confidence and the admissions avoided in the first {self.months} "
                f"months, valued at {self.admission_cost} each, are worth more than the performance sum "
                f"of {self.performance_sum.millions(0)} ({self.performance_sum_basis}). Do not extend if "
                f"the effect is unfavourable with that confidence, or if even its favourable bound is "
                f"worth less than the sum. Otherwise: not yet known.")


@dataclass(frozen=True)
class Verdict:
    decision: str
    reason: str
    avoided: float                # admissions avoided in the window (negative: extra admissions)
    avoided_low: float
    avoided_high: float
    value_low: Money
    value_high: Money


@dataclass(frozen=True)
class EvidenceReport:
    html: str
    verdict: Verdict
    planned: PlannedVsActual | None = None
    exposures: tuple[ExposureEvaluation, ...] = ()


def decide(its: ItsResult, rule: DecisionRule) -> Verdict:
    """Apply the rule to the England ITS level change on emergency admissions."""
    z = float(stats.norm.ppf(0.5 + rule.confidence / 2))
    s = its.periods.index(its.start)
    window = its.counterfactual[s:s + rule.months]
    base = float(sum(window))
    se = its.estimate.se or 0.0
    rr = math.exp(its.estimate.effect)
    rr_low, rr_high = math.exp(its.estimate.effect - z * se), math.exp(its.estimate.effect + z * se)
    avoided, lo, hi = base * (1 - rr), base * (1 - rr_high), base * (1 - rr_low)
    value_low, value_high = _value(lo, rule.admission_cost), _value(hi, rule.admission_cost)
    if rr_high < 1 and value_low > rule.performance_sum:
        decision, why = EXTEND, "admissions fell with the required confidence, by more than the sum is worth"
    elif rr_low > 1:
        decision, why = DO_NOT_EXTEND, "admissions rose beyond what chance explains"
    elif value_high < rule.performance_sum:
        decision, why = DO_NOT_EXTEND, "even the favourable bound is worth less than the performance sum"
    else:
        decision, why = NOT_YET_KNOWN, "the interval includes both no effect and an effect worth the sum"
    return Verdict(decision, why, avoided, lo, hi, value_low, value_high)


def build_report(evaluation: NationalEvaluation, rule: DecisionRule | None = None,
                 planned: PlannedVsActual | None = None, plans_basis: str = "none",
                 exposures: Sequence[ExposureEvaluation] = ()) -> EvidenceReport:
    """Render the whole report; the verdict uses the England ITS on emergency admissions (real
    data, a published threshold); the real-exposure designs are reported beside it, and doses
    (when given, e.g. illustrative ones) only as a labelled demonstration, never in the verdict."""
    rule = rule or DecisionRule()
    adm = evaluation.metrics.get("emergency_admissions")
    if adm is None:
        raise ValueError("the report needs the emergency_admissions metric")
    verdict = decide(adm.its_england, rule)
    parts = [
        "<h1>Did the Better Care Fund work? Evidence on its first year (2015-16)</h1>",
        f'<p class="verdict {verdict.decision.replace(" ", "-")}">Verdict: <b>{verdict.decision.upper()}</b>'
        f" — {escape(verdict.reason)}. Admissions avoided in the first {rule.months} months: "
        f"{verdict.avoided:,.0f} ({rule.confidence:.0%} CI {verdict.avoided_low:,.0f} to "
        f"{verdict.avoided_high:,.0f}), worth {verdict.value_low.millions()} to {verdict.value_high.millions()}"
        f" against a performance sum of {rule.performance_sum.millions()}.</p>",
        "<h2>Question</h2><p>Did pooling health and social care budgets from April 2015 reduce "
        "emergency admissions and delayed transfers of care, by enough to justify extending the fund?</p>",
        "<h2>Decision rule (fixed before the results)</h2>",
        f"<p>{escape(rule.text())}"
        + (f" Source of the threshold: <span class=\"url\">{escape(rule.performance_sum_url)}</span>."
           if rule.performance_sum_url else "")
        + " The verdict uses only the real England series and this threshold; no dose, plan or exposure "
        "estimate enters it.</p>",
        "<h2>Data</h2><ul>" + "".join(
            f"<li><b>{escape(m.metric)}</b>: {escape(m.source)} — <i>real published data</i>"
            f"{'; areas left out for blank cells: ' + escape(', '.join(m.excluded_areas)) if m.excluded_areas else ''}"
            "</li>" for m in evaluation.metrics.values())
        + "".join(f"<li>Real exposure: <b>{escape(e.exposure.name)}</b> ({escape(e.exposure.file)})</li>"
                  for e in exposures)
        + f"<li>Dose (share of budget pooled): <i>{escape(evaluation.doses_basis)}</i>"
        + (" (a demonstration of the dose designs only; never in the verdict)" if evaluation.doses_basis != "none"
           else "; no published per-area pooled amounts (BCF) could be found, so no real dose is used")
        + "</li>"
        + f"<li>Plans (planned side): <i>{escape(plans_basis)}</i></li></ul>"
        + "<ul>" + "".join(f"<li>{escape(n)}</li>" for n in evaluation.notes) + "</ul>",
        _methods(),
    ]
    for e in exposures:
        parts.append(exposure_section(e))
    for m in evaluation.metrics.values():
        parts.append(_metric_section(m, evaluation.doses_basis))
    if planned is not None:
        parts.append(_planned_section(planned))
    parts.append(_caveats())
    html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>BCF evidence report</title>"
            f"<style>{_CSS}</style></head><body>" + "\n".join(parts) + "</body></html>")
    return EvidenceReport(html, verdict, planned, tuple(exposures))


def _value(count: float, unit: Money) -> Money:
    return Money.from_decimal_rounded(Decimal(str(round(count, 6))) * unit.decimal)


def _fmt(est: object) -> str:
    e = est  # an Estimate
    ci = (f"{e.ci_low:.4g} to {e.ci_high:.4g}" if e.ci_low is not None else "n/a")  # type: ignore[attr-defined]
    p = f"{e.p_value:.3g}" if e.p_value is not None else "n/a"  # type: ignore[attr-defined]
    return f"{e.effect:.4g} (95% CI {ci}; p {p})"  # type: ignore[attr-defined]


def _metric_section(m: MetricEvaluation, doses_basis: str = "none") -> str:
    its = m.its_england
    s = its.periods.index(its.start)
    out = [f"<h2>Results: {escape(m.metric.replace('_', ' '))}</h2>",
           f"<h3>Interrupted time series, England</h3><p>Rate ratio at April 2015: "
           f"{_fmt(its.rate_ratio) if its.rate_ratio else _fmt(its.estimate)}; "
           f"slope change per month (log scale): {_fmt(its.slope_change)}.</p>",
           line_chart(f"England {m.metric.replace('_', ' ')}: fitted and counterfactual", its.periods,
                      {"fitted": its.fitted, "counterfactual": its.counterfactual}, marker=s)]
    if m.scm is not None:
        sc = m.scm
        avg_gap = [e.effect for e in sc.effects_by_period]
        start = sc.periods.index(sc.start)
        out += [f"<h3>Demonstration, not evidence: doses {escape(doses_basis)}</h3>",
                f"<h3>Synthetic control: {len(sc.fits)} high-pooling areas, each against low-pooling "
                f"donors</h3><p>Average post-period gap: {_fmt(sc.estimate)}.</p>",
                line_chart("Average gap (area minus its synthetic control), placebos in grey", sc.periods,
                           {"treated average": avg_gap}, marker=start, zero_line=True,
                           faint=list(sc.placebo_gaps.values())[:60]),
                histogram("Placebo post/pre RMSPE ratios", list(sc.placebo_ratios.values()),
                          sum(f.rmspe_ratio for f in sc.fits) / len(sc.fits))]
    if m.did is not None:
        d = m.did
        ev = [e for e in d.effects_by_period if isinstance(e.period, int) and -12 <= e.period <= 23]
        out += [f"<h3>Staggered DiD (Callaway &amp; Sant'Anna), high versus low pooling</h3>"
                f"<p>Average effect after the start: {_fmt(d.estimate)}.</p>",
                interval_chart("Event study: effect by months since April 2015", [e.period for e in ev],
                               [e.effect for e in ev], [e.ci_low or 0 for e in ev],
                               [e.ci_high or 0 for e in ev])]
    if m.controlled_its is not None and m.controlled_its.rate_ratio is not None:
        out.append(f"<h3>Controlled ITS (high- versus low-pooling areas)</h3><p>Relative rate ratio: "
                   f"{_fmt(m.controlled_its.rate_ratio)}.</p>")
    return "\n".join(out)


def _planned_section(p: PlannedVsActual) -> str:
    rows = "".join(
        f"<tr><td>{escape(r.metric)}</td><td>{r.planned_change:+,.0f}</td><td>{r.planned_saving.millions()}"
        f"</td><td>{r.actual_change:+,.0f}</td><td>{r.worse_than_plan.millions()}</td></tr>" for r in p.rows)
    return ("<h2>Planned versus actual, England, 2014-15 to 2015-16</h2><table><tr><th>metric</th>"
            "<th>planned change</th><th>planned saving</th><th>actual change</th>"
            f"<th>worse than plan by</th></tr>{rows}</table><p>Unit costs: {escape(p.costs.admission_basis)}; "
            f"{escape(p.costs.delayed_day_basis)}. The NAO (2017) reported planned -106,000 admissions and "
            "-293,000 delayed days (£511m planned savings), actual +87,000 and +185,000.</p>")


def _methods() -> str:
    return ("<h2>Methods</h2><ul><li><b>Interrupted time series</b>: negative-binomial segmented "
            "regression with month dummies, level and slope change at April 2015, Newey-West errors.</li>"
            "<li><b>Synthetic control</b> (Abadie et al.): each high-pooling area matched on its pre-2015 "
            "outcome path by a convex combination of low-pooling areas; in-space placebos for inference.</li>"
            "<li><b>Staggered difference-in-differences</b> (Callaway &amp; Sant'Anna 2021): ATT(g,t) "
            "against low-pooling areas, event-study aggregation, influence-function errors.</li>"
            "<li><b>Controlled ITS</b>: the high-pooling total against the low-pooling total.</li></ul>")


def _caveats() -> str:
    return ("<h2>Caveats</h2><ul><li><b>Regression to the mean</b>: areas chosen for high admissions "
            "tend to fall anyway.</li><li><b>Lags</b>: integration effects can take years "
            "(Health Foundation: 5-6 years); one year may be too soon.</li><li><b>Spill-over</b>: all "
            "areas pooled from April 2015, so 'low pooling' areas are not untreated; contrasts by dose "
            "understate the whole fund's effect.</li><li>MAR counts all non-elective FFCEs by "
            "commissioner, the closest published monthly series to BCF1, not BCF1 itself.</li></ul>")


_CSS = ("body{font:15px/1.45 sans-serif;max-width:860px;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
        ".verdict{padding:.8em;border-left:6px solid #8d8d8d;background:#f4f4f4}"
        ".verdict.extend{border-color:#2a9d8f}.verdict.do-not-extend{border-color:#d1495b}"
        "table.design th,table.anchors th{text-align:left;vertical-align:top}table.anchors td{text-align:left}"
        ".url{font-family:monospace;font-size:.85em;word-break:break-all}")
