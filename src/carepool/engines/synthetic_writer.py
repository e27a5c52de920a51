"""Write a synthetic person-level data folder, one area-year at a time (bounded memory).

Layout: ``<out>/<dataset>/fy<YEAR>.parquet`` (one row group per area), ``population.parquet``
folder, ``effects.json`` and ``effects.csv`` (the planted true effects), ``calibration.csv``
(published against generated counts per area and month) and ``manifest.json`` (seed, years,
row counts, the published-data quirks met on the way).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from carepool.activity import synthetic, synthetic_spells
from carepool.activity.effects import TrueEffect, default_effects, effect_for
from carepool.activity.schemas import DATASETS
from carepool.cell_text import SafeWriter
from carepool.engines import published
from carepool.engines.sitrep import mean_delay_days
from carepool.errors import InputError, NotFound
from carepool.findings import Finding, warning
from carepool.reference import load_reference
from carepool.reference.model import Area

Progress = Callable[[str], None]
PER_YEAR = ("hospital_spells", "delayed_transfers", "care_home_admissions", "reablement_episodes")
FIRST_YEAR, LAST_YEAR = 2012, 2026
MAR_LAST_MONTH = "2019-12"          # the shipped MAR series ends here
DTOC_LAST_MONTH = "2020-02"         # DToC collection ended (NHS England)
SITREP_FIRST_MONTH, SITREP_LAST_MONTH = "2022-04", "2025-08"
# HSCIC, "Hospital inpatient care: almost 900 more admissions per day compared to previous year"
# (25 February 2015, http://content.digital.nhs.uk/article/6053): 266,600 admissions of people 65+
# with a fall as external cause in 2013-14. Divided by England's 65+ (mid-2015, the shipped year).
FALLS_65_ENGLAND_2013_14 = 266_600


@dataclass
class SyntheticResult:
    """What was written, and how closely it follows the published figures."""

    out_dir: str
    areas: list[str]
    years: list[int]
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    effects: list[TrueEffect] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    england: dict[str, dict[str, int]] = field(default_factory=dict)   # metric -> fy -> generated
    calibrated_to: dict[str, str] = field(default_factory=dict)       # fy -> what it follows
    max_untreated_gap: dict[str, float] = field(default_factory=dict)  # metric -> largest |rel. gap|
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "out_dir": self.out_dir, "areas": len(self.areas), "years": self.years, "seed": self.seed,
            "rows": self.rows, "effects": [e.as_dict() for e in self.effects],
            "calibrated_to": self.calibrated_to, "assumptions": ASSUMPTIONS,
            "england_generated": self.england, "max_untreated_gap": self.max_untreated_gap,
            "seconds": round(self.seconds, 1), "findings": [f.as_dict() for f in self.findings],
        }


def calibration() -> tuple[synthetic.Calibration, list[Finding]]:
    """The published series the generator follows, with the quirks found while reading them."""
    admissions = published.nonelective_by_area_month()
    delayed = published.delayed_days_by_area_month()
    ascof = published.ascof_greater_manchester().table.to_pylist()
    care = {(r["area_code"], int(r["period"][:4])): float(r["value"]) for r in ascof if r["measure"] == "ASCOF2A2"}
    home = {(r["area_code"], int(r["period"][:4])): float(r["value"]) for r in ascof if r["measure"] == "ASCOF2B1"}
    cal = synthetic.Calibration(admissions.by_area_month(), delayed.by_area_month(),
                            published.delayed_days_by_responsible(), care, home)
    return cal, list(admissions.findings) + list(delayed.findings)


def resolve_areas(spec: str | Sequence[str]) -> list[str]:
    """'all' or codes (comma-separated or a list) to sorted HWB area codes; unknown codes refused."""
    ref = load_reference()
    if isinstance(spec, str):
        if spec.strip().lower() == "all":
            return sorted(ref.areas)
        spec = [c.strip() for c in spec.split(",") if c.strip()]
    try:
        return sorted({ref.area(code).code for code in spec})
    except NotFound as exc:
        raise InputError(str(exc)) from None


def parse_years(spec: str) -> list[int]:
    """'2012-2017' (financial years 2012-13 to 2017-18) or '2015' to a list of start years."""
    try:
        first, _, last = spec.partition("-")
        years = list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise InputError(f"'{spec}' is not a year range such as 2012-2017") from None
    if not years or years[0] < FIRST_YEAR or years[-1] > LAST_YEAR:
        raise InputError(f"years {spec}: carepool generates financial years {FIRST_YEAR}-13 to {LAST_YEAR}-27")
    return years


ASSUMPTIONS = {
    "non_elective_method_mix": "carepool assumption (no published split by method found): " + ", ".join(
        f"{k} {v:.1%}" for k, v in synthetic_spells.NON_ELECTIVE_MIX.items()),
    "chronic_acsc_share": "8.1% of emergency spells (NHS Digital IAP00068 purpose text: ACSCs 8.1% of "
                          "emergency admissions in 2015-16)",
    "falls_65": "HSCIC 2013-14: 266,600 falls admissions of people 65+, scaled by each area's 65+",
    "discharge_destinations": "carepool assumption: about 96% (under 65) and 90% (65+) to usual residence, "
                              "near the 90-91.6% a council reported for 2022-23 (Herefordshire HWB, 26 June 2023)",
    "stays": "carepool assumption: geometric, mean about 3 days under 65 and 7 days 65+",
    "discharge_ready": "recorded from April 2022 for adults; mean delay per discharge = ICB sitrep people not "
                       "meeting the criteria to reside / discharges per day (Little's law), apportioned to the "
                       "area; 85% discharged on the ready date (assumption)",
    "care_home_funding": "council-funded permanent 65+ at the ASCOF 2A(2) rate; self-funders and NHS CHC at 45% "
                         "of that (assumption)",
    "population_65_bands": "synthetic split of each area's 65+ into ESP 2013 bands: " + ", ".join(
        f"{k} {v}%" for k, v in synthetic.BAND_SHARES_65.items()),
}


def calibrated_to(fy: int) -> str:
    """What a financial year's generated figures follow, said plainly for the manifest."""
    first, last = f"{fy}-04", f"{fy + 1}-03"
    parts = []
    if last <= MAR_LAST_MONTH:
        parts.append("non-elective admissions: published MAR, by area and month")
    elif first <= MAR_LAST_MONTH:
        parts.append(f"non-elective admissions: published MAR to {MAR_LAST_MONTH}, then each area's latest "
                     "published count for the same calendar month")
    else:
        parts.append("non-elective admissions: each area's latest published MAR count for the same calendar "
                     f"month (carried forward; MAR shipped to {MAR_LAST_MONTH})")
    if first <= DTOC_LAST_MONTH:
        parts.append(f"delayed days: published DToC (collection ended {DTOC_LAST_MONTH})")
    if last >= SITREP_FIRST_MONTH and first <= SITREP_LAST_MONTH:
        tail = "" if last <= SITREP_LAST_MONTH else f" to {SITREP_LAST_MONTH}, then the sitrep's last 12 months"
        parts.append("discharge delays: ICB discharge sitrep apportioned to areas" + tail)
    elif first > SITREP_LAST_MONTH:
        parts.append(f"discharge delays: the sitrep's last 12 months (it ends {SITREP_LAST_MONTH})")
    parts.append("care homes and reablement: ASCOF magnitudes (Greater Manchester values where published)")
    return "; ".join(parts)


