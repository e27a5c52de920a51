"""Bulk reads and writes the way each database does them fastest, behind two small functions.

``insert_rows`` writes many rows in one go: PostgreSQL's ``COPY ... FROM STDIN`` (psycopg's
``copy``: one streamed statement, no per-row round trip or parse) and, on SQLite, the driver's
``executemany`` on one prepared INSERT; ``insert_while`` lets PostgreSQL insert while this
process validates the same batch. ``among(column, values)`` is a WHERE clause "column is
one of these values" bound as ONE parameter (a PostgreSQL array with ``= ANY``; on SQLite a
JSON array read by ``json_each``), so an idempotency or validation read of a whole batch is one
query however large the batch, instead of one query per few hundred keys.

Table and column names come from the store's own table definitions, never from input; every
value is bound or streamed, never spliced into SQL text.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, any_, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import Column, Table


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def among(session: Session, column: Column[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column`` is one of ``values``, with all the values in one bound parameter."""
    listed = sorted(set(values))
    if is_postgres(session):
        return column == any_(bindparam(None, listed, type_=ARRAY(column.type)))
    each = func.json_each(bindparam(None, json.dumps([_jsonable(v) for v in listed]), type_=String)
                          ).table_valued("value")
    return column.in_(select(each.c.value))


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the caller's transaction.

    PostgreSQL: binary COPY (values typed by the table's columns). SQLite: executemany, dates as
    the ISO text SQLAlchemy's Date type stores.
    """
    insert_while(session, [(table, columns, rows)], lambda: None)


Rows = tuple[Table, Sequence[str], Sequence[tuple[Any, ...]]]


def insert_while(session: Session, writes: Sequence[Rows], work: Callable[[], None]) -> None:
    """Run ``work`` (pure Python, e.g. validating the batch) and insert ``writes``, overlapped where it pays.

    PostgreSQL: the COPYs stream from a helper thread on the session's own connection while
    ``work`` runs here, so the server's inserting and this process's checking use both cores;
    ``work`` must not touch the session. If ``work`` raises, the error propagates once the
    COPYs end and the caller's transaction rolls everything back. SQLite (in-process): ``work``
    first, then the inserts.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        work()
        for table, columns, rows in writes:
            _executemany(connection, table, columns, rows)
        return
    raw = connection.connection.driver_connection
    failed: list[BaseException] = []

    def copy_all() -> None:
        try:
            for table, columns, rows in writes:
                _copy(raw, connection.dialect.identifier_preparer.quote, table, columns, rows)
        except BaseException as exc:   # handed back to the caller's thread below
            failed.append(exc)

    thread = threading.Thread(target=copy_all, name="carepool-copy", daemon=True)
    thread.start()
    try:
        work()
    finally:
        thread.join()
    if failed:
        import psycopg

        if isinstance(failed[0], psycopg.Error):   # as SQLAlchemy's, so the store's transaction maps it
            raise DBAPIError.instance("COPY", None, failed[0], psycopg.Error) from failed[0]
        raise failed[0]


# PostgreSQL binary COPY type of each SQLAlchemy column type the bulk-written tables use
_COPY_TYPES = {"INTEGER": "int4", "BIGINT": "int8", "DATE": "date", "TEXT": "text", "BOOLEAN": "bool"}


_POSTGRES = postgresql.dialect()   # type: ignore[no-untyped-call]


def _copy_types(table: Table, columns: Sequence[str]) -> list[str] | None:
    names = []
    for column in columns:
        declared = table.c[column].type.compile(dialect=_POSTGRES)
        names.append("varchar" if declared.startswith("VARCHAR") else _COPY_TYPES.get(declared, ""))
    return None if "" in names else names


def _copy(raw: Any, quote: Callable[[str], str], table: Table, columns: Sequence[str],
          rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    types = _copy_types(table, columns)
    statement = (f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
                 + (" (FORMAT BINARY)" if types else ""))
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _executemany(connection: Connection, table: Table, columns: Sequence[str],
                 rows: Sequence[tuple[Any, ...]]) -> None:
    """One prepared INSERT through the driver's executemany (values always bound)."""
    if not rows:
        return
    quote = connection.dialect.identifier_preparer.quote
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    if any(isinstance(v, date) and not isinstance(v, datetime) for v in rows[0]):
        rows = [tuple(v.isoformat() if isinstance(v, date) and not isinstance(v, datetime) else v for v in r)
                for r in rows]
    connection.exec_driver_sql(sql, list(rows))
