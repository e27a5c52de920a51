"""Chart of a pooling-scenario comparison (PNG or SVG): national pool by partner side, and who
bears the money at risk under each risk-share rule. Object API with the Agg canvas (no pyplot).
The chart is captioned as derived figures and an assumed overspend.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from carepool.errors import InputError

FORMATS = {".png": "png", ".svg": "svg"}
CCG_COLOUR = "#005eb8"   # NHS blue
LA_COLOUR = "#ed8b00"


def _bn(pence: int) -> float:
    return pence / 100 / 1e9


def write_scenario_chart(report: Mapping[str, Any], path: Path) -> Path:
    """Draw ``compare(...)``'s report to ``path`` (.png or .svg)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"chart must be .png or .svg, got '{path.suffix}'", where=str(path))
    nat = report["national"]
    base, other = report["base"], report["other"]
    fig = Figure(figsize=(11, 5), dpi=100)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    labels = [base["id"], other["id"]]
    ccg = [_bn(nat["ccg_base_pence"]), _bn(nat["ccg_other_pence"])]
    la = [_bn(nat["la_base_pence"]), _bn(nat["la_other_pence"])]
    left.bar(labels, ccg, color=CCG_COLOUR, label="CCGs (NHS)")
    left.bar(labels, la, bottom=ccg, color=LA_COLOUR, label="Councils")
    left.set_ylabel("£bn pooled (derived)")
    left.set_title("Pool size, England")
    left.set_ylim(0, max(c + la_ for c, la_ in zip(ccg, la, strict=True)) * 1.2 or 1)
    left.legend(frameon=False, loc="upper left", ncol=2)
    rules = list(nat["risk_by_rule"]["other"])
    r_ccg = [_bn(nat["risk_by_rule"]["other"][r]["ccg_pence"]) for r in rules]
    r_la = [_bn(nat["risk_by_rule"]["other"][r]["la_pence"]) for r in rules]
    right.bar(rules, r_ccg, color=CCG_COLOUR, label="CCGs bear")
    right.bar(rules, r_la, bottom=r_ccg, color=LA_COLOUR, label="Councils bear")
    right.set_ylabel("£bn at risk")
    right.set_title(f"{other['id']}: a {report['overspend_pct']}% overspend shared by rule")
    top = max((c + la_ for c, la_ in zip(r_ccg, r_la, strict=True)), default=0.0)
    right.set_ylim(0, top * 1.25 if top > 0 else 1)
    right.legend(frameon=False, loc="upper left", ncol=2)
    fig.suptitle(f"{base['id']} against {other['id']}")
    fig.text(0.01, 0.01, "Derived: national totals split by population; money at risk assumes an overspend "
             "(stress test). Not published per-area figures.", fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt)
    return path
