from __future__ import annotations

from datetime import date
from decimal import Decimal

from carepool.budgets.model import Budget
from carepool.budgets.spend import AlertKind, SpendRecord, Thresholds, expected_to_date, spend_alerts
from carepool.money import Money


def monthly(budget: Budget, pct: int, upto: int) -> list[SpendRecord]:
    return [SpendRecord(budget.person_id, date(2015 + (m + 3) // 12, (m + 3) % 12 + 1, 28), "L1",
                        Money(budget.total.pence // 12 * pct // 100)) for m in range(upto)]


def test_expected_spend_is_pro_rata_by_whole_months(budget: Budget) -> None:
    assert expected_to_date(budget, date(2015, 4, 29)) == (Money(0), 0)
    assert expected_to_date(budget, date(2015, 9, 30)) == (Money(budget.total.pence * 6 // 12), 6)


def test_overspend_alert_depends_on_the_configured_threshold(budget: Budget) -> None:
    records = monthly(budget, 120, 6)
    alerts = spend_alerts([budget], records, date(2015, 9, 30))
    assert [a.kind for a in alerts] == [AlertKind.OVER]
    assert alerts[0].variance_pct > Decimal(19)
    assert spend_alerts([budget], records, date(2015, 9, 30), Thresholds(over_pct=Decimal(25))) == []
    assert alerts[0].as_finding().rule == "budget.overspend"


def test_underspend_waits_for_min_months(budget: Budget) -> None:
    records = monthly(budget, 50, 6)
    assert spend_alerts([budget], records, date(2015, 5, 31)) == []           # 2 months < 3
    alerts = spend_alerts([budget], records, date(2015, 9, 30))
    assert [a.kind for a in alerts] == [AlertKind.UNDER]
    assert spend_alerts([budget], records, date(2015, 9, 30), Thresholds(under_pct=Decimal(60))) == []


def test_on_plan_spend_raises_nothing(budget: Budget) -> None:
    assert spend_alerts([budget], monthly(budget, 100, 12), date(2016, 3, 31)) == []
