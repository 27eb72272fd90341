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

import numpy as np
import scipy.sparse as sp
from numba import prange

from .._numba import TRIANGLES, jit

from ._linear import dual_kernel, transpose, unsigned

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
def _merge_rows(a_indptr, a_indices, a_data, t_indptr, t_indices, t_data):
    """The skeleton ``S`` as the row-wise merge of the sorted rows of ``A``
    and ``A.T``, the diagonal left out: its CSR, ``A[i, j]`` and ``A[j, i]``
    at each entry ``(i, j)``, and the position of ``(j, i)``."""
    n = a_indptr.shape[0] - 1
    s_indptr = np.zeros(n + 1, np.int64)
    for i in range(n):
        ka, ea = a_indptr[i], a_indptr[i + 1]
        kt, et = t_indptr[i], t_indptr[i + 1]
        count = 0
        while ka < ea or kt < et:
            ja = a_indices[ka] if ka < ea else n
            jt = t_indices[kt] if kt < et else n
            j = min(ja, jt)
            if ja == j:
                ka += 1
            if jt == j:
                kt += 1
            if j != i:
                count += 1
        s_indptr[i + 1] = s_indptr[i] + count
    nnz = s_indptr[n]
    s_indices = np.empty(nnz, a_indices.dtype)
    forward = np.zeros(nnz)
    backward = np.zeros(nnz)
    reverse = np.empty(nnz, np.int64)
    # Row j's entries (j, i) with i < j come first and in increasing i, the
    # order in which rows i reach them: one cursor per row pairs them up.
    cursor = s_indptr[:-1].copy()
    for i in range(n):
        ka, ea = a_indptr[i], a_indptr[i + 1]
        kt, et = t_indptr[i], t_indptr[i + 1]
        k = s_indptr[i]
        while ka < ea or kt < et:
            ja = a_indices[ka] if ka < ea else n
            jt = t_indices[kt] if kt < et else n
            j = min(ja, jt)
            fw = 0.0
            bw = 0.0
            if ja == j:
                fw = a_data[ka]
                ka += 1
            if jt == j:
                bw = t_data[kt]
                kt += 1
            if j == i:
                continue
            s_indices[k] = j
            forward[k] = fw
            backward[k] = bw
            if j > i:
                r = cursor[j]
                reverse[k] = r
                reverse[r] = k
                cursor[j] = r + 1
            k += 1
    return s_indptr, s_indices, forward, backward, reverse


@jit()
def _orient(s_indptr, s_indices, reverse, rank):
    """Each skeleton edge once, from its lower- to its higher-ranked end:
    out-lists in CSR with the positions in ``S`` of both directions."""
    n = s_indptr.shape[0] - 1
    o_indptr = np.zeros(n + 1, np.int64)
    for i in range(n):
        count = 0
        for k in range(s_indptr[i], s_indptr[i + 1]):
            if rank[i] < rank[s_indices[k]]:
                count += 1
        o_indptr[i + 1] = o_indptr[i] + count
    m = o_indptr[n]
    o_target = np.empty(m, s_indices.dtype)
    o_pos_fw = np.empty(m, np.int64)
    o_pos_bw = np.empty(m, np.int64)
    for i in range(n):
        p = o_indptr[i]
        for k in range(s_indptr[i], s_indptr[i + 1]):
            j = s_indices[k]
            if rank[i] < rank[j]:
                o_target[p] = j
                o_pos_fw[p] = k
                o_pos_bw[p] = reverse[k]
                p += 1
    return o_indptr, o_target, o_pos_fw, o_pos_bw


def skeleton(adj: sp.csr_array, symmetric: bool = False) -> Skeleton:
    """Build the :class:`Skeleton` of a (directed or symmetric) adjacency;
    ``symmetric=True`` says that ``adj`` equals its transpose (an undirected
    graph), which spares the transpose."""
    n = adj.shape[0]
    a = adj
    if a.nnz and not a.has_sorted_indices:
        a = a.sorted_indices()
    a_t = a if symmetric else transpose(a)
    indices_dtype = np.int32 if a.nnz < np.iinfo(np.int32).max else np.int64
    s_indptr, s_indices, forward, backward, reverse = _merge_rows(
        a.indptr, a.indices.astype(indices_dtype, copy=False), a.data.astype(np.float64, copy=False),
        a_t.indptr, a_t.indices.astype(indices_dtype, copy=False), a_t.data.astype(np.float64, copy=False))
    deg = np.diff(s_indptr)
    order = np.argsort(deg, kind="stable")  # ties by index
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    o_indptr, o_target, o_pos_fw, o_pos_bw = _orient(s_indptr, s_indices, reverse, rank)
    return Skeleton(indptr=s_indptr, indices=s_indices, forward=forward, backward=backward,
                    o_indptr=o_indptr, o_target=o_target, o_pos_fw=o_pos_fw, o_pos_bw=o_pos_bw)


