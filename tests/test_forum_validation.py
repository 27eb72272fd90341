"""read_forum: typing, derivation and every validation problem."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netanalysis import ForumDataError, read_forum
from netanalysis.forum import CATEGORIES


def base_tables():
    """A small valid forum: 2 subforums, 3 threads, 7 posts, 4 members, 2 messages."""
    subforums = pd.DataFrame({
        "subforum_id": [1, 2], "name": ["introductions", "technical"],
        "category": ["introductions", "technical"], "min_rank": [0, 1],
    })
    threads = pd.DataFrame({
        "thread_id": [10, 11, 12], "subforum_id": [1, 2, 2],
        "author_id": [100, 101, 102], "created_at": ["2012-01-01", "2012-01-02", "2012-01-03"],
    })
    members = pd.DataFrame({
        "member_id": [100, 101, 102, 103], "status": ["admin", "member", "member", "new"],
        "rank_level": [3, 1, 1, 0], "joined_at": [1293840000, 1293840000, 1300000000, 1320000000],
        "is_staff": ["yes", "no", "0", "false"],
    })
    t0 = pd.Timestamp("2012-01-01", tz="UTC")
    hours = [0, 1, 2, 24, 25, 48, 50]
    posts = pd.DataFrame({
        "post_id": [1, 2, 3, 4, 5, 6, 7],
        "thread_id": [10, 10, 10, 11, 11, 12, 12],
        "author_id": [100, 101, 100, 101, 103, 102, 101],
        "created_at": [(t0 + pd.Timedelta(hours=h)).isoformat() for h in hours],
        "reply_to": [None, 1, None, None, 4, None, 6],
    })
    messages = pd.DataFrame({
        "message_id": [1, 2], "sender_id": [100, 103], "recipient_id": [101, 100],
        "created_at": ["2012-01-05T00:00:00Z", "2012-01-06T00:00:00+02:00"],
    })
    return {"subforums": subforums, "threads": threads, "members": members, "posts": posts, "messages": messages}


def problems_of(tables, **kw):
    with pytest.raises(ForumDataError) as info:
        read_forum(tables, **kw)
    assert isinstance(info.value, ValueError)
    return {(p.table, p.column, p.problem): p.rows for p in info.value.problems}


def test_valid_forum_is_typed():
    f = read_forum(base_tables())
    assert f.report.ok
    assert f.provided == frozenset({"posts", "threads", "subforums", "members", "messages"})
    assert f.posts["post_id"].dtype == np.int64
    assert str(f.posts["reply_to"].dtype) == "Int64"
    assert str(f.posts["created_at"].dtype) == "datetime64[ns, UTC]"
    assert str(f.members["rank_level"].dtype) == "Int64"
    assert f.members["is_staff"].tolist() == [True, False, False, False]
    assert f.members["joined_at"].iloc[0] == pd.Timestamp("2011-01-01", tz="UTC")
    assert list(f.subforums["category"].cat.categories) == list(CATEGORIES)
    # "+02:00" is honoured: 2012-01-06 00:00 at +2 is 2012-01-05 22:00 UTC
    assert f.messages["created_at"].iloc[1] == pd.Timestamp("2012-01-05T22:00Z")


def test_forum_is_immutable():
    f = read_forum(base_tables())
    posts = f.posts
    posts.loc[0, "author_id"] = 999
    posts["extra"] = 1
    assert f.posts["author_id"].iloc[0] == 100
    assert "extra" not in f.posts
    with pytest.raises(AttributeError):
        f.report = None


def test_posts_only_derives_other_tables():
    posts = base_tables()["posts"]
    f = read_forum({"posts": posts})
    assert f.provided == frozenset({"posts"})
    assert f.members["member_id"].tolist() == [100, 101, 102, 103]
    assert f.threads["thread_id"].tolist() == [10, 11, 12]
    assert f.threads["author_id"].tolist() == [100, 101, 102]
    assert len(f.subforums) == 0 and len(f.messages) == 0
    assert any("threads: derived" in d for d in f.report.derived)
    assert any("members: derived" in d for d in f.report.derived)
    # every column of the model is present
    assert "status" in f.members and f.members["status"].isna().all()


def test_subforums_derived_from_threads():
    t = base_tables()
    del t["subforums"]
    f = read_forum(t)
    assert f.subforums["subforum_id"].tolist() == [1, 2]
    assert f.subforums["category"].isna().all()


def test_string_and_mixed_ids():
    t = base_tables()
    t["posts"] = t["posts"].assign(author_id=["ann", "bob", "ann", "bob", "dan", "cy", "bob"])
    del t["members"], t["messages"], t["threads"]["author_id"]
    f = read_forum(t)
    assert f.members["member_id"].tolist() == ["ann", "bob", "cy", "dan"]
    assert f.posts["post_id"].dtype == np.int64
    # one non-integer id of a kind makes every column of that kind text
    t["threads"] = t["threads"].assign(thread_id=["10", "11", "x"])
    t["posts"] = t["posts"].assign(thread_id=["10", "10", "10", "11", "11", "x", "x"])
    f = read_forum(t)
    assert f.threads["thread_id"].tolist() == ["10", "11", "x"]
    assert f.posts["thread_id"].iloc[0] == "10"


def test_leading_zeros_stay_distinct_ids():
    posts = pd.DataFrame({"post_id": ["007", "7"], "thread_id": [1, 1], "author_id": [1, 2],
                          "created_at": [0, 1]})
    f = read_forum({"posts": posts})
    assert f.posts["post_id"].tolist() == ["007", "7"]


def test_posts_sorted_by_time_and_rows_refer_to_input():
    t = base_tables()
    t["posts"] = t["posts"].iloc[::-1].reset_index(drop=True)
    f = read_forum(t)
    assert f.posts["post_id"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    bad = t["posts"].copy()
    bad.loc[0, "reply_to"] = 99  # input row 0 is post 7
    assert problems_of({**t, "posts": bad})[("posts", "reply_to", "reply to a post that does not exist")] == (0,)


def test_missing_required_table_and_columns():
    t = base_tables()
    del t["posts"]
    assert ("posts", None, "required table is missing") in problems_of(t)
    t = base_tables()
    t["posts"] = t["posts"].drop(columns=["author_id"])
    t["messages"] = t["messages"].drop(columns=["recipient_id"])
    found = problems_of(t)
    assert ("posts", "author_id", "required column is missing") in found
    assert ("messages", "recipient_id", "required column is missing") in found
    # structural problems are not droppable
    with pytest.raises(ForumDataError):
        read_forum(t, on_error="drop")


def test_empty_dataset():
    t = base_tables()
    t["posts"] = t["posts"].iloc[:0]
    assert ("posts", None, "empty dataset: the posts table has no rows") in problems_of(t)


def test_wrong_types_and_timestamps():
    t = base_tables()
    t["members"] = t["members"].assign(rank_level=[3, "senior", 1, 1.5], is_staff=["yes", "maybe", "no", "no"])
    t["subforums"] = t["subforums"].assign(category=["introductions", "cooking"], min_rank=[0, "x"])
    t["posts"] = t["posts"].assign(created_at=["2012-01-01T00:00Z", "yesterday", "2012-01-01T02:00Z",
                                               "2012-01-02T00:00Z", None, "2012-01-03T00:00Z", "2012-13-45"])
    found = problems_of(t)
    assert found[("members", "rank_level", "not an integer")] == (1, 3)
    assert found[("members", "is_staff", "not a boolean (true/false, yes/no, 1/0)")] == (1,)
    assert found[("subforums", "category", f"unknown category (allowed: {', '.join(CATEGORIES)})")] == (1,)
    assert found[("subforums", "min_rank", "not an integer")] == (1,)
    key = ("posts", "created_at", "unparseable timestamp (need ISO 8601 text or Unix seconds)")
    assert found[key] == (1, 6)
    assert found[("posts", "created_at", "missing value")] == (4,)


def test_missing_ids_and_duplicates():
    t = base_tables()
    t["posts"] = t["posts"].assign(author_id=[100, None, 100, 101, 103, 102, 101])
    t["members"] = pd.concat([t["members"], t["members"].iloc[[1]]], ignore_index=True)
    t["messages"] = t["messages"].assign(message_id=[5, 5])
    found = problems_of(t)
    assert found[("posts", "author_id", "missing value")] == (1,)
    assert found[("members", "member_id", "duplicate member_id")] == (4,)
    assert found[("messages", "message_id", "duplicate message_id")] == (1,)


def test_dangling_references():
    t = base_tables()
    t["threads"] = t["threads"].assign(subforum_id=[1, 2, 9], author_id=[100, 101, 555])
    t["posts"] = t["posts"].assign(thread_id=[10, 10, 10, 11, 11, 13, 12], author_id=[100, 101, 100, 777, 103, 102, 101])
    t["messages"] = t["messages"].assign(sender_id=[100, 888], recipient_id=[999, 100])
    found = problems_of(t)
    assert found[("threads", "subforum_id", "thread in an unknown subforum")] == (2,)
    assert found[("threads", "author_id", "author unknown to members")] == (2,)
    assert found[("posts", "thread_id", "post in an unknown thread")] == (5,)
    assert found[("posts", "author_id", "author unknown to members")] == (3,)
    assert found[("messages", "sender_id", "sender unknown to members")] == (1,)
    assert found[("messages", "recipient_id", "recipient unknown to members")] == (0,)


def test_bad_replies():
    t = base_tables()
    # row 1: to itself; row 2: to a later post; row 4: to another thread; row 6: unknown
    t["posts"] = t["posts"].assign(reply_to=[None, 2, 5, None, 1, None, 42])
    found = problems_of(t)
    assert found[("posts", "reply_to", "reply to itself")] == (1,)
    # a reply to a later post of another thread is reported once, as another thread
    assert ("posts", "reply_to", "reply to a later post") not in found
    assert found[("posts", "reply_to", "reply to a post in another thread")] == (2, 4)
    assert found[("posts", "reply_to", "reply to a post that does not exist")] == (6,)
    t["posts"] = t["posts"].assign(reply_to=[3, None, None, None, 4, None, 6])
    assert problems_of(t)[("posts", "reply_to", "reply to a later post")] == (0,)


def test_all_problems_reported_at_once_with_rows_in_message():
    t = base_tables()
    t["posts"] = t["posts"].assign(reply_to=[None, 1, None, None, 4, None, 77], author_id=[100, 101, 100, 101, 103, 102, 555])
    t["members"] = t["members"].assign(rank_level=[3, 1, "x", 0])
    with pytest.raises(ForumDataError) as info:
        read_forum(t)
    msg = str(info.value)
    assert "3 problems" in msg
    assert "posts.reply_to: reply to a post that does not exist: 1 row (rows 6)" in msg
    assert "posts.author_id: author unknown to members: 1 row (rows 6)" in msg
    assert "members.rank_level: not an integer: 1 row (rows 2)" in msg


def test_message_shows_first_rows_and_count():
    posts = pd.DataFrame({"post_id": range(20), "thread_id": 1, "author_id": 1,
                          "created_at": ["bad"] * 12 + ["2012-01-01"] * 8})
    with pytest.raises(ForumDataError, match=r"12 rows \(rows 0, 1, 2, 3, 4, \.\.\.\)"):
        read_forum({"posts": posts})


def test_drop_mode_records_every_dropped_row_and_cascades():
    t = base_tables()
    t["threads"] = t["threads"].assign(subforum_id=[1, 2, 9])       # thread 12 dropped
    t["posts"] = t["posts"].assign(reply_to=[None, 1, None, None, 4, None, 6],
                                   author_id=[100, 555, 100, 101, 103, 102, 101])  # post 2 dropped
    t["posts"].loc[2, "reply_to"] = 2                                 # post 3 replies to dropped post 2
    f = read_forum(t, on_error="drop")
    d = f.report.dropped
    got = set(zip(d["table"], d["row"], d["key"], d["problem"]))
    assert got == {
        ("threads", 2, 12, "thread in an unknown subforum"),
        ("posts", 5, 6, "post in an unknown thread"),
        ("posts", 6, 7, "post in an unknown thread"),
        ("posts", 1, 2, "author unknown to members"),
        ("posts", 2, 3, "reply to a post that does not exist"),
    }
    assert f.posts["post_id"].tolist() == [1, 4, 5]
    assert f.threads["thread_id"].tolist() == [10, 11]
    assert f.report.dropped_counts().to_dict() == {"posts": 4, "threads": 1}
    assert not f.report.ok
    assert "dropped: 4 rows of posts" in str(f.report)


def test_drop_mode_can_empty_the_dataset():
    posts = pd.DataFrame({"post_id": [1], "thread_id": [1], "author_id": [1], "created_at": ["never"]})
    with pytest.raises(ForumDataError, match="no post is left"):
        read_forum({"posts": posts}, on_error="drop")


def test_unknown_table_and_bad_arguments():
    with pytest.raises(ForumDataError, match="unknown table"):
        read_forum({"posts": base_tables()["posts"], "likes": pd.DataFrame()})
    with pytest.raises(ValueError, match="on_error"):
        read_forum(base_tables(), on_error="ignore")
    with pytest.raises(ForumDataError, match="no dataset folder"):
        read_forum("/nonexistent/folder")


def test_content_columns_are_not_read(tmp_path):
    t = base_tables()
    t["posts"] = t["posts"].assign(body="some text", title="a title")
    f = read_forum(t)
    assert "body" not in f.posts and "title" not in f.posts
    assert any("body" in n and "title" in n for n in f.report.notes)


def test_summary_table_one():
    s = read_forum(base_tables()).summary()
    assert s["members"] == 4 and s["posting_members"] == 4 and s["threads"] == 3
    assert s["posts"] == 7 and s["subforums"] == 2 and s["statuses"] == 3 and s["staff"] == 1
    assert s["messages"] == 2 and s["replies_with_reply_to"] == 3


def test_post_arrays_are_integer_codes():
    f = read_forum(base_tables())
    pa = f.post_arrays
    assert pa.time.dtype == np.int64 and pa.time[0] == pd.Timestamp("2012-01-01", tz="UTC").value
    assert f.members["member_id"].to_numpy()[pa.author].tolist() == f.posts["author_id"].tolist()
    assert f.threads["thread_id"].to_numpy()[pa.thread].tolist() == f.posts["thread_id"].tolist()
    assert pa.reply_to.tolist() == [-1, 0, -1, -1, 3, -1, 5]
    assert not pa.author.flags.writeable
    assert f.thread_subforum.tolist() == [0, 1, 1]
    sender, recipient, time = f.message_arrays
    assert sender.tolist() == [0, 3] and recipient.tolist() == [1, 0] and time.dtype == np.int64
