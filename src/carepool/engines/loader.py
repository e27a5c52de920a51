"""Load a CSV or Parquet file through its schema: good rows to Parquet, the rest to quarantine.

Every value is read as text first (pyarrow), so a wrong type is a reason in quarantine rather
than a silent coercion; DuckDB runs the schema's checks (``activity.checks``). A file that
cannot be read at all (truncated Parquet, a CSV without a required column) is an
``InputError`` naming the file; a readable file always loads its good rows.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from carepool.activity.checks import (
    KNOWN_AREAS,
    STAGING,
    accepted_sql,
    check_sql,
    quote,
    reason_counts_sql,
    rejected_sql,
)
from carepool.activity.report import LoadReport
from carepool.activity.schemas import Schema
from carepool.errors import InputError
from carepool.findings import Finding, Location, Severity
from carepool.reference import load_reference


def _csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        try:
            return next(csv.reader(handle))
        except StopIteration:
            raise InputError("the file is empty (no header row)", where=str(path)) from None


def _read_csv_as_text(path: Path, schema: Schema) -> pa.Table:
    header = _csv_header(path)
    _require_columns(header, schema, path)
    try:
        return pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                include_columns=list(schema.names),
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(f"cannot read CSV: {exc}", where=str(path)) from exc


def _read_parquet_as_text(path: Path, schema: Schema) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"not a readable Parquet file (truncated or corrupt): {exc}",
                         where=str(path)) from exc
    _require_columns(table.column_names, schema, path)
    columns = []
    for name in schema.names:
        column = table.column(name)
        if pa.types.is_boolean(column.type):
            column = pc.if_else(column, "true", "false")
        columns.append(column.cast(pa.string()))
    return pa.table(columns, names=list(schema.names))


def _require_columns(present: Iterable[str], schema: Schema, path: Path) -> None:
    missing = [name for name in schema.names if name not in set(present)]
    if missing:
        raise InputError(
            f"{schema.name} file is missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(schema.names)}", where=str(path))


def read_as_text(path: Path, schema: Schema) -> pa.Table:
    """The file's schema columns as text, with ``_row`` (1 = first data row)."""
    if not path.exists():
        raise InputError("file not found", where=str(path))
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        table = _read_parquet_as_text(path, schema)
    elif suffix in (".csv", ".txt"):
        table = _read_csv_as_text(path, schema)
    else:
        raise InputError("expected a .csv or .parquet file", where=str(path))
    return table.append_column("_row", pa.array(range(1, table.num_rows + 1), pa.int64()))


def validate_table(con: duckdb.DuckDBPyConnection, text: pa.Table, schema: Schema,
                   known_areas: Iterable[str]) -> tuple[pa.Table, pa.Table, list[tuple[str, int]]]:
    """Run the checks: (accepted typed rows, rejected rows with reasons, counts by rule)."""
    con.register(STAGING, text)
    con.register(KNOWN_AREAS, pa.table({"code": pa.array(sorted(known_areas), pa.string())}))
    checked = check_sql(schema)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {checked.output} AS {checked.sql}", list(checked.params))
    good = con.sql(accepted_sql(schema).sql).to_arrow_table().cast(schema.arrow_schema())
    bad = con.sql(rejected_sql(schema).sql).to_arrow_table()
    counts = [(str(r), int(n)) for r, n in con.execute(reason_counts_sql().sql).fetchall()]
    con.execute(f"DROP TABLE {quote(checked.output)}")
    con.unregister(STAGING)
    con.unregister(KNOWN_AREAS)
    return good, bad, counts


def validate_file(path: str | Path, schema: Schema, known_areas: Iterable[str] | None = None
                  ) -> tuple[pa.Table, pa.Table, list[tuple[str, int]]]:
    """Read and check a file without writing anything: (accepted, rejected, counts by rule)."""
    source = Path(path)
    areas = list(known_areas) if known_areas is not None else list(load_reference().areas)
    text = read_as_text(source, schema)
    con = duckdb.connect()
    try:
        return validate_table(con, text, schema, areas)
    except duckdb.Error as exc:
        raise InputError(f"could not validate rows: {exc}", where=str(source)) from exc
    finally:
        con.close()


def load_file(path: str | Path, schema: Schema, *, out: str | Path | None = None,
              quarantine: str | Path | None = None,
              known_areas: Iterable[str] | None = None) -> tuple[LoadReport, pa.Table]:
    """Validate every row of ``path``; write good rows to ``out`` and rejected to ``quarantine``.

    Returns the report and the accepted rows. The quarantine file is written whenever a row
    is rejected (beside the input as ``<name>.quarantine.csv`` unless a path is given).
    """
    source = Path(path)
    good, bad, counts = validate_file(source, schema, known_areas)
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(good, str(out))
    quarantine_path: str | None = None
    if bad.num_rows:
        target = Path(quarantine) if quarantine else source.with_name(source.stem + ".quarantine.csv")
        target.parent.mkdir(parents=True, exist_ok=True)
        pacsv.write_csv(bad, str(target))
        quarantine_path = str(target)
    findings = tuple(
        Finding(f"activity.{schema.name}.{rule}", Severity.WARNING,
                f"{n} row(s) rejected for {rule}; see the quarantine file",
                Location(file=quarantine_path, field=rule))
        for rule, n in counts)
    report = LoadReport(dataset=schema.name, source=str(source), accepted=good.num_rows,
                        rejected=bad.num_rows, output=str(out) if out is not None else None,
                        quarantine=quarantine_path, findings=findings)
    return report, good


def load_folder(folder: str | Path, schema: Schema, data_dir: str | Path, *,
                known_areas: Iterable[str] | None = None) -> LoadReport:
    """Load every .csv and .parquet file in ``folder``: good rows to ``<data>/<dataset>/``, rejected
    rows to ``<data>/quarantine/<file>.csv``; a file that cannot be read at all (truncated Parquet,
    a missing column) is copied whole to ``<data>/quarantine/files/`` with its reason, counted, and
    the other files still load."""
    source, data = Path(folder), Path(data_dir)
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in (".csv", ".parquet", ".txt"))
    if not files:
        raise InputError("no .csv or .parquet files in the folder", where=str(source))
    areas = list(known_areas) if known_areas is not None else list(load_reference().areas)
    accepted = rejected = 0
    findings: list[Finding] = []
    bad_files: list[str] = []
    quarantines: list[str] = []
    for path in files:
        try:
            report, _ = load_file(path, schema, out=data / schema.name / f"{path.stem}.parquet",
                                  quarantine=data / "quarantine" / f"{path.stem}.csv", known_areas=areas)
        except InputError as exc:
            target = data / "quarantine" / "files" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            bad_files.append(path.name)
            findings.append(Finding(f"activity.{schema.name}.unreadable_file", Severity.ERROR,
                                    f"file not loaded: {exc}", Location(file=str(path))))
            continue
        accepted += report.accepted
        rejected += report.rejected
        findings.extend(report.findings)
        if report.quarantine:
            quarantines.append(report.quarantine)
    return LoadReport(dataset=schema.name, source=str(source), accepted=accepted, rejected=rejected,
                      output=str(data / schema.name), quarantine=str(data / "quarantine") if quarantines or bad_files
                      else None, findings=tuple(findings), rejected_files=tuple(bad_files))
