"""Server-rendered pages: Jinja2 templates with the NHS.UK design system's classes.

Every page gets the signed-in user and the session's CSRF token, so each form can carry it.
Autoescaping is on for every template.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from carepool.web import amounts, charts
from carepool.web.session import csrf_token, signed_in
from carepool.web.table_cells import cell

TEMPLATES = Jinja2Templates(directory=str(resources.files("carepool.web") / "templates"))
# rounded overview amounts and chart shares, for every template (_amount.html, _bars.html)
TEMPLATES.env.globals.update(short=amounts.short, exact=amounts.exact, share=charts.share)
TEMPLATES.env.globals["table_cell"] = cell   # exported by _table.html as `cell`
TEMPLATES.env.auto_reload = False     # packaged templates never change under a running server: no stat per lookup


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    full = {"user": signed_in(request), "csrf": csrf_token(request), **context}
    return TEMPLATES.TemplateResponse(request, name, full, status_code=status_code)
