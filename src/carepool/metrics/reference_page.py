"""The metrics reference page (``metrics/REFERENCE.md``), rendered from the definitions themselves.

A test checks the shipped page equals this rendering, so the page cannot drift from the SQL.
Regenerate with ``python -m carepool.metrics.reference_page > src/carepool/metrics/REFERENCE.md``.
"""

from __future__ import annotations

from carepool.metrics.codelists import all_lists, esp2013
from carepool.metrics.current import ALL
from carepool.metrics.definitions import UNAVAILABLE, MetricDefinition
from carepool.metrics.ids import measured_today
from carepool.programme import ProgrammeYear, available_programmes, load_programme

_INTERVALS = {
    "byar": "Byar's method for 10 or more events, exact Poisson below 10 (crude rate)",
    "dobson": "Dobson's method on Byar / exact limits of the total count (directly standardised rate)",
    "wilson": "Wilson's score interval (proportion)",
    "mean": "normal approximation from the sum of squares (mean)",
    "none": "none",
}


def _denominator(m: MetricDefinition) -> str:
    if m.population_band is None:
        return f"rows: sum of `{m.denominator}` over the rows that pass the filter"
    band = {"all_ages": "all ages", "18_plus": "aged 18+", "65_plus": "aged 65+"}[m.population_band]
    return f"mid-year population {band} of the financial year (ONS; see the population `basis`)"


def _years() -> list[ProgrammeYear]:
    return [load_programme(y) for y in available_programmes()]


def _used_in(code: str, years: list[ProgrammeYear]) -> str:
    named = [y.id for y in years if any(m.code == code for m in y.metrics)]
    return ", ".join(f"`{y}`" for y in named) if named else "none (computed for analysis only)"


def _returns(years: list[ProgrammeYear]) -> list[str]:
    """How each year's returns report its metrics."""
    out = ["## Metrics in plans and returns", "",
           "Each programme year names its metric set (`src/carepool/programme/years/`). A plan sets a goal for",
           "each (four quarterly values or one per plan year). From 2021-22 the quarterly returns and one",
           "end-of-year return per financial year report every metric of the year's set: the plan's goal for",
           "the period (a yearly rate goal is a quarter of itself a quarter, since quarters are not",
           "annualised; percentages and days as they are), the actual (the engine's figure from person-level",
           "data where a metrics file is loaded, marked `engine`, with the interval above; else the area's",
           "figure, marked `entered`, with no interval), on track or not, and a narrative (needed when not",
           "on track). `reablement_91` is measured on the October-December cohort at 91 days, so its figure",
           "is asked for in the end-of-year return only. 2015-era returns report the quarter's non-elective",
           "admissions (BCF1's count, which carries payment for performance in 2015-16) and delayed transfer",
           "of care days instead. The national team collects a period's metrics with",
           "`carepool returns collect`.", "",
           "| programme year | metrics | returns report |", "|---|---|---|"]
    for y in years:
        codes = ", ".join(f"`{m.code}`" + (" (unavailable)" if m.status == "unavailable" else "")
                          for m in y.metrics) or "none"
        if not y.plans_required:
            how = "no plans or quarterly returns (end-of-year reconciliation of the streams only)"
        elif measured_today((m.code for m in y.metrics), y.start.year):
            how = ("quarterly and end-of-year: goal, actual (engine or entered), interval, on track, narrative"
                   if y.metrics else "quarterly and end-of-year, with no metrics until the year's set is known")
        else:
            how = "quarterly: non-elective admissions and delayed transfer of care days"
        out.append(f"| `{y.id}` | {codes} | {how} |")
    return [*out, ""]


def _metric(m: MetricDefinition, years: list[ProgrammeYear] | None = None) -> list[str]:
    lines = [f"### `{m.code}`: {m.title}", "",
             f"- **Dataset**: `{m.dataset}`, placed in time by `{m.date_column}`",
             f"- **Rows counted**: `{m.where}`" if len(m.where) < 200 else
             "- **Rows counted**: see the code lists below (the SQL filter is built from them)",
             f"- **Numerator**: sum of `{m.numerator}`",
             f"- **Denominator**: {_denominator(m)}",
             f"- **Unit**: {m.unit} (scale {m.scale:,})"]
    if m.standardisation == "esp2013":
        lines.append(f"- **Standardisation**: direct, 2013 European Standard Population, bands from {m.min_age}")
    lines.append(f"- **Interval**: {_INTERVALS[m.interval]}")
    if m.codelists:
        lines.append(f"- **Code lists**: {', '.join(f'`{c}`' for c in m.codelists)}")
    lines.append(f"- **Source**: {m.source}")
    if m.notes:
        lines.append(f"- **Notes**: {m.notes}")
    if years is not None:
        lines.append(f"- **Programme years (plans and returns)**: {_used_in(m.code, years)}")
    return [*lines, ""]


def render() -> str:
    """The whole page as Markdown."""
    out = ["# BCF metrics reference", "",
           "Generated from `carepool.metrics` by `python -m carepool.metrics.reference_page`; do not edit by",
           "hand. Every metric is computed per HWB area and for England (the sum of areas), by calendar month,",
           "financial quarter and financial year, on DuckDB or Spark with identical results. Months and",
           "quarters are divided by the population of their financial year (not annualised).", "",
           "## Metrics", ""]
    years = _years()
    for m in ALL:
        out += _metric(m, years)
    out += ["## Unavailable", ""]
    for u in UNAVAILABLE.values():
        out += [f"### `{u.code}`: {u.title}", "", f"- **Why**: {u.reason}", f"- **Source**: {u.source}",
                f"- **Programme years**: {_used_in(u.code, years)}, marked `status: unavailable` there; a "
                "plan may set a local goal, and no return computes it", ""]
    out += _returns(years)
    out += ["## Code lists", "", "| list | version | status | source |", "|---|---|---|---|"]
    for c in all_lists().values():
        out.append(f"| `{c.name}` | {c.version} | {c.status} | [{c.source_title}]({c.source_url}) |")
    out += ["", "Codes and notes for each list are in `metrics/data/codes.csv` and `lists.csv`.", "",
            "## 2013 European Standard Population", "",
            "| band | weight |", "|---|---|"]
    out += [f"| {b.label} | {b.weight:,} |" for b in esp2013()]
    out += ["", "Source: Eurostat, *Revision of the European Standard Population* (2013 edition, KS-RA-13-028).",
            "Interval methods follow the OHID/PHE public health technical guidance (Fingertips).", ""]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
