"""Reading the database of a forum package as a forum: :func:`read_database`.

The database of phpBB 3.x, MyBB 1.8, SMF 2.x or vBulletin 4/5 is read from an **SQLite
file** (``sqlite:///relative/forum.db``, ``sqlite:////absolute/forum.db`` or
a path ending ``.db``, ``.sqlite``, ``.sqlite3``) or from a **mysqldump
file** of MariaDB/MySQL (``dump:///relative/forum.sql``,
``dump:////absolute/forum.sql`` or a path ending ``.sql`` or ``.sql.gz``;
read by ``netanalysis.forum._sqldump`` without any server). URLs follow
SQLAlchemy's convention: three slashes then a relative path, four for an
absolute one. A **database server** is read from its URL:
``mysql://user@host:port/forum`` (``mariadb://`` too) or
``postgresql://user@host:port/forum``, in one read-only transaction through
server-side cursors, with the password from the URL, the environment
(``NETANALYSIS_DB_PASSWORD``, ``MYSQL_PWD``, ``PGPASSWORD``) or an option or
password file; ``netanalysis.forum._servers`` documents the URLs, their
options and the order in which passwords are looked for. Errors and reports
name a server as ``scheme://host:port/database``, never with credentials.

Schemas
-------
Each package is one declared table of :data:`SOFTWARE` (our table -> their
table and columns), taken from the package's published install schema:

* phpBB 3.x: ``phpBB/install/schemas/mysql_41_schema.sql`` (phpbb/phpbb);
* MyBB 1.8: ``install/resources/mysql_db_tables.php`` (mybb/mybb);
* SMF 2.x: ``other/install_2-1_mysql.sql`` (SimpleMachines/SMF).

vBulletin publishes no install schema (it is proprietary); its mappings
use only the tables and columns that open-source importers read from
vBulletin databases:

* vBulletin 4: Discourse ``script/import_scripts/vbulletin.rb`` and
  ``script/bulk_import/vbulletin.rb`` (discourse/discourse): ``post(postid,
  threadid, parentid, userid, dateline, pagetext)``, ``thread(threadid,
  forumid, postuserid, dateline)``, ``forum(forumid, parentid)`` (-1: top
  level), ``user(userid, usergroupid, joindate)`` and the quote form
  ``[QUOTE=name;postid]``; MyBB's merge system ``boards/vbulletin4.php`` and
  ``boards/vbulletin4/*.php`` (mybb/merge-system): the default usergroups 5
  (Super Moderators) and 6 (Administrators), ``user.lastactivity``,
  ``moderator(userid, forumid)`` (forum -1: a super moderator) and
  ``pm(pmid, pmtextid, userid, folderid)`` joined to ``pmtext(pmtextid,
  fromuserid, dateline)``, folder -1 being the sender's sent copy;
  nodeca.vbconvert ``cli/_lib/users.js`` (nodeca/nodeca.vbconvert):
  ``user.membergroupids`` (additional groups, comma-separated); JFusion's
  vBulletin plugin: ``usertitle(minposts)``, the post-count titles.
* vBulletin 5: Discourse ``script/import_scripts/vbulletin5.rb`` and
  ``script/bulk_import/vbulletin5.rb``: ``node(nodeid, contenttypeid,
  parentid, userid, publishdate)`` typed by ``contenttype(contenttypeid,
  class)`` (``Channel``, ``Text``), a topic being a Text node whose parent
  is a channel, a reply a Text node below it, and the text in
  ``text(nodeid, rawtext)``; vBulletin 5 keeps vBulletin 4's ``user``,
  ``usertitle`` and ``moderator`` tables, read as above.

``software="auto"`` recognises the package and the table prefix from the
table names: a package is recognised with prefix ``p`` when ``p`` followed
by each of its required tables' names is a table of the database (phpBB:
``posts, topics, forums, users``; MyBB: ``posts, threads, forums, users``;
SMF: ``messages, topics, boards, members``; vBulletin 4: ``post, thread,
forum, user``; vBulletin 5: ``node, contenttype, user``; vBulletin has no
prefix by default). No match, or more than one,
raises :class:`~netanalysis.ForumDataError` naming the tables found.

Definitions
-----------
posts
    phpBB ``posts(post_id, topic_id, poster_id, post_time)``; MyBB
    ``posts(pid, tid, uid, dateline, replyto)``; SMF
    ``messages(id_msg, id_topic, id_member, poster_time)``; vBulletin 4
    ``post(postid, threadid, userid, dateline, parentid)``; vBulletin 5 the
    Text nodes below a topic (the topic node is its first post; a node's
    topic is found by climbing its Text parents; Text nodes below no
    channel, such as private messages, are left out and counted). Times are
    Unix seconds. Posts by the guest account (phpBB user 1, ``ANONYMOUS``;
    MyBB, SMF and vBulletin user 0) are left out: a guest account stands for
    many people. Posts whose author is no longer in the users table (a
    deleted member; the packages keep such posts) are counted in the note;
    validation refuses them as ``author unknown to members`` with a second
    problem naming the count and the users table, and ``on_error="drop"``
    drops them and the replies below them, each in ``report.dropped`` (row:
    the position among the posts read; key: the post id). No placeholder
    member is made up for them. ``reply_to``: the reply column, MyBB
    ``replyto`` and vBulletin 4 ``parentid`` (0: none), vBulletin 5 a comment's
    parent reply; with ``quotes=True``
    the first quote reference of the text wins (see Quotes). A ``reply_to``
    to a post not read, of another thread, written later (or at the same
    second with a larger id) or to the post itself is cleared before
    validation, and counted.
threads
    phpBB ``topics(topic_id, forum_id, topic_poster, topic_time)``; MyBB
    ``threads(tid, fid, uid, dateline)``; SMF ``topics(id_topic, id_board,
    id_member_started, id_first_msg)``, whose ``created_at`` is the time of
    its first message; vBulletin 4 ``thread(threadid, forumid, postuserid,
    dateline)``; vBulletin 5 the topic nodes (parent: the channel). Subforum 0 (phpBB global announcements) and a guest
    starter are missing values.
subforums
    phpBB ``forums(forum_id, parent_id)``, MyBB ``forums(fid, pid)``, SMF
    ``boards(id_board, id_parent)``, vBulletin 4 ``forum(forumid,
    parentid)``, vBulletin 5 the channel nodes. The parent (0 or -1: none)
    is returned by :func:`database_tables` as ``parent_id``; the data model
    has no parent column, so the ``Forum`` does not keep it. ``category``
    (our category vocabulary) is unknown and left missing. ``min_rank``
    (the lowest ``rank_level`` that opens a subforum) is read where a schema
    gives it as groups: SMF ``boards.member_groups`` (when present), the
    groups allowed to see a board, gives the lowest rank of them when every
    one is a post-count group (the rank of its ``min_posts``) or a staff
    group (moderator group ``L + 1``, group 2 ``L + 2``, group 1 ``L + 3``),
    and is missing when guests (-1), regular members (0) or any other group
    are allowed. The other schemas give per-group permission flags (phpBB
    ``acl_groups``, MyBB ``forumpermissions``, vBulletin
    ``forumpermission`` bit fields), not a minimum rank, so their
    ``min_rank`` is missing.
members
    phpBB ``users(user_id, user_type, group_id, user_regdate,
    user_lastvisit)``; MyBB ``users(uid, usergroup, additionalgroups,
    regdate, lastactive)``; SMF ``members(id_member, id_group,
    additional_groups, date_registered, last_login)``; vBulletin 4 and 5
    ``user(userid, usergroupid, membergroupids, joindate, lastactivity)``. A
    time of 0 (never)
    is missing. The guest account is not a member.
staff (``is_staff``, ``status``, ``rank_level``)
    A member's groups are its primary group, its additional groups and
    (phpBB) its non-pending ``user_group`` rows. Its staff level is the
    highest of:

    * 3 ``administrator``: phpBB group ``ADMINISTRATORS`` (``groups.group_name``)
      or a founder (``user_type`` 3); MyBB a group with ``cancp``; SMF group 1;
      vBulletin usergroup 6;
    * 2 ``global moderator``: phpBB ``GLOBAL_MODERATORS``; MyBB ``issupermod``;
      SMF group 2; vBulletin usergroup 5 or a ``moderator`` row of forum -1;
    * 1 ``moderator``: a member or group of phpBB ``moderator_cache``, MyBB
      ``moderators`` (``id``, ``isgroup``) or a group with ``canmodcp``, SMF
      ``moderators`` or ``moderator_groups``, vBulletin ``moderator``;
    * 0 ``member`` otherwise.

    ``is_staff`` is level >= 1 and ``status`` the word above; both are
    missing when the groups cannot be read (phpBB without ``groups``, MyBB
    without ``usergroups``). ``rank_level`` orders members as an analyst
    would: the ordinary ranks, earned by posting, are the post-count
    thresholds of the package (phpBB ``ranks.rank_min`` of non-special
    ranks, MyBB ``usertitles.posts``, SMF ``membergroups.min_posts`` >= 0,
    vBulletin ``usertitle.minposts``);
    a member's ordinary rank is the number of thresholds at or below its
    number of posts read (at least 1), and with ``L`` thresholds (at least
    1) a moderator ranks ``L + 1``, a global moderator ``L + 2`` and an
    administrator ``L + 3``.
messages
    One row per recipient: phpBB ``privmsgs(msg_id, author_id,
    message_time)`` with ``privmsgs_to(msg_id, user_id)`` and SMF
    ``personal_messages(id_pm, id_member_from, msgtime)`` with
    ``pm_recipients(id_pm, id_member)``, message id ``"<pm id>-<recipient>"``;
    MyBB ``privatemessages(pmid, uid, toid, fromid, dateline)``, the
    recipient's copy (``uid = toid``), message id ``pmid``; vBulletin 4
    ``pmtext(pmtextid, fromuserid, dateline)`` with the recipients' copies in
    ``pm(pmtextid, userid, folderid)``, folder -1 (the sender's sent copy)
    left out, message id ``"<pmtextid>-<recipient>"``. The sender's own copy
    (phpBB's outbox row, MyBB's sent-items copy) and messages to oneself are
    left out; a copy its recipient deleted is gone from the database. Without
    the message tables there are no messages. vBulletin 5 keeps its private
    messages as nodes whose recipients the cited importers do not read, so
    they are not mapped (no messages).

Privacy
-------
Only the columns named in :data:`SOFTWARE` are selected (ids, times,
foreign keys, group and rank columns, phpBB's group names): no post text,
subject, signature, e-mail address, IP address or password column is ever
selected from SQLite or a server (the server tests read every statement from
the server's own log), and in a dump their values are stepped over by the
parser without becoming Python objects.

Quotes
------
The one exception, an explicit opt-in: with ``quotes=True`` the post text
column (phpBB ``post_text``, MyBB ``message``, SMF ``body``, vBulletin 4
``post.pagetext``, vBulletin 5 ``text.rawtext``) is read, one
chunk at a time, only to find quote references -- phpBB
``[quote=... post_id=N]`` or ``<QUOTE ... post_id="N">``, MyBB
``[quote='name' pid='N']``, SMF ``[quote author=... link=msg=N]`` or
``link=topic=T.msgN``, vBulletin ``[QUOTE=name;N]`` (vBulletin 5 also
``;nN``; quotes escaped as a dump writes them, ``post_id=\\"N\\"``, too) --
and only the first referenced post id of each post
is kept, as its ``reply_to``; the text itself is dropped at once.

Reading
-------
SQLite files are opened read-only (``file:...?mode=ro`` and
``PRAGMA query_only``), so nothing can be written; rows are fetched in
chunks (``fetchmany``) and moved to compact Arrow arrays, so memory holds
the selected columns only (a generated phpBB SQLite file of 1,000,000
posts, 50,000 topics and 20,000 users, 0.46 GB: 4.5 s and 0.33 GB peak
memory, validation included). The tables are then validated by
:func:`~netanalysis.read_forum` (``on_error`` passed through) and the
report ends with one note (starting ``"<package> database:"``) counting
what was left out or cleared.
"""
from __future__ import annotations

