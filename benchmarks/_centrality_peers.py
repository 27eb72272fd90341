"""What each library computes in the centrality benchmark, on one graph.

Used by ``bench_centrality.py`` (read its docstring first). A graph travels
between processes as an ``.npz`` file holding its CSR arrays (``indptr``,
``indices``, ``data``: row i, column j, weight = interaction count) and
``directed``. Each library gets a *context* built from it (its own graph
object(s)); every measure is a function ``f(ctx, params) -> dict`` of numpy
arrays aligned with the node indices ``0..n-1`` (or with ``params["nodes"]``
for measures that a slow library computes on a node sample).

Common scale, so that results can be compared with netanalysis's:

* paths use hops (weights ignored), incoming distances for closeness and
  harmonic (networkx's convention: NetworKit gets the reversed graph),
  betweenness normalised as networkx (ordered pairs over (n-1)(n-2) for a
  directed graph, unordered over (n-1)(n-2)/2 for an undirected one);
* PageRank, eigenvector, Katz, HITS, constraint use the weights;
* "clustering" is the unweighted local clustering of the undirected
  skeleton (what every peer computes; on a directed graph netanalysis's panel
  column is Fagiolo's directed coefficient, networkx's ``clustering`` of a
  ``DiGraph``, kept as ``clustering_fagiolo``);
* the comparison itself rescales (sum 1, Euclidean norm 1, ...) where the
  libraries differ only by a constant factor; see ``compare``.
"""
from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

LIBRARIES = ("netanalysis", "igraph", "networkit", "rustworkx", "networkx")

# How a measure's result is brought to netanalysis's scale before comparing:
# "none" (same definition and scale), "sum" (divide by the sum), "l2" (by the
# Euclidean norm), "max" (by the maximum).
SCALE = {
    "degree": "none", "pagerank": "sum", "eigenvector": "l2", "katz": "l2",
    "hub": "sum", "authority": "sum", "coreness": "none", "clustering": "none",
    "clustering_fagiolo": "none", "clustering_onnela": "none", "constraint": "none",
    "effective_size": "none", "betweenness": "none", "closeness": "none",
    "closeness_raw": "none", "harmonic": "none", "approx_betweenness": "none",
}


# -- graphs ----------------------------------------------------------------------

def save_graph(path, adjacency: sp.csr_array, directed: bool) -> None:
    a = sp.csr_array(adjacency)
    a.sort_indices()
    np.savez(path, indptr=a.indptr, indices=a.indices, data=a.data.astype(np.float64),
             directed=np.array(directed), n=np.array(a.shape[0]))


def load_graph(path) -> tuple[sp.csr_array, bool]:
    z = np.load(path)
    n = int(z["n"])
    adj = sp.csr_array((z["data"], z["indices"], z["indptr"]), shape=(n, n))
    return adj, bool(z["directed"])


def edge_arrays(adj: sp.csr_array, directed: bool):
    """(tails, heads, weights): every stored edge of a directed graph, each
    edge once (i < j) of an undirected one."""
    coo = adj.tocoo()
    rows, cols, w = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    if not directed:
        keep = rows <= cols
        rows, cols, w = rows[keep], cols[keep], w[keep]
    return rows, cols, w


def node_sample(n: int, k: int, seed: int, ordered: bool = True) -> np.ndarray:
    """k distinct node indices (all nodes when k >= n), sorted or in random
    order."""
    rng = np.random.default_rng(seed)
    pick = rng.permutation(n)[:k] if k < n else rng.permutation(n)
    return np.sort(pick) if ordered else pick


# -- netanalysis ---------------------------------------------------------------

def netanalysis_context(adj, directed):
    from netanalysis.graphs import InteractionGraph
    return {"graph": InteractionGraph(adj, np.arange(adj.shape[0]), directed=directed),
            "directed": directed, "n": adj.shape[0]}


