"""BCF metric definitions (engine-neutral SQL); Making Data Count SPC lives in ``metrics.spc``."""

from carepool.metrics.current import ALL, BY_ID, CURRENT, definition
from carepool.metrics.definitions import (
    BCF1,
    BCF2,
    BCF3,
    BCF4,
    STANDARD,
    UNAVAILABLE,
    MetricDefinition,
    UnavailableMetric,
    local_metric,
)
from carepool.metrics.dialect import DUCKDB, SPARK, Dialect

__all__ = ["ALL", "BCF1", "BCF2", "BCF3", "BCF4", "BY_ID", "CURRENT", "DUCKDB", "SPARK", "STANDARD",
           "UNAVAILABLE", "Dialect", "MetricDefinition", "UnavailableMetric", "definition", "local_metric"]
