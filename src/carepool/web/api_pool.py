"""The pool's books for other systems (JSON, in the OpenAPI document): the same statements and
the same state of the books as the pool manager's pages, from the same services.

- ``GET /api/areas/{code}/ledger``: the books' version token, closed periods and each pool's
  risk-share agreement (the area's pool manager and national roles).
- ``GET /api/areas/{code}/ledger/statements``: every statement of the area's books, amounts in
  pence (everyone who may see the area, as on its page).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from carepool.money import Money
from carepool.services import ledger
from carepool.services.users import User
from carepool.web.area_data import visible_area
from carepool.web.errors import ERROR_RESPONSES
from carepool.web.pages_pool import statements
from carepool.web.pool_forms import pool_context, readable_area
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(prefix="/api", tags=["pool"], responses=ERROR_RESPONSES)
CurrentUser = Annotated[User, Depends(current_user)]


class StatementOut(BaseModel):
    kind: str
    title: str
    columns: list[str]
    pence_columns: list[str]          # the columns whose numbers are amounts in pence
    rows: list[list[str | int]]


class AgreementOut(BaseModel):
    pool: str
    plan_year: str                    # a two-year programme's plan year the agreement is for ('' one-year)
    kind: str | None                  # None: none recorded (settlement shares in proportion to contributions)
    shares: list[tuple[str, int]]
    carry_forward_pct: int


class BooksOut(BaseModel):
    area: str
    year: str
    version: str                      # the token a decision on the books binds to
    transactions: int
    closed_periods: list[str]
    agreements: list[AgreementOut]


@router.get("/areas/{code}/ledger", response_model=BooksOut, summary="The state of an area's pooled books")
def books(request: Request, code: str, user: CurrentUser) -> BooksOut:
    area = readable_area(user, code)
    store, year = store_of(request), year_of(request)
    plan = ledger.plan_in_force(store, year, area.code)
    each = ledger.agreement_plan_years(year) or ("",)    # a two-year programme: each plan year's agreements
    agreements = [(label, pool, a) for label in each
                  for pool, a in ledger.risk_shares(store, area.code, year, label or None).items()] \
        if plan is not None else []
    return BooksOut(
        area=area.code, year=year, version=pool_context(request, user, area)["version"],
        transactions=len(ledger.area_transactions(store, area.code)),
        closed_periods=[c.period.label for c in ledger.closed_periods(store, area.code)],
        agreements=[AgreementOut(pool=pool, plan_year=label, kind=a.kind if a else None,
                                 shares=list(a.shares) if a else [], carry_forward_pct=a.carry_forward_pct if a else 0)
                    for label, pool, a in agreements])


@router.get("/areas/{code}/ledger/statements", response_model=list[StatementOut],
            summary="An area's statements: pool, scheme, quarterly I&E and each partner's")
def statements_out(request: Request, code: str, user: CurrentUser) -> list[StatementOut]:
    area = visible_area(user, code)
    out: list[StatementOut] = []
    for kind, report in statements(request, area.code):
        first = report.rows[0] if report.rows else ()
        money = [c for i, c in enumerate(report.columns) if i < len(first) and isinstance(first[i], Money)]
        out.append(StatementOut(kind=kind, title=report.title, columns=list(report.columns), pence_columns=money,
                                rows=[[c.pence if isinstance(c, Money) else c for c in row] for row in report.rows]))
    return out
