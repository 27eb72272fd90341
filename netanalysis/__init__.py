"""netanalysis: structural analysis of online-forum interaction networks.

Data flow one way: records (:mod:`netanalysis.forum`) -> graphs
(:mod:`netanalysis.graphs`) -> measures (:mod:`netanalysis.measures`) ->
roles and key actors (:mod:`netanalysis.roles`, :mod:`netanalysis.keyplayers`)
-> reports (:mod:`netanalysis.report`, the command line).

Every public function and result type is reachable here, as ``na.NAME``
after ``import netanalysis as na``::

    forum = na.read_forum("path/to/dataset")
    g = na.reply_graph(forum)
    panel = na.centrality(g, measures=["pagerank", "betweenness"])
    ranked = na.key_actors(forum)

The names are loaded lazily (PEP 562): ``import netanalysis`` imports
neither pandas, scipy nor numba, and the subpackage that defines a name is
imported the first time the name is used. Constants and helpers that are
not part of the top-level namespace (``MEASURE_GROUPS``, ``KEY_ROLES``,
``REPLY_RULES``...) stay in their subpackages.
"""
from __future__ import annotations

import importlib

# name -> module that defines it (imported on first access).
_RECORDS = "netanalysis.forum"
_GRAPHS = "netanalysis.graphs"
_MEASURES = "netanalysis.measures"
_ROLES = "netanalysis.roles"
_KEYPLAYERS = "netanalysis.keyplayers"
_EVALUATE = "netanalysis.evaluate"
_TEMPORAL = "netanalysis.temporal"
_REPORT = "netanalysis.report.analyze"

_LAZY: dict[str, str] = {
    # records
    **dict.fromkeys([
        "read_forum", "read_stackexchange", "read_database", "write_forum", "pseudonymize", "read_key", "subsample",
        "Forum", "PostArrays", "ForumDataError", "Problem", "ValidationReport",
    ], _RECORDS),
    # graphs
    **dict.fromkeys([
        "InteractionGraph", "reply_graph", "answered_posts", "coparticipation_graph", "message_graph",
        "combined_graph", "affiliation_matrix", "Affiliation", "to_networkx", "to_igraph",
        "from_networkx", "from_igraph", "from_edgelist", "LargeGraphWarning",
        "ego_network", "connection", "Connection", "link_forums", "LinkedFora", "IdentifierCollisionWarning",
    ], _GRAPHS),
    # measures: the panel and each measure
    **dict.fromkeys([
        "centrality", "panel_columns",
        "degree", "in_degree", "out_degree", "strength", "in_strength", "out_strength",
        "pagerank", "eigenvector", "katz", "hits", "hub_score", "authority_score",
        "betweenness", "approximate_betweenness", "closeness", "harmonic",
        "coreness", "clustering", "constraint", "effective_size", "ConvergenceError",
        "communities", "Communities", "elite", "Elite", "rich_club_coefficient",
    ], _MEASURES),
    # roles
    **dict.fromkeys([
        "forum_roles", "structural_roles", "StructuralRoles", "refex_features",
        "brokerage", "core_periphery", "CorePeriphery",
    ], _ROLES),
    # key actors, key-player sets, disruption, stability
    **dict.fromkeys([
        "key_actors", "key_actor_evidence", "structural_measures", "stability",
        "key_player_set", "key_player_score", "KeyPlayerResult", "sample_size",
        "disrupt", "plot_disruption",
    ], _KEYPLAYERS),
    # over time
    **dict.fromkeys(["activity_trajectories", "fit_trajectories", "Trajectories",
                     "rolling", "emergence", "succession", "Emergence",
                     "temporal_reach", "TemporalReach"], _TEMPORAL),
    # evaluation metrics
    **dict.fromkeys([
        "precision_at_k", "recall_at_k", "average_precision", "roc_auc", "role_report", "RoleReport",
    ], _EVALUATE),
    # the report
    **dict.fromkeys(["analyze", "Analysis", "check_parameters"], _REPORT),
    **dict.fromkeys(["member_profile", "MemberProfile"], "netanalysis.report.member"),
    "MultiAnalysis": "netanalysis.report.multiforum",
    # the Dask backend: the module itself, callable (with na.distributed(client):)
    "distributed": "netanalysis.distributed",
}

__all__ = [*_LAZY, "__version__"]


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("netanalysis")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def __getattr__(name: str):
    """Import the subpackage that defines ``name`` (PEP 562) and cache the
    value in this module's namespace."""
    if name == "__version__":
        value = _package_version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'netanalysis' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
