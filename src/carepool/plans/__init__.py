"""Joint plans: the model, its exact serialisation, validation, and the plan lifecycle."""

from carepool.plans.model import (
    Ambition,
    ConditionConfirmation,
    FundingLine,
    MetricPlan,
    Partner,
    Plan,
    Pool,
    Scheme,
    SignOff,
)
from carepool.plans.serialise import plan_from_dict, plan_to_dict

__all__ = [
    "Ambition", "ConditionConfirmation", "FundingLine", "MetricPlan", "Partner", "Plan",
    "Pool", "Scheme", "SignOff", "plan_from_dict", "plan_to_dict",
]