import dataclasses
import os
import re
import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _servers, _sqldump
from .model import Forum
from .validation_report import ForumDataError, Problem
from .validate import read_forum

__all__ = ["read_database", "database_tables", "source_label", "SOFTWARE", "SERVER_SCHEMES"]

#: Rows fetched from SQLite at a time.
CHUNK = 65536
#: URL schemes of database servers (not readable yet).
SERVER_SCHEMES = ("mysql", "mariadb", "postgresql", "postgres", "pgsql", "mssql", "oracle")
_STRING = pd.StringDtype("pyarrow")


@dataclass(frozen=True)
class Table:
    """One table of a package: its name (without prefix), our role column ->
    its column, whether the reader needs it, and the text column read only
    with ``quotes=True``."""

    name: str
    columns: dict
    required: bool = True
    text: str | None = None
    quotes_only: bool = False   # read only with quotes=True (a table that exists for its text)
    optional: dict = field(default_factory=dict)   # our column -> theirs, read when the table has it


@dataclass(frozen=True)
class Software:
    key: str
    title: str
    schema: str                 # the published install schema the mapping is taken from
    default_prefix: str
    guest: int                  # the guest account's id
    tables: dict = field(default_factory=dict)
    quote: str = ""             # regex: group(s) = the referenced post id


