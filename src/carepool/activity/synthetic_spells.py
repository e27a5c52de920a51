"""Synthetic hospital spells shaped like SUS/HES APC: methods, diagnoses, destinations, ready dates.

The number of non-elective spells in each month is given (the published MAR count, times any
planted effect), so BCF1 equals its baseline exactly. Within those spells every non-elective
admission method appears; diagnoses make falls (injury S00-T98 with a W00-W19 cause) and chronic
ambulatory care sensitive conditions at the rates of ``SpellProfile``; destinations, stays and
(from April 2022) discharge-ready dates follow it too. Each figure in ``SpellProfile`` says where
it came from; those no source gave are marked as carepool's assumption in the manifest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carepool.activity.schemas import HOSPITAL_SPELLS

# Non-elective admission methods and their shares: carepool's assumption (no published split by
# method was found in the sources searched); every non-elective code appears.
NON_ELECTIVE_MIX: dict[str, float] = {
    "21": 0.70, "22": 0.08, "23": 0.005, "24": 0.03, "25": 0.01, "2A": 0.01, "2B": 0.02,
    "2C": 0.001, "2D": 0.02, "28": 0.014, "31": 0.04, "32": 0.01, "81": 0.02, "82": 0.01, "83": 0.01,
}
EMERGENCY_CODES = ("21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28")
CHRONIC_ACSC_CODES = ("I500", "J441", "J440", "E115", "I209", "J459", "G409", "I10", "I480", "F019",
                      "D509", "B181", "I259", "I110")
FALL_INJURY_CODES = ("S720", "S721", "S060", "S424", "S525", "S0100", "S223", "S3250")
FALL_CAUSE_CODES = ("W19X", "W010", "W06X", "W18X", "W100", "W050", "W080")
OTHER_CODES = ("R074", "R69X", "N390", "K590", "J189", "A419", "R55X", "L039", "K359", "R103",
               "I214", "I639", "J22X", "R296", "K297", "N179")
DESTINATIONS_UNDER_65 = {"19": 0.965, "29": 0.005, "51": 0.01, "79": 0.005, "87": 0.005, "38": 0.002,
                         "65": 0.003, "54": 0.002, "85": 0.003}
DESTINATIONS_65_PLUS = {"19": 0.90, "29": 0.003, "51": 0.02, "54": 0.01, "65": 0.01, "85": 0.025,
                        "79": 0.03, "87": 0.002}
READY_DATES_FROM = np.datetime64("2022-04-01")


@dataclass(frozen=True)
class SpellProfile:
    """Rates the spells follow for one area and year (see the module note for sources)."""

    falls_per_100k_65: float              # emergency falls admissions 65+ a year per 100,000 aged 65+
    population_65: int
    chronic_acsc_share: float = 0.081     # of emergency spells (NHS Digital IAP00068 purpose text, 2015-16)
    on_ready_date_share: float = 0.85     # assumption: no published share found
    mean_delay_days: Mapping[str, float] = field(default_factory=dict)   # 'YYYY-MM' -> days, all discharges
    falls_effect: Mapping[str, float] = field(default_factory=dict)      # 'YYYY-MM' -> relative change
    acsc_effect: Mapping[str, float] = field(default_factory=dict)


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _choice(rng: np.random.Generator, options: Mapping[str, float], n: int) -> np.ndarray:
    codes = np.array(list(options))
    weights = np.array(list(options.values()), dtype=float)
    return codes[rng.choice(len(codes), n, p=weights / weights.sum())]


def _pick(rng: np.random.Generator, codes: Sequence[str], n: int) -> np.ndarray:
    return np.array(codes)[rng.integers(0, len(codes), n)]


def hospital_spells(area_code: str, area_population: int, fy: int, months: Sequence[str],
                    counts: Sequence[int], ages: np.ndarray, rng: np.random.Generator,
                    profile: SpellProfile) -> pa.Table:
    """``counts[i]`` non-elective spells in ``months[i]``; ``ages`` are drawn by the caller."""
    n = int(sum(counts))
    month_index = np.repeat(np.arange(len(months)), counts)
    starts = np.array([np.datetime64(m + "-01") for m in months] + [_next_month(months[-1])])
    days = (starts[1:] - starts[:-1]).astype(np.int64)
    admission = starts[:-1][month_index] + (rng.random(n) * days[month_index]).astype(np.int64).astype("timedelta64[D]")
    method = _choice(rng, NON_ELECTIVE_MIX, n)
    emergency = np.isin(method, EMERGENCY_CODES)
    old = ages >= 65

    falls_factor = np.array([1 + profile.falls_effect.get(m, 0.0) for m in months])[month_index]
    acsc_factor = np.array([1 + profile.acsc_effect.get(m, 0.0) for m in months])[month_index]
    emergency_old = int((emergency & old).sum())
    expected_falls = profile.falls_per_100k_65 * profile.population_65 / 100_000 * len(months) / 12
    p_fall = min(0.9, expected_falls / emergency_old) if emergency_old else 0.0
    draw = rng.random(n)
    fall = emergency & old & (draw < p_fall * falls_factor)
    acsc = emergency & ~fall & (rng.random(n) < profile.chronic_acsc_share * acsc_factor)

    primary = _pick(rng, OTHER_CODES, n)
    primary[acsc] = _pick(rng, CHRONIC_ACSC_CODES, int(acsc.sum()))
    primary[fall] = _pick(rng, FALL_INJURY_CODES, int(fall.sum()))
    primary = np.array([c[:4] for c in primary])
    cause = np.full(n, None, dtype=object)
    cause[fall] = _pick(rng, FALL_CAUSE_CODES, int(fall.sum()))
    secondary = np.full(n, None, dtype=object)
    has_secondary = rng.random(n) < 0.4
    secondary[has_secondary] = np.where(old, "I10;E119", "Z864")[has_secondary]

    stay = np.where(old, rng.geometric(0.13, n), rng.geometric(0.25, n)) - 1
    ready = admission + stay.astype("timedelta64[D]")
    on_date = rng.random(n) < profile.on_ready_date_share
    mean_all = np.array([profile.mean_delay_days.get(m, 0.0) for m in months])[month_index]
    mean_delayed = mean_all / max(1e-9, 1 - profile.on_ready_date_share)
    delay = np.where(on_date | (mean_delayed <= 0), 0,
                     rng.geometric(1 / np.maximum(mean_delayed, 1.0), n))
    discharge = ready + delay.astype("timedelta64[D]")
    destination = np.where(old, _choice(rng, DESTINATIONS_65_PLUS, n), _choice(rng, DESTINATIONS_UNDER_65, n))
    recorded = (ready >= READY_DATES_FROM) & (ages >= 18) & (destination != "79")
    people = max(1, area_population // 4)
    return pa.table({
        "spell_id": _ids(f"S{area_code}-{fy}-", np.arange(n)),
        "person_id": _ids(f"P{area_code}-", rng.integers(0, people, n)),
        "admission_date": pa.array(admission, pa.date32()),
        "admission_method": pa.array(method, pa.string()),
        "discharge_date": pa.array(discharge, pa.date32()),
        "age": pa.array(ages.astype(np.int64)),
        "area_code": pa.array(np.full(n, area_code), pa.string()),
        "provider": _ids(f"SYN{area_code[-4:]}-", rng.integers(1, 4, n)),
        "sex": pa.array(np.where(rng.random(n) < 0.52, "2", "1"), pa.string()),
        "primary_diagnosis": pa.array(primary, pa.string()),
        "secondary_diagnoses": pa.array(secondary, pa.string()),
        "cause_code": pa.array(cause, pa.string()),
        "discharge_destination": pa.array(destination, pa.string()),
        "discharge_ready_date": pa.array(np.where(recorded, ready, np.datetime64("NaT")), pa.date32()),
    }, schema=HOSPITAL_SPELLS.arrow_schema())


def _next_month(month: str) -> np.datetime64:
    year, mon = int(month[:4]), int(month[5:7])
    return np.datetime64(f"{year + (mon == 12):04d}-{mon % 12 + 1:02d}-01")
