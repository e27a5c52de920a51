"""The plan edit form: a plan to form values, posted values back to a plan, findings to fields.

Every form value is kept as the text the person typed (``FormState``), so a form sent back
with problems shows exactly what was typed. Findings name plan field paths
("schemes[2].amount"); ``dom_id`` is the ONE place that turns a path into a form id
("schemes-2-amount"), used both to name the inputs and to put each finding beside its field
(``FormView.field_for``, trimming the path from the right like the workbook's ``locate``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from carepool.errors import InputError
from carepool.findings import Finding, Severity, error
from carepool.money import Money, parse_money
from carepool.plans.model import (
    DEFAULT_GOVERNANCE,
    DEFAULT_MODEL,
    Ambition,
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
_LAST_PART = re.compile(r"(\[\d+\]|\.[A-Za-z_][A-Za-z0-9_]*)$")
_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
MAX_ROWS = 500    # per table: a form claiming more rows is cut to this many
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
    choices: str = ""           # for selects: which list (see FormView._choices)
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
                Column("amount", "Amount", "money", width="nhsuk-input--width-10")),
    "schemes": (Column("ref", "Reference", width="nhsuk-input--width-5"),
                Column("name", "Scheme name", width="nhsuk-input--width-30"),
                Column("scheme_type", "Scheme type", "select", "scheme_types"),
                Column("area_of_spend", "Area of spend", "select", "areas_of_spend"),
                Column("commissioner", "Commissioner", "select", "commissioners"),
                Column("provider", "Provider"),
                Column("source", "Funded from", "select", "streams"),
                Column("pool", "Pool", "select", "pools"),
                Column("amount", "Amount", "money", width="nhsuk-input--width-10"),
                Column("new", "New or existing scheme", "select", "new")),
}
NOUNS = {"partners": "partner", "pools": "pool", "funding": "funding line", "schemes": "scheme"}
KINDS = (("la", "Local authority"), ("ccg", "Clinical commissioning group"), ("hwb", "Health and Wellbeing Board"))
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


def _periods(spec: MetricSpec | None, planned: int) -> int:
    if spec is None:
        return max(planned, 1)
    return 4 if spec.frequency == "quarterly" else 1


def _spec(year: ProgrammeYear, code: str) -> MetricSpec | None:
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
              f"funding-{i}-pool": f.pool, f"funding-{i}-amount": str(f.amount)}
    for i, s in enumerate(plan.schemes):
        v |= {f"schemes-{i}-{k}": getattr(s, k) for k in ("ref", "name", "scheme_type", "area_of_spend",
                                                          "commissioner", "provider", "source", "pool")}
        v |= {f"schemes-{i}-amount": str(s.amount), f"schemes-{i}-new": "new" if s.new else "existing"}
    metrics = list(plan.metrics)
    metrics += [MetricPlan(m.code, None, ()) for m in year.metrics if plan.metric(m.code) is None]
    for i, m in enumerate(metrics):
        periods = _periods(_spec(year, m.code), len(m.planned))
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
              "schemes": len(plan.schemes), "metrics": len(metrics), "conditions": len(conditions)}
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
                                        f"Funding line {i + 1}'s amount"))
                    for i in range(state.counts.get("funding", 0)))
    schemes = tuple(
        Scheme(ref=t(f"schemes-{i}-ref"), name=t(f"schemes-{i}-name"), scheme_type=t(f"schemes-{i}-scheme_type"),
               area_of_spend=t(f"schemes-{i}-area_of_spend"), commissioner=t(f"schemes-{i}-commissioner"),
               provider=t(f"schemes-{i}-provider"), source=t(f"schemes-{i}-source"), pool=t(f"schemes-{i}-pool"),
               amount=r.money(f"schemes-{i}-amount", f"schemes[{i}].amount",
                              f"Scheme {t(f'schemes-{i}-ref') or i + 1}'s amount"),
               new=t(f"schemes-{i}-new") == "new")
        for i in range(state.counts.get("schemes", 0)))
    metrics: list[MetricPlan] = []
    for i in range(state.counts.get("metrics", 0)):
        code = t(f"metrics-{i}-code")
        periods = _periods(_spec(year, code), int(p) if (p := t(f"metrics-{i}-periods")).isdigit() else 1)
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

    ambition = Ambition(
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
                   ambition=ambition, conditions=conditions, narrative=state.get("narrative").strip())
    return plan, []


# the form as the template shows it ---------------------------------------------------------
@dataclass
class FieldView:
    id: str
    label: str
    kind: str                                  # text, money, number, select, textarea, radios, group
    value: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    width: str = ""
    hint: str = ""
    parts: list[FieldView] = field(default_factory=list)   # a group's inputs
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)         # warnings and information

    @property
    def anchor(self) -> str:
        """Where the error summary links: the field, or a group's first input."""
        return self.parts[0].id if self.parts else self.id

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-hint"] if self.hint else []
        ids += [f"{self.id}-error"] if self.errors else []
        ids += [f"{self.id}-note"] if self.notes else []
        return " ".join(ids)


