"""Benchmark: BCF1-BCF4 monthly for all areas on DuckDB, against plain pandas, and on Spark.

Not a test. Generates (or reuses) synthetic England-scale data, then in one process times:
  1. DuckDB (carepool.engines.duckdb_engine) - target under 2 s of compute on 2 cores;
  2. a plain pandas implementation of the same four metrics (the named baseline) - DuckDB
     should be at least 10x faster;
  3. Spark (carepool.engines.spark_engine, local mode) - numbers identical to DuckDB;
  4. Spark on a 10x dataset (the same Parquet files listed ten times) - must complete.

    .venv/bin/python bench/metrics_bench.py                      # full: 151 areas x 3 years
    .venv/bin/python bench/metrics_bench.py --areas 20 --years 2015-2015 --no-spark-10x   # small
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from carepool.engines import synth_writer
from carepool.engines.compute import compute_metrics
from carepool.metrics.definitions import BCF1, BCF2, BCF3, BCF4
from carepool.reference import load_reference

METRICS = (BCF1, BCF2, BCF3, BCF4)


def _read(data: Path, name: str, columns: list[str]) -> pd.DataFrame:
    files = sorted((data / name).glob("*.parquet"))
    return pd.concat([pq.read_table(f, columns=columns).to_pandas() for f in files], ignore_index=True)


def pandas_metrics(data: Path) -> pd.DataFrame:
    """BCF1-BCF4 monthly per area and England, written plainly in pandas (the baseline)."""
    pop = _read(data, "population", ["area_code", "year", "age_band", "population"])
    frames = []

    def monthly(df: pd.DataFrame, date: str, value: pd.Series, metric: str,
                band: str | None, den: pd.Series | None, scale: int) -> None:
        d = pd.to_datetime(df[date])
        g = pd.DataFrame({"area_code": df["area_code"].astype(str), "y": d.dt.year, "m": d.dt.month,
                          "num": value.astype("int64"),
                          "rden": (den if den is not None else value * 0).astype("int64")})
        g = g.groupby(["area_code", "y", "m"], as_index=False)[["num", "rden"]].sum()
        eng = g.groupby(["y", "m"], as_index=False)[["num", "rden"]].sum().assign(area_code="E92000001")
        g = pd.concat([g, eng], ignore_index=True)
        g["fy"] = g["y"].where(g["m"] >= 4, g["y"] - 1)
        if band is not None:
            p = pop[pop["age_band"] == band][["area_code", "year", "population"]]
            p = pd.concat([p, p.groupby("year", as_index=False)["population"].sum().assign(area_code="E92000001")])
            g = g.merge(p, left_on=["area_code", "fy"], right_on=["area_code", "year"], how="left")
            g["den"] = g["population"]
        else:
            g["den"] = g["rden"]
        g["value"] = g["num"].astype("float64") * scale / g["den"]
        g["period"] = g["y"].astype(str) + "-" + g["m"].astype(str).str.zfill(2)
        g["metric"] = metric
        frames.append(g[["metric", "period", "area_code", "num", "den", "value"]])

    spells = _read(data, "hospital_spells", ["admission_date", "admission_method", "area_code"])
    spells = spells[spells["admission_method"] == "emergency"]
    monthly(spells, "admission_date", pd.Series(1, index=spells.index), "BCF1", "all_ages", None, 100_000)
    care = _read(data, "care_home_admissions", ["admission_date", "age", "placement", "area_code"])
    care = care[(care["placement"] == "permanent") & (care["age"] >= 65)]
    monthly(care, "admission_date", pd.Series(1, index=care.index), "BCF2", "65_plus", None, 100_000)
    reab = _read(data, "reablement_episodes", ["discharge_date", "age", "area_code", "at_home_91_days"])
    reab = reab[reab["age"] >= 65]
    monthly(reab, "discharge_date", reab["at_home_91_days"].astype("int64"), "BCF3", None,
            pd.Series(1, index=reab.index), 100)
    dtoc = _read(data, "delayed_transfers", ["month_start", "area_code", "delayed_days"])
    monthly(dtoc, "month_start", dtoc["delayed_days"], "BCF4", "18_plus", None, 100_000)
    return pd.concat(frames, ignore_index=True)


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.2f} s")
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
    parser.add_argument("--years", default="2014-2016", help="financial years by start year")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="reuse data already in --out")
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--no-spark-10x", action="store_true")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="3g")
    args = parser.parse_args()

    data = Path(args.out) / "data"
    areas = sorted(load_reference().areas)
    areas = areas[: args.areas] if args.areas else areas
    if not args.reuse:
        shutil.rmtree(data, ignore_errors=True)
        made, _ = _timed(f"generate {len(areas)} areas x {args.years}",
                         lambda: synth_writer.write(data, areas, synth_writer.parse_years(args.years), args.seed))
        print(f"  rows: {made.rows}")
    duck, t_duck = _timed("DuckDB   BCF1-BCF4 monthly", lambda: compute_metrics(data, "duckdb", METRICS, ("month",)))
    print(f"  {duck.num_rows:,} result rows")
    if not args.no_pandas:
        pdf, t_pandas = _timed("pandas   BCF1-BCF4 monthly (baseline)", lambda: pandas_metrics(data))
        ours = {(r["metric"], r["period"], r["area_code"]): r["numerator"] for r in duck.to_pylist()}
        theirs = {(m, p, a): int(n) for m, p, a, n in zip(pdf["metric"], pdf["period"], pdf["area_code"],
                                                         pdf["num"], strict=True)}
        print(f"  pandas numerators equal DuckDB's: {ours == theirs}")
        print(f"  ratio pandas / DuckDB: {t_pandas / t_duck:6.1f}x (target >= 10x)")
    if not args.no_spark:
        from carepool.engines.spark_engine import session

        spark, _ = _timed("Spark    session start",
                          lambda: session(args.master, driver_memory=args.driver_memory))
        sp, t_spark = _timed("Spark    BCF1-BCF4 monthly",
                             lambda: compute_metrics(data, "spark", METRICS, ("month",), spark=spark))
        print(f"  Spark results identical to DuckDB: {sp.to_pylist() == duck.to_pylist()}")
        print(f"  ratio Spark / DuckDB: {t_spark / t_duck:6.1f}x")
        if not args.no_spark_10x:
            big = _tenfold(data, Path(args.out) / "data10x")
            sp10, _ = _timed("Spark    BCF1-BCF4 monthly on 10x data",
                             lambda: compute_metrics(big, "spark", METRICS, ("month",), spark=spark))
            total = sum(r["numerator"] for r in sp10.to_pylist() if r["metric"] == "BCF1"
                        and r["area_code"] == "E92000001")
            print(f"  10x completed: {sp10.num_rows:,} rows; England BCF1 events {total:,}")
        spark.stop()


if __name__ == "__main__":
    main()
