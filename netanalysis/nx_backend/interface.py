"""The object networkx dispatches to: :class:`BackendInterface`.

Each function has networkx's signature and semantics and returns what
networkx returns: dicts keyed by the graph's node objects with Python
floats (ints for ``core_number``), in ``G``'s node order. It translates
networkx's conventions into netanalysis's public measures, never the other
way:

* weights: networkx reads the ``weight`` (``distance``) attribute of a path
  measure as a *length*; netanalysis's measures read weights as strengths
  and take ``distance=lambda w: w`` to use them as lengths. Edges without
  the attribute weigh 1, as in networkx. A multigraph's parallel edges count
  as networkx counts them: the shortest for path lengths, their sum for the
  spectral measures (networkx's ``to_scipy_sparse_array``), their number
  for degrees.
* options with a different default or meaning in netanalysis (Katz's
  ``alpha``, betweenness's ``normalized``, PageRank's personalisation over a
  subset of nodes, Katz's ``beta`` as a mapping) are passed explicitly in
  netanalysis's terms.
* errors: networkx's ``PowerIterationFailedConvergence`` where the two
  iterations are the same (PageRank, eigenvector, Katz); everything
  netanalysis would refuse or compute differently (an undefined
  eigenvector, Katz's alpha above ``1 / lambda_max``, a HITS iteration that
  has not converged) is an :class:`~netanalysis.nx_backend.graph.Unsupported`
  (``NotImplementedError``) raised before any result, so networkx computes
  the call itself.

``can_run`` refuses, from the arguments alone, the options the backend does
not implement (``nstart``, callable weights, ``closeness_centrality``'s
``u``...), and arguments it would have to consume to look at (one-shot
iterators of nodes). ``should_run`` is always true: the results are the same
either way, and the conversion is cached on the graph.

``CALLS`` and ``DECLINED`` count, per function, the calls the backend
computed and those it left to networkx, and ``DECLINE_LOG`` lists each
declined call with its reason (tests and the conformance run read them).
"""
from __future__ import annotations

import functools
import inspect
import math
import random
from collections import Counter
from collections.abc import Iterator, Mapping
from numbers import Integral, Real

from .graph import NetanalysisGraph, Unsupported, convert_from_nx, convert_to_nx

__all__ = ["BackendInterface", "CALLS", "DECLINED", "DECLINE_LOG"]

#: function name -> number of calls computed by netanalysis.
CALLS: Counter = Counter()
#: function name -> number of calls left to networkx (``can_run`` False or
#: ``Unsupported`` raised).
DECLINED: Counter = Counter()
#: ``(function name, reason)`` of every declined call, in order.
DECLINE_LOG: list = []


def _decline(name: str, reason: str) -> str:
    DECLINED[name] += 1
    DECLINE_LOG.append((name, reason))
    return reason


def _declined(name: str, reason: str):
    _decline(name, reason)
    exc = Unsupported(f"netanalysis backend does not compute this call of {name}: {reason}")
    exc.logged = True
    return exc


