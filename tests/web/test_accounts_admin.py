"""Administrators change an account's role and disable or enable it in the browser (services/users.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from carepool.errors import InputError, PermissionDenied
from carepool.services import users
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OTHER, OWN, PASSWORD, csrf_of, log_in


def _id(store: Store, key: str) -> int:
    return next(u.id for u in users.list_users(store) if u.email == BY_KEY[key].email)


def test_an_administrator_changes_a_role_and_the_person_sees_the_new_role_at_once(client: TestClient,
                                                                                  web_store: Store) -> None:
    lead = TestClient(client.app)
    log_in(lead, BY_KEY["la_lead"].email)
    assert lead.get(f"/areas/{OWN}/upload").status_code == 200
    token = log_in(client, BY_KEY["admin"].email)
    target = _id(web_store, "la_lead")
    listing = client.get("/admin/users").text
    assert f'href="/admin/users/{target}"' in listing
    page = client.get(f"/admin/users/{target}")
    assert page.status_code == 200 and 'id="role-now">partner lead<' in page.text
    changed = client.post(f"/admin/users/{target}/role", data={"csrf_token": token, "role": "analyst",
                                                               "areas": f"{OWN} {OTHER}"}, follow_redirects=False)
    assert changed.status_code == 303 and changed.headers["location"].endswith("done=role-changed")
    assert 'id="role-now">analyst<' in client.get(f"/admin/users/{target}").text
    now = users.get_user(web_store, target)
    assert (now.role.value, now.areas) == ("analyst", (OWN, OTHER))
    assert lead.get(f"/areas/{OWN}/upload").status_code == 403, "an analyst may not upload: the new role applies"
    assert lead.get(f"/areas/{OTHER}").status_code == 200, "and the new area"


def test_a_role_that_does_not_suit_the_organisation_is_refused_with_a_message(client: TestClient,
                                                                              web_store: Store) -> None:
    token = log_in(client, BY_KEY["admin"].email)
    target = _id(web_store, "la_lead")
    refused = client.post(f"/admin/users/{target}/role", data={"csrf_token": token, "role": "national_assurer",
                                                               "areas": OWN})
    assert refused.status_code == 422 and "belongs to one of national" in refused.text
    assert users.get_user(web_store, target).role.value == "partner_lead"
    own = _id(web_store, "admin")
    mine = client.post(f"/admin/users/{own}/role", data={"csrf_token": token, "role": "analyst", "areas": ""})
    assert mine.status_code == 422 and "your own administrator role" in mine.text


def test_a_disabled_account_cannot_log_in_and_its_sessions_end_until_enabled(client: TestClient,
                                                                             web_store: Store) -> None:
    person = TestClient(client.app)
    log_in(person, BY_KEY["analyst"].email)
    assert person.get("/").status_code == 200
    token = log_in(client, BY_KEY["admin"].email)
    target = _id(web_store, "analyst")
    done = client.post(f"/admin/users/{target}/disable", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert 'id="account-state">disabled<' in client.get(f"/admin/users/{target}").text
    row = re.search(rf'data-email="{BY_KEY["analyst"].email}">.*?</tr>', client.get("/admin/users").text, re.S)
    assert row and ">disabled<" in row.group(0)
    assert person.get("/", follow_redirects=False).status_code == 303, "the open session ended"
    again = TestClient(client.app)
    refused = again.post("/login", data={"email": BY_KEY["analyst"].email, "password": PASSWORD,
                                         "csrf_token": csrf_of(again), "next": "/"}, follow_redirects=False)
    assert refused.status_code != 303 and "disabled" in refused.text
    client.post(f"/admin/users/{target}/enable", data={"csrf_token": token})
    log_in(again, BY_KEY["analyst"].email)
    assert again.get("/").status_code == 200
    own = _id(web_store, "admin")
    assert client.post(f"/admin/users/{own}/disable", data={"csrf_token": token}).status_code == 422


def test_only_administrators_change_accounts(client: TestClient, web_store: Store) -> None:
    token = log_in(client, BY_KEY["assurer"].email)
    target = _id(web_store, "la_lead")
    assert client.get(f"/admin/users/{target}").status_code == 403
    assert client.post(f"/admin/users/{target}/disable", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/admin/users/{target}/role", data={"csrf_token": token, "role": "hwb_chair",
                                                            "areas": OWN}).status_code == 403
    assert users.get_user(web_store, target).disabled is False
    with pytest.raises(PermissionDenied):
        users.set_disabled(web_store, users.get_user(web_store, _id(web_store, "assurer")), target, True)
    with pytest.raises(InputError, match="unknown role"):
        users.change_role(web_store, users.get_user(web_store, _id(web_store, "admin")), target, role="x",
                          areas=[OWN])
