"""Fitting the key-actor model, and choosing its free parameters,
leave-one-family-out.

The score of :func:`netanalysis.key_actors` (see its module docstring) is

    score = (1 - a) q_S + a q_key,   S = sum_j w_j e_j,
    a = role share where role detection's reading is plausible, else 0,

``q`` the rank of a score among the members taking part on a 0-1 scale,
``e_j`` the rank evidence of each behaviour of
:data:`netanalysis.keyplayers.key_actors.KEY_ACTOR_EVIDENCE`, and a reading
plausible when it calls at least ``PLAUSIBLE_KEY_MEMBERS`` and at most a
share ``p`` of the posting members key.

**The weights** ``w >= 0`` minimise the listwise ranking loss of ListNet's
top-one model (Cao et al. 2007) over the forums of the training families:

    L(w) = sum_f c_f * ( logsumexp_{v in A_f} s_v  -  mean_{v in K_f} s_v )
           + lam / 2 * |w|^2

where ``A_f`` are the members of forum ``f`` who take part, ``K_f`` its true
key actors and ``s = E w``. ``c_f`` makes every forum (source x condition)
weigh the same within its family and every family the same: a family of 22
forums does not outvote one of 2. The loss only compares members of one
forum, so it is blind to what differs between fora (size, activity), as the
rank evidence already is.

**The free parameters** -- the penalty ``lam``, the role share ``a`` and the
plausible share ``p`` -- are chosen from the grids :data:`PENALTIES`,
:data:`ROLE_SHARES` and :data:`KEY_SHARES` by leave-one-family-out: the
combination whose mean average precision over the families, each left out
in turn (the weights fitted on the others at that ``lam``), is highest
(ties: the earlier candidate, the grids going from the simplest). For the
figures of a held-out family the choice is nested: it is made among the
other families only.
"""
from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import minimize

from netanalysis.keyplayers.key_actors import PLAUSIBLE_KEY_MEMBERS

#: Penalties searched (the evidence is on a log scale of 0 to about 8).
PENALTIES = (0.3, 1.0, 3.0)
#: Shares of the score given to role detection's ranking where its reading
#: is plausible (0: the evidence sum alone).
ROLE_SHARES = (0.0, 0.25, 0.5, 0.75, 0.9)
#: Largest shares of the posting members a plausible reading may call key
#: (the study's fora: a management team of 1 to 5 and a few moderators and
#: technical members among hundreds to thousands of posting members).
KEY_SHARES = (0.015, 0.025, 0.05)
#: The fewest key members of a plausible reading: the library's, from the
#: study's Table 1 (not searched).
KEY_MEMBERS = PLAUSIBLE_KEY_MEMBERS


