"""JSON reads behind the analyst's and the auditor's pages: the year's series choices, one area's XmR
chart of a series (``services.analysis``), and whether the sharing audit log is intact.

The same permissions as the pages: a series for the areas the user may see; the audit status for
the roles that read the audit trail (national only).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from carepool.services import analysis, sharing_audit
from carepool.services.users import User
from carepool.web.area_data import visible_area
from carepool.web.errors import ERROR_RESPONSES
from carepool.web.pages_audit import reader
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)
CurrentUser = Annotated[User, Depends(current_user)]


class SeriesChoiceOut(BaseModel):
    id: str
    name: str
    source: str
    held: bool
    better: str


class PointOut(BaseModel):
    month: str
    value: float
    mean: float
    lower_process_limit: float
    upper_process_limit: float
    point_type: str
    special_cause: bool


class SeriesOut(BaseModel):
    programme_year: str
    area: str
    series: SeriesChoiceOut
    variation: str
    points: list[PointOut]


class FindingOut(BaseModel):
    rule: str
    severity: str
    message: str


class AuditStatusOut(BaseModel):
    intact: bool
    keyed: bool
    entries: int
    head: int | None
    findings: list[FindingOut]


def _choice_out(c: analysis.SeriesChoice) -> SeriesChoiceOut:
    return SeriesChoiceOut(id=c.id, name=c.name, source=c.source, held=c.held, better=c.better)


@router.get("/analysis/series", response_model=list[SeriesChoiceOut],
            summary="The programme year's metrics and published series, and which carepool holds")
def series_choices(request: Request, user: CurrentUser) -> list[SeriesChoiceOut]:
    return [_choice_out(c) for c in analysis.choices(year_of(request))]


@router.get("/analysis/series/{series_id}", response_model=SeriesOut,
            summary="One area's monthly series as a Making Data Count (XmR) chart")
def series(request: Request, series_id: str, user: CurrentUser,
           area: Annotated[str, Query(max_length=64)]) -> SeriesOut:
    year = year_of(request)
    place = visible_area(user, area)
    chart = analysis.area_chart(year, series_id, place.code)
    points = [PointOut(month=p.date.strftime("%Y-%m"), value=p.value, mean=p.mean, lower_process_limit=p.lpl,
                       upper_process_limit=p.upl, point_type=p.point_type.value, special_cause=p.special_cause_flag)
              for p in chart.result.points]
    return SeriesOut(programme_year=year, area=place.code, series=_choice_out(chart.choice),
                     variation=chart.result.variation.value, points=points)


@router.get("/audit", response_model=AuditStatusOut, summary="Whether the sharing audit log is intact (read-only)")
def audit_status(request: Request, user: CurrentUser) -> AuditStatusOut:
    reader(user)
    log = sharing_audit.read_log(store_of(request))
    return AuditStatusOut(intact=log.intact, keyed=log.keyed, entries=len(log.entries), head=log.head_seq,
                          findings=[FindingOut(rule=f.rule, severity=f.severity.value, message=f.message)
                                    for f in log.findings])
