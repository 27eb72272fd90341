"""Compiled kernels (numba) behind key-player sets and disruption.

Everything here works on an undirected simple graph given as CSR arrays
(``indptr``, ``indices``: each edge stored in both directions, no
self-loops) and on boolean ``removed`` masks: a removed node and its edges
are absent (the pair distances also take a directed graph: out-edges and
in-edges as two CSR pairs). Nothing builds an ``n x n`` array.

Parallel kernels (:class:`netanalysis._numba.DualKernel` s of the kind
``SEARCHES``: a serial and a parallel build with separate cache entries)
split their work into a fixed number of chunks (item ``i`` goes to chunk
``i % n_chunks``), each chunk with its own work arrays, and write one
result per item: results do not depend on the number of threads.
Traversals reset only the nodes they touched, so one traversal costs time
proportional to the part of the graph it reaches. The breadth-first search
and the union-find are the measures' own (``measures/_traversal.py``:
:func:`_bfs` with a mask of removed nodes, :func:`_bfs_multi`,
:func:`_union`); what stays here is what only key players need.
"""
from __future__ import annotations

import numpy as np
from numba import prange

from .._numba import SEARCHES, dual_kernel
from .._numba import jit as _jit
from ..measures._traversal import _bfs, _bfs_multi, _union

__all__: list[str] = []


# ---------------------------------------------------------------------------
# fragmentation: component sizes after removing each node


@_jit(inline=True)
def _dfs_enter(w, clock, top, indptr, disc, low, visit, size, cursor, stack):
    """Discover ``w`` at time ``clock`` in the depth-first search of
    :func:`_removal_pair_counts` and push it at ``stack[top]``."""
    disc[w] = clock
    low[w] = clock
    visit[clock] = w
    size[w] = 1
    cursor[w] = indptr[w]
    stack[top] = w


@_jit()
def _removal_pair_counts(indptr, indices, removed):
    """For the graph ``G - removed`` and every node ``v`` still in it, the
    number of ordered connected pairs ``Q(v) = sum_k s_k (s_k - 1)`` over the
    components of ``G - removed - v``; ``-1`` for removed nodes.

    One iterative depth-first search (Hopcroft-Tarjan low points) gives, for
    each node ``v`` in a component of size ``N``, the sizes of the DFS
    subtrees of children ``c`` with ``low[c] >= disc[v]``: exactly the pieces
    cut off when ``v`` goes; the rest of the component, ``N - 1 - sum``, stays
    in one piece. Returns ``(q, q_now)`` where ``q_now`` is the count for
    ``G - removed`` itself."""
    n = indptr.shape[0] - 1
    disc = np.full(n, -1, np.int64)
    low = np.zeros(n, np.int64)
    parent = np.full(n, -1, np.int64)
    size = np.zeros(n, np.int64)
    cursor = np.zeros(n, np.int64)
    piece_sum = np.zeros(n, np.int64)
    piece_sq = np.zeros(n, np.int64)
    comp_size = np.zeros(n, np.int64)
    stack = np.empty(n, np.int64)
    visit = np.empty(n, np.int64)
    q = np.full(n, -1, np.int64)
    clock = 0
    q_now = 0
    for r in range(n):
        if removed[r] or disc[r] >= 0:
            continue
        first = clock
        _dfs_enter(r, clock, 0, indptr, disc, low, visit, size, cursor, stack)
        clock += 1
        top = 1
        while top > 0:
            v = stack[top - 1]
            if cursor[v] < indptr[v + 1]:
                w = indices[cursor[v]]
                cursor[v] += 1
                if removed[w] or w == v:
                    continue
                if disc[w] < 0:
                    parent[w] = v
                    _dfs_enter(w, clock, top, indptr, disc, low, visit, size, cursor, stack)
                    clock += 1
                    top += 1
                elif w != parent[v] and disc[w] < low[v]:
                    low[v] = disc[w]
            else:
                top -= 1
                p = parent[v]
                if p >= 0:
                    if low[v] < low[p]:
                        low[p] = low[v]
                    size[p] += size[v]
                    if low[v] >= disc[p]:
                        s = size[v]
                        piece_sum[p] += s
                        piece_sq[p] += s * (s - 1)
        big = size[r]
        q_now += big * (big - 1)
        for i in range(first, clock):
            comp_size[visit[i]] = big
    for v in range(n):
        if removed[v]:
            continue
        big = comp_size[v]
        rest = big - 1 - piece_sum[v]
        q[v] = q_now - big * (big - 1) + piece_sq[v] + rest * (rest - 1)
    return q, q_now


