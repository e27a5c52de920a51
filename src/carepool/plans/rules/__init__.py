"""Validation rules for plans. Each rule module exposes ``RULES``: functions with the one
signature ``(plan, ctx) -> list[Finding]``. ``carepool.plans.validate`` runs them all."""
