"""Tests of the Stack Exchange dump reader (netanalysis.read_stackexchange)."""
from __future__ import annotations

import os
import re
import types
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

import netanalysis
from netanalysis import ForumDataError, read_stackexchange
from netanalysis.forum import stackexchange as se

SITE = "conlang.meta"
TEXT_ATTRIBUTES = {
    "Body", "Title", "Text", "Comment", "AboutMe", "DisplayName", "OwnerDisplayName", "UserDisplayName",
    "LastEditorDisplayName", "Location", "WebsiteUrl", "ProfileImageUrl", "EmailHash",
}


def _data_root() -> Path:
    candidates = (Path(__file__).resolve().parents[2] / "shared/data/stackexchange",
                  Path("/work/shared/data/stackexchange"))
    for path in candidates:
        if (path / SITE / "Posts.xml").is_file():
            return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"the shared Stack Exchange dumps are required in CI (looked in {', '.join(map(str, candidates))})")
    pytest.skip("the shared Stack Exchange dumps are not on this machine")


@pytest.fixture(scope="module")
def site() -> Path:
    return _data_root() / SITE


# ---------------------------------------------------------------------------
# a tiny dump
# ---------------------------------------------------------------------------
def _xml(root: str, rows: list[dict]) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root}>"]
    for row in rows:
        attrs = " ".join(f'{k}="{v}"' for k, v in row.items())
        lines.append(f"  <row {attrs} />")
    lines.append(f"</{root}>")
    return "\n".join(lines) + "\n"


