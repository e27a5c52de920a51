"""The joint plan an area's partners agree: pools, funding, schemes, metrics, conditions.

Plain immutable data. Field paths used in findings ("schemes[2].amount") follow the
attribute names here, so any adapter can map them back to where the value came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from carepool.money import Money, total


@dataclass(frozen=True, slots=True)
class Partner:
    """An organisation party to the plan."""

    code: str        # CCG or ICB ODS code, council ONS code, or the HWB's area code
    name: str
    kind: str        # "ccg", "icb", "la" (the upper-tier council), "district" or "hwb"


def hwb_code(area_code: str) -> str:
    """The Health and Wellbeing Board's partner code: it has no ODS code, so the area's code marks it."""
    return f"{area_code}-HWB"


def area_partners(area_code: str, area_name: str, nhs: Iterable[tuple[str, str]],
                  nhs_kind: str = "ccg") -> tuple[Partner, ...]:
    """The partners an area's plan names: its council, each NHS body (code, name) in the order given, its board."""
    return (Partner(area_code, f"{area_name} Council", "la"),
            *(Partner(code, name, nhs_kind) for code, name in nhs),
            Partner(hwb_code(area_code), f"{area_name} Health and Wellbeing Board", "hwb"))


SIGNING_KINDS = frozenset({"ccg", "icb", "la"})   # district councils and the HWB do not sign as partners
DEFAULT_MODEL = "pooled budget for specific services"
DEFAULT_GOVERNANCE = "joint committee"


@dataclass(frozen=True, slots=True)
class Pool:
    """A Section 75 pooled fund."""

    id: str          # short local id, e.g. "P1"
    name: str
    host: str        # partner code of the host (keeps the accounts, is audited)
    manager: str     # the pool manager (a named post)
    model: str = DEFAULT_MODEL            # joint commissioning model (programme list)
    governance: str = DEFAULT_GOVERNANCE  # how the pool is governed (programme list)


@dataclass(frozen=True, slots=True)
class FundingLine:
    contributor: str  # partner code
    stream: str       # programme funding stream id
    pool: str         # pool id
    amount: Money
    plan_year: str = ""  # two-year plans: the financial year of the figure ("2024-25"); else ""


@dataclass(frozen=True, slots=True)
class Scheme:
    ref: str
    name: str
    scheme_type: str
    area_of_spend: str
    commissioner: str   # "CCG", "Local Authority" or "Joint"
    provider: str
    source: str         # funding stream id
    pool: str
    amount: Money       # the whole plan period (for a two-year plan: the sum of ``amounts``)
    new: bool           # new scheme (True) or existing (False)
    amounts: tuple[tuple[str, Money], ...] = ()  # two-year plans: ("2023-24", amount) for each plan year

    def amount_for(self, plan_year: str) -> Money:
        """The scheme's planned spend in one plan year (a one-year plan's whole amount)."""
        if not self.amounts:
            return self.amount
        return Money(sum(m.pence for label, m in self.amounts if label == plan_year))


@dataclass(frozen=True, slots=True)
class MetricPlan:
    """A metric's baseline and plan; quarterly metrics carry four planned values."""

    code: str
    baseline: Decimal | None
    planned: tuple[Decimal | None, ...]   # one per period (4 quarters, or 1 for annual)
    baseline_period: str = ""
    local_name: str = ""                  # BCF6: the metric the HWB chose


@dataclass(frozen=True, slots=True)
class Ambition:
    """The emergency-admissions ambition and the performance sum it puts at risk."""

    baseline_admissions: int                 # the baseline year's non-elective admissions
    baseline_quarters: tuple[int, ...]       # the same, by quarter
    planned_reduction: int                   # admissions avoided over the year
    planned_quarters: tuple[int, ...]        # admissions avoided, by quarter
    performance_sum: Money                   # held back at risk
    delayed_days_baseline: int = 0
    delayed_days_reduction: int = 0

    @property
    def ambition_pct(self) -> Decimal:
        if self.baseline_admissions <= 0:
            return Decimal(0)
        pct = Decimal(self.planned_reduction) * 100 / Decimal(self.baseline_admissions)
        return pct.quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class CapacityLine:
    """Intermediate-care capacity and demand for one service in one plan year (people)."""

    service: str         # e.g. "Reablement at home", "Short-term residential care"
    plan_year: str
    demand: int
    capacity: int


NO_AMBITION = Ambition(baseline_admissions=0, baseline_quarters=(0, 0, 0, 0), planned_reduction=0,
                       planned_quarters=(0, 0, 0, 0), performance_sum=Money(0))


@dataclass(frozen=True, slots=True)
class ConditionConfirmation:
    id: str
    confirmed: bool | None   # None: not answered
    narrative: str = ""


@dataclass(frozen=True, slots=True)
class SignOff:
    partner: str       # partner code, or the area code for the HWB
    name: str
    role: str
    on: date


@dataclass(frozen=True)
class Plan:
    area_code: str
    year: str
    partners: tuple[Partner, ...]
    pools: tuple[Pool, ...]
    funding: tuple[FundingLine, ...]
    schemes: tuple[Scheme, ...]
    metrics: tuple[MetricPlan, ...]
    ambition: Ambition
    conditions: tuple[ConditionConfirmation, ...]
    signoffs: tuple[SignOff, ...] = ()
    narrative: str = ""
    illustrative: bool = False   # generated (demo) figures, never to be shown as real
    notes: tuple[str, ...] = field(default=())
    capacity: tuple[CapacityLine, ...] = ()   # capacity and demand, where the year asks for it

    @property
    def pooled_total(self) -> Money:
        return total(line.amount for line in self.funding)

    @property
    def pooled_by_plan_year(self) -> tuple[tuple[str, Money], ...]:
        """What is pooled in each plan year of a two-year plan, in order (empty for a one-year plan)."""
        out: dict[str, int] = {}
        for line in self.funding:
            if line.plan_year:
                out[line.plan_year] = out.get(line.plan_year, 0) + line.amount.pence
        return tuple((label, Money(out[label])) for label in sorted(out))

    @property
    def schemes_total(self) -> Money:
        return total(s.amount for s in self.schemes)

    def pool_total(self, pool_id: str) -> Money:
        return total(line.amount for line in self.funding if line.pool == pool_id)

    def partner(self, code: str) -> Partner | None:
        return next((p for p in self.partners if p.code == code), None)

    def partners_of_kind(self, kind: str) -> tuple[Partner, ...]:
        return tuple(p for p in self.partners if p.kind == kind)

    @property
    def signing_partners(self) -> frozenset[str]:
        """The partners who must each sign off before the Board: NHS commissioners and the council."""
        return frozenset(p.code for p in self.partners if p.kind in SIGNING_KINDS)

    def metric(self, code: str) -> MetricPlan | None:
        return next((m for m in self.metrics if m.code == code), None)
