"""Where the money goes: an area's pool, or England's, by funding stream, by partner and by scheme.

The figures are the plans' own, to the penny: the plan in force where an area has one (the
dashboard's rule: a newer draft does not displace it), else the area's latest plan. England is
the sum over the areas the user may see. Pages round them for display (web/amounts.py).

A two-year programme (2023-25) is shown one plan year at a time (each year's funding lines and
each scheme's spend in that year), or over the whole plan when asked, and says which: a two-year
total is never shown where a one-year programme's annual pool would be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from carepool.errors import InputError, NotFound
from carepool.plans.model import Plan
from carepool.programme import load_programme
from carepool.services import in_force, plans
from carepool.services.users import User
from carepool.store.db import Store

PARTNER_KINDS = {"ccg": "Clinical commissioning groups", "icb": "Integrated care boards",
                 "la": "Councils (upper tier)", "district": "District councils", "hwb": "Health and Wellbeing Boards"}


@dataclass(frozen=True)
class Slice:
    key: str
    label: str
    pence: int


@dataclass(frozen=True)
class MoneyView:
    """One place's money three ways; each list is largest first and adds to ``total``."""

    total: int
    by_stream: list[Slice]
    by_partner: list[Slice]
    by_scheme: list[Slice]
    areas: int             # how many areas' plans are summed (1 for an area)
    plan_year: str = ""    # a two-year programme: the plan year shown ('' the whole plan, or a one-year programme)
    by_plan_year: tuple[tuple[str, int], ...] = ()   # a two-year programme: pence pooled in each plan year


def _ranked(sums: dict[str, int], labels: dict[str, str]) -> list[Slice]:
    return sorted((Slice(k, labels.get(k, k), v) for k, v in sums.items()), key=lambda s: (-s.pence, s.key))


def _add(sums: dict[str, int], key: str, pence: int) -> None:
    sums[key] = sums.get(key, 0) + pence


WHOLE_PLAN = "whole"     # the plan-year choice for a two-year programme's whole plan


def plan_year_shown(year: str, asked: str | None) -> str:
    """The plan year a money page shows: '' for a one-year programme or, asked with ``whole``, a
    two-year programme's whole plan; else the plan year asked for (the first when none is)."""
    labels = load_programme(year).plan_years
    if len(labels) <= 1:
        return ""
    text = (asked or "").strip()
    if not text:
        return labels[0]
    if text == WHOLE_PLAN:
        return ""
    if text not in labels:
        raise InputError(f"'{text}' is not a plan year of {year} (one of {', '.join(labels)}, or "
                         f"'{WHOLE_PLAN}' for the whole plan)", where="plan_year")
    return text


def view_of(chosen: Iterable[Plan], year: str, *, by_partner_kind: bool, by_scheme_type: bool,
            plan_year: str = "") -> MoneyView:
    """The plans' funding by stream and by partner (each partner, or each kind of partner), and their
    schemes' amounts (each scheme, or each scheme type); with ``plan_year``, that plan year's only."""
    programme = load_programme(year)
    labels = programme.plan_years if len(programme.plan_years) > 1 else ()
    stream_names = {s.id: s.name for s in programme.streams}
    per_year = dict.fromkeys(labels, 0)
    streams: dict[str, int] = {}
    partners: dict[str, int] = {}
    schemes: dict[str, int] = {}
    partner_labels: dict[str, str] = dict(PARTNER_KINDS)
    scheme_labels: dict[str, str] = {}
    count = 0
    for plan in chosen:
        count += 1
        kinds = {p.code: p for p in plan.partners}
        for line in plan.funding:
            if line.plan_year in per_year:
                per_year[line.plan_year] += line.amount.pence
            if plan_year and line.plan_year != plan_year:
                continue
            _add(streams, line.stream, line.amount.pence)
            partner = kinds.get(line.contributor)
            if by_partner_kind:
                _add(partners, partner.kind if partner else "other", line.amount.pence)
            else:
                _add(partners, line.contributor, line.amount.pence)
                partner_labels[line.contributor] = partner.name if partner else line.contributor
        for scheme in plan.schemes:
            key = scheme.scheme_type if by_scheme_type else scheme.ref
            _add(schemes, key, (scheme.amount_for(plan_year) if plan_year else scheme.amount).pence)
            scheme_labels[key] = scheme.scheme_type if by_scheme_type else f"{scheme.name} ({scheme.ref})"
    return MoneyView(sum(streams.values()), _ranked(streams, stream_names), _ranked(partners, partner_labels),
                     _ranked(schemes, scheme_labels), count, plan_year, tuple(per_year.items()))


def shown_plans(store: Store, year: str) -> dict[str, Plan]:
    """Each area's plan the money pages show: the one in force, else the latest."""
    latest = {r.area_code: r for r in plans.list_plans(store, year)}
    with store.transaction() as session:
        positions = in_force.positions(session, load_programme(year))
    out: dict[str, Plan] = {}
    for code, record in latest.items():
        position = positions.get(code)
        out[code] = position.record.plan if position is not None and position.record is not None else record.plan
    return out


def shown_plan(store: Store, year: str, area: str) -> Plan | None:
    """One area's plan the money pages show (in force, else latest), or None without a plan."""
    with store.transaction() as session:
        position = in_force.positions(session, load_programme(year), area).get(area)
    if position is not None and position.record is not None:
        return position.record.plan
    try:
        return plans.get_plan(store, area, year).plan
    except NotFound:
        return None


def area_money(plan: Plan, year: str, plan_year: str = "") -> MoneyView:
    """One area: by stream, by each partner, by each scheme (of one plan year, if named)."""
    return view_of([plan], year, by_partner_kind=False, by_scheme_type=False, plan_year=plan_year)


def england_money(store: Store, user: User, year: str, plan_year: str = "") -> MoneyView:
    """Every area the user may see with a plan: by stream, by kind of partner, by scheme type."""
    chosen = [p for code, p in sorted(shown_plans(store, year).items()) if user.can_see(code)]
    return view_of(chosen, year, by_partner_kind=True, by_scheme_type=True, plan_year=plan_year)
