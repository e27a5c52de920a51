"""An area's pages: plan summary, schemes, metric charts and evaluation, pool statements, history, downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from carepool.money import Money
from carepool.plans.rules.year_rules import SIGNATORY_ROLES, role_label, signatory_roles
from carepool.programme import ProgrammeYear, load_programme
from carepool.services import areas, ledger_statements, plans, returns
from carepool.services.users import User
from carepool.web.area_data import AreaView, area_view, metrics_section, visible_area
from carepool.web.render import TEMPLATES, render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/areas/{code}", response_class=HTMLResponse)
def area_page(request: Request, code: str, user: CurrentUser) -> Response:
    year = year_of(request)
    counterparts = areas.counterparts(code, year)
    if counterparts:      # a code of another geography vintage: say which area it is in this year
        return render(request, "area_replaced.html", {
            "code": code.strip().upper(), "year": load_programme(year), "counterparts": counterparts,
            "detail": areas.replaced_message(code, year)}, status_code=404)
    view = area_view(store_of(request), user, code, year)
    # an area's charts and evaluation come from the per-process cache (they depend only on the
    # area and the shipped published series), filled at start-up by web/warmup.py or, for an
    # area the warm-up has not reached yet, by its first request
    latest = [s.latest for s in returns.statuses(store_of(request), view.area.code, year) if s.latest]
    programme = load_programme(year)
    roles, named = _signatories(view, user, programme)
    return render(request, "area.html", {"view": view, "money": Money, "outcomes": programme.assurance_outcomes,
                                         "metrics": metrics_section(view.area), "returns": latest,
                                         "programme_name": programme.name, "signatories": roles,
                                         "delegable": programme.signatories_delegable, "named": named})


def breakable(text: str, every: int = 16) -> Markup:
    """Escaped text whose long unbroken runs (a content hash) may wrap on a narrow screen: a
    ``<wbr>`` every ``every`` characters of a word."""
    words = [Markup("<wbr>").join(escape(w[i:i + every]) for i in range(0, len(w), every)) for w in
             str(text).split(" ")]
    return Markup(" ").join(words)


TEMPLATES.env.filters["breakable"] = breakable


def _signatories(view: AreaView, user: User,
                 programme: ProgrammeYear) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The named signatories the user's sign-off needs this year, and names the plan already gives."""
    if "sign_off" not in view.actions or view.record is None:
        return [], {}
    roles = signatory_roles(programme.signatories, user.org_kind)
    named = {r: s.name for r in roles for s in view.record.plan.signoffs
             if s.partner == user.org_code and any(w in s.role.lower() for w in SIGNATORY_ROLES[r][1])}
    return [(r, role_label(r)) for r in roles], named


@router.get("/areas/{code}/history", response_class=HTMLResponse)
def history_page(request: Request, code: str, user: CurrentUser) -> Response:
    view = area_view(store_of(request), user, code, year_of(request))
    return render(request, "history.html", {"view": view})


@router.get("/areas/{code}/plan.xlsx")
def plan_workbook(request: Request, code: str, user: CurrentUser) -> Response:
    year = year_of(request)
    area = visible_area(user, code, year)
    with tempfile.TemporaryDirectory(prefix="carepool-web-") as tmp:
        out = plans.export_workbook(store_of(request), area.code, year,
                                    Path(tmp) / "plan.xlsx")
        body = out.read_bytes()
    return Response(body, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="plan-{area.code}.xlsx"'})


@router.get("/areas/{code}/books.beancount")
def books(request: Request, code: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    with tempfile.TemporaryDirectory(prefix="carepool-web-") as tmp:
        out = Path(tmp) / "books.beancount"
        ledger_statements.export_beancount(store_of(request), out, area.code)
        body = out.read_bytes()
    return Response(body, media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="books-{area.code}.beancount"'})
