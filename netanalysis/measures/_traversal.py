"""Compiled shortest-path kernels (numba) behind the path-based measures.

Everything here works on integer node indices and CSR arrays
(``indptr``, ``indices``, and ``lengths`` aligned with ``indices``; an empty
``lengths`` with ``weighted=False`` means every edge has length 1). Graphs
handed to these kernels carry no self-loops: a self-loop is never on a
shortest path, and dropping it keeps the inner loops branch-free.

Kernels are compiled once and cached on disk (``cache=True``) so that a new
process loads machine code instead of compiling again. If no cache location
is writable numba refuses ``cache=True`` at decoration time; we then compile
without a disk cache instead of failing to import. The drivers are
:class:`netanalysis._numba.DualKernel` s of the kind ``SEARCHES``: a serial
and a parallel build with separate cache entries, one work threshold and
one chunk count.

Conventions shared by the kernels:

* ``dist`` holds ``inf`` for a node not reached yet; a traversal resets the
  nodes it touched before returning to the caller's loop, so a source costs
  time proportional to the part of the graph it reaches, never ``n``.
* ``sigma[v]`` is the number of shortest paths from the source to ``v``
  (a float, as in networkx, so that counts never overflow).
* Parallel kernels split their work into a fixed number of chunks (not one
  per thread): chunk ``c`` takes items ``c, c + n_chunks, ...``, has its own
  work arrays and its own row of accumulators, and rows are summed in a
  fixed order at the end. Results therefore do not depend on the number of
  threads, and no ``n x n`` array is ever built.
"""
from __future__ import annotations

import numpy as np
from numba import prange

from .._numba import SEARCHES, dual_kernel
from .._numba import jit as _jit

__all__: list[str] = []


# ---------------------------------------------------------------------------
# the one breadth-first search, the one Dijkstra, the one union-find
#
# An optional input or output is None when not wanted: one source serves
# every caller, and numba compiles one build per combination of options with
# the branches of the absent ones pruned, so that no caller pays for an
# option it does not use (a search for distances alone runs the loop of a
# plain BFS).


@_jit()
def _bfs_grow(indptr, indices, blocked, horizon, tail, dist, sigma, parents, order, succ,
              succ_ptr):
    """Grow a breadth-first search from the start nodes ``order[:tail]``.

    The caller has set ``dist`` to 0 at the start nodes (``sigma`` to 1
    where path counts are asked for) and to ``inf`` everywhere else; see
    :func:`_bfs` and :func:`_bfs_multi`. Returns ``count``: ``order[:count]``
    are the nodes reached, by non-decreasing distance in hops, in the order
    they were discovered (each level in the order its parents were taken and
    their CSR edges listed).

    Parameters
    ----------
    indptr, indices : CSR arrays of the out-edges.
    blocked : bool array of length n, or None
        Nodes that are absent with their edges (removed members): never
        reached, never expanded. Tested only when an edge leads to a node not
        reached yet, so a mask costs nothing on the other edges.
    horizon : float array of length n, or None
        A reached node ``x`` is expanded only while ``dist[x] < horizon[x]``
        (the search is pruned there; ``x`` itself is still reached).
    dist : float array of length n
        Distance in hops from the nearest start node; ``inf`` where not
        reached. Only the nodes in ``order[:count]`` are written, so the
        caller resets just those.
    sigma : float array of length n, or None
        ``sigma[w]`` the number of shortest paths from the start nodes to
        ``w`` (a float, as in networkx, so that counts never overflow).
    parents : int array of length n, or None
        ``parents[w]`` is increased by the number of parents of ``w`` in the
        shortest-path DAG (its neighbours one hop nearer); the caller passes
        it at 0 and resets it.
    order : int array of length n
    succ, succ_ptr : int arrays of lengths ``len(indices)`` and ``n + 1``, or
        both None
        The shortest-path DAG in CSR form by position in ``order``: the
        successors ``w`` (``dist[w] = dist[x] + 1``) of ``x = order[i]`` are
        ``succ[succ_ptr[i]:succ_ptr[i + 1]]``, in the order of x's edges;
        ``succ_ptr[count]`` is the number of DAG edges. They are found while
        x's edges are scanned anyway, so a backward pass (Brandes'
        accumulation, dominators) reads only DAG edges, in sequence, instead
        of all edges again with a distance test each: on dense reply graphs
        most edges join nodes at the same or a lower level.
    """
    # `x is not None` alone in a condition: the form numba prunes by type
    head = 0
    n_succ = 0
    sv = 0.0
    while head < tail:
        v = order[head]
        if succ is not None:
            succ_ptr[head] = n_succ
        head += 1
        dv = dist[v]
        if horizon is not None:
            if dv >= horizon[v]:
                continue
        dv1 = dv + 1.0
        if sigma is not None:
            sv = sigma[v]
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            dw = dist[w]
            if dw > dv1:  # only an unreached node (inf) can be farther
                if blocked is not None:
                    if blocked[w]:
                        continue
                dist[w] = dv1
                if sigma is not None:
                    sigma[w] = sv
                order[tail] = w
                tail += 1
                if parents is not None:
                    parents[w] += 1
                if succ is not None:
                    succ[n_succ] = w
                    n_succ += 1
            elif dw == dv1:
                if sigma is not None:
                    sigma[w] += sv
                if parents is not None:
                    parents[w] += 1
                if succ is not None:
                    succ[n_succ] = w
                    n_succ += 1
    if succ is not None:
        succ_ptr[tail] = n_succ
    return tail


