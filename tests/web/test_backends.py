"""The web service on both store backends: accounts, lock-out state and a plan step, via HTTP."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from carepool.services import plans, users
from carepool.store.db import open_store
from carepool.web import create_app
from tests.web.conftest import OWN, PASSWORD, log_in, plan_version, settings


def test_log_in_upload_and_sign_off_on_each_backend(store_url: str, workbooks: dict[str, Path]) -> None:
    store = open_store(store_url)
    try:
        users.add_user(store, email="lead@rotherham.test", password=PASSWORD, name="Lead", org_code=OWN,
                       org_kind="la", role="partner_lead", areas=[OWN])
        with TestClient(create_app(store_url, settings=settings())) as client:
            token = log_in(client, "lead@rotherham.test")
            with workbooks["valid"].open("rb") as handle:
                stored = client.post(f"/areas/{OWN}/upload", data={"csrf_token": token},
                                     files={"workbook": ("plan.xlsx", handle)}, follow_redirects=False)
            assert stored.status_code == 303
            signed = {"csrf_token": token, "version": plan_version(client)}
            assert client.post(f"/areas/{OWN}/sign-off", data=signed,
                               follow_redirects=False).status_code == 303
            assert client.get("/api/me").json()["areas"] == [OWN]
        record, events = plans.history(store, OWN, "bcf-2015-16")
        assert record.created_by == "lead@rotherham.test"
        assert [(e.action, e.actor) for e in events] == [
            ("created", "lead@rotherham.test"), ("signed_off", "lead@rotherham.test")]
        assert events[1].detail == OWN
    finally:
        store.dispose()
