"""Metric SQL as a pipeline of steps, each returning its SQL and its output view (splink style).

The SQL does the heavy part on any engine: it filters rows and sums the numerator, the row
denominator and (for means) the sum of squares per area, period and, for standardised rates, ESP
2013 age band. It uses only what DuckDB and Spark SQL share (year(), month(), concat, lpad, CASE,
GROUP BY, UNION ALL); the few spelling differences come from a ``Dialect``. Everything it returns
is an integer, so both engines return identical rows; ``metrics.results`` turns them into rates,
standardised rates and intervals. Periods are calendar months ("2015-04"), financial quarters
("2015Q1" = April-June 2015) and financial years ("2015-16"). England (E92000001) is the sum
over areas.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.metrics.codelists import esp_bands
from carepool.metrics.definitions import MetricDefinition
from carepool.metrics.dialect import Dialect

ENGLAND = "E92000001"
GRAINS = ("month", "quarter", "year")
POPULATION = "population"
COUNT_COLUMNS = ("grain", "period", "fy", "area_code", "age_band", "numerator", "row_denominator",
                 "sum_squares")


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


def band_expression(metric: MetricDefinition) -> str:
    """The age band a row falls in: an ESP 2013 band label, or the metric's population band."""
    if metric.standardisation == "esp2013":
        arms = " ".join(f"WHEN age BETWEEN {b.lower} AND {b.upper} THEN {literal(b.label)}"
                        for b in esp_bands(metric.min_age))
        return f"CASE {arms} END"
    return literal(metric.population_band or "rows")


def monthly_step(metric: MetricDefinition, dialect: Dialect) -> Step:
    """Events summed per area, calendar month and band."""
    date = metric.date_column
    den = metric.denominator or "0"
    squares = metric.sum_squares or "0"
    sql = dialect.render(
        f"SELECT area_code, year({date}) AS y, month({date}) AS m, {band_expression(metric)} AS age_band, "
        f"CAST(sum({metric.numerator}) AS BIGINT) AS numerator, "
        f"CAST(sum({den}) AS BIGINT) AS row_denominator, "
        f"CAST(sum({squares}) AS BIGINT) AS sum_squares "
        f"FROM {metric.dataset} WHERE ({metric.where}) AND {date} IS NOT NULL "
        f"GROUP BY 1, 2, 3, 4"
    )
    return Step(sql, _view(metric, "monthly"), materialize=True)


def periods_step(metric: MetricDefinition, dialect: Dialect, source: str,
                 grains: tuple[str, ...] = GRAINS) -> Step:
    """Months rolled up to each grain asked for, per area and for England."""
    t = dialect.as_text
    fy = "CASE WHEN m >= 4 THEN y ELSE y - 1 END"
    quarter = "CASE WHEN m BETWEEN 4 AND 6 THEN 1 WHEN m BETWEEN 7 AND 9 THEN 2 WHEN m >= 10 THEN 3 ELSE 4 END"
    labels = {
        "month": f"concat({t('y')}, '-', lpad({t('m')}, 2, '0'))",
        "quarter": f"concat({t('fy')}, 'Q', {t(quarter)})",
        "year": f"concat({t('fy')}, '-', lpad({t('(fy + 1) % 100')}, 2, '0'))",
    }
    sums = ("CAST(sum(numerator) AS BIGINT) AS numerator, CAST(sum(row_denominator) AS BIGINT) AS "
            "row_denominator, CAST(sum(sum_squares) AS BIGINT) AS sum_squares")
    base = f"(SELECT area_code, y, m, {fy} AS fy, age_band, numerator, row_denominator, sum_squares FROM {source})"
    arms = " UNION ALL ".join(
        f"SELECT '{grain}' AS grain, {labels[grain]} AS period, fy, area_code, age_band, numerator, "
        f"row_denominator, sum_squares FROM {base} b_{grain}" for grain in grains)
    by_area = f"SELECT grain, period, fy, area_code, age_band, {sums} FROM ({arms}) a GROUP BY 1, 2, 3, 4, 5"
    sql = (f"SELECT * FROM ({by_area}) p UNION ALL "
           f"SELECT grain, period, fy, {literal(ENGLAND)} AS area_code, age_band, {sums} "
           f"FROM ({by_area}) e GROUP BY grain, period, fy, age_band")
    return Step(sql, _view(metric, "periods"))


def metric_steps(metric: MetricDefinition, dialect: Dialect, grains: tuple[str, ...] = GRAINS) -> list[Step]:
    """The steps for one metric; the last step's view holds its counts (``COUNT_COLUMNS``)."""
    monthly = monthly_step(metric, dialect)
    return [monthly, periods_step(metric, dialect, monthly.output, grains)]


def counts_query(view: str) -> str:
    """The counts of a metric's last view, in a stable order."""
    return (f"SELECT {', '.join(COUNT_COLUMNS)} FROM {view} "
            "ORDER BY grain, area_code, period, age_band")


def population_query() -> str:
    return f"SELECT area_code, year, age_band, population FROM {POPULATION}"
