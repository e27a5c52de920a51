"""Choose an engine by name; the entry points the CLI, the demo and other features call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from carepool.errors import ConfigurationError
from carepool.metrics.current import ALL
from carepool.metrics.definitions import BCF1, MetricDefinition
from carepool.metrics.sql import ENGLAND, GRAINS

ENGINES = ("duckdb", "spark")


def compute_metrics(data_dir: str | Path, engine: str = "duckdb",
                    metrics: Sequence[MetricDefinition] = ALL,
                    grains: tuple[str, ...] = GRAINS, *, master: str = "local[2]",
                    spark: Any | None = None) -> pa.Table:
    """Every defined metric the data allows, for every area and England at each grain."""
    if engine == "duckdb":
        from carepool.engines import duckdb_engine
        return duckdb_engine.compute(data_dir, metrics, grains)
    if engine == "spark":
        from carepool.engines import spark_engine
        return spark_engine.compute(data_dir, metrics, grains, master=master, spark=spark)
    raise ConfigurationError(f"unknown engine '{engine}' (choose {' or '.join(ENGINES)})")


def write_metrics(table: pa.Table, out: str | Path) -> Path:
    """Write a metrics table to Parquet (or CSV when the name ends .csv)."""
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".csv":
        import pyarrow.csv as pacsv
        pacsv.write_csv(table, str(target))
    else:
        pq.write_table(table, str(target))
    return target


def quarterly_emergency_admissions(data_dir: str | Path, engine: str = "duckdb",
                                   **engine_options: Any) -> dict[tuple[str, str], int]:
    """BCF1 counts per (area code, financial quarter such as "2015Q1"), England excluded.

    This is what payment for performance compares with each area's planned reduction.
    """
    table = compute_metrics(data_dir, engine, (BCF1,), ("quarter",), **engine_options)
    return {
        (area, period): int(n)
        for area, period, n in zip(table.column("area_code").to_pylist(),
                                   table.column("period").to_pylist(),
                                   table.column("numerator").to_pylist(), strict=True)
        if area != ENGLAND
    }