def _na_warm(ctx, key):
    """Load (or compile) the kernels a measure uses, on a smaller graph of the
    same kind, once as it comes and once with every traversal forced onto
    its parallel kernel (a small sample stays serial otherwise, and the
    parallel kernel of the timed run would be compiled inside the clock when
    numba's cache is cold)."""
    from netanalysis.measures import _traversal
    from netanalysis.graphs import InteractionGraph
    g = ctx["graph"]
    m = min(g.n_nodes, 3000)
    sub = sp.csr_array(g.adjacency[:m][:, :m])
    small = InteractionGraph(sub, np.arange(m), directed=g.directed)
    params = {"epsilon": 0.2, "delta": 0.1}
    NA_MEASURES[key]({**ctx, "graph": small, "n": m}, params)
    # every DualKernel of the traversal module: its parallel build forced
    kernels = [k for k in vars(_traversal).values() if hasattr(k, "min_work") and hasattr(k, "parallel")]
    saved = [k.min_work for k in kernels]
    for k in kernels:
        k.min_work = 0
    try:
        NA_MEASURES[key]({**ctx, "graph": small, "n": m}, params)
    finally:
        for k, w in zip(kernels, saved):
            k.min_work = w


def _na_panel(ctx, p):
    import netanalysis.measures as C
    df = C.centrality(ctx["graph"], p.get("columns"))
    return {c: df[c].to_numpy() for c in df.columns}


def _na(fn_name, column, **kw):
    def run(ctx, p):
        import netanalysis.measures as C
        return {column: getattr(C, fn_name)(ctx["graph"], **kw).to_numpy()}
    return run


def _na_hits(ctx, p):
    import netanalysis.measures as C
    df = C.hits(ctx["graph"])
    return {"hub": df["hub"].to_numpy(), "authority": df["authority"].to_numpy()}


def netanalysis_prepare(ctx, key):
    """Build what a measure needs before the clock starts, as for NetworKit:
    the undirected graph of the skeleton clustering."""
    if key == "clustering":
        g = ctx["graph"]
        ctx["undirected"] = g.to_undirected() if g.directed else g


def _na_clustering(ctx, p):
    import netanalysis.measures as C
    g = ctx["graph"]
    und = ctx.get("undirected") or (g.to_undirected() if g.directed else g)
    return {"clustering": C.clustering(und).to_numpy()}


def _na_approx(ctx, p):
    import netanalysis.measures as C
    r = C.approximate_betweenness(ctx["graph"], epsilon=p.get("epsilon", 0.005),
                                  delta=p.get("delta", 0.1), seed=0)
    return {"approx_betweenness": r.to_numpy(), "_samples": np.array(r.attrs["samples"])}


NA_MEASURES = {
    "degree": _na("degree", "degree"),
    "pagerank": _na("pagerank", "pagerank"),
    "eigenvector": _na("eigenvector", "eigenvector"),
    "katz": lambda c, p: {"katz": __import__("netanalysis.measures", fromlist=["katz"]).katz(
        c["graph"], alpha=p.get("katz_alpha")).to_numpy()},
    "hits": _na_hits,
    "coreness": _na("coreness", "coreness"),
    "clustering": _na_clustering,
    "constraint": _na("constraint", "constraint"),
    "betweenness": _na("betweenness", "betweenness"),
    "closeness": _na("closeness", "closeness"),
    "harmonic": _na("harmonic", "harmonic"),
    "approx_betweenness": _na_approx,
    "panel": _na_panel,
    "panel_covered": _na_panel,
    # untimed references for networkx's extra panel columns
    "closeness_raw": _na("closeness", "closeness", wf_improved=False),
    "ref_fagiolo": _na("clustering", "clustering_fagiolo"),
    "ref_onnela": lambda c, p: {"clustering_onnela": __import__("netanalysis.measures").centrality
                                .clustering(c["graph"], "onnela").to_numpy()},
    "ref_effective_size": _na("effective_size", "effective_size"),
}


