"""Area x period panels: the one input shape every estimator takes.

A panel is validated once, here, so estimators can trust it: every unit has every period
exactly once, outcomes are numbers, and treatment timing is one value per unit. Errors
name the column and the rows to fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carepool.errors import InputError

Period = int | str

_NEVER = {"", "0", "never", "none", "nan", "na"}
_MAX_LISTED = 5


@dataclass(frozen=True)
class Panel:
    """A balanced unit x period panel (rows: units, columns: periods)."""

    units: tuple[str, ...]
    periods: tuple[Period, ...]
    outcome_name: str
    outcome: np.ndarray                      # shape (units, periods)
    start: tuple[Period | None, ...] = ()    # first treated period per unit (None: never)
    dose: np.ndarray | None = None           # share of budget pooled, per unit
    covariates: Mapping[str, np.ndarray] = field(default_factory=dict)  # each (units, periods)

    def __post_init__(self) -> None:
        if not self.start:
            object.__setattr__(self, "start", (None,) * len(self.units))
        shape = (len(self.units), len(self.periods))
        if np.shape(self.outcome) != shape or len(self.start) != shape[0]:
            raise InputError(f"panel of {shape[0]} units x {shape[1]} periods needs an outcome of that "
                             f"shape (got {np.shape(self.outcome)}) and one start per unit")
        if not np.isfinite(self.outcome).all():
            i, j = (int(v[0]) for v in np.nonzero(~np.isfinite(self.outcome)))
            raise InputError(f"outcome '{self.outcome_name}' is missing for {self.units[i]} {self.periods[j]}")

    def index_of_unit(self, unit: str) -> int:
        try:
            return self.units.index(unit)
        except ValueError:
            raise InputError(f"unit '{unit}' is not in the panel (has {_listed(self.units)})") from None

    def index_of_period(self, period: Period | str) -> int:
        for i, p in enumerate(self.periods):
            if str(p) == str(period):
                return i
        raise InputError(f"period '{period}' is not in the panel (runs {self.periods[0]} to "
                         f"{self.periods[-1]})")

    def start_index(self) -> np.ndarray:
        """First treated period's column per unit; -1 for never treated."""
        return np.array([-1 if s is None else self.index_of_period(s) for s in self.start])

    def variable(self, name: str) -> np.ndarray:
        """The outcome or a covariate by name."""
        if name == self.outcome_name:
            return self.outcome
        if name in self.covariates:
            return self.covariates[name]
        raise InputError(f"no variable '{name}' (have {self.outcome_name}"
                         f"{', ' if self.covariates else ''}{', '.join(self.covariates)})")

    def with_start(self, start: Mapping[str, Period | None]) -> Panel:
        """The same panel with new treatment timing (units not named: never treated)."""
        for unit, period in start.items():
            self.index_of_unit(unit)
            if period is not None:
                self.index_of_period(period)
        return Panel(self.units, self.periods, self.outcome_name, self.outcome,
                     tuple(start.get(u) for u in self.units), self.dose, self.covariates)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV into a frame of strings; unreadable files are an InputError."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError("file not found", where=str(path)) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV ({exc})", where=str(path)) from exc


