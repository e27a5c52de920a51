"""The one exception hierarchy of carepool.

Everything carepool raises on purpose derives from :class:`CarepoolError`; adapters
(CLI, web) translate it to an exit code or an HTTP status at the edge::

    CarepoolError                 anything carepool refuses to do
    ├── InputError                a file or value cannot be read (says what and where)
    ├── ValidationFailed          input was read but breaks rules; carries every finding
    ├── NotFound                  a named thing (area, plan, account) does not exist
    ├── ConflictError             the request clashes with current state (lifecycle, closed period,
    │                             duplicate idempotency key with different content)
    ├── PermissionDenied          the actor may not do this
    └── ConfigurationError        a programme file, setting or environment is wrong

Lower libraries' errors (SQLAlchemy, openpyxl, DuckDB) are caught at the boundary that
calls them and re-raised as one of these, with the original chained.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carepool.findings import Finding


class CarepoolError(Exception):
    """Base of every error carepool raises on purpose."""

    exit_code = 1


class InputError(CarepoolError):
    """A file or value could not be read; the message names the place."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class ValidationFailed(CarepoolError):
    """Input was read but breaks one or more rules; ``findings`` has them all."""

    exit_code = 3

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        super().__init__(message)


class NotFound(CarepoolError):
    """A named thing does not exist."""

    exit_code = 4


class ConflictError(CarepoolError):
    """The request clashes with the current state (e.g. editing a submitted plan)."""

    exit_code = 5


class PermissionDenied(CarepoolError):
    """The actor is not allowed to do this."""

    exit_code = 6


class ConfigurationError(CarepoolError):
    """A programme file, setting or environment is wrong."""

    exit_code = 7
