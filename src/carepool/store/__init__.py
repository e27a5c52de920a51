"""Persistence: SQLAlchemy 2 on SQLite (default) or PostgreSQL (by URL), schema owned by Alembic.

One module of tables per feature (``plan_tables``, ``ledger_tables``, ...) and one repository
module beside it (``plans``, ...). Repositories take a ``Session`` and never commit; callers
own the unit of work through ``Store.transaction()``. Each feature's migrations branch from
``0001_plans`` and the store upgrades to every head; ``schema.load_metadata`` finds every
tables module, and the store's tests check each module's tables against its migrations.
"""
