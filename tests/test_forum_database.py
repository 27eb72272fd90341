"""read_database: phpBB, MyBB and SMF databases from SQLite files and mysqldump files."""
from __future__ import annotations

import gzip
import os
import sqlite3

import pandas as pd
import pytest

import netanalysis as na
from netanalysis.forum import database as db
from netanalysis.forum.validation_report import ForumDataError

SECRET = "SENTINEL-TEXT-7f3a"      # planted in every text column
T0 = 1_300_000_000


def _text(tag):
    return f"{SECRET} {tag} it's a \\ back\nslash"


# Each schema: table -> list of (column, kind); kind "i" integer, "t" text.
# The real column names of each package's install schema, text columns included.
PHPBB = {
    "phpbb_posts": [("post_id", "i"), ("topic_id", "i"), ("forum_id", "i"), ("poster_id", "i"),
                    ("poster_ip", "t"), ("post_time", "i"), ("post_username", "t"), ("post_subject", "t"),
                    ("post_text", "t"), ("post_checksum", "t")],
    "phpbb_topics": [("topic_id", "i"), ("forum_id", "i"), ("topic_title", "t"), ("topic_poster", "i"),
                     ("topic_time", "i"), ("topic_first_poster_name", "t")],
    "phpbb_forums": [("forum_id", "i"), ("parent_id", "i"), ("forum_name", "t"), ("forum_desc", "t"),
                     ("forum_password", "t"), ("forum_type", "i")],
    "phpbb_users": [("user_id", "i"), ("user_type", "i"), ("group_id", "i"), ("user_ip", "t"),
                    ("user_regdate", "i"), ("username", "t"), ("user_password", "t"), ("user_email", "t"),
                    ("user_lastvisit", "i"), ("user_sig", "t")],
    "phpbb_groups": [("group_id", "i"), ("group_type", "i"), ("group_name", "t"), ("group_desc", "t")],
    "phpbb_user_group": [("group_id", "i"), ("user_id", "i"), ("group_leader", "i"), ("user_pending", "i")],
    "phpbb_ranks": [("rank_id", "i"), ("rank_title", "t"), ("rank_min", "i"), ("rank_special", "i")],
    "phpbb_privmsgs": [("msg_id", "i"), ("author_id", "i"), ("author_ip", "t"), ("message_time", "i"),
                       ("message_subject", "t"), ("message_text", "t"), ("to_address", "t")],
    "phpbb_privmsgs_to": [("msg_id", "i"), ("user_id", "i"), ("author_id", "i"), ("folder_id", "i")],
}
MYBB = {
    "mybb_posts": [("pid", "i"), ("tid", "i"), ("replyto", "i"), ("fid", "i"), ("subject", "t"), ("uid", "i"),
                   ("username", "t"), ("dateline", "i"), ("message", "t"), ("ipaddress", "t")],
    "mybb_threads": [("tid", "i"), ("fid", "i"), ("subject", "t"), ("uid", "i"), ("username", "t"),
                     ("dateline", "i"), ("firstpost", "i"), ("notes", "t")],
    "mybb_forums": [("fid", "i"), ("name", "t"), ("description", "t"), ("type", "t"), ("pid", "i"),
                    ("password", "t")],
    "mybb_users": [("uid", "i"), ("username", "t"), ("password", "t"), ("salt", "t"), ("email", "t"),
                   ("usergroup", "i"), ("additionalgroups", "t"), ("regdate", "i"), ("lastactive", "i"),
                   ("signature", "t"), ("regip", "t"), ("lastip", "t")],
    "mybb_usergroups": [("gid", "i"), ("title", "t"), ("description", "t"), ("cancp", "i"), ("issupermod", "i"),
                        ("canmodcp", "i")],
    "mybb_privatemessages": [("pmid", "i"), ("uid", "i"), ("toid", "i"), ("fromid", "i"), ("recipients", "t"),
                             ("folder", "i"), ("subject", "t"), ("message", "t"), ("dateline", "i"),
                             ("ipaddress", "t")],
}
SMF = {
    "smf_messages": [("id_msg", "i"), ("id_topic", "i"), ("id_board", "i"), ("poster_time", "i"),
                     ("id_member", "i"), ("subject", "t"), ("poster_name", "t"), ("poster_email", "t"),
                     ("poster_ip", "t"), ("body", "t")],
    "smf_topics": [("id_topic", "i"), ("id_board", "i"), ("id_first_msg", "i"), ("id_member_started", "i")],
    "smf_boards": [("id_board", "i"), ("id_cat", "i"), ("id_parent", "i"), ("name", "t"), ("description", "t")],
    "smf_members": [("id_member", "i"), ("member_name", "t"), ("date_registered", "i"), ("id_group", "i"),
                    ("last_login", "i"), ("real_name", "t"), ("passwd", "t"), ("email_address", "t"),
                    ("signature", "t"), ("member_ip", "t"), ("additional_groups", "t")],
    "smf_membergroups": [("id_group", "i"), ("group_name", "t"), ("description", "t"), ("min_posts", "i")],
    "smf_moderators": [("id_board", "i"), ("id_member", "i")],
    "smf_personal_messages": [("id_pm", "i"), ("id_pm_head", "i"), ("id_member_from", "i"), ("from_name", "t"),
                              ("msgtime", "i"), ("subject", "t"), ("body", "t")],
    "smf_pm_recipients": [("id_pm", "i"), ("id_member", "i"), ("labels", "t"), ("bcc", "i")],
}
FORBIDDEN = {"post_text", "post_subject", "poster_ip", "post_username", "user_password", "user_email", "user_sig",
             "user_ip", "username", "message_text", "message_subject", "author_ip", "to_address", "forum_name",
             "forum_desc", "forum_password", "topic_title", "subject", "message", "ipaddress", "password", "email",
             "signature", "regip", "lastip", "salt", "recipients", "body", "poster_email", "poster_name",
             "passwd", "email_address", "member_ip", "real_name", "member_name", "from_name", "description",
             "notes", "name", "title", "group_desc", "rank_title", "topic_first_poster_name", "post_checksum"}


