"""Benchmark: carepool linkage (exact NHS-number pass, then Splink) against bare Splink.

Target (issue 6): 1,000,000 social care records linked to a 2,000,000-person health
population with realistic errors, at least 3x faster than a bare Splink pipeline with F1
at least as high. ``--scale`` shrinks both files (0.01 = 10,000 vs 20,000). The baseline
is the same preparation, Splink model, blocking, thresholds and one-to-one resolution with
only the exact pass removed, so the ratio measures what the exact pass buys. Splink's
random sampling is seeded (``Training.seed``) in both, so runs are repeatable. The
comparisons the blocking rules generate (prediction, and the baseline's two EM blocks) are
counted by Splink and printed first.

    .venv/bin/python bench/linkage_bench.py --scale 0.01
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from carepool.linkage import LinkageResult, Training, build, link_frames
from carepool.linkage.engines import backend
from carepool.linkage.prepare import prepare_pair
from carepool.linkage.probabilistic import count_comparisons
from carepool.linkage.synthetic import SOCIAL_TO_HEALTH_MAP, SyntheticFiles, synthetic_files

FULL_SOCIAL_CARE = 1_000_000
FULL_HEALTH = 2_000_000


def duckdb_api(memory_limit: str) -> Any:
    """Splink on a DuckDB connection capped at ``memory_limit`` (spilling to /tmp beyond it)."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": "/tmp/carepool_duckdb"})
    return DuckDBAPI(connection=connection)


def run(exact_first: bool, files: SyntheticFiles, engine: str, training: Training,
        memory_limit: str) -> tuple[float, LinkageResult]:
    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    db_api = duckdb_api(memory_limit) if engine == "duckdb" else None
    started = time.perf_counter()
    result = link_frames(files.social_care, files.health, mapping, engine=engine, exact_first=exact_first,
                         truth=files.truth, training=training, db_api=db_api)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1M social care / 2M health")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB memory cap (the machine is shared)")
    args = parser.parse_args()
    n_sc, n_health = int(FULL_SOCIAL_CARE * args.scale), int(FULL_HEALTH * args.scale)
    started = time.perf_counter()
    files = synthetic_files(n_sc, n_health, seed=args.seed)
    print(f"generated {n_sc:,} social care and {len(files.health):,} health records "
          f"in {time.perf_counter() - started:.1f}s ({len(files.truth):,} true links)")
    training = Training(max_pairs_u=min(1e8, max(1e6, 20.0 * n_health)))
    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    left, right = prepare_pair(files.social_care, files.health, mapping)
    sample = 1.0 if args.scale <= 0.1 else 0.1
    counts = count_comparisons(left.frame, right.frame, mapping.roles, backend("duckdb"), sample=sample)
    print(f"comparisons counted by Splink ({'exact' if sample == 1.0 else 'estimated from a 10% sample'}), "
          f"same blocking rules in both pipelines: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    del left, right
    ours_s, ours = run(True, files, args.engine, training, args.memory_limit)
    bare_s, bare = run(False, files, args.engine, training, args.memory_limit)
    for name, seconds, result in (("carepool (exact + splink)", ours_s, ours), ("bare splink", bare_s, bare)):
        acc = result.quality.accuracy
        assert acc is not None
        print(f"{name:28s} {seconds:8.1f}s  precision {acc.precision:.4f}  recall {acc.recall:.4f}  "
              f"F1 {acc.f1:.5f} (TP {acc.true_positives:,}, FP {acc.false_positives:,}, FN {acc.false_negatives:,})  "
              f"links {len(result.links):,} "
              f"({', '.join(f'{k} {v:,}' for k, v in result.quality.by_method.items())})  "
              f"review {len(result.review):,}  "
              f"steps {', '.join(f'{k} {v:.1f}s' for k, v in result.seconds.items())}")
    ours_f1 = ours.quality.accuracy.f1 if ours.quality.accuracy else 0.0
    bare_f1 = bare.quality.accuracy.f1 if bare.quality.accuracy else 0.0
    print(f"speed ratio (bare / carepool): {bare_s / ours_s:.2f}x (target >= 3x); "
          f"F1 carepool {ours_f1:.5f} vs bare {bare_f1:.5f} (target: at least as high)")


if __name__ == "__main__":
    main()
