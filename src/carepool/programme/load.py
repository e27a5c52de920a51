"""Load programme years from YAML files: the packaged ones by id, or any file by path.

Reading never stops at the first problem: every finding is collected, located by file, key
path and line, and a file with any error is refused with all of them (``ProgrammeFileError``).
The format is described key by key in ``programme/FORMAT.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carepool.errors import ConfigurationError
from carepool.findings import Finding
from carepool.money import Money
from carepool.programme.checks import check_year
from carepool.programme.model import (
    CHECKLIST_PLACES,
    CONTRIBUTOR_KINDS,
    FILLS,
    LOCAL,
    NATIONAL_BODIES,
    NO_PERFORMANCE,
    PAYMENT_RULES,
    PUBLISHED,
    UNAVAILABLE,
    UNPUBLISHED,
    Condition,
    ConditionsHold,
    FundingStream,
    Gap,
    MetricSpec,
    PerformanceRules,
    ProgrammeYear,
    RingFence,
    Source,
    WorkbookTemplate,
)
from carepool.programme.reader import Findings, Reader
from carepool.programme.yaml_marks import load_marked

MAX_FILE_BYTES = 1_000_000
BASES = ("population_all_ages", "population_18_plus", "population_65_plus", "population_60_plus")
VINTAGES = ("2015", "2019", "2021", "2023")  # reference data ships 2015 and 2023
# without a published cell bound: a sanity bound above any national stream (a typo of 1,000x is caught)
DEFAULT_LIMITS = (Money(0), Money.pounds(10_000_000_000))


class ProgrammeFileError(ConfigurationError):
    """A programme file that cannot be used, with every finding located by file, key and line."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings = list(findings)


def years_dir() -> Path:
    return Path(str(resources.files("carepool.programme") / "years"))


def available_programmes() -> list[str]:
    return sorted(p.stem for p in years_dir().glob("*.yaml"))


@lru_cache(maxsize=32)
def load_programme(id_or_path: str) -> ProgrammeYear:
    """A packaged year by id ('bcf-2015-16') or a YAML file by path."""
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        path = candidate
    else:
        path = years_dir() / f"{id_or_path}.yaml"
        if not path.exists():
            known = ", ".join(available_programmes())
            raise ConfigurationError(f"unknown programme year '{id_or_path}' (known: {known})")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ConfigurationError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; not a programme file")
    try:
        raw = load_marked(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path}: not valid YAML: {exc}") from exc
    return parse_programme(raw, str(path))


def _refuse(where: str, findings: list[Finding]) -> None:
    lines = [f"  line {f.location.row or '?'}, {f.location.field or '(file)'}: {f.message}" for f in findings]
    raise ProgrammeFileError(f"{where}: {len(findings)} problem(s) in the programme file:\n" + "\n".join(lines),
                             findings)


def parse_programme(raw: Any, where: str) -> ProgrammeYear:
    """Build a year from parsed YAML, or raise ``ProgrammeFileError`` listing every finding."""
    found = Findings(where)
    r = Reader(raw, "", found)
    for key, line in getattr(raw, "repeated", []):
        found.add("FORMAT-REPEATED", f"key '{key}' is written twice", str(key), line)
    year = _build(r, raw if isinstance(raw, dict) else {}, where)
    if not found.items:
        check_year(year, r, found)
    if found.items:
        _refuse(where, found.items)
    return year


