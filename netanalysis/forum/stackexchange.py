"""Reading a Stack Exchange data dump as a forum: :func:`read_stackexchange`.

A Stack Exchange site dump is a folder of XML files, one ``<row>`` element
per record, every field an attribute. Three of them are read:

* ``Posts.xml`` (required): questions and answers;
* ``Comments.xml`` (optional; a dump without it has no comments);
* ``Users.xml`` (required): the members.

Other files (``PostHistory.xml``, ``Badges.xml``, ``Votes.xml``,
``Tags.xml``, ``PostLinks.xml``) are not read.

Definitions
-----------
The tables passed to :func:`~netanalysis.read_forum` are built as follows.

posts
    * a **question** (``PostTypeId="1"``) starts a thread: ``thread_id`` is
      its ``Id``, ``reply_to`` is missing;
    * an **answer** (``PostTypeId="2"``) is a post of its question's thread
      (``ParentId``) and replies to the question;
    * a **comment** (a row of ``Comments.xml``) is a post of the thread of
      the post it comments on (``PostId``) and replies to that post;
    * ``author_id`` is ``OwnerUserId`` (``UserId`` for a comment) and
      ``created_at`` is ``CreationDate``.
threads
    One per question with at least one post left (below): ``thread_id``,
    ``subforum_id`` (the question's first tag), ``author_id`` (the question's
    owner; missing when the question itself was left out) and ``created_at``
    (the question's ``CreationDate``).
subforums
    One per tag that is the first tag of a thread: ``subforum_id`` and
    ``name`` are both the tag.
members
    Every row of ``Users.xml`` except user -1: ``member_id`` is ``Id``,
    ``joined_at`` is ``CreationDate``, ``last_seen_at`` is ``LastAccessDate``
    (missing when the dump lacks it). Dumps have no ranks, staff flags or
    subforum categories, so ``status``, ``rank_level``, ``is_staff`` and
    ``category`` stay missing.

Conventions
-----------
Identifiers
    Questions and answers share one id space in a dump and comments have
    their own, so post ids are text: ``"p<Id>"`` for a question or answer and
    ``"c<Id>"`` for a comment (``"p12"`` and ``"c12"`` are different posts).
    Thread ids are the question's ``Id`` (an integer), member ids the user's
    ``Id`` (an integer), subforum ids the tag (text).
Tags
    Both forms of the ``Tags`` attribute are read: ``"<tag1><tag2>"`` (older
    dumps) and ``"|tag1|tag2|"`` (newer dumps); the first tag is the one
    written first. A question without
    tags has a missing ``subforum_id`` (the thread is in no subforum; no
    ``"(untagged)"`` subforum is invented).
Post types
    Only questions and answers are forum posts. Every other type -- orphaned
    tag wikis (3), tag wiki excerpts and bodies (4, 5), moderator
    nominations (6), wiki placeholders (7), privilege wikis (8) and the
    newer types (help articles, collectives, announcements...) -- is left
    out with its comments: wikis are reference pages, not conversation, and
    a nomination is a page of an election, not a thread of the site. Answers whose ``ParentId`` is no question of the dump and
    comments whose ``PostId`` is no question or answer of the dump are left
    out too.
User -1 and deleted users
    User -1 (``Community``) is the system account that owns wiki posts and
    automatic edits, not a participant: it is not a member and its posts and
    comments are left out. A post or comment without an owner (its author's
    account was deleted; the dump then gives only a display name, never read)
    is left out as well, since it has no author to attach an edge to.
    A reply to a left-out post keeps its thread but has a missing
    ``reply_to``; a thread whose every post was left out is not created.
Time
    Dump times (``2011-08-02T15:24:34.323``) are UTC without an offset.
    A reply dated before the post it answers (questions merged into an older
    one, migrated posts) keeps its thread but has its ``reply_to`` cleared,
    so that the forum passes validation.
What is counted
    Everything left out or cleared is counted, in one note of
    ``forum.report.notes`` (starting ``"Stack Exchange dump:"``) and in the
    ``counts`` returned by :func:`stackexchange_tables`.
Privacy
    No text attribute is ever read: ``Body``, ``Title``, ``Text``,
    ``Comment``, ``AboutMe``, ``DisplayName``, ``OwnerDisplayName``,
    ``UserDisplayName``, ``Location``, ``WebsiteUrl``... The files are
    streamed with :func:`xml.etree.ElementTree.iterparse`; of each row only
    the attributes named in :data:`READ_ATTRIBUTES` are looked up and kept,
    then the element is cleared (the XML parser tokenises a whole row, as
    any parser must, but nothing else is looked at or kept). Values move to
    compact Arrow arrays as they are read, so a dump of millions of rows
    fits in memory: about 0.9 GB and 12 s for 1.6 million posts and
    comments, validation included.
Errors
    A missing ``Posts.xml`` or ``Users.xml`` and malformed XML (with the
    file, line and column) raise :class:`~netanalysis.ForumDataError`, as
    does every problem :func:`~netanalysis.read_forum` finds in the tables
    with ``on_error="raise"`` (an author missing from ``Users.xml``, a bad
    date, a duplicate ``Id``...). Row numbers in those problems are
    positions in the tables built here (posts: the questions, then the
    answers, then the comments, each in file order);
    ``forum.report.dropped`` gives each dropped row's id (``"p<Id>"``,
    ``"c<Id>"``).

References
----------
Stack Exchange, Inc. "Stack Exchange Data Dump", published quarterly under
CC BY-SA; the schema is described in the Meta Stack Exchange post "Database
schema documentation for the public data dump and SEDE" (post 2677).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "Posts.xml").write_text('''<?xml version="1.0" encoding="utf-8"?>
... <posts>
...   <row Id="1" PostTypeId="1" CreationDate="2011-08-02T15:24:34.323" OwnerUserId="7"
...        Title="[not read]" Body="[not read]" Tags="&lt;tea&gt;&lt;green&gt;" />
...   <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2011-08-02T16:00:00.000" OwnerUserId="8" />
...   <row Id="3" PostTypeId="2" ParentId="1" CreationDate="2011-08-02T17:00:00.000" />
...   <row Id="4" PostTypeId="4" CreationDate="2011-08-03T10:00:00.000" OwnerUserId="-1" />
... </posts>''')
>>> _ = (folder / "Comments.xml").write_text('''<comments>
...   <row Id="1" PostId="2" CreationDate="2011-08-02T16:30:00.000" UserId="7" />
... </comments>''')
>>> _ = (folder / "Users.xml").write_text('''<users>
...   <row Id="-1" CreationDate="2011-08-01T00:00:00.000" />
...   <row Id="7" CreationDate="2011-08-01T09:00:00.000" LastAccessDate="2012-01-01T00:00:00.000" />
...   <row Id="8" CreationDate="2011-08-02T09:00:00.000" />
... </users>''')
>>> forum = read_stackexchange(folder)
>>> forum
<Forum: 2 members, 1 subforums, 1 threads, 3 posts, 0 messages>
>>> forum.posts[["post_id", "thread_id", "author_id", "reply_to"]]
  post_id  thread_id  author_id reply_to
0      p1          1          7     <NA>
1      p2          1          8       p1
2      c1          1          7       p2
>>> forum.threads[["thread_id", "subforum_id", "author_id"]]
   thread_id subforum_id  author_id
0          1         tea          7
>>> print(forum.report.notes[-1].replace("; ", ";\\n"))
Stack Exchange dump: read 1 questions, 1 answers, 1 comments;
left out 1 posts of other types (4: 1), 0 comments on them;
user -1 (Community): 0 posts, 0 comments left out, not a member;
without an owner (deleted users): 1 posts, 0 comments left out;
0 answers without a known question, 0 comments on no known post;
reply_to cleared: 0 replies to a left-out post, 0 replies dated before their target;
0 threads with no post left not created
"""
from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pyarrow as pa

