"""Benchmark: every BCF metric, monthly, for all areas on DuckDB, against plain pandas, and on Spark.

Not a test. Generates (or reuses) synthetic England-scale data, then in one process times:
  1. DuckDB (carepool.engines.duckdb_engine): all 15 defined metrics, monthly, every area and England;
  2. a plain pandas implementation of the same 15 metrics (the named baseline) - DuckDB should be
     at least 10x faster; their numerators and denominators are compared;
  3. Spark (carepool.engines.spark_engine, local mode) - results identical to DuckDB;
  4. Spark on a 10x dataset (the same Parquet files listed ten times) - must complete.

    .venv/bin/python bench/metrics_bench.py --years 2023-2025            # full: 151 areas, ~19M spells
    .venv/bin/python bench/metrics_bench.py --areas 10 --years 2024-2024 --no-spark-10x   # small
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from carepool.engines import synthetic_writer
from carepool.engines.compute import compute_metrics
from carepool.metrics.codelists import code_list, esp_bands
from carepool.metrics.current import ALL
from carepool.reference import load_reference

ENGLAND = "E92000001"


def _read(data: Path, name: str, columns: list[str]) -> pd.DataFrame:
    files = sorted((data / name).glob("*.parquet"))
    return pd.concat([pq.read_table(f, columns=columns).to_pandas() for f in files], ignore_index=True)


def _in_list(codes: pd.Series, name: str) -> pd.Series:
    """Vectorised code-list test on a string column (ranges on the first len(code_from) characters)."""
    text = codes.fillna("")
    hit = pd.Series(False, index=codes.index)
    for r in code_list(name).ranges:
        head = text.str.slice(0, len(r.code_from))
        hit |= (head >= r.code_from) & (head <= r.code_to) & (head.str.len() == len(r.code_from))
    return hit


def _secondary_has(secondary: pd.Series, name: str) -> pd.Series:
    padded = ";" + secondary.fillna("")
    hit = pd.Series(False, index=secondary.index)
    for r in code_list(name).ranges:
        first, last = int(r.code_from[1:]), int(r.code_to[1:])
        for n in range(first, last + 1):
            hit |= padded.str.contains(f";{r.code_from[0]}{n:0{len(r.code_from) - 1}d}", regex=False)
    return hit


def pandas_metrics(data: Path) -> pd.DataFrame:
    """All 15 metrics' monthly numerators and denominators per area and England, plainly in pandas."""
    pop = _read(data, "population", ["area_code", "year", "age_band", "population"])
    frames: list[pd.DataFrame] = []

    def monthly(df: pd.DataFrame, date: str, num: pd.Series, metric: str, band: str | None,
                den: pd.Series | None, by_band: pd.Series | None = None) -> None:
        d = pd.to_datetime(df[date])
        g = pd.DataFrame({"area_code": df["area_code"].astype(str), "y": d.dt.year, "m": d.dt.month,
                          "band": by_band if by_band is not None else "x",
                          "num": num.astype("int64"), "rden": (den if den is not None else num * 0).astype("int64")})
        g = g.groupby(["area_code", "y", "m", "band"], as_index=False)[["num", "rden"]].sum()
        eng = g.groupby(["y", "m", "band"], as_index=False)[["num", "rden"]].sum().assign(area_code=ENGLAND)
        g = pd.concat([g, eng], ignore_index=True)
        g["fy"] = g["y"].where(g["m"] >= 4, g["y"] - 1)
        if band is not None:
            p = pop[pop["age_band"] == band][["area_code", "year", "population"]]
            p = pd.concat([p, p.groupby("year", as_index=False)["population"].sum().assign(area_code=ENGLAND)])
            g = g.merge(p, left_on=["area_code", "fy"], right_on=["area_code", "year"], how="left")
            g["den"] = g["population"]
        elif by_band is not None:    # standardised: denominator is the 65+ band populations' sum
            bands = [b.label for b in esp_bands(65)]
            p = pop[pop["age_band"].isin(bands)].groupby(["area_code", "year"], as_index=False)["population"].sum()
            p = pd.concat([p, p.groupby("year", as_index=False)["population"].sum().assign(area_code=ENGLAND)])
            g = g.groupby(["area_code", "y", "m", "fy"], as_index=False)[["num"]].sum()
            g = g.merge(p, left_on=["area_code", "fy"], right_on=["area_code", "year"], how="left")
            g["den"] = g["population"]
        else:
            g["den"] = g["rden"]
        g["period"] = g["y"].astype(str) + "-" + g["m"].astype(str).str.zfill(2)
        g["metric"] = metric
        frames.append(g[["metric", "period", "area_code", "num", "den"]])

    cols = ["admission_date", "admission_method", "discharge_date", "age", "area_code", "primary_diagnosis",
            "secondary_diagnoses", "cause_code", "discharge_destination", "discharge_ready_date"]
    s = _read(data, "hospital_spells", cols)
    one = pd.Series(1, index=s.index)
    non_elective = _in_list(s["admission_method"], "non_elective_admission_methods")
    emergency = _in_list(s["admission_method"], "emergency_admission_methods")
    x = s[non_elective]
    monthly(x, "admission_date", one[x.index], "BCF1", "all_ages", None)
    x = s[emergency]
    monthly(x, "admission_date", one[x.index], "emergency_admissions", "all_ages", None)
    acsc = _in_list(s["primary_diagnosis"], "chronic_acsc") | (
        (s["primary_diagnosis"].str.slice(0, 3) == "J20") & _secondary_has(s["secondary_diagnoses"], "copd_secondary"))
    x = s[emergency & acsc]
    monthly(x, "admission_date", one[x.index], "avoidable_admissions", "all_ages", None)
    falls = emergency & (s["age"] >= 65) & _in_list(s["primary_diagnosis"], "injury_primary_diagnosis") & \
        _in_list(s["cause_code"], "falls_external_cause")
    x = s[falls]
    labels = np.select([x["age"].between(b.lower, b.upper) for b in esp_bands(65)],
                       [b.label for b in esp_bands(65)], default="")
    monthly(x, "admission_date", one[x.index], "falls_admissions_65", None, None,
            by_band=pd.Series(labels, index=x.index))
    known = s["discharge_date"].notna() & s["discharge_destination"].notna() & \
        ~_in_list(s["discharge_destination"], "discharge_destination_excluded")
    x = s[known]
    monthly(x, "discharge_date", _in_list(x["discharge_destination"], "usual_place_of_residence").astype(int),
            "discharge_usual_residence", None, one[x.index])
    adults = s[s["discharge_date"].notna() & (s["age"] >= 18)]
    stay = (pd.to_datetime(adults["discharge_date"]) - pd.to_datetime(adults["admission_date"])).dt.days
    for days in (14, 21):
        monthly(adults, "discharge_date", (stay >= days).astype(int), f"length_of_stay_{days}", None, one[adults.index])
    ready = adults[adults["discharge_ready_date"].notna()]
    delay = (pd.to_datetime(ready["discharge_date"]) - pd.to_datetime(ready["discharge_ready_date"])).dt.days
    monthly(ready, "discharge_date", delay, "discharge_delay_average", None, one[ready.index])
    monthly(ready, "discharge_date", (delay == 0).astype(int), "discharged_on_ready_date", None, one[ready.index])
    del s, x, adults, ready

    care = _read(data, "care_home_admissions", ["admission_date", "age", "placement", "area_code", "funding"])
    care = care[(care["placement"] == "permanent") & (care["age"] >= 65) & (care["funding"] == "local_authority")]
    for metric in ("BCF2", "care_home_admissions_65", "long_term_care_admissions_65"):
        monthly(care, "admission_date", pd.Series(1, index=care.index), metric, "65_plus", None)
    reab = _read(data, "reablement_episodes", ["discharge_date", "age", "area_code", "at_home_91_days"])
    reab = reab[(reab["age"] >= 65) & pd.to_datetime(reab["discharge_date"]).dt.month.isin([10, 11, 12])]
    for metric in ("BCF3", "reablement_91"):
        monthly(reab, "discharge_date", reab["at_home_91_days"].astype("int64"), metric, None,
                pd.Series(1, index=reab.index))
    if (data / "delayed_transfers").exists():
        dtoc = _read(data, "delayed_transfers", ["month_start", "area_code", "delayed_days"])
        monthly(dtoc, "month_start", dtoc["delayed_days"], "BCF4", "18_plus", None)
    return pd.concat(frames, ignore_index=True)


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    """Wall seconds (returned) and this process's CPU seconds (printed; Spark's JVM not included)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:8.2f} s wall {time.process_time() - cpu:8.2f} s CPU", flush=True)
    return value, seconds


def _tenfold(data: Path, target: Path) -> Path:
    """A 10x dataset without 10x disk: each Parquet file linked ten times (population once)."""
    shutil.rmtree(target, ignore_errors=True)
    for folder in data.iterdir():
        if not folder.is_dir():
            continue
        (target / folder.name).mkdir(parents=True)
        copies = 1 if folder.name == "population" else 10
        for f in folder.glob("*.parquet"):
            for i in range(copies):
                os.symlink(f.resolve(), target / folder.name / f"{f.stem}-{i}.parquet")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="/tmp/carepool-bench", help="working folder")
    parser.add_argument("--areas", type=int, default=0, help="first N areas only (0 = all 151)")
    parser.add_argument("--years", default="2023-2025", help="financial years by start year")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="reuse data already in --out")
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--no-spark-10x", action="store_true")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    args = parser.parse_args()

    data = Path(args.out) / "data"
    areas = sorted(load_reference().areas)
    areas = areas[: args.areas] if args.areas else areas
    if not args.reuse:
        shutil.rmtree(data, ignore_errors=True)
        made, _ = _timed(f"generate {len(areas)} areas x {args.years}",
                         lambda: synthetic_writer.write(data, areas, synthetic_writer.parse_years(args.years),
                                                        args.seed))
        print(f"  rows: {made.rows}", flush=True)
    duck, t_duck = _timed("DuckDB   all metrics monthly", lambda: compute_metrics(data, "duckdb", ALL, ("month",)))
    print(f"  {duck.num_rows:,} result rows, {len(set(duck.column('metric').to_pylist()))} metrics", flush=True)
    if not args.no_pandas:
        pdf, t_pandas = _timed("pandas   all metrics monthly (baseline)", lambda: pandas_metrics(data))
        ours = {(r["metric"], r["period"], r["area_code"]): (r["numerator"], r["denominator"])
                for r in duck.to_pylist()}
        keys = zip(pdf["metric"], pdf["period"], pdf["area_code"], pdf["num"], pdf["den"], strict=True)
        theirs = {(m, p, a): (int(n), None if pd.isna(d) else int(d)) for m, p, a, n, d in keys}
        print(f"  pandas numerators and denominators equal DuckDB's: {ours == theirs} "
              f"({len(theirs):,} v {len(ours):,} rows)", flush=True)
        print(f"  ratio pandas / DuckDB: {t_pandas / t_duck:6.1f}x (target >= 10x)", flush=True)
    if not args.no_spark:
        from carepool.engines.spark_engine import session

        spark, _ = _timed("Spark    session start", lambda: session(args.master, driver_memory=args.driver_memory))
        sp, t_spark = _timed("Spark    all metrics monthly",
                             lambda: compute_metrics(data, "spark", ALL, ("month",), spark=spark))
        print(f"  Spark results identical to DuckDB: {sp.to_pylist() == duck.to_pylist()}", flush=True)
        print(f"  ratio Spark / DuckDB: {t_spark / t_duck:6.1f}x", flush=True)
        if not args.no_spark_10x:
            big = _tenfold(data, Path(args.out) / "data10x")
            sp10, _ = _timed("Spark    all metrics monthly on 10x data",
                             lambda: compute_metrics(big, "spark", ALL, ("month",), spark=spark))
            total = sum(r["numerator"] for r in sp10.to_pylist() if r["metric"] == "BCF1" and r["area_code"] == ENGLAND)
            print(f"  10x completed: {sp10.num_rows:,} rows; England non-elective spells {total:,}", flush=True)
        spark.stop()


if __name__ == "__main__":
    main()
