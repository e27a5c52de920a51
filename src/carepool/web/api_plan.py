"""The plan itself over the JSON API: read it, upload a workbook, or replace it with JSON.

``GET /api/areas/{code}/plan`` gives the latest (or a named) version with the plan in the
exact ``plans.serialise`` form. ``POST`` takes the Excel planning workbook (multipart, field
``workbook``) and stores it as a new version, like the upload page. ``PUT`` takes the plan
document and stores it following the lifecycle (``services.plans.save_draft``: an unsigned
draft is replaced, a signed-off or submitted plan gets a new version, the same content changes
nothing). Both refuse a plan with errors: 422 with every finding, in the one error shape, with
the sheet and cell of each when it came from a workbook. CSRF and session as in ``api_actions``.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from carepool.errors import InputError, ValidationFailed
from carepool.findings import Finding, error
from carepool.plans.model import DEFAULT_GOVERNANCE, DEFAULT_MODEL
from carepool.plans.serialise import plan_from_dict, plan_to_dict
from carepool.services import plans
from carepool.services.users import Action, User, require
from carepool.store.plans import PlanRecord
from carepool.web.api_actions import CsrfHeader
from carepool.web.area_data import visible_area
from carepool.web.errors import ERROR_RESPONSES, FindingOut
from carepool.web.session import check_csrf, current_user, store_of

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)
CurrentUser = Annotated[User, Depends(current_user)]
# bounds wide enough for anything a workbook or the edit form can store (an Excel cell holds at
# most 32,767 characters), so every stored plan can be read back in this shape
MAX_TEXT = 100_000
Code = Annotated[str, Field(max_length=MAX_TEXT)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Count = Annotated[int, Field(ge=-10**15, le=10**15)]
Pence = Annotated[int, Field(ge=-10**15, le=10**15, description="Whole pence.")]
DecimalText = Annotated[str, Field(max_length=100, description="A decimal number as text, e.g. \"2509.0\".")]


# the plan document (plans.serialise, FORMAT_VERSION 1) ---------------------------------------
class PartnerDoc(BaseModel):
    code: Code
    name: Text
    kind: Code = Field(description="ccg, la or hwb")


class PoolDoc(BaseModel):
    id: Code
    name: Text
    host: Code = Field(description="Partner code of the host.")
    manager: Text
    model: Text = DEFAULT_MODEL
    governance: Text = DEFAULT_GOVERNANCE


class FundingDoc(BaseModel):
    contributor: Code
    stream: Code
    pool: Code
    amount_pence: Pence


class SchemeDoc(BaseModel):
    ref: Code
    name: Text
    scheme_type: Text
    area_of_spend: Text
    commissioner: Text
    provider: Text
    source: Code
    pool: Code
    amount_pence: Pence
    new: bool


class MetricDoc(BaseModel):
    code: Code
    baseline: DecimalText | None
    planned: list[DecimalText | None] = Field(max_length=12)
    baseline_period: Text = ""
    local_name: Text = ""


class AmbitionDoc(BaseModel):
    baseline_admissions: Count
    baseline_quarters: list[Count] = Field(max_length=12)
    planned_reduction: Count
    planned_quarters: list[Count] = Field(max_length=12)
    performance_sum_pence: Pence
    delayed_days_baseline: Count = 0
    delayed_days_reduction: Count = 0


class ConditionDoc(BaseModel):
    id: Code
    confirmed: bool | None
    narrative: Text = ""


class SignOffDoc(BaseModel):
    partner: Code
    name: Text
    role: Text
    on: date


class PlanDocument(BaseModel):
    """A joint plan, exactly as carepool stores it: money in whole pence, decimals as text."""

    format: Literal[1] = 1
    area_code: Code
    year: Code
    illustrative: bool = False
    narrative: Text = ""
    notes: list[Text] = Field(default_factory=list, max_length=1000)
    partners: list[PartnerDoc] = Field(max_length=1000)
    pools: list[PoolDoc] = Field(max_length=1000)
    funding: list[FundingDoc] = Field(max_length=5000)
    schemes: list[SchemeDoc] = Field(max_length=5000)
    metrics: list[MetricDoc] = Field(max_length=1000)
    ambition: AmbitionDoc
    conditions: list[ConditionDoc] = Field(max_length=1000)
    signoffs: list[SignOffDoc] = Field(default_factory=list, max_length=1000)


class PlanVersionOut(BaseModel):
    area_code: str
    year: str
    version: int
    status: str
    created_at: datetime
    created_by: str
    change: str | None = Field(None, description="For a PUT: created, edited, new_version or unchanged.")
    findings: list[FindingOut] = Field(description="Every finding on this version: warnings and notes (and errors "
                                       "only for a draft saved unfinished in the browser).")
    plan: PlanDocument


def _out(record: PlanRecord, findings: list[Finding], change: str | None = None) -> PlanVersionOut:
    return PlanVersionOut(
        area_code=record.area_code, year=record.year, version=record.version, status=record.status.value,
        created_at=record.created_at, created_by=record.created_by, change=change,
        findings=[FindingOut(**f.as_dict()) for f in findings],
        plan=PlanDocument.model_validate(plan_to_dict(record.plan)))


def _guard(request: Request, user: User, code: str, token: str | None) -> str:
    """As every API change: the CSRF header, then the area, then the permission (to upload)."""
    check_csrf(request, token)
    area = visible_area(user, code)
    require(user, Action.UPLOAD, area.code)
    return area.code


def _decimal_problems(document: PlanDocument) -> list[Finding]:
    out: list[Finding] = []

    def check(value: str | None, field: str) -> None:
        if value is None:
            return
        try:
            ok = Decimal(value).is_finite()
        except (InvalidOperation, ValueError):
            ok = False
        if not ok:
            out.append(error("DOCUMENT-NUMBER", f"'{value}' is not a number", field=field))

    for i, m in enumerate(document.metrics):
        check(m.baseline, f"metrics[{i}].baseline")
        for j, value in enumerate(m.planned):
            check(value, f"metrics[{i}].planned[{j}]")
    return out


@router.get("/areas/{code}/plan", response_model=PlanVersionOut,
            summary="The area's plan for the programme year: the latest version, or the one asked for")
def get_plan(request: Request, code: str, user: CurrentUser,
             version: Annotated[int | None, Query(ge=1, le=10**6)] = None) -> PlanVersionOut:
    area = visible_area(user, code)
    record = plans.get_plan(store_of(request), area.code, request.app.state.settings.year, version)
    return _out(record, plans.check_plan(record.plan))


WORKBOOK_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {
            "schema": {"type": "object", "required": ["workbook"], "properties": {
                "workbook": {"type": "string", "format": "binary",
                             "description": "The Excel planning workbook (.xlsx)."}}},
        }},
    },
}


@router.post("/areas/{code}/plan", response_model=PlanVersionOut, status_code=201, openapi_extra=WORKBOOK_BODY,
             summary="Upload the Excel planning workbook: stored as a new version, or 422 with every finding")
async def upload_workbook(request: Request, code: str, user: CurrentUser,
                          x_csrf_token: CsrfHeader = None) -> PlanVersionOut:
    area = _guard(request, user, code, x_csrf_token)
    limit = request.app.state.settings.max_upload_bytes
    try:
        form = await request.form(max_files=1, max_fields=10, max_part_size=limit)
    except HTTPException as exc:   # a malformed multipart body
        raise ValidationFailed("the request body is not a readable multipart form",
                               [error("upload", str(exc.detail), field="workbook")]) from exc
    sent = form.get("workbook")
    if not isinstance(sent, UploadFile):
        raise ValidationFailed("send the workbook as multipart/form-data in the field 'workbook'",
                               [error("upload", "no workbook was sent", field="workbook")])
    body = await sent.read(limit + 1)
    if len(body) > limit:
        raise ValidationFailed(f"the file is larger than {limit // (1024 * 1024) or 1} MB",
                               [error("upload.size", "the file is too large for a planning workbook",
                                      field="workbook")])
    name = PurePath(sent.filename or "workbook.xlsx").name[:200] or "workbook.xlsx"
    with tempfile.TemporaryDirectory(prefix="carepool-api-") as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(body)
        check = plans.check_workbook(path)
    findings = [f.at(replace(f.location, file=name)) if f.location.file else f for f in check.findings]
    if check.plan is not None and check.plan.area_code != area:
        findings.insert(0, error("upload.area", f"this workbook is for area {check.plan.area_code}, not {area}",
                                 file=name))
    if check.plan is None or check.plan.area_code != area or not check.ok:
        raise ValidationFailed(f"{name}: the plan has errors and was not stored", findings)
    if check.plan.year != request.app.state.settings.year:
        raise ValidationFailed(f"{name}: the plan is for {check.plan.year}, not {request.app.state.settings.year}",
                               [error("YEAR-MATCH", "the workbook is for another programme year", field="year")])
    record = plans.import_plan(store_of(request), check.plan, actor=user.email, source=name)
    return _out(record, findings)


@router.put("/areas/{code}/plan", response_model=PlanVersionOut,
            summary="Replace the plan with this document (same rules as an upload; 422 with every finding)")
def put_plan(request: Request, code: str, document: PlanDocument, user: CurrentUser,
             x_csrf_token: CsrfHeader = None) -> PlanVersionOut:
    area = _guard(request, user, code, x_csrf_token)
    year = request.app.state.settings.year
    wrong: list[Finding] = []
    if document.area_code != area:
        wrong.append(error("AREA-MATCH", f"the document is for area {document.area_code}, not {area}",
                           field="area_code"))
    if document.year != year:
        wrong.append(error("YEAR-MATCH", f"the document is for '{document.year}', not '{year}'", field="year"))
    wrong += _decimal_problems(document)
    if wrong:
        raise ValidationFailed("the plan document cannot be used", wrong)
    try:
        plan = plan_from_dict(document.model_dump(mode="json"))
    except InputError as exc:   # pragma: no cover - the model above admits only readable documents
        raise ValidationFailed(str(exc), [error("DOCUMENT", str(exc))]) from exc
    saved = plans.save_draft(store_of(request), area, plan, actor=user.email, refuse_errors=True)
    return _out(saved.record, saved.findings, saved.change)
