"""An account given a 2015 area code also covers the area that replaced it whole in the 2023
geography (Somerset E10000027 -> E06000066; Bournemouth E06000028 -> BCP E06000058), so its people
see and act for their area in 2023-25 and later; a county split in two (Cumbria, Northamptonshire)
is not widened, since which new council a person acts for is an administrator's choice.
SQLite and PostgreSQL."""

from __future__ import annotations

from carepool.services import users
from carepool.store.db import Store

PASSWORD = "correct horse battery"


def _account(store: Store, email: str, area: str) -> users.User:
    users.add_user(store, email=email, password=PASSWORD, name=email, org_code=area, org_kind="la",
                   role="partner_lead", areas=[area])
    return next(u for u in users.list_users(store) if u.email == email)


def test_an_old_code_account_covers_the_area_that_replaced_it_whole(store: Store) -> None:
    somerset = _account(store, "lead@somerset.test", "E10000027")
    assert somerset.areas == ("E10000027",), "the account keeps the code it was given"
    assert somerset.can_see("E10000027") and somerset.can_see("E06000066")
    assert users.authenticate(store, "lead@somerset.test", PASSWORD).can_see("E06000066")
    assert not somerset.can_see("E06000065"), "North Yorkshire is another area"
    bournemouth = _account(store, "lead@bournemouth.test", "E06000028")
    assert bournemouth.can_see("E06000058")


def test_a_split_county_is_not_widened_and_a_current_code_is_unchanged(store: Store) -> None:
    cumbria = _account(store, "lead@cumbria.test", "E10000006")
    assert cumbria.can_see("E10000006")
    assert not cumbria.can_see("E06000063") and not cumbria.can_see("E06000064")
    rotherham = _account(store, "lead@rotherham.test", "E08000018")
    assert rotherham.can_see("E08000018") and rotherham.successors == ()
