"""Changing a plan from the browser: upload a workbook, sign off, submit, assure (POST-redirect-GET).

Every form is CSRF-checked first, then the user's role and area, then the service does the
rest (the lifecycle refuses steps out of order with a ConflictError, shown as a 409 page). Each
decision form carries the version token of the plan the page showed (hidden field ``version``);
if the plan has changed since, the service refuses with a 409 and nothing is done.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from carepool.findings import error
from carepool.services import plans
from carepool.services.areas import known_year
from carepool.services.users import Action, User, require
from carepool.store.db import Store
from carepool.web.area_data import visible_area
from carepool.web.form_version import shown_version
from carepool.web.render import render
from carepool.web.session import CheckedForm, current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
YEAR_FIELD = "year"            # the hidden field naming the programme year the page showed
SIGNATORY_FIELD = "signatory_"  # + a signatory role (council_chief_executive, ...): the name of who signed
CurrentUser = Annotated[User, Depends(current_user)]


def _back(code: str, done: str, year: str | None = None) -> RedirectResponse:
    shown = f"&year={year}" if year else ""
    return RedirectResponse(f"/areas/{code}?done={done}{shown}", status_code=303)


@router.get("/areas/{code}/upload", response_class=HTMLResponse)
def upload_page(request: Request, code: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    require(user, Action.UPLOAD, area.code)
    return render(request, "upload.html", {"area": area, "findings": []})


@router.post("/areas/{code}/upload")
def upload(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    area = visible_area(user, code)
    require(user, Action.UPLOAD, area.code)
    sent = form.get("workbook")
    if not isinstance(sent, UploadFile) or not sent.filename:
        findings = [error("upload", "Choose a planning workbook (.xlsx) to upload.", field="workbook")]
        return render(request, "upload.html", {"area": area, "findings": findings}, status_code=422)
    limit = request.app.state.settings.max_upload_bytes
    body = sent.file.read(limit + 1)
    if len(body) > limit:
        findings = [error("upload.size", f"The file is larger than {limit // (1024 * 1024) or 1} MB; "
                          "a planning workbook is much smaller. Check you chose the right file.", field="workbook")]
        return render(request, "upload.html", {"area": area, "findings": findings, "filename": sent.filename},
                      status_code=413)
    with tempfile.TemporaryDirectory(prefix="carepool-upload-") as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(body)
        check = plans.check_workbook(path)
        findings = list(check.findings)
        wrong_area = check.plan is not None and check.plan.area_code != area.code
        if wrong_area and check.plan is not None:
            findings.insert(0, error("upload.area", f"This workbook is for area {check.plan.area_code}, "
                                     f"not {area.code}."))
        if not check.ok or wrong_area:
            return render(request, "upload.html", {"area": area, "findings": findings,
                                                   "filename": sent.filename}, status_code=422)
        record = plans.import_workbook(store_of(request), path, actor=user.email)
    # show the year the workbook is for, if another year is shown now
    return _back(area.code, f"uploaded-v{record.version}", record.year if record.year != year_of(request) else None)


def shown_year(request: Request, form: FormData) -> str:
    """The programme year the page showed (its hidden field ``year``), else the session's: a decision
    binds to the year the person saw even if another tab has chosen another year since."""
    sent = form.get(YEAR_FIELD)
    return known_year(sent.strip()) if isinstance(sent, str) and sent.strip() else year_of(request)


def _step(request: Request, code: str, user: CurrentUser, action: Action,
          do: Callable[[Store, str, str, str], object], done: str, form: FormData) -> Response:
    """One workflow step (the form already CSRF-checked): the user's area, the permission, the
    service call, bound to the version the page showed."""
    year = shown_year(request, form)
    area = visible_area(user, code, year)
    require(user, action, area.code)
    do(store_of(request), area.code, year, shown_version(form))
    return _back(area.code, done)        # the year stays chosen in the session


@router.post("/areas/{code}/sign-off")
def sign_off(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    named = {k.removeprefix(SIGNATORY_FIELD): v for k, v in form.items()
             if k.startswith(SIGNATORY_FIELD) and isinstance(v, str)}
    return _step(request, code, user, Action.SIGN_OFF_PARTNER,
                 lambda st, a, y, v: plans.sign_off(st, a, y, user.org_code, actor=user.email, expected=v,
                                                    signatories=named),
                 "signed-off", form)


@router.post("/areas/{code}/hwb-sign-off")
def hwb_sign_off(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    return _step(request, code, user, Action.SIGN_OFF_HWB,
                 lambda st, a, y, v: plans.sign_off_hwb(st, a, y, actor=user.email, expected=v),
                 "hwb-signed-off", form)


@router.post("/areas/{code}/submit")
def submit(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    return _step(request, code, user, Action.SUBMIT,
                 lambda st, a, y, v: plans.submit(st, a, y, actor=user.email, expected=v), "submitted", form)


@router.post("/areas/{code}/assure")
def assure(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    year = shown_year(request, form)
    area = visible_area(user, code, year)
    require(user, Action.ASSURE, area.code)
    plans.assure(store_of(request), area.code, year, str(form.get("outcome", "")),
                 actor=user.email, conditions=str(form.get("conditions", "")).strip(), expected=shown_version(form))
    return _back(area.code, "assured")
