"""Sparse linear-algebra helpers shared by the spectral measures.

Compiled sparse matrix-vector products over CSR arrays, the transposed
adjacency (CSR of ``A.T``, i.e. each node's in-edges), the spectral radius of
the adjacency and a test for directed cycles. Internal: the public measures
wrap these and return pandas objects.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numba import prange

from .._numba import SPARSE_PRODUCTS, TRIANGLES, DualKernel, dual_kernel, jit  # noqa: F401
from scipy.sparse import csgraph
from scipy.sparse import linalg as spla

__all__ = [
    "ConvergenceError",
    "dual_kernel",
    "PARALLEL_MIN_WORK",
    "transpose",
    "InEdges",
    "in_edges",
    "without_loops",
    "spmv",
    "row_dot",
    "has_cycle",
    "spectral_radius",
    "unsigned",
]


class ConvergenceError(RuntimeError):
    """An iterative measure did not reach its tolerance within ``max_iter``
    iterations (networkx raises ``PowerIterationFailedConvergence`` here)."""


# The thresholds live with the kernel kinds in netanalysis/_numba.py; these
# names are kept for the modules that import them from here.
PARALLEL_MIN_WORK = TRIANGLES.min_work
MEMORY_BOUND_MIN_WORK = SPARSE_PRODUCTS.min_work


def unsigned(index: np.ndarray) -> np.ndarray:
    """A zero-copy unsigned view of a non-negative index array: numba then
    skips its negative-index wraparound test on every gather ``x[index[k]]``
    (a quarter of the time of a sparse product)."""
    if index.dtype == np.int32:
        return index.view(np.uint32)
    if index.dtype == np.int64:
        return index.view(np.uint64)
    return index


def _narrow(csr: sp.csr_array) -> sp.csr_array:
    """int32 indices when they fit, as the graph's own adjacency has."""
    if csr.nnz < np.iinfo(np.int32).max:
        csr.indices = csr.indices.astype(np.int32, copy=False)
        csr.indptr = csr.indptr.astype(np.int32, copy=False)
    return csr


def transpose(adj: sp.csr_array) -> sp.csr_array:
    """CSR of ``adj.T``: row ``j`` lists the in-edges ``i -> j`` of ``j``,
    with sorted indices."""
    t = sp.csr_array(adj.T)  # csc -> csr conversion sorts the indices
    t.sort_indices()
    return _narrow(t)


