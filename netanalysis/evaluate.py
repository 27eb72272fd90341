"""Evaluation metrics: rankings of key actors and role labels against a truth.

A leaf module (numpy and pandas only) so that benchmarks, reports and tests
can score any method without importing the rest of the library.

Rankings
--------
A *ranking* is either a :class:`pandas.Series` of scores indexed by member
id (larger score = more likely a key actor) or an ordered sequence of member
ids (first = most likely a key actor; it is turned into the scores
``n, n-1, ..., 1``, so it has no ties). The *truth* is a collection of member
ids, the true key actors. The ranked members are the population: a true key
actor that is not ranked cannot be retrieved, so it counts as a miss in
:func:`recall_at_k` and :func:`average_precision` (the usual information
retrieval convention), and :func:`roc_auc` refuses it because it needs a
score for every positive.

Ties
----
Equal scores are frequent (degree, k-core number...), so every metric says
what it does with them:

* :func:`precision_at_k` and :func:`recall_at_k` return the *expected* value
  when the members of the tied group that straddles rank ``k`` are put in a
  uniformly random order (McSherry & Najork 2008): if ``a`` members score
  strictly above the group, the group has ``g`` members of which ``t`` are
  true, and ``k - a`` of its places fall within the top ``k``, the group
  contributes ``t * (k - a) / g`` hits.
* :func:`roc_auc` counts a tied positive/negative pair as one half, which is
  again the expected value under random tie-breaking (the Mann-Whitney
  statistic), as scikit-learn's ``roc_auc_score`` does.
* :func:`average_precision` admits a tied group all at once: it is the step
  sum ``sum_t (R_t - R_{t-1}) P_t`` over the distinct score thresholds ``t``
  taken in decreasing order, with precision ``P_t`` and recall ``R_t`` of the
  set of members scoring at least ``t``. This is scikit-learn's
  ``average_precision_score`` (which is not the expectation under random
  tie-breaking); without ties it is the mean of the precision at the rank of
  each true key actor.

References
----------
Manning, C. D., Raghavan, P., Schuetze, H. (2008). Introduction to
Information Retrieval, ch. 8. Cambridge University Press.
McSherry, F., Najork, M. (2008). Computing information retrieval performance
measures efficiently in the presence of tied scores. ECIR 2008, LNCS 4956,
414-421.
Hanley, J. A., McNeil, B. J. (1982). The meaning and use of the area under a
receiver operating characteristic (ROC) curve. Radiology 143(1), 29-36.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "precision_at_k",
    "recall_at_k",
    "average_precision",
    "roc_auc",
    "role_report",
    "RoleReport",
]


# -- rankings ----------------------------------------------------------------
def _scores(ranking) -> pd.Series:
    """The ranking as a float Series of scores indexed by member id."""
    if isinstance(ranking, pd.Series):
        if not ranking.index.is_unique:
            raise ValueError("the ranking has repeated member ids")
        values = pd.to_numeric(ranking, errors="raise").astype(np.float64)
        if values.isna().any():
            bad = values.index[values.isna()][:5].tolist()
            raise ValueError(f"the ranking has missing scores for {bad}")
        return values
    if isinstance(ranking, (str, bytes)) or not isinstance(ranking, Iterable):
        raise TypeError("a ranking is a Series of scores or an ordered sequence of member ids")
    ids = pd.Index(list(ranking))
    if not ids.is_unique:
        raise ValueError("the ranking has repeated member ids")
    n = len(ids)
    return pd.Series(np.arange(n, 0, -1, dtype=np.float64), index=ids)


def _labels(scores: pd.Series, truth) -> tuple[np.ndarray, int]:
    """Boolean truth per ranked member, and the number of true actors that
    are not ranked."""
    if isinstance(truth, (str, bytes)):
        raise TypeError("truth is a collection of member ids, not a single id")
    truth = pd.Index(pd.unique(pd.Index(list(truth))))
    is_true = scores.index.isin(truth)
    n_missing = len(truth) - int(is_true.sum())
    return is_true, n_missing


def _check_k(k) -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, not {k!r}")
    return int(k)


def _expected_hits_at_k(scores: pd.Series, is_true: np.ndarray, k: int) -> float:
    """Expected number of true actors in the top k under random tie-breaking."""
    s = scores.to_numpy()
    if k >= len(s):
        return float(is_true.sum())
    # The k-th largest score defines the tied group straddling the cut.
    threshold = np.partition(s, len(s) - k)[len(s) - k]
    above = s > threshold
    tied = s == threshold
    n_above = int(above.sum())
    hits_above = int(is_true[above].sum())
    hits_tied = int(is_true[tied].sum())
    return hits_above + hits_tied * (k - n_above) / int(tied.sum())


def precision_at_k(ranking, truth, k: int) -> float:
    """Share of true key actors among the ``k`` top-ranked members.

    ``precision@k = hits(k) / k`` where ``hits(k)`` is the number of true key
    actors among the ``k`` members with the largest scores. Scores tied
    across the cut are resolved by the expected value under uniformly random
    tie-breaking (see the module notes). If fewer than ``k`` members are
    ranked, the missing places count as misses (the denominator stays ``k``).

    Parameters
    ----------
    ranking : Series or sequence
        Scores indexed by member id (larger = more key), or member ids in
        rank order (first = most key).
    truth : collection
        Member ids of the true key actors.
    k : int
        Size of the top set, at least 1.

    Returns
    -------
    float

    Examples
    --------
    >>> precision_at_k(["a", "b", "c", "d"], {"a", "c"}, k=2)
    0.5
    >>> import pandas as pd
    >>> precision_at_k(pd.Series({"a": 3, "b": 1, "c": 1, "d": 0}), {"b"}, k=2)
    0.25
    """
    k = _check_k(k)
    scores = _scores(ranking)
    is_true, _ = _labels(scores, truth)
    return _expected_hits_at_k(scores, is_true, k) / k


def recall_at_k(ranking, truth, k: int) -> float:
    """Share of the true key actors found among the ``k`` top-ranked members.

    ``recall@k = hits(k) / |truth|``, with ``hits(k)`` as in
    :func:`precision_at_k` (same tie rule). True key actors that are not in
    the ranking count as not found. An empty truth gives NaN.

    Parameters
    ----------
    ranking : Series or sequence
        Scores indexed by member id, or member ids in rank order.
    truth : collection
        Member ids of the true key actors.
    k : int
        Size of the top set, at least 1.

    Returns
    -------
    float

    Examples
    --------
    >>> recall_at_k(["a", "b", "c", "d"], {"a", "c", "z"}, k=3)
    0.666...
    """
    k = _check_k(k)
    scores = _scores(ranking)
    is_true, n_missing = _labels(scores, truth)
    n_true = int(is_true.sum()) + n_missing
    if n_true == 0:
        return float("nan")
    return _expected_hits_at_k(scores, is_true, k) / n_true


def average_precision(ranking, truth) -> float:
    """Average precision of a ranking, scikit-learn's step-wise definition.

    With the distinct scores ``t_1 > t_2 > ...`` as thresholds, ``P_i`` and
    ``R_i`` the precision and recall of the members scoring at least
    ``t_i`` and ``R_0 = 0``::

        AP = sum_i (R_i - R_{i-1}) * P_i

    Without ties this is ``(1 / |truth|) * sum over true actors of the
    precision at their rank``. A tied group enters at once (see the module
    notes). Recall is relative to all true key actors, so those missing from
    the ranking lower AP. An empty truth gives NaN.

    Parameters
    ----------
    ranking : Series or sequence
        Scores indexed by member id, or member ids in rank order.
    truth : collection
        Member ids of the true key actors.

    Returns
    -------
    float

    Examples
    --------
    True actors at ranks 1 and 3: ``(1/1 + 2/3) / 2``.

    >>> average_precision(["a", "b", "c", "d"], {"a", "c"})
    0.8333...
    """
    scores = _scores(ranking)
    is_true, n_missing = _labels(scores, truth)
    n_true = int(is_true.sum()) + n_missing
    if n_true == 0:
        return float("nan")
    s = scores.to_numpy()
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], is_true[order]
    # Last position of each run of equal scores = one threshold.
    ends = np.flatnonzero(np.r_[s_sorted[1:] != s_sorted[:-1], True])
    tp = np.cumsum(y_sorted)[ends]
    precision = tp / (ends + 1)
    recall_step = np.diff(np.r_[0, tp]) / n_true
    return float(np.sum(recall_step * precision))


def roc_auc(ranking, truth) -> float:
    """Area under the ROC curve: the chance that a true key actor outscores
    another member.

    ``AUC = (#{(p, q): s_p > s_q} + 0.5 * #{(p, q): s_p = s_q}) / (P * Q)``
    over pairs of a true key actor ``p`` and a ranked non-key member ``q``,
    with ``P`` and ``Q`` their numbers (Mann-Whitney U / (P Q); ties count
    one half). Computed from average ranks in ``O(n log n)``.

    Parameters
    ----------
    ranking : Series or sequence
        Scores indexed by member id, or member ids in rank order.
    truth : collection
        Member ids of the true key actors; all must be ranked.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a true key actor is not ranked, or if the ranked members are all
        true or all not true (AUC is undefined).

    Examples
    --------
    Pairs (a, b) and (a, d) are won, (c, b) is lost, (c, d) is won: 3 / 4.

    >>> roc_auc(["a", "b", "c", "d"], {"a", "c"})
    0.75
    """
    scores = _scores(ranking)
    is_true, n_missing = _labels(scores, truth)
    if n_missing:
        raise ValueError(f"{n_missing} true key actors are not in the ranking; AUC needs their scores")
    n_pos = int(is_true.sum())
    n_neg = len(is_true) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs at least one true key actor and one other member")
    ranks = scores.rank(method="average").to_numpy()
    u = ranks[is_true].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


# -- role labels ---------------------------------------------------------------
class RoleReport(NamedTuple):
    """Per-role scores and their macro average (unpacks as a pair)."""

    table: pd.DataFrame
    macro_f1: float


def _aligned_labels(true, predicted) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(true, pd.Series) and isinstance(predicted, pd.Series):
        if not (true.index.is_unique and predicted.index.is_unique):
            raise ValueError("role labels have repeated member ids")
        if set(true.index) != set(predicted.index):
            only_t = true.index.difference(predicted.index)[:5].tolist()
            only_p = predicted.index.difference(true.index)[:5].tolist()
            raise ValueError(
                f"true and predicted labels cover different members "
                f"(only true: {only_t}, only predicted: {only_p})"
            )
        predicted = predicted.reindex(true.index)
    t = np.asarray(true, dtype=object)
    p = np.asarray(predicted, dtype=object)
    if t.ndim != 1 or t.shape != p.shape:
        raise ValueError("true and predicted labels need the same length")
    if pd.isna(t).any() or pd.isna(p).any():
        raise ValueError("role labels must not be missing")
    return t, p


def role_report(true, predicted) -> RoleReport:
    """Precision, recall and F1 per role, and their macro average.

    For each role ``r`` among the labels of ``true`` and ``predicted``
    (their union, sorted), with ``TP`` the members labelled ``r`` in both,
    ``FP`` those predicted ``r`` but truly another role, and ``FN`` those
    truly ``r`` but predicted another role::

        precision = TP / (TP + FP), recall = TP / (TP + FN),
        F1 = 2 * precision * recall / (precision + recall)

    with 0 when a denominator is 0 (scikit-learn's ``zero_division=0``).
    ``macro_f1`` is the unweighted mean of F1 over these roles, as
    ``sklearn.metrics.f1_score(true, predicted, average="macro")``.

    Parameters
    ----------
    true, predicted : Series or array-like
        One role label per member. Two Series are aligned on member id
        (they must cover the same members); otherwise they are matched by
        position.

    Returns
    -------
    RoleReport
        ``table``: DataFrame indexed by role with columns ``precision``,
        ``recall``, ``f1``, ``support`` (true count) and ``predicted``
        (predicted count); ``macro_f1``: float.

    Examples
    --------
    >>> table, macro = role_report(["x", "x", "y", "y"], ["x", "y", "y", "y"])
    >>> table[["precision", "recall", "f1"]].round(3)
          precision  recall     f1
    role
    x      1.000   0.5  0.667
    y      0.667   1.0  0.800
    >>> round(macro, 4)
    0.7333
    """
    t, p = _aligned_labels(true, predicted)
    try:
        roles = sorted(set(t.tolist()) | set(p.tolist()))
    except TypeError:  # labels of mixed types: keep first appearance order
        roles = list(pd.unique(np.concatenate([t, p])))
    codes = {r: i for i, r in enumerate(roles)}
    ti = np.fromiter((codes[x] for x in t), dtype=np.int64, count=len(t))
    pi = np.fromiter((codes[x] for x in p), dtype=np.int64, count=len(p))
    m = len(roles)
    tp = np.bincount(ti[ti == pi], minlength=m).astype(np.float64)
    support = np.bincount(ti, minlength=m).astype(np.float64)
    n_pred = np.bincount(pi, minlength=m).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(n_pred > 0, tp / n_pred, 0.0)
        recall = np.where(support > 0, tp / support, 0.0)
        denom = precision + recall
        f1 = np.where(denom > 0, 2 * precision * recall / denom, 0.0)
    table = pd.DataFrame(
        {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support.astype(np.int64),
            "predicted": n_pred.astype(np.int64),
        },
        index=pd.Index(roles, name="role"),
    )
    macro = float(f1.mean()) if m else float("nan")
    return RoleReport(table, macro)
