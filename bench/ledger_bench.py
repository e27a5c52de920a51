"""Ledger benchmark (not a test): post a million postings, trial-balance every pool, and compare
with bean-check on the same books exported to Beancount.

    .venv/bin/python bench/ledger_bench.py [--postings 1000000] [--batch 50000] [--no-bean-check]
        [--db URL | --stores sqlite,postgresql]

Prints postings per second, the trial-balance time (running balances, and a full recount from
every posting), and how many times faster the trial balance is than bean-check. ``--stores``
runs the same books on each store in turn (a new SQLite file; a throwaway local PostgreSQL,
started here as the tests start theirs, unless ``--db`` names a PostgreSQL URL) and prints the
ratio. Targets: >= 100,000 postings/s on SQLite and on PostgreSQL; trial balance < 0.5 s;
>= 20x faster than bean-check.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from carepool.ledger import accounts as acc
from carepool.ledger import beancount
from carepool.ledger.transactions import Kind, Posting, Transaction
from carepool.reference import load_reference
from carepool.store import ledger_repo
from carepool.store.db import Store, open_store
from carepool.store.pg_local import LocalPostgres

START = date(2015, 4, 1)


def make_batch(rng: random.Random, areas: list[str], first: int, count: int) -> list[Transaction]:
    """A realistic mix: a third contributions (2 postings), two thirds scheme payments (4 postings)."""
    out: list[Transaction] = []
    for n in range(first, first + count):
        area, pool = areas[n % len(areas)], "P1" if n % 5 else "P2"
        on = START + timedelta(days=n % 366)
        pence = rng.randint(100, 5_000_000)
        if n % 3 == 0:
            partner = "CCG" + str(n % 4)
            postings = (Posting(acc.FUND, pence), Posting(acc.contribution(partner, "ccg-new-money"), -pence))
            kind = Kind.CONTRIBUTION.value
        else:
            scheme, provider = f"S{n % 15 + 1:02d}", f"Provider {n % 8}"
            postings = (Posting(acc.scheme_spend(scheme), pence), Posting(acc.provider(provider), -pence),
                        Posting(acc.provider(provider), pence), Posting(acc.FUND, -pence))
            kind = Kind.SPEND.value
        out.append(Transaction(f"bench:{n}", area, pool, on, kind, f"bench {n}", postings))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000, help="transactions per batch (one DB transaction)")
    parser.add_argument("--db", default=None, help="store URL (default: a new SQLite file)")
    parser.add_argument("--stores", default=None,
                        help="comma-separated stores to run in turn: sqlite,postgresql (PostgreSQL: --db if it "
                             "is a PostgreSQL URL, else a throwaway local server)")
    parser.add_argument("--no-bean-check", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file and the Beancount export")
    args = parser.parse_args()
    stores = [s.strip() for s in args.stores.split(",")] if args.stores else [None]
    unknown = [s for s in stores if s not in (None, "sqlite", "postgresql")]
    if unknown:
        parser.error(f"--stores: unknown store(s) {', '.join(map(str, unknown))}; use sqlite and/or postgresql")
    rates: dict[str, float] = {}
    server: LocalPostgres | None = None
    try:
        for kind in stores:
            workdir = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
            if kind == "postgresql" and not (args.db or "").startswith("postgres"):
                if server is None:
                    server = LocalPostgres(durable=True)   # PostgreSQL's own fsync/commit settings, not the tests'
                    server.start()
                    print(f"started a throwaway PostgreSQL on 127.0.0.1:{server.port} ({server.bindir}), "
                          "durable (its default fsync, synchronous_commit and full_page_writes)")
                url = server.create_database()
            elif kind == "sqlite" or (kind is None and args.db is None):
                url = f"sqlite:///{workdir / 'bench.db'}"
            else:
                url = args.db
            try:
                store = open_store(url)
                rates[store.dialect] = run(store, url, args, workdir,
                                           server if kind == "postgresql" else None)
            finally:
                if not args.keep:
                    shutil.rmtree(workdir, ignore_errors=True)
    finally:
        if server is not None:
            server.stop()
    if "sqlite" in rates and "postgresql" in rates:
        print(f"same run: PostgreSQL {rates['postgresql']:,.0f} postings/s, SQLite {rates['sqlite']:,.0f} "
              f"postings/s; PostgreSQL / SQLite = {rates['postgresql'] / rates['sqlite']:.2f}")


def run(store: Store, url: str, args: argparse.Namespace, workdir: Path, server: LocalPostgres | None) -> float:
    """Post, trial-balance and recount on one store; returns postings per second (wall)."""
    areas = sorted(load_reference().areas)
    rng = random.Random(2015)
    at = datetime.now(UTC)

    building = posting = posting_cpu = 0.0
    done_postings = n = 0
    load_before = os.getloadavg()[0]
    server_cpu = server.cpu_seconds() if server is not None else 0.0
    while done_postings < args.postings:
        t0 = time.perf_counter()
        batch = make_batch(rng, areas, n, args.batch)
        t1, c1 = time.perf_counter(), time.process_time()
        with store.transaction() as session:
            result = ledger_repo.post_batch(session, batch, f"bench {n}", "bench", at)
        t2 = time.perf_counter()
        posting_cpu += time.process_time() - c1
        building += t1 - t0
        posting += t2 - t1
        done_postings += result.postings
        n += len(batch)
    if server is not None:
        server_cpu = server.cpu_seconds() - server_cpu
    print(f"store: {store.dialect} ({url}); load average {load_before:.1f} before posting, "
          f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs")
    per_million = 1e6 / done_postings
    if server is not None:
        both = posting_cpu + server_cpu
        with store.transaction() as session:
            settings = ", ".join(f"{name}={session.execute(text(f'SHOW {name}')).scalar_one()}" for name in
                                 ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "work_mem"))
        print(f"PostgreSQL server ({settings}) CPU while posting {server_cpu:.2f} s; client + server "
              f"{both:.2f} s CPU -> {done_postings / both:,.0f} postings per CPU-second of both")
        print(f"CPU-seconds per million postings: client {posting_cpu * per_million:.2f}, "
              f"server {server_cpu * per_million:.2f}")
    else:
        print(f"CPU-seconds per million postings: {posting_cpu * per_million:.2f} (one process)")
    print(f"posted {done_postings:,} postings in {n:,} transactions: {posting:.2f} s wall "
          f"-> {done_postings / posting:,.0f} postings/s (validation + bulk insert + running balances, "
          f"committed); CPU {posting_cpu:.2f} s -> {done_postings / posting_cpu:,.0f} postings per CPU-second; "
          f"building the transactions took another {building:.2f} s")

    t0, c0 = time.perf_counter(), time.process_time()
    with store.transaction() as session:
        tb = ledger_repo.stored_trial_balance(session)
    unbalanced = tb.unbalanced_pools()
    tb_time, tb_cpu = time.perf_counter() - t0, time.process_time() - c0
    assert unbalanced == [], unbalanced
    debit, credit = tb.totals()
    assert debit == credit
    print(f"trial balance of {len(tb.pools()):,} pools ({len(tb.lines):,} accounts): {tb_time:.3f} s wall, "
          f"{tb_cpu:.3f} s CPU; "
          f"debits = credits = {debit / 100:,.2f} GBP")
    t0 = time.perf_counter()
    with store.transaction() as session:
        drift = ledger_repo.balance_drift(session)
    recount = time.perf_counter() - t0
    assert drift == []
    print(f"full recount of every posting against the running balances: {recount:.3f} s (no drift)")
    try:
        if not args.no_bean_check:
            compare_with_bean_check(store, workdir, tb_time, tb_cpu, recount)
    finally:
        store.dispose()
    return done_postings / posting


def compare_with_bean_check(store: Store, workdir: Path, tb_time: float, tb_cpu: float, recount: float) -> None:
    """Export the same books to Beancount and time bean-check on them."""
    t0 = time.perf_counter()
    with store.transaction() as session:
        txns = ledger_repo.transactions(session)
    out = workdir / "bench.beancount"
    out.write_text(beancount.render(txns, "carepool ledger bench"), encoding="utf-8")
    print(f"exported {len(txns):,} transactions to Beancount ({out.stat().st_size / 1e6:.0f} MB) "
          f"in {time.perf_counter() - t0:.1f} s")
    bean_check = Path(sys.executable).with_name("bean-check")
    t0, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    checked = subprocess.run([str(bean_check), "--no-cache", str(out)], capture_output=True, text=True,
                             check=False)
    bean_time = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    bean_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(f"bean-check on the same books: {bean_time:.1f} s wall, {bean_cpu:.1f} s CPU, exit {checked.returncode}"
          + (f"\n{checked.stdout[:2000]}{checked.stderr[:2000]}" if checked.returncode else ""))
    print(f"ratio: trial balance {bean_time / tb_time:,.0f}x faster than bean-check (wall), "
          f"{bean_cpu / max(tb_cpu, 1e-6):,.0f}x (CPU); with a full recount of every posting "
          f"{bean_time / (tb_time + recount):,.1f}x (wall)")


if __name__ == "__main__":
    main()
