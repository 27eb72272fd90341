"""Reading and writing dataset folders, time slicing, pseudonymisation."""
from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from netanalysis import ForumDataError, pseudonymize, read_forum, write_forum
from netanalysis.forum import read_key
from netanalysis.forum.pseudonymize import pseudonym_map
from netanalysis._io import atomic_folder, is_inside

from test_forum_validation import base_tables

KEY = b"0123456789abcdef-test-key"


def assert_same_forum(a, b):
    for name in ("posts", "threads", "subforums", "members", "messages"):
        pd.testing.assert_frame_equal(a.table(name), b.table(name), check_dtype=True)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_read_round_trip(tmp_path, fmt):
    f = read_forum(base_tables())
    out = write_forum(f, tmp_path / "ds", format=fmt)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.{fmt}" for t in
                                                          ("posts", "threads", "subforums", "members", "messages"))
    g = read_forum(out)
    assert_same_forum(f, g)


def test_round_trip_string_ids_and_same_bytes(tmp_path):
    t = base_tables()
    t["posts"] = t["posts"].assign(author_id=["007", "b", "007", "b", "d", "c", "b"])
    t["members"] = t["members"].assign(member_id=["007", "b", "c", "d"])
    t["threads"] = t["threads"].assign(author_id=["007", "b", "c"])
    t["messages"] = t["messages"].assign(sender_id=["007", "d"], recipient_id=["b", "007"])
    f = read_forum(t)
    for fmt in ("csv", "parquet"):
        a = write_forum(f, tmp_path / f"a-{fmt}", format=fmt)
        b = write_forum(f, tmp_path / f"b-{fmt}", format=fmt)
        for p in a.iterdir():
            assert p.read_bytes() == (b / p.name).read_bytes(), p.name
        assert_same_forum(f, read_forum(a))


def test_csv_timestamps_are_iso_utc(tmp_path):
    out = write_forum(read_forum(base_tables()), tmp_path / "ds")
    first = (out / "posts.csv").read_text().splitlines()[1]
    assert "2012-01-01T00:00:00Z" in first


def test_ambiguous_table_files(tmp_path):
    out = write_forum(read_forum(base_tables()), tmp_path / "ds")
    pd.read_csv(out / "posts.csv").to_parquet(out / "posts.parquet")
    with pytest.raises(ForumDataError, match="posts: present in more than one file"):
        read_forum(out)


def test_unreadable_file_names_table(tmp_path):
    (tmp_path / "posts.parquet").write_bytes(b"not parquet")
    with pytest.raises(ForumDataError, match=r"posts: cannot read posts.parquet"):
        read_forum(tmp_path)


def test_atomic_folder_refuses_and_cleans_up(tmp_path):
    target = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with atomic_folder(target) as tmp:
            (tmp / "half.csv").write_text("x")
            raise RuntimeError("interrupted")
    assert not target.exists() and list(tmp_path.iterdir()) == []
    target.mkdir()
    with pytest.raises(FileExistsError):
        with atomic_folder(target):
            pass
    assert is_inside(target / "a" / "b", target) and not is_inside(tmp_path, target)


# -- time slicing -------------------------------------------------------------------
def test_between_slices_posts_threads_and_clears_outside_replies():
    f = read_forum(base_tables())
    s = f.between("2012-01-02T00:30Z", "2012-01-03T00:00Z")
    assert s.posts["post_id"].tolist() == [5]
    assert s.posts["reply_to"].isna().all()          # post 4 is before the period
    assert s.threads["thread_id"].tolist() == [11]
    assert any("1 replies point to posts before" in n for n in s.report.notes)
    # members who had not joined by the end and did not act are left out
    s = f.between(None, "2011-02-01")
    assert len(s.posts) == 0 and s.members["member_id"].tolist() == [100, 101]
    with pytest.raises(ValueError, match="must be after"):
        f.between("2012-02-01", "2012-01-01")


