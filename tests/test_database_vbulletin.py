"""read_database: vBulletin 4 and 5 mappings, SMF's min_rank from the groups
allowed on a board, and posts of deleted members (SQLite files and dumps;
the same rows on real servers in tests/test_database_servers.py)."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import netanalysis as na
from netanalysis.forum import database as db
from netanalysis.forum.validation_report import ForumDataError

from test_forum_database import (FORBIDDEN, SECRET, SMF, T0, _both, _mybb_rows, _no_secret, _phpbb_rows,
                                 _smf_rows, _text, make_sqlite)

# The columns the open-source importers name (see netanalysis.forum.database),
# text columns included so that a test can see they are never read.
VB4 = {
    "post": [("postid", "i"), ("threadid", "i"), ("parentid", "i"), ("username", "t"), ("userid", "i"),
             ("title", "t"), ("dateline", "i"), ("pagetext", "t"), ("ipaddress", "t"), ("visible", "i")],
    "thread": [("threadid", "i"), ("title", "t"), ("firstpostid", "i"), ("forumid", "i"), ("postusername", "t"),
               ("postuserid", "i"), ("dateline", "i"), ("visible", "i")],
    "forum": [("forumid", "i"), ("title", "t"), ("description", "t"), ("parentid", "i"), ("password", "t")],
    "user": [("userid", "i"), ("usergroupid", "i"), ("membergroupids", "t"), ("username", "t"), ("password", "t"),
             ("email", "t"), ("salt", "t"), ("joindate", "i"), ("lastvisit", "i"), ("lastactivity", "i"),
             ("posts", "i"), ("ipaddress", "t"), ("homepage", "t")],
    "usergroup": [("usergroupid", "i"), ("title", "t"), ("description", "t")],
    "usertitle": [("usertitleid", "i"), ("minposts", "i"), ("title", "t")],
    "moderator": [("moderatorid", "i"), ("userid", "i"), ("forumid", "i"), ("permissions", "i")],
    "pmtext": [("pmtextid", "i"), ("fromuserid", "i"), ("fromusername", "t"), ("title", "t"), ("message", "t"),
               ("touserarray", "t"), ("dateline", "i")],
    "pm": [("pmid", "i"), ("pmtextid", "i"), ("userid", "i"), ("folderid", "i"), ("messageread", "i")],
    "usertextfield": [("userid", "i"), ("signature", "t")],
}
VB5 = {
    "contenttype": [("contenttypeid", "i"), ("class", "t"), ("packageid", "i")],
    "node": [("nodeid", "i"), ("contenttypeid", "i"), ("parentid", "i"), ("title", "t"), ("htmltitle", "t"),
             ("userid", "i"), ("authorname", "t"), ("description", "t"), ("publishdate", "i"), ("ipaddress", "t")],
    "text": [("nodeid", "i"), ("rawtext", "t")],
    "user": VB4["user"],
    "usergroup": VB4["usergroup"],
    "usertitle": VB4["usertitle"],
    "moderator": [("moderatorid", "i"), ("userid", "i"), ("nodeid", "i"), ("permissions", "i")],
    "privatemessage": [("nodeid", "i"), ("msgtype", "t"), ("about", "t")],
}
VB_FORBIDDEN = FORBIDDEN | {"pagetext", "rawtext", "postusername", "fromusername", "touserarray", "htmltitle",
                            "authorname", "homepage", "about"}


def _users():
    # 1 administrator (group 6); 2 super moderator by an additional group (5);
    # 3 moderator of forum 10; 4 a member; 5 super moderator (moderator row of forum -1)
    return [(1, 6, "", "admin", "pw" + SECRET, "a@x" + SECRET, "salt", T0 - 100, T0, T0 + 900, 3, "ip", SECRET),
            (2, 2, "5", "bea", "pw", "e", "s", T0 - 90, T0, T0 + 800, 1, "ip", ""),
            (3, 2, "", "cy", "pw", "e", "s", T0 - 80, T0, 0, 1, "ip", ""),
            (4, 2, "", "di", "pw", "e", "s", T0 - 70, T0, T0 + 700, 1, "ip", ""),
            (5, 2, "", "ed", "pw", "e", "s", T0 - 60, T0, T0 + 600, 0, "ip", "")]


def vb4_rows():
    r = {
        "post": [(1000, 100, 0, "admin", 1, "t " + SECRET, T0, _text("first"), "ip", 1),
                 (1001, 100, 1000, "bea", 2, "", T0 + 10, f"[QUOTE=admin;1000]{SECRET}[/QUOTE]", "ip", 1),
                 (1002, 100, 1001, "cy", 3, "", T0 + 20, _text("p"), "ip", 1),
                 (1003, 101, 0, "Guest", 0, "", T0 + 30, _text("guest"), "ip", 1),
                 (1004, 101, 0, "di", 4, "", T0 + 40, "[quote=cy;1002]other thread[/quote]", "ip", 1)],
        "thread": [(100, "title " + SECRET, 1000, 11, "admin", 1, T0, 1), (101, "t", 1003, 10, "Guest", 0, T0 + 30, 1)],
        "forum": [(10, "top " + SECRET, "d", -1, ""), (11, "child", "d", 10, "pw")],
        "user": _users(),
        "usergroup": [(2, "Registered Users", ""), (5, "Super Moderators", ""), (6, "Administrators", SECRET)],
        "usertitle": [(1, 0, "Junior"), (2, 2, "Member")],
        "moderator": [(1, 3, 10, 0), (2, 5, -1, 0)],
        "pmtext": [(50, 1, "admin", "s " + SECRET, _text("pm"), 'a:1:{i:2;s:3:"bea";}', T0 + 5)],
        "pm": [(1, 50, 1, -1, 1), (2, 50, 2, 0, 0), (3, 50, 3, 0, 1)],
        "usertextfield": [(1, _text("sig"))],
    }
    return r, VB4


def vb5_rows():
    r = {
        "contenttype": [(22, "Text", 1), (23, "Channel", 1), (24, "PrivateMessage", 1)],
        "node": [(1, 23, 0, "root", "", 1, "admin", "", T0 - 500, "ip"),
                 (2, 23, 1, "Forum", "", 1, "admin", "", T0 - 500, "ip"),
                 (10, 23, 2, "General " + SECRET, "", 1, "admin", SECRET, T0 - 400, "ip"),
                 (11, 23, 10, "Sub", "", 1, "admin", "", T0 - 300, "ip"),
                 (100, 22, 11, "topic " + SECRET, "", 1, "admin", "", T0, "ip"),
                 (101, 22, 100, "", "", 2, "bea", "", T0 + 10, "ip"),
                 (102, 22, 101, "", "", 3, "cy", "", T0 + 20, "ip"),
                 (103, 22, 10, "t2", "", 4, "di", "", T0 + 30, "ip"),
                 (104, 22, 103, "", "", 0, "Guest", "", T0 + 40, "ip"),
                 (200, 24, 1, "pm " + SECRET, "", 1, "admin", "", T0 + 50, "ip"),
                 (201, 22, 200, "", "", 2, "bea", "", T0 + 60, "ip")],
        "text": [(100, _text("topic")), (101, f"[QUOTE=admin;n100]{SECRET}[/QUOTE]"), (102, _text("c")),
                 (103, _text("t")), (104, _text("g")), (201, _text("pm reply"))],
        "user": _users(),
        "usergroup": [(2, "Registered Users", ""), (5, "Super Moderators", ""), (6, "Administrators", "")],
        "usertitle": [(1, 0, "Junior"), (2, 2, "Member")],
        "moderator": [(1, 3, 10, 0)],
        "privatemessage": [(200, "message", SECRET)],
    }
    return r, VB5


def smf_min_rank_rows():
    rows, schema = _smf_rows()
    schema = dict(schema)
    schema["smf_boards"] = SMF["smf_boards"] + [("member_groups", "t")]
    rows = dict(rows)
    rows["smf_boards"] = [rows["smf_boards"][0] + ("-1,0,2",), rows["smf_boards"][1] + ("5,1,2",)]
    return rows, schema


def _no_forbidden(statements, text_column=None):
    for s in statements:
        names = set(re.findall(r'"([^"]+)"', s)) & VB_FORBIDDEN
        assert names <= ({text_column} if text_column else set()), s


# ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_vbulletin4(tmp_path, kind):
    rows, schema = vb4_rows()
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    _, info = db.database_tables(path)
    assert (info["software"], info["prefix"]) == ("vbulletin4", "")
    forum = na.read_database(path)
    assert repr(forum) == "<Forum: 5 members, 2 subforums, 2 threads, 4 posts, 2 messages>"
    p = forum.posts.set_index("post_id")
    assert list(p.index) == [1000, 1001, 1002, 1004]          # the guest's post left out
    assert pd.isna(p.loc[1000, "reply_to"]) and p.loc[1001, "reply_to"] == 1000 and p.loc[1002, "reply_to"] == 1001
    t = forum.threads.set_index("thread_id")
    assert t.loc[100, "subforum_id"] == 11 and t.loc[100, "author_id"] == 1 and pd.isna(t.loc[101, "author_id"])
    m = forum.members.set_index("member_id")
    assert list(m["status"]) == ["administrator", "global moderator", "moderator", "member", "global moderator"]
    assert list(m["rank_level"]) == [5, 4, 3, 1, 4]           # thresholds 0 and 2: L = 2
    assert pd.isna(m.loc[3, "last_seen_at"]) and m.loc[1, "joined_at"] == pd.Timestamp(T0 - 100, unit="s", tz="UTC")
    msg = forum.messages.sort_values("recipient_id")
    assert list(msg["message_id"]) == ["50-2", "50-3"] and set(msg["sender_id"]) == {1}
    tables, _ = db.database_tables(path)
    parent = tables["subforums"].set_index("subforum_id")["parent_id"]
    assert pd.isna(parent.loc[10]) and parent.loc[11] == 10    # -1: top level
    quoted = na.read_database(path, quotes=True).posts.set_index("post_id")["reply_to"]
    assert quoted.loc[1001] == 1000 and pd.isna(quoted.loc[1004])   # a quote of another thread is cleared
    _no_secret(forum)


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_vbulletin5(tmp_path, kind):
    rows, schema = vb5_rows()
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    forum = na.read_database(path)
    assert repr(forum) == "<Forum: 5 members, 4 subforums, 2 threads, 4 posts, 0 messages>"
    p = forum.posts.set_index("post_id")
    assert list(p.index) == [100, 101, 102, 103]
    assert list(p["thread_id"]) == [100, 100, 100, 103]
    assert p["reply_to"].isna().tolist() == [True, True, False, True] and p.loc[102, "reply_to"] == 101
    t = forum.threads.set_index("thread_id")
    assert t.loc[100, "subforum_id"] == 11 and t.loc[103, "subforum_id"] == 10
    tables, info = db.database_tables(path)
    assert info["software"] == "vbulletin5"
    parent = tables["subforums"].set_index("subforum_id")["parent_id"]
    assert pd.isna(parent.loc[1]) and parent.loc[2] == 1 and parent.loc[11] == 10
    m = forum.members.set_index("member_id")
    assert m.loc[1, "status"] == "administrator" and m.loc[2, "status"] == "global moderator"
    assert m.loc[3, "status"] == "moderator" and m.loc[4, "status"] == "member"
    note = forum.report.notes[-1]
    assert note.startswith("vBulletin 5 database") and "1 text nodes not in a forum topic left out" in note
    quoted = na.read_database(path, quotes=True).posts.set_index("post_id")["reply_to"]
    assert quoted.loc[101] == 100 and quoted.loc[102] == 101
    _no_secret(forum)


def test_vbulletin_selects_no_forbidden_column(tmp_path, monkeypatch):
    statements = []
    real = db._connect_sqlite

    def traced(path):
        con = real(path)
        con.set_trace_callback(statements.append)
        return con

    monkeypatch.setattr(db, "_connect_sqlite", traced)
    for name, (rows, schema), text in (("vb4", vb4_rows(), "pagetext"), ("vb5", vb5_rows(), "rawtext")):
        path = make_sqlite(tmp_path / f"{name}.db", rows, schema)
        statements.clear()
        na.read_database(path)
        assert len([s for s in statements if s.startswith("SELECT") and "sqlite_master" not in s]) >= 4
        _no_forbidden(statements)
        assert not any('"text"' in s for s in statements)      # vBulletin 5's text table: quotes only
        statements.clear()
        na.read_database(path, quotes=True)
        _no_forbidden(statements, text)
        assert any(f'"{text}"' in s for s in statements)


def test_vbulletin_ambiguity_and_missing_tables(tmp_path):
    rows4, schema4 = vb4_rows()
    rows5, schema5 = vb5_rows()
    both = make_sqlite(tmp_path / "both.db", {**rows5, **rows4}, {**schema5, **schema4})   # an upgraded forum
    with pytest.raises(ForumDataError, match=r"more than one forum schema recognised \(vBulletin 4 with prefix "
                                             r"''; vBulletin 5 with prefix ''\)"):
        na.read_database(both)
    assert len(na.read_database(both, software="vbulletin5").posts) == 4
    no_thread = {k: v for k, v in schema4.items() if k != "thread"}
    path = make_sqlite(tmp_path / "x.db", rows4, no_thread)
    with pytest.raises(ForumDataError, match="vBulletin 4 table thread missing"):
        na.read_database(path, software="vbulletin4")
    with pytest.raises(ForumDataError, match=r"no phpBB .* or vBulletin 4/5 schema recognised.*tables forum, "):
        na.read_database(path)


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_smf_min_rank_from_allowed_groups(tmp_path, kind):
    rows, schema = smf_min_rank_rows()
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    forum = na.read_database(path)
    sub = forum.subforums.set_index("subforum_id")["min_rank"]
    # board 1 admits guests and regular members; board 2 post-count group 5
    # (min_posts 1: rank 2 of thresholds 0, 1) and the staff groups 1 and 2
    assert pd.isna(sub.loc[1]) and sub.loc[2] == 2
    assert "1 subforums with a min_rank" in forum.report.notes[-1]
    # without member_groups (as in the plain SMF rows) min_rank stays missing
    plain = na.read_database(make_sqlite(tmp_path / "plain.db", *_smf_rows()))
    assert plain.subforums["min_rank"].isna().all()


@pytest.mark.parametrize("kind", ["sqlite", "dump"])
def test_posts_of_deleted_members(tmp_path, kind):
    rows, schema = _mybb_rows()
    rows = dict(rows)
    # post 5 by uid 99, whose account was deleted; post 6 replies to it
    rows["mybb_posts"] = rows["mybb_posts"] + [(5, 7, 3, 3, "s", 99, "gone", T0 + 40, _text("x"), "ip"),
                                               (6, 7, 5, 3, "s", 2, "ann", T0 + 50, _text("y"), "ip")]
    path = _both(tmp_path, rows, schema)[kind == "dump"]
    with pytest.raises(ForumDataError) as exc:
        na.read_database(path)
    text = str(exc.value)
    assert "posts.author_id: author unknown to members: 1 row" in text
    assert "1 posts by 1 authors missing from mybb_users (deleted members" in text and "on_error='drop'" in text
    forum = na.read_database(path, on_error="drop")
    dropped = forum.report.dropped
    assert sorted(dropped["key"].astype(int)) == [5, 6]           # the post and the reply below it
    assert set(dropped["table"]) == {"posts"}
    assert "1 posts by 1 authors missing from mybb_users (deleted members)" in forum.report.notes[-1]
    assert 99 not in set(forum.members["member_id"])               # no placeholder member
    assert len(forum.posts) == 3


def test_phpbb_deleted_member_named_with_prefix(tmp_path):
    rows, schema = _phpbb_rows("f2_")
    rows = dict(rows)
    rows["f2_posts"] = rows["f2_posts"] + [(15, 100, 1, 77, "ip", T0 + 400, "", "s", "t", "x")]
    with pytest.raises(ForumDataError, match="missing from f2_users"):
        na.read_database(make_sqlite(tmp_path / "f.db", rows, schema))
