"""The plan edit form: a plan to form values, posted values back to a plan, findings to fields.

Every form value is kept as the text the person typed (``FormState``), so a form sent back
with problems shows exactly what was typed. Findings name plan field paths
("schemes[2].amount"); ``dom_id`` is the ONE place that turns a path into a form id
("schemes-2-amount"), used both to name the inputs and to put each finding beside its field
(``plan_form_view.FormView.field_for``, trimming the path from the right like the workbook's
``locate``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from carepool.errors import InputError
from carepool.findings import Finding, error
from carepool.money import Money, parse_money
from carepool.plans.model import (
    DEFAULT_GOVERNANCE,
    DEFAULT_MODEL,
    Ambition,
    CapacityLine,
    ConditionConfirmation,
    FundingLine,
    MetricPlan,
    Partner,
    Plan,
    Pool,
    Scheme,
)
from carepool.programme.model import MetricSpec, ProgrammeYear

_INDEX = re.compile(r"\[(\d+)\]")
LAST_PART = re.compile(r"(\[\d+\]|\.[A-Za-z_][A-Za-z0-9_]*)$")
_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
MAX_ROWS = 500    # per table: a form claiming more rows is cut to this many
MAX_PLAN_YEARS = 2   # a plan period is one or two financial years
MAX_TEXT = 100_000   # characters in one field (an Excel cell holds 32,767); the API reads the same


def dom_id(path: str) -> str:
    """The form id (and field name) for a plan field path: "schemes[2].amount" -> "schemes-2-amount"."""
    return _INDEX.sub(r"-\1", path).replace(".", "-")


# the tables a person can add rows to and remove rows from, with their columns --------------
@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"          # text, money, select
    choices: str = ""           # for selects: which list (see plan_form_view.FormView._choices)
    width: str = "nhsuk-input--width-20"


ROW_TABLES: dict[str, tuple[Column, ...]] = {
    "partners": (Column("code", "Organisation code", width="nhsuk-input--width-10"),
                 Column("name", "Name", width="nhsuk-input--width-30"),
                 Column("kind", "Kind of partner", "select", "kinds")),
    "pools": (Column("id", "Pool id", width="nhsuk-input--width-5"),
              Column("name", "Pool name", width="nhsuk-input--width-30"),
              Column("host", "Host partner", "select", "partners"),
              Column("manager", "Pool manager (a post)"),
              Column("model", "Joint commissioning model", "select", "models"),
              Column("governance", "Governance", "select", "governance")),
    "funding": (Column("contributor", "Contributor", "select", "partners"),
                Column("stream", "Funding stream", "select", "streams"),
                Column("pool", "Pool", "select", "pools"),
                Column("amount", "Amount", "money", width="nhsuk-input--width-10"),
                Column("plan_year", "Plan year", "select", "plan_years")),
    "schemes": (Column("ref", "Reference", width="nhsuk-input--width-5"),
                Column("name", "Scheme name", width="nhsuk-input--width-30"),
                Column("scheme_type", "Scheme type", "select", "scheme_types"),
                Column("area_of_spend", "Area of spend", "select", "areas_of_spend"),
                Column("commissioner", "Commissioner", "select", "commissioners"),
                Column("provider", "Provider"),
                Column("source", "Funded from", "select", "streams"),
                Column("pool", "Pool", "select", "pools"),
                Column("amount", "Amount", "money", width="nhsuk-input--width-10"),
                *(Column(f"amounts-{j}", f"Planned spend in plan year {j + 1}", "money",
                         width="nhsuk-input--width-10") for j in range(MAX_PLAN_YEARS)),
                Column("new", "New or existing scheme", "select", "new")),
    "capacity": (Column("service", "Service", width="nhsuk-input--width-30"),
                 Column("plan_year", "Plan year", "select", "plan_years"),
                 Column("demand", "Expected demand (people)", "number", width="nhsuk-input--width-10"),
                 Column("capacity", "Planned capacity (people)", "number", width="nhsuk-input--width-10")),
}
NOUNS = {"partners": "partner", "pools": "pool", "funding": "funding line", "schemes": "scheme",
         "capacity": "capacity and demand line"}
KINDS = (("la", "Local authority"), ("ccg", "Clinical commissioning group"), ("icb", "Integrated care board"),
         ("district", "District council"), ("hwb", "Health and Wellbeing Board"))


def two_years(year: ProgrammeYear) -> bool:
    return len(year.plan_years) > 1


def has_ambition(year: ProgrammeYear) -> bool:
    """Only the years with a performance element (2015-16, 2016-17) plan the admissions ambition."""
    return year.performance.scheme != "none"


def columns_for(table: str, year: ProgrammeYear) -> tuple[Column, ...]:
    """The columns a year's form shows: two-year plans name each funding line's plan year and plan
    each scheme's spend per plan year (the scheme's amount is their sum); one-year plans neither."""
    out = []
    for col in ROW_TABLES[table]:
        if table == "funding" and col.key == "plan_year" and not two_years(year):
            continue
        if table == "schemes" and col.key == "amount" and two_years(year):
            continue
        if col.key.startswith("amounts-"):
            j = int(col.key.removeprefix("amounts-"))
            if not two_years(year) or j >= len(year.plan_years):
                continue
            col = replace(col, label=f"Planned spend in {year.plan_years[j]}")
        out.append(col)
    return tuple(out)
AMBITION_COUNTS = (("baseline_admissions", "Baseline non-elective admissions (whole year)"),
                   ("planned_reduction", "Planned reduction in admissions (whole year)"))
DELAYS = (("delayed_days_baseline", "Baseline delayed days (whole year)"),
          ("delayed_days_reduction", "Planned reduction in delayed days"))


# form state: the typed text, row counts ---------------------------------------------------
@dataclass
class FormState:
    values: dict[str, str]
    counts: dict[str, int]

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def add_row(self, table: str) -> None:
        if table in ROW_TABLES and self.counts.get(table, 0) < MAX_ROWS:
            self.counts[table] = self.counts.get(table, 0) + 1

    def remove_row(self, table: str, index: int) -> None:
        n = self.counts.get(table, 0)
        if table not in ROW_TABLES or not 0 <= index < n:
            return
        for i in range(index, n):
            for col in ROW_TABLES[table]:
                later = self.values.pop(f"{table}-{i + 1}-{col.key}", "")
                self.values[f"{table}-{i}-{col.key}"] = later
        for col in ROW_TABLES[table]:
            self.values.pop(f"{table}-{n - 1}-{col.key}", None)
        self.counts[table] = n - 1

    def drop_blank_rows(self) -> None:
        """Rows added but left empty are not part of the plan."""
        for table in ROW_TABLES:
            i = 0
            while i < self.counts.get(table, 0):
                if all(not self.get(f"{table}-{i}-{c.key}").strip() for c in ROW_TABLES[table]):
                    self.remove_row(table, i)
                else:
                    i += 1


def metric_periods(spec: MetricSpec | None, planned: int, year: ProgrammeYear | None = None) -> int:
    """Four planned values for a quarterly metric; else one goal a plan year (two-year plans: two)."""
    if spec is None:
        return max(planned, 1)
    if spec.frequency == "quarterly":
        return 4
    return max(len(year.plan_years), 1) if year is not None else 1


def metric_spec(year: ProgrammeYear, code: str) -> MetricSpec | None:
    return next((m for m in year.metrics if m.code == code), None)


def state_from_plan(plan: Plan, year: ProgrammeYear) -> FormState:
    """The form for a plan, with a line for every metric and condition of the year."""
    v: dict[str, str] = {"narrative": plan.narrative}
    for i, p in enumerate(plan.partners):
        v |= {f"partners-{i}-code": p.code, f"partners-{i}-name": p.name, f"partners-{i}-kind": p.kind}
    for i, pool in enumerate(plan.pools):
        v |= {f"pools-{i}-id": pool.id, f"pools-{i}-name": pool.name, f"pools-{i}-host": pool.host,
              f"pools-{i}-manager": pool.manager, f"pools-{i}-model": pool.model,
              f"pools-{i}-governance": pool.governance}
    for i, f in enumerate(plan.funding):
        v |= {f"funding-{i}-contributor": f.contributor, f"funding-{i}-stream": f.stream,
              f"funding-{i}-pool": f.pool, f"funding-{i}-amount": str(f.amount), f"funding-{i}-plan_year": f.plan_year}
    for i, s in enumerate(plan.schemes):
        v |= {f"schemes-{i}-{k}": getattr(s, k) for k in ("ref", "name", "scheme_type", "area_of_spend",
                                                          "commissioner", "provider", "source", "pool")}
        v |= {f"schemes-{i}-amount": str(s.amount), f"schemes-{i}-new": "new" if s.new else "existing"}
        if two_years(year):
            v |= {f"schemes-{i}-amounts-{j}": str(s.amount_for(label)) for j, label in enumerate(year.plan_years)}
    for i, line in enumerate(plan.capacity):
        v |= {f"capacity-{i}-service": line.service, f"capacity-{i}-plan_year": line.plan_year,
              f"capacity-{i}-demand": str(line.demand), f"capacity-{i}-capacity": str(line.capacity)}
    metrics = list(plan.metrics)
    metrics += [MetricPlan(m.code, None, ()) for m in year.metrics if plan.metric(m.code) is None]
    for i, m in enumerate(metrics):
        periods = metric_periods(metric_spec(year, m.code), len(m.planned), year)
        v |= {f"metrics-{i}-code": m.code, f"metrics-{i}-periods": str(periods),
              f"metrics-{i}-baseline": _text(m.baseline), f"metrics-{i}-baseline_period": m.baseline_period,
              f"metrics-{i}-local_name": m.local_name}
        for j in range(periods):
            v[f"metrics-{i}-planned-{j}"] = _text(m.planned[j] if j < len(m.planned) else None)
    a = plan.ambition
    for name in ("baseline_admissions", "planned_reduction", "delayed_days_baseline", "delayed_days_reduction"):
        v[f"ambition-{name}"] = str(getattr(a, name))
    for q in range(len(year.performance.quarter_shares)):
        v[f"ambition-baseline_quarters-{q}"] = str(a.baseline_quarters[q]) if q < len(a.baseline_quarters) else ""
        v[f"ambition-planned_quarters-{q}"] = str(a.planned_quarters[q]) if q < len(a.planned_quarters) else ""
    v["ambition-performance_sum"] = str(a.performance_sum)
    answered = {c.id for c in plan.conditions}
    conditions = list(plan.conditions) + [ConditionConfirmation(c.id, None) for c in year.conditions
                                          if c.id not in answered]
    for i, c in enumerate(conditions):
        v |= {f"conditions-{i}-id": c.id, f"conditions-{i}-narrative": c.narrative,
              f"conditions-{i}-confirmed": {True: "yes", False: "no", None: ""}[c.confirmed]}
    counts = {"partners": len(plan.partners), "pools": len(plan.pools), "funding": len(plan.funding),
              "schemes": len(plan.schemes), "metrics": len(metrics), "conditions": len(conditions),
              "capacity": len(plan.capacity)}
    return FormState(v, counts)


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def state_from_form(form: Mapping[str, object]) -> FormState:
    """The typed values of a posted form (text only; anything else is ignored)."""
    values = {k: v.replace("\r\n", "\n")[:MAX_TEXT] for k, v in form.items() if isinstance(v, str)}
    counts: dict[str, int] = {}
    for table in (*ROW_TABLES, "metrics", "conditions"):
        raw = values.pop(f"{table}-count", "0")
        counts[table] = min(int(raw), MAX_ROWS) if raw.isdigit() else 0
    return FormState(values, counts)


# form state -> plan -------------------------------------------------------------------------
class _Reader:
    def __init__(self, state: FormState) -> None:
        self.state = state
        self.problems: list[Finding] = []

    def text(self, key: str) -> str:
        return self.state.get(key).strip()

    def money(self, key: str, path: str, what: str) -> Money:
        raw = self.text(key)
        if not raw:
            self.problems.append(error("FORM-REQUIRED", f"Enter {what} in pounds, like £1,234.56", field=path))
            return Money(0)
        try:
            return parse_money(raw)
        except InputError as exc:
            said = str(exc).replace(" (e.g. 1234.56)", "")
            self.problems.append(error("FORM-MONEY", f"{what}: {said}. Type pounds and pence, like £1,234.56",
                                       field=path))
            return Money(0)

    def count(self, key: str, path: str, what: str) -> int:
        raw = self.text(key).replace(",", "")
        if not raw:
            self.problems.append(error("FORM-REQUIRED", f"Enter {what} as a whole number", field=path))
            return 0
        if not _INT.match(raw) or len(raw) > 15:
            self.problems.append(error("FORM-NUMBER", f"{what}: '{self.text(key)}' is not a whole number",
                                       field=path))
            return 0
        return int(raw)

    def decimal(self, key: str, path: str, what: str) -> Decimal | None:
        raw = self.text(key).replace(",", "")
        if not raw:
            return None
        if not _DECIMAL.match(raw) or len(raw) > 30:
            self.problems.append(error("FORM-NUMBER", f"{what}: '{self.text(key)}' is not a number (e.g. 123.4)",
                                       field=path))
            return None
        return Decimal(raw)


def read_plan(state: FormState, base: Plan, year: ProgrammeYear) -> tuple[Plan | None, list[Finding]]:
    """The plan the form describes, or None and a finding beside every value that cannot be read."""
    r = _Reader(state)
    t = r.text
    partners = tuple(Partner(t(f"partners-{i}-code"), t(f"partners-{i}-name"), t(f"partners-{i}-kind"))
                     for i in range(state.counts.get("partners", 0)))
    pools = tuple(Pool(t(f"pools-{i}-id"), t(f"pools-{i}-name"), t(f"pools-{i}-host"), t(f"pools-{i}-manager"),
                       t(f"pools-{i}-model") or DEFAULT_MODEL, t(f"pools-{i}-governance") or DEFAULT_GOVERNANCE)
                  for i in range(state.counts.get("pools", 0)))
    funding = tuple(FundingLine(t(f"funding-{i}-contributor"), t(f"funding-{i}-stream"), t(f"funding-{i}-pool"),
                                r.money(f"funding-{i}-amount", f"funding[{i}].amount",
                                        f"Funding line {i + 1}'s amount"),
                                t(f"funding-{i}-plan_year") if two_years(year) else "")
                    for i in range(state.counts.get("funding", 0)))
    schemes = tuple(_scheme(r, i, year) for i in range(state.counts.get("schemes", 0)))
    capacity = tuple(
        CapacityLine(t(f"capacity-{i}-service"), t(f"capacity-{i}-plan_year"),
                     r.count(f"capacity-{i}-demand", f"capacity[{i}].demand", f"Capacity line {i + 1}'s demand"),
                     r.count(f"capacity-{i}-capacity", f"capacity[{i}].capacity",
                             f"Capacity line {i + 1}'s capacity"))
        for i in range(state.counts.get("capacity", 0)))
    metrics: list[MetricPlan] = []
    for i in range(state.counts.get("metrics", 0)):
        code = t(f"metrics-{i}-code")
        periods = metric_periods(metric_spec(year, code), int(p) if (p := t(f"metrics-{i}-periods")).isdigit() else 1,
                                 year)
        metrics.append(MetricPlan(
            code=code,
            baseline=r.decimal(f"metrics-{i}-baseline", f"metrics[{i}].baseline", f"{code} baseline"),
            planned=tuple(r.decimal(f"metrics-{i}-planned-{j}", f"metrics[{i}].planned[{j}]",
                                    f"{code} planned value {j + 1}") for j in range(min(periods, 12))),
            baseline_period=t(f"metrics-{i}-baseline_period"), local_name=t(f"metrics-{i}-local_name")))
    quarters = len(year.performance.quarter_shares)

    def counts(name: str, what: str) -> tuple[int, ...]:
        return tuple(r.count(f"ambition-{name}-{q}", f"ambition.{name}[{q}]", f"{what}, quarter {q + 1}")
                     for q in range(quarters))

    ambition = base.ambition if not has_ambition(year) else Ambition(
        baseline_admissions=r.count("ambition-baseline_admissions", "ambition.baseline_admissions",
                                    "Baseline admissions"),
        baseline_quarters=counts("baseline_quarters", "Baseline admissions"),
        planned_reduction=r.count("ambition-planned_reduction", "ambition.planned_reduction", "Planned reduction"),
        planned_quarters=counts("planned_quarters", "Planned reduction"),
        performance_sum=r.money("ambition-performance_sum", "ambition.performance_sum", "The performance sum"),
        delayed_days_baseline=r.count("ambition-delayed_days_baseline", "ambition.delayed_days_baseline",
                                      "Baseline delayed days"),
        delayed_days_reduction=r.count("ambition-delayed_days_reduction", "ambition.delayed_days_reduction",
                                       "Planned reduction in delayed days"),
    )
    conditions = tuple(
        ConditionConfirmation(t(f"conditions-{i}-id"),
                              {"yes": True, "no": False}.get(t(f"conditions-{i}-confirmed")),
                              state.get(f"conditions-{i}-narrative").strip())
        for i in range(state.counts.get("conditions", 0)))
    if r.problems:
        return None, r.problems
    plan = replace(base, partners=partners, pools=pools, funding=funding, schemes=schemes, metrics=tuple(metrics),
                   ambition=ambition, conditions=conditions, narrative=state.get("narrative").strip(),
                   capacity=capacity)
    return plan, []


def _scheme(r: _Reader, i: int, year: ProgrammeYear) -> Scheme:
    """A scheme from its row; in a two-year plan its amount is the sum of its plan years' spend."""
    t = r.text
    what = f"Scheme {t(f'schemes-{i}-ref') or i + 1}'s"
    amounts: tuple[tuple[str, Money], ...] = ()
    if two_years(year):
        amounts = tuple((label, r.money(f"schemes-{i}-amounts-{j}", f"schemes[{i}].amounts[{j}]",
                                        f"{what} spend in {label}")) for j, label in enumerate(year.plan_years))
        amount = Money(sum(m.pence for _, m in amounts))
    else:
        amount = r.money(f"schemes-{i}-amount", f"schemes[{i}].amount", f"{what} amount")
    return Scheme(ref=t(f"schemes-{i}-ref"), name=t(f"schemes-{i}-name"), scheme_type=t(f"schemes-{i}-scheme_type"),
                  area_of_spend=t(f"schemes-{i}-area_of_spend"), commissioner=t(f"schemes-{i}-commissioner"),
                  provider=t(f"schemes-{i}-provider"), source=t(f"schemes-{i}-source"), pool=t(f"schemes-{i}-pool"),
                  amount=amount, new=t(f"schemes-{i}-new") == "new", amounts=amounts)
