"""What an area page shows: the latest plan, where it stands, its history and pool statements,
and its real published series: Making Data Count charts and the interrupted time series.

The charts and evaluation depend only on the shipped published files and the area, never on the
user or the store, so their HTML is rendered once per area per process (``metrics_section``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from markupsafe import Markup

from carepool.errors import NotFound
from carepool.evaluation.svg import spc_chart
from carepool.findings import Severity
from carepool.ledger.statements import Report
from carepool.metrics.spc import PointType, SpcResult
from carepool.plans.conditions import Condition
from carepool.plans.lifecycle import Event, PlanState, Status, Step, next_steps, replay
from carepool.reference.geography import PlanArea
from carepool.services import areas as area_service
from carepool.services import (
    conditions,
    dashboard,
    discharge,
    evaluation,
    in_force,
    ledger_statements,
    plans,
    view_keys,
)
from carepool.services.plans import PlanRecord
from carepool.services.users import Action, User, require
from carepool.store.db import Store
from carepool.web.render import TEMPLATES


@dataclass(frozen=True)
class AreaView:
    area: PlanArea
    record: PlanRecord | None
    state: PlanState | None
    events: list[Event]
    statements: list[Report]
    actions: frozenset[str]       # what this user may do now, given the plan's status
    errors: int = 0               # validation errors in a draft (saved unfinished): no sign-off until fixed
    funding: str = ""             # which version the money follows, or why none (services.in_force)
    conditions: tuple[Condition, ...] = ()   # the conditions register (set at assurance or after)
    token: str = plans.NO_PLAN    # the version token of ``record``: decision forms send it back

    @property
    def open_conditions(self) -> list[Condition]:
        return [c for c in self.conditions if c.status.value == "open"]

    @property
    def partners_to_sign(self) -> list[str]:
        if self.record is None or self.state is None:
            return []
        return list(self.state.awaiting(self.record.plan.signing_partners))


def visible_area(user: User, code: str, year: str | None = None) -> PlanArea:
    """The area in ``year``'s geography (either vintage when no year is given), once the user may
    see it: NotFound for an unknown code (naming its successor for an old one), else PermissionDenied."""
    area = area_service.year_area(code, year) if year else area_service.any_area(code)
    require(user, Action.VIEW, area.code)
    return area


STEP_ACTIONS = {Step.SIGN_OFF: Action.SIGN_OFF_PARTNER, Step.HWB_SIGN_OFF: Action.SIGN_OFF_HWB,
                Step.SUBMIT: Action.SUBMIT, Step.ASSURE: Action.ASSURE}


def available_actions(user: User, area: str, record: PlanRecord | None, state: PlanState | None,
                      errors: int = 0) -> frozenset[str]:
    out: set[str] = set()
    if user.may(Action.UPLOAD, area):
        out.add("upload")
    if record is None or state is None:
        return frozenset(out)
    signing = record.plan.signing_partners
    for step in next_steps(state, signing):
        if not user.may(STEP_ACTIONS[step], area):
            continue
        if step is Step.SIGN_OFF and (errors or user.org_code not in state.awaiting(signing)):
            continue          # a draft with errors is not signed; each partner signs once, for itself
        out.add(step.value)
    return frozenset(out)


MAX_CACHED = 1024   # area views kept per store, each until its own area's plans, books or conditions change
VIEWS_CACHE = "web.area_views"


def area_view(store: Store, user: User, code: str, year: str) -> AreaView:
    area = visible_area(user, code, year)
    view = _cached_view(store, area, year)
    return replace(view, actions=available_actions(user, area.code, view.record, view.state, view.errors))


def warm_view(store: Store, code: str, year: str) -> None:
    """Read an area's view into the cache (the start-up warm-up), as its first request would."""
    _cached_view(store, area_service.year_area(code, year), year)


def _cached_view(store: Store, area: PlanArea, year: str) -> AreaView:
    """The area's view, read again only when the area's own plans, books or conditions moved."""
    return store.caches.named(VIEWS_CACHE, MAX_CACHED).get(
        (area.code, year), view_keys.area_version(store, area.code, year), lambda: _read_view(store, area, year))