def _phpbb_rows(prefix="phpbb_"):
    # Members 2..5 (1 is ANONYMOUS); 2 admin (group 5), 3 global moderator (group 4 via user_group).
    r = {
        "posts": [(10, 100, 1, 2, "1.2.3.4", T0, "", "subj", _text("p10"), "x"),
                  (11, 100, 1, 3, "1.2.3.4", T0 + 60, "", "subj", f'[quote="a" post_id=10 time=1]{SECRET}[/quote]',
                   "x"),
                  (12, 100, 1, 4, "ip", T0 + 120, "", "s", f'<r><QUOTE author="b" post_id="11">{SECRET}</QUOTE></r>',
                   "x"),
                  (13, 101, 2, 1, "ip", T0 + 200, "guest", "s", _text("guest"), "x"),
                  (14, 101, 2, 5, "ip", T0 + 300, "", "s", "[quote post_id=99]gone[/quote]", "x")],
        "topics": [(100, 1, "title " + SECRET, 2, T0, "n"), (101, 2, "t", 1, T0 + 200, "n")],
        "forums": [(1, 0, "f " + SECRET, "d", "", 1), (2, 1, "sub", "d", "pw", 1)],
        "users": [(1, 2, 1, "ip", 0, "Anonymous", "", "", 0, ""),
                  (2, 3, 5, "ip", T0 - 100, "ann", "hash" + SECRET, "a@x" + SECRET, T0 + 999, _text("sig")),
                  (3, 0, 2, "ip", T0 - 50, "bob", "h", "e", T0 + 500, ""),
                  (4, 0, 2, "ip", T0 - 40, "cy", "h", "e", 0, ""),
                  (5, 0, 2, "ip", T0 - 30, "di", "h", "e", T0 + 400, "")],
        "groups": [(1, 3, "GUESTS", "d"), (2, 3, "REGISTERED", "d"), (4, 3, "GLOBAL_MODERATORS", SECRET),
                   (5, 3, "ADMINISTRATORS", "d")],
        "user_group": [(2, 3, 0, 0), (4, 3, 0, 0), (4, 4, 0, 1)],
        "ranks": [(1, "Newbie", 0, 0), (2, "Regular", 2, 0), (3, "Site admin", 0, 1)],
        "privmsgs": [(50, 2, "ip", T0 + 10, "s " + SECRET, _text("pm"), "u_3:u_4")],
        "privmsgs_to": [(50, 3, 2, 0), (50, 4, 2, 0), (50, 2, 2, -1)],
    }
    return {prefix + k: v for k, v in r.items()}, {prefix + k[len("phpbb_"):]: v for k, v in PHPBB.items()}


