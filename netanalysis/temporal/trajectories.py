r"""Activity trajectories: group-based trajectory modelling of the members'
posts per period (Nagin 1999, 2005; Jones, Nagin & Roeder 2001).

The model
---------
Each posting member :math:`i` has a *record*: consecutive periods
:math:`t = s_i, \dots, e_i` of length ``freq`` (a pandas frequency,
``"MS"`` = calendar months), and a count :math:`y_{it}` of posts in each.
The members belong to :math:`K` latent groups with shares :math:`\pi_j`;
given group :math:`j` the counts of a member are independent over the
periods of the record, with

``model="poisson"``
    :math:`y_{it} \sim \mathrm{Poisson}(\lambda_{jt})`,
    :math:`\log \lambda_{jt} = \sum_{k=0}^{p} b_{jk} z_t^k`;

``model="zip"`` (zero-inflated Poisson, Lambert 1992; Nagin 2005 ch. 2)
    :math:`y_{it} = 0` with probability
    :math:`\omega_j + (1 - \omega_j) e^{-\lambda_{jt}}` and
    :math:`y_{it} = y > 0` with probability
    :math:`(1 - \omega_j) \lambda_{jt}^y e^{-\lambda_{jt}} / y!`: a
    structural zero (a period of not posting at all) with a constant
    probability :math:`\omega_j` per group, otherwise a Poisson count. The
    expected count is :math:`\mu_{jt} = (1 - \omega_j) \lambda_{jt}`;

where :math:`p` is ``order`` and :math:`z_t = (t - c) / h` is standardised
time: :math:`t = 0, \dots, T - 1` indexes the periods of the clock,
:math:`c = h = (T - 1) / 2`, so :math:`z` runs from -1 to 1. The likelihood is

.. math::

    L = \prod_i \sum_{j=1}^K \pi_j \prod_{t = s_i}^{e_i} f_j(y_{it}; t).

Internally the polynomial is fitted on an orthonormal basis of
:math:`1, z, \dots, z^p` over the periods (QR of the Vandermonde matrix,
as R's ``poly``), which keeps the Newton steps well conditioned; the
coefficients :math:`b_{jk}` reported are on the power basis of :math:`z`
above.

Records: who is counted when
----------------------------
The posting members are the authors of at least one post. A member's
record starts with the period of their first post (``joined_at`` is not
used: a trajectory describes a posting career, not a registration) and
ends with the period of their *last activity*: the later of their last post
and, when the forum's ``members`` table has it, their ``last_seen_at``
(a ``last_seen_at`` after the last period is taken as the last period;
one before the last post is ignored). Periods outside the record are not
observed: they are not zeros and do not enter the likelihood. A member who
stopped posting but was seen later has zeros up to their last visit; a
member who left is not counted as posting nothing after leaving. A member
with one post has a record of one period (longer if seen later) and is
classified like any other, from little evidence (their posterior
probabilities are close to the shares).

``clock="calendar"`` puts every member on the forum's periods (the first
period holds the forum's first post; periods are anchored as by
:meth:`netanalysis.Forum.windows`), ``clock="tenure"`` aligns the members at their
first post (``t`` = periods since the first post, :math:`T` the longest
record).

Fitting
-------
EM (Dempster, Laird & Rubin 1977) on all members at once. The E-step
computes every member's log-likelihood under every group from sparse or
dense member x period count matrices and prefix sums of the group curves
over the records. The M-step of the Poisson regressions is weighted IRLS
(Newton with step halving) over the stacked member-period rows, which the
posterior weights reduce exactly to their sufficient statistics per
period and group (weighted counts and weighted members at risk). For ZIP
the structural zeros are a second latent layer: each zero is a
structural zero with probability
:math:`\omega_j / (\omega_j + (1 - \omega_j) e^{-\lambda_{jt}})`, which
updates :math:`\omega_j` and the Poisson weights; given the posterior
these depend on the data only through the same per-period statistics (and
the weighted zeros), so this inner EM runs to convergence (at most 50
steps) in every M-step. Each number of groups :math:`K > 1` is fitted from
``n_starts`` starts (k-means++ on the members' log rates in ``order + 1``
time segments, seeded by ``numpy.random.SeedSequence([seed, K, start])``),
each run for 15 EM iterations on a seeded sample of 20,000 members (all
members when there are fewer); the best start then runs on all members
until the log-likelihood gains less than ``tol`` times its size (at most
``max_iter`` iterations). The same seed gives the same result. Groups are numbered by increasing mean expected
count over the periods.

Number of groups and adequacy
-----------------------------
For each candidate :math:`K` (1 to ``max_groups`` with ``n_groups="auto"``)
the table ``bic`` gives the log-likelihood :math:`\ell` (with the
:math:`\log y!` terms, comparable across models), the number of
parameters :math:`k = (K - 1) + K(p + 1)` (+ :math:`K` for ZIP) and
Nagin's BIC :math:`\ell - \tfrac12 k \ln N` with :math:`N` the number of
members (larger is better; -2 times it is the usual BIC), and AIC
:math:`\ell - k` on the same scale. The largest BIC is chosen. Nagin
(2005, ch. 5) also asks that groups be not too small: ``min_share`` is in
the table.

A member's posterior probability of group :math:`j` is
:math:`\pi_j L_{ij} / \sum_l \pi_l L_{il}`; ``membership`` assigns each
member to their most probable group. Per group: the share :math:`\pi_j`
(estimated) and the share assigned, the average posterior probability of
the members assigned (APP; Nagin recommends > 0.7) and the odds of correct
classification :math:`\mathrm{OCC}_j = [\mathrm{APP}_j / (1 -
\mathrm{APP}_j)] / [\pi_j / (1 - \pi_j)]` (> 5; infinite when APP is 1,
undefined for one group).

Confidence bands
----------------
By the delta method: the covariance of all parameters (coefficients,
logits of :math:`\omega_j`, multinomial logits of the shares) is the
inverse of the observed information, the negative Hessian of
:math:`\log L` obtained by central differences of its analytic gradient
(Louis 1982: the gradient is the posterior-weighted complete-data score).
A band is :math:`\exp(\log \hat\mu_{jt} \pm z_{(1+\mathrm{level})/2}\,
\mathrm{se})` on the log scale, so it stays positive. When the
information is not positive definite (a group with no weight) the bands
and standard errors are NaN and ``params["covariance"]`` says so.

References
----------
Nagin, D. S. (1999). Analyzing developmental trajectories: a
semiparametric, group-based approach. Psychological Methods 4(2), 139-157.
Jones, B. L., Nagin, D. S., Roeder, K. (2001). A SAS procedure based on
mixture models for estimating developmental trajectories. Sociological
Methods & Research 29(3), 374-393.
Nagin, D. S. (2005). Group-Based Modeling of Development. Harvard
University Press.
Lambert, D. (1992). Zero-inflated Poisson regression. Technometrics 34(1), 1-14.
Louis, T. A. (1982). Finding the observed information matrix when using
the EM algorithm. JRSS B 44(2), 226-233.
Nielsen, J. D., Rosenthal, J. S., Sun, Y., Day, D. M., Bevc, I., Duchesne,
T. (2014). Group-based criminal trajectory analysis using cross-validation
criteria. Communications in Statistics 43(20), 4337-4356 (R's crimCV).
van der Bruggen, M., Blokland, A. (2021). Profiling darkweb child sexual
exploitation material forum members using longitudinal posting history
data. Social Science Computer Review 40(4), 865-891.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import gammaln
from scipy.stats import norm

from ..forum import Forum
from ..forum.slicing import period_edges

__all__ = ["activity_trajectories", "fit_trajectories", "Trajectories"]

MODELS = ("poisson", "zip")
CLOCKS = ("calendar", "tenure")
_SHORT_RUN = 15          # EM iterations of every start before the best one goes on
_OMEGA_MIN = 1e-10
_ZIP_INNER = 50          # inner EM iterations on the zero inflation per M-step (at most)
_START_SAMPLE = 20_000   # members in the short runs of the starts (all members when fewer)


@dataclass(frozen=True, eq=False, repr=False)
class Trajectories:
    """Result of :func:`activity_trajectories` (and :func:`fit_trajectories`).

    Attributes
    ----------
    membership : Series
        Most probable group (1..K) of each member, indexed by member id.
    posterior : DataFrame
        Posterior group probabilities, one row per member, one column per
        group (1..K); rows sum to 1.
    groups : DataFrame
        Indexed by group: ``share`` (estimated :math:`\\pi_j`, sums to 1),
        ``share_assigned`` and ``n_assigned`` (by ``membership``), ``app``,
        ``occ``, ``zero_inflation`` (:math:`\\omega_j`, 0 for Poisson),
        ``mean_expected`` (mean expected count over the periods), the curve
        coefficients ``b0..bp`` on standardised time and their standard
        errors ``se_b0..se_bp``.
    curves : DataFrame
        Long table: ``group``, ``t`` (0..T-1), ``period`` (start of the
        period for the calendar clock, periods since the first post for the
        tenure clock), ``expected`` (:math:`\\mu_{jt}`), ``lower``,
        ``upper`` (the band at ``params["level"]``), ``observed`` (the
        posterior-weighted mean count of the members at risk) and
        ``at_risk`` (the posterior-weighted number of members whose record
        holds the period).
    bic : DataFrame
        One row per candidate number of groups: ``loglik``, ``n_params``,
        ``bic`` (Nagin's, larger is better), ``aic``, ``min_share``,
        ``iterations``, ``converged``, ``chosen``.
    records : DataFrame
        Each member's record: ``start``, ``end`` (positions 0..T-1 on the
        calendar periods), ``n_periods``, ``n_posts``; from a forum also
        ``first_post``, ``last_post``, ``last_seen_at`` and ``ends_at``
        (``"last_post"`` or ``"last_seen_at"``).
    params : dict
        The call (``model``, ``clock``, ``freq``, ``order``, ``seed``,
        ``n_starts``, ``level``), ``n_groups``, ``n_members``,
        ``n_member_periods``, ``n_periods``, ``periods`` (the calendar period
        starts), ``time_center`` and ``time_scale`` (:math:`c`, :math:`h`),
        ``loglik``, ``converged``, ``covariance`` (how the covariance was
        obtained, or why it is missing), ``cov`` (the covariance matrix of
        the internal parameters, a DataFrame) and ``candidates`` (each
        candidate's shares and coefficients).
    """

    membership: pd.Series
    posterior: pd.DataFrame
    groups: pd.DataFrame
    curves: pd.DataFrame
    bic: pd.DataFrame
    records: pd.DataFrame
    params: dict = field(default_factory=dict)

    @property
    def n_groups(self) -> int:
        return int(self.params["n_groups"])

    def __repr__(self) -> str:
        shares = ", ".join(f"{s:.3f}" for s in self.groups["share"])
        return (f"<Trajectories: {self.params['model']} model, {self.n_groups} groups "
                f"(shares {shares}) of {self.params['n_members']} members over "
                f"{self.params['n_periods']} periods ({self.params['clock']} clock)>")


# -- the counts ----------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class _Data:
    y: sp.csr_array        # N x T counts, 0 outside the records
    pos: sp.csr_array      # N x T indicator of y > 0
    start: np.ndarray      # first period of each record (inclusive)
    end: np.ndarray        # last period (inclusive)
    jump: sp.csr_array     # (T + 1) x N: +1 at (start_i, i), -1 at (end_i + 1, i)
    logfact: float         # sum of log(y!)
    n_periods: int

    @property
    def n(self) -> int:
        return len(self.start)


def _make_data(y, start: np.ndarray, end: np.ndarray, n_periods: int) -> _Data:
    """``y`` a CSR matrix of non-negative integer counts (float64)."""
    n = y.shape[0]
    y = sp.csr_array(y, dtype=np.float64)
    y.sum_duplicates()
    y.eliminate_zeros()
    logfact = float(gammaln(y.data + 1.0).sum())
    pos = y.copy()
    pos.data = np.ones_like(pos.data)
    y_ = y
    rows = np.concatenate([start, end + 1])
    vals = np.concatenate([np.ones(n), -np.ones(n)])
    jump = sp.csr_array((vals, (rows, np.concatenate([np.arange(n), np.arange(n)]))),
                        shape=(n_periods + 1, n))
    return _Data(y_, pos, start.astype(np.int64), end.astype(np.int64), jump, logfact, n_periods)


def _dot(m, v: np.ndarray) -> np.ndarray:
    return np.asarray(m @ np.asfortranarray(v))


def _tdot(m, w: np.ndarray) -> np.ndarray:
    return np.asarray(m.T @ w)


def _interval_sum(data: _Data, v: np.ndarray) -> np.ndarray:
    """``sum_{t = s_i}^{e_i} v[t, :]`` for every member: N x K."""
    c = np.zeros((v.shape[0] + 1, v.shape[1]))
    np.cumsum(v, axis=0, out=c[1:])
    return c[data.end + 1] - c[data.start]


def _at_risk(data: _Data, w: np.ndarray) -> np.ndarray:
    """``sum_i w[i, :] [s_i <= t <= e_i]``: T x K."""
    return np.cumsum(np.asarray(data.jump @ w), axis=0)[:-1]


# -- the time basis ------------------------------------------------------------------

def _basis(n_periods: int, order: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Orthonormal basis X (T x p+1, columns scaled to mean square 1) of the
    powers of standardised time, and M with ``b = M @ beta`` (coefficients on
    the powers of z)."""
    center = scale = (n_periods - 1) / 2.0
    z = (np.arange(n_periods) - center) / scale
    vander = np.vander(z, order + 1, increasing=True)
    q, r = np.linalg.qr(vander)
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    q, r = q * signs, r * signs[:, None]
    root = np.sqrt(n_periods)
    x = q * root                                  # X = V R^{-1} sqrt(T)
    m = np.linalg.solve(r, np.eye(order + 1)) * root
    return x, m, center, scale


# -- EM --------------------------------------------------------------------------

@dataclass
class _State:
    beta: np.ndarray      # K x p
    omega: np.ndarray     # K (zeros for Poisson)
    pi: np.ndarray        # K


def _member_loglik(data: _Data, x: np.ndarray, st: _State, zip_: bool) -> np.ndarray:
    """log f_j(y_i) without the log(y!) terms: N x K."""
    eta = x @ st.beta.T
    with np.errstate(over="ignore"):
        lam = np.exp(eta)
    ll = _dot(data.y, eta)
    if not zip_:
        return ll - _interval_sum(data, lam)
    om = st.omega
    with np.errstate(divide="ignore"):
        g = np.log(om + (1.0 - om) * np.exp(-lam))          # zero in the record
        pos_term = np.log1p(-om) - lam - g                   # positive minus zero term
    return ll + _dot(data.pos, pos_term) + _interval_sum(data, g)


def _estep(data: _Data, x: np.ndarray, st: _State, zip_: bool) -> tuple[float, np.ndarray]:
    with np.errstate(divide="ignore"):
        a = _member_loglik(data, x, st, zip_) + np.log(st.pi)
    top = a.max(axis=1, keepdims=True)
    top[~np.isfinite(top)] = 0.0
    e = np.exp(a - top)
    tot = e.sum(axis=1, keepdims=True)
    w = e / tot
    ll = float((np.log(tot) + top).sum()) - data.logfact
    return ll, w


def _newton(x: np.ndarray, ysum: np.ndarray, risk: np.ndarray, beta: np.ndarray, steps: int) -> np.ndarray:
    """Maximise ``sum_t ysum[t, k] eta[t, k] - risk[t, k] exp(eta[t, k])``,
    ``eta = x @ beta[k]``, for every group k at once (damped Newton)."""
    beta = beta.copy()
    active = risk.sum(axis=0) > 1e-9 * max(float(risk.sum()), 1.0)
    if not active.any():
        return beta
    p = x.shape[1]

    def objective(b):
        eta = x @ b.T
        with np.errstate(over="ignore", invalid="ignore"):
            val = (ysum * eta - risk * np.exp(eta)).sum(axis=0)
        return np.where(np.isfinite(val), val, -np.inf)

    f0 = objective(beta)
    for _ in range(steps):
        eta = x @ beta.T
        mu = risk * np.exp(eta)
        grad = (ysum - mu).T @ x                               # K x p
        hess = np.einsum("tk,tp,tq->kpq", mu, x, x) + 1e-10 * np.eye(p)
        step = np.linalg.solve(hess, grad[..., None])[..., 0]
        step[~active] = 0.0
        t = np.ones(len(beta))
        todo = active.copy()
        new = beta.copy()
        for _half in range(30):
            cand = beta + t[:, None] * step
            f1 = objective(cand)
            ok = todo & (f1 >= f0 - 1e-12 * np.abs(f0))
            new[ok] = cand[ok]
            f0 = np.where(ok, f1, f0)
            todo &= ~ok
            if not todo.any():
                break
            t[todo] *= 0.5
        moved = np.abs(new - beta).max()
        beta = new
        if moved < 1e-10:
            break
    return beta


def _mstep(data: _Data, x: np.ndarray, w: np.ndarray, st: _State, zip_: bool, steps: int) -> _State:
    ysum = _tdot(data.y, w)
    risk = _at_risk(data, w)
    omega = st.omega
    if not zip_:
        beta = _newton(x, ysum, risk, st.beta, steps)
    else:
        # Given the posterior, the groups' ZIP likelihoods depend on the data only
        # through the weighted counts, members at risk and zeros per period, so
        # the inner EM on the structural zeros runs to convergence on T x K arrays.
        zeros = np.maximum(risk - _tdot(data.pos, w), 0.0)
        tot = risk.sum(axis=0)
        beta = st.beta
        for _ in range(_ZIP_INNER):
            lam = np.exp(x @ beta.T)
            u = omega / (omega + (1.0 - omega) * np.exp(-lam))
            struct = zeros * u
            new_omega = np.where(tot > 0, struct.sum(axis=0) / np.where(tot > 0, tot, 1.0), omega)
            new_omega = np.clip(new_omega, _OMEGA_MIN, 1.0 - 1e-9)
            new_beta = _newton(x, ysum, risk - struct, beta, steps)
            moved = max(np.abs(new_beta - beta).max(), np.abs(new_omega - omega).max())
            beta, omega = new_beta, new_omega
            if moved < 1e-8:
                break
    pi = w.mean(axis=0)
    return _State(beta, omega, pi)


def _features(data: _Data, order: int) -> np.ndarray:
    """Log rates of each member in ``order + 1`` time segments (their overall
    rate where the record misses a segment)."""
    n_seg = order + 1
    cuts = np.unique(np.round(np.linspace(0, data.n_periods, n_seg + 1)).astype(np.int64))
    seg_of = np.searchsorted(cuts, np.arange(data.n_periods), side="right") - 1
    onehot = np.zeros((data.n_periods, len(cuts) - 1))
    onehot[np.arange(data.n_periods), seg_of] = 1.0
    counts = _dot(data.y, onehot)
    lo, hi = cuts[:-1], cuts[1:]
    exposure = np.clip(np.minimum(data.end[:, None] + 1, hi) - np.maximum(data.start[:, None], lo), 0, None)
    overall = counts.sum(axis=1) / (data.end - data.start + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(exposure > 0, counts / np.where(exposure > 0, exposure, 1), overall[:, None])
    return np.log1p(rate)


def _kmeans_weights(feat: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Soft weights from a seeded k-means++ partition (5 Lloyd steps)."""
    n = len(feat)
    centers = [feat[rng.integers(n)]]
    d2 = ((feat - centers[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        idx = rng.choice(n, p=d2 / total) if total > 0 else rng.integers(n)
        centers.append(feat[idx])
        d2 = np.minimum(d2, ((feat - feat[idx]) ** 2).sum(axis=1))
    c = np.array(centers)

    def nearest(c):
        best = ((feat - c[0]) ** 2).sum(axis=1)
        lab = np.zeros(len(feat), dtype=np.int64)
        for j in range(1, k):
            d = ((feat - c[j]) ** 2).sum(axis=1)
            closer = d < best
            lab[closer], best = j, np.where(closer, d, best)
        return lab

    for _ in range(5):
        lab = nearest(c)
        size = np.bincount(lab, minlength=k)
        sums = np.column_stack([np.bincount(lab, weights=feat[:, q], minlength=k) for q in range(feat.shape[1])])
        c = np.where(size[:, None] > 0, sums / np.maximum(size, 1)[:, None], c)
    lab = nearest(c)
    w = np.full((n, k), 0.2 / k)
    w[np.arange(n), lab] += 0.8
    return w


def _initial_state(data: _Data, x: np.ndarray, w: np.ndarray, zip_: bool) -> _State:
    k, p = w.shape[1], x.shape[1]
    ysum = _tdot(data.y, w)
    risk = _at_risk(data, w)
    rate = np.maximum(ysum.sum(axis=0), 0.5) / np.maximum(risk.sum(axis=0), 1e-12)
    beta = np.zeros((k, p))
    beta[:, 0] = np.log(rate)
    beta = _newton(x, ysum, risk, beta, 25)
    omega = np.full(k, 0.1 if zip_ else 0.0)
    return _State(beta, omega, w.mean(axis=0))


def _run(data, x, st, zip_, max_iter, tol, ll=None):
    """EM from ``st`` for at most ``max_iter`` iterations."""
    if ll is None:
        ll, w = _estep(data, x, st, zip_)
    else:
        _, w = _estep(data, x, st, zip_)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        st = _mstep(data, x, w, st, zip_, 5)
        new, w = _estep(data, x, st, zip_)
        gain = new - ll
        ll = new
        if abs(gain) <= tol * abs(ll):
            converged = True
            break
    return st, ll, w, it, converged


def _subset(data: _Data, rows: np.ndarray) -> _Data:
    return _make_data(data.y[rows], data.start[rows], data.end[rows], data.n_periods)


def _fit_k(data, x, k, zip_, root, n_starts, max_iter, tol):
    """The best of ``n_starts`` short runs (on a seeded sample of
    ``_START_SAMPLE`` members when there are more), continued on all members."""
    if k == 1:
        st = _initial_state(data, x, np.ones((data.n, 1)), zip_)
        st, ll, w, it, conv = _run(data, x, st, zip_, max_iter, tol)
        return st, ll, w, it, conv
    small = data
    if data.n > _START_SAMPLE:
        rng = np.random.default_rng(np.random.SeedSequence([root, k, n_starts]))
        small = _subset(data, np.sort(rng.choice(data.n, _START_SAMPLE, replace=False)))
    feat = _features(small, x.shape[1] - 1)
    best = None
    for s in range(n_starts):
        rng = np.random.default_rng(np.random.SeedSequence([root, k, s]))
        w = _kmeans_weights(feat, k, rng)
        st = _initial_state(small, x, w, zip_)
        st, ll, w, it, conv = _run(small, x, st, zip_, _SHORT_RUN, tol)
        if best is None or ll > best[1]:
            best = (st, ll, w, it, conv)
    st, ll, w, it, conv = best
    if small is not data or not conv:
        ll = None if small is not data else ll
        st, ll, w, more, conv = _run(data, x, st, zip_, max_iter - (0 if ll is None else it), tol, ll)
        it = more if small is not data else it + more
    # number the groups by increasing mean expected count
    mean_expected = ((1.0 - st.omega) * np.exp(x @ st.beta.T)).mean(axis=0)
    order = np.argsort(mean_expected, kind="stable")
    st = _State(st.beta[order], st.omega[order], st.pi[order])
    return st, ll, w[:, order], it, conv


# -- covariance ----------------------------------------------------------------------

def _pack(st: _State, zip_: bool) -> np.ndarray:
    parts = [st.beta.ravel()]
    if zip_:
        parts.append(np.log(st.omega) - np.log1p(-st.omega))
    with np.errstate(divide="ignore"):
        parts.append(np.log(st.pi[1:]) - np.log(st.pi[0]))
    return np.concatenate(parts)


def _unpack(theta: np.ndarray, k: int, p: int, zip_: bool) -> _State:
    beta = theta[: k * p].reshape(k, p)
    rest = theta[k * p:]
    if zip_:
        omega, rest = 1.0 / (1.0 + np.exp(-rest[:k])), rest[k:]
    else:
        omega = np.zeros(k)
    a = np.concatenate([[0.0], rest])
    pi = np.exp(a - a.max())
    return _State(beta, omega, pi / pi.sum())


def _gradient(data, x, theta, k, zip_) -> np.ndarray:
    """Gradient of log L (Louis: the posterior-weighted complete-data score)."""
    p = x.shape[1]
    st = _unpack(theta, k, p, zip_)
    _, w = _estep(data, x, st, zip_)
    ysum = _tdot(data.y, w)
    risk = _at_risk(data, w)
    lam = np.exp(x @ st.beta.T)
    parts = []
    if zip_:
        u = st.omega / (st.omega + (1.0 - st.omega) * np.exp(-lam))
        struct = np.maximum(risk - _tdot(data.pos, w), 0.0) * u
        parts.append(((ysum - (risk - struct) * lam).T @ x).ravel())
        parts.append(struct.sum(axis=0) - st.omega * risk.sum(axis=0))
    else:
        parts.append(((ysum - risk * lam).T @ x).ravel())
    parts.append(w.sum(axis=0)[1:] - data.n * st.pi[1:])
    return np.concatenate(parts)


def _covariance(data, x, st, zip_) -> tuple[np.ndarray | None, str]:
    k = len(st.pi)
    theta = _pack(st, zip_)
    if not np.all(np.isfinite(theta)):
        return None, "not available: a group has no weight"
    dim = len(theta)
    hess = np.empty((dim, dim))
    for a in range(dim):
        h = 1e-5 * max(1.0, abs(theta[a]))
        up, dn = theta.copy(), theta.copy()
        up[a] += h
        dn[a] -= h
        hess[:, a] = (_gradient(data, x, up, k, zip_) - _gradient(data, x, dn, k, zip_)) / (2 * h)
    info = -(hess + hess.T) / 2
    try:
        vals = np.linalg.eigvalsh(info)
        if vals.min() <= 1e-10 * max(vals.max(), 1e-300):
            return None, "not available: the observed information is not positive definite"
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return None, "not available: the observed information is singular"
    return (cov + cov.T) / 2, ("inverse observed information (central differences of the analytic "
                               "gradient of log L); bands by the delta method on log expected counts")


def _param_names(k: int, p: int, zip_: bool) -> list[str]:
    names = [f"beta[{j + 1},{q}]" for j in range(k) for q in range(p)]
    if zip_:
        names += [f"logit_omega[{j + 1}]" for j in range(k)]
    names += [f"logit_share[{j + 1}]" for j in range(1, k)]
    return names


# -- the public functions ---------------------------------------------------------------

def _root_seed(seed) -> int:
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**63))
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, a numpy Generator or None, not {seed!r}")
    return int(seed)


def _candidates(n_groups, max_groups) -> list[int]:
    if isinstance(n_groups, str):
        if n_groups != "auto":
            raise ValueError(f"n_groups must be 'auto', a positive integer or a list of them, not {n_groups!r}")
        if isinstance(max_groups, bool) or not isinstance(max_groups, (int, np.integer)) or max_groups < 1:
            raise ValueError(f"max_groups must be a positive integer, not {max_groups!r}")
        return list(range(1, int(max_groups) + 1))
    values = [n_groups] if isinstance(n_groups, (int, np.integer)) else list(n_groups)
    if not values or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1 for v in values):
        raise ValueError(f"n_groups must be 'auto', a positive integer or a list of them, not {n_groups!r}")
    return sorted({int(v) for v in values})


def _check(model, order, n_starts, level, max_iter, tol):
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(map(repr, MODELS))}, not {model!r}")
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 0 <= order <= 5:
        raise ValueError(f"order must be an integer from 0 to 5, not {order!r}")
    if isinstance(n_starts, bool) or not isinstance(n_starts, (int, np.integer)) or n_starts < 1:
        raise ValueError(f"n_starts must be a positive integer, not {n_starts!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1, not {level!r}")
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 1):
        raise ValueError(f"max_iter must be a positive integer, not {max_iter!r}")
    if not tol > 0:
        raise ValueError(f"tol must be positive, not {tol!r}")


def _fit(data: _Data, ids: pd.Index, labels, records: pd.DataFrame, *, n_groups, order, model, seed,
         n_starts, max_groups, level, max_iter, tol, extra: dict) -> Trajectories:
    _check(model, order, n_starts, level, max_iter, tol)
    cands = _candidates(n_groups, max_groups)
    t_len = data.n_periods
    if t_len < 2:
        raise ValueError(f"trajectories need at least 2 periods; the {extra.get('what', 'data')} "
                         f"span{'s' if t_len == 1 else ''} {t_len}")
    if t_len <= order:
        raise ValueError(f"a polynomial of order {order} needs at least {order + 1} periods; "
                         f"the {extra.get('what', 'data')} span {t_len} (lower order or a shorter freq)")
    if data.n == 0:
        raise ValueError("no posting members: there are no counts to model")
    too_many = [k for k in cands if k > data.n]
    if too_many:
        raise ValueError(f"{max(too_many)} groups asked for, but there are only {data.n} members")
    zip_ = model == "zip"
    root = _root_seed(seed)
    x, m, center, scale = _basis(t_len, order)
    p = order + 1
    n = data.n
    rows, fits = [], {}
    for k in cands:
        st, ll, w, it, conv = _fit_k(data, x, k, zip_, root, n_starts, max_iter, tol)
        n_par = (k - 1) + k * p + (k if zip_ else 0)
        fits[k] = (st, ll, w, conv)
        rows.append({"n_groups": k, "loglik": ll, "n_params": n_par,
                     "bic": ll - 0.5 * n_par * np.log(n), "aic": ll - n_par,
                     "min_share": float(st.pi.min()), "iterations": it, "converged": conv})
    bic = pd.DataFrame(rows).set_index("n_groups")
    chosen = int(bic["bic"].idxmax())
    bic["chosen"] = bic.index == chosen
    st, ll, w, conv = fits[chosen]
    k = chosen

    # covariance, coefficients, curves
    cov, how = _covariance(data, x, st, zip_)
    coef = st.beta @ m.T                                      # b = M beta, K x p
    se = np.full((k, p), np.nan)
    log_mu = x @ st.beta.T + np.log1p(-st.omega)              # T x K
    se_curve = np.full((t_len, k), np.nan)
    if cov is not None:
        for j in range(k):
            block = cov[j * p:(j + 1) * p, j * p:(j + 1) * p]
            se[j] = np.sqrt(np.maximum(np.einsum("ap,pq,aq->a", m, block, m), 0.0))
            grad = np.zeros((t_len, len(cov)))
            grad[:, j * p:(j + 1) * p] = x
            if zip_:
                grad[:, k * p + j] = -st.omega[j]
            se_curve[:, j] = np.sqrt(np.maximum(np.einsum("ta,ab,tb->t", grad, cov, grad), 0.0))
    zq = float(norm.ppf((1 + level) / 2))
    mu = np.exp(log_mu)
    risk = _at_risk(data, w)
    ysum = _tdot(data.y, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.where(risk > 0, ysum / np.where(risk > 0, risk, 1.0), np.nan)
    curves = pd.DataFrame({
        "group": np.repeat(np.arange(1, k + 1), t_len),
        "t": np.tile(np.arange(t_len), k),
        "period": np.tile(np.asarray(labels), k),
        "expected": mu.T.ravel(),
        "lower": np.exp(log_mu - zq * se_curve).T.ravel(),
        "upper": np.exp(log_mu + zq * se_curve).T.ravel(),
        "observed": observed.T.ravel(),
        "at_risk": risk.T.ravel(),
    })

    groups_idx = pd.RangeIndex(1, k + 1, name="group")
    posterior = pd.DataFrame(w, index=ids, columns=groups_idx)
    assigned = w.argmax(axis=1)
    membership = pd.Series(assigned + 1, index=ids, name="group")
    n_assigned = np.bincount(assigned, minlength=k)
    app = np.array([w[assigned == j, j].mean() if n_assigned[j] else np.nan for j in range(k)])
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = (app / (1 - app)) / (st.pi / (1 - st.pi)) if k > 1 else np.array([np.nan])
    groups = pd.DataFrame({"share": st.pi, "share_assigned": n_assigned / n, "n_assigned": n_assigned,
                           "app": app, "occ": occ, "zero_inflation": st.omega,
                           "mean_expected": mu.mean(axis=0)}, index=groups_idx)
    for q in range(p):
        groups[f"b{q}"] = coef[:, q]
    for q in range(p):
        groups[f"se_b{q}"] = se[:, q]

    names = _param_names(k, p, zip_)
    candidates = {kk: {"share": f[0].pi.copy(), "coefficients": f[0].beta @ m.T, "zero_inflation": f[0].omega.copy()}
                  for kk, f in fits.items()}
    params = {
        "model": model, "order": order, "seed": seed, "n_starts": n_starts, "level": level,
        "max_iter": max_iter, "tol": tol, "n_groups": k, "n_members": n, "n_periods": t_len,
        "n_member_periods": int((data.end - data.start + 1).sum()), "time_center": center,
        "time_scale": scale, "loglik": ll, "converged": conv, "covariance": how,
        "cov": None if cov is None else pd.DataFrame(cov, index=names, columns=names),
        "candidates": candidates,
    }
    params.update({key: v for key, v in extra.items() if key != "what"})
    return Trajectories(membership, posterior, groups, curves, bic, records, params)


def fit_trajectories(counts, *, start=None, end=None, n_groups="auto", order: int = 2, model: str = "poisson",
                     seed=0, n_starts: int = 8, max_groups: int = 6, level: float = 0.95,
                     max_iter: int = 1000, tol: float = 1e-9) -> Trajectories:
    """Group-based trajectories of a member x period count table.

    The model and the fitting are those of :func:`activity_trajectories`
    (see the module's documentation), on counts given directly.

    Parameters
    ----------
    counts : DataFrame, 2-D array or scipy sparse matrix
        Non-negative integer counts, one row per member, one column per
        period (in time order). In a DataFrame or array, missing values
        (NaN) before the first and after the last observed value of a row
        lie outside that member's record; NaN inside a record is an error.
        A DataFrame's index names the members and its columns the periods.
    start, end : array of int, optional
        First and last period (0-based column positions, inclusive) of each
        member's record; by default the first and last non-missing column
        (for a sparse matrix: every column).
    n_groups, order, model, seed, n_starts, max_groups, level
        As in :func:`activity_trajectories`.
    max_iter, tol
        EM stops when the log-likelihood gains less than ``tol`` times its
        size, or after ``max_iter`` iterations (``bic["converged"]`` says
        which).

    Returns
    -------
    Trajectories

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> counts = np.vstack([rng.poisson(0.3, (60, 8)), rng.poisson(4.0, (40, 8))])
    >>> fit = fit_trajectories(counts, n_groups=2, order=0)
    >>> fit.groups["share"].round(2).tolist()
    [0.6, 0.4]
    """
    ids = None
    labels = None
    if isinstance(counts, pd.DataFrame):
        ids, labels = counts.index, counts.columns
        counts = counts.to_numpy(dtype=np.float64, na_value=np.nan)
    if sp.issparse(counts):
        y = sp.csr_array(counts, dtype=np.float64)
        n, t_len = y.shape
        s0, e0 = np.zeros(n, dtype=np.int64), np.full(n, t_len - 1, dtype=np.int64)
        if (y.data < 0).any() or np.isnan(y.data).any() or (y.data != np.round(y.data)).any():
            raise ValueError("counts must be non-negative integers")
    else:
        arr = np.asarray(counts, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError(f"counts must be a 2-D table (members x periods), not of shape {arr.shape}")
        n, t_len = arr.shape
        seen = ~np.isnan(arr)
        any_seen = seen.any(axis=1)
        if n and not any_seen.all():
            bad = np.flatnonzero(~any_seen)
            raise ValueError(f"counts: {len(bad)} rows without any count (rows {', '.join(map(str, bad[:5]))})")
        s0 = seen.argmax(axis=1) if t_len else np.zeros(n, dtype=np.int64)
        e0 = t_len - 1 - seen[:, ::-1].argmax(axis=1) if t_len else np.zeros(n, dtype=np.int64)
        vals = arr[seen]
        if (vals < 0).any() or (vals != np.round(vals)).any():
            raise ValueError("counts must be non-negative integers")
        y = sp.csr_array(np.nan_to_num(arr, nan=0.0))
    start = s0 if start is None else np.asarray(start, dtype=np.int64)
    end = e0 if end is None else np.asarray(end, dtype=np.int64)
    if start.shape != (n,) or end.shape != (n,):
        raise ValueError(f"start and end must give one period per member ({n})")
    if n and ((start < 0).any() or (end >= t_len).any() or (start > end).any()):
        raise ValueError("start and end must satisfy 0 <= start <= end < number of periods")
    if not sp.issparse(counts):
        cols = np.arange(t_len)
        inside = (cols >= start[:, None]) & (cols <= end[:, None])
        holes = inside & ~seen
        if holes.any():
            bad = np.flatnonzero(holes.any(axis=1))
            raise ValueError(f"counts: missing values inside a record: {len(bad)} rows "
                             f"(rows {', '.join(map(str, bad[:5]))})")
        if (~inside & seen & (np.asarray(counts, dtype=np.float64) > 0)).any():
            raise ValueError("counts: positive counts outside the records given by start and end")
    else:
        coo = y.tocoo()
        if ((coo.col < start[coo.row]) | (coo.col > end[coo.row])).any():
            raise ValueError("counts: positive counts outside the records given by start and end")
    ids = pd.RangeIndex(n, name="member") if ids is None else pd.Index(ids)
    labels = np.arange(t_len) if labels is None else np.asarray(labels)
    data = _make_data(y, start, end, t_len)
    records = pd.DataFrame({"start": start, "end": end, "n_periods": end - start + 1,
                            "n_posts": np.asarray(y.sum(axis=1)).ravel().astype(np.int64)}, index=ids)
    return _fit(data, ids, labels, records, n_groups=n_groups, order=order, model=model, seed=seed,
                n_starts=n_starts, max_groups=max_groups, level=level, max_iter=max_iter, tol=tol,
                extra={"clock": "given", "freq": None, "what": "counts"})


def _period_edges(forum: Forum, freq) -> pd.DatetimeIndex:
    """Period starts as in :meth:`netanalysis.Forum.windows`, plus the end of the last."""
    first, last = forum.period
    return period_edges(first, last, freq)


def activity_trajectories(forum: Forum, freq="MS", n_groups="auto", order: int = 2, model: str = "poisson",
                          clock: str = "calendar", *, seed=0, n_starts: int = 8, max_groups: int = 6,
                          level: float = 0.95, max_iter: int = 1000, tol: float = 1e-9) -> Trajectories:
    """Group-based trajectory model of the posting members' posts per period.

    A finite mixture of Poisson or zero-inflated Poisson regressions of each
    posting member's number of posts per period on a polynomial of time,
    fitted by EM; the number of groups by Nagin's BIC. The exact model, the
    records (which periods of a member count), the fitting and the adequacy
    figures are described in ``netanalysis.temporal.trajectories``.

    Parameters
    ----------
    forum : Forum
    freq : pandas frequency, default "MS"
        Length of a period (``"MS"`` calendar months, ``"W"``, ``"QS"``,
        ``"30D"``...); periods are anchored as by :meth:`netanalysis.Forum.windows`.
    n_groups : "auto", int or list of int, default "auto"
        The number of groups, or the candidates; ``"auto"`` tries 1 to
        ``max_groups`` and keeps the largest BIC.
    order : int, default 2
        Degree of the polynomial in time (0 to 5); 2 is Nagin's usual
        quadratic.
    model : {"poisson", "zip"}, default "poisson"
    clock : {"calendar", "tenure"}, default "calendar"
        Calendar periods of the forum, or periods since each member's first
        post.
    seed : int, numpy Generator or None, default 0
        Seeds the starts (keyword-only; the same seed gives the same result).
    n_starts : int, default 8
        Starts per number of groups (one for a single group).
    max_groups : int, default 6
    level : float, default 0.95
        Level of the confidence bands.
    max_iter, tol
        EM stops when the log-likelihood gains less than ``tol`` times its
        size, or after ``max_iter`` iterations.

    Returns
    -------
    Trajectories
        ``membership``, ``posterior``, ``groups`` (shares, APP, OCC, curve
        coefficients), ``curves`` (expected counts with bands), ``bic`` (every
        candidate), ``records`` and ``params``.

    Raises
    ------
    ValueError
        When the forum has no posts, spans fewer than two periods (or fewer
        than ``order + 1``), or a parameter is invalid; the message names it.

    Examples
    --------
    Four members post once a month, four post k times in month k:

    >>> import pandas as pd, netanalysis as na
    >>> rows = [(f"p{m}-{k}-{i}", "t1", m, f"2020-{k:02d}-15") for m in range(1, 9)
    ...         for k in range(1, 13) for i in range(1 if m <= 4 else k)]
    >>> posts = pd.DataFrame(rows, columns=["post_id", "thread_id", "author_id", "created_at"])
    >>> fit = na.activity_trajectories(na.read_forum({"posts": posts}), n_groups=[1, 2], order=1)
    >>> int(fit.bic["bic"].idxmax()), fit.groups["share"].round(3).tolist()
    (2, [0.5, 0.5])
    >>> fit.membership.tolist()
    [1, 1, 1, 1, 2, 2, 2, 2]
    """
    if clock not in CLOCKS:
        raise ValueError(f"clock must be one of {', '.join(map(repr, CLOCKS))}, not {clock!r}")
    _check(model, order, n_starts, level, max_iter, tol)
    arr = forum.post_arrays
    if len(arr.author) == 0:
        raise ValueError("no posting members: the forum has no posts")
    edges = _period_edges(forum, freq)
    t_cal = len(edges) - 1
    edge_ns = edges.asi8
    period = np.searchsorted(edge_ns, arr.time, side="right") - 1
    members, inv = np.unique(arr.author, return_inverse=True)
    n = len(members)
    first_idx = np.unique(inv, return_index=True)[1]              # posts are held in time order
    last_idx = len(inv) - 1 - np.unique(inv[::-1], return_index=True)[1]
    first_t, last_t = arr.time[first_idx], arr.time[last_idx]
    seen = forum._members["last_seen_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)[members]
    has_seen = seen != np.iinfo(np.int64).min
    later = has_seen & (seen > last_t)
    end_t = np.where(later, seen, last_t)
    start = period[first_idx]
    end = np.minimum(np.searchsorted(edge_ns, end_t, side="right") - 1, t_cal - 1)
    if clock == "calendar":
        t_len, s, e, col = t_cal, start, end, period
    else:
        t_len = int((end - start).max()) + 1
        s, e, col = np.zeros(n, dtype=np.int64), end - start, period - start[inv]
    if t_len < 2:
        what = "forum's posts" if clock == "calendar" else "members' records"
        raise ValueError(f"trajectories need at least 2 periods of {freq!r}; the {what} span 1 "
                         f"({edges[0].date()} to {edges[-1].date()})")
    y = sp.coo_array((np.ones(len(inv)), (inv, col)), shape=(n, t_len)).tocsr()
    ids = forum.member_index[members]
    ids = pd.Index(ids, name="member_id")
    labels = edges[:-1] if clock == "calendar" else np.arange(t_len)
    ns = lambda v: pd.to_datetime(v, utc=True)  # noqa: E731
    records = pd.DataFrame({
        "start": start, "end": end, "n_periods": end - start + 1,
        "n_posts": np.bincount(inv, minlength=n),
        "first_post": ns(first_t), "last_post": ns(last_t),
        "last_seen_at": pd.to_datetime(np.where(has_seen, seen, np.iinfo(np.int64).min), utc=True),
        "ends_at": np.where(later, "last_seen_at", "last_post"),
    }, index=ids)
    data = _make_data(y, s, e, t_len)
    return _fit(data, ids, labels, records, n_groups=n_groups, order=order, model=model, seed=seed,
                n_starts=n_starts, max_groups=max_groups, level=level, max_iter=max_iter, tol=tol,
                extra={"clock": clock, "freq": freq, "periods": edges[:-1],
                       "what": "forum's posts" if clock == "calendar" else "members' records"})
