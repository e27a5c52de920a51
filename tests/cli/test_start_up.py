"""Every `carepool` command starts without loading the statistics libraries: only the commands
that estimate (`carepool evaluate ...`) load statsmodels and scipy, when they run."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("statsmodels", "scipy")


def test_the_cli_starts_without_the_estimators() -> None:
    code = ("import sys, carepool.cli.main\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"importing the CLI loaded {loaded}"


def test_the_evaluation_package_loads_a_design_on_first_use() -> None:
    code = ("import sys, carepool.evaluation as e\n"
            "before = 'statsmodels' in sys.modules\n"
            "e.interrupted_time_series\n"
            "print(before, 'statsmodels' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