def test_windows_partition_the_posts():
    f = read_forum(base_tables())
    wins = list(f.windows("D"))
    assert [len(w.posts) for _, _, w in wins] == [3, 2, 2]
    assert sum(len(w.posts) for _, _, w in wins) == len(f.posts)
    starts = [lo for lo, _, _ in wins]
    assert starts[0] == pd.Timestamp("2012-01-01", tz="UTC")
    assert all(hi - lo == pd.Timedelta("1D") for lo, hi, _ in wins)
    months = list(f.windows("MS"))
    assert len(months) == 1 and months[0][0] == pd.Timestamp("2012-01-01", tz="UTC")


# -- pseudonymisation ----------------------------------------------------------------
def test_pseudonymize_members_keeps_structure():
    f = read_forum(base_tables())
    p = pseudonymize(f, KEY)
    mapping = dict(zip(f.members["member_id"], p.members["member_id"]))
    assert len(set(mapping.values())) == 4
    assert [mapping[a] for a in f.posts["author_id"]] == p.posts["author_id"].tolist()
    assert [mapping[a] for a in f.messages["sender_id"]] == p.messages["sender_id"].tolist()
    assert p.posts["post_id"].tolist() == f.posts["post_id"].tolist()
    expected = "m_" + hmac.new(KEY, b"member\x00100", hashlib.sha256).hexdigest()[:20]
    assert mapping[100] == expected
    assert any("pseudonymised" in n for n in p.report.notes)


def test_pseudonymize_all_ids_keeps_replies_valid(tmp_path):
    f = read_forum(base_tables())
    p = pseudonymize(f, KEY, kinds="all")
    assert p.posts["post_id"].str.startswith("p_").all()
    assert p.subforums["name"].isna().all()
    back = read_forum(write_forum(p, tmp_path / "ps"))
    assert back.posts["reply_to"].notna().sum() == 3
    # the pseudonymised forum is still valid: every reply_to names a post
    assert back.posts["reply_to"].dropna().isin(back.posts["post_id"]).all()


def test_pseudonym_key_rules(tmp_path):
    f = read_forum(base_tables())
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonymize(f, b"short")
    with pytest.raises(ValueError, match="unknown id kinds"):
        pseudonymize(f, KEY, kinds=("author",))
    (tmp_path / "key").write_bytes(KEY + b"\n")
    assert read_key(tmp_path / "key") == KEY
    (tmp_path / "short").write_bytes(b"abc\n")
    with pytest.raises(ValueError, match="3 bytes"):
        read_key(tmp_path / "short")
    other = pseudonymize(f, KEY[::-1])
    assert set(other.members["member_id"]).isdisjoint(pseudonymize(f, KEY).members["member_id"])


@settings(max_examples=60, deadline=None)
@given(ids=st.one_of(st.lists(st.integers(-10**12, 10**12), min_size=1, max_size=60, unique=True),
                    st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=60, unique=True)))
def test_pseudonyms_injective_and_stable(ids):
    # ids of one kind share one type in a Forum, so each example has one type
    a = pseudonym_map(ids, KEY)
    b = pseudonym_map(list(reversed(ids)), KEY)
    assert a.is_unique and len(a) == len(ids)
    assert a.loc[ids].tolist() == b.loc[ids].tolist()


@pytest.mark.parametrize("by", ["posts", "threads", "members"])
def test_subsample_removes_exact_share_and_clears_lost_replies(by):
    from netanalysis.forum import subsample

    f = read_forum(base_tables())
    s = subsample(f, 0.34, by=by, seed=3)
    units = {"posts": 7, "threads": 3, "members": 4}[by]
    if by == "posts":
        assert len(s.posts) == 7 - round(0.34 * units)
    elif by == "threads":
        assert len(s.threads) == 3 - round(0.34 * units)
    else:
        assert s.posts["author_id"].nunique() == 4 - round(0.34 * units)
        assert len(s.members) == 4
    # every remaining reply_to names a remaining post
    assert s.posts["reply_to"].dropna().isin(s.posts["post_id"]).all()
    assert subsample(f, 0.34, by=by, seed=3).posts.equals(s.posts)
    with pytest.raises(ValueError, match="removed must be"):
        subsample(f, 1.0)