SOFTWARE: dict[str, Software] = {
    # phpbb/phpbb: phpBB/install/schemas/mysql_41_schema.sql
    "phpbb": Software(
        "phpbb", "phpBB 3.x", "phpBB/install/schemas/mysql_41_schema.sql", "phpbb_", 1, {
            "posts": Table("posts", {"post_id": "post_id", "thread_id": "topic_id", "author_id": "poster_id",
                                     "created_at": "post_time"}, text="post_text"),
            "threads": Table("topics", {"thread_id": "topic_id", "subforum_id": "forum_id",
                                        "author_id": "topic_poster", "created_at": "topic_time"}),
            "subforums": Table("forums", {"subforum_id": "forum_id", "parent_id": "parent_id"}),
            "members": Table("users", {"member_id": "user_id", "user_type": "user_type", "group_id": "group_id",
                                       "joined_at": "user_regdate", "last_seen_at": "user_lastvisit"}),
            "groups": Table("groups", {"group_id": "group_id", "group_name": "group_name"}, False),
            "memberships": Table("user_group", {"group_id": "group_id", "member_id": "user_id",
                                                "pending": "user_pending"}, False),
            "ranks": Table("ranks", {"threshold": "rank_min", "special": "rank_special"}, False),
            "moderators": Table("moderator_cache", {"member_id": "user_id", "group_id": "group_id"}, False),
            "pms": Table("privmsgs", {"pm_id": "msg_id", "sender_id": "author_id", "created_at": "message_time"},
                         False),
            "pm_to": Table("privmsgs_to", {"pm_id": "msg_id", "recipient_id": "user_id"}, False),
        },
        quote=r"""post_id=\\?["']?([0-9]+)"""),
    # mybb/mybb: install/resources/mysql_db_tables.php
    "mybb": Software(
        "mybb", "MyBB 1.8", "install/resources/mysql_db_tables.php", "mybb_", 0, {
            "posts": Table("posts", {"post_id": "pid", "thread_id": "tid", "author_id": "uid",
                                     "created_at": "dateline", "reply_to": "replyto"}, text="message"),
            "threads": Table("threads", {"thread_id": "tid", "subforum_id": "fid", "author_id": "uid",
                                         "created_at": "dateline"}),
            "subforums": Table("forums", {"subforum_id": "fid", "parent_id": "pid"}),
            "members": Table("users", {"member_id": "uid", "group_id": "usergroup", "additional": "additionalgroups",
                                       "joined_at": "regdate", "last_seen_at": "lastactive"}),
            "groups": Table("usergroups", {"group_id": "gid", "admin": "cancp", "global_mod": "issupermod",
                                           "mod": "canmodcp"}, False),
            "ranks": Table("usertitles", {"threshold": "posts"}, False),
            "moderators": Table("moderators", {"id": "id", "is_group": "isgroup"}, False),
            "pms": Table("privatemessages", {"pm_id": "pmid", "owner_id": "uid", "recipient_id": "toid",
                                             "sender_id": "fromid", "created_at": "dateline"}, False),
        },
        quote=r"""\[quote=[^\]]*?\bpid=\\?["']?([0-9]+)"""),
    # SimpleMachines/SMF: other/install_2-1_mysql.sql
    "smf": Software(
        "smf", "SMF 2.x", "other/install_2-1_mysql.sql", "smf_", 0, {
            "posts": Table("messages", {"post_id": "id_msg", "thread_id": "id_topic", "author_id": "id_member",
                                        "created_at": "poster_time"}, text="body"),
            "threads": Table("topics", {"thread_id": "id_topic", "subforum_id": "id_board",
                                        "author_id": "id_member_started", "first_post": "id_first_msg"}),
            "subforums": Table("boards", {"subforum_id": "id_board", "parent_id": "id_parent"},
                               optional={"access": "member_groups"}),
            "members": Table("members", {"member_id": "id_member", "group_id": "id_group",
                                         "additional": "additional_groups", "joined_at": "date_registered",
                                         "last_seen_at": "last_login"}),
            "ranks": Table("membergroups", {"group_id": "id_group", "threshold": "min_posts"}, False),
            "moderators": Table("moderators", {"member_id": "id_member"}, False),
            "moderator_groups": Table("moderator_groups", {"group_id": "id_group"}, False),
            "pms": Table("personal_messages", {"pm_id": "id_pm", "sender_id": "id_member_from",
                                               "created_at": "msgtime"}, False),
            "pm_to": Table("pm_recipients", {"pm_id": "id_pm", "recipient_id": "id_member"}, False),
        },
        quote=r"""\[quote[^\]]*?\blink=(?:msg=([0-9]+)|topic=[0-9]+\.msg([0-9]+))"""),
    # vBulletin 4: no published schema; the tables and columns the open-source
    # importers read (see the module docstring).
    "vbulletin4": Software(
        "vbulletin4", "vBulletin 4", "open-source importers (module docstring)", "", 0, {
            "posts": Table("post", {"post_id": "postid", "thread_id": "threadid", "author_id": "userid",
                                    "created_at": "dateline", "reply_to": "parentid"}, text="pagetext"),
            "threads": Table("thread", {"thread_id": "threadid", "subforum_id": "forumid",
                                        "author_id": "postuserid", "created_at": "dateline"}),
            "subforums": Table("forum", {"subforum_id": "forumid", "parent_id": "parentid"}),
            "members": Table("user", {"member_id": "userid", "group_id": "usergroupid",
                                      "additional": "membergroupids", "joined_at": "joindate",
                                      "last_seen_at": "lastactivity"}),
            "ranks": Table("usertitle", {"threshold": "minposts"}, False),
            "moderators": Table("moderator", {"member_id": "userid", "forum_id": "forumid"}, False),
            "pms": Table("pmtext", {"pm_id": "pmtextid", "sender_id": "fromuserid", "created_at": "dateline"},
                         False),
            "pm_to": Table("pm", {"pm_id": "pmtextid", "recipient_id": "userid", "folder": "folderid"}, False),
        },
        quote=r"""(?i)\[quote=[^\];\]]*;\s*([0-9]+)\s*\]"""),
    # vBulletin 5: every post, topic and channel is a row of `node`, typed by
    # `contenttype.class`; see the module docstring.
    "vbulletin5": Software(
        "vbulletin5", "vBulletin 5", "open-source importers (module docstring)", "", 0, {
            "nodes": Table("node", {"node_id": "nodeid", "type_id": "contenttypeid", "parent_id": "parentid",
                                    "author_id": "userid", "created_at": "publishdate"}),
            "types": Table("contenttype", {"type_id": "contenttypeid", "class": "class"}),
            "members": Table("user", {"member_id": "userid", "group_id": "usergroupid",
                                      "additional": "membergroupids", "joined_at": "joindate",
                                      "last_seen_at": "lastactivity"}),
            "texts": Table("text", {"node_id": "nodeid"}, False, text="rawtext", quotes_only=True),
            "ranks": Table("usertitle", {"threshold": "minposts"}, False),
            "moderators": Table("moderator", {"member_id": "userid"}, False),
        },
        quote=r"""(?i)\[quote=[^\];\]]*;\s*n?([0-9]+)\s*\]"""),
}