@_jit()
def _add_back(indptr, indices, active, root, size, v):
    """Put ``v`` back into the graph: mark it active and merge its set with
    those of its active neighbours (:func:`_union`). Returns ``(pairs,
    merges, largest)``: the ordered pairs of nodes newly connected (twice
    the product of the sizes of each two sets merged), the number of merges
    and the size of ``v``'s set now."""
    active[v] = True
    pairs = 0
    merges = 0
    largest = 1
    for e in range(indptr[v], indptr[v + 1]):
        w = indices[e]
        if active[w] and w != v:
            product, merged = _union(root, size, v, w)
            if product > 0:
                pairs += 2 * product
                merges += 1
                largest = merged
    return pairs, merges, largest


@_jit()
def _removal_profile(indptr, indices, order, n_removed):
    """Component figures of ``G - order[:c]`` for every ``c = 0..n_removed``.

    Nodes are added back into a union-find structure (:func:`_add_back`):
    first those never removed, by index, then ``order[n_removed - 1]``,
    ..., ``order[0]``, so the whole profile costs about one pass over the
    edges. The figures depend only on the components, not on the order of
    the merges. Returns ``(largest, n_components, pairs)`` arrays of length
    ``n_removed + 1``: the largest component's size, the number of
    components (isolated nodes count) and ``sum_k s_k (s_k - 1)``."""
    n = indptr.shape[0] - 1
    removed = np.zeros(n, np.bool_)
    for i in range(n_removed):
        removed[order[i]] = True
    active = np.zeros(n, np.bool_)
    root = np.arange(n)
    size = np.ones(n, np.int64)
    largest = np.zeros(n_removed + 1, np.int64)
    n_comp = np.zeros(n_removed + 1, np.int64)
    pairs = np.zeros(n_removed + 1, np.int64)
    comps = 0
    big = 0
    total = 0
    for c in range(n_removed, -1, -1):
        if c == n_removed:
            for v in range(n):
                if not removed[v]:
                    p, merges, now = _add_back(indptr, indices, active, root, size, v)
                    total += p
                    comps += 1 - merges
                    big = max(big, now)
        else:
            p, merges, now = _add_back(indptr, indices, active, root, size, order[c])
            total += p
            comps += 1 - merges
            big = max(big, now)
        largest[c] = big
        n_comp[c] = comps
        pairs[c] = total
    return largest, n_comp, pairs


# ---------------------------------------------------------------------------
# distances: harmonic sums (efficiency, distance-weighted fragmentation)


@_jit()
def _harmonic_sum(order, count, dist):
    """Sum of ``1 / dist[t]`` over the nodes ``order[1:count]`` reached by a
    search from ``order[0]``, in the order they were reached."""
    total = 0.0
    for i in range(1, count):
        total += 1.0 / dist[order[i]]
    return total


@dual_kernel(kind=SEARCHES)
def _harmonic_matrix_kernel(indptr, indices, removed, extras, sources, n_chunks):
    """``out[i, j]``: harmonic sum (``sum 1 / d(s, t)`` over the nodes
    ``t != s`` that ``s`` reaches) of source ``s = sources[j]`` in
    ``G - removed - {extras[i]}`` (``extras[i] = -1`` removes nothing more);
    NaN where the source itself is removed."""
    n = indptr.shape[0] - 1
    n_extra = extras.shape[0]
    n_src = sources.shape[0]
    out = np.empty((n_extra, n_src))
    total = n_extra * n_src
    for c in prange(n_chunks):
        dist = np.full(n, np.inf)
        order = np.empty(n, np.int64)
        # each chunk its own mask: the extra node is blocked in it for the
        # one search, and the caller's mask is shared by the threads
        blocked = removed.copy()
        for item in range(c, total, n_chunks):
            i = item // n_src
            j = item - i * n_src
            s = sources[j]
            x = extras[i]
            if removed[s] or s == x:
                out[i, j] = np.nan
                continue
            if x >= 0:
                blocked[x] = True
            count = _bfs(indptr, indices, blocked, None, s, dist, None, None, order, None, None)
            out[i, j] = _harmonic_sum(order, count, dist)
            for t in range(count):
                dist[order[t]] = np.inf
            if x >= 0:
                blocked[x] = removed[x]
    return out


# ---------------------------------------------------------------------------
# distances of given pairs: sampled efficiency