def _mybb_rows():
    r = {
        "mybb_posts": [(1, 7, 0, 3, "s", 2, "ann", T0, _text("m1"), "ip"),
                       (2, 7, 1, 3, "s", 3, "bob", T0 + 10, "[quote='ann' pid='1' dateline='1']x[/quote]", "ip"),
                       (3, 7, 1, 3, "s", 2, "ann", T0 + 20, _text("m3"), "ip"),
                       (4, 7, 0, 3, "s", 0, "guest", T0 + 30, _text("g"), "ip")],
        "mybb_threads": [(7, 3, "s " + SECRET, 2, "ann", T0, 1, "")],
        "mybb_forums": [(1, "cat", "d", "c", 0, ""), (3, "f", SECRET, "f", 1, "")],
        "mybb_users": [(2, "ann", SECRET, "s", "e", 4, "", T0 - 9, T0 + 9, _text("sig"), "ip", "ip"),
                       (3, "bob", "p", "s", "e", 2, "6,9", T0 - 8, 0, "", "ip", "ip")],
        "mybb_usergroups": [(2, "Registered", "d", 0, 0, 0), (3, "Super Moderators", "d", 0, 1, 1),
                            (4, "Administrators", "d", 1, 1, 1), (6, "Moderators", "d", 0, 0, 1)],
        "mybb_privatemessages": [(1, 3, 3, 2, "a:1", 1, "s", _text("pm"), T0 + 5, "ip"),
                                 (2, 2, 3, 2, "a:1", 2, "s", _text("pm"), T0 + 5, "ip")],
    }
    return r, MYBB


def _smf_rows():
    r = {
        "smf_messages": [(1, 5, 1, T0, 2, "s", "ann", "e", "ip", _text("b1")),
                         (2, 5, 1, T0 + 5, 3, "s", "bob", "e", "ip", "[quote author=ann link=msg=1 date=1]x[/quote]"),
                         (3, 5, 1, T0 + 9, 4, "s", "cy", "e", "ip",
                          "[quote author=bob link=topic=5.msg2#msg2 date=1]y[/quote]")],
        "smf_topics": [(5, 1, 1, 2)],
        "smf_boards": [(1, 1, 0, "b " + SECRET, "d"), (2, 1, 1, "child", "d")],
        "smf_members": [(2, "ann", T0 - 5, 1, T0 + 50, "Ann", "pw", "e", "", "ip", ""),
                        (3, "bob", T0 - 4, 0, T0 + 40, "Bob", "pw", "e", "", "ip", "2"),
                        (4, "cy", T0 - 3, 0, 0, "Cy", "pw", "e", "", "ip", ""),
                        (6, "di", T0 - 2, 0, T0, "Di", "pw", "e", "", "ip", "")],
        "smf_membergroups": [(1, "Administrator", "", -1), (2, "Global Moderator", "", -1), (4, "Newbie", "", 0),
                             (5, "Jr", "", 1)],
        "smf_moderators": [(1, 4)],
        "smf_personal_messages": [(9, 9, 2, "Ann", T0 + 3, "s", _text("pmbody"))],
        "smf_pm_recipients": [(9, 3, "-1", 0), (9, 6, "-1", 1)],
    }
    return r, SMF


