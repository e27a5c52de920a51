"""The display helpers: rounded overview amounts (parts adding to the shown total), pagination, sort links."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from carepool.errors import InputError
from carepool.web import amounts, paging


@pytest.mark.parametrize(("pence", "shown"), [
    (0, "£0"), (95_049, "£950"), (99_949, "£999"), (99_950, "£1k"), (34_049_999, "£340k"),
    (34_050_000, "£341k"), (99_949_999, "£999k"), (99_950_000, "£1.0m"), (1_234_567_890, "£12.3m"),
    (1_235_000_000, "£12.4m"), (378_360_000_000, "£3,783.6m"), (-1_250_000_00, "-£1.3m"), (-95_049, "-£950"),
])
def test_short_rounds_half_away_from_zero_to_the_unit_its_size_calls_for(pence: int, shown: str) -> None:
    assert amounts.short(pence) == shown


def test_exact_is_the_money_figure_to_the_penny() -> None:
    assert amounts.exact(1_234_567_890) == "£12,345,678.90"
    assert amounts.exact(-5) == "-£0.05"


def _value(text: str) -> Decimal:
    """'£1.2m' back to pounds (for adding shown parts up in the test)."""
    body = text.replace("£", "").replace(",", "")
    scale = {"m": Decimal(1_000_000), "k": Decimal(1000)}.get(body[-1], Decimal(1))
    return Decimal(body.rstrip("mk")) * scale


def test_shown_parts_add_up_to_the_shown_total_by_largest_remainder() -> None:
    # three equal thirds of £1m: shown independently they would be 0.3 + 0.3 + 0.3 = 0.9 against £1.0m
    thirds = [33_333_333, 33_333_333, 33_333_334]
    assert [amounts.short(p) for p in thirds] == ["£333k"] * 3
    parts, total = amounts.shown_parts(thirds)
    assert total == "£1.0m" and sorted(parts) == ["£0.3m", "£0.3m", "£0.4m"]
    assert parts == ["£0.3m", "£0.3m", "£0.4m"], "the leftover step goes to the largest remainder (the last)"
    assert sum(_value(p) for p in parts) == _value(total)


def test_shown_parts_ties_go_to_the_earliest_and_independent_rounding_would_not_add_up() -> None:
    parts_pence = [1_250_000_000, 1_250_000_000, 2_500_000_000]     # 12.5m, 12.5m, 25m: total 50.0m
    independent = [amounts.short(p) for p in parts_pence]
    assert independent == ["£12.5m", "£12.5m", "£25.0m"]
    odd = [15_000_000, 15_000_000, 70_000_000]        # 0.15m, 0.15m, 0.7m = 1.0m
    assert [amounts.short(p, amounts.MILLIONS) for p in odd] == ["£0.2m", "£0.2m", "£0.7m"]   # 1.1m: wrong
    parts, total = amounts.shown_parts(odd)
    assert (parts, total) == (["£0.2m", "£0.1m", "£0.7m"], "£1.0m")
    assert sum(_value(p) for p in parts) == _value(total)


def test_shown_parts_in_thousands_and_with_zeros_and_refuses_negative_parts() -> None:
    parts, total = amounts.shown_parts([0, 12_345_678, 7_654_321])
    assert total == "£200k" and sum(_value(p) for p in parts) == Decimal(200_000) and parts[0] == "£0k"
    assert amounts.shown_parts([]) == ([], "£0")
    with pytest.raises(ValueError, match="zero or more"):
        amounts.shown_parts([100, -1])


def test_paginate_gives_the_page_its_numbers_and_clamps_past_the_end() -> None:
    rows = list(range(1, 152))
    first = paging.paginate(rows, 1, 25)
    assert (first.items[0], first.items[-1], first.pages, first.first, first.last) == (1, 25, 7, 1, 25)
    last = paging.paginate(rows, 7, 25)
    assert last.items == list(range(151, 152)) and (last.first, last.last, last.total) == (151, 151, 151)
    assert paging.paginate(rows, 99, 25).page == 7
    everything = paging.paginate(rows, 3, None)
    assert everything.items == rows and everything.pages == 1 and everything.page == 1
    empty = paging.paginate([], 1, 25)
    assert (empty.items, empty.pages, empty.first, empty.last) == ([], 1, 0, 0)
    with pytest.raises(InputError, match="starts at 1"):
        paging.paginate(rows, 0, 25)


def test_page_size_accepts_the_offered_sizes_only() -> None:
    assert [paging.page_size(s) for s in paging.PAGE_SIZES] == [25, 50, 100, None]
    with pytest.raises(InputError, match="rows per page"):
        paging.page_size("1000000")


def test_page_numbers_keep_first_last_and_neighbours_with_gaps_marked() -> None:
    assert paging.page_numbers(1, 1) == [1]
    assert paging.page_numbers(1, 7) == [1, 2, None, 7]
    assert paging.page_numbers(4, 7) == [1, None, 3, 4, 5, None, 7]
    assert paging.page_numbers(3, 4) == [1, 2, 3, 4]
    assert paging.page_numbers(7, 7) == [1, None, 6, 7]


def test_sort_headers_link_to_the_sort_turn_the_current_one_round_and_say_aria_sort() -> None:
    columns = [("name", "Area", False), ("pooled", "Pool", True)]
    params = {"q": "shef", "sort": "name", "order": "asc", "page": "3", "status": ""}
    name, pooled = paging.sort_headers(columns, "name", "asc", params, "/")
    assert (name.aria_sort, pooled.aria_sort) == ("ascending", "none") and name.href.startswith("/?")
    assert parse_qs(urlsplit(name.href).query) == {"q": ["shef"], "sort": ["name"], "order": ["desc"], "page": ["1"]}
    assert parse_qs(urlsplit(pooled.href).query)["order"] == ["desc"], "amounts sort the largest first"
    turned = paging.sort_headers(columns, "pooled", "desc", params, "/")
    assert turned[1].aria_sort == "descending" and parse_qs(urlsplit(turned[1].href).query)["order"] == ["asc"]
    assert parse_qs(urlsplit(turned[0].href).query)["order"] == ["asc"]


def test_query_applies_changes_and_leaves_out_empty_values() -> None:
    assert paging.query({"a": "x y", "b": ""}, page=2) == "?a=x+y&page=2"
    assert paging.query({}) == "?"
