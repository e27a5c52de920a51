"""Set-up for the pool manager's page tests: an assured plan for the own area with its
contributions posted, payments files, and the host ledger's files made from the books."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from carepool.demo.host_ledger import extract_rows, host_codes, write_extract, write_mapping
from carepool.ledger import financial_year
from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import ledger, plans
from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import OWN, YEAR, settings

FORMULA = '=HYPERLINK("http://attacker.test","Click")'


def funded(store: Store, scheme_name: str | None = None) -> Plan:
    """The own area's synthetic plan (its first scheme renamed, if asked) assured, contributions posted."""
    plan = synthetic_plan(OWN, load_programme(YEAR), load_reference(), seed=3)
    if scheme_name is not None:
        first = replace(plan.schemes[0], name=scheme_name)
        plan = replace(plan, schemes=(first, *plan.schemes[1:]))
    plans.import_plan(store, plan, actor="setup")
    for partner in (p.code for p in plan.partners if p.kind in ("la", "ccg")):
        plans.sign_off(store, OWN, YEAR, partner, actor="setup")
    plans.sign_off_hwb(store, OWN, YEAR, actor="setup")
    plans.submit(store, OWN, YEAR, actor="setup")
    plans.assure(store, OWN, YEAR, "approved", actor="setup")
    ledger.post_contributions(store, YEAR, OWN, actor="setup")
    return plan


def payments_csv(path: Path, plan: Plan, *, bad: bool) -> Path:
    """Three payments to the plan's first two schemes; ``bad``: one row's amount is not money and
    another has no provider (rows 3 and 4 as a person counts them, the header being row 1)."""
    one, two = plan.schemes[0], plan.schemes[1]
    path.write_text(
        "date,area,scheme,provider,amount,reference\n"
        f"2015-05-14,{OWN},{one.ref},Housing association,1200.01,INV-1\n"
        f"2015-06-30,{OWN},{two.ref},{'' if bad else 'Voluntary sector'},450.50,INV-2\n"
        f"2015-07-01,{OWN},{one.ref},Community trust,{'twelve pounds' if bad else '12.34'},INV-3\n",
        encoding="utf-8")
    return path


def host_files(store: Store, plan: Plan, folder: Path, *, off_by: int = 0) -> tuple[Path, Path]:
    """The host's extract (the pool's rows, the last one ``off_by`` pence out) and the mapping."""
    rows = extract_rows(plan, ledger.area_transactions(store, OWN), financial_year(2015))
    if off_by:
        last = max(i for i, r in enumerate(rows) if r.cost_centre.startswith("BCF-"))
        rows[last] = replace(rows[last], pence=rows[last].pence + off_by)
    return (write_extract(rows, folder / "host.csv"), write_mapping(host_codes(plan), folder / "map.csv"))


def app_client(store: Store) -> TestClient:
    return TestClient(create_app("unused://", settings=settings(), store=store))
