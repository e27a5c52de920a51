"""Small real fixture files, loaded through the loaders into a Parquet data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from carepool.activity.schemas import DATASETS
from carepool.engines.loader import load_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activity"


@pytest.fixture(scope="session")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small_data")
    for name, schema in DATASETS.items():
        report, _ = load_file(FIXTURES / f"{name}.csv", schema, out=root / name / "part-0.parquet")
        assert report.rejected == 0, report
    return root
