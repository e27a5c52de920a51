"""Use case: turn what a person typed (CLI options or a web form) into a risk-share agreement.

One place checks the kind, each partner's weight and the percentage of an underspend kept in
the pool, and answers with every finding (field by field) instead of the first error, so the
CLI and the web refuse the same inputs with the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence

from carepool.errors import InputError, ValidationFailed
from carepool.findings import Finding, error
from carepool.ledger.settlement import KINDS, RiskShare


def agreement_from(kind: str, weights: Sequence[tuple[str, str]], carry_forward: str | int) -> RiskShare:
    """The agreement; ``weights`` are (partner, weight as typed). ValidationFailed lists every problem."""
    found: list[Finding] = []
    kind = kind.strip()
    if kind not in KINDS:
        found.append(error("risk-share.kind", f"'{kind}' is not a risk-share kind (one of: {', '.join(KINDS)})",
                           field="kind"))
    pairs: list[tuple[str, int]] = []
    for partner, weight in weights:
        text = weight.strip()
        if not partner.strip() or not text.isdigit():
            found.append(error("risk-share.weight", f"'{partner}={weight}' needs a partner code and a whole "
                               "number weight (0 or more), e.g. 03L=50", field=f"weight-{partner.strip()}"))
        else:
            pairs.append((partner.strip(), int(text)))
    text = str(carry_forward).strip()
    if not text.isdigit() or not 0 <= int(text) <= 100:
        found.append(error("risk-share.carry-forward", f"'{text}' is not a whole percentage from 0 to 100",
                           field="carry_forward"))
    if not found:
        try:
            return RiskShare(kind, tuple(pairs), int(text))
        except InputError as exc:
            found.append(error("risk-share.shares", str(exc), field="weights"))
    raise ValidationFailed(f"the risk-share agreement has {len(found)} problem(s); nothing was recorded", found)
