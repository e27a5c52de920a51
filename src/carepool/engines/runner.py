"""Run the metric pipeline on any backend: register datasets, create each step, fetch results.

A backend needs four verbs (``Backend``); DuckDB and Spark each provide them in their own
module, so the metric SQL and this runner are shared and the results can be compared row by
row. Datasets are the Parquet folders ``<data>/<dataset>/*.parquet``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from carepool.errors import InputError
from carepool.metrics.definitions import STANDARD, MetricDefinition
from carepool.metrics.dialect import Dialect
from carepool.metrics.sql import GRAINS, POPULATION, metric_steps, union_step

RESULT_SCHEMA = pa.schema([
    ("metric", pa.string()), ("grain", pa.string()), ("period", pa.string()),
    ("area_code", pa.string()), ("numerator", pa.int64()), ("denominator", pa.int64()),
    ("value", pa.float64()), ("unit", pa.string()),
])


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


def available(data_dir: str | Path, metrics: Iterable[MetricDefinition]) -> list[MetricDefinition]:
    """The metrics whose dataset (and population, when needed) are present."""
    has_population = bool(dataset_files(data_dir, POPULATION))
    return [m for m in metrics if dataset_files(data_dir, m.dataset)
            and (m.population_band is None or has_population)]


def run(backend: Backend, data_dir: str | Path,
        metrics: Sequence[MetricDefinition] = STANDARD,
        grains: tuple[str, ...] = GRAINS) -> pa.Table:
    """Every metric that has data, at every grain, per area and England, as one Arrow table."""
    chosen = available(data_dir, metrics)
    if not chosen:
        raise InputError("no dataset for any metric found (expected <dataset>/*.parquet folders)",
                         where=str(data_dir))
    needed = {m.dataset for m in chosen} | ({POPULATION} if any(m.population_band for m in chosen) else set())
    for name in sorted(needed):
        backend.register_parquet(name, dataset_files(data_dir, name))
    outputs: list[str] = []
    for metric in chosen:
        for step in metric_steps(metric, backend.dialect):
            backend.create_view(step.output, step.sql, step.materialize)
        outputs.append(step.output)
    final = union_step(outputs, grains)
    rows = backend.fetch(final.sql)
    columns: list[list[object]] = [[row[i] for row in rows] for i in range(len(RESULT_SCHEMA))]
    return pa.table([pa.array(col, type=f.type) for col, f in zip(columns, RESULT_SCHEMA, strict=True)],
                    schema=RESULT_SCHEMA)