class SourceSampler:
    """Make netanalysis's path kernel run from a random subset of the sources
    it is given, and record what it was given: the whole public function
    (preparation, leaf folding, reordering) runs for real, only the
    per-source traversals are sampled. Estimated time = measured time -
    kernel time + kernel time * (sources given / sources run)."""

    def __init__(self, k: int, seed: int = 0):
        self.k, self.seed = k, seed
        self.calls: list[tuple[float, int, int]] = []

    def __enter__(self):
        from netanalysis.measures import _traversal
        self._module = _traversal
        self._orig = orig = _traversal.path_sums
        sampler = self

        def sampled(indptr, indices, lengths, weighted, sources, *args, **kw):
            total = len(sources)
            if total > sampler.k:
                pick = node_sample(total, sampler.k, sampler.seed)
                sources = np.ascontiguousarray(sources[pick])
            t0 = time.perf_counter()
            out = orig(indptr, indices, lengths, weighted, sources, *args, **kw)
            sampler.calls.append((time.perf_counter() - t0, total, len(sources)))
            return out

        # _paths looks the kernel up as ``_k.path_sums`` at every call
        _traversal.path_sums = sampled
        return self

    def __exit__(self, *exc):
        self._module.path_sums = self._orig

    def estimate(self, measured: float) -> float:
        kernel = sum(t for t, _, _ in self.calls)
        scaled = sum(t * total / max(run, 1) for t, total, run in self.calls)
        return measured - kernel + scaled


# -- igraph ----------------------------------------------------------------------

def igraph_context(adj, directed):
    import igraph as ig
    rows, cols, w = edge_arrays(adj, directed)
    g = ig.Graph(n=adj.shape[0], edges=np.c_[rows, cols].tolist(), directed=directed)
    g.es["weight"] = w.tolist()
    return {"g": g, "directed": directed, "n": adj.shape[0]}


def _ig_betweenness(ctx, p):
    g, n, directed = ctx["g"], ctx["n"], ctx["directed"]
    if "sources" in p:
        raw = np.array(g.betweenness(directed=True, sources=p["sources"].tolist()))
    else:
        raw = np.array(g.betweenness(directed=True))
    scale = (n - 1) * (n - 2) / (1 if directed else 2)
    return {"betweenness": raw / scale}


def _ig_closeness(ctx, p):
    g = ctx["g"]
    vs = p["sources"].tolist() if "sources" in p else None
    vals = np.nan_to_num(np.array(g.closeness(vertices=vs, mode="in"), dtype=float))
    return {"closeness_raw": vals}


def _ig_harmonic(ctx, p):
    g = ctx["g"]
    vs = p["sources"].tolist() if "sources" in p else None
    return {"harmonic": np.array(g.harmonic_centrality(vertices=vs, mode="in", normalized=False))}


def _ig_hits(ctx, p):
    g = ctx["g"]
    return {"hub": np.array(g.hub_score(weights="weight")),
            "authority": np.array(g.authority_score(weights="weight"))}


IG_MEASURES = {
    "degree": lambda c, p: {"degree": np.array(c["g"].degree(mode="all", loops=True), float)},
    "pagerank": lambda c, p: {"pagerank": np.array(c["g"].pagerank(directed=True, damping=0.85,
                                                                    weights="weight"))},
    "eigenvector": lambda c, p: {"eigenvector": np.array(c["g"].eigenvector_centrality(
        directed=True, weights="weight"))},
    "hits": _ig_hits,
    "coreness": lambda c, p: {"coreness": np.array(c["g"].coreness(mode="all"), float)},
    "clustering": lambda c, p: {"clustering": np.nan_to_num(np.array(
        c["g"].transitivity_local_undirected(mode="zero"), float))},
    "constraint": lambda c, p: {"constraint": np.array(c["g"].constraint(weights="weight"))},
    "betweenness": _ig_betweenness,
    "closeness": _ig_closeness,
    "harmonic": _ig_harmonic,
}


# -- NetworKit ---------------------------------------------------------------------

def networkit_context(adj, directed):
    """Built lazily per kind: weighted, unweighted (paths: NetworKit's path
    measures use weights as lengths when the graph is weighted), and
    unweighted reversed (incoming distances)."""
    import networkit as nk
    nk.setNumberOfThreads(2)
    return {"adj": adj, "directed": directed, "n": adj.shape[0], "_cache": {}}


