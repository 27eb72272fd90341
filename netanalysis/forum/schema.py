"""The tables of a forum dataset, their columns and the types they take.

A forum dataset is five tables. Only ``posts`` is required; the others are
derived from it when missing (see :func:`netanalysis.read_forum`).

========== ============================== ==========================================
table      required columns               optional columns
========== ============================== ==========================================
posts      post_id, thread_id,            reply_to
           author_id, created_at
threads    thread_id                      subforum_id, author_id, created_at
subforums  subforum_id                    name, category, min_rank
members    member_id                      status, rank_level, joined_at,
                                          last_seen_at, is_staff
messages   message_id, sender_id,         (none)
           recipient_id, created_at
========== ============================== ==========================================

After validation every table of a :class:`~netanalysis.forum.Forum` holds all
of its columns, the optional ones filled with missing values when absent, with
these types:

* identifiers: ``int64`` when every id of that kind (member, post, thread,
  subforum, message), in every table, is an integer; otherwise pandas'
  ``string`` dtype. Nullable id columns (``reply_to``, ``threads.author_id``,
  ``threads.subforum_id``) use ``Int64`` for integer ids.

  The one rule for numeric ids: an id is the text of its field, except that
  digits with an optional minus sign and no leading zero (``7``, ``-3``),
  optionally followed by ``.0`` (``7.0``, as float-typed exporters write
  integers), are the integer they spell. So ``7.0`` and ``7`` are the same
  id whether or not every id of the kind is an integer (in a text kind both
  are ``"7"``), while ``007``, ``+7``, ``-0`` and `` 7`` are text ids
  distinct from 7 and from each other. Numbers in numeric columns (Parquet,
  DataFrames) are the integer they hold when whole. An id is missing only
  when its field is empty: ``NA``, ``null``, ``None``, ``nan``, ``N/A`` are
  ids.
* timestamps: ``datetime64[ns, UTC]``; input may be ISO 8601 text (a time
  zone offset is honoured, naive times are taken as UTC), date-times, or
  Unix seconds; numbers that are not plausibly seconds (compact dates such
  as ``20200101``, milliseconds) need ``time_unit`` or ``time_format`` (see
  :func:`netanalysis.read_forum`). The supported range is 1677-09-21 to
  2262-04-11.
* ``rank_level`` and ``min_rank``: ``Int64``; ``is_staff``: ``boolean``;
  ``category``: a categorical over :data:`CATEGORIES`; ``name`` and
  ``status``: ``string``. A blank field is a missing value for that row.
"""
from __future__ import annotations

TABLES = ("posts", "threads", "subforums", "members", "messages")

#: Subforum categories of the data model.
CATEGORIES = (
    "announcements",
    "rules",
    "introductions",
    "technical",
    "content",
    "requests",
    "social",
    "private",
    "other",
)

REQUIRED = {
    "posts": ("post_id", "thread_id", "author_id", "created_at"),
    "threads": ("thread_id",),
    "subforums": ("subforum_id",),
    "members": ("member_id",),
    "messages": ("message_id", "sender_id", "recipient_id", "created_at"),
}

OPTIONAL = {
    "posts": ("reply_to",),
    "threads": ("subforum_id", "author_id", "created_at"),
    "subforums": ("name", "category", "min_rank"),
    "members": ("status", "rank_level", "joined_at", "last_seen_at", "is_staff"),
    "messages": (),
}

COLUMNS = {t: REQUIRED[t] + OPTIONAL[t] for t in TABLES}

#: The kind of identifier each id column holds (columns of one kind share a dtype).
ID_KIND = {
    ("posts", "post_id"): "post",
    ("posts", "thread_id"): "thread",
    ("posts", "author_id"): "member",
    ("posts", "reply_to"): "post",
    ("threads", "thread_id"): "thread",
    ("threads", "subforum_id"): "subforum",
    ("threads", "author_id"): "member",
    ("subforums", "subforum_id"): "subforum",
    ("members", "member_id"): "member",
    ("messages", "message_id"): "message",
    ("messages", "sender_id"): "member",
    ("messages", "recipient_id"): "member",
}

#: The primary key of each table.
KEY = {
    "posts": "post_id",
    "threads": "thread_id",
    "subforums": "subforum_id",
    "members": "member_id",
    "messages": "message_id",
}

TIME_COLUMNS = {
    ("posts", "created_at"),
    ("threads", "created_at"),
    ("members", "joined_at"),
    ("members", "last_seen_at"),
    ("messages", "created_at"),
}

INT_COLUMNS = {("subforums", "min_rank"), ("members", "rank_level")}
BOOL_COLUMNS = {("members", "is_staff")}
TEXT_COLUMNS = {("subforums", "name"), ("members", "status")}
CATEGORY_COLUMNS = {("subforums", "category")}

#: Id columns that may hold missing values.
NULLABLE_IDS = {
    ("posts", "reply_to"),
    ("threads", "subforum_id"),
    ("threads", "author_id"),
}
