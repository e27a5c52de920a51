"""Metric SQL as a pipeline of steps, each returning its SQL and its output view (splink style).

The SQL uses only what DuckDB and Spark SQL share (year(), month(), concat, lpad, CASE,
window-free GROUP BY, UNION ALL); the few spelling differences come from a ``Dialect``.
Periods are calendar months ("2015-04"), financial quarters ("2015Q1" = April-June 2015)
and financial years ("2015-16"). A month or quarter is divided by the mid-year population
of its financial year's first calendar year (2015-16 uses mid-2015), so monthly rates are
per month, not annualised. England (E92000001) is the sum over areas.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.metrics.definitions import MetricDefinition
from carepool.metrics.dialect import Dialect

ENGLAND = "E92000001"
GRAINS = ("month", "quarter", "year")
POPULATION = "population"
RESULT_COLUMNS = ("metric", "grain", "period", "area_code", "numerator", "denominator", "value", "unit")


@dataclass(frozen=True, slots=True)
class Step:
    """One SQL statement and the view it defines; ``materialize`` when later steps scan it often."""

    sql: str
    output: str
    materialize: bool = False


def literal(text: str) -> str:
    """A developer-written constant (metric code, band, unit) as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _view(metric: MetricDefinition, stage: str) -> str:
    return f"_m_{metric.code.lower()}_{stage}"


def monthly_step(metric: MetricDefinition) -> Step:
    """Events summed per area and calendar month."""
    date = metric.date_column
    den = metric.denominator or "0"
    sql = (
        f"SELECT area_code, year({date}) AS y, month({date}) AS m, "
        f"CAST(sum({metric.numerator}) AS BIGINT) AS numerator, "
        f"CAST(sum({den}) AS BIGINT) AS row_denominator "
        f"FROM {metric.dataset} WHERE ({metric.where}) AND {date} IS NOT NULL "
        f"GROUP BY area_code, year({date}), month({date})"
    )
    return Step(sql, _view(metric, "monthly"), materialize=True)


def periods_step(metric: MetricDefinition, dialect: Dialect, source: str) -> Step:
    """Months rolled up to each grain, per area and for England."""
    t = dialect.as_text
    fy = "CASE WHEN m >= 4 THEN y ELSE y - 1 END"
    quarter = "CASE WHEN m BETWEEN 4 AND 6 THEN 1 WHEN m BETWEEN 7 AND 9 THEN 2 WHEN m >= 10 THEN 3 ELSE 4 END"
    labels = {
        "month": f"concat({t('y')}, '-', lpad({t('m')}, 2, '0'))",
        "quarter": f"concat({t('fy')}, 'Q', {t(quarter)})",
        "year": f"concat({t('fy')}, '-', lpad({t('(fy + 1) % 100')}, 2, '0'))",
    }
    base = f"(SELECT area_code, y, m, {fy} AS fy, numerator, row_denominator FROM {source})"
    arms = " UNION ALL ".join(
        f"SELECT '{grain}' AS grain, {label} AS period, fy, area_code, numerator, row_denominator "
        f"FROM {base} b_{grain}" for grain, label in labels.items())
    by_area = (f"SELECT grain, period, fy, area_code, CAST(sum(numerator) AS BIGINT) AS numerator, "
               f"CAST(sum(row_denominator) AS BIGINT) AS row_denominator FROM ({arms}) a "
               f"GROUP BY grain, period, fy, area_code")
    sql = (f"SELECT * FROM ({by_area}) p UNION ALL "
           f"SELECT grain, period, fy, {literal(ENGLAND)} AS area_code, "
           f"CAST(sum(numerator) AS BIGINT), CAST(sum(row_denominator) AS BIGINT) "
           f"FROM ({by_area}) e GROUP BY grain, period, fy")
    return Step(sql, _view(metric, "periods"))


def rates_step(metric: MetricDefinition, source: str) -> Step:
    """Numerator, denominator and the rate, in the result's column order."""
    if metric.population_band is not None:
        band = literal(metric.population_band)
        pop = (f"SELECT area_code, year, population FROM {POPULATION} WHERE age_band = {band} "
               f"UNION ALL SELECT {literal(ENGLAND)}, year, CAST(sum(population) AS BIGINT) "
               f"FROM {POPULATION} WHERE age_band = {band} GROUP BY year")
        frm = (f"{source} p LEFT JOIN ({pop}) d ON d.area_code = p.area_code AND d.year = p.fy")
        den = "CAST(d.population AS BIGINT)"
    else:
        frm = f"{source} p"
        den = "p.row_denominator"
    sql = (
        f"SELECT {literal(metric.code)} AS metric, p.grain, p.period, p.area_code, p.numerator, "
        f"{den} AS denominator, "
        f"CASE WHEN {den} > 0 THEN CAST(p.numerator AS DOUBLE) * {int(metric.scale)} / {den} END AS value, "
        f"{literal(metric.unit)} AS unit FROM {frm}"
    )
    return Step(sql, _view(metric, "rates"))


def metric_steps(metric: MetricDefinition, dialect: Dialect) -> list[Step]:
    """The steps for one metric; the last step's view holds its result rows."""
    monthly = monthly_step(metric)
    periods = periods_step(metric, dialect, monthly.output)
    return [monthly, periods, rates_step(metric, periods.output)]


def union_step(outputs: list[str], grains: tuple[str, ...] = GRAINS) -> Step:
    """All metric results together, restricted to the grains asked for, in a stable order."""
    marks = ", ".join(literal(g) for g in grains)
    body = " UNION ALL ".join(f"SELECT * FROM {name}" for name in outputs)
    columns = ", ".join(RESULT_COLUMNS)
    sql = (f"SELECT {columns} FROM ({body}) u WHERE grain IN ({marks}) "
           f"ORDER BY metric, grain, area_code, period")
    return Step(sql, "_m_results")