def write(out_dir: str | Path, areas: str | Sequence[str] = "all", years: Sequence[int] = (2014, 2015, 2016),
          seed: int = 1, effects: Sequence[TrueEffect] | None = None,
          progress: Progress | None = None) -> SyntheticResult:
    """Generate and write every dataset for ``areas`` x financial ``years``."""
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    ref = load_reference()
    codes = resolve_areas(areas)
    index = {code: i for i, code in enumerate(sorted(ref.areas))}
    planted = list(default_effects(codes, seed) if effects is None else effects)
    for e in planted:
        if e.area_code not in codes:
            raise InputError(f"effect for area {e.area_code}, which is not being generated")
    cal, findings = calibration()
    if any(y >= 2022 for y in years):
        from carepool.engines.sitrep import load_sitrep
        findings = findings + list(load_sitrep().findings)
    out = Path(out_dir)
    result = SyntheticResult(str(out), codes, list(years), seed, {n: 0 for n in DATASETS}, planted, findings)
    checks: list[tuple[str, str, str, int | None, int, float | None, str]] = []
    for fy in years:
        say(f"financial year {fy}-{(fy + 1) % 100:02d}: {len(codes)} areas")
        writers: dict[str, pq.ParquetWriter] = {}
        try:
            for code in codes:
                area, i = ref.areas[code], index[code]
                for name, table in _area_year(cal, planted, area, i, fy, seed, checks):
                    if name not in writers:
                        (out / name).mkdir(parents=True, exist_ok=True)
                        writers[name] = pq.ParquetWriter(str(out / name / f"fy{fy}.parquet"), table.schema)
                    writers[name].write_table(table)
                    result.rows[name] += table.num_rows
        finally:
            for writer in writers.values():
                writer.close()
    pop = synthetic.population([ref.areas[c] for c in codes], list(years), _mid_2022())
    (out / "population").mkdir(parents=True, exist_ok=True)
    pq.write_table(pop, str(out / "population" / "population.parquet"))
    result.rows["population"] = pop.num_rows
    result.calibrated_to = {f"{y}-{(y + 1) % 100:02d}": calibrated_to(y) for y in years}
    _summarise(result, checks)
    result.seconds = time.perf_counter() - started
    _write_sidecars(out, result, checks)
    say(f"wrote {sum(result.rows.values()):,} rows in {result.seconds:.1f} s")
    return result


