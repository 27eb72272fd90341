"""The behaviour model: roles, thread kinds, and who posts where.

All tables here are relative weights; the generator multiplies them with each
member's activity volume and activity at the time of a post. Rows are roles
(:data:`ROLES` order), columns thread kinds (:data:`KINDS` order).
"""
from __future__ import annotations

import numpy as np

ROLES = ("admin", "moderator", "technical", "distributor", "requester", "regular", "newcomer", "lurker")
ADMIN, MODERATOR, TECHNICAL, DISTRIBUTOR, REQUESTER, REGULAR, NEWCOMER, LURKER = range(len(ROLES))
KEY_ROLES = (ADMIN, MODERATOR, TECHNICAL)

#: Thread kinds. A kind decides the subforum category a thread goes to and
#: who starts it and replies in it.
KINDS = ("announcement", "rules", "introduction", "tech_question", "tutorial",
         "content", "request", "social", "private")
ANNOUNCEMENT, RULES, INTRODUCTION, TECH_QUESTION, TUTORIAL, CONTENT, REQUEST, SOCIAL, PRIVATE = range(len(KINDS))

#: Share of threads of each kind (before a missing category folds a kind into another).
KIND_SHARE = np.array([0.03, 0.01, 0.06, 0.09, 0.04, 0.52, 0.13, 0.07, 0.05])

#: Relative thread length by kind: announcements and rules draw few replies,
#: content and request threads many.
KIND_LENGTH = np.array([0.4, 0.3, 1.2, 0.35, 1.0, 1.5, 1.1, 0.9, 0.8])

#: Median thread lifetime in days by kind (rules stay open for long).
KIND_LIFETIME_DAYS = np.array([20.0, 200.0, 60.0, 15.0, 120.0, 45.0, 40.0, 30.0, 45.0])

#: Subforum category of each kind, then fallbacks when the forum lacks it.
KIND_CATEGORIES = (
    ("announcements", "rules", "social", "content"),
    ("rules", "announcements", "social", "content"),
    ("introductions", "social", "announcements", "content"),
    ("technical", "social", "content"),
    ("technical", "social", "content"),
    ("content", "requests", "social"),
    ("requests", "content", "social"),
    ("social", "introductions", "content"),
    ("private",),
)

# Who starts a thread of each kind (rows: roles).
#                      ann  rul  int  tq   tut  con  req  soc  prv
STARTER = np.array([
    [30.0, 30.0, 1.0, 0.2, 3.0, 0.5, 0.2, 2.0, 3.0],   # admin
    [2.0, 5.0, 0.5, 0.2, 1.0, 0.3, 0.3, 2.0, 1.0],     # moderator
    [1.0, 1.0, 0.2, 0.3, 25.0, 0.1, 0.1, 1.0, 2.0],    # technical
    [0.0, 0.0, 0.3, 0.3, 0.1, 30.0, 0.3, 0.5, 5.0],    # distributor
    [0.0, 0.0, 0.5, 1.5, 0.0, 0.3, 20.0, 0.5, 0.5],    # requester
    [0.0, 0.0, 0.5, 1.0, 0.1, 1.0, 1.0, 3.0, 1.0],     # regular
    [0.0, 0.0, 12.0, 4.0, 0.0, 0.1, 1.0, 0.5, 0.0],    # newcomer
    [0.0] * 9,                                         # lurker
])

# Who replies in a thread of each kind ("crowd" replies).
#                      ann  rul  int  tq   tut  con  req  soc  prv
CROWD = np.array([
    [3.0, 3.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0],     # admin
    [1.0, 2.0, 2.0, 1.0, 0.5, 1.0, 1.5, 1.0, 1.5],     # moderator
    [0.5, 0.5, 1.0, 2.0, 2.0, 0.3, 0.5, 0.7, 1.0],     # technical
    [0.5, 0.2, 0.3, 0.3, 0.5, 3.0, 1.5, 0.5, 2.5],     # distributor
    [0.3, 0.1, 0.5, 1.5, 0.6, 1.0, 4.0, 0.5, 0.5],     # requester
    [0.5, 0.2, 0.5, 1.0, 0.8, 2.0, 1.0, 1.5, 1.0],     # regular
    [0.2, 0.3, 10.0, 2.0, 0.5, 0.3, 0.8, 0.5, 0.0],    # newcomer
    [0.0] * 9,                                         # lurker
])

