"""The information governance lead's pages: data-sharing agreements (record, review, end early).

Only the ``information_governance`` role (national: the register is not split by area) reaches
these. Every change goes through ``services.sharing`` / ``services.sharing_governance`` (what
``carepool share`` calls) and is written to the sharing audit log there.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from carepool.errors import ConflictError, InputError
from carepool.services import sharing, sharing_governance
from carepool.services.clock import now_utc
from carepool.services.users import Action, User, require
from carepool.sharing.agreements import Agreement, Purpose
from carepool.web.render import render
from carepool.web.session import CheckedForm, current_user, store_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
AGREEMENT_FIELDS = ("agreement_id", "parties", "purpose", "legal_basis", "fields", "retention_days", "start",
                    "end", "description", "mailboxes")


def governing(user: User) -> None:
    require(user, Action.GOVERN_SHARING)


def today() -> date:
    return now_utc().date()


def sent_text(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    """The form's text fields, stripped (an upload or a missing field reads as empty)."""
    return {name: (value.strip() if isinstance(value := form.get(name, ""), str) else "") for name in names}


@router.get("/sharing", response_class=HTMLResponse)
def overview(request: Request, user: CurrentUser) -> Response:
    governing(user)
    store, on = store_of(request), today()
    agreements = sharing.list_agreements(store)
    held = sharing_governance.datasets_with_retention(store, on)
    return render(request, "sharing_overview.html", {
        "in_force": sum(a.in_force(on) for a in agreements), "agreements": len(agreements),
        "objections": sharing.objection_counts(store), "held": sum(h.status == "held" for h in held),
        "past": sum(h.status == "past retention" for h in held), "shares": len(sharing_governance.shares(store)),
        "on": on})


def _agreements_page(request: Request, problem: str | None = None, sent: dict[str, str] | None = None,
                     status_code: int = 200) -> Response:
    on = today()
    return render(request, "sharing_agreements.html", {
        "agreements": sharing.list_agreements(store_of(request)), "on": on, "purposes": [p.value for p in Purpose],
        "problem": problem, "sent": sent or {}}, status_code=status_code)


@router.get("/sharing/agreements", response_class=HTMLResponse)
def agreements_page(request: Request, user: CurrentUser) -> Response:
    governing(user)
    return _agreements_page(request)


@router.post("/sharing/agreements")
def add_agreement(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    governing(user)
    sent = sent_text(form, AGREEMENT_FIELDS)
    try:
        agreement = sharing_governance.agreement_from_text(
            agreement_id=sent["agreement_id"], parties=sent["parties"], purpose=sent["purpose"],
            legal_basis=sent["legal_basis"], fields=sent["fields"], retention_days=sent["retention_days"],
            start=sent["start"], end=sent["end"], description=sent["description"], mailboxes=sent["mailboxes"])
        sharing.add_agreement(store_of(request), agreement, actor=user.email)
    except (InputError, ConflictError) as refused:
        return _agreements_page(request, str(refused), sent, status_code=409 if isinstance(refused, ConflictError)
                                else 422)
    return RedirectResponse(f"/sharing/agreements/{agreement.agreement_id}?done=added", status_code=303)


def _agreement_page(request: Request, agreement: Agreement, problem: str | None = None,
                    sent: dict[str, str] | None = None, status_code: int = 200) -> Response:
    store, on = store_of(request), today()
    held = [h for h in sharing_governance.datasets_with_retention(store, on)
            if h.dataset.agreement_id == agreement.agreement_id]
    return render(request, "sharing_agreement.html", {
        "a": agreement, "on": on, "history": sharing_governance.agreement_history(store, agreement.agreement_id),
        "held": held, "outcomes": sharing_governance.REVIEW_OUTCOMES, "problem": problem, "sent": sent or {}},
        status_code=status_code)


@router.get("/sharing/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement_page(request: Request, agreement_id: str, user: CurrentUser) -> Response:
    governing(user)
    return _agreement_page(request, sharing_governance.get_agreement(store_of(request), agreement_id))


@router.post("/sharing/agreements/{agreement_id}/review")
def review(request: Request, agreement_id: str, user: CurrentUser, form: CheckedForm) -> Response:
    governing(user)
    store = store_of(request)
    agreement = sharing_governance.get_agreement(store, agreement_id)
    sent = sent_text(form, ("outcome", "note", "reviewed_on"))
    try:
        on = sharing_governance.parse_date(sent["reviewed_on"], "review date") if sent["reviewed_on"] else today()
        sharing_governance.review_agreement(store, agreement_id, actor=user.email, on=on, outcome=sent["outcome"],
                                            note=sent["note"])
    except InputError as refused:
        return _agreement_page(request, agreement, str(refused), sent, status_code=422)
    return RedirectResponse(f"/sharing/agreements/{agreement_id}?done=reviewed", status_code=303)


@router.post("/sharing/agreements/{agreement_id}/expire")
def expire(request: Request, agreement_id: str, user: CurrentUser, form: CheckedForm) -> Response:
    governing(user)
    store = store_of(request)
    agreement = sharing_governance.get_agreement(store, agreement_id)
    sent = sent_text(form, ("ends_on", "reason"))
    try:
        on = sharing_governance.parse_date(sent["ends_on"], "last day") if sent["ends_on"] else today()
        sharing_governance.expire_agreement(store, agreement_id, actor=user.email, on=on, reason=sent["reason"])
    except InputError as refused:
        return _agreement_page(request, agreement, str(refused), sent, status_code=422)
    return RedirectResponse(f"/sharing/agreements/{agreement_id}?done=ended", status_code=303)