def _nk_graph(ctx, kind="weighted"):
    import networkit as nk
    cache = ctx["_cache"]
    if kind not in cache:
        rows, cols, w = edge_arrays(ctx["adj"], ctx["directed"])
        if kind == "reversed":
            rows, cols = cols, rows
        weighted = kind == "weighted"
        g = nk.Graph(ctx["n"], weighted=weighted, directed=ctx["directed"])
        if weighted:
            g.addEdges((w, (rows.astype(np.uint64), cols.astype(np.uint64))))
        else:
            g.addEdges((rows.astype(np.uint64), cols.astype(np.uint64)))
        cache[kind] = g
    return cache[kind]


def networkit_prepare(ctx, key):
    """Build the graph(s) a measure needs before the clock starts."""
    kind = {"betweenness": "unweighted", "approx_betweenness": "unweighted",
            "closeness": "reversed", "harmonic": "reversed", "clustering": "undirected",
            "coreness": "unweighted"}.get(key, "weighted")
    if kind == "undirected":
        # the simple undirected skeleton (toUndirected of a digraph keeps
        # both directions of a reciprocated pair as two edges)
        import networkit as nk
        adj = ctx["adj"]
        pattern = sp.csr_array((np.ones(adj.nnz), adj.indices, adj.indptr), shape=adj.shape)
        pattern = sp.triu(pattern + pattern.T, k=1).tocoo()
        g = nk.Graph(ctx["n"], weighted=False, directed=False)
        g.addEdges((pattern.row.astype(np.uint64), pattern.col.astype(np.uint64)))
        ctx["_cache"]["undirected"] = g
        return
    _nk_graph(ctx, kind)


def _nk_run(algo):
    algo.run()
    return np.array(algo.scores())


def _nk_degree(ctx, p):
    import networkit as nk
    g = _nk_graph(ctx)
    if not ctx["directed"]:
        return {"degree": _nk_run(nk.centrality.DegreeCentrality(g, ignoreSelfLoops=False))}
    out = _nk_run(nk.centrality.DegreeCentrality(g, outDeg=True, ignoreSelfLoops=False))
    inn = _nk_run(nk.centrality.DegreeCentrality(g, outDeg=False, ignoreSelfLoops=False))
    return {"degree": out + inn}


def _nk_pagerank(ctx, p):
    import networkit as nk
    # netanalysis's (and networkx's) stopping rule: L1 change below n * 1e-6
    pr = nk.centrality.PageRank(_nk_graph(ctx), damp=0.85, tol=ctx["n"] * 1e-6,
                                distributeSinks=nk.centrality.SinkHandling.DistributeSinks)
    pr.norm = nk.centrality.Norm.L1_NORM
    return {"pagerank": _nk_run(pr)}


def _nk_katz(ctx, p):
    import networkit as nk
    k = nk.centrality.KatzCentrality(_nk_graph(ctx), alpha=p["katz_alpha"], beta=1.0, tol=1e-6)
    return {"katz": _nk_run(k)}


def _nk_betweenness(ctx, p):
    import networkit as nk
    g = _nk_graph(ctx, "unweighted")
    if "n_sources" in p:
        algo = nk.centrality.EstimateBetweenness(g, p["n_sources"], normalized=True, parallel=True)
    else:
        algo = nk.centrality.Betweenness(g, normalized=True)
    return {"betweenness": _nk_run(algo)}


def _nk_approx(ctx, p):
    import networkit as nk
    n = ctx["n"]
    g = _nk_graph(ctx, "unweighted")
    eps, delta = p.get("epsilon", 0.005), p.get("delta", 0.1)
    if not ctx["directed"]:
        # KADABRA (adaptive), NetworKit's fastest; it refuses directed graphs
        algo = nk.centrality.KadabraBetweenness(g, eps, delta)
        algo.run()
        # its scores are twice the share of sampled (ordered) pairs on
        # undirected graphs; networkx's scale is that share times n/(n-2)
        return {"approx_betweenness": np.array(algo.scores()) / 2 * n / (n - 2),
                "_samples": np.array(algo.getNumberOfIterations())}
    algo = nk.centrality.ApproxBetweenness(g, epsilon=eps, delta=delta, universalConstant=0.5)
    algo.run()
    # NetworKit's scale is Riondato-Kornaropoulos's (pairs over n(n-1));
    # networkx's is over (n-1)(n-2).
    return {"approx_betweenness": np.array(algo.scores()) * n / (n - 2),
            "_samples": np.array(algo.numberOfSamples())}


