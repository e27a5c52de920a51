"""Real exposures for the between-area evaluation designs, read from ``reference/data/exposures``.

Three programmes, each a published list with dates (sources in ``exposures/SOURCES.md`` and on
every row): the integrated care pioneers (wave 1 announced November 2013, wave 2 January 2015),
the new care models vanguards (March 2015; urgent and emergency care July 2015) and the
discharge funds (December 2022 on). Pioneer and vanguard rows map a site to the 2015 HWB area(s)
it lies in, saying whether the whole area lies in the site or only part of it; that choice is
data, with a note per row. ``published_findings.csv`` holds the published evaluations the
report sets its estimates beside.

Readers validate every row and return all problems as findings located by file, row and field;
``load_exposure`` refuses a file with any error (``ValidationFailed``), so a malformed file
never reaches an estimator.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from carepool.errors import NotFound, ValidationFailed
from carepool.findings import Finding, error
from carepool.reference.load import data_path, load_reference

EXPOSURES = {"pioneers": "exposures/pioneers.csv", "vanguards": "exposures/vanguards.csv",
             "discharge-fund": "exposures/discharge_fund.csv"}
FINDINGS_FILE = "exposures/published_findings.csv"
AREA_FIELDS = ("programme", "wave", "site", "site_type", "announced", "start_month", "area_code", "area_name",
               "coverage", "mapping_note", "source_title", "source_url")
FUND_FIELDS = ("programme", "year", "stream", "level", "area_code", "area_name", "amount_gbp", "status",
               "announced", "start_month", "source_title", "source_url", "note")
FINDING_FIELDS = ("exposure", "publisher", "title", "url", "year", "design", "comparison", "period", "metric",
                  "published_figure", "published_value", "unit", "note")
COVERAGE = ("whole", "partial")
LEVELS = ("england", "icb", "local_authority")
STATUSES = ("published", "unpublished")
MAX_ROWS = 5_000
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class SiteArea:
    """One programme site in one HWB area (``coverage``: does the whole area lie in the site?)."""

    programme: str
    wave: str
    site: str
    site_type: str
    announced: str
    start_month: str
    area_code: str           # the plan area (Isles of Scilly plans with Cornwall)
    area_name: str
    coverage: str
    mapping_note: str
    source_title: str
    source_url: str


@dataclass(frozen=True)
class FundRow:
    """A discharge-fund amount: national, or per area where a published figure exists."""

    year: str
    stream: str
    level: str
    area_code: str
    area_name: str
    amount_pence: int | None     # None: unpublished (or not readable), never guessed
    status: str
    announced: str
    start_month: str
    source_title: str
    source_url: str
    note: str


@dataclass(frozen=True)
class PublishedFinding:
    """A published evaluation of the same programme: the anchor for carepool's estimate."""

    exposure: str
    publisher: str
    title: str
    url: str
    year: str
    design: str
    comparison: str
    period: str
    metric: str
    published_figure: str
    published_value: float | None
    unit: str
    note: str


@dataclass(frozen=True)
class Exposure:
    """A named exposure: its rows (sites by area, or fund amounts) and its published anchors."""

    name: str
    file: str
    sites: tuple[SiteArea, ...]
    funds: tuple[FundRow, ...]
    findings: tuple[PublishedFinding, ...]

    def start_by_area(self, types: Iterable[str] | None = None) -> tuple[dict[str, str], tuple[str, ...]]:
        """Treated areas with their first start month, and the areas left out as partly covered.

        An area is treated when at least one site covers all of it; it starts at the earliest
        start month of any site in it. An area only partly covered is neither treated nor a
        comparison (the recorded mapping choice).
        """
        wanted = set(types) if types is not None else None
        rows = [s for s in self.sites if wanted is None or s.site_type in wanted]
        whole = {s.area_code for s in rows if s.coverage == "whole"}
        start: dict[str, str] = {}
        for s in rows:
            if s.area_code in whole:
                start[s.area_code] = min(start.get(s.area_code, s.start_month), s.start_month)
        partial = tuple(sorted({s.area_code for s in rows} - whole))
        return start, partial

    def touched_areas(self) -> frozenset[str]:
        """Every area with any site of this programme (whole or part)."""
        return frozenset(s.area_code for s in self.sites)


