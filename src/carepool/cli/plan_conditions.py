"""`carepool plan conditions list|add|meet|lapse`: the conditions register of assured plans."""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table
from rich.text import Text

from carepool.cli.common import AREA_OPTION, DB_OPTION, YEAR_OPTION, acting, console, db_url, handled, print_json
from carepool.errors import InputError
from carepool.plans.conditions import Condition
from carepool.services import conditions as svc
from carepool.store.db import open_store

conditions = typer.Typer(help="The conditions register: set by the national assurer, met by the area with evidence.",
                    no_args_is_help=True)

ACTOR_OPTION = typer.Option(None, "--as", help="Who is acting (recorded in the register's history).")


def _row(area: str, c: Condition) -> dict[str, object]:
    return {"area": area, "id": c.id, "status": c.status.value, "text": c.text, "owner": c.owner,
            "due": c.due.isoformat(), "evidence": c.evidence, "plan_version": c.plan_version,
            "history": [{"action": e.action, "actor": e.actor, "at": e.at.isoformat(), "evidence": e.evidence}
                        for e in c.history]}


def _show(area: str, c: Condition) -> None:
    console.print(Text(f"{area} {c.id}: {c.status.value} (owner {c.owner}, due {c.due.isoformat()}) {c.text}"))


@conditions.command("list")
def list_(year: str = YEAR_OPTION, area: str | None = typer.Option(None, "--area", help="One area; default all."),
          status: str | None = typer.Option(None, help="open, met or lapsed."), db: str | None = DB_OPTION,
          json_out: bool = typer.Option(False, "--json")) -> None:
    """Every condition (or one area's, or those in one status), with who met it and the evidence."""
    with handled():
        if status is not None and status not in ("open", "met", "lapsed"):
            raise InputError(f"'{status}' is not a status (open, met, lapsed)", where="--status")
        found = svc.listing(open_store(db_url(db)), year, area, status)
        if json_out:
            print_json([_row(a.area, a.condition) for a in found])
            return
        table = Table("area", "id", "status", "owner", "due", "condition", "evidence")
        for a in found:
            c = a.condition
            table.add_row(a.area, c.id, c.status.value, Text(c.owner), c.due.isoformat(), Text(c.text),
                          Text(c.evidence))
        console.print(table)
        console.print(f"{len(found)} condition(s)")


@conditions.command("add")
def add(area: str = AREA_OPTION, text: str = typer.Option(..., "--text", help="What the area must do."),
        owner: str = typer.Option(..., "--owner", help="Who answers for it (a named post or partner)."),
        due: str = typer.Option(..., "--due", help="Due date, YYYY-MM-DD."), year: str = YEAR_OPTION,
        db: str | None = DB_OPTION, actor: str | None = ACTOR_OPTION) -> None:
    """Set a condition on an assured plan (the national assurer); the year's held money is held while it is open."""
    with handled():
        try:
            day = date.fromisoformat(due.strip())
        except ValueError:
            raise InputError(f"'{due}' is not a date like 2015-06-30", where="--due") from None
        _show(area.upper(), svc.add(open_store(db_url(db)), area, year, text, owner, day, actor=acting(actor)))


@conditions.command("meet")
def meet(area: str = AREA_OPTION, condition: str = typer.Option(..., "--id", help="Condition id, e.g. C1."),
         evidence: str = typer.Option(..., "--evidence", help="What shows it is met."), year: str = YEAR_OPTION,
         db: str | None = DB_OPTION, actor: str | None = ACTOR_OPTION) -> None:
    """The area meets a condition with evidence; when the last is met, money held is released."""
    with handled():
        _show(area.upper(), svc.meet(open_store(db_url(db)), area, year, condition, evidence, actor=acting(actor)))


@conditions.command("lapse")
def lapse(area: str = AREA_OPTION, condition: str = typer.Option(..., "--id", help="Condition id, e.g. C1."),
          reason: str = typer.Option(..., "--reason", help="Why it lapsed."), year: str = YEAR_OPTION,
          db: str | None = DB_OPTION, actor: str | None = ACTOR_OPTION) -> None:
    """Record that a condition was not met in time (the national assurer); money held stays held."""
    with handled():
        _show(area.upper(), svc.lapse(open_store(db_url(db)), area, year, condition, reason, actor=acting(actor)))
