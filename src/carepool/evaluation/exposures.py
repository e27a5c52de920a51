"""Between-area designs on real exposures: pioneers and vanguards on the real monthly emergency
admissions, the discharge funds on the ICB discharge sitrep.

Each design returns a ``DesignResult`` that carries, beside its estimate, what a reader needs to
judge it: the design, the comparison group, the data, the pre-trends test and the caveats.

- Pioneers / vanguards: staggered DiD (Callaway and Sant'Anna, never-treated comparison, event
  study with a multiplier-bootstrap uniform band) on admissions per 100,000 residents a month,
  April 2013 to March 2017 (the MAR by CCG, shared to areas by population). Treated areas and
  start months come from the exposure file (``Exposure.start_by_area``); areas only partly in a
  site, and areas wholly in a site of the other programme, are in neither group. For wave-1
  pioneers also a synthetic control (each area against the comparison areas, outcome path).
- Discharge fund: interrupted time series of England's daily patients with no criteria to reside
  (sum of the ICBs' monthly means) from December 2022, and a controlled version: ICBs with the
  most delays before the fund (top half per head, which the published formula funded more per
  head) against the rest. No per-ICB allocation could be read, so there is no dose-response.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from carepool.errors import InputError
from carepool.evaluation.did import DidResult, GroupTimeATT, aggregate, att_gt
from carepool.evaluation.its import ItsResult, interrupted_time_series
from carepool.evaluation.panel import Panel
from carepool.evaluation.real_panels import real_series
from carepool.evaluation.results import Estimate
from carepool.evaluation.scm import SyntheticControlResult, synthetic_control
from carepool.evaluation.sitrep_series import SitrepSeries
from carepool.reference import load_reference
from carepool.reference.exposures import Exposure, load_exposure

ADMISSIONS_FIRST, ADMISSIONS_LAST = "2013-04", "2017-03"
BOOTSTRAP = 999
EVENT_WINDOW = (-12, 23)
DISCHARGE_START = "2022-12"
OTHER = {"pioneers": "vanguards", "vanguards": "pioneers"}


@dataclass(frozen=True)
class PreTrends:
    """Tests that the treated and comparison areas moved together before the start.

    With the varying base period every pre-period ATT(g,t) is a one-month change, so their mean
    is the average monthly divergence before the start (a linear pre-trend), tested against zero
    with the influence-function SE. Beside it, the sup-t of the event-study's pre-period
    coefficients against the uniform band's critical value (a test of any single pre-period jump).
    Both must pass at 5%.
    """

    groups_times: int
    mean_divergence: float
    mean_se: float
    periods: int
    max_abs_t: float
    critical_value: float

    @property
    def p_value(self) -> float:
        return float(2 * stats.norm.sf(abs(self.mean_divergence) / self.mean_se)) if self.mean_se > 0 else 1.0

    @property
    def passed(self) -> bool:
        return self.p_value > 0.05 and self.max_abs_t <= self.critical_value

    def text(self) -> str:
        verdict = "no evidence of differing pre-trends" if self.passed else "pre-trends differ: the design is suspect"
        return (f"mean monthly divergence over {self.groups_times} pre-period ATT(g,t): {self.mean_divergence:.3g} "
                f"(SE {self.mean_se:.3g}, p {self.p_value:.3g}); largest |t| of {self.periods} event-study "
                f"pre-period coefficients {self.max_abs_t:.2f} against the uniform 95% critical value "
                f"{self.critical_value:.2f}: {verdict}")


@dataclass(frozen=True)
class DesignResult:
    design: str
    comparison: str
    data: str
    outcome_unit: str
    estimate: Estimate | None
    relative: float | None            # the estimate as a share of the treated areas' pre-period mean
    caveats: tuple[str, ...]
    did: DidResult | None = None
    pre_trends: PreTrends | None = None
    scm: SyntheticControlResult | None = None
    its: ItsResult | None = None


@dataclass(frozen=True)
class ExposureEvaluation:
    """One real exposure's designs, with the treated, comparison and left-out units."""

    exposure: Exposure
    treated: dict[str, str]           # area (or ICB) -> start month
    excluded: tuple[str, ...]         # partly covered, or in the other programme
    comparison: tuple[str, ...]
    designs: tuple[DesignResult, ...]
    notes: tuple[str, ...]

    def headlines(self) -> list[str]:
        """One line per design: the estimate, its interval and the pre-trends verdict (for terminals)."""
        out = []
        for d in self.designs:
            e = d.estimate
            est = "not estimable" if e is None else (
                f"{e.effect:.3g} {d.outcome_unit}" + (f" (95% CI {e.ci_low:.3g} to {e.ci_high:.3g})"
                                                     if e.ci_low is not None and e.ci_high is not None else ""))
            rel = f", {d.relative:+.1%}" if d.relative is not None else ""
            pre = "; pre-trends " + ("pass" if d.pre_trends.passed else "FAIL") if d.pre_trends else ""
            out.append(f"{self.exposure.name}: {d.design.split(',')[0]}: {est}{rel}{pre}")
        return out


