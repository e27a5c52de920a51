"""Which programme year the pages show: chosen with ``?year=`` (the dashboard's year selector,
or any link), kept in the session, else the configured year (``CAREPOOL_WEB_YEAR``, or the
demo's), else the latest year the store has plans for.

Every page and API call that reads or changes a plan asks :func:`year_of`, so the dashboard, an
area page and its decision forms all speak of the same year; decision forms also post the year
they showed (``pages_workflow.shown_year``), so a form from another tab acts on the year it showed.
"""

from __future__ import annotations

from fastapi import Request

from carepool.errors import InputError
from carepool.services import areas
from carepool.web.render import TEMPLATES

YEAR_KEY = "year"


def year_of(request: Request) -> str:
    """The programme year of this request (an unknown ``?year=`` is a 422 naming the known ones)."""
    asked = request.query_params.get(YEAR_KEY)
    if asked:
        chosen = areas.known_year(asked.strip())
        if "session" in request.scope and request.session.get(YEAR_KEY) != chosen:
            request.session[YEAR_KEY] = chosen
        return chosen
    if "session" in request.scope:
        kept = request.session.get(YEAR_KEY)
        if isinstance(kept, str) and kept:
            try:
                return areas.known_year(kept)
            except InputError:           # a year file removed since: fall back to the default
                request.session.pop(YEAR_KEY, None)
    cached: str | None = getattr(request.state, "default_year", None)
    if cached is None:
        cached = areas.default_year(request.app.state.store, request.app.state.settings.year)
        request.state.default_year = cached
    return cached


def year_choices(request: Request) -> list[areas.YearChoice]:
    return areas.year_choices(request.app.state.store)


TEMPLATES.env.globals["year_of"] = year_of
TEMPLATES.env.globals["year_choices"] = year_choices
