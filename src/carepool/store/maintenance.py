"""Operating a store: back it up, restore it into an empty database, and check it is sound.

Backups use each database's own tool: SQLite's online backup API (a consistent copy while the
service runs) and, for PostgreSQL, ``pg_dump --format=custom`` restored by ``pg_restore``
(from the PostgreSQL client binaries: PATH, pg_config or Debian's layout). A restore goes only
into an empty database, then migrates it to the current schema, so a backup from an older
carepool comes back upgraded. ``check`` reports, as data, whatever is wrong: schema not at
head, an append-only table missing its triggers, running balances that differ from a full
recount of the postings, or a posting that refers to a missing transaction or account.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine, make_url

from carepool.errors import ConfigurationError, InputError
from carepool.store.append_only import APPEND_ONLY_TABLES, POSTGRES_ONLY
from carepool.store.db import Store, make_engine, migrations_dir, normalise_url
from carepool.store.ledger_repo import balance_drift
from carepool.store.pg_local import pg_bindir

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class CheckResult:
    problems: tuple[str, ...]
    heads: tuple[str, ...]
    append_only_tables: int
    accounts_recounted: int

    @property
    def sound(self) -> bool:
        return not self.problems


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    bindir = pg_bindir()
    if bindir is not None and (bindir / name).is_file():
        return str(bindir / name)
    raise ConfigurationError(f"{name} was not found (install the PostgreSQL client programs, e.g. "
                             "Debian's postgresql-client, matching or newer than the server)")


def _libpq_url(engine: Engine) -> str:
    """The engine's URL as libpq takes it (``postgresql://``, password included)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InputError("an in-memory SQLite store cannot be backed up or restored")
    return Path(database)


def backup(url: str, file: Path) -> int:
    """Write a backup of the store at ``url`` to ``file`` (which must not exist); returns its size."""
    if file.exists():
        raise InputError(f"{file}: already exists; name a new file for the backup")
    engine = make_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_copy(sqlite3.connect(_sqlite_path(engine)), sqlite3.connect(file))
        elif engine.dialect.name == "postgresql":
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={file}", _libpq_url(engine)], "pg_dump")
        else:
            raise ConfigurationError(f"cannot back up a {engine.dialect.name} store")
    finally:
        engine.dispose()
    return file.stat().st_size


def restore(url: str, file: Path) -> None:
    """Restore ``file`` (made by ``backup``) into the empty database at ``url``."""
    if not file.is_file():
        raise InputError(f"{file}: no such backup file")
    magic = file.read_bytes()[:16]
    engine = make_engine(url)
    try:
        if inspect(engine).get_table_names():
            raise InputError(f"the database {_shown(url)} is not empty; restore only into an empty database")
        if engine.dialect.name == "sqlite":
            if not magic.startswith(SQLITE_MAGIC):
                raise InputError(f"{file}: not an SQLite backup (a PostgreSQL dump restores only into PostgreSQL)")
            _sqlite_copy(sqlite3.connect(f"file:{file}?mode=ro", uri=True), sqlite3.connect(_sqlite_path(engine)))
        elif engine.dialect.name == "postgresql":
            if not magic.startswith(PGDUMP_MAGIC):
                raise InputError(f"{file}: not a PostgreSQL dump (an SQLite backup restores only into SQLite)")
            _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  f"--dbname={_libpq_url(engine)}", str(file)], "pg_restore")
        else:
            raise ConfigurationError(f"cannot restore into a {engine.dialect.name} store")
    finally:
        engine.dispose()


def _run(command: list[str], tool: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise ConfigurationError(f"{tool} failed (exit {done.returncode}): {detail[0]}")


def _shown(url: str) -> str:
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def check(store: Store) -> CheckResult:
    """Everything found wrong with the store (an empty tuple of problems when it is sound)."""
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    heads = tuple(sorted(ScriptDirectory.from_config(config).get_heads()))
    problems: list[str] = []
    with store.engine.connect() as connection:
        current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
        if current != heads:
            problems.append(f"schema at {', '.join(current) or 'nothing'}, not at head {', '.join(heads)}: "
                            "run carepool db upgrade")
        tables = set(inspect(connection).get_table_names())
        guarded = [t for t in APPEND_ONLY_TABLES if store.dialect == "postgresql" or t not in POSTGRES_ONLY]
        for table in guarded:
            if table not in tables:
                problems.append(f"append-only table {table} is missing")
            elif not _refuses_change(connection, store.dialect, table):
                problems.append(f"{table} has lost its append-only triggers (UPDATE or DELETE would be allowed)")
        orphans = connection.execute(text(
            "SELECT COUNT(*) FROM ledger_postings p WHERE NOT EXISTS "
            "(SELECT 1 FROM ledger_transactions t WHERE t.id = p.transaction_id) OR NOT EXISTS "
            "(SELECT 1 FROM ledger_accounts a WHERE a.id = p.account_id)")).scalar_one()
        if orphans:
            problems.append(f"{orphans} posting(s) refer to a missing transaction or account")
    with store.transaction() as session:
        drift = balance_drift(session)
        accounts = int(session.execute(text("SELECT COUNT(*) FROM ledger_balances")).scalar_one())
    for account, kept, summed in drift[:20]:
        problems.append(f"ledger account {account}: running balance {kept} but its postings sum to {summed}")
    if len(drift) > 20:
        problems.append(f"... and {len(drift) - 20} more accounts whose running balance differs from a recount")
    return CheckResult(tuple(problems), heads, len(guarded), accounts)


# PostgreSQL pg_trigger.tgtype bits (src/include/catalog/pg_trigger.h)
_TG_DELETE, _TG_UPDATE = 1 << 3, 1 << 4


def _refuses_change(connection: Connection, dialect: str, table: str) -> bool:
    """The table has enabled BEFORE triggers covering both UPDATE and DELETE."""
    if dialect == "postgresql":
        rows = connection.execute(text(
            "SELECT tgtype FROM pg_trigger WHERE tgrelid = to_regclass(:table) AND NOT tgisinternal "
            "AND tgenabled <> 'D'"), {"table": table}).scalars().all()
        covered = 0
        for tgtype in rows:
            covered |= int(tgtype)
        return bool(covered & _TG_DELETE) and bool(covered & _TG_UPDATE)
    sql = [str(s).upper() for s in connection.execute(text(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"), {"table": table}).scalars()]
    return any("BEFORE UPDATE" in s and "RAISE" in s for s in sql) and \
        any("BEFORE DELETE" in s and "RAISE" in s for s in sql)


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """SQLite's online backup of ``source`` into ``target`` (one transaction), closing both."""
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
