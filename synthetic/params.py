"""Parameters and presets of the synthetic forum generator.

A :class:`ForumParams` holds every figure the generator needs. Presets
``forum-a`` to ``forum-d`` reproduce Table 1 of van der Bruggen & Blokland
(Dutch summary, 2021) exactly: members, management team, statuses in the
hierarchy, subforums, threads and posts, and the years online. The study gives
years only; the presets take the first of January of the first year to the
31st of December of the last year (UTC).

``tiny`` is a small forum for unit tests; ``mega`` a large one for benchmarks.

Shares that Table 1 does not give are chosen from the related work:

* ``posting_share`` (members who ever post): 3.4% "communicatively active" in
  the study of the same research line, which we take for forum A (the
  2010-2014 forum of more than 400,000 posts); Fonhof et al. (2019) report
  14,659 users for a 2010-2014 data set, about 14% of forum A's membership, so
  the other presets stay between those two figures.
* ``reply_to_share`` (replies that quote a post): not given by the sources;
  about a third, so that both explicit and sequential reply edges matter.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

__all__ = ["ForumParams", "PRESETS", "DIFFICULTIES", "resolve_params"]

DIFFICULTIES = ("easy", "realistic", "hard")


@dataclass(frozen=True)
class ForumParams:
    """Every parameter of :func:`synthetic.generate_forum`.

    Attributes
    ----------
    start, end : str
        First and last day the forum is online (ISO dates, UTC, inclusive).
    n_members : int
        Registered members.
    n_admins : int
        Management team (admins); ``is_staff`` marks them.
    n_statuses : int
        Statuses (rank levels) of the hierarchy; level ``n_statuses`` is the
        management's, ``n_statuses - 1`` the staff level when there are 4 or
        more.
    n_subforums, n_threads, n_posts : int
        Table 1 counts. Every thread has at least one post.
    n_moderators, n_technical : int
        Members of those roles (see :mod:`synthetic`).
    n_messages : int
        Private messages.
    posting_share : float
        Share of members who are not lurkers (post more than once or twice).
    distributor_share, requester_share, newcomer_share : float
        Shares of the posting non-staff members in those roles; the rest are
        regulars.
    lurker_post_share : float or None
        Share of lurkers who post once (an introduction or a request);
        ``None`` takes the difficulty's default.
    reply_to_share : float
        Share of replies that quote an earlier post (explicit ``reply_to``);
        the others answer the previous post in sequence.
    messaging_share : float
        Share of posting members who send or receive private messages.
    thread_length_sigma : float
        Log-normal spread of thread lengths (larger: heavier tail).
    growth : float
        Growth of the joining rate over the forum's life (0: constant;
        1: about e times more joins at the end than at the start).
    difficulty : str
        ``"easy"``, ``"realistic"`` or ``"hard"``: how noisy the role signal
        is and how incomplete the records are.
    lost_post_share : float or None
        Share of generated reply posts lost from the records (posts count
        stays ``n_posts``); ``None`` takes the difficulty's default.
    promotions : int
        Ordinary posting members promoted to the staff status at a planted
        date inside their tenure, after a planted structural rise (see
        :mod:`synthetic._promotions`); ``truth`` then gains ``promoted_at``.
        The study dates no promotion (the records keep current ranks only),
        so the default is 0: no promotion history, and the forum of every
        preset and seed unchanged. Opt in to check that a structural rise
        before a promotion is found (Boekhout, Blokland & Takes 2024).
    """

    start: str = "2010-01-01"
    end: str = "2014-12-31"
    n_members: int = 105_650
    n_admins: int = 5
    n_statuses: int = 12
    n_subforums: int = 15
    n_threads: int = 1_265
    n_posts: int = 420_000
    n_moderators: int = 4
    n_technical: int = 6
    n_messages: int = 60_000
    posting_share: float = 0.034
    distributor_share: float = 0.06
    requester_share: float = 0.15
    newcomer_share: float = 0.25
    lurker_post_share: float | None = None
    reply_to_share: float = 0.33
    messaging_share: float = 0.3
    thread_length_sigma: float = 1.4
    growth: float = 1.0
    difficulty: str = "realistic"
    lost_post_share: float | None = None
    promotions: int = 0

    # -- derived ---------------------------------------------------------------
    @property
    def start_time(self) -> pd.Timestamp:
        return pd.Timestamp(self.start, tz="UTC")

    @property
    def end_time(self) -> pd.Timestamp:
        """The last instant online: the end day's 23:59:59."""
        return pd.Timestamp(self.end, tz="UTC").normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)

    @property
    def n_posting(self) -> int:
        """Members in a posting role (everyone but lurkers)."""
        return max(self.n_staff, round(self.posting_share * self.n_members))

    @property
    def n_staff(self) -> int:
        return self.n_admins + self.n_moderators + self.n_technical

    @property
    def lurker_posts(self) -> float:
        if self.lurker_post_share is not None:
            return self.lurker_post_share
        return {"easy": 0.0, "realistic": 0.004, "hard": 0.01}[self.difficulty]

    @property
    def lost_posts(self) -> float:
        if self.lost_post_share is not None:
            return self.lost_post_share
        return {"easy": 0.0, "realistic": 0.01, "hard": 0.05}[self.difficulty]


