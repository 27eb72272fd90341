"""Time-respecting reachability and temporal betweenness (issue 15.4): against
a brute-force enumeration of time-respecting paths on small random contact
sequences, a hand-built chain in and out of time order, both layers, and bad
input."""
import itertools

import numpy as np
import pandas as pd
import pytest

import netanalysis as na
from netanalysis.temporal import TemporalReach, temporal_reach

T0 = 1_600_000_000


def message_forum(contacts, extra_members=()):
    """A forum whose messages are the contacts (sender, recipient, time in s)."""
    m = pd.DataFrame(contacts, columns=["sender_id", "recipient_id", "created_at"])
    m["created_at"] = m["created_at"] + T0
    m.insert(0, "message_id", range(1, len(m) + 1))
    people = sorted(set(m["sender_id"]) | set(m["recipient_id"]) | set(extra_members))
    p = pd.DataFrame({"post_id": [1], "thread_id": [1], "author_id": [people[0]], "created_at": [T0]})
    return na.read_forum({"posts": p, "messages": m, "members": pd.DataFrame({"member_id": people})})


def brute_force(contacts, nodes):
    """Earliest arrival, hops and B(v) by enumerating every time-respecting walk."""
    contacts = sorted(set(contacts), key=lambda c: c[2])
    walks = {s: [] for s in nodes}

    def extend(walk):
        last = walk[-1]
        for c in contacts:
            if c[0] == last[1] and c[2] > last[2]:
                walks[walk[0][0]].append(walk + [c])
                extend(walk + [c])

    for c in contacts:
        if c[0] != c[1]:
            walks[c[0]].append([c])
            extend([c])
    arrival, hops, bc = {}, {}, dict.fromkeys(nodes, 0.0)
    for s in nodes:
        by_dest = {}
        for w in walks[s]:
            by_dest.setdefault(w[-1][1], []).append(w)
        for d, ws in by_dest.items():
            if d == s:
                continue
            tau = min(w[-1][2] for w in ws)
            fore = [w for w in ws if w[-1][2] == tau]
            k = min(len(w) for w in fore)
            best = [w for w in fore if len(w) == k]
            for w in best:                                  # shortest foremost walks are paths
                visited = [s] + [c[1] for c in w]
                assert len(set(visited)) == len(visited)
            arrival[s, d], hops[s, d] = tau, k
            for w in best:
                for c in w[:-1]:
                    bc[c[1]] += 1.0 / len(best)
    return arrival, hops, bc


