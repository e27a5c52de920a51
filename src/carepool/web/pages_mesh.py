"""Shares sent and received, and sending and receiving them over MESH from the browser.

The information governance lead sends a prepared CSV under an agreement, or takes in the messages
waiting in the service's mailbox, through ``services.sharing.send`` and ``receive``: the very
functions ``carepool share send`` and ``receive`` call, so every share is checked against its
agreement and the objections register (both kinds) and audited there. Handlers are plain ``def``:
MESH calls block, so they run in the thread pool, never on the event loop. Each action answers
with a redirect (a reload cannot send twice); the result is read back from the audit trail, and the
rows a send withheld (row number and kind, as the CLI prints them) from the sender's own session.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from carepool.errors import CarepoolError, ConfigurationError, InputError
from carepool.services import sharing, sharing_governance
from carepool.services.sharing import MeshConfig
from carepool.sharing.objections import ObjectionKind, WithheldRow
from carepool.web.pages_sharing import CurrentUser, governing, sent_text, today
from carepool.web.render import render
from carepool.web.session import CheckedForm, store_of
from carepool.web.settings import WebSettings

router = APIRouter(include_in_schema=False)
SEND_FIELDS = ("agreement_id", "to", "recipient_org", "nhs_column")
SHOWN_WITHHELD = 20   # withheld rows listed after a send: as many as ``carepool share send`` prints


def mesh_config(settings: WebSettings) -> MeshConfig | None:
    """The service's own MESH mailbox (``CAREPOOL_MESH_*``, as the CLI reads them), or None when not set up."""
    if not (settings.mesh_url and settings.mesh_mailbox and settings.mesh_password and settings.mesh_shared_key):
        return None
    return MeshConfig(settings.mesh_url, settings.mesh_mailbox, settings.mesh_password, settings.mesh_shared_key)


def _settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def _remember_withheld(request: Request, result: sharing.SendResult, agreement_id: str) -> None:
    """Keep the send's withheld rows (row number and kind, never a number) in the sender's own session,
    for the confirmation the redirect leads to: the first ``SHOWN_WITHHELD``, as the CLI prints them."""
    rows = result.withheld_rows()
    request.session["withheld"] = {"message": result.message_id, "agreement": agreement_id, "total": len(rows),
                                   "rows": [[w.row, w.kind.value if w.kind else ""] for w in rows[:SHOWN_WITHHELD]]}


def _withheld_shown(request: Request, message: str, actor: str) -> dict[str, Any] | None:
    """The withheld rows of the sender's own send ``message`` (audited as shown), or None."""
    kept = request.session.get("withheld")
    if not message or not isinstance(kept, dict) or kept.get("message") != message:
        return None
    rows = [WithheldRow(int(row), ObjectionKind(kind) if kind else None) for row, kind in kept["rows"]]
    if rows:
        sharing_governance.withheld_rows_shown(store_of(request), actor=actor, agreement_id=kept["agreement"],
                                               message_id=message, shown=len(rows), withheld=int(kept["total"]))
    return {"rows": rows, "total": int(kept["total"])}


def _shares_page(request: Request, problem: str | None = None, sent: dict[str, str] | None = None,
                 status_code: int = 200, actor: str = "") -> Response:
    store, on = store_of(request), today()
    shares = sharing_governance.shares(store)
    message = request.query_params.get("message", "")
    return render(request, "sharing_shares.html", {
        "shares": shares, "mesh": mesh_config(_settings(request)),
        "agreements": [a for a in sharing.list_agreements(store) if a.in_force(on)], "on": on,
        "just_sent": next((e for e in shares if e.action == "share.send" and message
                           and e.subject.endswith(f"message {message}")), None),
        "withheld": _withheld_shown(request, message, actor) if request.query_params.get("done") == "sent" else None,
        "shown_limit": SHOWN_WITHHELD, "problem": problem, "sent": sent or {}}, status_code=status_code)


@router.get("/sharing/shares", response_class=HTMLResponse)
def shares_page(request: Request, user: CurrentUser) -> Response:
    governing(user)
    return _shares_page(request, actor=user.email)


def _upload_name(upload: UploadFile) -> str:
    """The uploaded file's own name, reduced to safe characters (it names the MESH message)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.filename or "").name).lstrip(".")
    return name or "share.csv"


def _not_set_up() -> str:
    """Why nothing can be sent (answered 409: the service's state, not the request, is what is missing)."""
    return ("MESH is not set up for this service: set CAREPOOL_MESH_URL, CAREPOOL_MESH_MAILBOX, "
            "CAREPOOL_MESH_PASSWORD and CAREPOOL_MESH_SHARED_KEY where it runs.")


def send_upload(request: Request, mesh: MeshConfig, sent: dict[str, str], upload: object, *,
                actor: str) -> sharing.SendResult:
    """Send an uploaded CSV through ``services.sharing.send`` (the page and ``POST /api/sharing/mesh/send``).

    The upload is written to a private temporary folder under its own (made safe) name, which names
    the MESH message, and removed once sent or refused.
    """
    if not sent.get("agreement_id"):
        raise InputError("choose the agreement the share is made under", where="agreement")
    if not sent.get("to"):
        raise InputError("give the recipient's MESH mailbox", where="recipient mailbox")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InputError("choose the CSV file to send", where="file")
    with tempfile.TemporaryDirectory(prefix="carepool-send-") as folder:
        path = Path(folder) / _upload_name(upload)
        path.write_bytes(upload.file.read())
        return sharing.send(store_of(request), path, sent["agreement_id"], sent["to"].upper(), mesh, actor=actor,
                            recipient_org=sent.get("recipient_org", "").upper() or None,
                            nhs_column=sent.get("nhs_column") or "nhs_number", on=today())


def _refusal_status(refused: CarepoolError) -> int:
    return 502 if isinstance(refused, ConfigurationError) else 422


@router.post("/sharing/shares/send")
def send(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    """Send the uploaded CSV to a MESH mailbox under an agreement (``carepool share send``)."""
    governing(user)
    sent = sent_text(form, SEND_FIELDS)
    mesh = mesh_config(_settings(request))
    if mesh is None:
        return _shares_page(request, _not_set_up(), sent, status_code=409)
    try:
        result = send_upload(request, mesh, sent, form.get("file"), actor=user.email)
    except CarepoolError as refused:
        return _shares_page(request, str(refused), {**sent, "form": "send"}, status_code=_refusal_status(refused))
    _remember_withheld(request, result, sent["agreement_id"])
    return RedirectResponse(f"/sharing/shares?done=sent&message={quote(result.message_id)}", status_code=303)


@router.post("/sharing/shares/receive")
def receive(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    """Take in every waiting message (``carepool share receive``): those an agreement covers are kept
    and registered as held datasets; the rest are refused, left in the mailbox and audited."""
    governing(user)
    settings = _settings(request)
    mesh = mesh_config(settings)
    if mesh is None:
        return _shares_page(request, _not_set_up(), status_code=409)
    try:
        got = sharing.receive(store_of(request), mesh, Path(settings.mesh_inbox), actor=user.email, on=today())
    except CarepoolError as refused:
        return _shares_page(request, str(refused), status_code=_refusal_status(refused))
    return RedirectResponse(f"/sharing/shares?done=received&received={len(got.received)}"
                            f"&refused={len(got.refused)}", status_code=303)
