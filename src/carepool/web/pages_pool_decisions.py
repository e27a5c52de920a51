"""The pool manager's decisions on the books: the risk-share agreement, closing a period, and
settling the year (with what carries forward). Each form carries the CSRF token and the books'
version token the page showed (``services.ledger_version``); the services the CLI calls
(``ledger.set_risk_share``, ``ledger.close_period``, ``ledger.settle``) refuse a stale token with
a 409 and write nothing. Posting, closing and recording an agreement are recorded with the
person's email, as the CLI records its user. Reading: the area's pool manager and national
roles; acting: its pool manager.

- ``/areas/{code}/ledger/risk-share`` (GET, POST): a two-year programme's agreement is per plan year
  (``?plan_year=2024-25``, by default the year the area settles next; the form posts the year it showed)
- ``/areas/{code}/ledger/periods`` (GET) and ``/areas/{code}/ledger/close`` (POST)
- ``/areas/{code}/ledger/settlement`` (GET) and ``/areas/{code}/ledger/settle`` (POST)
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carepool.errors import InputError, NotFound, ValidationFailed
from carepool.findings import Finding
from carepool.ledger.periods import financial_year, months_of
from carepool.ledger.settlement import KINDS
from carepool.money import Money
from carepool.programme import load_programme
from carepool.reference.geography import PlanArea
from carepool.services import ledger
from carepool.services.risk_share import agreement_from
from carepool.services.users import User
from carepool.web.pool_forms import managed_area, pool_context, readable_area, shown_version, text_field
from carepool.web.render import render
from carepool.web.session import CheckedForm, current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]


def _back(area: PlanArea, page: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/areas/{area.code}/ledger/{page}?done={done}", status_code=303)


# risk share -------------------------------------------------------------------------------
def _agreement_plan_year(request: Request, area: PlanArea, asked: str | None) -> str:
    """The plan year whose agreement is shown or recorded: a two-year programme agrees each year's
    sharing (the one asked for, else the year the area settles next); '' for a one-year programme."""
    year = year_of(request)
    labels = ledger.agreement_plan_years(year)
    if not labels:
        return ""
    text = (asked or "").strip()
    if not text:
        return ledger.plan_year_to_settle(store_of(request), year, area.code)
    if text not in labels:
        raise InputError(f"'{text}' is not a plan year of {year} ({', '.join(labels)})", where="plan_year")
    return text


def _risk_share_page(request: Request, user: User, area: PlanArea, findings: list[Finding], status: int = 200,
                     done: str = "", sent: dict[str, str] | None = None, plan_year: str = "") -> Response:
    year = year_of(request)
    store = store_of(request)
    plan = ledger.plan_in_force(store, year, area.code)
    chosen = plan_year or None
    agreements = ledger.risk_shares(store, area.code, year, chosen) if plan is not None else {}
    recorded = ledger.risk_share_records(store, area.code, year, chosen) if plan is not None else {}
    partners = [p for p in plan.partners if p.kind in ("la", "ccg", "icb")] if plan is not None else []
    return render(request, "pool_risk_share.html", pool_context(
        request, user, area, plan=plan, agreements=agreements, recorded=recorded, partners=partners, kinds=KINDS,
        findings=findings, done=done, sent=sent or {}, plan_year=plan_year,
        plan_years=ledger.agreement_plan_years(year),
        agreement_for=ledger.settlement_name(year, chosen) if plan_year else ""), status_code=status)


@router.get("/areas/{code}/ledger/risk-share", response_class=HTMLResponse)
def risk_share_page(request: Request, code: str, user: CurrentUser, done: str = "",
                    plan_year: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    area = readable_area(user, code, "the pool's risk-share agreement")
    return _risk_share_page(request, user, area, [], done=done,
                            plan_year=_agreement_plan_year(request, area, plan_year))


@router.post("/areas/{code}/ledger/risk-share")
def record_risk_share(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    area = managed_area(user, code)
    year = year_of(request)
    plan = ledger.plan_in_force(store_of(request), year, area.code)
    if plan is None:
        raise NotFound(f"no plan in force for {area.code} in {year}: its pools have no agreement to record")
    pool = text_field(form, "pool")
    if pool not in {p.id for p in plan.pools}:
        raise NotFound(f"'{pool}' is not a pool of {area.code}'s plan")
    kind = text_field(form, "kind")
    weights = [(p.code, text_field(form, f"weight-{p.code}")) for p in plan.partners
               if kind == "fixed" and text_field(form, f"weight-{p.code}")]
    sent = {name: text_field(form, name) for name in form if name not in ("csrf_token", "version")}
    plan_year = _agreement_plan_year(request, area, text_field(form, "plan_year"))   # the year the form showed
    try:
        agreement = agreement_from(kind, weights, text_field(form, "carry_forward"))
    except ValidationFailed as exc:
        return _risk_share_page(request, user, area, list(exc.findings), 422, sent=sent, plan_year=plan_year)
    ledger.set_risk_share(store_of(request), area.code, year, pool, agreement, actor=user.email,
                          expected=shown_version(form), plan_year=plan_year or None)
    back = _back(area, "risk-share", f"recorded-{pool}")
    if plan_year:
        back.headers["location"] += f"&plan_year={plan_year}"
    return back


# period close ------------------------------------------------------------------------------
def closable(year: str) -> list[tuple[str, str]]:
    """(label, what) for the quarters and months of the year; the year itself closes at settlement."""
    programme = load_programme(year)
    quarters = [(q, f"Quarter {q}") for q in programme.quarters]
    months = [(m.label, m.start.strftime("%B %Y")) for m in months_of(financial_year(programme.start.year))]
    return quarters + months


@router.get("/areas/{code}/ledger/periods", response_class=HTMLResponse)
def periods_page(request: Request, code: str, user: CurrentUser, done: str = "") -> Response:
    area = readable_area(user, code, "the pool's closed periods")
    closed = ledger.closed_periods(store_of(request), area.code)
    shut = {c.period.label for c in closed}
    options = [(label, what) for label, what in closable(year_of(request)) if label not in shut]
    return render(request, "pool_periods.html", pool_context(request, user, area, closed=closed, options=options,
                                                            done=done))


@router.post("/areas/{code}/ledger/close")
def close_period(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    area = managed_area(user, code)
    label = text_field(form, "period")
    if label not in dict(closable(year_of(request))):
        raise NotFound(f"'{label}' is not a month or quarter of {year_of(request)} to close")
    changed = ledger.close_period(store_of(request), area.code, label, actor=user.email,
                                  expected=shown_version(form))
    return _back(area, "periods", f"closed-{label}" if changed else f"already-{label}")


# settlement --------------------------------------------------------------------------------
def _settlement_rows(preview: ledger.SettlementPreview) -> list[dict[str, Any]]:
    return [{"pool": s.pool, "net": Money(s.net), "parts": [(p, Money(v)) for p, v in s.parts],
             "retained": Money(s.retained),
             "carried": Money(sum(c.carried_forward for c in s.capital)),
             "districts": Money(sum(c.to_districts for c in s.capital)),
             "capital": [(c.stream, Money(c.unspent), Money(c.to_districts), Money(c.carried_forward))
                         for c in s.capital]}
            for s in preview.settlements]


@router.get("/areas/{code}/ledger/settlement", response_class=HTMLResponse)
def settlement_page(request: Request, code: str, user: CurrentUser, done: str = "") -> Response:
    area = readable_area(user, code, "the pool's settlement")
    try:
        preview: ledger.SettlementPreview | None = ledger.settlement_preview(
            store_of(request), year_of(request), area.code)
    except NotFound:
        preview = None
    rows = _settlement_rows(preview) if preview is not None else []
    settling = ledger.settlement_name(preview.year, preview.plan_year) if preview is not None else ""
    return render(request, "pool_settlement.html", pool_context(request, user, area, preview=preview, rows=rows,
                                                               done=done, settling=settling))


@router.post("/areas/{code}/ledger/settle")
def settle(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    area = managed_area(user, code)
    shown = form.get("plan_year")   # the plan year the page showed; else the one the area settles next
    plan_year = shown.strip() if isinstance(shown, str) and shown.strip() else ledger.plan_year_to_settle(
        store_of(request), year_of(request), area.code)
    ledger.settle(store_of(request), year_of(request), area.code, actor=user.email,
                  expected=shown_version(form), plan_year=plan_year)
    return _back(area, "settlement", "settled")