#: Answerers of technical questions by role (times volume); "helpers" are
#: ordinary members who also answer, weighted by the difficulty.
ANSWERER = np.array([0.15, 0.15, 1.0, 0.01, 0.0, 0.01, 0.0, 0.0])

#: Moderation posts (staff pool) by role.
STAFF = np.array([1.0, 1.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0])

POOLS = ("starter", "crowd", "answerer", "staff")
STARTER_POOL, CROWD_POOL, ANSWERER_POOL, STAFF_POOL = range(len(POOLS))

# Share of the replies of a thread kind drawn from each pool
# (starter follow-up, crowd, answerers, staff), realistic difficulty.
POOL_SHARE = np.array([
    [0.05, 0.80, 0.00, 0.15],   # announcement
    [0.10, 0.60, 0.00, 0.30],   # rules
    [0.05, 0.80, 0.00, 0.15],   # introduction
    [0.25, 0.30, 0.45, 0.00],   # tech_question
    [0.15, 0.70, 0.15, 0.00],   # tutorial
    [0.12, 0.85, 0.00, 0.03],   # content
    [0.10, 0.87, 0.00, 0.03],   # request
    [0.08, 0.87, 0.00, 0.05],   # social
    [0.10, 0.80, 0.00, 0.10],   # private
])

#: Probability that a reply from each pool quotes a post, relative to
#: ``reply_to_share``: answers quote the question more often than chatter.
POOL_QUOTE = np.array([1.2, 0.85, 1.6, 1.0])

# Activity volume (expected posts, relative) by role: log-normal median, sigma.
VOLUME = np.array([
    [40.0, 0.5],    # admin
    [20.0, 0.6],    # moderator
    [30.0, 0.5],    # technical
    [45.0, 0.9],    # distributor
    [6.0, 0.9],     # requester
    [8.0, 1.3],     # regular
    [1.5, 0.5],     # newcomer
    [0.0, 0.0],     # lurker
])

#: Per-difficulty knobs. ``contrast`` raises the role tables to a power (below
#: 1 flattens them: roles behave more alike); ``answer_share`` replaces the
#: answerer share of technical questions; ``helper_share`` is the share of
#: regulars who answer technical questions like technical members, at
#: ``helper_weight`` of their weight; ``staff_level_*`` the chance that a
#: moderator or technical member holds the staff status; ``elite_share`` the
#: share of top posters promoted to the staff status; ``rank_noise`` the
#: log-normal noise of the promotion score; ``quiet_admins`` the share of
#: admins who are rarely active; ``missing_*`` shares of missing values.
DIFFICULTY = {
    "easy": dict(contrast=1.3, answer_share=0.6, helper_share=0.0, helper_weight=0.0,
                 staff_level_moderator=1.0, staff_level_technical=1.0, elite_share=0.0,
                 rank_noise=0.1, quiet_admins=0.0, missing_staff=0.0, missing_status=0.0,
                 missing_category=0.0, neutral_names=False, volume_sigma=0.8),
    "realistic": dict(contrast=1.0, answer_share=0.45, helper_share=0.02, helper_weight=0.4,
                      staff_level_moderator=1.0, staff_level_technical=0.7, elite_share=0.003,
                      rank_noise=0.35, quiet_admins=0.2, missing_staff=0.0, missing_status=0.0,
                      missing_category=0.0, neutral_names=False, volume_sigma=1.0),
    "hard": dict(contrast=0.6, answer_share=0.3, helper_share=0.05, helper_weight=0.8,
                 staff_level_moderator=0.8, staff_level_technical=0.3, elite_share=0.01,
                 rank_noise=0.7, quiet_admins=0.5, missing_staff=0.25, missing_status=0.15,
                 missing_category=0.35, neutral_names=True, volume_sigma=1.4),
}


def pool_share(difficulty: str) -> np.ndarray:
    """:data:`POOL_SHARE` with the technical answer share of ``difficulty``."""
    share = POOL_SHARE.copy()
    answer = DIFFICULTY[difficulty]["answer_share"]
    rest = share[TECH_QUESTION].copy()
    rest[ANSWERER_POOL] = 0.0
    share[TECH_QUESTION] = rest / rest.sum() * (1 - answer)
    share[TECH_QUESTION, ANSWERER_POOL] = answer
    return share


def contrasted(table: np.ndarray, difficulty: str) -> np.ndarray:
    """``table`` raised to the difficulty's contrast (zeros stay zero)."""
    return np.power(table, DIFFICULTY[difficulty]["contrast"])
