"""Forum roles: what each member does in the forum, with the evidence.

:func:`forum_roles` gives every member one of the roles of the study behind
this project (van der Bruggen & Blokland; Fonhof, van der Bruggen & Takes
2019):

``admin``
    the management team: builds and runs the forum, posts announcements and
    rules, present from the opening and everywhere.
``moderator``
    keeps order: answers in many threads of other members, across many
    subforums, for a long time, looks after announcements, rules and
    introductions, and does not share the bulk of the material.
``technical``
    keeps the forum alive technically: answers the questions of many
    (often new) members in technical subforums and writes tutorials there,
    over a long tenure from the forum's early days, and does not share the
    bulk of the material.
``distributor``
    shares material: opens content threads (two or more) that draw many
    members; or, in a forum that keeps its material in a few long threads
    (where a share is a post, not a thread), is one of the members who
    wrote half of the posts in content subforums.
``requester``
    asks for material: a large part of their posts in request subforums,
    or two or more request threads opened (one request is not a pattern),
    or, whatever the subforum, opens threads with a larger share of their
    posts than most members do (threads that are not shares or
    announcements) and answers others less.
``newcomer``
    joined late in the record, few posts, mostly in introductions (or a
    first post there); in a forum without an introductions area, mostly
    outside the content subforums. A member who entered after most posting
    members, wrote fewer posts than most, and introduced themselves is a
    newcomer even when those first posts ask for material.
``regular``
    an ordinary posting member.
``lurker``
    reads only: no public post, or a single one long before the end of the
    record.

Design
------
The detector rests on what these roles *do*, as the domain notes describe
them, not on one column. Everything is measured **within the forum**:

* Counts become *percentiles among the posting members* (the share of
  posting members strictly below), and subforum figures become *lifts*
  against the forum's own median. A feature therefore means the same thing
  in a forum of 1,000 or 100,000 members, and no threshold is tied to the
  size or the habits of one forum.
* A key role's **behaviour score** is the mean of the percentiles of the
  behaviours that define it (for a technical member: distinct members
  answered in technical subforums, distinct new members among them,
  tutorials started there, share of posts there, months active, days
  between first and last post, not sharing, how early they entered,
  private-message partners). A
  mean of percentiles is high only when *all* the defining behaviours are
  unusual, which is what sets staff apart from merely busy members: busy
  sharers and regulars are unusual on volume, not on tenure, on looking
  after others and on *not* sharing.
* **Not sharing** (a defining behaviour of the moderator and the technical
  member: staff do not share the bulk of the material) is the lesser of
  two readings: one minus the percentile of the share of posts in content
  subforums, and one minus the mid-rank position of the number of content
  threads opened among the members who open any (0 opened: 1). A busy
  member who opens many shares does share, whatever share of their posts
  the reactions in content threads make up.
* **One scale for every key role.** The behaviour scores of different
  roles are not comparable (a technical score ranks members among those
  who answer in technical subforums, a moderator score among everybody), so
  ``score_<role>`` is the member's position on that role's score among
  the posting members (share strictly below, ties broken by the score).
  ``key_score`` ranks key actors of every kind on one scale, members read
  as staff first: for a member given a key role it is 0.5 plus half their
  position on *that role's* score among the posting members not given
  another key role (the roles' behaviours overlap: the management also
  moderates, so on the moderator scale of all members the admins would
  push the moderators down); for the others it is half their best
  position on a key-role score among the members given no key role, in
  [0, 0.5).
* **Metadata** (``rank_level``, ``is_staff``) is evidence, never a verdict:
  it moves the score by at most :data:`METADATA_WEIGHT`. A member marked
  staff who never acts like staff stays below the bar (and the evidence
  says so); a technical member with an ordinary rank passes on behaviour.
  When a column is missing the score rests on behaviour alone and the
  confidence is lowered (:data:`MISSING_METADATA_FACTOR`). A status is
  read as an analyst would: where ``rank_level`` is missing, posts in a
  subforum open only from some ``min_rank`` prove that status; and a
  status above what the member's posts and shared material would earn
  (ordinary statuses are earned by posting and sharing) reads as an
  appointment, which supports the staff roles more than a status earned by
  sharing (see :func:`_metadata`).
* A member takes a key role when its score reaches :data:`KEY_THRESHOLD`
  (on average above that share of posting members on every defining
  behaviour). Behaviours that few members show at all (opening
  announcements, answering in technical subforums) are ranked among the
  members who show them (mid-rank: members who all do it equally sit in
  the middle), so that doing it once is not "top 1%". A member
  who passes both the moderator and the technical bar takes the role whose
  *own* behaviours stand out more (answers in threads of others and in
  announcement, rules and introduction threads against answers, tutorials
  and posts in technical subforums); tenure and presence, which both
  share, do not decide.
* The management founds the forum and stays: a member present from the
  opening to the end (and active in many months, by public posts or private
  messages) who holds the highest status or the staff flag is read as
  management even when quiet (three independent facts agreeing).
* Subforum kinds come from ``category``; when it is missing they are
  inferred from behaviour (:func:`netanalysis.roles._features.subforum_kinds`)
  and the evidence says "(kind inferred from behaviour)". The subforums of
  the same forum whose category is known serve as reference profiles for
  the others (a forum's own technical subforum describes its habits better
  than any fixed rule); they decide only among the kinds they show, since
  a kind whose category is missing everywhere has no reference to resemble
  (see :func:`netanalysis.roles._features._reference_votes`).
* Private messages, when the forum's records hold them, support every key
  role: members write to the staff (access, rules, help), so the number of
  distinct message partners is one of the defining behaviours.
* Some fora give moderators the management's status or staff flag, so the
  institutional reading of the management never outranks a member who acts
  as a moderator more than as management: one who passes the moderator bar
  and, among the holders of those marks, opens announcement and rules
  threads at less than :data:`MANAGEMENT_RATE_SHARE` of the leading rate
  (per post), or none. Opening them is the management's own behaviour;
  answering others is shared by the whole staff.
* The other way round, the highest status and the staff flag are the marks
  of the management: a member whose behaviour passes the bar of the
  management *and* of a moderator or technical member, and whose stated
  ``rank_level`` is below the highest without the staff flag, takes the
  other key role (the one whose own behaviours stand out more, when both
  pass), and the evidence says so. The status decides between two
  readings that the behaviour supports, never whether the member is a key
  actor; with ``rank_level`` unknown the behaviour decides (a status
  proven by access to a restricted subforum is only a lower bound).
* A member with a single public post who did not arrive recently is a
  ``lurker`` (a reader who spoke once), as the study counts them; one post
  is not a pattern, so it never makes a distributor, a requester or a
  regular.
* The ordinary roles are scored the same way (percentiles and lifts),
  each the best of the readings declared for it in
  ``ORDINARY_ROLE_DEFINITIONS`` (as the key roles are declared in
  ``KEY_ROLE_DEFINITIONS``), and the best description wins; ``regular`` wins when no other description
  fits better than :data:`ORDINARY_BASELINE` (a tie stays regular). A
  late arrival with few posts is a newcomer when they start in the introductions or write most
  of their posts there (where the forum has them; elsewhere, when they
  write most of their posts outside the content subforums): a quiet
  regular who joined late and reacts to shares does not. Content threads opened count among the members who
  open any, and one share is not a distributor. A forum can also keep its
  material in a few long threads (forum B of the study: 103 threads for
  11,250 posts), where sharing is posting in them: when fewer members open
  two or more content threads than half the number of members who wrote
  half of the content posts (the *content core*), the core is read as the
  sharers (:func:`_content_core`). Asking is read against the
  forum's members (members with two posts or more), not against its post
  total, which the busiest sharers and the management dominate.

``confidence`` combines the winning score, its margin over the runner-up
and the metadata available. ``key_score`` is computed for every member (also
for those not given a key role), so that members can be ranked as key
actors.

References
----------
Fonhof, A., van der Bruggen, M., Takes, F. W. (2019). Characterizing key
players in child exploitation networks on the Dark Net. Complex Networks
VII, SCI 813, 412-423.
van der Bruggen, M., Blokland, A. (2021). Profiling Darkweb child sexual
exploitation material forum members using longitudinal posting history
data. Social Science Computer Review.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..forum import Forum
from ._features import KINDS, below_share, member_features, post_context, subforum_kinds

__all__ = ["forum_roles", "ROLES", "KEY_ROLES"]

ROLES = ("admin", "moderator", "technical", "distributor", "requester", "regular", "newcomer", "lurker")
KEY_ROLES = ("admin", "moderator", "technical")

#: Largest share of a key-role score that metadata can carry.
METADATA_WEIGHT = 0.25
#: Confidence factor per missing metadata column (rank, staff flag).
MISSING_METADATA_FACTOR = 0.85
#: A key role needs a mean percentile of at least this on its behaviours.
KEY_THRESHOLD = 0.85
#: Score an ordinary description must beat to replace ``regular``.
ORDINARY_BASELINE = 0.5
#: A member who opens announcement and rules threads at less than this share
#: of the rate (per post) of the forum's leading opener among the holders of
#: the management's marks acts as a moderator more than as management.
MANAGEMENT_RATE_SHARE = 0.25
#: The content core: the fewest members who wrote this share of the posts in
#: content subforums.
CONTENT_CORE_SHARE = 0.5
#: A forum shares inside threads (a share is a post, not a thread) when fewer
#: than this many members per member of the content core open two or more
#: content threads; its content core is then read as the sharers.
INSIDE_THREADS_RATIO = 0.5
#: ... and when its content threads are long: at least this many posts each
#: on average. Table 1 of the study: forum B kept 11,250 posts in 103
#: threads (109 a thread); a question-and-answer thread holds a handful
#: (3-8 on the Stack Exchange sites of the validation suite).
LONG_THREAD_POSTS = 20


#: Sharing by threads: in a forum that shares by opening threads, most
#: content threads come from members who open several (the distributors);
#: where most come from members who open one, the "content" area is a place
#: of questions and discussion (a Q&A site), and sharing cannot be read from
#: it. Three quarters: the real sites of the validation suite (Stack
#: Exchange) lie at 0.57-0.72, the generated fora that share by threads at
#: 0.84-0.93 (benchmarks/VALIDITY.md); this number was set after seeing both,
#: so no figure of the suite holds it out.
SHARING_REPEAT_SHARE = 0.75
#: Confidence factor of a role read in a forum that lacks a structure the
#: study's taxonomy expects (see :func:`_fit_check`).
UNFIT_FACTOR = 0.8

#: The behaviours of **stewardship**, the reading of the staff that needs no
#: subforum kind, rank or flag: they found the forum or came early, stay,
#: are active month after month, and answer many members, above all those
#: who came after them (the study's management and technical members build
#: and keep the forum and help its new members; a Q&A site's moderators
#: answer and guide its users). Each is a percentile among posting members;
#: the score is their mean, as for every key role.
STEWARDSHIP = {
    "founding": "entered at {:.0%} of the forum's life",
    "activity_span_days": "posted over {:.0f} days",
    "months_active": "active {:.0f} months",
    "answered_members": "answered {:.0f} distinct members",
    "answered_later": "answered {:.0f} distinct members who joined after them",
}


def _ordinal(p: np.ndarray) -> np.ndarray:
    """Percentile shares as "97th"-style labels."""
    k = np.clip(np.floor(np.asarray(p) * 100), 0, 99).astype(int)
    suffix = np.where((k % 100 >= 11) & (k % 100 <= 13), "th",
                      np.select([k % 10 == 1, k % 10 == 2, k % 10 == 3], ["st", "nd", "rd"], "th"))
    return np.char.add(k.astype(str), suffix)


class _Scorer:
    """Percentiles among posting members, cached by feature name."""

    def __init__(self, feats: pd.DataFrame):
        self.f = feats
        self.posting = feats["posts"].to_numpy() > 0
        self._pct: dict[str, np.ndarray] = {}

    def value(self, name: str) -> np.ndarray:
        return self.f[name].to_numpy(dtype=np.float64)

    def pct(self, name: str, values: np.ndarray | None = None) -> np.ndarray:
        """Share of posting members strictly below."""
        if values is not None:
            return below_share(values, self.posting)
        if name not in self._pct:
            self._pct[name] = below_share(self.value(name), self.posting)
        return self._pct[name]

    def pct_doing(self, name: str, values: np.ndarray | None = None) -> np.ndarray:
        """For a behaviour few members show at all (answering in technical
        subforums, opening announcements): the mid-rank position among the
        posting members who show it, and 0 for those who never do. Among all
        posting members, anyone who did it once would be at the top.

        The position is ``(below + (tied + 1) / 2) / n`` over the ``n``
        members who show the behaviour (``below`` of them show it less,
        ``tied`` as much, the member included): the only one who does it
        most gets 1, the only one who does it least ``1 / n``, and members
        who all do it equally (every one of 14 opened one tutorial) sit in
        the middle, not at the bottom.
        """
        key = "doing:" + name
        if values is None and key in self._pct:
            return self._pct[key]
        v = self.value(name) if values is None else np.asarray(values, dtype=np.float64)
        doing = self.posting & (v > 0)
        n = max(int(doing.sum()), 1)
        below = below_share(v, doing) * n
        tied = n - below - below_share(-v, doing) * n
        out = np.where(v > 0, (below + (tied + 1) / 2) / n, 0.0)
        out = np.minimum(out, 1.0)
        if values is None:
            self._pct[key] = out
        return out


def _kind_label(kinds, kind: str) -> str:
    """The words for "<kind> subforums", saying when the kind was inferred."""
    k = KINDS.index(kind)
    where = kinds.kind == k
    if not where.any():
        return f"{kind} subforums (none found)"
    if kinds.inferred[where].all():
        return f"{kind} subforums (kind inferred from behaviour)"
    if kinds.inferred[where].any():
        return f"{kind} subforums (some inferred from behaviour)"
    return f"{kind} subforums"


def _mid_share(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Mid-rank percentile: the share of ``among`` strictly below plus half
    the share tied with the value (NaN counts as the lowest value)."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=-np.inf)
    return (below_share(v, among) + 1.0 - below_share(-v, among)) / 2


def _metadata(s: _Scorer) -> dict[str, np.ndarray]:
    """Metadata scores in [0, 1] (NaN when unknown) for each key role.

    The status is ``rank_level`` or, where it is missing or lower, the
    status that the member's posts prove: a post in a subforum open only
    from some ``min_rank`` shows that status was held (``access_rank``).

    * ``admin``: 1 for the highest status held by a posting member or the
      staff flag, 0 for another known status.
    * ``moderator`` and ``technical``: the position on the status ladder
      (0 = the lowest status held by a posting member, 1 = the highest;
      percentiles would saturate at the top, where the staff statuses
      are), raised by the *status that posting and sharing do not
      explain*: ordinary statuses are earned by posts and above all by
      shared material, so a status whose mid-rank percentile among ranked
      posting members exceeds the mid-rank percentile of the member's
      contribution (``log(1 + posts) + log(1 + content threads started)``)
      reads as an appointment. The difference is added to the ladder
      position (capped at 1); a status the contribution explains adds
      nothing.

    Statuses count among ranked *posting* members (lurkers hold the lowest
    ranks and would make every poster look senior). The staff flag is read
    as positive evidence only: some fora mark only the management, others
    every moderator, so ``False`` says little while ``True`` supports any
    staff role.
    """
    stated = s.value("rank_level")
    proven = s.value("access_rank")
    rank = np.fmax(stated, proven)
    from_access = np.isfinite(proven) & ~(stated >= proven)
    ranked = s.posting & np.isfinite(rank)
    share = np.where(np.isfinite(rank), below_share(np.nan_to_num(rank, nan=-np.inf), ranked), np.nan)
    top = np.full(len(rank), np.nan)
    ladder = np.full(len(rank), np.nan)
    unexplained = np.full(len(rank), np.nan)
    if ranked.any():
        hi, lo = np.nanmax(rank[ranked]), np.nanmin(rank[ranked])
        top = np.where(np.isfinite(rank), (rank >= hi).astype(float), np.nan)
        ladder = np.clip((rank - lo) / (hi - lo), 0, 1) if hi > lo else np.where(np.isfinite(rank), 0.5, np.nan)
        contribution = np.log1p(s.value("posts")) + np.log1p(s.value("started_content"))
        unexplained = np.where(np.isfinite(rank), _mid_share(rank, ranked) - _mid_share(contribution, ranked),
                               np.nan)
    staff = s.value("is_staff")
    flagged = np.where(staff == 1, 1.0, np.nan)
    appointed = np.clip(ladder + np.maximum(np.nan_to_num(unexplained), 0.0), 0, 1)
    appointed = np.where(np.isfinite(ladder), appointed, np.nan)
    with np.errstate(all="ignore"):
        admin = np.fmax(top, flagged)
        others = np.fmax(appointed, flagged)
    return {"admin": admin, "moderator": others, "technical": others, "rank_share": share, "top_rank": top,
            "ladder": ladder, "unexplained": unexplained, "from_access": from_access}


#: The key roles as declared behaviours: a role's behaviour score is the
#: mean of the percentiles of its ``own`` behaviours (what sets that role
#: apart; between two key roles that both pass the bar, the role whose own
#: behaviours stand out more wins) and its ``shared`` ones (tenure,
#: presence, not sharing, which staff roles share), in this order; the
#: readings are defined in :func:`_readings`. Where ``messages`` is true,
#: private-message partners join the shared behaviours in a forum whose
#: records hold messages (members write to the moderators and technical
#: members about access, rules and help; the management's reading rests on
#: founding and announcing, and its quiet members are read from their
#: marks, see :func:`_key_behaviour`).
#: Origin: the domain notes (van der Bruggen & Blokland 2021; Fonhof, van
#: der Bruggen & Takes 2019): the management founds, announces and stays;
#: moderators answer others across the forum and look after its
#: announcements, rules and introductions; technical members answer the
#: (often new) members in technical subforums and write tutorials there,
#: from the forum's early days.
KEY_ROLE_DEFINITIONS = {
    "admin": {"own": ("founding", "opened_management", "management_repliers"),
              "shared": ("subforums", "months_active"), "messages": False},
    "moderator": {"own": ("threads_answered", "staff_area_answers", "staff_area_share"),
                  "shared": ("subforums", "months_active", "activity_span_days", "not_sharing"), "messages": True},
    "technical": {"own": ("tech_askers_answered", "tech_new_askers_answered", "started_technical", "technical_share"),
                  "shared": ("months_active", "activity_span_days", "not_sharing", "founding"), "messages": True},
}


def _readings(s: _Scorer, kinds) -> dict[str, tuple]:
    """Every behaviour a key role is defined by, computed once: name ->
    ``(template, values, percentile, among)`` (the evidence item; ``among``
    names the reference population of the percentile, "" = posting
    members)."""
    pct, doing = s.pct, s.pct_doing
    few = " among members who do so"
    tech_where = _kind_label(kinds, "technical")
    tech_share = s.value("posts_technical") / np.maximum(s.value("posts"), 1)
    manage = s.value("started_announcements") + s.value("started_rules")
    staff_share = s.value("staff_area_answers") / np.maximum(s.value("replies"), 1)
    # Staff keep the forum running rather than share the bulk of the
    # material. Sharing shows in two ways: the share of posts in content
    # subforums and the content threads opened (what makes a distributor).
    # A member who opens many shares does share, whatever the share of their
    # posts, so the lesser of the two readings counts; busy members who also
    # answer and look after others are told from the staff by this.
    content_share = s.value("posts_content") / np.maximum(s.value("posts"), 1)
    not_sharing = np.minimum(1.0 - pct("cs", content_share), 1.0 - doing("started_content"))
    return {
        "founding": ("entered at {:.0%} of the forum's life", s.value("entry_position"),
                     1.0 - pct("entry_position"), ""),                      # share who entered after
        "opened_management": ("started {:.0f} threads in announcements and rules", manage, doing("m", manage), few),
        "management_repliers": ("whose threads there drew {:.0f} distinct members", s.value("announce_repliers"),
                                doing("announce_repliers"), few),
        "subforums": ("posted in {:.0f} subforums", s.value("subforums"), pct("subforums"), ""),
        "months_active": ("active {:.0f} months", s.value("months_active"), pct("months_active"), ""),
        "activity_span_days": ("posted over {:.0f} days", s.value("activity_span_days"), pct("activity_span_days"),
                               ""),
        "threads_answered": ("answered in {:.0f} threads of other members", s.value("threads_answered"),
                             pct("threads_answered"), ""),
        "staff_area_answers": ("{:.0f} answers in announcement, rules and introduction threads",
                               s.value("staff_area_answers"), doing("staff_area_answers"), few),
        "staff_area_share": ("{:.0%} of their answers there", staff_share, doing("sas", staff_share), few),
        "not_sharing": ("only {:.0%} of their posts in content subforums, few content threads opened",
                        content_share, not_sharing, ""),
        "tech_askers_answered": ("answered {:.0f} distinct members in " + tech_where, s.value("tech_askers_answered"),
                                 doing("tech_askers_answered"), few),
        "tech_new_askers_answered": ("of whom {:.0f} were new members", s.value("tech_new_askers_answered"),
                                     doing("tech_new_askers_answered"), few),
        "started_technical": ("started {:.0f} threads (tutorials) in " + tech_where, s.value("started_technical"),
                              doing("started_technical"), few),
        "technical_share": ("{:.0%} of their posts in " + tech_where, tech_share, doing("ts", tech_share), few),
        "message_partners": ("exchanged private messages with {:.0f} members", s.value("message_partners"),
                             pct("message_partners"), ""),
    }


def _key_behaviour(s: _Scorer, kinds) -> dict[str, tuple[np.ndarray, list]]:
    """Behaviour score and evidence items of each key role
    (:data:`KEY_ROLE_DEFINITIONS`), and the mean of each role's own
    behaviours."""
    readings = _readings(s, kinds)
    messaging = s.value("message_partners").sum() > 0
    out, specific = {}, {}
    for role, definition in KEY_ROLE_DEFINITIONS.items():
        names = definition["own"] + definition["shared"] + (
            ("message_partners",) if messaging and definition["messages"] else ())
        items = [readings[n] for n in names]
        out[role] = (np.mean([it[2] for it in items], axis=0), items)
        specific[role] = np.mean([readings[n][2] for n in definition["own"]], axis=0)
    # The management founds the forum and stays: a founder present to the end
    # who holds the highest status (or is marked staff) is read as management
    # even when they rarely post.
    pct = s.pct
    founding = readings["founding"][2]
    meta = _metadata(s)
    coverage = s.value("tenure_days") / max(1e-9, (s.value("tenure_days")[s.posting].max() if s.posting.any() else 1))
    institutional = np.where(np.nan_to_num(meta["admin"]) == 1,
                             np.mean([founding, np.clip(coverage, 0, 1), pct("months_present")], axis=0), 0.0)
    behaviour = out["admin"][0]
    admin_items = out["admin"][1] + [("present {:.0%} of the forum's recorded life", coverage, coverage, ""),
                                     ("posted or exchanged private messages in {:.0f} months",
                                      s.value("months_present"), pct("months_present"), "")]
    # Some fora give the moderators the management's status or staff flag:
    # that reading then says "staff", not "management". A member who acts
    # as a moderator more than as management stays a moderator: the
    # institutional reading is capped just below their moderator score.
    # Opening announcements and rules is what the management does, answering
    # others what the whole staff does, so among the members who hold the
    # management's marks, one who opens them at a rate (per post) far below
    # the forum's leading opener (or opens none) is read as a moderator.
    # With no marked member opening any there is nothing to compare with,
    # and the institutional reading stands.
    mod_score = out["moderator"][0]
    manage_rate = readings["opened_management"][1] / np.maximum(s.value("posts"), 1)
    marked = (np.nan_to_num(meta["admin"]) == 1) & s.posting
    lead = manage_rate[marked].max() if marked.any() else 0.0
    moderates_more = manage_rate < MANAGEMENT_RATE_SHARE * lead
    capped = np.where((mod_score >= KEY_THRESHOLD) & (mod_score > behaviour) & moderates_more,
                      np.minimum(0.95 * institutional, mod_score - 0.01), 0.95 * institutional)
    out["admin"] = (np.maximum(behaviour, capped), admin_items)
    return out, specific


def _content_core(s: _Scorer) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The members who wrote half of the posts in content subforums, and
    whether the forum shares inside threads rather than by opening them.

    Returns ``(core, position, openers, core_size)``: ``core`` marks the
    fewest members (the busiest in content subforums first) whose content
    posts make up :data:`CONTENT_CORE_SHARE` of all; ``position`` is 1 for
    the busiest member of the core, falling linearly towards 0 at its edge
    (0 outside); ``openers`` counts the posting members who opened two or
    more content threads.
    """
    n = len(s.posting)
    content = np.where(s.posting, s.value("posts_content"), 0.0)
    total = content.sum()
    core = np.zeros(n, dtype=bool)
    position = np.zeros(n)
    openers = int(np.count_nonzero(s.posting & (s.value("started_content") >= 2)))
    if total <= 0:
        return core, position, openers, 0
    order = np.argsort(-content, kind="stable")
    size = int(np.searchsorted(np.cumsum(content[order]) / total, CONTENT_CORE_SHARE) + 1)
    core[order[:size]] = True
    position[order[:size]] = 1.0 - np.arange(size) / size
    return core, position, openers, size


