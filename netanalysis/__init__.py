"""netanalysis: structural analysis of online-forum interaction networks.

Data flow one way: records (:mod:`netanalysis.forum`) -> graphs
(:mod:`netanalysis.graphs`) -> measures (:mod:`netanalysis.measures`) ->
roles and key actors (:mod:`netanalysis.roles`, :mod:`netanalysis.keyplayers`)
-> reports (:mod:`netanalysis.report`, the command line).
"""
from importlib.metadata import PackageNotFoundError, version as _version

from .forum import (
    Forum, ForumDataError, ValidationReport, pseudonymize, read_forum, read_stackexchange, subsample, write_forum,
)
from .graphs import (
    Affiliation, InteractionGraph, affiliation_matrix, answered_posts, combined_graph,
    coparticipation_graph, from_edgelist, from_igraph, from_networkx, message_graph, reply_graph,
    to_igraph, to_networkx,
)

try:
    __version__ = _version("netanalysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    # records
    "read_forum", "read_stackexchange", "write_forum", "pseudonymize", "subsample", "Forum", "ForumDataError",
    "ValidationReport",
    # graphs
    "InteractionGraph", "reply_graph", "coparticipation_graph", "message_graph", "combined_graph",
    "affiliation_matrix", "Affiliation", "answered_posts", "to_networkx", "to_igraph", "from_networkx",
    "from_igraph", "from_edgelist",
    "__version__",
]