@dataclass
class RowView:
    key: str                # e.g. "schemes-3"
    legend: str
    fields: list[FieldView]
    remove_label: str = ""  # set when the row can be removed


@dataclass
class SectionView:
    key: str
    title: str
    intro: str
    rows: list[RowView]
    add_label: str = ""     # set when rows can be added


@dataclass
class SummaryItem:
    message: str
    href: str | None        # "#field-id" when the finding is beside a field
    severity: str


@dataclass
class FormView:
    sections: list[SectionView]
    counts: dict[str, int]
    hidden: dict[str, str]
    errors: list[SummaryItem] = field(default_factory=list)
    others: list[SummaryItem] = field(default_factory=list)   # warnings and information
    index: dict[str, FieldView] = field(default_factory=dict)

    def field_for(self, path: str | None) -> FieldView | None:
        """The field a finding's path belongs beside: the path, else the nearest enclosing row or group."""
        while path:
            found = self.index.get(dom_id(path))
            if found is not None:
                return found
            trimmed = _LAST_PART.sub("", path)
            if trimmed == path:
                return None
            path = trimmed
        return None

    def attach(self, findings: list[Finding]) -> None:
        """Put each finding beside its field and in the summary (errors) or the notes list."""
        for f in findings:
            place = self.field_for(f.location.field)
            href = f"#{place.anchor}" if place is not None else None
            if f.severity is Severity.ERROR:
                if place is not None:
                    place.errors.append(f.message)
                self.errors.append(SummaryItem(f.message, href, f.severity.value))
            else:
                if place is not None:
                    place.notes.append(f"{f.severity.value.capitalize()}: {f.message}")
                self.others.append(SummaryItem(f.message, href, f.severity.value))
        # in the order of the fields on the page; findings about the plan as a whole come last
        order = {f"#{f.anchor}": i for i, f in enumerate(self.index.values())}
        self.errors.sort(key=lambda item: order.get(item.href or "", len(order)))
        self.others.sort(key=lambda item: order.get(item.href or "", len(order)))


def _options(choices: list[tuple[str, str]], value: str) -> list[tuple[str, str]]:
    """The list, with a blank choice for an empty value and the typed value kept when not in the list."""
    out = list(choices)
    if value and value not in {c for c, _ in choices}:
        out.append((value, f"{value} (not in the list)"))
    if not value:
        out.insert(0, ("", "Choose…"))
    return out


