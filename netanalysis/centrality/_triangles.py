"""Triangle sums over the undirected skeleton of a graph.

Local clustering (all variants) and Burt's structural-hole measures are sums
over the triangles through a node or an edge. We list each triangle once with
the degree-ordered "forward" algorithm (Schank and Wagner 2005; Latapy 2008:
orient every edge from lower to higher degree, then intersect out-lists,
O(m^1.5)), in parallel over nodes with one accumulator per thread, and add
its contribution to its three nodes and six directed edge slots.

The skeleton ``S`` is the symmetric support of ``A + A.T`` without the
diagonal; values per edge are arrays aligned with ``S.data`` (position of
``(i, j)`` in ``S``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import scipy.sparse as sp
from numba import prange

from .._numba import jit

from ._linear import dual_kernel, transpose, unsigned, without_loops

__all__ = ["Skeleton", "skeleton", "triangle_sums"]


@dataclass(frozen=True)
class Skeleton:
    """The loop-free symmetric support of a graph, with the two directed
    weights of each of its entries and the degree-ordered orientation."""

    indptr: np.ndarray
    indices: np.ndarray
    forward: np.ndarray   # A[i, j] at the position of (i, j); 0 if absent
    backward: np.ndarray  # A[j, i] at the position of (i, j); 0 if absent
    o_indptr: np.ndarray  # oriented out-lists (lower rank -> higher rank)
    o_target: np.ndarray
    o_pos_fw: np.ndarray  # position in S of (u, v) for oriented edge u -> v
    o_pos_bw: np.ndarray  # position in S of (v, u)

    @property
    def n_nodes(self) -> int:
        return self.indptr.shape[0] - 1

    @property
    def degree(self) -> np.ndarray:
        """Number of distinct neighbours, self excluded."""
        return np.diff(self.indptr)

    def row_reduce(self, values: np.ndarray, ufunc=np.add) -> np.ndarray:
        """``ufunc``-reduction of an S-aligned array over each row (0 for an
        empty row)."""
        out = np.zeros(self.n_nodes)
        nonempty = np.flatnonzero(np.diff(self.indptr))
        if nonempty.size:
            out[nonempty] = ufunc.reduceat(values, self.indptr[nonempty])
        return out


@jit()
def _align(s_indptr, s_indices, a_indptr, a_indices, a_data, t_indptr, t_indices, t_data):
    """For each entry ``(i, j)`` of the skeleton ``S``: ``A[i, j]``,
    ``A[j, i]`` (merging the sorted rows of ``S``, ``A`` and ``A.T``) and the
    position of ``(j, i)`` in ``S``."""
    n = s_indptr.shape[0] - 1
    nnz = s_indices.shape[0]
    forward = np.zeros(nnz)
    backward = np.zeros(nnz)
    reverse = np.empty(nnz, dtype=np.int64)
    # Row j's entries (j, i) with i < j come first and in increasing i, the
    # order in which rows i reach them: one cursor per row pairs them up.
    cursor = s_indptr[:-1].astype(np.int64)
    for i in range(n):
        ka = a_indptr[i]
        kt = t_indptr[i]
        for k in range(s_indptr[i], s_indptr[i + 1]):
            j = s_indices[k]
            if ka < a_indptr[i + 1] and a_indices[ka] == j:
                forward[k] = a_data[ka]
                ka += 1
            if kt < t_indptr[i + 1] and t_indices[kt] == j:
                backward[k] = t_data[kt]
                kt += 1
            if j > i:
                r = cursor[j]
                reverse[k] = r
                reverse[r] = k
                cursor[j] = r + 1
    return forward, backward, reverse


def skeleton(adj: sp.csr_array) -> Skeleton:
    """Build the :class:`Skeleton` of a (directed or symmetric) adjacency."""
    n = adj.shape[0]
    a = without_loops(adj)
    a_t = transpose(a)
    s = (a + a_t).tocsr()
    s.sort_indices()
    forward, backward, reverse = _align(s.indptr, s.indices, a.indptr, a.indices, a.data,
                                        a_t.indptr, a_t.indices, a_t.data)
    s_rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(s.indptr))
    s_cols = s.indices.astype(np.int64)

    deg = np.diff(s.indptr)
    order = np.argsort(deg, kind="stable")  # ties by index
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    keep = np.flatnonzero(rank[s_rows] < rank[s_cols])
    o_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s_rows[keep], minlength=n), out=o_indptr[1:])
    index_type = np.int32 if s.nnz < np.iinfo(np.int32).max else np.int64
    return Skeleton(
        indptr=s.indptr.astype(np.int64),
        indices=s.indices.astype(index_type),
        forward=forward,
        backward=backward,
        o_indptr=o_indptr,
        o_target=s_cols[keep].astype(index_type),
        o_pos_fw=keep.astype(np.int64),
        o_pos_bw=reverse[keep].astype(np.int64),
    )


@dual_kernel
def _triangle_kernel(n, o_indptr, o_target, o_pos_fw, o_pos_bw, b_cnt, b_w, w_sym,
                     p, q, n_slots, do_clustering, do_holes, n_chunks):
    # One accumulator per chunk, chunk c taking nodes c, c + n_chunks, ...:
    # interleaving spreads the heavy nodes evenly. (numba.get_thread_id would
    # be simpler but crashes when the kernel is loaded from numba's cache.)
    node_acc = np.zeros((n_chunks, 4, n))
    edge_acc = np.zeros((n_chunks, n_slots if do_holes else 0))
    mark = np.full((n_chunks, n), -1, dtype=np.int64)
    for t in prange(n_chunks):
        for u in range(t, n, n_chunks):
            lo, hi = o_indptr[u], o_indptr[u + 1]
            if hi - lo < 2:
                continue
            for k in range(lo, hi):
                mark[t, o_target[k]] = k
            for k in range(lo, hi):
                v = o_target[k]
                uv = o_pos_fw[k]
                vu = o_pos_bw[k]
                for k2 in range(o_indptr[v], o_indptr[v + 1]):
                    w = o_target[k2]
                    k3 = mark[t, w]
                    if k3 < 0:
                        continue
                    vw = o_pos_fw[k2]
                    wv = o_pos_bw[k2]
                    uw = o_pos_fw[k3]
                    wu = o_pos_bw[k3]
                    if do_clustering:
                        c = b_cnt[uv] * b_cnt[vw] * b_cnt[uw]
                        node_acc[t, 0, u] += c
                        node_acc[t, 0, v] += c
                        node_acc[t, 0, w] += c
                        c = b_w[uv] * b_w[vw] * b_w[uw]
                        node_acc[t, 1, u] += c
                        node_acc[t, 1, v] += c
                        node_acc[t, 1, w] += c
                        node_acc[t, 2, u] += w_sym[uv] + w_sym[uw]
                        node_acc[t, 2, v] += w_sym[vu] + w_sym[vw]
                        node_acc[t, 2, w] += w_sym[wu] + w_sym[wv]
                    if do_holes:
                        node_acc[t, 3, u] += p[uw] * q[vw] + p[uv] * q[wv]
                        node_acc[t, 3, v] += p[vw] * q[uw] + p[vu] * q[wu]
                        node_acc[t, 3, w] += p[wv] * q[uv] + p[wu] * q[vu]
                        edge_acc[t, uv] += p[uw] * p[wv]
                        edge_acc[t, uw] += p[uv] * p[vw]
                        edge_acc[t, vu] += p[vw] * p[wu]
                        edge_acc[t, vw] += p[vu] * p[uw]
                        edge_acc[t, wu] += p[wv] * p[vu]
                        edge_acc[t, wv] += p[wu] * p[uv]
            for k in range(lo, hi):
                mark[t, o_target[k]] = -1
    node_sum = node_acc[0].copy()
    edge_sum = edge_acc[0].copy()
    for t in range(1, n_chunks):
        node_sum += node_acc[t]
        edge_sum += edge_acc[t]
    return node_sum, edge_sum


_EMPTY = np.zeros(0)


def triangle_sums(skel: Skeleton, *, b_cnt=None, b_w=None, w_sym=None, p=None, q=None):
    """Sums over the triangles of the skeleton, for each node ``i``:

    * ``cnt[i] = sum b_cnt(ij) b_cnt(jk) b_cnt(ki)`` over triangles
      ``{i, j, k}``; likewise ``wprod`` with ``b_w``;
    * ``barrat[i] = sum (w_sym(ij) + w_sym(ik))``;
    * ``redundancy[i] = sum_{j, k} p(ik) q(jk)`` over ordered pairs of
      adjacent neighbours;

    and for each skeleton entry ``(i, j)``: ``indirect[ij] = sum_k p(ik)
    p(kj)`` over common neighbours ``k``. Clustering sums are computed when
    ``b_cnt`` is given, structural-hole sums when ``p`` is given.
    """
    do_clustering = b_cnt is not None
    do_holes = p is not None
    n = skel.n_nodes
    work = skel.indices.shape[0] + n
    n_chunks = numba.get_num_threads() if work >= _triangle_kernel.min_work else 1
    node_acc, edge_acc = _triangle_kernel(
        work, n, unsigned(skel.o_indptr), unsigned(skel.o_target), skel.o_pos_fw, skel.o_pos_bw,
        b_cnt if do_clustering else _EMPTY, b_w if do_clustering else _EMPTY,
        w_sym if do_clustering else _EMPTY, p if do_holes else _EMPTY,
        q if do_holes else _EMPTY, skel.indices.shape[0], do_clustering, do_holes,
        n_chunks,
    )
    return {
        "cnt": node_acc[0], "wprod": node_acc[1], "barrat": node_acc[2],
        "redundancy": node_acc[3], "indirect": edge_acc,
    }