def evaluate_exposure(name: str, *, bootstrap: int = BOOTSTRAP, placebos: bool = True,
                      exposure: Exposure | None = None, panel: Panel | None = None,
                      sitrep: SitrepSeries | None = None) -> ExposureEvaluation:
    """Run the designs for one named exposure on the real series (or on ``panel`` / ``sitrep``)."""
    exposure = exposure or load_exposure(name)
    if name == "discharge-fund":
        if sitrep is None:
            raise InputError("the discharge-fund evaluation needs the ICB discharge sitrep series "
                             "(carepool.services.evaluation reads and validates it)")
        return _discharge(exposure, sitrep)
    return _area_programme(name, exposure, bootstrap, placebos, panel)


# pioneers and vanguards -------------------------------------------------------------------------
def admissions_rate_panel() -> tuple[Panel, tuple[str, ...]]:
    """Areas x months of emergency admissions per 100,000 residents (mid-2015), and areas left out."""
    series = real_series("emergency_admissions", ADMISSIONS_FIRST, ADMISSIONS_LAST)
    ref = load_reference()
    pop = np.array([ref.areas[u].population_all_ages for u in series.panel.units], dtype=float)
    rate = series.panel.outcome / pop[:, None] * 100_000
    return (Panel(series.panel.units, series.panel.periods, "emergency_admissions_per_100k", rate),
            series.excluded_areas)


