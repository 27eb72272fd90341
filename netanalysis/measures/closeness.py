"""Closeness and harmonic centrality (incoming distances, as networkx)."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from ..graphs import InteractionGraph
from ._common import as_series
from ._paths import path_measures

__all__ = ["closeness", "harmonic"]


def closeness(
    graph: InteractionGraph,
    *,
    distance: str | Callable = "hops",
    wf_improved: bool = True,
) -> pd.Series:
    r"""Closeness centrality of every member, with the Wasserman-Faust
    correction for disconnected graphs.

    .. math::

        C(u) = \frac{r(u)}{n - 1} \cdot \frac{r(u)}{\sum_{v \in R(u)} d(v, u)}

    where :math:`R(u)` is the set of the :math:`r(u)` other nodes that can
    reach u and :math:`d(v, u)` the length of a shortest path from v to u.
    A node that no other node reaches has closeness 0.

    Parameters
    ----------
    graph : InteractionGraph
        On a directed graph distances are *incoming* (``d(v, u)``, paths that
        end at u), as networkx's ``closeness_centrality``; for the outgoing
        version pass a graph with reversed edges.
    distance : {"hops", "inverse"} or callable, default "hops"
        How a weight (a strength) becomes a length: ``"hops"`` ignores
        weights, ``"inverse"`` uses ``1 / weight``, a callable maps the array
        of weights to positive lengths.
    wf_improved : bool, default True
        Multiply by :math:`r(u) / (n - 1)`, the share of the graph that
        reaches u (Wasserman and Faust 1994), so that members of small
        components do not score as high as central members of large ones.
        With False this is :math:`r(u) / \sum d(v, u)`.

    Returns
    -------
    pandas.Series
        Float values in [0, 1] (for hops) indexed by member id, named
        ``"closeness"``.

    References
    ----------
    L. C. Freeman, "Centrality in social networks: conceptual
    clarification", Social Networks 1(3):215-239, 1979.

    S. Wasserman and K. Faust, *Social Network Analysis: Methods and
    Applications*, Cambridge University Press, 1994.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]),
    ...                      ["a", "b", "c"], directed=False)
    >>> closeness(g)
    a    0.666667
    b    1.000000
    c    0.666667
    Name: closeness, dtype: float64
    """
    values = path_measures(
        graph, ("closeness",), distance=distance, wf_improved=wf_improved
    )["closeness"]
    return as_series(graph, values, "closeness")


def harmonic(
    graph: InteractionGraph,
    *,
    distance: str | Callable = "hops",
    normalized: bool = False,
) -> pd.Series:
    r"""Harmonic centrality of every member.

    .. math::

        H(u) = \sum_{v \ne u} \frac{1}{d(v, u)}

    with :math:`1/\infty = 0` for a node v that cannot reach u. Unlike
    closeness it needs no correction for disconnected graphs.

    Parameters
    ----------
    graph : InteractionGraph
        On a directed graph distances are *incoming* (paths that end at u),
        as networkx's ``harmonic_centrality``.
    distance : {"hops", "inverse"} or callable, default "hops"
        How a weight (a strength) becomes a length (see :func:`closeness`).
    normalized : bool, default False
        Divide by :math:`n - 1` (then values lie in [0, 1] for hops).
        False gives networkx's definition.

    Returns
    -------
    pandas.Series
        Float values indexed by member id, named ``"harmonic"``.

    References
    ----------
    M. Marchiori and V. Latora, "Harmony in the small-world", Physica A
    285(3-4):539-546, 2000.

    P. Boldi and S. Vigna, "Axioms for centrality", Internet Mathematics
    10(3-4):222-262, 2014.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]),
    ...                      ["a", "b", "c"], directed=False)
    >>> harmonic(g)
    a    1.5
    b    2.0
    c    1.5
    Name: harmonic, dtype: float64
    """
    values = path_measures(graph, ("harmonic",), distance=distance)["harmonic"]
    if normalized and graph.n_nodes > 1:
        values = values / (graph.n_nodes - 1)
    return as_series(graph, values, "harmonic")
