"""A programme year's rules as plain data (read from a YAML file, never hard-coded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from carepool.money import Money


@dataclass(frozen=True, slots=True)
class FundingStream:
    """A source of money in the pool, e.g. the CCG minimum or the Disabled Facilities Grant."""

    id: str
    name: str
    contributor: str             # "ccg", "la" or "any"
    kind: str                    # "revenue" or "capital"
    national_amount: Money | None  # None for voluntary local top-ups
    basis: str | None            # how the national amount is split: population_all_ages, ...
    must_pool: bool              # every penny of the area's amount must go into the pool
    source: str


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
    payment_for_performance: bool


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


@dataclass(frozen=True, slots=True)
class ProgrammeYear:
    id: str
    name: str
    start: date
    end: date
    national_minimum: Money      # the published headline figure
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
        """Quarter labels of the year, e.g. ('2015Q1', ..., '2015Q4') for April-March years."""
        return tuple(f"{self.start.year}Q{i}" for i in range(1, len(self.performance.quarter_shares) + 1))