@_jit()
def _bfs(indptr, indices, blocked, horizon, s, dist, sigma, parents, order, succ, succ_ptr):
    """Breadth-first search from the single node ``s`` (which the caller
    knows is not blocked): :func:`_bfs_grow` with ``s`` as the start."""
    dist[s] = 0.0
    if sigma is not None:
        sigma[s] = 1.0
    order[0] = s
    return _bfs_grow(indptr, indices, blocked, horizon, 1, dist, sigma, parents, order, succ,
                     succ_ptr)


@_jit()
def _bfs_multi(indptr, indices, blocked, starts, dist, order):
    """Breadth-first search from every node of ``starts`` at once (distance
    0 for each; blocked and repeated starts are skipped): hop distances from
    the nearest start. :func:`_bfs_grow` without path counts or DAG."""
    tail = 0
    for v in starts:
        if dist[v] == 0.0:
            continue
        if blocked is not None:
            if blocked[v]:
                continue
        dist[v] = 0.0
        order[tail] = v
        tail += 1
    return _bfs_grow(indptr, indices, blocked, None, tail, dist, None, None, order, None, None)


@_jit()
def _bfs_hops(indptr, indices, s, dist, order):
    """Breadth-first search from ``s`` for distances only (closeness and
    harmonic without betweenness): :func:`_bfs` without mask, path counts
    or DAG. Returns how many nodes were reached."""
    return _bfs(indptr, indices, None, None, s, dist, None, None, order, None, None)


# Direction-optimising BFS (Beamer, Asanovic and Patterson 2012): a level is
# grown bottom-up (each unreached node looks for a parent in the frontier
# among its in-edges and stops at the first) once the frontier's out-edges
# exceed the unexplored ones over _BOTTOM_UP_ALPHA, the frontier is growing
# and holds more than 1/_BOTTOM_UP_MIN_SHARE of the nodes; it returns to
# top-down when the frontier shrinks below 1/_TOP_DOWN_BETA of the nodes.
# Alpha and beta are the paper's; the frontier floor keeps graphs without
# hubs (a random geometric graph, whose frontier never passes ~1.6% of the
# nodes) top-down, where bottom-up levels only cost. All sources of the
# forum-a reply graph: 0.89 -> 0.21 s on one thread; forum-100k 1.4 -> 0.85 s
# per 400 sources; geometric-100k unchanged.
_BOTTOM_UP_ALPHA = 14
_TOP_DOWN_BETA = 24
_BOTTOM_UP_MIN_SHARE = 50


