"""`carepool budgets ...`: joined-up personal budgets over synthetic (illustrative) people."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from carepool.budgets.cohorts import load_cohorts
from carepool.budgets.rules_file import read_rules
from carepool.budgets.spend import Thresholds
from carepool.budgets.statement import ILLUSTRATIVE
from carepool.cli.common import DB_OPTION, console, handled, print_findings, print_json, store_at
from carepool.errors import InputError, NotFound, ValidationFailed
from carepool.findings import has_errors
from carepool.money import Money
from carepool.reference import load_reference
from carepool.scorecard.inputs import evidence_from_rows
from carepool.scorecard.method import as_rows, load_method, score_areas, with_weights
from carepool.services import budgets as svc
from carepool.services import synthetic_budgets
from carepool.services.synthetic_budgets import DEFAULT_AREAS

GROUP_NAME = "budgets"
group = typer.Typer(help="Joined-up personal budgets (NHS + social care): generate, check rules, statements, alerts; "
                    "the HWB scorecard.",
                    no_args_is_help=True)

DATA_OPTION = typer.Option(..., "--data", help="Folder written by 'carepool budgets demo' (its budgets/ folder).")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of tables.")
AS_OF_OPTION = typer.Option(None, "--as-of", help="Date (YYYY-MM-DD) to measure spend to; default year end.")


def _areas(text: str) -> list[str]:
    ref = load_reference()
    by_name = {a.name.lower(): a.code for a in ref.areas.values()}
    out: list[str] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        code = by_name.get(part.lower(), part)
        out.append(ref.area(code).code)
    if not out:
        raise InputError("name at least one area (ONS code or name)")
    return out


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _pct(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(f"{what} '{text}' is not a number") from None
    if value < 0:
        raise InputError(f"{what} cannot be negative")
    return value


@group.command("demo")
def demo(
    areas: str = typer.Option(",".join(DEFAULT_AREAS), "--areas", help="Comma-separated area codes or names."),
    people: int = typer.Option(3000, "--people", min=1, help="How many illustrative people."),
    out: Path = typer.Option(Path("budgets-demo"), "--out", help="Folder for the CSVs and summary.json."),
    seed: int = typer.Option(2015, "--seed", help="Seed for the generated figures."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Generate a year of joined-up budgets and payments for illustrative people (all figures illustrative)."""
    with handled():
        result = synthetic_budgets.synthetic_budget_year(out, seed, (lambda _m: None) if as_json else console.print,
                               areas=_areas(areas), people=people)
        if as_json:
            print_json(result)
            return
        table = Table(title="Joined-up personal budgets, one year (ILLUSTRATIVE)")
        table.add_column("measure")
        table.add_column("value", justify="right")
        for cohort, n in result["people_by_cohort"].items():
            table.add_row(f"people: {cohort}", f"{n:,}")
        table.add_row("budget total", str(Money(result["budget_total_pence"])))
        for funder, pence in result["budget_by_funder_pence"].items():
            table.add_row(f"  of which {funder}", str(Money(pence)))
        table.add_row("paid (incl. authorised extras)", str(Money(result["paid_total_pence"])))
        table.add_row("spent", str(Money(result["spent_total_pence"])))
        table.add_row("reviews / authorisations", f"{result['reviews']} / {result['authorisations']}")
        for kind, n in result["alerts"].items():
            table.add_row(f"alerts: {kind}", str(n))
        table.add_row("ledger transactions (balanced)", f"{result['ledger_transactions']:,} "
                      f"({'yes' if result['ledger_balanced'] else 'NO'})")
        console.print(table)
        console.print(f"[italic]{ILLUSTRATIVE}[/italic]; files in {result['folder']}")


