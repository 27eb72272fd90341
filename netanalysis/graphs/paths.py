"""How two members are connected: the shortest chains of replies between them.

:func:`connection` finds the ``k`` shortest paths between two members of the
reply graph, each step with the posts behind it (thread, time, who answered
whom), and a time-respecting variant in which every step's post is later
than the previous step's (a chain along which something could have passed
from one member to the other, in that order).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..forum import Forum
from ._common import check_forum
from .ego import find_member, hop_distances
from .interaction_graph import InteractionGraph
from .reply import _as_gap, answered_posts, reply_graph

__all__ = ["connection", "Connection"]

#: Longest time-respecting paths searched, in hops beyond the fewest possible.
MAX_EXTRA_HOPS = 3
#: Search steps of the time-respecting search before it stops with the paths found.
MAX_SEARCH_STEPS = 200_000

_NEG = np.iinfo(np.int64).min
_POS = np.iinfo(np.int64).max

_POST_COLUMNS = ["path", "step", "post_id", "thread_id", "created_at", "author_id", "answered_id", "direction",
                 "chosen"]
_STEP_COLUMNS = ["path", "step", "source", "target", "posts", "threads", "first", "last", "post_id",
                 "thread_id", "created_at", "direction"]


@dataclass(frozen=True, eq=False)
class Connection:
    """The result of :func:`connection`.

    Attributes
    ----------
    a, b : member id
        The two members, as ids of the forum.
    paths : tuple of tuples
        The paths found, shortest first, each the member ids from ``a`` to
        ``b``; empty when there is none (``reason`` says why).
    steps : DataFrame
        One row per step of each path: ``path`` and ``step`` (from 1),
        ``source``, ``target``, ``posts`` and ``threads`` behind the step,
        the ``first`` and ``last`` of those posts' times, and for a
        time-respecting connection the post chosen for the step
        (``post_id``, ``thread_id``, ``created_at``, ``direction``; empty
        otherwise).
    posts : DataFrame
        Every post behind every step: ``path``, ``step``, ``post_id``,
        ``thread_id``, ``created_at``, ``author_id`` (who answered),
        ``answered_id`` (whom), ``direction`` in words, ``chosen`` (the
        post of a time-respecting step).
    reason : str
        Empty when ``k`` paths were found; otherwise why there are fewer or
        none, in words (different components, no posts, no time-respecting
        chain, fewer paths than ``k``).
    k, time_respecting, directed : the options; ``graph``: the graph in words.
    """

    a: object
    b: object
    paths: tuple
    steps: pd.DataFrame
    posts: pd.DataFrame
    reason: str
    k: int
    time_respecting: bool
    directed: bool
    graph: str
    meta: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """Whether at least one path was found."""
        return bool(self.paths)

    def __repr__(self) -> str:
        return (f"<Connection {self.a!r} - {self.b!r}: {len(self.paths)} path(s)"
                f"{', time-respecting' if self.time_respecting else ''}>")

    def describe(self, posts_per_step: int = 3) -> str:
        """The paths in words, one line per path and per step."""
        kind = "time-respecting path" if self.time_respecting else "shortest path"
        lines = []
        if not self.paths:
            lines.append(f"no {kind} between {self.a} and {self.b}: {self.reason}")
            return "\n".join(lines)
        n = len(self.paths)
        lines.append(f"{n} {kind}{'s' if n != 1 else ''} between {self.a} and {self.b} ({self.graph}):")
        arrow = " -> " if (self.directed or self.time_respecting) else " - "
        for i, path in enumerate(self.paths, start=1):
            hops = len(path) - 1
            lines.append(f"{i}. {arrow.join(map(str, path))} ({hops} step{'s' if hops != 1 else ''})")
            steps = self.steps[self.steps["path"] == i]
            for row in steps.itertuples(index=False):
                span = f"{row.first:%Y-%m-%d}" if row.first == row.last else f"{row.first:%Y-%m-%d} to {row.last:%Y-%m-%d}"
                head = (f"   {row.source}{arrow}{row.target}: {row.posts} post{'s' if row.posts != 1 else ''} "
                        f"in {row.threads} thread{'s' if row.threads != 1 else ''}, {span}")
                if self.time_respecting:
                    lines.append(f"{head}; this step: {row.direction} in thread {row.thread_id} on "
                                 f"{row.created_at:%Y-%m-%d %H:%M} (post {row.post_id})")
                    continue
                lines.append(head)
                shown = self.posts[(self.posts["path"] == i) & (self.posts["step"] == row.step)].head(posts_per_step)
                for p in shown.itertuples(index=False):
                    lines.append(f"      {p.direction} in thread {p.thread_id} on {p.created_at:%Y-%m-%d %H:%M} "
                                 f"(post {p.post_id})")
                if row.posts > len(shown):
                    lines.append(f"      ... and {row.posts - len(shown)} more")
        if self.reason:
            lines.append(f"note: {self.reason}")
        return "\n".join(lines)

    __str__ = describe


def _empty(a, b, reason, *, k, time_respecting, directed, graph) -> Connection:
    return Connection(a, b, (), pd.DataFrame(columns=_STEP_COLUMNS), pd.DataFrame(columns=_POST_COLUMNS), reason,
                      k, time_respecting, directed, graph)


def _reply_events(forum: Forum, g: InteractionGraph):
    """The replies behind the graph's edges: node of the author, node of the
    member answered, the post's row, its time (ns); in time order."""
    rule = g.meta.get("rule", "auto")
    target = answered_posts(forum, rule)
    pa = forum.post_arrays
    rows = np.flatnonzero(target >= 0)
    answered = target[rows]
    gap = g.meta.get("max_gap")
    if gap is not None:
        keep = (pa.time[rows] - pa.time[answered]) <= _as_gap(gap)
        rows, answered = rows[keep], answered[keep]
    node_of = g.node_ids.get_indexer(forum.member_index)
    u = node_of[pa.author[rows]]
    v = node_of[pa.author[answered]]
    keep = (u >= 0) & (v >= 0) & (u != v)
    return u[keep], v[keep], rows[keep], pa.time[rows[keep]]


