"""Write the planning workbook: the blank template for an area, or a plan filled in.

With ``plan=None`` it is the template the area fills in; with a plan it is the same
workbook holding that plan (what ``carepool plan export`` writes), and reading it back
gives an equal plan. Fixed cells are blue and locked, inputs yellow with drop-downs.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection

from carepool.errors import InputError
from carepool.exchange.excel import styles
from carepool.exchange.excel.areas import area_of
from carepool.exchange.excel.checklist import write_checklist
from carepool.exchange.excel.layout import (
    AMBITION,
    CAPACITY_TABLE,
    CHECKLIST,
    CONDITIONS_TABLE,
    COVER,
    FUNDING_TABLE,
    GUIDANCE,
    LISTS,
    METRICS,
    METRICS_TABLE,
    MINIMUMS,
    PARTNERS_TABLE,
    POOLS_TABLE,
    SCHEMES,
    SIGNOFF_TABLE,
    metrics_table,
    schemes_table,
    sheets_for,
)
from carepool.exchange.excel.lists import list_range
from carepool.exchange.excel.write_ambition import write_ambition
from carepool.exchange.excel.write_fixed import write_cover, write_lists, write_minimums, write_status
from carepool.exchange.excel.write_guidance import recolour_prefilled, write_guidance
from carepool.exchange.excel.write_tables import (
    Sheet,
    capacity_rows,
    condition_rows,
    funding_checks,
    funding_rows,
    grey_unused_periods,
    metric_rows,
    partner_rows,
    pool_checks,
    pool_rows,
    scheme_rows,
    scheme_year_sums,
    signoff_rows,
    template_partners,
    write_table,
)
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.programme.minimums import AreaMinimums, derive_minimums
from carepool.programme.model import ProgrammeYear
from carepool.reference.model import ReferenceData

SCHEME_ROWS = 60
POOL_ROWS = 5
SPARE_ROWS = 12


def write_plan_workbook(
    path: Path, *, area_code: str, year: ProgrammeYear, ref: ReferenceData, plan: Plan | None = None,
) -> Path:
    """Write the template (``plan=None``) or ``plan`` to ``path``; returns ``path``."""
    place = area_of(area_code, year, ref)
    if plan is not None and plan.year != year.id:
        raise InputError(f"plan is for '{plan.year}', not '{year.id}'")
    if plan is not None and plan.area_code != area_code:
        raise InputError(f"plan is for area '{plan.area_code}', not '{area_code}'")
    code = plan.area_code if plan is not None else place.code
    minimums = derive_minimums(year, ref).get(place.code) or AreaMinimums(place.code, year.id, {}, {}, {}, Money(0))
    partners = plan.partners if plan is not None else template_partners(
        place.code, place.name, minimums, place.nhs_names, place.nhs_kind)

    wb = Workbook()
    names = sheets_for(year)
    sheets = {name: (wb.active if i == 0 else wb.create_sheet()) for i, name in enumerate(names)}
    for name, ws in sheets.items():
        ws.title = name
    lengths = write_lists(sheets[LISTS], year)
    # drop-down sources are stored as Excel itself stores them: no leading '='
    choices = {name: list_range(name, n) for name, n in lengths.items()}
    write_cover(sheets[COVER], area_code=code, area_name=place.name, year=year, plan=plan, yesno=choices["yesno"])
    minimums_table = write_minimums(sheets[MINIMUMS], area_code=place.code, area_name=place.name, year=year,
                                    minimums=minimums, ref=ref, nhs_names=place.nhs_names)

    ranges: dict[str, Sheet] = {}
    ranges[PARTNERS_TABLE.sheet] = write_table(sheets[PARTNERS_TABLE.sheet], PARTNERS_TABLE,
                                               partner_rows(partners), len(partners), choices,
                                               "Blue: fixed for the area. Codes are used across the workbook.")
    choices["partners"] = f"{PARTNERS_TABLE.sheet}!{ranges[PARTNERS_TABLE.sheet].range('A')}"
    pools = pool_rows(plan)
    ranges[POOLS_TABLE.sheet] = write_table(sheets[POOLS_TABLE.sheet], POOLS_TABLE, pools,
                                            max(POOL_ROWS, len(pools) + 3), choices,
                                            "The host keeps the accounts and is audited; name the pool manager.")
    choices["pools"] = f"{POOLS_TABLE.sheet}!{ranges[POOLS_TABLE.sheet].range('A')}"
    funding = funding_rows(plan, minimums, place.code, year.plan_years)
    ranges[FUNDING_TABLE.sheet] = write_table(sheets[FUNDING_TABLE.sheet], FUNDING_TABLE, funding,
                                              len(funding) + SPARE_ROWS, choices,
                                              "One line per contributor, stream and pool; minimums are derived.")
    schemes_tbl, metrics_tbl = schemes_table(year), metrics_table(year)
    schemes = scheme_rows(plan, year.plan_years)
    ranges[SCHEMES] = write_table(sheets[SCHEMES], schemes_tbl, schemes, max(SCHEME_ROWS, len(schemes) + 20), choices,
                                  "Schemes must spend each pool's income exactly, stream by stream"
                                  + (", in each plan year." if len(year.plan_years) > 1 else "."))
    scheme_year_sums(sheets[SCHEMES], ranges[SCHEMES], schemes_tbl, year.plan_years)
    metrics = metric_rows(plan, year)
    ranges[METRICS] = write_table(sheets[METRICS], metrics_tbl, metrics, len(metrics), choices,
                                  "A goal for each plan year." if metrics_tbl is not METRICS_TABLE else
                                  "Quarterly metrics take four planned values, annual one.")
    grey_unused_periods(sheets[METRICS], ranges[METRICS], metrics, year, metrics_tbl)
    conditions = condition_rows(plan, year)
    ranges[CONDITIONS_TABLE.sheet] = write_table(sheets[CONDITIONS_TABLE.sheet], CONDITIONS_TABLE, conditions,
                                                 len(conditions), choices,
                                                 "Answer Yes or No for each condition and say how, or by when.")
    capacity = capacity_rows(plan, year)
    ranges[CAPACITY_TABLE.sheet] = write_table(sheets[CAPACITY_TABLE.sheet], CAPACITY_TABLE, capacity,
                                               max(len(capacity), 2) + 6, choices,
                                               "Intermediate care capacity and demand, each plan year"
                                               + ("" if year.capacity_and_demand else
                                                  f" (not asked for in {year.name}: leave blank)"))
    signoffs = signoff_rows(plan)
    ranges[SIGNOFF_TABLE.sheet] = write_table(sheets[SIGNOFF_TABLE.sheet], SIGNOFF_TABLE, signoffs,
                                              max(len(partners), len(signoffs)) + 3, choices,
                                              "Each partner signs; the Health and Wellbeing Board signs last.")
    funding_checks(sheets[FUNDING_TABLE.sheet], ranges[FUNDING_TABLE.sheet], minimums_table)
    pool_checks(sheets[POOLS_TABLE.sheet], ranges[POOLS_TABLE.sheet], ranges[FUNDING_TABLE.sheet],
                ranges[SCHEMES], schemes_tbl)
    write_ambition(sheets[AMBITION], year=year, minimums=minimums, plan=plan)
    status = write_checklist(sheets[CHECKLIST], ranges, year)
    write_status(sheets[COVER], status)
    if GUIDANCE in sheets:
        write_guidance(sheets[GUIDANCE], year, names)
    recolour_prefilled(list(sheets.values()), year)

    for ws in sheets.values():
        styles.protect(ws)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = "carepool"
    wb.properties.title = f"{year.name} plan for {place.name}"
    path = Path(path)
    wb.save(path)
    return path
