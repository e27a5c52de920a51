"""The pool manager's uploads: a payments file into the books, and the host's ledger extract to
reconcile against them. Both read the file through the same services as the CLI
(``ledger.import_spend``, ``ledger_reconcile.reconcile_host_extract``).

- ``/areas/{code}/ledger/payments``: a payments file (.csv or .xlsx); a refused file is shown
  finding by finding with its row, field and what the row holds, and nothing is posted.
- ``/areas/{code}/ledger/reconcile``: the host's extract and the mapping of its codes; the
  answer lists the month/scheme totals that agree and those that differ. Nothing is stored.
Only the area's pool manager may use them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carepool.errors import InputError, ValidationFailed
from carepool.findings import Finding, error
from carepool.money import Money
from carepool.services import ledger, ledger_reconcile
from carepool.services.users import User
from carepool.web.pool_forms import managed_area, pool_context, saved_upload
from carepool.web.render import render
from carepool.web.session import CheckedForm, current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
SPREADSHEETS = (".csv", ".xlsx")
MAPPINGS = (".csv", ".yaml", ".yml")


def _refused(exc: InputError | ValidationFailed, file: str) -> list[Finding]:
    if isinstance(exc, ValidationFailed):
        return list(exc.findings)
    return [error("file", str(exc), file=file)]


@router.get("/areas/{code}/ledger/payments", response_class=HTMLResponse)
def payments_page(request: Request, code: str, user: CurrentUser, posted: int | None = None, skipped: int = 0,
                  pence: int = 0) -> Response:
    area = managed_area(user, code)
    done = None if posted is None else (posted, skipped, Money(pence))
    return render(request, "pool_payments.html", pool_context(request, user, area, findings=[], done=done))


@router.post("/areas/{code}/ledger/payments")
def payments_upload(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    area = managed_area(user, code)
    with tempfile.TemporaryDirectory(prefix="carepool-payments-") as tmp:
        saved = saved_upload(request, form, "payments", SPREADSHEETS, "a payments file", Path(tmp))
        if isinstance(saved, Finding):
            return render(request, "pool_payments.html", pool_context(request, user, area, findings=[saved]),
                          status_code=422)
        try:
            done = ledger.import_spend(store_of(request), saved, area.code, actor=user.email)
        except (InputError, ValidationFailed) as exc:
            findings = _refused(exc, saved.name)
            try:
                cells = ledger.spend_file_cells(saved)
            except InputError:
                cells = {}
            return render(request, "pool_payments.html", pool_context(
                request, user, area, findings=findings, cells=cells, filename=saved.name), status_code=422)
    return RedirectResponse(f"/areas/{area.code}/ledger/payments?posted={done.posted}&skipped={done.skipped}"
                            f"&pence={done.amount.pence}", status_code=303)


@router.get("/areas/{code}/ledger/reconcile", response_class=HTMLResponse)
def reconcile_page(request: Request, code: str, user: CurrentUser) -> Response:
    area = managed_area(user, code)
    return render(request, "pool_reconcile.html", pool_context(request, user, area, findings=[], result=None))


@router.post("/areas/{code}/ledger/reconcile", response_class=HTMLResponse)
def reconcile(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    area = managed_area(user, code)
    year = year_of(request)
    with tempfile.TemporaryDirectory(prefix="carepool-reconcile-") as tmp:
        extract = saved_upload(request, form, "extract", SPREADSHEETS, "the host's ledger extract", Path(tmp))
        mapping = saved_upload(request, form, "mapping", MAPPINGS, "the mapping of host codes", Path(tmp))
        missing = [f for f in (extract, mapping) if isinstance(f, Finding)]
        if missing or not isinstance(extract, Path) or not isinstance(mapping, Path):
            return render(request, "pool_reconcile.html", pool_context(request, user, area, findings=missing,
                                                                        result=None), status_code=422)
        try:
            result = ledger_reconcile.reconcile_host_extract(store_of(request), extract, mapping, area.code, year)
        except (InputError, ValidationFailed) as exc:
            return render(request, "pool_reconcile.html", pool_context(
                request, user, area, findings=_refused(exc, extract.name), result=None), status_code=422)
    return render(request, "pool_reconcile.html", pool_context(
        request, user, area, findings=[], result=result, money=Money, files=(extract.name, mapping.name)))
