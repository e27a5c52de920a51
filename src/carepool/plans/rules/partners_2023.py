"""Partners of a plan on the 2023 geography: the council, the ICBs that serve the area, the HWB.

An area may span several ICBs (North Yorkshire: three). Which ICBs serve an area comes from
Census 2021 resident shares (carepool's derived weights), so a missing or unexpected ICB is
advice (a warning); an ICB code that does not exist, a CCG after 2022, or the wrong council is
an error.
"""

from __future__ import annotations

from carepool.errors import NotFound
from carepool.findings import Finding, error, warning
from carepool.plans.model import Plan, hwb_code
from carepool.plans.rules.context import RuleContext
from carepool.reference.load_geography import geography_2023

KINDS = ("icb", "la", "district", "hwb")


def listed_twice(plan: Plan) -> dict[int, Finding]:
    """PARTNER-UNIQUE for each partner (by position) whose code an earlier partner already has."""
    seen: set[str] = set()
    out: dict[int, Finding] = {}
    for i, p in enumerate(plan.partners):
        if p.code in seen:
            out[i] = error("PARTNER-UNIQUE", f"partner '{p.code}' is listed twice", field=f"partners[{i}].code")
        seen.add(p.code)
    return out


def council_and_board_named(plan: Plan, council: str) -> list[Finding]:
    """The plan names a council partner (called ``council`` in the message) and its Health and Wellbeing Board."""
    out: list[Finding] = []
    if not plan.partners_of_kind("la"):
        out.append(error("LA-PRESENT", f"the plan names no {council} partner", field="partners"))
    if not plan.partner(hwb_code(plan.area_code)) and not plan.partners_of_kind("hwb"):
        out.append(error("HWB-PRESENT", "the plan names no Health and Wellbeing Board", field="partners"))
    return out


def partners_2023(plan: Plan, ctx: RuleContext) -> list[Finding]:
    g = geography_2023()
    out: list[Finding] = []
    twice = listed_twice(plan)
    for i, p in enumerate(plan.partners):
        where = f"partners[{i}]"
        if i in twice:
            out.append(twice[i])
        if p.kind == "ccg":
            out.append(error("PARTNER-KIND", f"{ctx.year.name} has no CCGs (ICBs replaced them on 1 July 2022): "
                             f"name the ICB by its ODS code instead of '{p.code}'", field=f"{where}.kind"))
        elif p.kind == "icb":
            try:
                icb = g.icb(p.code)
            except NotFound as exc:
                out.append(error("ICB-KNOWN", str(exc), field=f"{where}.code"))
                continue
            if icb.ods_code != p.code:
                out.append(error("ICB-KNOWN", f"name the ICB by its ODS code {icb.ods_code}, not '{p.code}'",
                                 field=f"{where}.code"))
            elif plan.area_code in g.areas and all(s.icb_code != icb.code for s in g.icbs_for_area(plan.area_code)):
                out.append(warning("ICB-SERVES-AREA", f"{icb.name} serves none of this area's residents "
                                   "(Census 2021 shares, derived)", field=f"{where}.code"))
        elif p.kind == "la":
            if p.code != plan.area_code:
                out.append(error("LA-MATCH", f"council '{p.code}' is not the council of area {plan.area_code}"
                                 + (f"; {g.explain(p.code)}" if p.code in g.predecessors else ""),
                                 field=f"{where}.code"))
        elif p.kind not in KINDS:
            out.append(error("PARTNER-KIND", f"partner kind '{p.kind}' must be one of {', '.join(KINDS)}",
                             field=f"{where}.kind"))
    out += council_and_board_named(plan, "council")
    if not plan.partners_of_kind("icb"):
        out.append(error("ICB-PRESENT", "the plan names no ICB partner", field="partners"))
    for share in g.icbs_for_area(plan.area_code) if plan.area_code in g.areas else ():
        icb = g.icbs[share.icb_code]
        if icb.ods_code not in {p.code for p in plan.partners}:
            out.append(warning("ICB-PRESENT", f"{icb.name} ({icb.ods_code}) serves {float(share.area_share):.1%} "
                               "of the area's residents (Census 2021, derived) but is not a partner",
                               field="partners"))
    return out
