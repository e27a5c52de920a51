"""The version token of an area's books: what a pool manager's decision binds to.

A settlement, a period close or a risk-share agreement is decided on the books as the person
saw them. The page carries this token (a hidden field); the service recomputes it inside the
writing transaction and refuses with a ConflictError when the books have moved since (a
payment posted, a period closed, an agreement changed), so nothing is decided on stale figures.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carepool.errors import ConflictError
from carepool.store import ledger_tables as t
from carepool.store.db import Store


def token(session: Session, area: str) -> str:
    """``<transactions>:<digest>``: moves with every transaction, closed period and agreement of ``area``."""
    tx, cp, rs = t.transactions.c, t.closed_periods.c, t.risk_shares.c
    count, last = session.execute(select(func.count(tx.id), func.coalesce(func.max(tx.id), 0))
                                  .where(tx.area == area)).one()
    closed = sorted(str(label) for label in session.scalars(select(cp.label).where(cp.area == area)))
    shares = sorted((str(y), str(p), str(k), json.dumps(s), int(c)) for y, p, k, s, c in session.execute(
        select(rs.year, rs.pool, rs.kind, rs.shares, rs.carry_forward_pct).where(rs.area == area)))
    digest = hashlib.sha256(json.dumps([int(last), closed, shares]).encode()).hexdigest()[:16]
    return f"{int(count)}:{digest}"


def current(store: Store, area: str) -> str:
    with store.transaction() as session:
        return token(session, area)


def require(session: Session, area: str, expected: str | None, doing: str) -> None:
    """Refuse (ConflictError, nothing written) when ``expected`` is given and the books have moved."""
    if expected is not None and expected.strip() != token(session, area):
        raise ConflictError(f"the books of {area} changed after you opened the page; nothing was {doing}. "
                            "Reload the page, check the figures as they are now, then try again")
