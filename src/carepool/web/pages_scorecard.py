"""``/scorecard``: the Health and Wellbeing Board scorecard (rank, score, intervals) from stored evidence.

Linked from the dashboard. National roles see every area; local users see their own areas'
rows (their rank is still among all areas). The method and what evidence was used are shown.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from carepool.services import scorecard
from carepool.services.users import User
from carepool.web.render import render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]


@router.get("/scorecard", response_class=HTMLResponse)
def scorecard_page(request: Request, user: CurrentUser) -> Response:
    card = scorecard.scorecard(store_of(request), year_of(request))
    names = {s.id: s.name for s in card.method.indicators}
    return render(request, "scorecard.html", {"card": card, "rows": scorecard.rows_for(user, card),
                                              "names": names, "level": int(card.method.level * 100)})
