"""Row checks are SQL with bound values and quoted identifiers."""

from __future__ import annotations

from carepool.activity.checks import check_sql, quote
from carepool.activity.schemas import Column, Schema


def test_allowed_values_and_bounds_are_bound_parameters() -> None:
    s = Schema("t", (Column("kind", "string", allowed=("a", "b'); DROP TABLE x; --")),
                     Column("n", "int", minimum=0, maximum=9)))
    checked = check_sql(s)
    # the value is bound for the comparison; in the message text its quote is doubled (escaped)
    assert "b'); DROP" not in checked.sql and "b''); DROP" in checked.sql
    assert checked.params == ("a", "b'); DROP TABLE x; --", 0, 9)
    assert checked.sql.replace("'-?[0-9]+'", "").count("?") == 4   # one placeholder per value


def test_identifiers_are_quoted() -> None:
    assert quote('we"ird') == '"we""ird"'
    checked = check_sql(Schema("t", (Column('we"ird', "date"),)))
    assert '"we""ird"' in checked.sql


def test_duplicate_check_only_when_a_key_is_declared() -> None:
    cols = (Column("id", "string"),)
    assert "PARTITION BY" not in check_sql(Schema("t", cols)).sql
    assert 'PARTITION BY "id"' in check_sql(Schema("t", cols, key=("id",))).sql
