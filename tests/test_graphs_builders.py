"""The graph builders on a hand-made forum whose graphs are worked out by hand.

The forum (members table given in the order eve, dan, cy, bob, ann; dan
never posts, eve only sends and receives messages):

====  ======  ======  ===  ==========
post  thread  author  day  reply_to
====  ======  ======  ===  ==========
p1    T1      ann     0
p2    T1      bob     1
p3    T1      ann     2    p2
p4    T2      cy      3
p5    T1      cy      20   p1
p6    T2      cy      21
p7    T2      bob     22   p4
p8    T3      bob     23
p9    T1      bob     24   p3
p10   T4      ann     25
====  ======  ======  ===  ==========

Threads T1, T2 are in subforum S1, T3 in S2, T4 in none.
Messages: ann->dan twice, dan->ann, eve->eve, bob->eve.
"""
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.forum import read_forum
from netanalysis.graphs import (
    Affiliation,
    InteractionGraph,
    affiliation_matrix,
    combined_graph,
    coparticipation_graph,
    message_graph,
    reply_graph,
)

DAY0 = pd.Timestamp("2013-01-01", tz="UTC")
MEMBERS = ["eve", "dan", "cy", "bob", "ann"]


@pytest.fixture(scope="module")
def forum():
    rows = [
        ("p1", "T1", "ann", 0, None),
        ("p2", "T1", "bob", 1, None),
        ("p3", "T1", "ann", 2, "p2"),
        ("p4", "T2", "cy", 3, None),
        ("p5", "T1", "cy", 20, "p1"),
        ("p6", "T2", "cy", 21, None),
        ("p7", "T2", "bob", 22, "p4"),
        ("p8", "T3", "bob", 23, None),
        ("p9", "T1", "bob", 24, "p3"),
        ("p10", "T4", "ann", 25, None),
    ]
    posts = pd.DataFrame(rows, columns=["post_id", "thread_id", "author_id", "day", "reply_to"])
    posts["created_at"] = DAY0 + pd.to_timedelta(posts.pop("day"), unit="D")
    # Shuffled input: the forum sorts posts by time.
    posts = posts.iloc[[3, 0, 9, 5, 1, 2, 8, 4, 7, 6]]
    threads = pd.DataFrame({"thread_id": ["T1", "T2", "T3", "T4"], "subforum_id": ["S1", "S1", "S2", None]})
    subforums = pd.DataFrame({"subforum_id": ["S1", "S2"]})
    members = pd.DataFrame({"member_id": MEMBERS})
    messages = pd.DataFrame({
        "message_id": [1, 2, 3, 4, 5],
        "sender_id": ["ann", "ann", "dan", "eve", "bob"],
        "recipient_id": ["dan", "dan", "ann", "eve", "eve"],
        "created_at": [DAY0] * 5,
    })
    return read_forum({"posts": posts, "threads": threads, "subforums": subforums,
                       "members": members, "messages": messages})


def edges(g: InteractionGraph) -> dict:
    return {(s, t): w for s, t, w in g.edges().itertuples(index=False)}


def dense(g: InteractionGraph, order) -> np.ndarray:
    """The adjacency as a dense array over the member ids ``order``."""
    pos = g.node_ids.get_indexer(order)
    return g.adjacency.toarray()[np.ix_(pos, pos)]


# -- reply graph -----------------------------------------------------------------

def test_reply_explicit(forum):
    g = reply_graph(forum, rule="explicit")
    assert g.directed and g.kind == "reply" and g.weight == "replies"
    # p3->p2 ann->bob, p5->p1 cy->ann, p7->p4 bob->cy, p9->p3 bob->ann
    assert edges(g) == {("cy", "ann"): 1.0, ("bob", "cy"): 1.0, ("bob", "ann"): 1.0, ("ann", "bob"): 1.0}
    assert g.meta["answers"] == 4 and g.meta["self_replies"] == 0 and g.meta["replies"] == 4
    assert g.meta["answers_by_rule"] == {"explicit": 4}