def _latest_departures(x, y, t, n: int, target: int, most: int) -> list[np.ndarray]:
    """``L[r][u]``: the latest time of a first step from ``u`` that still
    reaches ``target`` in at most ``r`` time-respecting steps (each later
    than the one before); ``_NEG`` where none does, ``_POS`` at the target.
    Stops at ``most`` steps or when another step changes nothing."""
    L = np.full(n, _NEG, dtype=np.int64)
    L[target] = _POS
    out = [L]
    for _ in range(most):
        cand = np.where(t < L[y], t, _NEG)
        new = L.copy()
        np.maximum.at(new, x, cand)
        new[target] = _POS
        if np.array_equal(new, L):
            break
        out.append(new)
        L = new
    return out


def _time_respecting_paths(x, y, t, n: int, a: int, b: int, k: int):
    """Up to ``k`` time-respecting simple paths from ``a`` to ``b``, fewest
    steps first (paths of one length in order of node positions), each step
    taking the earliest arc after the previous step's time; with the fewest
    steps possible (None when there is no such path) and whether the search
    stopped at its limit."""
    L = _latest_departures(x, y, t, n, b, n)
    fewest = next((r for r, Lr in enumerate(L) if Lr[a] > _NEG), None)
    if fewest is None:
        return [], None, False
    order = np.lexsort((t, y, x))
    x, y, t = x[order], y[order], t[order]
    start = np.searchsorted(x, np.arange(n + 1))
    found: list[tuple[list[int], list[int]]] = []
    steps = 0
    stopped = False

    def level(r):  # L for at most r steps (the last computed when r is beyond)
        return L[min(r, len(L) - 1)]

    def dfs(node, now, remaining, path, arcs):
        nonlocal steps, stopped
        lo, hi = start[node], start[node + 1]
        j = lo
        while j < hi and len(found) < k:
            nbr = y[j]
            end = j + np.searchsorted(y[j:hi], nbr, side="right")
            steps += 1
            if steps > MAX_SEARCH_STEPS:
                stopped = True
                return
            if nbr not in path:
                first = j + np.searchsorted(t[j:end], now, side="right")
                if first < end:
                    when = t[first]
                    if nbr == b:
                        if remaining == 1:
                            found.append((path + [b], arcs + [int(first)]))
                    elif remaining > 1 and level(remaining - 1)[nbr] > when:
                        dfs(nbr, when, remaining - 1, path + [nbr], arcs + [int(first)])
                        if stopped:
                            return
            j = end

    for hops in range(fewest, min(fewest + MAX_EXTRA_HOPS, n - 1) + 1):
        dfs(a, _NEG, hops, [a], [])
        if len(found) >= k or stopped:
            break
    return [(p, order[np.array(arcs)]) for p, arcs in found], fewest, stopped


def _describe_graph(g: InteractionGraph, directed: bool) -> str:
    rule = g.meta.get("rule", "auto")
    view = ("directed: each step from a member to a member they answered" if directed
            else "undirected: a step joins two members when either answered the other")
    return f"reply graph, rule {rule}; {view}"


