"""Centrality in moving windows (issue 15.2): every window's values are those
of the panel on the window's reply graph (``forum.between``), ranks run from
1 = highest, the result is deterministic, and bad input is refused with a
message or gives a documented empty result."""
import numpy as np
import pandas as pd
import pytest

import netanalysis as na
import synthetic
from netanalysis.temporal import rolling
from netanalysis.temporal.rolling import rolling_windows

MEASURES = ["in_degree", "out_degree", "pagerank", "betweenness"]


@pytest.fixture(scope="module")
def tiny():
    forum, _ = synthetic.generate_forum("tiny", seed=0)
    return forum


def posts_forum(rows, members=None):
    """A forum from (post_id, thread_id, author, day, reply_to) rows."""
    posts = pd.DataFrame(rows, columns=["post_id", "thread_id", "author_id", "day", "reply_to"])
    posts["created_at"] = pd.Timestamp("2020-01-01", tz="UTC") + pd.to_timedelta(posts.pop("day"), unit="D")
    tables = {"posts": posts}
    if members is not None:
        tables["members"] = members
    return na.read_forum(tables)


def test_each_window_equals_the_panel_of_its_slice(tiny):
    r = rolling(tiny, "90D", "30D")
    assert list(r.columns) == ["window_start", "window_end", "member_id", "measure", "value", "rank"]
    windows = rolling_windows(tiny, "90D", "30D")
    assert len(r.attrs["windows"]) == len(windows) > 2
    for start, end in windows:
        g = na.reply_graph(tiny.between(start, end))
        ref = na.centrality(g, measures=MEASURES)
        got = r[r["window_start"] == start].pivot(index="member_id", columns="measure", values="value")
        assert list(got.index) == list(ref.index)
        np.testing.assert_allclose(got[MEASURES].to_numpy(), ref.to_numpy(), rtol=0, atol=1e-12)
        assert (r.loc[r["window_start"] == start, "window_end"] == end).all()


@pytest.mark.parametrize("rule", ["explicit", "previous"])
def test_other_rules_equal_their_slices(tiny, rule):
    r = rolling(tiny, "60D", "45D", measures=("out_degree", "in_degree"), rule=rule)
    for start, end in rolling_windows(tiny, "60D", "45D"):
        ref = na.centrality(na.reply_graph(tiny.between(start, end), rule=rule), measures=["in_degree", "out_degree"])
        got = r[r["window_start"] == start].pivot(index="member_id", columns="measure", values="value")
        np.testing.assert_array_equal(got[["in_degree", "out_degree"]].to_numpy(), ref.to_numpy())


def test_reply_to_before_the_window_falls_back_as_between_does():
    # post 3 (day 40) quotes post 1 (day 0); its previous post is 2 (day 35, by c)
    f = posts_forum([(1, 1, "a", 0, None), (2, 1, "c", 35, None), (3, 1, "b", 40, 1), (4, 2, "a", 70, None)])
    r = rolling(f, "30D", "30D", measures=("out_degree",), start="2020-01-01")
    second = r[r["window_start"] == pd.Timestamp("2020-01-31", tz="UTC")].set_index("member_id")["value"]
    # in [day 30, day 60): the quote of post 1 is cleared, so b answers c (the previous post)
    ref = na.reply_graph(f.between("2020-01-31", "2020-03-01"))
    assert ref.edges()[["source", "target"]].values.tolist() == [["b", "c"]]
    assert second.to_dict() == {"b": 1.0, "c": 0.0}
    # over the whole forum b answers a (the explicit reply)
    assert na.reply_graph(f).edges()[["source", "target"]].values.tolist() == [["b", "a"], ["c", "a"]]


def test_ranks_one_is_highest_ties_share(tiny):
    r = rolling(tiny, measures=("out_degree", "pagerank"))
    for (_, _), grp in r.groupby(["window_start", "measure"], observed=True):
        top = grp.loc[grp["rank"] == 1, "value"]
        assert len(top) >= 1 and (top == grp["value"].max()).all()
        # rank = 1 + number of strictly larger values
        larger = (grp["value"].to_numpy()[None, :] > grp["value"].to_numpy()[:, None]).sum(axis=1)
        np.testing.assert_array_equal(grp["rank"].to_numpy(), larger + 1)


def test_deterministic(tiny):
    a = rolling(tiny, seed=0)
    b = rolling(tiny, seed=0)
    pd.testing.assert_frame_equal(a, b)


def test_approximate_betweenness_above_the_limit(tiny):
    exact = rolling(tiny, measures=("betweenness",))
    approx = rolling(tiny, measures=("betweenness",), exact_limit=0, epsilon=0.02, delta=0.1, seed=3)
    assert exact.attrs["approximated"] == []
    assert len(approx.attrs["approximated"]) == sum(w["nodes"] > 0 for w in approx.attrs["windows"])
    assert {w["betweenness"] for w in approx.attrs["windows"]} == {"approximate"}
    assert np.abs(exact["value"].to_numpy() - approx["value"].to_numpy()).max() <= 0.02
    again = rolling(tiny, measures=("betweenness",), exact_limit=0, epsilon=0.02, seed=3)
    pd.testing.assert_frame_equal(approx, again)


def test_empty_windows_have_no_rows_and_are_listed():
    f = posts_forum([(1, 1, "a", 0, None), (2, 1, "b", 1, None), (3, 2, "a", 200, None), (4, 2, "c", 201, None)])
    r = rolling(f, "30D", "30D", measures=("in_degree",))
    empty = r.attrs["empty_windows"]
    assert len(empty) == 5 and all(e - s == pd.Timedelta("30D") for s, e in empty)
    assert set(r["window_start"].unique()) == {w["window_start"] for w in r.attrs["windows"] if w["posts"]}
    assert not r["window_start"].isin([s for s, _ in empty]).any()


def test_window_without_replies_gives_isolated_authors():
    f = posts_forum([(1, 1, "a", 0, None), (2, 2, "b", 1, None), (3, 3, "a", 40, None), (4, 3, "b", 41, None)])
    r = rolling(f, "30D", "30D", measures=("in_degree", "pagerank"))
    first = r[r["window_start"] == r["window_start"].min()]
    assert first.set_index(["member_id", "measure"])["value"].to_dict() == {
        ("a", "in_degree"): 0.0, ("b", "in_degree"): 0.0, ("a", "pagerank"): 0.5, ("b", "pagerank"): 0.5}


def test_bad_input_is_refused_with_a_message(tiny):
    short = posts_forum([(1, 1, "a", 0, None), (2, 1, "b", 10, None)])
    with pytest.raises(ValueError, match="less than two windows"):
        rolling(short, "90D", "30D")
    with pytest.raises(ValueError, match="measures must be"):
        rolling(tiny, measures=("bogus",))
    with pytest.raises(ValueError, match="window must be"):
        rolling(tiny, window="soon")
    with pytest.raises(ValueError, match="positive"):
        rolling(tiny, step="-30D")
    with pytest.raises(ValueError, match="starter"):
        rolling(tiny, rule="starter")
    with pytest.raises(ValueError, match="graph must be"):
        rolling(tiny, graph="messages")
    with pytest.raises(TypeError):
        rolling(pd.DataFrame())


def test_one_post_member_and_top_level_name(tiny):
    f = posts_forum([(1, 1, "a", 0, None), (2, 1, "b", 1, None), (3, 1, "a", 50, None), (4, 1, "c", 51, None)])
    r = na.rolling(f, "30D", "30D", measures=("out_degree",))
    assert r.loc[r["member_id"] == "c", "value"].tolist() == [1.0]
    assert na.rolling is rolling