def test_reply_previous(forum):
    g = reply_graph(forum, rule="previous")
    # T1 p1 p2 p3 p5 p9: bob->ann, ann->bob, cy->ann, bob->cy
    # T2 p4 p6 p7: cy->cy (self), bob->cy
    assert edges(g) == {("cy", "ann"): 1.0, ("bob", "cy"): 2.0, ("bob", "ann"): 1.0, ("ann", "bob"): 1.0}
    assert g.meta["answers"] == 6 and g.meta["self_replies"] == 1 and g.meta["replies"] == 5
    assert g.total_weight == 5


def test_reply_starter(forum):
    g = reply_graph(forum, rule="starter")
    # T1 answers p1 (ann): bob, ann (self), cy, bob; T2 answers p4 (cy): cy (self), bob
    assert edges(g) == {("cy", "ann"): 1.0, ("bob", "cy"): 1.0, ("bob", "ann"): 2.0}
    assert g.meta["answers"] == 6 and g.meta["self_replies"] == 2 and g.meta["replies"] == 4
    assert g.meta["answers_by_rule"] == {"starter": 6}


def test_reply_auto(forum):
    g = reply_graph(forum)
    # explicit: p3 ann->bob, p5 cy->ann, p7 bob->cy, p9 bob->ann;
    # previous: p2 bob->ann, p6 cy->cy (self)
    assert edges(g) == {("cy", "ann"): 1.0, ("bob", "cy"): 1.0, ("bob", "ann"): 2.0, ("ann", "bob"): 1.0}
    assert g.meta["rule"] == "auto"
    assert g.meta["answers_by_rule"] == {"explicit": 4, "previous": 2}
    assert g.meta["self_replies"] == 1 and g.meta["replies"] == 5 and g.meta["posts"] == 10


def test_reply_node_order_follows_members(forum):
    g = reply_graph(forum)
    assert list(g.node_ids) == ["cy", "bob", "ann"]  # authors, in members-table order
    expected = np.array([[0, 0, 1], [1, 0, 2], [0, 1, 0]], dtype=float)
    np.testing.assert_array_equal(g.adjacency.toarray(), expected)


def test_reply_max_gap(forum):
    g = reply_graph(forum, max_gap="7D")
    # kept: p2->p1 (1 day) bob->ann, p3->p2 (1 day) ann->bob; dropped: p5 (20 days),
    # p6 (18 days; a self-reply, but the gap is applied first), p7 (19), p9 (22)
    assert edges(g) == {("bob", "ann"): 1.0, ("ann", "bob"): 1.0}
    assert g.meta["dropped_max_gap"] == 4 and g.meta["self_replies"] == 0 and g.meta["replies"] == 2
    assert g.meta["max_gap"] == pd.Timedelta("7D")


def test_reply_max_gap_boundary_and_types(forum):
    exact = reply_graph(forum, rule="explicit", max_gap=pd.Timedelta(days=1))
    assert edges(exact) == {("ann", "bob"): 1.0}  # p3 answers p2 exactly one day later: kept
    shorter = reply_graph(forum, rule="explicit", max_gap="23h")
    assert shorter.n_edges == 0 and shorter.meta["dropped_max_gap"] == 4
    import datetime

    same = reply_graph(forum, rule="explicit", max_gap=datetime.timedelta(days=1))
    assert edges(same) == edges(exact)
    with pytest.raises(TypeError):
        reply_graph(forum, max_gap=7)
    with pytest.raises(ValueError):
        reply_graph(forum, max_gap="-1D")
    with pytest.raises(ValueError):
        reply_graph(forum, max_gap="0s")


def test_reply_nodes_options(forum):
    assert list(reply_graph(forum, nodes="members").node_ids) == MEMBERS
    g = reply_graph(forum, rule="explicit", max_gap="1D", nodes="connected")
    assert list(g.node_ids) == ["bob", "ann"]
    assert reply_graph(forum, nodes="active").n_nodes == 5  # dan and eve have messages
    given = reply_graph(forum, nodes=["ann", "bob"])
    assert list(given.node_ids) == ["ann", "bob"]
    # ann<->bob keeps 1 + 2; the replies to and from cy (2) are outside.
    assert edges(given) == {("ann", "bob"): 1.0, ("bob", "ann"): 2.0}
    assert given.meta["weight_outside_nodes"] == 2.0
    assert reply_graph(forum).meta["weight_outside_nodes"] == 0.0
    with pytest.raises(KeyError):
        reply_graph(forum, nodes=["ann", "nobody"])
    with pytest.raises(ValueError):
        reply_graph(forum, nodes="everyone")