def validate_file(path: Path, kind: str, label: str | None = None) -> tuple[list[dict[str, str]], list[Finding]]:
    """Read a CSV and check every row; ``kind`` is 'sites', 'funds' or 'findings'."""
    where = label or path.name
    fields = {"sites": AREA_FIELDS, "funds": FUND_FIELDS, "findings": FINDING_FIELDS}[kind]
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            rows = []
            for i, row in enumerate(reader):
                if i >= MAX_ROWS:
                    return [], [error("exposure.too_long", f"more than {MAX_ROWS} rows", file=where)]
                rows.append(row)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [error("exposure.unreadable", f"not a readable UTF-8 CSV ({exc})", file=where)]
    missing = [f for f in fields if f not in header]
    if missing:
        return [], [error("exposure.columns", f"missing column(s) {', '.join(missing)}", file=where, row=1,
                          field=missing[0])]
    check = {"sites": _site_findings, "funds": _fund_findings, "findings": _anchor_findings}[kind]
    found: list[Finding] = []
    for line, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            found.append(error("exposure.shape", "the row has a different number of cells from the header",
                               file=where, row=line))
            continue
        found.extend(check(row, where, line))
    if not rows:
        found.append(error("exposure.empty", "no rows", file=where))
    return rows, found


def _blank(row: dict[str, str], names: Sequence[str], where: str, line: int) -> list[Finding]:
    return [error("exposure.blank", f"{n} is blank", file=where, row=line, field=n)
            for n in names if not row[n].strip()]


def _url(row: dict[str, str], name: str, where: str, line: int) -> list[Finding]:
    ok = row[name].startswith(("https://", "http://"))
    return [] if ok else [error("exposure.source", f"{name} '{row[name]}' is not a web address", file=where,
                                row=line, field=name)]


def _month(row: dict[str, str], name: str, where: str, line: int) -> list[Finding]:
    value = row[name].strip()
    if _MONTH.match(value):
        return []
    return [error("exposure.date", f"{name} '{value}' is not a month (YYYY-MM)", file=where, row=line, field=name)]


def _announced(row: dict[str, str], where: str, line: int) -> list[Finding]:
    value = row["announced"].strip()
    try:
        if _DAY.match(value):
            date.fromisoformat(value)
            return []
        if _MONTH.match(value):
            return []
    except ValueError:
        pass
    return [error("exposure.date", f"announced '{value}' is not a date (YYYY-MM-DD or YYYY-MM)", file=where,
                  row=line, field="announced")]


def _site_findings(row: dict[str, str], where: str, line: int) -> list[Finding]:
    out = _blank(row, ("programme", "wave", "site", "site_type", "area_code", "mapping_note", "source_title"),
                 where, line)
    out += _url(row, "source_url", where, line) + _month(row, "start_month", where, line)
    out += _announced(row, where, line)
    if row["coverage"] not in COVERAGE:
        out.append(error("exposure.coverage", f"coverage '{row['coverage']}' is not one of {', '.join(COVERAGE)}",
                         file=where, row=line, field="coverage"))
    code = row["area_code"].strip()
    if code and code not in load_reference().utla_to_area:
        out.append(error("exposure.area", f"area_code '{code}' is not a 2015 upper-tier authority",
                         file=where, row=line, field="area_code"))
    if not out and row["announced"][:7] > row["start_month"]:
        out.append(error("exposure.date", f"start_month {row['start_month']} is before the announcement "
                         f"({row['announced']})", file=where, row=line, field="start_month"))
    return out


