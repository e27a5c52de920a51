"""Web load benchmark (not a test): 50 concurrent users on the dashboard and area pages, on loopback.

    .venv/bin/python bench/web_load_bench.py [--db PATH|URL] [--stores sqlite,postgresql] [--users 50]
                                             [--seconds 30] [--think 1.0] [--max-requests 100000]

Starts ``carepool serve`` on 127.0.0.1 (a free port) against a demo store (``--db``, or one built
with ``carepool demo --no-serve --skip ...`` in a temporary folder; ``--stores`` runs on each
store in turn, building the PostgreSQL demo in a throwaway local server started as the tests
start theirs, ``carepool.store.pg_local``, and prints the two p95s and their ratio), adds a national analyst
account, logs each simulated user in through the log-in form, asks for the dashboard and every
area page once (so the per-process caches are filled, as on a server that has been up a while:
an area page's charts and interrupted time series are computed on its first request; pass
``--cold`` to skip this and measure first requests too), then runs for a fixed time: each
user asks for the national dashboard or an area page (half each, areas at random), waits a
random think time (uniform 0.5x-1.5x ``--think`` seconds; 0 for back-to-back requests), and
repeats. The run stops at ``--seconds`` or ``--max-requests``, whichever comes first.

Prints p50/p95/p99 latency, errors (non-200 answers and transport failures) and requests per
second. Target (issue 7): p95 < 150 ms and no errors on the 2-core machine.

``--mixed`` (issue 16): after the plain run, the same browsing load runs again on the same
server while other work happens beside it: a pool manager uploads a planning workbook every
``--upload-every`` seconds (each is read, validated and stored as a new version, which also
invalidates the dashboard's and the evidence report's caches), someone logs in every
``--login-every`` seconds (argon2), and an analyst keeps asking for the evaluation's evidence
report (``/evidence``: the national interrupted time series, rebuilt after each upload). Both
runs' browsing p95 and errors are printed side by side, with what the other work did.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from carepool.errors import ConflictError
from carepool.reference import load_reference
from carepool.services import users
from carepool.store.db import open_store
from carepool.store.pg_local import LocalPostgres

HOST = "127.0.0.1"
EMAIL = "bench-national@bench.carepool.test"
UPLOADER = "bench-pool@bench.carepool.test"
UPLOAD_AREA = "E08000018"          # Rotherham, the demo area
SKIPS = ("activity", "sharing", "budgets", "evaluation", "spc")
START_SECONDS = 300   # warm-up can take minutes on a loaded shared machine


def carepool_cli() -> str:
    found = Path(sys.executable).with_name("carepool")
    return str(found) if found.exists() else "carepool"


def build_demo_store(folder: Path, url: str | None = None) -> str:
    """A demo store in a new SQLite file in ``folder``, or in the empty database ``url``."""
    args = [carepool_cli(), "demo", "--no-serve", "--out", str(folder)]
    for step in SKIPS:
        args += ["--skip", step]
    shown = " ".join(args) + (" --db (a throwaway PostgreSQL database)" if url else "")
    if url:
        args += ["--db", url]
    print(f"building a demo store: {shown}", flush=True)
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return url or str(folder / "carepool-demo.db")


def bench_account(db: str) -> str:
    """A national analyst and a pool manager of the upload area, with one fresh random password."""
    password = secrets.token_urlsafe(18)
    store = open_store(db)
    try:
        for email, org, kind, role, areas in ((EMAIL, "NATIONAL", "national", "analyst", []),
                                              (UPLOADER, UPLOAD_AREA, "la", "pool_manager", [UPLOAD_AREA])):
            try:
                users.add_user(store, email=email, password=password, name="load benchmark", org_code=org,
                               org_kind=kind, role=role, areas=areas)
            except ConflictError:
                users.set_password(store, email, password)
    finally:
        store.dispose()
    return password


def upload_workbook(folder: Path) -> bytes:
    """A valid planning workbook for the upload area (a sample plan), as a browser would send it."""
    from carepool.exchange.excel import write_plan_workbook
    from carepool.plans.synthetic import synthetic_plan
    from carepool.programme import load_programme

    ref, year = load_reference(), load_programme("bcf-2015-16")
    path = write_plan_workbook(folder / "upload.xlsx", area_code=UPLOAD_AREA, year=year, ref=ref,
                               plan=synthetic_plan(UPLOAD_AREA, year, ref, seed=3))
    return path.read_bytes()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CAREPOOL_WEB_SECRET": secrets.token_urlsafe(32)}
    server = subprocess.Popen([carepool_cli(), "serve", "--db", db, "--port", str(port), "--host", HOST],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + START_SECONDS   # it opens its port once its caches are warm
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"carepool serve exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            if httpx.get(f"http://{HOST}:{port}/login", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"carepool serve did not answer within {START_SECONDS} s")


async def log_in(client: httpx.AsyncClient, password: str, email: str = EMAIL) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if token is None:
        raise SystemExit("no CSRF token on the log-in page")
    answer = await client.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1),
                                               "next": "/"})
    if answer.status_code != 303:
        raise SystemExit(f"log-in refused: {answer.status_code} {answer.text[:200]}")


class Beside:
    """The other work of a mixed run, each kind with its timings (s) and non-success answers."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {"upload": [], "login": [], "evidence": []}
        self.errors: dict[str, int] = {}

    def note(self, kind: str, started: float, ok: bool, what: str) -> None:
        self.seconds[kind].append(time.perf_counter() - started)
        if not ok:
            self.errors[f"{kind} {what}"] = self.errors.get(f"{kind} {what}", 0) + 1


