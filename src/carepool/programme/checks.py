"""Cross-checks of a whole programme year: references resolve, ids are known, sums add up.

Run after every key has been read; each problem becomes a finding located at the key it
is about (file, key path, line), so the loader refuses the file with all of them at once.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Protocol

from carepool.metrics.ids import KNOWN_METRIC_IDS, UNAVAILABLE_IDS
from carepool.money import Money
from carepool.programme.model import CONTRIBUTOR_KINDS, PUBLISHED, UNAVAILABLE, ProgrammeYear
from carepool.programme.reader import Findings, Reader
from carepool.programme.yaml_marks import line_of

NHS_KINDS = ("ccg", "icb")


class Add(Protocol):
    """Records one finding at a key path."""

    def __call__(self, rule: str, message: str, *path: str | int) -> None: ...


def _at(r: Reader, *path: str | int) -> int | None:
    """Line of a nested key such as ('funding_streams', 2, 'contributor')."""
    node: object = r.data
    line = r.line
    for step in path:
        found = line_of(node, step)
        line = found if found is not None else line
        try:
            node = node[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _field(*path: str | int) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def check_year(year: ProgrammeYear, r: Reader, found: Findings) -> None:
    def add(rule: str, message: str, *path: str | int) -> None:
        found.add(rule, message, _field(*path), _at(r, *path))

    _unique(year, add)
    _periods(year, add)
    _streams(year, add)
    _metrics(year, add)
    _fences(year, add)
    _total(year, add)


def _unique(year: ProgrammeYear, add: Add) -> None:
    for key, ids in (("funding_streams", [s.id for s in year.streams]),
                     ("conditions", [c.id for c in year.conditions]),
                     ("metrics", [m.code for m in year.metrics])):
        seen: set[str] = set()
        for i, item in enumerate(ids):
            if item in seen:
                add("FORMAT-REPEATED", f"id '{item}' repeats in {key}", key, i,
                    "code" if key == "metrics" else "id")
            seen.add(item)


def _periods(year: ProgrammeYear, add: Add) -> None:
    if year.start >= year.end:
        add("FORMAT-PERIOD", "start must be before end", "end")
    if len(year.plan_years) not in (1, 2):
        add("FORMAT-PERIOD", f"a plan covers one or two financial years, not {len(year.plan_years)}",
            "plan_years")
    expected = tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(year.start.year, year.end.year))
    if year.plan_years and expected and year.plan_years != expected:
        add("FORMAT-PERIOD", f"plan_years {list(year.plan_years)} do not match the period "
            f"{year.start} to {year.end} ({list(expected)})", "plan_years")


def _streams(year: ProgrammeYear, add: Add) -> None:
    kinds = set(year.partner_kinds)
    for i, kind in enumerate(year.partner_kinds):
        if kind not in CONTRIBUTOR_KINDS or kind == "any":
            add("FORMAT-CHOICE", f"partner kind '{kind}' does not exist; one of "
                f"{[k for k in CONTRIBUTOR_KINDS if k != 'any']}", "partner_kinds", i)
    for i, s in enumerate(year.streams):
        payer = "upper_tier_council" if s.contributor == "la" else s.contributor
        if s.contributor != "any" and s.contributor not in kinds and payer not in kinds:
            add("FORMAT-PARTNER", f"stream '{s.id}' is paid by a '{s.contributor}', which is not one of "
                f"this year's partner kinds {sorted(kinds)}", "funding_streams", i, "contributor")
        if s.passed_to is not None and s.passed_to not in CONTRIBUTOR_KINDS:
            add("FORMAT-CHOICE", f"passed_to '{s.passed_to}' is not a contributor kind",
                "funding_streams", i, "passed_to")
    if not any(s.contributor in NHS_KINDS and s.must_pool for s in year.streams):
        add("FORMAT-STREAM-MISSING", "the year has no NHS minimum contribution: a stream with contributor "
            "ccg or icb and must_pool: true", "funding_streams")
    perf = year.performance
    if perf.scheme != "none" and perf.stream not in year.stream_ids():
        add("FORMAT-REFERENCE", f"performance.stream: '{perf.stream}' is not a stream of this year",
            "performance", "stream")


def _metrics(year: ProgrammeYear, add: Add) -> None:
    for i, m in enumerate(year.metrics):
        if m.code not in KNOWN_METRIC_IDS:
            add("FORMAT-METRIC", f"metric id '{m.code}' is unknown to the metrics engine (known: "
                f"{', '.join(sorted(KNOWN_METRIC_IDS))})", "metrics", i, "code")
        elif (m.code in UNAVAILABLE_IDS) != (m.status == UNAVAILABLE):
            why = ("has no national definition and is never computed: mark it status: unavailable"
                   if m.code in UNAVAILABLE_IDS else "is computed by the metrics engine: it is not unavailable")
            add("FORMAT-METRIC", f"metric '{m.code}' {why}", "metrics", i, "status")
    if year.performance.scheme == "payment_for_performance" and not any(m.carries_money for m in year.metrics):
        add("FORMAT-METRIC", "payment for performance needs a metric with carries_money: true", "metrics")


def _fences(year: ProgrammeYear, add: Add) -> None:
    for i, fence in enumerate(year.ring_fences):
        unknown = set(fence.areas_of_spend) - set(year.areas_of_spend)
        unknown |= set(fence.scheme_types) - set(year.scheme_types)
        if unknown:
            add("FORMAT-REFERENCE", f"ring fence '{fence.id}' names unknown {sorted(unknown)}",
                "ring_fences", i)


def streams_total(year: ProgrammeYear, plan_year: str | None = None) -> Money | None:
    """Sum of the pooled national streams for a plan year, or None if any of them is unpublished."""
    label = plan_year or (year.plan_years[0] if year.plan_years else "")
    pence = 0
    for s in year.streams:
        if not s.must_pool:
            continue
        amount = s.amount_for(label) if s.amounts else s.national_amount
        if amount is None:
            return None
        pence += amount.pence
    return Money(pence)


def total_agrees(year: ProgrammeYear) -> bool | None:
    """Do the streams add up to the published total (exactly, within its rounding, or at least)?

    None when there is nothing to check: the total or a stream amount is unpublished.
    """
    published, summed = year.national_minimum, streams_total(year)
    if published is None or summed is None:
        return None
    # rounded figures are intervals: the streams' sum and the total must be able to meet
    stream_slack = sum(Fraction(s.rounded_to.pence, 2) for s in year.streams if s.must_pool)
    if year.national_minimum_at_least:
        return summed.pence + stream_slack >= published.pence
    slack = Fraction(year.national_minimum_rounding.pence, 2) + stream_slack
    return abs(summed.pence - published.pence) <= slack


def _total(year: ProgrammeYear, add: Add) -> None:
    if total_agrees(year) is False:
        summed = streams_total(year)
        how = ("at least" if year.national_minimum_at_least else
               f"to within rounding of {year.national_minimum_rounding}" if year.national_minimum_rounding.pence
               else "exactly")
        add("FORMAT-TOTAL", f"the pooled streams add up to {summed}, which does not match the published "
            f"national minimum {year.national_minimum} ({how})", "national_minimum", "amount")
    for i, s in enumerate(year.streams):
        if s.status == PUBLISHED and s.must_pool and any(a is None for _, a in s.amounts):
            add("FORMAT-VALUE", f"stream '{s.id}' is marked published but has no amount", "funding_streams", i)