from ._codes import positions
from .model import Forum
from .validation_report import ForumDataError, Problem
from .validate import read_forum

__all__ = ["read_stackexchange", "stackexchange_tables", "READ_ATTRIBUTES", "COMMUNITY_USER"]

#: The user id of the "Community" system account.
COMMUNITY_USER = "-1"

#: The only attributes looked up, per file (no text attribute is among them).
READ_ATTRIBUTES = {
    "Posts.xml": ("Id", "PostTypeId", "ParentId", "OwnerUserId", "CreationDate", "Tags"),
    "Comments.xml": ("Id", "PostId", "UserId", "CreationDate"),
    "Users.xml": ("Id", "CreationDate", "LastAccessDate"),
}

#: The table named in an error about each file.
_TABLE_OF = {"Posts.xml": "posts", "Comments.xml": "posts", "Users.xml": "members"}
_ROOT_OF = {"Posts.xml": "posts", "Comments.xml": "comments", "Users.xml": "users"}

# The first tag of "<a><b>", "|a|b|" or (very old dumps) "a b".
_FIRST_TAG = r"^[\s<>|]*([^\s<>|]+)"

#: Rows gathered in Python lists before they move to an Arrow array.
_CHUNK = 65536
#: The key of a missing integer id (never a Stack Exchange id).
_NA_KEY = np.iinfo(np.int64).min
_CANONICAL_INT = r"-?(0|[1-9][0-9]{0,17})"
_STRING = pd.StringDtype("pyarrow")