#: Fixed staff groups of the packages whose groups carry no permission
#: column we read: group id -> staff level (3 administrator, 2 global
#: moderator). SMF: groups 1 and 2 of its install schema; vBulletin: the
#: default usergroups 6 (Administrators) and 5 (Super Moderators).
_FIXED_STAFF_GROUPS = {"smf": {1: 3, 2: 2}, "vbulletin4": {6: 3, 5: 2}, "vbulletin5": {6: 3, 5: 2}}

_STATUS = {3: "administrator", 2: "global moderator", 1: "moderator", 0: "member"}


# ---------------------------------------------------------------------------
# sources
# ---------------------------------------------------------------------------
def _fatal(table, column, text, source) -> ForumDataError:
    return ForumDataError([Problem(table, column, text, fatal=True)], source=source)


def _parse(url) -> tuple[str, Path]:
    """``("sqlite" | "dump", path)`` of a URL or path; servers refused."""
    if isinstance(url, os.PathLike):
        url = os.fspath(url)
    if not isinstance(url, str):
        raise TypeError(f"url must be a database URL or a path, not {type(url).__name__}")
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
    if m:
        scheme = m.group(1).lower()
        base = scheme.split("+")[0]
        if base in SERVER_SCHEMES:
            # Servers are opened by _open through netanalysis.forum._servers;
            # here (and so in validate.dataset_files) a server URL names no file.
            raise ValueError(f"read_database: {scheme}:// names a database server, not a file")
        if base not in ("sqlite", "dump", "file"):
            raise ValueError(f"read_database: unknown URL scheme {scheme!r}; use sqlite:///path/forum.db, "
                             "dump:///path/forum.sql or a path")
        rest = urllib.parse.unquote(url[m.end():].split("?", 1)[0])
        if not rest.startswith("/"):
            raise ValueError(f"read_database: a {scheme}:// URL takes no host: {scheme}:///relative/path "
                             f"or {scheme}:////absolute/path")
        path = Path(rest[1:] if base != "file" else rest)
        if base == "sqlite":
            return "sqlite", path
        if base == "dump":
            return "dump", path
        url = os.fspath(path)
    path = Path(url)
    name = path.name.lower()
    if name.endswith((".sql", ".sql.gz")):
        return "dump", path
    if name.endswith((".db", ".sqlite", ".sqlite3")):
        return "sqlite", path
    try:
        with open(path, "rb") as fh:
            if fh.read(16) == b"SQLite format 3\x00":
                return "sqlite", path
    except OSError:
        pass
    raise ValueError(f"read_database: {path} is neither an SQLite file (.db, .sqlite) nor a dump (.sql, .sql.gz); "
                     "give a sqlite:/// or dump:/// URL")


def _connect_sqlite(path: Path) -> sqlite3.Connection:
    """A read-only connection: nothing can be written through it."""
    uri = "file:" + urllib.parse.quote(os.fspath(path.absolute())) + "?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    con.execute("PRAGMA query_only = ON")
    return con


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _SQLite:
    def __init__(self, path: Path):
        self.path = path
        self.label = str(path)
        if not path.is_file():
            raise _fatal("posts", None, f"no SQLite file at {path}", self.label)
        try:
            self.con = _connect_sqlite(path)
            rows = self.con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
        except sqlite3.DatabaseError as exc:
            raise _fatal("posts", None, f"cannot read {path.name} as an SQLite database: {exc}", self.label) from None
        self.names = [r[0] for r in rows]

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.con.execute(f"PRAGMA table_info({_ident(table)})")]

    def read(self, table: str, columns: list[str], transforms: dict) -> dict[str, pa.ChunkedArray]:
        cur = self.con.cursor()
        cur.execute(f"SELECT {', '.join(map(_ident, columns))} FROM {_ident(table)}")
        return _rows_to_arrays(lambda: cur.fetchmany(CHUNK), columns, transforms)

    def close(self):
        self.con.close()


def _rows_to_arrays(fetch, columns: list[str], transforms: dict) -> dict[str, pa.ChunkedArray]:
    """Rows from ``fetch()`` (a chunk of row tuples, empty at the end) as one
    Arrow array per column; a column's transform (the quote finder) is
    applied to each value of its chunk, which is then dropped."""
    chunks: dict[str, list] = {c: [] for c in columns}
    funcs = [transforms.get(c) for c in columns]
    while True:
        rows = fetch()
        if not rows:
            break
        for c, f, values in zip(columns, funcs, zip(*rows)):
            if f is not None:
                values = [f(v) for v in values]
            chunks[c].append(_arrow(values))
    return {c: _unify(chunks[c]) for c in columns}