def make_sqlite(path, rows, schema):
    con = sqlite3.connect(path)
    for table, cols in schema.items():
        con.execute(f'CREATE TABLE "{table}" (' + ", ".join(
            f'"{c}" {"INTEGER" if k == "i" else "TEXT"}' for c, k in cols) + ")")
        if table in rows:
            con.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(cols))})', rows[table])
    con.commit()
    con.close()
    return path


def _sql(v):
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    s = v.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{s}'"


def make_dump(path, rows, schema, *, per_insert=2):
    out = ["-- MySQL dump 10.19  Distrib 10.11.6-MariaDB", "/*!40101 SET NAMES utf8mb4 */;", ""]
    for table, cols in sorted(schema.items()):
        out += [f"DROP TABLE IF EXISTS `{table}`;", f"CREATE TABLE `{table}` ("]
        out += [f"  `{c}` {'int(10) unsigned NOT NULL' if k == 'i' else 'mediumtext NOT NULL'}," for c, k in cols]
        out += [f"  PRIMARY KEY (`{cols[0][0]}`)", ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;", ""]
        data = rows.get(table, [])
        if data:
            out.append(f"LOCK TABLES `{table}` WRITE;")
            for i in range(0, len(data), per_insert):
                chunk = data[i:i + per_insert]
                out.append(f"INSERT INTO `{table}` VALUES " + ",".join(
                    "(" + ",".join(("_binary " if isinstance(v, str) and v == "pw" else "") + _sql(v) for v in r)
                    + ")" for r in chunk) + ";")
            out.append("UNLOCK TABLES;")
    text = "\n".join(out) + "\n"
    if str(path).endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _both(tmp_path, rows, schema):
    return [make_sqlite(tmp_path / "forum.db", rows, schema), make_dump(tmp_path / "forum.sql", rows, schema)]


def _no_secret(forum):
    for name in ("posts", "threads", "subforums", "members", "messages"):
        df = getattr(forum, name)
        assert SECRET not in df.astype(str).to_csv(), name
    assert SECRET not in str(forum.report)
    assert SECRET not in repr(forum.report)


# ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_phpbb(tmp_path, kind):
    rows, schema = _phpbb_rows()
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    forum = na.read_database(path)
    assert repr(forum) == "<Forum: 4 members, 2 subforums, 2 threads, 4 posts, 2 messages>"
    posts = forum.posts.set_index("post_id")
    assert list(posts.index) == [10, 11, 12, 14]            # the guest's post 13 is left out
    assert posts["reply_to"].isna().all()                    # quotes not read by default
    assert posts.loc[11, "created_at"] == pd.Timestamp(T0 + 60, unit="s", tz="UTC")
    m = forum.members.set_index("member_id")
    assert 1 not in m.index
    assert m.loc[2, "status"] == "administrator" and m.loc[3, "status"] == "global moderator"
    assert bool(m.loc[2, "is_staff"]) and not bool(m.loc[4, "is_staff"])   # 4's membership is pending
    # ranks: thresholds 0 and 2 (the special rank is not a threshold): L = 2
    assert m.loc[2, "rank_level"] == 5 and m.loc[3, "rank_level"] == 4
    assert m.loc[4, "rank_level"] == 1 and m.loc[5, "rank_level"] == 1
    assert pd.isna(m.loc[4, "last_seen_at"])
    t = forum.threads.set_index("thread_id")
    assert t.loc[100, "author_id"] == 2 and pd.isna(t.loc[101, "author_id"])
    msg = forum.messages.sort_values("recipient_id")
    assert list(msg["recipient_id"]) == [3, 4] and list(msg["sender_id"]) == [2, 2]
    assert list(msg["message_id"]) == ["50-3", "50-4"]
    assert "phpBB 3.x database" in forum.report.notes[-1]
    _no_secret(forum)


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_phpbb_quotes(tmp_path, kind):
    rows, schema = _phpbb_rows()
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    forum = na.read_database(path, quotes=True)
    reply = forum.posts.set_index("post_id")["reply_to"]
    assert reply.loc[11] == 10 and reply.loc[12] == 11
    assert pd.isna(reply.loc[14]) and pd.isna(reply.loc[10])     # a quote of a post not read is cleared
    assert "1 cleared" in forum.report.notes[-1]
    _no_secret(forum)


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_mybb(tmp_path, kind):
    rows, schema = _mybb_rows()
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    forum = na.read_database(path)
    assert repr(forum) == "<Forum: 2 members, 2 subforums, 1 threads, 3 posts, 1 messages>"
    reply = forum.posts.set_index("post_id")["reply_to"]
    assert pd.isna(reply.loc[1]) and reply.loc[2] == 1 and reply.loc[3] == 1   # MyBB's replyto column
    m = forum.members.set_index("member_id")
    assert m.loc[2, "status"] == "administrator"
    assert m.loc[3, "status"] == "moderator"                # additional group 6 (canmodcp)
    assert list(forum.messages["message_id"]) == [1]        # the recipient's copy only
    assert forum.messages["sender_id"].iloc[0] == 2
    quoted = na.read_database(path, quotes=True)
    assert quoted.posts.set_index("post_id")["reply_to"].loc[2] == 1
    _no_secret(forum)
    _no_secret(quoted)


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_smf(tmp_path, kind):
    rows, schema = _smf_rows()
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    forum = na.read_database(path, quotes=True)
    assert repr(forum) == "<Forum: 4 members, 2 subforums, 1 threads, 3 posts, 2 messages>"
    reply = forum.posts.set_index("post_id")["reply_to"]
    assert reply.loc[2] == 1 and reply.loc[3] == 2
    t = forum.threads.iloc[0]
    assert t["created_at"] == pd.Timestamp(T0, unit="s", tz="UTC") and t["author_id"] == 2
    m = forum.members.set_index("member_id")
    assert m.loc[2, "status"] == "administrator" and m.loc[3, "status"] == "global moderator"
    assert m.loc[4, "status"] == "moderator" and m.loc[6, "status"] == "member"
    assert m.loc[6, "rank_level"] == 1 and m.loc[4, "rank_level"] == 3      # thresholds 0, 1: L = 2
    assert sorted(forum.messages["recipient_id"]) == [3, 6]
    _no_secret(forum)


def test_tables_keep_parent(tmp_path):
    rows, schema = _smf_rows()
    tables, info = db.database_tables(make_sqlite(tmp_path / "f.db", rows, schema))
    assert info["software"] == "smf" and info["prefix"] == "smf_"
    sub = tables["subforums"].set_index("subforum_id")["parent_id"]
    assert pd.isna(sub.loc[1]) and sub.loc[2] == 1


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_prefix_detection(tmp_path, kind):
    rows, schema = _phpbb_rows("forum3_")
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    _, info = db.database_tables(path)
    assert (info["software"], info["prefix"]) == ("phpbb", "forum3_")
    _, info = db.database_tables(path, software="phpbb", prefix="forum3_")
    assert info["prefix"] == "forum3_"
    with pytest.raises(ForumDataError, match=r"phpbb_posts.*missing.*forum3_posts"):
        db.database_tables(path, software="phpbb", prefix="phpbb_")     # a wrong prefix
    with pytest.raises(ForumDataError, match="no phpBB 3.x, MyBB 1.8, SMF 2.x or vBulletin 4/5 schema recognised"):
        db.database_tables(path, prefix="xx_")


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_unrecognised_schema(tmp_path, kind):
    schema = {"wp_posts": [("ID", "i"), ("post_content", "t")], "wp_users": [("ID", "i")]}
    rows = {"wp_posts": [(1, SECRET)]}
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    with pytest.raises(ForumDataError, match=r"no phpBB.*recognised.*tables wp_posts, wp_users") as exc:
        na.read_database(path)
    assert SECRET not in str(exc.value)


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_missing_table_and_column(tmp_path, kind):
    rows, schema = _phpbb_rows()
    no_col = dict(schema)
    no_col["phpbb_topics"] = [c for c in schema["phpbb_topics"] if c[0] != "topic_time"]
    rows = dict(rows)
    rows["phpbb_topics"] = [r[:4] + r[5:] for r in rows["phpbb_topics"]]
    path = _both(tmp_path, rows, no_col)[kind == "dump"]
    with pytest.raises(ForumDataError, match=r"phpbb_topics\.topic_time: column topic_time missing"):
        na.read_database(path)
    del no_col["phpbb_topics"]
    (tmp_path / "forum.db").unlink()
    path = _both(tmp_path, rows, no_col)[kind == "dump"]
    with pytest.raises(ForumDataError, match=r"phpBB 3.x table phpbb_topics missing"):
        na.read_database(path, software="phpbb")


def test_sqlite_selects_no_forbidden_column(tmp_path, monkeypatch):
    statements = []
    real = db._connect_sqlite

    def traced(path):
        con = real(path)
        con.set_trace_callback(statements.append)
        return con

    monkeypatch.setattr(db, "_connect_sqlite", traced)
    for rows, schema in (_phpbb_rows(), _mybb_rows(), _smf_rows()):
        path = make_sqlite(tmp_path / f"{next(iter(schema))}.db", rows, schema)
        statements.clear()
        na.read_database(path)
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "sqlite_master" not in s]
        assert len(selects) >= 4
        for s in statements:
            quoted = set(__import__("re").findall(r'"([^"]+)"', s))
            assert not quoted & FORBIDDEN, s
        # quotes=True is the one exception: the post text column, and only it
        statements.clear()
        na.read_database(path, quotes=True)
        extra = {c for s in statements for c in __import__("re").findall(r'"([^"]+)"', s)} & FORBIDDEN
        assert extra in ({"post_text"}, {"message"}, {"body"})


