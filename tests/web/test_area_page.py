"""The area page: Making Data Count charts of the real series, their tables, and the area's evaluation."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from carepool.metrics.spc import PointType
from carepool.reference import load_reference
from carepool.services import dashboard, evaluation
from carepool.web.area_data import POINT_COLOURS
from carepool.web.guard import SECURITY_HEADERS
from tests.web.conftest import BY_KEY, OTHER, OWN, log_in
from tests.web.tables import values_only


def _section(page: str, ident: str) -> str:
    found = re.search(rf'<section class="spc-chart[^"]*" id="{ident}".*?</section>', page, re.S)
    assert found, f"no {ident} section"
    return found.group(0)


def test_each_metric_has_an_accessible_chart_of_the_real_series(client: TestClient) -> None:
    log_in(client, BY_KEY["la_lead"].email)
    page = client.get(f"/areas/{OWN}")
    assert page.status_code == 200
    charts = dashboard.area_charts()
    for key, ident in (("admissions", "spc-admissions"), ("delayed", "spc-delayed")):
        result = charts[key][OWN]
        section = _section(page.text, ident)
        svg = re.search(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*>.*?</svg>', section, re.S)
        assert svg, "the chart is inline SVG"
        chart = svg.group(0)
        assert f'aria-labelledby="{ident}-title {ident}-desc"' in chart
        title = re.search(rf'<title id="{ident}-title">([^<]+)</title>', chart)
        desc = re.search(rf'<desc id="{ident}-desc">([^<]+)</desc>', chart)
        assert title and unescape(title.group(1)) == f"{dashboard.METRICS[key]}: Rotherham"
        latest = f"Latest month {result.latest.date:%Y-%m}: {result.latest.value:,.0f}"
        assert desc and latest in unescape(desc.group(1))
        assert "style=" not in chart, "the page's CSP allows no inline styles"
        # one dot per month; special-cause months are marked larger, in the Making Data Count colour
        dots = re.findall(r'<circle cx="[^"]+" cy="[^"]+" r="([^"]+)" fill="([^"]+)"/>', chart)
        assert len(dots) == len(result.points)
        for point, (radius, fill) in zip(result.points, dots, strict=True):
            if point.special_cause_flag:
                assert radius == "4" and fill == POINT_COLOURS[point.point_type]
            else:
                assert radius == "2.5"
        if key == "admissions":     # Rotherham's admissions have special-cause months, so marks are tested
            assert any(p.point_type is PointType.CONCERN for p in result.points)
        # mean and two process limits, at the segment's values
        assert chart.count("<polyline") == 4 and chart.count('stroke-dasharray="5,3"') == 2
        # the variation icon is named and labelled in words, the same as on the dashboard
        label = dashboard.variation_label(result.variation.value)
        assert f'data-icon="{result.variation.value}"' in section
        assert f"{label}</span>" in section and f'aria-label="{dashboard.METRICS[key]}: {label}"' in section
        assert result.variation.value == dashboard.area_variations()[key][OWN]


def test_the_chart_has_a_data_table_alternative(client: TestClient) -> None:
    log_in(client, BY_KEY["la_lead"].email)
    section = values_only(_section(client.get(f"/areas/{OWN}").text, "spc-admissions"))
    details = re.search(r"<details.*?<summary.*?</summary>(.*?)</details>", section, re.S)
    assert details, "the table sits in details/summary, closed by default"
    rows = re.findall(r'<tr class="nhsuk-table__row( spc-special)?"><td class="nhsuk-table__cell">(\d{4}-\d\d)</td>'
                      r'<td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>'
                      r'<td[^>]*>([^<]+)</td>', details.group(1))
    points = dashboard.area_charts()["admissions"][OWN].points
    assert len(rows) == len(points) > 0
    for (special, month, value, mean, lpl, upl, kind), p in zip(rows, points, strict=True):
        assert month == f"{p.date:%Y-%m}" and value == f"{p.value:,.0f}"
        assert (mean, lpl, upl) == (f"{p.mean:,.1f}", f"{p.lpl:,.1f}", f"{p.upl:,.1f}")
        assert bool(special) == p.special_cause_flag
        assert kind.startswith("Special cause") if p.special_cause_flag else kind == "Common cause"


def test_the_areas_evaluation_is_shown_with_its_interval(client: TestClient) -> None:
    log_in(client, BY_KEY["la_lead"].email)
    page = client.get(f"/areas/{OWN}").text
    effects = {e.metric: e for e in evaluation.area_effects(OWN)}
    assert set(effects) == {"emergency_admissions", "delayed_days"}
    adm = effects["emergency_admissions"]
    row = re.search(r'<div class="nhsuk-summary-list__row" data-metric="emergency_admissions" '
                    r'data-reading="([^"]+)">(.*?)</div>', page, re.S)
    assert row, "the emergency admissions result is on the page"
    assert row.group(1) == adm.reading
    text = unescape(re.sub(r"<[^>]+>", "", row.group(2)))
    assert f"rate ratio {adm.rate_ratio.effect:.3f}" in text
    assert f"95% CI {adm.rate_ratio.ci_low:.3f} to {adm.rate_ratio.ci_high:.3f}" in text
    assert f"{adm.change:+,.0f} (95% CI {adm.change_low:+,.0f} to {adm.change_high:+,.0f})" in text
    assert "not that the fund caused it" in page


def test_the_area_evaluation_is_the_reports_its_on_the_areas_real_series() -> None:
    from carepool.evaluation import interrupted_time_series, real_series

    series = real_series("emergency_admissions")
    expected = interrupted_time_series(series.panel.periods, series.panel.outcome[series.panel.index_of_unit(OWN)],
                                       "2015-04", outcome="emergency_admissions", family="negbin",
                                       seasonality="month")
    adm = evaluation.area_effects(OWN)[0]
    assert adm.metric == "emergency_admissions" and adm.its.rate_ratio == expected.rate_ratio
    assert adm.first == "2013-04" and adm.last == "2017-03" and adm.start == "2015-04"
    assert adm.change_low <= adm.change <= adm.change_high
    assert adm.reading == (evaluation.FELL if adm.rate_ratio.ci_high < 1 else
                           evaluation.ROSE if adm.rate_ratio.ci_low > 1 else evaluation.UNCLEAR)
    assert evaluation.area_effects(OWN) is evaluation.area_effects(OWN), "computed once per area"


def test_other_areas_stay_forbidden_and_national_roles_see_any_area(client: TestClient) -> None:
    log_in(client, BY_KEY["la_lead"].email)
    refused = client.get(f"/areas/{OTHER}")
    assert refused.status_code == 403
    assert "spc-admissions" not in refused.text and "Sheffield" not in refused.text
    assert client.get("/areas/E99999999").status_code == 404
    client.cookies.clear()
    log_in(client, BY_KEY["analyst"].email)
    page = client.get(f"/areas/{OTHER}")
    assert page.status_code == 200 and 'id="spc-admissions"' in page.text
    assert "Emergency admissions (BCF1): Sheffield" in page.text


def test_the_area_page_keeps_the_strict_csp(client: TestClient) -> None:
    log_in(client, BY_KEY["la_lead"].email)
    page = client.get(f"/areas/{OWN}")
    assert page.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    main = page.text.split('<main', 1)[1].split("</main>", 1)[0]
    assert "<script" not in main and "style=" not in main


def test_every_area_gets_charts_or_says_it_has_none() -> None:
    charts = dashboard.area_charts()
    missing = [code for code in load_reference().areas if code not in charts["admissions"]]
    assert not missing, "every area has a published admissions series"