def _logged(func):
    """Count and log an ``Unsupported`` raised inside ``func`` (by the
    conversion's weight checks, say) as a decline of ``func``."""
    @functools.wraps(func)
    def run(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Unsupported as exc:
            if not getattr(exc, "logged", False):
                _decline(func.__name__, str(exc))
                exc.logged = True
            raise
    return run


def _lengths(G: NetanalysisGraph, weight):
    """The view and ``distance`` for a path measure with networkx's
    ``weight``/``distance`` argument (None: hops)."""
    if weight is None:
        return G.interaction(None, "count"), "hops"
    return G.interaction(weight, "length"), _as_lengths


def _as_lengths(w):
    """Weights read as lengths, as networkx reads them."""
    return w


def _spectral(G: NetanalysisGraph, weight):
    """The view for PageRank, eigenvector, Katz, HITS: weights summed over
    parallel edges, every edge 1 without a weight."""
    if weight is None:
        return G.interaction(None, "count")
    return G.interaction(weight, "linear")


def _has_leaf(view) -> bool:
    """Whether some node has exactly one neighbour (direction and
    self-loops ignored): a leaf the betweenness folding removes."""
    import numpy as np
    import scipy.sparse as sp

    adj = view.adjacency
    pattern = sp.csr_array((np.ones(adj.nnz), adj.indices, adj.indptr), shape=adj.shape)
    pattern = (pattern + pattern.T).tocsr()
    pattern.setdiag(0)
    pattern.eliminate_zeros()
    return bool((np.diff(pattern.indptr) == 1).any())


def _as_dict(G: NetanalysisGraph, values) -> dict:
    return dict(zip(G.nodes, values.tolist()))


def _nbunch(G: NetanalysisGraph, nbunch) -> list:
    """The nodes of networkx's ``G.nbunch_iter(nbunch)``: all nodes for
    None, one node, or those of an iterable that are in G."""
    if nbunch is None:
        return list(G.nodes)
    if nbunch in G:
        return [nbunch]
    try:
        return [v for v in nbunch if v in G.index]
    except TypeError as exc:  # not iterable, or an unhashable member: networkx raises
        raise Unsupported(f"nbunch: {exc}") from exc


def _power_failed(max_iter):
    import networkx as nx

    return nx.PowerIterationFailedConvergence(max_iter)


def _graph_of(args, kwargs):
    return args[0] if args else kwargs.get("G")


# -- the functions -----------------------------------------------------------------

def betweenness_centrality(G, k=None, normalized=True, weight=None, endpoints=False, seed=None):
    """networkx's ``betweenness_centrality`` on
    :func:`netanalysis.measures.betweenness`.

    ``k = len(G)`` is the exact value without a draw (networkx's shortcut,
    which leaves ``seed`` untouched); otherwise ``seed`` (the
    ``random.Random`` networkx's ``py_random_state`` made of it) draws
    ``seed.sample(range(n), k)``, the positions of the nodes networkx's
    ``seed.sample(list(G), k)`` draws.
    """
    from ..measures import betweenness

    n = len(G)
    if k is not None and k == n:
        k = None
    view, distance = _lengths(G, weight)
    # netanalysis 0.1.0's leaf folding fails (a numpy casting error in
    # measures/_paths.py) on a directed graph without a leaf when endpoints
    # are counted; folding only saves time, so it is skipped there
    prune = not (endpoints and view.directed and not _has_leaf(view))
    CALLS["betweenness_centrality"] += 1
    values = betweenness(view, distance=distance, normalized=bool(normalized),
                         endpoints=bool(endpoints), k=k, seed=seed if k is not None else 0,
                         prune=prune)
    return _as_dict(G, values.to_numpy())


def betweenness_centrality_subset(G, sources, targets, normalized=False, weight=None):
    """networkx's ``betweenness_centrality_subset`` on
    :func:`netanalysis.measures.betweenness` with ``sources``/``targets``.

    Sources are taken as listed (a repeated source counts twice, as in
    networkx's loop); targets as a set, members not in G ignored (networkx's
    ``set(targets)``).
    """
    from ..measures import betweenness

    try:
        src = [G.index[s] for s in sources]
    except (KeyError, TypeError) as exc:  # networkx raises on a source not in G
        raise _declined("betweenness_centrality_subset", f"source not in G: {exc}") from exc
    try:
        target_set = set(targets)
    except TypeError as exc:
        raise _declined("betweenness_centrality_subset", f"targets: {exc}") from exc
    tgt = [G.index[t] for t in target_set if t in G]
    view, distance = _lengths(G, weight)
    CALLS["betweenness_centrality_subset"] += 1
    values = betweenness(view, distance=distance, normalized=bool(normalized), sources=src,
                         targets=tgt)
    return _as_dict(G, values.to_numpy())


def closeness_centrality(G, u=None, distance=None, wf_improved=True):
    """networkx's ``closeness_centrality`` (all nodes) on
    :func:`netanalysis.measures.closeness` (incoming distances)."""
    from ..measures import closeness

    view, dist = _lengths(G, distance)
    CALLS["closeness_centrality"] += 1
    values = closeness(view, distance=dist, wf_improved=bool(wf_improved))
    return _as_dict(G, values.to_numpy())


def harmonic_centrality(G, nbunch=None, distance=None, sources=None):
    """networkx's ``harmonic_centrality`` (all sources) on
    :func:`netanalysis.measures.harmonic`; ``nbunch`` selects the nodes
    returned, as ``set(G.nbunch_iter(nbunch))``."""
    from ..measures import harmonic

    nodes = None if nbunch is None else set(_nbunch(G, nbunch))
    view, dist = _lengths(G, distance)
    CALLS["harmonic_centrality"] += 1
    values = harmonic(view, distance=dist).to_numpy().tolist()
    if nodes is None:
        return dict(zip(G.nodes, values))
    return {v: values[G.index[v]] for v in nodes}


def _distribution(G: NetanalysisGraph, mapping, name: str, what: str):
    """networkx's ``[mapping.get(n, 0) for n in G]`` as a Series on the
    positions, if it is a distribution netanalysis normalises as networkx
    does (finite, non-negative, positive sum); else Unsupported."""
    import numpy as np
    import pandas as pd

    try:
        vec = np.array([mapping.get(v, 0) for v in G.nodes], dtype=np.float64)
    except (TypeError, ValueError, AttributeError) as exc:
        raise _declined(name, f"{what}: {exc}") from exc
    if not np.all(np.isfinite(vec)) or (vec < 0).any() or not vec.sum() > 0:
        raise _declined(name, f"{what} is not finite and non-negative with a positive sum over G")
    return pd.Series(vec, index=pd.RangeIndex(len(vec)))


def pagerank(G, alpha=0.85, personalization=None, max_iter=100, tol=1.0e-6, nstart=None,
             weight="weight", dangling=None):
    """networkx's ``pagerank`` on :func:`netanalysis.measures.pagerank`
    (the same power iteration: uniform start, stop below ``n * tol``)."""
    from ..measures import ConvergenceError
    from ..measures import pagerank as na_pagerank

    if len(G) == 0:
        return {}
    p = None if personalization is None else _distribution(G, personalization, "pagerank",
                                                           "personalization")
    d = None if dangling is None else _distribution(G, dangling, "pagerank", "dangling")
    view = _spectral(G, weight)
    CALLS["pagerank"] += 1
    try:
        values = na_pagerank(view, alpha=float(alpha), personalization=p, dangling=d, weighted=True,
                             tol=tol, max_iter=max_iter)
    except ConvergenceError:
        raise _power_failed(max_iter) from None
    return _as_dict(G, values.to_numpy())


def eigenvector_centrality(G, max_iter=100, tol=1.0e-6, nstart=None, weight=None):
    """networkx's ``eigenvector_centrality`` on
    :func:`netanalysis.measures.eigenvector` (the iteration
    ``x <- (A.T + I) x``, normalised, from the uniform vector)."""
    from ..measures import ConvergenceError, eigenvector

    view = _spectral(G, weight if weight else None)
    from ..measures._linear import has_cycle

    if len(G) == 0 or not has_cycle(view.adjacency, view.directed):
        # networkx raises on the empty graph and iterates on an acyclic one;
        # netanalysis refuses both
        raise _declined("eigenvector_centrality", "no cycle (or no node)")
    CALLS["eigenvector_centrality"] += 1
    try:
        values = eigenvector(view, weighted=True, tol=tol, max_iter=max_iter)
    except ConvergenceError:
        raise _power_failed(max_iter) from None
    return _as_dict(G, values.to_numpy())


def katz_centrality(G, alpha=0.1, beta=1.0, max_iter=1000, tol=1.0e-6, nstart=None, normalized=True,
                    weight=None):
    """networkx's ``katz_centrality`` on :func:`netanalysis.measures.katz`,
    with networkx's ``alpha`` passed explicitly (netanalysis's default is
    ``0.5 / lambda_max``)."""
    import numpy as np

    from ..measures import ConvergenceError, katz

    if len(G) == 0:
        return {}
    try:
        b = float(beta)
    except (TypeError, ValueError, AttributeError):
        if not isinstance(beta, Mapping) or set(beta) != set(G.nodes):
            raise _declined("katz_centrality", "beta is neither a number nor a mapping "
                            "with a value for every node") from None
        try:
            b = np.array([beta[v] for v in G.nodes], dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise _declined("katz_centrality", f"beta: {exc}") from exc
    view = _spectral(G, weight)
    try:
        values = katz(view, alpha=float(alpha), beta=b, weighted=True, normalized=bool(normalized),
                      tol=tol, max_iter=max_iter)
    except ValueError as exc:
        # alpha at or above 1 / lambda_max: networkx iterates (and fails, or
        # converges when beta misses the cycles); let it
        raise _declined("katz_centrality", str(exc)) from exc
    except ConvergenceError:
        CALLS["katz_centrality"] += 1
        raise _power_failed(max_iter) from None
    CALLS["katz_centrality"] += 1
    return _as_dict(G, values.to_numpy())


#: ARPACK's Lanczos basis size for one singular vector (scipy's ``svds``
#: default ``ncv = min(n, max(2k + 1, 20))``): one of networkx's HITS
#: iterations is about this many products, so the power iteration is
#: allowed ``max_iter`` times as many.
_ARPACK_NCV = 20


def hits(G, max_iter=100, tol=1.0e-8, nstart=None, normalized=True):
    """networkx's ``hits`` (``normalized=True``) on
    :func:`netanalysis.measures.hits`.

    networkx computes the top singular vectors with ARPACK (``svds``, a
    random start); netanalysis by the power iteration on ``A.T A`` from the
    uniform vector, stopping when the L1 change of the sum-1 authority
    vector is below ``tol``, within ``max_iter * min(n, 20)`` products
    (ARPACK's basis size times its restarts). Both approximate the same
    vectors to about ``tol`` when the top singular value is simple; when
    it is not (e.g. two identical components), networkx's answer depends on
    its random start and netanalysis's is the deterministic projection of
    the uniform vector. A power iteration that does not converge leaves the
    call to networkx.
    """
    from ..measures import ConvergenceError
    from ..measures import hits as na_hits

    n = len(G)
    if n == 0:
        CALLS["hits"] += 1
        return {}, {}
    view = G.interaction("weight", "linear")
    if view.adjacency.nnz == 0:
        raise _declined("hits", "no edge of positive weight")
    try:
        frame = na_hits(view, weighted=True, tol=tol, max_iter=int(max_iter) * min(n, _ARPACK_NCV))
    except ConvergenceError as exc:
        raise _declined("hits", str(exc)) from exc
    CALLS["hits"] += 1
    return _as_dict(G, frame["hub"].to_numpy()), _as_dict(G, frame["authority"].to_numpy())


def core_number(G):
    """networkx's ``core_number`` on :func:`netanalysis.measures.coreness`
    (``mode="all"``: in- plus out-degree on a directed graph)."""
    from ..measures import coreness

    if G.has_selfloops:
        raise _declined("core_number", "self-loops (networkx refuses them)")
    CALLS["core_number"] += 1
    values = coreness(G.interaction(None, "count"), mode="all").to_numpy()
    return dict(zip(G.nodes, values.astype(int).tolist()))


def clustering(G, nodes=None, weight=None):
    """networkx's ``clustering`` on :func:`netanalysis.measures.clustering`
    (``weighting="onnela"`` with a weight; Fagiolo's directed coefficient
    on a directed graph)."""
    from ..measures import clustering as na_clustering

    if weight is None:
        view, weighting = G.interaction(None, "count"), None
    else:
        view, weighting = G.interaction(weight, "length"), "onnela"
    wanted = None if nodes is None or nodes in G else _nbunch(G, nodes)
    CALLS["clustering"] += 1
    values = na_clustering(view, weighting=weighting).to_numpy().tolist()
    # networkx gives the int 0 where a node has no triangle
    values = [0 if v == 0 else v for v in values]
    if nodes is not None and nodes in G:
        return values[G.index[nodes]]
    if wanted is None:
        return dict(zip(G.nodes, values))
    return {v: values[G.index[v]] for v in wanted}


def _structural_hole(name: str, G, nodes, weight):
    from ..measures import constraint, effective_size

    if G.has_selfloops:
        raise _declined(name, "self-loops (networkx's matrix and per-node formulas differ there)")
    if nodes is not None:
        try:
            wanted = [(v, G.index[v]) for v in nodes]
        except (KeyError, TypeError) as exc:  # networkx raises
            raise _declined(name, f"nodes: {exc}") from exc
    view = G.interaction(None, "count") if weight is None else G.interaction(weight, "length")
    CALLS[name] += 1
    measure = constraint if name == "constraint" else effective_size
    values = measure(view, weighted=weight is not None).to_numpy().tolist()
    if nodes is None:
        return dict(zip(G.nodes, values))
    if G.directed:
        # networkx's per-node path (nodes given) tests "no neighbour" on
        # G[v], the successors of a directed graph: NaN for a node without
        # out-edges even when it has in-edges
        import numpy as np

        no_successor = np.diff(view.adjacency.indptr) == 0
        return {v: math.nan if no_successor[i] else values[i] for v, i in wanted}
    return {v: values[i] for v, i in wanted}


def constraint(G, nodes=None, weight=None):
    """networkx's ``constraint`` on :func:`netanalysis.measures.constraint`."""
    return _structural_hole("constraint", G, nodes, weight)


def effective_size(G, nodes=None, weight=None):
    """networkx's ``effective_size`` on
    :func:`netanalysis.measures.effective_size`."""
    return _structural_hole("effective_size", G, nodes, weight)


def degree_centrality(G):
    """networkx's ``degree_centrality``: ``G.degree`` (parallel edges each
    counted, a self-loop twice) times ``1 / (n - 1)``, from
    :func:`netanalysis.measures.strength` of the edge counts."""
    from ..measures import strength

    n = len(G)
    CALLS["degree_centrality"] += 1
    if n <= 1:
        return {v: 1 for v in G.nodes}
    s = 1.0 / (n - 1.0)
    degrees = strength(G.interaction(None, "count")).to_numpy().tolist()
    return {v: d * s for v, d in zip(G.nodes, degrees)}


_FUNCTIONS = {f.__name__: _logged(f) for f in (
    betweenness_centrality, betweenness_centrality_subset, closeness_centrality,
    harmonic_centrality, pagerank, eigenvector_centrality, katz_centrality, hits, core_number,
    clustering, constraint, effective_size, degree_centrality,
)}


# -- can_run: the options, from the arguments alone ----------------------------------

def _weight_ok(value, what: str):
    if value is not None and callable(value):
        return f"a callable {what}"
    return True


def _one_shot(value, what: str):
    if isinstance(value, Iterator):
        return f"{what} is a one-shot iterator (looking at it would consume it for networkx)"
    return True


def _integer(value, what: str):
    if isinstance(value, bool) or not isinstance(value, Integral):
        return f"{what} is not an integer"
    return True


def _real(value, what: str):
    if isinstance(value, bool) or not isinstance(value, Real):
        return f"{what} is not a real number"
    return True


def _first_reason(*checks):
    for check in checks:
        if check is not True:
            return check
    return True


def _check_betweenness(a, G):
    k, seed = a["k"], a["seed"]
    checks = [_weight_ok(a["weight"], "weight")]
    if k is not None:
        n = len(G)
        if isinstance(k, bool) or not isinstance(k, Integral) or not 1 <= k <= n:
            checks.append(f"k = {k!r} is not an integer in [1, n = {n}]")
        elif k < n and not (isinstance(seed, random.Random)
                            and type(seed).sample is random.Random.sample):
            checks.append("k sampling with a seed that is not a random.Random")
    return _first_reason(*checks)


def _check_subset(a, G):
    return _first_reason(_weight_ok(a["weight"], "weight"), _one_shot(a["sources"], "sources"),
                         _one_shot(a["targets"], "targets"))


def _check_closeness(a, G):
    if a["u"] is not None:
        return "u is given (one node: networkx's single traversal is the faster)"
    return _weight_ok(a["distance"], "distance")


def _check_harmonic(a, G):
    if a["sources"] is not None:
        return "sources is given"
    return _first_reason(_weight_ok(a["distance"], "distance"), _one_shot(a["nbunch"], "nbunch"))


def _check_pagerank(a, G):
    checks = [_weight_ok(a["weight"], "weight"), _integer(a["max_iter"], "max_iter"),
              _real(a["tol"], "tol"), _real(a["alpha"], "alpha")]
    if a["nstart"] is not None:
        checks.append("nstart is given")
    if _real(a["alpha"], "alpha") is True and not 0 <= a["alpha"] <= 1:
        checks.append("alpha is not in [0, 1]")
    for what in ("personalization", "dangling"):
        if a[what] is not None and not isinstance(a[what], Mapping):
            checks.append(f"{what} is not a mapping")
    return _first_reason(*checks)


def _check_eigenvector(a, G):
    checks = [_weight_ok(a["weight"], "weight"), _integer(a["max_iter"], "max_iter"),
              _real(a["tol"], "tol")]
    if a["nstart"] is not None:
        checks.append("nstart is given")
    return _first_reason(*checks)


def _check_katz(a, G):
    checks = [_weight_ok(a["weight"], "weight"), _integer(a["max_iter"], "max_iter"),
              _real(a["tol"], "tol"), _real(a["alpha"], "alpha")]
    if a["nstart"] is not None:
        checks.append("nstart is given")
    if _real(a["alpha"], "alpha") is True and not a["alpha"] > 0:
        checks.append("alpha is not positive")
    return _first_reason(*checks)


def _check_hits(a, G):
    checks = [_integer(a["max_iter"], "max_iter"), _real(a["tol"], "tol")]
    if a["nstart"] is not None:
        checks.append("nstart is given")
    if not a["normalized"]:
        checks.append("normalized=False (networkx returns ARPACK's unit vector, of arbitrary sign)")
    if _integer(a["max_iter"], "max_iter") is True and a["max_iter"] <= 0:
        checks.append("max_iter <= 0 (networkx raises)")
    return _first_reason(*checks)


def _check_nodes_weight(a, G):
    return _first_reason(_weight_ok(a["weight"], "weight"), _one_shot(a["nodes"], "nodes"))


def _check_holes(a, G):
    if G is not None and G.is_multigraph():
        return "a multigraph (networkx's matrix and per-node formulas differ there)"
    return _check_nodes_weight(a, G)


def _check_effective_size(a, G):
    # networkx 3.6's matrix path (nodes=None) divides each mutual weight by
    # the largest weight of the column's node, not the row's
    # (``max(axis=1)`` broadcast along rows; networkx PR #8906): its values
    # differ from its own per-node path and Burt's definition wherever the
    # largest mutual weights differ between nodes, i.e. on directed or
    # weighted graphs. netanalysis computes Burt's (the per-node path's)
    # value, so it leaves the matrix path to networkx.
    if a["nodes"] is None and G is not None and (G.is_directed() or a["weight"] is not None):
        return ("nodes=None on a directed or weighted graph: networkx's matrix path normalises "
                "by the column's largest weight (networkx PR #8906); pass nodes=list(G) for "
                "Burt's value, which the backend computes")
    return _check_holes(a, G)


_CHECKS = {
    "betweenness_centrality": _check_betweenness,
    "betweenness_centrality_subset": _check_subset,
    "closeness_centrality": _check_closeness,
    "harmonic_centrality": _check_harmonic,
    "pagerank": _check_pagerank,
    "eigenvector_centrality": _check_eigenvector,
    "katz_centrality": _check_katz,
    "hits": _check_hits,
    "core_number": lambda a, G: True,
    "clustering": _check_nodes_weight,
    "constraint": _check_holes,
    "effective_size": _check_effective_size,
    "degree_centrality": lambda a, G: True,
}

_SIGNATURES = {name: inspect.signature(f) for name, f in _FUNCTIONS.items()}


def can_run(name: str, args: tuple, kwargs: dict):
    """Whether the backend computes ``name(*args, **kwargs)`` exactly, judged
    from the arguments (networkx's ``can_run`` protocol).

    Returns
    -------
    True, or a string saying why not (networkx logs it and falls back).
    """
    if name not in _FUNCTIONS:
        return f"{name} is not implemented by the netanalysis backend"
    try:
        bound = _SIGNATURES[name].bind(*args, **kwargs)
    except TypeError as exc:
        return _decline(name, f"arguments networkx's {name} does not take here: {exc}")
    bound.apply_defaults()
    verdict = _CHECKS[name](bound.arguments, _graph_of(args, kwargs))
    if verdict is not True:
        _decline(name, verdict)
    return verdict


def should_run(name: str, args: tuple, kwargs: dict) -> bool:
    """Always True: a call the backend can run gives networkx's result, and
    the conversion is cached on the graph (networkx's ``should_run``
    protocol)."""
    return True


class BackendInterface:
    """The ``networkx.backends`` entry point of netanalysis.

    networkx looks up each dispatched function by name on this object,
    asks ``can_run`` and ``should_run`` first, and converts graphs with
    ``convert_from_nx`` (results back with ``convert_to_nx``). Every
    attribute is a plain function (see the module notes and
    ``docs/nx_backend.md``).
    """

    convert_from_nx = staticmethod(convert_from_nx)
    convert_to_nx = staticmethod(convert_to_nx)
    can_run = staticmethod(can_run)
    should_run = staticmethod(should_run)

    betweenness_centrality = staticmethod(_FUNCTIONS["betweenness_centrality"])
    betweenness_centrality_subset = staticmethod(_FUNCTIONS["betweenness_centrality_subset"])
    closeness_centrality = staticmethod(_FUNCTIONS["closeness_centrality"])
    harmonic_centrality = staticmethod(_FUNCTIONS["harmonic_centrality"])
    pagerank = staticmethod(_FUNCTIONS["pagerank"])
    eigenvector_centrality = staticmethod(_FUNCTIONS["eigenvector_centrality"])
    katz_centrality = staticmethod(_FUNCTIONS["katz_centrality"])
    hits = staticmethod(_FUNCTIONS["hits"])
    core_number = staticmethod(_FUNCTIONS["core_number"])
    clustering = staticmethod(_FUNCTIONS["clustering"])
    constraint = staticmethod(_FUNCTIONS["constraint"])
    effective_size = staticmethod(_FUNCTIONS["effective_size"])
    degree_centrality = staticmethod(_FUNCTIONS["degree_centrality"])
