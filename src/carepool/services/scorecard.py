"""The HWB scorecard from stored evidence: rank, score and intervals for every area with a plan.

Evidence per area, by the method in ``scorecard/data/scorecard.yaml``:

- plan assured (its assurance outcome) and plan on time (submitted by the resubmission
  deadline): the stored plans and their events;
- spend against plan: the pool's scheme spend in the stored ledger over the plan's schemes; a
  two-year programme's is the spend posted in the plan years reached so far (up to the last one
  with spend) over the plan's schemes for those same years (``spend_against_plan``);
- metric SPC signals: Making Data Count on the REAL published monthly series of emergency
  admissions and delayed days (computed once per process);
- personal budgets within spend thresholds: the stored joined-up budgets, where loaded.

- quarterly returns on time: the stored returns' first submissions against the year's return
  deadlines, over the quarters due so far.

The evaluation effect is not in the store: it is missing and the method's missing-evidence
rule reweights it (never invented), as is any indicator an area has no evidence for. The card is computed once per
store and kept until plans, the ledger or the stored budgets change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from carepool.ledger import accounts
from carepool.metrics.spc import Improvement, SpcOptions, SpcResult, xmr
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear, load_programme
from carepool.reference import load_reference
from carepool.reference.published_series import AreaSeries, delayed_days, nonelective_admissions
from carepool.scorecard.inputs import PlanStatus, SpcEvidence, evidence_from_plans, spc_evidence
from carepool.scorecard.method import AreaScore, Method, load_method, score_areas
from carepool.services import budgets, dashboard, in_force, ledger, plans, returns
from carepool.services.users import User
from carepool.store.db import Store

FIRST, LAST = "2013-04", "2017-03"
USED = {
    "plan_assured": "the stored plans' assurance outcomes",
    "plan_on_time": "the stored plans' submission dates against the resubmission deadline",
    "spend_vs_plan": "scheme spend in the stored pooled-fund ledger against the plan",
    "metric_spc": "Making Data Count signals on the real published monthly series (admissions, delayed days)",
    "personal_budgets": "stored joined-up personal budgets within their spend thresholds",
    "returns_on_time": "the stored quarterly returns' first submissions against the year's return deadlines",
}
TWO_YEAR_USED = {
    "spend_vs_plan": ("scheme spend in the stored pooled-fund ledger, posted in the plan years reached so far, "
                      "against the plan's spend for those plan years (never one year's spend against two years' plan)"),
}


@dataclass(frozen=True)
class CardRow:
    area_code: str
    name: str
    rank: int | None
    score: float | None
    score_interval: tuple[float, float] | None
    rank_interval: tuple[int, int] | None
    missing: tuple[str, ...]        # indicator ids without evidence
    coverage: float                 # share of the method's weight with evidence


@dataclass(frozen=True)
class Scorecard:
    method: Method
    year: str
    rows: tuple[CardRow, ...]       # every area with a plan, best first (unranked last)
    evidence_used: dict[str, str]   # indicator id -> where its evidence came from
    areas_without_plan: int

    @property
    def ranked(self) -> int:
        return sum(r.rank is not None for r in self.rows)

    def row(self, area: str) -> CardRow | None:
        return next((r for r in self.rows if r.area_code == area), None)


def _points(series: AreaSeries) -> dict[str, list[tuple[date, float]]]:
    out: dict[str, list[tuple[date, float]]] = {}
    for (area, period), value in series.values.items():
        if FIRST <= period <= LAST:
            out.setdefault(area, []).append((date(int(period[:4]), int(period[5:7]), 1), float(value)))
    return out


@lru_cache(maxsize=1)
def spc_by_area() -> dict[str, SpcEvidence]:
    """Improvement and concern signals on both real series, per area (fewer is better)."""
    per_series = [_points(nonelective_admissions()), _points(delayed_days())]
    out: dict[str, SpcEvidence] = {}
    for area in sorted(set().union(*per_series)):
        results: list[SpcResult] = []
        for by_area in per_series:
            points = sorted(by_area.get(area, []))
            if len(points) >= 13:
                results.append(xmr([d for d, _ in points], [v for _, v in points],
                                   SpcOptions(improvement=Improvement.DECREASE)))
        if results:
            out[area] = spc_evidence(results)
    return out


def _scheme_spend(store: Store) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in ledger.trial_balance(store).lines:
        if accounts.is_scheme_spend(line.account):
            out[line.area] = out.get(line.area, 0) + line.debit - line.credit
    return out


def spend_against_plan(store: Store, programme: ProgrammeYear,
                       plans_shown: Iterable[Plan]) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    """A two-year programme's {area: (spend, planned spend, plan years)}: the plan years up to the
    last one with scheme spend posted in it, their spend from the books (by posting date) and
    the plan's schemes for those years; an area with no spend in the plan is left out."""
    by_year = dashboard.books_by_plan_year(store, programme)
    out: dict[str, tuple[int, int, tuple[str, ...]]] = {}
    for plan in plans_shown:
        spent = {label: pence for measure, label, pence in by_year.get(plan.area_code, ()) if measure == "spend"}
        reached = [i for i, label in enumerate(programme.plan_years) if spent.get(label, 0)]
        if not reached:
            continue
        labels = programme.plan_years[:reached[-1] + 1]
        out[plan.area_code] = (sum(spent.get(label, 0) for label in labels),
                               sum(s.amount_for(label).pence for s in plan.schemes for label in labels), labels)
    return out