def test_sqlite_read_only(tmp_path):
    rows, schema = _phpbb_rows()
    path = make_sqlite(tmp_path / "forum.db", rows, schema)
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    na.read_database(path)
    na.read_database(f"sqlite:///{os.path.relpath(path)}")
    na.read_database(f"sqlite:///{path}")                  # four slashes: absolute
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forum.db"]
    con = db._connect_sqlite(path)
    with pytest.raises(sqlite3.OperationalError):
        con.execute("DELETE FROM phpbb_posts")
    with pytest.raises(sqlite3.OperationalError):
        con.execute("CREATE TABLE x (a)")
    con.close()
    assert path.read_bytes() == before


@pytest.mark.parametrize("url", ["mysql://root:hunter2secret@127.0.0.1:1/forum",
                                 "mariadb://u:hunter2secret@127.0.0.1:1/forum",
                                 "postgresql+psycopg://u:hunter2secret@127.0.0.1:1/forum"])
def test_server_url_without_a_server(url):
    # Nothing listens on port 1: one error naming the server and the database,
    # never the credentials (tests/test_database_servers.py reads real servers).
    with pytest.raises(ForumDataError, match=r"cannot connect to .* 127\.0\.0\.1:1, database forum|needs the") as exc:
        na.read_database(url)
    assert "hunter2secret" not in str(exc.value) and "root" not in str(exc.value)


