"""A programme year's rules as plain data (read from a YAML file, never hard-coded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from carepool.money import Money

ZERO = Money(0)

# Who pays into a pool: the local partners (an "la" contributor is the upper-tier council, the
# name the 2015-16 and 2016-17 files have always used) and "any" partner for local top-ups.
CONTRIBUTOR_KINDS: tuple[str, ...] = ("ccg", "icb", "upper_tier_council", "district_council", "la", "any")
# Where the money comes from nationally (a grant under s31, or NHS allocations).
NATIONAL_BODIES: tuple[str, ...] = ("nhs_england", "dh", "dhsc", "dclg", "mhclg", "dluhc", "none")
PAYMENT_RULES: tuple[str, ...] = ("payment_for_performance", "local_risk_share", "none")
PUBLISHED = "published"
UNPUBLISHED = "unpublished"
LOCAL = "local"                  # no national figure by design: a voluntary local top-up
UNAVAILABLE = "unavailable"      # a metric with no national definition: measured locally, never computed


@dataclass(frozen=True, slots=True)
class Source:
    """A document a year file read a fact from (title and address), cited by key."""

    key: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Gap:
    """A fact of the year that is not published in carepool's sources: said so, never guessed."""

    fact: str
    note: str


@dataclass(frozen=True, slots=True)
class FundingStream:
    """A source of money in the pool, e.g. the CCG minimum or the Disabled Facilities Grant."""

    id: str
    name: str
    contributor: str             # one of CONTRIBUTOR_KINDS: the partner that pays it into the pool
    kind: str                    # "revenue" or "capital" (mirrors ``capital``)
    national_amount: Money | None  # first plan year's amount; None if local or unpublished
    basis: str | None            # how the national amount is split: population_all_ages, ...
    must_pool: bool              # every penny of the area's amount must go into the pool
    source: str
    capital: bool = False        # a capital grant (DFG, social care capital): kept apart at year end
    recipient: str = ""          # who receives it nationally: "ccg", "icb", "upper_tier_council", ...
    paid_by: str = "none"        # the national body it comes from (NATIONAL_BODIES)
    status: str = PUBLISHED      # PUBLISHED, UNPUBLISHED (figure not found) or LOCAL
    amounts: tuple[tuple[str, Money | None], ...] = ()  # per plan year ("2023-24", amount)
    passed_to: str | None = None  # two-tier areas: the county passes it on (DFG -> district_council)
    family: str = ""              # the same money across years (e.g. "dfg"), for year-against-year
    rounded_to: Money = ZERO  # the amount is published rounded to this (e.g. "GBP 4.3 billion")

    def amount_for(self, plan_year: str) -> Money | None:
        for label, amount in self.amounts:
            if label == plan_year:
                return amount
        return None


@dataclass(frozen=True, slots=True)
class RingFence:
    """A minimum that must be spent on certain schemes (e.g. protection of social care)."""

    id: str
    name: str
    national_amount: Money
    basis: str
    funded_by: str               # contributor type whose money counts ("ccg", "la", "any")
    areas_of_spend: tuple[str, ...]
    scheme_types: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Condition:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class MetricSpec:
    code: str
    name: str
    unit: str                    # "rate_per_100000", "percent", "count", "score"
    denominator: str | None      # population band: all_ages, 18_plus, 65_plus
    improvement: str             # "decrease" or "increase"
    frequency: str               # "quarterly" or "annual"
    payment_for_performance: bool  # the metric carries money (2015-16 BCF1 only)
    status: str = PUBLISHED      # UNPUBLISHED when the year's exact definition was not found; UNAVAILABLE
                                 # when there is none nationally (BCF5: as metrics.definitions.UNAVAILABLE)

    @property
    def carries_money(self) -> bool:
        return self.payment_for_performance


@dataclass(frozen=True, slots=True)
class PerformanceRules:
    """How the performance element works in this year."""

    scheme: str                  # "payment_for_performance", "local_risk_share" or "none"
    national_element: Money
    stream: str                  # the funding stream the element is part of
    default_ambition_pct: Decimal
    cost_per_admission: Money
    quarter_shares: tuple[Fraction, ...]
    baseline_year: str           # e.g. "2014-15": each quarter is compared with this year's
    min_revision_pp: Decimal
    cap_at_area_share: bool
    out_of_hospital_minimum: bool  # the area's share not at risk must go to NHS out-of-hospital


NO_PERFORMANCE = PerformanceRules(
    scheme="none", national_element=Money(0), stream="", default_ambition_pct=Decimal(0),
    cost_per_admission=Money(0), quarter_shares=(Fraction(1, 4),) * 4, baseline_year="",
    min_revision_pp=Decimal(0), cap_at_area_share=False, out_of_hospital_minimum=False,
)


@dataclass(frozen=True, slots=True)
class ConditionsHold:
    """What money a pool holds back while a condition set at assurance is open (issue 12, defect 2).

    ``what`` is "out_of_hospital" (the area's share of the performance element that is not at
    risk and must go to NHS out-of-hospital services) or "stream" (the plan's funding in
    ``stream``). The money stays in the pool's books, moved to a held account, and comes back
    to the fund when the last open condition is met.
    """

    what: str
    stream: str | None
    source: str


