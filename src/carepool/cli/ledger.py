"""`carepool ledger ...`: post contributions, import spend, settle, statements, trial balance, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from carepool.cli.common import DB_OPTION, acting, console, db_url, handled
from carepool.errors import InputError
from carepool.ledger.statements import Report
from carepool.money import Money
from carepool.services import ledger as svc
from carepool.services import ledger_reconcile, year_end
from carepool.services import ledger_statements as statements_svc
from carepool.services import risk_share as risk_share_svc
from carepool.services.report_files import FORMATS, write_reports
from carepool.store.db import open_store

GROUP_NAME = "ledger"
group = typer.Typer(help="The pooled funds' books: contributions, spend, settlement, statements, export.",
                    no_args_is_help=True)

YEAR_OPTION = typer.Option("bcf-2015-16", "--year", help="Programme year id, e.g. bcf-2015-16 (or 2015-16).")
AREA_OPTION = typer.Option(None, "--area", help="One HWB area (ONS code); default all.")
FORMAT_OPTION = typer.Option("terminal", "--format", help="terminal, csv or excel.")
OUT_OPTION = typer.Option(None, "--out", help="File to write (csv: one file per report, suffixed).")


def _year(year: str) -> str:
    return year if year.startswith("bcf-") else f"bcf-{year}"


def show(reports: list[Report], fmt: str, out: Path | None) -> None:
    """Print reports as rich tables, or write them to CSV / Excel."""
    if fmt == "terminal":
        for report in reports:
            table = Table(title=report.title)
            first = report.rows[0] if report.rows else ()
            for i, column in enumerate(report.columns):
                numeric = i < len(first) and isinstance(first[i], Money | int)
                table.add_column(column, justify="right" if numeric else "left", overflow="fold")
            for row in report.rows:
                table.add_row(*(Text(str(c)) for c in row))   # plain text: no markup or :emoji: codes
            console.print(table)
        return
    if out is None:
        raise InputError(f"--format {fmt} needs --out FILE")
    if fmt not in FORMATS:
        raise InputError(f"'{fmt}' is not a format (terminal, {', '.join(FORMATS)})")
    for path in write_reports(reports, fmt, out):
        console.print(f"wrote {path}")


@group.command("post-contributions")
def post_contributions(
    year: str = YEAR_OPTION, area: str | None = AREA_OPTION, db: str | None = DB_OPTION,
    grant: list[str] = typer.Option([], "--grant-received",
                                    help="STREAM=YYYY-MM-DD: when a capital grant arrived (repeatable)."),
    plan_year: str | None = typer.Option(None, "--plan-year",
                                         help="The plan year to post, e.g. 2024-25: needed for two-year "
                                              "plans (2017-19, 2023-25); each year's own figures are posted."),
) -> None:
    """Schedule every assured plan's contributions (monthly instalments, capital grants), budgets and hold-back
    for one plan year."""
    with handled():
        received: dict[tuple[str, str], date] = {}
        for item in grant:
            stream, _, day = item.partition("=")
            try:
                received[("*", stream.strip())] = date.fromisoformat(day.strip())
            except ValueError:
                raise InputError(f"'{item}' is not STREAM=YYYY-MM-DD", where="--grant-received") from None
        try:
            done = svc.post_contributions(open_store(db_url(db)), _year(year), area, actor=acting(),
                                          capital_received=received, plan_year=plan_year)
        except InputError as exc:
            if exc.where != "plan year":
                raise
            raise InputError(str(exc).removeprefix("plan year: "), where="--plan-year") from None
        console.print(f"plan year {done.plan_year} of {_year(year)}: "
                      f"{done.areas} area(s), {done.amount} pooled: posted {done.posted} transaction(s) "
                      f"({done.postings} postings), {done.skipped} already posted")
        for _area, why in done.refused:
            console.print(Text(f"nothing posted: {why}"))


@group.command("import-spend")
def import_spend(file: Path = typer.Argument(..., help="Payments file (.csv or .xlsx): date, scheme, provider, "
                                                        "amount, reference [, area]."),
                 area: str | None = AREA_OPTION, db: str | None = DB_OPTION) -> None:
    """Import scheme spend; any bad row refuses the whole file (every finding is shown)."""
    with handled():
        done = svc.import_spend(open_store(db_url(db)), file, area, actor=acting())
        console.print(f"{done.amount} of spend in {done.areas} area(s): posted {done.posted} payment(s), "
                      f"{done.skipped} already posted")


@group.command("settle")
def settle(year: str = YEAR_OPTION, area: str | None = AREA_OPTION, db: str | None = DB_OPTION,
           plan_year: str | None = typer.Option(None, "--plan-year",
                                                help="The plan year to settle, e.g. 2023-24: needed for two-year "
                                                     "plans (2017-19, 2023-25), settled one year at a time, in order."),
           ) -> None:
    """Settle each pool's year by fund, to the penny, and close the year: the revenue over/underspend by
    the risk share (less what the agreement keeps in the pool), capital carried forward or (DFG in
    two-tier areas) passed to the district councils, and next year's brought-forward balances."""
    with handled():
        try:
            results = svc.settle(open_store(db_url(db)), _year(year), area, actor=acting(), plan_year=plan_year)
        except InputError as exc:
            if exc.where != "plan year":
                raise
            raise InputError(str(exc).removeprefix("plan year: "), where="--plan-year") from None
        table = Table(title=f"Settlement {svc.settlement_name(_year(year), plan_year)}")
        for column in ("area", "pool", "revenue net (underspend +)", "risk-share parts", "kept in pool",
                       "capital carried forward", "capital to district councils"):
            table.add_column(column)
        for r in results:
            table.add_row(r.area, r.pool, str(Money(r.net)),
                          Text(", ".join(f"{p} {Money(v)}" for p, v in r.parts)), str(Money(r.retained)),
                          str(Money(sum(c.carried_forward for c in r.capital))),
                          str(Money(sum(c.to_districts for c in r.capital))))
        console.print(table)
        console.print(f"settled {len(results)} pool(s); the year is closed for their areas")


