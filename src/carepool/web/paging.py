"""Server-side pagination and sortable column headers, driven by query parameters (no JavaScript).

A long table shows one page of rows; the page number and page size are query parameters, so a
page can be linked, bookmarked and used without JavaScript. A sortable column's header is a link
that sorts by it (again: the other way round) and carries ``aria-sort`` when the table is sorted by it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar
from urllib.parse import urlencode

from carepool.errors import InputError

T = TypeVar("T")
PAGE_SIZES = ("25", "50", "100", "all")
DEFAULT_PAGE_SIZE = "25"


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of ``total`` items: ``items`` are numbers ``first`` to ``last`` (1-based) of them."""

    items: list[T]
    page: int
    pages: int
    total: int
    first: int
    last: int


def page_size(text: str) -> int | None:
    """'25', '50', '100' -> that many rows; 'all' -> None (every row on one page)."""
    if text not in PAGE_SIZES:
        raise InputError(f"rows per page is one of {', '.join(PAGE_SIZES)}", where="per_page")
    return None if text == "all" else int(text)


def paginate(items: Sequence[T], page: int, size: int | None) -> Paged[T]:
    """Page ``page`` (1-based) of ``items``; a page past the end shows the last page."""
    if page < 1:
        raise InputError("the page number starts at 1", where="page")
    total = len(items)
    pages = max(1, ceil(total / size)) if size else 1
    page = min(page, pages)
    start = (page - 1) * size if size else 0
    chosen = list(items[start:start + size] if size else items)
    return Paged(chosen, page, pages, total, start + 1 if chosen else 0, start + len(chosen))


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The page links to show: the first, the last, and the current page with its neighbours;
    ``None`` where pages are left out (an ellipsis)."""
    wanted = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    out: list[int | None] = []
    previous = 0
    for number in wanted:
        if previous and number - previous > 1:
            out.append(None)
        out.append(number)
        previous = number
    return out


def query(params: Mapping[str, str], **changes: str | int) -> str:
    """'?...' for ``params`` with ``changes`` applied; empty values are left out."""
    merged = {**params, **{k: str(v) for k, v in changes.items()}}
    kept = {k: v for k, v in merged.items() if v != ""}
    return "?" + urlencode(kept) if kept else "?"


@dataclass(frozen=True)
class SortHeader:
    """A column header: its words, the link that sorts by it, and its ``aria-sort`` value."""

    key: str
    label: str
    href: str
    aria_sort: str       # 'ascending', 'descending' or 'none'
    numeric: bool


def sort_headers(columns: Sequence[tuple[str, str, bool]], sort: str, order: str,
                 params: Mapping[str, str], path: str) -> list[SortHeader]:
    """Headers for ``columns`` (key, label, numeric). Sorting by another column starts ascending
    for words and descending for amounts (the largest first); the current one turns round.
    Every sort link goes back to page 1 of ``path``."""
    headers: list[SortHeader] = []
    for key, label, numeric in columns:
        if key == sort:
            aria = "ascending" if order == "asc" else "descending"
            following = "desc" if order == "asc" else "asc"
        else:
            aria = "none"
            following = "desc" if numeric else "asc"
        href = path + query(params, sort=key, order=following, page=1)
        headers.append(SortHeader(key, label, href, aria, numeric))
    return headers
