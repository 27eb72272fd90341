"""The private-message graph, and graphs that combine several edge layers."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from ..forum import Forum
from ._common import NODES_DOC, check_forum, graph_from_matrix, graph_from_pairs
from .interaction_graph import InteractionGraph

__all__ = ["message_graph", "combined_graph", "LAYERS"]

#: Layer names that :func:`combined_graph` builds itself (with default options).
LAYERS = ("reply", "coparticipation", "message")


def message_graph(forum: Forum, *, nodes="active") -> InteractionGraph:
    """The directed graph of private messages: sender -> recipient.

    The weight of the edge ``a -> b`` is the number of private messages
    that ``a`` sent to ``b``, ``a != b``. Messages to oneself are dropped
    and counted in ``meta["self_messages"]``.

    Parameters
    ----------
    forum : Forum
        From :func:`netanalysis.read_forum`; a forum without a
        ``messages`` table gives a graph without edges.
    {nodes_doc}
        The default ``"active"`` keeps members who messaged but never
        posted; ``"authors"`` would drop their messages.

    Returns
    -------
    InteractionGraph
        ``kind="message"``, ``weight="messages"``, directed. ``meta`` holds
        ``messages`` (rows of the table), ``self_messages``, ``nodes`` and
        ``weight_outside_nodes``.

    See Also
    --------
    reply_graph, combined_graph

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.forum import read_forum
    >>> posts = pd.DataFrame({"post_id": [1, 2], "thread_id": [1, 1],
    ...     "author_id": ["ann", "bob"],
    ...     "created_at": pd.to_datetime(["2013-01-01", "2013-01-02"])})
    >>> messages = pd.DataFrame({"message_id": [1, 2, 3],
    ...     "sender_id": ["ann", "ann", "dan"], "recipient_id": ["dan", "dan", "ann"],
    ...     "created_at": pd.to_datetime(["2013-01-03"] * 3)})
    >>> forum = read_forum({"posts": posts, "messages": messages})
    >>> g = message_graph(forum)
    >>> g.edges()
      source target  weight
    0    ann    dan     2.0
    1    dan    ann     1.0
    >>> list(g.node_ids)
    ['ann', 'bob', 'dan']
    """
    check_forum(forum)
    sender, recipient, _ = forum.message_arrays
    own = sender == recipient
    n_self = int(np.count_nonzero(own))
    if n_self:
        sender, recipient = sender[~own], recipient[~own]
    meta = {"messages": len(own), "self_messages": n_self}
    return graph_from_pairs(forum, sender, recipient, nodes, directed=True, kind="message",
                            weight="messages", meta=meta)


def _layer(forum: Forum, layer) -> InteractionGraph:
    if isinstance(layer, InteractionGraph):
        return layer
    if layer == "reply":
        from .reply import reply_graph

        return reply_graph(forum, nodes="members")
    if layer == "coparticipation":
        from .coparticipation import coparticipation_graph

        return coparticipation_graph(forum, nodes="members")
    if layer == "message":
        return message_graph(forum, nodes="members")
    raise ValueError(f"a layer is one of {LAYERS} or an InteractionGraph of this forum, not {layer!r}")


def _in_member_space(forum: Forum, graph: InteractionGraph, label: str) -> sp.csr_array:
    """``graph``'s adjacency re-indexed on all rows of ``forum.members``."""
    n = len(forum.member_index)
    rows = forum.member_index.get_indexer(graph.node_ids)
    if (rows < 0).any():
        missing = graph.node_ids[rows < 0][:5].tolist()
        raise KeyError(f"layer {label!r} has nodes that are not members of the forum: {missing}")
    coo = graph.adjacency.tocoo()
    return sp.csr_array((coo.data, (rows[coo.row], rows[coo.col])), shape=(n, n))


def _edge_jaccard(a: sp.csr_array, b: sp.csr_array) -> float:
    """Jaccard similarity of the sets of connected pairs, direction ignored."""
    a = (a + a.T).astype(bool)
    b = (b + b.T).astype(bool)
    both = a.multiply(b).nnz
    either = (a + b).nnz
    return float(both / either) if either else float("nan")


