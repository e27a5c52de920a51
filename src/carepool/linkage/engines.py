"""The Splink backend for a linkage run: DuckDB by default, Spark at national scale.

This is the one place that knows what differs between the engines (as splink's dialect
objects do for SQL); the rest of linkage asks for ``backend(engine)`` and works the same.
"""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from carepool.errors import ConfigurationError, InputError

ENGINES = ("duckdb", "spark")


def backend(engine: str = "duckdb", *, spark_session: Any = None) -> Any:
    """A Splink database API for ``engine``; Spark starts a local session unless given one."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        try:
            from splink import SparkAPI
        except ImportError as exc:
            raise ConfigurationError("engine 'spark' needs pyspark installed (carepool[spark])") from exc
        # persist, not checkpoint: a local session has no checkpoint directory to write to
        return SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark_session or local_spark(), break_lineage_method="persist")
    raise InputError(f"unknown engine '{engine}' (expected one of {', '.join(ENGINES)})")


def local_spark(cores: int = 2) -> Any:
    """A small local Spark session for linkage (shared per process)."""
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise ConfigurationError("engine 'spark' needs pyspark installed (carepool[spark])") from exc
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("carepool-linkage")
        .config("spark.jars", similarity_jar_location())  # Splink's Jaro-Winkler UDFs
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="carepool-spark-"))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
