"""Pooling-scenario use cases: what can be compared, a comparison, who may see which rows, a chart.

A comparison is derived from the shipped reference data and scenario files only (nothing in
the store), so it is computed once per pair and kept. National totals that are unverified
estimates carry that label into every output (``unverified`` in the report's totals).

People see: national roles and analysts the whole of England (every area, every partner);
other local users only their own areas' rows and those areas' partners.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from carepool.errors import InputError
from carepool.exchange.scenario_chart import write_scenario_chart
from carepool.programme import load_programme
from carepool.programme.load import available_programmes
from carepool.reference import load_reference
from carepool.scenarios.compare import compare
from carepool.scenarios.model import available_scenarios, load_scenario
from carepool.scenarios.pools import picture
from carepool.services.users import Role, User

DEFAULT_BASE = "bcf-2015-16"
DEFAULT_OTHER = "whole-budget"


@dataclass(frozen=True)
class Choice:
    id: str
    name: str
    kind: str     # "programme" (a year that ran) or "scenario"


def choices() -> list[Choice]:
    """Programme years and packaged scenarios, in that order."""
    out = [Choice(y, load_programme(y).name, "programme") for y in available_programmes()
           if y not in available_scenarios()]
    out += [Choice(s, load_scenario(s).name, "scenario") for s in available_scenarios()]
    return out


def _known(name: str, where: str) -> str:
    ids = [c.id for c in choices()]
    if name not in ids:
        raise InputError(f"unknown programme year or scenario '{name}'; one of {', '.join(ids)}", where=where)
    return name


@lru_cache(maxsize=32)
def _compare(base: str, other: str) -> dict[str, Any]:
    ref = load_reference()
    return compare(picture(base, ref), picture(other, ref), ref)


def comparison(base: str, other: str, *, files: bool = False) -> dict[str, Any]:
    """``compare`` of two packaged pictures (ids only), or, with ``files``, scenario YAML paths too.

    The web passes ids only (never a path); the CLI may name a scenario file.
    """
    if not files:
        return _compare(_known(base, "base"), _known(other, "other"))
    ref = load_reference()
    return compare(picture(base, ref), picture(other, ref), ref)


def unverified_totals(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The national totals either side relies on that are unverified estimates (each once)."""
    seen: dict[str, dict[str, Any]] = {}
    for side in ("base", "other"):
        for t in report[side].get("totals", []):
            if not t["verified"]:
                seen.setdefault(t["id"], t)
    return list(seen.values())


def sees_england(user: User) -> bool:
    """National roles and analysts see every area and the national figures."""
    return user.national or user.role is Role.ANALYST


@dataclass(frozen=True)
class ScenarioView:
    report: dict[str, Any]
    national: bool                    # the user sees England as a whole
    areas: list[dict[str, Any]]       # area rows the user may see, largest pool (other) first
    partners: list[dict[str, Any]]    # partner rows the user may see, largest change first
    unverified: list[dict[str, Any]]


def view_for(user: User, base: str = DEFAULT_BASE, other: str = DEFAULT_OTHER) -> ScenarioView:
    """The comparison as this user may see it."""
    report = comparison(base, other)
    national = sees_england(user)
    areas = [a for a in report["areas"] if national or user.can_see(a["area_code"])]
    areas.sort(key=lambda a: (-a["other_pence"], a["area_code"]))
    if national:
        partners = sorted(report["partners"], key=lambda p: (-abs(p["change_pence"]), p["partner"]))
    else:
        ref = load_reference()
        partners = []
        for a in areas:
            for p in a["partners"]:
                name = (ref.areas[p["partner"]].name + " Council" if p["kind"] == "la"
                        else _ccg_name(p["partner"]))
                partners.append({**p, "name": f"{name} (in {a['area_name']})"})
    return ScenarioView(report, national, areas, partners, unverified_totals(report))


def _ccg_name(code: str) -> str:
    try:
        return load_reference().ccg(code).name
    except Exception:   # an unknown code shows as itself
        return code


def write_chart(report: dict[str, Any], out: Path) -> Path:
    """Draw the comparison to ``out`` (.png or .svg), captioned as derived figures."""
    return write_scenario_chart(report, out)