@dataclass(frozen=True)
class InEdges:
    """Every node's in-edges as one CSR, its rows in descending in-degree.

    Row ``r`` holds the in-edges of node ``order[r]``, and the nodes are
    renumbered to match: a column is the row of the edge's tail, so a
    product ``y = M x`` runs entirely in the new numbering (vectors in and
    out through :meth:`to_rows` and :meth:`to_nodes`).

    Why: a sparse product spends its time on the branch that ends each row
    and on the gathers ``x[indices[k]]``. With rows in degree order,
    consecutive rows have the same length, so the loop exit is predicted,
    and the heavily gathered high-degree nodes sit together at the front of
    ``x``. On 100,000-node graphs of a million edges (a forum reply graph,
    a random geometric graph) a PageRank iteration took 2.4-2.8 times less
    time this way than over the plain transpose (1.86 -> 0.67 ms and 1.27
    -> 0.53 ms), and building it costs about what scipy's transpose did
    (6-8 ms). Ties keep node order,
    so the layout, and every result computed on it, is a function of the
    graph alone.
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    order: np.ndarray

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1])

    def to_rows(self, values: np.ndarray) -> np.ndarray:
        """A node-indexed vector in row order."""
        return np.ascontiguousarray(values[self.order])

    def to_nodes(self, values: np.ndarray) -> np.ndarray:
        """A row-ordered vector back in node order."""
        out = np.empty_like(values)
        out[self.order] = values
        return out


@jit()
def _in_edges_by_degree(indptr, indices, data, n):
    nnz = indptr[n]
    in_deg = np.zeros(n, np.int64)
    for k in range(nnz):
        in_deg[indices[k]] += 1
    max_deg = 0
    for v in range(n):
        max_deg = max(max_deg, in_deg[v])
    # counting sort by descending in-degree, stable in the node index
    start = np.zeros(max_deg + 2, np.int64)
    for v in range(n):
        start[max_deg - in_deg[v] + 1] += 1
    for d in range(max_deg + 1):
        start[d + 1] += start[d]
    order = np.empty(n, indices.dtype)
    rank = np.empty(n, indices.dtype)
    for v in range(n):
        b = max_deg - in_deg[v]
        r = start[b]
        start[b] = r + 1
        order[r] = v
        rank[v] = r
    new_indptr = np.empty(n + 1, indptr.dtype)
    new_indptr[0] = 0
    for r in range(n):
        new_indptr[r + 1] = new_indptr[r] + in_deg[order[r]]
    # next free slot of each head's row, indexed by the head's node index
    fill = in_deg
    for v in range(n):
        fill[v] = new_indptr[rank[v]]
    new_indices = np.empty(nnz, indices.dtype)
    new_data = np.empty(nnz, data.dtype)
    # tails in node order: reads stay sequential; within a row the columns
    # come in the tails' node order (not sorted), which no product minds
    for u in range(n):
        a = rank[u]
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            p = fill[v]
            new_indices[p] = a
            new_data[p] = data[k]
            fill[v] = p + 1
    return new_indptr, new_indices, new_data, order


def in_edges(adj: sp.csr_array) -> InEdges:
    """The :class:`InEdges` of a square CSR adjacency (row ``i`` the
    out-edges of ``i``)."""
    indptr, indices = adj.indptr, adj.indices
    if adj.nnz < np.iinfo(np.int32).max:
        indptr, indices = indptr.astype(np.int32, copy=False), indices.astype(np.int32, copy=False)
    return InEdges(*_in_edges_by_degree(indptr, indices, np.asarray(adj.data, dtype=np.float64),
                                        adj.shape[0]))


def without_loops(adj: sp.csr_array) -> sp.csr_array:
    """``adj`` with its diagonal removed (the same object if it has none)."""
    if not adj.diagonal().any():
        return adj
    coo = adj.tocoo()
    keep = coo.row != coo.col
    out = sp.csr_array(
        (coo.data[keep], (coo.row[keep], coo.col[keep])), shape=adj.shape
    )
    out.sort_indices()
    return _narrow(out)


@jit(inline=True)
def row_dot(indptr, indices, data, weighted, x, j):
    """``sum_k data[k] * x[indices[k]]`` over row ``j`` of a CSR (all stored
    weights 1 if not ``weighted``).

    Four running sums instead of one: a single sum makes every product wait
    for the previous addition (four cycles each), which, not memory, bound
    the sparse products on forum graphs small enough to sit in cache (the
    forum-a reply graph: 0.146 ms against 0.087 ms per product). The order of
    additions is fixed, so results are the same bytes on every machine,
    which a fast-math reduction would not promise.

    Inlined into its callers (see :func:`netanalysis._numba.jit`). Numba's
    disk cache does not notice when an inlined callee changes: after editing
    this function, clear ``__pycache__`` of this package.
    """
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    k = indptr[j]
    end = indptr[j + 1]
    if weighted:
        while k + 4 <= end:
            s0 += data[k] * x[indices[k]]
            s1 += data[k + 1] * x[indices[k + 1]]
            s2 += data[k + 2] * x[indices[k + 2]]
            s3 += data[k + 3] * x[indices[k + 3]]
            k += 4
        while k < end:
            s0 += data[k] * x[indices[k]]
            k += 1
    else:
        while k + 4 <= end:
            s0 += x[indices[k]]
            s1 += x[indices[k + 1]]
            s2 += x[indices[k + 2]]
            s3 += x[indices[k + 3]]
            k += 4
        while k < end:
            s0 += x[indices[k]]
            k += 1
    return (s0 + s1) + (s2 + s3)


@dual_kernel(kind=SPARSE_PRODUCTS)
def _spmv_kernel(indptr, indices, data, weighted, x, out):
    for i in prange(out.shape[0]):
        out[i] = row_dot(indptr, indices, data, weighted, x, i)
    # summed in row order after the parallel loop: the same bytes for any
    # number of threads (a prange reduction adds per-thread partial sums)
    total = 0.0
    for i in range(out.shape[0]):
        total += out[i]
    return total


def spmv(csr: sp.csr_array, x: np.ndarray, out: np.ndarray, weighted: bool = True) -> float:
    """``out = csr @ x`` (all stored weights 1 if not ``weighted``), in
    parallel over rows; returns ``out.sum()``."""
    return _spmv_kernel(csr.nnz + csr.shape[0], unsigned(csr.indptr), unsigned(csr.indices),
                        csr.data, weighted, x, out)


def has_cycle(adj: sp.csr_array, directed: bool) -> bool:
    """Whether the graph has a cycle (a self-loop counts), i.e. whether the
    spectral radius of its adjacency is positive."""
    if adj.nnz == 0:
        return False
    if not directed or adj.diagonal().any():
        return True
    n_comp, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    return n_comp < adj.shape[0]


def _cyclic_part(adj: sp.csr_array) -> sp.csr_array:
    """The submatrix on nodes lying in a non-trivial strongly connected
    component or carrying a self-loop. A non-negative matrix is
    block-triangular over its strong components, so its spectral radius is
    the largest over these blocks and the acyclic rest contributes 0."""
    _, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    sizes = np.bincount(labels)
    keep = (sizes[labels] > 1) | (adj.diagonal() != 0)
    idx = np.flatnonzero(keep)
    return adj[idx][:, idx]


def spectral_radius(adj: sp.csr_array, directed: bool, weighted: bool = True) -> float:
    """The spectral radius ``lambda_max`` of the (weighted) adjacency.

    For a non-negative matrix it is the Perron eigenvalue, real and
    non-negative; it is 0 exactly when the graph has no cycle. Computed with
    ARPACK (Lanczos for undirected graphs, Arnoldi on the cyclic part of a
    directed one) from the all-ones start vector, so the result is
    deterministic.
    """
    if not weighted:
        adj = sp.csr_array((np.ones_like(adj.data), adj.indices, adj.indptr), shape=adj.shape)
    if not has_cycle(adj, directed):
        return 0.0
    if directed:
        adj = _cyclic_part(adj)
    n = adj.shape[0]
    if n <= 8:
        # ARPACK needs k < n - 1; a tiny block is cheaper densely anyway.
        return float(np.max(np.abs(np.linalg.eigvals(adj.toarray()))))
    v0 = np.ones(n)
    try:
        if directed:
            vals = spla.eigs(adj, k=1, which="LR", v0=v0, tol=1e-10, maxiter=100 * n)[0]
        else:
            vals = spla.eigsh(adj, k=1, which="LA", v0=v0, tol=1e-10, maxiter=100 * n)[0]
    except spla.ArpackNoConvergence as exc:  # pragma: no cover - defensive
        raise ConvergenceError("ARPACK did not find the spectral radius") from exc
    return float(np.abs(vals[0]))