@_jit()
def _pair_distance(indptr, indices, rindptr, rindices, removed, s, t, level, queue):
    """Hop distance from ``s`` to ``t`` in ``G - removed`` (-1 when ``t`` is
    unreachable), by a balanced bidirectional breadth-first search; ``s``
    and ``t`` must be distinct nodes still present.

    A forward ball grows from ``s`` along out-edges (``indptr``,
    ``indices``) and a backward ball from ``t`` along in-edges (``rindptr``,
    ``rindices``; the same arrays for an undirected graph), one whole level
    at a time, always on the side whose frontier has the smaller degree sum
    (as in ``centrality._traversal._bidirectional_sample``): where hubs are,
    the balls meet after touching a small part of the graph. ``level[x]`` is
    ``d + 1`` for a node at distance ``d`` from ``s`` in the forward ball,
    ``-(d + 1)`` in the backward ball (distance to ``t``), 0 in neither.
    Removed nodes never enter a ball.

    While the balls are disjoint, ``d(s, t) > d_f + d_b`` for their depths
    ``d_f``, ``d_b`` (a shortest path would otherwise have a node in both),
    and a node below its ball's last level has all its neighbours in the
    ball; so the first edge ``a -> b`` from the forward into the backward
    ball, found while expanding a last level, joins the two last levels and
    ``d(s, t) = d(s, a) + 1 + d(b, t)``: the search stops there. A frontier
    without edges, or a level that adds no node, ends the search: no path
    leaves that ball. ``level`` is left at 0 on return."""
    queue[0] = s
    queue[1] = t
    level[s] = 1
    level[t] = -1
    end_q = 2
    f_start, f_end, b_start, b_end = 0, 1, 1, 2
    f_deg = indptr[s + 1] - indptr[s]
    b_deg = rindptr[t + 1] - rindptr[t]
    dist = -1
    while f_deg > 0 and b_deg > 0 and dist < 0:
        forward = f_deg <= b_deg
        if forward:
            ptr, idx, seg_start, seg_end, step = indptr, indices, f_start, f_end, 1
        else:
            ptr, idx, seg_start, seg_end, step = rindptr, rindices, b_start, b_end, -1
        new_start = end_q
        new_deg = 0
        for i in range(seg_start, seg_end):
            x = queue[i]
            lx = level[x]
            next_level = lx + step
            for e in range(ptr[x], ptr[x + 1]):
                y = idx[e]
                ly = level[y]
                if ly == 0:
                    if not removed[y]:
                        level[y] = next_level
                        queue[end_q] = y
                        end_q += 1
                        new_deg += ptr[y + 1] - ptr[y]
                elif (ly > 0) != forward:
                    dist = abs(lx) + abs(ly) - 1
                    break
            if dist >= 0:
                break
        if forward:
            f_start, f_end, f_deg = new_start, end_q, new_deg
        else:
            b_start, b_end, b_deg = new_start, end_q, new_deg
    for i in range(end_q):
        level[queue[i]] = 0
    return dist


@dual_kernel(kind=SEARCHES)
def _pair_distances_kernel(indptr, indices, rindptr, rindices, removed, sources, targets,
                       n_chunks):
    """``out[k]``: hop distance from ``sources[k]`` to ``targets[k]`` in
    ``G - removed`` (:func:`_pair_distance`), -1 when unreachable and -2
    for a pair that is not one of two distinct present nodes (the caller
    decides what that means; nothing is skipped)."""
    n = indptr.shape[0] - 1
    n_pairs = sources.shape[0]
    out = np.empty(n_pairs, np.int64)
    for c in prange(n_chunks):
        level = np.zeros(n, np.int64)
        queue = np.empty(n, np.int64)
        for k in range(c, n_pairs, n_chunks):
            s = sources[k]
            t = targets[k]
            if s == t or removed[s] or removed[t]:
                out[k] = -2
            else:
                out[k] = _pair_distance(indptr, indices, rindptr, rindices, removed, s, t,
                                        level, queue)
    return out


# ---------------------------------------------------------------------------
# harmonic sums with one more node removed, for many candidates at once


