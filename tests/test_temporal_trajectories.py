"""Activity trajectories (issue 15.1): group-based trajectory models recover
planted mixtures, prefer ZIP on zero-inflated counts, pick the planted
number of groups, are deterministic, handle members who stop, and refuse
bad input with a message."""
import numpy as np
import pandas as pd
import pytest

import netanalysis as na
from netanalysis.temporal import Trajectories, activity_trajectories, fit_trajectories


def simulate(n, t_len, shares, coefs, omega=None, seed=0):
    """Counts of ``n`` members over ``t_len`` periods from a planted mixture
    (coefficients on standardised time z in [-1, 1], as the model reports)."""
    rng = np.random.default_rng(seed)
    group = rng.choice(len(shares), size=n, p=shares)
    z = (np.arange(t_len) - (t_len - 1) / 2) / ((t_len - 1) / 2)
    lam = np.exp(np.vander(z, len(coefs[0]), increasing=True) @ np.asarray(coefs, float).T)   # T x K
    y = rng.poisson(lam[:, group].T).astype(float)
    if omega is not None:
        y[rng.random(y.shape) < np.asarray(omega)[group][:, None]] = 0.0
    return y, group, lam


SHARES = [0.5, 0.3, 0.2]
# low and flat, rising then falling, high and declining (in order of mean expected count)
COEFS = [[-1.0, 0.0, 0.0], [0.3, 1.0, -0.8], [1.2, -0.8, 0.0]]


@pytest.fixture(scope="module")
def planted():
    y, group, lam = simulate(3000, 24, SHARES, COEFS, seed=1)
    return y, group, lam, fit_trajectories(y, n_groups=3, seed=0)


def test_recovers_planted_poisson_mixture(planted):
    y, group, lam, fit = planted
    assert isinstance(fit, Trajectories) and fit.n_groups == 3
    # shares within 0.03, curve coefficients within 0.1, accuracy >= 0.95
    assert np.allclose(fit.groups["share"], SHARES, atol=0.03)
    assert fit.groups["share"].sum() == pytest.approx(1.0)
    coef = fit.groups[["b0", "b1", "b2"]].to_numpy()
    assert np.abs(coef - np.asarray(COEFS)).max() < 0.1
    accuracy = (fit.membership.to_numpy() - 1 == group).mean()
    assert accuracy >= 0.95
    # adequacy: APP > 0.9, OCC > 5 on separated groups
    assert (fit.groups["app"] > 0.9).all() and (fit.groups["occ"] > 5).all()
    assert np.allclose(fit.posterior.sum(axis=1), 1.0)
    assert fit.groups["n_assigned"].sum() == len(y)


def test_confidence_bands_cover_the_planted_curves(planted):
    _, _, lam, fit = planted
    c = fit.curves
    assert list(c.columns) == ["group", "t", "period", "expected", "lower", "upper", "observed", "at_risk"]
    assert len(c) == 3 * 24
    assert (c["lower"] <= c["expected"]).all() and (c["expected"] <= c["upper"]).all()
    truth = lam.T.ravel()                                  # group-major, as the table
    covered = ((c["lower"] <= truth) & (truth <= c["upper"])).mean()
    assert covered >= 0.85
    assert "delta method" in fit.params["covariance"]
    assert (fit.groups[["se_b0", "se_b1", "se_b2"]] > 0).all().all()
    # observed means follow the expected counts
    assert np.allclose(c["observed"], c["expected"], rtol=0.15, atol=0.05)


def test_bic_picks_the_planted_number_of_groups(planted):
    y, _, _, _ = planted
    fit = fit_trajectories(y, n_groups="auto", max_groups=5, n_starts=4)
    assert list(fit.bic.index) == [1, 2, 3, 4, 5]
    assert fit.bic["chosen"].sum() == 1 and fit.bic["bic"].idxmax() == 3 == fit.n_groups
    assert {"loglik", "n_params", "bic", "aic", "min_share", "converged"} <= set(fit.bic.columns)
    # Nagin's BIC with N = members
    row = fit.bic.loc[3]
    assert row["bic"] == pytest.approx(row["loglik"] - 0.5 * row["n_params"] * np.log(len(y)))
    assert row["n_params"] == 2 + 3 * 3
    # the log-likelihood does not decrease with more groups (nested models, best of the starts)
    assert (np.diff(fit.bic["loglik"].to_numpy()) > -1.0).all()