@pytest.mark.parametrize("seed", range(12))
def test_against_brute_force_on_random_contacts(seed):
    rng = np.random.default_rng(seed)
    names = list("abcdef")[: rng.integers(3, 7)]
    n_contacts = int(rng.integers(4, 14))
    contacts = []
    for _ in range(n_contacts):
        a, b = rng.choice(len(names), size=2, replace=False)
        contacts.append((names[a], names[b], int(rng.integers(0, 6))))   # many ties in time
    forum = message_forum(contacts)
    r = temporal_reach(forum, "messages")
    nodes = list(r.members.index)
    arrival, hops, bc = brute_force(contacts, nodes)
    got = {(p.source, p.target): (int(p.arrival.value // 10**9) - T0, p.hops) for p in r.pairs().itertuples()}
    assert got == {k: (arrival[k], hops[k]) for k in arrival}
    np.testing.assert_allclose(r.members["temporal_betweenness"].to_numpy(), [bc[v] for v in nodes], atol=1e-12)
    # the share: B(v) over the reachable pairs without v
    for v in nodes:
        pairs = sum(1 for (s, d) in arrival if v not in (s, d))
        share = r.members.loc[v, "temporal_betweenness_share"]
        assert (np.isnan(share) and pairs == 0) or share == pytest.approx(bc[v] / pairs)


def test_chain_in_time_order_reaches_the_reverse_does_not():
    forward = temporal_reach(message_forum([("a", "b", 1), ("b", "c", 2)]))
    assert forward.reachable("a", "c") and forward.reachable("a", "b") and not forward.reachable("c", "a")
    assert forward.hops.loc["a", "c"] == 2
    assert forward.arrival.loc["a", "c"] == pd.Timestamp(T0 + 2, unit="s", tz="UTC")
    assert forward.members.loc["b", "temporal_betweenness"] == 1.0
    backward = temporal_reach(message_forum([("a", "b", 2), ("b", "c", 1)]))
    assert not backward.reachable("a", "c") and backward.reachable("b", "c")
    assert backward.members["temporal_betweenness"].sum() == 0.0
    same_time = temporal_reach(message_forum([("a", "b", 1), ("b", "c", 1)]))
    assert not same_time.reachable("a", "c")                 # strictly later steps only


def test_counts_and_reach_columns():
    r = temporal_reach(message_forum([("a", "b", 1), ("b", "c", 2), ("b", "d", 3), ("d", "a", 4)]))
    assert isinstance(r, TemporalReach) and "4 contacts" in repr(r)
    m = r.members
    assert m.loc["a", "out_reach"] == 3 and m.loc["c", "out_reach"] == 0
    assert m.loc["a", "in_reach"] == 2 and m.loc["c", "in_reach"] == 2      # b, d reach a; a, b reach c
    assert m.loc["b", "contacts_out"] == 2
    assert len(r.pairs()) == r.params["reachable_pairs"] == int(m["out_reach"].sum())


def test_sources_and_time_bounds():
    forum = message_forum([("a", "b", 1), ("b", "c", 2), ("c", "d", 3)], extra_members=["z"])
    r = temporal_reach(forum, sources=["a", "z"])
    assert list(r.arrival.index) == ["a", "z"] and r.members.loc["z", "out_reach"] == 0
    assert pd.isna(r.members.loc["b", "out_reach"])
    late = temporal_reach(forum, start=pd.Timestamp(T0 + 2, unit="s", tz="UTC"))
    assert late.reachable("b", "d") and "a" not in late.members.index   # a -> b at 1 is before start
    assert late.params["n_contacts"] == 2
    with pytest.raises(KeyError, match="not members"):
        temporal_reach(forum, sources=["nobody"])


def test_reply_layer_follows_the_reply_graph():
    posts = pd.DataFrame({"post_id": [1, 2, 3, 4], "thread_id": [1, 1, 2, 2], "author_id": ["a", "b", "b", "c"],
                          "created_at": [T0, T0 + 10, T0 + 20, T0 + 30], "reply_to": [None, 1, None, 3]})
    forum = na.read_forum({"posts": posts})
    r = temporal_reach(forum, "replies")
    # b answered a (t=10), c answered b (t=30): c -> b -> a in time? c->b at 30 is after b->a at 10: no
    assert r.reachable("b", "a") and r.reachable("c", "b") and not r.reachable("c", "a")
    edges = na.reply_graph(forum).edges()[["source", "target"]].values.tolist()
    assert sorted(edges) == sorted(map(list, zip(r.pairs()["source"], r.pairs()["target"])))


def test_bad_input_and_empty_layer():
    posts = pd.DataFrame({"post_id": [1], "thread_id": [1], "author_id": ["a"], "created_at": [T0]})
    forum = na.read_forum({"posts": posts})
    empty = temporal_reach(forum, "messages")
    assert empty.members.empty and empty.params["reachable_pairs"] == 0 and empty.pairs().empty
    with pytest.raises(ValueError, match="layer must be"):
        temporal_reach(forum, "coparticipation")
    with pytest.raises(ValueError, match="end"):
        temporal_reach(forum, start="2021-01-01", end="2020-01-01")
    assert na.temporal_reach is temporal_reach


@pytest.mark.parametrize("layer", ["messages", "replies"])
def test_serial_and_parallel_kernels_agree_exactly(layer, monkeypatch):
    """The kernel goes through DualKernel (netanalysis._numba): with the
    parallel build forced (threshold 0) on one and two threads, and with
    the serial build, every table is the same bytes."""
    import importlib

    import numba
    import synthetic

    reach = importlib.import_module("netanalysis.temporal.reach")
    from netanalysis._numba import DualKernel

    assert isinstance(reach._foremost_kernel, DualKernel)
    forum, _ = synthetic.generate_forum("tiny", seed=4)
    serial = temporal_reach(forum, layer)
    assert not reach._foremost_kernel.use_parallel(0)
    monkeypatch.setattr(reach._foremost_kernel, "min_work", 0)
    before = numba.get_num_threads()
    results = []
    try:
        for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(threads)
            results.append(temporal_reach(forum, layer))
    finally:
        numba.set_num_threads(before)
    for other in results:
        pd.testing.assert_frame_equal(serial.members, other.members, check_exact=True)
        pd.testing.assert_frame_equal(serial.arrival, other.arrival, check_exact=True)
        pd.testing.assert_frame_equal(serial.hops, other.hops, check_exact=True)
    assert serial.members["temporal_betweenness"].gt(0).any()
    # the builds themselves, on the same arguments
    rng = np.random.default_rng(0)
    n, m = 60, 900
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = u != v
    u, v = u[keep].astype(np.int64), v[keep].astype(np.int64)
    t = np.sort(rng.integers(0, 200, len(u))).astype(np.int64)
    gstart = np.append(np.flatnonzero(np.r_[True, t[1:] != t[:-1]]), len(t)).astype(np.int64)
    src = np.arange(n, dtype=np.int64)
    a = reach._foremost_kernel.serial(u, v, t, gstart, n, src, True, 16)
    b = reach._foremost_kernel.parallel(u, v, t, gstart, n, src, True, 16)
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
