"""Read-only reports: an area's payment-for-performance quarters and the evidence report
(the sharing audit log is ``pages_audit``).

- ``/areas/{code}/performance``: anyone who may see the area.
- ``/evidence``: national roles and analysts (the report is about England as a whole). It is the
  evaluation's own self-contained HTML (the one evidence service, with the real exposures:
  pioneers, vanguards, discharge funds), built from the real series in the app's worker process
  on the first request and kept until a version is assured (a plan in force changes), served
  with a CSP that allows only its inline styles.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from carepool.errors import PermissionDenied
from carepool.money import Money
from carepool.services import evaluation, performance
from carepool.services.users import Role, User
from carepool.web.area_data import visible_area
from carepool.web.render import render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
              "form-action 'none'; base-uri 'none'")


def may_read_evidence(user: User) -> bool:
    return user.national or user.role is Role.ANALYST


@router.get("/areas/{code}/performance", response_class=HTMLResponse)
def performance_page(request: Request, code: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    quarters = performance.performance_quarters(store_of(request), area.code, year_of(request))
    totals = {k: Money(sum(getattr(q, k) for q in quarters)) for k in ("released", "paid_to_acute", "tariff_outside")}
    return render(request, "performance.html", {"area": area, "quarters": quarters, "totals": totals,
                                                "money": Money, "year": year_of(request)})


@router.get("/evidence", response_class=HTMLResponse)
def evidence_page(request: Request, user: CurrentUser) -> Response:
    """Plain ``def``: a build (seconds of CPU) runs in the app's worker process while this thread waits."""
    if not may_read_evidence(user):
        raise PermissionDenied(f"your role ({user.role.value}) may not read the evidence report")
    report = evaluation.evidence_report(store_of(request), year_of(request), request.app.state.workers)
    return HTMLResponse(report.html, headers={"Content-Security-Policy": REPORT_CSP,
                                              "Cache-Control": "private, no-store"})
