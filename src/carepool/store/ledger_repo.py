"""The ledger repository: post a batch of transactions as one unit of work, read the books back.

Functions take a ``Session`` and never commit (callers use ``store.transaction()``), so a
batch is wholly present or wholly absent. ``post_batch`` runs the core validators against
what is stored, skips transactions already posted with the same content (idempotent re-runs)
and writes the rest in bulk (``store.bulk``: COPY on PostgreSQL, executemany on SQLite),
updating the running balances of every account it touched in one set-based statement. The
reads a batch needs (stored digests, reversals, originals, closed periods, account ids) are one
query each, whatever the batch's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from carepool.ledger.balances import AccountKey, TrialBalance, trial_balance
from carepool.ledger.books import raise_for, split_new
from carepool.ledger.periods import ClosedPeriod, Period
from carepool.ledger.settlement import RiskShare
from carepool.ledger.transactions import Posting, Transaction, as_kind
from carepool.ledger.validate import BookView, check_batch
from carepool.store import ledger_tables as t
from carepool.store.bulk import among, insert_while, is_postgres
from carepool.store.types import as_utc


@dataclass(frozen=True)
class BatchResult:
    batch_id: int | None
    posted: int
    skipped: int
    postings: int


# reading -----------------------------------------------------------------------------------
def digests(session: Session, keys: Sequence[str]) -> dict[str, str]:
    """The stored content digest of each of ``keys`` that is posted (one query)."""
    if not keys:
        return {}
    c = t.transactions.c
    return {k: d for k, d in session.execute(select(c.key, c.digest).where(among(session, c.key, keys)))}


def closed_periods(session: Session, areas: Iterable[str] | None = None) -> tuple[ClosedPeriod, ...]:
    c = t.closed_periods.c
    stmt = select(c.area, c.kind, c.label, c.start_date, c.end_date)
    if areas is not None:
        stmt = stmt.where(c.area.in_(sorted(set(areas))))
    return tuple(sorted(ClosedPeriod(a, Period(s, e, k, lab)) for a, k, lab, s, e in session.execute(stmt)))


def transactions(session: Session, area: str | None = None, keys: Sequence[str] | None = None) -> list[Transaction]:
    """Stored transactions (of one area, or with the given keys), in posting order."""
    tx, po, ac = t.transactions.c, t.postings.c, t.accounts.c
    stmt = (select(tx.id, tx.key, tx.area, tx.pool, tx.on_date, tx.kind, tx.narration, tx.reverses,
                   ac.name, po.amount)
            .join(t.postings, po.transaction_id == tx.id).join(t.accounts, ac.id == po.account_id)
            .order_by(tx.id, po.line))
    if area is not None:
        stmt = stmt.where(tx.area == area)
    if keys is not None:
        stmt = stmt.where(among(session, tx.key, keys))
    rows = list(session.execute(stmt).all())
    out: dict[int, tuple[tuple[str, str, str, date, str, str, str | None], list[Posting]]] = {}
    for tid, key, ar, pool, on, kind, narration, reverses, name, amount in rows:
        entry = out.setdefault(tid, ((key, ar, pool, on, kind, narration, reverses), []))
        entry[1].append(Posting(name, int(amount)))
    result = []
    for head, posts in out.values():
        key, ar, pool, on, kind, narration, reverses = head
        result.append(Transaction(key, ar, pool, on, as_kind(kind, key), narration, tuple(posts), reverses))
    return result


def view_for(session: Session, batch: Sequence[Transaction]) -> BookView:
    """What the validators need to know about the stored books for this batch."""
    keys = [x.key for x in batch]
    targets = sorted({x.reverses for x in batch if x.reverses is not None})
    reversed_keys = reversed_among(session, targets)
    return BookView(
        digests=digests(session, keys + targets),
        originals={x.key: x for x in transactions(session, keys=targets)} if targets else {},
        reversed_keys=frozenset(reversed_keys),
        closed=closed_periods(session, {x.area for x in batch}),
    )


def reversed_among(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` have been reversed (one query)."""
    if not keys:
        return set()
    c = t.transactions.c
    return {r for (r,) in session.execute(select(c.reverses).where(among(session, c.reverses, keys)))
            if r is not None}


def after_reversals(session: Session, batch: Sequence[Transaction]) -> list[Transaction]:
    """Re-key transactions whose key was posted and then reversed ('key:r2', 'key:r3', ...).

    So a corrected re-run (e.g. a quarter's payment for performance with revised admissions)
    posts again after the reversal, and running it once more posts nothing.
    """
    out: list[Transaction] = []
    reversed_now = reversed_among(session, [x.key for x in batch])   # one query for the batch
    for txn in batch:
        key, revision = txn.key, 1
        while key in reversed_now or (revision > 1 and key in reversed_among(session, [key])):
            revision += 1
            key = f"{txn.key}:r{revision}"
        out.append(txn if key == txn.key else replace(txn, key=key))
    return out


