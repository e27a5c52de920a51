"""Web fixtures: a real store (SQLite, and PostgreSQL from a template), the app on it, every role, workbooks,
and Debian's Chromium for the browser tests (their helpers are in tests/web/browser_support.py).

Workbooks are written by the exchange layer from a synthetic plan (valid) or as the empty template
(invalid), so uploads go through exactly what a person's browser would send.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright
from psycopg import sql

from carepool.budgets.dataset import Dataset
from carepool.exchange.excel import write_plan_workbook
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import budgets, plans, users
from carepool.store.db import Store, open_store
from carepool.store.pg_local import LocalPostgres
from carepool.web import create_app
from carepool.web.settings import LOCAL_HOSTS, WebSettings

YEAR = "bcf-2015-16"
OWN = "E08000018"      # Rotherham: one CCG (03L) and the council
OTHER = "E08000019"    # Sheffield
PASSWORD = "correct horse battery"
TEST_HOSTS = ("testserver", *LOCAL_HOSTS)   # TestClient's host name, and loopback for live servers
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "assets" / "axe.min.js"


@dataclass(frozen=True)
class Person:
    key: str
    email: str
    org: str
    kind: str
    role: str
    areas: tuple[str, ...]


PEOPLE = (
    Person("la_lead", "la-lead@rotherham.test", OWN, "la", "partner_lead", (OWN,)),
    Person("ccg_lead", "ccg-lead@rotherham.test", "03L", "ccg", "partner_lead", (OWN,)),
    Person("hwb_chair", "chair@rotherham.test", f"{OWN}-HWB", "hwb", "hwb_chair", (OWN,)),
    Person("pool_manager", "pool@rotherham.test", OWN, "la", "pool_manager", (OWN,)),
    Person("local_auditor", "audit@rotherham.test", f"{OWN}-HWB", "hwb", "auditor", (OWN,)),
    Person("local_analyst", "analyst@rotherham.test", "03L", "ccg", "analyst", (OWN,)),
    Person("assurer", "assurer@england.test", "NATIONAL", "national", "national_assurer", ()),
    Person("analyst", "analyst@england.test", "NATIONAL", "national", "analyst", ()),
    Person("auditor", "auditor@england.test", "NATIONAL", "national", "auditor", ()),
    Person("admin", "admin@england.test", "NATIONAL", "national", "administrator", ()),
    Person("ig_lead", "ig@england.test", "NATIONAL", "national", "information_governance", ()),
)
BY_KEY = {p.key: p for p in PEOPLE}
# not in PEOPLE (the template every web test copies): added by the tests of personal budgets
CARE_COORDINATOR = Person("care_coordinator", "coordinator@rotherham.test", OWN, "la", "care_coordinator", (OWN,))


def add_person(store: Store, p: Person) -> None:
    users.add_user(store, email=p.email, password=PASSWORD, name=p.key, org_code=p.org, org_kind=p.kind,
                   role=p.role, areas=list(p.areas))


def add_people(store: Store) -> None:
    for p in PEOPLE:
        add_person(store, p)


def assure_plan(store: Store, workbook: Path) -> None:
    """Import ``workbook`` for the own area and take it through every sign-off to assured."""
    record = plans.import_workbook(store, workbook, actor="setup")
    for partner in (p.code for p in record.plan.partners if p.kind in ("la", "ccg")):
        plans.sign_off(store, OWN, YEAR, partner, actor="setup")
    plans.sign_off_hwb(store, OWN, YEAR, actor="setup")
    plans.submit(store, OWN, YEAR, actor="setup")
    plans.assure(store, OWN, YEAR, "approved", actor="setup")


def settings(**setting: Any) -> WebSettings:
    """The tests' settings, with ``setting`` overriding any (e.g. ``year="bcf-2023-25"``)."""
    # no start-up warm-up (a minute of CPU per app); tests/web/test_warmup.py tests it
    plain = WebSettings(secret_key="test-secret-key-" + "x" * 32, warm_caches=False, trusted_hosts=TEST_HOSTS)
    return dataclasses.replace(plain, **setting)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def return_form(client: TestClient, quarter: str = "") -> tuple[str, dict[str, str], str]:
    """The own area's new-return form: its CSRF token, the values it starts with (what a browser
    would send back, the quarter chosen included) and the page."""
    page = client.get(f"/areas/{OWN}/returns/new" + (f"?quarter={quarter}" if quarter else ""))
    assert page.status_code == 200, page.text[:300]
    html = page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    inputs = r'<input class="nhsuk-input[^"]*" id="[^"]+" name="([^"]+)" type="text" [^>]*value="([^"]*)"'
    values = {name: unescape(value) for name, value in re.findall(inputs, html)}
    selected = re.search(r'<option value="([^"]+)" selected>', html)
    assert selected
    values["quarter"] = selected.group(1)
    return token.group(1), values, html


