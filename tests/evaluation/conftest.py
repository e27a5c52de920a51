"""Fixtures for the evaluation tests: mpdta (from moderndid's package data) and a seeded
synthetic-control panel with a known answer. Nothing here is copied from another repository."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carepool.evaluation.panel import Panel, build_panel
from carepool.evaluation.scm import Predictor

TREATED = "Treated region"
DONORS = tuple(f"Region {i:02d}" for i in range(1, 18))
PLANTED = {"Region 03": 0.7, "Region 11": 0.3}      # the treated region's true donor weights
PLANTED_EFFECT = -0.6


@pytest.fixture(scope="session")
def factor_frame() -> pd.DataFrame:
    """A seeded factor-model panel like the method papers' (17 donors, 1955-1997, start 1970):
    the treated region is a known convex combination of two donors, then loses 0.6 a year."""
    rng = np.random.default_rng(2003)
    years = np.arange(1955, 1998)
    factors = np.vstack([np.linspace(3, 9, years.size), np.sin(years / 4.0), np.cos(years / 7.0)])
    loadings = {d: rng.uniform([0.5, -1, -1], [1.5, 1, 1]) for d in DONORS}
    traits = {d: rng.uniform(0, 10, size=3) for d in DONORS}
    loadings[TREATED] = sum(w * loadings[d] for d, w in PLANTED.items())
    traits[TREATED] = sum(w * traits[d] for d, w in PLANTED.items())
    rows = []
    for unit in (*DONORS, TREATED):
        path = loadings[unit] @ factors + rng.normal(0, 0.02, years.size)
        if unit == TREATED:
            path = path + PLANTED_EFFECT * (years >= 1970)
        for j, year in enumerate(years):
            school, invest, industry = traits[unit] + rng.normal(0, 0.01, 3)
            rows.append({"region": unit, "year": int(year), "gdpcap": path[j], "school": school,
                         "invest": invest, "industry": industry})
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def regions(factor_frame: pd.DataFrame) -> Panel:
    return build_panel(factor_frame, unit="region", time="year", outcome="gdpcap",
                       covariates=["school", "invest", "industry"])


@pytest.fixture(scope="session")
def region_predictors() -> list[Predictor]:
    return ([Predictor(v, 1964, 1969) for v in ("school", "invest", "industry")]
            + [Predictor("gdpcap", 1960, 1969)])


@pytest.fixture(scope="session")
def mpdta() -> Panel:
    import moderndid
    df = moderndid.load_mpdta().to_pandas()   # R did's mpdta, shipped in moderndid's package data (PyPI)
    return build_panel(df, unit="countyreal", time="year", outcome="lemp", start="first.treat",
                       covariates=["lpop"])
