"""Spark backend for the metric pipeline: the same SQL as DuckDB, at national scale.

``master`` is any Spark master URL ("local[2]" for tests, "spark://host:7077" or "yarn" for
a cluster); an existing SparkSession can be passed instead. Results are collected to the
driver (they are small: one row per metric, grain, period and area).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from carepool.engines import runner
from carepool.errors import ConfigurationError, InputError
from carepool.metrics.current import ALL
from carepool.metrics.definitions import MetricDefinition
from carepool.metrics.dialect import SPARK, Dialect
from carepool.metrics.sql import GRAINS


def session(master: str = "local[2]", app_name: str = "carepool-metrics",
            shuffle_partitions: int = 8, driver_memory: str | None = None) -> Any:
    """A SparkSession for ``master`` with a small shuffle and no UI (reused if already running)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigurationError("PySpark is not installed: pip install 'carepool[spark]'") from exc
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
               .config("spark.sql.session.timeZone", "UTC"))
    if driver_memory:
        builder = builder.config("spark.driver.memory", driver_memory)
    jar = _splink_similarity_jar()
    if jar:
        builder = builder.config("spark.jars", jar)
    return builder.getOrCreate()


def _splink_similarity_jar() -> str | None:
    """Splink's string-similarity UDF jar, when Splink is installed.

    A process has one SparkSession and the first builder's jars are the ones it gets, so the
    metrics session carries Splink's jar too: record linkage can then share the session.
    """
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        return None
    return str(similarity_jar_location())


class SparkBackend:
    """Temp views in a SparkSession."""

    dialect: Dialect = SPARK

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self.cached: list[Any] = []

    def register_parquet(self, name: str, files: list[str]) -> None:
        self.spark.read.parquet(*files).createOrReplaceTempView(name)

    def create_view(self, name: str, sql: str, materialize: bool = False) -> None:
        frame = self.spark.sql(sql)
        if materialize:
            frame = frame.cache()
            self.cached.append(frame)
        frame.createOrReplaceTempView(name)

    def fetch(self, sql: str) -> list[tuple[object, ...]]:
        return [tuple(row) for row in self.spark.sql(sql).collect()]

    def close(self) -> None:
        """Free the cached intermediate tables (the session itself belongs to the caller)."""
        for frame in self.cached:
            frame.unpersist()
        self.cached.clear()


def compute(data_dir: str | Path, metrics: Sequence[MetricDefinition] = ALL,
            grains: tuple[str, ...] = GRAINS, *, master: str = "local[2]",
            spark: Any | None = None) -> pa.Table:
    """Metrics on Spark, as the same Arrow table the DuckDB engine returns."""
    backend = SparkBackend(spark if spark is not None else session(master))
    try:
        return runner.run(backend, data_dir, metrics, grains)
    except Exception as exc:
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            raise InputError(f"Spark could not compute the metrics: {exc}", where=str(data_dir)) from exc
        raise
    finally:
        backend.close()