def _dump(folder: Path, posts, users, comments=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Posts.xml").write_text(_xml("posts", posts), encoding="utf-8")
    (folder / "Users.xml").write_text(_xml("users", users), encoding="utf-8")
    if comments is not None:
        (folder / "Comments.xml").write_text(_xml("comments", comments), encoding="utf-8")
    return folder


def _t(hour: int, day: int = 2) -> str:
    return f"2011-08-{day:02d}T{hour:02d}:24:34.323"


USERS = [
    {"Id": "-1", "CreationDate": _t(0, 1), "DisplayName": "Community"},
    {"Id": "7", "CreationDate": _t(1, 1), "LastAccessDate": _t(5, 9)},
    {"Id": "8", "CreationDate": _t(2, 1)},
    {"Id": "9", "CreationDate": _t(3, 1)},
]


def _small(folder: Path, with_comments: bool = True) -> Path:
    posts = [
        {"Id": "1", "PostTypeId": "1", "CreationDate": _t(10), "OwnerUserId": "7", "Tags": "&lt;tea&gt;&lt;green&gt;"},
        {"Id": "2", "PostTypeId": "2", "ParentId": "1", "CreationDate": _t(11), "OwnerUserId": "8"},
        {"Id": "3", "PostTypeId": "1", "CreationDate": _t(12), "OwnerUserId": "8", "Tags": "|coffee|black|"},
        {"Id": "4", "PostTypeId": "1", "CreationDate": _t(13), "OwnerUserId": "9"},
        {"Id": "5", "PostTypeId": "2", "ParentId": "4", "CreationDate": _t(14), "OwnerUserId": "7"},
        {"Id": "6", "PostTypeId": "4", "CreationDate": _t(15), "OwnerUserId": "-1"},
        {"Id": "7", "PostTypeId": "5", "CreationDate": _t(15), "OwnerUserId": "-1"},
        {"Id": "8", "PostTypeId": "6", "CreationDate": _t(15), "OwnerUserId": "9"},
    ]
    comments = [
        {"Id": "1", "PostId": "2", "CreationDate": _t(11).replace(":24:", ":50:"), "UserId": "7"},
        {"Id": "2", "PostId": "1", "CreationDate": _t(12).replace(":24:", ":50:"), "UserId": "9"},
        {"Id": "5", "PostId": "8", "CreationDate": _t(16), "UserId": "7"},
    ]
    return _dump(folder, posts, USERS, comments if with_comments else None)


def test_small_dump_structure(tmp_path):
    forum = read_stackexchange(_small(tmp_path))
    posts = forum.posts.set_index("post_id")
    assert list(posts.index) == ["p1", "p2", "c1", "p3", "c2", "p4", "p5"]
    assert posts.loc["p2", "reply_to"] == "p1" and posts.loc["p2", "thread_id"] == 1
    assert posts.loc["c1", "reply_to"] == "p2" and posts.loc["c1", "thread_id"] == 1
    assert posts.loc["c2", "reply_to"] == "p1"
    assert pd.isna(posts.loc["p1", "reply_to"]) and pd.isna(posts.loc["p3", "reply_to"])
    # Only questions and answers are posts: types 4, 5, 6 and the comment on the nomination are left out.
    assert not any(pid in posts.index for pid in ("p6", "p7", "p8", "c5"))
    # Users: -1 is not a member; dates are read.
    members = forum.members.set_index("member_id")
    assert sorted(members.index) == [7, 8, 9]
    assert members.loc[7, "joined_at"] == pd.Timestamp(_t(1, 1), tz="UTC")
    assert members.loc[7, "last_seen_at"] == pd.Timestamp(_t(5, 9), tz="UTC")
    assert pd.isna(members.loc[8, "last_seen_at"])
    threads = forum.threads.set_index("thread_id")
    assert list(threads.index) == [1, 3, 4]
    assert threads.loc[4, "author_id"] == 9
    assert threads.loc[1, "created_at"] == pd.Timestamp(_t(10), tz="UTC")
    note = forum.report.notes[-1]
    assert note.startswith("Stack Exchange dump:")
    assert "left out 3 posts of other types (4: 1, 5: 1, 6: 1), 1 comments on them" in note


def test_tags_old_and_new_formats_and_untagged(tmp_path):
    forum = read_stackexchange(_small(tmp_path))
    threads = forum.threads.set_index("thread_id")
    assert threads.loc[1, "subforum_id"] == "tea"       # "<tea><green>"
    assert threads.loc[3, "subforum_id"] == "coffee"    # "|coffee|black|"
    assert pd.isna(threads.loc[4, "subforum_id"])       # no Tags
    subforums = forum.subforums
    assert sorted(subforums["subforum_id"]) == ["coffee", "tea"]
    assert (subforums["name"] == subforums["subforum_id"]).all()
    assert se._first_tag("<a-b><c>") == "a-b" and se._first_tag("|c#|d|") == "c#"
    assert se._first_tag("") is None and se._first_tag("||") is None and se._first_tag(None) is None


def test_no_comments_file(tmp_path):
    forum = read_stackexchange(_small(tmp_path, with_comments=False))
    assert len(forum.posts) == 5
    assert not forum.posts["post_id"].str.startswith("c").any()
    assert "0 comments" in forum.report.notes[-1]


def test_comment_and_post_ids_do_not_collide(tmp_path):
    posts = [{"Id": "1", "PostTypeId": "1", "CreationDate": _t(10), "OwnerUserId": "7"},
             {"Id": "2", "PostTypeId": "2", "ParentId": "1", "CreationDate": _t(11), "OwnerUserId": "8"}]
    comments = [{"Id": "1", "PostId": "1", "CreationDate": _t(12), "UserId": "8"},
                {"Id": "2", "PostId": "2", "CreationDate": _t(13), "UserId": "7"}]
    forum = read_stackexchange(_dump(tmp_path, posts, USERS, comments))
    assert forum.posts["post_id"].tolist() == ["p1", "p2", "c1", "c2"]
    assert forum.posts["reply_to"].tolist()[1:] == ["p1", "p1", "p2"]


def test_community_and_deleted_users(tmp_path):
    posts = [
        {"Id": "1", "PostTypeId": "1", "CreationDate": _t(10), "OwnerDisplayName": "gone"},   # deleted user
        {"Id": "2", "PostTypeId": "2", "ParentId": "1", "CreationDate": _t(11), "OwnerUserId": "8"},
        {"Id": "3", "PostTypeId": "1", "CreationDate": _t(12), "OwnerUserId": "-1"},
        {"Id": "4", "PostTypeId": "1", "CreationDate": _t(13), "OwnerUserId": "7"},
        {"Id": "5", "PostTypeId": "2", "ParentId": "99", "CreationDate": _t(14), "OwnerUserId": "7"},  # orphan
    ]
    comments = [
        {"Id": "1", "PostId": "2", "CreationDate": _t(12), "UserId": "-1"},
        {"Id": "2", "PostId": "1", "CreationDate": _t(12), "UserDisplayName": "gone too"},
        {"Id": "3", "PostId": "1", "CreationDate": _t(13), "UserId": "9"},
        {"Id": "4", "PostId": "77", "CreationDate": _t(13), "UserId": "9"},  # on no known post
    ]
    tables, counts = se.stackexchange_tables(_dump(tmp_path, posts, USERS, comments))
    forum = read_stackexchange(tmp_path)
    # Posts come before comments of the same time (ties keep the input order).
    assert forum.posts["post_id"].tolist() == ["p2", "p4", "c3"]
    # The question of a deleted user: its thread stays, without an author; replies to it lose reply_to.
    assert forum.posts["reply_to"].isna().all()
    threads = forum.threads.set_index("thread_id")
    assert list(threads.index) == [1, 4] and pd.isna(threads.loc[1, "author_id"])
    assert -1 not in set(forum.members["member_id"]) and -1 not in set(forum.posts["author_id"])
    assert counts["community_posts"] == 1 and counts["community_comments"] == 1
    assert counts["ownerless_posts"] == 1 and counts["ownerless_comments"] == 1
    assert counts["orphan_answers"] == 1 and counts["orphan_comments"] == 1
    assert counts["reply_to_left_out"] == 2 and counts["threads_without_posts"] == 1
    assert counts["community_member"] == 1


def test_reply_dated_before_its_target_keeps_thread(tmp_path):
    # A merged question: its answers are older than the question they now belong to.
    posts = [{"Id": "1", "PostTypeId": "1", "CreationDate": _t(12), "OwnerUserId": "7"},
             {"Id": "2", "PostTypeId": "2", "ParentId": "1", "CreationDate": _t(10), "OwnerUserId": "8"}]
    forum = read_stackexchange(_dump(tmp_path, posts, USERS))
    assert forum.posts["post_id"].tolist() == ["p2", "p1"]
    assert forum.posts["reply_to"].isna().all() and (forum.posts["thread_id"] == 1).all()
    assert "1 replies dated before their target" in forum.report.notes[-1]


def test_unknown_author_follows_on_error(tmp_path):
    posts = [{"Id": "1", "PostTypeId": "1", "CreationDate": _t(10), "OwnerUserId": "7"},
             {"Id": "2", "PostTypeId": "2", "ParentId": "1", "CreationDate": _t(11), "OwnerUserId": "42"}]
    _dump(tmp_path, posts, USERS)
    with pytest.raises(ForumDataError, match="author unknown to members"):
        read_stackexchange(tmp_path)
    forum = read_stackexchange(tmp_path, on_error="drop")
    assert forum.posts["post_id"].tolist() == ["p1"]
    assert "Stack Exchange dump:" in forum.report.notes[-1]


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------
def test_malformed_xml_names_file_and_line(tmp_path):
    _small(tmp_path)
    (tmp_path / "Comments.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<comments>\n'
        '  <row Id="1" PostId="2" CreationDate="2011-08-02T12:00:00.000" UserId="7" />\n'
        '  <row Id="2" PostId="2" CreationDate="2011-08-02T13:00:00.000 UserId="7" />\n'
        "</comments>\n", encoding="utf-8")
    with pytest.raises(ForumDataError) as info:
        read_stackexchange(tmp_path)
    msg = str(info.value)
    assert "Comments.xml" in msg and "line 4" in msg and str(tmp_path) in msg
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_truncated_xml(tmp_path):
    _small(tmp_path)
    text = (tmp_path / "Users.xml").read_text()
    (tmp_path / "Users.xml").write_text(text[: len(text) // 2])
    with pytest.raises(ForumDataError, match=r"malformed XML in Users\.xml at line \d+"):
        read_stackexchange(tmp_path)


def test_missing_files_and_wrong_root(tmp_path):
    _small(tmp_path)
    (tmp_path / "Posts.xml").rename(tmp_path / "Other.xml")
    with pytest.raises(ForumDataError, match=re.escape(str(tmp_path / "Posts.xml"))):
        read_stackexchange(tmp_path)
    (tmp_path / "Other.xml").rename(tmp_path / "Posts.xml")
    (tmp_path / "Users.xml").unlink()
    with pytest.raises(ForumDataError, match=re.escape(str(tmp_path / "Users.xml"))):
        read_stackexchange(tmp_path)
    with pytest.raises(ForumDataError, match="no Stack Exchange dump folder"):
        read_stackexchange(tmp_path / "nowhere")
    (tmp_path / "Users.xml").write_text(_xml("badges", [{"Id": "1"}]))
    with pytest.raises(ForumDataError, match="root element <badges>"):
        read_stackexchange(tmp_path)


# ---------------------------------------------------------------------------
# privacy: no text attribute is read
# ---------------------------------------------------------------------------
def test_sentinel_in_text_attributes_appears_nowhere(tmp_path):
    secret = "SENTINEL-7f3a"
    text = {a: secret for a in TEXT_ATTRIBUTES}
    posts = [{"Id": "1", "PostTypeId": "1", "CreationDate": _t(10), "OwnerUserId": "7", "Tags": "&lt;tea&gt;", **text},
             {"Id": "2", "PostTypeId": "2", "ParentId": "1", "CreationDate": _t(11), "OwnerUserId": "8", **text},
             {"Id": "3", "PostTypeId": "2", "ParentId": "1", "CreationDate": _t(12), **text}]
    comments = [{"Id": "1", "PostId": "2", "CreationDate": _t(12), "UserId": "7", **text},
                {"Id": "2", "PostId": "2", "CreationDate": _t(13), **text}]
    users = [{**u, **text} for u in USERS]
    forum = read_stackexchange(_dump(tmp_path, posts, users, comments))
    assert len(forum.posts) == 3
    for name, table in forum.tables().items():
        cells = [str(v) for v in table.to_numpy(dtype=object).ravel()] + [str(c) for c in table.columns]
        assert not any(secret in c for c in cells), name
    assert secret not in str(forum.report) and secret not in repr(forum.summary())


class _Spy:
    """An element that records the attributes looked up and offers nothing
    else (no ``attrib``, ``items``, ``keys``)."""

    __slots__ = ("_e", "_seen")

    def __init__(self, elem, seen):
        self._e, self._seen = elem, seen

    @property
    def tag(self):
        return self._e.tag

    def get(self, key, default=None):
        self._seen.add(key)
        return self._e.get(key, default)

    def clear(self):
        self._e.clear()


def test_only_structural_attributes_are_looked_up(site, monkeypatch):
    seen: set[str] = set()

    def iterparse(source, events=None):
        for event, elem in ET.iterparse(source, events=events):
            yield event, _Spy(elem, seen)

    monkeypatch.setattr(se, "ET", types.SimpleNamespace(iterparse=iterparse, ParseError=ET.ParseError))
    forum = read_stackexchange(site)
    assert len(forum.posts) > 0
    allowed = set().union(*se.READ_ATTRIBUTES.values())
    assert seen <= allowed and not seen & TEXT_ATTRIBUTES
    assert {"Id", "PostTypeId", "ParentId", "OwnerUserId", "Tags", "PostId", "UserId"} <= seen


# ---------------------------------------------------------------------------
# a real dump, against counts taken straight from the XML
# ---------------------------------------------------------------------------
def _attr(line: str, name: str) -> str | None:
    m = re.search(rf'\s{name}="([^"]*)"', line)
    return m.group(1) if m else None


def _rows(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("<row ")]


def test_real_dump_counts(site):
    post_rows = _rows(site / "Posts.xml")
    kind = {_attr(r, "Id"): (_attr(r, "PostTypeId"), _attr(r, "ParentId"), _attr(r, "OwnerUserId"))
            for r in post_rows}
    questions = {i for i, (t, _, _) in kind.items() if t == "1"}
    answers = {i for i, (t, parent, _) in kind.items() if t == "2" and parent in questions}
    thread_of = {i: (i if i in questions else kind[i][1]) for i in questions | answers}
    authored = lambda owner: owner is not None and owner != "-1"  # noqa: E731
    kept_posts = [i for i in questions | answers if authored(kind[i][2])]
    comment_rows = _rows(site / "Comments.xml")
    kept_comments = [r for r in comment_rows if _attr(r, "PostId") in thread_of and authored(_attr(r, "UserId"))]
    user_rows = _rows(site / "Users.xml")

    forum = read_stackexchange(site)
    posts = forum.posts
    assert len(posts) == len(kept_posts) + len(kept_comments)
    assert posts["post_id"].str.startswith("c").sum() == len(kept_comments)
    assert posts["post_id"].str.startswith("p").sum() == len(kept_posts)
    threads = {thread_of[i] for i in kept_posts} | {thread_of[_attr(r, "PostId")] for r in kept_comments}
    assert len(forum.threads) == len(threads)
    assert set(forum.threads["thread_id"]) == {int(t) for t in threads}
    assert len(forum.members) == sum(_attr(r, "Id") != "-1" for r in user_rows)
    assert -1 not in set(forum.members["member_id"])
    assert -1 not in set(posts["author_id"])
    # The shared copy's README: 54 questions, 115 answers, 230 comments in conlang.meta.
    assert (len(questions), len(answers), len(comment_rows)) == (54, 115, 230)
    assert forum.report.ok or not forum.report.problems


def test_real_dump_without_comments_file():
    site = _data_root() / "music.meta"
    assert not (site / "Comments.xml").exists()
    forum = read_stackexchange(site)
    assert len(forum.posts) > 0 and not forum.posts["post_id"].str.startswith("c").any()


def test_exported():
    assert netanalysis.read_stackexchange is read_stackexchange
    assert "read_stackexchange" in netanalysis.__all__
    assert netanalysis.forum.read_stackexchange is read_stackexchange


def test_chunked_reading_gives_the_same_forum(tmp_path, monkeypatch):
    _small(tmp_path)
    whole = read_stackexchange(tmp_path)
    monkeypatch.setattr(se, "_CHUNK", 2)
    chunked = read_stackexchange(tmp_path)
    for name in ("posts", "threads", "subforums", "members"):
        pd.testing.assert_frame_equal(whole.table(name), chunked.table(name))


def test_empty_comments_and_bad_rows_do_not_crash(tmp_path):
    _small(tmp_path)
    (tmp_path / "Comments.xml").write_text("<comments />")
    forum = read_stackexchange(tmp_path)
    assert len(forum.posts) == 5
    posts = (tmp_path / "Posts.xml").read_text()
    # A duplicate Id and a post without a date: validation problems, named with the dump's folder.
    row = '  <row Id="2" PostTypeId="2" ParentId="3" OwnerUserId="9" />\n'
    (tmp_path / "Posts.xml").write_text(posts.replace("</posts>", row + "</posts>"))
    with pytest.raises(ForumDataError, match="duplicate post_id") as info:
        read_stackexchange(tmp_path)
    assert info.value.source == str(tmp_path) and "missing value" in str(info.value)
    forum = read_stackexchange(tmp_path, on_error="drop")
    assert set(forum.report.dropped["key"]) >= {"p2"}
    (tmp_path / "Posts.xml").write_text("<posts>\n</posts>\n")
    with pytest.raises(ForumDataError, match="empty dataset"):
        read_stackexchange(tmp_path)