def test_reply_bad_arguments(forum):
    with pytest.raises(ValueError):
        reply_graph(forum, rule="quotes")
    with pytest.raises(TypeError):
        reply_graph(forum.posts)


def test_reply_without_reply_to_column():
    posts = pd.DataFrame({"post_id": [1, 2, 3], "thread_id": [1, 1, 1], "author_id": [7, 8, 7],
                          "created_at": [DAY0] * 3})
    f = read_forum({"posts": posts})
    # Same time: input order decides "previous". auto = previous here.
    assert edges(reply_graph(f)) == {(8, 7): 1.0, (7, 8): 1.0}
    assert reply_graph(f, rule="explicit").n_edges == 0


# -- co-participation -------------------------------------------------------------

def test_coparticipation_count(forum):
    g = coparticipation_graph(forum)
    assert not g.directed and g.kind == "coparticipation"
    # T1 {ann, bob, cy}, T2 {bob, cy}, T3 {bob}, T4 {ann}
    expected = np.array([[0, 2, 1], [2, 0, 1], [1, 1, 0]], dtype=float)
    np.testing.assert_array_equal(dense(g, ["cy", "bob", "ann"]), expected)
    assert g.meta["threads"] == 4 and g.meta["threads_used"] == 2
    assert g.meta["threads_single_participant"] == 2 and g.meta["largest_thread"] == 3
    assert g.meta["threads_skipped"] == 0 and g.meta["posts_skipped"] == 0


def test_coparticipation_newman(forum):
    g = coparticipation_graph(forum, weighting="newman")
    # T1: 1/(3-1) per pair; T2: 1/(2-1)
    assert edges(g) == {("cy", "bob"): 1.5, ("cy", "ann"): 0.5, ("bob", "ann"): 0.5}
    assert g.weight == "shared threads (Newman)"
    # Each participant of a thread with p >= 2 receives a total of 1 from it.
    strength = np.asarray(g.adjacency.sum(axis=1)).ravel()
    np.testing.assert_allclose(strength, [2.0, 2.0, 1.0])


def test_coparticipation_max_participants(forum):
    g = coparticipation_graph(forum, max_participants=2)
    assert edges(g) == {("cy", "bob"): 1.0}
    assert g.meta["threads_skipped"] == 1 and g.meta["posts_skipped"] == 5
    assert list(g.node_ids) == ["cy", "bob", "ann"]  # ann keeps her node
    assert coparticipation_graph(forum, max_participants=3).meta["threads_skipped"] == 0
    with pytest.raises(ValueError):
        coparticipation_graph(forum, max_participants=1)
    with pytest.raises(TypeError):
        coparticipation_graph(forum, max_participants=2.5)
    with pytest.raises(ValueError):
        coparticipation_graph(forum, weighting="jaccard")


def test_coparticipation_is_projection_of_affiliation(forum):
    a = affiliation_matrix(forum, nodes="members")
    b = (a.matrix > 0).astype(float)
    proj = (b @ b.T).toarray()
    np.fill_diagonal(proj, 0)
    g = coparticipation_graph(forum, nodes="members")
    np.testing.assert_array_equal(g.adjacency.toarray(), proj)


# -- messages and combined ----------------------------------------------------------

def test_message_graph(forum):
    g = message_graph(forum)
    assert list(g.node_ids) == MEMBERS  # all are active
    assert edges(g) == {("dan", "ann"): 1.0, ("bob", "eve"): 1.0, ("ann", "dan"): 2.0}
    assert g.meta["messages"] == 5 and g.meta["self_messages"] == 1
    authors = message_graph(forum, nodes="authors")
    assert authors.n_edges == 0 and authors.meta["weight_outside_nodes"] == 4.0
    assert list(message_graph(forum, nodes="connected").node_ids) == ["eve", "dan", "bob", "ann"]


