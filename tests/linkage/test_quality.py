import pandas as pd

from carepool.linkage.quality import accuracy, histogram


def test_precision_recall_f1() -> None:
    found = [("a", "1"), ("b", "2"), ("c", "9")]
    truth = [("a", "1"), ("b", "2"), ("d", "4"), ("e", "5")]
    result = accuracy(found, truth)
    assert (result.true_positives, result.false_positives, result.false_negatives) == (2, 1, 2)
    assert round(result.precision, 4) == 0.6667 and result.recall == 0.5
    assert round(result.f1, 4) == round(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5), 4)


def test_histogram_bins_are_half_open() -> None:
    bins = dict(histogram(pd.Series([-12.0, 0.0, 5.99, 6.0, 30.0])))
    assert bins["[-inf, -10)"] == 1 and bins["[0, 2)"] == 1 and bins["[4, 6)"] == 1
    assert bins["[6, 8)"] == 1 and bins["[20, inf)"] == 1
