"""Shortest-path betweenness centrality (Brandes 2001), exact, with networkx's
options: endpoints, subsets of sources and targets, and k sampled sources."""
from __future__ import annotations

import random
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from ..graphs import InteractionGraph
from ._common import as_series
from ._paths import betweenness_values

__all__ = ["betweenness"]


def betweenness(
    graph: InteractionGraph,
    *,
    distance: str | Callable = "hops",
    normalized: bool = True,
    prune: bool = True,
    endpoints: bool = False,
    sources: Iterable | None = None,
    targets: Iterable | None = None,
    k: int | None = None,
    seed: int | np.random.Generator | random.Random | None = 0,
) -> pd.Series:
    r"""Shortest-path betweenness centrality of every member.

    .. math::

        c_B(v) = \sum_{s \in S,\ t \in T,\ s \ne t} \frac{\sigma(s, t \mid v)}{\sigma(s, t)}

    where :math:`\sigma(s, t)` is the number of shortest paths from s to t
    and :math:`\sigma(s, t \mid v)` the number of those through v. The sum
    runs over ordered pairs of distinct nodes with t reachable from s, s
    among the sources S and t among the targets T (all nodes by default).
    By default the endpoints of a path are not counted
    (:math:`\sigma(s, t \mid v) = 0` for :math:`v \in \{s, t\}`, networkx's
    ``endpoints=False``); with ``endpoints=True``,
    :math:`\sigma(s, t \mid s) = \sigma(s, t \mid t) = \sigma(s, t)`, so
    that v also scores each target it reaches as a source and each source
    reaching it as a target.

    The options follow networkx: ``endpoints`` and ``k``/``seed`` those of
    ``betweenness_centrality``, ``sources``/``targets`` those of
    ``betweenness_centrality_subset``.

    Parameters
    ----------
    graph : InteractionGraph
        Directed graphs follow edge direction (``i -> j`` = row i, column j);
        undirected graphs count each unordered pair once. An
        InteractionGraph has no parallel edges: a multigraph's are summed
        into one weight when it is built, or combined as networkx does for
        distances with ``multiedges="min"`` (see Notes).
    distance : {"hops", "inverse"} or callable, default "hops"
        How a weight (a strength) becomes a length: ``"hops"`` ignores
        weights (breadth-first search), ``"inverse"`` uses ``1 / weight``
        (Dijkstra), a callable maps the array of weights to positive lengths
        (``lambda w: w`` reads weights as lengths, as networkx's
        ``weight="weight"`` does). Paths tie when their lengths, summed edge
        by edge as floats, are equal, as in networkx; lengths that are not
        exact binary fractions can make two mathematically equal paths
        differ in the last bit.
    normalized : bool, default True
        networkx's normalisation: with :math:`N = n - 1` (:math:`N = n`
        with endpoints) and K sources (:math:`K = N` when all nodes are
        sources, also for a subset), divide by :math:`K (N - 1)`; otherwise
        multiply by :math:`N / K`, so that directed values are sums over
        ordered pairs, and halve undirected ones (sums over unordered
        pairs). Without endpoints and all sources this is :math:`(n-1)(n-2)`
        ordered pairs, the number that can have an interior node. Nothing
        is scaled when :math:`N < 2`. n counts every node, isolated ones
        too. A subset is scaled as the full sum is (networkx's convention,
        so that ``sources = targets = all`` gives the full value); note
        that networkx's ``betweenness_centrality_subset`` defaults to
        ``normalized=False``.
    prune : bool, default True
        Fold leaves away before the traversals (exact; only speed changes).
        Undirected graphs fold every hanging tree; directed graphs fold
        one round of nodes with a single neighbour. See Notes. Used for
        all sources and targets only.
    endpoints : bool, default False
        Count the endpoints of each path (see above).
    sources, targets : iterable of member ids, optional
        Restrict the pairs to sources in ``sources`` and targets in
        ``targets`` (each default: all members). A target listed twice
        counts once; a source listed twice counts twice, as in networkx.
    k : int, optional
        networkx's estimator: ``k`` sources drawn uniformly without
        replacement, every target, the sum rescaled to all sources. A
        sampled node cannot be the source of a pair it is interior to, so
        without endpoints it is rescaled by ``K - 1`` sources instead of K
        (NaN when ``k = 1``; networkx's convention since 3.5). ``k = n`` is
        the exact value. Not combined with ``sources`` or ``targets``. For
        an error bound on every member, see
        :func:`~netanalysis.approximate_betweenness`.
    seed : int, numpy.random.Generator, random.Random or None, default 0
        The sample of ``k``. An int draws
        ``random.Random(seed).sample(range(n), k)``, the sources networkx
        draws for the same seed on a graph with the same node order.

    Returns
    -------
    pandas.Series
        Float values indexed by member id, named ``"betweenness"``. With
        ``k`` sampling, ``attrs["sampled_sources"]`` lists the sources.

    Raises
    ------
    KeyError
        A source or target is not a member.
    ValueError
        ``k`` is not in ``[1, n]``, or is combined with sources or targets.

    Notes
    -----
    One breadth-first search (or Dijkstra with a binary heap) per source, in
    parallel over chunks of sources, with Brandes' dependency accumulation:
    :math:`O(nm)` time unweighted, :math:`O(nm + n^2 \log n)` weighted,
    :math:`O(n + m)` memory per thread; with a set S of sources (given or
    ``k`` sampled) :math:`|S|` traversals instead of n. A source only visits its own component; isolated nodes
    are not sources. Targets and repeated sources are node weights in the
    accumulation (Brandes 2008); endpoints add, per source, the number of
    targets it reaches and, per target, the number of sources reaching it,
    recorded by the same traversals.

    Leaves are exact shortcuts: a node with one neighbour is never interior
    to a shortest path, and every path from it leaves through that neighbour.
    Folded nodes become node weights in the remaining graph, and the pairs
    they add through their neighbour are counted in closed form (Baglioni et
    al. 2012 for the undirected case).

    Multigraphs: networkx takes the shortest of parallel edges as the
    length between two nodes. Build the graph with
    ``from_networkx(G, multiedges="min")`` (or ``from_edgelist``) and use
    ``distance=lambda w: w`` to read weights as networkx does; with
    ``distance="inverse"`` the shortest parallel edge is the strongest one,
    ``multiedges="max"``. The default sums parallel edges (a weight counts
    interactions).

    References
    ----------
    U. Brandes, "A faster algorithm for betweenness centrality", Journal of
    Mathematical Sociology 25(2):163-177, 2001.

    U. Brandes, "On variants of shortest-path betweenness centrality and
    their generic computation", Social Networks 30(2):136-145, 2008.

    U. Brandes, C. Pich, "Centrality estimation in large networks",
    International Journal of Bifurcation and Chaos 17(7):2303-2318, 2007.

    M. Baglioni, F. Geraci, M. Pellegrini, E. Lastres, "Fast exact
    computation of betweenness centrality in social networks", ASONAM 2012.

    Examples
    --------
    A reply chain a -> b -> c: only b is between two members.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 0], [0, 0, 1], [0, 0, 0]]),
    ...                      ["a", "b", "c"])
    >>> betweenness(g)
    a    0.0
    b    0.5
    c    0.0
    Name: betweenness, dtype: float64
    >>> betweenness(g, normalized=False)["b"]
    np.float64(1.0)

    With endpoints, a reaches b and c, b reaches c and is reached by a,
    and lies inside a -> c: 2, 3 and 2 of :math:`n (n - 1) = 6` pairs.

    >>> betweenness(g, endpoints=True).round(4).tolist()
    [0.3333, 0.5, 0.3333]

    Only paths from a to c:

    >>> betweenness(g, sources=["a"], targets=["c"], normalized=False).tolist()
    [0.0, 1.0, 0.0]
    """
    values, sampled = betweenness_values(
        graph, distance=distance, normalized=normalized, prune=prune, endpoints=endpoints,
        sources=sources, targets=targets, k=k, seed=seed,
    )
    result = as_series(graph, values, "betweenness")
    if sampled is not None:
        result.attrs["sampled_sources"] = graph.node_ids[sampled].tolist()
    return result