async def other_work(base: str, password: str, workbook: bytes, stop_at: float, beside: Beside,
                     upload_every: float, login_every: float) -> None:
    """Uploads, log-ins and evidence reports until ``stop_at``, beside the browsing users."""
    async def uploads() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            await log_in(client, password, UPLOADER)
            page = await client.get(f"/areas/{UPLOAD_AREA}/upload")
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            token = found.group(1) if found else ""
            while time.perf_counter() < stop_at:
                t0 = time.perf_counter()
                answer = await client.post(f"/areas/{UPLOAD_AREA}/upload", data={"csrf_token": token},
                                           files={"workbook": ("plan.xlsx", workbook)})
                beside.note("upload", t0, answer.status_code == 303, str(answer.status_code))
                await asyncio.sleep(max(0.0, upload_every - (time.perf_counter() - t0)))

    async def logins() -> None:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            async with httpx.AsyncClient(base_url=base, timeout=120) as client:
                try:
                    await log_in(client, password)
                    beside.note("login", t0, True, "")
                except SystemExit as refused:
                    beside.note("login", t0, False, str(refused)[:40])
            await asyncio.sleep(max(0.0, login_every - (time.perf_counter() - t0)))

    async def evidence() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:
            await log_in(client, password)
            while time.perf_counter() < stop_at:
                t0 = time.perf_counter()
                answer = await client.get("/evidence")
                beside.note("evidence", t0, answer.status_code == 200, str(answer.status_code))
                await asyncio.sleep(0.5)

    await asyncio.gather(uploads(), logins(), evidence())


