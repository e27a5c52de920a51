"""Read a person file and put it in linkage shape: one id, canonical columns, clean values.

Everything that can be wrong with a file is collected as findings before linkage starts:
a missing file or column, blank or duplicated ids (refused), invalid NHS numbers
(reported, and the record goes on to probabilistic linkage without its number; it is
never dropped). Values are tidied the same way on both sides so that comparisons compare
people, not formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carepool.errors import InputError, ValidationFailed
from carepool.findings import Finding, error, has_errors
from carepool.linkage.mapping import FieldMapping
from carepool.sharing.nhs_number import check_column

ID = "unique_id"


@dataclass(frozen=True)
class Prepared:
    frame: pd.DataFrame        # unique_id + canonical role columns, strings or None
    findings: list[Finding]    # invalid NHS numbers and other warnings


def read_csv(path: str | Path) -> pd.DataFrame:
    """A CSV person file, every value a string (blank as empty string)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV file: {exc}", where=str(path)) from exc


def _tidy(role: str, values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip()
    if role in ("first_name", "surname"):
        text = text.str.lower().str.replace(r"[^a-z' -]", "", regex=True).str.replace(r"\s+", " ", regex=True)
    elif role == "postcode":
        text = text.str.upper().str.replace(r"\s+", "", regex=True)
        text = text.where(text.str.len() < 5, text.str[:-3] + " " + text.str[-3:])
    elif role == "sex":
        text = text.str.upper().str[:1].replace({"1": "M", "2": "F"})
    elif role == "dob":
        parsed = pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")
        for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y%m%d"):  # ISO first; UK day-first forms after
            parsed = parsed.fillna(pd.to_datetime(text, errors="coerce", format=fmt))
        text = parsed.dt.strftime("%Y-%m-%d").fillna("")
    else:
        text = text.str.lower()
    return text.mask(text == "", None)


def prepare(frame: pd.DataFrame, id_column: str, columns: dict[str, str], *, name: str) -> Prepared:
    """Canonical linkage frame from a raw person frame; ``columns`` maps raw column -> role."""
    findings: list[Finding] = []
    missing = [c for c in (id_column, *columns) if c not in frame.columns]
    for column in missing:
        findings.append(error("column-missing", f"column '{column}' is not in the file", file=name,
                              field=column))
    if missing:
        raise ValidationFailed(f"{name}: the file does not have the mapped columns", findings)
    ids = frame[id_column].astype(str).str.strip()
    for row in (ids == "").to_numpy().nonzero()[0]:
        findings.append(error("id-blank", "record has no id", file=name, row=int(row) + 2, field=id_column))
    duplicated = ids[ids.duplicated(keep=False) & (ids != "")]
    for value in sorted(set(duplicated))[:20]:
        findings.append(error("id-duplicate", f"id '{value}' appears more than once", file=name,
                              field=id_column))
    if has_errors(findings):
        raise ValidationFailed(f"{name}: records must have unique, non-blank ids", findings)
    out = pd.DataFrame({ID: ids.to_numpy()})
    for raw, role in columns.items():
        if role == "nhs_number":
            checked = check_column(frame[raw].tolist(), file=name, field=raw)
            findings.extend(checked.findings)
            out[role] = checked.numbers
        else:
            out[role] = _tidy(role, frame[raw]).to_numpy()
    return Prepared(out, findings)


def prepare_pair(left: pd.DataFrame, right: pd.DataFrame, mapping: FieldMapping, *,
                 left_name: str = "left", right_name: str = "right") -> tuple[Prepared, Prepared]:
    """Both sides, with every finding of both gathered before refusing either."""
    problems: list[Finding] = []
    prepared: list[Prepared] = []
    for frame, id_column, columns, name in (
        (left, mapping.id_left, mapping.left_columns(), left_name),
        (right, mapping.id_right, mapping.right_columns(), right_name),
    ):
        try:
            prepared.append(prepare(frame, id_column, columns, name=name))
        except ValidationFailed as exc:
            problems.extend(exc.findings)
    if problems:
        raise ValidationFailed("the person files cannot be linked as they are", problems)
    return prepared[0], prepared[1]
