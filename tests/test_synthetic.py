"""The synthetic forum generator: API, data model, determinism, difficulty, output."""
import filecmp
import os

import pandas as pd
import pytest

from netanalysis.forum import read_forum
from synthetic import (DIFFICULTIES, PRESETS, TRUTH_FILE, describe, generate_forum, generate_tables,
                       resolve_params, write_dataset)


@pytest.fixture(scope="module")
def tiny():
    return generate_forum("tiny", seed=3)


@pytest.fixture(scope="module", params=DIFFICULTIES)
def by_difficulty(request):
    forum, truth = generate_forum("forum-d", seed=1, difficulty=request.param)
    return request.param, forum, truth


# -- parameters -----------------------------------------------------------------

@pytest.mark.parametrize("overrides, word", [
    ({"n_threads": 3000}, "n_threads"),
    ({"n_admins": 150, "n_moderators": 60}, "n_members"),
    ({"n_admins": 201, "n_moderators": 0, "n_technical": 0}, "n_admins"),
    ({"n_posts": -1}, "n_posts"),
    ({"n_messages": -5}, "n_messages"),
    ({"start": "2021-01-01", "end": "2020-01-01"}, "end"),
    ({"end": "not a date"}, "end"),
    ({"n_post": 10}, "n_post"),
    ({"posting_share": 1.5}, "posting_share"),
    ({"difficulty": "brutal"}, "difficulty"),
    ({"n_members": 2.5}, "n_members"),
])
def test_impossible_configurations_raise(overrides, word):
    with pytest.raises(ValueError, match=word):
        generate_forum("tiny", **overrides)


def test_unknown_preset():
    with pytest.raises(ValueError, match="preset"):
        generate_forum("forum-z")


def test_overrides_apply(tiny):
    forum, truth = generate_forum("tiny", seed=0, n_members=300, n_posts=3000, n_threads=50, n_statuses=7,
                                  n_subforums=12, n_admins=3, n_messages=10)
    d = describe(forum)
    assert (d["members"], d["posts"], d["threads"], d["statuses"], d["subforums"], d["management_team"],
            d["messages"]) == (300, 3000, 50, 7, 12, 3, 10)


def test_presets_are_resolvable():
    for name in PRESETS:
        assert resolve_params(name).n_members == PRESETS[name].n_members
    assert PRESETS["mega"].n_members == 1_000_000 and PRESETS["mega"].n_posts == 10_000_000


# -- data model -------------------------------------------------------------------

def test_tables_meet_the_schema(tiny):
    forum, _ = tiny
    assert forum.report.ok and forum.provided == frozenset(forum.tables())
    nullable = {("posts", "reply_to"), ("threads", "subforum_id"), ("threads", "author_id")}
    for name, table in forum.tables().items():
        for col in table.columns:
            if col.endswith("_id") or col == "reply_to":
                expected = "Int64" if (name, col) in nullable else "int64"
                assert str(table[col].dtype) == expected, (name, col)
            if col in ("created_at", "joined_at", "last_seen_at"):
                assert str(table[col].dtype) == "datetime64[ns, UTC]", (name, col)
        # Every optional column is filled at the default difficulty.
        missing = table.isna().any()
        if name == "posts":
            missing = missing.drop("reply_to")
        assert not missing.any(), (name, list(missing[missing].index))


def test_replies_point_earlier_in_the_same_thread(tiny):
    forum, _ = tiny
    posts = forum.posts.set_index("post_id")
    quoted = posts[posts["reply_to"].notna()]
    target = posts.loc[quoted["reply_to"].astype("int64")]
    assert (target["thread_id"].to_numpy() == quoted["thread_id"].to_numpy()).all()
    assert (target["created_at"].to_numpy() <= quoted["created_at"].to_numpy()).all()
    assert (target.index.to_numpy() < quoted.index.to_numpy()).all()


def test_activity_within_membership(tiny):
    forum, _ = tiny
    m = forum.members.set_index("member_id")
    posts = forum.posts
    first = posts.groupby("author_id")["created_at"].min()
    last = posts.groupby("author_id")["created_at"].max()
    assert (m.loc[first.index, "joined_at"] <= first).all()
    assert (m.loc[last.index, "last_seen_at"] >= last).all()
    msg = forum.messages
    for col in ("sender_id", "recipient_id"):
        joined = m.loc[msg[col], "joined_at"].to_numpy()
        seen = m.loc[msg[col], "last_seen_at"].to_numpy()
        assert (joined <= msg["created_at"].to_numpy()).all() and (msg["created_at"].to_numpy() <= seen).all()
    assert (msg["sender_id"] != msg["recipient_id"]).all()


def test_threads_match_their_posts(tiny):
    forum, _ = tiny
    first = forum.posts.groupby("thread_id").first()
    threads = forum.threads.set_index("thread_id")
    assert (threads.loc[first.index, "author_id"].astype("int64") == first["author_id"]).all()
    assert (threads.loc[first.index, "created_at"] == first["created_at"]).all()


