"""`carepool users ...`: web-service accounts (add, list).

The service (and argon2) is imported inside each command, so the rest of the CLI works
without the ``web`` extra installed.
"""

from __future__ import annotations

import typer
from rich.table import Table

from carepool.cli.common import DB_OPTION, console, db_url, handled
from carepool.store.db import open_store

GROUP_NAME = "users"
ROLES = ("partner_lead, hwb_chair, pool_manager, care_coordinator, national_assurer, analyst, auditor or "
         "administrator")
NATIONAL_ORG = "NATIONAL"
group = typer.Typer(help="Web-service accounts: who belongs to which organisation, in which role and areas.",
                    no_args_is_help=True)


@group.command("add")
def add(email: str = typer.Option(..., "--email", help="Log-in email address."),
        org: str = typer.Option(..., "--org", help="Organisation code (CCG ODS code, LA/HWB code, or NATIONAL)."),
        org_kind: str = typer.Option(None, "--org-kind",
                                     help="ccg, la, hwb or national (default: from the code's form)."),
        role: str = typer.Option(..., "--role", help=ROLES),
        area: list[str] = typer.Option([], "--area", help="HWB area code the user works in (repeatable)."),
        name: str = typer.Option("", "--name", help="Display name (default: the email)."),
        password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                     help="At least 12 characters (prompted when not given)."),
        db: str | None = DB_OPTION) -> None:
    """Create a local account (argon2-hashed password)."""
    from carepool.services import users as svc

    with handled():
        kind = org_kind or _kind_of(org)
        user = svc.add_user(open_store(db_url(db)), email=email, password=password, name=name, org_code=org,
                            org_kind=kind, role=role, areas=area)
        console.print(f"added {user.email}: {user.role.value} of {user.org_code} ({user.org_kind}); "
                      f"areas: {', '.join(user.areas) or 'all (national)'}")


@group.command("list")
def list_users(db: str | None = DB_OPTION) -> None:
    """Every account, its organisation, role and areas."""
    from carepool.services import users as svc

    with handled():
        table = Table("email", "organisation", "kind", "role", "areas")
        for u in svc.list_users(open_store(db_url(db))):
            table.add_row(u.email, u.org_code, u.org_kind, u.role.value, ", ".join(u.areas) or "all")
        console.print(table)


def _kind_of(org: str) -> str:
    """National team, an HWB (area code + -HWB), a local authority (ONS E-code), else a CCG."""
    if org.upper() == NATIONAL_ORG:
        return "national"
    if org.upper().endswith("-HWB"):
        return "hwb"
    return "la" if len(org) == 9 and org[:1] == "E" and org[1:].isdigit() else "ccg"