def _shares_inside_threads(s: _Scorer, openers: int, core_size: int) -> bool:
    """Whether the forum keeps its material in a few long threads, where a
    share is a post: few members open content threads against the size of
    the content core (:data:`INSIDE_THREADS_RATIO`) and those threads are
    long (:data:`LONG_THREAD_POSTS`)."""
    threads = float(s.value("started_content")[s.posting].sum())
    long_threads = threads > 0 and s.value("posts_content")[s.posting].sum() / threads >= LONG_THREAD_POSTS
    return bool(core_size > 0 and openers < INSIDE_THREADS_RATIO * core_size and long_threads)


def _still_arriving(s: _Scorer, kinds) -> np.ndarray:
    """Members whose few posts are the start of a career: they entered after
    more than half of the posting members, wrote fewer posts than more than
    half of them (at least two: one post is read apart), and posted in the
    introductions. False everywhere in a forum without an introductions
    area."""
    if not (kinds.kind == KINDS.index("introductions")).any():
        return np.zeros(len(s.posting), dtype=bool)
    late = s.pct("entry_position")          # share of posting members who entered before
    fewer = s.pct("posts")                  # share of posting members with fewer posts
    return (s.posting & (late > 0.5) & (fewer < 0.5) & (s.value("posts") >= 2)
            & (s.value("posts_introductions") > 0))


