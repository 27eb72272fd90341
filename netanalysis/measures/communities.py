r"""Communities: seeded Leiden modularity partitions and their consensus.

Definition
----------
The graph is read as undirected: a directed graph is symmetrised to
:math:`S = A + A^T` (the weight of ``{i, j}`` is the sum of the replies in
both directions, the convention of :meth:`InteractionGraph.to_undirected`);
self-loops are ignored. With ``weighted=False`` every edge of :math:`S`
weighs 1. The objective is Newman-Girvan modularity with resolution
:math:`\gamma`,

.. math::

    Q = \sum_c \left[ \frac{W_c}{W} - \gamma \left( \frac{\mathrm{vol}_c}{2W} \right)^2 \right]

where :math:`W` is the total edge weight (each undirected edge once),
:math:`W_c` the weight of the edges inside community :math:`c` and
:math:`\mathrm{vol}_c` the summed strength of its members (igraph's
``Graph.modularity(..., resolution=gamma)``). Each bracket is the
community's *modularity contribution*.

Runs
----
Each run is igraph's ``community_leiden(objective_function="modularity",
n_iterations=-1)`` (iterate until a pass changes nothing), so the default
objective of igraph, CPM, which at resolution 1 puts every member of an
unweighted graph alone, is never used. igraph draws its random numbers
from a Python generator; every run gets its own ``random.Random`` seeded
from ``numpy.random.SeedSequence([seed, round])``, installed with
``igraph.set_random_number_generator`` for the duration of the call and
replaced by igraph's default (the ``random`` module) afterwards, so the
global ``random`` state is never touched and the same ``seed`` gives the
same partition.

Consensus
---------
Lancichinetti & Fortunato's (2012) consensus clustering, in the sparse form
of Tandon et al. (2019), where the co-assignment matrix lives on the edges
of the graph only:

1. run Leiden ``n_runs`` times on :math:`S`;
2. for every edge ``{i, j}`` of :math:`S`, let :math:`D_{ij}` be the share of
   the runs that put ``i`` and ``j`` together;
3. stop when at most ``tol`` of the edges have :math:`0 < D_{ij} < 1`
   (the runs agree up to that share of the edges);
4. otherwise keep the edges with :math:`D_{ij} \ge \tau`, and for every
   member also its edge of largest :math:`D_{ij}` when that is positive
   (so that thresholding never isolates a member that some run put with a
   neighbour; ties go to the first edge), run Leiden ``n_runs`` times on
   this graph weighted by :math:`D`, and go back to 2 (at most
   ``max_rounds`` rounds).

The consensus partition is the partition of the last round with the
highest modularity *on the original graph* (the first of them on a tie);
once the runs agree (``tol=0``) they are all the same partition. The
consensus is not a modularity maximiser: it is the partition the runs
agree on, more accurate than single runs on planted partitions
(Lancichinetti & Fortunato 2012); on weak structure its modularity can be
a little below the best single run (``run_modularity``).

Stability
---------
A member's stability is the share of the ``n_runs`` first-round runs (on
the graph itself) in which it stays with its consensus community:
communities are matched across runs by maximal overlap, consensus
community :math:`C` to the community :math:`R` of that run holding most of
:math:`C`'s members (the smallest label of that run on a tie), and member
``i`` of :math:`C` stays if it is in :math:`R`. A member split off with a
minority of its community, or moved elsewhere, does not stay; two
consensus communities merged in a run both stay.

Labels
------
Consensus communities are numbered ``0, 1, ...`` by decreasing size, ties
by the first member in node order; a member without edges is a community
of its own.

References
----------
Newman, M. E. J., Girvan, M. (2004). Finding and evaluating community
structure in networks. Physical Review E 69, 026113.
Reichardt, J., Bornholdt, S. (2006). Statistical mechanics of community
detection. Physical Review E 74, 016110 (the resolution parameter).
Traag, V. A., Waltman, L., van Eck, N. J. (2019). From Louvain to Leiden:
guaranteeing well-connected communities. Scientific Reports 9, 5233.
Lancichinetti, A., Fortunato, S. (2012). Consensus clustering in complex
networks. Scientific Reports 2, 336.
Tandon, A., Albeshri, A., Thayananthan, V., Alhalabi, W., Fortunato, S.
(2019). Fast consensus clustering in complex networks. Physical Review E
99, 042301.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graphs import InteractionGraph

__all__ = ["communities", "Communities", "COMMUNITY_METHODS", "MANAGEMENT_ROLES"]

COMMUNITY_METHODS = ("leiden",)
# The roles that manage a forum (values of the ``role`` column of
# ``forum_roles``; named here, not imported, to keep measures below roles).
MANAGEMENT_ROLES = ("admin", "moderator")


@dataclass(frozen=True, eq=False)
class Communities:
    """Result of :func:`communities`.

    Attributes
    ----------
    membership : Series
        Consensus community label (int, ``0`` = largest) per member id,
        named ``"community"``.
    stability : Series
        Share of the runs in which each member stays with its consensus
        community (in [0, 1]), named ``"stability"``.
    table : DataFrame
        One row per community (index ``community``): ``size``,
        ``internal_edges``, ``internal_weight``, ``density`` (internal
        edges over ``size (size - 1) / 2``, NaN for a single member),
        ``conductance`` (weight of the edges leaving the community over the
        smaller of its volume and the rest's, NaN when that is 0),
        ``modularity`` (its contribution to ``Q``), ``stability`` (mean of
        its members) and ``hub`` (the member with the largest strength
        inside the community, first in node order on a tie); and, when
        given, the columns of ``roles``, ``key_actors`` and ``forum`` (see
        :func:`communities`).
    modularity : float
        ``Q`` of the consensus partition on the symmetrised graph.
    run_modularity : ndarray
        ``Q`` of each first-round run (on the graph itself).
    n_rounds : int
        Consensus rounds (1 when the first runs already agree).
    converged : bool
        Whether the runs agreed up to ``tol`` within ``max_rounds`` rounds.
    params : dict
        The parameters of the call.
    """

    membership: pd.Series
    stability: pd.Series
    table: pd.DataFrame
    modularity: float
    run_modularity: np.ndarray
    n_rounds: int
    converged: bool
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_communities(self) -> int:
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        """``community`` and ``stability`` per member id."""
        return pd.concat([self.membership, self.stability], axis=1)

    def members(self, community: int) -> pd.Index:
        """The member ids of one community."""
        return self.membership.index[self.membership.to_numpy() == community]


# -- the undirected graph -------------------------------------------------------

def symmetric_adjacency(graph: InteractionGraph, weighted: bool = True) -> sp.csr_array:
    """:math:`A + A^T` for a directed graph, ``A`` for an undirected one,
    without self-loops; all weights 1 when ``weighted`` is False."""
    adj = sp.csr_array(graph.adjacency)
    if graph.directed:
        adj = sp.csr_array(adj + adj.T)
    adj = sp.csr_array(adj - sp.diags_array(adj.diagonal()))
    adj.eliminate_zeros()
    if not weighted:
        adj.data = np.ones_like(adj.data)
    adj.sort_indices()
    return adj


def _upper_edges(s: sp.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    upper = sp.triu(s, k=1, format="coo")
    order = np.lexsort((upper.col, upper.row))
    return (upper.row[order].astype(np.int64), upper.col[order].astype(np.int64),
            upper.data[order].astype(np.float64))


def _igraph(n: int, rows: np.ndarray, cols: np.ndarray):
    import igraph as ig

    return ig.Graph(n=n, edges=np.column_stack([rows, cols]).tolist(), directed=False)


class _SeededIgraph:
    """igraph's random numbers from a private ``random.Random`` while the
    block runs; igraph's default generator (the ``random`` module) after."""

    def __enter__(self) -> random.Random:
        import igraph as ig

        self.rng = random.Random(0)
        ig.set_random_number_generator(self.rng)
        return self.rng

    def __exit__(self, *exc) -> None:
        import igraph as ig

        ig.set_random_number_generator(random)


def _run_seeds(seed: int, round_: int, n_runs: int) -> list[int]:
    state = np.random.SeedSequence([int(seed), int(round_)]).generate_state(n_runs, dtype=np.uint64)
    return [int(s) for s in state]


def _leiden_runs(h, weights, resolution: float, seeds: list[int]) -> np.ndarray:
    out = np.empty((len(seeds), h.vcount()), dtype=np.int64)
    with _SeededIgraph() as rng:
        for r, s in enumerate(seeds):
            rng.seed(s)
            part = h.community_leiden(objective_function="modularity", weights=weights,
                                      resolution=resolution, n_iterations=-1)
            out[r] = part.membership
    return out


# -- partition arithmetic ----------------------------------------------------------

def canonical_labels(membership: np.ndarray) -> np.ndarray:
    """Relabel ``0, 1, ...`` by decreasing size, ties by first node."""
    membership = np.asarray(membership)
    if membership.size == 0:
        return membership.astype(np.int64)
    _, first, inverse, counts = np.unique(membership, return_index=True, return_inverse=True,
                                          return_counts=True)
    order = np.lexsort((first, -counts))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse.ravel()]


