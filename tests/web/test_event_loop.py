"""No request handler blocks the event loop (issue 16, item 4).

A handler declared ``async def`` runs on the event loop itself: anything slow in it (argon2,
a store query, reading a workbook, an evaluation) holds up every other request the process is
serving. Blocking work runs in plain ``def`` handlers (FastAPI's thread pool) or is handed to
``run_in_threadpool``; ``async def`` is kept for reading a request body.
"""

from __future__ import annotations

import ast
import contextlib
import statistics
import threading
import time
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from carepool.store.db import Store
from carepool.store.web_tables import WebUserRow
from carepool.web import create_app
from tests.web.conftest import PEOPLE, csrf_of, settings
from tests.web.live import serving

WEB = Path(__file__).resolve().parents[2] / "src" / "carepool" / "web"
# what may block: the store and services, hashing, workbooks, numbers, and the web helpers over them
BLOCKING_MODULES = ("carepool.services", "carepool.store", "carepool.exchange", "carepool.evaluation",
                    "carepool.engines", "argon2", "openpyxl", "numpy", "pandas", "httpx")
BLOCKING_HELPERS = {"store_of", "render", "signed_in", "area_view", "visible_area", "_guard", "current_user",
                    "error_response", "login_throttle"}
ALLOWED_AWAITS = {"checked_form", "form", "read", "body", "run_in_threadpool", "to_thread", "sleep"}
# argon2-cffi's default (RFC 9106 low memory, ~0.2 s): the race below gives its accounts hashes this
# slow, so a log-in checked on the event loop would hold a page up visibly (carepool's own setting
# takes ~25 ms, too little to tell apart from a busy machine)
SLOW_HASH = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}


def _one_verify_seconds() -> float:
    hasher = PasswordHasher(**SLOW_HASH)
    digest = hasher.hash("a password of some length")
    start = time.perf_counter()
    with contextlib.suppress(VerificationError):
        hasher.verify(digest, "not the password")
    return time.perf_counter() - start


def test_a_trivial_request_is_answered_while_log_ins_hash_passwords(web_store: Store) -> None:
    """Eight wrong-password log-ins at once (argon2, ~0.2 s each) must not hold up a page."""
    verify = _one_verify_seconds()
    app = create_app("unused://", settings=settings(), store=web_store)
    people = [p for p in PEOPLE][:8]
    slow = PasswordHasher(**SLOW_HASH).hash("the accounts' real password")
    with web_store.transaction() as session:
        for row in session.scalars(select(WebUserRow).where(WebUserRow.email.in_([p.email for p in people]))):
            row.password_hash = slow
    with serving(app) as base:
        forms = []
        for person in people:   # each log-in with its own session and CSRF token, ready before the race
            client = httpx.Client(base_url=base, timeout=60)
            forms.append((client, {"email": person.email, "password": "not-the-password!",
                                   "csrf_token": csrf_of(client)}))  # type: ignore[arg-type]
        login_seconds: list[float] = []
        statuses: list[int] = []
        go = threading.Barrier(len(forms) + 1)

        def log_in(client: httpx.Client, form: dict[str, str]) -> None:
            go.wait()
            start = time.perf_counter()
            statuses.append(client.post("/login", data=form).status_code)
            login_seconds.append(time.perf_counter() - start)

        threads = [threading.Thread(target=log_in, args=pair) for pair in forms]
        for thread in threads:
            thread.start()
        trivial: list[float] = []
        with httpx.Client(base_url=base, timeout=60) as other:
            other.get("/login")          # connection open before the race
            go.wait()
            time.sleep(0.05)             # the log-ins are in
            while any(t.is_alive() for t in threads):
                start = time.perf_counter()
                assert other.get("/login").status_code == 200
                trivial.append(time.perf_counter() - start)
        for thread in threads:
            thread.join()
        for client, _ in forms:
            client.close()
    assert statuses == [401] * len(forms)
    assert trivial, "no trivial request ran during the log-ins"
    # blocked, each trivial request waits for at least one whole argon2 check on the loop
    assert statistics.median(trivial) < 0.5 * verify, (
        f"a trivial page took {statistics.median(trivial):.3f} s (median of {len(trivial)}) while log-ins ran; "
        f"one argon2 check takes {verify:.3f} s; log-ins took {sorted(round(s, 2) for s in login_seconds)}")
    assert len(trivial) >= 3, f"too few trivial requests during the log-ins to judge: {trivial}"


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> the module it came from, for ``import x`` and ``from x import y``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name
    return names


def _root_name(call: ast.Call) -> str | None:
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return func.id if isinstance(func, ast.Name) else None


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _is_route(node: ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in ("get", "post", "put", "delete", "patch"):
            return True
    return False


def blocking_calls_in_async_handlers(source: str) -> list[str]:
    """Calls in ``async def`` route handlers that may block, as 'handler: call' strings."""
    tree = ast.parse(source)
    imported = _imported_names(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.AsyncFunctionDef) and _is_route(node)):
            continue
        offloaded: set[int] = set()
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and _called_name(inner) in ("run_in_threadpool", "to_thread"):
                offloaded.update(id(arg) for arg in ast.walk(inner) if arg is not inner)
            if (isinstance(inner, ast.Await) and isinstance(inner.value, ast.Call)
                    and _called_name(inner.value) not in ALLOWED_AWAITS):
                found.append(f"{node.name}: awaits {ast.unparse(inner.value)}")
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Call) or id(inner) in offloaded:
                continue
            root, name = _root_name(inner), _called_name(inner)
            module = imported.get(root or "", "")
            if name in BLOCKING_HELPERS or root in BLOCKING_HELPERS or module.startswith(BLOCKING_MODULES):
                found.append(f"{node.name}: {ast.unparse(inner)}")
    return found


def test_the_static_check_finds_blocking_calls_and_accepts_offloaded_ones() -> None:
    blocking = ("from carepool.services import plans\nfrom carepool.web.session import store_of\n"
                "@router.post('/x')\nasync def handler(request):\n    form = await request.form()\n"
                "    return plans.sign_off(store_of(request), 'a')\n")
    assert blocking_calls_in_async_handlers(blocking) == [
        "handler: plans.sign_off(store_of(request), 'a')", "handler: store_of(request)"]
    offloaded = ("from carepool.services import plans\nfrom starlette.concurrency import run_in_threadpool\n"
                 "@router.post('/x')\nasync def handler(request):\n    form = await request.form()\n"
                 "    return await run_in_threadpool(plans.sign_off, form)\n")
    assert blocking_calls_in_async_handlers(offloaded) == []
    plain = "from carepool.services import plans\n@router.get('/x')\ndef handler(request):\n    return plans.a()\n"
    assert blocking_calls_in_async_handlers(plain) == []


def test_no_async_route_handler_calls_blocking_code() -> None:
    modules = sorted(WEB.glob("*.py"))
    assert len(modules) > 10
    found = {path.name: blocking_calls_in_async_handlers(path.read_text()) for path in modules}
    assert {name: calls for name, calls in found.items() if calls} == {}
