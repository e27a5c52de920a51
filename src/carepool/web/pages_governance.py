"""The information governance lead's registers: objections (add, withdraw, history), held datasets
and their retention (with the purge). The shares sent and received, and MESH, are in ``pages_mesh``.

The objections register shows NHS numbers, so only the ``information_governance`` role opens it,
and each view is audited (``objection.read``) by the service; the numbers never go into the log.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carepool.errors import ConflictError, InputError, NotFound
from carepool.services import sharing, sharing_governance
from carepool.sharing.objections import Objection, ObjectionKind, parse_kind
from carepool.web.pages_sharing import CurrentUser, governing, sent_text, today
from carepool.web.render import render
from carepool.web.session import CheckedForm, store_of

router = APIRouter(include_in_schema=False)


def _register_page(request: Request, actor: str, problem: str | None = None, sent: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    register = sharing_governance.objections_register(store_of(request), actor=actor)
    return render(request, "sharing_objections.html", {"register": register, "on": today(), "problem": problem,
                                                       "sent": sent or {}, "kinds": list(ObjectionKind)},
                  status_code=status_code)


@router.get("/sharing/objections", response_class=HTMLResponse)
def objections_page(request: Request, user: CurrentUser) -> Response:
    governing(user)
    return _register_page(request, user.email)


@router.post("/sharing/objections")
def add_objection(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    governing(user)
    sent = sent_text(form, ("nhs_number", "organisation", "recorded_on", "note", "kind"))
    try:
        on = sharing_governance.parse_date(sent["recorded_on"], "date recorded") if sent["recorded_on"] else today()
        if not sent["organisation"]:
            raise InputError("give the ODS code of the organisation that holds the person's record",
                             where="organisation")
        if len(sent["note"]) > sharing_governance.MAX_TEXT:
            raise InputError(f"at most {sharing_governance.MAX_TEXT} characters", where="note")
        objection = Objection(sent["nhs_number"], sent["organisation"].upper(), on, sent["note"],
                              parse_kind(sent["kind"] or ObjectionKind.LOCAL.value))
        sharing.add_objection(store_of(request), objection, actor=user.email)
    except (InputError, ConflictError) as refused:
        return _register_page(request, user.email, str(refused), {**sent, "form": "add"},
                              status_code=409 if isinstance(refused, ConflictError) else 422)
    return RedirectResponse("/sharing/objections?done=added", status_code=303)


@router.post("/sharing/objections/withdraw")
def withdraw_objection(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    governing(user)
    sent = sent_text(form, ("nhs_number", "withdrawn_on", "note", "kind"))
    try:
        on = sharing_governance.parse_date(sent["withdrawn_on"], "date withdrawn") if sent["withdrawn_on"] else today()
        if len(sent["note"]) > sharing_governance.MAX_TEXT:
            raise InputError(f"at most {sharing_governance.MAX_TEXT} characters", where="note")
        kind = parse_kind(sent["kind"] or ObjectionKind.LOCAL.value)
        sharing.withdraw_objection(store_of(request), sent["nhs_number"], on, actor=user.email, note=sent["note"],
                                   kind=kind)
    except (InputError, NotFound) as refused:
        return _register_page(request, user.email, str(refused), {**sent, "form": "withdraw"},
                              status_code=404 if isinstance(refused, NotFound) else 422)
    return RedirectResponse("/sharing/objections?done=withdrawn", status_code=303)


@router.get("/sharing/datasets", response_class=HTMLResponse)
def datasets_page(request: Request, user: CurrentUser) -> Response:
    governing(user)
    on = today()
    return render(request, "sharing_datasets.html", {
        "held": sharing_governance.datasets_with_retention(store_of(request), on), "on": on})


@router.post("/sharing/datasets/purge")
def purge(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    """Delete every dataset past its retention (``carepool share purge``), each deletion audited."""
    governing(user)
    done = sharing.purge(store_of(request), actor=user.email, on=today())
    return RedirectResponse(f"/sharing/datasets?purged={len(done)}", status_code=303)
