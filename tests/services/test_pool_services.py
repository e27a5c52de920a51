"""The pool manager's use cases as the web calls them: one area's payments, decisions bound to the
books as they were shown, the settlement previewed before it is posted (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from carepool.errors import ConflictError, ValidationFailed
from carepool.ledger.settlement import RiskShare
from carepool.services import ledger as svc
from carepool.services import ledger_statements as statements_svc
from carepool.services import ledger_version
from carepool.store.db import Store
from tests.ledger.helpers import assured_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"
YEAR = "bcf-2015-16"
AREA = "E08000018"


def test_a_payments_file_for_one_area_refuses_rows_of_another(store: Store) -> None:
    """payments_good.csv has a row for E06000001: imported for E08000018 only, it must not post there."""
    assured_store(store)
    svc.post_contributions(store, YEAR)
    before = len(svc.area_transactions(store))
    with pytest.raises(ValidationFailed) as refused:
        svc.import_spend(store, FIXTURES / "payments_good.csv", AREA)
    found = [(f.location.row, f.location.field) for f in refused.value.findings]
    assert found == [(4, "area")]
    assert "E06000001" in refused.value.findings[0].message and AREA in refused.value.findings[0].message
    assert len(svc.area_transactions(store)) == before


def test_decisions_bind_to_the_books_as_shown(store: Store) -> None:
    assured_store(store)
    svc.post_contributions(store, YEAR)
    shown = ledger_version.current(store, AREA)
    svc.import_spend(store, FIXTURES / "payments_good.csv")          # the books move meanwhile
    with pytest.raises(ConflictError, match="changed after you opened"):
        svc.close_period(store, AREA, "2015Q1", actor="pm", expected=shown)
    with pytest.raises(ConflictError):
        svc.set_risk_share(store, AREA, YEAR, "P1", RiskShare("fixed", (("03L", 1),)), expected=shown)
    with pytest.raises(ConflictError):
        svc.settle(store, YEAR, AREA, actor="pm", expected=shown)
    assert svc.settlement_preview(store, YEAR, AREA).closed is False
    fresh = ledger_version.current(store, AREA)
    assert fresh != shown
    assert svc.close_period(store, AREA, "2015Q1", actor="pm", expected=fresh)
    assert ledger_version.current(store, AREA) != fresh                # a close moves the token too
    with pytest.raises(ValueError, match="one area"):
        svc.settle(store, YEAR, actor="pm", expected=fresh)


def test_the_preview_is_what_settling_posts(store: Store) -> None:
    assured_store(store)
    svc.post_contributions(store, YEAR)
    svc.import_spend(store, FIXTURES / "payments_good.csv")
    svc.set_risk_share(store, AREA, YEAR, "P1", RiskShare("fixed", ((AREA, 1), ("03L", 3)), 10))
    preview = svc.settlement_preview(store, YEAR, AREA)
    assert preview.settlements and not preview.closed
    token = ledger_version.current(store, AREA)
    posted = svc.settle(store, YEAR, AREA, actor="pm", expected=token)
    assert [(s.pool, s.net, s.parts, s.retained) for s in posted] == \
        [(s.pool, s.net, s.parts, s.retained) for s in preview.settlements]
    after = svc.settlement_preview(store, YEAR, AREA)
    assert after.closed and after.settlements == ()


def test_a_partner_statement_for_one_area(store: Store) -> None:
    assured_store(store)
    svc.post_contributions(store, YEAR)
    everywhere = statements_svc.partner_statement(store, AREA)
    own = statements_svc.partner_statement(store, AREA, area=AREA)
    assert own.rows and all(row[0] == AREA for row in own.rows)
    assert {row[0] for row in everywhere.rows} == {AREA}
    assert statements_svc.partner_statement(store, AREA, area="E06000001").rows == ()


def test_recording_an_agreement_says_who_and_when(store: Store) -> None:
    assured_store(store)
    assert svc.risk_share_records(store, AREA, YEAR) == {}
    at = datetime(2016, 3, 1, 10, 0, tzinfo=UTC)
    svc.set_risk_share(store, AREA, YEAR, "P1", RiskShare("fixed", ((AREA, 1),)), actor="pm@example.test", at=at)
    assert svc.risk_share_records(store, AREA, YEAR) == {"P1": ("pm@example.test", at)}
    later = datetime(2016, 3, 2, 9, 30, tzinfo=UTC)
    svc.set_risk_share(store, AREA, YEAR, "P1", RiskShare("proportional"), actor="other@example.test", at=later)
    assert svc.risk_share_records(store, AREA, YEAR) == {"P1": ("other@example.test", later)}
