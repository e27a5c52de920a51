import itertools

import pytest

from carepool.errors import InputError
from carepool.sharing.suppression import lines, suppress


def test_counts_one_to_seven_are_suppressed_zero_and_eight_are_not() -> None:
    table = suppress([[0, 8, 20], [30, 40, 50]])
    assert table.cells[0][:3] == [0, 8, 20] and table.primary == frozenset()
    small = suppress([[1, 7, 100], [50, 60, 100]])
    assert {(0, 0), (0, 1)} <= small.primary
    assert small.cells[0][0] is None and small.cells[0][1] is None


def test_a_lone_suppressed_cell_gets_a_partner_in_its_row_and_column() -> None:
    table = suppress([[3, 40, 50], [60, 70, 80], [90, 100, 110]])
    assert table.primary == {(0, 0)}
    assert (0, 1) in table.secondary        # smallest other count in its row
    assert (1, 0) in table.secondary        # smallest other count in its column
    _assert_nothing_derivable(table.cells)


def _assert_nothing_derivable(cells: list[list[int | None]]) -> None:
    n_rows, n_cols = len(cells), len(cells[0])
    for line in lines(n_rows, n_cols):
        hidden = [c for c in line if cells[c[0]][c[1]] is None]
        assert len(hidden) != 1, f"{hidden[0]} can be worked out from its line"


@pytest.mark.parametrize("seed", range(25))
def test_no_line_ever_has_exactly_one_hidden_cell(seed: int) -> None:
    import random

    rng = random.Random(seed)
    counts = [[rng.choice([0, 1, 2, 5, 7, 8, 9, 15, 40]) for _ in range(rng.randint(1, 5))]]
    counts += [[rng.choice([0, 1, 3, 6, 8, 12, 30]) for _ in counts[0]] for _ in range(rng.randint(0, 4))]
    table = suppress(counts)
    _assert_nothing_derivable(table.cells)
    grid_values = [v for row in table.cells for v in row if v is not None]
    assert all(v == 0 or v >= 8 for v in grid_values)
    visible = [(i, j) for i, j in itertools.product(range(len(table.cells)), range(len(table.cells[0])))
               if table.cells[i][j] is not None]
    assert not set(visible) & table.suppressed


def test_bad_tables_are_refused() -> None:
    with pytest.raises(InputError):
        suppress([[1, 2], [3]])
    with pytest.raises(InputError):
        suppress([[-1]])
