"""What differs between the SQL engines, in one place (as in splink's dialects)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DAYS = re.compile(r"DAYS\((\w+), (\w+)\)")


@dataclass(frozen=True, slots=True)
class Dialect:
    """Spelling differences the metric SQL must respect; everything else is shared SQL."""

    name: str
    string_type: str     # type name for CAST(... AS <string>)
    days_between: str    # format with {start} and {end}: whole days from start to end

    def as_text(self, expression: str) -> str:
        return f"CAST({expression} AS {self.string_type})"

    def render(self, sql: str) -> str:
        """Replace the neutral ``DAYS(start, end)`` with this engine's spelling."""
        return _DAYS.sub(lambda m: self.days_between.format(start=m.group(1), end=m.group(2)), sql)


DUCKDB = Dialect(name="duckdb", string_type="VARCHAR", days_between="date_diff('day', {start}, {end})")
SPARK = Dialect(name="spark", string_type="STRING", days_between="datediff({end}, {start})")