def _arrow(values) -> pa.Array:
    try:
        return pa.array(values, type=pa.int64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return pa.array([None if v is None else (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
                         for v in values], type=pa.string())


def _unify(chunks: list) -> pa.ChunkedArray:
    if not chunks:
        return pa.chunked_array([], type=pa.int64())
    if all(c.type == pa.int64() for c in chunks):
        return pa.chunked_array(chunks, type=pa.int64())
    return pa.chunked_array([c.cast(pa.string()) for c in chunks], type=pa.string())


class _Dump:
    def __init__(self, path: Path):
        self.path = path
        self.label = str(path)
        if not path.is_file():
            raise _fatal("posts", None, f"no dump file at {path}", self.label)
        self._columns = _sqldump.dump_columns(path)
        self.names = list(self._columns)

    def columns(self, table: str) -> list[str]:
        return self._columns.get(table, [])

    def read_all(self, wanted: dict, transforms: dict) -> dict:
        return _sqldump.read_dump_tables(self.path, wanted, transforms)

    def close(self):
        pass


# ---------------------------------------------------------------------------
# recognising the package
# ---------------------------------------------------------------------------
def _shown(names) -> str:
    names = sorted(names)
    more = f" and {len(names) - 30} more" if len(names) > 30 else ""
    return ", ".join(names[:30]) + more if names else "(none)"


def _detect(names: list[str], software: str, prefix: str | None, label: str) -> tuple[Software, str]:
    present = set(names)
    if software != "auto" and software not in SOFTWARE:
        raise ValueError(f"software: unknown package {software!r}; choose 'auto', {', '.join(map(repr, SOFTWARE))}")
    candidates = list(SOFTWARE.values()) if software == "auto" else [SOFTWARE[software]]
    found = []
    for sw in candidates:
        required = [t.name for t in sw.tables.values() if t.required]
        if prefix is not None:
            prefixes = {prefix}
        else:
            prefixes = {n[: len(n) - len(required[0])] for n in present if n.endswith(required[0])}
        for p in sorted(prefixes):
            if all(p + r in present for r in required):
                found.append((sw, p))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        which = "; ".join(f"{sw.title} with prefix {p!r}" for sw, p in found)
        raise _fatal("posts", None, f"more than one forum schema recognised ({which}): give software= and prefix=",
                     label)
    if software == "auto":
        what = "with prefix " + repr(prefix) if prefix is not None else "with any prefix"
        raise _fatal("posts", None, f"no phpBB 3.x, MyBB 1.8, SMF 2.x or vBulletin 4/5 schema recognised {what}; "
                     f"the database has tables {_shown(names)}", label)
    sw = SOFTWARE[software]
    p = sw.default_prefix if prefix is None else prefix
    missing = [p + t.name for t in sw.tables.values() if t.required and p + t.name not in present]
    raise _fatal(p + missing[0], None, f"{sw.title} table {', '.join(missing)} missing "
                 f"(prefix {p!r}); the database has tables {_shown(names)}", label)


def _quote_finder(sw: Software, raw_bytes: bool):
    pattern = re.compile(sw.quote.encode() if raw_bytes else sw.quote)

    def find(value):
        if value is None:
            return None
        if raw_bytes and isinstance(value, str):
            value = value.encode()
        elif not raw_bytes and isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        m = pattern.search(value)
        if m is None:
            return None
        ref = next(g for g in m.groups() if g is not None)
        return ref.decode() if isinstance(ref, bytes) else ref
    return find


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------
def _series(arr: pa.ChunkedArray) -> pd.Series:
    """Int64 when every value is an integer, else text."""
    if arr.type != pa.int64():
        try:
            arr = pc.cast(arr, pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return pd.Series(pd.arrays.ArrowStringArray(arr.cast(pa.string())))
    return arr.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get).reset_index(drop=True)


def _read(source, sw: Software, prefix: str, quotes: bool) -> tuple[dict, list[str]]:
    """role -> DataFrame of our role columns (absent optional tables left
    out), and notes on what was absent."""
    present = set(source.names)
    wanted, roles, transforms, absent = {}, {}, {}, []
    dump = isinstance(source, _Dump)
    for role, t in sw.tables.items():
        if t.quotes_only and not quotes:
            continue
        full = prefix + t.name
        if full not in present:
            if t.required:
                raise _fatal(full, None, f"{sw.title} table {full} missing", source.label)
            absent.append(full)
            continue
        have = source.columns(full)
        cols = list(t.columns.values())
        extra = {ours: theirs for ours, theirs in t.optional.items() if theirs in have}
        cols += list(extra.values())
        if quotes and t.text:
            cols.append(t.text)
            transforms[(full, t.text)] = _quote_finder(sw, dump)
        missing = [c for c in cols if c not in have]
        if missing:
            raise _fatal(full, missing[0], f"column {', '.join(missing)} missing from {full} "
                         f"({sw.title} schema, {sw.schema})", source.label)
        wanted[full] = cols
        roles[full] = (role, t, extra)
    if dump:
        got = source.read_all(wanted, transforms)
    else:
        got = {full: source.read(full, cols, {c: f for (tb, c), f in transforms.items() if tb == full})
               for full, cols in wanted.items()}
    out = {}
    for full, (role, t, extra) in roles.items():
        data = {ours: _series(got[full][theirs]) for ours, theirs in {**t.columns, **extra}.items()}
        if quotes and t.text:
            data["quote"] = _series(got[full][t.text])
        out[role] = pd.DataFrame(data)
    return out, absent


def _zero_na(s: pd.Series) -> pd.Series:
    return s.mask(s.eq(0).fillna(False).astype(bool)) if s.dtype == "Int64" else s


def _group_list(s: pd.Series) -> pd.DataFrame:
    """A comma-separated group column as (row, group) pairs."""
    text = s.astype(_STRING).fillna("")
    parts = text.str.split(",").explode()
    parts = parts[parts.str.strip().str.fullmatch(r"-?[0-9]+").fillna(False).astype(bool)]
    return pd.DataFrame({"row": parts.index.to_numpy(), "group": parts.str.strip().astype("int64").to_numpy()})


def _truthy(s: pd.Series) -> np.ndarray:
    t = s.astype(_STRING).str.strip().str.lower()
    return t.isin(["1", "yes", "true", "y"]).fillna(False).to_numpy(dtype=bool)


def _staff(sw: Software, raw: dict, members: pd.DataFrame) -> tuple[np.ndarray, bool]:
    """The staff level (0-3) of each member row and whether it is known."""
    ids = members["member_id"]
    n = len(members)
    level = np.zeros(n, dtype=np.int64)
    # (row, group) pairs of every member's groups.
    pairs = [pd.DataFrame({"row": np.arange(n), "group": members["group_id"].astype("Int64")})]
    if "additional" in members:
        pairs.append(_group_list(members["additional"]))
    row_of = pd.Series(np.arange(n), index=pd.Index(ids)).groupby(level=0).first()
    if "memberships" in raw:
        ms = raw["memberships"]
        keep = ~_truthy(ms["pending"]) if "pending" in ms else np.ones(len(ms), bool)
        ms = ms[keep]
        r = row_of.reindex(ms["member_id"].to_numpy()).to_numpy()
        ok = ~pd.isna(r)
        pairs.append(pd.DataFrame({"row": r[ok].astype(np.int64), "group": ms["group_id"].to_numpy()[ok]}))
    pairs = pd.concat(pairs, ignore_index=True).dropna()
    pairs["group"] = pairs["group"].astype("int64")
    group_level: dict[int, int] = {}
    moderators_rows: list[np.ndarray] = []
    known = True
    if sw.key == "phpbb":
        if "groups" not in raw:
            known = False
        else:
            g = raw["groups"]
            name = g["group_name"].astype(_STRING).str.upper()
            for gid, nm in zip(g["group_id"], name):
                if nm == "ADMINISTRATORS":
                    group_level[int(gid)] = 3
                elif nm == "GLOBAL_MODERATORS":
                    group_level[int(gid)] = 2
        founder = (members["user_type"] == 3).fillna(False).to_numpy(dtype=bool)
        level[founder] = 3
    elif sw.key == "mybb":
        if "groups" not in raw:
            known = False
        else:
            g = raw["groups"]
            for gid, a, s, m in zip(g["group_id"], _truthy(g["admin"]), _truthy(g["global_mod"]), _truthy(g["mod"])):
                group_level[int(gid)] = 3 if a else 2 if s else 1 if m else 0
    else:
        group_level = dict(_FIXED_STAFF_GROUPS[sw.key])
    # Moderators named per member or per group.
    mod_groups: set[int] = set()
    mod_members = pd.Series([], dtype="Int64")
    if "moderators" in raw:
        md = raw["moderators"]
        if sw.key == "mybb":
            is_group = _truthy(md["is_group"])
            mod_groups |= set(md["id"][is_group].dropna().astype(int))
            mod_members = md["id"][~is_group]
        else:
            mod_members = md["member_id"]
            if "group_id" in md:
                mod_groups |= set(md["group_id"].dropna().astype(int)) - {0}
            if "forum_id" in md:
                # vBulletin 4: a moderator row of forum -1 is a super moderator
                supermod = (md["forum_id"] == -1).fillna(False).to_numpy(dtype=bool)
                r = row_of.reindex(md["member_id"][supermod].dropna().to_numpy()).dropna().to_numpy(dtype=np.int64)
                level[r] = np.maximum(level[r], 2)
    if "moderator_groups" in raw:
        mod_groups |= set(raw["moderator_groups"]["group_id"].dropna().astype(int))
    for gid in mod_groups:
        group_level[gid] = max(group_level.get(gid, 0), 1)
    if group_level:
        lv = pairs["group"].map(group_level).fillna(0).astype(np.int64).to_numpy()
        np.maximum.at(level, pairs["row"].to_numpy(dtype=np.int64), lv)
    r = row_of.reindex(mod_members.dropna().to_numpy()).dropna().to_numpy(dtype=np.int64)
    level[r] = np.maximum(level[r], 1)
    return level, known


def _thresholds(sw: Software, raw: dict) -> np.ndarray:
    if "ranks" not in raw:
        return np.array([], dtype=np.int64)
    rk = raw["ranks"]
    t = rk["threshold"]
    if sw.key == "phpbb" and "special" in rk:
        t = t[~_truthy(rk["special"])]
    t = t.dropna()
    t = t[t >= 0]
    return np.unique(t.to_numpy(dtype=np.int64))


def _min_rank(sw: Software, raw: dict, boards: pd.DataFrame, thresholds: np.ndarray) -> tuple[pd.Series, int]:
    """SMF: the lowest ``rank_level`` that opens each board, from
    ``boards.member_groups``, where every group allowed is a post-count group
    (its rank: its threshold's position) or a staff group (moderator ``L +
    1``, global moderator ``L + 2``, administrator ``L + 3``); missing when a
    board admits guests (-1), regular members (0) or another group."""
    out = pd.Series(pd.NA, index=boards.index, dtype="Int64")
    if sw.key != "smf" or "access" not in boards or "ranks" not in raw:
        return out, 0
    rk = raw["ranks"]
    top = max(len(thresholds), 1)
    rank_of = {1: top + 3, 2: top + 2}
    for gid, t in zip(rk["group_id"], rk["threshold"]):
        if pd.notna(gid) and pd.notna(t) and t >= 0:
            rank_of[int(gid)] = max(int(np.searchsorted(thresholds, int(t), side="right")), 1)
    if "moderator_groups" in raw:
        for gid in raw["moderator_groups"]["group_id"].dropna().astype(int):
            rank_of.setdefault(int(gid), top + 1)
    pairs = _group_list(boards["access"])
    for row, groups in pairs.groupby("row")["group"]:
        ranks = [rank_of.get(int(g)) for g in groups]
        if ranks and all(r is not None for r in ranks):
            out.iloc[int(row)] = min(ranks)
    return out, int(out.notna().sum())


def _clear_replies(posts: pd.DataFrame) -> tuple[pd.Series, int]:
    """reply_to with every reference that validation would refuse cleared."""
    reply = posts["reply_to"]
    present = reply.notna().to_numpy()
    if not present.any():
        return reply, 0
    ids = posts["post_id"]
    first = pd.Series(np.arange(len(posts)), index=pd.Index(ids)).groupby(level=0).first()
    target = first.reindex(reply[present].to_numpy()).to_numpy()
    ok = ~pd.isna(target)
    tgt = np.where(ok, target, 0).astype(np.int64)
    rows = np.flatnonzero(present)
    thread = posts["thread_id"].to_numpy(dtype=object)
    time = pd.to_numeric(posts["created_at"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    pid = pd.to_numeric(ids, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok &= thread[tgt] == thread[rows]
    ok &= tgt != rows
    ok &= (time[tgt] < time[rows]) | ((time[tgt] == time[rows]) & (pid[tgt] < pid[rows]))
    cleared = rows[~ok]
    out = reply.copy()
    out.iloc[cleared] = pd.NA
    return out, int(len(cleared))


def _vb5_raw(raw: dict, quotes: bool) -> tuple[dict, int]:
    """vBulletin 5's nodes as the posts, threads and subforums roles, and the
    number of Text nodes left out (not below a channel through Text nodes:
    private messages, albums...)."""
    nodes = raw["nodes"]
    types = raw["types"]
    cls = pd.Series(types["class"].astype(_STRING).to_numpy(), index=pd.Index(types["type_id"]))
    kind = pd.Series(cls.reindex(nodes["type_id"].to_numpy()).to_numpy(), dtype=_STRING)
    is_channel = (kind == "Channel").fillna(False).to_numpy(dtype=bool)
    is_text = (kind == "Text").fillna(False).to_numpy(dtype=bool)
    row_of = pd.Series(np.arange(len(nodes)), index=pd.Index(nodes["node_id"])).groupby(level=0).first()
    parent_row = row_of.reindex(nodes["parent_id"].to_numpy()).to_numpy(dtype=np.float64, na_value=np.nan)
    parent_row = np.where(np.isnan(parent_row), -1, parent_row).astype(np.int64)
    has_parent = parent_row >= 0
    parent_is_channel = np.zeros(len(nodes), dtype=bool)
    parent_is_channel[has_parent] = is_channel[parent_row[has_parent]]
    starter = is_text & parent_is_channel                      # a topic: its first post
    # the topic of every Text node: climb through Text parents (a reply's
    # parent is its topic, a comment's parent a reply)
    topic = np.where(starter, np.arange(len(nodes)), -1)
    cur = np.where(is_text & ~starter & has_parent, parent_row, -1)
    for _ in range(64):
        pending = (topic < 0) & (cur >= 0)
        if not pending.any():
            break
        idx = np.flatnonzero(pending)
        at = cur[idx]
        found = starter[at]
        topic[idx[found]] = at[found]
        climb = ~found & is_text[at] & (parent_row[at] >= 0)
        cur[idx[~found]] = -1
        cur[idx[climb]] = parent_row[at[climb]]
    is_post = is_text & (topic >= 0)
    left_out = int((is_text & ~is_post).sum())
    rows = np.flatnonzero(is_post)

    def take(col, at):
        return nodes[col].iloc[at].reset_index(drop=True)

    comment = parent_row[rows] != topic[rows]                     # a comment answers the reply it is under
    reply = take("node_id", np.where(comment, parent_row[rows], 0))
    posts = pd.DataFrame({"post_id": take("node_id", rows), "thread_id": take("node_id", topic[rows]),
                          "author_id": take("author_id", rows), "created_at": take("created_at", rows),
                          "reply_to": reply.mask(~comment)})
    if quotes and "texts" in raw:
        tx = raw["texts"]
        q = pd.Series(tx["quote"].to_numpy(), index=pd.Index(tx["node_id"])).groupby(level=0).first()
        posts["quote"] = pd.Series(q.reindex(posts["post_id"].to_numpy()).to_numpy(), dtype=tx["quote"].dtype)
    srows = np.flatnonzero(starter)
    threads = pd.DataFrame({"thread_id": take("node_id", srows), "subforum_id": take("parent_id", srows),
                            "author_id": take("author_id", srows), "created_at": take("created_at", srows)})
    crows = np.flatnonzero(is_channel)
    parent_channel = np.zeros(len(crows), dtype=bool)
    ok = parent_row[crows] >= 0
    parent_channel[ok] = is_channel[parent_row[crows][ok]]
    subforums = pd.DataFrame({"subforum_id": take("node_id", crows),
                              "parent_id": take("parent_id", crows).mask(~parent_channel)})
    out = {k: v for k, v in raw.items() if k not in ("nodes", "types", "texts")}
    out.update(posts=posts, threads=threads, subforums=subforums)
    return out, left_out


def _build(sw: Software, raw: dict, quotes: bool) -> tuple[dict, dict]:
    counts: dict[str, int] = {}
    guest = sw.guest
    counts["nodes_left_out"] = 0
    if sw.key == "vbulletin5":
        raw, counts["nodes_left_out"] = _vb5_raw(raw, quotes)
    # posts
    p = raw["posts"]
    by_guest = (p["author_id"] == guest).fillna(False).to_numpy(dtype=bool)
    counts["guest_posts"] = int(by_guest.sum())
    p = p[~by_guest].reset_index(drop=True)
    reply = _zero_na(p["reply_to"]) if "reply_to" in p else pd.Series(pd.NA, index=p.index, dtype="Int64")
    counts["replyto_refs"] = int(reply.notna().sum())
    counts["quote_refs"] = 0
    if quotes and "quote" in p:
        q = p["quote"]
        counts["quote_refs"] = int(q.notna().sum())
        if q.dtype != reply.dtype:
            q, reply = q.astype(_STRING), reply.astype(_STRING)
        reply = q.fillna(reply)
    posts = pd.DataFrame({"post_id": p["post_id"], "thread_id": p["thread_id"], "author_id": p["author_id"],
                          "created_at": p["created_at"], "reply_to": reply})
    posts["reply_to"], counts["reply_to_cleared"] = _clear_replies(posts)
    # threads
    t = raw["threads"]
    if "first_post" in t:
        raw_p = raw["posts"]
        times = pd.Series(raw_p["created_at"].to_numpy(), index=pd.Index(raw_p["post_id"])).groupby(level=0).first()
        created = pd.Series(pd.array(times.reindex(t["first_post"].to_numpy()).to_numpy(), dtype="Int64"))
    else:
        created = t["created_at"]
    starter = t["author_id"].mask((t["author_id"] == guest).fillna(False).astype(bool))
    threads = pd.DataFrame({"thread_id": t["thread_id"], "subforum_id": _zero_na(t["subforum_id"]),
                            "author_id": starter, "created_at": created})
    # subforums
    s = raw["subforums"]
    parent = s["parent_id"]
    if parent.dtype == "Int64":
        parent = parent.mask((parent <= 0).fillna(False).astype(bool))    # 0, vBulletin -1: no parent
    subforums = pd.DataFrame({"subforum_id": s["subforum_id"], "parent_id": parent})
    counts["with_parent"] = int(subforums["parent_id"].notna().sum())
    # members
    m = raw["members"]
    m = m[~(m["member_id"] == guest).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    level, known = _staff(sw, raw, m)
    thresholds = _thresholds(sw, raw)
    n_posts = posts["author_id"].value_counts()
    count = n_posts.reindex(m["member_id"].to_numpy()).fillna(0).to_numpy(dtype=np.int64)
    ordinary = np.maximum(np.searchsorted(thresholds, count, side="right"), 1)
    top = max(len(thresholds), 1)
    rank = np.where(level > 0, top + level, ordinary)
    members = pd.DataFrame({
        "member_id": m["member_id"],
        "joined_at": _zero_na(m["joined_at"]),
        "last_seen_at": _zero_na(m["last_seen_at"]),
        "is_staff": pd.array(level > 0, dtype="boolean") if known else pd.array([pd.NA] * len(m), dtype="boolean"),
        "status": (pd.Series([_STATUS[int(v)] for v in level], dtype=_STRING) if known
                   else pd.Series([pd.NA] * len(m), dtype=_STRING)),
        "rank_level": pd.array(rank, dtype="Int64") if known or len(thresholds)
        else pd.array([pd.NA] * len(m), dtype="Int64"),
    })
    counts["staff"] = int((level > 0).sum()) if known else 0
    subforums["min_rank"], counts["min_rank"] = _min_rank(sw, raw, s, thresholds)
    # posts of members no longer in the users table (deleted accounts)
    unknown = ~posts["author_id"].isin(members["member_id"]).to_numpy(dtype=bool)
    counts["orphan_posts"] = int(unknown.sum())
    counts["orphan_authors"] = int(posts["author_id"][unknown].nunique())
    # messages
    messages = None
    counts["messages_to_self"] = 0
    if "pms" in raw and ("pm_to" in raw or sw.key == "mybb"):
        pm = raw["pms"]
        if sw.key == "mybb":
            own = ((pm["owner_id"] == pm["recipient_id"]) & (pm["recipient_id"] != 0)
                   & (pm["sender_id"] != 0)).fillna(False).to_numpy(dtype=bool)
            pm = pm[own]
            to_self = (pm["sender_id"] == pm["recipient_id"]).fillna(False).to_numpy(dtype=bool)
            pm = pm[~to_self]
            messages = pd.DataFrame({"message_id": pm["pm_id"], "sender_id": pm["sender_id"],
                                     "recipient_id": pm["recipient_id"], "created_at": pm["created_at"]})
        else:
            to = raw["pm_to"]
            if "folder" in to:
                # vBulletin 4: folder -1 holds the sender's sent copy
                to = to[~(to["folder"] == -1).fillna(False).to_numpy(dtype=bool)].drop(columns=["folder"])
            rc = to.merge(pm, on="pm_id", how="inner")
            to_self = (rc["recipient_id"] == rc["sender_id"]).fillna(False).to_numpy(dtype=bool)
            rc = rc[~to_self]
            messages = pd.DataFrame({
                "message_id": (rc["pm_id"].astype(_STRING) + "-" + rc["recipient_id"].astype(_STRING)),
                "sender_id": rc["sender_id"], "recipient_id": rc["recipient_id"], "created_at": rc["created_at"]})
        counts["messages_to_self"] = int(to_self.sum())
        messages = messages.reset_index(drop=True)
    tables = {"posts": posts, "threads": threads, "subforums": subforums, "members": members}
    if messages is not None:
        tables["messages"] = messages
    counts["posts"] = len(posts)
    counts["messages"] = 0 if messages is None else len(messages)
    return tables, counts


def _note(sw: Software, prefix: str, counts: dict, absent: list[str], quotes: bool) -> str:
    text = (f"{sw.title} database (prefix {prefix!r}): read {counts['posts']} posts, {counts['messages']} messages; "
            f"left out {counts['guest_posts']} posts by the guest account (id {sw.guest}); "
            f"reply_to: {counts['replyto_refs']} from the reply column, {counts['quote_refs']} from quotes"
            f"{'' if quotes else ' (quotes not read)'}, {counts['reply_to_cleared']} cleared (a post not read, of "
            f"another thread or not earlier); {counts['staff']} staff; {counts['messages_to_self']} messages to "
            f"oneself left out; {counts['with_parent']} subforums with a parent (not kept: no parent column)")
    if counts.get("min_rank"):
        text += f"; {counts['min_rank']} subforums with a min_rank from their allowed groups"
    if counts.get("nodes_left_out"):
        text += f"; {counts['nodes_left_out']} text nodes not in a forum topic left out"
    if counts.get("orphan_posts"):
        text += (f"; {counts['orphan_posts']} posts by {counts['orphan_authors']} authors missing from "
                 f"{prefix}{sw.tables['members'].name} (deleted members)")
    if absent:
        text += f"; tables absent: {', '.join(absent)}"
    return text


def _open(url):
    if _servers.is_server_url(url):
        return _servers.open_server(url)
    if isinstance(url, str):
        m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
        if m and m.group(1).lower().split("+")[0] in SERVER_SCHEMES:
            raise ValueError(f"read_database: {m.group(1)}:// servers are not supported; "
                             "read MariaDB/MySQL (mysql://, mariadb://) or PostgreSQL (postgresql://)")
    kind, path = _parse(url)
    return _SQLite(path) if kind == "sqlite" else _Dump(path)


def source_label(source) -> str:
    """How a dataset argument may be named in messages and written files: a
    server URL without its user, password and options
    (``scheme://host:port/database``), anything else as given.

    >>> source_label("postgresql://reader:secret@db.example:5433/forum?passfile=/x")
    'postgresql://db.example:5433/forum'
    >>> source_label("forum.sql")
    'forum.sql'
    """
    if _servers.is_server_url(source):
        try:
            return _servers.parse_server_url(source).label
        except ValueError:
            return source.split("://", 1)[0] + "://(a URL that cannot be read)"
    return os.fspath(source) if isinstance(source, os.PathLike) else str(source)


def database_tables(url, *, software: str = "auto", prefix: str | None = None, quotes: bool = False):
    """The forum tables of a forum database, before validation.

    Returns ``(tables, info)``: ``posts``, ``threads``, ``subforums`` (with
    ``parent_id``), ``members`` and, when the message tables exist,
    ``messages``, built as ``netanalysis.forum.database`` defines; and
    ``info``, a dict with ``software``, ``prefix``, ``source``, ``absent``
    (optional tables not found), ``counts`` and ``note``.
    """
    if not isinstance(quotes, bool):
        raise TypeError("quotes must be True or False")
    source = _open(url)
    try:
        sw, pre = _detect(source.names, software, prefix, source.label)
        raw, absent = _read(source, sw, pre, quotes)
    finally:
        source.close()
    tables, counts = _build(sw, raw, quotes)
    info = {"software": sw.key, "prefix": pre, "source": source.label, "absent": absent, "counts": counts,
            "note": _note(sw, pre, counts, absent, quotes)}
    return tables, info


def read_database(url, *, software: str = "auto", prefix: str | None = None,
                  on_error: Literal["raise", "drop"] = "raise", quotes: bool = False) -> Forum:
    """Read the database of a phpBB 3.x, MyBB 1.8, SMF 2.x or vBulletin 4/5 forum.

    Parameters
    ----------
    url : str or path
        ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``,
        ``dump:///relative/forum.sql`` (a mysqldump file, ``.sql.gz`` too),
        a path ending ``.db``/``.sqlite``/``.sqlite3`` or
        ``.sql``/``.sql.gz``, or a server URL: ``mysql://`` or
        ``mariadb://`` (MariaDB/MySQL, with PyMySQL) and ``postgresql://``
        (with psycopg), both in the optional extra ``netanalysis[servers]``;
        see ``netanalysis.forum._servers`` for options and passwords.
    software : {"auto", "phpbb", "mybb", "smf", "vbulletin4", "vbulletin5"}
        The package; ``"auto"`` recognises it from the table names.
    prefix : str, optional
        The table prefix (``"phpbb_"``); recognised when not given.
    on_error : {"raise", "drop"}
        Passed to :func:`~netanalysis.read_forum`, which validates the tables.
    quotes : bool
        Scan the post text for quote references (the one exception to
        reading no text; only the referenced post id is kept, as
        ``reply_to``). Default False.

    Returns
    -------
    Forum
        Its ``report.notes`` end with one note counting what was read, left
        out and cleared. The mapping and conventions are in
        ``netanalysis.forum.database``.

    Raises
    ------
    ForumDataError
        No schema recognised (the message names the tables found), a
        missing table or column (named), an unreadable file or dump line
        (with the line number), a server that cannot be reached or refuses
        the login (naming the server and the database, never the
        credentials), or tables that fail validation with
        ``on_error="raise"``.
    ValueError
        A URL that is not understood (naming the part at fault).

    Examples
    --------
    >>> import netanalysis as na
    >>> na.read_database("mysql://reader:secret@127.0.0.1:1/forum")   # nothing listens on port 1
    Traceback (most recent call last):
    ...
    netanalysis.forum.validation_report.ForumDataError: invalid forum dataset mysql://127.0.0.1:1/forum: 1 problem
      - database: cannot connect to the MariaDB/MySQL server 127.0.0.1:1, database forum: cannot reach the server (connection refused or no server listening)
    """
    tables, info = database_tables(url, software=software, prefix=prefix, quotes=quotes)
    tables["subforums"] = tables["subforums"].drop(columns=["parent_id"])
    try:
        forum = read_forum(tables, on_error=on_error)
    except ForumDataError as exc:
        problems = list(exc.problems)
        c = info["counts"]
        if c["orphan_posts"]:
            users = info["prefix"] + SOFTWARE[info["software"]].tables["members"].name
            problems.append(Problem(
                "posts", "author_id",
                f"{c['orphan_posts']} posts by {c['orphan_authors']} authors missing from {users} (deleted "
                "members, whose posts the package kept): read with on_error='drop' to drop them and the replies "
                "below them, each recorded in report.dropped (row: the position among the posts read, guest "
                "posts left out; key: the post id)"))
        raise ForumDataError(problems, source=info["source"]) from None
    return dataclasses.replace(forum, report=forum.report.with_notes(info["note"]))