def compute(store: Store, year: str, as_of: date | None = None) -> Scorecard:
    """The scorecard from what the store holds now (uncached); returns due by ``as_of`` (today)."""
    programme = load_programme(year)
    deadline = dict(programme.deadlines).get("resubmission")
    method = load_method()
    with store.transaction() as session:
        positions = in_force.positions(session, programme)
    # an area is scored on its plan in force (a newer draft does not hide it), else its latest version
    records = [p.record if (p := positions.get(r.area_code)) is not None and p.record is not None else r
               for r in plans.list_plans(store, programme.id)]
    two_year = len(programme.plan_years) > 1
    against = spend_against_plan(store, programme, (r.plan for r in records)) if two_year else {}
    spend = {code: pence for code, (pence, _, _) in against.items()} if two_year else _scheme_spend(store)
    on_time = returns.on_time_counts(store, programme.id, as_of or date.today())
    statuses: dict[str, PlanStatus] = {}
    for record in records:
        _, events = plans.history(store, record.area_code, programme.id, record.version)
        submitted = next((e.at.date() for e in events if e.action == "submitted"), None)
        outcome = next((e.detail.partition("|")[0] for e in events if e.action == "assured"), None)
        due, in_time = on_time.get(record.area_code, (0, 0))
        statuses[record.area_code] = PlanStatus(record.area_code, record.status.value, outcome, submitted, deadline,
                                                returns_due=due, returns_on_time=in_time,
                                                spend_actual_pence=spend.get(record.area_code),
                                                spend_planned_pence=against[record.area_code][1]
                                                if record.area_code in against else None)
    spc = spc_by_area()
    outcomes = budgets.outcomes_by_area(store)
    evidence = evidence_from_plans([r.plan for r in records], statuses, method,
                                   spc={a: s for a, s in spc.items() if a in statuses},
                                   personal_budgets=outcomes)
    names = load_reference().areas
    rows = tuple(_row(s, names[s.area_code].name if s.area_code in names else s.area_code)
                 for s in score_areas(evidence, method))
    used = {k: v for k, v in (USED | (TWO_YEAR_USED if two_year else {})).items()
            if k in {s.id for s in method.indicators}}
    if not outcomes:
        used.pop("personal_budgets", None)
    if not spend:
        used.pop("spend_vs_plan", None)
    if not any(due for due, _ in on_time.values()):
        used.pop("returns_on_time", None)
    return Scorecard(method, programme.id, rows, used, len(names) - len(records))


def _row(s: AreaScore, name: str) -> CardRow:
    return CardRow(s.area_code, name, s.rank, s.score, s.score_interval, s.rank_interval, s.missing, s.coverage)


def scorecard(store: Store, year: str) -> Scorecard:
    """The scorecard, kept until plans, the ledger or the stored budgets change."""
    version = (*dashboard.store_version(store), budgets.budgets_version(store))
    return store.caches.named("scorecard").get(year, version, lambda: compute(store, year))


def rows_for(user: User, card: Scorecard) -> list[CardRow]:
    """The rows this user may see: every area for national roles, their own areas otherwise."""
    return [r for r in card.rows if user.can_see(r.area_code)]
