"""Read a workbook and, when it yields a plan, validate it with findings placed on cells.

The one sequence the CLI, the web and the tests share: read -> validate -> locate, so
"carepool plan validate FILE" and "carepool plan import FILE" report the same findings.
"""

from __future__ import annotations

from pathlib import Path

from carepool.exchange.excel.locate import locate
from carepool.exchange.excel.reader import WorkbookRead, read_plan_workbook
from carepool.findings import Finding
from carepool.plans.validate import validate_plan
from carepool.reference.model import ReferenceData


def read_and_validate(path: Path, *, ref: ReferenceData, stage: str = "draft") -> tuple[WorkbookRead, list[Finding]]:
    """The read result and every finding: reading problems, then located validation findings."""
    path = Path(path)
    read = read_plan_workbook(path, ref=ref)
    findings = list(read.findings)
    if read.plan is not None and read.year is not None:
        findings += locate(validate_plan(read.plan, read.year, ref, stage=stage), read.cells, path.name)
    return read, findings
