"""``/map``: a tile grid of the 151 areas coloured by the SPC variation of one metric, with a legend and a table.

The colours are the Making Data Count variation of each area's published monthly series
(services/dashboard.area_variations, the dashboard's own), so the map and the dashboard agree.
Tile positions are derived from region and area order (web/tile_map.py), not a published layout.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carepool.reference import load_reference
from carepool.services import dashboard
from carepool.services.users import User
from carepool.web.render import render
from carepool.web.session import current_user
from carepool.web.tile_map import tile_map

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]


@router.get("/map", response_class=HTMLResponse)
def area_map(request: Request, user: CurrentUser,
             metric: Annotated[Literal["admissions", "delayed"], Query()] = "admissions") -> Response:
    icons = dashboard.area_variations()[metric]
    grid = tile_map(load_reference().areas.values(), icons, dashboard.NO_DATA)
    counts = Counter(t.icon for t in grid.tiles)
    legend = [(icon, label, counts.get(icon, 0)) for icon, label in dashboard.VARIATION_LABELS.items()]
    return render(request, "map.html", {
        "grid": grid, "metric": metric, "metrics": dashboard.METRICS, "legend": legend,
        "label": dashboard.variation_label, "linked": {t.code for t in grid.tiles if user.can_see(t.code)}})
