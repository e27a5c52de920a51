"""Failed log-ins per client address (``web_login_failures``): count within a window, record, prune."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from carepool.store.types import as_utc
from carepool.store.web_tables import LoginFailureRow

MAX_ADDRESS = 64


def address_key(address: str) -> str:
    """The address as stored: itself when short, else ``sha256:<hex>`` (still tells any two apart)."""
    if len(address) <= MAX_ADDRESS:
        return address
    return "sha256:" + hashlib.sha256(address.encode("utf-8")).hexdigest()


def recent(session: Session, address: str, since: datetime) -> tuple[int, datetime | None]:
    """How many failures from ``address`` after ``since``, and the oldest of them."""
    c = LoginFailureRow
    count, oldest = session.execute(select(func.count(c.id), func.min(c.at)).where(
        c.address == address_key(address), c.at > as_utc(since))).one()
    return int(count), (as_utc(oldest) if oldest is not None else None)


def record(session: Session, address: str, at: datetime, *, forget_before: datetime) -> None:
    """Add a failure and delete every failure (any address) older than ``forget_before``."""
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.at <= as_utc(forget_before)))
    session.execute(insert(LoginFailureRow).values(address=address_key(address), at=as_utc(at)))
