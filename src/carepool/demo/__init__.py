"""`carepool demo`: the national illustrative picture, built step by step from the real series."""
