"""The whole schema as SQLAlchemy sees it: every table of every module in ``carepool.store``.

Alembic's environment and the store's tests use this, so a feature's new tables module is
picked up without being listed anywhere (the migration that creates it is still written by hand).
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

import carepool.store
from carepool.store.db import Base


def load_metadata() -> MetaData:
    """Import every store module (not the migrations) so each table is on ``Base.metadata``."""
    for info in pkgutil.walk_packages(carepool.store.__path__, "carepool.store."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)
    return Base.metadata