async def run(base: str, password: str, n_users: int, seconds: float, think: float,
              max_requests: int, cold: bool = False, mixed: tuple[bytes, Beside, float, float] | None = None,
              ) -> tuple[list[float], dict[str, int], float, dict[str, list[float]]]:
    areas = sorted(load_reference().areas)
    latencies: list[float] = []
    by_page: dict[str, list[float]] = {"dashboard": [], "area": []}
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=30, limits=limits) for _ in range(n_users)]
    try:
        for client in clients:          # every user logs in once, before the clock starts
            await log_in(client, password)
        warm = ["/", f"/areas/{areas[0]}"] if cold else ["/", *(f"/areas/{a}" for a in areas)]
        for path in warm:                  # the per-process caches fill before the clock starts
            await clients[0].get(path)
        issued = 0
        start = time.perf_counter()
        stop_at = start + seconds

        async def user(client: httpx.AsyncClient, rng: random.Random) -> None:
            nonlocal issued
            await asyncio.sleep(rng.uniform(0, max(think, 0.05)))   # users arrive spread out
            while time.perf_counter() < stop_at and issued < max_requests:
                issued += 1
                page = "dashboard" if rng.random() < 0.5 else "area"
                path = "/" if page == "dashboard" else f"/areas/{rng.choice(areas)}"
                t0 = time.perf_counter()
                try:
                    answer = await client.get(path)
                    elapsed = time.perf_counter() - t0
                    if answer.status_code != 200:
                        errors[str(answer.status_code)] = errors.get(str(answer.status_code), 0) + 1
                    latencies.append(elapsed)
                    by_page[page].append(elapsed)
                except httpx.HTTPError as failed:
                    errors[type(failed).__name__] = errors.get(type(failed).__name__, 0) + 1
                if think > 0:
                    await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))

        work = [user(c, random.Random(i)) for i, c in enumerate(clients)]
        if mixed is not None:
            workbook, beside, upload_every, login_every = mixed
            work.append(other_work(base, password, workbook, stop_at, beside, upload_every, login_every))
        await asyncio.gather(*work)
        wall = time.perf_counter() - start
    finally:
        for client in clients:
            await client.aclose()
    return latencies, errors, wall, by_page


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(CPU seconds of the server process, CPU seconds of its child processes) so far, from /proc.

    The server's own CPU is what its requests share one interpreter lock for; its children (the
    workbook reader, the worker building the evidence report, the warm-up) run beside it. On a
    shared machine wall times are noisy, CPU seconds much less so."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p: int) -> list[str] | None:
        try:
            text = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            return None
        return text[text.rindex(")") + 2:].split()     # fields from the state on (the name may hold spaces)

    own = stat(pid)
    if own is None:
        return float("nan"), float("nan")
    children = (int(own[13]) + int(own[14])) / tick     # children that ended and were waited for
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := stat(int(entry.name))) is not None and fields[1] == str(pid):
            children += (int(fields[11]) + int(fields[12])) / tick
    return (int(own[11]) + int(own[12])) / tick, children


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--db", help="a demo store: SQLite path or database URL (default: build one)")
    parser.add_argument("--stores", default=None,
                        help="comma-separated stores to run in turn: sqlite,postgresql (each gets a new demo "
                             "store; PostgreSQL in a throwaway local server unless --db is a PostgreSQL URL)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between a user's requests (s)")
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--cold", action="store_true",
                        help="warm only the dashboard and one area page (area pages compute on first request)")
    parser.add_argument("--mixed", action="store_true",
                        help="then run again beside workbook uploads, log-ins and evidence reports (issue 16)")
    parser.add_argument("--upload-every", type=float, default=3.0, help="seconds between uploads (--mixed)")
    parser.add_argument("--login-every", type=float, default=1.0, help="seconds between log-ins (--mixed)")
    args = parser.parse_args()
    if not 1 <= args.users <= 500 or not 0 < args.seconds <= 600 or not 0 < args.max_requests <= 1_000_000:
        raise SystemExit("bounded runs only: 1-500 users, up to 600 s, up to 1,000,000 requests")
    stores = [s.strip() for s in args.stores.split(",")] if args.stores else [None]
    if any(s not in (None, "sqlite", "postgresql") for s in stores):
        raise SystemExit("--stores: use sqlite and/or postgresql")
    p95s: dict[str, float] = {}
    server_pg: LocalPostgres | None = None
    try:
        for kind in stores:
            with tempfile.TemporaryDirectory(prefix="carepool-web-bench-") as tmp:
                given_pg = (args.db or "").startswith("postgres")
                mine = args.db if args.db and (kind is None or (kind == "postgresql") == given_pg) else None
                if mine:
                    db = mine
                elif kind == "postgresql":
                    if server_pg is None:
                        server_pg = LocalPostgres()
                        server_pg.start()
                    db = build_demo_store(Path(tmp) / "demo", server_pg.create_database())
                else:
                    db = build_demo_store(Path(tmp) / "demo")
                label = "postgresql" if db.startswith("postgres") else "sqlite"
                print(f"[{label}] load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
                p95s[label] = one_store(db, Path(tmp), args)
    finally:
        if server_pg is not None:
            server_pg.stop()
    if "sqlite" in p95s and "postgresql" in p95s:
        print(f"same run: browsing p95 PostgreSQL {p95s['postgresql']:.1f} ms, SQLite {p95s['sqlite']:.1f} ms; "
              f"PostgreSQL / SQLite = {p95s['postgresql'] / p95s['sqlite']:.2f}")


def one_store(db: str, tmp: Path, args: argparse.Namespace) -> float:
    """Serve ``db``, run the plain (and --mixed) load, print the figures; returns the plain p95 in ms."""
    password = bench_account(db)
    port = free_port()
    workbook = upload_workbook(tmp) if args.mixed else b""
    server = start_server(db, port)
    try:
        base = f"http://{HOST}:{port}"
        before = cpu_seconds(server.pid)
        plain = asyncio.run(run(base, password, args.users, args.seconds, args.think, args.max_requests,
                                args.cold))
        report("plain", args, *plain)
        after = cpu_seconds(server.pid)
        print(f"  server CPU {after[0] - before[0]:.1f} s in the server process, {after[1] - before[1]:.1f} s "
              f"in its child processes (load average {os.getloadavg()[0]:.1f})", flush=True)
        if args.mixed:
            beside = Beside()
            before = cpu_seconds(server.pid)
            mixed = asyncio.run(run(base, password, args.users, args.seconds, args.think, args.max_requests,
                                    False, (workbook, beside, args.upload_every, args.login_every)))
            report("mixed", args, *mixed)
            after = cpu_seconds(server.pid)
            print(f"  server CPU {after[0] - before[0]:.1f} s in the server process, {after[1] - before[1]:.1f} s "
                  f"in its child processes (load average {os.getloadavg()[0]:.1f})", flush=True)
            for kind, seconds in beside.seconds.items():
                got = [x * 1000 for x in seconds]
                print(f"  beside: {kind:8s} {len(got):4d} done  p50 {pct(got, 50):.0f} ms  "
                      f"max {max(got, default=float('nan')):.0f} ms")
            print(f"  beside: errors {sum(beside.errors.values())} {beside.errors if beside.errors else ''}")
            print(f"browsing p95 plain {pct([x * 1000 for x in plain[0]], 95):.1f} ms, "
                  f"mixed {pct([x * 1000 for x in mixed[0]], 95):.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return pct([x * 1000 for x in plain[0]], 95)


def report(name: str, args: argparse.Namespace, latencies: list[float], errors: dict[str, int], wall: float,
           by_page: dict[str, list[float]]) -> None:
    ms = [x * 1000 for x in latencies]
    print(f"[{name}]")
    print(f"{args.users} users, {args.seconds:.0f} s, think {args.think:g} s: {len(ms)} requests in {wall:.1f} s "
          f"({len(ms) / wall:.1f} requests/s)")
    print(f"latency ms: p50 {pct(ms, 50):.1f}  p95 {pct(ms, 95):.1f}  p99 {pct(ms, 99):.1f}  max {max(ms):.1f}")
    for page, values in by_page.items():
        page_ms = [x * 1000 for x in values]
        print(f"  {page:9s} {len(page_ms):6d} requests  p50 {pct(page_ms, 50):.1f}  p95 {pct(page_ms, 95):.1f}  "
              f"p99 {pct(page_ms, 99):.1f}")
    print(f"errors: {sum(errors.values())} {errors if errors else ''}")
    p95 = pct(ms, 95)
    print(f"target p95 < 150 ms and no errors: {'met' if p95 < 150 and not errors else 'NOT met'}")


if __name__ == "__main__":
    main()
