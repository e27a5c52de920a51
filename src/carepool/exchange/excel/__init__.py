"""The Excel planning workbook: write the template or a plan, read it back, locate findings.

``write_plan_workbook`` writes the template (``plan=None``) or a filled-in plan;
``read_plan_workbook`` reads one back, never raising for its content; ``locate`` points
validation findings at the cells their values came from; ``read_and_validate`` does all
three in the order the CLI needs.
"""

from carepool.exchange.excel.check import read_and_validate
from carepool.exchange.excel.layout import TEMPLATE_ID
from carepool.exchange.excel.locate import locate
from carepool.exchange.excel.reader import WorkbookRead, read_plan_workbook
from carepool.exchange.excel.writer import write_plan_workbook

__all__ = [
    "TEMPLATE_ID", "WorkbookRead", "locate", "read_and_validate", "read_plan_workbook", "write_plan_workbook",
]
