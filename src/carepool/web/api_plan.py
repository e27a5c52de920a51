"""The plan itself over the JSON API: read it, upload a workbook, or replace it with JSON.

``GET /api/areas/{code}/plan`` gives the latest (or a named) version with the plan in the
exact ``plans.serialise`` form. ``POST`` takes the Excel planning workbook (multipart, field
``workbook``) and stores it as a new version, like the upload page. ``PUT`` takes the plan
document and stores it following the lifecycle (``services.plans.save_draft``: an unsigned
draft is replaced, a signed-off or submitted plan gets a new version, the same content changes
nothing). Both refuse a plan with errors: 422 with every finding, in the one error shape, with
the sheet and cell of each when it came from a workbook. CSRF and session as in ``api_actions``.

Concurrent saves: ``GET`` and ``PUT`` answer with an ``ETag`` (``services.plans.version_token``,
the same token the browser's edit form carries), and a ``PUT`` with ``If-Match`` stores only if
it names the current version, else 412 in the one error shape and nothing is saved. Without
``If-Match`` a ``PUT`` is unconditional, as before.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from carepool.errors import ConflictError, InputError, NotFound, ValidationFailed
from carepool.findings import Finding, error
from carepool.plans.model import DEFAULT_GOVERNANCE, DEFAULT_MODEL
from carepool.plans.serialise import plan_from_dict, plan_to_dict
from carepool.services import plans
from carepool.services.plans import PlanRecord
from carepool.services.users import Action, User, require
from carepool.web.api_actions import CsrfHeader
from carepool.web.area_data import visible_area
from carepool.web.errors import ERROR_RESPONSES, ErrorOut, FindingOut
from carepool.web.session import check_csrf, current_user, store_of
from carepool.web.year_choice import year_of

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
class _Sparse(BaseModel):
    """Keys the stored document leaves out when empty (a one-year plan's plan year, per-year
    amounts, capacity) are left out here too, so a plan read over the API is exactly as stored."""

    # no return annotation on purpose: pydantic then keeps one schema for the document in and out
    @model_serializer(mode="wrap")
    def _without_empty(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data: dict[str, Any] = handler(self)
        for key in SPARSE_KEYS:
            if key in data and data[key] in ("", []):
                del data[key]
        return data


SPARSE_KEYS = ("plan_year", "amounts", "capacity")


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


class FundingDoc(_Sparse):
    contributor: Code
    stream: Code
    pool: Code
    amount_pence: Pence
    plan_year: Code = Field("", description="Two-year plans: the financial year of the line, e.g. 2023-24.")


class SchemeYearDoc(BaseModel):
    plan_year: Code
    amount_pence: Pence


class CapacityDoc(BaseModel):
    service: Text
    plan_year: Code
    demand: Count
    capacity: Count


class SchemeDoc(_Sparse):
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
    amounts: list[SchemeYearDoc] = Field(default_factory=list, max_length=12,
                                         description="Two-year plans: the planned spend in each plan year.")


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


class PlanDocument(_Sparse):
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
    capacity: list[CapacityDoc] = Field(default_factory=list, max_length=5000,
                                        description="Intermediate care capacity and demand, where the year asks.")


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


def etag(record: PlanRecord) -> str:
    """The version's entity tag: ``services.plans.version_token`` (version and content), quoted."""
    return f'"{plans.version_token(record)}"'


def _if_match(header: str, current: PlanRecord | None) -> str:
    """The token a PUT may replace, or 412 when ``If-Match`` names no current version.

    Strong comparison (RFC 9110, 13.1.1): a weak tag never matches, and neither does any tag,
    even ``*``, when the area has no plan yet.
    """
    if current is not None:
        tags = [t.strip() for t in header.split(",")]
        if "*" in tags or etag(current) in tags:
            return plans.version_token(current)
    now = "the area has no plan" if current is None else f"the plan is now version {current.version} ({etag(current)})"
    raise HTTPException(412, f"If-Match does not name the current version of the plan: {now}; nothing was saved. "
                             "GET the plan again for its ETag.")


IfMatch = Annotated[str | None, Header(
    max_length=10_000, description="The ETag of the version this change starts from (GET /api/areas/{code}/plan); "
                                   "412 when the plan has changed since. Without it the PUT is unconditional.")]
PRECONDITION: dict[int | str, dict[str, Any]] = {
    412: {"model": ErrorOut, "description": "If-Match does not name the current version: nothing was saved"}}
ETAG_HEADER = {"ETag": {"description": "The version's entity tag, for If-Match on PUT.", "schema": {"type": "string"}}}


@router.get("/areas/{code}/plan", response_model=PlanVersionOut,
            responses={200: {"headers": ETAG_HEADER}},
            summary="The area's plan for the programme year: the latest version, or the one asked for")
def get_plan(request: Request, response: Response, code: str, user: CurrentUser,
             version: Annotated[int | None, Query(ge=1, le=10**6)] = None) -> PlanVersionOut:
    area = visible_area(user, code)
    record = plans.get_plan(store_of(request), area.code, year_of(request), version)
    response.headers["ETag"] = etag(record)
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
    # before the body is read, and off the event loop (the area lookup may load the geography files)
    area = await run_in_threadpool(_guard, request, user, code, x_csrf_token)
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
    return await run_in_threadpool(_store_workbook, request, user, area, sent.filename, body)


def _store_workbook(request: Request, user: User, area: str, filename: str | None, body: bytes) -> PlanVersionOut:
    """Check the uploaded workbook and store it as a new version (in the thread pool: it parses Excel)."""
    limit = request.app.state.settings.max_upload_bytes
    if len(body) > limit:
        raise ValidationFailed(f"the file is larger than {limit // (1024 * 1024) or 1} MB",
                               [error("upload.size", "the file is too large for a planning workbook",
                                      field="workbook")])
    name = PurePath(filename or "workbook.xlsx").name[:200] or "workbook.xlsx"
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
    if check.plan.year != year_of(request):
        raise ValidationFailed(f"{name}: the plan is for {check.plan.year}, not {year_of(request)}",
                               [error("YEAR-MATCH", "the workbook is for another programme year", field="year")])
    record = plans.import_plan(store_of(request), check.plan, actor=user.email, source=name)
    return _out(record, findings)


@router.put("/areas/{code}/plan", response_model=PlanVersionOut,
            responses={**PRECONDITION, 200: {"headers": ETAG_HEADER}},
            summary="Replace the plan with this document (same rules as an upload; 422 with every finding)")
def put_plan(request: Request, response: Response, code: str, document: PlanDocument, user: CurrentUser,
             x_csrf_token: CsrfHeader = None, if_match: IfMatch = None) -> PlanVersionOut:
    area = _guard(request, user, code, x_csrf_token)
    year = year_of(request)
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
    store = store_of(request)
    expected: str | None = None
    if if_match is not None:
        try:
            current: PlanRecord | None = plans.get_plan(store, area, year)
        except NotFound:
            current = None
        expected = _if_match(if_match, current)
    try:   # save_draft checks ``expected`` again inside its transaction, so a save in between is caught
        saved = plans.save_draft(store, area, plan, actor=user.email, expected=expected, refuse_errors=True)
    except ConflictError as exc:
        if expected is None:
            raise
        raise HTTPException(412, f"If-Match does not name the current version of the plan: {exc}") from exc
    response.headers["ETag"] = etag(saved.record)
    return _out(saved.record, saved.findings, saved.change)
