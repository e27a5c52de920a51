"""Published allocations per programme year (a file per year, any coverage, each row sourced).

A published figure for a partner is enforced when a plan is validated; where none is
published, carepool derives one from the national amounts, and that is only advice. The files
are ``reference/data/allocations/<year id>.csv`` (built from the shared partial file by
``allocations/build.py``; see SOURCES.md). A year with no file simply has no published figures.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from carepool.money import Money
from carepool.reference.load import data_path

NHS_MINIMUM_TOTAL = "nhs_minimum_total"   # a partner's whole NHS minimum contribution


@dataclass(frozen=True, slots=True)
class PublishedAllocation:
    year_id: str
    plan_year: str
    partner_kind: str      # ccg, icb, upper_tier_council, district_council
    partner_code: str
    partner_name: str
    area_code: str         # "" when the partner's figure spans several areas
    stream: str            # a stream family of the year, or NHS_MINIMUM_TOTAL
    amount: Money
    publisher: str
    publication: str
    url: str

    @property
    def source(self) -> str:
        return f"{self.publisher}: {self.publication}"


@lru_cache(maxsize=16)
def load_allocations(year_id: str) -> tuple[PublishedAllocation, ...]:
    path = data_path(f"allocations/{year_id}.csv")
    if not path.exists():
        return ()
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(
            PublishedAllocation(
                year_id=year_id, plan_year=r["plan_year"], partner_kind=r["partner_kind"],
                partner_code=r["partner_code"], partner_name=r["partner_name"], area_code=r["area_code"],
                stream=r["stream"], amount=Money.pounds(r["amount_gbp"]), publisher=r["publisher"],
                publication=r["publication"], url=r["url"],
            )
            for r in csv.DictReader(handle)
        )


def allocations_for(year_id: str, area_code: str, partner_codes: set[str]) -> tuple[PublishedAllocation, ...]:
    """The published figures that bind a plan: its partners' figures for this area.

    A figure published for a partner across several areas (a CCG serving two, with no per-area
    split) binds no single plan and is not returned.
    """
    return tuple(a for a in load_allocations(year_id)
                 if a.partner_code in partner_codes and a.area_code == area_code)