def test_message_graph_without_messages():
    posts = pd.DataFrame({"post_id": [1], "thread_id": [1], "author_id": [5], "created_at": [DAY0]})
    g = message_graph(read_forum({"posts": posts}))
    assert g.n_nodes == 1 and g.n_edges == 0 and g.meta["messages"] == 0


def test_combined_graph(forum):
    g = combined_graph(forum, weights=[1, 2])
    order = MEMBERS
    # reply (auto): cy->ann 1, bob->cy 1, bob->ann 2, ann->bob 1
    # messages x2:  ann->dan 4, dan->ann 2, bob->eve 2
    expected = np.zeros((5, 5))
    for (s, t), w in {("cy", "ann"): 1, ("bob", "cy"): 1, ("bob", "ann"): 2, ("ann", "bob"): 1,
                      ("ann", "dan"): 4, ("dan", "ann"): 2, ("bob", "eve"): 2}.items():
        expected[order.index(s), order.index(t)] = w
    np.testing.assert_array_equal(dense(g, order), expected)
    assert g.directed and g.kind == "combined"
    assert g.meta["scales"] == {"reply": 1.0, "message": 2.0}
    assert g.meta["layer_weights"] == {"reply": 5.0, "message": 4.0}
    # connected pairs: reply {ann-cy, bob-cy, ann-bob}, message {ann-dan, bob-eve}: disjoint
    assert g.meta["edge_jaccard"] == {"reply|message": 0.0}
    by_name = combined_graph(forum, weights={"message": 2})
    assert edges(by_name) == edges(g)


def test_combined_with_undirected_and_prebuilt_layers(forum):
    starter = reply_graph(forum, rule="starter", nodes="connected")
    copart = coparticipation_graph(forum)
    g = combined_graph(forum, layers=[starter, copart], nodes="authors")
    assert g.directed
    order = ["cy", "bob", "ann"]
    expected = np.array([[0, 2, 1 + 1], [2 + 1, 0, 1 + 2], [1, 1, 0]], dtype=float)
    np.testing.assert_array_equal(dense(g, order), expected)
    # starter pairs {ann-cy, bob-cy, ann-bob} equal the co-participation pairs
    assert g.meta["edge_jaccard"] == {"reply|coparticipation": 1.0}
    both_undirected = combined_graph(forum, layers=["coparticipation", copart], weights=[1, 0.5])
    assert not both_undirected.directed
    assert both_undirected.meta["layers"] == ["coparticipation#0", "coparticipation#1"]
    np.testing.assert_array_equal(dense(both_undirected, order), 1.5 * dense(copart, order))


def test_combined_bad_arguments(forum):
    with pytest.raises(ValueError):
        combined_graph(forum, layers=[])
    with pytest.raises(ValueError):
        combined_graph(forum, layers=["likes"])
    with pytest.raises(ValueError):
        combined_graph(forum, weights=[1])
    with pytest.raises(ValueError):
        combined_graph(forum, weights=[1, -1])
    with pytest.raises(KeyError):
        combined_graph(forum, weights={"likes": 2})
    alien = InteractionGraph(sp.csr_array((1, 1)), ["stranger"])
    with pytest.raises(KeyError):
        combined_graph(forum, layers=[alien])


# -- affiliation -------------------------------------------------------------------

def test_affiliation_thread(forum):
    a = affiliation_matrix(forum)
    assert isinstance(a, Affiliation) and a.level == "thread"
    assert list(a.member_ids) == ["cy", "bob", "ann"]
    assert list(a.group_ids) == ["T1", "T2", "T3", "T4"]
    expected = np.array([[1, 2, 0, 0], [2, 1, 1, 0], [2, 0, 0, 1]])
    np.testing.assert_array_equal(a.matrix.toarray(), expected)
    assert a.matrix.dtype == np.int64 and a.meta["posts"] == 10
    matrix, members, threads = a
    assert matrix is a.matrix and members is a.member_ids and threads is a.group_ids
    frame = a.to_frame()
    assert list(frame.columns) == ["member_id", "thread_id", "posts"]
    assert frame["posts"].sum() == 10 and len(frame) == 7


