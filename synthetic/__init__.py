"""Synthetic forums with a known truth: who runs the forum and how members behave.

The generator builds the records of a forum (posts, threads, subforums,
members, private messages; structure only, no text) together with each
member's true role, so that role detection and key-actor rankings can be
tested on something shaped like the fora of van der Bruggen & Blokland
(Table 1 of the 2021 Dutch summary).

Public API
----------
:func:`generate_forum`
    ``generate_forum(preset="forum-a", *, seed=0, **overrides)`` returns
    ``(forum, truth)``: a validated :class:`netanalysis.forum.Forum` and a
    DataFrame ``member_id, role, key_actor``.
:func:`generate_tables`
    The same, as the raw tables before :func:`netanalysis.forum.read_forum`.
:func:`write_dataset`
    ``write_dataset(forum, truth, path, format="csv")``: the dataset folder
    (five tables plus ``ground_truth.csv``), atomic and byte-reproducible.
:func:`generate_fora`
    ``generate_fora(n=2, seed=0, shared=10, preset="tiny")`` returns
    ``(fora, truth)``: several fora sharing a known set of members (same
    member ids in every forum) and the table of the shared members.
:func:`describe`, :func:`role_profile`
    Table-1 and distribution figures of any forum; per-role behaviour of a
    synthetic one.
:data:`PRESETS`, :class:`ForumParams`, :func:`resolve_params`
    ``forum-a`` .. ``forum-d`` (Table 1 exactly), ``tiny``, ``mega``.

The model
---------
Layout
    Subforums with categories: announcements, rules, introductions,
    technical, several content subforums, requests, social, and private ones
    open only from a minimum rank; neutral names (``content-03``,
    ``technical``). Small fora get the first categories only (forum B's three
    subforums are content, announcements and technical).
Statuses
    ``n_statuses`` rank levels: the top one is the management team's, the one
    below (with four levels or more) the staff status; ordinary members climb
    the others by posts and, above all, by shared content (started content
    threads); every level is held, so the status count is exact.
Members
    Join over the forum's life at a growing rate (admins found it, technical
    members and moderators join early, newcomers late); tenures end
    (heavy-tailed); each posting member follows an activity trajectory over
    their tenure (early burst, mid peak or late rise, on a flat floor);
    heavy-tailed volumes, most members never post.
Roles (``truth.role``)
    ``admin`` (management team: announcements and rules, active in every
    subforum, moderation), ``moderator`` (moderates a few subforums, broad
    activity), ``technical`` (answers technical questions from many distinct,
    often new, members, writes tutorials, long tenure, active across
    subforums, a small share of posts), ``distributor`` (starts the content
    threads that draw the most replies), ``requester`` (asks in request
    threads), ``regular``, ``newcomer`` (recent, posts mostly in
    introductions), ``lurker`` (registered, posts never or once).
    ``key_actor`` is true for admins, moderators and technical members.
Threads and posts
    Each thread has a kind, a subforum of the kind's category, a starter
    drawn by the kind's starter weights, a start time drawn from the
    starter's own trajectory, a heavy-tailed length (exact total) and a
    heavy-tailed lifetime. Each reply's author is drawn among the members
    active at its time, by role affinity for the thread's kind, moderator
    assignment and rank access; technical questions get answers from the
    technical pool. About a third of the replies quote an earlier post of the
    thread (``reply_to``); the others answer the previous post.
Private messages
    Conversations among a minority of posting members, partners drawn apart
    from public reply partners, so the two layers overlap little.

Difficulty (``difficulty=``)
----------------------------
``easy``
    Strong role contrasts; moderators and technical members all hold the
    staff status; nothing missing.
``realistic`` (default)
    30% of technical members hold ordinary ranks; a few top sharers hold the
    staff status; one admin in five is rarely active; 2% of regulars also
    answer technical questions; 1% of replies lost from the records.
``hard``
    Flattened role contrasts; only 30% of technical and 80% of moderators
    hold the staff status, 1% of top sharers do; half the admins are rarely
    active; 5% of regulars answer technical questions like technical members;
    subforum names are neutral (``subforum-07``) and a third of the
    categories missing; 15% of statuses and 25% of ``is_staff`` values
    missing; 5% of replies lost. ``is_staff`` marks only the management team
    at every difficulty, so it never equals ``key_actor``.

At every difficulty the Table-1 counts (members, subforums, threads, posts,
statuses) are exact; ``management_team`` (members with ``is_staff``) is exact
except at ``hard``, where some ``is_staff`` values are missing.

Examples
--------
>>> from synthetic import generate_forum, describe
>>> forum, truth = generate_forum("tiny", seed=0)
>>> figures = describe(forum)
>>> int(figures["members"]), int(figures["threads"]), int(figures["posts"])
(200, 120, 2400)
>>> sorted(truth.loc[truth["key_actor"], "role"].unique())
['admin', 'moderator', 'technical']
"""
from .describe import describe, gini, reply_pairs, role_profile
from .generate import generate_forum, generate_tables
from .fora import generate_fora
from .io import TRUTH_FILE, write_dataset
from .params import DIFFICULTIES, PRESETS, ForumParams, resolve_params

__all__ = [
    "generate_forum", "generate_tables", "generate_fora", "write_dataset", "describe", "role_profile", "reply_pairs",
    "gini", "ForumParams", "PRESETS", "DIFFICULTIES", "resolve_params", "TRUTH_FILE",
]