def _first_tag(tags: str | None) -> str | None:
    """The first tag of a ``Tags`` value (None for no tag)."""
    m = re.match(_FIRST_TAG, tags) if tags else None
    return m.group(1) if m else None


def _rows(path: Path, attributes: tuple[str, ...]) -> dict[str, pd.Series]:
    """The listed attributes of every ``<row>`` of ``path``, column-wise, as
    text Series (missing where a row lacks one).

    Streamed: each element is cleared once read, and values are moved into
    compact Arrow arrays every :data:`_CHUNK` rows, so memory holds the
    needed attributes only, never the XML.
    """
    name = path.name
    chunks: dict[str, list] = {a: [] for a in attributes}
    buffers: dict[str, list] = {a: [] for a in attributes}
    appends = [(a, buffers[a].append) for a in attributes]

    def flush():
        for a in attributes:
            if buffers[a]:
                chunks[a].append(pa.array(buffers[a], type=pa.string()))
                buffers[a].clear()

    root = None
    n = 0
    try:
        for event, elem in ET.iterparse(os.fspath(path), events=("start", "end")):
            if root is None:
                root = elem
                expected = _ROOT_OF[name]
                if elem.tag.lower() != expected:
                    raise ForumDataError([Problem(
                        _TABLE_OF[name], None,
                        f"{name} has root element <{elem.tag}>, expected <{expected}>: not a Stack Exchange {name}",
                        fatal=True)], source=str(path))
                continue
            if event != "end":
                continue
            if elem.tag == "row":
                for a, append in appends:
                    append(elem.get(a))
                n += 1
                if n % _CHUNK == 0:
                    flush()
            elem.clear()
            # Drop the cleared shells the root still holds.
            root.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        msg = str(exc).split(":")[0]
        raise ForumDataError([Problem(
            _TABLE_OF[name], None, f"malformed XML in {name} at line {line}, column {column}: {msg}", fatal=True,
        )], source=str(path)) from None
    except OSError as exc:
        raise ForumDataError([Problem(
            _TABLE_OF[name], None, f"cannot read {name}: {exc}", fatal=True)], source=str(path)) from None
    flush()
    return {a: _text(chunks[a]) for a in attributes}


def _text(chunks: list) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.string())))


def _empty(attributes) -> dict[str, pd.Series]:
    return {a: _text([]) for a in attributes}


def _keys(*columns: pd.Series) -> list[np.ndarray]:
    """The id columns as lookup keys: int64 (missing = :data:`_NA_KEY`)
    when every present value of every column is a canonical integer, as
    Stack Exchange ids are; otherwise object arrays (missing = None)."""
    if all(c.dropna().str.fullmatch(_CANONICAL_INT).all() for c in columns):
        return [c.astype("Int64").to_numpy(dtype=np.int64, na_value=_NA_KEY) for c in columns]
    return [c.to_numpy(dtype=object, na_value=None) for c in columns]


