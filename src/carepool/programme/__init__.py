"""Programme years as data: load one, derive each area's minimums from it."""

from carepool.programme.load import available_programmes, load_programme, parse_programme
from carepool.programme.minimums import AreaMinimums, derive_minimums
from carepool.programme.model import (
    Condition,
    FundingStream,
    MetricSpec,
    PerformanceRules,
    ProgrammeYear,
    RingFence,
)

__all__ = [
    "AreaMinimums", "Condition", "FundingStream", "MetricSpec", "PerformanceRules",
    "ProgrammeYear", "RingFence", "available_programmes", "derive_minimums",
    "load_programme", "parse_programme",
]
