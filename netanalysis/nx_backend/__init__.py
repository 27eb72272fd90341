"""netanalysis as a networkx backend: networkx's own functions, run by the
compiled centrality core.

Installed with netanalysis, the backend is registered with networkx through
the ``networkx.backends`` and ``networkx.backend_info`` entry points, so that
code written for networkx runs unchanged::

    import networkx as nx
    bc = nx.betweenness_centrality(G, backend="netanalysis")   # one call

    nx.config.backend_priority.algos = ["netanalysis"]          # every call
    bc = nx.betweenness_centrality(G)                           # now dispatched

or, for a whole program, ``NETWORKX_BACKEND_PRIORITY=netanalysis``.

The backend implements 13 of networkx's functions (``FUNCTIONS``) with
networkx's exact semantics and returns what networkx returns (dicts keyed by
the graph's node objects). Where an option or a graph is outside what it
computes exactly, its ``can_run`` says so, or the function raises
``NotImplementedError`` before touching anything, and networkx runs its own
implementation instead (with ``backend="netanalysis"`` given explicitly,
networkx raises that ``NotImplementedError`` to the caller rather than fall
back). The rules, function by function, are in ``docs/nx_backend.md``.

Modules:

* ``_info``: the ``networkx.backend_info`` metadata (read by
  ``import networkx``: this package and it import nothing heavy);
* ``graph``: :class:`~netanalysis.nx_backend.graph.NetanalysisGraph`, the
  converted graph, and the conversions to and from networkx;
* ``interface``: :class:`~netanalysis.nx_backend.interface.BackendInterface`,
  the object networkx dispatches to (``can_run``, ``should_run``, the
  conversions and the functions).

Importing this package imports neither numpy, scipy nor numba; the measures
(and their compiled kernels, loaded from numba's disk cache) are imported by
the first dispatched call.
"""
from __future__ import annotations

from ._info import FUNCTIONS, get_info

__all__ = ["FUNCTIONS", "get_info", "BackendInterface", "NetanalysisGraph"]


def __getattr__(name: str):
    # PEP 562: the interface (numpy, scipy) only when asked for.
    if name == "BackendInterface":
        from .interface import BackendInterface
        return BackendInterface
    if name == "NetanalysisGraph":
        from .graph import NetanalysisGraph
        return NetanalysisGraph
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