NK_MEASURES = {
    "degree": _nk_degree,
    "pagerank": _nk_pagerank,
    "eigenvector": lambda c, p: {"eigenvector": _nk_run(__import__("networkit").centrality
                                                       .EigenvectorCentrality(_nk_graph(c), tol=1e-6))},
    "katz": _nk_katz,
    "coreness": lambda c, p: {"coreness": _nk_run(__import__("networkit").centrality
                                                 .CoreDecomposition(_nk_graph(c, "unweighted")))},
    "clustering": lambda c, p: {"clustering": _nk_run(__import__("networkit").centrality
                                                     .LocalClusteringCoefficient(c["_cache"]["undirected"],
                                                                                 turbo=True))},
    "betweenness": _nk_betweenness,
    "closeness": lambda c, p: {"closeness": _nk_run(__import__("networkit").centrality.Closeness(
        _nk_graph(c, "reversed"), True, __import__("networkit").centrality.ClosenessVariant.GENERALIZED))},
    "harmonic": lambda c, p: {"harmonic": _nk_run(__import__("networkit").centrality.HarmonicCloseness(
        _nk_graph(c, "reversed"), normalized=False))},
    "approx_betweenness": _nk_approx,
}


# -- rustworkx ----------------------------------------------------------------------

def rustworkx_context(adj, directed):
    import rustworkx as rx
    rows, cols, w = edge_arrays(adj, directed)
    g = rx.PyDiGraph(multigraph=False) if directed else rx.PyGraph(multigraph=False)
    g.add_nodes_from(range(adj.shape[0]))
    g.add_edges_from(list(zip(rows.tolist(), cols.tolist(), w.tolist())))
    # rustworkx's pagerank and hits take only a PyDiGraph: an undirected
    # graph goes in with both directions, as networkx does
    gd = g if directed else g.to_directed()
    return {"g": g, "gd": gd, "directed": directed, "n": adj.shape[0]}


def _rx_vec(mapping, n):
    out = np.zeros(n)
    keys = np.fromiter(mapping.keys(), dtype=np.int64, count=len(mapping))
    out[keys] = np.fromiter(mapping.values(), dtype=np.float64, count=len(mapping))
    return out


def _rx_degree(ctx, p):
    g, n = ctx["g"], ctx["n"]
    if ctx["directed"]:
        return {"degree": np.array([g.in_degree(i) + g.out_degree(i) for i in range(n)], float)}
    return {"degree": np.array([g.degree(i) for i in range(n)], float)}


def _rx_hits(ctx, p):
    import rustworkx as rx
    hubs, auths = rx.hits(ctx["gd"], weight_fn=float, max_iter=1000, tol=1e-8)
    return {"hub": _rx_vec(hubs, ctx["n"]), "authority": _rx_vec(auths, ctx["n"])}


def _rx_betweenness(ctx, p):
    import rustworkx as rx
    return {"betweenness": _rx_vec(rx.betweenness_centrality(ctx["g"], normalized=True,
                                                              parallel_threshold=50), ctx["n"])}


RX_MEASURES = {
    "degree": _rx_degree,
    "pagerank": lambda c, p: {"pagerank": _rx_vec(__import__("rustworkx").pagerank(
        c["gd"], alpha=0.85, weight_fn=float, tol=1e-6), c["n"])},
    "eigenvector": lambda c, p: {"eigenvector": _rx_vec(__import__("rustworkx").eigenvector_centrality(
        c["g"], weight_fn=float, max_iter=100, tol=1e-6), c["n"])},
    "katz": lambda c, p: {"katz": _rx_vec(__import__("rustworkx").katz_centrality(
        c["g"], alpha=p["katz_alpha"], beta=1.0, weight_fn=float, max_iter=1000, tol=1e-6), c["n"])},
    "hits": _rx_hits,
    "coreness": lambda c, p: {"coreness": _rx_vec(__import__("rustworkx").core_number(c["g"]), c["n"])},
    "betweenness": _rx_betweenness,
    "closeness": lambda c, p: {"closeness": _rx_vec(__import__("rustworkx").closeness_centrality(
        c["g"], wf_improved=True), c["n"])},
}


