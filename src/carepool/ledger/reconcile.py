"""Reconcile a pool's books with the host's general ledger, month by month and scheme by scheme.

The pool is hosted in a partner's (council's or ICB's) general ledger. An extract of that
ledger has rows of cost centre, account, period (a month) and amount (debit positive, the
host's sign). A mapping says which host codes are the pool's and what each one is: a scheme's
expenditure, the pool's income from contributions, the performance sum paid to acute
providers, or the year-end entries (settlement with the partners, carry-forward, capital
passed to district councils). Rows of other codes are not the pool's
and are left aside (counted). Both sides are totalled by (month, pool, what) and every total
that differs is a difference, listed with the host rows and the pool's transactions behind it.
Pure: the file reading is in ``carepool.exchange.host_extract``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from carepool.findings import Finding, error
from carepool.ledger import accounts as acc
from carepool.ledger.transactions import Transaction
from carepool.money import Money
from carepool.plans.model import Plan

INCOME = "income"      # mapping target: the pool's income from contributions (both funds)
PERFORMANCE = "performance"   # mapping target: the performance sum paid to acute providers
YEAR_END = "year-end"  # mapping target: settlement with partners, carry-forward, capital passed on
TARGETS = (INCOME, PERFORMANCE, YEAR_END)
_YEAR_END_PREFIXES = ("Expenses:Settlement:", "Income:Settlement:", "Expenses:CarriedForward",
                      "Expenses:PassedToDistricts:")
ANY = "*"              # mapping account wildcard: every account of the cost centre

Key = tuple[str, str, str]   # month 'YYYY-MM', pool, target (INCOME or a scheme ref)


@dataclass(frozen=True, slots=True)
class HostRow:
    """One row of a host ledger extract, read and typed; ``row`` as the user sees it (header is 1)."""

    row: int
    cost_centre: str
    account: str
    month: str        # 'YYYY-MM'
    pence: int        # debit positive (expenditure), credit negative (income)


@dataclass(frozen=True, slots=True)
class MapRule:
    """Host codes that are the pool's, and what they hold."""

    row: int
    cost_centre: str
    account: str      # an account code, or '*' for every account of the cost centre
    pool: str
    target: str       # INCOME or a scheme ref


@dataclass(frozen=True, slots=True)
class Difference:
    month: str
    pool: str
    target: str
    host: int                     # pence, host sign
    books: int                    # pence, the pool's books in the same sign
    rows: tuple[int, ...]         # host extract rows behind the host figure
    transactions: tuple[str, ...]  # pool transaction keys behind the books figure

    @property
    def difference(self) -> int:
        return self.host - self.books

    def explain(self) -> str:
        what = self.target if self.target in TARGETS else f"scheme {self.target}"
        if not self.rows:
            side = "in the pool's books only (not in the host's ledger)"
        elif not self.transactions:
            side = "in the host's ledger only (not in the pool's books)"
        else:
            side = "in both, with different totals"
        return (f"{self.month} {self.pool} {what}: host {Money(self.host)}, pool books {Money(self.books)}, "
                f"difference {Money(self.difference)}: {side}")


@dataclass(frozen=True, slots=True)
class Agreed:
    """A (month, pool, what) total on which the host and the books agree, and the host rows behind it."""

    month: str
    pool: str
    target: str
    pence: int                    # host sign
    rows: tuple[int, ...]
    transactions: int             # how many of the pool's transactions make up the books' side


@dataclass(frozen=True)
class Reconciliation:
    area: str
    period_start: date
    period_end: date
    agreed: int                            # (month, pool, what) totals that agree
    differences: tuple[Difference, ...]
    host_total: int                        # of the pool's rows
    books_total: int
    rows_not_the_pools: int                # extract rows whose codes the mapping does not name
    not_mapped: tuple[tuple[str, str, int], ...] = ()   # (pool, what, pence) in the books with no host code
    matched: tuple[Agreed, ...] = ()       # the totals that agree, one per (month, pool, what)

    @property
    def agrees(self) -> bool:
        return not self.differences


