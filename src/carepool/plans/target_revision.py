"""The March 2015 target revision rule (``performance.min_revision_pp``; issue 12, defect 7).

NHS England's 20 March 2015 letter to HWB chairs with the BCF operationalisation guidance
("Better Care Fund: operationalisation guidance and non-elective admissions ambitions";
https://abcdocz.com/doc/1066509/appendix-3-cover-letter--bcf-operationalisation-guidance-) let an
HWB whose BCF admissions target was well above its CCG operating plan's move it closer, to keep
it credible: no change was expected where the BCF target was already within two percentage
points of the operating plan; a revision needed NHS England's approval (with ministers); and a
changed target had to be reflected in the payment-for-performance sum. carepool applies it to
a new version that changes the admissions ambition of the plan in force: the tolerance comes
from the programme file, the sum is checked by the PERFORMANCE-SUM rule on every version, and
the approval is the assurance of the new version.
"""

from __future__ import annotations

from decimal import Decimal

from carepool.findings import Finding, error, warning
from carepool.plans.model import Plan
from carepool.programme.model import ProgrammeYear

FIELD = "ambition.planned_reduction"


def check_revision(in_force: Plan, revised: Plan, programme: ProgrammeYear,
                   operating_plan_pct: Decimal) -> list[Finding]:
    """Every finding on ``revised`` as a revision of ``in_force``'s target (none when it is not one)."""
    rules = programme.performance
    before, after = in_force.ambition.ambition_pct, revised.ambition.ambition_pct
    if before == after or rules.scheme != "payment_for_performance" or rules.min_revision_pp <= 0:
        return []
    out: list[Finding] = []
    gap = before - operating_plan_pct
    if gap <= rules.min_revision_pp:
        out.append(error("TARGET-REVISION-WITHIN",
                         f"the assured target ({before}%) is within {rules.min_revision_pp} percentage points of "
                         f"the CCG operating plan's ({operating_plan_pct}%): no revision is expected",
                         field=FIELD))
    if not min(before, operating_plan_pct) <= after <= max(before, operating_plan_pct):
        out.append(error("TARGET-REVISION-DIRECTION",
                         f"a revised target moves from the assured {before}% towards the operating plan's "
                         f"{operating_plan_pct}%, not to {after}%", field=FIELD))
    if not out:
        out.append(warning("TARGET-REVISION-APPROVAL",
                           f"the target moves from {before}% to {after}%: subject to NHS England's approval in "
                           "consultation with ministers (the assurance of this version); the performance sum "
                           "follows the revised target", field=FIELD))
    return out
