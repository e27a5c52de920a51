"""The evidence report's sections for real exposures: for each design its design, comparison
group, data, estimate and caveats, the event study with its pre-periods and uniform band, the
mapping choices, and carepool's estimate beside each published finding with a sentence on why
they differ. Sources are cited as text (the page fetches nothing)."""

from __future__ import annotations

from html import escape

from carepool.evaluation.exposures import EVENT_WINDOW, DesignResult, ExposureEvaluation
from carepool.evaluation.results import Estimate
from carepool.evaluation.svg import event_study_chart, histogram, line_chart
from carepool.reference import load_reference
from carepool.reference.exposures import PublishedFinding

TITLES = {"pioneers": "Integrated care pioneers (waves 1 and 2)",
          "vanguards": "New care models vanguards (2015)",
          "discharge-fund": "Adult Social Care Discharge Fund (December 2022) and 2023-24 discharge funding"}

# why carepool's estimate and the published one differ: design facts, not results
WHY = {
    ("pioneers", "BMJ Open (Keeble et al.)"):
        "They compare annual growth from a 2010-13 baseline in HES admissions by residence across local "
        "authorities, wave 1 only; carepool compares monthly MAR admissions by commissioner shared to areas from "
        "April 2013 (seven months before wave 1), includes wave 2 as a later cohort and runs to March 2017, so "
        "the windows, counts and comparison areas differ.",
    ("vanguards", "House of Commons Committee of Public Accounts"):
        "NHS England compared growth in the registered populations of the hospital-led vanguards with the rest "
        "of England; carepool counts only areas lying wholly in a vanguard (most multispecialty and hospital-led "
        "sites cover part of an area and are left out), adds the care-home and urgent-care vanguards, and "
        "measures a level difference against never-treated areas rather than a ratio of growth rates.",
    ("vanguards", "National Audit Office"):
        "The NAO reports NHS England's analysis without a figure in the text we could read; carepool's estimate "
        "uses whole areas and a never-treated comparison, so agreement in sign is the most that can be checked.",
    ("discharge-fund", "Department of Health and Social Care"):
        "DHSC compares weekly counts with the January 2023 winter peak; carepool compares each month with the "
        "level its own pre-fund trend and season predict, so a fall from a winter peak that would have happened "
        "anyway is not counted as an effect.",
}


def _fmt(est: Estimate | None, digits: str = ".3g") -> str:
    if est is None:
        return "not estimable"
    ci = f"{est.ci_low:{digits}} to {est.ci_high:{digits}}" if est.ci_low is not None else "n/a"
    p = f"{est.p_value:.3g}" if est.p_value is not None else "n/a"
    return f"{est.effect:{digits}} (95% CI {ci}; p {p})"


def _area_names(codes: list[str]) -> str:
    areas = load_reference().areas
    return ", ".join(escape(areas[c].name if c in areas else c) for c in sorted(codes))


def exposure_section(ev: ExposureEvaluation) -> str:
    """One exposure's section of the report (real data; every choice shown)."""
    name = ev.exposure.name
    out = [f"<h2>Real exposure: {escape(TITLES.get(name, name))}</h2>",
           f"<p>Exposure file <code>{escape(ev.exposure.file)}</code> (reference data, every row cited). "
           f"{len(ev.treated)} treated unit(s), {len(ev.comparison)} comparison unit(s), "
           f"{len(ev.excluded)} left out of both groups.</p>"]
    if ev.exposure.sites:
        by_start: dict[str, list[str]] = {}
        for area, start in ev.treated.items():
            by_start.setdefault(start, []).append(area)
        out.append("<ul>" + "".join(f"<li>Starting {escape(s)}: {_area_names(a)}</li>"
                                    for s, a in sorted(by_start.items()))
                   + f"<li>Left out (only partly in a site, or in the other programme): "
                     f"{_area_names(list(ev.excluded)) or 'none'}</li></ul>")
        sources = sorted({(s.source_title, s.source_url) for s in ev.exposure.sites})
        out.append("<p>Sources: " + "; ".join(f'{escape(t)} <span class="url">{escape(u)}</span>' for t, u in sources)
                   + "</p>")
    else:
        out.append(_funds_table(ev))
    for d in ev.designs:
        out.append(_design(d))
    out.append(_anchors(ev))
    if ev.notes:
        out.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in ev.notes) + "</ul>")
    return "\n".join(out)