@dual_kernel(kind=TRIANGLES)
def _triangle_kernel(n, o_indptr, o_target, o_pos_fw, o_pos_bw, b_cnt, b_w, w_sym,
                     p, q, n_slots, do_count, unit_count, do_wprod, do_barrat, do_holes, n_chunks):
    # One accumulator per chunk, chunk c taking nodes c, c + n_chunks, ...:
    # interleaving spreads the heavy nodes evenly. (numba.get_thread_id would
    # be simpler but crashes when the kernel is loaded from numba's cache.)
    node_acc = np.zeros((n_chunks, 4, n))
    edge_acc = np.zeros((n_chunks, n_slots if do_holes else 0))
    # plain triangle counts (the skeleton clustering) read no edge values
    count_only = do_count and unit_count and not (do_wprod or do_barrat or do_holes)
    mark = np.full((n_chunks, 0 if count_only else n), -1, dtype=np.int64)
    member = np.zeros((n_chunks, n if count_only else 0), dtype=np.uint8)
    for t in prange(n_chunks):
        for u in range(t, n, n_chunks):
            lo, hi = o_indptr[u], o_indptr[u + 1]
            if hi - lo < 2:
                continue
            if count_only:
                # Branch-free: whether w closes a triangle is data the CPU
                # cannot predict, and the mispredicted branch cost five
                # times the whole loop on the forum-a skeleton.
                for k in range(lo, hi):
                    member[t, o_target[k]] = 1
                for k in range(lo, hi):
                    v = o_target[k]
                    found = 0
                    for k2 in range(o_indptr[v], o_indptr[v + 1]):
                        w = o_target[k2]
                        hit = np.int64(member[t, w])
                        found += hit
                        node_acc[t, 0, w] += hit
                    node_acc[t, 0, u] += found
                    node_acc[t, 0, v] += found
                for k in range(lo, hi):
                    member[t, o_target[k]] = 0
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
                    if do_count:
                        c = 1.0 if unit_count else b_cnt[uv] * b_cnt[vw] * b_cnt[uw]
                        node_acc[t, 0, u] += c
                        node_acc[t, 0, v] += c
                        node_acc[t, 0, w] += c
                    if do_wprod:
                        c = b_w[uv] * b_w[vw] * b_w[uw]
                        node_acc[t, 1, u] += c
                        node_acc[t, 1, v] += c
                        node_acc[t, 1, w] += c
                    if do_barrat:
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


def triangle_sums(skel: Skeleton, *, count: bool = False, b_cnt=None, b_w=None, w_sym=None,
                  p=None, q=None):
    """Sums over the triangles of the skeleton, for each node ``i``:

    * ``cnt[i] = sum b_cnt(ij) b_cnt(jk) b_cnt(ki)`` over triangles
      ``{i, j, k}`` (the number of triangles when ``count`` is set and
      ``b_cnt`` not given); likewise ``wprod`` with ``b_w``;
    * ``barrat[i] = sum (w_sym(ij) + w_sym(ik))``;
    * ``redundancy[i] = sum_{j, k} p(ik) q(jk)`` over ordered pairs of
      adjacent neighbours;

    and for each skeleton entry ``(i, j)``: ``indirect[ij] = sum_k p(ik)
    p(kj)`` over common neighbours ``k``. Each sum is computed only when
    its values are given (all zeros otherwise): one pass, no work for sums
    nobody asked for.
    """
    do_count = count or b_cnt is not None
    do_holes = p is not None
    n = skel.n_nodes
    work = skel.indices.shape[0] + n
    # a fixed number of chunks (never the number of threads): the same bytes
    # for any number of threads
    n_chunks = TRIANGLES.chunks if work >= _triangle_kernel.min_work else 1
    node_acc, edge_acc = _triangle_kernel(
        work, n, unsigned(skel.o_indptr), unsigned(skel.o_target), skel.o_pos_fw, skel.o_pos_bw,
        _EMPTY if b_cnt is None else b_cnt, _EMPTY if b_w is None else b_w,
        _EMPTY if w_sym is None else w_sym, p if do_holes else _EMPTY,
        q if do_holes else _EMPTY, skel.indices.shape[0], do_count, b_cnt is None,
        b_w is not None, w_sym is not None, do_holes, n_chunks,
    )
    return {
        "cnt": node_acc[0], "wprod": node_acc[1], "barrat": node_acc[2],
        "redundancy": node_acc[3], "indirect": edge_acc,
    }