_TABLE1 = {
    "forum-a": dict(start="2010-01-01", end="2014-12-31", n_members=105_650, n_admins=5,
                    n_statuses=12, n_subforums=15, n_threads=1_265, n_posts=420_000,
                    n_moderators=4, n_technical=6, n_messages=60_000, posting_share=0.034),
    "forum-b": dict(start="2009-01-01", end="2013-12-31", n_members=33_130, n_admins=1,
                    n_statuses=3, n_subforums=3, n_threads=103, n_posts=11_250,
                    n_moderators=1, n_technical=2, n_messages=2_500, posting_share=0.05),
    "forum-c": dict(start="2012-01-01", end="2013-12-31", n_members=12_215, n_admins=1,
                    n_statuses=7, n_subforums=20, n_threads=603, n_posts=32_360,
                    n_moderators=3, n_technical=3, n_messages=6_000, posting_share=0.10),
    "forum-d": dict(start="2013-01-01", end="2013-12-31", n_members=14_370, n_admins=4,
                    n_statuses=9, n_subforums=34, n_threads=1_094, n_posts=35_500,
                    n_moderators=5, n_technical=4, n_messages=7_000, posting_share=0.08),
}

#: The named parameter sets; see the module docstring.
PRESETS: dict[str, ForumParams] = {
    **{name: ForumParams(**kw) for name, kw in _TABLE1.items()},
    "tiny": ForumParams(start="2020-01-01", end="2021-12-31", n_members=200, n_admins=2,
                        n_statuses=5, n_subforums=10, n_threads=120, n_posts=2_400,
                        n_moderators=2, n_technical=3, n_messages=400, posting_share=0.45),
    "mega": ForumParams(start="2008-01-01", end="2017-12-31", n_members=1_000_000, n_admins=10,
                        n_statuses=12, n_subforums=40, n_threads=100_000, n_posts=10_000_000,
                        n_moderators=20, n_technical=30, n_messages=2_000_000, posting_share=0.05),
}

_COUNTS = ("n_members", "n_admins", "n_statuses", "n_subforums", "n_threads", "n_posts",
           "n_moderators", "n_technical", "n_messages", "promotions")
_SHARES = ("posting_share", "distributor_share", "requester_share", "newcomer_share",
           "lurker_post_share", "reply_to_share", "messaging_share", "lost_post_share")


def _check(p: ForumParams) -> None:
    """Raise ValueError naming the first parameter that makes ``p`` impossible."""
    for name in _COUNTS:
        value = getattr(p, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be an integer, got {value!r}")
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value}")
    for name in ("n_members", "n_statuses", "n_subforums", "n_threads", "n_admins"):
        if getattr(p, name) < 1:
            raise ValueError(f"{name} must be at least 1, got {getattr(p, name)}")
    for name in _SHARES:
        value = getattr(p, name)
        if value is None and name in ("lurker_post_share", "lost_post_share"):
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
            raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    if p.lost_post_share is not None and p.lost_post_share >= 0.5:
        raise ValueError(f"lost_post_share must be below 0.5, got {p.lost_post_share}")
    if p.distributor_share + p.requester_share + p.newcomer_share > 1:
        raise ValueError("distributor_share + requester_share + newcomer_share must not exceed 1")
    if p.difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, got {p.difficulty!r}")
    for name in ("thread_length_sigma", "growth"):
        value = getattr(p, name)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 10:
            raise ValueError(f"{name} must be a number between 0 and 10, got {value!r}")
    for name in ("start", "end"):
        try:
            pd.Timestamp(getattr(p, name))
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be a date, got {getattr(p, name)!r}") from None
    if p.end_time <= p.start_time:
        raise ValueError(f"end ({p.end}) must come after start ({p.start})")
    if p.n_threads > p.n_posts:
        raise ValueError(
            f"n_threads ({p.n_threads}) exceeds n_posts ({p.n_posts}): every thread needs a post"
        )
    if p.n_staff > p.n_members:
        raise ValueError(
            f"n_admins + n_moderators + n_technical ({p.n_staff}) exceeds n_members ({p.n_members})"
        )
    if p.n_admins > p.n_members:
        raise ValueError(f"n_admins ({p.n_admins}) exceeds n_members ({p.n_members})")
    if p.n_messages and p.n_posting < 2:
        raise ValueError("n_messages needs at least two posting members (raise posting_share)")


def resolve_params(preset: str | ForumParams = "forum-a", **overrides) -> ForumParams:
    """The parameters of ``preset`` with ``overrides`` applied, checked.

    Raises
    ------
    ValueError
        For an unknown preset or parameter name, or an impossible
        configuration; the message names the parameter.

    Examples
    --------
    >>> resolve_params("tiny", n_posts=3000).n_posts
    3000
    >>> resolve_params("tiny", n_threads=5000)
    Traceback (most recent call last):
    ...
    ValueError: n_threads (5000) exceeds n_posts (2400): every thread needs a post
    """
    if isinstance(preset, ForumParams):
        base = preset
    else:
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; presets are {', '.join(PRESETS)}")
        base = PRESETS[preset]
    known = {f.name for f in dataclasses.fields(ForumParams)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r}; parameters are {', '.join(sorted(known))}"
        )
    params = dataclasses.replace(base, **overrides)
    _check(params)
    return params
