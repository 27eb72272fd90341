"""The ``networkx.backend_info`` entry point: what networkx shows of the
backend (in each function's docstring, its "Backends" section) before the
backend is loaded.

networkx calls :func:`get_info` while it is imported, so this module
imports nothing but the standard library.
"""
from __future__ import annotations

__all__ = ["FUNCTIONS", "get_info"]

_COMMON = ("Falls back to networkx (``can_run`` False, or ``NotImplementedError`` "
           "before any work) for what it does not compute exactly; see "
           "netanalysis's docs/nx_backend.md.")

#: networkx function name -> what the backend runs it on, and when it
#: leaves the call to networkx.
FUNCTIONS: dict[str, str] = {
    "betweenness_centrality": (
        "Brandes' algorithm, compiled and parallel over sources, with leaves folded "
        "exactly. ``k`` with a ``random.Random`` seed draws the sources networkx draws. "
        "Networkx runs: a callable weight; weights that are not positive finite numbers; "
        "k not in [1, n); a seed that is not a random.Random."),
    "betweenness_centrality_subset": (
        "Brandes with source and target node weights (Brandes 2008). Networkx runs: a "
        "callable weight; weights not positive finite; a source not in G; sources or "
        "targets given as one-shot iterators."),
    "closeness_centrality": (
        "One compiled traversal per node (incoming distances, as networkx). Networkx runs: "
        "``u`` given (one node: networkx's single traversal is the faster); a callable "
        "distance; lengths not positive finite."),
    "harmonic_centrality": (
        "One compiled traversal per node. Networkx runs: ``sources`` given; ``nbunch`` a "
        "one-shot iterator; a callable distance; lengths not positive finite."),
    "pagerank": (
        "Power iteration as networkx's (same start, stopping rule and iterations). "
        "Networkx runs: ``nstart`` given; a personalization or dangling vector that is not "
        "finite, non-negative with a positive sum over G; negative or non-finite weights."),
    "eigenvector_centrality": (
        "Power iteration on A.T + I as networkx's. Networkx runs: ``nstart`` given; a graph "
        "without a cycle (the empty graph included); negative or non-finite weights."),
    "katz_centrality": (
        "Iteration x <- alpha A.T x + beta as networkx's. Networkx runs: ``nstart`` given; "
        "alpha not positive, or at or above 1 / lambda_max; negative or non-finite weights."),
    "hits": (
        "Power iteration on A.T A (networkx uses ARPACK's svds): both are iterative, equal "
        "to within ``tol`` when the top singular value is simple. Networkx runs: "
        "``nstart`` given; ``normalized=False``; no edges; no convergence within "
        "max_iter x min(n, 20) products."),
    "core_number": (
        "Batagelj-Zaversnik bucket algorithm, compiled. Networkx runs (and raises): "
        "graphs with self-loops."),
    "clustering": (
        "One compiled pass over the triangles (Fagiolo on directed graphs, Onnela with a "
        "weight). Networkx runs: weights not positive finite; ``nodes`` a one-shot iterator."),
    "constraint": (
        "Burt's constraint from one compiled pass over the triangles. Networkx runs: "
        "multigraphs; self-loops; weights not positive finite; ``nodes`` not an iterable "
        "of nodes of G."),
    "effective_size": (
        "Burt's effective size from one compiled pass over the triangles. Networkx runs: "
        "as for constraint."),
    "degree_centrality": (
        "Degrees from the converted graph (parallel edges and self-loops counted as "
        "networkx counts them)."),
}


def get_info() -> dict:
    """The backend's metadata in networkx's ``backend_info`` format.

    Returns
    -------
    dict
        ``backend_name``, ``project``, ``package``, ``short_summary`` and ``functions`` (networkx function name ->
        ``{"additional_docs": ...}``), as networkx's backend documentation
        describes them.

    Examples
    --------
    >>> info = get_info()
    >>> info["backend_name"], "pagerank" in info["functions"]
    ('netanalysis', True)
    """
    return {
        "backend_name": "netanalysis",
        "project": "netanalysis",
        "package": "netanalysis",
        "short_summary": "Compiled (numba) centrality core of netanalysis; exact, "
                         "or networkx runs. " + _COMMON,
        "functions": {name: {"additional_docs": docs} for name, docs in FUNCTIONS.items()},
    }