@_jit()
def _bfs_hops_direction_optimising(indptr, indices, rindptr, rindices, s, dist, order, unreached):
    """Distances from ``s`` as :func:`_bfs_hops`, each level grown top-down
    or bottom-up (see ``_BOTTOM_UP_ALPHA``); ``rindptr``/``rindices`` are
    the in-edges, ``unreached`` a work array of n. The same nodes at the
    same distances as :func:`_bfs_hops`, in another order within a level."""
    n = indptr.shape[0] - 1
    dist[s] = 0.0
    order[0] = s
    f_start = 0
    f_end = 1
    tail = 1
    level = 0.0
    m_frontier = indptr[s + 1] - indptr[s]
    m_unexplored = indptr[n] - m_frontier
    bottom_up = False
    n_unreached = -1
    previous = 0
    while f_end > f_start:
        size = f_end - f_start
        if not bottom_up:
            bottom_up = (m_frontier * _BOTTOM_UP_ALPHA > m_unexplored and size > previous
                         and size * _BOTTOM_UP_MIN_SHARE > n)
        elif size < previous and size * _TOP_DOWN_BETA < n:
            bottom_up = False
        previous = size
        next_level = level + 1.0
        m_new = 0
        if bottom_up:
            if n_unreached < 0:  # first bottom-up level: list the unreached once
                n_unreached = 0
                for v in range(n):
                    if dist[v] == np.inf:
                        unreached[n_unreached] = v
                        n_unreached += 1
            kept = 0
            for i in range(n_unreached):
                v = unreached[i]
                if dist[v] != np.inf:  # reached by a top-down level since
                    continue
                found = False
                for e in range(rindptr[v], rindptr[v + 1]):
                    if dist[rindices[e]] == level:
                        found = True
                        break
                if found:
                    dist[v] = next_level
                    order[tail] = v
                    tail += 1
                    m_new += indptr[v + 1] - indptr[v]
                else:
                    unreached[kept] = v
                    kept += 1
            n_unreached = kept
        else:
            for i in range(f_start, f_end):
                v = order[i]
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    if dist[w] == np.inf:
                        dist[w] = next_level
                        order[tail] = w
                        tail += 1
                        m_new += indptr[w + 1] - indptr[w]
        m_unexplored -= m_new
        f_start = f_end
        f_end = tail
        m_frontier = m_new
        level = next_level
    return tail


@_jit()
def _heap_sift_up(heap, pos, dist, i):
    x = heap[i]
    dx = dist[x]
    while i > 0:
        parent = (i - 1) >> 1
        y = heap[parent]
        if dist[y] <= dx:
            break
        heap[i] = y
        pos[y] = i
        i = parent
    heap[i] = x
    pos[x] = i


@_jit()
def _heap_pop(heap, pos, dist, size):
    """Remove and return the root of a binary heap of ``size`` nodes keyed by
    ``dist``; the caller decrements its size."""
    top = heap[0]
    size -= 1
    if size > 0:
        x = heap[size]
        dx = dist[x]
        i = 0
        while True:
            child = 2 * i + 1
            if child >= size:
                break
            right = child + 1
            if right < size and dist[heap[right]] < dist[heap[child]]:
                child = right
            y = heap[child]
            if dist[y] >= dx:
                break
            heap[i] = y
            pos[y] = i
            i = child
        heap[i] = x
        pos[x] = i
    return top


@_jit()
def _dijkstra(indptr, indices, lengths, s, target, dist, sigma, order, heap, pos):
    """Dijkstra from ``s`` with an indexed binary heap (decrease-key),
    stopping once ``target`` is settled (``target = -1``: never).

    ``pos[v]`` is ``-1`` for a node never queued, its heap slot while queued
    and ``-2`` once settled. Fills ``dist``, ``sigma`` (path counts) and
    ``order``: the settled nodes in the order they are settled, then, when
    the search stopped at ``target``, the nodes still queued (their
    distances and counts are upper bounds). Returns the number of nodes in
    ``order``, every node whose distance was set, so that the caller resets
    ``dist`` and ``pos`` at just those. Two paths tie when their lengths,
    summed edge by edge from the source, are equal as floats (as in
    networkx)."""
    dist[s] = 0.0
    sigma[s] = 1.0
    heap[0] = s
    pos[s] = 0
    size = 1
    count = 0
    while size > 0:
        v = _heap_pop(heap, pos, dist, size)
        size -= 1
        pos[v] = -2
        order[count] = v
        count += 1
        if v == target:
            break
        dv = dist[v]
        sv = sigma[v]
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            pw = pos[w]
            if pw == -2:
                continue
            nd = dv + lengths[e]
            dw = dist[w]
            if nd < dw:
                dist[w] = nd
                sigma[w] = sv
                if pw == -1:
                    heap[size] = w
                    pos[w] = size
                    size += 1
                    _heap_sift_up(heap, pos, dist, size - 1)
                else:
                    _heap_sift_up(heap, pos, dist, pw)
            elif nd == dw:
                sigma[w] += sv
    for i in range(size):
        order[count] = heap[i]
        count += 1
    return count


