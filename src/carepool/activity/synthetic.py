"""Synthetic person-level data for one area and financial year, calibrated to published figures.

Emergency spells and delayed days per month equal the published counts for the area and
month (times any planted true effect), exactly; care-home admissions (about 650 per 100,000
aged 65+ a year) and reablement outcomes (about 82% at home after 91 days) follow the
published England magnitudes, or the area's own published ASCOF value where there is one.
Every table is built with numpy and pyarrow from a random stream keyed by (seed, area, year,
dataset), so output is identical for a seed whatever areas or order are asked for. All
identifiers are synthetic ("SYN" providers, "P..." persons).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carepool.activity import synthetic_spells
from carepool.activity.effects import TrueEffect, effect_for
from carepool.activity.schemas import (
    CARE_HOME_ADMISSIONS,
    DELAYED_TRANSFERS,
    POPULATION,
    REABLEMENT_EPISODES,
    SURVEY,
)
from carepool.metrics.codelists import esp_bands
from carepool.money import apportion_int
from carepool.reference.model import Area

CARE_HOME_PER_100K_65 = 650.0        # ASCOF 2A(2), England 2014-15 658.5, 2015-16 628.2
AT_HOME_PERCENT = 82.0               # ASCOF 2B(1), England about 82%
REABLEMENT_PER_100K_65 = 2_000.0     # discharges into reablement a year (order of magnitude)
SURVEY_PER_AREA_YEAR = 200
POSITIVE_PERCENT = 64.0
_DATASET_IDS = {"hospital_spells": 1, "delayed_transfers": 2, "care_home_admissions": 3,
                "reablement_episodes": 4, "survey": 5, "area": 6}

_AGES = np.arange(0, 101)
_SPELL_AGE_WEIGHTS = np.where(_AGES < 18, 0.6, np.where(_AGES < 65, 0.8, 2.2 * np.exp(-(_AGES - 80) ** 2 / 300)))
_SPELL_AGE_P = _SPELL_AGE_WEIGHTS / _SPELL_AGE_WEIGHTS.sum()


@dataclass(frozen=True)
class Calibration:
    """Published figures the generator follows; keys are (area code, 'YYYY-MM') or (area, fy)."""

    admissions: Mapping[tuple[str, str], int]
    delayed_days: Mapping[tuple[str, str], int]
    delayed_split: Mapping[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)
    care_home_rate: Mapping[tuple[str, int], float] = field(default_factory=dict)
    at_home_percent: Mapping[tuple[str, int], float] = field(default_factory=dict)


def months_of(fy: int) -> list[str]:
    """'YYYY-MM' for April of ``fy`` to March of ``fy + 1``."""
    return [f"{fy + (m > 12):04d}-{(m - 1) % 12 + 1:02d}" for m in range(4, 16)]


def _rng(seed: int, area_index: int, fy: int, dataset: str) -> np.random.Generator:
    return np.random.default_rng([seed, area_index, fy, _DATASET_IDS[dataset]])


def _month_starts(fy: int) -> np.ndarray:
    return np.array([np.datetime64(m + "-01") for m in months_of(fy)] + [np.datetime64(f"{fy + 1}-04-01")])


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _const(value: str, n: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value])).cast(pa.string())


def _carried(source: Mapping[tuple[str, str], int], area: str, month: str) -> tuple[int | None, str]:
    """The latest published count for the same calendar month in an earlier year, and its month."""
    for back in range(1, 15):
        earlier = f"{int(month[:4]) - back:04d}{month[4:]}"
        if (area, earlier) in source:
            return source[(area, earlier)], earlier
    return None, ""


def monthly_counts(calibration: Calibration, effects: Sequence[TrueEffect], area: str, fy: int,
                   metric: str) -> tuple[list[int], list[int | None], list[str]]:
    """(generated counts, published counts or None, basis) for each month of ``fy``.

    BCF1 months after the published MAR series carry forward the area's latest published count for
    the same calendar month (basis 'carried from YYYY-MM'); delayed days exist only while DToC was
    collected (to February 2020) and are 0 after it."""
    source = calibration.admissions if metric == "BCF1" else calibration.delayed_days
    effect = effect_for(effects, area, metric)
    published = [source.get((area, m)) for m in months_of(fy)]
    counts: list[int] = []
    basis: list[str] = []
    for month, base in zip(months_of(fy), published, strict=True):
        note = "published" if base is not None else ""
        if base is None and metric == "BCF1":
            base, earlier = _carried(source, area, month)
            note = f"carried from {earlier}" if earlier else ""
        value = base or 0
        if effect is not None and effect.applies(month):
            value = max(0, round(value * (1 + effect.relative_effect)))
        counts.append(value)
        basis.append(note)
    return counts, published, basis


def hospital_spells(area: Area, area_index: int, fy: int, counts: Sequence[int], seed: int,
                    profile: synthetic_spells.SpellProfile) -> pa.Table:
    """Non-elective spells: ``counts[i]`` admissions in month i of ``fy`` (see ``synthetic_spells``)."""
    rng = _rng(seed, area_index, fy, "hospital_spells")
    ages = rng.choice(_AGES, int(sum(counts)), p=_SPELL_AGE_P)
    return synthetic_spells.hospital_spells(area.code, area.population_all_ages, fy, months_of(fy), counts,
                                        ages, rng, profile)


def delayed_transfers(area: Area, area_index: int, fy: int, days: Sequence[int],
                      splits: Mapping[tuple[str, str], tuple[int, int, int]], seed: int) -> pa.Table:
    """Delayed days by month, responsible body (published split where known) and 1-3 providers."""
    rng = _rng(seed, area_index, fy, "delayed_transfers")
    rows: dict[str, list[object]] = {c: [] for c in DELAYED_TRANSFERS.names}
    for month, total in zip(months_of(fy), days, strict=True):
        split = splits.get((area.code, month))
        weights = list(split) if split and sum(split) else [6, 3, 1]
        parts = apportion_int(total, weights) if total else [0, 0, 0]
        for responsible, part in zip(("NHS", "social_care", "both"), parts, strict=True):
            if part == 0 and not (total == 0 and responsible == "NHS"):
                continue
            for p, share in enumerate(rng.multinomial(part, [0.6, 0.3, 0.1])):
                if share or (part == 0 and p == 0):
                    rows["month_start"].append(date(int(month[:4]), int(month[5:7]), 1))
                    rows["area_code"].append(area.code)
                    rows["provider"].append(f"SYN{area.code[-4:]}-{p + 1}")
                    rows["responsible"].append(responsible)
                    rows["delayed_days"].append(int(share))
    return pa.table(rows, schema=DELAYED_TRANSFERS.arrow_schema())


def _dates_in_year(rng: np.random.Generator, fy: int, n: int) -> pa.Array:
    start = np.datetime64(f"{fy}-04-01")
    span = int((np.datetime64(f"{fy + 1}-04-01") - start).astype(np.int64))
    return pa.array(start + rng.integers(0, span, n).astype("timedelta64[D]"), pa.date32())


def care_home_admissions(area: Area, area_index: int, fy: int, rate: float, seed: int) -> pa.Table:
    """Permanent 65+ admissions at ``rate`` per 100,000 aged 65+, plus under-65 and temporary ones."""
    rng = _rng(seed, area_index, fy, "care_home_admissions")
    pop65 = area.population_65_plus
    permanent_65 = int(rng.poisson(rate * pop65 / 100_000))
    under_65 = int(rng.poisson(0.1 * permanent_65))
    temporary = int(rng.poisson(0.4 * permanent_65))
    n = permanent_65 + under_65 + temporary
    ages = np.concatenate([65 + rng.gamma(4.0, 5.0, permanent_65).astype(np.int64).clip(0, 40),
                           rng.integers(18, 65, under_65), 65 + rng.integers(0, 35, temporary)])
    placement = ["permanent"] * (permanent_65 + under_65) + ["temporary"] * temporary
    # council-funded permanent 65+ at ``rate`` (ASCOF 2A(2)); self-funders and NHS CHC beside them
    # (their shares are carepool's assumption: no published split was found)
    others = int(rng.poisson(0.45 * permanent_65))
    ages = np.concatenate([ages, 65 + rng.gamma(4.0, 5.0, others).astype(np.int64).clip(0, 40)])
    placement += ["permanent"] * others
    funding = (["local_authority"] * n + list(np.where(rng.random(others) < 0.8, "self_funded", "nhs_chc")))
    n += others
    setting = np.where(rng.random(n) < 0.55, "residential", "nursing")
    return pa.table({
        "admission_id": _ids(f"C{area.code}-{fy}-", np.arange(n)),
        "person_id": _ids(f"P{area.code}-", rng.integers(0, max(1, pop65), n)),
        "admission_date": _dates_in_year(rng, fy, n),
        "age": pa.array(ages.astype(np.int64)),
        "placement": pa.array(placement, pa.string()),
        "area_code": _const(area.code, n),
        "setting": pa.array(setting, pa.string()),
        "funding": pa.array(funding, pa.string()),
    }, schema=CARE_HOME_ADMISSIONS.arrow_schema())


def reablement_episodes(area: Area, area_index: int, fy: int, at_home_percent: float, seed: int) -> pa.Table:
    """Discharges into reablement; people 65+ are at home at 91 days with the given probability."""
    rng = _rng(seed, area_index, fy, "reablement_episodes")
    n = int(rng.poisson(REABLEMENT_PER_100K_65 * area.population_65_plus / 100_000))
    ages = np.where(rng.random(n) < 0.9, 65 + rng.gamma(4.0, 5.0, n).astype(np.int64).clip(0, 40),
                    rng.integers(18, 65, n))
    return pa.table({
        "episode_id": _ids(f"R{area.code}-{fy}-", np.arange(n)),
        "person_id": _ids(f"P{area.code}-", rng.integers(0, max(1, area.population_65_plus), n)),
        "discharge_date": _dates_in_year(rng, fy, n),
        "age": pa.array(ages.astype(np.int64)),
        "area_code": _const(area.code, n),
        "at_home_91_days": pa.array(rng.random(n) < at_home_percent / 100),
    }, schema=REABLEMENT_EPISODES.arrow_schema())


def survey(area: Area, area_index: int, fy: int, seed: int) -> pa.Table:
    """BCF5 respondents with a positive experience at about 64%, varying by area."""
    rng = _rng(seed, area_index, fy, "survey")
    n = SURVEY_PER_AREA_YEAR
    area_rng = np.random.default_rng([seed, area_index, _DATASET_IDS["area"]])
    p = float(np.clip(POSITIVE_PERCENT / 100 + area_rng.normal(0, 0.05), 0.3, 0.95))
    return pa.table({
        "response_id": _ids(f"Q{area.code}-{fy}-", np.arange(n)),
        "response_date": _dates_in_year(rng, fy, n),
        "area_code": _const(area.code, n),
        "positive": pa.array(rng.random(n) < p),
    }, schema=SURVEY.arrow_schema())


def area_rate(seed: int, area_index: int, centre: float, spread: float) -> float:
    """A stable area-level value around ``centre`` (for areas with no published figure)."""
    rng = np.random.default_rng([seed, area_index, _DATASET_IDS["area"], int(centre)])
    return float(centre * np.exp(rng.normal(0, spread)))


# Shares of the 65+ population in each ESP 2013 band: carepool's synthetic split (no band figures
# are shipped for areas); the falls rate is standardised over these bands.
BAND_SHARES_65 = {"65-69": 28, "70-74": 27, "75-79": 19, "80-84": 13, "85-89": 8, "90+": 5}   # percent


def population(areas: Sequence[Area], years: Sequence[int],
               mid_2022: Mapping[str, tuple[int, int]] | None = None) -> pa.Table:
    """Mid-year populations by band: ONS mid-2015 and mid-2016 for years to 2021, ONS mid-2022
    (all ages and 65+, where the area's code is unchanged) from 2022, carried to other years and
    said in ``basis``; 18+ from 2022 keeps the area's mid-2016 share of all ages; the 65+ ESP bands
    are a synthetic split, also said in ``basis``."""
    rows: dict[str, list[object]] = {c: [] for c in POPULATION.names}

    def add(code: str, year: int, band: str, people: int, basis: str) -> None:
        rows["area_code"].append(code)
        rows["year"].append(year)
        rows["age_band"].append(band)
        rows["population"].append(people)
        rows["basis"].append(basis)

    for area in areas:
        for year in years:
            recent = (mid_2022 or {}).get(area.code) if year >= 2022 else None
            if recent is not None:
                all_ages, over_65 = recent
                adults = round(all_ages * area.population("18_plus", 2016) / area.population("all_ages", 2016))
                basis = "ONS MYE mid-2022" + ("" if year == 2022 else f" (carried to {year})")
                figures = {"all_ages": all_ages, "18_plus": adults, "65_plus": over_65}
                bases = {"all_ages": basis, "18_plus": basis + "; 18+ at the mid-2016 share", "65_plus": basis}
            else:
                source = 2015 if year <= 2015 else 2016
                basis = f"ONS MYE2 mid-{source}" + ("" if source == year else f" (carried to {year})")
                figures = {band: area.population(band, source) for band in ("all_ages", "18_plus", "65_plus")}
                bases = {band: basis for band in figures}
            for band, people in figures.items():
                add(area.code, year, band, people, bases[band])
            split = [BAND_SHARES_65[b.label] for b in esp_bands(65)]
            for esp, people in zip(esp_bands(65), apportion_int(figures["65_plus"], split), strict=True):
                add(area.code, year, esp.label, people, "synthetic split of " + bases["65_plus"])
    return pa.table(rows, schema=POPULATION.arrow_schema())