#: The ordinary roles, declared: the readings (behaviour scores in [0, 1]
#: of :func:`_ordinary_readings`) that define each role, the best of which
#: is its score, and the description of the domain notes each rests on.
#: Every number a reading uses is a named constant of this module or a
#: percentile or lift within the forum.
ORDINARY_ROLE_DEFINITIONS = {
    "distributor": {"readings": ("shares_by_threads", "shares_inside_threads"),
                    "origin": "shares material: opens content threads (two or more) that draw many members; "
                              "where the material lives in a few long threads (forum B of the study, Table 1), "
                              "writes the bulk of the posts there"},
    "requester": {"readings": ("posts_in_requests", "asks_by_opening", "request_threads"),
                  "origin": "asks for material: posts in request subforums, opens request threads, or opens "
                            "threads more than most members and answers less"},
    "newcomer": {"readings": ("arrived_late_introduced",),
                 "origin": "joined late, few posts, mostly in introductions (elsewhere: outside the content "
                           "subforums)"},
    "lurker": {"readings": ("single_post",),
               "origin": "reads only: no public post, or a single one long before the end of the record"},
    "regular": {"readings": ("baseline",),
                "origin": f"an ordinary posting member: wins when no description beats {ORDINARY_BASELINE}"},
}


def _ordinary_scores(s: _Scorer, kinds) -> dict[str, tuple[np.ndarray, list]]:
    """Score in [0, 1] (the best of its readings, ``ORDINARY_ROLE_DEFINITIONS``)
    and evidence items of each ordinary posting role."""
    readings, items = _ordinary_readings(s, kinds)
    return {role: (np.maximum.reduce([readings[r] for r in d["readings"]]), items[role])
            for role, d in ORDINARY_ROLE_DEFINITIONS.items()}