def _read_view(store: Store, area: PlanArea, year: str) -> AreaView:
    try:
        record, events = plans.history(store, area.code, year)
    except NotFound:
        record, events = None, []
    state = replay(events) if record is not None else None
    try:
        reports = ledger_statements.area_statements(store, area.code, year)
    except NotFound:
        reports = []
    errors = 0
    if record is not None and state is not None and state.status is Status.DRAFT:
        errors = sum(1 for f in plans.check_plan(record.plan) if f.severity is Severity.ERROR)
    return AreaView(area, record, state, events, reports, frozenset(), errors,
                    _funding(store, area.code, year, record), tuple(conditions.register(store, area.code, year)),
                    plans.version_token(record))


def _funding(store: Store, code: str, year: str, latest: PlanRecord | None) -> str:
    position = in_force.in_force(store, year, code)
    if position is None or latest is None:
        return ""
    if position.record is None:
        return f"Not funded: {position.refused}."
    if position.record.version == latest.version:
        return f"Funded: version {latest.version} is the plan in force."
    outcome = position.state.outcome if position.state is not None else ""
    return (f"Version {position.record.version} (assured '{outcome}') stays the plan in force, and the money "
            f"follows it, until a newer version is assured.")


# the real series: SPC charts and the interrupted time series, once per area per process --------
POINT_COLOURS = {PointType.IMPROVEMENT: "#005eb8", PointType.CONCERN: "#b35900",
                 PointType.NEUTRAL_HIGH: "#490092", PointType.NEUTRAL_LOW: "#490092"}
POINT_LABELS = {PointType.COMMON_CAUSE: "Common cause", PointType.IMPROVEMENT: "Special cause improvement",
                PointType.CONCERN: "Special cause concern", PointType.NEUTRAL_HIGH: "Special cause (higher)",
                PointType.NEUTRAL_LOW: "Special cause (lower)"}


@dataclass(frozen=True)
class ChartRow:
    month: str
    value: float
    mean: float
    lpl: float
    upl: float
    point: str          # the point's type in words (POINT_LABELS)
    special: bool


@dataclass(frozen=True)
class MetricChart:
    """One metric's XmR chart of the area's real monthly series, ready to show."""

    key: str             # "admissions" or "delayed" (the dashboard's metric keys)
    name: str
    icon: str            # a VariationIcon value
    label: str           # the icon in words
    svg: Markup
    description: str
    rows: tuple[ChartRow, ...]
    improvement: int     # special-cause improvement points
    concern: int


def series_chart(key: str, name: str, place: str, result: SpcResult, *, better: str = "lower",
                 digits: int = 0) -> MetricChart:
    """Any monthly series' XmR chart ready to show: the inline SVG, its description and the table."""
    points = result.points
    label = dashboard.variation_label(result.variation.value)
    rows = tuple(ChartRow(p.date.strftime("%Y-%m"), p.value, p.mean, p.lpl, p.upl, POINT_LABELS[p.point_type],
                          p.special_cause_flag) for p in points)
    improvement = sum(p.point_type is PointType.IMPROVEMENT for p in points)
    concern = sum(p.point_type is PointType.CONCERN for p in points)
    latest = result.latest
    better_words = {"lower": "fewer is better", "higher": "more is better"}.get(better, "neither way is better")
    n = f",.{digits}f"
    description = (
        f"{name}, {place}, monthly from {rows[0].month} to {rows[-1].month} ({len(rows)} months; {better_words}). "
        f"Mean {latest.mean:{n}}; process limits {latest.lpl:{n}} to {latest.upl:{n}}. "
        f"{sum(r.special for r in rows)} points show special cause variation ({improvement} improvement, "
        f"{concern} concern). Latest month {rows[-1].month}: {latest.value:{n}}. Variation: {label}.")
    svg = spc_chart(f"{name}: {place}", description, [r.month for r in rows], [p.value for p in points],
                    [p.mean for p in points], [p.lpl for p in points], [p.upl for p in points],
                    [POINT_COLOURS.get(p.point_type) for p in points], ident=f"spc-{key}")
    return MetricChart(key, name, result.variation.value, label, Markup(svg), description, rows, improvement,
                       concern)


