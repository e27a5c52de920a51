"""Write a synthetic person-level data folder, one area-year at a time (bounded memory).

Layout: ``<out>/<dataset>/fy<YEAR>.parquet`` (one row group per area), ``population.parquet``
folder, ``effects.json`` and ``effects.csv`` (the planted true effects), ``calibration.csv``
(published against generated counts per area and month) and ``manifest.json`` (seed, years,
row counts, the published-data quirks met on the way).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from carepool.activity import synth
from carepool.activity.effects import TrueEffect, default_effects, effect_for
from carepool.activity.schemas import DATASETS
from carepool.engines import published
from carepool.errors import InputError, NotFound
from carepool.findings import Finding, warning
from carepool.reference import load_reference
from carepool.reference.model import Area

Progress = Callable[[str], None]
PER_YEAR = ("hospital_spells", "delayed_transfers", "care_home_admissions", "reablement_episodes", "survey")


@dataclass
class SynthResult:
    """What was written, and how closely it follows the published figures."""

    out_dir: str
    areas: list[str]
    years: list[int]
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    effects: list[TrueEffect] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    england: dict[str, dict[str, int]] = field(default_factory=dict)   # metric -> fy -> generated
    max_untreated_gap: dict[str, float] = field(default_factory=dict)  # metric -> largest |rel. gap|
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "out_dir": self.out_dir, "areas": len(self.areas), "years": self.years, "seed": self.seed,
            "rows": self.rows, "effects": [e.as_dict() for e in self.effects],
            "england_generated": self.england, "max_untreated_gap": self.max_untreated_gap,
            "seconds": round(self.seconds, 1), "findings": [f.as_dict() for f in self.findings],
        }


def calibration() -> tuple[synth.Calibration, list[Finding]]:
    """The published series the generator follows, with the quirks found while reading them."""
    admissions = published.nonelective_by_area_month()
    delayed = published.delayed_days_by_area_month()
    ascof = published.ascof_greater_manchester().table.to_pylist()
    care = {(r["area_code"], int(r["period"][:4])): float(r["value"]) for r in ascof if r["measure"] == "ASCOF2A2"}
    home = {(r["area_code"], int(r["period"][:4])): float(r["value"]) for r in ascof if r["measure"] == "ASCOF2B1"}
    cal = synth.Calibration(admissions.by_area_month(), delayed.by_area_month(),
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
    if not years or years[0] < 2012 or years[-1] > 2018:
        raise InputError(f"years {spec}: published monthly series cover 2012-13 to 2018-19 only")
    return years


def write(out_dir: str | Path, areas: str | Sequence[str] = "all", years: Sequence[int] = (2014, 2015, 2016),
          seed: int = 1, effects: Sequence[TrueEffect] | None = None,
          progress: Progress | None = None) -> SynthResult:
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
    out = Path(out_dir)
    result = SynthResult(str(out), codes, list(years), seed, {n: 0 for n in DATASETS}, planted, findings)
    checks: list[tuple[str, str, str, int | None, int, float | None]] = []
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
    pop = synth.population([ref.areas[c] for c in codes], list(years))
    (out / "population").mkdir(parents=True, exist_ok=True)
    pq.write_table(pop, str(out / "population" / "population.parquet"))
    result.rows["population"] = pop.num_rows
    _summarise(result, checks)
    result.seconds = time.perf_counter() - started
    _write_sidecars(out, result, checks)
    say(f"wrote {sum(result.rows.values()):,} rows in {result.seconds:.1f} s")
    return result


def _area_year(cal: synth.Calibration, effects: Sequence[TrueEffect], area: Area, i: int, fy: int,
               seed: int, checks: list[tuple[str, str, str, int | None, int, float | None]]
               ) -> list[tuple[str, pa.Table]]:
    tables: list[tuple[str, pa.Table]] = []
    for metric in ("BCF1", "BCF4"):
        counts, pub = synth.monthly_counts(cal, effects, area.code, fy, metric)
        effect = effect_for(effects, area.code, metric)
        for month, n, p in zip(synth.months_of(fy), counts, pub, strict=True):
            applied = effect.relative_effect if effect and effect.applies(month) else None
            checks.append((metric, area.code, month, p, n, applied))
        if metric == "BCF1":
            tables.append(("hospital_spells", synth.hospital_spells(area, i, fy, counts, seed)))
        else:
            tables.append(("delayed_transfers",
                           synth.delayed_transfers(area, i, fy, counts, cal.delayed_split, seed)))
    rate = cal.care_home_rate.get((area.code, fy)) or synth.area_rate(seed, i, synth.CARE_HOME_PER_100K_65, 0.2)
    home = cal.at_home_percent.get((area.code, fy)) or min(
        97.0, synth.area_rate(seed, i, synth.AT_HOME_PERCENT, 0.06))
    tables.append(("care_home_admissions", synth.care_home_admissions(area, i, fy, rate, seed)))
    tables.append(("reablement_episodes", synth.reablement_episodes(area, i, fy, home, seed)))
    tables.append(("survey", synth.survey(area, i, fy, seed)))
    return tables


def _summarise(result: SynthResult, checks: list[tuple[str, str, str, int | None, int, float | None]]) -> None:
    missing: dict[str, int] = {}
    for metric, area, month, pub, gen, applied in checks:
        fy = published.financial_year(month)
        result.england.setdefault(metric, {})
        result.england[metric][fy] = result.england[metric].get(fy, 0) + gen
        if pub is None:
            missing[f"{metric} {area}"] = missing.get(f"{metric} {area}", 0) + 1
        elif applied is None and pub:
            gap = abs(gen - pub) / pub
            result.max_untreated_gap[metric] = max(result.max_untreated_gap.get(metric, 0.0), gap)
    result.findings += [warning("synth.unpublished_month", f"{key}: {n} month(s) have no published "
                                "figure; no events generated for them", field=key)
                        for key, n in sorted(missing.items())]


def _write_sidecars(out: Path, result: SynthResult,
                    checks: list[tuple[str, str, str, int | None, int, float | None]]) -> None:
    (out / "effects.json").write_text(json.dumps(
        {"seed": result.seed, "meaning": "from start_month, metric events in the area are x (1 + relative_effect) "
         "of the published baseline", "effects": [e.as_dict() for e in result.effects]}, indent=2), encoding="utf-8")
    with (out / "effects.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_code", "metric", "start_month", "relative_effect"])
        writer.writerows([e.area_code, e.metric, e.start_month, e.relative_effect] for e in result.effects)
    with (out / "calibration.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["metric", "area_code", "month", "published", "generated", "effect"])
        writer.writerows(["" if v is None else v for v in row] for row in checks)
    (out / "manifest.json").write_text(json.dumps(result.as_dict(), indent=2, default=str), encoding="utf-8")