def _ordinary_readings(s: _Scorer, kinds) -> tuple[dict[str, np.ndarray], dict[str, list]]:
    """Every reading of the ordinary roles (name -> score in [0, 1]) and
    each role's evidence items."""
    posts = np.maximum(s.value("posts"), 1)
    pct = s.pct
    post_total = max(1.0, float(s.value("posts").sum()))

    def lift(col):
        share = s.value(col) / posts
        forum = s.value(col).sum() / post_total
        return share, (share / forum if forum > 0 else np.zeros_like(share))

    def sat(x, half):  # 0 at 1 (as usual in this forum), 0.5 at ``half``, towards 1
        x = np.maximum(np.asarray(x) - 1.0, 0.0)
        return x / (x + (half - 1.0))

    # Sharing: content threads opened that drew other members. One share is
    # not a pattern (as one post is not): a distributor opened two or more.
    drawn = s.value("content_repliers")
    started = s.value("started_content")
    by_threads = np.where(started >= 2, (pct("content_repliers") + s.pct_doing("started_content")) / 2, 0.0)
    # Where a forum keeps its material in a few long threads, a share is a
    # post in them, not a thread: few members open content threads, while
    # the sharers still write the bulk of the content. When fewer than
    # INSIDE_THREADS_RATIO as many members open two or more content threads
    # as there are members in the content core (who wrote half of the
    # content posts), the core is read as the sharers, the busiest most
    # confidently.
    core, position, openers, core_size = _content_core(s)
    inside = _shares_inside_threads(s, openers, core_size)
    by_posts = np.where(core & inside, 0.5 + 0.5 * position, 0.0)
    # The evidence names the reading that decided: threads opened, or posts
    # in the content core (with the reactions those posts drew).
    threads_decide = by_threads >= by_posts

    def only(mask, p):      # an item is shown only where its reading decided
        return np.where(mask, p, -1.0)

    core_words = (f", one of the {core_size} members who wrote half of the posts there"
                  + (f", where only {openers} members opened two or more content threads" if inside else ""))
    readings, out = {"shares_by_threads": by_threads, "shares_inside_threads": by_posts}, {}
    out["distributor"] = (
        [("started {:.0f} content threads", started, only(threads_decide, s.pct_doing("started_content")),
          " among members who do so"),
         ("whose content threads drew {:.0f} distinct members", drawn, only(threads_decide, pct("content_repliers")),
          ""),
         ("wrote {:.0f} posts in " + _kind_label(kinds, "content") + core_words, s.value("posts_content"),
          only(~threads_decide, pct("posts_content")), ""),
         ("answered by {:.0f} distinct members", s.value("answered_by"), only(~threads_decide, pct("answered_by")),
          "")]
    )
    req_share, req_lift = lift("posts_requests")
    st_req = s.value("started_requests")
    # Asking, read from behaviour whatever the subforum: a member who opens
    # threads with a larger share of their posts than most members do,
    # threads that are not shares (content) nor announcements, and who
    # answers others less. The comparison is with the forum's *members*
    # (those with two posts or more, who could have both opened and
    # answered), not with its post total, which the busiest sharers and the
    # management dominate.
    opened = s.value("threads_started")
    start_share = opened / posts
    multi = s.posting & (s.value("posts") >= 2)
    opens_more = np.where(opened >= 2, below_share(start_share, multi), 0.0)
    asked = np.maximum(opened - s.value("started_content") - s.value("started_announcements")
                       - s.value("started_rules"), 0)
    ask_share = asked / np.maximum(opened, 1)
    answers_less = 1.0 - s.value("replies") / posts
    asking = opens_more * ask_share * (0.5 + 0.5 * answers_less)
    # Request threads opened: one request is not a pattern (as one share is
    # not a distributor), so the reading needs two or more.
    readings["posts_in_requests"] = sat(req_lift, 3.0)
    readings["asks_by_opening"] = asking
    readings["request_threads"] = np.where(st_req >= 2, 0.5 + 0.5 * pct("started_requests") * (req_lift > 1), 0.0)
    out["requester"] = (
        [("{:.0%} of their posts in " + _kind_label(kinds, "requests"), req_share, pct("rs", req_share), ""),
         ("started {:.0f} request threads", st_req, pct("started_requests"), ""),
         ("opened threads with {:.0%} of their posts, other than shares and announcements", start_share,
          opens_more, " among members with two posts or more")]
    )
    late = pct("entry_position")                           # share who entered before
    few = 1.0 - pct("posts")
    intro_share = s.value("posts_introductions") / posts
    first_intro = (s.value("first_kind") == KINDS.index("introductions")).astype(float)
    # Arriving late with few posts also describes a quiet regular who joined
    # late; starting in the introductions is what a newcomer does. Where the
    # forum has no introductions area, lateness and few posts must do.
    if (kinds.kind == KINDS.index("introductions")).any():
        # How much of the member's activity is introducing themselves: the
        # share of their own posts there (a lift against the forum's small
        # share would call a regular with one introduction in ten posts a
        # newcomer). A first post in the introductions long ago says where
        # a career began, not that it is beginning: it counts as much as the
        # arrival is recent.
        newcomer = (late + few + 2 * np.maximum(intro_share, first_intro * late)) / 4
    else:
        # Without an introductions area, where a newcomer writes still tells:
        # their first steps (greeting, asking how things work) happen outside
        # the content subforums where the established members share and
        # react. It counts as much as the arrival is recent, as above.
        outside = 1.0 - s.value("posts_content") / posts
        recent = np.minimum(late, s.value("entry_position"))
        newcomer = (late + few + 2 * outside * recent) / 4
    where_item = (("{:.0%} of their posts in " + _kind_label(kinds, "introductions"), intro_share,
                   pct("is", intro_share), "")
                  if (kinds.kind == KINDS.index("introductions")).any() else
                  ("{:.0%} of their posts outside " + _kind_label(kinds, "content"), outside,
                   pct("os", outside), ""))
    readings["arrived_late_introduced"] = newcomer
    out["newcomer"] = (
        [("entered at {:.0%} of the forum's life", s.value("entry_position"), late, ""),
         ("only {:.0f} posts", s.value("posts"), few, ""), where_item]
    )
    # A single public post (an introduction, one request) and nothing after:
    # a reader who spoke once. Only a recent arrival, whose career has not
    # had time to unfold, reads better as a newcomer (the newcomer score
    # weighs the lateness of entry twice).
    single = s.value("posts") == 1
    readings["single_post"] = np.where(single, 0.5 + 0.5 * (1.0 - late), 0.0)
    out["lurker"] = (
        [("a single public post", s.value("posts"), np.where(single, 1.0, 0.0), ""),
         ("entered at {:.0%} of the forum's life", s.value("entry_position"), 1.0 - late, "")]
    )
    readings["baseline"] = np.full(len(posts), ORDINARY_BASELINE)
    out["regular"] = (
        [("{:.0f} posts", s.value("posts"), pct("posts"), ""),
         ("active {:.0f} months", s.value("months_active"), pct("months_active"), ""),
         ("{:.0%} of their posts in " + _kind_label(kinds, "content"), s.value("posts_content") / posts,
          pct("cs", s.value("posts_content") / posts), "")]
    )
    return readings, out


