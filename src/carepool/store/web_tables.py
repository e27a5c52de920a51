"""The ``web_users`` table: local accounts of the web service (who, which organisation, which role).

Passwords are kept only as argon2 hashes. ``failed_logins`` and ``locked_until`` carry the
lock-out after repeated failures, so it holds across processes and restarts; ``session_epoch``
is written into each session and bumped on log-out, so a copied cookie stops working; ``disabled_at``
marks an account an administrator disabled (no log-in, every session ended). ``areas`` lists the
HWB area codes a local user works in; national users see every area whatever it holds.
``web_login_failures`` counts failed log-ins per client address for the per-address limit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from carepool.store.db import Base
from carepool.store.types import UtcDateTime

ROLES = ("partner_lead", "hwb_chair", "pool_manager", "national_assurer", "analyst", "auditor",
         "administrator", "care_coordinator", "information_governance")
ORG_KINDS = ("ccg", "icb", "la", "hwb", "national")
_ROLE_LIST = ", ".join(f"'{r}'" for r in ROLES)      # constants only, no user values
_KIND_LIST = ", ".join(f"'{k}'" for k in ORG_KINDS)


class WebUserRow(Base):
    """One person who can log in to the web service."""

    __tablename__ = "web_users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="role_known"),
        CheckConstraint(f"org_kind IN ({_KIND_LIST})", name="org_kind_known"),
        CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    org_code: Mapped[str] = mapped_column(String(32), nullable=False)
    org_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    areas: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False)
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False)   # bumped to end every session
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)   # no log-in while set


class LoginFailureRow(Base):
    """One failed log-in from a client address, kept only for the limit's window (then deleted).

    In the store rather than in a process, so the per-address limit holds across ``--workers``
    and restarts. ``address`` is the client address, or a SHA-256 of it when longer than 64.
    """

    __tablename__ = "web_login_failures"
    __table_args__ = (Index("ix_web_login_failures_address_at", "address", "at"),
                      Index("ix_web_login_failures_at", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(80), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
