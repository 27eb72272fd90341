"""Tests for netanalysis.evaluate: hand-computed cases and scikit-learn parity."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from netanalysis.evaluate import (
    average_precision,
    precision_at_k,
    recall_at_k,
    role_report,
    roc_auc,
)


# -- precision and recall at k ----------------------------------------------
def test_precision_recall_at_k_ordered_list():
    ranking = ["a", "b", "c", "d", "e"]
    truth = {"b", "c", "x"}  # "x" is not ranked: it can never be retrieved
    # top 1 = {a}: 0 hits -> P = 0/1, R = 0/3
    assert precision_at_k(ranking, truth, 1) == 0.0
    assert recall_at_k(ranking, truth, 1) == 0.0
    # top 3 = {a, b, c}: 2 hits -> P = 2/3, R = 2/3
    assert precision_at_k(ranking, truth, 3) == pytest.approx(2 / 3)
    assert recall_at_k(ranking, truth, 3) == pytest.approx(2 / 3)
    # k = 10 > 5 ranked members: all 2 reachable hits, P = 2/10 (missing
    # places are misses), R = 2/3 ("x" is never found)
    assert precision_at_k(ranking, truth, 10) == pytest.approx(0.2)
    assert recall_at_k(ranking, truth, 10) == pytest.approx(2 / 3)


def test_precision_at_k_ties_are_averaged():
    scores = pd.Series({"a": 5.0, "b": 3.0, "c": 3.0, "d": 3.0, "e": 1.0})
    truth = {"a", "c"}
    # k = 2: "a" is strictly above (1 hit); one of the 3 places tied at 3.0
    # falls in the top 2, and 1 of those 3 members is true, so the tied group
    # contributes 1 * 1/3 expected hits: P = (1 + 1/3) / 2 = 2/3.
    assert precision_at_k(scores, truth, 2) == pytest.approx(2 / 3)
    # k = 3: 2 of 3 tied places: (1 + 2/3) / 3 = 5/9; recall (1 + 2/3) / 2 = 5/6
    assert precision_at_k(scores, truth, 3) == pytest.approx(5 / 9)
    assert recall_at_k(scores, truth, 3) == pytest.approx(5 / 6)
    # k = 4: the whole tied group is in: (1 + 1) / 4
    assert precision_at_k(scores, truth, 4) == pytest.approx(0.5)


def test_precision_at_k_tie_rule_is_the_mean_over_tie_orders():
    rng = np.random.default_rng(3)
    scores = pd.Series(rng.integers(0, 4, size=9).astype(float), index=list("abcdefghi"))
    truth = {"a", "d", "e", "h"}
    k = 4
    # brute force: average over many random tie orders (exact enumeration
    # is large, the mean over 4000 draws is within 0.02)
    draws = []
    for _ in range(4000):
        key = scores.to_numpy() + rng.random(9) * 0.5  # random order within ties
        top = scores.index[np.argsort(-key)[:k]]
        draws.append(len(set(top) & truth) / k)
    assert precision_at_k(scores, truth, k) == pytest.approx(np.mean(draws), abs=0.02)


def test_at_k_input_errors():
    with pytest.raises(ValueError):
        precision_at_k(["a"], {"a"}, 0)
    with pytest.raises(ValueError):
        precision_at_k(["a", "a"], {"a"}, 1)
    with pytest.raises(ValueError):
        precision_at_k(pd.Series({"a": np.nan}), {"a"}, 1)
    with pytest.raises(TypeError):
        precision_at_k(["a"], "a", 1)
    assert np.isnan(recall_at_k(["a"], set(), 1))


# -- average precision and AUC --------------------------------------------------
def test_average_precision_by_hand():
    # true at ranks 2 and 4: (1/2 + 2/4) / 2 = 0.5
    assert average_precision(["a", "b", "c", "d"], {"b", "d"}) == pytest.approx(0.5)
    # a true actor that is not ranked adds a zero: (1/1 + 0) / 2 = 0.5
    assert average_precision(["a", "b"], {"a", "z"}) == pytest.approx(0.5)
    # ties enter at once: thresholds 2 -> {a, b} (P = 1/2, R = 1/1)
    scores = pd.Series({"a": 2.0, "b": 2.0, "c": 1.0})
    assert average_precision(scores, {"b"}) == pytest.approx(0.5)


def test_roc_auc_by_hand_with_ties():
    scores = pd.Series({"p1": 3.0, "p2": 1.0, "n1": 2.0, "n2": 1.0, "n3": 0.0})
    # pairs (positive, negative): p1 beats n1, n2, n3 (3); p2 vs n1 lost (0),
    # vs n2 tied (0.5), vs n3 won (1): AUC = (3 + 1.5) / 6 = 0.75
    assert roc_auc(scores, {"p1", "p2"}) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        roc_auc(scores, {"p1", "zz"})
    with pytest.raises(ValueError):
        roc_auc(scores, set(scores.index))


@pytest.mark.parametrize("seed", range(6))
def test_ranking_metrics_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    ids = [f"m{i}" for i in range(n)]
    # integer scores make ties frequent; seeds 0-2 continuous, 3-5 with ties
    scores = rng.integers(0, 6, size=n) if seed >= 3 else rng.normal(size=n)
    y = rng.random(n) < 0.3
    y[0], y[1] = True, False  # both classes present
    series = pd.Series(scores.astype(float), index=ids)
    truth = {ids[i] for i in np.flatnonzero(y)}
    assert roc_auc(series, truth) == pytest.approx(roc_auc_score(y, scores))
    assert average_precision(series, truth) == pytest.approx(average_precision_score(y, scores))


def test_ordered_list_equals_decreasing_scores():
    ranking = ["c", "a", "d", "b"]
    series = pd.Series({"c": 4.0, "a": 3.0, "d": 2.0, "b": 1.0})
    truth = {"a", "b"}
    for f in (average_precision, roc_auc):
        assert f(ranking, truth) == f(series, truth)
    assert precision_at_k(ranking, truth, 2) == precision_at_k(series, truth, 2) == 0.5


# -- role labels ---------------------------------------------------------------
def test_role_report_by_hand():
    true = pd.Series(["admin", "member", "member", "member", "tech"], index=list("abcde"))
    pred = pd.Series(["admin", "admin", "member", "tech", "lurker"], index=list("abcde"))
    table, macro = role_report(true, pred)
    assert list(table.index) == ["admin", "lurker", "member", "tech"]
    # admin: TP = 1 (a), FP = 1 (b), FN = 0 -> P = 1/2, R = 1, F1 = 2/3
    assert table.loc["admin", ["precision", "recall", "f1"]].tolist() == pytest.approx([0.5, 1, 2 / 3])
    # lurker: predicted once (e), never true -> P = 0, R = 0 (no support), F1 = 0
    assert table.loc["lurker", ["precision", "recall", "f1"]].tolist() == [0, 0, 0]
    # member: TP = 1 (c), FP = 0, FN = 2 (b, d) -> P = 1, R = 1/3, F1 = 1/2
    assert table.loc["member", ["precision", "recall", "f1"]].tolist() == pytest.approx([1, 1 / 3, 0.5])
    # tech: TP = 0, FP = 1 (d), FN = 1 (e) -> 0, 0, 0
    assert table.loc["tech", "f1"] == 0
    assert table["support"].tolist() == [1, 0, 3, 1]
    assert table["predicted"].tolist() == [2, 1, 1, 1]
    # macro F1 = (2/3 + 0 + 1/2 + 0) / 4 = 7/24
    assert macro == pytest.approx(7 / 24)


def test_role_report_aligns_series_on_member_id():
    true = pd.Series(["x", "y", "y"], index=["a", "b", "c"])
    pred = pd.Series(["y", "y", "x"], index=["c", "b", "a"])  # same labels, shuffled
    table, macro = role_report(true, pred)
    assert macro == 1.0
    with pytest.raises(ValueError):
        role_report(true, pred.rename({"c": "z"}))
    with pytest.raises(ValueError):
        role_report(["x", "y"], ["x"])


@pytest.mark.parametrize("seed", range(5))
def test_role_report_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = 40
    true = rng.choice(["a", "b", "c", "d"], size=n)
    pred = np.where(rng.random(n) < 0.6, true, rng.choice(["a", "b", "c", "e"], size=n))
    table, macro = role_report(true, pred)
    labels = sorted(set(true) | set(pred))
    assert macro == pytest.approx(f1_score(true, pred, average="macro", zero_division=0))
    assert table["f1"].to_numpy() == pytest.approx(
        f1_score(true, pred, labels=labels, average=None, zero_division=0)
    )