def _mid_2022() -> dict[str, tuple[int, int]]:
    """ONS mid-2022 (all ages, 65+) for areas whose code is unchanged since 2015."""
    from carepool.reference.load import read_rows
    return {r["hwb_code"]: (int(r["pop_mid2022_all_ages"]), int(r["pop_mid2022_65plus"]))
            for r in read_rows("hwb_2023.csv")}


def _delays(area: Area, fy: int) -> dict[str, float]:
    """Mean delay per discharge by month: the sitrep where it has the month, its last 12 months'
    average after it ends; nothing before it starts (no discharge-ready dates recorded then)."""
    if fy < 2022:
        return {}
    by_month = mean_delay_days(area.code)
    if not by_month:
        return {}
    recent = sorted(by_month)[-12:]
    fallback = sum(by_month[m] for m in recent) / len(recent)
    return {m: by_month.get(m, fallback) for m in synthetic.months_of(fy)}


def _spell_profile(effects: Sequence[TrueEffect], area: Area, fy: int,
                   england_65: int) -> synthetic_spells.SpellProfile:
    months = synthetic.months_of(fy)

    def shifts(metric: str) -> dict[str, float]:
        effect = effect_for(effects, area.code, metric)
        return {m: effect.relative_effect for m in months if effect and effect.applies(m)}

    return synthetic_spells.SpellProfile(
        falls_per_100k_65=FALLS_65_ENGLAND_2013_14 * 100_000 / england_65,
        population_65=area.population_65_plus, mean_delay_days=_delays(area, fy),
        falls_effect=shifts("falls_admissions_65"), acsc_effect=shifts("avoidable_admissions"))