def modularity_parts(membership: np.ndarray, rows: np.ndarray, cols: np.ndarray, w: np.ndarray,
                     strength: np.ndarray, resolution: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per community of ``membership`` (labels ``0..k-1``): internal weight,
    volume and modularity contribution, from the upper-triangle edges."""
    k = int(membership.max()) + 1 if membership.size else 0
    total = float(w.sum())
    inside = membership[rows] == membership[cols]
    w_in = np.bincount(membership[rows[inside]], weights=w[inside], minlength=k)
    vol = np.bincount(membership, weights=strength, minlength=k)
    contribution = w_in / total - resolution * (vol / (2 * total)) ** 2
    return w_in, vol, contribution


def _modularity(membership, rows, cols, w, strength, resolution) -> float:
    return float(modularity_parts(membership, rows, cols, w, strength, resolution)[2].sum())


def _coassignment(runs: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return (runs[:, rows] == runs[:, cols]).mean(axis=0)


def _strongest_edge(n: int, rows: np.ndarray, cols: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Index of the edge of largest ``d`` at each node (first on ties),
    for the nodes whose largest ``d`` is positive."""
    m = len(rows)
    ends = np.concatenate([rows, cols])
    edge = np.concatenate([np.arange(m), np.arange(m)])
    order = np.lexsort((edge, -d[edge], ends))
    _, first = np.unique(ends[order], return_index=True)
    best = edge[order][first]
    return best[d[best] > 0]


def match_stability(consensus: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """Share of ``runs`` in which each node is in the run's community of
    maximal overlap with its consensus community (smallest label on ties)."""
    n = consensus.shape[0]
    stays = np.zeros(n, dtype=np.float64)
    if n == 0:
        return stays
    for run in runs:
        labels, run_codes = np.unique(run, return_inverse=True)
        k_run = len(labels)
        pair = consensus * k_run + run_codes.ravel()
        pairs, counts = np.unique(pair, return_counts=True)
        c_of, r_of = pairs // k_run, pairs % k_run
        order = np.lexsort((r_of, -counts, c_of))
        cs, first = np.unique(c_of[order], return_index=True)
        match = np.full(int(consensus.max()) + 1, -1, dtype=np.int64)
        match[cs] = r_of[order][first]
        stays += run_codes.ravel() == match[consensus]
    return stays / len(runs)


# -- the community table -----------------------------------------------------------

def _hubs(membership: np.ndarray, rows, cols, w, n: int, k: int) -> np.ndarray:
    """Node index of the member with the largest internal strength in each
    community (first in node order on ties; the only member of a single)."""
    inside = membership[rows] == membership[cols]
    internal = (np.bincount(rows[inside], weights=w[inside], minlength=n)
                + np.bincount(cols[inside], weights=w[inside], minlength=n))
    order = np.lexsort((np.arange(n), -internal, membership))
    _, first = np.unique(membership[order], return_index=True)
    hubs = np.empty(k, dtype=np.int64)
    hubs[membership[order][first]] = order[first]
    return hubs


def _table(graph: InteractionGraph, membership, stability, rows, cols, w, strength, resolution) -> pd.DataFrame:
    n = graph.n_nodes
    k = int(membership.max()) + 1
    size = np.bincount(membership, minlength=k)
    inside = membership[rows] == membership[cols]
    edges_in = np.bincount(membership[rows[inside]], minlength=k)
    w_in, vol, contribution = modularity_parts(membership, rows, cols, w, strength, resolution)
    total_vol = 2 * float(w.sum())
    cut = vol - 2 * w_in
    with np.errstate(divide="ignore", invalid="ignore"):
        pairs = size * (size - 1) / 2
        density = np.where(pairs > 0, edges_in / pairs, np.nan)
        smaller = np.minimum(vol, total_vol - vol)
        conductance = np.where(smaller > 0, cut / smaller, np.nan)
    mean_stability = np.bincount(membership, weights=stability, minlength=k) / size
    hubs = _hubs(membership, rows, cols, w, n, k)
    return pd.DataFrame(
        {
            "size": size.astype(np.int64),
            "internal_edges": edges_in.astype(np.int64),
            "internal_weight": w_in,
            "density": density,
            "conductance": conductance,
            "modularity": contribution,
            "stability": mean_stability,
            "hub": graph.node_ids.take(hubs),
        },
        index=pd.RangeIndex(k, name="community"),
    )


def _aligned(membership: pd.Series, ids) -> np.ndarray:
    """Community label of each id (-1 for ids not in the graph)."""
    pos = membership.index.get_indexer(pd.Index(ids))
    labels = membership.to_numpy()
    return np.where(pos >= 0, labels[np.maximum(pos, 0)], -1)


def _role_columns(table: pd.DataFrame, membership: pd.Series, roles: pd.DataFrame) -> pd.DataFrame:
    if "role" not in roles.columns:
        raise ValueError("roles needs a column 'role' (a DataFrame indexed by member id)")
    role = roles["role"]
    label = _aligned(membership, role.index)
    keep = (label >= 0) & role.notna().to_numpy()
    role, label = role[keep].astype(str), label[keep]
    counts = pd.crosstab(label, role.to_numpy()).reindex(table.index, fill_value=0)
    # a categorical role column (as forum_roles gives) names every role, also those nobody holds
    names = ([str(c) for c in roles["role"].cat.categories] if isinstance(roles["role"].dtype, pd.CategoricalDtype)
             else sorted(counts.columns))
    out = table.copy()
    for name in names:
        out[f"n_{name}"] = counts[name].astype(np.int64) if name in counts.columns else 0
    out["management"] = sum((counts[r] if r in counts.columns else 0) for r in MANAGEMENT_ROLES)
    out["management"] = out["management"].astype(np.int64)
    return out


def _key_actor_columns(table: pd.DataFrame, membership: pd.Series, key_actors: pd.DataFrame) -> pd.DataFrame:
    missing = {"member_id", "rank"} - set(key_actors.columns)
    if missing:
        raise ValueError(f"key_actors needs columns member_id and rank; missing {sorted(missing)}")
    label = _aligned(membership, key_actors["member_id"])
    ranked = pd.DataFrame({"community": label, "member_id": key_actors["member_id"].to_numpy(),
                           "rank": key_actors["rank"].to_numpy()})
    ranked = ranked[ranked["community"] >= 0].sort_values(["community", "rank"], kind="stable")
    out = table.copy()
    out["key_actors"] = ranked.groupby("community").size().reindex(table.index, fill_value=0).astype(np.int64)
    best = ranked.drop_duplicates("community").set_index("community")
    out["leader"] = best["member_id"].reindex(table.index)
    out["leader_rank"] = best["rank"].reindex(table.index).astype("Int64")
    return out


def _forum_columns(table: pd.DataFrame, membership: pd.Series, forum) -> pd.DataFrame:
    posts = forum.posts
    label = _aligned(membership, posts["author_id"])
    keep = label >= 0
    subforum = posts["thread_id"].map(forum.threads.set_index("thread_id")["subforum_id"])
    frame = pd.DataFrame({"community": label[keep], "created_at": posts["created_at"].to_numpy()[keep],
                          "subforum_id": subforum.to_numpy()[keep]})
    by = frame.groupby("community")
    out = table.copy()
    out["n_posts"] = by.size().reindex(table.index, fill_value=0).astype(np.int64)
    out["first_post"] = by["created_at"].min().reindex(table.index)
    out["last_post"] = by["created_at"].max().reindex(table.index)
    known = frame[frame["subforum_id"].notna()]
    per = known.groupby(["community", "subforum_id"]).size().rename("posts").reset_index()
    per = per.sort_values(["community", "posts", "subforum_id"], ascending=[True, False, True], kind="stable")
    main = per.drop_duplicates("community").set_index("community")
    total = per.groupby("community")["posts"].sum()
    out["n_subforums"] = per.groupby("community").size().reindex(table.index, fill_value=0).astype(np.int64)
    out["main_subforum"] = main["subforum_id"].reindex(table.index)
    out["main_subforum_share"] = (main["posts"] / total).reindex(table.index)
    return out


# -- the function --------------------------------------------------------------------

def communities(
    graph: InteractionGraph,
    method: str = "leiden",
    resolution: float = 1.0,
    *,
    seed: int = 0,
    n_runs: int = 10,
    weighted: bool = True,
    tau: float = 0.5,
    tol: float = 0.0,
    max_rounds: int = 10,
    roles: pd.DataFrame | None = None,
    key_actors: pd.DataFrame | None = None,
    forum=None,
) -> Communities:
    """Consensus communities of the members, with each member's stability.

    Definitions, the consensus rule and the conventions are in the module
    docstring (``netanalysis.measures.communities``).

    Parameters
    ----------
    graph : InteractionGraph
        A directed graph is symmetrised (``A + A^T``); self-loops are ignored.
    method : {"leiden"}
        Leiden with the modularity objective (igraph's ``community_leiden``).
    resolution : float, default 1.0
        The resolution :math:`\\gamma` of the modularity; larger gives
        smaller communities.
    seed : int, default 0
        Seeds every run (see the module docstring); same seed, same result.
    n_runs : int, default 10
        Leiden runs per consensus round.
    weighted : bool, default True
        Use the interaction strengths; False counts every edge once.
    tau : float, default 0.5
        Co-assignment threshold of the consensus: an edge is kept when its
        ends are together in at least this share of the runs (a majority).
    tol : float, default 0.0
        Share of the edges allowed to stay undecided (``0 < D < 1``) at
        convergence; 0 asks the runs to agree on every edge.
    max_rounds : int, default 10
        Consensus rounds at most.
    roles : DataFrame, optional
        Indexed by member id with a column ``role`` (as from
        ``forum_roles``): adds ``n_<role>`` for every role and
        ``management`` (admins and moderators) to the table.
    key_actors : DataFrame, optional
        With columns ``member_id`` and ``rank`` (as from ``key_actors``):
        adds ``key_actors`` (how many ranked members), ``leader`` (the best
        ranked) and ``leader_rank``.
    forum : Forum, optional
        The forum of the graph: adds ``n_posts``, ``first_post`` and
        ``last_post`` (the time span of the members' posts),
        ``n_subforums``, ``main_subforum`` (the subforum of most of their
        posts, smallest id on ties) and ``main_subforum_share``.

    Returns
    -------
    Communities

    Raises
    ------
    ValueError
        On an unknown method, bad parameters or a graph without edges
        (where modularity is undefined).

    Examples
    --------
    Two triangles joined by one edge:

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> rows = [0, 0, 1, 3, 3, 4, 2]
    >>> cols = [1, 2, 2, 4, 5, 5, 3]
    >>> a = sp.csr_array(([1.0] * 7, (rows, cols)), shape=(6, 6))
    >>> g = InteractionGraph(a + a.T, list("abcdef"), directed=False)
    >>> c = communities(g)
    >>> c.membership.tolist()
    [0, 0, 0, 1, 1, 1]
    >>> round(c.modularity, 4), c.stability.min()
    (0.3571, np.float64(1.0))
    >>> c.table[["size", "internal_edges", "density"]]
               size  internal_edges  density
    community
    0             3               3      1.0
    1             3               3      1.0
    """
    if method not in COMMUNITY_METHODS:
        raise ValueError(f"method must be one of {COMMUNITY_METHODS}, not {method!r}")
    if not resolution > 0:
        raise ValueError(f"resolution must be positive, not {resolution!r}")
    if int(n_runs) != n_runs or n_runs < 1:
        raise ValueError(f"n_runs must be a positive integer, not {n_runs!r}")
    if not 0 < tau <= 1:
        raise ValueError(f"tau must be in (0, 1], not {tau!r}")
    if not 0 <= tol < 1:
        raise ValueError(f"tol must be in [0, 1), not {tol!r}")
    if int(max_rounds) != max_rounds or max_rounds < 1:
        raise ValueError(f"max_rounds must be a positive integer, not {max_rounds!r}")
    n_runs, max_rounds = int(n_runs), int(max_rounds)
    s = symmetric_adjacency(graph, weighted)
    n = graph.n_nodes
    rows, cols, w = _upper_edges(s)
    if len(rows) == 0:
        raise ValueError("communities need a graph with at least one edge between two members")
    strength = np.asarray(s.sum(axis=1)).ravel()
    h = _igraph(n, rows, cols)

    first = _leiden_runs(h, w.tolist(), resolution, _run_seeds(seed, 0, n_runs))
    runs, n_rounds, converged = first, 1, False
    m = len(rows)
    while True:
        d = _coassignment(runs, rows, cols)
        undecided = int(np.count_nonzero((d > 0) & (d < 1)))
        if undecided <= tol * m:
            converged = True
            break
        if n_rounds >= max_rounds:
            break
        keep = d >= tau
        keep[_strongest_edge(n, rows, cols, d)] = True
        kept = np.flatnonzero(keep)
        h_d = _igraph(n, rows[kept], cols[kept])
        runs = _leiden_runs(h_d, d[kept].tolist(), resolution, _run_seeds(seed, n_rounds, n_runs))
        n_rounds += 1

    scores = [_modularity(canonical_labels(r), rows, cols, w, strength, resolution) for r in runs]
    best = canonical_labels(runs[int(np.argmax(scores))])
    stability = match_stability(best, first)
    run_q = np.array([_modularity(canonical_labels(r), rows, cols, w, strength, resolution) for r in first])

    membership = pd.Series(best, index=graph.node_ids.copy(), name="community")
    stab = pd.Series(stability, index=graph.node_ids.copy(), name="stability")
    table = _table(graph, best, stability, rows, cols, w, strength, resolution)
    if roles is not None:
        table = _role_columns(table, membership, roles)
    if key_actors is not None:
        table = _key_actor_columns(table, membership, key_actors)
    if forum is not None:
        table = _forum_columns(table, membership, forum)
    params = {"method": method, "resolution": float(resolution), "seed": seed, "n_runs": n_runs,
              "weighted": bool(weighted), "tau": float(tau), "tol": float(tol), "max_rounds": max_rounds,
              "symmetrised": bool(graph.directed)}
    return Communities(
        membership=membership, stability=stab, table=table,
        modularity=_modularity(best, rows, cols, w, strength, resolution),
        run_modularity=run_q, n_rounds=n_rounds, converged=converged, params=params,
    )
