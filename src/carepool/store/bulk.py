"""Bulk reads and writes the way each database does them fastest, behind two small functions.

``insert_rows`` writes many rows in one go: PostgreSQL's ``COPY ... FROM STDIN`` (psycopg's
``copy``: one streamed statement, no per-row round trip or parse) and, on SQLite, the driver's
``executemany`` on one prepared INSERT; ``insert_while`` lets PostgreSQL insert while this
process validates the same batch. ``among(column, values)`` is a WHERE clause "column is
one of these values" bound as ONE parameter (a JSON array, read by ``json_array_elements_text``
on PostgreSQL and ``json_each`` on SQLite), so an idempotency or validation read of a whole batch is one
query however large the batch, instead of one query per few hundred keys.

Table and column names come from the store's own table definitions, never from input; every
value is bound or streamed, never spliced into SQL text.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain
from typing import Any

from sqlalchemy import JSON, ColumnElement, Connection, String, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import Column, Table


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def among(session: Session, column: Column[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column`` is one of ``values``, with all the values in one bound parameter."""
    listed = sorted(set(values))
    if is_postgres(session):   # JSON, not an array: psycopg adapts a list element by element in Python
        each = func.json_array_elements_text(bindparam(None, [_jsonable(v) for v in listed], type_=JSON)
                                             ).table_valued("value")
        return column.in_(select(cast(each.c.value, column.type)))
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


Rows = tuple[Table, Sequence[str], Iterable[tuple[Any, ...]]]   # rows may be a generator


def insert_while(session: Session, writes: Sequence[Rows], work: Callable[[], None]) -> None:
    """Run ``work`` (pure Python, e.g. validating the batch) and insert ``writes``, overlapped where it pays.

    PostgreSQL: the COPYs stream from a helper thread on the session's own connection while
    ``work`` runs here, so the server's inserting and this process's checking use both cores;
    ``work`` must not touch the session. Rows may be generators: on PostgreSQL they are drawn in
    the COPY thread, so the server inserts the first rows while the rest are still being made.
    If ``work`` raises, the error propagates once the
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
          rows: Iterable[tuple[Any, ...]]) -> None:
    stream = iter(rows)
    head = next(stream, None)
    if head is None:
        return
    types = _copy_types(table, columns)
    statement = (f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
                 + (" (FORMAT BINARY)" if types else ""))
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        if types:
            copy.set_types(types)
        write = copy.write_row
        write(head)
        for row in stream:
            write(row)


def _executemany(connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """One prepared INSERT through the driver's executemany (values always bound; rows may be a generator)."""
    stream = iter(rows)
    head = next(stream, None)
    if head is None:
        return
    quote = connection.dialect.identifier_preparer.quote
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    dated = [i for i, v in enumerate(head) if isinstance(v, date) and not isinstance(v, datetime)]
    every: Iterator[tuple[Any, ...]] = chain((head,), stream)
    if dated:   # as ISO text, as SQLAlchemy's Date type stores it (only the date columns are touched)
        every = (_iso_dates(row, dated) for row in every)
    connection.exec_driver_sql(sql, list(every))   # a list: SQLAlchemy's executemany (and its error mapping)


def _iso_dates(row: tuple[Any, ...], dated: Sequence[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in dated:
        values[i] = values[i].isoformat()
    return tuple(values)