def build_view(state: FormState, year: ProgrammeYear) -> FormView:
    get = state.get
    n = state.counts
    lists: dict[str, list[tuple[str, str]]] = {
        "kinds": list(KINDS),
        "partners": [(c, f"{c} ({get(f'partners-{i}-name').strip() or 'no name'})")
                     for i in range(n.get("partners", 0)) if (c := get(f"partners-{i}-code").strip())],
        "pools": [(c, c) for i in range(n.get("pools", 0)) if (c := get(f"pools-{i}-id").strip())],
        "streams": [(s.id, f"{s.name} ({s.id})") for s in year.streams],
        "models": [(m, m) for m in (year.commissioning_models or (DEFAULT_MODEL,))],
        "governance": [(g, g) for g in (year.governance_forms or (DEFAULT_GOVERNANCE,))],
        "scheme_types": [(x, x) for x in year.scheme_types],
        "areas_of_spend": [(x, x) for x in year.areas_of_spend],
        "commissioners": [(x, x) for x in year.commissioners],
        "new": [("existing", "Existing scheme"), ("new", "New scheme")],
    }
    view = FormView(sections=[], counts=dict(n), hidden={})

    def register(row: RowView) -> RowView:
        for f in row.fields:
            view.index[f.id] = f
            for part in f.parts:
                view.index[part.id] = f
        if row.fields:
            view.index.setdefault(row.key, row.fields[0])
        return row

    about = FieldView("narrative", "What the plan will do, in a few paragraphs", "textarea", get("narrative"))
    view.sections.append(SectionView("about", "About the plan", "", [register(RowView("about", "", [about]))]))

    titles = {"partners": ("Partners", "The organisations party to the plan."),
              "pools": ("Pooled funds", "Each Section 75 pool, its host and its manager."),
              "funding": ("Contributions to the pools", "One line per contributor, funding stream and pool. "
                          "Type amounts in pounds, like £1,234.56."),
              "schemes": ("Schemes", "What the pools pay for. Each pool's schemes must spend its income exactly, "
                          "stream by stream.")}
    for table, columns in ROW_TABLES.items():
        rows: list[RowView] = []
        noun = NOUNS[table]
        for i in range(n.get(table, 0)):
            fields: list[FieldView] = []
            for col in columns:
                fid, value = f"{table}-{i}-{col.key}", get(f"{table}-{i}-{col.key}")
                if col.kind == "select":
                    fields.append(FieldView(fid, col.label, "select", value, _options(lists[col.choices], value)))
                else:
                    fields.append(FieldView(fid, col.label, col.kind, value, width=col.width))
            name = get(f"{table}-{i}-ref" if table == "schemes" else f"{table}-{i}-{columns[0].key}").strip()
            legend = f"{noun.capitalize()} {i + 1}" + (f" ({name})" if name and table != "funding" else "")
            rows.append(register(RowView(f"{table}-{i}", legend, fields, f"Remove {noun} {i + 1}")))
        title, intro = titles[table]
        view.sections.append(SectionView(table, title, intro, rows, f"Add a {noun}"))

    metric_rows: list[RowView] = []
    for i in range(n.get("metrics", 0)):
        code = get(f"metrics-{i}-code")
        spec = _spec(year, code)
        periods = _periods(spec, int(p) if (p := get(f"metrics-{i}-periods")).isdigit() else 1)
        view.hidden |= {f"metrics-{i}-code": code, f"metrics-{i}-periods": str(periods)}
        fields = [FieldView(f"metrics-{i}-baseline", "Baseline", "number", get(f"metrics-{i}-baseline"),
                            width="nhsuk-input--width-10"),
                  FieldView(f"metrics-{i}-baseline_period", "Baseline period", "text",
                            get(f"metrics-{i}-baseline_period"), width="nhsuk-input--width-10")]
        for j in range(min(periods, 12)):
            label = f"Planned, quarter {j + 1}" if periods == 4 else ("Planned for the year" if periods == 1
                                                                      else f"Planned, period {j + 1}")
            fields.append(FieldView(f"metrics-{i}-planned-{j}", label, "number", get(f"metrics-{i}-planned-{j}"),
                                    width="nhsuk-input--width-10"))
        if code == "BCF6" or get(f"metrics-{i}-local_name"):
            fields.append(FieldView(f"metrics-{i}-local_name", "The local metric the board chose", "text",
                                    get(f"metrics-{i}-local_name"), width="nhsuk-input--width-30"))
        legend = f"{code}: {spec.name}" if spec else f"{code} (not a metric of {year.name})"
        metric_rows.append(register(RowView(f"metrics-{i}", legend, fields)))
    view.sections.append(SectionView("metrics", "Metrics", "Each metric's baseline and what the plan aims for.",
                                     metric_rows))

    quarters = len(year.performance.quarter_shares)
    ambition: list[FieldView] = []
    for name, label in AMBITION_COUNTS:
        ambition.append(FieldView(f"ambition-{name}", label, "number", get(f"ambition-{name}"),
                                  width="nhsuk-input--width-10"))
        group_name = f"{name.split('_')[0]}_quarters"   # baseline_quarters, planned_quarters
        ambition.append(FieldView(
            f"ambition-{group_name}", f"{label.split(' (')[0]}, by quarter", "group",
            hint=f"The {quarters} quarters must add up to the whole year.",
            parts=[FieldView(f"ambition-{group_name}-{q}", f"Quarter {q + 1}", "number",
                             get(f"ambition-{group_name}-{q}"), width="nhsuk-input--width-5")
                   for q in range(quarters)]))
    ambition.append(FieldView("ambition-performance_sum", "Performance sum held at risk", "money",
                              get("ambition-performance_sum"), width="nhsuk-input--width-10",
                              hint="In pounds, like £1,234.56."))
    for name, label in DELAYS:
        ambition.append(FieldView(f"ambition-{name}", label, "number", get(f"ambition-{name}"),
                                  width="nhsuk-input--width-10"))
    view.sections.append(SectionView("ambition", "Emergency admissions ambition", "",
                                     [register(RowView("ambition", "", ambition))]))

    titles_of = {c.id: c.title for c in year.conditions}
    condition_rows: list[RowView] = []
    for i in range(n.get("conditions", 0)):
        cid = get(f"conditions-{i}-id")
        view.hidden[f"conditions-{i}-id"] = cid
        fields = [
            FieldView(f"conditions-{i}-confirmed", "Is the condition met?", "radios", get(f"conditions-{i}-confirmed"),
                      [("yes", "Yes"), ("no", "No, not yet")]),
            FieldView(f"conditions-{i}-narrative", "How it is met, or why not yet and by when", "textarea",
                      get(f"conditions-{i}-narrative")),
        ]
        legend = f"{cid}: {titles_of[cid]}" if cid in titles_of else f"{cid} (not a condition of {year.name})"
        condition_rows.append(register(RowView(f"conditions-{i}", legend, fields)))
    view.sections.append(SectionView("conditions", "National conditions", "", condition_rows))
    return view
