"""The one breadth-first search, the one Dijkstra and the one union-find
(``netanalysis/measures/_traversal.py``) give every caller the values it
gave with its own copy: betweenness, closeness and harmonic centrality (hop
and length distances), approximate betweenness (Dijkstra stopped at a
target), the key-player objectives (fragmentation, distance-weighted
fragmentation, reach, m-reach), key-player sets and disruption profiles.

The expected values were computed with the code before the kernels were
merged (commit cf8be06) and are compared exactly, float for float: the
merge must not change a single bit. The large graph's arrays are compared
by a digest of their bytes.
"""
from __future__ import annotations

import hashlib

import networkx as nx
import numpy as np
import pytest

import netanalysis as na
from netanalysis.measures import _traversal

DYADIC = [0.5, 1.0, 2.0, 4.0]


def nx_graphs() -> dict[str, nx.Graph]:
    """Small seeded graphs: two cliques on a path, a ring-like small world,
    a sparse graph with several components and an isolated node, a directed
    random graph; weights dyadic (seeded)."""
    out = {}
    out["barbell"] = nx.barbell_graph(4, 2)
    out["ring"] = nx.connected_watts_strogatz_graph(18, 4, 0.2, seed=1)
    g = nx.gnp_random_graph(20, 0.12, seed=3)
    g.add_node(20)
    out["sparse"] = g
    out["directed"] = nx.gnp_random_graph(14, 0.2, seed=5, directed=True)
    for g in out.values():
        rng = np.random.default_rng(len(g))
        for u, v in g.edges():
            g[u][v]["weight"] = float(rng.choice(DYADIC))
    return out


def digest(a) -> str:
    a = np.ascontiguousarray(np.asarray(a, dtype=np.float64))
    return hashlib.sha256(a.tobytes()).hexdigest()[:16]


def measures(graph) -> dict:
    r = {}
    for dist in ("hops", "inverse"):
        r[f"betweenness_{dist}"] = na.betweenness(graph, distance=dist).tolist()
        r[f"closeness_{dist}"] = na.closeness(graph, distance=dist).tolist()
        r[f"harmonic_{dist}"] = na.harmonic(graph, distance=dist).tolist()
    return r


def objectives(graph) -> dict:
    ids = list(graph.node_ids)
    sets = [ids[:2], ids[3:9:2]]
    r = {}
    for obj in ("fragmentation", "distance_fragmentation", "reach"):
        r[obj] = [na.key_player_score(graph, s, obj)[0] for s in sets]
        res = na.key_player_set(graph, 3, obj)
        r[f"{obj}_set"] = (sorted(int(x) for x in res.members), float(res.value))
    r["m_reach"] = [na.key_player_score(graph, s, "reach", m=2)[0] for s in sets]
    r["df_sampled"] = [list(na.key_player_score(graph, s, "distance_fragmentation", error=0.3,
                                                seed=4)) for s in sets]
    return r


def large() -> dict:
    g = nx.powerlaw_cluster_graph(400, 2, 0.3, seed=11)
    for u, v in g.edges():
        g[u][v]["weight"] = DYADIC[(u * 7 + v * 3) % 4]
    graph = na.from_networkx(g)
    r = {}
    for dist in ("hops", "inverse"):
        r[f"betweenness_{dist}"] = digest(na.betweenness(graph, distance=dist))
        r[f"paths_{dist}"] = digest(na.centrality(graph, ["paths"], distance=dist).to_numpy())
        r[f"approximate_{dist}"] = digest(na.approximate_betweenness(graph, distance=dist,
                                                                     epsilon=0.1, seed=3))
    for obj in ("fragmentation", "distance_fragmentation", "reach"):
        res = na.key_player_set(graph, 4, obj)
        r[f"{obj}_set"] = (sorted(int(x) for x in res.members), float(res.value))
    dis = na.disrupt(graph, ("degree", "betweenness", "betweenness-recomputed"), steps=8, repeats=2)
    r["disrupt"] = digest(dis.select_dtypes("number").to_numpy())
    return r