def test_private_subforums_need_rank(by_difficulty):
    _, forum, _ = by_difficulty
    sf = forum.subforums
    private = sf[sf["min_rank"] > 1]
    assert len(private)
    posts = forum.posts.merge(forum.threads[["thread_id", "subforum_id"]], on="thread_id")
    posts = posts.merge(private[["subforum_id", "min_rank"]], on="subforum_id")
    rank = forum.members.set_index("member_id")["rank_level"]
    author_rank = rank.reindex(posts["author_id"]).to_numpy()
    known = ~pd.isna(author_rank)
    assert (author_rank[known].astype(int) >= posts["min_rank"].to_numpy()[known]).all()


def test_statuses_follow_activity(tiny):
    forum, truth = generate_forum("forum-c", seed=2)
    m = forum.members.merge(truth, on="member_id")
    posts = forum.posts["author_id"].value_counts()
    m["posts"] = m["member_id"].map(posts).fillna(0)
    ordinary = m[~m["key_actor"]]
    rho = ordinary[["posts", "rank_level"]].astype(float).corr(method="spearman").iloc[0, 1]
    assert rho > 0.5
    levels = m["rank_level"].astype(int)
    assert levels.nunique() == 7
    assert (levels[m["role"] == "admin"] == 7).all()


# -- difficulty -------------------------------------------------------------------------

def test_counts_exact_at_every_difficulty(by_difficulty):
    _, forum, truth = by_difficulty
    d = describe(forum)
    assert (d["members"], d["statuses"], d["subforums"], d["threads"], d["posts"]) == (14_370, 9, 34, 1_094, 35_500)
    assert (truth["role"] == "admin").sum() == 4


def test_no_column_gives_key_actors_away(by_difficulty):
    difficulty, forum, truth = by_difficulty
    m = forum.members.merge(truth, on="member_id")
    staff = m["is_staff"].fillna(False).astype(bool)
    assert not (staff == m["key_actor"]).all()
    if difficulty == "hard":
        assert m["is_staff"].isna().mean() > 0.1
        assert m["rank_level"].isna().mean() > 0.05
        assert forum.subforums["category"].isna().any()
        assert forum.subforums["name"].str.startswith("subforum-").all()
        # The staff status is neither all key actors nor only key actors.
        top = m["rank_level"].astype("Float64") == 8
        assert not (top.fillna(False) == m["key_actor"]).all()
        assert (m.loc[top.fillna(False).astype(bool), "key_actor"] == False).any()  # noqa: E712
        tech = m[m["role"] == "technical"]
        assert (tech["rank_level"].astype("Float64") < 8).any()


def test_hard_is_noisier_than_easy():
    from synthetic import role_profile
    easy = role_profile(*generate_forum("forum-d", seed=4, difficulty="easy"))
    hard = role_profile(*generate_forum("forum-d", seed=4, difficulty="hard"))
    assert hard.loc["technical", "technical_share"] < easy.loc["technical", "technical_share"]


def test_hard_loses_posts_but_keeps_counts():
    tables, _ = generate_tables("tiny", seed=5, difficulty="hard")
    ids = tables["posts"]["post_id"].to_numpy()
    assert len(ids) == 2400
    assert ids.max() > len(ids)   # gaps where posts were lost


# -- determinism and output ---------------------------------------------------------------

def test_same_seed_same_tables_other_seed_other_tables():
    a, ta = generate_tables("tiny", seed=11)
    b, tb = generate_tables("tiny", seed=11)
    c, _ = generate_tables("tiny", seed=12)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    pd.testing.assert_frame_equal(ta, tb)
    assert not a["posts"]["author_id"].equals(c["posts"]["author_id"])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_files_are_byte_identical(tmp_path, fmt):
    for run in ("one", "two"):
        forum, truth = generate_forum("tiny", seed=7, difficulty="hard")
        write_dataset(forum, truth, tmp_path / run, format=fmt)
    names = sorted(os.listdir(tmp_path / "one"))
    assert names == sorted([f"{t}.{fmt}" for t in ("posts", "threads", "subforums", "members", "messages")]
                           + [TRUTH_FILE])
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", names, shallow=False)
    assert mismatch == [] and errors == []


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_dataset_reads_back(tmp_path, tiny, fmt):
    forum, truth = tiny
    out = write_dataset(forum, truth, tmp_path / "ds", format=fmt)
    again = read_forum(out)
    for name, table in forum.tables().items():
        pd.testing.assert_frame_equal(again.table(name), table, check_dtype=False, check_categorical=False)
    back = pd.read_csv(out / TRUTH_FILE)
    assert back["member_id"].tolist() == truth["member_id"].tolist()
    assert back["role"].tolist() == truth["role"].tolist()


def test_write_is_atomic_and_refuses_to_clobber(tmp_path, tiny):
    forum, truth = tiny
    target = tmp_path / "ds"
    write_dataset(forum, truth, target)
    with pytest.raises(FileExistsError):
        write_dataset(forum, truth, target)
    with pytest.raises(ValueError, match="member_id"):
        write_dataset(forum, truth.iloc[:-1], tmp_path / "other", overwrite=True)
    assert not (tmp_path / "other").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]   # no temporary folder left
    write_dataset(forum, truth, target, format="parquet", overwrite=True)
    assert (target / "posts.parquet").exists() and not (target / "posts.csv").exists()


def test_tiny_is_quick():
    import time
    t0 = time.perf_counter()
    generate_forum("tiny", seed=0)
    assert time.perf_counter() - t0 < 1.0
