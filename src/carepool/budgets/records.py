"""A budgets dataset as plain CSV files in a folder, and back, exactly (amounts in pence).

Files: people, versions (one row per budget version: who, when, why), lines (each version's
funded lines), payments (ledger-ready instructions), authorisations, spend. Every file says
the figures are illustrative in its ``illustrative`` column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from carepool.budgets.dataset import Dataset
from carepool.budgets.model import Budget, FundedLine, Funder, Person, Route, Share
from carepool.budgets.payments import Authorisation, BudgetAccount, PaymentInstruction
from carepool.budgets.spend import SpendRecord
from carepool.budgets.versions import BudgetHistory, BudgetVersion
from carepool.cell_text import SafeDictWriter
from carepool.errors import InputError
from carepool.money import Money

FILES = ("people", "versions", "lines", "payments", "authorisations", "spend")


def _write(path: Path, header: list[str], rows: Iterable[Mapping[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeDictWriter(handle, fieldnames=[*header, "illustrative"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "illustrative": "yes"})


def write_dataset(data: Dataset, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    accounts = [data.accounts[p.id] for p in data.people]
    _write(folder / "people.csv", ["person_id", "area_code", "cohort", "age"],
           ({"person_id": p.id, "area_code": p.area_code, "cohort": p.cohort, "age": p.age} for p in data.people))
    versions = [v for a in accounts for v in a.history.versions]
    _write(folder / "versions.csv",
           ["person_id", "version", "by", "at", "reason", "area_code", "ccg_code", "la_code", "start", "end",
            "route", "payee", "contribution_pence"],
           ({"person_id": v.budget.person_id, "version": v.number, "by": v.by, "at": v.at.isoformat(),
             "reason": v.reason, "area_code": v.budget.area_code, "ccg_code": v.budget.ccg_code,
             "la_code": v.budget.la_code, "start": v.budget.start.isoformat(), "end": v.budget.end.isoformat(),
             "route": v.budget.route.value, "payee": v.budget.payee,
             "contribution_pence": v.budget.contribution.pence} for v in versions))
    _write(folder / "lines.csv",
           ["person_id", "version", "ref", "description", "need", "rule", "cost_pence", "nhs_pence", "la_pence",
            "person_pence"],
           ({"person_id": v.budget.person_id, "version": v.number, "ref": line.ref, "description": line.description,
             "need": line.need, "rule": line.rule, "cost_pence": line.cost.pence,
             **{f"{f.value}_pence": line.amount_for(f).pence for f in Funder}}
            for v in versions for line in v.budget.lines))
    _write(folder / "payments.csv",
           ["key", "on", "person_id", "area_code", "funder", "payer", "payee", "route", "amount_pence",
            "budget_version", "authorisation"],
           ({"key": p.key, "on": p.on.isoformat(), "person_id": p.person_id, "area_code": p.area_code,
             "funder": p.funder.value, "payer": p.payer, "payee": p.payee, "route": p.route.value,
             "amount_pence": p.amount.pence, "budget_version": p.budget_version,
             "authorisation": p.authorisation or ""} for a in accounts for p in a.paid))
    _write(folder / "authorisations.csv", ["ref", "person_id", "funder", "extra_pence", "by", "at", "reason"],
           ({"ref": x.ref, "person_id": x.person_id, "funder": x.funder.value, "extra_pence": x.extra.pence,
             "by": x.by, "at": x.at.isoformat(), "reason": x.reason} for a in accounts for x in a.authorisations))
    _write(folder / "spend.csv", ["person_id", "on", "line_ref", "amount_pence"],
           ({"person_id": s.person_id, "on": s.on.isoformat(), "line_ref": s.line_ref,
             "amount_pence": s.amount.pence} for s in data.spend))
    return [folder / f"{name}.csv" for name in FILES]


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / f"{name}.csv"
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", where=str(path)) from exc


def _pence(row: Mapping[str, str], column: str, where: str) -> Money:
    try:
        return Money(int(row[column]))
    except (KeyError, ValueError) as exc:
        raise InputError(f"'{column}' must be whole pence, got {row.get(column)!r}", where=where) from exc


def read_dataset(folder: Path) -> Dataset:
    """The cohort written by ``write_dataset`` (errors name the file and row)."""
    try:
        return _read(folder)
    except (KeyError, ValueError) as exc:
        raise InputError(f"malformed budgets files: {exc}", where=str(folder)) from exc


def _read(folder: Path) -> Dataset:
    people = tuple(Person(r["person_id"], r["area_code"], r["cohort"], int(r["age"]))
                   for r in _rows(folder, "people"))
    lines: dict[tuple[str, int], list[FundedLine]] = {}
    for i, r in enumerate(_rows(folder, "lines"), start=2):
        where = f"lines.csv row {i}"
        shares = tuple(Share(f, _pence(r, f"{f.value}_pence", where)) for f in Funder
                       if _pence(r, f"{f.value}_pence", where))
        lines.setdefault((r["person_id"], int(r["version"])), []).append(
            FundedLine(r["ref"], r["description"], r["need"], _pence(r, "cost_pence", where), r["rule"], shares))
    histories: dict[str, list[BudgetVersion]] = {}
    for i, r in enumerate(_rows(folder, "versions"), start=2):
        key = (r["person_id"], int(r["version"]))
        budget = Budget(r["person_id"], r["area_code"], r["ccg_code"], r["la_code"], date.fromisoformat(r["start"]),
                        date.fromisoformat(r["end"]), Route(r["route"]), r["payee"], tuple(lines.get(key, [])),
                        _pence(r, "contribution_pence", f"versions.csv row {i}"))
        histories.setdefault(r["person_id"], []).append(
            BudgetVersion(key[1], budget, r["by"], datetime.fromisoformat(r["at"]), r["reason"]))
    paid: dict[str, list[PaymentInstruction]] = {}
    for i, r in enumerate(_rows(folder, "payments"), start=2):
        paid.setdefault(r["person_id"], []).append(PaymentInstruction(
            r["key"], date.fromisoformat(r["on"]), r["person_id"], r["area_code"], Funder(r["funder"]), r["payer"],
            r["payee"], Route(r["route"]), _pence(r, "amount_pence", f"payments.csv row {i}"),
            int(r["budget_version"]), r["authorisation"] or None))
    auths: dict[str, list[Authorisation]] = {}
    for i, r in enumerate(_rows(folder, "authorisations"), start=2):
        auths.setdefault(r["person_id"], []).append(Authorisation(
            r["ref"], r["person_id"], Funder(r["funder"]), _pence(r, "extra_pence", f"authorisations.csv row {i}"),
            r["by"], datetime.fromisoformat(r["at"]), r["reason"]))
    spend = tuple(SpendRecord(r["person_id"], date.fromisoformat(r["on"]), r["line_ref"],
                              _pence(r, "amount_pence", f"spend.csv row {i}"))
                  for i, r in enumerate(_rows(folder, "spend"), start=2))
    accounts = {
        p.id: BudgetAccount(BudgetHistory(tuple(sorted(histories[p.id], key=lambda v: v.number))),
                            tuple(paid.get(p.id, [])), tuple(auths.get(p.id, [])))
        for p in people
    }
    starts = [a.budget.start for a in accounts.values()] or [date(2015, 4, 1)]
    ends = [a.budget.end for a in accounts.values()] or [date(2016, 3, 31)]
    areas = tuple(sorted({p.area_code for p in people}))
    return Dataset(0, areas, people, accounts, spend, min(starts), max(ends))