def test_zip_preferred_on_zero_inflated_counts():
    omega = [0.3, 0.5]
    y, group, _ = simulate(2000, 20, [0.6, 0.4], [[0.0, 0.5, 0.0], [1.2, -0.5, 0.0]], omega=omega, seed=2)
    pois = fit_trajectories(y, n_groups=2, order=1, model="poisson")
    zip_ = fit_trajectories(y, n_groups=2, order=1, model="zip")
    assert zip_.bic["bic"].iloc[0] > pois.bic["bic"].iloc[0] + 100
    assert np.allclose(zip_.groups["zero_inflation"], omega, atol=0.05)
    assert np.allclose(zip_.groups["share"], [0.6, 0.4], atol=0.03)
    assert np.abs(zip_.groups[["b0", "b1"]].to_numpy() - [[0.0, 0.5], [1.2, -0.5]]).max() < 0.1
    assert (zip_.membership.to_numpy() - 1 == group).mean() >= 0.9
    assert zip_.bic.loc[2, "n_params"] == 1 + 2 * 2 + 2
    # expected count = (1 - omega) * lambda, inside its band
    c = zip_.curves
    assert (c["lower"] <= c["expected"]).all() and (c["expected"] <= c["upper"]).all()
    # on Poisson data ZIP gains (almost) nothing and BIC keeps the Poisson model
    y2, _, _ = simulate(2000, 20, [0.6, 0.4], [[0.0, 0.5, 0.0], [1.2, -0.5, 0.0]], seed=3)
    p2 = fit_trajectories(y2, n_groups=2, order=1, model="poisson")
    z2 = fit_trajectories(y2, n_groups=2, order=1, model="zip")
    assert p2.bic["bic"].iloc[0] > z2.bic["bic"].iloc[0]


def test_same_seed_same_result(planted):
    y = planted[0][:800]
    a = fit_trajectories(y, n_groups=[2, 3], seed=5)
    b = fit_trajectories(y, n_groups=[2, 3], seed=5)
    pd.testing.assert_frame_equal(a.posterior, b.posterior, check_exact=True)
    pd.testing.assert_frame_equal(a.bic, b.bic, check_exact=True)
    pd.testing.assert_frame_equal(a.groups, b.groups, check_exact=True)
    pd.testing.assert_frame_equal(a.curves, b.curves, check_exact=True)


def test_records_with_missing_periods_are_not_zeros():
    """NaN outside a record is not observed: a member who left is not a member posting zero."""
    rng = np.random.default_rng(4)
    y = rng.poisson(3.0, (400, 12)).astype(float)
    y[:200, 6:] = np.nan                                  # half the members leave after 6 periods
    fit = fit_trajectories(y, n_groups=1, order=1)
    assert fit.groups.loc[1, "b1"] == pytest.approx(0.0, abs=0.06)    # flat: leaving is not a decline
    assert (fit.records["n_periods"].to_numpy()[:200] == 6).all()
    zeros = np.nan_to_num(y)
    declining = fit_trajectories(zeros, n_groups=1, order=1)          # the same counts read as zeros
    assert declining.groups.loc[1, "b1"] < -0.3
    bad = y.copy()
    bad[0, 2] = np.nan
    with pytest.raises(ValueError, match="missing values inside a record"):
        fit_trajectories(bad, n_groups=1)


# -- from a forum ----------------------------------------------------------------------

def _forum(rows, members=None):
    posts = pd.DataFrame(rows, columns=["post_id", "thread_id", "author_id", "created_at"])
    tables = {"posts": posts}
    if members is not None:
        tables["members"] = members
    return na.read_forum(tables)


def _rows(spec):
    """spec: member -> list of (month, n_posts) in 2020."""
    return [(f"p{m}-{mo}-{i}", "t1", m, f"2020-{mo:02d}-10") for m, posts in spec.items()
            for mo, k in posts for i in range(k)]