@group.command("load")
def load_cmd(data: Path = DATA_OPTION, db: str | None = DB_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Load a synthetic budgets folder into the store, posting pool-funded payments to the ledger (all or nothing)."""
    with handled():
        with store_at(db) as store:
            loaded = svc.load_folder(store, data, actor="carepool budgets load")
        result = {"import_id": loaded.import_id, "people": loaded.people, "areas": list(loaded.areas),
                  "versions": loaded.versions, "payments": loaded.payments, "paid_pence": loaded.paid_pence,
                  "pool_pence": loaded.pool_pence, "outside_pool_pence": loaded.outside_pool_pence,
                  "ledger_transactions": loaded.transactions, "pools": loaded.pools,
                  "illustrative": loaded.illustrative}
        if as_json:
            print_json(result)
            return
        console.print(f"[green]stored[/green] {loaded.people:,} people in {len(loaded.areas)} area(s), "
                      f"{loaded.versions:,} budget versions, {loaded.payments:,} payments "
                      f"({Money(loaded.paid_pence)})")
        console.print(f"posted {loaded.transactions:,} ledger transactions: {Money(loaded.pool_pence)} from the pools; "
                      f"{Money(loaded.outside_pool_pence)} of people's own contributions stay outside the pool")
        if loaded.illustrative:
            console.print(f"[italic]{ILLUSTRATIVE}[/italic]")


@group.command("check-rules")
def check_rules_cmd(file: Path = typer.Argument(..., help="Who-pays rules (YAML).")) -> None:
    """Check a who-pays agreement: every need category covered by exactly one sound rule."""
    with handled():
        rules, findings = read_rules(file)
        if has_errors(findings):
            raise ValidationFailed(f"who-pays rules '{rules.id}' refused: {len(findings)} problem(s)", findings)
        print_findings(findings)
        console.print(f"[green]sound[/green]: {len(rules.rules)} rules cover all {len(rules.categories)} "
                      "need categories exactly once")


@group.command("statement")
def statement_cmd(person: str = typer.Option(..., "--person", help="Person id, e.g. P00001."),
                  data: Path = DATA_OPTION, as_of: str | None = AS_OF_OPTION, as_json: bool = JSON_OPTION) -> None:
    """A person's budget statement: elements by funder, paid, spent, lines, versions."""
    with handled():
        result = synthetic_budgets.person_statement(data, person, _day(as_of))
        if as_json:
            print_json(result)
            return
        _show_statement(result)


def _show_statement(s: dict[str, Any]) -> None:
    console.rule(f"{s['person_id']} ({s['cohort']}, {s['area_code']}): paid by {s['route']} to {s['payee']}")
    table = Table(title=f"Budget to {s['as_of']} (ILLUSTRATIVE)")
    for column in ("", "nhs", "la", "person", "total"):
        table.add_column(column, justify="right")
    for row in ("budget", "paid"):
        table.add_row(row, *(s[row].get(k, "0.00") for k in ("nhs", "la", "person", "total")))
    console.print(table)
    lines = Table(title="Care and support plan lines")
    for column in ("ref", "description", "rule", "cost", "nhs", "la", "person"):
        lines.add_column(column)
    for line in s["lines"]:
        lines.add_row(*(line[k] for k in ("ref", "description", "rule", "cost", "nhs", "la", "person")))
    console.print(lines)
    console.print(f"spent: £{s['spent']}" + (f"; ALERT {s['alert']['kind']} ({s['alert']['variance_pct']}%)"
                                              if s["alert"] else "; within thresholds"))
    for v in s["versions"]:
        console.print(f"version {v['version']}: {v['at']} by {v['by']}: {v['reason']} (total £{v['total']})")


@group.command("alerts")
def alerts_cmd(data: Path = DATA_OPTION, as_of: str | None = AS_OF_OPTION,
               over: str = typer.Option("10", "--over", help="Overspend threshold, % above expected."),
               under: str = typer.Option("25", "--under", help="Underspend threshold, % below expected."),
               as_json: bool = JSON_OPTION) -> None:
    """People whose spend is outside the thresholds at a date."""
    with handled():
        thresholds = Thresholds(_pct(over, "--over"), _pct(under, "--under"))
        when, alerts = synthetic_budgets.alerts(data, _day(as_of), thresholds)
        rows = [{"person_id": a.person_id, "area_code": a.area_code, "kind": a.kind.value,
                 "expected": a.expected.plain(), "spent": a.spent.plain(), "variance_pct": str(a.variance_pct)}
                for a in alerts]
        if as_json:
            print_json({"as_of": when.isoformat(), "alerts": rows, "note": ILLUSTRATIVE})
            return
        table = Table(title=f"Spend alerts at {when.isoformat()}: {len(rows)} (ILLUSTRATIVE)")
        for column in ("person_id", "area_code", "kind", "expected", "spent", "variance_pct"):
            table.add_column(column)
        for row in rows:
            table.add_row(*row.values())
        console.print(table)


@group.command("cohorts")
def cohorts_cmd(as_json: bool = JSON_OPTION) -> None:
    """The four 2015 Integrated Personal Commissioning cohorts and their (illustrative) need categories."""
    with handled():
        cohorts = load_cohorts()
        if not cohorts:
            raise NotFound("no cohorts defined")
        rows = [{"id": c.id, "name": c.name, "needs": ", ".join(n for n, _, _ in c.needs)} for c in cohorts]
        if as_json:
            print_json(rows)
            return
        table = Table(title="IPC cohorts (2015)")
        for column in ("id", "name", "need categories (illustrative)"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["id"], row["name"], row["needs"])
        console.print(table)


@group.command("scorecard")
def scorecard_cmd(
    evidence: Path = typer.Argument(..., help="CSV: area_code, then <indicator> and <indicator>_se columns."),
    method_file: Path | None = typer.Option(None, "--method", help="Scorecard method YAML (default: shipped)."),
    weight: list[str] = typer.Option([], "--weight", help="Override a weight, e.g. --weight plan_assured=3."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rank areas as system managers, with rank intervals, by the documented method."""
    with handled():
        method = load_method(method_file) if method_file else load_method()
        overrides: dict[str, float] = {}
        for item in weight:
            key, _, value = item.partition("=")
            if key not in {s.id for s in method.indicators}:
                raise InputError(f"--weight: '{key}' is not an indicator of method '{method.id}'")
            try:
                overrides[key] = float(value)
            except ValueError:
                raise InputError(f"--weight {item}: the weight must be a number") from None
        method = with_weights(method, overrides)
        try:
            with evidence.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", where=str(evidence)) from exc
        result = as_rows(score_areas(evidence_from_rows(rows, method), method))
        if as_json:
            print_json({"method": method.id, "areas": result})
            return
        table = Table(title=f"HWB scorecard ({method.id}, {int(method.level * 100)}% intervals)")
        for column in ("rank", "area", "score", "score interval", "rank interval", "missing evidence"):
            table.add_column(column)
        for r in result:
            table.add_row(str(r["rank"] or "-"), r["area_code"], "-" if r["score"] is None else f"{r['score']:.3f}",
                          "-" if r["score_interval"] is None else "{:.3f}-{:.3f}".format(*r["score_interval"]),
                          "-" if r["rank_interval"] is None else "{}-{}".format(*r["rank_interval"]),
                          ", ".join(r["missing"]))
        console.print(table)
