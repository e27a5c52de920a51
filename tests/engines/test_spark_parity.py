"""The same metric definitions give identical results on Spark and DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from carepool.engines.compute import compute_metrics, quarterly_emergency_admissions
from carepool.metrics.definitions import BCF1, BCF4, local_metric

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from carepool.engines.spark_engine import session

    spark = session("local[1]", shuffle_partitions=2, driver_memory="1g")
    yield spark
    spark.stop()


def test_spark_and_duckdb_give_identical_results(small_data: Path, spark: Any) -> None:
    bcf6 = local_metric("Survey positives per 100,000", "survey", "response_date",
                        "CASE WHEN positive THEN 1 ELSE 0 END", population_band="all_ages")
    from carepool.metrics.current import ALL

    metrics = (*ALL, bcf6)
    on_duckdb = compute_metrics(small_data, "duckdb", metrics)
    on_spark = compute_metrics(small_data, "spark", metrics, spark=spark)
    assert on_duckdb.num_rows > 50
    assert on_spark.schema == on_duckdb.schema
    assert on_spark.to_pylist() == on_duckdb.to_pylist()
    assert {"falls_admissions_65", "discharge_delay_average", "length_of_stay_14"} <= set(
        on_duckdb.column("metric").to_pylist())


def test_payment_feed_identical_on_spark(small_data: Path, spark: Any) -> None:
    assert quarterly_emergency_admissions(small_data, "spark", spark=spark) == \
        quarterly_emergency_admissions(small_data)


def test_identical_on_generated_data(tmp_path: Path, spark: Any) -> None:
    from carepool.engines.synthetic_writer import write

    write(tmp_path, "E08000009,E09000001", [2015, 2024], seed=11)
    on_duckdb = compute_metrics(tmp_path, "duckdb")        # every defined metric
    on_spark = compute_metrics(tmp_path, "spark", spark=spark)
    assert len(set(on_duckdb.column("metric").to_pylist())) == 15
    assert on_spark.to_pylist() == on_duckdb.to_pylist()
    assert compute_metrics(tmp_path, "spark", (BCF1, BCF4), spark=spark).num_rows > 100


def test_cli_synthetic_2023_2025_then_compute_on_both_engines_gives_identical_tables(tmp_path: Path,
                                                                                      spark: Any) -> None:
    import pyarrow.parquet as pq
    import typer
    from typer.testing import CliRunner

    from carepool.cli import metrics as metrics_cli
    from carepool.cli import synthetic as synthetic_cli

    app = typer.Typer()
    app.command(synthetic_cli.COMMAND_NAME)(synthetic_cli.command)
    app.add_typer(metrics_cli.group, name=metrics_cli.GROUP_NAME)
    runner = CliRunner()
    data = tmp_path / "data"
    made = runner.invoke(app, ["synthetic", "--areas", "E08000009", "--years", "2023-2025", "--seed", "2",
                               "--out", str(data), "--effect", "E08000009:2024-04:-0.3:falls_admissions_65"])
    assert made.exit_code == 0, made.output
    tables = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.parquet"
        done = runner.invoke(app, ["metrics", "compute", "--data", str(data), "--out", str(out),
                                   "--engine", engine, "--master", "local[1]", "--json"])
        assert done.exit_code == 0, done.output
        tables[engine] = pq.read_table(out)
    assert tables["duckdb"].num_rows > 500
    assert len(set(tables["duckdb"].column("metric").to_pylist())) == 14     # no BCF4 after DToC ended
    assert tables["spark"].to_pylist() == tables["duckdb"].to_pylist()