def connection(forum: Forum, a, b, *, graph="reply", k: int = 3, time_respecting: bool = False,
               directed: bool = False) -> Connection:
    """How members ``a`` and ``b`` are connected: the ``k`` shortest paths
    between them in the reply graph, with the posts behind every step.

    Parameters
    ----------
    forum : Forum
    a, b : member ids
        Also as text for integer ids (``"57"``).
    graph : "reply" or InteractionGraph
        The reply graph of ``forum`` (``reply_graph(forum)``), or one built
        by :func:`reply_graph` with other options (its ``rule`` and
        ``max_gap`` decide which posts are behind an edge).
    k : int, default 3
        Number of paths, at least 1.
    time_respecting : bool, default False
        Keep only paths along which every step's post is strictly later
        than the previous step's (the step's post is the earliest one after
        the previous step's, the first step's the earliest of its edge).
    directed : bool, default False
        Direction: by default a step joins two members when either answered
        the other (the undirected view of the reply graph; a post in either
        direction is behind it). With ``directed=True`` each step goes from a
        member to a member they answered, so the path is a chain "a answered
        x, x answered y, ..., answered b".

    Returns
    -------
    Connection
        ``paths`` (member ids from ``a`` to ``b``), ``steps`` and ``posts``
        tables and ``reason``; ``print(result)`` gives them in words.

    Paths are simple (no member twice) and counted in steps (hops); weights
    do not lengthen or shorten them. Without ``time_respecting`` they are
    Yen's ``k`` shortest simple paths (networkx's ``shortest_simple_paths``
    on the connected component of ``a``; equal-length paths in networkx's
    order). Time-respecting paths are searched exactly, fewest steps first
    (paths of one length in the order of the graph's nodes), on paths of up
    to ``MAX_EXTRA_HOPS`` steps more than the fewest possible, and for at
    most ``MAX_SEARCH_STEPS`` search steps; the fewest-step one is always
    found when there is one, and ``reason`` says when fewer than ``k`` were.

    No path is not an error: the result is empty and ``reason`` says why
    (``a`` and ``b`` in different components, a member without posts or
    replies, no time-respecting chain, ``a`` equal to ``b``).

    Raises
    ------
    netanalysis.graphs.ego.UnknownMemberError
        (a ``KeyError`` and ``ValueError``) for an id that is not a member of
        ``forum``, naming it and the closest id.

    Examples
    --------
    >>> import pandas as pd, netanalysis as na
    >>> posts = pd.DataFrame({"post_id": [1, 2, 3, 4], "thread_id": [1, 1, 2, 2],
    ...     "author_id": ["ann", "bob", "bob", "cy"],
    ...     "created_at": pd.date_range("2013-01-01", periods=4, freq="D")})
    >>> c = connection(na.read_forum({"posts": posts}), "ann", "cy")
    >>> c.paths
    (('ann', 'bob', 'cy'),)
    >>> c.steps[["source", "target", "posts"]].values.tolist()
    [['ann', 'bob', 1], ['bob', 'cy', 1]]
    """
    check_forum(forum)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, not {k!r}")
    k = int(k)
    if isinstance(graph, str):
        if graph != "reply":
            raise ValueError(f"graph must be 'reply' or a reply graph (InteractionGraph), not {graph!r}")
        g = reply_graph(forum)
    elif isinstance(graph, InteractionGraph):
        if graph.kind != "reply":
            raise ValueError(f"graph must be a reply graph of the forum (kind 'reply'), not kind {graph.kind!r}")
        g = graph
    else:
        raise TypeError(f"graph must be 'reply' or an InteractionGraph, not {type(graph).__name__}")
    time_respecting, directed = bool(time_respecting), bool(directed)
    ids = forum.member_index
    a_id = ids[find_member(ids, a, what="forum")]
    b_id = ids[find_member(ids, b, what="forum")]
    words = _describe_graph(g, directed)
    opts = dict(k=k, time_respecting=time_respecting, directed=directed, graph=words)
    if a_id == b_id:
        return _empty(a_id, b_id, f"{a_id} and {b_id} are the same member", **opts)
    nodes = g.node_ids.get_indexer([a_id, b_id])
    for m, pos in zip((a_id, b_id), nodes):
        if pos < 0:
            return _empty(a_id, b_id, f"member {m} is not in the reply graph (no posts)", **opts)
    ia, ib = int(nodes[0]), int(nodes[1])

    u, v, rows, times = _reply_events(forum, g)
    if directed:
        x, y, t, ev = u, v, times, np.arange(len(u))
    else:
        x, y = np.concatenate([u, v]), np.concatenate([v, u])
        t, ev = np.concatenate([times, times]), np.concatenate([np.arange(len(u))] * 2)

    reach = _reachable(x, y, g.n_nodes, ia)
    if not reach[ib]:
        if directed and hop_distances(g, ia)[ib] < np.inf:
            why = (f"no chain of replies leads from {a_id} to {b_id} in the direction of the replies "
                   "(they are connected when direction is ignored: directed=False)")
        else:
            why = (f"{a_id} and {b_id} are in different components of the reply graph "
                   f"({int(reach.sum())} member{'s' if reach.sum() != 1 else ''} can be reached from {a_id})")
        return _empty(a_id, b_id, why, **opts)

    reason = ""
    chosen_arcs: list | None = None
    if time_respecting:
        found, fewest, stopped = _time_respecting_paths(x, y, t, g.n_nodes, ia, ib, k)
        if not found:
            return _empty(a_id, b_id, f"{a_id} and {b_id} are connected, but by no chain of replies in which "
                                      "each step is later than the one before", **opts)
        paths = [p for p, _ in found]
        chosen_arcs = [arcs for _, arcs in found]
        if len(paths) < k:
            reason = (f"{len(paths)} of the {k} paths asked for: the search stopped after {MAX_SEARCH_STEPS:,} steps"
                      if stopped else
                      f"only {len(paths)} time-respecting path{'s' if len(paths) != 1 else ''} of at most "
                      f"{min(fewest + MAX_EXTRA_HOPS, g.n_nodes - 1)} steps (the fewest possible is {fewest}, "
                      f"longer ones are not searched)")
    else:
        paths = _shortest_paths(x, y, reach, ia, ib, k, directed)
        if len(paths) < k:
            reason = f"only {len(paths)} simple path{'s' if len(paths) != 1 else ''} connect{'s' if len(paths) == 1 else ''} them"

    steps, posts = _tables(forum, g, paths, chosen_arcs, x, y, ev, u, v, rows, directed)
    node_paths = tuple(tuple(g.node_ids.take(p).tolist()) for p in paths)
    return Connection(a_id, b_id, node_paths, steps, posts, reason, k, time_respecting, directed, words)


