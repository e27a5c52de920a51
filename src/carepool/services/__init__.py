"""Use cases: one function per user action; the CLI and the web both call these."""
