"""The quarterly return's documented JSON shape: the CLI file, the API body and the web form.

``return_from_dict`` reads it with a finding for every bad field (never stopping at the first);
``return_to_dict`` writes it with amounts in whole pence, exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from carepool.errors import InputError
from carepool.findings import Finding, error
from carepool.money import Money, parse_money
from carepool.plans.quarterly_return import (
    ConditionAnswer,
    PoolLine,
    QuarterlyReturn,
    SchemeLine,
    parse_period,
)
from carepool.plans.return_metrics import ENTERED, MetricLine


# the documented JSON shape ------------------------------------------------------------------
def return_to_dict(ret: QuarterlyReturn) -> dict[str, Any]:
    """The return as JSON-ready data (amounts in pence, exactly); ``metrics`` only when it has them."""
    out: dict[str, Any] = {
        "area_code": ret.area_code, "year": ret.year, "quarter": ret.quarter,
        "non_elective_admissions": ret.admissions, "delayed_days": ret.delayed_days,
        "pools": [{"pool": p.pool, "income_to_date_pence": p.income_to_date.pence,
                   "expenditure_to_date_pence": p.expenditure_to_date.pence} for p in ret.pools],
        "schemes": [{"scheme": s.scheme, "expenditure_to_date_pence": s.expenditure_to_date.pence}
                    for s in ret.schemes],
        "conditions": [{"id": c.id, "met": c.met, "comment": c.comment} for c in ret.conditions],
        "narrative": ret.narrative, "illustrative": ret.illustrative,
    }
    if ret.metrics:
        out["metrics"] = [metric_to_dict(m) for m in ret.metrics]
    return out


def metric_to_dict(m: MetricLine) -> dict[str, Any]:
    return {"metric": m.metric, "actual": m.actual, "source": m.source, "goal": m.goal, "lower": m.lower,
            "upper": m.upper, "interval": m.interval, "on_track": m.on_track, "narrative": m.narrative}


class _Reader:
    """Reads one JSON object, collecting a finding for every bad field instead of stopping."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.found: list[Finding] = []

    def bad(self, rule: str, message: str, where: str) -> None:
        self.found.append(error(rule, message, file=self.file, field=where))

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.bad("return.missing", f"'{key}' is missing", where)
            return ""
        if not isinstance(value, str):
            self.bad("return.type", f"'{key}' should be text, not {value!r}", where)
            return ""
        return value.strip() if required else value

    def count(self, data: Mapping[str, Any], key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str) and re.fullmatch(r"-?\d[\d,]*", value.strip()):
            return int(value.strip().replace(",", ""))
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.bad("return.count", f"'{value}' is not a whole number", where)
        return None

    def figure(self, data: Mapping[str, Any], key: str, where: str) -> float | None:
        """A metric figure: a number, or text such as '1,234.5' (blank: None)."""
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d[\d,]*(\.\d+)?", value.strip()):
            return float(value.strip().replace(",", ""))
        self.bad("return.figure", f"'{value}' is not a number", where)
        return None

    def money(self, data: Mapping[str, Any], key: str, where: str) -> Money | None:
        """``<key>_pence`` (whole pence) or ``<key>`` (pounds: '1234.56' or a number), read exactly."""
        pence = data.get(f"{key}_pence")
        if pence is not None:
            if isinstance(pence, int) and not isinstance(pence, bool):
                return Money(pence)
            self.bad("return.money", f"'{pence}' is not a whole number of pence", where)
            return None
        value = data.get(key)
        if value is None or value == "":
            self.bad("return.missing", f"'{key}' is missing (pounds, e.g. 1234.56)", where)
            return None
        try:
            return parse_money(value)
        except InputError as exc:
            self.bad("return.money", str(exc), where)
            return None

    def items(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.bad("return.type", f"'{key}' should be a list", key)
            return []
        out: list[Mapping[str, Any]] = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append(item)
            else:
                self.bad("return.type", f"{key}[{i}] should be an object", f"{key}[{i}]")
        return out


def _met(value: object) -> bool | str | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        words = {"yes": True, "true": True, "met": True, "no": False, "false": False, "not met": False, "": None}
        return words.get(value.strip().lower(), value)
    return str(value)


def return_from_dict(data: object, *, file: str | None = None,
                     defaults: Mapping[str, str] | None = None) -> tuple[QuarterlyReturn | None, list[Finding]]:
    """Read the documented JSON shape; a finding for every field that cannot be read.

    Returns None only when ``data`` is not an object; otherwise the return holds what could be
    read (a bad value is left out) so ``validate_return`` can report the rest as well.

    ``defaults`` fills ``area_code`` or ``year`` when the data leaves them out (the web form
    and the API know the area from the address).
    """
    r = _Reader(file)
    if not isinstance(data, Mapping):
        r.bad("return.type", "a quarterly return is a JSON object", "(whole input)")
        return None, r.found
    merged: dict[str, Any] = {**(defaults or {}), **{k: v for k, v in data.items() if v is not None}}
    area = r.text(merged, "area_code", "area_code", required=True).upper()
    year = r.text(merged, "year", "year", required=True)
    raw_quarter = r.text(merged, "quarter", "quarter", required=True)
    quarter = parse_period(raw_quarter) if raw_quarter else None
    if raw_quarter and quarter is None:
        r.bad("return.quarter", f"'{raw_quarter}' is not a quarter like 2015Q1 or 2015-16 Q1", "quarter")
    pools: list[PoolLine] = []
    for i, item in enumerate(r.items(merged, "pools")):
        pool = r.text(item, "pool", f"pools[{i}].pool", required=True)
        income = r.money(item, "income_to_date", f"pools.{pool or i}.income_to_date")
        spent = r.money(item, "expenditure_to_date", f"pools.{pool or i}.expenditure_to_date")
        if pool and income is not None and spent is not None:
            pools.append(PoolLine(pool, income, spent))
    schemes: list[SchemeLine] = []
    for i, item in enumerate(r.items(merged, "schemes")):
        scheme = r.text(item, "scheme", f"schemes[{i}].scheme", required=True)
        spent = r.money(item, "expenditure_to_date", f"schemes.{scheme or i}.expenditure_to_date")
        if scheme and spent is not None:
            schemes.append(SchemeLine(scheme, spent))
    conditions: list[ConditionAnswer] = []
    for i, item in enumerate(r.items(merged, "conditions")):
        cid = r.text(item, "id", f"conditions[{i}].id", required=True)
        met = _met(item.get("met"))
        if isinstance(met, str):
            r.bad("return.condition-met", f"'{met}' is not yes or no", f"conditions.{cid or i}")
            met = None
        if cid:
            conditions.append(ConditionAnswer(cid, met, r.text(item, "comment", f"conditions.{cid}.comment")))
    admissions = r.count(merged, "non_elective_admissions", "admissions")
    delayed = r.count(merged, "delayed_days", "delayed_days")
    narrative = r.text(merged, "narrative", "narrative")
    illustrative = merged.get("illustrative", False) is True
    metrics = _metrics(r, merged)
    # what could be read is returned with the findings, so validation can add what else is wrong
    return QuarterlyReturn(area, year, quarter or raw_quarter.upper(), tuple(pools), tuple(schemes), admissions,
                           delayed, tuple(conditions), narrative, illustrative, tuple(metrics)), r.found


def _metrics(r: _Reader, merged: Mapping[str, Any]) -> list[MetricLine]:
    """The metrics section (current years): the area's figure, judgement and narrative per metric."""
    out: list[MetricLine] = []
    for i, item in enumerate(r.items(merged, "metrics")):
        code = r.text(item, "metric", f"metrics[{i}].metric", required=True)
        where = f"metrics.{code or i}"
        on_track = _met(item.get("on_track"))
        if isinstance(on_track, str):
            r.bad("return.metric-on-track", f"'{on_track}' is not yes or no", f"{where}.on_track")
            on_track = None
        source = r.text(item, "source", f"{where}.source") or ENTERED
        line = MetricLine(code, r.figure(item, "actual", f"{where}.actual"), source,
                          r.figure(item, "goal", f"{where}.goal"), r.figure(item, "lower", f"{where}.lower"),
                          r.figure(item, "upper", f"{where}.upper"), r.text(item, "interval", f"{where}.interval"),
                          on_track, r.text(item, "narrative", f"{where}.narrative"))
        if code:
            out.append(line)
    return out


def merge_findings(read: list[Finding], checked: list[Finding]) -> list[Finding]:
    """Reading findings, then validation findings about fields reading has not already flagged."""
    flagged = [f.location.field for f in read if f.location.field]

    def overlaps(field: str | None) -> bool:
        return field is not None and any(field.startswith(x) or x.startswith(field) for x in flagged)

    return read + [f for f in checked if not overlaps(f.location.field)]
