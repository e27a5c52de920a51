"""One problem with what was sent is shown by one include (`_problem.html`), labelled by its title."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "carepool" / "web" / "templates"


def test_no_template_writes_its_own_copy_of_the_problem_summary() -> None:
    pages = sorted(TEMPLATES.glob("*.html"))
    assert len(pages) > 30, "too few templates were read to mean anything"
    copies = [p.name for p in pages if p.name != "_problem.html"
              and re.search(r"There is a problem</h2>|<p id=\"[\w-]*problem\">", p.read_text(encoding="utf-8"))]
    assert copies == [], f"include _problem.html instead: {copies}"


def test_a_refused_log_in_shows_the_summary_labelled_by_its_title(client: TestClient) -> None:
    page = client.post("/login", data={"email": "who@x.test", "password": "nope-nope-nope",
                                       "csrf_token": csrf_of(client)})
    assert page.status_code == 401
    assert re.search(r'<div class="nhsuk-error-summary" aria-labelledby="problem-title" role="alert"', page.text)
    assert '<h2 class="nhsuk-error-summary__title" id="problem-title">There is a problem</h2>' in page.text
