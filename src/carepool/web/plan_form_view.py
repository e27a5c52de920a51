"""The plan edit form as the template shows it: sections, rows and fields, each with its findings.

``build_view`` lays out a ``plan_form.FormState`` (the text as typed) for the template; every
finding goes beside the field its path names (``dom_id``), or beside the nearest row or group,
and the error summary lists them in page order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from carepool.findings import Finding, Severity
from carepool.plans.model import DEFAULT_GOVERNANCE, DEFAULT_MODEL
from carepool.programme.model import ProgrammeYear
from carepool.web.plan_form import (
    AMBITION_COUNTS,
    DELAYS,
    KINDS,
    LAST_PART,
    NOUNS,
    ROW_TABLES,
    FormState,
    columns_for,
    dom_id,
    has_ambition,
    metric_periods,
    metric_spec,
    two_years,
)


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
            trimmed = LAST_PART.sub("", path)
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
        "plan_years": [(y, y) for y in year.plan_years],
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
                          "stream by stream" + (", in each plan year." if two_years(year) else ".")),
              "capacity": ("Intermediate care capacity and demand",
                           "For each service and plan year: the people expected to need it and the places "
                           "planned. A gap between them needs saying how it is met.")}
    if two_years(year):
        titles["funding"] = (titles["funding"][0], titles["funding"][1] + " Each line names its plan year.")
    for table in ROW_TABLES:
        if table == "capacity" and not (year.capacity_and_demand or n.get("capacity", 0)):
            continue
        columns = columns_for(table, year)
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
        if rows and rows[0].fields:
            view.index.setdefault(table, rows[0].fields[0])   # findings about the whole table

    metric_rows: list[RowView] = []
    for i in range(n.get("metrics", 0)):
        code = get(f"metrics-{i}-code")
        spec = metric_spec(year, code)
        periods = metric_periods(spec, int(p) if (p := get(f"metrics-{i}-periods")).isdigit() else 1, year)
        view.hidden |= {f"metrics-{i}-code": code, f"metrics-{i}-periods": str(periods)}
        fields = [FieldView(f"metrics-{i}-baseline", "Baseline", "number", get(f"metrics-{i}-baseline"),
                            width="nhsuk-input--width-10"),
                  FieldView(f"metrics-{i}-baseline_period", "Baseline period", "text",
                            get(f"metrics-{i}-baseline_period"), width="nhsuk-input--width-10")]
        for j in range(min(periods, 12)):
            label = f"Planned, quarter {j + 1}" if periods == 4 else ("Planned for the year" if periods == 1
                                                                      else f"Goal for {year.plan_years[j]}"
                                                                      if periods == len(year.plan_years)
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

    if has_ambition(year):
        _ambition(view, state, year, register)
    _conditions(view, state, year, register)
    return view


def _ambition(view: FormView, state: FormState, year: ProgrammeYear, register: Callable[[RowView], RowView]) -> None:
    get = state.get
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


def _conditions(view: FormView, state: FormState, year: ProgrammeYear,
                register: Callable[[RowView], RowView]) -> None:
    get, n = state.get, state.counts

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
