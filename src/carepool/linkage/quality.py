"""How good a linkage is: the match-weight distribution, and precision/recall/F1 against truth.

Without truth the distribution is what a reviewer has: a clean run is two humps (non-links
low, links high) with little in between. With truth (synthetic files, or a clerically
reviewed sample) the report adds precision, recall and F1 of the accepted links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

BINS = (-float("inf"), -10, -5, 0, 2, 4, 6, 8, 10, 15, 20, float("inf"))


@dataclass(frozen=True)
class Accuracy:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class QualityReport:
    links: int
    by_method: dict[str, int]
    review: int
    unmatched_left: int
    weight_histogram: list[tuple[str, int]]   # (bin label, number of links)
    accuracy: Accuracy | None

    def as_dict(self) -> dict[str, object]:
        return {"links": self.links, "by_method": self.by_method, "review": self.review,
                "unmatched_left": self.unmatched_left,
                "weight_histogram": [{"bin": b, "count": c} for b, c in self.weight_histogram],
                "accuracy": self.accuracy.as_dict() if self.accuracy else None}


def accuracy(links: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]]) -> Accuracy:
    found, real = set(links), set(truth)
    return Accuracy(len(found & real), len(found - real), len(real - found))


def histogram(weights: pd.Series) -> list[tuple[str, int]]:
    def label(lo: float, hi: float) -> str:
        return f"[{'-inf' if lo == -float('inf') else int(lo)}, {'inf' if hi == float('inf') else int(hi)})"

    counts = pd.cut(weights.astype(float), bins=list(BINS), right=False).value_counts(sort=False)
    return [(label(BINS[i], BINS[i + 1]), int(n)) for i, n in enumerate(counts.to_numpy())]


def report(links: pd.DataFrame, review: pd.DataFrame, unmatched_left: int,
           truth: Iterable[tuple[str, str]] | None = None) -> QualityReport:
    pairs = zip(links["left_id"], links["right_id"], strict=True)
    return QualityReport(
        links=len(links),
        by_method={str(k): int(v) for k, v in links["method"].value_counts().sort_index().items()},
        review=len(review),
        unmatched_left=unmatched_left,
        weight_histogram=histogram(links["match_weight"]),
        accuracy=accuracy(pairs, truth) if truth is not None else None,
    )
