import pytest

from carepool.errors import InputError
from carepool.linkage.mapping import build, infer_role, parse_pair


@pytest.mark.parametrize(("column", "role"), [
    ("nhs_no", "nhs_number"), ("NHS Number", "nhs_number"), ("forename", "first_name"),
    ("first_name", "first_name"), ("last_name", "surname"), ("Surname", "surname"),
    ("date_of_birth", "dob"), ("DOB", "dob"), ("gender", "sex"), ("post_code", "postcode"),
    ("Ethnic Group", "x_ethnic_group"),
])
def test_roles_are_inferred_from_left_column_names(column: str, role: str) -> None:
    assert infer_role(column) == role


def test_explicit_roles_and_bad_specs() -> None:
    assert parse_pair("dob:born=date_of_birth").role == "dob"
    with pytest.raises(InputError, match="left_col=right_col"):
        parse_pair("surname")
    with pytest.raises(InputError, match="unknown role"):
        parse_pair("height:h=h")


def test_mapping_refuses_duplicates_and_nhs_only() -> None:
    with pytest.raises(InputError, match="more than one mapping for surname"):
        build("a", "b", ["surname=surname", "last_name=family_name"])
    with pytest.raises(InputError, match="besides the NHS number"):
        build("a", "b", ["nhs_no=nhs_number"])
    mapping = build("a", "b", {"nhs_no": "nhs_number", "last_name": "surname"})
    assert mapping.left_columns() == {"nhs_no": "nhs_number", "last_name": "surname"}