FILLS: tuple[str, ...] = ("yellow", "blue", "grey", UNPUBLISHED)
CHECKLIST_PLACES: tuple[str, ...] = ("cover", "sheet", UNPUBLISHED)


@dataclass(frozen=True, slots=True)
class WorkbookTemplate:
    """What the year's official planning template looks like, as far as its published guidance says.

    The official templates are shared on the Better Care Exchange (a login), so most of their
    layout is not in carepool's sources: ``layout`` says whether the sheet list was published,
    and a fill or checklist place written ``unpublished`` means carepool's own choice is used
    (and the workbook's Guidance sheet says so).
    """

    layout: str = UNPUBLISHED          # "published" when ``sheets`` lists the official sheets in order
    parts: tuple[str, ...] = ()        # the documents a submission has (planning template, C&D plan, ...)
    sheets: tuple[str, ...] = ()       # the official sheet names in order, where published
    input_fill: str = UNPUBLISHED      # FILLS: the colour of input cells in the official template
    prefilled_fill: str = UNPUBLISHED  # FILLS: the colour of pre-populated cells
    checklist: str = UNPUBLISHED       # where the completeness checklist sits: "cover" or its own "sheet"
    source: str = ""
    note: str = ""
    declared: bool = False             # the year file has a ``template`` section (its workbook opens on Guidance)


@dataclass(frozen=True, slots=True)
class ProgrammeYear:
    id: str
    name: str
    start: date
    end: date
    national_minimum: Money | None  # the published headline figure (None: not published)
    national_minimum_source: str
    streams: tuple[FundingStream, ...]
    ring_fences: tuple[RingFence, ...]
    conditions: tuple[Condition, ...]
    metrics: tuple[MetricSpec, ...]
    performance: PerformanceRules
    assurance_outcomes: tuple[str, ...]
    required_signoffs: tuple[str, ...]  # "each_partner", "hwb"
    amount_min: Money
    amount_max: Money
    scheme_types: tuple[str, ...]
    areas_of_spend: tuple[str, ...]
    commissioners: tuple[str, ...]
    out_of_hospital_areas: tuple[str, ...]
    deadlines: tuple[tuple[str, date], ...]
    source_file: str
    commissioning_models: tuple[str, ...] = ()
    governance_forms: tuple[str, ...] = ()
    plan_years: tuple[str, ...] = ()         # "2023-24", "2024-25": one or two financial years
    vintage: str = "2015"                    # the geography the year's plans use ("2015", "2023")
    partner_kinds: tuple[str, ...] = ("ccg", "la")  # the local partners that sign the year's plans
    signatories: tuple[str, ...] = ()        # roles that must sign (2025-26: chief executives, s151)
    signatories_delegable: bool = True
    capacity_and_demand: bool = False        # intermediate-care capacity and demand plans asked for
    objectives: tuple[str, ...] = ()
    national_minimum_rounding: Money = ZERO  # the headline is published rounded to this
    national_minimum_at_least: bool = False  # the headline is published as a lower bound ("over")
    plans_required: bool = True              # False in 2020-21: no formal plans (COVID)
    sources: tuple[Source, ...] = ()
    gaps: tuple[Gap, ...] = ()

    @property
    def facts_missing(self) -> tuple[str, ...]:
        """Every fact of the year not published in carepool's sources, for `programme list`."""
        out = [g.fact for g in self.gaps]
        out += [f"amount of stream '{s.id}'" for s in self.streams if s.status == UNPUBLISHED]
        out += [f"definition of metric '{m.code}'" for m in self.metrics if m.status == UNPUBLISHED]
        if self.national_minimum is None:
            out.append("national minimum total")
        return tuple(out)

    @property
    def status(self) -> str:
        return "complete" if not self.facts_missing else "facts missing"
    unfunded_outcomes: tuple[str, ...] = ("not approved",)  # assurance outcomes that are never funded
    conditions_hold: ConditionsHold | None = None            # money held while an assurance condition is open
    admissions_tolerance_pct: Decimal = Decimal(2)           # a return this far from the verified figure is a finding
    template: WorkbookTemplate = WorkbookTemplate()          # the official planning template, as far as published

    def is_fundable(self, outcome: str | None) -> bool:
        """May a plan assured with ``outcome`` be funded (contributions, returns, payment for performance)?"""
        return outcome is not None and outcome in self.assurance_outcomes and outcome not in self.unfunded_outcomes

    def stream(self, stream_id: str) -> FundingStream:
        for s in self.streams:
            if s.id == stream_id:
                return s
        raise KeyError(stream_id)

    def stream_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.streams)

    def metric(self, code: str) -> MetricSpec:
        for m in self.metrics:
            if m.code == code:
                return m
        raise KeyError(code)

    @property
    def components_total(self) -> Money:
        """Sum of the national amounts of the streams that must be pooled."""
        total = 0
        for s in self.streams:
            if s.must_pool and s.national_amount is not None:
                total += s.national_amount.pence
        return Money(total)

    @property
    def quarters(self) -> tuple[str, ...]:
        """Quarter labels of the plan period, e.g. ('2015Q1', ..., '2015Q4') for April-March years.

        Quarters are numbered within each financial year, so a two-year plan has 2023Q1..2023Q4
        and 2024Q1..2024Q4.
        """
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        return tuple(f"{self.start.year + i // 4}Q{i % 4 + 1}" for i in range(months // 3))
