"""``/programmes/compare``: two programme years side by side (streams, conditions, metrics, rules).

The rules of the fund are public, so every signed-in user may read this page. It calls the same
service as ``carepool programme compare``; a year that is not shipped is refused with 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from carepool.services import programmes
from carepool.services.users import User
from carepool.web.render import render
from carepool.web.session import current_user

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
DEFAULT_A, DEFAULT_B = "bcf-2015-16", "bcf-2025-26"


@router.get("/programmes/compare", response_class=HTMLResponse)
def programme_compare_page(request: Request, user: CurrentUser,
                           a: Annotated[str, Query(max_length=32)] = DEFAULT_A,
                           b: Annotated[str, Query(max_length=32)] = DEFAULT_B) -> Response:
    years = programmes.listing()
    known = {y["id"] for y in years}
    for value in (a, b):
        if value not in known:
            raise HTTPException(422, f"unknown programme year '{value}'; one of {', '.join(sorted(known))}")
    return render(request, "programme_compare.html", {"c": programmes.compare(a, b), "years": years,
                                                      "a": a, "b": b, "user": user})
