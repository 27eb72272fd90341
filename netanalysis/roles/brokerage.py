"""Gould-Fernandez brokerage roles: who mediates between which groups.

A node ``v`` *brokers* an ordered pair of distinct nodes ``(a, b)`` when
``a -> v -> b`` and there is no edge ``a -> b`` (an *open two-path*). Given
a group for every node (home subforum, rank level...), each open two-path
is classified by the groups of ``a``, ``v`` and ``b`` (Gould & Fernandez
1989), exactly as R's ``sna::brokerage`` does:

================  ========  ===================  =================================
role              sna name  groups ``a, v, b``   the broker ...
================  ========  ===================  =================================
coordinator       ``w_I``   ``A -> A -> A``      mediates inside its own group
itinerant         ``w_O``   ``A -> B -> A``      mediates inside another group
representative    ``b_IO``  ``A -> A -> B``      carries its group's contact out
gatekeeper        ``b_OI``  ``A -> B -> B``      lets an outsider into its group
liaison           ``b_O``   ``A -> B -> C``      links two groups, neither its own
================  ========  ===================  =================================

``total`` is the sum of the five counts (every open two-path through ``v``).

Conventions
-----------
* Only the presence of edges matters (weights are ignored) and self-loops are
  ignored, as in sna (which skips ``a = v``, ``v = b`` and ``a = b``).
* An undirected graph is taken as the directed graph with both directions
  of every edge, which is what ``sna::brokerage`` does with a symmetric
  matrix: a path ``a - v - b`` with ``a`` and ``b`` not adjacent then counts
  twice, once as ``a -> v -> b`` and once as ``b -> v -> a`` (a
  representative on one is a gatekeeper on the other).
* Expected counts and z-scores follow sna's null hypothesis: every arc is
  present independently with probability equal to the density
  ``d = m / (N (N - 1))`` (``m`` arcs without self-loops; sna counts a
  self-loop in ``m`` too, which only matters for graphs that have them).
  A two-path ``a -> v -> b`` is then open with probability
  ``d^2 (1 - d)``; with ``n_g`` the size of the broker's group ``g`` the
  expectations are ``d^2 (1 - d)`` times the number of ordered pairs
  ``(a, b)`` of the role's kind: ``(n_g - 1)(n_g - 2)`` for coordinator,
  ``sum_{h != g} n_h (n_h - 1)`` for itinerant, ``(N - n_g)(n_g - 1)`` for
  representative and gatekeeper, ``sum_{h != k, both != g} n_h n_k`` for
  liaison and ``(N - 1)(N - 2)`` for the total. The variances are sna's
  (they add the covariance of two-paths sharing an arc), and
  ``z = (count - expected) / sd``; ``0 / 0`` gives NaN, as in sna.

The counting is vectorised: with ``B`` the 0/1 adjacency and ``G`` the
node x group indicator, ``B.T @ G`` and ``B @ G`` give every node's
in- and out-neighbours per group, whose products count the two-paths by
groups; the ones with ``a = b`` (reciprocated arcs, ``(B * B.T) @ G``) and
the closed ones (``a -> b`` present) are subtracted. The closed ones are
counted arc by arc from the masked product ``(B.T @ B) * B`` (common
in-neighbours of ``v`` and ``w`` for each arc ``v -> w``), split by group
with the same product restricted to same-group arcs, in blocks of brokers
so that memory stays bounded.

References
----------
Gould, R. V., Fernandez, R. M. (1989). Structures of mediation: a formal
approach to brokerage in transaction networks. Sociological Methodology 19,
89-126.
Butts, C. T. (2008). Social network analysis with sna. Journal of
Statistical Software 24(6). (``brokerage`` in the R package sna.)
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graphs import InteractionGraph

__all__ = ["brokerage", "BROKERAGE_ROLES"]

#: The five roles in the column order of the result.
BROKERAGE_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")

# Work on blocks of brokers so that a masked product never holds more than
# about this many intermediate entries.
_BLOCK_ENTRIES = 4_000_000
_ENCODE_BASE = float(2**26)
_ENCODE_LIMIT = 2**26


def _group_codes(graph: InteractionGraph, groups) -> tuple[np.ndarray, int]:
    n = graph.n_nodes
    if isinstance(groups, Mapping):
        groups = pd.Series(list(groups.values()), index=pd.Index(list(groups.keys())), dtype=object)
    if isinstance(groups, pd.Series):
        if not groups.index.is_unique:
            raise ValueError("groups has repeated member ids")
        missing = graph.node_ids.difference(groups.index)
        if len(missing):
            raise ValueError(f"groups has no group for {len(missing)} members, e.g. {missing[:5].tolist()}")
        values = groups.reindex(graph.node_ids)
    else:
        values = pd.Series(np.asarray(groups, dtype=object) if not isinstance(groups, np.ndarray) else groups)
        if values.shape != (n,):
            raise ValueError(f"groups needs one value per node ({n}), got {values.shape[0]}")
    if values.isna().any():
        raise ValueError(f"groups is missing for {int(values.isna().sum())} members")
    codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64), len(uniques)


def _binary_arcs(graph: InteractionGraph) -> sp.csr_array:
    adj = graph.adjacency.tocoo()
    keep = adj.row != adj.col
    n = graph.n_nodes
    b = sp.csr_array(
        (np.ones(int(keep.sum())), (adj.row[keep], adj.col[keep])), shape=(n, n)
    )
    b.sort_indices()
    return b


def _row_blocks(weights: np.ndarray, budget: int):
    """Consecutive row ranges whose summed weights stay near ``budget``."""
    n = len(weights)
    if n == 0:
        return
    cum = np.cumsum(weights)
    start = 0
    while start < n:
        base = cum[start - 1] if start else 0.0
        stop = int(np.searchsorted(cum, base + budget, side="right"))
        stop = max(stop, start + 1)
        yield start, min(stop, n)
        start = stop


def _on_pattern(product, mask: sp.csr_array) -> np.ndarray:
    """The entries of ``product`` at the stored entries of the 0/1 matrix
    ``mask`` (canonical CSR), in ``mask``'s order, 0 where absent.

    ``product.multiply(mask) + mask`` has exactly ``mask``'s pattern and no
    zeros, so sorting its indices (cheap: ``mask.nnz`` entries) aligns it with
    ``mask`` without ever sorting the large ``product``.
    """
    aligned = sp.csr_array(product.multiply(mask) + mask)
    aligned.sort_indices()
    if aligned.nnz != mask.nnz:  # pragma: no cover - guards the invariant
        raise AssertionError("masked product lost its pattern")
    return aligned.data - 1.0


def _closed_counts(b: sp.csr_array, codes: np.ndarray) -> np.ndarray:
    """Closed two-paths a -> v -> w (a -> w present) per broker v, split into
    the five roles. Returns an (n, 5) array."""
    n = b.shape[0]
    out = np.zeros((n, 5))
    if b.nnz == 0:
        return out
    arc_rows = np.repeat(np.arange(n), np.diff(b.indptr))
    same = (codes[arc_rows] == codes[b.indices]).astype(np.float64)

    def on_b_pattern(data):
        return sp.csr_array((data, b.indices.copy(), b.indptr.copy()), shape=b.shape)

    # One product gives two counts: the left factor holds 1 + K for an arc
    # a -> v inside a group and 1 otherwise, so (B^T @ B)[v, w] comes out as
    # total + K * (common in-neighbours a in v's group); exact while counts
    # stay below K and K * n below 2^53.
    encode = n < _ENCODE_LIMIT
    bt_left = on_b_pattern(1.0 + _ENCODE_BASE * same).T.tocsr() if encode else b.T.tocsr()
    bt_same = None if encode else on_b_pattern(same).T.tocsr()
    b_same = on_b_pattern(same)
    b_same.eliminate_zeros()
    out_deg = np.diff(b.indptr).astype(np.float64)
    # Row v of B^T @ B has about sum_{a -> v} out(a) entries.
    cost = b.T @ out_deg
    for start, stop in _row_blocks(cost + 1.0, _BLOCK_ENTRIES):
        mask = b[start:stop]  # arcs v -> w of the brokers in the block
        if mask.nnz == 0:
            continue
        rows = np.repeat(np.arange(stop - start), np.diff(mask.indptr))
        left = bt_left[start:stop]
        # common in-neighbours a (a -> v and a -> w) of every arc v -> w:
        # all of them, those in v's group (by_v) and those in w's (by_w)
        if encode:
            both = _on_pattern(left @ b, mask)
            by_v = np.floor(both / _ENCODE_BASE)
            total = both - _ENCODE_BASE * by_v
        else:
            total = _on_pattern(left @ b, mask)
            by_v = _on_pattern(bt_same[start:stop] @ b, mask)
        by_w = _on_pattern(left @ b_same, mask)
        if encode:
            by_w = by_w - _ENCODE_BASE * np.floor(by_w / _ENCODE_BASE)
        same_vw = codes[start + rows] == codes[mask.indices]
        other = ~same_vw
        size = stop - start

        def per_broker(values, keep):
            return np.bincount(rows[keep], weights=values[keep], minlength=size)

        # v and w in one group: a in it -> coordinator, else gatekeeper
        # (A -> B -> B). v and w in different groups: a with v ->
        # representative, a with w -> itinerant, a in a third group -> liaison.
        out[start:stop] = np.column_stack([
            per_broker(by_v, same_vw),
            per_broker(by_w, other),
            per_broker(by_v, other),
            per_broker(total - by_v, same_vw),
            per_broker(total - by_v - by_w, other),
        ])
    return out


def _open_counts(b: sp.csr_array, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Open two-paths per broker and role, shape (n, 5)."""
    n = b.shape[0]
    ind = sp.csr_array(
        (np.ones(n), (np.arange(n), codes)), shape=(n, n_groups)
    )
    g_in = (b.T @ ind).tocsr()   # g_in[v, g] = #{a -> v, group(a) = g}
    g_out = (b @ ind).tocsr()    # g_out[v, g] = #{v -> w, group(w) = g}
    recip = b.multiply(b.T).tocsr()
    g_rec = (recip @ ind).tocsr()  # a <-> v by group(a): the a = b two-paths
    own = ind  # own[v, g] = 1 for v's group

    def at_own(m):
        return np.asarray(m.multiply(own).sum(axis=1)).ravel()

    in_all = np.asarray(g_in.sum(axis=1)).ravel()
    out_all = np.asarray(g_out.sum(axis=1)).ravel()
    rec_all = np.asarray(g_rec.sum(axis=1)).ravel()
    in_own, out_own, rec_own = at_own(g_in), at_own(g_out), at_own(g_rec)
    in_oth, out_oth = in_all - in_own, out_all - out_own
    # sum over groups g of in(v, g) * out(v, g): pairs a, b in one group.
    same_group_pairs = np.asarray(g_in.multiply(g_out).sum(axis=1)).ravel()
    same_other = same_group_pairs - in_own * out_own
    counts = np.empty((n, 5))
    counts[:, 0] = in_own * out_own - rec_own                     # A -> A -> A
    counts[:, 1] = same_other - (rec_all - rec_own)               # A -> B -> A
    counts[:, 2] = in_own * out_oth                               # A -> A -> B
    counts[:, 3] = in_oth * out_own                               # A -> B -> B
    counts[:, 4] = in_oth * out_oth - same_other                  # A -> B -> C
    counts -= _closed_counts(b, codes)
    return counts