def combined_graph(forum: Forum, layers: Sequence = ("reply", "message"), weights=None, *,
                   nodes="active") -> InteractionGraph:
    """The sum of several interaction layers on one node set.

    ``adjacency = sum_k weights[k] * A_k`` where ``A_k`` is the adjacency of
    layer ``k`` re-indexed on the members of the forum.

    Public replies and private messages are different relations: on the
    same fora they overlap little (Gnielka et al. 2024), so a member central
    in one may be peripheral in the other, and each layer should be
    analysed on its own first. Combine them when the question is about any
    contact at all, and choose the scale of each layer deliberately (a
    private message may be worth more than a public reply, or less).
    ``meta["edge_jaccard"]`` reports how much the layers overlap.

    Parameters
    ----------
    forum : Forum
        From :func:`netanalysis.read_forum`.
    layers : sequence of str or InteractionGraph, default ("reply", "message")
        Each is a layer name, built with its builder's default options
        (``"reply"``: :func:`reply_graph`, ``"coparticipation"``:
        :func:`coparticipation_graph`, ``"message"``: :func:`message_graph`),
        or a graph already built from this forum (its node ids must be
        member ids), to choose other options.
    weights : sequence of float or mapping, optional
        The scale of each layer (same order as ``layers``), or a mapping
        from layer name (or kind, for a graph) to scale, missing names
        taking 1. Default: every layer 1. Scales must be non-negative.
    {nodes_doc}

    Returns
    -------
    InteractionGraph
        ``kind="combined"``. Directed if any layer is directed; an
        undirected layer then adds its weight in both directions. The
        weight counts ``"interactions"`` (of every layer, scaled).
        ``meta`` holds ``layers`` (the names or kinds), ``scales``,
        ``layer_weights`` (each layer's total weight before scaling),
        ``edge_jaccard`` (for each pair of layers, the Jaccard similarity of
        their connected pairs, direction ignored), ``nodes`` and
        ``weight_outside_nodes``.

    See Also
    --------
    reply_graph, message_graph, coparticipation_graph

    References
    ----------
    .. [1] Gnielka et al. (2024): public reply networks and private-message
       networks of the same fora overlap little.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.forum import read_forum
    >>> posts = pd.DataFrame({"post_id": [1, 2], "thread_id": [1, 1],
    ...     "author_id": ["ann", "bob"],
    ...     "created_at": pd.to_datetime(["2013-01-01", "2013-01-02"])})
    >>> messages = pd.DataFrame({"message_id": [1, 2],
    ...     "sender_id": ["ann", "bob"], "recipient_id": ["bob", "cy"],
    ...     "created_at": pd.to_datetime(["2013-01-03"] * 2)})
    >>> forum = read_forum({"posts": posts, "messages": messages})
    >>> g = combined_graph(forum, weights={"message": 2})
    >>> g.edges()
      source target  weight
    0    ann    bob     2.0
    1    bob    ann     1.0
    2    bob     cy     2.0
    >>> g.meta["edge_jaccard"]
    {'reply|message': 0.5}
    """
    check_forum(forum)
    if isinstance(layers, (str, InteractionGraph)):
        layers = (layers,)
    layers = list(layers)
    if not layers:
        raise ValueError("combined_graph needs at least one layer")
    graphs = [_layer(forum, layer) for layer in layers]
    labels = [layer if isinstance(layer, str) else layer.kind for layer in layers]
    if len(set(labels)) < len(labels):
        # Two layers of one kind (e.g. two reply graphs with different rules).
        labels = [f"{label}#{k}" for k, label in enumerate(labels)]

    if weights is None:
        scales = [1.0] * len(layers)
    elif isinstance(weights, Mapping):
        unknown = set(weights) - set(labels)
        if unknown:
            raise KeyError(f"weights for layers that are not combined: {sorted(unknown)}")
        scales = [float(weights.get(label, 1.0)) for label in labels]
    else:
        scales = [float(w) for w in weights]
        if len(scales) != len(layers):
            raise ValueError(f"{len(scales)} weights for {len(layers)} layers")
    if not all(np.isfinite(s) and s >= 0 for s in scales):
        raise ValueError("layer weights must be finite and non-negative")

    n = len(forum.member_index)
    matrices = [_in_member_space(forum, g, label) for g, label in zip(graphs, labels)]
    total = sp.csr_array((n, n), dtype=np.float64)
    for scale, matrix in zip(scales, matrices):
        total = total + scale * matrix
    total.sum_duplicates()
    total.eliminate_zeros()
    total.sort_indices()
    jaccard = {
        f"{labels[i]}|{labels[j]}": _edge_jaccard(matrices[i], matrices[j])
        for i in range(len(labels)) for j in range(i + 1, len(labels))
    }
    meta = {
        "layers": labels,
        "scales": dict(zip(labels, scales)),
        "layer_weights": {label: g.total_weight for label, g in zip(labels, graphs)},
        "edge_jaccard": jaccard,
    }
    directed = any(g.directed for g in graphs)
    return graph_from_matrix(forum, total, nodes, directed=directed, kind="combined",
                             weight="interactions", meta=meta)


message_graph.__doc__ = message_graph.__doc__.replace("{nodes_doc}", NODES_DOC)
combined_graph.__doc__ = combined_graph.__doc__.replace("{nodes_doc}", NODES_DOC)