@_jit()
def _find(root, x):
    """The root of ``x``'s set in the union-find forest ``root``, halving
    the path on the way (each node visited is pointed at its grandparent)."""
    while root[x] != x:
        root[x] = root[root[x]]
        x = root[x]
    return x


@_jit()
def _union(root, size, a, b):
    """Merge the sets of ``a`` and ``b`` by size: the root of the larger set
    (of ``a``'s on a tie) becomes the root of both, and its ``size`` the sum.
    Returns ``(product, merged)``: ``size(a's set) * size(b's set)`` before
    the merge (0 when they were one set already; the number of pairs, one
    node from each, that the merge connects) and the size of the set now
    holding both."""
    a = _find(root, a)
    b = _find(root, b)
    if a == b:
        return 0, size[a]
    if size[a] < size[b]:
        a, b = b, a
    product = size[a] * size[b]
    size[a] += size[b]
    root[b] = a
    return product, size[a]


# ---------------------------------------------------------------------------
# all sources: betweenness (Brandes), closeness and harmonic sums


@_jit()
def _path_chunk(c, n_chunks, indptr, indices, lengths, weighted, sources,
                src_weight, tgt_weight, bc, dsum, nreach, harm, in_reach, out_reach,
                rindptr, rindices):
    """Sources ``c, c + n_chunks, ...`` of ``sources``: one traversal each,
    accumulating into row ``c`` of the 2-d arrays what is asked for (an
    array with no columns is not asked for).

    Betweenness (``bc``) is Brandes' dependency accumulation with node
    weights: a pair (s, t) counts ``src_weight[s] * tgt_weight[t]`` times
    (the weights stand for the leaves folded into s and t; all ones on an
    unpruned graph). It is computed in "pull" form: a node, taken in reverse
    order of distance, sums ``(tgt_weight[w] + delta[w]) / sigma[w]`` over
    its successors ``w`` on shortest paths, so no predecessor lists are kept
    and each node writes only its own entry.

    ``dsum``, ``nreach`` and ``harm`` sum, for every target t, the distances
    from the sources reaching it, their number and the inverse distances
    (closeness and harmonic in the incoming-distance convention of networkx).

    ``in_reach`` (total source weight reaching each node) and ``out_reach``
    (indexed by source: total target weight it reaches) are what directed
    leaf pruning needs.

    Given the in-edges (``rindptr``, ``rindices``; empty arrays otherwise),
    distances alone (hops, no betweenness) come from the direction-optimising
    :func:`_bfs_hops_direction_optimising`."""
    n = indptr.shape[0] - 1
    want_bc = bc.shape[1] > 0
    want_dist = dsum.shape[1] > 0
    want_reach = in_reach.shape[1] > 0
    dist = np.full(n, np.inf)
    sigma = np.zeros(n)
    coef = np.zeros(n)
    order = np.empty(n, np.int32)
    heap = np.empty(n if weighted else 0, np.int32)
    pos = np.full(n if weighted else 0, -1, np.int32)
    dag = want_bc and not weighted
    succ = np.empty(indices.shape[0] if dag else 0, np.int32)
    succ_ptr = np.empty(n + 1 if dag else 0, np.int64)
    both_ways = rindptr.shape[0] > 0 and not want_bc and not weighted
    unreached = np.empty(n if both_ways else 0, np.int32)
    for k in range(c, sources.shape[0], n_chunks):
        s = sources[k]
        if weighted:
            count = _dijkstra(indptr, indices, lengths, s, -1, dist, sigma, order, heap, pos)
        elif want_bc:
            count = _bfs(indptr, indices, None, None, s, dist, sigma, None, order, succ, succ_ptr)
        elif both_ways:
            count = _bfs_hops_direction_optimising(indptr, indices, rindptr, rindices, s, dist,
                                                   order, unreached)
        else:
            count = _bfs(indptr, indices, None, None, s, dist, None, None, order, None, None)
        ws = src_weight[s]
        if want_dist:
            for i in range(1, count):
                t = order[i]
                d = dist[t]
                dsum[c, t] += d
                nreach[c, t] += 1.0
                harm[c, t] += 1.0 / d
        if want_reach:
            reached = 0.0
            for i in range(1, count):
                t = order[i]
                in_reach[c, t] += ws
                reached += tgt_weight[t]
            out_reach[s] = reached
        if want_bc:
            for i in range(count - 1, 0, -1):
                v = order[i]
                dv = dist[v]
                acc = 0.0
                if weighted:
                    for e in range(indptr[v], indptr[v + 1]):
                        w = indices[e]
                        if dist[w] == dv + lengths[e]:
                            acc += coef[w]
                else:
                    for j in range(succ_ptr[i], succ_ptr[i + 1]):
                        acc += coef[succ[j]]
                sv = sigma[v]
                coef[v] = tgt_weight[v] / sv + acc
                bc[c, v] += ws * sv * acc
        for i in range(count):
            t = order[i]
            dist[t] = np.inf
            if weighted:
                pos[t] = -1


