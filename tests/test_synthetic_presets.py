"""The Table-1 presets: exact counts and the documented distribution ranges.

Each preset is generated once per module (forum-a takes a few seconds).
Table 1 is copied here from the study (domain.md), not from synthetic.params,
so that a drifting preset fails.
"""
import numpy as np
import pytest

from synthetic import describe, generate_forum, role_profile
from synthetic.describe import reply_pairs

# online years, members, management team, statuses, subforums, threads, posts
TABLE1 = {
    "forum-a": ((2010, 2014), 105_650, 5, 12, 15, 1_265, 420_000),
    "forum-b": ((2009, 2013), 33_130, 1, 3, 3, 103, 11_250),
    "forum-c": ((2012, 2013), 12_215, 1, 7, 20, 603, 32_360),
    "forum-d": ((2013, 2013), 14_370, 4, 9, 34, 1_094, 35_500),
}


@pytest.fixture(scope="module", params=sorted(TABLE1))
def generated(request):
    forum, truth = generate_forum(request.param, seed=0)
    return request.param, forum, truth, describe(forum)


def test_table1_exact(generated):
    name, forum, truth, d = generated
    (first_year, last_year), members, admins, statuses, subforums, threads, posts = TABLE1[name]
    assert d["members"] == members
    assert d["management_team"] == admins
    assert d["statuses"] == statuses
    assert d["subforums"] == subforums
    assert d["threads"] == threads
    assert d["posts"] == posts
    assert d["first_post"].year == first_year
    assert d["last_post"].year == last_year
    assert (truth["role"] == "admin").sum() == admins
    assert len(truth) == members


def test_distribution_ranges(generated):
    _, forum, _, d = generated
    assert 0.02 <= d["posting_share"] <= 0.15
    assert d["thread_start_share"] == pytest.approx(d["threads"] / d["posts"])
    assert 0.20 <= d["explicit_reply_share"] <= 0.40
    assert d["gini_posts_members"] >= 0.95
    assert 0.65 <= d["gini_posts_posters"] <= 0.90
    assert 0.10 <= d["top1_post_share"] <= 0.55
    assert d["thread_length_p90"] >= 3 * d["thread_length_p50"]
    assert d["thread_length_max"] >= 20 * d["thread_length_p50"]
    assert 5 <= d["thread_lifetime_days_p50"] <= 40
    assert 50 <= d["thread_lifetime_days_p90"] <= 250
    assert 0.20 <= d["reply_reciprocity"] <= 0.65
    assert 0.20 <= d["messaging_share"] <= 0.40
    assert d["message_reply_overlap"] <= 0.30


def test_reply_network_more_centralised_than_chance(generated):
    _, forum, _, d = generated
    n, m = d["reply_nodes"], d["reply_edges"]
    rng = np.random.default_rng(0)
    # Erdos-Renyi digraph with the same nodes and edges: in-degrees are binomial.
    null = []
    for _ in range(20):
        deg = rng.binomial(n - 1, m / (n * (n - 1)), size=n)
        null.append(np.sum(deg.max() - deg) / (n - 1) ** 2)
    assert d["reply_in_centralization"] >= 0.08
    assert d["reply_in_centralization"] >= 5 * max(null)


def test_roles_behave_structurally(generated):
    name, forum, truth, _ = generated
    prof = role_profile(forum, truth)
    ordinary = ["distributor", "requester", "regular", "newcomer"]
    # Technical members answer many distinct askers in technical subforums...
    assert prof.loc["technical", "askers_answered_median"] > prof.loc[ordinary, "askers_answered_median"].max()
    assert prof.loc["technical", "technical_share"] > 3 * prof.loc[ordinary, "technical_share"].max()
    # ...but do not produce the bulk of the content.
    assert prof.loc["technical", "post_share"] < 0.05
    assert prof.loc["distributor", "post_share"] > prof.loc["technical", "post_share"]
    # Long tenure, early join.
    assert prof.loc["technical", "tenure_days_median"] > 2 * prof.loc["regular", "tenure_days_median"]
    assert prof.loc["technical", "joined_median"] < prof.loc["regular", "joined_median"]
    # Admins act across the forum; newcomers are recent; lurkers (almost) never post.
    n_sf = len(forum.subforums)
    assert prof.loc["admin", "subforums_median"] >= 0.6 * n_sf
    assert prof.loc["newcomer", "joined_median"] > 0.8
    assert prof.loc["lurker", "posting_share"] < 0.02
    if (forum.subforums["category"] == "introductions").any():
        assert prof["introductions_share"].idxmax() == "newcomer"


def test_distributors_start_content_threads(generated):
    _, forum, truth, _ = generated
    threads = forum.threads.merge(forum.subforums[["subforum_id", "category"]], on="subforum_id")
    content = threads[threads["category"] == "content"]
    role = truth.set_index("member_id")["role"]
    starters = role.reindex(content["author_id"].astype("int64")).value_counts()
    assert starters.idxmax() == "distributor"
    # Their threads draw more replies than other content threads.
    lengths = forum.posts.groupby("thread_id").size()
    by_dist = content["author_id"].astype("int64").map(role).eq("distributor").to_numpy()
    content_len = lengths.reindex(content["thread_id"]).to_numpy()
    if (~by_dist).sum() >= 5:
        assert np.median(content_len[by_dist]) > np.median(content_len[~by_dist])


def test_technical_answers_reach_new_members(generated):
    """Technical members answer in technical subforums, to many askers who are
    mostly not key actors (recently joined members among them)."""
    _, forum, truth, _ = generated
    src, dst = reply_pairs(forum)
    role = truth.set_index("member_id")["role"].reindex(forum.member_index).to_numpy(dtype=object)
    tech_to = dst[(role[src] == "technical") & (src != dst)]
    assert len(tech_to) > 0
    share_key = np.isin(role[tech_to], ["admin", "moderator", "technical"]).mean()
    assert share_key < 0.5
    assert len(np.unique(tech_to)) >= 10