class Cases:
    """The forums of a fit: for each (source x condition), the evidence
    ``E`` (members taking part x behaviours), whether they are key actors,
    the rank score of role detection (``q_key``), the members who take no
    part (score 0) and how many of them are key, role detection's count of
    key members and the number of posting members."""

    def __init__(self, blocks, key_column: int):
        # blocks: (evidence, key of those taking part, family, key actors not
        # taking part, members not taking part, key members read, posting members)
        self.blocks = blocks
        self.E = np.vstack([b[0] for b in blocks])
        self.key = np.concatenate([b[1] for b in blocks])
        sizes = np.array([len(b[1]) for b in blocks])
        self.starts = np.r_[0, np.cumsum(sizes)]
        self.case = np.repeat(np.arange(len(blocks)), sizes)
        self.family = np.array([b[2] for b in blocks])
        self.n_key = np.bincount(self.case, weights=self.key, minlength=len(blocks))
        self.key_outside = np.array([b[3] for b in blocks])
        self.outside = np.array([b[4] for b in blocks])
        self.read_key = np.array([b[5] for b in blocks])
        self.posting = np.array([b[6] for b in blocks])
        self.q_key = [rank_score(b[0][:, key_column]) for b in blocks]

    def subset(self, families) -> np.ndarray:
        return np.isin(self.family, list(families))

    def evidence(self, i: int) -> np.ndarray:
        return self.E[self.starts[i]:self.starts[i + 1]]

    def plausible(self, i: int, key_share: float) -> bool:
        return bool(KEY_MEMBERS <= self.read_key[i] <= key_share * self.posting[i])

    def score(self, i: int, w: np.ndarray, role_share: float, key_share: float) -> np.ndarray:
        """The score of the members taking part in case ``i``."""
        q = rank_score(self.evidence(i) @ w)
        a = role_share if role_share > 0 and self.plausible(i, key_share) else 0.0
        return (1.0 - a) * q + a * self.q_key[i] if a else q

    def average_precision(self, i: int, score: np.ndarray) -> float:
        """AP of case ``i`` (every member; those taking no part score 0),
        scikit-learn's step-wise definition with ties entering at once, as
        :func:`netanalysis.evaluate.average_precision`."""
        key = self.key[self.starts[i]:self.starts[i + 1]]
        s = np.r_[score, 0.0] if self.outside[i] else score
        y = np.r_[key.astype(float), self.key_outside[i]] if self.outside[i] else key.astype(float)
        count = np.r_[np.ones(len(score)), self.outside[i]] if self.outside[i] else np.ones(len(score))
        n_true = y.sum()
        if n_true == 0:
            return float("nan")
        order = np.argsort(-s, kind="stable")
        s, y, count = s[order], y[order], count[order]
        last = np.r_[s[1:] != s[:-1], True]
        tp, seen = np.cumsum(y)[last], np.cumsum(count)[last]
        return float((np.diff(np.r_[0.0, tp]) / n_true * tp / seen).sum())


def rank_score(values: np.ndarray) -> np.ndarray:
    """``ln((n + 1) / r) / ln(n + 1)``, ``r`` the mid-rank from the top
    among the ``n`` values (the library's ``q``)."""
    n = len(values)
    ref = np.sort(values)
    above = n - np.searchsorted(ref, values, side="right")
    tied = np.searchsorted(ref, values, side="right") - np.searchsorted(ref, values, side="left")
    return np.log((n + 1) / (above + (tied + 1) / 2)) / np.log(n + 1)


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


def candidates() -> list[tuple[float, float, float]]:
    """(penalty, role share, plausible share), simplest first; the
    plausible share matters only with a role share."""
    out = []
    for lam, a in itertools.product(PENALTIES, ROLE_SHARES):
        out += [(lam, a, KEY_SHARES[0])] if a == 0 else [(lam, a, p) for p in KEY_SHARES]
    return out


class Fits:
    """Weights fitted without some families, each fit made once."""

    def __init__(self, cases: Cases, families):
        self.cases, self.families, self._done = cases, list(families), {}

    def without(self, left_out, lam: float) -> np.ndarray:
        key = (frozenset(left_out), lam)
        if key not in self._done:
            self._done[key] = fit(self.cases, [f for f in self.families if f not in left_out], lam)
        return self._done[key]


def choose(fits: Fits, families, excluded=frozenset()) -> tuple[float, float, float]:
    """The candidate whose mean AP over ``families``, each left out in turn
    (weights fitted on all of ``fits.families`` but it and ``excluded``), is
    highest."""
    cases = fits.cases
    totals = {c: [] for c in candidates()}
    for fam in families:
        idx = np.nonzero(cases.family == fam)[0]
        idx = idx[cases.n_key[idx] + cases.key_outside[idx] > 0]
        per = {c: [] for c in totals}
        for lam in PENALTIES:
            w = fits.without(set(excluded) | {fam}, lam)
            for i in idx:
                q = rank_score(cases.evidence(i) @ w)
                for c in per:
                    if c[0] != lam:
                        continue
                    a = c[1] if c[1] > 0 and cases.plausible(i, c[2]) else 0.0
                    per[c].append(cases.average_precision(i, (1 - a) * q + a * cases.q_key[i]))
        for c in totals:
            totals[c].append(np.mean(per[c]))
    best = max(totals, key=lambda c: (np.mean(totals[c]), -candidates().index(c)))
    return best
