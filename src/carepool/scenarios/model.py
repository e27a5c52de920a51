"""Pooling scenarios as data (``scenarios/data/*.yaml``): what each area would pool.

A scenario names published national totals (with source and status), the components of the
pool (a share of a national total, or streams of the programme year's derived minimums) and a
stress test for the risk share. Nothing per area is stored: it is derived, and said so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from carepool.errors import ConfigurationError, InputError
from carepool.money import Money, parse_money

SCENARIOS_DIR = Path(__file__).parent / "data"
BASES = ("population_all_ages", "population_18_plus", "population_65_plus")
LEADS = ("ccg", "la", "larger")
# "estimate-unverified": a figure we use as an estimate but could not check against its source;
# every output that shows it labels it so. "to-verify" is the older spelling, still read.
STATUSES = ("published", "estimate-unverified", "to-verify")
STATUS_LABELS = {"published": "published", "estimate-unverified": "unverified estimate",
                 "to-verify": "unverified estimate"}


def status_label(status: str) -> str:
    """Words for a national total's status, as every output shows it ('unverified estimate')."""
    return STATUS_LABELS.get(status, status)


@dataclass(frozen=True, slots=True)
class NationalTotal:
    id: str
    name: str
    contributor: str       # "ccg" or "la"
    amount: Money
    basis: str
    source: str
    status: str            # "published" or "estimate-unverified" (see STATUSES)

    @property
    def verified(self) -> bool:
        return self.status == "published"

    @property
    def label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    name: str
    source: str                    # a national total id, or "programme"
    share: Fraction = Fraction(1)
    streams: tuple[str, ...] = ()  # for "programme": which streams (empty: every stream)


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    name: str
    programme: str
    totals: tuple[NationalTotal, ...]
    components: tuple[Component, ...]
    caveats: tuple[str, ...]
    overspend_pct: Decimal
    lead: str
    source_file: str

    def total(self, total_id: str) -> NationalTotal:
        for t in self.totals:
            if t.id == total_id:
                return t
        raise KeyError(total_id)


def available_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))


@lru_cache(maxsize=16)
def load_scenario(id_or_path: str) -> Scenario:
    """A packaged scenario by id ('whole-budget') or a YAML file by path."""
    path = Path(id_or_path)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        path = SCENARIOS_DIR / f"{id_or_path}.yaml"
        if not path.exists():
            raise ConfigurationError(f"unknown scenario '{id_or_path}' (known: {', '.join(available_scenarios())})")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path}: not valid YAML: {exc}") from exc
    return parse_scenario(raw, str(path))


def _need(raw: Any, key: str, where: str) -> Any:
    if not isinstance(raw, dict) or key not in raw:
        raise ConfigurationError(f"{where}: missing key '{key}'")
    return raw[key]


def parse_scenario(raw: Any, where: str) -> Scenario:
    totals: list[NationalTotal] = []
    for i, t in enumerate(_need(raw, "national_totals", where)):
        at = f"{where}.national_totals[{i}]"
        try:
            amount = parse_money(str(_need(t, "amount", at)), allow_suffix=True)
        except InputError as exc:
            raise ConfigurationError(f"{at}.amount: {exc}") from exc
        contributor, basis, status = str(_need(t, "contributor", at)), str(_need(t, "basis", at)), str(
            t.get("status", ""))
        if contributor not in ("ccg", "la"):
            raise ConfigurationError(f"{at}.contributor: 'ccg' or 'la'")
        if basis not in BASES:
            raise ConfigurationError(f"{at}.basis: one of {', '.join(BASES)}")
        if status not in STATUSES:
            raise ConfigurationError(f"{at}.status: one of {', '.join(STATUSES)}")
        if not str(t.get("source", "")).strip():
            raise ConfigurationError(f"{at}.source: every national total must name its source")
        totals.append(NationalTotal(str(_need(t, "id", at)), str(_need(t, "name", at)), contributor, amount, basis,
                                    str(t["source"]), status))
    ids = {t.id for t in totals}
    components: list[Component] = []
    for i, c in enumerate(_need(raw, "components", where)):
        at = f"{where}.components[{i}]"
        source = str(_need(c, "from", at))
        if source != "programme" and source not in ids:
            raise ConfigurationError(f"{at}.from: '{source}' is neither 'programme' nor a national total")
        try:
            share = Fraction(str(c.get("share", "1")))
        except (ValueError, ZeroDivisionError) as exc:
            raise ConfigurationError(f"{at}.share: write a fraction like '1/10'") from exc
        if not 0 <= share <= 1:
            raise ConfigurationError(f"{at}.share: must be between 0 and 1")
        components.append(Component(str(_need(c, "id", at)), str(_need(c, "name", at)), source, share,
                                    tuple(str(s) for s in c.get("streams", []) or [])))
    risk = _need(raw, "risk", where)
    try:
        overspend = Decimal(str(_need(risk, "overspend_pct", f"{where}.risk")))
    except InvalidOperation as exc:
        raise ConfigurationError(f"{where}.risk.overspend_pct: not a number") from exc
    lead = str(risk.get("lead", "larger"))
    if lead not in LEADS:
        raise ConfigurationError(f"{where}.risk.lead: one of {', '.join(LEADS)}")
    if not 0 <= overspend <= 100:
        raise ConfigurationError(f"{where}.risk.overspend_pct: between 0 and 100")
    return Scenario(str(_need(raw, "id", where)), str(_need(raw, "name", where)), str(_need(raw, "programme", where)),
                    tuple(totals), tuple(components), tuple(str(c) for c in raw.get("caveats", []) or []),
                    overspend, lead, where)
