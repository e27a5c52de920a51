"""Plan areas as a programme year sees them: the year's geography vintage, the years a store has
plans for, and the year the web shows first.

A year on the 2023 vintage has 153 areas (North Yorkshire E06000065, Somerset E06000066, ...);
earlier years have the 2015 areas. The 2019 and 2021 vintages are named by their years but not
shipped, so those years use the 2015 areas, as plan validation does (``services.plans``). An
area code of another vintage is refused with the message naming its successor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from carepool.errors import InputError, NotFound
from carepool.programme import available_programmes, load_programme
from carepool.reference.geography import Geography, Icb, PlanArea
from carepool.reference.load_geography import geography_2015, geography_2023
from carepool.services.read_scope import once
from carepool.store.db import Store
from carepool.store.plan_tables import PlanRow

FALLBACK_YEAR = "bcf-2015-16"     # the year shown when the store has no plans and none is configured


def geography_of(year_id: str) -> Geography:
    """The geography a year's plans are checked against (2023, or the 2015 areas)."""
    return geography_2023() if load_programme(year_id).vintage == "2023" else geography_2015()


def year_area(code: str, year_id: str) -> PlanArea:
    """The area in the year's geography; NotFound naming the successor of an old code."""
    year = load_programme(year_id)
    try:
        return geography_of(year.id).area(code.strip().upper())
    except NotFound as exc:
        raise NotFound(f"{year.name}: {exc}") from None


def counterparts(code: str, year_id: str) -> tuple[PlanArea, ...]:
    """For a code of another vintage, the year's areas it corresponds to: the areas that replaced
    an old code (Somerset E10000027 -> E06000066), or the area a newer code was part of in 2015
    (North Yorkshire E06000065 -> E10000023). Empty for a code of the year or an unknown one."""
    geography = geography_of(year_id)
    code = code.strip().upper()
    if geography.knows(code):
        return ()
    found = [*geography.successors(code), *([geography.later_codes[code]] if code in geography.later_codes else [])]
    return tuple(geography.areas[c] for c in found if c in geography.areas)


def any_area(code: str) -> PlanArea:
    """An area of the 2015 or the 2023 geography (the 2015 one first, as every earlier year uses it)."""
    code = code.strip().upper()
    for geography in (geography_2015(), geography_2023()):
        if geography.knows(code):
            return geography.area(code)
    raise NotFound(f"'{code}' is not a Health and Wellbeing Board area code of the 2015 or the 2023 geography; "
                   f"{geography_2023().explain(code)}")


def account_area(code: str) -> str:
    """The code an account keeps for an area: exact in either vintage (Isles of Scilly is its own
    area in 2023), else the 2015 area a council planned with; NotFound (naming a successor) otherwise."""
    code = code.strip().upper()
    g15, g23 = geography_2015(), geography_2023()
    if code in g15.areas or code in g23.areas:
        return code
    if g15.knows(code):
        return g15.area(code).code
    if code in g23.predecessors:
        raise NotFound(f"area: {g23.explain(code)}")
    raise NotFound(f"area: '{code}' is not a Health and Wellbeing Board area code of the 2015 or the 2023 geography")


def icb(code: str) -> Icb:
    """An ICB of the 2023 geography by ODS, ONS or July 2022 code."""
    return geography_2023().icb(code.strip().upper())


def icb_areas(code: str) -> tuple[str, ...]:
    """The areas an ICB serves (and so partners in their plans), in code order."""
    found = icb(code)
    return tuple(sorted({s.area_code for s in geography_2023().shares if s.icb_code == found.code}))


def years_with_plans(store: Store) -> list[str]:
    """Programme years the store holds plans for, earliest first."""
    return once(store, "years_with_plans", lambda: _read_years_with_plans(store))


def _read_years_with_plans(store: Store) -> list[str]:
    with store.transaction() as session:
        stored = set(session.scalars(select(PlanRow.year).distinct()))
    return [y for y in available_programmes() if y in stored]


def default_year(store: Store, configured: str | None = None) -> str:
    """The configured year, else the latest year with plans, else 2015-16."""
    if configured:
        return load_programme(configured).id
    stored = years_with_plans(store)
    return stored[-1] if stored else FALLBACK_YEAR


@dataclass(frozen=True)
class YearChoice:
    id: str
    name: str
    vintage: str
    plans: bool           # the store holds plans for it


def year_choices(store: Store) -> list[YearChoice]:
    """Every shipped programme year, saying which have plans (the web's year selector)."""
    stored = set(years_with_plans(store))
    return [YearChoice(y, load_programme(y).name, load_programme(y).vintage, y in stored)
            for y in available_programmes()]


def known_year(year_id: str) -> str:
    """The id of a shipped programme year; InputError listing them otherwise."""
    if year_id not in available_programmes():
        raise InputError(f"unknown programme year '{year_id}'; one of {', '.join(available_programmes())}",
                         where="year")
    return year_id


def replaced_message(code: str, year_id: str) -> str:
    """Why ``code`` is not an area of the year (naming its successor), or '' when it is one."""
    try:
        year_area(code, year_id)
    except NotFound as exc:
        return str(exc)
    return ""
