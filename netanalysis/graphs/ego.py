"""Ego networks: a member and everyone within a few hops of them.

Also the one way member ids given by a person (on the command line, say)
are found among a graph's or a forum's ids (:func:`find_member`), used by
:func:`ego_network`, :func:`netanalysis.connection` and
:func:`netanalysis.member_profile` alike.
"""
from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .interaction_graph import InteractionGraph

__all__ = ["ego_network", "find_member", "UnknownMemberError"]

#: Text that spells an integer id (the rule of read_forum: digits with an
#: optional minus sign and no leading zero, optionally followed by ".0").
_INTEGER_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.0)?")


class UnknownMemberError(KeyError, ValueError):
    """A member id that is not in the forum or graph; the message names it
    and, when there is one, the closest id.

    Both a ``KeyError`` (an id not found) and a ``ValueError`` (a bad
    argument), so that either ``except`` catches it."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


def _as_id(member, ids: pd.Index):
    """``member`` in the id type of ``ids``: text that spells an integer is
    that integer when the ids are integers, and an integer is its text when
    the ids are text."""
    if pd.api.types.is_integer_dtype(ids.dtype):
        if isinstance(member, str) and _INTEGER_TEXT.fullmatch(member):
            return int(member.removesuffix(".0"))
        if isinstance(member, (float, np.floating)) and float(member).is_integer():
            return int(member)
        return member
    if isinstance(member, (int, np.integer)) and not isinstance(member, (bool, np.bool_)):
        return str(int(member))
    return member


def find_member(ids, member, *, what: str = "graph") -> int:
    """The position of ``member`` in ``ids`` (a graph's ``node_ids`` or a
    forum's ``member_index``).

    ``member`` may be given as text for integer ids (``"57"`` is 57) and as
    an integer for text ids. An id not found raises
    :class:`UnknownMemberError` naming it and the closest id there is
    (by spelling), e.g. ``unknown member '5x' (not in the graph); did you
    mean '57'?``.
    """
    ids = pd.Index(ids)
    key = _as_id(member, ids)
    try:
        pos = ids.get_indexer([key])[0]
    except (TypeError, ValueError):
        pos = -1
    if pos >= 0:
        return int(pos)
    text = str(member)
    close = difflib.get_close_matches(text, [str(i) for i in ids], n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise UnknownMemberError(f"unknown member {member!r} (not in the {what}){hint}")


def hop_distances(graph: InteractionGraph, source: int, limit: int | None = None) -> np.ndarray:
    """Hops from node ``source`` to every node in the undirected view of
    ``graph`` (an edge in either direction counts), ``inf`` where
    unreachable or further than ``limit``."""
    adj = graph.adjacency
    if graph.directed:
        adj = (adj + adj.T).tocsr()
    dist = np.full(graph.n_nodes, np.inf)
    dist[source] = 0
    frontier = np.array([source])
    pattern = sp.csr_array((np.ones(adj.nnz, dtype=np.int8), adj.indices, adj.indptr), shape=adj.shape)
    for hop in range(1, (graph.n_nodes if limit is None else limit) + 1):
        if not len(frontier):
            break
        reached = np.unique(pattern[frontier].indices)
        new = reached[np.isinf(dist[reached])]
        dist[new] = hop
        frontier = new
    return dist


def ego_network(graph: InteractionGraph, member, radius: int = 1) -> InteractionGraph:
    """The ego network of ``member``: the graph induced by every member
    within ``radius`` hops of them.

    Hops are counted on the undirected view of ``graph``: an edge in either
    direction (a reply given or received) is one hop, as networkx's
    ``ego_graph(G, member, radius, undirected=True)``; weights are ignored
    for the distance. The result keeps every edge of ``graph`` between the
    members it holds, with its direction and weight (an induced subgraph of
    the same kind), so it is directed when ``graph`` is. ``radius=0`` gives
    the member alone.

    Parameters
    ----------
    graph : InteractionGraph
    member : member id
        Also as text for integer ids (``"57"``).
    radius : int, default 1
        Hops, at least 0.

    Returns
    -------
    InteractionGraph
        Nodes in the order of ``graph``; ``meta`` adds ``ego`` (the member)
        and ``radius``.

    Raises
    ------
    UnknownMemberError
        (a ``KeyError`` and a ``ValueError``) when ``member`` is not a node
        of ``graph``, naming it and the closest id.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]),
    ...                      ["a", "b", "c", "d"])
    >>> list(ego_network(g, "b").node_ids), list(ego_network(g, "b", radius=2).node_ids)
    (['a', 'b', 'c'], ['a', 'b', 'c', 'd'])
    """
    if not isinstance(graph, InteractionGraph):
        raise TypeError(f"expected an InteractionGraph, got {type(graph).__name__}")
    if isinstance(radius, bool) or not isinstance(radius, (int, np.integer)) or radius < 0:
        raise ValueError(f"radius must be a whole number of at least 0, not {radius!r}")
    node = find_member(graph.node_ids, member)
    dist = hop_distances(graph, node, limit=int(radius))
    keep = np.flatnonzero(dist <= radius)
    adj = graph.adjacency[keep][:, keep]
    return InteractionGraph(adj, graph.node_ids.take(keep), directed=graph.directed, kind=graph.kind,
                            weight=graph.weight,
                            meta={**graph.meta, "ego": graph.node_ids[node], "radius": int(radius)})
