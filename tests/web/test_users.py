"""Accounts and roles: checks on what an account may be, demo log-ins, and `carepool users`."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from carepool.cli.main import app as cli
from carepool.errors import ConflictError, InputError, NotFound, PermissionDenied
from carepool.services import users
from carepool.store.db import Store, open_store
from tests.web.conftest import BY_KEY, OTHER, OWN, PASSWORD, log_in


def _add(store: Store, **overrides: object) -> users.User:
    fields: dict[str, object] = {"email": "new@x.test", "password": PASSWORD, "name": "New", "org_code": OWN,
                                 "org_kind": "la", "role": "partner_lead", "areas": [OWN]}
    fields.update(overrides)
    return users.add_user(store, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("overrides", "where"), [
    ({"email": "not-an-email"}, "email"),
    ({"password": "short"}, "password"),
    ({"role": "king"}, "role"),
    ({"role": "national_assurer"}, "org kind"),      # an assurer belongs to the national team
    ({"org_kind": "hwb"}, "org kind"),               # a partner lead is a CCG or council
    ({"areas": []}, "area"),                         # a local user needs an area
])
def test_an_account_that_cannot_be_right_is_refused(web_store: Store, overrides: dict[str, object],
                                                     where: str) -> None:
    with pytest.raises(InputError) as refused:
        _add(web_store, **overrides)
    assert refused.value.where == where
    with pytest.raises(PermissionDenied):
        users.authenticate(web_store, str(overrides.get("email", "new@x.test")), PASSWORD)


def test_unknown_areas_and_duplicate_emails_are_refused(web_store: Store) -> None:
    with pytest.raises(NotFound):
        _add(web_store, areas=["E99999999"])
    _add(web_store)
    with pytest.raises(ConflictError):
        _add(web_store, email="NEW@x.test")


def test_passwords_are_stored_only_as_argon2_hashes(web_store: Store) -> None:
    from sqlalchemy import select

    from carepool.store.web_tables import WebUserRow

    _add(web_store)
    with web_store.transaction() as session:
        stored = session.scalars(select(WebUserRow.password_hash).where(WebUserRow.email == "new@x.test")).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    # OWASP's argon2id setting: 19 MiB, 2 iterations, one lane (a log-in takes one core, not all of them)
    assert "$m=19456,t=2,p=1$" in stored


def test_a_hash_made_with_older_settings_is_renewed_at_the_next_log_in(web_store: Store) -> None:
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from carepool.store.web_tables import WebUserRow

    _add(web_store)
    older = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4).hash(PASSWORD)
    with web_store.transaction() as session:
        session.scalars(select(WebUserRow).where(WebUserRow.email == "new@x.test")).one().password_hash = older
    assert users.authenticate(web_store, "new@x.test", PASSWORD).email == "new@x.test"
    with web_store.transaction() as session:
        renewed = session.scalars(select(WebUserRow.password_hash).where(WebUserRow.email == "new@x.test")).one()
    assert renewed != older and "$m=19456,t=2,p=1$" in renewed
    assert users.authenticate(web_store, "new@x.test", PASSWORD).email == "new@x.test"


def test_roles_act_only_in_their_areas_and_national_users_see_all() -> None:
    local = users.User(1, "a@x.test", "a", OWN, "la", users.Role.PARTNER_LEAD, (OWN,))
    national = users.User(2, "b@x.test", "b", "NATIONAL", "national", users.Role.NATIONAL_ASSURER, ())
    assert local.may(users.Action.UPLOAD, OWN) and not local.may(users.Action.UPLOAD, OTHER)
    assert not local.may(users.Action.ASSURE, OWN)
    assert national.may(users.Action.ASSURE, OTHER) and not national.may(users.Action.UPLOAD, OTHER)
    with pytest.raises(PermissionDenied, match="may not assure"):
        users.require(local, users.Action.ASSURE, OWN)


def test_demo_users_can_log_in_and_get_new_passwords_on_each_call(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "demo.db"))
    first = users.create_demo_users(store)
    roles = {role for _, _, role, _ in first}
    assert roles == {r.value for r in users.Role} and len(first) == 11   # ten roles; two partner leads
    orgs = {org for _, _, role, org in first if role == "partner_lead"}
    assert orgs == {OWN, "03L"}, "one partner lead per partner of the Rotherham plan"
    email, password, role, _ = first[0]
    assert users.authenticate(store, email, password).role.value == role
    again = users.create_demo_users(store)
    assert [e for e, *_ in again] == [e for e, *_ in first] and again[0][1] != password
    with pytest.raises(PermissionDenied):
        users.authenticate(store, email, password)
    store.dispose()


def test_cli_adds_and_lists_users(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "--email", "cfo@ccg.test", "--org", "03L", "--role",
                                "partner_lead", "--area", OWN, "--password", PASSWORD, "--db", db])
    assert added.exit_code == 0, added.output
    assert "partner_lead of 03L (ccg)" in added.output
    refused = runner.invoke(cli, ["users", "add", "--email", "x@nat.test", "--org", "NATIONAL", "--role",
                                  "hwb_chair", "--password", PASSWORD, "--db", db])
    assert refused.exit_code == InputError.exit_code
    listed = runner.invoke(cli, ["users", "list", "--db", db])
    assert listed.exit_code == 0 and "cfo@ccg.test" in listed.output and "x@nat.test" not in listed.output
    store = open_store(db)
    assert users.authenticate(store, "cfo@ccg.test", PASSWORD).areas == (OWN,)
    store.dispose()


def test_an_administrator_adds_an_account_in_the_browser(client: TestClient) -> None:
    token = log_in(client, BY_KEY["admin"].email)
    form = {"csrf_token": token, "email": "cfo@sheffield.test", "name": "CFO", "org_code": "E08000019",
            "org_kind": "la", "role": "partner_lead", "areas": "E08000019", "password": PASSWORD}
    added = client.post("/admin/users", data=form, follow_redirects=False)
    assert added.status_code == 303
    assert "cfo@sheffield.test" in client.get("/admin/users").text
    duplicate = client.post("/admin/users", data=form)
    assert duplicate.status_code == 409 and "already exists" in duplicate.text
    short = client.post("/admin/users", data=form | {"email": "b@sheffield.test", "password": "short"})
    assert short.status_code == 422 and "12 characters" in short.text
    client.cookies.clear()
    log_in(client, "cfo@sheffield.test")
    assert client.get("/api/me").json()["areas"] == [OTHER]