def account_balances(session: Session, area: str | None = None) -> dict[AccountKey, int]:
    ac, b = t.accounts.c, t.balances.c
    stmt = select(ac.area, ac.pool, ac.name, b.balance).join(t.balances, b.account_id == ac.id)
    if area is not None:
        stmt = stmt.where(ac.area == area)
    return {(a, p, n): int(v) for a, p, n, v in session.execute(stmt)}


def stored_trial_balance(session: Session, area: str | None = None) -> TrialBalance:
    return trial_balance(account_balances(session, area))


def balance_drift(session: Session) -> list[tuple[int, int, int]]:
    """Accounts whose running balance differs from the sum of their postings (should be none)."""
    po, b = t.postings.c, t.balances.c
    summed = {a: int(s) for a, s in session.execute(
        select(po.account_id, func.sum(po.amount)).group_by(po.account_id))}
    kept = {a: int(v) for a, v in session.execute(select(b.account_id, b.balance))}
    return [(a, kept.get(a, 0), summed.get(a, 0)) for a in sorted(set(summed) | set(kept))
            if kept.get(a, 0) != summed.get(a, 0)]


def risk_share(session: Session, area: str, year: str, pool: str) -> RiskShare | None:
    c = t.risk_shares.c
    row = session.execute(select(c.kind, c.shares, c.carry_forward_pct)
                          .where(c.area == area, c.year == year, c.pool == pool)).first()
    if row is None:
        return None
    return RiskShare(row.kind, tuple((str(p), int(w)) for p, w in row.shares), int(row.carry_forward_pct))


# writing -----------------------------------------------------------------------------------
def post_batch(session: Session, batch: Sequence[Transaction], source: str, actor: str, at: datetime,
               *, validate: bool = True) -> BatchResult:
    """Validate ``batch`` against the stored books and write what is new, all in the caller's transaction.

    The checks run in this process while the database inserts (``bulk.insert_while``); a batch
    that fails them raises, and the caller's transaction takes back whatever was written.
    """
    view = view_for(session, batch)

    def check() -> None:
        if validate:
            raise_for(check_batch(batch, view), f"batch '{source}'")

    new, old = split_new(batch, view)
    if not new:
        check()
        return BatchResult(None, 0, len(old), 0)
    postgres = is_postgres(session)
    if not postgres:   # SQLite: index pages of a large ledger stay in memory
        session.execute(text("PRAGMA cache_size = -131072"))
    batch_id = session.execute(insert(t.batches).values(
        source=source[:300], actor=actor[:200], at=as_utc(at), transactions=len(new)).returning(t.batches.c.id)
    ).scalar_one()
    first = _next_transaction_id(session)
    accounts = _account_ids(session, new)
    postings = sum(len(x.postings) for x in new)
    # generators: on PostgreSQL they run in the COPY thread, so the server inserts the first rows
    # while the rest (and their digests) are still being made and the batch is being checked
    insert_while(session, [(t.transactions, TRANSACTION_COLUMNS, _transaction_rows(new, first, batch_id, postgres)),
                           (t.postings, t.POSTING_COLUMNS, _posting_rows(new, first, accounts))], check)
    last = first + len(new) - 1
    if postgres:   # keep the serial sequence ahead of the ids used here
        session.execute(text("SELECT setval(pg_get_serial_sequence('ledger_transactions', 'id'), :last)"),
                        {"last": last})
    _add_to_balances(session, first, last)
    return BatchResult(batch_id, len(new), len(old), postings)


TRANSACTION_COLUMNS = ("id", "key", "area", "pool", "on_date", "kind", "narration", "reverses", "digest",
                       "batch_id")
Row = tuple[object, ...]
_iso = lru_cache(maxsize=8192)(date.isoformat)   # dates repeat across a batch


def _transaction_rows(new: Sequence[Transaction], first: int, batch_id: int, postgres: bool) -> Iterator[Row]:
    for tid, x in enumerate(new, first):   # SQLite keeps dates as ISO text (as SQLAlchemy's Date does)
        yield (tid, x.key, x.area, x.pool, x.on if postgres else _iso(x.on), str(x.kind), x.narration,
               x.reverses, x.digest(), batch_id)


def _posting_rows(new: Sequence[Transaction], first: int,
                  accounts: dict[tuple[str, str], dict[str, int]]) -> Iterator[Row]:
    """(transaction id, line, account id, pence): lines number a transaction's postings from 0."""
    for tid, x in enumerate(new, first):
        ids = accounts[(x.area, x.pool)]
        for line, p in enumerate(x.postings):
            yield (tid, line, ids[p.account], p.pence)