@dual_kernel(kind=SEARCHES)
def _path_kernel(n_chunks, indptr, indices, lengths, weighted, sources,
                 src_weight, tgt_weight, bc, dsum, nreach, harm, in_reach, out_reach,
                 rindptr, rindices):
    """All chunks of :func:`_path_chunk` (in parallel in the parallel build)."""
    for c in prange(n_chunks):
        _path_chunk(c, n_chunks, indptr, indices, lengths, weighted, sources,
                    src_weight, tgt_weight, bc, dsum, nreach, harm, in_reach, out_reach,
                    rindptr, rindices)


# ---------------------------------------------------------------------------
# exact reductions: folding trees (undirected) and leaves (directed)


@_jit()
def _fold_trees(indptr, indices):
    """Repeatedly remove degree-1 nodes of an undirected simple graph.

    ``indptr``/``indices`` give each node's distinct neighbours (no
    self-loops). A removed node hangs, with everything folded into it, off
    the one neighbour it had left. Returns ``removed`` (bool), ``omega`` (the
    number of nodes each node stands for: itself plus all folded into it),
    ``hang_sum`` and ``hang_sq`` (sum and sum of squares of the sizes of the
    subtrees hanging off each node)."""
    n = indptr.shape[0] - 1
    deg = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    top = 0
    for v in range(n):
        deg[v] = indptr[v + 1] - indptr[v]
        if deg[v] == 1:
            stack[top] = v
            top += 1
    removed = np.zeros(n, np.bool_)
    omega = np.ones(n)
    hang_sum = np.zeros(n)
    hang_sq = np.zeros(n)
    while top > 0:
        top -= 1
        leaf = stack[top]
        if removed[leaf] or deg[leaf] != 1:
            continue
        p = -1
        for e in range(indptr[leaf], indptr[leaf + 1]):
            if not removed[indices[e]]:
                p = indices[e]
                break
        removed[leaf] = True
        deg[leaf] = 0
        size = omega[leaf]
        omega[p] += size
        hang_sum[p] += size
        hang_sq[p] += size * size
        deg[p] -= 1
        if deg[p] == 1:
            stack[top] = p
            top += 1
    return removed, omega, hang_sum, hang_sq


# ---------------------------------------------------------------------------
# sampling shortest paths (Riondato-Kornaropoulos)


@_jit()
def _splitmix64(state):
    """One step of splitmix64: returns the new state and a uniform [0, 1)."""
    state = state + np.uint64(0x9E3779B97F4A7C15)
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return state, np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


# Meeting edges remembered per sample; a sample with more scans its last
# level a second time to find the one drawn.
_MEET_CAPACITY = 1024


