"""What differs between the SQL engines, in one place (as in splink's dialects)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dialect:
    """Spelling differences the metric SQL must respect; everything else is shared SQL."""

    name: str
    string_type: str     # type name for CAST(... AS <string>)

    def as_text(self, expression: str) -> str:
        return f"CAST({expression} AS {self.string_type})"


DUCKDB = Dialect(name="duckdb", string_type="VARCHAR")
SPARK = Dialect(name="spark", string_type="STRING")
