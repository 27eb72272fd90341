"""Helpers shared by the measures: results as Series, weights as lengths."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from ..graphs import InteractionGraph

__all__ = ["as_series", "edge_lengths", "DISTANCES"]

DISTANCES = ("inverse", "hops")


def as_series(graph: InteractionGraph, values: np.ndarray, name: str) -> pd.Series:
    """A float Series of one value per node, indexed by member id."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (graph.n_nodes,):
        raise AssertionError(f"{name}: {values.shape} values for {graph.n_nodes} nodes")
    return pd.Series(values, index=graph.node_ids.copy(), name=name)


def edge_lengths(graph: InteractionGraph, distance: str | Callable = "hops") -> np.ndarray | None:
    """The length of each stored edge, aligned with ``graph.adjacency.data``.

    Interaction weights are strengths (more replies = closer), so a path-based
    measure needs a rule that turns a weight into a length:

    * ``"hops"``: every edge has length 1 and weights are ignored; returns
      ``None`` so that kernels can use breadth-first search.
    * ``"inverse"``: length ``1 / weight`` (Newman 2001; Opsahl et al. 2010
      with alpha = 1), so a pair with many interactions is close.
    * a callable ``f(weights) -> lengths`` applied to the array of weights; it
      must return finite positive lengths.
    """
    w = graph.adjacency.data
    if isinstance(distance, str):
        if distance == "hops":
            return None
        if distance == "inverse":
            return 1.0 / w
        raise ValueError(f"distance must be one of {DISTANCES} or a callable, not {distance!r}")
    if not callable(distance):
        raise TypeError(f"distance must be one of {DISTANCES} or a callable")
    lengths = np.asarray(distance(w.copy()), dtype=np.float64)
    if lengths.shape != w.shape:
        raise ValueError("distance callable must return one length per edge")
    if not np.all(np.isfinite(lengths)) or (lengths <= 0).any():
        raise ValueError("distance callable must return finite positive lengths")
    return lengths
