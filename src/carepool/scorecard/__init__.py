"""The HWB scorecard: areas ranked as system managers, with rank intervals, by a documented method.

``method`` holds the method (``data/scorecard.yaml``: indicators, weights, level) and the scoring;
``inputs`` turns stored plans, returns, ledger spend and SPC signals into each area's evidence.
"""
