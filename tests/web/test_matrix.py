"""The authorisation matrix: every role x every area route x own area / other area -> allowed or 403.

The expected table is written out here on purpose (not derived from the code under test), so a
change to who may do what shows up as a failing cell. "Allowed" means the request got past the
permission check: any answer but 403 (and never a server error); "refused" means exactly 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carepool.services import plans
from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, OTHER, OWN, PEOPLE, log_in, plan_etag, plan_version, settings, sqlite_copy

EVERYONE = frozenset(p.key for p in PEOPLE)
NATIONAL = frozenset({"assurer", "analyst", "auditor", "admin", "ig_lead"})
# route -> (method, path, who may use it in their own area)
ROUTES: dict[str, tuple[str, str, frozenset[str]]] = {
    "area page": ("GET", "/areas/{a}", EVERYONE),
    "history": ("GET", "/areas/{a}/history", EVERYONE),
    "plan workbook": ("GET", "/areas/{a}/plan.xlsx", EVERYONE),
    "books": ("GET", "/areas/{a}/books.beancount", EVERYONE),
    "performance quarters": ("GET", "/areas/{a}/performance", EVERYONE),
    "personal budgets": ("GET", "/areas/{a}/budgets", EVERYONE),
    "where the money goes": ("GET", "/areas/{a}/money", EVERYONE),
    "a personal budget": ("GET", "/areas/{a}/budgets/P00001", frozenset({"pool_manager"})),   # person-level
    "api area": ("GET", "/api/areas/{a}", EVERYONE),
    "upload page": ("GET", "/areas/{a}/upload", frozenset({"la_lead", "ccg_lead", "pool_manager"})),
    "upload": ("POST", "/areas/{a}/upload", frozenset({"la_lead", "ccg_lead", "pool_manager"})),
    "plan edit page": ("GET", "/areas/{a}/plan/edit", frozenset({"la_lead", "ccg_lead", "pool_manager"})),
    "plan edit": ("POST", "/areas/{a}/plan/edit", frozenset({"la_lead", "ccg_lead", "pool_manager"})),
    "api plan": ("GET", "/api/areas/{a}/plan", EVERYONE),
    "api plan upload": ("POST", "/api/areas/{a}/plan", frozenset({"la_lead", "ccg_lead", "pool_manager"})),
    "partner sign-off": ("POST", "/areas/{a}/sign-off", frozenset({"la_lead", "ccg_lead"})),
    "hwb sign-off": ("POST", "/areas/{a}/hwb-sign-off", frozenset({"hwb_chair"})),
    "submit": ("POST", "/areas/{a}/submit", frozenset({"hwb_chair", "pool_manager"})),
    "assure": ("POST", "/areas/{a}/assure", frozenset({"assurer"})),
    "api partner sign-off": ("POST", "/api/areas/{a}/sign-off", frozenset({"la_lead", "ccg_lead"})),
    "api hwb sign-off": ("POST", "/api/areas/{a}/hwb-sign-off", frozenset({"hwb_chair"})),
    "api submit": ("POST", "/api/areas/{a}/submit", frozenset({"hwb_chair", "pool_manager"})),
    "api assure": ("POST", "/api/areas/{a}/assure", frozenset({"assurer"})),
    "quarterly returns": ("GET", "/areas/{a}/returns", EVERYONE),
    "return form": ("GET", "/areas/{a}/returns/new", frozenset({"la_lead", "ccg_lead", "pool_manager"})),
    "submit return": ("POST", "/areas/{a}/returns/new", frozenset({"la_lead", "ccg_lead", "pool_manager"})),
    "api returns": ("GET", "/api/areas/{a}/returns", EVERYONE),
    "api submit return": ("POST", "/api/areas/{a}/returns", frozenset({"la_lead", "ccg_lead", "pool_manager"})),
    "year-end statement": ("GET", "/areas/{a}/ledger/year-end", frozenset({"pool_manager"}) | NATIONAL),
    "year-end csv": ("GET", "/areas/{a}/ledger/year-end.csv", frozenset({"pool_manager"}) | NATIONAL),
    "year-end excel": ("GET", "/areas/{a}/ledger/year-end.xlsx", frozenset({"pool_manager"}) | NATIONAL),
    # the pool manager's pages: reading as the year-end; acting, the area's pool manager only
    "pool books": ("GET", "/areas/{a}/ledger", frozenset({"pool_manager"}) | NATIONAL),
    "pool statements": ("GET", "/areas/{a}/ledger/statements", EVERYONE),    # as the area page shows them
    "pool statement csv": ("GET", "/areas/{a}/ledger/statements/pool.csv", EVERYONE),
    "scheme statement excel": ("GET", "/areas/{a}/ledger/statements/scheme.xlsx", EVERYONE),
    "partner statement csv": ("GET", "/areas/{a}/ledger/statements/partner-03L.csv", EVERYONE),
    "payments page": ("GET", "/areas/{a}/ledger/payments", frozenset({"pool_manager"})),
    "payments upload": ("POST", "/areas/{a}/ledger/payments", frozenset({"pool_manager"})),
    "risk-share page": ("GET", "/areas/{a}/ledger/risk-share", frozenset({"pool_manager"}) | NATIONAL),
    "record risk share": ("POST", "/areas/{a}/ledger/risk-share", frozenset({"pool_manager"})),
    "periods page": ("GET", "/areas/{a}/ledger/periods", frozenset({"pool_manager"}) | NATIONAL),
    "close period": ("POST", "/areas/{a}/ledger/close", frozenset({"pool_manager"})),
    "settlement page": ("GET", "/areas/{a}/ledger/settlement", frozenset({"pool_manager"}) | NATIONAL),
    "settle": ("POST", "/areas/{a}/ledger/settle", frozenset({"pool_manager"})),
    "reconcile page": ("GET", "/areas/{a}/ledger/reconcile", frozenset({"pool_manager"})),
    "reconcile": ("POST", "/areas/{a}/ledger/reconcile", frozenset({"pool_manager"})),
    "api pool books": ("GET", "/api/areas/{a}/ledger", frozenset({"pool_manager"}) | NATIONAL),
    "api pool statements": ("GET", "/api/areas/{a}/ledger/statements", EVERYONE),
    # the analyst's page: published series, for the areas each may see
    "metrics and spc": ("GET", "/analysis?area={a}&metric=BCF1", EVERYONE),
    "metrics csv": ("GET", "/analysis.csv?area={a}&metric=BCF1", EVERYONE),
    "api series": ("GET", "/api/analysis/series/BCF1?area={a}", EVERYONE),
}
CELLS = [(person.key, route, where) for person in PEOPLE for route in ROUTES for where in ("own", "other")]


def expected_allowed(person: str, route: str, where: str) -> bool:
    allowed = ROUTES[route][2]
    return person in allowed and (where == "own" or person in NATIONAL)


@pytest.fixture(scope="module")
def matrix_store(people_db: Path, tmp_path_factory: pytest.TempPathFactory,
                 workbooks: dict[str, Path]) -> Iterator[Store]:
    """Both areas hold a draft plan (refused steps change nothing; allowed ones may move it on)."""
    with sqlite_copy(people_db, tmp_path_factory.mktemp("matrix")) as store:
        plans.import_workbook(store, workbooks["valid"], actor="setup")
        plans.import_workbook(store, workbooks["other"], actor="setup")
        yield store


@pytest.fixture(scope="module")
def clients(matrix_store: Store) -> Iterator[dict[str, tuple[TestClient, str]]]:
    out: dict[str, tuple[TestClient, str]] = {}
    for person in PEOPLE:
        client = TestClient(create_app("unused://", settings=settings(), store=matrix_store))
        out[person.key] = (client, log_in(client, person.email))
    yield out
    for client, _ in out.values():
        client.close()


@pytest.mark.parametrize(("person", "route", "where"), CELLS, ids=[f"{p}-{r}-{w}" for p, r, w in CELLS])
def test_cell(clients: dict[str, tuple[TestClient, str]], workbooks: dict[str, Path],
              person: str, route: str, where: str) -> None:
    client, token = clients[person]
    method, template, _ = ROUTES[route]
    area = OWN if where == "own" else OTHER
    path = template.format(a=area)
    if method == "GET":
        response = client.get(path, follow_redirects=False)
    elif path.startswith("/api/"):
        response = client.post(path, headers={"X-CSRF-Token": token, "If-Match": plan_etag(client, area)},
                               json={"outcome": "approved"})
    elif route == "upload":
        files = {"workbook": ("bad.xlsx", b"not a workbook", "application/octet-stream")}
        response = client.post(path, data={"csrf_token": token}, files=files, follow_redirects=False)
    else:
        data = {"csrf_token": token, "outcome": "approved", "version": plan_version(client, area)}
        response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code < 500, response.text
    if expected_allowed(person, route, where):
        assert response.status_code != 403, f"{BY_KEY[person].role} refused: {response.text[:300]}"
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("path", ["/", "/dashboard.csv", "/api/areas", "/api/me"])
def test_every_role_reaches_the_dashboard_and_its_own_details(clients: dict[str, tuple[TestClient, str]],
                                                              path: str) -> None:
    for key, (client, _) in clients.items():
        assert client.get(path).status_code == 200, key


ADMIN_ROUTES = [("GET", "/admin/users"), ("POST", "/admin/users")]


@pytest.mark.parametrize("person", sorted(EVERYONE))
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_only_administrators_manage_accounts(clients: dict[str, tuple[TestClient, str]], person: str,
                                             method: str, path: str) -> None:
    client, token = clients[person]
    response = (client.get(path) if method == "GET"
                else client.post(path, data={"csrf_token": token, "email": "bad"}, follow_redirects=False))
    if person == "admin":
        assert response.status_code in (200, 422), response.text[:300]
    else:
        assert response.status_code == 403


# pages about England as a whole (no area): who may read them, written out per person
NATIONAL_PAGES: dict[str, frozenset[str]] = {
    "/evidence": frozenset({"assurer", "analyst", "auditor", "admin", "local_analyst", "ig_lead"}),
    "/audit": frozenset({"auditor", "admin", "ig_lead"}),
    "/audit/anchor.json": frozenset({"auditor", "admin", "ig_lead"}),
    "/api/audit": frozenset({"auditor", "admin", "ig_lead"}),
    "/analysis": EVERYONE,      # local users choose among their own areas only (tests/web/test_analysis_page.py)
    "/api/analysis/series": EVERYONE,
    # information governance: the sharing register (agreements, objections with NHS numbers, retention)
    "/sharing": frozenset({"ig_lead"}),
    "/sharing/agreements": frozenset({"ig_lead"}),
    "/sharing/objections": frozenset({"ig_lead"}),
    "/sharing/datasets": frozenset({"ig_lead"}),
    "/sharing/shares": frozenset({"ig_lead"}),
    "/api/sharing/shares": frozenset({"ig_lead"}),
    "/scenarios": EVERYONE,     # local users see only their own areas' rows (tests/web/test_budgets_pages.py)
    "/scorecard": EVERYONE,     # local users see only their own areas' rows
    "/programmes/compare": EVERYONE,   # the fund's published rules, the same for everyone
}


@pytest.mark.parametrize("person", sorted(EVERYONE))
@pytest.mark.parametrize("path", sorted(NATIONAL_PAGES))
def test_national_pages(clients: dict[str, tuple[TestClient, str]], person: str, path: str) -> None:
    client, _ = clients[person]
    response = client.get(path)
    if person in NATIONAL_PAGES[path]:
        assert response.status_code == 200, response.text[:300]
    else:
        assert response.status_code == 403


# the pages' changes (POST with the session's CSRF token): who may make them
NATIONAL_ACTIONS: dict[str, frozenset[str]] = {
    "/audit/verify": frozenset({"auditor", "admin", "ig_lead"}),
    "/sharing/agreements": frozenset({"ig_lead"}),
    "/sharing/agreements/NONE/review": frozenset({"ig_lead"}),
    "/sharing/agreements/NONE/expire": frozenset({"ig_lead"}),
    "/sharing/objections": frozenset({"ig_lead"}),
    "/sharing/objections/withdraw": frozenset({"ig_lead"}),
    "/sharing/datasets/purge": frozenset({"ig_lead"}),
    "/sharing/shares/send": frozenset({"ig_lead"}),       # MESH is not set up here: refused as 409, not sent
    "/sharing/shares/receive": frozenset({"ig_lead"}),
}


@pytest.mark.parametrize("person", sorted(EVERYONE))
@pytest.mark.parametrize("path", sorted(NATIONAL_ACTIONS))
def test_national_actions(clients: dict[str, tuple[TestClient, str]], person: str, path: str) -> None:
    """Refused is exactly 403; allowed is anything else but a server error (the forms here are empty,
    so an allowed change is refused as bad input or an unknown agreement, and nothing is changed)."""
    client, token = clients[person]
    response = client.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code < 500, response.text[:300]
    if person in NATIONAL_ACTIONS[path]:
        assert response.status_code != 403, response.text[:300]
    else:
        assert response.status_code == 403


# the API's changes (POST with the session's CSRF token in X-CSRF-Token): who may make them
NATIONAL_API_ACTIONS: dict[str, frozenset[str]] = {
    "/api/sharing/mesh/send": frozenset({"ig_lead"}),       # MESH is not set up here: 409, nothing sent
    "/api/sharing/mesh/receive": frozenset({"ig_lead"}),
}


@pytest.mark.parametrize("person", sorted(EVERYONE))
@pytest.mark.parametrize("path", sorted(NATIONAL_API_ACTIONS))
def test_national_api_actions(clients: dict[str, tuple[TestClient, str]], person: str, path: str) -> None:
    client, _ = clients[person]
    token = client.get("/api/me").json()["csrf_token"]
    response = client.post(path, headers={"X-CSRF-Token": token})
    assert response.status_code < 500, response.text[:300]
    if person in NATIONAL_API_ACTIONS[path]:
        assert response.status_code not in (401, 403), response.text[:300]
    else:
        assert response.status_code == 403
