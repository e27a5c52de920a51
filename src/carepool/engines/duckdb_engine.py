"""DuckDB backend for the metric pipeline (the default engine)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from carepool.activity.checks import quote
from carepool.engines import runner
from carepool.errors import InputError
from carepool.metrics.current import ALL
from carepool.metrics.definitions import MetricDefinition
from carepool.metrics.dialect import DUCKDB, Dialect
from carepool.metrics.sql import GRAINS


class DuckDBBackend:
    """Views over Parquet files in one in-process DuckDB connection."""

    dialect: Dialect = DUCKDB

    def __init__(self, threads: int | None = None) -> None:
        self.con = duckdb.connect()
        self.con.execute("SET enable_progress_bar = false")
        if threads:
            self.con.execute("SET threads = ?", [threads])

    def register_parquet(self, name: str, files: list[str]) -> None:
        self.con.read_parquet(files).create_view(name, replace=True)

    def create_view(self, name: str, sql: str, materialize: bool = False) -> None:
        kind = "TABLE" if materialize else "VIEW"
        self.con.execute(f"CREATE OR REPLACE TEMP {kind} {quote(name)} AS {sql}")

    def fetch(self, sql: str) -> list[tuple[object, ...]]:
        return self.con.execute(sql).fetchall()

    def fetch_arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()


def compute(data_dir: str | Path, metrics: Sequence[MetricDefinition] = ALL,
            grains: tuple[str, ...] = GRAINS, threads: int | None = None) -> pa.Table:
    """Metrics on DuckDB, as the Arrow table described in ``runner.RESULT_SCHEMA``."""
    backend = DuckDBBackend(threads)
    try:
        return runner.run(backend, data_dir, metrics, grains)
    except duckdb.Error as exc:
        raise InputError(f"DuckDB could not compute the metrics: {exc}", where=str(data_dir)) from exc
    finally:
        backend.close()