@_jit(inline=True)
def _walk_back(ptr, idx, x, root, side, level, sigma, state, counts_row):
    """From ``x`` back to its ball's ``root`` (``side`` 1: forward ball,
    walked over in-edges; -1: backward ball, over out-edges), each
    predecessor drawn with probability ``sigma[p] / sigma[x]``; +1 in
    ``counts_row`` for every node passed other than the root. A node one
    step from the root has the root as its only predecessor: no draw, and
    no scan of what may be a hub's long edge list. Returns the random
    state."""
    while x != root:
        counts_row[x] += 1
        if level[x] == 2 * side:
            break
        state, draw = _splitmix64(state)
        threshold = draw * sigma[x]
        before = level[x] - side
        acc = 0.0
        chosen = -1
        for e in range(ptr[x], ptr[x + 1]):
            p = idx[e]
            if level[p] == before:
                chosen = p
                acc += sigma[p]
                if acc > threshold:
                    break
        x = chosen
    return state


@_jit()
def _bidirectional_sample(indptr, indices, rindptr, rindices, u, v, level, sigma, queue,
                          meet_a, meet_b, meet_w, state, counts_row):
    """One shortest u-v path drawn uniformly among all of them by a balanced
    bidirectional BFS; +1 in ``counts_row`` for each interior node. Returns
    the random state.

    A forward ball grows from ``u`` along out-edges and a backward ball from
    ``v`` along in-edges, one whole level at a time, always on the side
    whose frontier has the smaller degree sum (Borassi and Natale 2019): on
    graphs with hubs the two balls meet after touching a small part of the
    graph, where a one-sided search touches most of it. ``level[x]`` is
    ``d + 1`` for a node at distance d from ``u`` in the forward ball,
    ``-(d + 1)`` in the backward ball (distance to ``v``), 0 in neither;
    ``sigma`` is the number of shortest paths from the ball's root.

    While the balls have not met, a node below its ball's last level has all
    its neighbours in the ball, so the first level expansion that finds
    edges a -> b from the forward into the backward ball finds exactly the
    edges joining the two last levels, and ``d(u, v) = d(u, a) + 1 + d(b,
    v)`` for all of them. ``sigma_uv`` is the sum of ``sigma[a] * sigma[b]``
    over them; one is drawn with that weight (from ``meet_*``, or by a second
    scan of the level when there are more than they hold), then the path is
    walked back to ``u`` and on to ``v``, each predecessor chosen with
    probability proportional to its path count.
    """
    queue[0] = u
    queue[1] = v
    level[u] = 1
    level[v] = -1
    sigma[u] = 1.0
    sigma[v] = 1.0
    end_q = 2
    f_start, f_end, b_start, b_end = 0, 1, 1, 2
    f_deg = indptr[u + 1] - indptr[u]
    b_deg = rindptr[v + 1] - rindptr[v]
    total = 0.0
    n_meet = 0
    capacity = meet_w.shape[0]
    forward = True
    seg_start = 0
    seg_end = 0
    # a frontier without edges ends the search: no path leaves it
    while f_deg > 0 and b_deg > 0:
        forward = f_deg <= b_deg
        if forward:
            ptr, idx, seg_start, seg_end, step = indptr, indices, f_start, f_end, 1
        else:
            ptr, idx, seg_start, seg_end, step = rindptr, rindices, b_start, b_end, -1
        # First only look for edges into the other ball: the level that
        # meets it is the costliest one (on the forum-a reply graph 95% of
        # the edges a sample scans) and then its new nodes are not needed.
        # A level that does not meet is scanned twice, but such levels are
        # the cheap ones, since the cheaper side is always expanded.
        for i in range(seg_start, seg_end):
            x = queue[i]
            sx = sigma[x]
            for e in range(ptr[x], ptr[x + 1]):
                y = idx[e]
                ly = level[y]
                if ly != 0 and (ly > 0) != forward:
                    total += sx * sigma[y]
                    if n_meet < capacity:
                        meet_a[n_meet] = x
                        meet_b[n_meet] = y
                        meet_w[n_meet] = total
                    n_meet += 1
        if n_meet:
            break
        new_start = end_q
        new_deg = 0
        for i in range(seg_start, seg_end):
            x = queue[i]
            next_level = level[x] + step
            sx = sigma[x]
            for e in range(ptr[x], ptr[x + 1]):
                y = idx[e]
                ly = level[y]
                if ly == 0:
                    level[y] = next_level
                    sigma[y] = sx
                    queue[end_q] = y
                    end_q += 1
                    new_deg += ptr[y + 1] - ptr[y]
                elif ly == next_level:
                    sigma[y] += sx
        if forward:
            f_start, f_end, f_deg = new_start, end_q, new_deg
        else:
            b_start, b_end, b_deg = new_start, end_q, new_deg
    if n_meet:
        state, draw = _splitmix64(state)
        threshold = draw * total
        a = -1
        b = -1
        if n_meet <= capacity:
            for i in range(n_meet):
                if meet_w[i] > threshold:
                    a = meet_a[i]
                    b = meet_b[i]
                    break
        else:
            acc = 0.0
            for i in range(seg_start, seg_end):
                x = queue[i]
                sx = sigma[x]
                for e in range(ptr[x], ptr[x + 1]):
                    y = idx[e]
                    if level[y] != 0 and (level[y] > 0) != forward:
                        acc += sx * sigma[y]
                        if acc > threshold:
                            a, b = x, y
                            break
                if a >= 0:
                    break
        if not forward:
            a, b = b, a
        # walk back from a to u over forward predecessors (in-edges), and
        # from b on to v over backward predecessors (out-edges)
        state = _walk_back(rindptr, rindices, a, u, 1, level, sigma, state, counts_row)
        state = _walk_back(indptr, indices, b, v, -1, level, sigma, state, counts_row)
    for i in range(end_q):
        level[queue[i]] = 0
    return state


