"""Small-number suppression for published aggregates (counts 1-7 hidden).

Primary suppression hides every count from 1 to 7, totals included. Secondary
suppression then makes sure no hidden count can be worked out by subtraction: in every
row and every column (each with its total), and in the row and column of totals, a hidden
cell is never alone. Where it would be, the next smallest visible non-zero count in that
line is hidden too, until nothing changes. Zero is published unless it is the last cell
left that can protect a hidden one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carepool.errors import InputError

SMALLEST_SAFE = 8
Cell = tuple[int, int]  # (row, column) in the table with totals: last row / column are totals


@dataclass(frozen=True)
class SuppressedTable:
    """The published table: ``None`` where suppressed; the last row and column are totals."""

    cells: list[list[int | None]]
    primary: frozenset[Cell]
    secondary: frozenset[Cell]

    @property
    def suppressed(self) -> frozenset[Cell]:
        return self.primary | self.secondary


def _with_totals(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    width = len(counts[0]) if counts else 0
    if not counts or width == 0 or any(len(r) != width for r in counts):
        raise InputError("a table to suppress needs at least one row, and rows of equal length")
    if any(v < 0 for r in counts for v in r):
        raise InputError("counts cannot be negative")
    grid = [[*r, sum(r)] for r in counts]
    grid.append([sum(grid[i][j] for i in range(len(counts))) for j in range(width + 1)])
    return grid


def lines(n_rows: int, n_cols: int) -> list[list[Cell]]:
    """Every additive line of a table with totals: each row (with its total), each column."""
    rows = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    cols = [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    return rows + cols


def suppress(counts: Sequence[Sequence[int]]) -> SuppressedTable:
    """Suppress ``counts`` (rows of non-negative integers, without totals) for publication."""
    grid = _with_totals(counts)
    n_rows, n_cols = len(grid), len(grid[0])
    primary = {(i, j) for i in range(n_rows) for j in range(n_cols) if 0 < grid[i][j] < SMALLEST_SAFE}
    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for line in lines(n_rows, n_cols):
            if sum(1 for c in line if c in hidden) != 1:
                continue
            visible = [c for c in line if c not in hidden]
            # the smallest non-zero count; a zero only when nothing else is left to hide
            hidden.add(min(visible, key=lambda c: (grid[c[0]][c[1]] == 0, grid[c[0]][c[1]], c)))
            changed = True
    cells: list[list[int | None]] = [
        [None if (i, j) in hidden else grid[i][j] for j in range(n_cols)] for i in range(n_rows)
    ]
    return SuppressedTable(cells, frozenset(primary), frozenset(hidden - primary))
