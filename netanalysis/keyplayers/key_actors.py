"""Key actors: whom to prioritise, with the evidence and how stable it is.

The score of a member fuses three kinds of evidence, each a number in
[0, 1] that means the same in a forum of 200 or of 100,000 members:

* **role**: the ``key_score`` of :func:`~netanalysis.roles.forum_roles`,
  its evidence that the member is an admin, a moderator or a technical
  member (the key roles of the study: the management team and the
  technically skilled members), read from the behaviours that define each
  role; for a roles table without ``key_score``, the confidence of a key
  role and 0 for any other role.
* **stewardship**: the ``score_steward`` of ``forum_roles``, the reading of
  the staff that needs no subforum kind, rank or flag (came early, stays,
  active month after month, answers many members and above all those who
  came after them), as a position among the posting members.
* **structure**: the mean of the mid-rank percentiles, among the members
  who post or have an edge, of the measures of :data:`STRUCTURAL_MEASURES`
  on the graph, each one way a member holds a forum together: in-degree
  (how many distinct members answer them), out-degree (how many they
  answer), PageRank, betweenness, harmonic closeness and coreness (on an
  undirected graph, degree stands for both degrees). The measures are
  weighted equally; nothing is fitted to a forum.

``score = sum(w[part] * part) / sum(w)``; members of equal score are
ordered by their structural score, then by member order. The default
weights (:data:`DEFAULT_WEIGHTS`) are the point of a grid over the simplex
(step 0.1) whose *worst* family does best against that family's best single
structural baseline (mean over its forums and conditions of the average
precision minus that of the best of degree, PageRank, betweenness, distinct
members answered and post count), over the seven families of the
validation suite (``benchmarks/validity/run.py``: our generator, five
independent forum models and real Stack Exchange sites, each in three
conditions: full metadata, blind, half the posts lost). Judging by the
worst family rather than the mean keeps one well-fitted family from
choosing for all. ``benchmarks/VALIDITY.md`` reports every family at the weights
chosen *without* it (leave-one-family-out), which is what to expect on a
forum nobody has seen. No single kind of evidence is safe alone: the role
readings find the staff of fora shaped like the study's far better than any
centrality, but where a forum lacks the structures they read (a Q&A site
has no announcements area nor content to share) the structure and the
stewardship carry the ranking.

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

__all__ = ["key_actors", "key_actor_evidence", "structural_measures", "KEY_ROLES", "STRUCTURAL_MEASURES",
           "DEFAULT_WEIGHTS"]

#: Weights of the three kinds of evidence; chosen on the validation suite
#: over all its families (see the module docstring and benchmarks/VALIDITY.md).
DEFAULT_WEIGHTS = {"role": 0.1, "stewardship": 0.3, "structure": 0.6}
PARTS = ("role", "stewardship", "structure")

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


#: On an undirected graph (co-participation) degree stands for both degrees.
UNDIRECTED_MEASURES = {"degree": "{v:.0f} distinct partners",
                       **{k: v for k, v in STRUCTURAL_MEASURES.items() if not k.endswith("_degree")}}


def _ordinal(p: float) -> str:
    p = int(np.floor(p * 100))
    p = min(p, 99)
    suffix = "th" if 10 <= p % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(p % 10, "th")
    return f"{p}{suffix} percentile"


def _measure_words(graph: InteractionGraph) -> dict[str, str]:
    return STRUCTURAL_MEASURES if graph.directed else UNDIRECTED_MEASURES


def structural_measures(graph: InteractionGraph) -> pd.DataFrame:
    """The measures of the structural score, one column each.

    Degrees count distinct members (weights ignored), PageRank uses the
    reply counts as weights, betweenness and harmonic closeness count hops
    on the directed graph, coreness is the undirected k-core number. On an
    undirected graph the two degrees are one, ``degree``.
    """
    from ..measures import centrality

    names = list(_measure_words(graph))
    panel = centrality(graph, measures=names)
    return panel[names]


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


def _weights(weights) -> dict[str, float]:
    """The weights as a dict over :data:`PARTS` summing to 1; a number is
    a ``role_weight`` (the rest on structure)."""
    if weights is None:
        weights = DEFAULT_WEIGHTS
    if not isinstance(weights, dict):
        w = float(weights)
        if not 0 <= w <= 1:
            raise ValueError(f"role_weight must lie in [0, 1], not {weights!r}")
        weights = {"role": w, "stewardship": 0.0, "structure": 1.0 - w}
    unknown = set(weights) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown weights {sorted(unknown)}; the parts are {list(PARTS)}")
    w = {p: float(weights.get(p, 0.0)) for p in PARTS}
    if any(v < 0 or not np.isfinite(v) for v in w.values()) or sum(w.values()) <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum, not {weights!r}")
    total = sum(w.values())
    return {p: v / total for p, v in w.items()}


def _mid_percentiles(df: pd.DataFrame, among: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of every value among the rows ``among`` (share
    strictly below plus half the share tied, the convention of
    :func:`netanalysis.roles._features.below_share`); 0 outside ``among``."""
    from ..roles._features import below_share

    values = df.to_numpy(dtype=np.float64)
    mid = [(below_share(v, among) + 1.0 - below_share(-v, among)) / 2 for v in values.T]
    return np.where(among[:, None], np.column_stack(mid) if mid else values, 0.0)


