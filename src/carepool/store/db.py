"""Engine, declarative base and the transaction boundary every store write goes through.

``open_store(url)`` creates the engine and brings the schema up to date with Alembic, so a
new SQLite file or an empty PostgreSQL database is ready to use. ``store.transaction()``
is the one unit of work: everything written inside it commits together or not at all, and
database errors leave it as ``carepool.errors.CarepoolError`` subclasses.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from carepool.errors import ConfigurationError, ConflictError, InputError
from carepool.store.cache import Caches

log = logging.getLogger("carepool.store")
# what a person reads when a change clashes with stored data; the database's own text is only logged
DUPLICATE = "this would duplicate something already stored, so nothing was saved"
APPEND_ONLY = ("these records are append-only (a correction is a new entry, such as a reversal, never a change); "
               "nothing was saved")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every carepool table."""

    metadata = MetaData(naming_convention=NAMING)


def normalise_url(db: str) -> str:
    """A bare path means an SQLite file; postgresql:// uses psycopg 3."""
    if "://" not in db:
        return f"sqlite:///{db}"
    if db.startswith("postgresql://") or db.startswith("postgres://"):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    return db


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


POOL_SIZE_ENV = "CAREPOOL_DB_POOL_SIZE"          # connections each process keeps open (PostgreSQL)
MAX_OVERFLOW_ENV = "CAREPOOL_DB_MAX_OVERFLOW"    # extra connections a busy process may open beyond them


def _pool_options(url: str) -> dict[str, int | bool]:
    """PostgreSQL connection-pool settings from the environment (per process: every web worker has its own).

    Default 5 kept open and 10 more under load (SQLAlchemy's defaults); connections are checked
    before use, so a restarted database server does not fail the next request.
    """
    if not url.startswith("postgresql"):
        return {}
    options: dict[str, int | bool] = {"pool_pre_ping": True}
    for env, key, default in ((POOL_SIZE_ENV, "pool_size", 5), (MAX_OVERFLOW_ENV, "max_overflow", 10)):
        raw = os.environ.get(env, "").strip()
        if not raw:
            options[key] = default
            continue
        if not raw.isdigit() or (key == "pool_size" and int(raw) == 0):
            raise ConfigurationError(f"{env}={raw!r}: must be a whole number" + (" of at least 1" if key == "pool_size"
                                                                                  else ""))
        options[key] = int(raw)
    return options


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    try:
        engine = create_engine(url, future=True, **_pool_options(url))
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ConfigurationError(f"cannot use database '{url}': {exc}") from exc
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
    return engine


def migrations_dir() -> Path:
    return Path(str(resources.files("carepool.store") / "migrations"))


def upgrade_schema(engine: Engine) -> None:
    """Run Alembic migrations to every head (feature branches of the schema) on this engine's database."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolates %
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


# PostgreSQL: serialization failure, deadlock, lock not available; SQLite: a writer holds the lock.
_CONTENTION_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def _is_contention(exc: OperationalError) -> bool:
    """A clash with a concurrent writer (retryable), not a broken database or setting."""
    if getattr(exc.orig, "sqlstate", None) in _CONTENTION_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig) or "database table is locked" in str(exc.orig)


@dataclass
class Store:
    engine: Engine
    sessions: sessionmaker[Session]
    caches: Caches = field(default_factory=Caches, compare=False, repr=False)   # derived views (store/cache.py)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back everything on any error."""
        session = self.sessions()
        try:
            with session.begin():
                yield session
        except IntegrityError as exc:
            log.info("integrity error translated to a conflict: %s", exc.orig)  # database text: the log only
            refused = APPEND_ONLY if "is append-only" in str(exc.orig) else DUPLICATE
            raise ConflictError(refused) from exc
        except OperationalError as exc:
            if _is_contention(exc):
                log.info("contention translated to a conflict: %s", exc.orig)
                raise ConflictError("another change to the same records got in first; nothing was saved, "
                                    "try again") from exc
            raise ConfigurationError(f"the database could not be used: {exc.orig}") from exc
        except SQLAlchemyError as exc:
            log.warning("store error translated for the user: %s", exc)
            raise InputError("the store refused the change; nothing was saved") from exc
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open (and by default create or upgrade) the store at ``url``."""
    engine = make_engine(url)
    if migrate:
        try:
            upgrade_schema(engine)
        except OperationalError as exc:
            raise ConfigurationError(f"cannot open store '{url}': {exc.orig}") from exc
    return Store(engine, sessionmaker(engine, expire_on_commit=False))
