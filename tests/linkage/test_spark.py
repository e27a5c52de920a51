"""The same linkage on Spark (local mode): a model trained on DuckDB scores identically on Spark."""

from collections.abc import Iterator
from typing import Any

import pytest

from carepool.linkage import build, link_frames
from carepool.linkage.engines import backend, local_spark
from carepool.linkage.prepare import read_csv

from .conftest import FAST, FIXTURES

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = local_spark()
    yield session
    session.stop()


def test_spark_gives_the_duckdb_links(spark: Any, fixture_truth: set[tuple[str, str]]) -> None:
    left, right = read_csv(FIXTURES / "social_care.csv"), read_csv(FIXTURES / "health.csv")
    mapping = build("person_ref", "health_id", ["nhs_no=nhs_number", "first_name=forename",
                                                "last_name=surname", "birth_date=date_of_birth",
                                                "sex=gender", "post_code=postcode"])
    on_duckdb = link_frames(left, right, mapping, training=FAST, truth=fixture_truth)
    on_spark = link_frames(left, right, mapping, model=on_duckdb.model, truth=fixture_truth,
                           engine="spark", db_api=backend("spark", spark_session=spark))
    pairs = ["left_id", "right_id", "method"]
    assert on_spark.links[pairs].equals(on_duckdb.links[pairs])
    assert (on_spark.links["match_weight"] - on_duckdb.links["match_weight"]).abs().max() < 1e-9
    assert on_spark.quality.accuracy is not None and on_spark.quality.accuracy.f1 >= 0.95
    assert on_spark.quality.by_method.get("splink", 0) > 0


def test_engine_spark_trains_on_duckdb_and_scores_on_spark(spark: Any, fixture_truth: set[tuple[str, str]]) -> None:
    left, right = read_csv(FIXTURES / "social_care.csv"), read_csv(FIXTURES / "health.csv")
    mapping = build("person_ref", "health_id", ["nhs_no=nhs_number", "last_name=surname",
                                                "birth_date=date_of_birth", "post_code=postcode"])
    result = link_frames(left, right, mapping, training=FAST, truth=fixture_truth, engine="spark",
                         db_api=backend("spark", spark_session=spark))
    assert result.model is not None and set(result.model.m) == {"nhs_number", "surname", "dob", "postcode"}
    assert result.quality.accuracy is not None and result.quality.accuracy.f1 >= 0.9
