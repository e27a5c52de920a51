"""Persistence: SQLAlchemy 2 on SQLite (default) or PostgreSQL (by URL), schema owned by Alembic."""
