"""Run the metric pipeline on any backend: register datasets, create each step, fetch results.

A backend needs four verbs (``Backend``); DuckDB and Spark each provide them in their own
module, so the metric SQL and this runner are shared and the results can be compared row by
row. Datasets are the Parquet folders ``<data>/<dataset>/*.parquet``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from carepool.activity.schemas import schema
from carepool.errors import InputError, NotFound
from carepool.metrics.current import ALL
from carepool.metrics.definitions import MetricDefinition
from carepool.metrics.dialect import Dialect
from carepool.metrics.results import RESULT_COLUMNS, Counts, metric_rows, sort_key, with_england
from carepool.metrics.sql import GRAINS, POPULATION, counts_query, metric_steps, population_query

RESULT_SCHEMA = pa.schema([
    ("metric", pa.string()), ("grain", pa.string()), ("period", pa.string()),
    ("area_code", pa.string()), ("numerator", pa.int64()), ("denominator", pa.int64()),
    ("value", pa.float64()), ("unit", pa.string()), ("lower", pa.float64()), ("upper", pa.float64()),
    ("interval", pa.string()),
])
assert tuple(RESULT_SCHEMA.names) == RESULT_COLUMNS


class Backend(Protocol):
    dialect: Dialect

    def register_parquet(self, name: str, files: list[str]) -> None: ...

    def create_view(self, name: str, sql: str, materialize: bool = False) -> None: ...

    def fetch(self, sql: str) -> list[tuple[object, ...]]: ...


def dataset_files(data_dir: str | Path, dataset: str) -> list[str]:
    """The Parquet files of a dataset (a folder of parts, or one ``<dataset>.parquet``)."""
    root = Path(data_dir)
    folder = root / dataset
    files = sorted(str(p) for p in folder.glob("*.parquet")) if folder.is_dir() else []
    single = root / f"{dataset}.parquet"
    if not files and single.exists():
        files = [str(single)]
    return files


def _columns(files: list[str]) -> set[str]:
    return set(pq.read_schema(files[0]).names) if files else set()


def columns_used(metric: MetricDefinition) -> set[str]:
    """The dataset columns a metric's SQL reads (names of its schema's columns that appear)."""
    text = " ".join((metric.date_column, metric.numerator, metric.where, metric.denominator or "",
                     metric.sum_squares or "", "age" if metric.standardisation != "none" else ""))
    words = set(re.findall(r"[a-z_][a-z0-9_]*", text))
    try:
        names = set(schema(metric.dataset).names)
    except NotFound:
        return {metric.date_column}
    return (words & names) | {"area_code"}


def available(data_dir: str | Path, metrics: Iterable[MetricDefinition]) -> list[MetricDefinition]:
    """The metrics whose dataset holds every column they read (and population, when needed).

    Files written before a column was added (an older synthetic folder) still give every metric
    they can; the others are left out rather than failing the run."""
    has_population = bool(dataset_files(data_dir, POPULATION))
    found: dict[str, set[str]] = {}
    chosen = []
    for m in metrics:
        if m.dataset not in found:
            found[m.dataset] = _columns(dataset_files(data_dir, m.dataset))
        if found[m.dataset] and columns_used(m) <= found[m.dataset] and (m.population_band is None or has_population):
            chosen.append(m)
    return chosen


def run(backend: Backend, data_dir: str | Path,
        metrics: Sequence[MetricDefinition] = ALL,
        grains: tuple[str, ...] = GRAINS) -> pa.Table:
    """Every metric that has data, at every grain, per area and England, as one Arrow table."""
    chosen = available(data_dir, metrics)
    if not chosen:
        raise InputError("no dataset for any metric found (expected <dataset>/*.parquet folders)",
                         where=str(data_dir))
    needs_population = any(m.population_band for m in chosen)
    needed = {m.dataset for m in chosen} | ({POPULATION} if needs_population else set())
    for name in sorted(needed):
        backend.register_parquet(name, dataset_files(data_dir, name))
    populations = with_england(
        (str(a), int(y), str(b), int(p))  # type: ignore[call-overload]
        for a, y, b, p in backend.fetch(population_query())) if needs_population else {}
    rows: list[dict[str, object]] = []
    for metric in chosen:
        steps = metric_steps(metric, backend.dialect, grains)
        for step in steps:
            backend.create_view(step.output, step.sql, step.materialize)
        counts = [Counts(str(g), str(p), int(fy), str(a), str(b), int(n), int(d), int(s))  # type: ignore[call-overload]
                  for g, p, fy, a, b, n, d, s in backend.fetch(counts_query(steps[-1].output))]
        rows.extend(metric_rows(metric, counts, populations))
    rows.sort(key=sort_key)
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