def build_panel(
    data: pd.DataFrame | str | Path,
    *,
    unit: str,
    time: str,
    outcome: str,
    start: str | None = None,
    dose: str | None = None,
    covariates: Sequence[str] = (),
) -> Panel:
    """Validate long data (one row per unit and period) and pivot it into a Panel.

    ``start`` names a column with each unit's first treated period (blank/0/never for
    never-treated); ``dose`` a column with the share of budget pooled (0-1).
    """
    frame = read_table(data) if isinstance(data, str | Path) else data.astype(object).fillna("").astype(str)
    where = str(data) if isinstance(data, str | Path) else None
    needed = [unit, time, outcome, *([start] if start else []), *([dose] if dose else []), *covariates]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; the file has "
                         f"{', '.join(map(str, frame.columns))}", where=where)
    if frame.empty:
        raise InputError("no rows", where=where)
    frame = frame.reset_index(drop=True)
    rows = frame.index.to_numpy() + 2   # CSV line numbers (header is line 1)
    blank_keys = (frame[unit].str.strip() == "") | (frame[time].str.strip() == "")
    if blank_keys.any():
        raise InputError(f"blank {unit} or {time} on row(s) {_listed(rows[blank_keys.to_numpy()])}",
                         where=where)
    dup = frame.duplicated([unit, time], keep=False).to_numpy()
    if dup.any():
        raise InputError(f"duplicate ({unit}, {time}) on row(s) {_listed(rows[dup])}", where=where)
    periods = _sorted_periods(frame[time])
    values = {name: _numeric(frame[name], name, rows, where, allow_blank=name != outcome)
              for name in (outcome, *covariates)}
    units = tuple(sorted(frame[unit].unique()))
    col = {str(p): j for j, p in enumerate(periods)}
    ui = {u: i for i, u in enumerate(units)}
    r = frame[unit].map(ui).to_numpy()
    c = frame[time].map(lambda p: col[str(p).strip()]).to_numpy()
    have = np.zeros((len(units), len(periods)), dtype=bool)
    have[r, c] = True
    if not have.all():
        gaps = [f"{units[i]} {periods[j]}" for i, j in zip(*np.nonzero(~have), strict=True)]
        raise InputError(f"panel has gaps: no row for {_listed(gaps)} ({len(gaps)} missing "
                         f"unit-period(s)); every {unit} needs every {time}", where=where)
    mats = {}
    for name, v in values.items():
        m = np.empty((len(units), len(periods)))
        m[r, c] = v
        mats[name] = m
    starts: tuple[Period | None, ...] = ()
    if start:
        starts = _per_unit(frame, unit, start, units, rows, where, _parse_start(periods))
    doses = None
    if dose:
        parsed = _per_unit(frame, unit, dose, units, rows, where, _parse_dose)
        doses = np.array(parsed, dtype=float)
    return Panel(units, periods, outcome, mats[outcome], starts, doses,
                 {n: mats[n] for n in covariates})


def _listed(items: Any) -> str:
    items = [str(i) for i in items]
    more = f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else ""
    return ", ".join(items[:_MAX_LISTED]) + more


def _sorted_periods(column: pd.Series) -> tuple[Period, ...]:
    labels = sorted({str(v).strip() for v in column})
    if all(s.lstrip("-").isdigit() for s in labels):
        return tuple(sorted(int(s) for s in labels))
    return tuple(labels)


def _numeric(column: pd.Series, name: str, rows: np.ndarray, where: str | None,
             *, allow_blank: bool = False) -> np.ndarray:
    """Numbers; covariates may be blank (NaN, e.g. measured only some years), outcomes not."""
    text = column.str.replace(",", "").str.strip()
    parsed = pd.to_numeric(text, errors="coerce").to_numpy(float)
    bad = ~np.isfinite(parsed)
    if allow_blank:
        bad &= ~text.str.lower().isin(["", "nan", "na"]).to_numpy()
    if bad.any():
        shown = [f"{rows[i]} ('{column.iloc[i]}')" for i in np.nonzero(bad)[0][:_MAX_LISTED]]
        raise InputError(f"column '{name}' is not a number on row(s) {', '.join(shown)}"
                         f"{' and more' if bad.sum() > _MAX_LISTED else ''}", where=where)
    return parsed


def _parse_start(periods: tuple[Period, ...]) -> Any:
    known = {str(p): p for p in periods}

    def parse(text: str) -> Period | None:
        text = text.strip()
        if text.lower() in _NEVER:
            return None
        if text not in known:
            raise ValueError(f"'{text}' is not one of the panel's periods")
        return known[text]

    return parse


def _parse_dose(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"'{text}' is not a share between 0 and 1")
    return value


def _per_unit(frame: pd.DataFrame, unit: str, column: str, units: tuple[str, ...],
              rows: np.ndarray, where: str | None, parse: Any) -> tuple[Any, ...]:
    out = []
    for u in units:
        mask = (frame[unit] == u).to_numpy()
        distinct = sorted(set(frame.loc[mask, column].str.strip()))
        if len(distinct) > 1:
            raise InputError(f"column '{column}' must be one value per {unit}, but {u} has "
                             f"{_listed(distinct)} (rows {_listed(rows[mask])})", where=where)
        try:
            out.append(parse(distinct[0]))
        except ValueError as exc:
            raise InputError(f"column '{column}' for {unit} {u} (row {rows[mask][0]}): {exc}",
                             where=where) from None
    return tuple(out)
