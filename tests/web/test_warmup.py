"""The start-up warm-up: it fills the dashboard and area caches, a request during it gets the same page,
an area is computed once even when asked for twice at once, and it stops when the app shuts down.

The areas are rendered in a low-priority child process and handed back; the dashboard rows in a thread."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup

from carepool.errors import ConfigurationError
from carepool.reference import load_reference
from carepool.services import dashboard
from carepool.store.cache import VersionedCache
from carepool.store.db import Store
from carepool.web import area_data, create_app
from carepool.web.settings import from_environment
from carepool.web.warmup import Warmer
from tests.web.conftest import BY_KEY, OTHER, OWN, YEAR, log_in, settings


def rows_cache(store: Store) -> VersionedCache:
    return store.caches.named(dashboard.ROWS_CACHE)


def test_the_warm_up_is_on_unless_the_environment_turns_it_off() -> None:
    assert from_environment({}).warm_caches is True
    assert from_environment({"CAREPOOL_WEB_WARM": "0"}).warm_caches is False
    assert from_environment({"CAREPOOL_WEB_WARM": "1"}).warm_caches is True
    assert settings().warm_caches is False, "the web tests' apps start cold"


def test_the_warmer_fills_the_dashboard_rows_and_each_area_section(web_store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(area_data, "_sections", {})
    warmer = Warmer(web_store, YEAR, areas=[OWN, OTHER])
    before = rows_cache(web_store).computed
    warmer.start()
    assert warmer.done.wait(120), "the warm-up finished"
    assert warmer.warmed == [OWN, OTHER]
    assert area_data.section_cached(OWN) and area_data.section_cached(OTHER)
    # rendered in the child process, exactly as a request in this process renders it
    assert area_data.metrics_section(load_reference().area(OWN)) == area_data.render_section(OWN)
    assert not area_data.section_cached("E08000016"), "only the areas asked for"
    assert rows_cache(web_store).computed == before + 1
    dashboard.all_rows(web_store, YEAR)
    assert rows_cache(web_store).computed == before + 1, "the dashboard rows came from the warmed cache"


def test_an_area_asked_for_twice_at_once_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(area_data, "_sections", {})
    calls: list[str] = []

    def slow_render(code: str) -> Markup:
        calls.append(code)
        time.sleep(0.2)                 # long enough for the second caller to arrive mid-way
        return Markup(f"<p>{code}</p>")

    monkeypatch.setattr(area_data, "render_section", slow_render)
    area = load_reference().area(OWN)
    results: list[Markup] = []
    threads = [threading.Thread(target=lambda: results.append(area_data.metrics_section(area))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [OWN]
    assert len(results) == 3 and results[0] is results[1] is results[2]


def test_a_request_during_the_warm_up_gets_the_page_and_shutdown_stops_it(web_store: Store,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(area_data, "_sections", {})
    app = create_app("unused://", settings=settings(warm_caches=True, warm_wait=0),
                     store=web_store)
    with TestClient(app) as client:
        warmer: Warmer = app.state.warmer
        assert warmer is not None and not warmer.done.is_set(), "151 areas take longer than the app's start"
        log_in(client, BY_KEY["analyst"].email)
        during = client.get(f"/areas/{OTHER}")
        assert during.status_code == 200
        assert area_data.metrics_section(load_reference().area(OTHER)) in during.text
    assert warmer.stopped and warmer.done.is_set(), "shutdown stopped the warm-up thread"
    assert warmer._child is not None and warmer._child.poll() is not None, "and ended the child process"
    assert len(warmer.warmed) < len(load_reference().areas)


def test_by_default_the_app_starts_serving_once_the_caches_are_warm(web_store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Readiness: the port opens (the lifespan's start-up ends) only when every area is warm."""
    monkeypatch.setattr(area_data, "_sections", {})
    assert from_environment({}).warm_wait == 60 and from_environment({"CAREPOOL_WEB_WARM_WAIT": "0"}).warm_wait == 0
    with pytest.raises(ConfigurationError, match="CAREPOOL_WEB_WARM_WAIT"):
        from_environment({"CAREPOOL_WEB_WARM_WAIT": "soon"})
    app = create_app("unused://", settings=settings(warm_caches=True), store=web_store)
    with TestClient(app) as client:
        warmer: Warmer = app.state.warmer
        assert warmer.done.is_set() and len(warmer.warmed) == len(load_reference().areas)
        assert len(area_data._sections) >= len(load_reference().areas)
        views = web_store.caches.named(area_data.VIEWS_CACHE).keys()   # each area's plan and statements read too
        assert {code for code, _year in views} >= set(load_reference().areas)
        log_in(client, BY_KEY["analyst"].email)
        assert client.get(f"/areas/{OTHER}").status_code == 200
