"""Edit a plan in the browser, with each validation finding beside the field it is about.

GET shows the latest version (or a starting plan when there is none) as a form; POST either
adds or removes a row (no JavaScript: each is a submit button) and shows the form again, or
saves. Saving runs the same rules as an upload. A draft is saved even with errors, since it may
be unfinished, but partners cannot sign it off until they are fixed (``services.plans``). A
value that cannot be read (money such as "£1,23x") saves nothing: the form comes back with
what was typed and the problem beside the field. A submitted or signed-off plan changes only
by a new version, which ``save_draft`` makes.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from carepool.errors import ConflictError
from carepool.findings import Finding, Severity
from carepool.plans.lifecycle import Status
from carepool.programme import load_programme
from carepool.programme.model import ProgrammeYear
from carepool.reference.geography import PlanArea
from carepool.services import plans
from carepool.services.users import Action, User, require
from carepool.web import plan_form, plan_form_view
from carepool.web.area_data import visible_area
from carepool.web.render import render
from carepool.web.session import CSRF_FIELD, check_csrf, current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
MAX_FIELDS = 20_000           # a plan with hundreds of schemes is still one form
_SAVED = re.compile(r"^(created|edited|new_version|unchanged)-v(\d+)$")
SAVED_WORDS = {"created": "Saved as version {v}, the first version of this plan.",
               "edited": "Saved: version {v} (still a draft) now holds your changes.",
               "new_version": "Saved as version {v}, a new draft. The earlier version is kept in the history.",
               "unchanged": "Nothing had changed, so version {v} stays as it was."}


def _year(request: Request) -> ProgrammeYear:
    return load_programme(year_of(request))


def _editable_area(user: User, code: str) -> PlanArea:
    area = visible_area(user, code)
    require(user, Action.UPLOAD, area.code)
    return area


def _lifecycle_note(base: plans.EditBase) -> str:
    if base.record is None or base.state is None:
        return "There is no plan yet: saving starts version 1 as a draft."
    v = base.record.version
    if base.state.status is Status.DRAFT and base.state.partner_signoffs:
        signed = ", ".join(sorted(base.state.partner_signoffs))
        return (f"{signed} signed off version {v} as it stands. Saving a change starts version {v + 1} as a new "
                "draft, and every partner signs that one off again.")
    if base.starts_new_version:
        status = base.state.status.value.replace("_", " ")
        return (f"Version {v} is {status} and is kept as it is. Saving a change starts version {v + 1} as a new "
                "draft, which goes through sign-off again.")
    return f"You are editing version {v}, a draft."


def _page(request: Request, area: PlanArea, base: plans.EditBase, state: plan_form.FormState, year: ProgrammeYear,
          findings: list[Finding], *, token: str, notice: str = "", problem: str = "",
          status_code: int = 200) -> Response:
    view = plan_form_view.build_view(state, year)
    view.attach(findings)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return render(request, "plan_edit.html", {
        "area": area, "view": view, "token": token, "notice": notice, "problem": problem,
        "lifecycle": _lifecycle_note(base), "error_count": errors, "year": year,
    }, status_code=status_code)


@router.get("/areas/{code}/plan/edit", response_class=HTMLResponse)
def edit_page(request: Request, code: str, user: CurrentUser) -> Response:
    area = _editable_area(user, code)
    year = _year(request)
    base = plans.plan_for_editing(store_of(request), area.code, year.id)
    # a stored draft may hold errors (saved unfinished): show them; a blank start is not judged yet
    findings = plans.check_plan(base.plan) if base.record is not None else []
    notice = ""
    saved = _SAVED.match(request.query_params.get("saved", ""))
    if saved:
        notice = SAVED_WORDS[saved.group(1)].format(v=saved.group(2))
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        notice += (f" It has {errors} error{'s' if errors != 1 else ''} to fix: partners cannot sign it off until "
                   "they are fixed." if errors else " It has no errors: partners can now sign it off.")
    return _page(request, area, base, plan_form.state_from_plan(base.plan, year), year, findings,
                 token=base.token, notice=notice)


@router.post("/areas/{code}/plan/edit", response_class=HTMLResponse)
async def edit(request: Request, code: str, user: CurrentUser) -> Response:
    form = await request.form(max_fields=MAX_FIELDS, max_part_size=request.app.state.settings.max_upload_bytes)
    check_csrf(request, form.get(CSRF_FIELD))
    return await run_in_threadpool(_save, request, code, user, form)


def _save(request: Request, code: str, user: User, form: FormData) -> Response:
    """Apply the posted edit form (add or remove a row, or save the draft); runs in the thread pool."""
    area = _editable_area(user, code)
    year = _year(request)
    store = store_of(request)
    base = plans.plan_for_editing(store, area.code, year.id)
    state = plan_form.state_from_form(form)
    token = str(form.get("base", ""))
    action = str(form.get("action", "save"))
    if action.startswith(("add:", "remove:")):
        verb, table, *rest = [*action.split(":"), ""]
        if verb == "add":
            state.add_row(table)
            notice = f"Added a {plan_form.NOUNS.get(table, 'row')}. Fill it in, then save the draft."
        else:
            index = int(rest[0]) if rest[0].isdigit() else -1
            state.remove_row(table, index)
            notice = f"Removed {plan_form.NOUNS.get(table, 'row')} {index + 1}. Save the draft to keep this change."
        return _page(request, area, base, state, year, [], token=token, notice=notice)

    state.drop_blank_rows()
    plan, problems = plan_form.read_plan(state, base.plan, year)
    if plan is None:
        return _page(request, area, base, state, year, problems, token=token, status_code=422,
                     problem="Nothing was saved: some values could not be read. Correct them and save again; "
                             "the plan's other checks run once every value can be read.")
    try:
        saved = plans.save_draft(store, area.code, plan, actor=user.email, expected=token)
    except ConflictError as exc:
        # keep what was typed; the next save knowingly replaces the newer version
        return _page(request, area, base, state, year, [], token=base.token, status_code=409,
                     problem=f"{str(exc).capitalize()}. Your changes are below. Save again to replace the newer "
                             f"version with them, or open the plan afresh to see it first.")
    return RedirectResponse(f"/areas/{area.code}/plan/edit?saved={saved.change}-v{saved.record.version}",
                            status_code=303)
