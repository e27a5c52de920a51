"""Calibrate illustrative plans to the published national picture.

Baselines come from the real series (2014-15 admissions and delayed days per area). The
planned changes are spread across areas at random (from the seed) and then apportioned so
they add up exactly to the national planned figures the NAO reported (-106,000 emergency
admissions, -293,000 delayed days), with each area's ambition between 0% and 3.5%. Local
top-ups bring the total pooled to about the published £5.3bn. All of it is illustrative.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from carepool.money import Money, apportion, apportion_int
from carepool.plans.synthetic import Baselines
from carepool.programme.model import ProgrammeYear
from carepool.reference.model import ReferenceData
from carepool.reference.published_series import delayed_days, financial_quarter, months_of_year, nonelective_admissions

NATIONAL_PLANNED_ADMISSIONS_CHANGE = -106_000   # NAO, Health and social care integration (Feb 2017)
NATIONAL_PLANNED_DELAYED_DAYS_CHANGE = -293_000  # NAO (Feb 2017)
NATIONAL_POOLED_TOTAL = Money.pounds(5_300_000_000)  # Hansard 30 Oct 2014; NAO 2017
MAX_AMBITION = 35  # per mille: 3.5%


@dataclass(frozen=True)
class AreaCalibration:
    area_code: str
    baselines: Baselines
    planned_reduction: int
    delayed_days_reduction: int
    local_topup: Money
    second_pool: bool


def real_baselines(ref: ReferenceData, baseline_year: str = "2014-15") -> dict[str, Baselines]:
    """Each area's baseline-year admissions by quarter and delayed days, from the published series."""
    months = months_of_year(baseline_year)
    admissions = nonelective_admissions()
    delays = delayed_days()
    out: dict[str, Baselines] = {}
    for code in ref.areas:
        quarters = [0, 0, 0, 0]
        for m in months:
            quarters[int(financial_quarter(m)[-1]) - 1] += admissions.values.get((code, m), 0)
        days = sum(delays.values.get((code, m), 0) for m in months)
        out[code] = Baselines((quarters[0], quarters[1], quarters[2], quarters[3]), delayed_days=days)
    return out


def _spread(total: int, caps: list[int], weights: list[int]) -> list[int]:
    """Apportion ``total`` by weights, never above each cap (excess re-spread over the rest)."""
    result = [0] * len(caps)
    remaining, active = total, [i for i, c in enumerate(caps) if c > 0]
    while remaining > 0 and active:
        parts = apportion_int(remaining, [weights[i] for i in active])
        remaining = 0
        still = []
        for i, part in zip(active, parts, strict=True):
            room = caps[i] - result[i]
            take = min(part, room)
            result[i] += take
            remaining += part - take
            if result[i] < caps[i]:
                still.append(i)
        active = still
    if remaining:
        raise ValueError(f"cannot spread {total} under the caps")
    return result


def calibrate(year: ProgrammeYear, ref: ReferenceData, seed: int, minimum_total: Money) -> list[AreaCalibration]:
    rng = random.Random(f"calibrate:{seed}")
    base = real_baselines(ref, year.performance.baseline_year)
    codes = list(ref.areas)
    adm = [base[c].admissions for c in codes]
    days = [base[c].delayed_days for c in codes]
    appetite = [rng.randint(15, 100) for _ in codes]      # how hard each area pushes (illustrative)
    reductions = _spread(-NATIONAL_PLANNED_ADMISSIONS_CHANGE, [a * MAX_AMBITION // 1000 for a in adm],
                         [a * w for a, w in zip(adm, appetite, strict=True)])
    day_appetite = [rng.randint(10, 100) for _ in codes]
    day_reductions = _spread(-NATIONAL_PLANNED_DELAYED_DAYS_CHANGE, [d * 45 // 100 for d in days],
                             [d * w for d, w in zip(days, day_appetite, strict=True)])
    topup_total = NATIONAL_POOLED_TOTAL - minimum_total
    generosity = [ref.areas[c].population_all_ages * rng.choice((0, 1, 2, 3, 5, 8)) for c in codes]
    topups = apportion(topup_total, generosity)
    return [
        AreaCalibration(c, base[c], reductions[i], day_reductions[i], topups[i], rng.random() < 0.2)
        for i, c in enumerate(codes)
    ]
