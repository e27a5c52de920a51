"""Use cases on person-level data folders: generate synthetic data, load a file with quarantine, compute the metrics.

The CLI (`carepool synthetic`, `carepool metrics load|compute`) and the demo's activity step call
these, so a folder is generated, validated and measured the same way wherever it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa

from carepool.activity.effects import TrueEffect
from carepool.activity.report import LoadReport
from carepool.activity.schemas import schema
from carepool.engines import synthetic_writer
from carepool.engines.compute import ENGINES as ENGINES
from carepool.engines.compute import compute_metrics, write_metrics
from carepool.engines.loader import load_file, load_folder
from carepool.engines.synthetic_writer import SyntheticResult
from carepool.metrics.sql import GRAINS


def synthesise(out: Path, areas: str | Sequence[str], years: str | Sequence[int], seed: int,
               planted: Sequence[TrueEffect] | None = None, *,
               progress: Callable[[str], None] | None = None) -> SyntheticResult:
    """Synthetic person-level datasets for ``areas`` ('all' or codes) and financial ``years`` ('2023-2025')."""
    chosen = synthetic_writer.parse_years(years) if isinstance(years, str) else list(years)
    return synthetic_writer.write(out, areas, chosen, seed, planted, progress=progress)


def load(dataset: str, file: Path, data: Path) -> LoadReport:
    """Validate a file (or a folder of files) of ``dataset`` into ``data``; rejects go to quarantine."""
    if file.is_dir():
        return load_folder(file, schema(dataset), data)
    report, _ = load_file(file, schema(dataset), out=data / dataset / f"{file.stem}.parquet",
                          quarantine=data / "quarantine" / f"{file.stem}.csv")
    return report


def compute(data: Path, out: Path, engine: str = "duckdb", *, grains: Sequence[str] = GRAINS,
            master: str = "local[2]") -> tuple[pa.Table, Path]:
    """Every metric the folder's data allow, on ``engine``; the table and the file written."""
    table = compute_metrics(data, engine, grains=tuple(grains), master=master)
    return table, write_metrics(table, out)