def _reachable(x, y, n, source) -> np.ndarray:
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    adj = sp.csr_array((np.ones(len(x), dtype=np.int8), (x, y)), shape=(n, n))
    order = breadth_first_order(adj, source, directed=True, return_predecessors=False)
    reach = np.zeros(n, dtype=bool)
    reach[order] = True
    return reach


def _shortest_paths(x, y, reach, a, b, k, directed) -> list[list[int]]:
    import itertools

    import networkx as nx

    keep = reach[x] & reach[y]
    pairs = np.unique(np.stack([x[keep], y[keep]], axis=1), axis=0)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(np.flatnonzero(reach).tolist())
    G.add_edges_from(pairs.tolist())
    return [list(p) for p in itertools.islice(nx.shortest_simple_paths(G, a, b), k)]


def _tables(forum, g, paths, chosen_arcs, x, y, ev, u, v, rows, directed):
    n = g.n_nodes
    # The replies of each member pair (either direction unless directed), in time order.
    key = u * n + v if directed else np.minimum(u, v) * n + np.maximum(u, v)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    posts = forum.posts
    ids = g.node_ids
    step_rows, post_frames = [], []
    for i, path in enumerate(paths, start=1):
        for s, (p, q) in enumerate(zip(path[:-1], path[1:]), start=1):
            pk = p * n + q if directed else min(p, q) * n + max(p, q)
            lo, hi = np.searchsorted(sorted_key, [pk, pk + 1])
            events = order[lo:hi]
            chosen_event = ev[chosen_arcs[i - 1][s - 1]] if chosen_arcs is not None else -1
            rec = posts.iloc[rows[events]]
            author = ids.take(u[events])
            answered = ids.take(v[events])
            frame = pd.DataFrame({
                "path": i, "step": s,
                "post_id": rec["post_id"].to_numpy(), "thread_id": rec["thread_id"].to_numpy(),
                "created_at": rec["created_at"].reset_index(drop=True),
                "author_id": author.to_numpy(), "answered_id": answered.to_numpy(),
                "direction": [f"{w} answered {m}" for w, m in zip(author, answered)],
                "chosen": events == chosen_event,
            })
            post_frames.append(frame)
            row = {"path": i, "step": s, "source": ids[p], "target": ids[q], "posts": len(frame),
                   "threads": int(frame["thread_id"].nunique()), "first": frame["created_at"].min(),
                   "last": frame["created_at"].max(), "post_id": None, "thread_id": None, "created_at": pd.NaT,
                   "direction": None}
            if chosen_event >= 0:
                c = frame.loc[frame["chosen"]].iloc[0]
                row.update(post_id=c["post_id"], thread_id=c["thread_id"], created_at=c["created_at"],
                           direction=c["direction"])
            step_rows.append(row)
    steps = pd.DataFrame(step_rows, columns=_STEP_COLUMNS)
    posts_df = (pd.concat(post_frames, ignore_index=True) if post_frames
                else pd.DataFrame(columns=_POST_COLUMNS))
    return steps, posts_df
