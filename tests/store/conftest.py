"""Fixtures of the store's tests (the stores themselves come from tests/conftest.py)."""

from __future__ import annotations

import pytest

from carepool.plans.model import Plan
from tests.store.plan_builder import make_plan


@pytest.fixture
def plan() -> Plan:
    return make_plan()
