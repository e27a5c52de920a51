"""Chart of a pooling-scenario comparison (PNG or SVG): national pool by partner side, and who
bears the money at risk under each risk-share rule. Object API with the Agg canvas (no pyplot).
The chart is captioned as derived figures and an assumed overspend. A figure that rests on a
national total whose status is not published (``estimate-unverified``: see
``scenarios/model.py``) carries a dagger (on its bar segment, tick label and legend
entry), and a footnote names the total and says it is an unverified estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from carepool.errors import InputError

FORMATS = {".png": "png", ".svg": "svg"}
CCG_COLOUR = "#005eb8"   # NHS blue
LA_COLOUR = "#ed8b00"
MARK = "\u2020"          # dagger: the figure rests on a national total that is an unverified estimate
SIDE_WORDS = {"ccg": "CCG", "la": "council"}


def _bn(pence: int) -> float:
    return pence / 100 / 1e9


def unverified_totals(report: Mapping[str, Any], side: str) -> list[Mapping[str, Any]]:
    """The national totals ``side`` ("base" or "other") uses whose status is not published."""
    return [t for t in report[side].get("totals", []) if not t.get("verified", True)]


def footnotes(report: Mapping[str, Any]) -> list[str]:
    """One line per unverified national total the chart's figures use, each starting with the mark."""
    used: dict[str, tuple[Mapping[str, Any], list[str]]] = {}
    for side in ("base", "other"):
        for t in unverified_totals(report, side):
            used.setdefault(t["id"], (t, []))[1].append(report[side]["id"])
    return [f"{MARK} national {SIDE_WORDS.get(t['contributor'], t['contributor'])} total "
            f"'{t['name']}' ({', '.join(dict.fromkeys(ids))}) is an "
            f"{t.get('status_label', 'unverified estimate')}: figures marked {MARK} use it."
            for t, ids in used.values()]


def _marked(text: str, mark: bool) -> str:
    return f"{text} {MARK}" if mark else text


def scenario_figure(report: Mapping[str, Any]) -> Figure:
    """The comparison chart; a figure resting on an unverified national total is marked with a dagger."""
    nat = report["national"]
    base, other = report["base"], report["other"]
    shaky = {side: {t["contributor"] for t in unverified_totals(report, side)} for side in ("base", "other")}
    fig = Figure(figsize=(11, 5), dpi=100)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    labels = [_marked(base["id"], bool(shaky["base"])), _marked(other["id"], bool(shaky["other"]))]
    ccg = [_bn(nat["ccg_base_pence"]), _bn(nat["ccg_other_pence"])]
    la = [_bn(nat["la_base_pence"]), _bn(nat["la_other_pence"])]
    any_ccg = any("ccg" in c for c in shaky.values())
    any_la = any("la" in c for c in shaky.values())
    left.bar(labels, ccg, color=CCG_COLOUR, label=_marked("CCGs (NHS)", any_ccg))
    left.bar(labels, la, bottom=ccg, color=LA_COLOUR, label=_marked("Councils", any_la))
    for i, side in enumerate(("base", "other")):     # the dagger on each affected segment itself
        for contributor, bottom, height in (("ccg", 0.0, ccg[i]), ("la", ccg[i], la[i])):
            if contributor in shaky[side] and height > 0:
                left.text(i, bottom + height / 2, MARK, ha="center", va="center", color="white",
                          fontsize=14, fontweight="bold")
    left.set_ylabel("£bn pooled (derived)")
    left.set_title("Pool size, England")
    left.set_ylim(0, max(c + la_ for c, la_ in zip(ccg, la, strict=True)) * 1.2 or 1)
    left.legend(frameon=False, loc="upper left", ncol=2)
    risky = bool(shaky["other"])          # money at risk is a share of the whole pool: all of it rests on it
    rules = list(nat["risk_by_rule"]["other"])
    r_ccg = [_bn(nat["risk_by_rule"]["other"][r]["ccg_pence"]) for r in rules]
    r_la = [_bn(nat["risk_by_rule"]["other"][r]["la_pence"]) for r in rules]
    rule_labels = [_marked(r, risky) for r in rules]
    right.bar(rule_labels, r_ccg, color=CCG_COLOUR, label=_marked("CCGs bear", risky))
    right.bar(rule_labels, r_la, bottom=r_ccg, color=LA_COLOUR, label=_marked("Councils bear", risky))
    right.set_ylabel("£bn at risk")
    right.set_title(_marked(f"{other['id']}: a {report['overspend_pct']}% overspend shared by rule", risky))
    top = max((c + la_ for c, la_ in zip(r_ccg, r_la, strict=True)), default=0.0)
    right.set_ylim(0, top * 1.25 if top > 0 else 1)
    right.legend(frameon=False, loc="upper left", ncol=2)
    fig.suptitle(f"{base['id']} against {other['id']}")
    notes = footnotes(report)
    lines = ["Derived: national totals split by population; money at risk assumes an overspend "
             "(stress test). Not published per-area figures.", *notes]
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=8)
    fig.tight_layout(rect=(0, 0.04 + 0.03 * len(notes), 1, 0.95))
    return fig


def write_scenario_chart(report: Mapping[str, Any], path: Path) -> Path:
    """Draw ``compare(...)``'s report to ``path`` (.png or .svg); an SVG keeps its text as text."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"chart must be .png or .svg, got '{path.suffix}'", where=str(path))
    fig = scenario_figure(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(path, format=fmt)
    return path
