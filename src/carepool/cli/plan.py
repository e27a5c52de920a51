"""`carepool plan ...`: the planning workbook, validation, import/export and the sign-off workflow."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import typer
from rich.table import Table

from carepool.cli.common import (
    AREA_OPTION,
    DB_OPTION,
    YEAR_OPTION,
    acting,
    console,
    db_url,
    handled,
    print_findings,
    print_json,
)
from carepool.cli.plan_conditions import conditions as conditions_group
from carepool.errors import InputError, ValidationFailed
from carepool.findings import Severity
from carepool.services import plans as svc
from carepool.store.db import open_store

GROUP_NAME = "plan"
group = typer.Typer(help="Joint plans: template, validate, import, export, sign off, submit, assure.",
                    no_args_is_help=True)

ACTOR_OPTION = typer.Option(None, "--as", help="Who is acting (recorded in the plan's history).")


@group.command("template")
def template(area: str = AREA_OPTION, year: str = YEAR_OPTION,
             out: Path = typer.Option(..., "--out", help="Workbook to write (.xlsx).")) -> None:
    """Write the planning workbook for an area, pre-filled with what it cannot change."""
    with handled():
        path = svc.write_template(area, year, out)
        console.print(f"wrote planning template for {area} {year}: {path}")


@group.command("export")
def export(area: str = AREA_OPTION, year: str = YEAR_OPTION,
           out: Path = typer.Option(..., "--out", help="Workbook to write (.xlsx)."),
           version: int | None = typer.Option(None, help="Plan version (default: latest)."),
           db: str | None = DB_OPTION) -> None:
    """Write a stored plan into the planning workbook."""
    with handled():
        store = open_store(db_url(db))
        path = svc.export_workbook(store, area, year, out, version)
        console.print(f"wrote {path}")


@group.command("validate")
def validate(file: Path = typer.Argument(..., help="Planning workbook (.xlsx)."),
             json_out: bool = typer.Option(False, "--json", help="Print findings as JSON."),
             stage: str = typer.Option("draft", help="draft, or submission (also needs sign-offs).")) -> None:
    """Print every finding; exit 0 only when there are no errors."""
    with handled():
        check = svc.check_workbook(file, stage=stage)
        errors = sum(1 for f in check.findings if f.severity is Severity.ERROR)
        if json_out:
            print_json({"file": str(file), "ok": check.ok, "errors": errors,
                        "findings": [f.as_dict() for f in check.findings]})
        else:
            print_findings(check.findings)
            console.print(f"{errors} error(s), {len(check.findings) - errors} other finding(s)")
        if not check.ok:
            raise typer.Exit(ValidationFailed.exit_code)


@group.command("import")
def import_(file: Path = typer.Argument(..., help="Planning workbook (.xlsx)."),
            db: str | None = DB_OPTION, actor: str | None = ACTOR_OPTION) -> None:
    """Store a valid plan as a new version; an invalid one is refused and nothing is stored."""
    with handled():
        store = open_store(db_url(db))
        record = svc.import_workbook(store, file, actor=acting(actor))
        console.print(f"stored {record.area_code} {record.year} version {record.version} ({record.status.value})")


@group.command("list")
def list_(year: str | None = typer.Option(None, "--year"), status: str | None = typer.Option(None),
          db: str | None = DB_OPTION, json_out: bool = typer.Option(False, "--json")) -> None:
    """The latest version of every stored plan."""
    with handled():
        records = svc.list_plans(open_store(db_url(db)), year, status)
        rows = [{"area": r.area_code, "year": r.year, "version": r.version, "status": r.status.value,
                 "pooled": r.plan.pooled_total.plain(), "illustrative": r.plan.illustrative} for r in records]
        if json_out:
            print_json(rows)
            return
        table = Table("area", "year", "version", "status", "pooled")
        for row in rows:
            table.add_row(str(row["area"]), str(row["year"]), str(row["version"]), str(row["status"]),
                          f"£{row['pooled']}")
        console.print(table)


@group.command("history")
def history(area: str = AREA_OPTION, year: str = YEAR_OPTION, db: str | None = DB_OPTION) -> None:
    """Who did what to the latest version, and when."""
    with handled():
        record, events = svc.history(open_store(db_url(db)), area, year)
        table = Table("when", "who", "action", "to", "detail", title=f"{record.area_code} {record.year} "
                      f"version {record.version}")
        for e in events:
            table.add_row(e.at.isoformat(sep=" "), e.actor, e.action, e.to_status.value, e.detail)
        console.print(table)


@group.command("signoff")
def signoff(area: str = AREA_OPTION, year: str = YEAR_OPTION,
            partner: str | None = typer.Option(None, help="Partner code (LA ONS code or CCG code)."),
            hwb: bool = typer.Option(False, "--hwb", help="Sign off as the Health and Wellbeing Board."),
            db: str | None = DB_OPTION, actor: str | None = ACTOR_OPTION) -> None:
    """Sign off the latest version: each partner first, then the HWB."""
    with handled():
        store = open_store(db_url(db))
        if hwb:
            record = svc.sign_off_hwb(store, area, year, actor=acting(actor))
        elif partner:
            record = svc.sign_off(store, area, year, partner, actor=acting(actor))
        else:
            raise typer.BadParameter("give --partner CODE or --hwb")
        console.print(f"{record.area_code} {record.year} v{record.version}: {record.status.value}")


@group.command("submit")
def submit(area: str = AREA_OPTION, year: str = YEAR_OPTION, db: str | None = DB_OPTION,
           actor: str | None = ACTOR_OPTION) -> None:
    """Submit an HWB-signed-off plan for assurance."""
    with handled():
        record = svc.submit(open_store(db_url(db)), area, year, actor=acting(actor))
        console.print(f"{record.area_code} {record.year} v{record.version}: {record.status.value}")


@group.command("assure")
def assure(area: str = AREA_OPTION, year: str = YEAR_OPTION,
           outcome: str = typer.Option(..., help="approved | approved with support | "
                                       "approved subject to conditions | not approved"),
           conditions: str = typer.Option("", help="The conditions, when approved subject to conditions."),
           db: str | None = DB_OPTION, actor: str | None = ACTOR_OPTION) -> None:
    """Record the national assurance decision on a submitted plan."""
    with handled():
        record = svc.assure(open_store(db_url(db)), area, year, outcome, actor=acting(actor),
                            conditions=conditions)
        console.print(f"{record.area_code} {record.year} v{record.version}: {record.status.value} ({outcome})")


@group.command("check-revision")
def check_revision(area: str = AREA_OPTION, year: str = YEAR_OPTION,
                   operating_plan_pct: str = typer.Option(..., "--operating-plan-pct",
                                                          help="The CCG operating plan's reduction in non-elective "
                                                               "admissions, percent (e.g. 1.2)."),
                   db: str | None = DB_OPTION, json_out: bool = typer.Option(False, "--json")) -> None:
    """The March 2015 target revision rule: the latest version's ambition against the plan in force."""
    with handled():
        try:
            pct = Decimal(operating_plan_pct.strip())
        except InvalidOperation:
            raise InputError(f"'{operating_plan_pct}' is not a percentage", where="--operating-plan-pct") from None
        findings = svc.check_target_revision(open_store(db_url(db)), area, year, pct)
        if any(f.severity is Severity.ERROR for f in findings):
            raise ValidationFailed("the target revision breaks the March 2015 rule", findings)
        if json_out:
            print_json([f.as_dict() for f in findings])
        elif findings:
            print_findings(findings)
        else:
            console.print("the latest version does not revise the assured target")


group.add_typer(conditions_group, name="conditions")
