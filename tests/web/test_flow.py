"""The whole plan journey over HTTP: upload with mistakes, see the findings, fix, sign off, assure."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import BY_KEY, OTHER, OWN, csrf_of, log_in_as, plan_etag, plan_version


def _upload(client: TestClient, token: str, workbook: Path, area: str = OWN):  # type: ignore[no-untyped-def]
    with workbook.open("rb") as handle:
        return client.post(f"/areas/{area}/upload", data={"csrf_token": token},
                           files={"workbook": ("plan.xlsx", handle, "application/octet-stream")},
                           follow_redirects=False)


def _post(client: TestClient, token: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token, "version": plan_version(client), **fields}
    return client.post(f"/areas/{OWN}/{action}", data=data, follow_redirects=False)


def _dashboard_status(client: TestClient) -> str:
    rows = client.get("/api/areas", params={"q": OWN}).json()
    assert [r["code"] for r in rows] == [OWN]
    return str(rows[0]["status"])


def test_upload_findings_fix_sign_offs_assure_and_the_dashboard_follows(
        client: TestClient, workbooks: dict[str, Path]) -> None:
    token = log_in_as(client, "la_lead")
    assert _dashboard_status(client) == "no plan"

    refused = _upload(client, token, workbooks["template"])
    assert refused.status_code == 422
    rows = re.findall(r'<tr class="nhsuk-table__row finding">(.*?)</tr>', refused.text, re.S)
    assert len(rows) >= 10
    assert "Pools" in refused.text and "E4" in refused.text and "must be filled in" in refused.text
    assert _dashboard_status(client) == "no plan", "a refused upload stores nothing"

    wrong_area = _upload(client, token, workbooks["other"])
    assert wrong_area.status_code == 422 and f"is for area {OTHER}" in wrong_area.text

    stored = _upload(client, token, workbooks["valid"])
    assert stored.status_code == 303 and stored.headers["location"] == f"/areas/{OWN}?done=uploaded-v1"
    assert _dashboard_status(client) == "draft"

    early = _post(client, csrf_of(client, "/"), "submit")
    assert early.status_code == 403, "a partner lead may not submit"
    assert _post(client, token, "sign-off").status_code == 303
    again = _post(client, token, "sign-off")
    assert again.status_code == 409, "signing off twice clashes with the plan's state"

    token = log_in_as(client, "ccg_lead")
    page = client.get(f"/areas/{OWN}").text
    assert 'action="/areas/E08000018/sign-off"' in page
    assert _post(client, token, "sign-off").status_code == 303
    assert _dashboard_status(client) == "partners_signed_off"

    token = log_in_as(client, "hwb_chair")
    assert _post(client, token, "hwb-sign-off").status_code == 303
    assert _post(client, token, "submit").status_code == 303
    assert _dashboard_status(client) == "submitted"

    token = log_in_as(client, "assurer")
    page = client.get(f"/areas/{OWN}").text
    assert 'action="/areas/E08000018/assure"' in page and "sign-off" not in page
    decided = _post(client, token, "assure", outcome="approved subject to conditions",
                    conditions="Quarterly report on delayed transfers to the HWB")
    assert decided.status_code == 303
    assert _dashboard_status(client) == "assured"

    area = client.get(f"/api/areas/{OWN}").json()
    assert area["plan"]["outcome"] == "approved subject to conditions"
    assert area["plan"]["conditions"] == "Quarterly report on delayed transfers to the HWB"
    assert area["plan"]["partner_signoffs"] == ["03L", OWN]
    actors = [(e["action"], e["actor"]) for e in area["history"]]
    assert actors == [("created", BY_KEY["la_lead"].email), ("signed_off", BY_KEY["la_lead"].email),
                      ("signed_off", BY_KEY["ccg_lead"].email), ("hwb_signed_off", BY_KEY["hwb_chair"].email),
                      ("submitted", BY_KEY["hwb_chair"].email), ("assured", BY_KEY["assurer"].email)]
    history = client.get(f"/areas/{OWN}/history").text
    assert history.count('<tr class="nhsuk-table__row"><td') == 6 and BY_KEY["assurer"].email in history

    page = client.get("/", params={"status": "assured"}).text
    assert f'data-area="{OWN}"' in page and page.count("data-area=") == 1
    table = list(csv.DictReader(io.StringIO(client.get("/dashboard.csv", params={"status": "assured"}).text)))
    assert [(r["code"], r["status"]) for r in table] == [(OWN, "assured")]
    assert table[0]["pooled_gbp"] == f"{area['plan']['pooled_pence'] // 100}.{area['plan']['pooled_pence'] % 100:02d}"

    workbook = client.get(f"/areas/{OWN}/plan.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


def test_the_dashboard_sorts_filters_and_shows_local_users_only_their_areas(client: TestClient) -> None:
    log_in_as(client, "analyst")
    everyone = client.get("/api/areas").json()
    assert len(everyone) == 151
    by_name = client.get("/api/areas", params={"sort": "name", "order": "desc"}).json()
    assert [r["name"] for r in by_name] == sorted((r["name"] for r in everyone), reverse=True)
    assert [r["code"] for r in client.get("/api/areas", params={"q": "sheff"}).json()] == [OTHER]
    assert client.get("/", params={"q": "sheff"}).text.count("data-area=") == 1
    log_in_as(client, "local_auditor")
    assert [r["code"] for r in client.get("/api/areas").json()] == [OWN]
    assert client.get("/").text.count("data-area=") == 1


def test_books_download_is_beancount(client: TestClient) -> None:
    log_in_as(client, "auditor")
    books = client.get(f"/areas/{OWN}/books.beancount")
    assert books.status_code == 200
    assert 'option "operating_currency" "GBP"' in books.text


def test_the_workflow_through_the_json_api(client: TestClient, workbooks: dict[str, Path]) -> None:
    token = log_in_as(client, "la_lead")
    assert _upload(client, token, workbooks["valid"]).status_code == 303
    me = client.get("/api/me").json()
    assert client.post(f"/api/areas/{OWN}/sign-off").status_code == 403, "no CSRF header, no change"
    signed = client.post(f"/api/areas/{OWN}/sign-off", headers={"X-CSRF-Token": me["csrf_token"],
                                                                "If-Match": plan_etag(client)})
    assert signed.status_code == 200 and signed.json()["plan"]["partner_signoffs"] == [OWN]
    again = client.post(f"/api/areas/{OWN}/sign-off", headers={"X-CSRF-Token": me["csrf_token"],
                                                               "If-Match": plan_etag(client)})
    assert again.status_code == 409 and again.json()["error"]["status"] == 409
    for key, action in (("ccg_lead", "sign-off"), ("hwb_chair", "hwb-sign-off"), ("hwb_chair", "submit")):
        log_in_as(client, key)
        header = {"X-CSRF-Token": client.get("/api/me").json()["csrf_token"], "If-Match": plan_etag(client)}
        assert client.post(f"/api/areas/{OWN}/{action}", headers=header).status_code == 200, (key, action)
    log_in_as(client, "assurer")
    header = {"X-CSRF-Token": client.get("/api/me").json()["csrf_token"], "If-Match": plan_etag(client)}
    wrong = client.post(f"/api/areas/{OWN}/assure", headers=header, json={"outcome": "brilliant"})
    assert wrong.status_code in (409, 422) and wrong.json()["error"]["detail"]
    done = client.post(f"/api/areas/{OWN}/assure", headers=header, json={"outcome": "approved", "conditions": ""})
    assert done.status_code == 200 and done.json()["plan"]["status"] == "assured"
    assert _dashboard_status(client) == "assured"