def _area_programme(name: str, exposure: Exposure, bootstrap: int, placebos: bool,
                    panel: Panel | None) -> ExposureEvaluation:
    notes: list[str] = []
    if panel is None:
        panel, unreadable = admissions_rate_panel()
        if unreadable:
            notes.append(f"Areas left out for an unreadable month: {', '.join(unreadable)}.")
    start, partial = exposure.start_by_area()
    other_start: dict[str, str] = {}
    if name in OTHER and panel.outcome_name == "emergency_admissions_per_100k":
        other_start, _ = load_exposure(OTHER[name]).start_by_area()
    first = str(panel.periods[0])
    early = sorted(a for a, s in start.items() if s <= first)
    if early:
        notes.append(f"Left out: started before the first month of the data ({', '.join(early)}).")
    treated = {a: s for a, s in start.items() if a in panel.units and s > first}
    both = sorted(a for a in treated if a in other_start)
    if both:
        notes.append(f"{len(both)} treated area(s) are also wholly in a site of the {OTHER[name]} programme, "
                     "so their effect mixes the two: " + ", ".join(both) + ".")
    excluded = tuple(sorted((set(partial) | set(other_start) | set(early)) - set(treated)))
    comparison = tuple(u for u in panel.units if u not in treated and u not in excluded)
    units = [u for u in panel.units if u in treated or u in comparison]
    if len(treated) < 2 or len(comparison) < 5:
        raise InputError(f"{name}: {len(treated)} treated and {len(comparison)} comparison areas; too few")
    idx = [panel.index_of_unit(u) for u in units]
    sub = Panel(tuple(units), panel.periods, panel.outcome_name, panel.outcome[idx],
                tuple(_period(panel, treated[u]) if u in treated else None for u in units))
    gt = att_gt(sub, control="never")
    did = aggregate(gt, "dynamic", bootstrap=bootstrap)
    pre = _pre_trends(gt, did)
    base = _pre_mean(sub, treated)
    cohorts = sorted(set(treated.values()))
    data = ("NHS England MAR non-elective G&A admissions by CCG, shared to 2015 HWB areas by population "
            f"(MAR commissioner basis), per 100,000 residents (ONS mid-2015), monthly {sub.periods[0]} to "
            f"{sub.periods[-1]}")
    comparison_text = (f"{len(comparison)} areas with no {name} site (never treated); areas only partly in a "
                       f"site{' and areas wholly in a ' + OTHER[name][:-1] + ' site' if name in OTHER else ''} "
                       "are in neither group")
    caveats = (
        f"Pre-trends: {pre.text() if pre else 'no pre-period coefficient'}.",
        "Anticipation: start is the month of announcement; work before it (bids, 2013-14 planning) would "
        "bias the estimate towards zero.",
        "Spill-over: every area pooled into the Better Care Fund from April 2015, and neighbouring areas "
        "share hospitals and learning, so the comparison areas are not untouched.",
        "Mapping: CCG counts are shared to areas by population (July 2015 CCG boundaries); a site is "
        "mapped to the areas it lies in and only whole areas count as treated (every choice is in the "
        "exposure file).",
        "Selection: areas chose to bid and were selected for readiness, so they may differ in ways the "
        "pre-period does not show.",
    )
    designs = [DesignResult(
        f"Staggered difference-in-differences (Callaway and Sant'Anna), cohorts {', '.join(cohorts)}",
        comparison_text, data, "admissions per 100,000 a month", did.estimate,
        did.estimate.effect / base if base else None, caveats, did=did, pre_trends=pre)]
    wave1 = {a for a, s in treated.items() if s == cohorts[0]}
    if name == "pioneers" and len(wave1) >= 2:
        designs.append(_scm(sub, sorted(wave1), cohorts[0], comparison, placebos, data, base))
    return ExposureEvaluation(exposure, treated, excluded, comparison, tuple(designs), tuple(notes))


def _period(panel: Panel, month: str) -> str | int:
    return panel.periods[panel.index_of_period(month)]


def _pre_mean(panel: Panel, treated: dict[str, str]) -> float:
    vals = [panel.outcome[panel.index_of_unit(u), :panel.index_of_period(s)].mean() for u, s in treated.items()
            if panel.index_of_period(s) > 0]
    return float(np.mean(vals)) if vals else 0.0


def _pre_trends(gt: GroupTimeATT, did: DidResult) -> PreTrends | None:
    pre = [e for e in did.effects_by_period if isinstance(e.period, int) and e.period < 0 and e.se]
    idx = np.nonzero(gt.time_index < gt.group_index)[0]
    if not pre or not len(idx) or did.uniform_critical_value is None:
        return None
    inf = gt.influence[:, idx].mean(axis=1)
    se = float(np.sqrt((inf ** 2).sum()) / gt.n)
    max_t = max(abs(e.effect) / float(e.se or 1.0) for e in pre)
    return PreTrends(len(idx), float(gt.att[idx].mean()), se, len(pre), max_t, did.uniform_critical_value)