def plan_etag(client: TestClient, area: str = OWN) -> str:
    """The ETag of the area's plan as the client sees it now: what a decision's If-Match names."""
    return client.get(f"/api/areas/{area}").headers.get("etag", '"none"')


def plan_version(client: TestClient, area: str = OWN) -> str:
    """The version token the area page's decision forms carry (the hidden field ``version``)."""
    return plan_etag(client, area).strip('"')


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token for later forms."""
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_of(client), "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client, "/")


def log_in_as(client: TestClient, who: str) -> str:
    """Log out whoever ``client`` was and log in as ``who`` (a key of PEOPLE, or an email); the CSRF token."""
    client.cookies.clear()
    return log_in(client, BY_KEY[who].email if who in BY_KEY else who)


def client_as(store: Store, who: str, **setting: Any) -> TestClient:
    """A client of the app on ``store`` (the tests' settings, ``setting`` overriding), logged in as ``who``."""
    client = TestClient(create_app("unused://", settings=settings(**setting), store=store))
    log_in_as(client, who)
    return client


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """'valid' (own area), 'other' (a valid plan for another area) and 'template' (empty, invalid)."""
    ref, year = load_reference(), load_programme(YEAR)
    folder = tmp_path_factory.mktemp("workbooks")
    return {
        "valid": write_plan_workbook(folder / "valid.xlsx", area_code=OWN, year=year, ref=ref,
                                     plan=synthetic_plan(OWN, year, ref, seed=3)),
        "other": write_plan_workbook(folder / "other.xlsx", area_code=OTHER, year=year, ref=ref,
                                     plan=synthetic_plan(OTHER, year, ref, seed=3)),
        "template": write_plan_workbook(folder / "template.xlsx", area_code=OWN, year=year, ref=ref),
    }


@pytest.fixture(scope="session")
def people_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store holding every person, built once (argon2 hashing is slow on purpose)."""
    path = tmp_path_factory.mktemp("people") / "people.db"
    store = open_store(str(path))
    add_people(store)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


PEOPLE_TEMPLATE = "carepool_people_template"


@pytest.fixture(scope="session")
def people_pg(local_pg: LocalPostgres) -> str:
    """A migrated PostgreSQL database holding every person, used as a template (built once)."""
    store = open_store(local_pg.create_database(PEOPLE_TEMPLATE))
    add_people(store)
    store.dispose()
    return PEOPLE_TEMPLATE


@contextmanager
def sqlite_copy(people_db: Path, folder: Path, name: str = "web.db") -> Iterator[Store]:
    """A store on a copy of the SQLite people store, in ``folder``."""
    copy = folder / name
    shutil.copyfile(people_db, copy)
    store = open_store(str(copy))
    try:
        yield store
    finally:
        store.dispose()


@contextmanager
def postgres_copy(server: LocalPostgres, template: str, prefix: str = "w") -> Iterator[Store]:
    """A store on a new PostgreSQL database copied from ``template``, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with server.admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                        sql.Identifier(template)))
    store = open_store(server.url(name))
    try:
        yield store
    finally:
        store.dispose()
        server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def web_store(request: pytest.FixtureRequest, people_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the people store for each test, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        with sqlite_copy(people_db, tmp_path) as store:
            yield store
        return
    with postgres_copy(request.getfixturevalue("local_pg"), request.getfixturevalue("people_pg")) as store:
        yield store


@pytest.fixture(scope="session")
def budget_people() -> Dataset:
    """Forty people with illustrative joined-up personal budgets, in the own and the other area."""
    return budgets.synthetic_dataset([OWN, OTHER], 40, seed=8)


@pytest.fixture
def with_budgets(web_store: Store, budget_people: Dataset) -> Store:
    """The web store with ``budget_people`` loaded."""
    budgets.load_dataset(web_store, budget_people, actor="test")
    return web_store


@pytest.fixture
def client(web_store: Store) -> Iterator[TestClient]:
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (tests/web/browser_support.py has the helpers)."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: add it to scripts/system-deps"
    assert AXE.exists(), "axe-core is missing: run scripts/web-assets"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a module's screenshots go: ``$CAREPOOL_TEST_ARTIFACTS/<package>/<module>`` when set
    (web/test_browser, journeys/test_pool_manager, ...), else a temporary folder."""
    package, name = request.module.__name__.split(".")[-2:]
    root = os.environ.get("CAREPOOL_TEST_ARTIFACTS")
    folder = Path(root) / package / name if root else tmp_path_factory.mktemp(name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