@group.command("statement")
def statement(area: str = typer.Option(..., "--area", help="HWB area (ONS code)."), year: str = YEAR_OPTION,
              fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION, db: str | None = DB_OPTION) -> None:
    """Pool statement, scheme statement and the quarterly income-and-expenditure section of an area."""
    with handled():
        show(statements_svc.area_statements(open_store(db_url(db)), area, _year(year)), fmt, out)


@group.command("year-end")
def year_end_statement(area: str = typer.Option(..., "--area", help="HWB area (ONS code)."), year: str = YEAR_OPTION,
                       fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION, db: str | None = DB_OPTION,
                       plan_year: str | None = typer.Option(None, "--plan-year",
                                                            help="The plan year, e.g. 2024-25: needed for two-year "
                                                                 "plans (2017-19, 2023-25).")) -> None:
    """The pool's year-end statement (Section 75 annual report shape): income by partner and stream,
    expenditure by scheme and provider, capital, the risk-share settlement, what carries forward."""
    with handled():
        store = open_store(db_url(db))
        try:
            found = year_end.statement(store, area, _year(year), plan_year)
        except InputError as exc:
            if exc.where != "plan year":
                raise
            raise InputError(str(exc).removeprefix("plan year: "), where="--plan-year") from None
        if fmt == "terminal":
            show(list(found.sections), fmt, out)
            return
        if out is None:
            raise InputError(f"--format {fmt} needs --out FILE")
        console.print(f"wrote {year_end.write(store, area, _year(year), fmt, out, plan_year)}")


@group.command("partner-statement")
def partner_statement(partner: str = typer.Option(..., "--partner", help="Partner code (CCG or LA)."),
                      fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION, db: str | None = DB_OPTION) -> None:
    """What a partner contributed to each pool and its share of each settlement."""
    with handled():
        show([statements_svc.partner_statement(open_store(db_url(db)), partner)], fmt, out)


@group.command("trial-balance")
def trial_balance(area: str | None = AREA_OPTION, fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION,
                  db: str | None = DB_OPTION) -> None:
    """Every account's balance, pool by pool; debits equal credits in every pool."""
    with handled():
        store = open_store(db_url(db))
        tb = svc.trial_balance(store, area)
        show([statements_svc.trial_balance_report(store, area)], fmt, out)
        bad = tb.unbalanced_pools()
        if bad:
            raise InputError(f"unbalanced pools: {bad}")
        debit, credit = tb.totals()
        console.print(f"{len(tb.pools())} pool(s) balanced: debits {Money(debit)} = credits {Money(credit)}")


@group.command("export")
def export(fmt: str = typer.Option("beancount", "--format", help="beancount, csv or excel."),
           out: Path = typer.Option(..., "--out", help="File to write."), area: str | None = AREA_OPTION,
           db: str | None = DB_OPTION) -> None:
    """Write the books: a Beancount ledger (bean-check clean, browsable in Fava) or the trial balance."""
    with handled():
        store = open_store(db_url(db))
        if fmt == "beancount":
            count = statements_svc.export_beancount(store, out, area)
            console.print(f"wrote {count} transaction(s) to {out}")
        else:
            show([statements_svc.trial_balance_report(store, area)], fmt, out)