def _fund_findings(row: dict[str, str], where: str, line: int) -> list[Finding]:
    out = _blank(row, ("programme", "year", "stream", "source_title"), where, line)
    out += _url(row, "source_url", where, line) + _month(row, "start_month", where, line)
    out += _announced(row, where, line)
    if row["level"] not in LEVELS:
        out.append(error("exposure.level", f"level '{row['level']}' is not one of {', '.join(LEVELS)}",
                         file=where, row=line, field="level"))
    if row["status"] not in STATUSES:
        out.append(error("exposure.status", f"status '{row['status']}' is not one of {', '.join(STATUSES)}",
                         file=where, row=line, field="status"))
    amount = row["amount_gbp"].strip()
    if row["status"] == "published" and not amount.isdigit():
        out.append(error("exposure.amount", f"a published amount must be whole pounds, not '{amount}'",
                         file=where, row=line, field="amount_gbp"))
    if row["status"] == "unpublished" and amount:
        out.append(error("exposure.amount", "an unpublished amount must be blank, never guessed",
                         file=where, row=line, field="amount_gbp"))
    code = row["area_code"].strip()
    if row["level"] == "local_authority" and code not in load_reference().utla_to_area:
        out.append(error("exposure.area", f"area_code '{code}' is not a 2015 upper-tier authority",
                         file=where, row=line, field="area_code"))
    return out


def _anchor_findings(row: dict[str, str], where: str, line: int) -> list[Finding]:
    out = _blank(row, ("exposure", "publisher", "title", "design", "published_figure"), where, line)
    out += _url(row, "url", where, line)
    value = row["published_value"].strip()
    if value:
        try:
            float(value)
        except ValueError:
            out.append(error("exposure.value", f"published_value '{value}' is not a number", file=where,
                             row=line, field="published_value"))
    return out


def _refuse(name: str, found: list[Finding]) -> None:
    if found:
        raise ValidationFailed(f"{name}: {len(found)} problem(s); first: {found[0]}", found)


@lru_cache(maxsize=len(EXPOSURES))
def load_exposure(name: str) -> Exposure:
    """The named exposure (``pioneers``, ``vanguards`` or ``discharge-fund``), validated."""
    if name not in EXPOSURES:
        raise NotFound(f"no exposure '{name}' (one of {', '.join(EXPOSURES)})")
    return read_exposure(name, data_path(EXPOSURES[name]), data_path(FINDINGS_FILE))


def read_exposure(name: str, path: Path, findings_path: Path) -> Exposure:
    """Read and validate an exposure file and the published findings; refuse any error."""
    kind = "funds" if name == "discharge-fund" else "sites"
    rows, found = validate_file(path, kind, EXPOSURES.get(name, path.name))
    anchors, anchor_found = validate_file(findings_path, "findings", FINDINGS_FILE)
    _refuse(name, found + anchor_found)
    to_area = load_reference().utla_to_area
    sites: tuple[SiteArea, ...] = ()
    funds: tuple[FundRow, ...] = ()
    if kind == "sites":
        sites = tuple(SiteArea(r["programme"], r["wave"], r["site"], r["site_type"], r["announced"],
                               r["start_month"], to_area[r["area_code"].strip()], r["area_name"], r["coverage"],
                               r["mapping_note"], r["source_title"], r["source_url"]) for r in rows)
    else:
        funds = tuple(FundRow(r["year"], r["stream"], r["level"], r["area_code"], r["area_name"],
                              int(r["amount_gbp"]) * 100 if r["amount_gbp"].strip() else None, r["status"],
                              r["announced"], r["start_month"], r["source_title"], r["source_url"], r["note"])
                      for r in rows)
    published = tuple(a for a in _anchors(anchors) if a.exposure == name)
    return Exposure(name, EXPOSURES.get(name, path.name), sites, funds, published)


def published_findings(exposure: str | None = None) -> tuple[PublishedFinding, ...]:
    """The published anchors (all, or one exposure's; 'bcf-2015-16' for the fund's first year)."""
    rows, found = validate_file(data_path(FINDINGS_FILE), "findings", FINDINGS_FILE)
    _refuse("published findings", found)
    return tuple(f for f in _anchors(rows) if exposure is None or f.exposure == exposure)


def _anchors(rows: list[dict[str, str]]) -> tuple[PublishedFinding, ...]:
    return tuple(PublishedFinding(
        a["exposure"], a["publisher"], a["title"], a["url"], a["year"], a["design"], a["comparison"], a["period"],
        a["metric"], a["published_figure"], float(a["published_value"]) if a["published_value"].strip() else None,
        a["unit"], a["note"]) for a in rows)
