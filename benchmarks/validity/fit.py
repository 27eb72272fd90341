"""Fitting the weights of the key-actor score, and choosing its penalty,
leave-one-family-out.

The score of :func:`netanalysis.key_actors` is ``sum_j w_j e_j``, the rank
evidence ``e_j`` of each behaviour of
:data:`netanalysis.keyplayers.key_actors.KEY_ACTOR_EVIDENCE`. The weights
``w >= 0`` minimise the listwise ranking loss of ListNet's top-one model
(Cao et al. 2007) over the forums of the training families:

    L(w) = sum_f c_f * ( logsumexp_{v in A_f} s_v  -  mean_{v in K_f} s_v )
           + lam / 2 * |w|^2

where ``A_f`` are the members of forum ``f`` who take part, ``K_f`` its true
key actors and ``s = E w``. ``c_f`` makes every forum (source x condition)
weigh the same within its family and every family the same: a family of 22
forums does not outvote one of 2. The loss only compares members of one
forum, so it is blind to what differs between fora (size, activity), as the
rank evidence already is.

The penalty ``lam`` is chosen from :data:`PENALTIES` by the rule of the
validation suite: the value whose *worst* family (left out in turn, the
others fitted) does best against that family's best single structural
baseline (mean AP minus the best baseline's AP; ties: the higher mean AP).
For the figures of a held-out family the choice is nested: ``lam`` is chosen
by leave-one-family-out among the other families only.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

#: Penalties searched (the evidence is on a log scale of 0 to about 8).
PENALTIES = (0.3, 1.0, 3.0)


class Cases:
    """The forums of a fit, stacked: evidence ``E`` (members x behaviours)
    of the members who take part, ``key`` (bool), and the forum of each row."""

    def __init__(self, blocks):
        # blocks: list of (evidence ndarray, key bool ndarray, family, weight-key)
        self.E = np.vstack([b[0] for b in blocks])
        self.key = np.concatenate([b[1] for b in blocks])
        sizes = np.array([len(b[1]) for b in blocks])
        self.starts = np.r_[0, np.cumsum(sizes)[:-1]]
        self.case = np.repeat(np.arange(len(blocks)), sizes)
        self.family = np.array([b[2] for b in blocks])
        self.n_key = np.bincount(self.case, weights=self.key, minlength=len(blocks))

    def subset(self, families) -> np.ndarray:
        return np.isin(self.family, list(families))


def _case_weights(cases: Cases, use: np.ndarray) -> np.ndarray:
    """Every used forum with a key actor weighs 1 / (forums of its family),
    the sum normalised to 1."""
    c = np.zeros(len(cases.family))
    ok = use & (cases.n_key > 0)
    for fam in np.unique(cases.family[ok]):
        members = ok & (cases.family == fam)
        c[members] = 1.0 / members.sum()
    return c / c.sum() if c.sum() > 0 else c


def fit(cases: Cases, families, lam: float) -> np.ndarray:
    """The non-negative weights minimising the loss on ``families``."""
    c = _case_weights(cases, cases.subset(families))
    rows = c[cases.case] > 0
    E, case, key = cases.E[rows], cases.case[rows], cases.key[rows]
    cw = c[case]
    n_case = len(cases.family)
    pos_w = np.where(key, cw / np.maximum(cases.n_key[case], 1), 0.0)

    def loss(w):
        s = E @ w
        top = np.full(n_case, -np.inf)
        np.maximum.at(top, case, s)
        ex = np.exp(s - top[case])
        z = np.bincount(case, weights=ex, minlength=n_case)
        lse = np.log(np.where(z > 0, z, 1.0)) + np.where(np.isfinite(top), top, 0.0)
        value = (c * lse).sum() - (pos_w * s).sum() + 0.5 * lam * w @ w
        p = ex / z[case]
        grad = E.T @ (cw * p - pos_w) + lam * w
        return value, grad

    res = minimize(loss, np.full(E.shape[1], 0.01), jac=True, method="L-BFGS-B",
                   bounds=[(0.0, None)] * E.shape[1])
    return res.x


def leave_one_out(cases: Cases, families, lam: float, score_case) -> dict:
    """For each family of ``families``: weights fitted on the others and the
    figures ``score_case(case_index, weights)`` of its forums."""
    out = {}
    for fam in families:
        w = fit(cases, [f for f in families if f != fam], lam)
        out[fam] = (w, {i: score_case(i, w) for i in np.nonzero(cases.family == fam)[0]})
    return out


def choose_penalty(cases: Cases, families, margin_of) -> float:
    """The penalty of :data:`PENALTIES` whose worst family, left out, does
    best (``margin_of(case_index, weights)`` -> (margin, ap))."""
    best = None
    for lam in PENALTIES:
        per = leave_one_out(cases, families, lam, margin_of)
        fam_margin = [np.mean([m for m, _ in figs.values()]) for _, figs in per.values()]
        fam_ap = [np.mean([a for _, a in figs.values()]) for _, figs in per.values()]
        key = (min(fam_margin), float(np.mean(fam_ap)))
        if best is None or key > best[0]:
            best = (key, lam)
    return best[1]
