"""Load programme years from YAML files: the packaged ones by id, or any file by path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carepool.errors import ConfigurationError, InputError
from carepool.money import Money, parse_money
from carepool.programme.model import (
    Condition,
    FundingStream,
    MetricSpec,
    PerformanceRules,
    ProgrammeYear,
    RingFence,
)


def years_dir() -> Path:
    return Path(str(resources.files("carepool.programme") / "years"))


def available_programmes() -> list[str]:
    return sorted(p.stem for p in years_dir().glob("*.yaml"))


@lru_cache(maxsize=32)
def load_programme(id_or_path: str) -> ProgrammeYear:
    """A packaged year by id ('bcf-2015-16') or a YAML file by path."""
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        path = candidate
    else:
        path = years_dir() / f"{id_or_path}.yaml"
        if not path.exists():
            known = ", ".join(available_programmes())
            raise ConfigurationError(f"unknown programme year '{id_or_path}' (known: {known})")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path}: not valid YAML: {exc}") from exc
    return parse_programme(raw, str(path))


class _Reader:
    """Typed access to a YAML mapping that names the file and key in every error."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ConfigurationError(f"{where}: expected a mapping")
        self.data = data
        self.where = where

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise ConfigurationError(f"{self.where}: missing key '{key}'")
        return self.data[key]

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default) if default is not None else self._get(key)
        if not isinstance(value, str):
            raise ConfigurationError(f"{self.where}.{key}: expected text, got {value!r}")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self.data.get(key)
        return None if value is None else self.text(key)

    def money(self, key: str) -> Money:
        try:
            return parse_money(str(self._get(key)), allow_suffix=True)
        except InputError as exc:
            raise ConfigurationError(f"{self.where}.{key}: {exc}") from exc

    def opt_money(self, key: str) -> Money | None:
        return None if self.data.get(key) is None else self.money(key)

    def decimal(self, key: str) -> Decimal:
        try:
            return Decimal(str(self._get(key)))
        except InvalidOperation as exc:
            raise ConfigurationError(f"{self.where}.{key}: not a number") from exc

    def day(self, key: str) -> date:
        value = self._get(key)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise ConfigurationError(f"{self.where}.{key}: not an ISO date: {value!r}") from exc

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise ConfigurationError(f"{self.where}.{key}: expected true or false")
        return value

    def strings(self, key: str, default: list[str] | None = None) -> tuple[str, ...]:
        value = self.data.get(key, default) if default is not None else self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigurationError(f"{self.where}.{key}: expected a list of text")
        return tuple(value)

    def items(self, key: str) -> list[_Reader]:
        value = self._get(key)
        if not isinstance(value, list):
            raise ConfigurationError(f"{self.where}.{key}: expected a list")
        return [_Reader(v, f"{self.where}.{key}[{i}]") for i, v in enumerate(value)]

    def section(self, key: str) -> _Reader:
        return _Reader(self._get(key), f"{self.where}.{key}")


_CONTRIBUTORS = {"ccg", "la", "any"}
_BASES = {"population_all_ages", "population_18_plus", "population_65_plus", "population_60_plus"}