def test_dump_url_gz_and_one_row_per_insert(tmp_path):
    rows, schema = _mybb_rows()
    gz = make_dump(tmp_path / "forum.sql.gz", rows, schema, per_insert=1)
    forum = na.read_database(f"dump:///{gz}")
    assert repr(forum) == "<Forum: 2 members, 2 subforums, 1 threads, 3 posts, 1 messages>"


def test_dump_multiline_insert_and_column_list(tmp_path):
    path = tmp_path / "forum.sql"
    rows, schema = _smf_rows()
    make_dump(path, rows, schema, per_insert=10)
    text = path.read_text()
    # phpMyAdmin style: a column list and one row per line
    cols = ", ".join(f"`{c}`" for c, _ in SMF["smf_members"])
    body = ",\n".join("(" + ", ".join(_sql(v) for v in r) + ")" for r in rows["smf_members"])
    start = text.index("INSERT INTO `smf_members`")
    end = text.index("\n", start)
    path.write_text(text[:start] + f"INSERT INTO `smf_members` ({cols}) VALUES\n{body};" + text[end:])
    assert len(na.read_database(path).members) == 4


def test_dump_truncated_and_bad_rows(tmp_path):
    rows, schema = _phpbb_rows()
    path = make_dump(tmp_path / "forum.sql", rows, schema)
    text = path.read_text()
    cut = text.index("INSERT INTO `phpbb_posts`") + 60
    path.write_text(text[:cut])
    line = text[:cut].count("\n") + 1
    with pytest.raises(ForumDataError, match=rf"line {line} of forum.sql: .*(truncated|cannot read a row)") as exc:
        na.read_database(path)
    assert SECRET not in str(exc.value)
    bad = text.replace("INSERT INTO `phpbb_topics` VALUES (100,1,", "INSERT INTO `phpbb_topics` VALUES (100,")
    path.write_text(bad)
    with pytest.raises(ForumDataError, match=r"line \d+ of forum.sql: cannot read a row of `phpbb_topics`"):
        na.read_database(path)


