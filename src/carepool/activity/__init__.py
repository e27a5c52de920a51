"""Person-level activity datasets: schemas, row checks, load reports, synthetic generator."""

from carepool.activity.report import LoadReport
from carepool.activity.schemas import DATASETS, Column, Schema, schema

__all__ = ["DATASETS", "Column", "LoadReport", "Schema", "schema"]
