"""Returns of 2021-22 onward: admissions and delayed days may be NULL (those returns report metrics).

From 2021-22 a quarterly or end-of-year return reports each metric of the year's set (kept in
the return's JSON document) and no longer the 2015-era non-elective admissions and delayed
transfer of care days (the delayed transfers collection ended in February 2020), so the two
searchable columns allow NULL. 2015-era returns still always have both (the validation asks).

PostgreSQL alters the columns in place. SQLite has no ALTER COLUMN, and copying the table (batch
mode) would break the foreign keys of the performance assessments that name a return, so the
table's definition is edited in place as SQLite documents for removing a NOT NULL constraint.

Revision ID: 0015_return_metrics
Revises: 0014_icb_users
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_return_metrics"
down_revision: str | Sequence[str] | None = "0014_icb_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "quarterly_returns"
COLUMNS = ("admissions", "delayed_days")


def _sqlite_edit(nullable: bool) -> None:
    """SQLite's documented way to add or remove a NOT NULL constraint without copying the table
    (https://www.sqlite.org/lang_altertable.html, "making other kinds of table schema changes"):
    edit the table's CREATE statement in the schema and bump the schema version. The stored rows,
    the append-only triggers and the foreign keys that name the table are untouched."""
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                       {"t": TABLE}).scalar_one()
    edited = sql
    for column in COLUMNS:
        strict, loose = f"{column} INTEGER NOT NULL", f"{column} INTEGER,"
        edited = (edited.replace(strict + ",", loose) if nullable
                  else edited.replace(loose, strict + ","))
    if edited == sql:
        raise RuntimeError(f"{TABLE}: the columns {COLUMNS} are not as migration 0005 made them")
    version = int(bind.execute(sa.text("PRAGMA schema_version")).scalar_one())
    op.execute("PRAGMA writable_schema = ON")
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                 {"sql": edited, "t": TABLE})
    op.execute(f"PRAGMA schema_version = {version + 1}")
    op.execute("PRAGMA writable_schema = OFF")


def _set(nullable: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_edit(nullable)
        return
    for column in COLUMNS:
        op.alter_column(TABLE, column, existing_type=sa.Integer(), nullable=nullable)


def upgrade() -> None:
    _set(True)


def downgrade() -> None:
    _set(False)     # fails if a 2021-22-on return without the counts is stored: it is kept, never guessed