def test_affiliation_subforum(forum):
    a = affiliation_matrix(forum, "subforum", nodes="members")
    assert list(a.member_ids) == MEMBERS and list(a.group_ids) == ["S1", "S2"]
    expected = np.array([[0, 0], [0, 0], [3, 0], [3, 1], [2, 0]])
    np.testing.assert_array_equal(a.matrix.toarray(), expected)
    assert a.meta["posts_without_subforum"] == 1 and a.meta["posts"] == 9
    given = affiliation_matrix(forum, nodes=["ann"])
    assert given.meta["posts_outside_nodes"] == 7
    with pytest.raises(ValueError):
        affiliation_matrix(forum, "board")
    with pytest.raises(ValueError):
        affiliation_matrix(forum, nodes="connected")


def test_integer_ids_forum():
    posts = pd.DataFrame({"post_id": [1, 2, 3], "thread_id": [5, 5, 6], "author_id": [30, 10, 30],
                          "created_at": DAY0 + pd.to_timedelta([0, 1, 2], unit="h"),
                          "reply_to": [None, 1, None]})
    f = read_forum({"posts": posts})
    g = reply_graph(f)
    assert g.node_ids.dtype == np.int64 and list(g.node_ids) == [10, 30]
    assert edges(g) == {(10, 30): 1.0}


def test_builders_return_canonical_graphs(forum):
    """The builders skip the public constructor's checks; its invariants must hold."""
    graphs = [
        reply_graph(forum), reply_graph(forum, rule="starter", nodes=["ann", "cy"]),
        coparticipation_graph(forum, weighting="newman", nodes="members"),
        message_graph(forum, nodes="connected"),
        combined_graph(forum, layers=["reply", "coparticipation", "message"], weights=[1, 0.25, 3]),
    ]
    for g in graphs:
        a = g.adjacency
        assert a.dtype == np.float64 and a.has_canonical_format
        assert np.all(a.data > 0) and not a.data.flags.writeable
        checked = InteractionGraph(a, g.node_ids, directed=g.directed)  # raises if not symmetric
        assert (checked.adjacency != a).nnz == 0
        assert g.node_ids.is_unique and len(g.node_ids) == a.shape[0]


def test_coparticipation_warns_before_a_huge_product(forum, monkeypatch):
    import netanalysis.graphs.coparticipation as module

    assert coparticipation_graph(forum).meta["pair_bound"] == 3 * 2 + 2 * 1  # T1 and T2
    monkeypatch.setattr(module, "LARGE_PRODUCT", 7)
    with pytest.warns(module.LargeGraphWarning, match="max_participants"):
        coparticipation_graph(forum)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coparticipation_graph(forum, max_participants=2)  # bound 2: no warning


def test_coparticipation_node_sets(forum):
    given = coparticipation_graph(forum, nodes=["bob", "ann"])
    assert list(given.node_ids) == ["bob", "ann"]
    assert edges(given) == {("bob", "ann"): 1.0}
    assert given.meta["weight_outside_nodes"] == 3.0  # ann-cy 1, bob-cy 2
    newman = coparticipation_graph(forum, weighting="newman", nodes=["bob", "ann"])
    assert edges(newman) == {("bob", "ann"): 0.5}  # p_t of T1 stays 3
    assert newman.meta["weight_outside_nodes"] == 2.0
    assert list(coparticipation_graph(forum, max_participants=2, nodes="connected").node_ids) == ["cy", "bob"]
    assert coparticipation_graph(forum, nodes="members").n_nodes == 5


def test_answered_posts(forum):
    from netanalysis.graphs import answered_posts

    ids = forum.posts["post_id"].tolist()  # time order: p1 .. p10

    def named(rows):
        return [None if r < 0 else ids[r] for r in rows]

    assert named(answered_posts(forum)) == [None, "p1", "p2", None, "p1", "p4", "p4", None, "p3", None]
    assert named(answered_posts(forum, "previous")) == [None, "p1", "p2", None, "p3", "p4", "p6", None, "p5", None]
    assert named(answered_posts(forum, "starter")) == [None, "p1", "p1", None, "p1", "p4", "p4", None, "p1", None]
    with pytest.raises(ValueError):
        answered_posts(forum, "quotes")
