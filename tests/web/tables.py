"""Reading the web's tables in tests that look at a page's HTML.

Every table is an NHS.UK responsive table (templates/_table.html): each cell holds its column's
heading (shown only on a phone) and then its value in a ``carepool-cell`` wrapper. A test that
reads values from the HTML takes them out first, so it sees ``<td ...>value</td>``.
"""

from __future__ import annotations

import re

HEADING = re.compile(r'<span class="nhsuk-table-responsive__heading" aria-hidden="true">[^<]*</span>')
VALUE = re.compile(r'<div class="carepool-cell">(.*?)</div>(?=</t[dh]>)', re.S)


def values_only(html: str) -> str:
    """``html`` with each table cell's phone heading and value wrapper removed."""
    return VALUE.sub(r"\1", HEADING.sub("", html))