def _evidence(items: list, rows: np.ndarray, top: int = 3) -> np.ndarray:
    """The ``top`` items with the highest percentile, in words, for ``rows``.

    An item reads e.g. "answered 14 distinct members in technical subforums
    (99th percentile among members who do so)"; a percentile is the share
    of the reference members strictly below.
    """
    if len(rows) == 0:
        return np.array([], dtype=object)
    pcts = np.vstack([np.asarray(item[2], dtype=float)[rows] for item in items])    # items x rows
    order = np.argsort(-pcts, axis=0, kind="stable")[:top]
    texts = []
    for template, values, p, among in items:
        v = np.asarray(values, dtype=float)[rows]
        words = np.array([template.format(x) for x in v], dtype=object)
        label = _ordinal(np.asarray(p, dtype=float)[rows]).astype(object)
        texts.append(words + " (" + label + " percentile" + among + ")")
    texts = np.vstack(texts)
    cols = np.arange(len(rows))
    out = texts[order[0], cols]
    for i in range(1, min(top, len(items))):
        out = out + "; " + texts[order[i], cols]
    return out


def _stewardship(s: _Scorer) -> tuple[np.ndarray, list]:
    """The stewardship score (mean of the percentiles of :data:`STEWARDSHIP`)
    and its evidence items."""
    founding = 1.0 - s.pct("entry_position")
    items = []
    for name, words in STEWARDSHIP.items():
        values = s.value("entry_position") if name == "founding" else s.value(name)
        p = founding if name == "founding" else s.pct(name)
        items.append((words, values, p, ""))
    return np.mean([it[2] for it in items], axis=0), items