def test_on_error_passed_through(tmp_path):
    rows, schema = _phpbb_rows()
    rows = dict(rows)
    rows["phpbb_posts"] = rows["phpbb_posts"] + [(15, 999, 1, 2, "ip", T0 + 400, "", "s", "t", "x")]
    path = make_sqlite(tmp_path / "forum.db", rows, schema)
    with pytest.raises(ForumDataError, match="post in an unknown thread"):
        na.read_database(path)
    forum = na.read_database(path, on_error="drop")
    assert list(forum.report.dropped["key"].astype(str)) == ["15"]


def test_namespace():
    assert na.read_database is db.read_database


# ---------------------------------------------------------------------------
# read_forum and the command line read a database as a dataset
@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_read_forum_reads_a_database(tmp_path, kind):
    rows, schema = _phpbb_rows()
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    via_forum = na.read_forum(path)
    pd.testing.assert_frame_equal(via_forum.posts, na.read_database(path).posts)
    url = ("sqlite:///" if kind == "sqlite" else "dump:///") + str(path)
    assert repr(na.read_forum(url)) == repr(via_forum)
    with pytest.raises(na.ForumDataError, match="time_unit: options of dataset folders"):
        na.read_forum(path, time_unit="ms")
    with pytest.raises(na.ForumDataError, match="database: (cannot connect|reading a mysql:// URL needs)") as exc:
        na.read_forum("mysql://user:secret@127.0.0.1:1/forum")
    assert "secret" not in str(exc.value)


def test_a_folder_named_like_a_database_is_a_folder(tmp_path):
    import synthetic

    forum, _ = synthetic.generate_forum("tiny", seed=1)
    folder = tmp_path / "seized.db"
    na.write_forum(forum, folder)
    assert repr(na.read_forum(folder)) == repr(forum)


def test_cli_validate_and_analyze_a_database(tmp_path):
    import subprocess
    import sys

    rows, schema = _phpbb_rows()
    db = make_sqlite(tmp_path / "forum.db", rows, schema)
    before = db.read_bytes()
    cli = [sys.executable, "-m", "netanalysis.cli"]
    done = subprocess.run([*cli, "validate", str(db)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    out = tmp_path / "out"
    done = subprocess.run([*cli, "analyze", str(db), "--out", str(out), "--stability-repeats", "0", "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (out / "key_actors.csv").exists() and (out / "report.html").exists()
    done = subprocess.run([*cli, "validate", "mysql://user:secret@127.0.0.1:1/forum"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    assert "secret" not in done.stderr + done.stdout
    # analyze takes the URL as given (a Path would fold its "//" and miss the scheme)
    done = subprocess.run([*cli, "analyze", "mysql://user:secret@127.0.0.1:1/forum", "--out", str(tmp_path / "o2")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "cannot connect" in done.stderr + done.stdout, done.stderr
    assert "secret" not in done.stderr + done.stdout and not (tmp_path / "o2").exists()
    out3 = tmp_path / "o3"
    done = subprocess.run([*cli, "analyze", f"sqlite:///{db}", "--out", str(out3), "--stability-repeats", "0",
                           "--quiet"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (out3 / "key_actors.csv").exists()
    assert db.read_bytes() == before