def _null_moments(codes: np.ndarray, n_groups: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """sna's expectations and variances per broker group, shape (groups, 6)."""
    big_n = float(len(codes))
    sizes = np.bincount(codes, minlength=n_groups).astype(np.float64)
    d = m / (big_n * (big_n - 1)) if big_n > 1 else 0.0
    p = d * d * (1 - d)
    q = d**3 * (1 - d) ** 3
    mean = np.zeros((n_groups, 6))
    var = np.zeros((n_groups, 6))
    tot_pairs = np.sum(sizes * (sizes - 1))
    tot_triples = np.sum(sizes * (sizes - 1) * (sizes - 2))
    for g, ng in enumerate(sizes):
        others = np.delete(sizes, g)
        mean[g, 0] = p * (ng - 1) * (ng - 2)
        var[g, 0] = mean[g, 0] * (1 - p) + 2 * (ng - 1) * (ng - 2) * (ng - 3) * q
        pairs_other = tot_pairs - ng * (ng - 1)
        triples_other = tot_triples - ng * (ng - 1) * (ng - 2)
        mean[g, 1] = p * pairs_other
        var[g, 1] = mean[g, 1] * (1 - p) + 2 * triples_other * q
        rest = big_n - ng
        mean[g, 2] = p * rest * (ng - 1)
        var[g, 2] = mean[g, 2] * (1 - p) + 2 * (
            (ng - 1) * rest * (rest - 1) / 2 + rest * (ng - 1) * (ng - 2) / 2
        ) * q
        mean[g, 3], var[g, 3] = mean[g, 2], var[g, 2]
        liaison_pairs = others.sum() ** 2 - np.sum(others**2)
        mean[g, 4] = p * liaison_pairs
        outside = big_n - others - ng
        var[g, 4] = mean[g, 4] * (1 - p) + 4 * np.sum(others * outside * (outside - 1) / 2) * q
        mean[g, 5] = p * (big_n - 1) * (big_n - 2)
        var[g, 5] = mean[g, 5] * (1 - p) + 2 * (big_n - 1) * (big_n - 2) * (big_n - 3) * q
    # (n_g - 1)(n_g - 2) is -0.0 for a group of one; report a plain zero.
    return mean + 0.0, var + 0.0


def brokerage(graph: InteractionGraph, groups) -> pd.DataFrame:
    """Gould-Fernandez brokerage counts, expectations and z-scores per member.

    For every node ``v``, the number of ordered pairs of distinct nodes
    ``(a, b)`` with ``a -> v -> b`` and no edge ``a -> b``, split by the
    groups of ``a``, ``v`` and ``b`` into the five roles of Gould and
    Fernandez (coordinator ``A->A->A``, itinerant ``A->B->A``, representative
    ``A->A->B``, gatekeeper ``A->B->B``, liaison ``A->B->C``), with the
    expected counts and z-scores of sna's random-graph null hypothesis. See
    the module documentation for the exact definitions and conventions.

    Parameters
    ----------
    graph : InteractionGraph
        Directed, or undirected (then each edge counts in both directions).
        Weights and self-loops are ignored.
    groups : Series, mapping or array-like
        The group of each member: a Series indexed by member id or a
        mapping (e.g. a dict) from member id to group, either covering every
        node (ids not in the graph are ignored), or one value per node in
        node order. Any hashable labels; missing values are refused.

    Returns
    -------
    DataFrame
        Indexed by member id, with columns ``coordinator``, ``itinerant``,
        ``representative``, ``gatekeeper``, ``liaison``, ``total`` (counts),
        ``expected_<role>`` and ``z_<role>`` for the five roles and
        ``total`` (sna's ``raw.nli``, ``exp.nli`` and ``z.nli``).

    References
    ----------
    Gould & Fernandez (1989); R package sna, ``brokerage``.

    Examples
    --------
    ``a`` (group x) sends to ``v`` (group y), which sends to ``b`` (group
    x): ``v`` is an itinerant broker.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 0], [0, 0, 1], [0, 0, 0]]), ["a", "v", "b"])
    >>> br = brokerage(g, ["x", "y", "x"])
    >>> br.loc["v", ["coordinator", "itinerant", "total"]].tolist()
    [0.0, 1.0, 1.0]
    >>> round(float(br.loc["v", "expected_itinerant"]), 4)  # d = 2/6: (1/3)^2 (2/3) * 2
    0.1481
    """
    codes, n_groups = _group_codes(graph, groups)
    b = _binary_arcs(graph)
    counts = _open_counts(b, codes, n_groups)
    counts = np.column_stack([counts, counts.sum(axis=1)])
    mean_g, var_g = _null_moments(codes, max(n_groups, 1), b.nnz)
    expected = mean_g[codes] if len(codes) else np.zeros((0, 6))
    sd = np.sqrt(var_g[codes]) if len(codes) else np.zeros((0, 6))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (counts - expected) / sd
    names = list(BROKERAGE_ROLES) + ["total"]
    data = {}
    for j, name in enumerate(names):
        data[name] = counts[:, j]
    for j, name in enumerate(names):
        data[f"expected_{name}"] = expected[:, j]
    for j, name in enumerate(names):
        data[f"z_{name}"] = z[:, j]
    return pd.DataFrame(data, index=graph.node_ids.copy())
