"""What every rule may consult besides the plan itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from carepool.findings import Finding
from carepool.plans.model import Plan
from carepool.programme.minimums import AreaMinimums
from carepool.programme.model import ProgrammeYear
from carepool.reference.allocations import PublishedAllocation
from carepool.reference.model import ReferenceData

STAGES = ("draft", "submission")


@dataclass(frozen=True)
class RuleContext:
    year: ProgrammeYear
    ref: ReferenceData
    minimums: AreaMinimums | None   # None when the area is unknown
    stage: str = "draft"            # "submission" also requires sign-offs
    published: tuple[PublishedAllocation, ...] = ()  # published minimums that bind this plan's partners


Rule = Callable[[Plan, RuleContext], list[Finding]]
