"""The information governance lead's shares for other systems (JSON, in the OpenAPI document): the
same list and the same MESH send and receive as ``/sharing/shares``, from the same services.

- ``GET /api/sharing/shares``: every share sent, message received, linkage and refusal, newest first.
- ``POST /api/sharing/mesh/send``: a CSV (multipart ``file``) to a mailbox under an agreement.
- ``POST /api/sharing/mesh/receive``: take in the waiting messages.

Only the ``information_governance`` role; each POST carries the session's CSRF token in
``X-CSRF-Token`` (``GET /api/me``). 409 when the service has no MESH mailbox (``CAREPOOL_MESH_*``).
Handlers are plain ``def``: MESH calls block, so they run in the thread pool.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from carepool.errors import ConflictError, InputError
from carepool.services import sharing, sharing_governance
from carepool.services.sharing import MeshConfig
from carepool.services.users import User
from carepool.web.api_actions import CsrfHeader
from carepool.web.errors import ERROR_RESPONSES, FindingOut
from carepool.web.pages_mesh import SEND_FIELDS, mesh_config, send_upload
from carepool.web.pages_sharing import CurrentUser, governing, today
from carepool.web.session import check_csrf, store_of
from carepool.web.settings import WebSettings

router = APIRouter(prefix="/api/sharing", tags=["sharing"], responses=ERROR_RESPONSES)
MAX_FIELD = 200


class ShareOut(BaseModel):
    at: datetime
    action: str                      # share.send, share.receive, linkage.read, or one of them + ".refused"
    refused: bool
    subject: str
    agreement_id: str | None
    purpose: str | None
    actor: str


class SentOut(BaseModel):
    message_id: str
    recipient_mailbox: str
    rows_sent: int
    withheld: int
    withheld_summary: str            # how many rows each kind of objection withheld
    findings: list[FindingOut]       # every withheld row and why


class MessageOut(BaseModel):
    message_id: str
    sender: str
    filename: str
    agreement_id: str | None


class RefusedOut(MessageOut):
    reasons: list[str]


class ReceivedOut(BaseModel):
    received: list[MessageOut]
    refused: list[RefusedOut]        # not written, left in the mailbox, audited


SEND_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["agreement_id", "to", "file"], "additionalProperties": False, "properties": {
        "agreement_id": {"type": "string", "maxLength": MAX_FIELD, "description": "The agreement in force."},
        "to": {"type": "string", "maxLength": MAX_FIELD, "description": "The recipient's MESH mailbox."},
        "recipient_org": {"type": "string", "maxLength": MAX_FIELD,
                          "description": "Recipient's ODS code (default: the agreement's second party)."},
        "nhs_column": {"type": "string", "maxLength": MAX_FIELD, "description": "Default nhs_number."},
        "file": {"type": "string", "format": "binary", "description": "The prepared share (CSV)."}}}}}}}


def _mesh(request: Request, user: User, token: str | None) -> MeshConfig:
    governing(user)
    check_csrf(request, token)
    settings: WebSettings = request.app.state.settings
    mesh = mesh_config(settings)
    if mesh is None:
        raise ConflictError("MESH is not set up for this service (CAREPOOL_MESH_URL, CAREPOOL_MESH_MAILBOX, "
                            "CAREPOOL_MESH_PASSWORD, CAREPOOL_MESH_SHARED_KEY)")
    return mesh


async def _multipart(request: Request) -> FormData:
    """The posted form, read (bounded) on the event loop before the plain ``def`` handler runs."""
    try:
        return await request.form(max_files=1, max_fields=10,
                                  max_part_size=request.app.state.settings.max_upload_bytes)
    except HTTPException as exc:   # a malformed multipart body
        raise InputError(f"the request body is not a readable multipart form: {exc.detail}") from exc


@router.get("/shares", response_model=list[ShareOut], summary="Shares sent and received, newest first")
def shares_out(request: Request, user: CurrentUser) -> list[ShareOut]:
    governing(user)
    return [ShareOut(at=e.at, action=e.action, refused=e.action.endswith(".refused"), subject=e.subject,
                     agreement_id=e.agreement_id, purpose=e.purpose, actor=e.actor)
            for e in sharing_governance.shares(store_of(request))]


@router.post("/mesh/send", response_model=SentOut, openapi_extra=SEND_BODY,
             summary="Send a CSV over MESH under an agreement (checked, objections withheld, audited)")
def send(request: Request, user: CurrentUser, form: Annotated[FormData, Depends(_multipart)],
         x_csrf_token: CsrfHeader = None) -> SentOut:
    mesh = _mesh(request, user, x_csrf_token)
    sent = {name: value.strip()[:MAX_FIELD] if isinstance(value := form.get(name, ""), str) else ""
            for name in SEND_FIELDS}
    result = send_upload(request, mesh, sent, form.get("file"), actor=user.email)
    return SentOut(message_id=result.message_id, recipient_mailbox=result.recipient_mailbox,
                   rows_sent=result.rows_sent, withheld=result.withheld, withheld_summary=result.withheld_summary,
                   findings=[FindingOut(**f.as_dict()) for f in result.findings])


@router.post("/mesh/receive", response_model=ReceivedOut,
             summary="Take in the waiting MESH messages: kept if an agreement covers them, else refused")
def receive(request: Request, user: CurrentUser, x_csrf_token: CsrfHeader = None) -> ReceivedOut:
    mesh = _mesh(request, user, x_csrf_token)
    settings: WebSettings = request.app.state.settings
    got = sharing.receive(store_of(request), mesh, Path(settings.mesh_inbox), actor=user.email, on=today())
    return ReceivedOut(
        received=[MessageOut(message_id=m.message_id, sender=m.sender, filename=m.filename, agreement_id=m.local_id)
                  for m in got.received],
        refused=[RefusedOut(message_id=m.message_id, sender=m.sender, filename=m.filename, agreement_id=m.local_id,
                            reasons=list(m.reasons)) for m in got.refused])
