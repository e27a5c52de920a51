"""Demo step: person-level data for all 151 areas, the BCF metrics, and the payment feed.

Generates three financial years (2014-15 to 2016-17) at full England scale, about 17 million
emergency spells, calibrated to the published MAR and DToC series (about 15-30 s on two
cores), computes BCF1-BCF4 and the current metrics on DuckDB (a second or two) and returns each area's quarterly
emergency admissions for 2015-16, which payment for performance compares with the plans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from carepool.engines.compute import quarterly_emergency_admissions
from carepool.metrics.sql import ENGLAND
from carepool.services import person_data

YEARS = (2014, 2015, 2016)
PAYMENT_YEAR = "2015"


def run_demo_step(out_dir: Path, seed: int, progress: Callable[[str], None], *,
                  areas: str | Sequence[str] = "all", years: Sequence[int] = YEARS) -> dict[str, Any]:
    """Write ``<out_dir>/activity`` (data, effects, metrics.parquet) and return the summary.

    ``areas`` and ``years`` default to the full demo; tests pass a smaller slice."""
    data = Path(out_dir) / "activity" / "data"
    progress(f"activity: generating person-level data, all areas, financial years "
             f"{years[0]}-{(years[0] + 1) % 100:02d} to {years[-1]}-{(years[-1] + 1) % 100:02d}")
    made = person_data.synthesise(data, areas, years, seed, progress=lambda m: progress(f"activity: {m}"))
    progress("activity: computing BCF1-BCF4 and the current metrics on DuckDB (monthly, quarterly, yearly)")
    table, metrics_path = person_data.compute(data, Path(out_dir) / "activity" / "metrics.parquet")
    feed = quarterly_emergency_admissions(data)
    quarters = {k: v for k, v in feed.items() if k[1].startswith(PAYMENT_YEAR + "Q")}
    england = {
        r["metric"]: {"numerator": r["numerator"], "denominator": r["denominator"], "value": r["value"],
                      "unit": r["unit"]}
        for r in table.to_pylist()
        if r["grain"] == "year" and r["period"] == "2015-16" and r["area_code"] == ENGLAND
    }
    progress(f"activity: England 2015-16 emergency admissions {england['BCF1']['numerator']:,}; "
             f"delayed days {england['BCF4']['numerator']:,}; "
             f"{len(made.effects)} areas with a planted true effect")
    return {
        "data_dir": str(data),
        "metrics_file": str(metrics_path),
        "years": [f"{y}-{(y + 1) % 100:02d}" for y in years],
        "rows": made.rows,
        "metric_rows": table.num_rows,
        "england_2015_16": england,
        "quarterly_admissions": quarters,
        "areas": len({a for a, _ in quarters}),
        "true_effects": [e.as_dict() for e in made.effects],
        "max_untreated_gap": made.max_untreated_gap,
        "findings": len(made.findings),
        "generate_seconds": round(made.seconds, 1),
    }
