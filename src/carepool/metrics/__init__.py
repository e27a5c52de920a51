"""BCF metric definitions (engine-neutral SQL); Making Data Count SPC lives in ``metrics.spc``."""

from carepool.metrics.definitions import (
    BCF1,
    BCF2,
    BCF3,
    BCF4,
    BCF5,
    STANDARD,
    MetricDefinition,
    local_metric,
)
from carepool.metrics.dialect import DUCKDB, SPARK, Dialect

__all__ = ["BCF1", "BCF2", "BCF3", "BCF4", "BCF5", "DUCKDB", "SPARK", "STANDARD", "Dialect",
           "MetricDefinition", "local_metric"]