def key_actor_evidence(forum: Forum, graph: InteractionGraph, roles: pd.DataFrame,
                       panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """The three kinds of evidence behind each key-actor score.

    Returns a DataFrame indexed by member id (every member) with columns
    ``role``, ``stewardship`` and ``structure``, each in [0, 1] (see the
    module docstring); :func:`key_actors` ranks by their weighted mean.
    """
    return _parts(forum, graph, roles, panel)[0]


def _parts(forum: Forum, graph: InteractionGraph, roles: pd.DataFrame, panel: pd.DataFrame | None = None):
    members = forum.members["member_id"]
    words = _measure_words(graph)
    if panel is None or not set(words) <= set(panel.columns):
        panel = structural_measures(graph)
    measures = panel[list(words)].reindex(members, fill_value=0.0)
    pct = _percentiles(measures)
    posts = np.bincount(forum.post_arrays.author, minlength=len(members))
    # Percentiles among the members who take part (post, or have an edge):
    # among all members, the many who never post would put every poster high.
    active = (posts > 0) | (measures.to_numpy() > 0).any(axis=1)
    structure = _mid_percentiles(measures, active).mean(axis=1) if len(words) else np.zeros(len(members))
    r = roles.reindex(members)
    steward = r["score_steward"].fillna(0.0).to_numpy() if "score_steward" in r.columns else np.zeros(len(members))
    parts = pd.DataFrame({"role": _role_part(r), "stewardship": steward, "structure": structure},
                         index=members.to_numpy())
    return parts, measures, pct, r


def _scores(forum: Forum, graph: InteractionGraph, roles: pd.DataFrame, weights=None,
            panel: pd.DataFrame | None = None):
    parts, measures, pct, r = _parts(forum, graph, roles, panel)
    w = _weights(weights)
    score = sum(w[p] * parts[p].to_numpy() for p in PARTS)
    structure = parts["structure"].rename("structure")
    return pd.Series(score, index=parts.index, name="score"), structure, measures, pct, r


def _evidence(member, measures, pct, roles) -> str:
    parts = []
    role = roles.at[member, "role"]
    if pd.notna(role):
        conf = roles.at[member, "confidence"]
        parts.append(f"role {role} (confidence {conf:.2f})")
        why = roles.at[member, "evidence"] if "evidence" in roles.columns else None
        if isinstance(why, str) and why:
            parts.append(why)
    words = {**STRUCTURAL_MEASURES, **UNDIRECTED_MEASURES}
    top = pct.loc[member].sort_values(ascending=False).index[:3]
    for m in top:
        parts.append(f"{words[m].format(v=measures.at[member, m])} ({_ordinal(pct.at[member, m])})")
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
    weights: dict | None = None,
    role_weight: float | None = None,
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
        The centrality panel of ``graph`` (:func:`netanalysis.measures.centrality`
        with its default options) when already computed; its columns of the
        structural score are used instead of computing them again.
    weights : dict, optional
        Weights of the three kinds of evidence, ``{"role": ..., "stewardship":
        ..., "structure": ...}`` (normalised to sum 1; a part left out weighs
        0); :data:`DEFAULT_WEIGHTS` by default (see the module docstring for
        how they were chosen).
    role_weight : float in [0, 1], optional
        A shortcut for ``weights={"role": role_weight, "structure": 1 -
        role_weight}``: 1 ranks by the role evidence alone, 0 by structure
        alone. Give ``weights`` or ``role_weight``, not both.
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

    if weights is not None and role_weight is not None:
        raise ValueError("give weights or role_weight, not both")
    w = _weights(role_weight if role_weight is not None else weights)
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top!r}")
    graph = reply_graph(forum) if graph is None else graph
    roles = forum_roles(forum, graph=graph) if roles is None else roles
    score, structure, measures, pct, r = _scores(forum, graph, roles, w, panel)
    chosen = _top(score, top, structure)

    stability = pd.Series(np.nan, index=chosen)
    if stability_repeats > 0:
        hits = pd.Series(0, index=chosen)
        rng = np.random.default_rng(seed)
        for child in rng.integers(0, 2**63 - 1, size=stability_repeats):
            part = subsample(forum, stability_removed, seed=int(child))
            g = _like(graph, part)
            hits += chosen.isin(_resample_top(part, g, forum_roles(part, graph=g), w,
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
                  weights, top: int) -> pd.Index:
    """The members of the top list of a resample (their order does not
    matter to ``stability``).

    With all the weight on the role evidence the structural score only breaks ties, so it
    decides who is in the list only when the ``top``-th and the next score
    are equal; otherwise the list is read off the role evidence alone,
    without the six measures (exact betweenness on every resample is most
    of the time of ``key_actors``)."""
    w = _weights(weights)
    if w["role"] == 1.0:
        members = forum.members["member_id"]
        score = _role_part(roles.reindex(members))
        if len(score) <= top:
            return pd.Index(members)
        cut = np.partition(-score, (top - 1, top))
        if cut[top - 1] < cut[top]:  # strictly higher than every member left out
            return pd.Index(members.to_numpy()[score >= -cut[top - 1]])
    s, st, *_ = _scores(forum, graph, roles, w)
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
