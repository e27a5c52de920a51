"""Web fixtures: a real store (SQLite, and PostgreSQL from a template), the app on it, every role, workbooks.

Workbooks are written by the exchange layer from a synthetic plan (valid) or as the empty template
(invalid), so uploads go through exactly what a person's browser would send.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from carepool.exchange.excel import write_plan_workbook
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import plans, users
from carepool.store.db import Store, open_store
from carepool.store.pg_local import LocalPostgres
from carepool.web import create_app
from carepool.web.settings import LOCAL_HOSTS, WebSettings

YEAR = "bcf-2015-16"
OWN = "E08000018"      # Rotherham: one CCG (03L) and the council
OTHER = "E08000019"    # Sheffield
PASSWORD = "correct horse battery"
TEST_HOSTS = ("testserver", *LOCAL_HOSTS)   # TestClient's host name, and loopback for live servers


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


def add_people(store: Store) -> None:
    for p in PEOPLE:
        users.add_user(store, email=p.email, password=PASSWORD, name=p.key, org_code=p.org, org_kind=p.kind,
                       role=p.role, areas=list(p.areas))


def assure_plan(store: Store, workbook: Path) -> None:
    """Import ``workbook`` for the own area and take it through every sign-off to assured."""
    record = plans.import_workbook(store, workbook, actor="setup")
    for partner in (p.code for p in record.plan.partners if p.kind in ("la", "ccg")):
        plans.sign_off(store, OWN, YEAR, partner, actor="setup")
    plans.sign_off_hwb(store, OWN, YEAR, actor="setup")
    plans.submit(store, OWN, YEAR, actor="setup")
    plans.assure(store, OWN, YEAR, "approved", actor="setup")


def settings() -> WebSettings:
    # no start-up warm-up (a minute of CPU per app); tests/web/test_warmup.py tests it
    return WebSettings(secret_key="test-secret-key-" + "x" * 32, warm_caches=False, trusted_hosts=TEST_HOSTS)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def web_store(request: pytest.FixtureRequest, people_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the people store for each test, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        copy = tmp_path / "web.db"
        shutil.copyfile(people_db, copy)
        store = open_store(str(copy))
        yield store
        store.dispose()
        return
    server: LocalPostgres = request.getfixturevalue("local_pg")
    template = request.getfixturevalue("people_pg")
    name = f"w_{uuid.uuid4().hex[:16]}"
    with server.admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                        sql.Identifier(template)))
    store = open_store(server.url(name))
    try:
        yield store
    finally:
        store.dispose()
        server.drop_database(name)


@pytest.fixture
def client(web_store: Store) -> Iterator[TestClient]:
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as c:
        yield c
