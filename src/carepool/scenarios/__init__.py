"""Whole-budget pooling scenarios: what pooling more (or all) of the health and care budget would put in one pot.

Each scenario is a YAML file in ``scenarios/data/``; ``pools`` builds every area's pool under a
scenario, ``riskshare`` splits the money at risk between partners by a rule, and ``compare``
sets two scenarios side by side.
"""
