"""Sharing person-level data under the duty to share: NHS numbers, agreements, objections,
pseudonymisation, small-number suppression and the hash-chained audit log (all pure)."""

from carepool.sharing.agreements import Agreement, Purpose, authorise_share, check_receipt, check_share, parse_purpose
from carepool.sharing.audit import AuditEntry, next_entry, verify
from carepool.sharing.nhs_number import check_column, is_valid, normalise
from carepool.sharing.objections import Objection, ObjectionRegistry, filter_rows
from carepool.sharing.pseudonymise import PseudonymKey, pseudonym, pseudonymise_rows, reidentify
from carepool.sharing.suppression import SuppressedTable, suppress

__all__ = [
    "Agreement", "AuditEntry", "Objection", "ObjectionRegistry", "PseudonymKey", "Purpose",
    "SuppressedTable", "authorise_share", "check_column", "check_receipt", "check_share", "filter_rows", "is_valid",
    "next_entry", "normalise", "parse_purpose", "pseudonym", "pseudonymise_rows", "reidentify",
    "suppress", "verify",
]
