"""Linkage fixtures: real CSV person files (tests/linkage/fixtures) and one synthetic run shared by tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from carepool.linkage import LinkageResult, Training, build, link_frames
from carepool.linkage.synthetic import SOCIAL_TO_HEALTH_MAP, SyntheticFiles, synthetic_files

FIXTURES = Path(__file__).parent / "fixtures"
FAST = Training(max_pairs_u=2e5, max_iterations=10)


@pytest.fixture(scope="session")
def fixture_truth() -> set[tuple[str, str]]:
    with (FIXTURES / "truth.csv").open(newline="") as handle:
        return {(row["person_ref"], row["health_id"]) for row in csv.DictReader(handle)}


@pytest.fixture(scope="session")
def synthetic() -> SyntheticFiles:
    return synthetic_files(600, 1500, seed=7)


@pytest.fixture(scope="session")
def linked(synthetic: SyntheticFiles) -> LinkageResult:
    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    return link_frames(synthetic.social_care, synthetic.health, mapping, truth=synthetic.truth, training=FAST)
