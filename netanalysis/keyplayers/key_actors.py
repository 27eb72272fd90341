"""Key actors: whom to prioritise, with the evidence and how stable it is.

The score of a member combines two independent kinds of evidence:

* **structure**: the mean within-forum percentile of six measures on the
  reply graph, each standing for one way a member holds a forum together:
  in-degree (how many distinct members answer them), out-degree (how many
  distinct members they answer), PageRank (being answered by those who are
  answered), betweenness (lying on the paths between others), harmonic
  centrality (being close to everyone) and coreness (sitting in the dense
  core). Percentiles, not raw values, so that no measure dominates by its
  scale and the score means the same in a forum of 200 or of 100,000
  members. The measures are weighted equally: nothing is fitted to a forum.
* **role**: the ``key_score`` of :func:`~netanalysis.roles.forum_roles`, its
  evidence in [0, 1] that the member is an admin, a moderator or a technical
  member (the key roles of the study: the management team and the
  technically skilled members); for a roles table without ``key_score``, the
  confidence of a key role and 0 for any other role.

``score = role_weight * role + (1 - role_weight) * structure``; members of
equal score are ordered by their structural score. The default
``role_weight = 1.0`` is the value that the evaluation
(``benchmarks/eval_keyactors.py``, figures in ``benchmarks/KEYACTORS.md``)
found best on average over every preset and difficulty, not on one forum:
every added share of the structural score lowered precision@k and average
precision, because centralities rank the busiest sharers of content as high
as the staff (the study's point: those who hold a forum together are not
simply its most connected members). The structural percentiles still order
ties, give the evidence of every rank, and can be weighted in by choice.

``stability`` is the share of ``stability_repeats`` resamples (each removing
``stability_removed`` of the posts at random, as a crawl or a seizure might
miss them) in which the member is again in the top list: a rank that does
not survive losing a fifth of the data should not decide an investigation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..forum import Forum
from ..forum.slicing import subsample
from ..graphs import InteractionGraph, reply_graph

__all__ = ["key_actors", "structural_measures", "KEY_ROLES", "STRUCTURAL_MEASURES"]

#: The roles that make a member a key actor (Table 1 study: management team
#: and technically skilled members; moderators run the hierarchy with them).
KEY_ROLES = ("admin", "technical", "moderator")

#: Measures of the structural score, with the words used in the evidence.
STRUCTURAL_MEASURES = {
    "in_degree": "answered by {v:.0f} distinct members",
    "out_degree": "answered {v:.0f} distinct members",
    "pagerank": "PageRank {v:.2g}",
    "betweenness": "betweenness {v:.2g}",
    "harmonic": "harmonic closeness {v:.3g}",
    "coreness": "in the {v:.0f}-core",
}


def _ordinal(p: float) -> str:
    p = int(np.floor(p * 100))
    p = min(p, 99)
    suffix = "th" if 10 <= p % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(p % 10, "th")
    return f"{p}{suffix} percentile"


def structural_measures(graph: InteractionGraph) -> pd.DataFrame:
    """The six measures of the structural score, one column each.

    Degrees count distinct members (weights ignored), PageRank uses the
    reply counts as weights, betweenness and harmonic closeness count hops
    on the directed graph, coreness is the undirected k-core number.
    """
    from ..centrality import centrality

    panel = centrality(graph, measures=list(STRUCTURAL_MEASURES))
    return panel[list(STRUCTURAL_MEASURES)]


def _percentiles(df: pd.DataFrame) -> pd.DataFrame:
    """Share of members with a strictly lower value (ties share the lower
    rank, so that the many members with value 0 all get percentile 0)."""
    return df.rank(method="min", pct=False).sub(1).div(max(len(df) - 1, 1))


def _role_part(roles: pd.DataFrame) -> np.ndarray:
    """The role evidence of each row of ``roles`` (aligned to the members)."""
    if "key_score" in roles.columns:
        return roles["key_score"].fillna(0.0).to_numpy()
    # a roles table of one's own: the confidence of a key role
    return np.where(roles["role"].isin(KEY_ROLES), roles["confidence"].fillna(0.0), 0.0)


def _scores(forum: Forum, graph: InteractionGraph, roles: pd.DataFrame, role_weight: float,
            panel: pd.DataFrame | None = None):
    members = forum.members["member_id"]
    if panel is None or not set(STRUCTURAL_MEASURES) <= set(panel.columns):
        panel = structural_measures(graph)
    measures = panel[list(STRUCTURAL_MEASURES)].reindex(members, fill_value=0.0)
    pct = _percentiles(measures)
    structure = pct.mean(axis=1)
    r = roles.reindex(members)
    role_part = _role_part(r)
    score = role_weight * role_part + (1 - role_weight) * structure.to_numpy()
    structure = pd.Series(structure.to_numpy(), index=members.to_numpy(), name="structure")
    return pd.Series(score, index=members.to_numpy(), name="score"), structure, measures, pct, r


def _evidence(member, measures, pct, roles) -> str:
    parts = []
    role = roles.at[member, "role"]
    if pd.notna(role):
        conf = roles.at[member, "confidence"]
        parts.append(f"role {role} (confidence {conf:.2f})")
        why = roles.at[member, "evidence"] if "evidence" in roles.columns else None
        if isinstance(why, str) and why:
            parts.append(why)
    top = pct.loc[member].sort_values(ascending=False).index[:3]
    for m in top:
        parts.append(f"{STRUCTURAL_MEASURES[m].format(v=measures.at[member, m])} ({_ordinal(pct.at[member, m])})")
    return "; ".join(parts)


def _top(score: pd.Series, top: int, structure: pd.Series | None = None) -> pd.Index:
    # Ties broken by the structural score, then by member order, so that the
    # list is reproducible.
    tie = np.zeros(len(score)) if structure is None else -structure.to_numpy()
    order = np.lexsort((np.arange(len(score)), tie, -score.to_numpy()))
    return score.index[order[:top]]


def key_actors(
    forum: Forum,
    top: int = 50,
    *,
    graph: InteractionGraph | None = None,
    roles: pd.DataFrame | None = None,
    panel: pd.DataFrame | None = None,
    role_weight: float = 1.0,
    stability_repeats: int = 10,
    stability_removed: float = 0.2,
    seed=0,
    evidence: bool = True,
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
        The output of :func:`~netanalysis.roles.forum_roles`, computed when
        not given.
    panel : DataFrame, optional
        The centrality panel of ``graph`` (:func:`netanalysis.centrality.centrality`
        with its default options) when already computed; its columns of the
        structural score are used instead of computing them again.
    role_weight : float in [0, 1]
        Weight of the role evidence against the structural evidence (see the
        module docstring for how the default was chosen).
    stability_repeats, stability_removed : int, float
        Resamples for ``stability`` and the share of posts each removes;
        ``stability_repeats=0`` leaves ``stability`` empty (NaN).
    seed : int or None
        Seed of the resampling.
    evidence : bool, default True
        Write the ``evidence`` column; ``False`` leaves it empty (None),
        for rankings of every member where only the order is wanted (the
        words take most of the time of a ranking of 100,000 members).

    Returns
    -------
    DataFrame
        One row per ranked member, best first: ``rank`` (1 = first),
        ``member_id``, ``score`` (in [0, 1]), ``role`` (from role
        detection), ``evidence`` (the role's evidence and the three
        measures with the highest percentiles, in words) and ``stability``
        (share of resamples in which the member is again in the top list).

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

    if not 0 <= role_weight <= 1:
        raise ValueError(f"role_weight must lie in [0, 1], not {role_weight!r}")
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top!r}")
    graph = reply_graph(forum) if graph is None else graph
    roles = forum_roles(forum, graph=graph) if roles is None else roles
    score, structure, measures, pct, r = _scores(forum, graph, roles, role_weight, panel)
    chosen = _top(score, top, structure)

    stability = pd.Series(np.nan, index=chosen)
    if stability_repeats > 0:
        hits = pd.Series(0, index=chosen)
        rng = np.random.default_rng(seed)
        for child in rng.integers(0, 2**63 - 1, size=stability_repeats):
            part = subsample(forum, stability_removed, seed=int(child))
            g = _like(graph, part)
            hits += chosen.isin(_resample_top(part, g, forum_roles(part, graph=g), role_weight,
                                              top)).astype(int)
        stability = hits / stability_repeats

    return pd.DataFrame({
        "rank": np.arange(1, len(chosen) + 1),
        "member_id": chosen.to_numpy(),
        "score": score.loc[chosen].to_numpy(),
        "role": r.loc[chosen, "role"].to_numpy(),
        "evidence": ([_evidence(m, measures, pct, r) for m in chosen] if evidence
                     else [None] * len(chosen)),
        "stability": stability.to_numpy(dtype=float),
    })


def _resample_top(forum: Forum, graph: InteractionGraph, roles: pd.DataFrame,
                  role_weight: float, top: int) -> pd.Index:
    """The members of the top list of a resample (their order does not
    matter to ``stability``).

    With ``role_weight = 1`` the structural score only breaks ties, so it
    decides who is in the list only when the ``top``-th and the next score
    are equal; otherwise the list is read off the role evidence alone,
    without the six measures (exact betweenness on every resample is most
    of the time of ``key_actors``)."""
    if role_weight == 1.0:
        members = forum.members["member_id"]
        score = _role_part(roles.reindex(members))
        if len(score) <= top:
            return pd.Index(members)
        cut = np.partition(-score, (top - 1, top))
        if cut[top - 1] < cut[top]:  # strictly higher than every member left out
            return pd.Index(members.to_numpy()[score >= -cut[top - 1]])
    s, st, *_ = _scores(forum, graph, roles, role_weight)
    return _top(s, top, st)


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
