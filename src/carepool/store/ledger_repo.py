"""The ledger repository: post a batch of transactions as one unit of work, read the books back.

Functions take a ``Session`` and never commit (callers use ``store.transaction()``), so a
batch is wholly present or wholly absent. ``post_batch`` runs the core validators against
what is stored, skips transactions already posted with the same content (idempotent re-runs)
and writes the rest with bulk inserts (SQLAlchemy Core executemany), updating each account's
running balance in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from carepool.ledger.balances import AccountKey, TrialBalance, trial_balance
from carepool.ledger.books import raise_for, split_new
from carepool.ledger.periods import ClosedPeriod, Period
from carepool.ledger.settlement import RiskShare
from carepool.ledger.transactions import Posting, Transaction
from carepool.ledger.validate import BookView, check_batch
from carepool.store import ledger_tables as t
from carepool.store.types import as_utc

CHUNK = 500


@dataclass(frozen=True)
class BatchResult:
    batch_id: int | None
    posted: int
    skipped: int
    postings: int


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


# reading -----------------------------------------------------------------------------------
def digests(session: Session, keys: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(sorted(set(keys))):
        stmt = select(t.transactions.c.key, t.transactions.c.digest).where(t.transactions.c.key.in_(chunk))
        out.update({k: d for k, d in session.execute(stmt)})
    return out


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
            .order_by(tx.id, po.id))
    if area is not None:
        stmt = stmt.where(tx.area == area)
    rows: list[Any] = []
    if keys is not None:
        for chunk in _chunks(list(keys)):
            rows.extend(session.execute(stmt.where(tx.key.in_(chunk))).all())
    else:
        rows = list(session.execute(stmt).all())
    out: dict[int, tuple[tuple[str, str, str, date, str, str, str | None], list[Posting]]] = {}
    for tid, key, ar, pool, on, kind, narration, reverses, name, amount in rows:
        entry = out.setdefault(tid, ((key, ar, pool, on, kind, narration, reverses), []))
        entry[1].append(Posting(name, int(amount)))
    result = []
    for head, posts in out.values():
        key, ar, pool, on, kind, narration, reverses = head
        result.append(Transaction(key, ar, pool, on, kind, narration, tuple(posts), reverses))
    return result


def view_for(session: Session, batch: Sequence[Transaction]) -> BookView:
    """What the validators need to know about the stored books for this batch."""
    keys = [x.key for x in batch]
    targets = sorted({x.reverses for x in batch if x.reverses is not None})
    reversed_keys: set[str] = set()
    for chunk in _chunks(targets):
        stmt = select(t.transactions.c.reverses).where(t.transactions.c.reverses.in_(chunk))
        reversed_keys.update(r for (r,) in session.execute(stmt) if r is not None)
    return BookView(
        digests=digests(session, keys + targets),
        originals={x.key: x for x in transactions(session, keys=targets)} if targets else {},
        reversed_keys=frozenset(reversed_keys),
        closed=closed_periods(session, {x.area for x in batch}),
    )


def reversed_among(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` have been reversed."""
    out: set[str] = set()
    for chunk in _chunks(sorted(set(keys))):
        stmt = select(t.transactions.c.reverses).where(t.transactions.c.reverses.in_(chunk))
        out.update(r for (r,) in session.execute(stmt) if r is not None)
    return out


def after_reversals(session: Session, batch: Sequence[Transaction]) -> list[Transaction]:
    """Re-key transactions whose key was posted and then reversed ('key:r2', 'key:r3', ...).

    So a corrected re-run (e.g. a quarter's payment for performance with revised admissions)
    posts again after the reversal, and running it once more posts nothing.
    """
    out: list[Transaction] = []
    for txn in batch:
        key, revision = txn.key, 1
        while key in reversed_among(session, [key]):
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
    row = session.execute(select(c.kind, c.shares).where(c.area == area, c.year == year, c.pool == pool)).first()
    if row is None:
        return None
    return RiskShare(row.kind, tuple((str(p), int(w)) for p, w in row.shares))


# writing -----------------------------------------------------------------------------------
def post_batch(session: Session, batch: Sequence[Transaction], source: str, actor: str, at: datetime,
               *, validate: bool = True) -> BatchResult:
    """Validate ``batch`` against the stored books and write what is new, all in the caller's transaction."""
    view = view_for(session, batch)
    if validate:
        raise_for(check_batch(batch, view), f"batch '{source}'")
    new, old = split_new(batch, view)
    if not new:
        return BatchResult(None, 0, len(old), 0)
    if session.get_bind().dialect.name == "sqlite":   # index pages of a large ledger stay in memory
        session.execute(text("PRAGMA cache_size = -131072"))
    batch_id = session.execute(insert(t.batches).values(
        source=source[:300], actor=actor[:200], at=as_utc(at), transactions=len(new)).returning(t.batches.c.id)
    ).scalar_one()
    ids = _insert_transactions(session, new, batch_id)
    account_ids = _account_ids(session, {(x.area, x.pool, p.account) for x in new for p in x.postings})
    rows: list[tuple[int, int, int]] = []
    deltas: dict[int, list[int]] = {}
    for txn, tid in zip(new, ids, strict=True):
        for p in txn.postings:
            aid = account_ids[(txn.area, txn.pool, p.account)]
            rows.append((tid, aid, p.pence))
            d = deltas.setdefault(aid, [0, 0])
            d[0] += p.pence
            d[1] += 1
    _executemany(session, t.postings, ("transaction_id", "account_id", "amount"), rows)
    _add_to_balances(session, deltas)
    return BatchResult(batch_id, len(new), len(old), len(rows))