def check_mapping(rules: Sequence[MapRule], plan: Plan, file: str | None = None) -> list[Finding]:
    """Every rule must name a pool of the plan and a scheme of that pool (or income), once."""
    pools = {p.id for p in plan.pools}
    schemes = {s.ref: s.pool for s in plan.schemes}
    seen: dict[tuple[str, str], int] = {}
    found: list[Finding] = []
    for rule in rules:
        if rule.pool not in pools:
            found.append(error("reconcile.mapping-pool", f"'{rule.pool}' is not a pool of {plan.area_code}'s plan "
                               f"({', '.join(sorted(pools))})", file=file, row=rule.row, field="pool"))
        elif rule.target not in TARGETS and schemes.get(rule.target) != rule.pool:
            where = f"a scheme of {schemes[rule.target]}" if rule.target in schemes else "not a scheme of the plan"
            found.append(error("reconcile.mapping-target", f"'{rule.target}' is {where}, not of {rule.pool} "
                               f"(a scheme ref of the pool, or one of {', '.join(TARGETS)})",
                               file=file, row=rule.row, field="maps_to"))
        code = (rule.cost_centre, rule.account)
        if code in seen:
            found.append(error("reconcile.mapping-duplicate", f"cost centre {rule.cost_centre} account "
                               f"{rule.account} is also mapped on row {seen[code]}", file=file, row=rule.row,
                               field="account"))
        seen.setdefault(code, rule.row)
    return found


def _rule_for(rules: Sequence[MapRule]) -> dict[tuple[str, str], MapRule]:
    return {(r.cost_centre, r.account): r for r in rules}


def host_totals(rows: Iterable[HostRow], rules: Sequence[MapRule]) -> tuple[dict[Key, list[HostRow]], int]:
    """The pool's host rows by (month, pool, target), and how many rows are not the pool's."""
    index = _rule_for(rules)
    out: dict[Key, list[HostRow]] = {}
    others = 0
    for row in rows:
        rule = index.get((row.cost_centre, row.account)) or index.get((row.cost_centre, ANY))
        if rule is None:
            others += 1
            continue
        out.setdefault((row.month, rule.pool, rule.target), []).append(row)
    return out, others


def target_of(account: str) -> str | None:
    """What a books account is, in the mapping's terms (None: not compared with the host)."""
    if acc.is_contribution(account):
        return INCOME
    if account == acc.PAID_TO_ACUTE:
        return PERFORMANCE
    if any(acc.stream_of(account, prefix) is not None for prefix in _YEAR_END_PREFIXES):
        return YEAR_END
    return acc.scheme_of_spend(account)


def books_totals(transactions: Iterable[Transaction], area: str, start: date, end: date,
                 ) -> dict[Key, list[tuple[str, int]]]:
    """The pool's contributions and scheme spend by (month, pool, target), as (key, pence) items."""
    out: dict[Key, list[tuple[str, int]]] = {}
    for txn in transactions:
        if txn.area != area or not start <= txn.on <= end:
            continue
        month = txn.on.strftime("%Y-%m")
        for p in txn.postings:
            target = target_of(p.account)
            if target is not None:
                out.setdefault((month, txn.pool, target), []).append((txn.key, p.pence))
    return out


def reconcile(rows: Sequence[HostRow], rules: Sequence[MapRule], transactions: Iterable[Transaction],
              area: str, start: date, end: date) -> Reconciliation:
    """Match the host's rows to the pool's books; every (month, pool, what) whose totals differ."""
    host, others = host_totals(rows, rules)
    mapped = {(r.pool, r.target) for r in rules}
    every = books_totals(transactions, area, start, end)
    books = {k: v for k, v in every.items() if (k[1], k[2]) in mapped}
    left: dict[tuple[str, str], int] = {}
    for (_, pool, target), items in every.items():
        if (pool, target) not in mapped:
            left[(pool, target)] = left.get((pool, target), 0) + sum(p for _, p in items)
    differences: list[Difference] = []
    matched: list[Agreed] = []
    for key in sorted(set(host) | set(books)):
        host_pence = sum(r.pence for r in host.get(key, []))
        book_items = books.get(key, [])
        book_pence = sum(p for _, p in book_items)
        if host_pence == book_pence:
            matched.append(Agreed(*key, host_pence, tuple(r.row for r in host.get(key, [])),
                                  len({k for k, _ in book_items})))
            continue
        differences.append(Difference(*key, host_pence, book_pence, tuple(r.row for r in host.get(key, [])),
                                      tuple(sorted({k for k, _ in book_items}))))
    return Reconciliation(area, start, end, len(matched), tuple(differences),
                          sum(r.pence for group in host.values() for r in group),
                          sum(p for items in books.values() for _, p in items), others,
                          tuple((pool, target, v) for (pool, target), v in sorted(left.items())), tuple(matched))
