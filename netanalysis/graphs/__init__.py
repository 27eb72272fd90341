"""Interaction graphs built from a forum (stage 2: records -> graphs).

One-mode graphs (:class:`InteractionGraph`): :func:`reply_graph` (public
replies), :func:`coparticipation_graph` (shared threads),
:func:`message_graph` (private messages) and :func:`combined_graph` (a sum of
layers). Two-mode: :func:`affiliation_matrix` (member x thread or member x
subforum post counts). Converters to and from networkx, igraph and edge
lists are in :mod:`netanalysis.graphs.convert`.
"""
from .affiliation import AFFILIATION_LEVELS, Affiliation, affiliation_matrix
from .convert import from_edgelist, from_igraph, from_networkx, to_igraph, to_networkx
from .coparticipation import COPARTICIPATION_WEIGHTINGS, LargeGraphWarning, coparticipation_graph
from .interaction_graph import InteractionGraph
from .messages import LAYERS, combined_graph, message_graph
from .reply import REPLY_RULES, answered_posts, reply_graph
from ._common import NODE_SETS
from .ego import ego_network
from .paths import Connection, connection
from .multiforum import IdentifierCollisionWarning, LinkedFora, link_forums

__all__ = [
    "InteractionGraph",
    "reply_graph",
    "answered_posts",
    "coparticipation_graph",
    "message_graph",
    "combined_graph",
    "affiliation_matrix",
    "Affiliation",
    "to_networkx",
    "to_igraph",
    "from_networkx",
    "from_igraph",
    "from_edgelist",
    "REPLY_RULES",
    "COPARTICIPATION_WEIGHTINGS",
    "LargeGraphWarning",
    "LAYERS",
    "AFFILIATION_LEVELS",
    "NODE_SETS",
    "ego_network",
    "connection",
    "Connection",
    "link_forums",
    "LinkedFora",
    "IdentifierCollisionWarning",
]
