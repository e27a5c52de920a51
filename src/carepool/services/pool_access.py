"""Who may read a pool's books and who may act on them.

Reading (statements, the risk-share agreement, closed periods, the settlement, the year end):
the area's pool manager and the national roles, as for the year-end statement. Acting
(importing payments, recording an agreement, closing a period, settling, reconciling with the
host's ledger): the area's pool manager only (``Action.MANAGE_POOL``).
"""

from __future__ import annotations

from carepool.errors import PermissionDenied
from carepool.services.users import Action, Role, User, require


def may_read(user: User, area: str) -> bool:
    return user.national or (user.role is Role.POOL_MANAGER and user.can_see(area))


def require_read(user: User, area: str, what: str = "the pool's books") -> None:
    if not may_read(user, area):
        raise PermissionDenied(f"your role ({user.role.value}) may not read {what} for area {area}: "
                               "it is for the area's pool manager and national roles")


def may_manage(user: User, area: str) -> bool:
    return user.may(Action.MANAGE_POOL, area)


def require_manage(user: User, area: str) -> None:
    require(user, Action.MANAGE_POOL, area)