def _fit_check(s: _Scorer, kinds) -> pd.DataFrame:
    """Which roles this forum's structure lets the detector read, and why.

    A role is read from the behaviours that define it; some of those need a
    structure that not every forum has: opening announcements and rules
    needs such a subforum (or ranks and staff flags), answering in a
    technical area needs one, sharing needs a content area where members
    share by opening threads (:data:`SHARING_REPEAT_SHARE`) or inside a few
    long ones (:func:`_content_core`). Kinds count whether given by
    ``category`` or inferred; a content area known only by inference must
    also show the sharing. Answering others (moderator), asking (requester),
    arriving late (newcomer) and stewardship can be read in any forum.
    """
    has = {k: bool((kinds.kind == KINDS.index(k)).any()) for k in KINDS}
    given = {k: bool(((kinds.kind == KINDS.index(k)) & ~kinds.inferred).any()) for k in KINDS}
    started = np.where(s.posting, s.value("started_content"), 0.0)
    repeat = float(started[started >= 2].sum() / started.sum()) if started.sum() > 0 else 0.0
    core, _, openers, core_size = _content_core(s)
    inside = _shares_inside_threads(s, openers, core_size)
    metadata = bool(np.isfinite(s.value("rank_level")).any() or np.isfinite(s.value("is_staff")).any())
    rows = {}
    manage = has["announcements"] or has["rules"]
    rows["admin"] = (manage or metadata,
                     "announcement or rules subforums" + ("" if manage else " (none: read from ranks and flags)")
                     if manage or metadata else "no announcement or rules subforum, no ranks or staff flags")
    rows["moderator"] = (True, "answers in threads of other members")
    rows["technical"] = (has["technical"], "a technical subforum" if has["technical"]
                         else "no technical subforum (given or inferred)")
    if not has["content"]:
        rows["distributor"] = (False, "no content subforum (given or inferred)")
    elif given["content"]:
        rows["distributor"] = (True, "content subforums by category")
    elif repeat >= SHARING_REPEAT_SHARE or inside:
        rows["distributor"] = (True, f"inferred content subforums where {repeat:.0%} of the threads come from "
                               "members who open several" + ("; material kept in a few long threads" if inside
                                                             else ""))
    else:
        rows["distributor"] = (False, f"inferred content subforums, but only {repeat:.0%} of their threads come "
                               f"from members who open several (sharing by threads needs "
                               f"{SHARING_REPEAT_SHARE:.0%}): questions and discussion, not sharing")
    for r in ("requester", "regular", "newcomer", "lurker"):
        rows[r] = (True, "asking, posting and arrival can be read in any forum")
    return pd.DataFrame({"assessed": [rows[r][0] for r in ROLES], "reason": [rows[r][1] for r in ROLES]},
                        index=pd.Index(ROLES, name="role"))


