r"""The elite: the forum's inner circle as a measured object.

Three readings of "the inner circle", on the graph read as undirected and
unweighted (a directed graph is symmetrised, ``i`` and ``j`` are neighbours
when either replied to the other; self-loops are ignored; the degree
:math:`k_i` is the number of distinct neighbours):

Rich club
    The rich-club coefficient (Zhou & Mondragon 2004; Colizza et al. 2006)

    .. math::

        \phi(k) = \frac{2 E_{>k}}{N_{>k} (N_{>k} - 1)}

    where :math:`N_{>k}` is the number of members of degree greater than
    :math:`k` and :math:`E_{>k}` the number of edges among them; defined for
    :math:`N_{>k} \ge 2` (networkx's ``rich_club_coefficient(G,
    normalized=False)``). Since high-degree members are more likely to be
    linked by chance, it is normalised by the same coefficient in random
    graphs with the same degrees: :math:`\rho(k) = \phi(k) /
    \langle\phi_{\mathrm{rand}}(k)\rangle`, the mean over ``n_null``
    graphs, each obtained by ``swaps_per_edge * m`` double-edge swap trials
    (no self-loops or multiple edges are created; each trial picks two
    edges ``a-b, c-d``, the second read either way round, and rewires them
    to ``a-d, c-b`` if those are new: the chain of igraph's
    ``Graph.rewire(allowed_edge_types="simple")``, compiled with its own
    seeded generator in ``netanalysis.measures._swaps``). The spread is the standard deviation of
    :math:`\phi_{\mathrm{rand}}(k)` over the null graphs (``ddof=1``), and
    :math:`z(k) = (\phi - \langle\phi_{\mathrm{rand}}\rangle) / \mathrm{sd}`.
    :math:`\rho(k) > 1` means that the members of degree above :math:`k`
    are more tightly linked than their degrees alone explain.

    The *peak degree* :math:`k^*` is the :math:`k` of largest :math:`\rho(k)`
    among those with :math:`N_{>k} \ge` ``min_size`` and a positive null
    mean (the smallest such :math:`k` on a tie); the *rich club* is the set
    of members of degree greater than :math:`k^*` when :math:`\rho(k^*) > 1`,
    and empty otherwise (no rich-club ordering beyond what the degrees
    force). Small clubs are left out because :math:`\rho` of two or three
    hubs is mostly noise.

Innermost core
    The k-core of largest :math:`k` (:func:`netanalysis.measures.coreness`
    of the undirected graph): every member has at least :math:`k` neighbours
    inside it.

Management community
    When the members' roles are given, the consensus community
    (:func:`netanalysis.measures.communities`) holding the most admins and
    moderators (the smallest label, i.e. the largest community, on a tie).

The *elite* is the union of the innermost core and the rich club; the
members table says who is in which, and, when a forum is given, since when
(their first post).

Null graph ``i`` is seeded by the first word of
``numpy.random.SeedSequence([seed, i])`` (SplitMix64, no global random
state is used); the graphs are rewired in parallel above the threshold of
:data:`netanalysis._numba.SEARCHES`, with the same results for any number
of threads.

References
----------
Zhou, S., Mondragon, R. J. (2004). The rich-club phenomenon in the Internet
topology. IEEE Communications Letters 8(3), 180-182.
Colizza, V., Flammini, A., Serrano, M. A., Vespignani, A. (2006). Detecting
rich-club ordering in complex networks. Nature Physics 2, 110-115.
Maslov, S., Sneppen, K. (2002). Specificity and stability in topology of
protein networks. Science 296, 910-913 (degree-preserving randomisation).
Seidman, S. B. (1983). Network structure and minimum degree. Social
Networks 5(3), 269-287.
Fonhof, K., van der Bruggen, M., Takes, F. W. (2019). Characterizing key
players in child exploitation networks on the dark net. Complex Networks
and Their Applications VII (the active elite of a forum).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..graphs import InteractionGraph
from .communities import MANAGEMENT_ROLES, Communities, _upper_edges, communities, symmetric_adjacency
from .coreness import coreness_array

__all__ = ["elite", "Elite", "rich_club_coefficient"]


@dataclass(frozen=True, eq=False)
class Elite:
    r"""Result of :func:`elite`.

    Attributes
    ----------
    rich_club : DataFrame
        Indexed by degree ``k`` (every ``k`` with :math:`N_{>k} \ge 2`):
        ``n_members`` (:math:`N_{>k}`), ``n_edges`` (:math:`E_{>k}`),
        ``coefficient`` (:math:`\phi(k)`), ``null_mean``, ``null_std``,
        ``normalized`` (:math:`\rho(k)`, NaN when the null mean is 0) and
        ``z``.
    peak_degree : int or None
        :math:`k^*`; None when no ``k`` qualifies (fewer than ``min_size``
        members of positive degree...).
    peak_normalized : float
        :math:`\rho(k^*)` (NaN without a peak).
    rich_club_members : Index
        Members of degree greater than :math:`k^*`, in node order; empty
        when :math:`\rho(k^*) \le 1`.
    core_number : int
        The largest k of a non-empty k-core.
    core_members : Index
        Members of the innermost core, in node order.
    members : DataFrame
        The elite (innermost core and rich club), indexed by member id,
        by decreasing degree (node order on ties): ``degree``,
        ``coreness``, ``in_core``, ``in_rich_club``; with roles also
        ``role``, ``community`` and ``in_management_community``; with a
        forum also ``n_posts``, ``first_post`` (since when) and
        ``last_post``.
    management_community : int or None
        Label of the community holding most admins and moderators (None
        without roles, or when no member has a management role).
    management : DataFrame or None
        With roles: one row per community holding managers (index
        ``community``): ``size``, ``managers``, ``share`` (of all managers).
    params : dict
        The parameters of the call.
    """

    rich_club: pd.DataFrame
    peak_degree: int | None
    peak_normalized: float
    rich_club_members: pd.Index
    core_number: int
    core_members: pd.Index
    members: pd.DataFrame
    management_community: int | None = None
    management: pd.DataFrame | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


def _club_edges(degree: np.ndarray, rows: np.ndarray, cols: np.ndarray, top: int) -> np.ndarray:
    """:math:`E_{>k}` for ``k = 0 .. top``."""
    low = np.minimum(degree[rows], degree[cols])
    hist = np.bincount(low, minlength=top + 1)[: top + 1]
    return len(rows) - np.cumsum(hist)


def _club_sizes(degree: np.ndarray) -> np.ndarray:
    """:math:`N_{>k}` for ``k = 0 .. max degree``."""
    return len(degree) - np.cumsum(np.bincount(degree))


def _coefficient(n_k: np.ndarray, e_k: np.ndarray) -> np.ndarray:
    return 2.0 * e_k / (n_k * (n_k - 1.0))


def _simple_undirected(graph: InteractionGraph):
    s = symmetric_adjacency(graph, weighted=False)
    rows, cols, _ = _upper_edges(s)
    degree = np.diff(s.indptr).astype(np.int64)
    return s, rows, cols, degree


def rich_club_coefficient(graph: InteractionGraph) -> pd.Series:
    r"""The (unnormalised) rich-club coefficient :math:`\phi(k)` by degree.

    :math:`\phi(k) = 2 E_{>k} / (N_{>k}(N_{>k} - 1))` on the undirected,
    unweighted graph (see ``netanalysis.measures.elite``), for every
    ``k`` with at least two members of degree greater than ``k``; the
    values of networkx's ``rich_club_coefficient(G, normalized=False)``.
    :func:`elite` adds the normalisation against degree-preserving random
    graphs.

    Parameters
    ----------
    graph : InteractionGraph
        Directed graphs are symmetrised; weights and self-loops ignored.

    Returns
    -------
    pandas.Series
        Float values indexed by ``k`` (named ``degree``), named
        ``"rich_club"``; empty when no two members have an edge.

    Examples
    --------
    A triangle with a pendant member: the members of degree > 1 form a
    triangle, those of degree > 2 are one member only.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> a = sp.csr_array(([1.0] * 4, ([0, 0, 1, 2], [1, 2, 2, 3])), shape=(4, 4))
    >>> g = InteractionGraph(a + a.T, list("abcd"), directed=False)
    >>> rich_club_coefficient(g).round(4).to_dict()
    {0: 0.6667, 1: 1.0}
    """
    _, rows, cols, degree = _simple_undirected(graph)
    if len(rows) == 0:
        return pd.Series([], index=pd.Index([], dtype=np.int64, name="degree"), name="rich_club",
                         dtype=np.float64)
    n_k = _club_sizes(degree)
    ks = np.flatnonzero(n_k >= 2)
    e_k = _club_edges(degree, rows, cols, int(degree.max()))
    return pd.Series(_coefficient(n_k[ks], e_k[ks]), index=pd.Index(ks, name="degree"), name="rich_club")


def _null_edges(n: int, rows, cols, degree, ks, *, seed: int, n_null: int, swaps_per_edge: float) -> np.ndarray:
    """:math:`E_{>k}` at ``ks`` in each of ``n_null`` rewired graphs
    (compiled seeded double-edge swaps, ``netanalysis.measures._swaps``)."""
    from ._swaps import null_histograms, swap_seeds

    m = len(rows)
    trials = int(round(swaps_per_edge * m))
    top = int(degree.max())
    u = np.minimum(rows, cols).astype(np.int64)
    v = np.maximum(rows, cols).astype(np.int64)
    hist, _ = null_histograms(n_null * trials, u, v, np.int64(n), degree.astype(np.int64), np.int64(trials),
                              swap_seeds(seed, n_null), np.int64(top))
    return (m - np.cumsum(hist, axis=1))[:, ks].astype(np.float64)


def _first_posts(forum, ids: pd.Index) -> pd.DataFrame:
    posts = forum.posts
    by = posts.groupby("author_id")["created_at"]
    frame = pd.DataFrame({"n_posts": by.size(), "first_post": by.min(), "last_post": by.max()})
    out = frame.reindex(ids)
    out["n_posts"] = out["n_posts"].fillna(0).astype(np.int64)
    return out


def elite(
    graph,
    *,
    seed: int = 0,
    n_null: int = 20,
    swaps_per_edge: float = 10,
    min_size: int = 5,
    roles: pd.DataFrame | None = None,
    forum=None,
    partition: Communities | None = None,
    management: tuple[str, ...] = MANAGEMENT_ROLES,
) -> Elite:
    """The forum's inner circle: rich club, innermost core, management community.

    Definitions and conventions are in the module docstring
    (``netanalysis.measures.elite``).

    Parameters
    ----------
    graph : InteractionGraph or Forum
        A forum stands for its reply graph (and is used as ``forum``).
    seed : int, default 0
        Seeds the null graphs (and the communities when they are computed
        here).
    n_null : int, default 20
        Degree-preserving random graphs of the normalisation.
    swaps_per_edge : float, default 10
        Double-edge swap trials per edge for each null graph.
    min_size : int, default 5
        The smallest rich club (members of degree above ``k``) at which the
        peak of the normalised coefficient is looked for.
    roles : DataFrame, optional
        Indexed by member id with a column ``role`` (as from
        ``forum_roles``): adds the management community.
    forum : Forum, optional
        The forum of the graph: adds each elite member's posts, first and
        last post.
    partition : Communities, optional
        The communities to use with ``roles`` (default:
        ``communities(graph, seed=seed)``).
    management : tuple of str, default ("admin", "moderator")
        The roles that count as management.

    Returns
    -------
    Elite

    Raises
    ------
    ValueError
        On bad parameters or a graph without an edge between two members.

    Examples
    --------
    A clique of five hubs, each with three leaves of its own. The hubs are
    the innermost core; their degrees alone force the clique (35 hub ends,
    15 leaf ends: every random graph with these degrees has it), so the
    normalised coefficient is 1 and there is no rich club beyond chance:

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> edges = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    >>> edges += [(i, 5 + 3 * i + t) for i in range(5) for t in range(3)]
    >>> r, c = zip(*edges)
    >>> a = sp.csr_array(([1.0] * len(edges), (r, c)), shape=(20, 20))
    >>> e = elite(InteractionGraph(a + a.T, range(20), directed=False), n_null=5)
    >>> e.core_number, e.core_members.tolist()
    (4, [0, 1, 2, 3, 4])
    >>> e.rich_club.loc[1, ["n_members", "coefficient", "null_mean", "normalized"]].tolist()
    [5.0, 1.0, 1.0, 1.0]
    >>> e.peak_normalized, e.rich_club_members.tolist()
    (1.0, [])
    >>> e.members["in_core"].all(), len(e.members)
    (np.True_, 5)
    """
    if not isinstance(graph, InteractionGraph):
        if not hasattr(graph, "posts"):
            raise TypeError("elite needs an InteractionGraph or a Forum")
        from ..graphs import reply_graph

        forum = graph if forum is None else forum
        graph = reply_graph(graph)
    if int(n_null) != n_null or n_null < 1:
        raise ValueError(f"n_null must be a positive integer, not {n_null!r}")
    if not swaps_per_edge > 0:
        raise ValueError(f"swaps_per_edge must be positive, not {swaps_per_edge!r}")
    if int(min_size) != min_size or min_size < 2:
        raise ValueError(f"min_size must be an integer of at least 2, not {min_size!r}")
    n_null, min_size = int(n_null), int(min_size)
    s, rows, cols, degree = _simple_undirected(graph)
    if len(rows) == 0:
        raise ValueError("the elite needs a graph with at least one edge between two members")
    n = graph.n_nodes
    ids = graph.node_ids

    # rich club
    n_k = _club_sizes(degree)
    ks = np.flatnonzero(n_k >= 2)
    e_k = _club_edges(degree, rows, cols, int(degree.max()))[ks]
    phi = _coefficient(n_k[ks], e_k)
    null = _coefficient(n_k[ks], _null_edges(n, rows, cols, degree, ks, seed=seed, n_null=n_null,
                                               swaps_per_edge=swaps_per_edge))
    null_mean = null.mean(axis=0)
    null_std = null.std(axis=0, ddof=1) if n_null > 1 else np.full(len(ks), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(null_mean > 0, phi / null_mean, np.nan)
        z = np.where(null_std > 0, (phi - null_mean) / null_std, np.nan)
    table = pd.DataFrame(
        {"n_members": n_k[ks].astype(np.float64), "n_edges": e_k.astype(np.float64), "coefficient": phi,
         "null_mean": null_mean, "null_std": null_std, "normalized": rho, "z": z},
        index=pd.Index(ks, name="degree"),
    )
    eligible = (n_k[ks] >= min_size) & np.isfinite(rho)
    if eligible.any():
        candidates = np.flatnonzero(eligible)
        best = candidates[np.argmax(rho[candidates])]  # first maximum: smallest k
        peak, peak_rho = int(ks[best]), float(rho[best])
        in_club = degree > peak if peak_rho > 1 else np.zeros(n, dtype=bool)
    else:
        peak, peak_rho = None, float("nan")
        in_club = np.zeros(n, dtype=bool)

    # innermost core
    cores = coreness_array(s, False, "all").astype(np.int64)
    k_max = int(cores.max())
    in_core = cores == k_max

    chosen = np.flatnonzero(in_core | in_club)
    chosen = chosen[np.lexsort((chosen, -degree[chosen]))]
    members = pd.DataFrame(
        {"degree": degree[chosen], "coreness": cores[chosen], "in_core": in_core[chosen],
         "in_rich_club": in_club[chosen]},
        index=ids.take(chosen),
    )

    management_community, management_table = None, None
    if roles is not None:
        if "role" not in roles.columns:
            raise ValueError("roles needs a column 'role' (a DataFrame indexed by member id)")
        if partition is None:
            partition = communities(graph, seed=seed)
        membership = partition.membership
        role = roles["role"].reindex(ids)
        is_manager = role.isin(list(management)).to_numpy()
        labels = membership.reindex(ids).to_numpy()
        counts = pd.Series(labels[is_manager]).value_counts()
        sizes = membership.value_counts()
        management_table = pd.DataFrame(
            {"size": sizes.reindex(counts.index).astype(np.int64).to_numpy(),
             "managers": counts.to_numpy().astype(np.int64)},
            index=pd.Index(counts.index.astype(np.int64), name="community"),
        ).sort_values("managers", ascending=False, kind="stable")
        management_table = management_table.iloc[
            np.lexsort((management_table.index.to_numpy(), -management_table["managers"].to_numpy()))]
        if len(management_table):
            management_table["share"] = management_table["managers"] / management_table["managers"].sum()
            management_community = int(management_table.index[0])
        else:
            management_table["share"] = pd.Series(dtype=np.float64)
        members["role"] = role.take(chosen).to_numpy()
        members["community"] = labels[chosen]
        members["in_management_community"] = labels[chosen] == (
            management_community if management_community is not None else -1)
    if forum is not None:
        members = members.join(_first_posts(forum, members.index))

    params = {"seed": seed, "n_null": n_null, "swaps_per_edge": swaps_per_edge, "min_size": min_size,
              "management": tuple(management), "symmetrised": bool(graph.directed)}
    return Elite(
        rich_club=table, peak_degree=peak, peak_normalized=peak_rho,
        rich_club_members=ids.take(np.flatnonzero(in_club)), core_number=k_max,
        core_members=ids.take(np.flatnonzero(in_core)), members=members,
        management_community=management_community, management=management_table, params=params,
    )
