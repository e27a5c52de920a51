"""carepool: pooled health and social care budgets (the Better Care Fund)."""

__version__ = "0.1.0"
