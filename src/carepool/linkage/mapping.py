"""Which column of each person file means what: the field mapping behind any two-file linkage.

Linkage compares like with like under canonical roles (NHS number, first name, surname,
date of birth, sex, postcode). A mapping pairs a left column with a right column; its role
is given (``dob:birth_date=date_of_birth``) or inferred from the left column's name.
Columns with no recognised role are compared as plain strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from carepool.errors import InputError

ROLES = ("nhs_number", "first_name", "surname", "dob", "sex", "postcode")
_HINTS: tuple[tuple[str, str], ...] = (
    ("nhs", "nhs_number"), ("forename", "first_name"), ("first", "first_name"),
    ("given", "first_name"), ("surname", "surname"), ("last", "surname"), ("family", "surname"),
    ("birth", "dob"), ("dob", "dob"), ("sex", "sex"), ("gender", "sex"), ("postcode", "postcode"),
    ("post_code", "postcode"), ("zip", "postcode"),
)


@dataclass(frozen=True)
class FieldPair:
    role: str      # canonical column name used inside linkage
    left: str
    right: str


@dataclass(frozen=True)
class FieldMapping:
    id_left: str
    id_right: str
    pairs: tuple[FieldPair, ...]

    def __post_init__(self) -> None:
        roles = [p.role for p in self.pairs]
        duplicated = sorted({r for r in roles if roles.count(r) > 1})
        if duplicated:
            raise InputError(f"more than one mapping for {', '.join(duplicated)}")
        if not self.pairs:
            raise InputError("a linkage needs at least one --map left_col=right_col")
        if not any(p.role != "nhs_number" for p in self.pairs):
            raise InputError("map at least one field besides the NHS number (e.g. surname, date of birth)")

    @property
    def roles(self) -> list[str]:
        return [p.role for p in self.pairs]

    def has(self, role: str) -> bool:
        return role in self.roles

    def left_columns(self) -> dict[str, str]:
        return {p.left: p.role for p in self.pairs}

    def right_columns(self) -> dict[str, str]:
        return {p.right: p.role for p in self.pairs}


def infer_role(column: str) -> str:
    """The canonical role a column name suggests, or a safe generic name for it."""
    key = column.strip().lower().replace(" ", "_").replace("-", "_")
    squashed = key.replace("_", "")
    for hint, role in _HINTS:
        if hint.replace("_", "") in squashed:
            return role
    return "x_" + re.sub(r"[^a-z0-9_]", "_", key)


def parse_pair(spec: str) -> FieldPair:
    """``left=right`` or ``role:left=right``."""
    role = None
    body = spec
    if ":" in spec.split("=", 1)[0]:
        role, body = spec.split(":", 1)
        role = role.strip()
        if role not in ROLES:
            raise InputError(f"unknown role '{role}' in --map {spec} (roles: {', '.join(ROLES)})")
    if body.count("=") != 1:
        raise InputError(f"--map expects left_col=right_col, got '{spec}'")
    left, right = (part.strip() for part in body.split("="))
    if not left or not right:
        raise InputError(f"--map expects left_col=right_col, got '{spec}'")
    return FieldPair(role or infer_role(left), left, right)


def build(id_left: str, id_right: str, specs: Iterable[str] | Mapping[str, str]) -> FieldMapping:
    """A mapping from ``--map`` strings, or from a ``{left: right}`` dict."""
    items = [f"{k}={v}" for k, v in specs.items()] if isinstance(specs, Mapping) else list(specs)
    return FieldMapping(id_left, id_right, tuple(parse_pair(s) for s in items))