def test_record_ends_at_last_post_or_last_seen_at():
    spec = {1: [(1, 3), (2, 2)], 2: [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1)], 3: [(3, 2)]}
    members = pd.DataFrame({"member_id": [1, 2, 3, 4],
                            "last_seen_at": ["2020-05-20", "2020-01-01", None, "2020-06-01"]})
    fit = activity_trajectories(_forum(_rows(spec), members), n_groups=1, order=1)
    rec = fit.records
    assert list(rec.index) == [1, 2, 3]                  # member 4 never posted
    assert rec.loc[1, ["start", "end", "n_periods", "n_posts"]].tolist() == [0, 4, 5, 5]
    assert rec.loc[1, "ends_at"] == "last_seen_at"
    assert rec.loc[2, "ends_at"] == "last_post" and rec.loc[2, "end"] == 5   # seen before the last post
    assert rec.loc[3, ["start", "end", "n_periods"]].tolist() == [2, 2, 1]   # one period: no last_seen_at
    assert fit.params["n_member_periods"] == 5 + 6 + 1
    assert list(fit.curves["period"].unique()) == list(pd.date_range("2020-01-01", periods=6, freq="MS", tz="UTC"))
    tenure = activity_trajectories(_forum(_rows(spec), members), n_groups=1, order=1, clock="tenure")
    assert tenure.params["n_periods"] == 6 and list(tenure.curves["period"]) == list(range(6))


def test_member_with_one_post_is_classified():
    spec = {m: [(mo, 1 + (m > 5) * 3) for mo in range(1, 13)] for m in range(1, 11)}
    spec[11] = [(7, 1)]
    fit = activity_trajectories(_forum(_rows(spec)), n_groups=2, order=1)
    assert fit.records.loc[11, "n_periods"] == 1
    assert fit.posterior.loc[11].sum() == pytest.approx(1.0)
    assert fit.membership.loc[11] in (1, 2)
    assert fit.membership.loc[[1, 2, 3, 4, 5]].nunique() == 1 and fit.membership.loc[[6, 7, 8, 9, 10]].nunique() == 1


def test_bad_input_is_named():
    one_month = _forum(_rows({1: [(3, 2)], 2: [(3, 5)]}))
    with pytest.raises(ValueError, match="at least 2 periods"):
        activity_trajectories(one_month)
    with pytest.raises(ValueError, match="at least 2 periods"):
        activity_trajectories(_forum(_rows({1: [(3, 1)], 2: [(4, 1)]})), clock="tenure")
    two_months = _forum(_rows({1: [(3, 2), (4, 1)], 2: [(3, 5)]}))
    with pytest.raises(ValueError, match="order 2 needs at least 3 periods"):
        activity_trajectories(two_months)
    assert activity_trajectories(two_months, n_groups=1, order=1).n_groups == 1
    with pytest.raises(ValueError, match="only 2 members"):
        activity_trajectories(two_months, n_groups=3, order=1)
    empty = two_months.between("2030-01-01", "2031-01-01")
    with pytest.raises(ValueError, match="no posting members"):
        activity_trajectories(empty)
    for kwargs, message in [({"model": "negbin"}, "model must be"), ({"clock": "age"}, "clock must be"),
                            ({"order": -1}, "order must be"), ({"n_groups": 0}, "n_groups must be"),
                            ({"n_groups": "best"}, "n_groups must be"), ({"freq": "fortnight"}, "freq must be"),
                            ({"n_starts": 0}, "n_starts must be"), ({"level": 1.5}, "level must")]:
        with pytest.raises(ValueError, match=message):
            activity_trajectories(two_months, **kwargs)
    with pytest.raises(ValueError, match="non-negative integers"):
        fit_trajectories(np.array([[1.0, -1.0], [0.0, 2.0]]), n_groups=1, order=1)


def test_synthetic_forum_c():
    import synthetic

    forum, _ = synthetic.generate_forum("forum-c", seed=1)
    fit = na.activity_trajectories(forum, max_groups=4, n_starts=4)
    assert fit.groups["share"].sum() == pytest.approx(1.0)
    assert len(fit.membership) == forum.summary()["posting_members"]
    assert np.allclose(fit.posterior.sum(axis=1), 1.0)
    assert fit.bic["chosen"].sum() == 1 and list(fit.bic.index) == [1, 2, 3, 4]
    assert repr(fit).startswith("<Trajectories: poisson model")
