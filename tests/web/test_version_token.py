"""Sign-offs, submission and assurance are bound to the version that was shown (issue 16, item 6).

The area page's forms carry the plan's version token; the API sends it as If-Match (the ETag of
GET /api/areas/{code}/plan). If the plan changed in between, nothing happens and the answer is
409 with a message saying so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carepool.errors import ConflictError
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import plans
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OWN, YEAR, log_in


def _shown_token(client: TestClient) -> str:
    found = re.search(r'name="version" value="([^"]+)"', client.get(f"/areas/{OWN}").text)
    assert found, "the area page's form carries the version it shows"
    return found.group(1)


def _change_the_plan(store: Store) -> None:
    """Someone else stores different content meanwhile (a new version)."""
    plan = synthetic_plan(OWN, load_programme(YEAR), load_reference(), seed=11)
    plans.import_plan(store, plan, actor="someone-else")


def test_a_sign_off_of_a_page_shown_before_the_plan_changed_is_refused(client: TestClient, web_store: Store,
                                                                     workbooks: dict[str, Path]) -> None:
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    token = log_in(client, BY_KEY["la_lead"].email)
    shown = _shown_token(client)
    _change_the_plan(web_store)
    refused = client.post(f"/areas/{OWN}/sign-off", data={"csrf_token": token, "version": shown})
    assert refused.status_code == 409
    assert "changed after you opened it" in refused.text and "nothing was signed off" in refused.text
    record, events = plans.history(web_store, OWN, YEAR)
    assert record.version == 2 and not [e for e in events if e.action == "partner_signoff"]
    # reloading shows the new version, and signing that off works
    fresh = _shown_token(client)
    assert fresh != shown and fresh.startswith("2:")
    done = client.post(f"/areas/{OWN}/sign-off", data={"csrf_token": token, "version": fresh},
                       follow_redirects=False)
    assert done.status_code == 303


def test_a_form_without_the_version_is_refused(client: TestClient, web_store: Store,
                                               workbooks: dict[str, Path]) -> None:
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    token = log_in(client, BY_KEY["la_lead"].email)
    refused = client.post(f"/areas/{OWN}/sign-off", data={"csrf_token": token})
    assert refused.status_code == 409 and "which version of the plan" in refused.text


def test_the_api_needs_if_match_and_refuses_a_stale_one(client: TestClient, web_store: Store,
                                                        workbooks: dict[str, Path]) -> None:
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    log_in(client, BY_KEY["la_lead"].email)
    csrf = {"X-CSRF-Token": client.get("/api/me").json()["csrf_token"]}
    shown = client.get(f"/api/areas/{OWN}/plan").headers["etag"]
    assert client.get(f"/api/areas/{OWN}").headers["etag"] == shown
    missing = client.post(f"/api/areas/{OWN}/sign-off", headers=csrf)
    assert missing.status_code == 428 and "If-Match" in missing.json()["error"]["detail"]
    _change_the_plan(web_store)
    stale = client.post(f"/api/areas/{OWN}/sign-off", headers={**csrf, "If-Match": shown})
    assert stale.status_code == 409 and "changed after you opened it" in stale.json()["error"]["detail"]
    current = client.get(f"/api/areas/{OWN}/plan").headers["etag"]
    done = client.post(f"/api/areas/{OWN}/sign-off", headers={**csrf, "If-Match": current})
    assert done.status_code == 200 and done.json()["plan"]["partner_signoffs"] == [OWN]
    assert done.headers["etag"] == current, "a sign-off does not change the content"


@pytest.mark.parametrize("step", ["sign_off", "sign_off_hwb", "submit", "assure"])
def test_every_step_of_the_service_checks_the_token(web_store: Store, workbooks: dict[str, Path], step: str) -> None:
    record = plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    partners = [p.code for p in record.plan.partners if p.kind in ("la", "ccg")]
    token = plans.version_token(record)
    steps = {
        "sign_off": lambda expected: plans.sign_off(web_store, OWN, YEAR, partners[-1], actor="a", expected=expected),
        "sign_off_hwb": lambda expected: plans.sign_off_hwb(web_store, OWN, YEAR, actor="a", expected=expected),
        "submit": lambda expected: plans.submit(web_store, OWN, YEAR, actor="a", expected=expected),
        "assure": lambda expected: plans.assure(web_store, OWN, YEAR, "approved", actor="a", expected=expected),
    }
    order = list(steps)
    for earlier in order[:order.index(step)]:
        if earlier == "sign_off":
            for partner in partners:
                plans.sign_off(web_store, OWN, YEAR, partner, actor="a", expected=token)
        else:
            steps[earlier](token)
    with pytest.raises(ConflictError, match="changed after you opened it"):
        steps[step]("1:0000000000000000")
    steps[step](token)     # the token of what is there: done