@group.command("risk-share")
def risk_share(area: str = typer.Option(..., "--area"), pool: str = typer.Option(..., "--pool"),
               kind: str = typer.Option(..., "--kind", help="fixed, proportional or lead_commissioner."),
               share: list[str] = typer.Option([], "--share", help="PARTNER=WEIGHT (fixed shares), repeatable."),
               carry_forward: int = typer.Option(0, "--carry-forward", min=0, max=100,
                                                 help="Percent of a revenue underspend kept in the pool."),
               year: str = YEAR_OPTION, db: str | None = DB_OPTION,
               plan_year: str | None = typer.Option(None, "--plan-year",
                                                    help="The plan year the agreement is for, e.g. 2024-25: needed "
                                                         "for two-year plans (2017-19, 2023-25), agreed year by year."),
               ) -> None:
    """Record a pool's risk-share agreement (used by settle), with the part of an underspend kept in the pool."""
    with handled():
        weights = [(partner, weight) for partner, _, weight in (item.partition("=") for item in share)]
        agreement = risk_share_svc.agreement_from(kind, weights, carry_forward)
        try:
            svc.set_risk_share(open_store(db_url(db)), area, _year(year), pool, agreement, actor=acting(),
                               plan_year=plan_year)
        except InputError as exc:
            if exc.where != "plan year":
                raise
            raise InputError(str(exc).removeprefix("plan year: "), where="--plan-year") from None
        console.print(f"{area} {pool} ({svc.settlement_name(_year(year), plan_year)}): risk share {kind} "
                      f"{list(agreement.shares) or ''}; {carry_forward}% of an underspend kept in the pool")


@group.command("close")
def close(area: str = typer.Option(..., "--area"),
          period: str = typer.Option(..., "--period", help="2015Q1, 2015-16 or 2015-07-M."),
          db: str | None = DB_OPTION) -> None:
    """Close a period for an area: nothing more posts into it."""
    with handled():
        changed = svc.close_period(open_store(db_url(db)), area, period, actor=acting())
        console.print(f"{area} {period}: {'closed' if changed else 'was already closed'}")


@group.command("reverse")
def reverse(key: str = typer.Argument(..., help="Idempotency key of the transaction to correct."),
            on: str = typer.Option(..., "--on", help="Date of the reversal (YYYY-MM-DD, an open period)."),
            reason: str = typer.Option(..., "--reason"), db: str | None = DB_OPTION) -> None:
    """Correct the books by reversing a transaction (postings are never edited or deleted)."""
    with handled():
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise InputError(f"'{on}' is not a date (YYYY-MM-DD)", where="--on") from None
        result = svc.reverse(open_store(db_url(db)), key, day, reason, actor=acting())
        console.print(f"reversed {key}: {result.posted} transaction(s) posted, {result.skipped} already there")


@group.command("reconcile")
def reconcile(extract: Path = typer.Argument(..., help="Host ledger extract (.csv or .xlsx): cost_centre, account, "
                                                       "period, amount."),
              area: str = typer.Option(..., "--area", help="HWB area (ONS code)."), year: str = YEAR_OPTION,
              mapping: Path = typer.Option(..., "--mapping", help="Which host codes are the pool's (.csv or .yaml): "
                                                                  "cost_centre, account, pool, maps_to."),
              db: str | None = DB_OPTION) -> None:
    """Match the host's ledger to the pool's books by month and scheme; exit 0 only when they agree."""
    with handled():
        result = ledger_reconcile.reconcile_host_extract(open_store(db_url(db)), extract, mapping, area, _year(year))
        if result.differences:
            table = Table(title=f"Differences: {area} {_year(year)}")
            for column in ("month", "pool", "what", "host", "pool books", "difference", "host rows",
                           "pool transactions"):
                table.add_column(column, overflow="fold")
            for d in result.differences:
                table.add_row(d.month, d.pool, d.target, str(Money(d.host)), str(Money(d.books)),
                              str(Money(d.difference)), Text(", ".join(map(str, d.rows)) or "none"),
                              Text(", ".join(d.transactions[:5]) + (" ..." if len(d.transactions) > 5 else "")
                                   or "none"))
            console.print(table)
            for d in result.differences:
                console.print(Text(d.explain()))
        for pool, target, pence in result.not_mapped:
            console.print(Text(f"warning: {pool} {target} has {Money(pence)} in the pool's books and no host code "
                               "in the mapping (not reconciled)"))
        console.print(f"{result.agreed} month/scheme total(s) agree, {len(result.differences)} differ; host "
                      f"{Money(result.host_total)}, pool books {Money(result.books_total)}; "
                      f"{result.rows_not_the_pools} extract row(s) are not the pool's")
        if not result.agrees:
            raise typer.Exit(1)