# -- networkx -----------------------------------------------------------------------

def networkx_context(adj, directed):
    import networkx as nx
    rows, cols, w = edge_arrays(adj, directed)
    g = nx.DiGraph() if directed else nx.Graph()
    g.add_nodes_from(range(adj.shape[0]))
    g.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), w.tolist()))
    # closeness_centrality reverses a directed graph once per call; the
    # sampled per-node loop below uses this copy (a reversed *view* makes
    # every call of networkx's dispatcher convert the whole graph)
    t0 = time.perf_counter()
    rev = g.reverse(copy=True) if directed else g
    return {"g": g, "rev": rev, "reverse_s": time.perf_counter() - t0,
            "directed": directed, "n": adj.shape[0]}


def _nx_vec(mapping, n):
    return _rx_vec(mapping, n)


def _nx_on_nodes(fn, column):
    """A per-node networkx function run node by node over ``params["nodes"]``
    (a sample in random order) until ``params["budget_s"]`` seconds have
    passed. The time is scaled by n / nodes done (``_scale``). networkx's
    weighted constraint and effective size cost about deg^3 per node, so
    their totals are dominated by a few hubs and the estimate has a large
    variance (the report also gives networkx's panel estimate without
    them)."""
    def run(ctx, p):
        done, values = [], []
        interrupted = False
        with _time_limit(float(p.get("budget_s", 0.0))) as limit:
            try:
                for v in p["nodes"].tolist():
                    values.append(fn(ctx, [v])[v])
                    done.append(v)
            except _OverBudget:
                interrupted = True  # counted as a node done: its cost is underestimated
        return {column: np.array(values, float), "_nodes": np.array(done, dtype=np.int64),
                "_scale": np.array(ctx["n"] / max(1, len(done) + interrupted)),
                "_interrupted": np.array(interrupted), "_elapsed": np.array(limit.elapsed)}
    return run


class _OverBudget(Exception):
    pass


class _time_limit:
    """Raise ``_OverBudget`` in the block after ``seconds`` (SIGALRM, Python
    code only), keeping the process's own alarm (the benchmark's time limit)
    running around it."""

    def __init__(self, seconds: float):
        self.seconds, self.elapsed = seconds, 0.0

    def __enter__(self):
        import signal

        def over(signum, frame):
            raise _OverBudget

        self._left = signal.alarm(0)
        self._old = signal.signal(signal.SIGALRM, over)
        self._t0 = time.perf_counter()
        if self.seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        import signal
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._old)
        self.elapsed = time.perf_counter() - self._t0
        if self._left:
            signal.alarm(max(1, int(self._left - self.elapsed)))
        return False


def _nx_closeness(ctx, nodes):
    # networkx's closeness_centrality runs, for every node u, a BFS on the
    # reversed graph (incoming distances) and sums; this is that loop body,
    # on a sample of u (the function itself would copy the reversed graph
    # for every u when called once per node).
    import networkx as nx
    n, rev = ctx["n"], ctx["rev"]
    out = {}
    for u in nodes:
        sp_ = nx.single_source_shortest_path_length(rev, u)
        tot = sum(sp_.values())
        r = len(sp_)
        out[u] = ((r - 1) / tot) * ((r - 1) / (n - 1)) if tot > 0 and n > 1 else 0.0
    return out


def _nx_betweenness(ctx, p):
    import networkx as nx
    g = ctx["g"]
    # k random sources (networkx's own sampling); the cost is proportional
    # to k and the time is scaled to all n sources
    d = nx.betweenness_centrality(g, k=len(p["sources"]), seed=0)
    return {"_partial": _nx_vec(d, ctx["n"])}


def _nx_harmonic(ctx, p):
    import networkx as nx
    d = nx.harmonic_centrality(ctx["g"], sources=p["sources"].tolist())
    return {"_partial": _nx_vec(d, ctx["n"])}


def _nx_hits(ctx, p):
    import networkx as nx
    h, a = nx.hits(ctx["g"], max_iter=1000, tol=1e-8)
    return {"hub": _nx_vec(h, ctx["n"]), "authority": _nx_vec(a, ctx["n"])}


