"""The interaction graph: a weighted sparse adjacency with member ids.

Every measure in netanalysis takes an :class:`InteractionGraph`. It holds

* ``adjacency``: a ``scipy.sparse.csr_array`` of shape ``(n, n)`` and dtype
  float64, where ``adjacency[i, j]`` is the weight of the edge ``i -> j``
  (row = source, column = target). Weights are interaction *strengths*: counts
  of replies, shared threads or messages, so larger means stronger. Path-based
  measures turn them into lengths themselves (see their ``distance`` option).
  The matrix has sorted indices, no explicit zeros and no duplicate entries.
* ``node_ids``: a :class:`pandas.Index` of the member id of each node, unique.
* ``directed``: whether ``i -> j`` and ``j -> i`` are different edges. An
  undirected graph stores each edge in both directions (a symmetric matrix).
* ``kind``, ``weight`` and ``meta``: what the graph is (``"reply"``,
  ``"coparticipation"``...), what its weights count, and figures recorded by
  the builder (for example how many self-replies were dropped).

Internally everything works on integer node indices ``0 .. n-1``; public
functions return pandas objects indexed by ``node_ids``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["InteractionGraph"]


def _canonical_csr(matrix, n: int) -> sp.csr_array:
    """Return a float64 CSR array with summed duplicates, sorted indices and
    no stored zeros; never shares memory with the argument."""
    csr = sp.csr_array(matrix, shape=(n, n), dtype=np.float64, copy=True)
    csr.sum_duplicates()
    csr.eliminate_zeros()
    csr.sort_indices()
    # int32 indices halve memory and are what the compiled kernels expect
    # while nnz fits; scipy picks int64 itself beyond that.
    if csr.nnz < np.iinfo(np.int32).max:
        csr.indices = csr.indices.astype(np.int32, copy=False)
        csr.indptr = csr.indptr.astype(np.int32, copy=False)
    for arr in (csr.data, csr.indices, csr.indptr):
        arr.flags.writeable = False
    return csr


@dataclass(frozen=True, eq=False)
class InteractionGraph:
    """A weighted interaction graph between forum members.

    Parameters
    ----------
    adjacency : sparse matrix or array, shape (n, n)
        ``adjacency[i, j]`` is the strength of the edge ``i -> j``. Converted
        to a read-only float64 CSR array with summed duplicates.
    node_ids : sequence
        The member id of each row/column; must be unique.
    directed : bool
        If False the matrix must be symmetric.
    kind : str
        What the graph was built from (``"reply"``, ``"coparticipation"``,
        ``"message"``, ``"combined"``, ``"edgelist"``...).
    weight : str
        What a weight counts, in words (``"replies"``, ``"shared threads"``).
    meta : mapping
        Figures recorded by the builder.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> g = InteractionGraph(sp.csr_array([[0, 2], [1, 0]]), ["ann", "bob"])
    >>> g.n_nodes, g.n_edges, g.total_weight
    (2, 2, 3.0)
    >>> g.edges()
      source target  weight
    0    ann    bob     2.0
    1    bob    ann     1.0
    """

    adjacency: sp.csr_array
    node_ids: pd.Index
    directed: bool = True
    kind: str = "custom"
    weight: str = "interactions"
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = pd.Index(self.node_ids)
        if not ids.is_unique:
            dup = ids[ids.duplicated()].unique()[:5].tolist()
            raise ValueError(f"node_ids must be unique; repeated: {dup}")
        n = len(ids)
        adj = self.adjacency
        if adj.shape != (n, n):
            raise ValueError(
                f"adjacency has shape {adj.shape} but there are {n} node ids"
            )
        csr = _canonical_csr(adj, n)
        if csr.nnz and not np.all(np.isfinite(csr.data)):
            raise ValueError("adjacency holds NaN or infinite weights")
        if csr.nnz and csr.data.min() < 0:
            raise ValueError("adjacency holds negative weights; weights are strengths")
        if not self.directed and (abs(csr - csr.T)).count_nonzero():
            raise ValueError("an undirected graph needs a symmetric adjacency")
        object.__setattr__(self, "adjacency", csr)
        object.__setattr__(self, "node_ids", ids)
        object.__setattr__(self, "directed", bool(self.directed))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    @classmethod
    def _from_canonical(cls, adjacency: sp.csr_array, node_ids: pd.Index, *, directed: bool, kind: str,
                        weight: str, meta: Mapping[str, Any]) -> "InteractionGraph":
        """Wrap a matrix that the caller built canonical, without copying it.

        For the builders of this package, whose matrices are float64 CSR
        with sorted indices, summed duplicates, no stored zeros, finite
        non-negative weights and, when undirected, symmetric by
        construction: the checks and the copy of the public constructor
        would double the peak memory of a large graph. The matrix is taken
        over (made read-only); the caller must not keep it.
        """
        ids = pd.Index(node_ids)
        n = len(ids)
        if adjacency.shape != (n, n) or adjacency.dtype != np.float64:
            raise AssertionError("a canonical adjacency is float64 and (n, n)")
        csr = sp.csr_array(adjacency, copy=False)
        if csr.nnz < np.iinfo(np.int32).max and csr.indices.dtype != np.int32:
            csr.indices = csr.indices.astype(np.int32)
            csr.indptr = csr.indptr.astype(np.int32)
        csr.sort_indices()  # a check only, when the caller sorted them
        for arr in (csr.data, csr.indices, csr.indptr):
            arr.flags.writeable = False
        graph = object.__new__(cls)
        object.__setattr__(graph, "adjacency", csr)
        object.__setattr__(graph, "node_ids", ids)
        object.__setattr__(graph, "directed", bool(directed))
        object.__setattr__(graph, "kind", kind)
        object.__setattr__(graph, "weight", weight)
        object.__setattr__(graph, "meta", MappingProxyType(dict(meta)))
        return graph

    # -- sizes -------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return self.adjacency.shape[0]

    @property
    def n_edges(self) -> int:
        """Number of edges; an undirected edge counts once, a self-loop once."""
        nnz = self.adjacency.nnz
        if self.directed:
            return nnz
        loops = int(np.count_nonzero(self.adjacency.diagonal()))
        return (nnz - loops) // 2 + loops

    @property
    def total_weight(self) -> float:
        """Sum of edge weights; an undirected edge counts once."""
        total = float(self.adjacency.data.sum())
        if self.directed:
            return total
        loops = float(self.adjacency.diagonal().sum())
        return (total - loops) / 2 + loops

    def __repr__(self) -> str:
        d = "directed" if self.directed else "undirected"
        return (
            f"<InteractionGraph {self.kind}: {d}, {self.n_nodes} nodes, "
            f"{self.n_edges} edges, weight = {self.weight}>"
        )

    # -- views ---------------------------------------------------------------
    def edges(self) -> pd.DataFrame:
        """The edges as a DataFrame ``source, target, weight`` (member ids).

        An undirected edge is listed once, with ``source <= target`` by node
        position."""
        coo = self.adjacency.tocoo()
        row, col, w = coo.row, coo.col, coo.data
        if not self.directed:
            keep = row <= col
            row, col, w = row[keep], col[keep], w[keep]
        return pd.DataFrame(
            {
                "source": self.node_ids.take(row),
                "target": self.node_ids.take(col),
                "weight": np.asarray(w, dtype=np.float64),
            }
        )

    def to_undirected(self) -> "InteractionGraph":
        """The undirected graph whose edge weight is ``w(i, j) + w(j, i)``."""
        if not self.directed:
            return self
        adj = self.adjacency + self.adjacency.T
        # A self-loop was counted twice by the sum above.
        adj = adj - sp.diags_array(self.adjacency.diagonal())
        return InteractionGraph(
            adj, self.node_ids, directed=False, kind=self.kind,
            weight=self.weight, meta={**self.meta, "symmetrised": True},
        )

    def subgraph(self, nodes) -> "InteractionGraph":
        """The graph induced by ``nodes`` (member ids, or a boolean mask)."""
        nodes = np.asarray(nodes)
        if nodes.dtype == bool:
            if nodes.shape != (self.n_nodes,):
                raise ValueError("a boolean mask needs one value per node")
            idx = np.flatnonzero(nodes)
        else:
            idx = self.node_ids.get_indexer(nodes)
            if (idx < 0).any():
                missing = np.asarray(nodes)[idx < 0][:5].tolist()
                raise KeyError(f"unknown member ids: {missing}")
        adj = self.adjacency[idx][:, idx]
        return InteractionGraph(
            adj, self.node_ids.take(idx), directed=self.directed,
            kind=self.kind, weight=self.weight, meta=dict(self.meta),
        )

    # -- converters (implemented in .convert) --------------------------------
    def to_networkx(self):
        """A networkx ``DiGraph`` or ``Graph`` with a ``weight`` edge attribute."""
        from .convert import to_networkx

        return to_networkx(self)

    def to_igraph(self):
        """An igraph ``Graph`` with vertex attribute ``name`` (the member id)
        and edge attribute ``weight``."""
        from .convert import to_igraph

        return to_igraph(self)

    @classmethod
    def from_networkx(cls, g, weight: str = "weight", **kwargs) -> "InteractionGraph":
        from .convert import from_networkx

        return from_networkx(g, weight=weight, **kwargs)

    @classmethod
    def from_igraph(cls, g, weight: str = "weight", **kwargs) -> "InteractionGraph":
        from .convert import from_igraph

        return from_igraph(g, weight=weight, **kwargs)

    @classmethod
    def from_edgelist(cls, df, **kwargs) -> "InteractionGraph":
        from .convert import from_edgelist

        return from_edgelist(df, **kwargs)
