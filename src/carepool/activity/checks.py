"""Turn a schema into row checks, as SQL over a staging table of text columns.

Rows arrive as text (a CSV cell, or a Parquet value cast to text) with their row number in
``_row``; ``check_sql`` gives every row its reasons for rejection (NULL when it is good) and
``accepted_sql`` casts the good rows to their types. Nothing is trimmed, rounded or guessed:
a value either reads exactly as its type or the row is quarantined. Allowed values are bound
parameters and identifiers are quoted, so no value is ever pasted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.activity.schemas import Column, Schema

STAGING = "_staging"
CHECKED = "_checked"
KNOWN_AREAS = "_known_areas"   # one column "code"


def quote(identifier: str) -> str:
    """A double-quoted SQL identifier, with embedded quotes doubled."""
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A fixed message written by carepool (never user data) as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class Sql:
    """A statement, the parameters it binds, and the table it creates (splink style)."""

    sql: str
    params: tuple[object, ...] = ()
    output: str = ""


def typed(col: Column) -> str:
    """The expression reading a text column as its type (NULL when it does not read)."""
    ref = quote(col.name)
    if col.type == "int":
        return f"CASE WHEN regexp_full_match({ref}, '-?[0-9]+') THEN TRY_CAST({ref} AS BIGINT) END"
    if col.type == "float":
        return f"TRY_CAST({ref} AS DOUBLE)"
    if col.type == "date":
        return f"TRY_CAST(TRY_STRPTIME({ref}, '%Y-%m-%d') AS DATE)"
    if col.type == "bool":
        return f"CASE lower({ref}) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END"
    return f"NULLIF({ref}, '')" if col.nullable else ref


def _blank(col: Column) -> str:
    ref = quote(col.name)
    return f"({ref} IS NULL OR {ref} = '')"


def _column_checks(col: Column) -> tuple[list[str], list[object]]:
    """CASE arms (SQL) for one column and the parameters they bind, in order."""
    ref, value, name = quote(col.name), typed(col), col.name
    arms: list[str] = []
    params: list[object] = []
    if not col.nullable:
        arms.append(f"CASE WHEN {_blank(col)} THEN {_literal(f'{name}: missing value')} END")
    unread = f"NOT {_blank(col)} AND {value} IS NULL"
    kind = {"int": "a whole number", "float": "a number", "date": "a date (YYYY-MM-DD)",
            "bool": "true or false", "string": "text"}[col.type]
    if col.type != "string":
        arms.append(f"CASE WHEN {unread} THEN {_literal(f'{name}: not {kind}: ')} || {ref} END")
    if col.type == "float" and col.whole_number:
        arms.append(
            f"CASE WHEN {value} IS NOT NULL AND {value} <> floor({value}) "
            f"THEN {_literal(f'{name}: fractional count: ')} || {ref} END")
    if col.minimum is not None:
        arms.append(f"CASE WHEN {value} < ? THEN {_literal(f'{name}: below {col.minimum}: ')} || {ref} END")
        params.append(col.minimum)
    if col.maximum is not None:
        arms.append(f"CASE WHEN {value} > ? THEN {_literal(f'{name}: above {col.maximum}: ')} || {ref} END")
        params.append(col.maximum)
    if col.allowed:
        marks = ", ".join("?" for _ in col.allowed)
        allowed = "/".join(col.allowed)
        arms.append(
            f"CASE WHEN NOT {_blank(col)} AND {ref} NOT IN ({marks}) "
            f"THEN {_literal(f'{name}: not one of {allowed}: ')} || {ref} END")
        params.extend(col.allowed)
    if col.pattern:
        arms.append(
            f"CASE WHEN NOT {_blank(col)} AND NOT regexp_full_match({ref}, ?) "
            f"THEN {_literal(f'{name}: not a valid code: ')} || {ref} END")
        params.append(col.pattern)
    if col.area:
        arms.append(
            f"CASE WHEN NOT {_blank(col)} AND {ref} NOT IN (SELECT code FROM {KNOWN_AREAS}) "
            f"THEN {_literal(f'{name}: unknown area code: ')} || {ref} END")
    return arms, params


def check_sql(schema: Schema) -> Sql:
    """Every staged row with ``_reason``: '; '-joined rule failures, NULL for a good row."""
    arms: list[str] = []
    params: list[object] = []
    for col in schema.columns:
        col_arms, col_params = _column_checks(col)
        arms.extend(col_arms)
        params.extend(col_params)
    for order in schema.date_orders:
        early, late = typed(schema.column(order.earlier)), typed(schema.column(order.later))
        arms.append(
            f"CASE WHEN {late} < {early} THEN {_literal(order.reason + ': ')} || "
            f"{quote(order.later)} || ' before ' || {quote(order.earlier)} END")
    if schema.key:
        keys = ", ".join(quote(k) for k in schema.key)
        arms.append(
            f"CASE WHEN count(*) OVER (PARTITION BY {keys}) > 1 AND "
            f"_row > min(_row) OVER (PARTITION BY {keys}) THEN "
            f"{_literal('duplicate ' + '/'.join(schema.key) + ': same as row ')} || "
            f"CAST(min(_row) OVER (PARTITION BY {keys}) AS VARCHAR) END")
    reason = f"NULLIF(concat_ws('; ', {', '.join(arms)}), '')" if arms else "NULL"
    sql = f"SELECT *, {reason} AS _reason FROM {STAGING}"
    return Sql(sql=sql, params=tuple(params), output=CHECKED)


def accepted_sql(schema: Schema) -> Sql:
    """The good rows, typed, in file order."""
    cols = ", ".join(f"{typed(c)} AS {quote(c.name)}" for c in schema.columns)
    return Sql(sql=f"SELECT {cols} FROM {CHECKED} WHERE _reason IS NULL ORDER BY _row")


def rejected_sql(schema: Schema) -> Sql:
    """The rejected rows as read, with row number and reason, in file order."""
    cols = ", ".join(quote(c) for c in schema.names)
    return Sql(sql=f"SELECT _row AS row, _reason AS reason, {cols} FROM {CHECKED} "
                   "WHERE _reason IS NOT NULL ORDER BY _row")


def reason_counts_sql() -> Sql:
    """How many rows failed for each first reason (for the summary findings)."""
    return Sql(sql=f"SELECT split_part(_reason, ': ', 1) AS rule, count(*) AS n FROM {CHECKED} "
                   "WHERE _reason IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1")
