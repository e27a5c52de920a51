"""The national evaluation on the real area x month series."""

from __future__ import annotations

import pytest

from carepool.errors import InputError
from carepool.evaluation.national import national_evaluation
from carepool.evaluation.real_panels import real_series
from carepool.reference import load_reference


def test_real_series_panels_and_exclusions() -> None:
    dd = real_series("delayed_days")
    assert dd.panel.periods[0] == "2012-04" and len(dd.panel.periods) == 60
    assert len(dd.england) == 60
    # Isle of Wight and City of London have blank cells in the window: left out and named
    assert set(dd.excluded_areas) == {"E06000046", "E09000001"}
    assert len(dd.panel.units) == 149
    adm = real_series("emergency_admissions")
    assert adm.panel.periods[0] == "2013-04" and len(adm.england) == 60
    with pytest.raises(InputError, match="metric must be one of"):
        real_series("falls")


def test_its_only_without_doses() -> None:
    result = national_evaluation()
    assert result.doses_basis == "none"
    assert set(result.metrics) == {"emergency_admissions", "delayed_days", "delayed_days_nhs",
                                   "delayed_days_social_care"}
    for metric in result.metrics:
        m = result.metrics[metric]
        assert m.scm is None and m.did is None and m.controlled_its is None
        assert m.its_england.start == "2015-04" and len(m.its_england.periods) == 60
        assert m.its_england.rate_ratio is not None


def test_dose_contrast_runs_every_design() -> None:
    ref = load_reference()
    # a deterministic, obviously illustrative dose: larger areas pooled more
    ranked = sorted(ref.areas, key=lambda a: ref.areas[a].population_all_ages)
    doses = {a: 0.1 + 0.3 * i / len(ranked) for i, a in enumerate(ranked)}
    result = national_evaluation(doses, doses_basis="illustrative test doses",
                                 metrics=("delayed_days",))
    m = result.metrics["delayed_days"]
    assert m.scm is not None and m.did is not None and m.controlled_its is not None
    assert len(m.high_dose_areas) == 74
    assert {f.unit for f in m.scm.fits} == set(m.high_dose_areas)
    assert m.did.aggregation == "dynamic" and m.did.n_units == 149
    assert m.controlled_its.controlled
    assert any("illustrative test doses" in n for n in result.notes)
    with pytest.raises(InputError, match="unknown area code"):
        national_evaluation({"E99999999": 0.2})
