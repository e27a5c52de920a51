"""Suite-wide fixtures: a real PostgreSQL server for the session, and a fresh store per test.

``local_pg`` starts a throwaway server through ``carepool.store.pg_local.LocalPostgres``
(the same helper the benchmarks use) and stops it at the end of the session; ``pg_port`` and
``pg_url`` are its port and a database on it. Missing binaries fail the run with what to
install: the suite never skips PostgreSQL quietly.

``store_url`` gives each test an empty database on SQLite and on PostgreSQL (tests on the
latter carry the ``postgres`` marker, so ``-m "not postgres"`` runs SQLite only), and
``store`` is that database opened and migrated by ``carepool.store.db.open_store``.
"""


from __future__ import annotations

import os

# Small dense algebra runs faster single-threaded on this 2-core machine (and the ITS coverage
# simulations fit hundreds of tiny models); set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from carepool.store.db import Store, open_store
from carepool.store.pg_local import LocalPostgres, LocalPostgresError


@pytest.fixture(scope="session")
def local_pg() -> Iterator[LocalPostgres]:
    """A throwaway PostgreSQL server for the session (``carepool.store.pg_local``)."""
    server = LocalPostgres()
    try:
        server.start()
    except LocalPostgresError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_port(local_pg: LocalPostgres) -> int:
    """The session's PostgreSQL server port on 127.0.0.1 (user postgres, trust)."""
    return local_pg.port


@pytest.fixture(scope="session")
def pg_url(local_pg: LocalPostgres) -> str:
    """A ``postgresql+psycopg://`` URL of a database on the session's PostgreSQL server."""
    return local_pg.create_database("carepool_test")


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for this test alone, on SQLite or on the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'carepool.db'}"
        return
    server: LocalPostgres = request.getfixturevalue("local_pg")
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The test's database opened as a carepool store (schema migrated to every head)."""
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.dispose()
