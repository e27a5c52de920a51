"""Who is acting: one rule for every command that records an actor (plan, conditions, ledger, returns, share)."""

from __future__ import annotations

import getpass

import pytest

from carepool.cli import common


def test_the_name_given_wins_then_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "ada")
    assert common.acting("pool.manager@example.nhs.uk") == "pool.manager@example.nhs.uk"
    assert common.acting(None) == "ada" and common.acting() == "ada"


def test_with_no_login_name_the_actor_is_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "")
    assert common.acting(None) == "cli"