@_jit()
def _sample_chunk(c, n_chunks, indptr, indices, lengths, rindptr, rindices, rlengths,
                  weighted, sources, targets, seeds, counts):
    """Samples ``c, c + n_chunks, ...``: for sample k, one shortest path from
    ``sources[k]`` to ``targets[k]`` chosen uniformly at random among all
    shortest paths (if any), and +1 in ``counts[c]`` for each of its
    interior nodes.

    Hop distances: a balanced bidirectional BFS
    (:func:`_bidirectional_sample`). Lengths: Dijkstra from the source until
    the target is settled, then the path is drawn backwards from the
    target, at node x the predecessor p with probability ``sigma[p] /
    sigma[x]`` (Riondato and Kornaropoulos 2016, Alg. 1).
    ``rindptr``/``rindices``/``rlengths`` are the reversed graph. Sample k
    draws its random numbers from its own splitmix64 stream seeded by
    ``seeds[k]``, and counts are integers, so the result is the same for any
    number of threads or chunks."""
    n = indptr.shape[0] - 1
    sigma = np.zeros(n)
    order = np.empty(n, np.int32)
    if not weighted:
        level = np.zeros(n, np.int32)
        meet_a = np.empty(_MEET_CAPACITY, np.int32)
        meet_b = np.empty(_MEET_CAPACITY, np.int32)
        meet_w = np.empty(_MEET_CAPACITY)
        for k in range(c, sources.shape[0], n_chunks):
            _bidirectional_sample(indptr, indices, rindptr, rindices, sources[k], targets[k],
                                  level, sigma, order, meet_a, meet_b, meet_w, seeds[k], counts[c])
        return
    dist = np.full(n, np.inf)
    heap = np.empty(n, np.int32)
    pos = np.full(n, -1, np.int32)
    for k in range(c, sources.shape[0], n_chunks):
        u = sources[k]
        v = targets[k]
        touched = _dijkstra(indptr, indices, lengths, u, v, dist, sigma, order, heap, pos)
        if dist[v] < np.inf:
            state = seeds[k]
            x = v
            while True:
                state, draw = _splitmix64(state)
                threshold = draw * sigma[x]
                dx = dist[x]
                acc = 0.0
                chosen = -1
                for e in range(rindptr[x], rindptr[x + 1]):
                    p = rindices[e]
                    if dist[p] + rlengths[e] == dx:
                        chosen = p
                        acc += sigma[p]
                        if acc > threshold:
                            break
                x = chosen
                if x == u:
                    break
                counts[c, x] += 1
        for i in range(touched):
            t = order[i]
            dist[t] = np.inf
            pos[t] = -1