def _nx_clustering_skeleton(ctx, nodes):
    import networkx as nx
    g = ctx["g"]
    und = g.to_undirected(as_view=True) if ctx["directed"] else g
    return nx.clustering(und, nodes)


NX_MEASURES = {
    "degree": lambda c, p: {"degree": _nx_vec(dict(c["g"].degree()), c["n"])},
    "pagerank": lambda c, p: {"pagerank": _nx_vec(__import__("networkx").pagerank(
        c["g"], alpha=0.85, weight="weight", tol=1e-6), c["n"])},
    "eigenvector": lambda c, p: {"eigenvector": _nx_vec(__import__("networkx").eigenvector_centrality(
        c["g"], weight="weight", max_iter=100, tol=1e-6), c["n"])},
    "katz": lambda c, p: {"katz": _nx_vec(__import__("networkx").katz_centrality(
        c["g"], alpha=p["katz_alpha"], beta=1.0, weight="weight", max_iter=1000, tol=1e-6), c["n"])},
    "hits": _nx_hits,
    "coreness": lambda c, p: {"coreness": _nx_vec(__import__("networkx").core_number(c["g"]), c["n"])},
    "clustering": _nx_on_nodes(_nx_clustering_skeleton, "clustering"),
    "clustering_fagiolo": _nx_on_nodes(lambda c, nodes: __import__("networkx").clustering(c["g"], nodes),
                                       "clustering_fagiolo"),
    "clustering_onnela": _nx_on_nodes(lambda c, nodes: __import__("networkx").clustering(
        c["g"], nodes, weight="weight"), "clustering_onnela"),
    "constraint": _nx_on_nodes(lambda c, nodes: __import__("networkx").constraint(
        c["g"], nodes, weight="weight"), "constraint"),
    "effective_size": _nx_on_nodes(lambda c, nodes: __import__("networkx").effective_size(
        c["g"], nodes, weight="weight"), "effective_size"),
    "betweenness": _nx_betweenness,
    "closeness": lambda c, p: {**_nx_on_nodes(_nx_closeness, "closeness")(c, p),
                               "_extra_s": np.array(c["reverse_s"])},
    "harmonic": _nx_harmonic,
}

CONTEXTS = {
    "netanalysis": netanalysis_context, "igraph": igraph_context, "networkit": networkit_context,
    "rustworkx": rustworkx_context, "networkx": networkx_context,
}
MEASURES = {
    "netanalysis": NA_MEASURES, "igraph": IG_MEASURES, "networkit": NK_MEASURES,
    "rustworkx": RX_MEASURES, "networkx": NX_MEASURES,
}


# -- agreement ---------------------------------------------------------------------

def _scaled(x: np.ndarray, how: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if how == "sum":
        s = x.sum()
    elif how == "l2":
        s = np.sqrt((x * x).sum())
    elif how == "max":
        s = np.abs(x).max()
    else:
        return x
    return x / s if s else x


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3 or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
        return float("nan")
    return float(spearmanr(a[ok], b[ok]).statistic)


def compare(ref: np.ndarray, other: np.ndarray, column: str) -> dict:
    """Agreement of ``other`` with the netanalysis reference ``ref``:
    ``max_rel``, the largest absolute difference divided by the largest
    absolute reference value (after bringing both to one scale), and the
    Spearman rank correlation. NaN entries (e.g. constraint of an isolated
    node) must be NaN in both; they are then left out."""
    how = SCALE.get(column, "none")
    a, b = _scaled(ref, how), _scaled(other, how)
    nan_a, nan_b = ~np.isfinite(a), ~np.isfinite(b)
    nan_mismatch = int((nan_a != nan_b).sum())
    ok = ~nan_a & ~nan_b
    a, b = a[ok], b[ok]
    scale = np.abs(a).max() if len(a) else 0.0
    max_rel = float(np.abs(a - b).max() / scale) if scale else float(np.abs(a - b).max(initial=0.0))
    return {"max_rel": max_rel, "spearman": spearman(a, b), "nan_mismatch": nan_mismatch,
            "n": int(ok.sum())}
