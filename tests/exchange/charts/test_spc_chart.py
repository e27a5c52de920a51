"""SPC chart files: right format, non-empty, and the Making Data Count elements drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest

from carepool.errors import InputError
from carepool.exchange.charts import chart_format, draw_spc_chart, style, write_spc_chart
from carepool.metrics.spc import Improvement, SpcOptions, SpcResult, xmr

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _result(**options: object) -> SpcResult:
    values = [1.0, 2.0] * 8 + [10.0] + [1.5, 2.5] * 4
    dates = [date(2023, 4, 1) + timedelta(days=7 * i) for i in range(len(values))]
    return xmr(dates, values, SpcOptions(**options))  # type: ignore[arg-type]


def test_png_has_magic_bytes(tmp_path: Path) -> None:
    path = write_spc_chart(_result(), tmp_path / "c.png", title="Admissions")
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 10_000


def test_svg_is_svg_with_text_kept_as_text(tmp_path: Path) -> None:
    result = _result(target=-1.0, improvement=Improvement.INCREASE)
    path = write_spc_chart(result, tmp_path / "nested" / "c.svg", title="Reablement at 91 days")
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = path.read_text(encoding="utf-8")
    assert "Reablement at 91 days" in text
    assert "Special cause improvement" in text  # the high outlier, higher is better
    assert "Assurance: Consistently hit target" in text  # target below the lower limit
    assert style.TARGET_LINE in text and style.IMPROVEMENT in text


def test_concern_colour_and_no_target_line(tmp_path: Path) -> None:
    text = write_spc_chart(_result(improvement=Improvement.DECREASE), tmp_path / "c.svg").read_text()
    assert style.CONCERN in text and "Special cause concern" in text
    assert style.TARGET_LINE not in text and "Assurance" not in text


def test_rebase_breaks_the_lines_per_segment() -> None:
    result = _result(rebase=(date(2023, 4, 1) + timedelta(days=7 * 17),))
    one = draw_spc_chart(_result()).axes[0]
    two = draw_spc_chart(result).axes[0]
    # value, mean, upl, lpl per segment
    assert len(one.lines) == 4
    assert len(two.lines) == 8


def test_short_series_carries_the_trial_limits_note(tmp_path: Path) -> None:
    result = xmr([date(2020, 4, 1), date(2021, 4, 1), date(2022, 4, 1)], [70.0, 75.0, 72.0])
    text = write_spc_chart(result, tmp_path / "c.svg").read_text()
    assert "trial limits" in text


@pytest.mark.parametrize("name", ["chart.pdf", "chart", "chart.jpeg"])
def test_other_formats_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match=r"must end in \.png or \.svg"):
        write_spc_chart(_result(), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_format_from_suffix_ignores_case() -> None:
    assert chart_format(Path("A.PNG")) == "png"
    assert chart_format(Path("a.svg")) == "svg"