def _insert_transactions(session: Session, new: Sequence[Transaction], batch_id: int) -> list[int]:
    """Insert with ids assigned here, so postings can refer to them without a RETURNING round trip.

    Writers are serialised (PostgreSQL: a table lock held to commit; SQLite: one writer at a
    time, and a clash on the primary key is refused as a conflict), so the ids never collide.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("LOCK TABLE ledger_transactions IN SHARE ROW EXCLUSIVE MODE"))
    first = int(session.execute(select(func.coalesce(func.max(t.transactions.c.id), 0))).scalar_one()) + 1
    ids = list(range(first, first + len(new)))
    iso = not postgres   # SQLite keeps dates as ISO text (as SQLAlchemy's Date type does)
    rows = [(i, x.key, x.area, x.pool, x.on.isoformat() if iso else x.on, x.kind, x.narration, x.reverses,
             x.digest(), batch_id) for i, x in zip(ids, new, strict=True)]
    _executemany(session, t.transactions, ("id", "key", "area", "pool", "on_date", "kind", "narration",
                                           "reverses", "digest", "batch_id"), rows)
    if postgres:   # keep the serial sequence ahead of the ids used here
        session.execute(text("SELECT setval(pg_get_serial_sequence('ledger_transactions', 'id'), :last)"),
                        {"last": ids[-1]})
    return ids


def _executemany(session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Bulk insert through the driver's executemany (the fast path; values always bound).

    The statement is built from this module's own table and column names, never from input;
    SQLAlchemy's per-row parameter processing is skipped, which is what makes a million postings
    a few seconds' work.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    connection.exec_driver_sql(sql, list(rows))


def _account_ids(session: Session, wanted: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
    ac = t.accounts.c
    out: dict[tuple[str, str, str], int] = {}
    for chunk in _chunks(sorted({w[0] for w in wanted})):
        stmt = select(ac.id, ac.area, ac.pool, ac.name).where(ac.area.in_(chunk))
        out.update({(a, p, n): i for i, a, p, n in session.execute(stmt)})
    missing = sorted(w for w in wanted if w not in out)
    if missing:
        add = insert(t.accounts).returning(t.accounts.c.id, sort_by_parameter_order=True)
        created = session.execute(add, [{"area": a, "pool": p, "name": n} for a, p, n in missing]).scalars()
        out.update(dict(zip(missing, (int(i) for i in created), strict=True)))
    return out


def _add_to_balances(session: Session, deltas: dict[int, list[int]]) -> None:
    rows = [{"account_id": a, "balance": d[0], "postings": d[1]} for a, d in sorted(deltas.items())]
    dialect = session.get_bind().dialect.name
    stmt: Any
    if dialect == "postgresql":
        pg = postgresql.insert(t.balances)
        stmt = pg.on_conflict_do_update(index_elements=["account_id"], set_={
            "balance": t.balances.c.balance + pg.excluded.balance,
            "postings": t.balances.c.postings + pg.excluded.postings})
    else:
        lite: Any = sqlite.insert(t.balances)
        stmt = lite.on_conflict_do_update(index_elements=["account_id"], set_={
            "balance": t.balances.c.balance + lite.excluded.balance,
            "postings": t.balances.c.postings + lite.excluded.postings})
    session.execute(stmt, rows)


def close_period(session: Session, area: str, period: Period, actor: str, at: datetime) -> bool:
    """Close ``period`` for ``area``; False when it was closed already."""
    c = t.closed_periods.c
    if session.execute(select(c.id).where(c.area == area, c.label == period.label)).first() is not None:
        return False
    session.execute(insert(t.closed_periods).values(
        area=area, kind=period.kind, label=period.label, start_date=period.start, end_date=period.end,
        closed_at=as_utc(at), closed_by=actor))
    return True


def set_risk_share(session: Session, area: str, year: str, pool: str, agreement: RiskShare) -> None:
    c = t.risk_shares.c
    existing = session.execute(select(c.id).where(c.area == area, c.year == year, c.pool == pool)).first()
    shares = [[p, w] for p, w in agreement.shares]
    if existing is None:
        session.execute(insert(t.risk_shares).values(area=area, year=year, pool=pool, kind=agreement.kind,
                                                      shares=shares))
    else:
        session.execute(t.risk_shares.update().where(c.id == existing.id).values(kind=agreement.kind, shares=shares))