def forum_roles(forum: Forum, graph=None) -> pd.DataFrame:
    """The role of every member, with a confidence and the evidence.

    Parameters
    ----------
    forum : Forum
        From :func:`netanalysis.read_forum`.
    graph : InteractionGraph, optional
        A reply graph (:func:`netanalysis.reply_graph`) whose edges say whom
        each member answered; its total per member replaces the default
        answer relation (explicit ``reply_to``, else the previous post of the
        thread) in the "answered" counts. Node ids must be member ids.

    Returns
    -------
    pandas.DataFrame
        Indexed by member id (every row of ``forum.members``), columns:

        * ``role``: one of ``ROLES``;
        * ``confidence``: in [0, 1];
        * ``evidence``: the features that decided it, with their values and
          percentiles among posting members;
        * ``key_score``: in [0, 1], for ranking members as key actors:
          in [0.5, 1] for members given a key role (0.5 plus half their
          position on that role's score among the posting members not
          given another key role) and in [0, 0.5) for the others (half
          their best position on a key-role score among the posting
          members given no key role);
        * ``score_<role>``: for admin, moderator and technical, the share
          of posting members whose behaviour score for that role is lower
          (one scale for the three roles; 0 for members without a post).

    See the module docstring for the method.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.forum import read_forum
    >>> posts = pd.DataFrame({
    ...     "post_id": range(1, 7), "thread_id": [1, 1, 1, 2, 2, 2],
    ...     "author_id": ["ann", "bob", "ann", "bob", "ann", "cy"],
    ...     "created_at": pd.date_range("2013-01-01", periods=6, freq="30D")})
    >>> members = pd.DataFrame({"member_id": ["ann", "bob", "cy", "dee"]})
    >>> roles = forum_roles(read_forum({"posts": posts, "members": members}))
    >>> roles.loc["dee", "role"]
    'lurker'
    >>> sorted(roles.columns[:3])
    ['confidence', 'evidence', 'role']
    """
    ctx = post_context(forum)
    if graph is not None:
        ctx = _with_graph(forum, ctx, graph)
    kinds = subforum_kinds(forum, ctx)
    feats = member_features(forum, kinds, ctx)
    s = _Scorer(feats)
    n = len(feats)
    posting = s.posting

    meta = _metadata(s)
    has_rank = np.isfinite(s.value("rank_level"))
    has_staff = np.isfinite(s.value("is_staff"))
    missing = (~has_rank).astype(int) + (~has_staff).astype(int)

    key, specific = _key_behaviour(s, kinds)
    fit = _fit_check(s, kinds)
    steward, steward_items = _stewardship(s)
    staff_areas = any((kinds.kind == KINDS.index(k)).any() for k in ("announcements", "rules", "technical"))
    if not staff_areas:
        # Without the study's staff areas (no announcement, rules or
        # technical subforum, given or inferred) the specific readings of
        # the management and the technical members have nothing to read;
        # stewardship, which needs no subforum kind, is then the
        # moderator's reading too (the better of the two counts).
        mod_behaviour, mod_items = key["moderator"]
        by_stewardship = steward > mod_behaviour
        key["moderator"] = (np.maximum(mod_behaviour, steward), mod_items)
    else:
        by_stewardship = np.zeros(n, dtype=bool)
    if not fit.at["technical", "assessed"]:
        tech_behaviour, tech_items = key["technical"]
        key["technical"] = (np.zeros_like(tech_behaviour), tech_items)
    key_scores = {}
    for role, (behaviour, _) in key.items():
        m = meta[role]
        known = np.isfinite(m)
        if role == "admin":     # already inside the institutional reading
            known = known & False
        # Metadata can lift a score, never sink it: an ordinary rank on a member
        # who behaves as staff lowers the confidence, not the role.
        blend = (1 - METADATA_WEIGHT) * behaviour + METADATA_WEIGHT * np.nan_to_num(m)
        score = np.where(known, np.maximum(behaviour, blend), behaviour)
        key_scores[role] = np.where(posting, score, 0.0)
    key_matrix = np.vstack([key_scores[r] for r in KEY_ROLES])            # 3 x n
    common = _common_scale(key_matrix, posting)
    passes = (key_matrix >= KEY_THRESHOLD) & posting
    gated = np.where(passes, key_matrix, -np.inf)
    best_key = np.argmax(gated, axis=0)
    # Between moderator and technical, the behaviours they share (tenure,
    # presence, private messages, not sharing material) say nothing; the
    # role is the one whose own behaviours stand out more.
    mod_i, tech_i = KEY_ROLES.index("moderator"), KEY_ROLES.index("technical")
    both = passes[mod_i] & passes[tech_i] & np.isin(best_key, (mod_i, tech_i))
    best_key = np.where(both, np.where(specific["technical"] > specific["moderator"], tech_i, mod_i), best_key)
    # The highest status and the staff flag are the marks of the management.
    # A member whose behaviour reads as management *and* as a moderator or
    # technical member, and whose stated status is below the highest without
    # the staff flag, is read as the other key role: the status decides
    # between two readings that the behaviour supports, never whether the
    # member is a key actor. A status proven only by access to a restricted
    # subforum is a lower bound, so it cannot say "below the highest".
    adm_i = KEY_ROLES.index("admin")
    below_top = has_rank & np.isfinite(meta["admin"]) & (meta["admin"] < 1) & (best_key == adm_i)
    staff_reading = np.where(passes[mod_i] & passes[tech_i],
                             np.where(specific["technical"] > specific["moderator"], tech_i, mod_i),
                             np.where(passes[mod_i], mod_i, tech_i))
    redirected = below_top & (passes[mod_i] | passes[tech_i])
    best_key = np.where(redirected, staff_reading, best_key)
    is_key = passes.any(axis=0)

    ordinary = _ordinary_scores(s, kinds)
    ord_names = list(ordinary)
    ord_matrix = np.vstack([ordinary[r][0] for r in ord_names])
    # One public post is not a pattern: it cannot make a sharer, an asker
    # or a regular; only a recent arrival reads better as a newcomer.
    single = s.value("posts") == 1
    habitual = np.isin(ord_names, ["distributor", "requester", "regular"])
    ord_matrix[np.ix_(habitual, single)] = -1.0
    unfit_ord = [i for i, r in enumerate(ord_names) if not fit.at[r, "assessed"]]
    would_be = np.argmax(ord_matrix, axis=0)
    lost_reading = np.isin(would_be, unfit_ord) & (ord_matrix.max(axis=0) > ORDINARY_BASELINE)
    ord_matrix[unfit_ord] = -1.0
    # ``regular`` is the default reading: another description must fit
    # *better* to replace it, so a tie (a reading worth exactly the
    # baseline, e.g. request threads opened by a member who posts no more in
    # request subforums than the forum does) stays regular.
    best_ord = np.argmax(ord_matrix, axis=0)
    regular_i = ord_names.index("regular")
    best_ord = np.where(ord_matrix[regular_i] >= ord_matrix.max(axis=0), regular_i, best_ord)
    # A new member introduces themselves and asks for their first material:
    # a member who entered after most posting members, wrote fewer posts
    # than most, and posted in the introductions is read as a newcomer, not
    # a requester. A habit of asking needs more than a recent member's first
    # posts.
    arriving = _still_arriving(s, kinds) & (best_ord == ord_names.index("requester"))
    best_ord = np.where(arriving, ord_names.index("newcomer"), best_ord)

    role = np.full(n, "lurker", dtype=object)
    confidence = np.zeros(n)
    evidence = np.full(n, "no public post", dtype=object)

    # Lurkers: no public post. Messages make the reading less certain.
    msgs = s.value("messages")
    confidence[~posting] = np.where(msgs[~posting] > 0, 0.6, 0.95)
    with_msgs = ~posting & (msgs > 0)
    if with_msgs.any():
        evidence[with_msgs] = np.array([f"no public post; {m:.0f} private messages" for m in msgs[with_msgs]],
                                       dtype=object)

    sorted_key = np.sort(key_matrix, axis=0)
    for i, r in enumerate(KEY_ROLES):
        rows = np.flatnonzero(is_key & (best_key == i))
        if not len(rows):
            continue
        role[rows] = r
        runner = np.where(sorted_key[-1, rows] == key_matrix[i, rows], sorted_key[-2, rows], sorted_key[-1, rows])
        # Between two key roles the ranking as a key actor holds anyway; a
        # close call only trims the confidence a little.
        margin = np.clip((key_matrix[i, rows] - runner) / 0.1, 0, 1)
        contradicts = np.nan_to_num(meta[r][rows], nan=1.0) < 0.5
        conf = (key_matrix[i, rows] * (0.95 + 0.05 * margin) * MISSING_METADATA_FACTOR ** missing[rows]
                * np.where(contradicts, MISSING_METADATA_FACTOR, 1.0))
        confidence[rows] = np.clip(conf, 0, 1)
        items = key[r][1]
        if r == "moderator":
            stew = by_stewardship[rows]
            texts = _evidence(items, rows) if (~stew).any() else np.full(len(rows), "", dtype=object)
            if stew.any():
                texts = np.where(stew, _evidence(steward_items, rows) + "; read from stewardship (tenure and "
                                 "answers to those who came after), which needs no subforum kind", texts)
            evidence[rows] = texts + _metadata_words(s, rows, r)
            confidence[rows] = np.where(stew, confidence[rows] * UNFIT_FACTOR, confidence[rows])
        else:
            evidence[rows] = _evidence(items, rows) + _metadata_words(s, rows, r)
        evidence[rows] = np.where(redirected[rows], evidence[rows] + "; acts as management too, but holds a status "
                                  "below the highest without the staff flag", evidence[rows])

    for i, r in enumerate(ord_names):
        rows = np.flatnonzero(posting & ~is_key & (best_ord == i))
        if not len(rows):
            continue
        role[rows] = r
        # The margin of the chosen reading over the best other one (none
        # when a tie or a newcomer's first posts decided).
        runner = np.delete(ord_matrix[:, rows], i, axis=0).max(axis=0)
        margin = np.clip((ord_matrix[i, rows] - runner) / 0.5, 0, 1)
        confidence[rows] = np.clip(0.5 + 0.45 * margin, 0, 1) * np.where(s.value("posts")[rows] < 3, 0.8, 1.0)
        evidence[rows] = _evidence(ordinary[r][1], rows, top=2) + _metadata_words(s, rows, r)
        lost = lost_reading[rows]
        if lost.any():
            reasons = "; ".join(f"{ord_names[i]} not assessed: {fit.at[ord_names[i], 'reason']}" for i in unfit_ord)
            evidence[rows] = np.where(lost, evidence[rows] + "; " + reasons, evidence[rows])
            confidence[rows] = np.where(lost, confidence[rows] * UNFIT_FACTOR, confidence[rows])
        if r == "newcomer":
            evidence[rows] = np.where(arriving[rows], evidence[rows] + "; introduced themselves and asks for "
                                      "material: a recent member's first posts, not yet a habit", evidence[rows])

    position = _key_positions(key_matrix, np.where(is_key, best_key, -1), posting)
    out = pd.DataFrame({
        "role": pd.Categorical(role, categories=list(ROLES)),
        "confidence": np.round(confidence, 4),
        "evidence": pd.array(evidence, dtype="string"),
        "key_score": np.round(np.where(is_key, 0.5 + 0.5 * position, 0.5 * position), 6),
    }, index=feats.index)
    for i, r in enumerate(KEY_ROLES):
        out[f"score_{r}"] = np.round(common[i], 6)
    out["score_steward"] = np.round(_common_scale(steward[None, :], posting)[0], 6)
    # Plain dicts: pandas compares and copies attrs, which a DataFrame breaks.
    out.attrs["assessed"] = {r: bool(v) for r, v in fit["assessed"].items()}
    out.attrs["fit"] = {r: str(v) for r, v in fit["reason"].items()}
    return out


