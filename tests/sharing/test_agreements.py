from datetime import date

import pytest

from carepool.errors import InputError, PermissionDenied
from carepool.sharing.agreements import Agreement, Purpose, authorise_share, check_share, parse_purpose


def agreement(**overrides: object) -> Agreement:
    values: dict[str, object] = dict(
        agreement_id="DSA-1", parties=("RR8", "00C"), purpose=Purpose.DIRECT_CARE,
        legal_basis="HSCA 2012 s.251B", permitted_fields=frozenset({"nhs_number", "dob", "care_package"}),
        retention_days=365, start=date(2016, 4, 1), end=date(2017, 3, 31))
    values.update(overrides)
    return Agreement(**values)  # type: ignore[arg-type]


def rules(found: list) -> list[str]:
    return [f.rule for f in found]


def test_a_permitted_share_in_force_passes() -> None:
    assert check_share(agreement(), ["nhs_number", "dob"], "direct_care", date(2016, 6, 1), recipient="00C") == []


def test_each_reason_to_refuse_is_reported() -> None:
    a = agreement()
    assert rules(check_share(None, ["dob"], Purpose.DIRECT_CARE, date(2016, 6, 1))) == ["agreement-missing"]
    assert rules(check_share(a, ["dob"], Purpose.DIRECT_CARE, date(2017, 4, 1))) == ["agreement-expired"]
    assert rules(check_share(a, ["dob"], Purpose.DIRECT_CARE, date(2016, 3, 31))) == ["agreement-not-started"]
    assert rules(check_share(a, ["dob"], Purpose.EVALUATION, date(2016, 6, 1))) == ["agreement-purpose"]
    assert rules(check_share(a, ["dob"], Purpose.DIRECT_CARE, date(2016, 6, 1), recipient="X99")) == [
        "agreement-party"]
    found = check_share(a, ["dob", "postcode", "ethnicity"], Purpose.DIRECT_CARE, date(2016, 6, 1))
    assert rules(found) == ["field-not-permitted", "field-not-permitted"]
    assert [f.location.field for f in found] == ["ethnicity", "postcode"]


def test_authorise_refuses_with_every_reason_in_the_message() -> None:
    with pytest.raises(PermissionDenied) as refused:
        authorise_share(agreement(), ["postcode"], "direct_care", date(2018, 1, 1))
    assert "expired on 2017-03-31" in str(refused.value)
    assert "'postcode' is not permitted" in str(refused.value)


def test_agreement_records_are_validated() -> None:
    with pytest.raises(InputError, match="two parties"):
        agreement(parties=("RR8",))
    with pytest.raises(InputError, match="before start"):
        agreement(end=date(2015, 1, 1))
    with pytest.raises(InputError, match="unknown purpose"):
        parse_purpose("marketing")
    assert Purpose.EVALUATION.secondary and not Purpose.DIRECT_CARE.secondary
