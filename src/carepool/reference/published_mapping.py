"""Mapping the published commissioner and council series to plan areas (pure; no files).

MAR non-elective admissions are published by commissioner: CCG figures are split over HWB
areas by the CCG-area population links (exact integer shares, so nothing is lost); CCGs that
merged later (13T in 2015, others in 2017-18) are recognised from the series itself; PCT months
(before April 2013) are split by each area's share of the same calendar month a year later.
DToC delayed days are published by upper-tier authority and map through ``utla_to_area``.
Every row that cannot be mapped is reported as a finding, never dropped silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from carepool.errors import NotFound
from carepool.findings import Finding, warning
from carepool.money import apportion_int
from carepool.reference.model import ReferenceData

FIRST_CCG_MONTH = "2013-04"


@dataclass(frozen=True, slots=True)
class OrgMonth:
    """One commissioner's count for one month (period 'YYYY-MM')."""

    period: str
    org_code: str
    parent_code: str
    value: int


def _shift_year(period: str, years: int) -> str:
    return f"{int(period[:4]) + years:04d}{period[4:]}"


def _successors(rows: list[OrgMonth], known: set[str]) -> dict[str, set[str]]:
    """New codes and the codes they replaced, found in the series itself: codes that vanished
    the month the new one appeared, under the same parent, whose last counts add up closest to
    the new code's first count."""
    by_period: dict[str, dict[str, OrgMonth]] = defaultdict(dict)
    for r in rows:
        by_period[r.period][r.org_code] = r
    periods = sorted(by_period)
    found: dict[str, set[str]] = {}
    for before, after in pairwise(periods):
        new = sorted((c for c in by_period[after] if c not in by_period[before] and c not in known),
                     key=lambda c: -by_period[after][c].value)
        gone = {c for c in by_period[before] if c not in by_period[after]}
        for code in new:
            parent = by_period[after][code].parent_code
            pool = sorted(g for g in gone if by_period[before][g].parent_code == parent
                          and (g in known or g in found))
            best = _closest_subset(pool, {g: by_period[before][g].value for g in pool},
                                   by_period[after][code].value)
            if best:
                found[code] = best
                gone -= best
    return found


def _closest_subset(codes: list[str], values: dict[str, int], target: int) -> set[str]:
    """The non-empty subset of ``codes`` whose values sum closest to ``target`` (within 25%)."""
    best: set[str] = set()
    best_gap = 0.25 * target
    for mask in range(1, 2 ** min(len(codes), 12)):
        subset = {c for i, c in enumerate(codes) if mask >> i & 1}
        gap = abs(sum(values[c] for c in subset) - target)
        if gap < best_gap:
            best, best_gap = subset, gap
    return best


def mar_to_areas(rows: Iterable[OrgMonth], ref: ReferenceData
                 ) -> tuple[dict[tuple[str, str], int], list[Finding]]:
    """Non-elective admissions per (area code, period), and what could not be mapped."""
    rows = [r for r in rows if r.org_code]
    known = set(ref.ccgs_2013) | set(ref.ccgs_2015)
    successors = _successors([r for r in rows if r.period >= FIRST_CCG_MONTH], known)
    out: dict[tuple[str, str], int] = defaultdict(int)
    unmapped: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    weights_of: dict[str, dict[str, Fraction]] = {}

    def weights(code: str) -> dict[str, Fraction]:
        if code not in weights_of:
            result: dict[str, Fraction] = defaultdict(Fraction)
            if code in known:
                for link in ref.links_for_ccg(code):
                    result[link.area_code] += link.population
            else:
                for old in successors.get(code, ()):
                    for area, w in weights(old).items():
                        result[area] += w / sum(weights(old).values())
            weights_of[code] = dict(result)
        return weights_of[code]

    pct_total: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.period < FIRST_CCG_MONTH:
            pct_total[r.period] += r.value
            continue
        try:
            w = weights(r.org_code)
        except NotFound:
            w = {}
        if not w:
            unmapped[r.org_code][0] += 1
            unmapped[r.org_code][1] += r.value
            continue
        areas = sorted(w)
        for area, part in zip(areas, apportion_int(r.value, [w[a] for a in areas]), strict=True):
            out[(area, r.period)] += part
    findings = [warning("published.mar.unmapped_commissioner",
                        f"commissioner {code} is not a CCG of an HWB area; {n} month(s), "
                        f"{total:,} admissions not assigned to any area", field=code)
                for code, (n, total) in sorted(unmapped.items())]
    findings += [warning("published.mar.merged_ccg",
                         f"CCG {new} replaced {', '.join(sorted(old))} (found in the series); "
                         "its admissions are split like theirs", field=new)
                 for new, old in sorted(successors.items())]
    for period, total in sorted(pct_total.items()):
        later = _shift_year(period, 1)
        shares = {a: v for (a, p), v in out.items() if p == later}
        if not shares:
            findings.append(warning("published.mar.pct_month", f"{period}: no CCG month to split "
                                    "PCT figures by", field=period))
            continue
        areas = sorted(shares)
        for area, part in zip(areas, apportion_int(total, [shares[a] for a in areas]), strict=True):
            out[(area, period)] += part
    if pct_total:
        findings.append(warning(
            "published.mar.pct_basis",
            f"{len(pct_total)} month(s) before {FIRST_CCG_MONTH} are published by PCT; split over "
            "areas by each area's share of the same month a year later"))
    return dict(out), findings


def dtoc_to_areas(rows: Iterable[tuple[str, str, str, int]], ref: ReferenceData
                  ) -> tuple[dict[tuple[str, str], int], list[Finding]]:
    """Delayed days per (area code, period) from (period, utla code, name, days) rows."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    skipped: dict[str, int] = defaultdict(int)
    for period, utla, name, days in rows:
        area = ref.utla_to_area.get(utla) if utla else None
        if area is None:
            skipped[name] += 1
            continue
        out[(area, period)] += days
    findings = [warning("published.dtoc.not_an_area",
                        f"'{name}' is not an HWB area of 2015 (e.g. England, Wales, Scotland, "
                        f"post-2019 Dorset); {n} row(s) left out of the area series", field=name)
                for name, n in sorted(skipped.items()) if name != "England"]
    return dict(out), findings