# computed with the kernels of commit cf8be06 (one copy per caller)
EXPECTED = {
    'barbell': {
        'betweenness_hops': [0.0, 0.0, 0.0, 0.5, 0.5555555555555556, 0.5555555555555556, 0.5,
                             0.0, 0.0, 0.0],
        'betweenness_inverse': [0.013888888888888888, 0.09722222222222222, 0.09722222222222222,
                                0.5138888888888888, 0.5555555555555556, 0.5555555555555556, 0.5,
                                0.3888888888888889, 0.0, 0.0],
        'closeness_hops': [0.3333333333333333, 0.3333333333333333, 0.3333333333333333,
                           0.42857142857142855, 0.47368421052631576, 0.47368421052631576,
                           0.42857142857142855, 0.3333333333333333, 0.3333333333333333,
                           0.3333333333333333],
        'closeness_inverse': [0.42857142857142855, 0.46153846153846156, 0.46153846153846156,
                              0.5, 0.5294117647058824, 0.5294117647058824, 0.5142857142857142,
                              0.46153846153846156, 0.3333333333333333, 0.391304347826087],
        'df_sampled': [[0.419047619047619, 0.0], [0.7142857142857143, 0.0]],
        'distance_fragmentation': [0.419047619047619, 0.7142857142857143],
        'distance_fragmentation_set': ([0, 3, 6], 0.7619047619047619),
        'fragmentation': [0.0, 0.7142857142857143],
        'fragmentation_set': ([0, 3, 6], 0.7619047619047619),
        'harmonic_hops': [4.6833333333333345, 4.6833333333333345, 4.6833333333333345,
                          5.583333333333333, 4.999999999999999, 5.0, 5.583333333333333,
                          4.683333333333334, 4.683333333333334, 4.683333333333334],
        'harmonic_inverse': [12.353512741128842, 12.788239538239539, 12.788239538239539,
                             13.573289455642398, 7.549106449106448, 8.665367965367965,
                             9.449106449106448, 7.8427572427572425, 4.395026782642882,
                             6.109653092006033],
        'm_reach': [0.3, 0.7],
        'reach': [0.3683333333333333, 0.7],
        'reach_set': ([0, 3, 6], 0.7),
    },
    'directed': {
        'betweenness_hops': [0.1346153846153846, 0.10416666666666667, 0.019230769230769232,
                             0.2152777777777778, 0.16025641025641027, 0.04380341880341881,
                             0.21367521367521364, 0.3002136752136752, 0.04807692307692308,
                             0.10683760683760682, 0.041666666666666664, 0.0,
                             0.016025641025641024, 0.0],
        'betweenness_inverse': [0.1346153846153846, 0.08333333333333333, 0.00641025641025641,
                                0.23717948717948717, 0.1858974358974359, 0.019230769230769232,
                                0.28205128205128205, 0.3269230769230769, 0.03205128205128205,
                                0.1282051282051282, 0.01282051282051282, 0.0,
                                0.038461538461538464, 0.00641025641025641],
        'closeness_hops': [0.3878205128205128, 0.29086538461538464, 0.3324175824175824,
                           0.4230769230769231, 0.4898785425101215, 0.29086538461538464,
                           0.44322344322344326, 0.44322344322344326, 0.3878205128205128,
                           0.35798816568047337, 0.35798816568047337, 0.52, 0.29086538461538464,
                           0.2517482517482517],
        'closeness_inverse': [0.6648351648351648, 0.3384615384615385, 0.6310299869621904,
                              0.702467343976778, 0.5395763656633221, 0.590964590964591,
                              0.5475113122171946, 0.676923076923077, 0.28420434527304755,
                              0.5243770314192849, 0.3076923076923077, 0.6419753086419753,
                              0.6648351648351648, 0.330654420206659],
        'harmonic_hops': [5.833333333333332, 4.949999999999999, 5.333333333333332,
                          6.916666666666666, 7.666666666666666, 4.533333333333334,
                          7.083333333333333, 6.666666666666666, 5.833333333333332,
                          5.583333333333332, 5.583333333333333, 8.083333333333332,
                          4.416666666666668, 4.1833333333333345],
        'harmonic_inverse': [12.335064935064935, 5.270214752567694, 11.345787545787546,
                             20.218803418803418, 10.323565323565322, 14.126739926739928,
                             10.296969696969697, 14.330303030303032, 4.005050505050505,
                             9.393406593406594, 7.70247856718445, 15.844444444444445,
                             12.442857142857143, 6.132243487506645],
    },
    'large': {
        'approximate_hops': '43d9a2bf13cb7044',
        'approximate_inverse': '7193b72d59d156fb',
        'betweenness_hops': 'cc3f05473d88f4ca',
        'betweenness_inverse': 'd0b8c126fd1f1be7',
        'disrupt': '98e62d3383751aa7',
        'distance_fragmentation_set': ([1, 2, 4, 48], 0.7756704458507288),
        'fragmentation_set': ([1, 6, 45, 56], 0.03499552486894264),
        'paths_hops': '626440eac90bf894',
        'paths_inverse': '18912a1dcf7ff758',
        'reach_set': ([1, 2, 4, 8], 0.669375),
    },
    'ring': {
        'betweenness_hops': [0.08057598039215685, 0.1332107843137255, 0.04779411764705882,
                             0.13223039215686272, 0.027573529411764705, 0.04926470588235294,
                             0.04987745098039215, 0.07365196078431371, 0.16899509803921567,
                             0.11997549019607844, 0.19062500000000002, 0.02849264705882353,
                             0.05962009803921567, 0.05723039215686275, 0.11219362745098038,
                             0.05912990196078431, 0.01838235294117647, 0.03235294117647059],
        'betweenness_inverse': [0.06127450980392156, 0.20465686274509806, 0.04411764705882353,
                                0.2426470588235294, 0.017156862745098037, 0.08823529411764706,
                                0.017156862745098037, 0.11764705882352941, 0.11274509803921567,
                                0.2659313725490196, 0.3125, 0.0, 0.026960784313725488,
                                0.0392156862745098, 0.09681372549019608, 0.031862745098039214,
                                0.08088235294117647, 0.08700980392156862],
        'closeness_hops': [0.4358974358974359, 0.4473684210526316, 0.3953488372093023,
                           0.4358974358974359, 0.3953488372093023, 0.40476190476190477, 0.425,
                           0.4473684210526316, 0.5151515151515151, 0.5, 0.53125, 0.425,
                           0.4358974358974359, 0.425, 0.4857142857142857, 0.4473684210526316,
                           0.40476190476190477, 0.3953488372093023],
        'closeness_inverse': [0.544, 0.8095238095238095, 0.53125, 0.7906976744186046,
                              0.6868686868686869, 0.7640449438202247, 0.68, 0.8095238095238095,
                              0.7906976744186046, 0.8395061728395061, 0.8395061728395061,
                              0.6415094339622641, 0.6538461538461539, 0.6476190476190476,
                              0.7816091954022989, 0.6666666666666666, 0.7640449438202247,
                              0.7727272727272727],
        'df_sampled': [[0.4806944444444444, 0.0], [0.4590476190476189, 0.0]],
        'distance_fragmentation': [0.4806944444444444, 0.4590476190476189],
        'distance_fragmentation_set': ([3, 8, 9], 0.5524943310657596),
        'fragmentation': [0.0, 0.0],
        'fragmentation_set': ([0, 3, 4], 0.1333333333333333),
        'harmonic_hops': [8.75, 8.833333333333332, 8.249999999999998, 9.083333333333332,
                          8.666666666666666, 8.75, 9.0, 9.250000000000002, 10.333333333333334,
                          10.166666666666666, 10.833333333333334, 9.083333333333334,
                          9.583333333333332, 9.083333333333334, 10.0, 8.833333333333334,
                          8.416666666666668, 8.25],
        'harmonic_inverse': [13.043145743145745, 18.280952380952385, 13.039826839826842,
                             21.242857142857144, 17.68253968253968, 19.44285714285714,
                             16.065079365079363, 18.61428571428572, 17.719047619047622,
                             19.815873015873017, 23.125396825396823, 17.477922077922077,
                             19.81125541125541, 17.923953823953823, 19.242857142857144,
                             14.660317460317462, 16.22063492063492, 17.385714285714286],
        'm_reach': [0.8333333333333334, 0.6666666666666666],
        'reach': [0.6018518518518517, 0.5555555555555556],
        'reach_set': ([3, 8, 12], 0.7777777777777778),
    },
    'sparse': {
        'betweenness_hops': [0.0850877192982456, 0.03508771929824561, 0.0, 0.1631578947368421,
                             0.12543859649122807, 0.11666666666666665, 0.0543859649122807,
                             0.3991228070175438, 0.21052631578947367, 0.1, 0.04736842105263158,
                             0.0, 0.2578947368421053, 0.0, 0.0, 0.22105263157894736,
                             0.04736842105263158, 0.021052631578947368, 0.0, 0.0, 0.0],
        'betweenness_inverse': [0.12105263157894737, 0.034210526315789476, 0.0,
                                0.1631578947368421, 0.07105263157894737, 0.11052631578947368,
                                0.08421052631578947, 0.3973684210526316, 0.19210526315789472,
                                0.1368421052631579, 0.05526315789473684, 0.0,
                                0.18421052631578946, 0.0, 0.0, 0.22105263157894736,
                                0.09210526315789473, 0.06578947368421052, 0.0, 0.0, 0.0],
        'closeness_hops': [0.29489795918367345, 0.2627272727272727, 0.18766233766233764,
                           0.2368852459016393, 0.29489795918367345, 0.25803571428571426,
                           0.2627272727272727, 0.37051282051282053, 0.31413043478260866,
                           0.28900000000000003, 0.24083333333333332, 0.23306451612903223,
                           0.36124999999999996, 0.20069444444444443, 0.0, 0.29489795918367345,
                           0.24083333333333332, 0.22230769230769232, 0.18766233766233764, 0.0,
                           0.0],
        'closeness_inverse': [0.448062015503876, 0.3658227848101266, 0.2663594470046083,
                              0.37777777777777777, 0.3567901234567901, 0.3753246753246753,
                              0.3853333333333333, 0.48571428571428565, 0.41285714285714287,
                              0.29641025641025637, 0.2663594470046083, 0.21567164179104478,
                              0.4515625, 0.34, 0.0, 0.448062015503876, 0.28472906403940884,
                              0.2688372093023256, 0.2663594470046083, 0.0, 0.0],
        'df_sampled': [[0.7271651350598719, 0.0], [0.875645813881108, 0.0]],
        'distance_fragmentation': [0.7271651350598719, 0.875645813881108],
        'distance_fragmentation_set': ([4, 7, 8], 0.9139433551198257),
        'fragmentation': [0.29824561403508776, 0.7581699346405228],
        'fragmentation_set': ([4, 7, 8], 0.8823529411764706),
        'harmonic_hops': [7.166666666666665, 6.866666666666666, 4.85952380952381,
                          6.666666666666667, 7.649999999999999, 7.3500000000000005,
                          6.716666666666666, 9.083333333333332, 8.483333333333333,
                          7.116666666666666, 6.433333333333333, 5.766666666666667,
                          8.666666666666666, 5.219047619047619, 0.0, 7.283333333333333,
                          6.300000000000001, 6.05, 4.85952380952381, 0.0, 0.0],
        'harmonic_inverse': [14.250549450549453, 10.310217560217563, 6.468362923626081,
                             10.82476020711315, 8.224098124098125, 14.611484593837535,
                             11.112034044386986, 16.941414141414143, 13.474114774114776,
                             10.827750027750028, 10.32455794979015, 4.829440550923926,
                             12.047419247419253, 12.430400645106527, 0.0, 14.95689865689866,
                             11.560694562612722, 11.301720203638364, 6.468362923626081, 0.0, 0.0],
        'm_reach': [0.47619047619047616, 0.6190476190476191],
        'reach': [0.4206349206349206, 0.5555555555555556],
        'reach_set': ([3, 8, 9], 0.5634920634920635),
    },
}


