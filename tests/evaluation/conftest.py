"""Fixtures for the evaluation tests: the public method-paper datasets in tests/fixtures/evaluation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carepool.evaluation.panel import Panel, build_panel
from carepool.evaluation.scm import Predictor

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "evaluation"
BASQUE = "Basque Country (Pais Vasco)"


@pytest.fixture(scope="session")
def basque() -> Panel:
    df = pd.read_csv(FIXTURES / "basque.csv")
    df["year"] = df["year"].astype(int)
    covs = [c for c in df.columns if c not in ("regionno", "regionname", "year", "gdpcap")]
    return build_panel(df, unit="regionname", time="year", outcome="gdpcap", covariates=covs)


@pytest.fixture(scope="session")
def basque_predictors() -> list[Predictor]:
    """Abadie & Gardeazabal's predictors (as in R Synth's example and pysyncon's test)."""
    school = ["school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest"]
    sectors = ["sec.agriculture", "sec.energy", "sec.industry", "sec.construction",
               "sec.services.venta", "sec.services.nonventa"]
    return ([Predictor(v, 1964, 1969) for v in school] + [Predictor("gdpcap", 1960, 1969)]
            + [Predictor(v, 1961, 1969) for v in sectors] + [Predictor("popdens", 1969, 1969)])


@pytest.fixture(scope="session")
def mpdta() -> Panel:
    df = pd.read_csv(FIXTURES / "mpdta.csv")
    return build_panel(df, unit="countyreal", time="year", outcome="lemp", start="first.treat",
                       covariates=["lpop"])