@dual_kernel(kind=SEARCHES)
def _sample_kernel(n_chunks, indptr, indices, lengths, rindptr, rindices, rlengths,
                   weighted, sources, targets, seeds, counts):
    """All chunks of :func:`_sample_chunk` (in parallel in the parallel build)."""
    for c in prange(n_chunks):
        _sample_chunk(c, n_chunks, indptr, indices, lengths, rindptr, rindices, rlengths,
                      weighted, sources, targets, seeds, counts)


# ---------------------------------------------------------------------------
# vertex-diameter bound helpers


@_jit()
def _dag_longest_path(n_nodes, tails, heads, node_weight):
    """Largest total node weight on a path of a DAG given by edges
    ``tails[i] -> heads[i]`` (Kahn's topological order)."""
    indeg = np.zeros(n_nodes, np.int64)
    outdeg = np.zeros(n_nodes, np.int64)
    for i in range(tails.shape[0]):
        indeg[heads[i]] += 1
        outdeg[tails[i]] += 1
    start = np.zeros(n_nodes + 1, np.int64)
    for v in range(n_nodes):
        start[v + 1] = start[v] + outdeg[v]
    fill = start[:-1].copy()
    succ = np.empty(tails.shape[0], np.int64)
    for i in range(tails.shape[0]):
        succ[fill[tails[i]]] = heads[i]
        fill[tails[i]] += 1
    best = node_weight.copy()
    queue = np.empty(n_nodes, np.int64)
    tail = 0
    for v in range(n_nodes):
        if indeg[v] == 0:
            queue[tail] = v
            tail += 1
    head = 0
    longest = 0.0
    while head < tail:
        v = queue[head]
        head += 1
        if best[v] > longest:
            longest = best[v]
        for i in range(start[v], start[v + 1]):
            w = succ[i]
            if best[v] + node_weight[w] > best[w]:
                best[w] = best[v] + node_weight[w]
            indeg[w] -= 1
            if indeg[w] == 0:
                queue[tail] = w
                tail += 1
    return longest


# ---------------------------------------------------------------------------
# drivers: split the work into chunks, run them in parallel when worth it

# Chunks and the work threshold are those of the kind SEARCHES
# (netanalysis/_numba.py): a fixed number of chunks, so that partial sums are
# added in the same order whatever the number of threads.


def path_sums(indptr, indices, lengths, weighted, sources, src_weight, tgt_weight,
              *, bc: bool, dist: bool, reach: bool, rindptr=None, rindices=None):
    """One traversal per source (see :func:`_path_chunk`). Returns the arrays
    ``bc, dist_sum, n_reach, inv_dist_sum, in_reach, out_reach`` (length 0
    when not asked for). ``rindptr``/``rindices``, the in-edges, let hop
    distances alone be found by direction-optimising BFS."""
    if rindptr is None:
        rindptr = rindices = indptr[:0]
    n = indptr.shape[0] - 1
    n_chunks = SEARCHES.n_chunks(len(sources))
    bc_part = np.zeros((n_chunks, n if bc else 0))
    dist_parts = [np.zeros((n_chunks, n if dist else 0)) for _ in range(3)]
    inr_part = np.zeros((n_chunks, n if reach else 0))
    out_reach = np.zeros(n if reach else 0)
    args = (indptr, indices, lengths, weighted, sources, src_weight, tgt_weight,
            bc_part, *dist_parts, inr_part, out_reach, rindptr, rindices)
    _path_kernel(len(sources) * (indices.shape[0] + n), n_chunks, *args)
    sums = [part.sum(axis=0) for part in (bc_part, *dist_parts, inr_part)]
    return (*sums, out_reach)


def sample_counts(indptr, indices, lengths, rindptr, rindices, rlengths, weighted,
                  sources, targets, seeds) -> np.ndarray:
    """How many sampled shortest paths each node is interior to (see
    :func:`_sample_chunk`)."""
    n = indptr.shape[0] - 1
    n_chunks = SEARCHES.n_chunks(len(sources))
    counts = np.zeros((n_chunks, n), np.int64)
    args = (indptr, indices, lengths, rindptr, rindices, rlengths, weighted,
            sources, targets, seeds, counts)
    # a sampled search stops early: count a tenth of the graph per sample
    _sample_kernel(len(sources) * ((indices.shape[0] + n) // 10), n_chunks, *args)
    return counts.sum(axis=0)
