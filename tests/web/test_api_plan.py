"""The plan over the JSON API: read it, upload the workbook (multipart), replace it with JSON (PUT)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from carepool.plans.serialise import plan_from_dict, plan_to_dict
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import plans
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OTHER, OWN, YEAR, log_in, plan_etag

PLAN = f"/api/areas/{OWN}/plan"


def _as(client: TestClient, key: str) -> dict[str, str]:
    client.cookies.clear()
    log_in(client, BY_KEY[key].email)
    return {"X-CSRF-Token": client.get("/api/me").json()["csrf_token"]}


def _upload(client: TestClient, header: dict[str, str], workbook: Path | bytes, path: str = PLAN) -> httpx.Response:
    body = workbook if isinstance(workbook, bytes) else workbook.read_bytes()
    return client.post(path, headers=header, files={"workbook": ("our plan.xlsx", body, "application/octet-stream")})


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()["error"]
    assert body["status"] == status and set(body) == {"status", "title", "detail", "findings"}
    return body


def test_upload_a_workbook_then_read_the_plan(client: TestClient, workbooks: dict[str, Path]) -> None:
    header = _as(client, "la_lead")
    _error(client.get(PLAN), 404)
    _error(_upload(client, {}, workbooks["valid"]), 403)

    refused = _error(_upload(client, header, workbooks["template"]), 422)
    assert len(refused["findings"]) >= 10
    placed = [f for f in refused["findings"] if f["location"].get("sheet") and f["location"].get("cell")]
    assert placed, "workbook findings name their sheet and cell"
    assert {"rule", "severity", "message", "location"} <= set(refused["findings"][0])
    assert all(f["location"].get("file") in (None, "our plan.xlsx") for f in refused["findings"])
    assert any(f["location"].get("sheet") == "Pools" and f["location"].get("cell") == "E4"
               for f in refused["findings"])

    wrong = _error(_upload(client, header, workbooks["other"]), 422)
    assert wrong["findings"][0]["rule"] == "upload.area" and OTHER in wrong["findings"][0]["message"]
    _error(_upload(client, header, b"not a workbook"), 422)
    _error(client.post(PLAN, headers=header, json={"workbook": "x"}), 422)
    _error(client.get(PLAN), 404)   # nothing refused was stored

    stored = _upload(client, header, workbooks["valid"])
    assert stored.status_code == 201, stored.text
    body = stored.json()
    assert (body["version"], body["status"], body["created_by"]) == (1, "draft", BY_KEY["la_lead"].email)
    assert all(f["severity"] != "error" for f in body["findings"])

    read = client.get(PLAN).json()
    assert read["version"] == 1 and read["plan"]["area_code"] == OWN and read["plan"]["format"] == 1
    assert read["plan"] == body["plan"]
    assert sum(line["amount_pence"] for line in read["plan"]["funding"]) == client.get(
        f"/api/areas/{OWN}").json()["plan"]["pooled_pence"]
    again = _upload(client, header, workbooks["valid"])
    assert again.status_code == 201 and again.json()["version"] == 2, "an upload is a new version, as on the page"
    assert client.get(PLAN, params={"version": 1}).json()["version"] == 1
    _error(client.get(PLAN, params={"version": 9}), 404)

    _as(client, "local_auditor")
    assert client.get(PLAN).status_code == 200, "everyone who sees the area reads its plan"
    assert client.get(f"/api/areas/{OTHER}/plan").status_code == 403


def test_put_replaces_the_plan_following_the_lifecycle(client: TestClient, web_store: Store,
                                                       workbooks: dict[str, Path]) -> None:
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    header = _as(client, "ccg_lead")
    document = client.get(PLAN).json()["plan"]

    _error(client.put(PLAN, json=document), 403)
    changed = copy.deepcopy(document)
    changed["narrative"] = "Agreed at the March board"
    put = client.put(PLAN, headers=header, json=changed)
    assert put.status_code == 200, put.text
    assert (put.json()["version"], put.json()["change"]) == (1, "edited")
    assert plans.get_plan(web_store, OWN, YEAR).plan.narrative == "Agreed at the March board"
    same = client.put(PLAN, headers=header, json=changed)
    assert (same.json()["version"], same.json()["change"]) == (1, "unchanged"), "PUT is idempotent"

    broken = copy.deepcopy(changed)
    broken["schemes"][0]["amount_pence"] += 1
    broken["metrics"][5]["local_name"] = ""
    broken["schemes"][1]["scheme_type"] = "Wellbeing cafés"
    body = _error(client.put(PLAN, headers=header, json=broken), 422)
    where = {(f["rule"], f["location"].get("field")) for f in body["findings"]}
    assert {("SCHEMES-SUM", "pools[0]"), ("METRIC-LOCAL", "metrics[5].local_name"),
            ("SCHEME-LIST", "schemes[1].scheme_type")} <= where
    assert plan_to_dict(plans.get_plan(web_store, OWN, YEAR).plan)["schemes"] == changed["schemes"], "nothing stored"

    for bad, field in ((dict(changed, area_code=OTHER), "area_code"), (dict(changed, year="bcf-2016-17"), "year")):
        assert _error(client.put(PLAN, headers=header, json=bad), 422)["findings"][0]["location"]["field"] == field
    nan = copy.deepcopy(changed)
    nan["metrics"][0]["baseline"] = "NaN"
    assert _error(client.put(PLAN, headers=header, json=nan), 422)["findings"][0]["location"] == {
        "field": "metrics[0].baseline"}
    _error(client.put(PLAN, headers=header, json={"area_code": OWN}), 422)
    _error(client.put(f"/api/areas/{OTHER}/plan", headers=header, json=changed), 403)

    signed = client.post(f"/api/areas/{OWN}/sign-off", headers={**header, "If-Match": plan_etag(client)})
    assert signed.status_code == 200
    after = copy.deepcopy(changed)
    after["narrative"] = "Changed after the CCG signed off"
    put = client.put(PLAN, headers=header, json=after)
    assert (put.json()["version"], put.json()["change"], put.json()["status"]) == (2, "new_version", "draft")
    assert client.get(f"/api/areas/{OWN}").json()["plan"]["partner_signoffs"] == [], "a change clears sign-offs"

    _as(client, "analyst")
    _error(client.put(PLAN, headers=header, json=after), 403)


def test_if_match_refuses_a_put_when_the_plan_changed_since_it_was_read(client: TestClient, web_store: Store,
                                                                        workbooks: dict[str, Path]) -> None:
    header = _as(client, "ccg_lead")
    assert "etag" not in client.get(PLAN).headers      # 404: no plan, no tag
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    read = client.get(PLAN)
    tag = read.headers["etag"]
    assert tag == f'"{plans.version_token(plans.get_plan(web_store, OWN, YEAR))}"', "the edit form's token, quoted"
    assert client.get(PLAN, params={"version": 1}).headers["etag"] == tag

    mine, theirs = copy.deepcopy(read.json()["plan"]), copy.deepcopy(read.json()["plan"])
    theirs["narrative"] = "Saved first, by someone else"
    first = client.put(PLAN, headers={**header, "If-Match": tag}, json=theirs)
    assert first.status_code == 200 and first.json()["change"] == "edited"
    assert first.headers["etag"] != tag and first.headers["etag"] == client.get(PLAN).headers["etag"]

    mine["narrative"] = "Saved second, from the old read"
    late = _error(client.put(PLAN, headers={**header, "If-Match": tag}, json=mine), 412)
    assert "If-Match" in late["detail"] and late["title"] == "Changed since you read it"
    assert plans.get_plan(web_store, OWN, YEAR).plan.narrative == "Saved first, by someone else", "nothing saved"
    for refused in (f"W/{first.headers['etag']}", '"1:0000000000000000"', "garbage"):
        _error(client.put(PLAN, headers={**header, "If-Match": refused}, json=mine), 412)

    # the current tag, among others or as *, lets the save through; no If-Match at all is unconditional
    fresh = client.put(PLAN, headers={**header, "If-Match": f'"x", {first.headers["etag"]}'}, json=mine)
    assert fresh.status_code == 200 and fresh.json()["change"] == "edited"
    mine["narrative"] = "Any version will do"
    assert client.put(PLAN, headers={**header, "If-Match": "*"}, json=mine).status_code == 200
    mine["narrative"] = "No precondition"
    assert client.put(PLAN, headers=header, json=mine).status_code == 200
    assert plans.get_plan(web_store, OWN, YEAR).plan.narrative == "No precondition"

    # a save between the check and the write (inside save_draft's transaction) is a 412 as well
    stale = plans.version_token(plans.get_plan(web_store, OWN, YEAR))
    mine["narrative"] = "Raced"
    theirs["narrative"] = "Won the race"
    real = plans.save_draft

    def racing(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("expected") == stale:
            real(web_store, OWN, plan_from_dict(theirs), actor="someone else")
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plans, "save_draft", racing)
        _error(client.put(PLAN, headers={**header, "If-Match": f'"{stale}"'}, json=mine), 412)
    assert plans.get_plan(web_store, OWN, YEAR).plan.narrative == "Won the race"


def test_if_match_on_an_area_without_a_plan_is_412(client: TestClient) -> None:
    header = _as(client, "la_lead")
    document = plan_to_dict(synthetic_plan(OWN, load_programme(YEAR), load_reference(), seed=3))
    for tag in ("*", '"none"'):      # no current version to match: any tag fails, even * (RFC 9110)
        _error(client.put(PLAN, headers={**header, "If-Match": tag}, json=document), 412)
    _error(client.get(PLAN), 404)
    created = client.put(PLAN, headers=header, json=document)
    assert created.status_code == 200 and created.json()["change"] == "created"
    assert created.headers["etag"] == client.get(PLAN).headers["etag"]