def _scm(panel: Panel, wave1: Sequence[str], start: str, comparison: Sequence[str], placebos: bool,
         data: str, base: float) -> DesignResult:
    keep = [*wave1, *comparison]
    idx = [panel.index_of_unit(u) for u in keep]
    sub = Panel(tuple(keep), panel.periods, panel.outcome_name, panel.outcome[idx])
    sc = synthetic_control(sub, list(wave1), _period(panel, start), placebos=placebos)
    pre_months = panel.index_of_period(start)
    return DesignResult(
        f"Synthetic control, each of the {len(wave1)} wave-1 pioneer areas against a weighted mix of "
        "comparison areas (outcome path)", f"{len(comparison)} comparison areas as donors; in-space placebos",
        data, "admissions per 100,000 a month", sc.estimate, sc.estimate.effect / base if base else None,
        (f"Only {pre_months} pre-period months (area series start April 2013), so the fit can be close "
         "by chance; read the placebo distribution, not the point estimate alone.",
         "Inference is by placebo ranks of the post/pre RMSPE ratio, not by a standard error."),
        scm=sc)


# the discharge funds ----------------------------------------------------------------------------
def _discharge(exposure: Exposure, series: SitrepSeries) -> ExposureEvaluation:
    icbs = series.complete_icbs()
    months = series.months
    values = np.array([[series.values[(c, m)] for m in months] for c in icbs])
    pop = np.array([series.population[c] for c in icbs], dtype=float)
    england = values.sum(axis=0)
    its = interrupted_time_series(months, england, DISCHARGE_START, outcome="no_criteria_to_reside",
                                  family="negbin", seasonality="fourier", harmonics=1)
    s = months.index(DISCHARGE_START)
    pre_rate = values[:, :s].mean(axis=1) / pop * 100_000
    high = pre_rate > np.median(pre_rate)
    cits = interrupted_time_series(
        months, values[high].sum(axis=0), DISCHARGE_START, outcome="no_criteria_to_reside", family="negbin",
        seasonality="fourier", harmonics=1, offset=np.full(len(months), pop[high].sum()),
        comparison=values[~high].sum(axis=0), comparison_offset=np.full(len(months), pop[~high].sum()))
    data = (f"NHS England acute discharge sitrep: patients no longer meeting the criteria to reside, monthly mean "
            f"of daily counts, {len(icbs)} ICBs, {months[0]} to {months[-1]}")
    common = ("The fund was not allocated at random: 75% of the ICB share went by a discharge-delay metric.",
              "The 2023-24 discharge funding followed without a gap, so the series after March 2023 carries "
              "both funds.",
              f"Only {s} months before the fund, so the seasonal pattern is a single yearly harmonic.")
    designs = (
        DesignResult("Interrupted time series, England (sum of ICBs), level and slope change at December 2022",
                     "England's own pre-fund trend (every ICB received the fund)", data,
                     "rate ratio of patients with no criteria to reside", its.rate_ratio,
                     (its.rate_ratio.effect - 1) if its.rate_ratio else None,
                     (*common, "Winter 2022-23 pressures (flu, strikes) coincide with the start."), its=its),
        DesignResult("Controlled interrupted time series: ICBs with the most delays before the fund against the rest",
                     f"{int((~high).sum())} ICBs below the median pre-fund delays per head (funded less per head by "
                     "the published formula) against the other "
                     f"{int(high.sum())}", data, "relative rate ratio (high-delay ICBs against the rest)",
                     cits.rate_ratio, (cits.rate_ratio.effect - 1) if cits.rate_ratio else None,
                     (*common, "Regression to the mean: ICBs chosen for high delays tend to fall anyway.",
                      "Intensity is inferred from the published formula, not from per-ICB amounts (not readable)."),
                     its=cits))
    notes = (*series.notes, "No per-ICB or per-area allocation could be read (the annex is an OpenDocument "
             "file), so no dose-response is estimated; the one readable 2023-24 local-authority amount is listed "
             "in the exposure file.")
    return ExposureEvaluation(exposure, dict.fromkeys(icbs, DISCHARGE_START), (), icbs, designs, notes)

