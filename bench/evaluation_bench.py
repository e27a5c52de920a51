"""Synthetic control with full in-space placebos: carepool versus pysyncon (issue 5 benchmark).

151 areas x 60 months x 4 metrics (a seeded factor model shaped like the real series: the
fund starts at month 37, April 2015). carepool runs every metric with
full placebos (151 fits each); pysyncon is timed on a sample of the same fits (its per-fit
time is long) and extrapolated, and the weights of those fits are compared.

    .venv/bin/python bench/evaluation_bench.py [--pysyncon-fits 2] [--spec path|years]
    .venv/bin/python bench/evaluation_bench.py --national
    .venv/bin/python bench/evaluation_bench.py --real-exposures

``--real-exposures`` times the whole real-exposure evaluation (the default report of
``carepool evaluate report``: the three real exposures' designs, the England ITS, the report).

``--national`` times the whole national evaluation on the REAL published series, as the demo
runs it: all 151 areas, April 2012 onwards, the four metrics; ITS for England, synthetic
control with full in-space placebos, staggered DiD and controlled ITS on the dose contrast,
planned versus actual and the HTML report (target: under 30 s). The plans that give the doses
and the planned side are generated first (illustrative, not timed).

``--spec path`` (default) matches each of the 36 pre months with the same fixed, equal V on
both sides (R Synth's custom.v), so the weights are identified and comparable; ``--spec years``
uses three pre-year means with the nested V search, where the weights of a unit inside the
donors' convex hull are not unique, so only the outer loss is comparable.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from pysyncon import Dataprep, Synth

from carepool.evaluation.panel import Panel
from carepool.evaluation.scm import Predictor, synthetic_control

UNITS, MONTHS, START, METRICS = 151, 60, 37, 4
YEARS = [(1, 12), (13, 24), (25, 36)]


def make_panel(seed: int) -> Panel:
    rng = np.random.default_rng(seed)
    t = np.arange(MONTHS)
    factors = np.vstack([np.ones(MONTHS), t / 12, np.sin(2 * np.pi * t / 12), rng.normal(0, 1, MONTHS).cumsum() / 5])
    loadings = rng.lognormal(0, 0.3, size=(UNITS, 4)) * np.array([100, 5, 8, 3])
    y = loadings @ factors + rng.normal(0, 2, size=(UNITS, MONTHS))
    return Panel(tuple(f"u{i:03d}" for i in range(UNITS)), tuple(range(1, MONTHS + 1)), "y", y)


def windows(spec: str) -> list[tuple[int, int]]:
    """'path': every pre month is a predictor (outcome-path matching); 'years': pre-year means."""
    return [(m, m) for m in range(1, START)] if spec == "path" else YEARS


def predictors(spec: str) -> list[Predictor]:
    return [Predictor("y", a, b) for a, b in windows(spec)]


def pysyncon_fit(panel: Panel, treated: str, donors: list[str], spec: str,
                 fixed_v: bool) -> tuple[float, dict[str, float], dict[str, float] | None]:
    """Time pysyncon's fit; with a fixed V also solve its QP to a tight tolerance (ftol 1e-14),
    because its default SLSQP stops early on these flat problems."""
    df = pd.DataFrame([(u, p, panel.outcome[i, j]) for i, u in enumerate(panel.units)
                       for j, p in enumerate(panel.periods)], columns=["unit", "time", "y"])
    wins = windows(spec)
    first, rest = wins[0], wins[1:]
    prep = Dataprep(foo=df, predictors=["y"], predictors_op="mean", dependent="y",
                    unit_variable="unit", time_variable="time", treatment_identifier=treated,
                    controls_identifier=donors, time_predictors_prior=range(first[0], first[1] + 1),
                    time_optimize_ssr=range(1, START),
                    special_predictors=[("y", range(a, b + 1), "mean") for a, b in rest])
    began = time.perf_counter()
    synth = Synth()
    synth.fit(dataprep=prep, custom_V=np.ones(len(wins)) / len(wins) if fixed_v else None)
    took = time.perf_counter() - began
    tight = None
    if fixed_v:
        x0, x1 = prep.make_covariate_mats()
        both = pd.concat([x0, x1], axis=1)
        scaled = both.divide(both.std(axis=1), axis=0)
        w, _ = Synth.w_optimize(np.diag(np.ones(len(wins)) / len(wins)),
                                scaled.drop(columns=x1.name).to_numpy(), scaled[x1.name].to_numpy(),
                                qp_options={"maxiter": 10000, "ftol": 1e-14})
        tight = dict(zip(x0.columns, w, strict=True))
    return took, dict(synth.weights(round=12)), tight


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pysyncon-fits", type=int, default=2, help="pysyncon fits to time (0: skip)")
    parser.add_argument("--spec", choices=["path", "years"], default="path",
                        help="path: 36 monthly predictors, fixed equal V (weights identified); "
                             "years: 3 pre-year means, V by nested search")
    parser.add_argument("--national", action="store_true",
                        help="time the whole national evaluation on the real series instead")
    parser.add_argument("--real-exposures", action="store_true",
                        help="time the whole real-exposure evaluation and its report instead")
    args = parser.parse_args()
    if args.national:
        national()
        return
    if args.real_exposures:
        real_exposures()
        return
    args.fixed_v = args.spec == "path"
    k = len(windows(args.spec))
    v = [1 / k] * k if args.fixed_v else None
    panels = [make_panel(seed) for seed in range(METRICS)]
    began = time.perf_counter()
    results = [synthetic_control(p, "u000", START, predictors=predictors(args.spec), fit_period=(1, START - 1),
                                 placebos=True, v_weights=v) for p in panels]
    ours = time.perf_counter() - began
    fits = METRICS * UNITS
    print(f"mode: {'fixed V' if args.fixed_v else 'nested V search'}")
    print(f"carepool: {METRICS} metrics x {UNITS} fits (treated + placebos) in {ours:.2f} s "
          f"({ours / fits * 1000:.1f} ms per fit)")
    if not args.pysyncon_fits:
        return
    panel, result = panels[0], results[0]
    ref_times, worst, worst_tight = [], 0.0, 0.0
    donors = [u for u in panel.units if u != "u000"]
    for k in range(args.pysyncon_fits):
        if k == 0:
            took, weights, tight = pysyncon_fit(panel, "u000", donors, args.spec, args.fixed_v)
            mine = result.fits[0].weights
        else:   # a placebo: donor k treated against the other donors
            placebo = donors[k - 1]
            took, weights, tight = pysyncon_fit(panel, placebo, [d for d in donors if d != placebo],
                                         args.spec, args.fixed_v)
            mine = synthetic_control(panel, placebo, START, predictors=predictors(args.spec),
                                     donors=[d for d in donors if d != placebo], v_weights=v,
                                     fit_period=(1, START - 1), placebos=False).fits[0].weights
        diff = max(abs(weights.get(u, 0.0) - w) for u, w in mine.items())
        worst = max(worst, diff)
        ref_times.append(took)
        note = ""
        if tight is not None:
            d_tight = max(abs(tight.get(u, 0.0) - w) for u, w in mine.items())
            worst_tight = max(worst_tight, d_tight)
            note = f"; against pysyncon's QP at ftol 1e-14: {d_tight:.5f}"
        print(f"  pysyncon fit {k + 1}: {took:.1f} s, max weight difference {diff:.4f}{note}")
    per_fit = float(np.mean(ref_times))
    print(f"pysyncon: {per_fit:.1f} s per fit -> {per_fit * fits:.0f} s extrapolated for the same run")
    print(f"speed ratio (pysyncon / carepool): {per_fit * fits / ours:.0f}x; "
          f"largest weight difference {worst:.4f} (default pysyncon)")
    if args.fixed_v:
        print(f"largest weight difference against pysyncon's QP solved tightly: {worst_tight:.5f} "
              f"({'within' if worst_tight <= 0.01 else 'OUTSIDE'} 0.01)")
    else:
        fit = result.fits[0]
        balance = abs(np.array(fit.actual) - np.array(fit.synthetic))[:START - 1]
        print(f"nested mode: weights are not unique when the treated unit lies inside the donors' hull; "
              f"carepool's pre-period RMSPE {float(np.sqrt(np.mean(balance ** 2))):.4f}")


def national() -> None:
    import tempfile
    from pathlib import Path

    from carepool.demo.evaluation_step import run_demo_step
    from carepool.demo.plans_step import run_plans_step
    from carepool.store.db import open_store

    with tempfile.TemporaryDirectory(prefix="carepool-bench-") as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        run_plans_step(store, seed=1, progress=lambda _m: None)
        began = time.perf_counter()
        out = run_demo_step(store, Path(tmp), "bcf-2015-16", lambda m: print(f"  {m}"))
        took = time.perf_counter() - began
        size = Path(out["report"]).stat().st_size
        store.dispose()
    print(f"national evaluation (all estimators, 4 metrics, 151 areas, the report of {size / 1e6:.1f} MB): "
          f"{took:.1f} s; target under 30 s: {'met' if took < 30 else 'NOT met'}")


def real_exposures() -> None:
    """The report ``carepool evaluate report`` writes by default: England ITS and verdict, the three
    real exposures (pioneers: DiD + synthetic control with placebos; vanguards: DiD; discharge
    fund: ITS + controlled ITS), all from the shipped files, in a fresh process (no cache)."""
    from carepool.services import evaluation

    began = time.perf_counter()
    parts = {}
    for name in evaluation.EXPOSURE_NAMES:
        t = time.perf_counter()
        evaluation.real_exposure(name)
        parts[name] = time.perf_counter() - t
    report = evaluation.build_evidence(evaluation.ReportRequest())
    took = time.perf_counter() - began
    for name, secs in parts.items():
        print(f"  {name}: {secs:.1f} s")
    size = len(report.html) / 1e3
    print(f"real-exposure evaluation (3 exposures, England ITS and verdict, the report of {size:.0f} kB): "
          f"{took:.1f} s; target under 30 s: {'met' if took < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
