"""The centrality core (stage 3): one function per measure and the panel.

Compiled numba kernels over the CSR arrays, parallel over sources, cached
on disk. :func:`centrality` computes any set of measures in one call, with
one traversal per source for the path-based ones.
"""
from .approximate import approximate_betweenness
from .betweenness import betweenness
from .closeness import closeness, harmonic
from .clustering import clustering
from .coreness import coreness
from .degree import degree, in_degree, in_strength, out_degree, out_strength, strength
from .eigenvector import eigenvector
from .hits import authority_score, hits, hub_score
from .katz import katz
from ._linear import ConvergenceError
from .pagerank import pagerank
from .panel import MEASURE_GROUPS, centrality, panel_columns
from .structural_holes import constraint, effective_size
from .communities import Communities, communities
from .elite import Elite, elite, rich_club_coefficient

__all__ = [
    "centrality", "panel_columns", "MEASURE_GROUPS",
    "degree", "in_degree", "out_degree", "strength", "in_strength", "out_strength",
    "pagerank", "eigenvector", "katz", "hits", "hub_score", "authority_score",
    "betweenness", "approximate_betweenness", "closeness", "harmonic",
    "coreness", "clustering", "constraint", "effective_size", "ConvergenceError",
    "communities", "Communities", "elite", "Elite", "rich_club_coefficient",
]
