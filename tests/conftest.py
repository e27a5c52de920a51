"""Suite-wide fixtures: a real PostgreSQL server for the session, and a fresh store per test.

``pg_url`` runs initdb/pg_ctl from Debian's postgresql packages in a temporary directory
(as the ``postgres`` OS user when the tests run as root, because initdb refuses root) on a
free 127.0.0.1 port, and stops it at the end of the session. Missing binaries fail the run
with what to install: the suite never skips PostgreSQL quietly.

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

import glob
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from carepool.store.db import Store, open_store

PG_USER = "postgres"
MISSING_PG = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found via pg_config, PATH or "
    "/usr/lib/postgresql/*/bin; run scripts/system-deps to install them"
)


def _pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live: pg_config --bindir, then PATH, then Debian's layout."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            candidates.append(Path(done.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    candidates.extend(Path(p) for p in reversed(debian))
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _as_server_user() -> list[str]:
    """Prefix to run a server command: as ``postgres`` when we are root, else as ourselves."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        PG_USER], check=True, capture_output=True)
    return ["runuser", "-u", PG_USER, "--"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _admin(url_port: int) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(host="127.0.0.1", port=url_port, user=PG_USER, dbname="postgres",
                           autocommit=True)


@pytest.fixture(scope="session")
def pg_port() -> Iterator[int]:
    """Start a throwaway PostgreSQL server; yields its port on 127.0.0.1 (user postgres, trust)."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail(MISSING_PG, pytrace=False)
    prefix = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="carepool-pg-"))
    data, sockets, log = root / "data", root / "sock", root / "server.log"
    sockets.mkdir()
    if prefix:
        for path in (root, sockets):
            shutil.chown(path, PG_USER, PG_USER)
    started = False
    try:
        _run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "-A", "trust",
              "-E", "UTF8", "--locale=C", "--no-sync"], cwd=root)
        for attempt in range(3):   # another process may take the free port before the server does
            port = _free_port()
            options = (f"-h 127.0.0.1 -p {port} -k {sockets} -F "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                _run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                      "-o", options, "start"], cwd=root)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        started = True
        yield port
    except RuntimeError as exc:
        server_log = log.read_text(errors="replace") if log.exists() else ""
        pytest.fail(f"could not start PostgreSQL: {exc}\n{server_log}", pytrace=False)
    finally:
        if started:
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                            "stop"], cwd=root, capture_output=True, check=False, timeout=120)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url(pg_port: int) -> str:
    """A ``postgresql+psycopg://`` URL of a database on the session's PostgreSQL server."""
    with _admin(pg_port) as admin:
        admin.execute("CREATE DATABASE carepool_test")
    return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{pg_port}/carepool_test"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for this test alone, on SQLite or on the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'carepool.db'}"
        return
    port: int = request.getfixturevalue("pg_port")
    name = f"t_{uuid.uuid4().hex[:16]}"
    with _admin(port) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/{name}"
    finally:
        with _admin(port) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The test's database opened as a carepool store (schema migrated to every head)."""
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.dispose()