@pytest.mark.parametrize("name", sorted(nx_graphs()))
def test_same_values_as_the_separate_kernels(name):
    graph = na.from_networkx(nx_graphs()[name])
    got = measures(graph)
    if not graph.directed:
        got.update(objectives(graph))
    expected = EXPECTED[name]
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        assert got[key] == value, key  # exact: floats compared bit for bit


def test_same_values_on_a_larger_graph():
    got = large()
    assert got == EXPECTED["large"]


def _csr(g: nx.Graph):
    a = nx.to_scipy_sparse_array(g, nodelist=sorted(g), format="csr")
    a.sort_indices()
    return a.indptr.astype(np.int64), a.indices.astype(np.int64), a.data.astype(np.float64)


def test_bfs_mask_horizon_and_dag_against_networkx():
    """The options of the one search: blocked nodes are absent, a horizon
    stops expansion but still reaches the node, path counts and the DAG
    are those of the shortest paths."""
    g = nx.connected_watts_strogatz_graph(40, 4, 0.3, seed=2)
    indptr, indices, _ = _csr(g)
    n = len(g)
    blocked = np.zeros(n, np.bool_)
    blocked[[3, 17, 22]] = True
    h = g.subgraph([v for v in g if not blocked[v]])
    for s in (0, 9, 31):
        dist = np.full(n, np.inf)
        sigma = np.zeros(n)
        order = np.empty(n, np.int64)
        succ = np.empty(len(indices), np.int64)
        succ_ptr = np.empty(n + 1, np.int64)
        parents = np.zeros(n, np.int64)
        count = _traversal._bfs(indptr, indices, blocked, None, s, dist, sigma, parents,
                                order, succ, succ_ptr)
        want = nx.single_source_shortest_path_length(h, s)
        assert sorted(order[:count].tolist()) == sorted(want)
        assert {int(v): dist[v] for v in order[:count]} == want
        assert np.isinf(np.delete(dist, order[:count])).all()
        assert (np.diff(dist[order[:count]]) >= 0).all()
        preds = nx.predecessor(h, s)
        for v in order[:count]:
            assert sigma[v] == (1 if v == s else sum(sigma[p] for p in preds[v]))
            assert parents[v] == len(preds[v])
        dag = {(int(order[i]), int(w)) for i in range(count)
               for w in succ[succ_ptr[i]:succ_ptr[i + 1]]}
        assert dag == {(int(p), int(v)) for v, ps in preds.items() for p in ps}
        # a horizon of 2 hops: nodes at 2 are reached but not expanded, so
        # exactly what is within 2 hops
        dist[:] = np.inf
        horizon = np.full(n, 2.0)
        count = _traversal._bfs(indptr, indices, blocked, horizon, s, dist, None, None, order,
                                None, None)
        assert {int(v): dist[v] for v in order[:count]} == {
            v: d for v, d in want.items() if d <= 2}


