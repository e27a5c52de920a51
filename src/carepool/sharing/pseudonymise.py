"""Pseudonymisation for secondary use: a keyed hash (HMAC-SHA256) per agreement.

The key belongs to the agreement's controller and never appears in an output (its repr is
masked). The same person gets the same pseudonym within one agreement, so records can be
joined for evaluation, and different pseudonyms under different agreements, so two
releases cannot be joined to each other. A keyed hash cannot be reversed; the controller
re-identifies by recomputing pseudonyms for the identifiers it already holds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from carepool.errors import InputError, PermissionDenied
from carepool.sharing.nhs_number import normalise

PSEUDONYM_PREFIX = "ps_"


@dataclass(frozen=True)
class PseudonymKey:
    """The controller's secret for one agreement."""

    agreement_id: str
    controller: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) < 32:
            raise InputError("a pseudonymisation key needs at least 32 bytes of secret")

    @classmethod
    def new(cls, agreement_id: str, controller: str) -> PseudonymKey:
        return cls(agreement_id, controller, secrets.token_bytes(32))

    def __repr__(self) -> str:
        return f"PseudonymKey(agreement_id={self.agreement_id!r}, controller={self.controller!r}, secret=***)"


def pseudonym(value: str, key: PseudonymKey) -> str:
    """The pseudonym of one identifier (NHS numbers are normalised first)."""
    text = normalise(value) or value.strip()
    if not text:
        raise InputError("cannot pseudonymise an empty identifier")
    message = f"{key.agreement_id}\x1f{text}".encode()
    return PSEUDONYM_PREFIX + hmac.new(key.secret, message, hashlib.sha256).hexdigest()[:32]


def pseudonymise_rows(rows: Sequence[Mapping[str, str]], id_field: str, key: PseudonymKey,
                      *, drop: Iterable[str] = ()) -> list[dict[str, str]]:
    """New rows with ``id_field`` replaced by its pseudonym and ``drop`` fields removed."""
    dropped = set(drop)
    out = []
    for row in rows:
        new = {k: v for k, v in row.items() if k not in dropped}
        new[id_field] = pseudonym(row[id_field], key)
        out.append(new)
    return out


def reidentify(pseudonyms: Iterable[str], identifiers: Iterable[str], key: PseudonymKey,
               *, actor: str) -> dict[str, str]:
    """Map pseudonyms back to identifiers; only the controller (``actor``) may do this."""
    if actor != key.controller:
        raise PermissionDenied(f"only the controller {key.controller} may re-identify; {actor} may not")
    lookup = {pseudonym(i, key): normalise(i) or i for i in identifiers}
    return {p: lookup[p] for p in pseudonyms if p in lookup}