def _funds_table(ev: ExposureEvaluation) -> str:
    rows = "".join(
        f"<tr><td>{escape(f.year)}</td><td>{escape(f.stream)}</td><td>{escape(f.area_name)}</td>"
        f"<td>{f'£{f.amount_pence / 100:,.0f}' if f.amount_pence is not None else escape(f.status)}</td>"
        f'<td>{escape(f.source_title)} <span class="url">{escape(f.source_url)}</span></td></tr>'
        for f in ev.exposure.funds)
    return ("<table><tr><th>year</th><th>stream</th><th>where</th><th>amount</th><th>source</th></tr>"
            f"{rows}</table>")


def _design(d: DesignResult) -> str:
    rel = f" ({d.relative:+.1%} of the treated units' pre-period level)" if d.relative is not None else ""
    out = [f"<h3>{escape(d.design)}</h3><table class='design'>"
           f"<tr><th>design</th><td>{escape(d.design)}</td></tr>"
           f"<tr><th>comparison group</th><td>{escape(d.comparison)}</td></tr>"
           f"<tr><th>data</th><td>{escape(d.data)} — <i>real published data</i></td></tr>"
           f"<tr><th>estimate</th><td>{escape(d.outcome_unit)}: {_fmt(d.estimate)}{rel}</td></tr>"
           + (f"<tr><th>pre-trends test</th><td>{escape(d.pre_trends.text())}</td></tr>" if d.pre_trends else "")
           + "</table>", "<ul>" + "".join(f"<li>{escape(c)}</li>" for c in d.caveats) + "</ul>"]
    if d.did is not None:
        lo, hi = EVENT_WINDOW
        ev = [e for e in d.did.effects_by_period if isinstance(e.period, int) and lo <= e.period <= hi]
        if ev:
            out.append(event_study_chart(f"Event study: effect by months since the start ({d.outcome_unit})",
                                         [int(e.period) for e in ev], [e.effect for e in ev],
                                         [e.ci_low if e.ci_low is not None else float("nan") for e in ev],
                                         [e.ci_high if e.ci_high is not None else float("nan") for e in ev]))
    if d.scm is not None:
        sc = d.scm
        gaps = [e.effect for e in sc.effects_by_period]
        out.append(line_chart("Average gap (areas minus their synthetic controls), placebos in grey", sc.periods,
                              {"treated average": gaps}, marker=sc.periods.index(sc.start), zero_line=True,
                              faint=list(sc.placebo_gaps.values())[:60]))
        if sc.placebo_ratios:
            out.append(histogram("Placebo post/pre RMSPE ratios", list(sc.placebo_ratios.values()),
                                 sum(f.rmspe_ratio for f in sc.fits) / len(sc.fits)))
    if d.its is not None and d.did is None:
        its = d.its
        out.append(line_chart("Fitted and counterfactual (treated series)", its.periods,
                              {"fitted": its.fitted[:len(its.periods)],
                               "counterfactual": its.counterfactual[:len(its.periods)]},
                              marker=its.periods.index(its.start)))
    return "\n".join(out)


def _anchors(ev: ExposureEvaluation) -> str:
    found = ev.exposure.findings
    if not found:
        return "<p>No published evaluation of this programme was found to compare with.</p>"
    main = ev.designs[0]
    ours = (f"{main.relative:+.1%} ({escape(main.design.split(',')[0])})" if main.relative is not None
            else "not estimable")
    rows = "".join(_anchor_row(f, ours) for f in found)
    return ("<h3>Beside published findings</h3><table class='anchors'><tr><th>published</th><th>their figure</th>"
            f"<th>carepool</th><th>why they differ</th></tr>{rows}</table>")


def _anchor_row(f: PublishedFinding, ours: str) -> str:
    why = WHY.get((f.exposure, f.publisher), "The designs, windows and data differ; see the caveats above.")
    return (f"<tr><td>{escape(f.publisher)} ({escape(f.year)}): {escape(f.title)} "
            f'<span class="url">{escape(f.url)}</span><br><small>{escape(f.design)}; '
            f"{escape(f.comparison)}; {escape(f.period)}</small></td>"
            f"<td>{escape(f.published_figure)}</td><td>{ours}</td><td>{escape(why)}</td></tr>")
