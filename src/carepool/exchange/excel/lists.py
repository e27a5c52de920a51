"""The hidden "Lists" sheet: the drop-down choices of a programme year.

The writer fills it; the reader compares it with the year's rules, so a list someone
unhid and extended (to slip in a stream the year does not have) is reported.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from carepool.exchange.excel.layout import EXISTING, NEW, NO, PARTNER_KINDS, YES
from carepool.findings import Finding, warning
from carepool.programme.model import ProgrammeYear

# name used by Column.choices -> header on the Lists sheet
LIST_HEADERS = {
    "scheme_types": "Scheme types",
    "areas_of_spend": "Areas of spend",
    "commissioners": "Commissioners",
    "streams": "Funding streams",
    "yesno": "Yes/No",
    "newexisting": "New/Existing",
    "kinds": "Partner kinds",
    "models": "Commissioning models",
    "governance": "Governance",
    "plan_years": "Plan years",
}


def year_lists(year: ProgrammeYear) -> dict[str, tuple[str, ...]]:
    """Every drop-down list of ``year``, in Lists-sheet column order."""
    return {
        "scheme_types": year.scheme_types,
        "areas_of_spend": year.areas_of_spend,
        "commissioners": year.commissioners,
        "streams": year.stream_ids(),
        "yesno": (YES, NO),
        "newexisting": (NEW, EXISTING),
        "kinds": tuple(PARTNER_KINDS.values()),
        "models": year.commissioning_models,
        "governance": year.governance_forms,
        "plan_years": year.plan_years,
    }


def list_column(name: str) -> str:
    """Column letter of a list on the Lists sheet."""
    return str(get_column_letter(list(LIST_HEADERS).index(name) + 1))


def list_range(name: str, length: int) -> str:
    """Absolute reference of a list's values, for a drop-down's formula."""
    col = list_column(name)
    return f"Lists!${col}$2:${col}${max(length, 1) + 1}"


def _difference(found: list[Any], expected: tuple[str, ...], year_id: str) -> tuple[int, str] | None:
    """Index and description of the first place ``found`` differs from ``expected``."""
    for i in range(max(len(found), len(expected))):
        have = found[i] if i < len(found) else None
        want = expected[i] if i < len(expected) else None
        if have == want:
            continue
        if want is None:
            return i, f"holds {have!r}, which {year_id} does not have"
        if have is None:
            return i, f"lacks {want!r}"
        return i, f"holds {have!r} where {year_id} has {want!r}"
    return None


LIST_SLACK = 50


def check_lists(ws: Worksheet, year: ProgrammeYear, file: str) -> list[Finding]:
    """Warn where the Lists sheet differs from the year's rules (someone unhid and edited it)."""
    out: list[Finding] = []
    for name, expected in year_lists(year).items():
        col = list_column(name)
        # the year's own list length bounds the look (plus room to see values added after it)
        found = [ws[f"{col}{r}"].value for r in range(2, len(expected) + 2 + LIST_SLACK)]
        while found and found[-1] is None:
            found.pop()
        diff = _difference(found, expected, year.id)
        if diff is not None:
            out.append(warning(
                "XL-LISTS", f"the hidden Lists sheet has been changed: the {LIST_HEADERS[name]} list {diff[1]}; "
                "drop-downs may offer values the import refuses",
                file=file, sheet=ws.title, cell=f"{col}{diff[0] + 2}"))
    return out
