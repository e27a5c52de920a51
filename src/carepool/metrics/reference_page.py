"""The metrics reference page (``metrics/REFERENCE.md``), rendered from the definitions themselves.

A test checks the shipped page equals this rendering, so the page cannot drift from the SQL.
Regenerate with ``python -m carepool.metrics.reference_page > src/carepool/metrics/REFERENCE.md``.
"""

from __future__ import annotations

from carepool.metrics.codelists import all_lists, esp2013
from carepool.metrics.current import ALL
from carepool.metrics.definitions import UNAVAILABLE, MetricDefinition

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


def _metric(m: MetricDefinition) -> list[str]:
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
    return [*lines, ""]


def render() -> str:
    """The whole page as Markdown."""
    out = ["# BCF metrics reference", "",
           "Generated from `carepool.metrics` by `python -m carepool.metrics.reference_page`; do not edit by",
           "hand. Every metric is computed per HWB area and for England (the sum of areas), by calendar month,",
           "financial quarter and financial year, on DuckDB or Spark with identical results. Months and",
           "quarters are divided by the population of their financial year (not annualised).", "",
           "## Metrics", ""]
    for m in ALL:
        out += _metric(m)
    out += ["## Unavailable", ""]
    for u in UNAVAILABLE.values():
        out += [f"### `{u.code}`: {u.title}", "", f"- **Why**: {u.reason}", f"- **Source**: {u.source}", ""]
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
