"""The books as a Beancount ledger, so an auditor can check them with bean-check and browse them in Fava.

Pure text rendering (the caller writes the file). Account names become
``Root:Area:Pool:...`` with every component made Beancount-safe (capital or digit first;
letters, digits and dashes only); amounts are exact GBP decimals from pence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from carepool.ledger.transactions import Transaction

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def component(text: str) -> str:
    cleaned = _UNSAFE.sub("-", text.strip()).strip("-") or "X"
    return (cleaned[0].upper() + cleaned[1:]) if cleaned[0].isalpha() else (
        cleaned if cleaned[0].isdigit() else "X" + cleaned)


def account_name(area: str, pool: str, account: str) -> str:
    root, *rest = account.split(":")
    return ":".join([root, component(area), component(pool), *(component(c) for c in rest)])


def amount(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d} GBP"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', "'") + '"'


def render(transactions: Sequence[Transaction], title: str = "carepool pooled funds") -> str:
    """A complete Beancount file: options, one open per account, then every transaction by date."""
    lines = [f"option \"title\" {_quote(title)}", 'option "operating_currency" "GBP"', ""]
    opened: dict[str, date] = {}
    for t in transactions:
        for p in t.postings:
            name = account_name(t.area, t.pool, p.account)
            if name not in opened or t.on < opened[name]:
                opened[name] = t.on
    for name, on in sorted(opened.items(), key=lambda item: (item[1], item[0])):
        lines.append(f"{on.isoformat()} open {name} GBP")
    lines.append("")
    lines.extend(_transactions(sorted(transactions, key=lambda t: (t.on, t.key))))
    return "\n".join(lines) + "\n"


def _transactions(transactions: Iterable[Transaction]) -> Iterable[str]:
    for t in transactions:
        yield f"{t.on.isoformat()} * {_quote(t.narration)}"
        yield f"  key: {_quote(t.key)}"
        yield f"  kind: {_quote(t.kind)}"
        for p in t.postings:
            yield f"  {account_name(t.area, t.pool, p.account)}  {amount(p.pence)}"
        yield ""
