"""``/scenarios``: compare two pooling pictures (a programme year or a scenario file) in the browser.

Pool sizes per area and nationally, money at risk under each risk-share rule, what changes for
each partner, and an inline SVG chart (no JavaScript). National roles and analysts see England
and every area; other local users see their own areas' rows and partners only. National totals
that are unverified estimates are labelled so wherever they show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carepool.money import Money
from carepool.services import scenarios
from carepool.services.users import User
from carepool.web.render import render
from carepool.web.session import current_user

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
CCG_COLOUR = "#005eb8"   # NHS blue
LA_COLOUR = "#ed8b00"    # NHS warm yellow
RULE_NAMES = {"fixed-50-50": "Fixed 50/50", "proportional": "In proportion to contributions",
              "lead-commissioner": "Lead commissioner bears it"}


@dataclass(frozen=True)
class Bar:
    label: str
    x: int
    ccg_y: float
    ccg_h: float
    la_y: float
    la_h: float
    ccg: Money
    la: Money

    @property
    def total(self) -> Money:
        return self.ccg + self.la


@dataclass(frozen=True)
class Panel:
    title: str
    bars: list[Bar]
    x: int


TOP, HEIGHT, WIDTH = 40, 200, 110   # bar area of each panel, in SVG units


def _panel(title: str, x0: int, items: list[tuple[str, int, int]]) -> Panel:
    biggest = max((c + la for _, c, la in items), default=0) or 1
    bars: list[Bar] = []
    for i, (label, ccg, la) in enumerate(items):
        ccg_h, la_h = HEIGHT * ccg / biggest, HEIGHT * la / biggest
        base = TOP + HEIGHT
        bars.append(Bar(label, x0 + 20 + i * WIDTH, round(base - ccg_h, 1), round(ccg_h, 1),
                        round(base - ccg_h - la_h, 1), round(la_h, 1), Money(ccg), Money(la)))
    return Panel(title, bars, x0)


def chart(report: dict[str, Any]) -> list[Panel]:
    """Two panels: England's pool by partner side, and who bears the money at risk by rule."""
    nat = report["national"]
    pools = _panel("Pool size, England", 0, [
        (report["base"]["id"], nat["ccg_base_pence"], nat["la_base_pence"]),
        (report["other"]["id"], nat["ccg_other_pence"], nat["la_other_pence"])])
    risk = _panel(f"Money at risk under {report['other']['id']}", 260, [
        (RULE_NAMES.get(rule, rule), split["ccg_pence"], split["la_pence"])
        for rule, split in nat["risk_by_rule"]["other"].items()])
    return [pools, risk]


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, user: CurrentUser,
                         base: Annotated[str, Query(max_length=64)] = scenarios.DEFAULT_BASE,
                         other: Annotated[str, Query(max_length=64)] = scenarios.DEFAULT_OTHER,
                         partners: Annotated[int, Query(ge=1, le=1000)] = 25) -> Response:
    view = scenarios.view_for(user, base, other)
    return render(request, "scenario_compare.html", {
        "view": view, "r": view.report, "base": base, "other": other, "choices": scenarios.choices(),
        "panels": chart(view.report) if view.national else [], "shown_partners": view.partners[:partners],
        "partners_limit": partners, "rule_names": RULE_NAMES, "m": lambda p: Money(p).millions(),
        "ccg_colour": CCG_COLOUR, "la_colour": LA_COLOUR,
        "estimated": {t["contributor"] for t in view.unverified}})
