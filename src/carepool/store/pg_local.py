"""A throwaway local PostgreSQL server, for the tests and the benchmarks (never for production).

``LocalPostgres`` runs initdb/pg_ctl from the PostgreSQL server packages in a temporary
directory (as the ``postgres`` OS user when run as root, because initdb refuses root) on a
free 127.0.0.1 port, with trust authentication, and removes it all on ``stop``. For the tests
durability is switched off (fsync off: fast, and the data is thrown away); ``durable=True``
keeps PostgreSQL's own defaults (fsync, synchronous commit, full-page writes), as the ledger
benchmark runs it so its figures are those of a server that keeps what it commits. The tests' ``pg_port`` fixture
and ``bench/*_bench.py --stores postgresql`` both start their server through it, so there is
one way to do it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the driver is the postgres extra: importing this module must not need it
    import psycopg

PG_USER = "postgres"
MISSING_PG = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found via pg_config, PATH or "
    "/usr/lib/postgresql/*/bin; run scripts/system-deps to install them"
)


class LocalPostgresError(RuntimeError):
    """The local server could not be found or started (the message says why)."""


def pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live: pg_config --bindir, then PATH, then Debian's layout (newest first)."""
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
        raise LocalPostgresError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


class LocalPostgres:
    """Start with ``start()`` (or ``with LocalPostgres() as pg``); ``port`` is set once it runs."""

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable
        self.port = 0
        self.bindir: Path | None = None
        self._prefix: list[str] = []
        self._root: Path | None = None

    def start(self) -> int:
        bindir = pg_bindir()
        if bindir is None:
            raise LocalPostgresError(MISSING_PG)
        self.bindir, self._prefix = bindir, _as_server_user()
        root = self._root = Path(tempfile.mkdtemp(prefix="carepool-pg-"))
        data, sockets, log = root / "data", root / "sock", root / "server.log"
        sockets.mkdir()
        if self._prefix:
            for path in (root, sockets):
                shutil.chown(path, PG_USER, PG_USER)
        try:
            _run([*self._prefix, str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync"], cwd=root)
            for attempt in range(3):   # another process may take the free port before the server does
                port = _free_port()
                options = f"-h 127.0.0.1 -p {port} -k {sockets}" + (
                    "" if self.durable else " -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
                try:
                    _run([*self._prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                          "-t", "60", "-o", options, "start"], cwd=root)
                    self.port = port
                    break
                except LocalPostgresError:
                    if attempt == 2:
                        raise
        except LocalPostgresError as exc:
            server_log = log.read_text(errors="replace") if log.exists() else ""
            self.stop()
            raise LocalPostgresError(f"could not start PostgreSQL: {exc}\n{server_log}") from exc
        return self.port

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection to the server's ``postgres`` database."""
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=PG_USER, dbname="postgres",
                               autocommit=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database (a random name unless given); returns its store URL."""
        from psycopg import sql

        name = name or f"t_{uuid.uuid4().hex[:16]}"
        with self.admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        with self.admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and its backends (Linux /proc; 0.0 elsewhere).

        Lets a benchmark on a shared machine report work done per CPU-second beside wall time.
        """
        if self._root is None or not Path("/proc").is_dir():
            return 0.0
        try:
            root_pid = int((self._root / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        ticks = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            pid, ppid = int(entry.name), int(fields[1])
            if pid == root_pid:   # its own time plus that of backends that have exited
                ticks += sum(int(f) for f in fields[11:15])
            elif ppid == root_pid:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        root, self._root = self._root, None
        if root is None:
            return
        if self.port and self.bindir is not None:
            subprocess.run([*self._prefix, str(self.bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "fast",
                            "-w", "stop"], cwd=root, capture_output=True, check=False, timeout=120)
        self.port = 0
        shutil.rmtree(root, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
