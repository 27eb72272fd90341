"""Disruption curves: one line per strategy, from the table of
:func:`~netanalysis.keyplayers.disruption.disrupt`.

matplotlib is imported only when a plot is drawn, so the library does not
need it otherwise.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["plot_disruption"]

_LABELS = {
    "lcc_share": "largest component (share of all members)",
    "n_components": "number of components",
    "fragmentation": "fragmentation F (Borgatti 2006)",
    "efficiency": "global efficiency (Latora & Marchiori 2001)",
}


def plot_disruption(df: pd.DataFrame, measure: str = "lcc_share", *, x: str = "fraction_removed",
                    band: str | None = "quantiles", ax=None):
    """Draw one curve of ``measure`` against ``x`` per strategy.

    Parameters
    ----------
    df : pandas.DataFrame
        The table returned by ``disrupt``.
    measure : str
        ``"lcc_share"``, ``"n_components"``, ``"fragmentation"`` or
        ``"efficiency"``.
    x : {"fraction_removed", "removed"}
        Horizontal axis.
    band : {"quantiles", "std", None}
        Spread of strategies with repeats (``"random"``): the 5%-95% quantile
        band, mean +- one standard deviation, or nothing. Deterministic
        strategies have no band.
    ax : matplotlib Axes, optional
        Drawn into a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> from netanalysis.keyplayers.disruption import disrupt
    >>> g = InteractionGraph(sp.diags_array([1.0] * 5, offsets=1, shape=(6, 6)), list("abcdef"))
    >>> df = disrupt(g, ["random", "degree"], steps=3, seed=1, repeats=5)
    >>> ax = plot_disruption(df, "lcc_share")
    >>> [line.get_label() for line in ax.get_lines()]
    ['random', 'degree']
    """
    import matplotlib.pyplot as plt

    if measure not in _LABELS:
        raise ValueError(f"measure must be one of {tuple(_LABELS)}, not {measure!r}")
    if x not in ("fraction_removed", "removed"):
        raise ValueError("x must be 'fraction_removed' or 'removed'")
    if band not in ("quantiles", "std", None):
        raise ValueError("band must be 'quantiles', 'std' or None")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    for strategy, rows in df.groupby("strategy", sort=False):
        rows = rows.sort_values(x)
        line, = ax.plot(rows[x], rows[measure], marker="o", markersize=3, label=str(strategy))
        if band is not None and (rows["repeats"] > 1).any():
            if band == "quantiles":
                lo, hi = rows[f"{measure}_q05"], rows[f"{measure}_q95"]
            else:
                lo = rows[measure] - rows[f"{measure}_std"]
                hi = rows[measure] + rows[f"{measure}_std"]
            ax.fill_between(rows[x], lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel("share of members removed" if x == "fraction_removed" else "members removed")
    ax.set_ylabel(_LABELS[measure])
    ax.legend(title="strategy")
    return ax