def parse_programme(raw: Any, where: str) -> ProgrammeYear:
    r = _Reader(raw, where)
    streams = []
    for s in r.items("funding_streams"):
        contributor = s.text("contributor")
        basis = s.opt_text("basis")
        if contributor not in _CONTRIBUTORS:
            raise ConfigurationError(f"{s.where}.contributor: one of {sorted(_CONTRIBUTORS)}")
        if basis is not None and basis not in _BASES:
            raise ConfigurationError(f"{s.where}.basis: one of {sorted(_BASES)}")
        amount = s.opt_money("national_amount")
        if amount is not None and basis is None:
            raise ConfigurationError(f"{s.where}: a national amount needs a basis to split it")
        streams.append(FundingStream(
            id=s.text("id"), name=s.text("name"), contributor=contributor, kind=s.text("kind"),
            national_amount=amount, basis=basis, must_pool=s.flag("must_pool"),
            source=s.text("source", ""),
        ))
    ring_fences = [
        RingFence(
            id=f.text("id"), name=f.text("name"), national_amount=f.money("national_amount"),
            basis=f.text("basis"), funded_by=f.text("funded_by"),
            areas_of_spend=f.strings("areas_of_spend", []),
            scheme_types=f.strings("scheme_types", []), source=f.text("source", ""),
        )
        for f in (r.items("ring_fences") if "ring_fences" in r.data else [])
    ]
    p = r.section("performance")
    shares = p.strings("quarter_shares")
    try:
        quarter_shares = tuple(Fraction(s) for s in shares)
    except ValueError as exc:
        raise ConfigurationError(f"{p.where}.quarter_shares: write fractions like '1/4'") from exc
    if sum(quarter_shares) != 1:
        raise ConfigurationError(f"{p.where}.quarter_shares: must add up to 1")
    performance = PerformanceRules(
        scheme=p.text("scheme"), national_element=p.money("national_element"),
        stream=p.text("stream"), default_ambition_pct=p.decimal("default_ambition_pct"),
        cost_per_admission=p.money("cost_per_admission"), quarter_shares=quarter_shares,
        baseline_year=p.text("baseline_year"), min_revision_pp=p.decimal("min_revision_pp"),
        cap_at_area_share=p.flag("cap_at_area_share", True),
        out_of_hospital_minimum=p.flag("out_of_hospital_minimum", True),
    )
    limits = r.section("amount_limits")
    year = ProgrammeYear(
        id=r.text("id"), name=r.text("name"), start=r.day("start"), end=r.day("end"),
        national_minimum=r.section("national_minimum").money("amount"),
        national_minimum_source=r.section("national_minimum").text("source"),
        streams=tuple(streams), ring_fences=tuple(ring_fences),
        conditions=tuple(Condition(c.text("id"), c.text("title")) for c in r.items("conditions")),
        metrics=tuple(
            MetricSpec(
                code=m.text("code"), name=m.text("name"), unit=m.text("unit"),
                denominator=m.opt_text("denominator"), improvement=m.text("improvement"),
                frequency=m.text("frequency"),
                payment_for_performance=m.flag("payment_for_performance"),
            )
            for m in r.items("metrics")
        ),
        performance=performance,
        assurance_outcomes=r.strings("assurance_outcomes"),
        required_signoffs=r.strings("required_signoffs"),
        amount_min=limits.money("min"), amount_max=limits.money("max"),
        scheme_types=r.strings("scheme_types"), areas_of_spend=r.strings("areas_of_spend"),
        commissioners=r.strings("commissioners"),
        out_of_hospital_areas=r.strings("out_of_hospital_areas", []),
        deadlines=tuple(
            (k, v if isinstance(v, date) else date.fromisoformat(str(v)))
            for k, v in (raw.get("deadlines") or {}).items()
        ),
        source_file=where,
        commissioning_models=r.strings("commissioning_models", []),
        governance_forms=r.strings("governance_forms", []),
    )
    _check_consistency(year)
    return year


def _check_consistency(year: ProgrammeYear) -> None:
    ids = year.stream_ids()
    if len(set(ids)) != len(ids):
        raise ConfigurationError(f"{year.source_file}: funding stream ids repeat")
    if year.performance.scheme != "none" and year.performance.stream not in ids:
        raise ConfigurationError(
            f"{year.source_file}.performance.stream: '{year.performance.stream}' is not a stream"
        )
    if year.start >= year.end:
        raise ConfigurationError(f"{year.source_file}: start must be before end")
    for fence in year.ring_fences:
        unknown = set(fence.areas_of_spend) - set(year.areas_of_spend)
        unknown |= set(fence.scheme_types) - set(year.scheme_types)
        if unknown:
            raise ConfigurationError(
                f"{year.source_file}: ring fence '{fence.id}' names unknown {sorted(unknown)}"
            )