def _chart(area: PlanArea, key: str, result: SpcResult) -> MetricChart:
    return series_chart(key, dashboard.METRICS[key], area.name, result)


def metric_charts(area: PlanArea) -> tuple[MetricChart, ...]:
    """The area's charts, in the dashboard's metric order; a metric without data is left out."""
    charts = dashboard.area_charts()
    return tuple(_chart(area, key, charts[key][area.code]) for key in dashboard.METRICS
                 if area.code in charts.get(key, {}))


def render_section(code: str) -> Markup:
    """Compute and render ``code``'s charts and evaluation (about 0.4 s; ``metrics_section`` keeps them)."""
    area = area_service.any_area(code)
    # the published series and the evaluation are on the 2015 areas: a 2023-only area has neither
    on_2015 = area_service.geography_of(area_service.FALLBACK_YEAR).knows(area.code)
    return Markup(TEMPLATES.get_template("area_metrics.html").render(
        area=area, charts=metric_charts(area), effects=evaluation.area_effects(area.code) if on_2015 else (),
        not_on_2015=not on_2015,
        window=evaluation.WINDOW_MONTHS, unclear=evaluation.UNCLEAR))


# one entry per HWB area at most; each area computed at most once at a time in this process (two
# requests for the same new area: the second waits for the first); web/warmup.py offers sections
# rendered by a low-priority child process, and whichever copy arrives first is kept (they are equal)
_sections: dict[str, Markup] = {}
_section_locks: dict[str, threading.Lock] = {}
_sections_lock = threading.Lock()


def metrics_section(area: PlanArea) -> Markup:
    """The charts and evaluation of ``area`` as HTML (nothing in it depends on who is asking)."""
    html = _sections.get(area.code)
    if html is not None:
        return html
    with _sections_lock:
        lock = _section_locks.setdefault(area.code, threading.Lock())
    with lock:
        html = _sections.get(area.code)
        if html is None:
            html = _sections.setdefault(area.code, render_section(area.code))
    return html


def offer_section(code: str, html: Markup) -> Markup:
    """Keep ``html`` as ``code``'s section unless one is already kept (the start-up warm-up); the kept one."""
    return _sections.setdefault(code, html)


def section_cached(code: str) -> bool:
    """Whether ``code``'s metrics section is already rendered in this process."""
    return code in _sections


# the ICB discharge sitrep on the pages of current-year plans, apportioned and labelled so --------
_discharge_sections: dict[str, Markup] = {}


def discharge_section(code: str, year: str) -> Markup:
    """The area's apportioned sitrep charts for a current programme year; empty for earlier years."""
    if not discharge.is_current_year(year):
        return Markup("")
    html = _discharge_sections.get(code)
    if html is None:
        area = area_service.any_area(code)
        charts = []
        for measure in discharge.MEASURES:
            try:
                chart = discharge.area_chart(area.code, measure)
            except NotFound:
                continue
            points = chart.result.points
            latest = chart.result.latest
            variation = dashboard.variation_label(chart.result.variation.value)
            description = (f"{chart.name}, {area.name}, apportioned from its ICBs by resident shares, monthly daily "
                           f"mean from {chart.months[0]} to {chart.months[-1]} ({len(points)} months). Mean "
                           f"{latest.mean:,.1f}; process limits {latest.lpl:,.1f} to {latest.upl:,.1f}; latest "
                           f"{latest.value:,.1f}. Variation: {variation}.")
            svg = spc_chart(f"{chart.name}: {area.name} (apportioned)", description, list(chart.months),
                            [p.value for p in points], [p.mean for p in points], [p.lpl for p in points],
                            [p.upl for p in points], [POINT_COLOURS.get(p.point_type) for p in points],
                            ident=f"sitrep-{measure}")
            charts.append({"key": measure, "name": chart.name, "icon": chart.result.variation.value,
                           "svg": Markup(svg), "description": description})
        quirks = [q.message for q in discharge.quirks() if q.rule != "sitrep.zero_days"]
        html = Markup(TEMPLATES.get_template("area_discharge.html").render(area=area, charts=charts, quirks=quirks))
        _discharge_sections[code] = html
    return html


TEMPLATES.env.globals["discharge_section"] = discharge_section
