"""The immutable :class:`Forum`: validated, typed tables of one forum."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator, NamedTuple

import numpy as np
import pandas as pd

from ._codes import positions
from .validation_report import ValidationReport
from .schema import TABLES

__all__ = ["Forum", "PostArrays"]


class PostArrays(NamedTuple):
    """Integer codes of the posts, row-aligned with ``forum.posts``.

    ``author`` indexes ``forum.members``, ``thread`` indexes ``forum.threads``,
    ``reply_to`` indexes ``forum.posts`` (-1 where the post answers no given
    post) and ``time`` is ``created_at`` in nanoseconds since the epoch.
    """

    author: np.ndarray
    thread: np.ndarray
    reply_to: np.ndarray
    time: np.ndarray


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr = np.ascontiguousarray(arr)
    arr.flags.writeable = False
    return arr


def _codes(keys, values) -> np.ndarray:
    """Positions of ``values`` in ``keys`` (-1 for missing), as int64."""
    return positions(keys, values)


@dataclass(frozen=True, eq=False, repr=False)
class Forum:
    """One forum's records: posts, threads, subforums, members, messages.

    Build one with :func:`netanalysis.read_forum`, which validates and types
    the tables; never construct it directly. A Forum is immutable: its table
    attributes return new DataFrames (copy-on-write views), so changing one
    does not change the forum.

    Posts are held in order of ``created_at`` (ties keep their input order),
    so that "the previous post in a thread" is well defined.

    Attributes
    ----------
    posts, threads, subforums, members, messages : pandas.DataFrame
        The typed tables, each holding all columns of the data model
        (``netanalysis.forum.schema``); a table or column that the input
        lacked is derived where possible and otherwise filled with missing
        values.
    report : ValidationReport
        What was derived, what was dropped and why.
    provided : frozenset of str
        The tables that the input held (the others were derived or are empty).
    """

    _posts: pd.DataFrame
    _threads: pd.DataFrame
    _subforums: pd.DataFrame
    _members: pd.DataFrame
    _messages: pd.DataFrame
    report: ValidationReport
    provided: frozenset = frozenset()

    # -- tables ------------------------------------------------------------
    @property
    def posts(self) -> pd.DataFrame:
        return self._posts.copy(deep=False)

    @property
    def threads(self) -> pd.DataFrame:
        return self._threads.copy(deep=False)

    @property
    def subforums(self) -> pd.DataFrame:
        return self._subforums.copy(deep=False)

    @property
    def members(self) -> pd.DataFrame:
        return self._members.copy(deep=False)

    @property
    def messages(self) -> pd.DataFrame:
        return self._messages.copy(deep=False)

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name`` (one of ``posts``, ``threads``,
        ``subforums``, ``members``, ``messages``)."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables are {', '.join(TABLES)}")
        return getattr(self, name)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All five tables by name."""
        return {name: self.table(name) for name in TABLES}

    # -- integer codes for the graph builders ---------------------------------
    @cached_property
    def member_index(self) -> pd.Index:
        return pd.Index(self._members["member_id"])

    @cached_property
    def post_arrays(self) -> PostArrays:
        """The posts as integer codes (see :class:`PostArrays`); cached."""
        p = self._posts
        post_index = pd.Index(p["post_id"])
        reply = p["reply_to"]
        reply_codes = np.full(len(p), -1, dtype=np.int64)
        has = reply.notna().to_numpy()
        if has.any():
            reply_codes[has] = _codes(post_index, reply[has])
        return PostArrays(
            author=_readonly(_codes(self.member_index, p["author_id"])),
            thread=_readonly(_codes(pd.Index(self._threads["thread_id"]), p["thread_id"])),
            reply_to=_readonly(reply_codes),
            time=_readonly(p["created_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)),
        )

    @cached_property
    def thread_subforum(self) -> np.ndarray:
        """For each thread, the row of its subforum in ``subforums`` (-1 if unknown)."""
        t = self._threads
        codes = np.full(len(t), -1, dtype=np.int64)
        has = t["subforum_id"].notna().to_numpy()
        if has.any():
            codes[has] = _codes(pd.Index(self._subforums["subforum_id"]), t["subforum_id"][has])
        return _readonly(codes)

    @cached_property
    def message_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(sender, recipient, time)`` of the messages; sender and recipient
        index ``members``."""
        m = self._messages
        return (
            _readonly(_codes(self.member_index, m["sender_id"])),
            _readonly(_codes(self.member_index, m["recipient_id"])),
            _readonly(m["created_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)),
        )

    # -- figures -------------------------------------------------------------
    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last post time."""
        t = self._posts["created_at"]
        return t.iloc[0], t.iloc[-1]

    def summary(self) -> pd.Series:
        """The forum's figures in the form of Table 1 of the study.

        ``members`` counts the members table (registered members when it was
        given, else everyone who posted or messaged); ``posting_members`` those
        with at least one post; ``statuses`` the distinct status names (or rank
        levels when there are no names).
        """
        m = self._members
        statuses = m["status"].nunique() if m["status"].notna().any() else m["rank_level"].nunique()
        first, last = self.period
        return pd.Series(
            {
                "first_post": first,
                "last_post": last,
                "members": len(m),
                "posting_members": int(self._posts["author_id"].nunique()),
                "staff": int(m["is_staff"].fillna(False).sum()),
                "statuses": int(statuses),
                "subforums": len(self._subforums),
                "threads": len(self._threads),
                "posts": len(self._posts),
                "replies_with_reply_to": int(self._posts["reply_to"].notna().sum()),
                "messages": len(self._messages),
            },
            dtype=object,
        )

    def __repr__(self) -> str:
        return (
            f"<Forum: {len(self._members)} members, {len(self._subforums)} subforums, "
            f"{len(self._threads)} threads, {len(self._posts)} posts, "
            f"{len(self._messages)} messages>"
        )

    # -- time slicing ----------------------------------------------------------
    def between(self, start=None, end=None) -> "Forum":
        """The forum of the posts and messages with ``start <= created_at < end``.

        Members, subforums and threads keep every row that the slice can still
        refer to: threads with a post in the period, every subforum, and the
        members who had joined before ``end`` (or whose joining date is
        unknown). A post whose ``reply_to`` lies before ``start`` keeps no
        ``reply_to`` in the slice (its target is not in it); how many were
        cleared is recorded in the slice's ``report``.
        """
        from .slicing import between

        return between(self, start, end)

    def windows(self, freq: str = "MS", *, start=None, end=None) -> Iterator[tuple[pd.Timestamp, pd.Timestamp, "Forum"]]:
        """Yield ``(start, end, forum)`` for consecutive periods of length
        ``freq`` (a pandas frequency: ``"MS"`` month starts, ``"W"``, ``"90D"``...).

        The periods cover the forum from its first to its last post; each slice
        is built as by :meth:`between`.
        """
        from .slicing import windows

        return windows(self, freq, start=start, end=end)
