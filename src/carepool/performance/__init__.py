"""Payment for performance (2015-16) and the local risk share (2016-17), as pure calculations.

``assess_quarter`` applies a year's rules to one area's quarter; ``quarter_transaction`` and
``hold_back_transaction`` turn the results into ledger transactions; ``parse_admissions``
reads quarterly emergency admissions (from a file now, from the metrics engine later: both
give ``{(area_code, quarter): admissions}``).
"""

from carepool.performance.admissions import Admissions, parse_admissions
from carepool.performance.payment import (
    QuarterOutcome,
    assess_quarter,
    out_of_hospital_parts,
    plan_quarter_shares,
    quarter_shares,
    sum_at_risk,
)
from carepool.performance.postings import hold_back_transaction, performance_pool, quarter_transaction

__all__ = [
    "Admissions", "QuarterOutcome", "assess_quarter", "hold_back_transaction", "out_of_hospital_parts",
    "parse_admissions", "performance_pool", "plan_quarter_shares", "quarter_shares", "quarter_transaction",
    "sum_at_risk",
]
