"""The metrics reference page is current: it equals the rendering of the definitions."""

from __future__ import annotations

from carepool.metrics.codelists import data_file
from carepool.metrics.ids import BCF_2015_IDS, CURRENT_IDS
from carepool.metrics.reference_page import render


def test_reference_page_is_the_rendering_of_the_definitions() -> None:
    shipped = (data_file("..") / "REFERENCE.md").resolve().read_text(encoding="utf-8")
    assert shipped == render(), \
        "regenerate: python -m carepool.metrics.reference_page > src/carepool/metrics/REFERENCE.md"


def test_every_metric_id_is_documented_with_a_source() -> None:
    page = render()
    documented = [i for i in (*BCF_2015_IDS, *CURRENT_IDS) if f"### `{i}`" in page]
    assert documented == [*BCF_2015_IDS, *CURRENT_IDS]
    assert page.count("- **Source**:") == len(documented)
    assert "Dobson" in page and "Wilson" in page and "Byar" in page
