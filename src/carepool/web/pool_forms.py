"""What the pool manager's pages share: who may read or act, uploads read within limits, the
books' version token a decision form carries, and the context every pool page renders with."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from carepool.findings import Finding, error
from carepool.reference.geography import PlanArea
from carepool.services import ledger_version, pool_access
from carepool.services.users import User
from carepool.web import form_version
from carepool.web.area_data import visible_area
from carepool.web.session import store_of
from carepool.web.year_choice import year_of

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def readable_area(user: User, code: str, what: str = "the pool's books") -> PlanArea:
    """The area, if the user may read its pool's books (its pool manager, national roles)."""
    area = visible_area(user, code)
    pool_access.require_read(user, area.code, what)
    return area


def managed_area(user: User, code: str) -> PlanArea:
    """The area, if the user is its pool manager (the only role that acts on the books)."""
    area = visible_area(user, code)
    pool_access.require_manage(user, area.code)
    return area


def pool_context(request: Request, user: User, area: PlanArea, **extra: Any) -> dict[str, Any]:
    """Area, year, whether the user may act, and the books' version token for decision forms."""
    return {"area": area, "year": year_of(request),
            "manages": pool_access.may_manage(user, area.code),
            "version": ledger_version.current(store_of(request), area.code), **extra}


def shown_version(form: FormData) -> str:
    """The books' version token the pool page showed."""
    return form_version.shown_version(form, saw="state of the books", check="the figures")


def text_field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def saved_upload(request: Request, form: FormData, field: str, suffixes: tuple[str, ...], what: str,
                 folder: Path) -> Path | Finding:
    """The uploaded file saved in ``folder`` under its own (made safe) name, or a finding saying why not.

    The body is read up to the upload limit and no further (inputs bounded before parsing)."""
    sent = form.get(field)
    if not isinstance(sent, UploadFile) or not sent.filename:
        return error("upload", f"Choose {what} ({' or '.join(suffixes)}) to upload.", field=field)
    name = _UNSAFE.sub("-", Path(sent.filename).name)[-100:].lstrip(".-") or f"upload{suffixes[0]}"
    if Path(name).suffix.lower() not in suffixes:
        return error("upload.type", f"{name} is not {what}: choose a {' or '.join(suffixes)} file.",
                     file=name, field=field)
    limit = request.app.state.settings.max_upload_bytes
    body = sent.file.read(limit + 1)
    if len(body) > limit:
        return error("upload.size", f"{name} is larger than {limit // (1024 * 1024) or 1} MB; check you chose "
                     "the right file.", file=name, field=field)
    path = folder / field / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path
