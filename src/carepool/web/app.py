"""The web application: ``create_app(store_url)`` wires the store, sessions, pages, API and errors.

Pages are server-rendered and work without JavaScript; the NHS.UK frontend CSS/JS is served
from ``/static/nhsuk`` (copied there by ``scripts/web-assets``), never from a CDN.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from carepool import __version__
from carepool.services.areas import default_year
from carepool.services.read_scope import read_scope
from carepool.services.workers import Workers
from carepool.store.db import Store, open_store
from carepool.web import (
    api,
    api_actions,
    api_analysis,
    api_plan,
    api_pool,
    api_sharing,
    errors,
    oidc,
    pages_admin,
    pages_analysis,
    pages_area,
    pages_audit,
    pages_auth,
    pages_budgets,
    pages_dashboard,
    pages_goals,
    pages_governance,
    pages_map,
    pages_mesh,
    pages_money,
    pages_plan_edit,
    pages_pool,
    pages_pool_decisions,
    pages_pool_files,
    pages_programmes,
    pages_reports,
    pages_returns,
    pages_scenarios,
    pages_scorecard,
    pages_sharing,
    pages_workflow,
    pages_year_end,
)
from carepool.web.guard import Guard
from carepool.web.settings import WebSettings, from_environment
from carepool.web.warmup import Warmer

log = logging.getLogger("uvicorn.error")


def create_app(store_url: str, *, secret_key: str | None = None, settings: WebSettings | None = None,
               store: Store | None = None) -> FastAPI:
    """The app on the store at ``store_url`` (created or upgraded on open), or on an open ``store``."""
    settings = settings or from_environment(secret_key=secret_key)
    opened = store or open_store(store_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warmer = (Warmer(opened, default_year(opened, settings.year), workers=app.state.workers)
                  if settings.warm_caches else None)
        app.state.warmer = warmer
        if warmer is not None:
            warmer.start()
            if settings.warm_wait > 0:   # open the port once the caches are warm (readiness), within limits
                log.info("warming caches (dashboard and %d area pages) before serving", len(warmer.areas))
                await asyncio.to_thread(warmer.done.wait, settings.warm_wait)
        try:
            yield
        finally:
            if warmer is not None:      # told first, so the workers it is starting end quietly
                warmer.stop(timeout=0)
            app.state.workers.stop()    # the worker processes (the evidence report's builds)
            if warmer is not None:
                warmer.stop()           # between two areas: about a second at most
            if store is None:   # the app opened it, so the app closes it
                opened.dispose()

    app = FastAPI(title="carepool", version=__version__,
                  description="Pooled health and social care budgets: the Better Care Fund.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.settings = settings
    app.state.store = opened
    app.state.warmer = None
    app.state.workers = Workers(1)    # CPU-bound builds run here, not under this process's interpreter lock

    @app.middleware("http")
    async def _count_in_flight(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        warmer: Warmer | None = request.app.state.warmer    # the warm-up waits for a quiet moment
        if warmer is not None:
            warmer.in_flight += 1
        try:
            if request.method in ("GET", "HEAD"):   # a page that only reads asks each question once
                with read_scope():
                    return await call_next(request)
            return await call_next(request)
        finally:
            if warmer is not None:
                warmer.in_flight -= 1

    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="carepool_session",
                       max_age=settings.session_max_age, same_site="lax", https_only=settings.secure_cookies)
    static = resources.files("carepool.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static), check_dir=False), name="static")
    for module in (pages_auth, oidc, pages_dashboard, pages_area, pages_workflow, pages_admin, pages_reports,
                   pages_year_end, pages_pool, pages_pool_files, pages_pool_decisions,
                   pages_money, pages_map, pages_goals,
                   pages_plan_edit, pages_budgets, pages_programmes, pages_scenarios, pages_scorecard, pages_returns,
                   pages_audit, pages_sharing, pages_governance, pages_mesh, pages_analysis,
                   api, api_actions, api_plan, api_pool, api_analysis, api_sharing):
        app.include_router(module.router)
    errors.install(app)
    app.add_middleware(Guard, settings=settings)   # added last, so outermost: before the session or any body
    return app


def app_from_environment() -> FastAPI:
    """The app for ``carepool serve`` (uvicorn factory): the store is ``CAREPOOL_DB``."""
    url = os.environ.get("CAREPOOL_DB") or "sqlite:///carepool.db"
    return create_app(url)
