"""Planted promotions of the synthetic generator (issue 15, "Checks"):
opt-in, deterministic, the default forum unchanged, and found by
``na.emergence`` as a structural rise before the status event."""
from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest

import netanalysis as na
import synthetic
from synthetic.generate import generate_tables

#: Digests of the default output, taken before promotions existed (commit
#: 874ba03): the generator must keep writing these bytes by default.
DEFAULT_DIGESTS = {("tiny", 1, "realistic"): "b6aa9a53251788f4", ("forum-c", 0, "realistic"): "ee7d48b4d0e566da",
                   ("forum-b", 3, "realistic"): "21d6c506b95af50b", ("tiny", 7, "hard"): "651d558409039ba0"}
#: Share of promoted members whose structural rise na.emergence must find
#: before their status event and their promotion (measured: 8 of 10 on
#: forum-c, seed 0; the 10 members not promoted: 0 of 10).
MIN_FOUND_SHARE = 0.6


def _digest(tables: dict, truth: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for name in sorted(tables):
        h.update(name.encode())
        h.update(pd.util.hash_pandas_object(tables[name], index=False).to_numpy().tobytes())
    h.update(pd.util.hash_pandas_object(truth, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


@pytest.mark.parametrize("preset, seed, difficulty", sorted(DEFAULT_DIGESTS))
def test_default_output_unchanged(preset, seed, difficulty):
    default = generate_tables(preset, seed=seed, difficulty=difficulty)
    assert _digest(*default) == DEFAULT_DIGESTS[preset, seed, difficulty]
    explicit = generate_tables(preset, seed=seed, difficulty=difficulty, promotions=0)
    assert _digest(*explicit) == _digest(*default)
    assert list(default[1].columns) == ["member_id", "role", "key_actor"]


def test_default_dataset_truth_unchanged(tmp_path):
    forum, truth = synthetic.generate_forum("tiny", seed=1)
    zero = synthetic.generate_forum("tiny", seed=1, promotions=0)
    synthetic.write_dataset(forum, truth, tmp_path / "a")
    synthetic.write_dataset(*zero, tmp_path / "b")
    paths = sorted((tmp_path / "a").iterdir())
    assert any(path.name == synthetic.io.TRUTH_FILE for path in paths)
    for path in paths:
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_promotions_deterministic_and_seeded():
    a = generate_tables("forum-c", seed=2, promotions=3)
    b = generate_tables("forum-c", seed=2, promotions=3)
    assert _digest(*a) == _digest(*b)
    c = generate_tables("forum-c", seed=3, promotions=3)
    assert _digest(*a) != _digest(*c)
    assert a[1]["promoted_at"].notna().sum() == 3
    # The promotions change only what they plant: the layout and the members' order stay.
    plain = generate_tables("forum-c", seed=2)
    pd.testing.assert_frame_equal(a[0]["subforums"], plain[0]["subforums"])
    assert len(a[0]["posts"]) == len(plain[0]["posts"])


def test_promotions_need_a_restricted_subforum_and_room():
    with pytest.raises(ValueError, match="rank-restricted"):
        generate_tables("forum-b", seed=0, promotions=1)
    with pytest.raises(ValueError, match="promotions"):
        generate_tables("tiny", seed=0, promotions=10_000)
    with pytest.raises(ValueError, match="too few private threads"):
        generate_tables("tiny", seed=0, promotions=3)     # its one private subforum falls silent early
    with pytest.raises(ValueError, match="promotions"):
        generate_tables("tiny", seed=0, promotions=-1)


@pytest.fixture(scope="module")
def promoted_forum():
    forum, truth = synthetic.generate_forum("forum-c", seed=0, promotions=10)
    return forum, truth.set_index("member_id")


def test_promoted_hold_staff_rank_and_restricted_posts_only_after(promoted_forum):
    forum, truth = promoted_forum
    promoted = truth.index[truth["promoted_at"].notna()]
    assert len(promoted) == 10
    assert set(truth.loc[promoted, "role"]) <= {"distributor", "requester", "regular"}
    members = forum.members.set_index("member_id")
    staff_level = int(forum.members["rank_level"].max()) - 1
    assert (members.loc[promoted, "rank_level"] == staff_level).all()

    sf = forum.subforums.set_index("subforum_id")["min_rank"]
    restricted_sf = sf.index[sf > sf.min()]
    thread_sf = forum.threads.set_index("thread_id")["subforum_id"]
    posts = forum.posts.assign(restricted=forum.posts["thread_id"].map(thread_sf).isin(restricted_sf))
    for m in promoted:
        at = truth.loc[m, "promoted_at"]
        mine = posts[posts["author_id"] == m]
        assert not (mine["restricted"] & (mine["created_at"] < at)).any(), m
        assert (mine["restricted"] & (mine["created_at"] >= at)).any(), m
        assert ((mine["created_at"] < at) & ~mine["restricted"]).any(), m    # they posted before it
        assert members.loc[m, "joined_at"] <= at <= members.loc[m, "last_seen_at"]


def test_emergence_finds_rise_before_promotion(promoted_forum):
    forum, truth = promoted_forum
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = na.emergence(forum).members
    promoted = truth.index[truth["promoted_at"].notna()]
    rows = found.loc[promoted]
    # The status event na.emergence reads is the planted promotion's first staff post.
    assert (rows["status_event"] == "restricted").all()
    assert (rows["status_at"] >= truth.loc[promoted, "promoted_at"]).all()
    # Found: the first top-5% window ends before the status event (a lead)
    # and before the planted date (benchmarks/temporal_checks.py part (c)).
    at = truth.loc[promoted, "promoted_at"]
    found_rise = (rows["lead_days"] > 0) & (rows["structural_at"] < at)
    found_share = float(found_rise.mean())
    assert found_share >= MIN_FOUND_SHARE, rows
    lead_days = (at - rows["structural_at"])[found_rise].dt.total_seconds() / 86_400
    assert (lead_days > 0).all()
    # Baseline: members not promoted who posted at least as much as the least active promoted one.
    n_posts = forum.posts.groupby("author_id").size()
    others = found.index[~found.index.isin(promoted)]
    others = others[n_posts.reindex(others).to_numpy() >= n_posts.loc[promoted].min()]
    assert len(others) >= 20
    baseline = float((found.loc[others, "lead_days"] > 0).mean())
    assert baseline < found_share - 0.2, (baseline, found_share)


def test_without_promotions_the_planted_members_show_no_rise():
    """The planted behaviour is what is found: the same members without it
    are not found (so the end-to-end test can fail)."""
    forum, truth = synthetic.generate_forum("forum-c", seed=0, promotions=10)
    chosen = truth.loc[truth["promoted_at"].notna(), "member_id"]
    plain, _ = synthetic.generate_forum("forum-c", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = na.emergence(plain).members
    lead = found["lead_days"].reindex(chosen)
    assert float((lead > 0).mean()) < MIN_FOUND_SHARE