def _area_year(cal: synthetic.Calibration, effects: Sequence[TrueEffect], area: Area, i: int, fy: int,
               seed: int, checks: list[tuple[str, str, str, int | None, int, float | None, str]]
               ) -> list[tuple[str, pa.Table]]:
    tables: list[tuple[str, pa.Table]] = []
    england_65 = sum(a.population_65_plus for a in load_reference().areas.values())
    for metric in ("BCF1", "BCF4"):
        counts, pub, basis = synthetic.monthly_counts(cal, effects, area.code, fy, metric)
        effect = effect_for(effects, area.code, metric)
        for month, n, p, how in zip(synthetic.months_of(fy), counts, pub, basis, strict=True):
            if metric == "BCF4" and month > DTOC_LAST_MONTH:
                continue
            applied = effect.relative_effect if effect and effect.applies(month) else None
            checks.append((metric, area.code, month, p, n, applied, how))
        if metric == "BCF1":
            profile = _spell_profile(effects, area, fy, england_65)
            tables.append(("hospital_spells", synthetic.hospital_spells(area, i, fy, counts, seed, profile)))
        elif f"{fy}-04" <= DTOC_LAST_MONTH:
            tables.append(("delayed_transfers",
                           synthetic.delayed_transfers(area, i, fy, counts, cal.delayed_split, seed)))
    rate = cal.care_home_rate.get((area.code, fy)) or synthetic.area_rate(seed, i, synthetic.CARE_HOME_PER_100K_65, 0.2)
    home = cal.at_home_percent.get((area.code, fy)) or min(
        97.0, synthetic.area_rate(seed, i, synthetic.AT_HOME_PERCENT, 0.06))
    tables.append(("care_home_admissions", synthetic.care_home_admissions(area, i, fy, rate, seed)))
    tables.append(("reablement_episodes", synthetic.reablement_episodes(area, i, fy, home, seed)))
    return tables


def _summarise(result: SyntheticResult, checks: list[tuple[str, str, str, int | None, int, float | None, str]]) -> None:
    missing: dict[str, int] = {}
    carried: dict[str, int] = {}
    for metric, area, month, pub, gen, applied, how in checks:
        if how.startswith("carried"):
            carried[f"{metric} {area}"] = carried.get(f"{metric} {area}", 0) + 1
        fy = published.financial_year(month)
        result.england.setdefault(metric, {})
        result.england[metric][fy] = result.england[metric].get(fy, 0) + gen
        if pub is not None and applied is None and pub:
            gap = abs(gen - pub) / pub
            result.max_untreated_gap[metric] = max(result.max_untreated_gap.get(metric, 0.0), gap)
        if pub is None and not how:
            missing[f"{metric} {area}"] = missing.get(f"{metric} {area}", 0) + 1
    result.findings += [warning("synthetic.unpublished_month", f"{key}: {n} month(s) have no published "
                                "figure; no events generated for them", field=key)
                        for key, n in sorted(missing.items())]
    result.findings += [warning("synthetic.carried_forward", f"{key}: {n} month(s) after the published series "
                                "carry forward the latest published count for the same calendar month",
                                field=key) for key, n in sorted(carried.items())]


def _write_sidecars(out: Path, result: SyntheticResult,
                    checks: list[tuple[str, str, str, int | None, int, float | None, str]]) -> None:
    (out / "effects.json").write_text(json.dumps(
        {"seed": result.seed, "meaning": "from start_month, metric events in the area are x (1 + relative_effect) "
         "of the published baseline", "effects": [e.as_dict() for e in result.effects]}, indent=2), encoding="utf-8")
    with (out / "effects.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["area_code", "metric", "start_month", "relative_effect"])
        writer.writerows([e.area_code, e.metric, e.start_month, e.relative_effect] for e in result.effects)
    with (out / "calibration.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["metric", "area_code", "month", "published", "generated", "effect", "basis"])
        writer.writerows(["" if v is None else v for v in row] for row in checks)
    (out / "manifest.json").write_text(json.dumps(result.as_dict(), indent=2, default=str), encoding="utf-8")