def _build(r: Reader, raw: dict[str, Any], where: str) -> ProgrammeYear:
    start, end = r.day("start"), r.day("end")
    plan_years = r.strings("plan_years", []) or _plan_years(start, end)
    streams = tuple(_stream(s, plan_years) for s in r.items("funding_streams"))
    limits = r.section("amount_limits", required=False)
    nm = r.section("national_minimum")
    unpublished_total = nm.is_unpublished("amount") or nm.text("status", PUBLISHED) == UNPUBLISHED
    return ProgrammeYear(
        id=r.text("id"), name=r.text("name"), start=start, end=end,
        national_minimum=None if unpublished_total else nm.money("amount"),
        national_minimum_source=nm.text("source", ""),
        national_minimum_rounding=nm.money("rounded_to") if nm.has("rounded_to") else Money(0),
        national_minimum_at_least=nm.flag("at_least"),
        streams=streams,
        ring_fences=tuple(_fence(f) for f in r.items("ring_fences", required=False)),
        conditions=tuple(Condition(c.text("id"), c.text("title")) for c in r.items("conditions")),
        metrics=tuple(_metric(m) for m in r.items("metrics")),
        performance=_performance(r.section("performance", required=False)),
        assurance_outcomes=r.strings("assurance_outcomes"),
        required_signoffs=r.strings("required_signoffs"),
        amount_min=limits.money("min") if limits.has("min") else DEFAULT_LIMITS[0],
        amount_max=limits.money("max") if limits.has("max") else DEFAULT_LIMITS[1],
        scheme_types=r.strings("scheme_types", []), areas_of_spend=r.strings("areas_of_spend", []),
        commissioners=r.strings("commissioners", []),
        out_of_hospital_areas=r.strings("out_of_hospital_areas", []),
        deadlines=_deadlines(r),
        source_file=where,
        commissioning_models=r.strings("commissioning_models", []),
        governance_forms=r.strings("governance_forms", []),
        plan_years=plan_years,
        vintage=r.choice("vintage", VINTAGES, "2015"),
        partner_kinds=r.strings("partner_kinds", ["ccg", "la"]),
        signatories=r.strings("signatories", []),
        signatories_delegable=r.flag("signatories_delegable", True),
        capacity_and_demand=r.flag("capacity_and_demand"),
        objectives=r.strings("objectives", []),
        plans_required=r.flag("plans_required", True),
        sources=tuple(Source(s.text("key"), s.text("title"), s.text("url", "")) for s in
                      r.items("sources", required=False)),
        gaps=tuple(Gap(g.text("fact"), g.text("note", "")) for g in r.items("gaps", required=False)),
        unfunded_outcomes=_unfunded_outcomes(r),
        conditions_hold=_conditions_hold(r),
        admissions_tolerance_pct=r.decimal("admissions_tolerance_pct", "2"),
        template=_template(r),
    )


def _template(r: Reader) -> WorkbookTemplate:
    """The year's official planning template as far as its published guidance describes it."""
    if not r.has("template"):
        return WorkbookTemplate()
    t = r.section("template")
    sheets = t.strings("sheets", [])
    layout = t.choice("layout", (PUBLISHED, UNPUBLISHED), UNPUBLISHED)
    if (layout == PUBLISHED) != bool(sheets):
        t.fail("sheets", "list the official sheets in order when (and only when) layout is 'published'")
    return WorkbookTemplate(
        layout=layout, parts=t.strings("parts", []), sheets=sheets,
        input_fill=t.choice("input_fill", FILLS, UNPUBLISHED),
        prefilled_fill=t.choice("prefilled_fill", FILLS, UNPUBLISHED),
        checklist=t.choice("checklist", CHECKLIST_PLACES, UNPUBLISHED),
        source=t.text("source", ""), note=t.text("note", ""), declared=True,
    )


def _unfunded_outcomes(r: Reader) -> tuple[str, ...]:
    """``assurance_funding`` maps every outcome to true (may be funded) or false; without it, only
    "not approved" is unfunded (issue 12)."""
    outcomes = r.strings("assurance_outcomes")
    if not r.has("assurance_funding"):
        return tuple(o for o in outcomes if o == "not approved")
    funding = r.section("assurance_funding")
    if set(funding.data) != set(outcomes):
        r.fail("assurance_funding", f"say true or false for each assurance outcome, exactly ({', '.join(outcomes)})")
    return tuple(o for o in outcomes if not funding.flag(o, True))


HOLDS = ("none", "out_of_hospital", "stream")


def _conditions_hold(r: Reader) -> ConditionsHold | None:
    """Which money a pool holds while a condition set at assurance is open (issue 12); none by default."""
    if not r.has("conditions_hold"):
        return None
    hold = r.section("conditions_hold")
    what = hold.choice("what", HOLDS)
    stream = hold.opt_text("stream")
    if (what == "stream") != (stream is not None):
        hold.fail("stream", "name a funding stream when (and only when) what is 'stream'")
    elif stream is not None and stream not in {s.data.get("id") for s in r.items("funding_streams")}:
        hold.fail("stream", f"'{stream}' is not a funding stream of the year")
    return None if what == "none" else ConditionsHold(what, stream, hold.text("source", ""))


def _plan_years(start: date, end: date) -> tuple[str, ...]:
    """Financial-year labels of an April-to-March period: 2023-04-01..2025-03-31 -> 2023-24, 2024-25."""
    return tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(start.year, max(end.year, start.year + 1)))


