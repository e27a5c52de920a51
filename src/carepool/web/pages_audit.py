"""The sharing audit log: read it, verify it (against an uploaded anchor), download an anchor.

National auditors, administrators and the information governance lead (``Action.READ_AUDIT``,
national only: the log is not split by area, so a local auditor would otherwise see other
areas' sharing). The entries name files, counts and organisations, never NHS numbers, so an
auditor reads the trail without seeing person-level data. Verifying and anchoring are recorded
in the log by the service (who checked, and what was found).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from carepool.errors import InputError, PermissionDenied
from carepool.services import sharing_audit
from carepool.services.clock import now_utc
from carepool.services.users import Action, User
from carepool.sharing.audit import Anchor
from carepool.web.render import render
from carepool.web.session import CheckedForm, current_user, store_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]


def may_read_audit(user: User) -> bool:
    return user.national and user.may(Action.READ_AUDIT)


def reader(user: User) -> None:
    if not may_read_audit(user):
        raise PermissionDenied(f"your role ({user.role.value}) may not read the sharing audit log")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: CurrentUser) -> Response:
    reader(user)
    return render(request, "audit.html", {"log": sharing_audit.read_log(store_of(request)), "checked": None})


@router.post("/audit/verify", response_class=HTMLResponse)
def verify(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    """``carepool audit verify [--anchor FILE]`` in the browser; the check itself is audited."""
    reader(user)
    sent = form.get("anchor")
    anchor: Anchor | None = None
    if isinstance(sent, UploadFile) and sent.filename:
        try:
            anchor = sharing_audit.parse_anchor(sent.file.read(sharing_audit.MAX_ANCHOR_BYTES + 1),
                                                f"anchor file {sent.filename}")
        except InputError as refused:
            return render(request, "audit.html", {"log": sharing_audit.read_log(store_of(request)),
                                                  "checked": None, "problem": str(refused)}, status_code=422)
    log = sharing_audit.verify_log(store_of(request), actor=user.email, anchor=anchor)
    return render(request, "audit.html", {"log": log, "checked": {"anchor": anchor, "at": now_utc()}},
                  status_code=200 if log.intact else 409)


@router.get("/audit/anchor.json")
def anchor_file(request: Request, user: CurrentUser) -> Response:
    """The log's head now (``carepool audit anchor``), to keep somewhere the database's administrators cannot change."""
    reader(user)
    at = now_utc()
    kept = sharing_audit.anchor_if_intact(store_of(request), at, actor=user.email)
    name = f"carepool-audit-anchor-{at.strftime('%Y%m%dT%H%M%SZ')}.json"
    return Response(sharing_audit.anchor_text(kept), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
