"""A small, complete plan built by hand, so the store's tests depend on nothing but the plan model."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from carepool.money import Money
from carepool.plans.model import (
    Ambition,
    ConditionConfirmation,
    FundingLine,
    MetricPlan,
    Partner,
    Plan,
    Pool,
    Scheme,
    SignOff,
)

AREA = "E08000018"   # Rotherham
YEAR = "bcf-2015-16"
T0 = datetime(2014, 9, 19, 9, 30, tzinfo=UTC)


def make_plan(area: str = AREA, year: str = YEAR, narrative: str = "Joined-up care, closer to home.") -> Plan:
    """Rotherham-like: two Section 75 pools, one hosted by each partner, every field type used."""
    ccg, la = "03L", "E08000018-LA"
    return Plan(
        area_code=area,
        year=year,
        partners=(Partner(ccg, "NHS Rotherham CCG", "ccg"),
                  Partner(la, "Rotherham Metropolitan Borough Council", "la"),
                  Partner(f"{area}-HWB", "Rotherham Health and Wellbeing Board", "hwb")),
        pools=(Pool("P1", "CCG-hosted pool", ccg, "Chief Finance Officer, NHS Rotherham CCG"),
               Pool("P2", "Council-hosted pool", la, "Strategic Director, Neighbourhoods & Adult Services")),
        funding=(FundingLine(ccg, "ccg_minimum", "P1", Money(1_324_500_000)),
                 FundingLine(la, "dfg", "P2", Money(1_007_100_001))),
        schemes=(
            Scheme("S1", "Integrated rapid response", "Intermediate care", "Community health",
                   "CCG", "Rotherham Foundation Trust", "ccg_minimum", "P1", Money(1_324_500_000), True),
            Scheme("S2", "Adaptations — Disabled Facilities Grant", "Assistive technologies",
                   "Social care", "Local Authority", "Council in-house", "dfg", "P2",
                   Money(1_007_100_001), False),
        ),
        metrics=(
            MetricPlan("BCF2", Decimal("658.5"), (Decimal("640.25"),), "2013-14"),
            MetricPlan("BCF4", Decimal("1234.567"), (Decimal("1200"), None, Decimal("1180.0"), Decimal("0")),
                       "2014-15 Q1-Q4"),
            MetricPlan("BCF6", None, (None,), local_name="Patient experience: “confident to manage”"),
        ),
        ambition=Ambition(
            baseline_admissions=25_964, baseline_quarters=(6_500, 6_300, 6_464, 6_700),
            planned_reduction=908, planned_quarters=(227, 227, 227, 227),
            performance_sum=Money(135_292_000), delayed_days_baseline=7_120, delayed_days_reduction=250,
        ),
        conditions=(ConditionConfirmation("C1", True, "Plan jointly agreed."),
                    ConditionConfirmation("C2", False, "Seven-day services from April 2016."),
                    ConditionConfirmation("C3", None)),
        signoffs=(SignOff(ccg, "A. Officer", "Accountable Officer", date(2014, 9, 15)),),
        narrative=narrative,
        illustrative=True,
        notes=("figures are illustrative",),
    )
