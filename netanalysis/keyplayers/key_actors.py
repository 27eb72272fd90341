r"""Key actors: whom to prioritise, with the evidence and how stable it is.

The score of a member joins two experts. The first is a weighted sum of
**rank evidence**, one term per behaviour of ``KEY_ACTOR_EVIDENCE``: what
they do (posts, months active, days between first and last post, members
answered, members who came after them answered, ...), where they sit in the
graph (PageRank, betweenness, harmonic closeness, coreness) and what role
detection reads in them (``key_score``, ``score_admin``,
``score_moderator``, ``score_technical``, ``score_steward`` of
:func:`~netanalysis.forum_roles`). The second is role detection's own
ranking (``key_score``), which is trusted with a share ``ROLE_SHARE`` of
the score where its reading of the forum is *plausible* (see "The score").

Rank evidence
-------------
A behaviour counts by the member's *rank* on it among the members who take
part (post, or have an edge in the graph), never by its raw value, so that
it means the same in a forum of 200 or of 100,000 members:

.. math::

    e_j(v) = \ln \frac{n}{r_j(v)}, \qquad
    r_j(v) = \#\{u : x_{uj} > x_{vj}\} + \frac{\#\{u : x_{uj} = x_{vj}\} + 1}{2},

over the ``n`` taking part (``r`` is the mid-rank from the top: ties share
it). The first of 1,000 members gets ``ln 1000 = 6.9``, the tenth 4.6, the
median member 0.7: the logarithm lets the top few percent stand apart, which
is where key actors are, while a plain percentile would put the 1st and the
30th of 1,000 members 3 points apart. Members who take no part get 0.
``entry_position`` counts the other way (early entry is the evidence).

The score
---------
The evidence sum ``S(v) = sum_j w_j e_j(v)`` and role detection's
``key_score`` each count by the member's rank on them, on a scale of 0 to
1 (``q = ln((n + 1) / r) / ln(n + 1)``: 1 for the first of the ``n``
members taking part, above 0 for the last), and

.. math::

    \mathrm{score}(v) = (1 - a)\, q_S(v) + a\, q_{\mathrm{key}}(v), \qquad
    a = \mathtt{ROLE\_SHARE} \text{ if the key roles read are plausible, else } 0,

in [0, 1]. Role detection's reading is *plausible* when it gives a key
role to at least ``PLAUSIBLE_KEY_MEMBERS`` and at most
``PLAUSIBLE_KEY_SHARE`` of the posting members: where it finds one key
member, or calls a tenth of the forum staff, its taxonomy does not fit the
forum (a Q&A site, a help desk read without its categories) and the
behaviours and the graph carry the ranking alone; where it fits, it finds
the staff of fora shaped like the study's far better than any behaviour
or centrality. Mixing ranks, not raw scores, keeps the two experts on one
scale whatever the forum. The weights ``KEY_ACTOR_MODEL`` are non-negative
(every behaviour is evidence *for*, and none can count against a member,
which keeps every rank explainable) and are **fitted**, not set by hand:
on the seven families of the validation suite (``benchmarks/validity/``:
our generator, five independent forum models written by other mechanisms,
six real Stack Exchange sites; each in three conditions: full metadata,
blind, half the posts lost) by a listwise ranking loss (ListNet top-one
probability, Cao et al. 2007: ``-log`` of the softmax, over the forum's
members, of the true key actors' scores), every forum weighing the same in
its family and every family the same, with an L2 penalty whose strength was
chosen by nested leave-one-family-out; ``ROLE_SHARE`` and
``PLAUSIBLE_KEY_SHARE`` are chosen from small grids the same way (the
values whose mean average precision over the families, each left out in
turn, is highest). ``benchmarks/VALIDITY.md`` reports each family at the
parameters chosen *without* it: what to expect on a forum nobody has seen.

No single kind of evidence is safe alone: the role readings find the staff
of fora shaped like the study's far better than any centrality, but where a
forum lacks the structures they read (a Q&A site has no announcements
area nor content to share) the behaviours and the graph carry the ranking.

``stability`` is the share of ``stability_repeats`` resamples (each removing
``stability_removed`` of the posts at random, as a crawl or a seizure might
miss them) in which the member is again in the top list: a rank that does
not survive losing a fifth of the data should not decide an investigation.

References
----------
Cao, Z., Qin, T., Liu, T.-Y., Tsai, M.-F., Li, H. (2007). Learning to rank:
from pairwise approach to listwise approach. ICML, 129-136.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..forum import Forum
from ..forum.slicing import subsample
from ..graphs import InteractionGraph, reply_graph

__all__ = ["key_actors", "key_actor_evidence", "structural_measures", "KEY_ROLES", "KEY_ACTOR_EVIDENCE",
           "KEY_ACTOR_MODEL", "BEHAVIOURS", "METADATA", "GRAPH_MEASURES", "ROLE_EVIDENCE", "ROLE_SHARE",
           "PLAUSIBLE_KEY_MEMBERS", "PLAUSIBLE_KEY_SHARE"]

from ..roles.forum_roles import KEY_ROLES  # noqa: E402  (one definition of the key roles)

#: Behaviours read from the records (:func:`netanalysis.roles._features.member_features`).
BEHAVIOURS = {
    "posts": "{v:.0f} posts",
    "threads_started": "opened {v:.0f} threads",
    "months_active": "active {v:.0f} months",
    "tenure_days": "in the forum for {v:.0f} days",
    "activity_span_days": "posted over {v:.0f} days",
    "months_present": "posted or wrote private messages in {v:.0f} months",
    "answered_members": "answered {v:.0f} distinct members",
    "answered_by": "answered by {v:.0f} distinct members",
    "answered_later": "answered {v:.0f} distinct members who joined after them",
    "threads_answered": "answered in {v:.0f} threads of others",
    "messages": "{v:.0f} private messages",
    "message_partners": "private messages with {v:.0f} members",
    "entry_position": "entered at {v:.0%} of the forum's life",
}
#: Metadata, where the records hold it (a crawl or a seizure often does
#: not: then every member ties and the term changes no order).
METADATA = {
    "rank_level": "rank level {v:.0f}",
    "is_staff": "marked as staff ({v:.0f})",
}
#: Measures on the graph (:func:`structural_measures`).
GRAPH_MEASURES = {
    "pagerank": "PageRank {v:.2g}",
    "betweenness": "betweenness {v:.2g}",
    "harmonic": "harmonic closeness {v:.3g}",
    "coreness": "in the {v:.0f}-core",
}
#: Readings of role detection (columns of :func:`~netanalysis.forum_roles`).
ROLE_EVIDENCE = {
    "key_score": "key-role evidence {v:.2f}",
    "score_admin": "management reading {v:.2f}",
    "score_moderator": "moderator reading {v:.2f}",
    "score_technical": "technical reading {v:.2f}",
    "score_steward": "stewardship reading {v:.2f}",
}
#: A plausible reading names at least this many key members: the study's
#: fora had management teams of 1 to 5 besides their moderators and
#: technical members (domain notes, Table 1), so fewer than three key
#: members in all means the staff were not found.
PLAUSIBLE_KEY_MEMBERS = 3
#: Every behaviour of the score, with the words of the evidence.
KEY_ACTOR_EVIDENCE = {**BEHAVIOURS, **METADATA, **GRAPH_MEASURES, **ROLE_EVIDENCE}
#: Behaviours where a low value is the evidence.
_LOWER_IS_EVIDENCE = ("entry_position",)

#: The model fitted on all seven families of the validation suite
#: (``benchmarks/validity/run.py``, which writes it to
#: ``benchmarks/validity/model.json``; a test checks that the two agree):
#: the weights of the rank evidence (L2 penalty ``KEY_ACTOR_PENALTY``;
#: behaviours of ``KEY_ACTOR_EVIDENCE`` left out were fitted at 0), the
#: share of the score given to role detection's ranking where its reading
#: is plausible, and the largest share of the posting members a plausible
#: reading may call key. ``benchmarks/VALIDITY.md`` reports each family at
#: the parameters chosen without it.
KEY_ACTOR_MODEL = {
    "posts": 0.0477,
    "months_active": 0.0649,
    "tenure_days": 0.0902,
    "activity_span_days": 0.0759,
    "months_present": 0.0913,
    "answered_members": 0.0467,
    "answered_by": 0.0258,
    "answered_later": 0.0621,
    "threads_answered": 0.0618,
    "messages": 0.0994,
    "message_partners": 0.096,
    "entry_position": 0.0347,
    "rank_level": 0.0215,
    "is_staff": 0.0035,
    "pagerank": 0.0355,
    "betweenness": 0.0634,
    "harmonic": 0.0347,
    "coreness": 0.0466,
    "key_score": 0.1383,
    "score_admin": 0.1016,
    "score_moderator": 0.1262,
    "score_technical": 0.1401,
    "score_steward": 0.06,
}
KEY_ACTOR_PENALTY = 3.0
ROLE_SHARE = 0.75
PLAUSIBLE_KEY_SHARE = 0.025


def structural_measures(graph: InteractionGraph) -> pd.DataFrame:
    """The graph measures of the score (``GRAPH_MEASURES``), one column
    each: PageRank with the reply counts as weights, betweenness and
    harmonic closeness counting hops, coreness on the undirected graph.
    """
    from ..measures import centrality

    names = list(GRAPH_MEASURES)
    return centrality(graph, measures=names)[names]


def _log_rank(values: np.ndarray, among: np.ndarray, scale: float | None = None) -> np.ndarray:
    """``ln(n / r)``, ``r`` the mid-rank from the top among the ``n``
    members of ``among`` (NaN is the lowest value), ``n`` replaced by
    ``scale`` when given; 0 outside ``among``."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=-np.inf)
    ref = np.sort(v[among])
    n = len(ref)
    if n == 0:
        return np.zeros(len(v))
    above = n - np.searchsorted(ref, v, side="right")
    tied = np.searchsorted(ref, v, side="right") - np.searchsorted(ref, v, side="left")
    return np.where(among, np.log((n if scale is None else scale) / (above + (tied + 1) / 2)), 0.0)


