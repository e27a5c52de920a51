"""One cell of the web's tables (templates/_table.html exports it as ``cell``).

Each cell carries its column's heading for the NHS.UK responsive table: hidden at desktop widths,
shown on a phone where each row stacks as a card of "heading: value" lines. Written in Python,
not as a Jinja macro, because pages render thousands of cells (an area page's SPC tables alone
hold about 1,300) and a macro call per cell cost a third more CPU per page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from markupsafe import Markup, escape

# a run of 24 or more characters with no space, hyphen or slash is an identifier (a MESH message id,
# a hash), never a word: it may wrap every 16 characters on a phone rather than run past the edge
IDENTIFIER = re.compile(r"[^\s/\-]{24,}")


def _breakable(text: str) -> Markup:
    if len(text) < 24 or not IDENTIFIER.search(text):
        return escape(text)
    parts = []
    last = 0
    for found in IDENTIFIER.finditer(text):
        run = found.group(0)
        parts.append(escape(text[last:found.start()]))
        parts.append(Markup("<wbr>").join(escape(run[i:i + 16]) for i in range(0, len(run), 16)))
        last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@lru_cache(maxsize=1024, typed=True)
def _label(heading: str) -> str:
    """The phone's heading span (markup in ``heading`` is kept, text escaped)."""
    return f'<span class="nhsuk-table-responsive__heading" aria-hidden="true">{escape(heading)} </span>'


def cell(heading: object = None, value: object = "", numeric: bool = False, colspan: int | None = None,
         header: bool = False, caller: Callable[[], str] | None = None, **options: object) -> Markup:
    """A ``<td>`` (or, with ``header``, a ``<th scope="row">``) holding ``heading`` for the phone
    and then ``value`` (escaped unless markup; a long identifier in text may wrap), or the body
    of a ``{% call cell(...) %}`` block.
    ``class`` adds classes; a cell across several columns (``colspan``) may have no heading."""
    extra = options.pop("class", None)
    if options:
        raise TypeError(f"cell() got unexpected options {sorted(options)}")
    tag = "th" if header else "td"
    classes = "nhsuk-table__header" if header else "nhsuk-table__cell"
    if numeric:
        classes += " nhsuk-table__cell--numeric"
    if extra:
        classes += f" {escape(extra)}"
    attributes = ' scope="row"' if header else ""
    if colspan:
        attributes += f' colspan="{int(colspan)}"'
    label = _label(heading if isinstance(heading, str) else str(heading)) if heading else ""
    if caller is not None:
        content = caller()
    elif isinstance(value, str) and not hasattr(value, "__html__"):
        content = _breakable(value)
    else:
        content = escape(value)
    return Markup(f'<{tag} class="{classes}"{attributes}>{label}<div class="carepool-cell">{content}</div></{tag}>')