def _common_scale(key_matrix: np.ndarray, posting: np.ndarray) -> np.ndarray:
    """Each key-role score as the share of posting members whose score for
    that role is strictly lower, ties broken by the score itself.

    The role scores mean different things (a technical score ranks a member
    among those who answer questions, a moderator score among everybody), so
    the raw values of two roles are not comparable; their positions in the
    same population are. These are the ``score_<role>`` columns;
    ``key_score`` uses the same positions with the members read as another
    key role left out (:func:`_key_positions`). The tie-break moves a member
    by less than one rank.
    """
    m = max(int(posting.sum()), 1)
    out = np.vstack([below_share(row, posting) + 0.5 / m * np.clip(row, 0, 1) for row in key_matrix])
    return np.where(posting, np.minimum(out, 1.0), 0.0)


def _key_positions(key_matrix: np.ndarray, assigned: np.ndarray, posting: np.ndarray) -> np.ndarray:
    """The position behind ``key_score``, in [0, 1].

    ``assigned`` gives each member's key role (its row in ``key_matrix``,
    -1 for none). A member given a key role is placed on *that role's*
    score among the posting members not given another key role; a member
    given none, on the best of the key-role scores among the posting
    members given none (kept below 1). A position is the share of the
    reference members strictly below, plus ``0.5 / n`` times the score to
    break ties.

    The behaviours of the key roles overlap (the management also moderates
    and answers technical questions), so on the moderator scale of all
    posting members the admins would stand above the moderators, and a
    moderator would rank below a technical look-alike who is only third on
    the technical scale. Leaving out the members read as another key role
    compares each member with those who could be mistaken for them.
    """
    def position(row, ref):
        m = max(int(ref.sum()), 1)
        return np.minimum(below_share(row, ref) + 0.5 / m * np.clip(row, 0, 1), 1.0)

    ordinary = posting & (assigned < 0)
    out = np.zeros(key_matrix.shape[1])
    for i, row in enumerate(key_matrix):
        mine = assigned == i
        out[mine] = position(row, ordinary | (posting & mine))[mine]
        out[ordinary] = np.maximum(out[ordinary], position(row, ordinary)[ordinary])
    return np.where(ordinary, np.minimum(out, 1.0 - 1e-6), out)


def _metadata_words(s: _Scorer, rows: np.ndarray, role: str) -> np.ndarray:
    """A clause on the metadata, when it matters: it supports a key role, is
    missing, or contradicts the behaviour (staff flag or top rank on a member
    who does not act as staff)."""
    meta = _metadata(s)
    staff = s.value("is_staff")[rows]
    top = meta["top_rank"][rows]
    share = meta["rank_share"][rows]
    out = np.full(len(rows), "", dtype=object)
    if role in KEY_ROLES:
        out = np.where(staff == 1, out + "; marked staff", out)
        out = np.where(top == 1, out + "; holds the highest status", out)
        out = np.where((top != 1) & (share >= 0.9), out + "; status above " + np.char.mod("%d%%", np.floor(
            np.nan_to_num(share) * 100).astype(int)).astype(object) + " of ranked posting members", out)
        if role == "admin":
            quiet = s.value("posts")[rows] < np.median(s.value("posts")[s.posting])
            out = np.where(quiet, out + "; rarely posts: read as a quiet member of the management", out)
        proven = s.value("access_rank")[rows]
        from_access = meta["from_access"][rows]
        out = np.where(from_access, out + "; posts in a subforum open from status " + np.char.mod(
            "%d", np.nan_to_num(proven).astype(int)).astype(object), out)
        # Half the ranked posting members between the status and the
        # contribution: a status that posting and sharing do not explain.
        out = np.where(np.nan_to_num(meta["unexplained"][rows]) >= 0.5,
                       out + "; status above what their posts and shared threads would earn", out)
        out = np.where(np.isnan(share), out + "; rank unknown", out)
        out = np.where((share < 0.5), out + "; ordinary rank (role read from behaviour)", out)
    else:
        out = np.where(staff == 1, out + "; marked staff but does not act as staff", out)
        out = np.where((top == 1) & (staff != 1), out + "; holds the highest status but does not act as staff", out)
    return out


def _with_graph(forum: Forum, ctx, graph):
    """``ctx`` with the answer relation taken from ``graph``: each post that
    answers somebody keeps its answered author only if that edge exists."""
    from dataclasses import replace

    rows = forum.member_index.get_indexer(graph.node_ids)
    if (rows < 0).any():
        raise KeyError("graph nodes that are not members of the forum: "
                       f"{list(graph.node_ids[rows < 0][:5])}")
    coo = graph.adjacency.tocoo()
    n = len(forum.member_index)
    src, dst = rows[coo.row], rows[coo.col]
    edges = np.sort(src.astype(np.int64) * n + dst)
    a = ctx.answered_author
    key = ctx.author.astype(np.int64) * n + np.maximum(a, 0)
    if len(edges) == 0:     # nobody answered anybody: no post answers a member
        return replace(ctx, answered_author=np.full_like(a, -1))
    pos = np.searchsorted(edges, key)
    found = (a >= 0) & (pos < len(edges)) & (edges[np.minimum(pos, len(edges) - 1)] == key)
    return replace(ctx, answered_author=np.where(found, a, -1))