def _rank_score(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """``q = ln((n + 1) / r) / ln(n + 1)``, ``r`` the mid-rank from the top
    among the ``n`` members of ``among``: 1 for the first, above 0 for the
    last (who still takes part); 0 outside ``among``."""
    n = int(among.sum())
    return _log_rank(values, among, n + 1) / np.log(n + 1) if n else np.zeros(len(values))


def _weights(weights) -> dict[str, float]:
    """The weights as a dict over ``KEY_ACTOR_EVIDENCE`` (a behaviour
    left out weighs 0), checked."""
    w = dict(KEY_ACTOR_MODEL if weights is None else weights)
    unknown = set(w) - set(KEY_ACTOR_EVIDENCE)
    if unknown:
        raise ValueError(f"unknown weights {sorted(unknown)}; the behaviours are {list(KEY_ACTOR_EVIDENCE)}")
    w = {k: float(v) for k, v in w.items() if v != 0}
    if any(v < 0 or not np.isfinite(v) for v in w.values()) or not w:
        raise ValueError(f"weights must be non-negative and finite, at least one positive, not {weights!r}")
    return w


def _values(forum: Forum, graph: InteractionGraph, roles: pd.DataFrame, names, panel=None) -> tuple:
    """Raw values of the behaviours ``names`` (rows follow
    ``forum.members``) and the mask of the members who take part."""
    from ..roles._features import member_features

    members = forum.members["member_id"]
    out = {}
    if set(names) & (set(BEHAVIOURS) | set(METADATA)):
        feats = member_features(forum)
        for name in (*BEHAVIOURS, *METADATA):
            if name in names:
                out[name] = feats[name].to_numpy(dtype=np.float64)
    edge = np.zeros(len(members), dtype=bool)
    if graph.n_nodes:
        a = graph.adjacency
        degree = np.diff(a.indptr) + np.bincount(a.indices, minlength=a.shape[0])
        edge = pd.Series(degree > 0, index=graph.node_ids).reindex(members, fill_value=False).to_numpy()
    if set(names) & set(GRAPH_MEASURES):
        if panel is None or not set(GRAPH_MEASURES) <= set(panel.columns):
            panel = structural_measures(graph)
        g = panel[list(GRAPH_MEASURES)].reindex(members, fill_value=0.0)
        for name in GRAPH_MEASURES:
            if name in names:
                out[name] = g[name].to_numpy(dtype=np.float64)
    r = roles.reindex(members)
    posts = np.bincount(forum.post_arrays.author, minlength=len(members))
    for name in ROLE_EVIDENCE:
        if name in names:
            out[name] = (r[name].astype(float).fillna(0.0).to_numpy() if name in r.columns
                         else _role_part(r) if name == "key_score" else np.zeros(len(members)))
    return pd.DataFrame(out, index=members.to_numpy())[[n for n in KEY_ACTOR_EVIDENCE if n in names]], \
        (posts > 0) | edge


def plausible_reading(roles: pd.DataFrame, posting: int, share: float | None = None) -> bool:
    """Whether role detection's reading of a forum is plausible: it gives
    a key role to at least ``PLAUSIBLE_KEY_MEMBERS`` members and at most
    ``share`` (``PLAUSIBLE_KEY_SHARE`` by default) of the ``posting``
    members.

    Examples
    --------
    >>> import pandas as pd
    >>> roles = pd.DataFrame({"role": ["admin", "moderator", "technical"] + ["regular"] * 197})
    >>> plausible_reading(roles, posting=200), plausible_reading(roles, posting=100, share=0.02)
    (True, False)
    """
    share = PLAUSIBLE_KEY_SHARE if share is None else share
    if "role" not in roles.columns:
        return False
    n_key = int(roles["role"].isin(KEY_ROLES).sum())
    return bool(PLAUSIBLE_KEY_MEMBERS <= n_key <= share * posting)


def _role_part(roles: pd.DataFrame) -> np.ndarray:
    """For a roles table without ``key_score``: the confidence of a key role."""
    return np.where(roles["role"].isin(KEY_ROLES), roles["confidence"].astype(float).fillna(0.0), 0.0)


def key_actor_evidence(forum: Forum, graph: InteractionGraph, roles: pd.DataFrame,
                       panel: pd.DataFrame | None = None, behaviours=None) -> pd.DataFrame:
    """The rank evidence of every behaviour of the key-actor score.

    Returns a DataFrame indexed by member id (every member) with one column
    per behaviour of ``KEY_ACTOR_EVIDENCE`` (or of ``behaviours``):
    ``ln(n / r)``, ``r`` the member's mid-rank from the top among the ``n``
    members who post or have an edge (0 for the others; see the module
    docstring). :func:`key_actors` ranks by its weighted sum.

    Examples
    --------
    >>> import synthetic, netanalysis as na
    >>> forum, truth = synthetic.generate_forum("tiny", seed=1)
    >>> g = na.reply_graph(forum)
    >>> ev = key_actor_evidence(forum, g, na.forum_roles(forum, graph=g))
    >>> bool((ev >= 0).all().all()), list(ev.columns[:3])
    (True, ['posts', 'threads_started', 'months_active'])
    """
    return _evidence_table(forum, graph, roles, panel, behaviours)[0]


def _evidence_table(forum, graph, roles, panel=None, behaviours=None):
    names = list(KEY_ACTOR_EVIDENCE) if behaviours is None else list(behaviours)
    values, active = _values(forum, graph, roles, names, panel)
    ev = {}
    for name in values.columns:
        v = values[name].to_numpy()
        ev[name] = _log_rank(-v if name in _LOWER_IS_EVIDENCE else v, active)
    return pd.DataFrame(ev, index=values.index), values, active


def _scores(forum: Forum, graph: InteractionGraph, roles: pd.DataFrame, weights=None,
            panel: pd.DataFrame | None = None, role_share: float | None = None):
    """The score of every member (see the module docstring), the weighted
    evidence of each behaviour, their raw values, the mask of the members
    taking part and the share ``a`` given to role detection's ranking."""
    w = _weights(weights)
    share = _role_share(role_share, weights)
    ev, values, active = _evidence_table(forum, graph, roles, panel, list(w))
    coef = np.array([w[c] for c in ev.columns])
    score = _rank_score(ev.to_numpy() @ coef, active)
    a = 0.0
    if share > 0 and plausible_reading(roles.reindex(values.index), int(
            (np.bincount(forum.post_arrays.author, minlength=len(values)) > 0).sum())):
        a = share
        key = _values(forum, graph, roles, ["key_score"])[0]["key_score"].to_numpy()
        score = (1.0 - a) * score + a * _rank_score(key, active)
    return (pd.Series(np.clip(score, 0.0, 1.0), index=ev.index, name="score"), ev * coef, values, active, a)


def _role_share(role_share, weights) -> float:
    """``ROLE_SHARE`` for the library's model, 0 for weights of one's own
    (``{"betweenness": 1}`` is betweenness alone), unless given."""
    if role_share is None:
        return ROLE_SHARE if weights is None else 0.0
    if not 0.0 <= role_share <= 1.0:
        raise ValueError(f"role_share must lie in [0, 1], not {role_share!r}")
    return float(role_share)


def _evidence(member, contributions, values, active, roles) -> str:
    from ..roles._features import below_share
    from ..roles.forum_roles import _ordinal

    parts = []
    role = roles.at[member, "role"] if "role" in roles.columns else None
    if pd.notna(role):
        conf = roles.at[member, "confidence"]
        parts.append(f"role {role} (confidence {conf:.2f})")
        why = roles.at[member, "evidence"] if "evidence" in roles.columns else None
        if isinstance(why, str) and why:
            parts.append(why)
    row = contributions.loc[member]
    for name in row[row > 0].sort_values(ascending=False).index[:3]:
        v = values[name].to_numpy()
        i = values.index.get_loc(member)
        share = below_share(-v if name in _LOWER_IS_EVIDENCE else v, active)[i]
        parts.append(f"{KEY_ACTOR_EVIDENCE[name].format(v=v[i])} "
                     f"({_ordinal(np.array([share]))[0]} percentile among active members)")
    return "; ".join(parts)


def _top(score: pd.Series, top: int) -> pd.Index:
    # Ties broken by member order, so that the list is reproducible.
    order = np.lexsort((np.arange(len(score)), -score.to_numpy()))
    return score.index[order[:top]]


def key_actors(
    forum: Forum,
    top: int = 50,
    *,
    graph: InteractionGraph | None = None,
    roles: pd.DataFrame | None = None,
    panel: pd.DataFrame | None = None,
    weights: dict | None = None,
    role_share: float | None = None,
    stability_repeats: int = 10,
    stability_removed: float = 0.2,
    seed=0,
    evidence: bool = True,
    resample_measures=None,
) -> pd.DataFrame:
    """Rank the members who hold the forum together.

    Parameters
    ----------
    forum : Forum
    top : int
        Length of the ranked list.
    graph : InteractionGraph, optional
        The graph of the structural measures; the reply graph
        (``reply_graph(forum)``) by default.
    roles : DataFrame, optional
        The output of :func:`~netanalysis.forum_roles`, computed when
        not given. A roles table of one's own needs ``role`` and
        ``confidence``; its missing ``score_*`` columns count as no evidence.
    panel : DataFrame, optional
        The centrality panel of ``graph`` (:func:`netanalysis.centrality`
        with its default options) when already computed; its columns of
        ``GRAPH_MEASURES`` are used instead of computing them again.
    weights : dict, optional
        Weight of each behaviour of ``KEY_ACTOR_EVIDENCE`` (non-negative;
        a behaviour left out weighs 0); ``KEY_ACTOR_MODEL`` by default
        (fitted on the validation suite, see the module docstring).
        ``{"key_score": 1}`` ranks by the role evidence alone,
        ``{"betweenness": 1}`` by betweenness alone.
    role_share : float, optional
        Share of the score given to role detection's ranking where its
        reading of the forum is plausible (see the module docstring):
        ``ROLE_SHARE`` with the library's weights, 0 with weights of one's
        own (so that ``{"betweenness": 1}`` is betweenness alone).
    stability_repeats, stability_removed : int, float
        Resamples for ``stability`` and the share of posts each removes;
        ``stability_repeats=0`` leaves ``stability`` empty (NaN).
    seed : int or None
        Seed of the resampling.
    evidence : bool, default True
        Write the ``evidence`` column; ``False`` leaves it empty (None),
        for rankings of every member where only the order is wanted.
    resample_measures : callable, optional
        ``graph -> DataFrame`` of the ``GRAPH_MEASURES`` columns (indexed
        by member id) for the graph of each stability resample, computed
        the way ``panel`` was, so that a caller who estimated a measure
        for ``panel`` does not have each resample compute it exactly
        (``netanalysis analyze`` above its size limit passes betweenness
        estimated with a guarantee); default :func:`structural_measures`.

    Returns
    -------
    DataFrame
        One row per ranked member, best first: ``rank`` (1 = first),
        ``member_id``, ``score`` (in [0, 1]: the share of the largest
        evidence possible), ``role`` (from role detection), ``evidence``
        (the role and its evidence, then the three behaviours that weigh
        most in the member's score, in words) and ``stability`` (share of
        resamples in which the member is again in the top list). Members of
        equal score are ordered as in ``forum.members``. ``attrs["role_share"]``
        is the share of the score given to role detection's ranking in this
        forum (0 where its reading is not plausible).

    Examples
    --------
    >>> import synthetic
    >>> forum, truth = synthetic.generate_forum("tiny", seed=1)
    >>> ranked = key_actors(forum, top=5, stability_repeats=2)
    >>> list(ranked.columns)
    ['rank', 'member_id', 'score', 'role', 'evidence', 'stability']
    >>> ranked["rank"].tolist()
    [1, 2, 3, 4, 5]
    """
    from ..roles import forum_roles

    w = _weights(weights)
    share = _role_share(role_share, weights)
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top!r}")
    if stability_repeats < 0:
        raise ValueError(f"stability_repeats must be at least 0, not {stability_repeats!r}")
    if not 0 < stability_removed < 1:
        raise ValueError(f"stability_removed must lie in (0, 1), not {stability_removed!r}")
    graph = reply_graph(forum) if graph is None else graph
    roles = forum_roles(forum, graph=graph) if roles is None else roles
    score, contributions, values, active, a = _scores(forum, graph, roles, w, panel, share)
    chosen = _top(score, top)
    r = roles.reindex(score.index)

    stability = pd.Series(np.nan, index=chosen)
    if stability_repeats > 0:
        hits = pd.Series(0, index=chosen)
        rng = np.random.default_rng(seed)
        for child in rng.integers(0, 2**63 - 1, size=stability_repeats):
            part = subsample(forum, stability_removed, seed=int(child))
            g = _like(graph, part)
            measured = None if resample_measures is None else resample_measures(g)
            s, *_ = _scores(part, g, forum_roles(part, graph=g), w, panel=measured, role_share=share)
            hits += chosen.isin(_top(s, top)).astype(int)
        stability = hits / stability_repeats

    ranked = pd.DataFrame({
        "rank": np.arange(1, len(chosen) + 1),
        "member_id": chosen.to_numpy(),
        "score": score.loc[chosen].to_numpy(),
        "role": r.loc[chosen, "role"].to_numpy() if "role" in r.columns else None,
        "evidence": ([_evidence(m, contributions, values, active, r) for m in chosen] if evidence
                     else [None] * len(chosen)),
        "stability": stability.to_numpy(dtype=float),
    })
    ranked.attrs["role_share"] = a
    return ranked


def _like(graph: InteractionGraph, forum: Forum) -> InteractionGraph:
    """The graph of the same kind and options, rebuilt from ``forum``."""
    from ..graphs import coparticipation_graph, message_graph

    meta = dict(graph.meta)
    if graph.kind == "reply":
        return reply_graph(forum, rule=meta.get("rule", "auto"), max_gap=meta.get("max_gap"))
    if graph.kind == "coparticipation":
        return coparticipation_graph(forum, weighting=meta.get("weighting", "count"))
    if graph.kind == "message":
        return message_graph(forum)
    return reply_graph(forum)