def _missing(keys: np.ndarray) -> np.ndarray:
    return keys == _NA_KEY if keys.dtype == np.int64 else pd.isna(keys)


def _lookup(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each of ``values`` in ``keys`` (first occurrence), -1 for
    a missing value or one that is no key; missing keys match nothing."""
    out = np.full(len(values), -1, dtype=np.int64)
    present = ~_missing(values)
    if present.any() and len(keys):
        out[present] = positions(keys, values[present])
    return out


def _times(s: pd.Series) -> np.ndarray:
    """Parsed times (NaT where missing or unparseable), as datetime64[ns]."""
    t = pd.to_datetime(s, format="ISO8601", utc=True, errors="coerce")
    return t.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def _time_column(s: pd.Series, parsed: np.ndarray):
    """``created_at`` for read_forum: the parsed times when every present
    value parsed, else the text (so that read_forum names the bad rows)."""
    if (np.isnat(parsed) & s.notna().to_numpy()).any():
        return s
    return pd.Series(parsed, index=s.index).dt.tz_localize("UTC")


def stackexchange_tables(folder) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The forum tables of a Stack Exchange dump, before validation.

    Parameters
    ----------
    folder : path
        The site's folder, holding ``Posts.xml``, ``Users.xml`` and
        optionally ``Comments.xml``.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        ``posts``, ``threads``, ``subforums`` and ``members``, built as the
        module docstring defines; ids as text (typed by read_forum).
    counts : dict of str to int
        ``questions``, ``answers``, ``comments`` (rows that became posts);
        ``other_type_posts`` and ``other_type_comments`` (posts of types other
        than 1 and 2 and the comments on them, left out); ``community_posts``,
        ``community_comments`` (by user -1, left out); ``ownerless_posts``,
        ``ownerless_comments`` (no owner, left out); ``orphan_answers``,
        ``orphan_comments`` (to no known question or post, left out);
        ``reply_to_left_out`` and ``reply_to_later`` (replies kept with
        ``reply_to`` cleared); ``threads_without_posts`` (questions whose
        thread lost every post, not created); ``community_member`` (1 when
        ``Users.xml`` held user -1, which is not made a member); and
        ``other_types``, a dict of left-out posts per ``PostTypeId``.
    """
    folder = Path(folder).absolute()
    if not folder.is_dir():
        raise ForumDataError([Problem("posts", None, f"no Stack Exchange dump folder at {folder}", fatal=True)],
                             source=str(folder))
    for required in ("Posts.xml", "Users.xml"):
        if not (folder / required).is_file():
            raise ForumDataError([Problem(
                _TABLE_OF[required], None,
                f"missing {required}: no file {folder / required} "
                "(a Stack Exchange dump needs Posts.xml and Users.xml)",
                fatal=True)], source=str(folder))

    P = _rows(folder / "Posts.xml", READ_ATTRIBUTES["Posts.xml"])
    comments_path = folder / "Comments.xml"
    C = (_rows(comments_path, READ_ATTRIBUTES["Comments.xml"]) if comments_path.is_file()
         else _empty(READ_ATTRIBUTES["Comments.xml"]))
    U = _rows(folder / "Users.xml", READ_ATTRIBUTES["Users.xml"])

    ptype = P["PostTypeId"]
    is_q = (ptype == "1").fillna(False).to_numpy(dtype=bool)
    is_a = (ptype == "2").fillna(False).to_numpy(dtype=bool)
    is_other = ~(is_q | is_a)
    other_types = {str(k): int(v) for k, v in sorted(
        ptype[is_other].fillna("?").value_counts(sort=False).items(), key=lambda kv: (len(str(kv[0])), str(kv[0])))}
    pid, parent, cpost = _keys(P["Id"], P["ParentId"], C["PostId"])

    # Answers belong to a question of the dump, or are left out.
    q_rows = np.flatnonzero(is_q)
    a_rows = np.flatnonzero(is_a)
    a_parent = _lookup(pid[q_rows], parent[a_rows])      # position among questions
    orphan_answers = int((a_parent < 0).sum())
    a_rows, a_parent = a_rows[a_parent >= 0], a_parent[a_parent >= 0]

    # Questions and answers ("qa", in that order): candidate posts and the
    # targets of comments. thread_q: position of the thread's question.
    qa_rows = np.concatenate([q_rows, a_rows])
    qa_thread_q = np.concatenate([np.arange(len(q_rows)), a_parent])
    qa_target = np.concatenate([np.full(len(q_rows), -1), a_parent])  # position in qa (questions come first)
    qa_owner = P["OwnerUserId"].iloc[qa_rows].reset_index(drop=True)
    qa_community = (qa_owner == COMMUNITY_USER).fillna(False).to_numpy(dtype=bool)
    qa_ownerless = qa_owner.isna().to_numpy()
    qa_keep = ~(qa_community | qa_ownerless)

    # Comments belong to the thread of a question or answer, or are left out.
    c_on = _lookup(pid[qa_rows], cpost)                  # position in qa
    on_qa = c_on >= 0
    on_other = ~on_qa & (_lookup(pid[is_other], cpost) >= 0)
    orphan_comments = int((~on_qa & ~on_other).sum())
    c_user = C["UserId"]
    c_community = on_qa & (c_user == COMMUNITY_USER).fillna(False).to_numpy(dtype=bool)
    c_ownerless = on_qa & c_user.isna().to_numpy()
    c_keep = on_qa & ~(c_community | c_ownerless)

    # Replies: an answer to its question, a comment to its post (positions
    # in qa); cleared when that post was left out or is dated later.
    k_qa = np.flatnonzero(qa_keep)
    k_c = np.flatnonzero(c_keep)
    target = np.concatenate([qa_target[k_qa], c_on[k_c]])
    has_target = target >= 0
    safe = np.maximum(target, 0)
    target_kept = has_target & qa_keep[safe]
    reply_to_left_out = int((has_target & ~target_kept).sum())
    qa_dates = P["CreationDate"].iloc[qa_rows].reset_index(drop=True)
    qa_times = _times(qa_dates)
    dates = pd.concat([qa_dates.iloc[k_qa], C["CreationDate"].iloc[k_c]], ignore_index=True)
    times = np.concatenate([qa_times[k_qa], _times(C["CreationDate"].iloc[k_c])])
    target_time = qa_times[safe]
    later = target_kept & ~np.isnat(times) & ~np.isnat(target_time) & (target_time > times)
    reply_to_later = int(later.sum())
    qa_ids = P["Id"].iloc[qa_rows].reset_index(drop=True)
    reply = ("p" + qa_ids.iloc[safe].reset_index(drop=True)).where(target_kept & ~later)

    # Threads: the question's Id; a thread is created when a post is left in it.
    q_ids = P["Id"].iloc[q_rows].reset_index(drop=True)
    thread_q = np.concatenate([qa_thread_q[k_qa], qa_thread_q[c_on[k_c]]])
    posts = pd.DataFrame({
        "post_id": pd.concat(["p" + qa_ids.iloc[k_qa], "c" + C["Id"].iloc[k_c]], ignore_index=True),
        "thread_id": q_ids.iloc[thread_q].reset_index(drop=True),
        "author_id": pd.concat([qa_owner.iloc[k_qa], c_user.iloc[k_c]], ignore_index=True),
        "created_at": _time_column(dates, times),
        "reply_to": reply,
    })

    live = np.zeros(len(q_rows), dtype=bool)
    live[thread_q] = True
    q_owner = qa_owner.iloc[: len(q_rows)]
    q_dates = qa_dates.iloc[: len(q_rows)]
    tags = P["Tags"].iloc[q_rows].reset_index(drop=True).str.extract(_FIRST_TAG, expand=False)
    threads = pd.DataFrame({
        "thread_id": q_ids[live],
        "subforum_id": tags[live],
        "author_id": q_owner.where(qa_keep[: len(q_rows)])[live],
        "created_at": _time_column(q_dates[live], qa_times[: len(q_rows)][live]),
    }).reset_index(drop=True)
    names = pd.Series(pd.unique(threads["subforum_id"].dropna()), dtype=_STRING)
    subforums = pd.DataFrame({"subforum_id": names, "name": names})

    community = (U["Id"] == COMMUNITY_USER).fillna(False).to_numpy(dtype=bool)
    members = pd.DataFrame({
        "member_id": U["Id"][~community],
        "joined_at": U["CreationDate"][~community],
        "last_seen_at": U["LastAccessDate"][~community],
    }).reset_index(drop=True)

    counts = {
        "questions": int(qa_keep[: len(q_rows)].sum()),
        "answers": int(qa_keep[len(q_rows):].sum()),
        "comments": int(c_keep.sum()),
        "other_type_posts": int(is_other.sum()),
        "other_type_comments": int(on_other.sum()),
        "community_posts": int(qa_community.sum()),
        "community_comments": int(c_community.sum()),
        "ownerless_posts": int(qa_ownerless.sum()),
        "ownerless_comments": int(c_ownerless.sum()),
        "orphan_answers": orphan_answers,
        "orphan_comments": orphan_comments,
        "reply_to_left_out": reply_to_left_out,
        "reply_to_later": reply_to_later,
        "threads_without_posts": int((~live).sum()),
        "community_member": int(community.any()),
        "other_types": other_types,
    }
    tables = {"posts": posts, "threads": threads, "subforums": subforums, "members": members}
    return tables, counts


def _note(n: dict) -> str:
    types = ", ".join(f"{k}: {v}" for k, v in n["other_types"].items())
    return (
        f"Stack Exchange dump: read {n['questions']} questions, {n['answers']} answers, {n['comments']} comments; "
        f"left out {n['other_type_posts']} posts of other types ({types or 'none'}), "
        f"{n['other_type_comments']} comments on them; "
        f"user -1 (Community): {n['community_posts']} posts, {n['community_comments']} comments left out, "
        "not a member; "
        f"without an owner (deleted users): {n['ownerless_posts']} posts, {n['ownerless_comments']} comments left out; "
        f"{n['orphan_answers']} answers without a known question, {n['orphan_comments']} comments on no known post; "
        f"reply_to cleared: {n['reply_to_left_out']} replies to a left-out post, "
        f"{n['reply_to_later']} replies dated before their target; "
        f"{n['threads_without_posts']} threads with no post left not created"
    )


def read_stackexchange(folder, *, on_error: Literal["raise", "drop"] = "raise") -> Forum:
    """Read a Stack Exchange data dump as a validated forum.

    Questions start threads, answers reply to their question and comments to
    the post they comment on; a question's first tag is its subforum; the
    users are the members. The exact definitions and conventions (post
    types, user -1, deleted users, ids ``"p<Id>"``/``"c<Id>"``, untagged
    questions) are in ``netanalysis.forum.stackexchange``.

    Parameters
    ----------
    folder : path
        The site's folder: ``Posts.xml`` and ``Users.xml`` (required) and
        ``Comments.xml`` (optional).
    on_error : {"raise", "drop"}
        Passed to :func:`~netanalysis.read_forum`, which validates the tables.

    Returns
    -------
    Forum
        Its ``report.notes`` end with one note counting what was left out of
        the dump (user -1, deleted users, other post types...).

    Raises
    ------
    ForumDataError
        When ``Posts.xml`` or ``Users.xml`` is missing, a file is not
        well-formed XML (the message names the file, line and column), or
        the tables fail validation with ``on_error="raise"``.
    """
    tables, counts = stackexchange_tables(folder)
    try:
        forum = read_forum(tables, on_error=on_error)
    except ForumDataError as exc:
        raise ForumDataError(list(exc.problems), source=str(Path(folder).absolute())) from None
    report = forum.report.with_notes(_note(counts))
    return dataclasses.replace(forum, report=report)