@_jit()
def _harmonic_drops_from(indptr, indices, removed, candidates, s, out, j,
                         dist, order, npar, dp, nd, dom, touched):
    """Column ``j`` of :func:`_harmonic_drops_kernel` for source ``s``.

    One breadth-first search of ``G - removed`` from ``s`` (:func:`_bfs`)
    records the distances and, for each node, its number of parents in the
    shortest-path DAG. Removing ``v`` changes the distance of exactly
    the nodes it dominates in that DAG (every shortest path from ``s`` to
    them passes ``v``): ``v`` itself and, level by level, the nodes all of
    whose parents are dominated. Everything else keeps its distance, so the
    new sum is the old one minus the dominated nodes' terms plus their new
    terms; their new distances come from a search confined to them, started
    at their undominated neighbours. Work arrays are left as found
    (``dist`` at inf, ``nd`` at -1, ``npar``, ``dp`` at 0)."""
    count = _bfs(indptr, indices, removed, None, s, dist, None, npar, order, None, None)
    total = _harmonic_sum(order, count, dist)
    big = np.iinfo(np.int64).max
    for i in range(candidates.shape[0]):
        v = candidates[i]
        if v == s:
            out[i, j] = np.nan
            continue
        if dist[v] == np.inf:  # unreached or already removed: nothing changes
            out[i, j] = total
            continue
        # dominated set, in order of (old) distance
        dom[0] = v
        nd[v] = 0  # marks v as dominated (it is never given a new distance)
        n_dom = 1
        n_touched = 0
        head = 0
        while head < n_dom:
            x = dom[head]
            head += 1
            dx1 = dist[x] + 1.0
            for e in range(indptr[x], indptr[x + 1]):
                w = indices[e]
                if dist[w] == dx1:
                    if dp[w] == 0:
                        touched[n_touched] = w
                        n_touched += 1
                    dp[w] += 1
                    if dp[w] == npar[w]:
                        nd[w] = big
                        dom[n_dom] = w
                        n_dom += 1
        lost = 0.0
        for t in range(n_dom):
            lost += 1.0 / dist[dom[t]]
        # entry distances from undominated neighbours, then relax inside
        for t in range(1, n_dom):
            x = dom[t]
            best = big
            for e in range(indptr[x], indptr[x + 1]):
                w = indices[e]
                if dist[w] < np.inf and nd[w] < 0 and np.int64(dist[w]) + 1 < best:
                    best = np.int64(dist[w]) + 1
            nd[x] = best
        changed = n_dom > 2
        while changed:
            changed = False
            for t in range(1, n_dom):
                x = dom[t]
                for e in range(indptr[x], indptr[x + 1]):
                    w = indices[e]
                    if w != v and nd[w] >= 0 and nd[w] < big and nd[w] + 1 < nd[x]:
                        nd[x] = nd[w] + 1
                        changed = True
        gained = 0.0
        for t in range(1, n_dom):
            if nd[dom[t]] < big:
                gained += 1.0 / nd[dom[t]]
        out[i, j] = total - lost + gained
        for t in range(n_dom):
            nd[dom[t]] = -1
        for t in range(n_touched):
            dp[touched[t]] = 0
    for t in range(count):
        dist[order[t]] = np.inf
        npar[order[t]] = 0


@dual_kernel(kind=SEARCHES)
def _harmonic_drops_kernel(indptr, indices, removed, candidates, sources, n_chunks):
    """Same as :func:`_harmonic_matrix_kernel` with ``extras = candidates``
    (``out[i, j]``: harmonic sum of ``sources[j]`` in ``G - removed -
    {candidates[i]}``, NaN where the source is removed or is the candidate),
    but with one breadth-first search per source instead of one per
    (candidate, source) pair; parallel over sources."""
    n = indptr.shape[0] - 1
    n_cand = candidates.shape[0]
    n_src = sources.shape[0]
    out = np.empty((n_cand, n_src))
    for c in prange(n_chunks):
        dist = np.full(n, np.inf)
        order = np.empty(n, np.int64)
        npar = np.zeros(n, np.int64)
        dp = np.zeros(n, np.int64)
        nd = np.full(n, -1, np.int64)
        dom = np.empty(n, np.int64)
        touched = np.empty(n, np.int64)
        for j in range(c, n_src, n_chunks):
            s = sources[j]
            if removed[s]:
                for i in range(n_cand):
                    out[i, j] = np.nan
            else:
                _harmonic_drops_from(indptr, indices, removed, candidates, s, out, j,
                                     dist, order, npar, dp, nd, dom, touched)
    return out


# ---------------------------------------------------------------------------
# reach: distances from a set, and what adding one node would add


