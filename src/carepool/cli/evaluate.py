"""`carepool evaluate`: run the evaluation designs on an analyst's own CSV, or the national
planned-versus-actual table on the real published series."""

from __future__ import annotations

# the estimators (statsmodels, scipy, pandas) are imported inside each command, so that every other
# `carepool` command starts without loading them
from pathlib import Path
from typing import Any

import typer

from carepool.cli.common import console, handled, print_json
from carepool.errors import InputError
from carepool.evaluation.choices import AGGREGATIONS, CONTROLS, DEFAULTS, ERRORS, FAMILIES, METHODS, SEASONALITY
from carepool.money import Money

GROUP_NAME = "evaluate"
group = typer.Typer(help="Evaluate the fund: synthetic control, staggered DiD, ITS, planned vs actual.",
                    no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print the full result as JSON.")


def _period(text: str) -> int | str:
    return int(text) if text.strip().lstrip("-").isdigit() else text.strip()


def _one_of(choices: tuple[str, ...]) -> str:
    return " | ".join(choices)


def _show(result: Any, as_json: bool) -> None:
    """An estimate as JSON, or its own summary (the estimator's words, not re-formatted here)."""
    if as_json:
        from carepool.evaluation.results import to_jsonable
        print_json(to_jsonable(result))
    else:
        console.print(result.summary(), markup=False)


@group.command("scm")
def scm(
    panel_csv: Path = typer.Argument(..., help="Long CSV: one row per unit and period."),
    unit: str = typer.Option(..., "--unit"), time: str = typer.Option(..., "--time"),
    outcome: str = typer.Option(..., "--outcome"),
    treated: list[str] = typer.Option(..., "--treated", help="Treated unit (repeat for several)."),
    start: str = typer.Option(..., "--start", help="First treated period."),
    predictor: list[str] = typer.Option([], "--predictor", help="VAR:FROM-TO:mean (repeatable)."),
    fit_period: str | None = typer.Option(None, "--fit-period", help="FROM-TO for choosing V."),
    placebos: bool = typer.Option(DEFAULTS["placebos"], "--placebos/--no-placebos",
                                  help="In-space placebo inference (SE and p-value)."),
    leave_one_out: bool = typer.Option(DEFAULTS["leave_one_out"], "--leave-one-out/--no-leave-one-out"),
    as_json: bool = JSON,
) -> None:
    """Synthetic control (Abadie et al.); outcome-path matching when no --predictor is given."""
    from carepool.evaluation.panel import build_panel
    from carepool.evaluation.scm import Predictor, synthetic_control
    with handled():
        preds = [Predictor.parse(p) for p in predictor]
        variables = sorted({p.variable for p in preds} - {outcome})
        panel = build_panel(panel_csv, unit=unit, time=time, outcome=outcome, covariates=variables)
        fit = None
        if fit_period:
            parsed = Predictor.parse(f"x:{fit_period}")
            fit = (parsed.start, parsed.end)
        result = synthetic_control(panel, treated, _period(start), predictors=preds, fit_period=fit,
                                   placebos=placebos, leave_one_out=leave_one_out)
        _show(result, as_json)


@group.command("did")
def did(
    panel_csv: Path = typer.Argument(...),
    unit: str = typer.Option(..., "--unit"), time: str = typer.Option(..., "--time"),
    outcome: str = typer.Option(..., "--outcome"),
    cohort: str = typer.Option(..., "--cohort", help="Column: first treated period (0/blank never)."),
    control: str = typer.Option(DEFAULTS["control"], "--control", help=_one_of(CONTROLS)),
    aggregate: str = typer.Option(DEFAULTS["aggregation"], "--aggregate", help=_one_of(AGGREGATIONS)),
    covariate: list[str] = typer.Option([], "--covariate", help="Covariate (repeatable)."),
    method: str | None = typer.Option(None, "--method", help=f"{_one_of(METHODS)} "
                                      "(default: doubly-robust with covariates, else unconditional)"),
    bootstrap: int = typer.Option(DEFAULTS["bootstrap"], "--bootstrap",
                                  help="Multiplier-bootstrap draws (0: analytic); "
                                       "the headline SE is then the bootstrap's."),
    as_json: bool = JSON,
) -> None:
    """Staggered difference-in-differences (Callaway & Sant'Anna)."""
    from carepool.evaluation.did import callaway_santanna
    from carepool.evaluation.panel import build_panel
    with handled():
        panel = build_panel(panel_csv, unit=unit, time=time, outcome=outcome, start=cohort,
                            covariates=covariate)
        result = callaway_santanna(panel, control=control, aggregation=aggregate, method=method,
                                   covariates=covariate, bootstrap=bootstrap)
        _show(result, as_json)


@group.command("its")
def its(
    series_csv: Path = typer.Argument(...),
    time: str = typer.Option(..., "--time"), outcome: str = typer.Option(..., "--outcome"),
    start: str = typer.Option(..., "--start"),
    offset: str | None = typer.Option(None, "--offset", help="Population column (log offset)."),
    family: str = typer.Option(DEFAULTS["family"], "--family", help=_one_of(FAMILIES)),
    seasonality: str = typer.Option(DEFAULTS["seasonality"], "--seasonality", help=_one_of(SEASONALITY)),
    hac_lags: int | None = typer.Option(None, "--hac-lags"),
    errors: str = typer.Option(DEFAULTS["errors"], "--errors",
                               help=f"{_one_of(ERRORS)}: latent-ar1 is count noise plus a latent AR(1), REML "
                                    "(near-nominal coverage); prewhitened is Newey-West with AR(1) prewhitening"),
    as_json: bool = JSON,
) -> None:
    """Interrupted time series (segmented regression; latent AR(1) errors unless --errors says otherwise)."""
    from carepool.evaluation.its import its_from_table
    with handled():
        result = its_from_table(series_csv, time=time, outcome=outcome, start=_period(start),
                                offset=offset, family=family, seasonality=seasonality, hac_lags=hac_lags,
                                errors=errors)
        _show(result, as_json)


@group.command("planned-vs-actual")
def planned_actual(
    plans: Path | None = typer.Option(None, "--plans", help="CSV: area_code, planned_reduction, "
                                      "delayed_days_reduction (one row per area)."),
    as_json: bool = JSON,
) -> None:
    """Planned versus actual change 2014-15 to 2015-16 (actual side: the real published series)."""
    from carepool.evaluation.planned_vs_actual import actual_changes, planned_vs_actual
    from carepool.evaluation.results import to_jsonable
    from carepool.services import evaluation
    with handled():
        actuals = actual_changes()
        planned = evaluation.read_planned_changes(plans) if plans else []
        table = planned_vs_actual(planned, actuals)
        if as_json:
            print_json(to_jsonable(table))
            return
        console.print(f"England, {actuals.year_before} to {actuals.year_after}"
                      f"{'' if plans else ' (no plans given: planned side empty)'}")
        for row in table.rows:
            console.print(f"  {row.metric}: planned {row.planned_change:+,.0f} (saving "
                          f"{row.planned_saving.millions()}), actual {row.actual_change:+,.0f} "
                          f"({row.worse_than_plan.millions()} worse than plan)")
        console.print(f"  unit costs: {table.costs.admission_basis}; {table.costs.delayed_day_basis} "
                      f"({table.costs.delayed_day})")


@group.command("report")
def report(
    out: Path = typer.Option(..., "--out", help="Folder for index.html (created if missing)."),
    doses: Path | None = typer.Option(None, "--doses", help="CSV: area_code, dose (share pooled, 0-1)."),
    doses_basis: str = typer.Option("given by the analyst", "--doses-basis",
                                    help="What the doses are, printed in the report (e.g. illustrative)."),
    plans: Path | None = typer.Option(None, "--plans", help="CSV of per-area planned changes."),
    plans_basis: str = typer.Option("given by the analyst", "--plans-basis"),
    performance_sum: int | None = typer.Option(
        None, "--performance-sum", help="Pounds (default: the published £253m, PAC 2015, cited in the report)."),
    confidence: float = typer.Option(0.95, "--confidence"),
    exposure: list[str] = typer.Option(
        [], "--exposure", help="Real exposure to evaluate: pioneers | vanguards | discharge-fund (repeatable; "
        "default: all three; 'none' for none)."),
) -> None:
    """Write the self-contained HTML evidence report with its verdict, from the real series."""
    from carepool.evaluation.report import DecisionRule
    from carepool.services import evaluation
    with handled():
        if not 0.5 < confidence < 1:
            raise InputError(f"--confidence must be between 0.5 and 1, not {confidence}")
        names = tuple(evaluation.EXPOSURE_NAMES) if not exposure else tuple(e for e in exposure if e != "none")
        unknown = [e for e in names if e not in evaluation.EXPOSURE_NAMES]
        if unknown:
            raise InputError(f"--exposure must be one of {', '.join(evaluation.EXPOSURE_NAMES)} (or none), "
                             f"not {', '.join(unknown)}")
        rule = DecisionRule(confidence=confidence)
        if performance_sum is not None:
            rule = DecisionRule(confidence=confidence, performance_sum=Money.pounds(performance_sum),
                                performance_sum_basis="given by the analyst", performance_sum_url="")
        request = evaluation.ReportRequest(
            rule=rule, exposures=names,
            doses=evaluation.read_doses(doses) if doses else None,
            doses_basis=doses_basis if doses else "none",
            planned=evaluation.read_planned_changes(plans) if plans else (),
            plans_basis=plans_basis if plans else "none")
        result = evaluation.build_evidence(request)
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text(result.html, encoding="utf-8")
        for evaluated in result.exposures:
            for line in evaluated.headlines():
                console.print(f"  {line}", markup=False)
        console.print(f"verdict: [bold]{result.verdict.decision}[/bold] ({result.verdict.reason}); "
                      f"wrote {out / 'index.html'}")


@group.command("exposures")
def exposures(as_json: bool = JSON) -> None:
    """List the real exposures shipped as reference data (validated), with their sources."""
    from carepool.evaluation.results import to_jsonable
    from carepool.services import evaluation
    with handled():
        rows = evaluation.list_exposures()
        if as_json:
            print_json(to_jsonable(rows))
            return
        for r in rows:
            console.print(f"[bold]{r.name}[/bold] ({r.file}): {r.rows} rows; {r.units}; starts {r.starts}; "
                          f"{r.sources} source(s); {r.published_findings} published finding(s) to compare with")