def _next_transaction_id(session: Session) -> int:
    """The first id of this batch's transactions, assigned here so postings can refer to them
    without a RETURNING round trip (and the balances statement can take the batch as a range).

    Writers are serialised (PostgreSQL: a table lock held to commit; SQLite: one writer at a
    time, and a clash on the primary key is refused as a conflict), so the ids never collide.
    """
    if is_postgres(session):
        session.execute(text("LOCK TABLE ledger_transactions IN SHARE ROW EXCLUSIVE MODE"))
    return int(session.execute(select(func.coalesce(func.max(t.transactions.c.id), 0))).scalar_one()) + 1


def _account_ids(session: Session, new: Sequence[Transaction]) -> dict[tuple[str, str], dict[str, int]]:
    """The id of every account the batch names, by pool then name; missing accounts are added."""
    ac = t.accounts.c
    by_pool: dict[tuple[str, str], dict[str, int]] = {}
    stmt = select(ac.id, ac.area, ac.pool, ac.name).where(among(session, ac.area, {x.area for x in new}))
    for i, a, p, n in session.execute(stmt):
        by_pool.setdefault((a, p), {})[n] = i
    missing: set[tuple[str, str, str]] = set()
    for x in new:
        ids = by_pool.get((x.area, x.pool))
        for p in x.postings:
            if ids is None or p.account not in ids:
                missing.add((x.area, x.pool, p.account))
    if missing:
        wanted = sorted(missing)
        add = insert(t.accounts).returning(t.accounts.c.id, sort_by_parameter_order=True)
        created = session.execute(add, [{"area": a, "pool": p, "name": n} for a, p, n in wanted]).scalars()
        for (a, p, n), i in zip(wanted, created, strict=True):
            by_pool.setdefault((a, p), {})[n] = int(i)
    return by_pool


# One statement per batch: add the sum and count of the batch's own postings (its transaction
# ids are the contiguous range first..last) to each account's running balance. The same SQL
# runs on both databases (INSERT ... ON CONFLICT DO UPDATE, SQLite >= 3.24).
_ADD_TO_BALANCES = text(
    "INSERT INTO ledger_balances (account_id, balance, postings) "
    "SELECT account_id, SUM(amount), COUNT(*) FROM ledger_postings "
    "WHERE transaction_id BETWEEN :first AND :last GROUP BY account_id "
    "ON CONFLICT (account_id) DO UPDATE SET balance = ledger_balances.balance + excluded.balance, "
    "postings = ledger_balances.postings + excluded.postings")


def _add_to_balances(session: Session, first: int, last: int) -> None:
    session.execute(_ADD_TO_BALANCES, {"first": first, "last": last})


def close_period(session: Session, area: str, period: Period, actor: str, at: datetime) -> bool:
    """Close ``period`` for ``area``; False when it was closed already."""
    c = t.closed_periods.c
    if session.execute(select(c.id).where(c.area == area, c.label == period.label)).first() is not None:
        return False
    session.execute(insert(t.closed_periods).values(
        area=area, kind=period.kind, label=period.label, start_date=period.start, end_date=period.end,
        closed_at=as_utc(at), closed_by=actor))
    return True


def set_risk_share(session: Session, area: str, year: str, pool: str, agreement: RiskShare,
                   actor: str | None = None, at: datetime | None = None) -> None:
    c = t.risk_shares.c
    existing = session.execute(select(c.id).where(c.area == area, c.year == year, c.pool == pool)).first()
    values = {"kind": agreement.kind, "shares": [[p, w] for p, w in agreement.shares],
              "carry_forward_pct": agreement.carry_forward_pct, "recorded_by": actor[:200] if actor else None,
              "recorded_at": as_utc(at) if at is not None else None}
    if existing is None:
        session.execute(insert(t.risk_shares).values(area=area, year=year, pool=pool, **values))
    else:
        session.execute(t.risk_shares.update().where(c.id == existing.id).values(**values))


def risk_share_records(session: Session, area: str, year: str) -> dict[str, tuple[str, datetime]]:
    """Who recorded each pool's agreement and when (agreements from before that was kept are left out)."""
    c = t.risk_shares.c
    rows = session.execute(select(c.pool, c.recorded_by, c.recorded_at).where(
        c.area == area, c.year == year, c.recorded_by.is_not(None)))
    return {str(pool): (str(by), as_utc(at)) for pool, by, at in rows}


def sums_between(session: Session, start: date, end: date) -> dict[tuple[str, str], int]:
    """{(area, account name): pence posted} by transactions dated ``start`` to ``end`` (inclusive):
    the books of one plan year, where the running balances hold all years together."""
    ac, po, tx = t.accounts.c, t.postings.c, t.transactions.c
    stmt = (select(ac.area, ac.name, func.sum(po.amount))
            .join(t.postings, po.account_id == ac.id).join(t.transactions, tx.id == po.transaction_id)
            .where(tx.on_date >= start, tx.on_date <= end).group_by(ac.area, ac.name))
    return {(a, n): int(v) for a, n, v in session.execute(stmt)}
