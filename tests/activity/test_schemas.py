"""Schemas as data: every dataset the issue names, with its rules."""

from __future__ import annotations

import pyarrow as pa
import pytest

from carepool.activity.schemas import DATASETS, HOSPITAL_SPELLS, schema
from carepool.errors import NotFound


def test_all_six_datasets_are_defined() -> None:
    assert set(DATASETS) == {"hospital_spells", "delayed_transfers", "care_home_admissions",
                             "reablement_episodes", "population", "survey"}


def test_spells_schema_states_its_rules() -> None:
    assert HOSPITAL_SPELLS.key == ("spell_id",)
    assert HOSPITAL_SPELLS.column("age").minimum == 0
    assert HOSPITAL_SPELLS.column("area_code").area
    assert HOSPITAL_SPELLS.column("discharge_date").nullable
    assert HOSPITAL_SPELLS.date_orders[0].earlier == "admission_date"


def test_arrow_schema_types() -> None:
    arrow = schema("reablement_episodes").arrow_schema()
    assert arrow.field("discharge_date").type == pa.date32()
    assert arrow.field("at_home_91_days").type == pa.bool_()
    assert arrow.field("age").type == pa.int64()


def test_unknown_names_are_not_found() -> None:
    with pytest.raises(NotFound):
        schema("tweets")
    with pytest.raises(NotFound):
        HOSPITAL_SPELLS.column("nhs_number")
