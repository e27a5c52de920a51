"""The pages look like NHS.UK and work without JavaScript: assets served locally, plain forms."""

from __future__ import annotations

import re
from importlib import resources

from fastapi.testclient import TestClient

from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, OWN, log_in, settings

STATIC = resources.files("carepool.web") / "static" / "nhsuk"


def test_the_nhsuk_frontend_is_served_by_the_app_itself(client: TestClient) -> None:
    version = (STATIC / "VERSION").read_text().strip()
    css = client.get("/static/nhsuk/nhsuk-frontend.min.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".nhsuk-header" in css.text
    js = client.get("/static/nhsuk/nhsuk-frontend.min.js")
    assert js.status_code == 200 and f'version="{version}"' in js.text
    assert client.get("/static/nhsuk/assets/images/favicon.svg").status_code == 200
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.text), "the CSS loads nothing from another site (no CDN)"


def test_pages_use_only_local_assets_and_plain_forms(client: TestClient) -> None:
    log_in(client, BY_KEY["la_lead"].email)
    for path in ("/login", "/", f"/areas/{OWN}", f"/areas/{OWN}/upload", f"/areas/{OWN}/history"):
        page = client.get(path)
        assert page.status_code == 200, path
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith(("/", "#")) and not s.startswith("//") for s in sources), (path, sources)
        for form in re.findall(r"<form[^>]*>.*?</form>", page.text, re.S):
            assert 'method="get"' in form or 'name="csrf_token"' in form, (path, form[:120])


def test_the_area_page_offers_only_what_the_user_may_do(web_store: Store) -> None:
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as client:
        log_in(client, BY_KEY["la_lead"].email)
        assert f'href="/areas/{OWN}/upload"' in client.get(f"/areas/{OWN}").text
        client.cookies.clear()
        log_in(client, BY_KEY["local_auditor"].email)
        page = client.get(f"/areas/{OWN}").text
        assert "/upload" not in page and "<button class=\"nhsuk-button\" type=\"submit\">" not in page


def test_an_oversized_or_missing_upload_is_refused_with_a_finding(web_store: Store) -> None:

    app = create_app("unused://", settings=settings(max_upload_bytes=1000),
                     store=web_store)
    with TestClient(app) as client:
        token = log_in(client, BY_KEY["la_lead"].email)
        big = client.post(f"/areas/{OWN}/upload", data={"csrf_token": token},
                          files={"workbook": ("plan.xlsx", b"x" * 1001)})
        assert big.status_code == 413 and "larger than 1 MB" in big.text
        none = client.post(f"/areas/{OWN}/upload", data={"csrf_token": token})
        assert none.status_code == 422 and "Choose a planning workbook" in none.text
        text = client.post(f"/areas/{OWN}/upload", data={"csrf_token": token},
                           files={"workbook": ("plan.xlsx", b"area,amount\n")})
        assert text.status_code == 422 and "not an Excel workbook" in text.text
        assert client.get(f"/api/areas/{OWN}").json()["plan"] is None
