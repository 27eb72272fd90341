"""netanalysis: structural analysis of online-forum interaction networks.

Data flow one way: records (:mod:`netanalysis.forum`) -> graphs
(:mod:`netanalysis.graphs`) -> measures (:mod:`netanalysis.centrality`) ->
roles and key actors (:mod:`netanalysis.roles`, :mod:`netanalysis.keyplayers`)
-> reports (:mod:`netanalysis.report`, the command line).
"""
from importlib.metadata import PackageNotFoundError, version as _version

from .forum import Forum, ForumDataError, ValidationReport, pseudonymize, read_forum, write_forum
from .graphs import InteractionGraph

try:
    __version__ = _version("netanalysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["read_forum", "write_forum", "pseudonymize", "Forum", "ForumDataError", "ValidationReport", "InteractionGraph", "__version__"]
