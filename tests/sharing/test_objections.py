from datetime import date

import pytest

from carepool.errors import InputError
from carepool.sharing.agreements import Purpose
from carepool.sharing.objections import Objection, ObjectionRegistry, filter_rows

OBJECTOR = "9434765919"
OTHER = "9434765870"


@pytest.fixture
def registry() -> ObjectionRegistry:
    return ObjectionRegistry([Objection("943 476 5919", "RR8", date(2016, 5, 1))])


def test_objectors_stay_in_their_own_organisation_for_direct_care(registry: ObjectionRegistry) -> None:
    assert registry.may_share(OBJECTOR, Purpose.DIRECT_CARE, "RR8")
    assert not registry.may_share(OBJECTOR, Purpose.DIRECT_CARE, "00C")
    assert registry.may_share(OTHER, Purpose.DIRECT_CARE, "00C")


@pytest.mark.parametrize("purpose", [Purpose.COMMISSIONING, Purpose.EVALUATION])
def test_objectors_are_never_used_for_secondary_purposes(registry: ObjectionRegistry, purpose: Purpose) -> None:
    assert not registry.may_share(OBJECTOR, purpose, "RR8")
    assert registry.may_share(OTHER, purpose, "RR8")


def test_filter_withholds_objectors_and_uncheckable_rows_and_says_so(registry: ObjectionRegistry) -> None:
    rows = [{"nhs": OTHER, "x": "1"}, {"nhs": "943-476-5919", "x": "2"}, {"nhs": "", "x": "3"},
            {"nhs": "9434765918", "x": "4"}]
    out = filter_rows(rows, "nhs", registry, Purpose.DIRECT_CARE, "00C", file="f.csv")
    assert out.rows == [{"nhs": OTHER, "x": "1"}]
    assert out.withheld == 3
    assert [(f.rule, f.location.row) for f in out.findings] == [
        ("objection", 3), ("objection-uncheckable", 4), ("objection-uncheckable", 5)]
    assert rows[0] == {"nhs": OTHER, "x": "1"} and len(rows) == 4  # input untouched


def test_objection_needs_a_valid_number() -> None:
    with pytest.raises(InputError):
        Objection("123", "RR8", date(2016, 1, 1))
    assert OBJECTOR in ObjectionRegistry([Objection(OBJECTOR, "RR8", date(2016, 1, 1))])
