"""Link two person files on disk and write the links and the review queue as CSV."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepool.errors import InputError
from carepool.linkage.mapping import FieldMapping
from carepool.linkage.pipeline import LinkageResult, Thresholds, link_frames
from carepool.linkage.prepare import read_csv
from carepool.linkage.probabilistic import Training


@dataclass(frozen=True)
class LinkedFiles:
    result: LinkageResult
    links_path: Path
    review_path: Path
    left_rows: int
    right_rows: int


def review_path_for(out: Path) -> Path:
    return out.with_name(out.stem + ".review.csv")


def link_files(left: Path, right: Path, mapping: FieldMapping, out: Path, *, engine: str = "duckdb",
               review_out: Path | None = None, thresholds: Thresholds | None = None,
               training: Training | None = None, truth: Iterable[tuple[str, str]] | None = None,
               **options: Any) -> LinkedFiles:
    """Read both CSV files, link them, write ``out`` (links) and the clerical-review CSV."""
    if out.resolve() in (left.resolve(), right.resolve()):
        raise InputError("--out would overwrite an input file", where=str(out))
    left_frame, right_frame = read_csv(left), read_csv(right)
    result = link_frames(left_frame, right_frame, mapping, engine=engine, thresholds=thresholds,
                         training=training, truth=truth, left_name=left.name, right_name=right.name,
                         **options)
    review_out = review_out or review_path_for(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.links.to_csv(out, index=False)
    result.review.to_csv(review_out, index=False)
    return LinkedFiles(result, out, review_out, len(left_frame), len(right_frame))