def _stream(s: Reader, plan_years: tuple[str, ...]) -> FundingStream:
    amounts: list[tuple[str, Money | None]] = []
    if s.has("amounts"):
        per_year = s.section("amounts")
        for label in plan_years:
            amount = None if per_year.is_unpublished(label) else per_year.opt_money(label)
            amounts.append((label, amount))
        for label in per_year.data:
            if str(label) not in plan_years:
                per_year.fail(str(label), f"'{label}' is not a plan year of this file ({', '.join(plan_years)})")
    elif s.is_unpublished("national_amount"):
        amounts = [(label, None) for label in plan_years]
    else:
        amount = s.opt_money("national_amount")
        amounts = [(plan_years[0] if plan_years else "", amount)]
    first = amounts[0][1] if amounts else None
    capital = s.flag("capital", s.data.get("kind") == "capital")
    kind = s.choice("kind", ("revenue", "capital"), "capital" if capital else "revenue")
    if kind != ("capital" if capital else "revenue"):
        s.fail("capital", f"capital: {str(capital).lower()} disagrees with kind: {kind}")
    local = not s.flag("must_pool") and all(a is None for _, a in amounts) and not s.is_unpublished("national_amount")
    status = s.choice("status", (PUBLISHED, UNPUBLISHED, LOCAL), LOCAL if local else PUBLISHED)
    if any(a is None for _, a in amounts) and status == PUBLISHED:
        status = UNPUBLISHED
    basis = s.opt_text("basis")
    if basis is not None and basis not in BASES:
        s.fail("basis", f"basis '{basis}' is not one of {sorted(BASES)}", "FORMAT-CHOICE")
    if first is not None and basis is None:
        s.fail("basis", "a national amount needs a basis to split it", "FORMAT-MISSING")
    contributor = s.choice("contributor", CONTRIBUTOR_KINDS)
    return FundingStream(
        id=s.text("id"), name=s.text("name"), contributor=contributor, kind=kind,
        national_amount=first, basis=basis, must_pool=s.flag("must_pool"), source=s.text("source", ""),
        capital=capital, recipient=s.choice("recipient", CONTRIBUTOR_KINDS, contributor),
        paid_by=s.choice("paid_by", NATIONAL_BODIES, "none"), status=status, amounts=tuple(amounts),
        passed_to=s.opt_text("passed_to"),
        family=s.text("family", s.data.get("id") if isinstance(s.data.get("id"), str) else "-"),
        rounded_to=s.money("rounded_to") if s.has("rounded_to") else Money(0),
    )


def _fence(f: Reader) -> RingFence:
    return RingFence(
        id=f.text("id"), name=f.text("name"), national_amount=f.money("national_amount"),
        basis=f.choice("basis", BASES), funded_by=f.choice("funded_by", CONTRIBUTOR_KINDS),
        areas_of_spend=f.strings("areas_of_spend", []),
        scheme_types=f.strings("scheme_types", []), source=f.text("source", ""),
    )


def _metric(m: Reader) -> MetricSpec:
    carries = m.flag("carries_money") if "carries_money" in m.data else m.flag("payment_for_performance")
    return MetricSpec(
        code=m.text("code"), name=m.text("name"), unit=m.text("unit", "unpublished"),
        denominator=m.opt_text("denominator"), improvement=m.choice("improvement", ("decrease", "increase")),
        frequency=m.text("frequency", "unpublished"), payment_for_performance=carries,
        status=m.choice("status", (PUBLISHED, UNPUBLISHED, UNAVAILABLE), PUBLISHED),
    )


def _performance(p: Reader) -> PerformanceRules:
    scheme = p.choice("scheme", PAYMENT_RULES, "none")
    if scheme == "none":
        return NO_PERFORMANCE
    shares = p.strings("quarter_shares")
    try:
        quarter_shares = tuple(Fraction(s) for s in shares)
    except ValueError:
        p.fail("quarter_shares", "write fractions like '1/4'")
        quarter_shares = (Fraction(1),)
    if quarter_shares and sum(quarter_shares) != 1:
        p.fail("quarter_shares", f"the quarter shares must add up to 1 (they add up to {sum(quarter_shares)})",
               "FORMAT-SHARES")
    return PerformanceRules(
        scheme=scheme, national_element=p.money("national_element"),
        stream=p.text("stream"), default_ambition_pct=p.decimal("default_ambition_pct"),
        cost_per_admission=p.money("cost_per_admission"), quarter_shares=quarter_shares,
        baseline_year=p.text("baseline_year"), min_revision_pp=p.decimal("min_revision_pp"),
        cap_at_area_share=p.flag("cap_at_area_share", True),
        out_of_hospital_minimum=p.flag("out_of_hospital_minimum", True),
    )


def _deadlines(r: Reader) -> tuple[tuple[str, date], ...]:
    out = []
    section = r.section("deadlines", required=False)
    for key in section.data:
        day = section.day(str(key))
        out.append((str(key), day))
    return tuple(out)