@_jit()
def _set_distances(indptr, indices, members):
    """Hop distance from the nearest node in ``members`` (``inf`` when
    unreachable; 0 for members): one multi-source breadth-first search."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    _bfs_multi(indptr, indices, None, members, dist, np.empty(n, np.int64))
    return dist


@_jit()
def _reach_value(d, m):
    """The contribution of a node at distance ``d`` from the set: ``1/d``
    (``m <= 0``, distance-weighted reach) or ``1`` if ``d <= m`` (m-reach);
    0 when unreachable or at distance 0 (a member)."""
    if d == 0.0 or d == np.inf:
        return 0.0
    if m <= 0:
        return 1.0 / d
    return 1.0 if d <= m else 0.0


@dual_kernel(kind=SEARCHES)
def _reach_gains_kernel(indptr, indices, base_dist, candidates, m, n_chunks):
    """For each candidate ``v`` (not in the base set B: ``base_dist[v] > 0``)
    the change of ``sum_{j not in B} value(d(B, j))`` when ``v`` joins B.

    A breadth-first search from ``v`` expands a node ``j`` only while
    ``d(v, j) < d(B, j)`` (and ``d(v, j) < m`` for m-reach), the horizon of
    :func:`_bfs`: past a node the base set reaches at least as fast,
    ``d(B, x) <= d(B, j) + d(j, x) <= d(v, x)``, so nothing beyond it can
    gain; and every node that does gain has its shortest path from ``v``
    through expanded nodes only, so its distance is exact. ``v`` itself
    leaves the sum (a member is not counted)."""
    n = indptr.shape[0] - 1
    n_cand = candidates.shape[0]
    gains = np.zeros(n_cand)
    horizon = np.minimum(base_dist, np.float64(m)) if m > 0 else base_dist
    for c in prange(n_chunks):
        dist = np.full(n, np.inf)
        order = np.empty(n, np.int64)
        for i in range(c, n_cand, n_chunks):
            v = candidates[i]
            count = _bfs(indptr, indices, None, horizon, v, dist, None, None, order, None, None)
            gain = -_reach_value(base_dist[v], m)
            for t in range(1, count):
                w = order[t]
                if dist[w] < base_dist[w]:
                    gain += _reach_value(dist[w], m) - _reach_value(base_dist[w], m)
            for t in range(count):
                dist[order[t]] = np.inf
            gains[i] = gain
    return gains


# Each item is computed on its own, so the serial and the parallel builds
# give the same bytes; the serial one avoids the cost of starting the thread
# pool (milliseconds, far more on a busy machine) when the work is small. The
# threshold and the chunk count are those of the kind SEARCHES.


def _harmonic_matrix(indptr, indices, removed, extras, sources):
    """See :func:`_harmonic_matrix_kernel`; parallel when the work is large."""
    work = len(extras) * len(sources) * (len(indices) + len(indptr))
    n_chunks = SEARCHES.n_chunks(len(extras) * len(sources))
    return _harmonic_matrix_kernel(work, indptr, indices, removed, extras, sources, n_chunks)


def _harmonic_drops(indptr, indices, removed, candidates, sources):
    """See :func:`_harmonic_drops_kernel`; parallel when the work is large."""
    work = len(sources) * (len(indices) + len(indptr))
    return _harmonic_drops_kernel(work, indptr, indices, removed, candidates, sources,
                                  SEARCHES.n_chunks(len(sources)))


def _pair_distances(indptr, indices, rindptr, rindices, removed, sources, targets):
    """See :func:`_pair_distances_kernel`; parallel when the work may be large.

    A pair's cost is not known beforehand; a bidirectional search on graphs
    with hubs touches about ``sqrt(m)`` edges, the estimate used here (738
    pairs on the forum-a reply graph take about 0.3 ms, where starting the
    thread pool would cost as much)."""
    work = len(sources) * np.sqrt(len(indices) + len(indptr))
    return _pair_distances_kernel(work, indptr, indices, rindptr, rindices, removed, sources,
                                  targets, SEARCHES.n_chunks(len(sources)))


def _reach_gains(indptr, indices, base_dist, candidates, m):
    """See :func:`_reach_gains_kernel`; parallel when the work may be large."""
    work = len(candidates) * (len(indices) + len(indptr))
    return _reach_gains_kernel(work, indptr, indices, base_dist, candidates, m,
                               SEARCHES.n_chunks(len(candidates)))


@_jit()
def _component_of(indptr, indices, removed, starts):
    """The nodes of ``G - removed`` reachable from any node in ``starts``
    (removed starts are skipped), as an array in the order a breadth-first
    search from all of them reaches them."""
    n = indptr.shape[0] - 1
    order = np.empty(n, np.int64)
    count = _bfs_multi(indptr, indices, removed, starts, np.full(n, np.inf), order)
    return order[:count].copy()