def test_dijkstra_with_and_without_target_against_networkx():
    g = nx.gnp_random_graph(60, 0.08, seed=4, directed=True)
    rng = np.random.default_rng(1)
    for u, v in g.edges():
        g[u][v]["weight"] = float(rng.choice(DYADIC))
    indptr, indices, lengths = _csr(g)
    n = len(g)
    dist = np.full(n, np.inf)
    sigma = np.zeros(n)
    order = np.empty(n, np.int64)
    heap = np.empty(n, np.int64)
    pos = np.full(n, -1, np.int64)
    for s in range(0, n, 7):
        want = nx.single_source_dijkstra_path_length(g, s)
        count = _traversal._dijkstra(indptr, indices, lengths, s, -1, dist, sigma, order, heap,
                                     pos)
        assert {int(v): dist[v] for v in order[:count]} == want
        full = dist.copy()
        for v in order[:count]:
            dist[v] = np.inf
            pos[v] = -1
        for t in list(want)[1::5]:
            count = _traversal._dijkstra(indptr, indices, lengths, s, t, dist, sigma, order,
                                         heap, pos)
            assert dist[t] == full[t]
            settled = order[:int((pos[order[:count]] == -2).sum())]
            assert settled[-1] == t  # stopped when the target was settled
            assert (dist[settled] == full[settled]).all()
            # every node given a distance is listed, so a reset is complete
            for v in order[:count]:
                dist[v] = np.inf
                pos[v] = -1
            assert np.isinf(dist).all() and (pos == -1).all()


def test_union_find_merges_by_size():
    root = np.arange(6)
    size = np.ones(6, np.int64)
    assert _traversal._union(root, size, 0, 1) == (1, 2)
    assert _traversal._union(root, size, 2, 0) == (2, 3)  # the larger set's root stays
    assert _traversal._find(root, 2) == 0
    assert _traversal._union(root, size, 1, 2) == (0, 3)  # already one set
    assert _traversal._union(root, size, 3, 4) == (1, 2)
    assert _traversal._union(root, size, 4, 1) == (6, 5)
    assert _traversal._find(root, 4) == 0 and size[0] == 5
