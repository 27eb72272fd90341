"""read_forum on bad and unusual input (issue 18, the records stage): every
bad input gives one ForumDataError naming table, column and rows; nothing is
lost, replaced or guessed without being told."""
from __future__ import annotations

import time
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from netanalysis import ForumDataError, read_forum, write_forum
from netanalysis.forum import validate

from test_forum_validation import base_tables


def error_of(source, **kw) -> ForumDataError:
    with pytest.raises(ForumDataError) as info:
        read_forum(source, **kw)
    return info.value


def edit(path, old, new, count=1):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


def chain_posts(n, bad=1):
    """n posts in one thread, each answering the one before; post ``bad``
    has an unparseable time."""
    t0 = pd.Timestamp("2020-01-01", tz="UTC")
    times = (t0 + pd.to_timedelta(np.arange(n), unit="s")).strftime("%Y-%m-%dT%H:%M:%SZ").tolist()
    times[bad] = "garbage"
    return pd.DataFrame({"post_id": np.arange(n), "thread_id": 1, "author_id": np.arange(n) % 7,
                         "created_at": times, "reply_to": pd.array([None] + list(range(n - 1)), dtype="Int64")})


# -- defect 4: compact ISO dates, numeric time units, time span -----------------------
def test_compact_dates_are_refused_not_read_as_seconds(valid_dataset):
    posts = pd.read_csv(valid_dataset / "posts.csv", dtype=str, keep_default_na=False)
    posts["created_at"] = posts["created_at"].str.slice(0, 10).str.replace("-", "")   # 20120101
    posts.to_csv(valid_dataset / "posts.csv", index=False)
    for mode in ("raise", "drop"):
        err = error_of(valid_dataset, on_error=mode)
        assert "posts.created_at: numbers that read as compact dates (YYYYMMDD)" in str(err)
        assert "time_unit='s'" in str(err) and "time_format='%Y%m%d'" in str(err)
    f = read_forum(valid_dataset, time_format={"posts": "%Y%m%d"})
    assert f.posts["created_at"].min() == pd.Timestamp("2012-01-01", tz="UTC")
    assert f.posts["created_at"].max() == pd.Timestamp("2012-01-03", tz="UTC")
    f = read_forum(valid_dataset, time_unit="s")            # explicitly asked for: Unix seconds
    assert f.posts["created_at"].min().year == 1970
    span = f.report.time_spans.set_index(["table", "column"]).loc[("posts", "created_at")]
    assert span["read_as"] == "Unix seconds" and span["first"].year == 1970


def test_compact_dates_in_a_dataframe_and_milliseconds():
    t = base_tables()
    t["posts"] = t["posts"].assign(created_at=[20120101, 20120101, 20120101, 20120102, 20120102, 20120103, 20120103])
    assert "compact dates" in str(error_of(t))
    ms = pd.Timestamp("2012-01-01", tz="UTC").value // 10**6
    t["posts"] = t["posts"].assign(created_at=[ms + i * 3_600_000 for i in (0, 1, 2, 24, 25, 48, 50)])
    err = error_of(t)
    assert "too large for Unix seconds" in str(err) and "time_unit='ms'" in str(err)
    f = read_forum(t, time_unit={"posts.created_at": "ms"})
    assert f.posts["created_at"].iloc[0] == pd.Timestamp("2012-01-01", tz="UTC")
    # small numbers stay Unix seconds, as documented
    assert read_forum(base_tables()).members["joined_at"].iloc[0] == pd.Timestamp("2011-01-01", tz="UTC")
    with pytest.raises(ValueError, match="time_unit"):
        read_forum(t, time_unit="minutes")
    with pytest.raises(ValueError, match="not a table or a time column"):
        read_forum(t, time_unit={"posts.post_id": "s"})


def test_time_span_is_reported(valid_dataset):
    f = read_forum(valid_dataset)
    spans = f.report.time_spans.set_index(["table", "column"])
    posts = spans.loc[("posts", "created_at")]
    assert posts["first"] == pd.Timestamp("2012-01-01", tz="UTC")
    assert posts["last"] == pd.Timestamp("2012-01-03T02:00", tz="UTC")
    assert posts["values"] == 7 and posts["read_as"] == "ISO 8601 text"
    assert ("members", "joined_at") in spans.index
    assert "times: posts.created_at from 2012-01-01 00:00:00+00:00 to 2012-01-03 02:00:00+00:00" in str(f.report)
    assert f.report.ok


# -- defect 5: a linear drop cascade; detached orphans ---------------------------------
def test_drop_cascade_is_linear_and_records_every_row():
    n = 100_000
    start = time.perf_counter()
    f = read_forum({"posts": chain_posts(n)}, on_error="drop")
    elapsed = time.perf_counter() - start
    # Before the fix the cascade took depth x table size: 16,000 posts 22 s,
    # 100,000 posts more than ten minutes; now well under a second.
    assert elapsed < 10, elapsed
    assert f.posts["post_id"].tolist() == [0]
    d = f.report.dropped
    assert len(d) == n - 1 and d["row"].is_unique and set(d["row"]) == set(range(1, n))
    assert d.set_index("row").loc[1, "problem"].startswith("unparseable timestamp")
    assert set(d["problem"][d["row"] > 1]) == {"reply to a post that does not exist"}


def test_detached_orphans_keep_their_posts():
    f = read_forum({"posts": chain_posts(1000, bad=10)}, on_error="drop", orphans="detach")
    assert len(f.posts) == 999 and 10 not in set(f.posts["post_id"])
    p = f.posts.set_index("post_id")["reply_to"]
    assert pd.isna(p.loc[11]) and p.loc[12] == 11              # the child loses reply_to, the rest stay
    assert f.report.dropped["row"].tolist() == [10]
    c = f.report.cleared
    assert c[["table", "row", "key", "column"]].values.tolist() == [["posts", 11, 11, "reply_to"]]
    assert not f.report.ok and "cleared: reply_to of 1 post" in str(f.report)
    # an orphan of a post dropped by another check is detached too
    t = base_tables()
    t["posts"] = t["posts"].assign(author_id=[100, 555, 100, 101, 103, 102, 101], reply_to=[None, 1, 2, None, 4, None, 6])
    f = read_forum(t, on_error="drop", orphans="detach")
    assert f.report.dropped["key"].tolist() == [2]
    assert pd.isna(f.posts.set_index("post_id").loc[3, "reply_to"])
    assert f.report.cleared["key"].tolist() == [3]
    with pytest.raises(ValueError, match="orphans"):
        read_forum(t, on_error="drop", orphans="keep")


def test_cascade_drops_whole_subtrees_in_drop_mode():
    t = base_tables()
    # 1 <- 2 <- 3 (same thread); post 1 has an unknown author
    t["posts"] = t["posts"].assign(author_id=[555, 101, 100, 101, 103, 102, 101], reply_to=[None, 1, 2, None, 4, None, 6])
    f = read_forum(t, on_error="drop")
    assert f.posts["post_id"].tolist() == [4, 5, 6, 7]
    d = f.report.dropped.set_index("key")["problem"]
    assert d.loc[1] == "author unknown to members"
    assert d.loc[2] == d.loc[3] == "reply to a post that does not exist"


# -- defect 5b: blank optional typed fields are missing for that row -------------------
def test_blank_optional_fields_in_csv_are_missing(valid_dataset):
    edit(valid_dataset / "subforums.csv", "introductions,0", "introductions,")
    members = (valid_dataset / "members.csv").read_text().splitlines()
    head = members[0].split(",")
    rows = [r.split(",") for r in members[1:]]
    rows[0][head.index("rank_level")] = ""
    rows[1][head.index("is_staff")] = ""
    rows[2][head.index("joined_at")] = "  "
    rows[3][head.index("status")] = ""
    (valid_dataset / "members.csv").write_text("\n".join([",".join(head)] + [",".join(r) for r in rows]) + "\n")
    f = read_forum(valid_dataset)
    assert f.report.ok
    assert pd.isna(f.subforums["min_rank"].iloc[0]) and f.subforums["min_rank"].iloc[1] == 1
    m = f.members
    assert pd.isna(m["rank_level"].iloc[0]) and m["rank_level"].iloc[1] == 1
    assert pd.isna(m["is_staff"].iloc[1]) and m["is_staff"].iloc[0]
    assert pd.isna(m["joined_at"].iloc[2]) and pd.isna(m["status"].iloc[3])


def test_blank_optional_fields_in_parquet_are_missing(tmp_path):
    out = write_forum(read_forum(base_tables()), tmp_path / "pq", format="parquet")
    members = pa.table({
        "member_id": pa.array([100, 101, 102, 103], pa.int64()),
        "rank_level": pa.array([3, None, 1, None], pa.int64()),
        "is_staff": pa.array([True, None, False, None], pa.bool_()),
        "status": pa.array(["admin", "", None, "new"]),
        "joined_at": pa.array(["2011-01-01T00:00:00Z", "", None, " "]),
    })
    pq.write_table(members, out / "members.parquet")
    pq.write_table(pa.table({"subforum_id": [1, 2], "min_rank": pa.array([None, 1], pa.int64()),
                             "category": ["introductions", ""]}), out / "subforums.parquet")
    f = read_forum(out)
    assert f.report.ok
    assert f.members["rank_level"].isna().tolist() == [False, True, False, True]
    assert f.members["is_staff"].isna().tolist() == [False, True, False, True]
    assert f.members["status"].isna().tolist() == [False, True, True, False]
    assert f.members["joined_at"].isna().tolist() == [False, True, True, True]
    assert f.subforums["category"].isna().tolist() == [False, True]


# -- defect 6: drop mode with missing values in two id columns of one table -------------
def test_drop_mode_with_missing_values_in_two_id_columns():
    t = base_tables()
    t["posts"] = t["posts"].assign(
        post_id=pd.array([1, 2, None, 4, 5, 6, 7], dtype="Int64"),
        author_id=pd.array([100, 101, 100, None, 103, 102, 101], dtype="Int64"),
        reply_to=[None, 1, None, None, None, None, 6])
    t["messages"] = t["messages"].assign(sender_id=pd.array([None, 103], dtype="Int64"),
                                         recipient_id=pd.array([101, None], dtype="Int64"))
    f = read_forum(t, on_error="drop")
    assert f.posts["post_id"].tolist() == [1, 2, 5, 6, 7]
    d = f.report.dropped
    assert sorted(zip(d["table"], d["row"], d["column"])) == [
        ("messages", 0, "sender_id"), ("messages", 1, "recipient_id"),
        ("posts", 2, "post_id"), ("posts", 3, "author_id")]
    assert d.set_index(["table", "row"]).loc[("posts", 3), "key"] == 4     # keys are typed ids


# -- defect 9: text ids that look like missing-value markers --------------------------
def test_na_like_text_ids_are_ids(valid_dataset):
    posts = pd.read_csv(valid_dataset / "posts.csv", dtype=str, keep_default_na=False)
    posts["author_id"] = ["NA", "null", "None", "nan", "N/A", "NULL", "NA"]
    posts.to_csv(valid_dataset / "posts.csv", index=False)
    for name in ("members", "threads", "messages"):
        (valid_dataset / f"{name}.csv").unlink()
    f = read_forum(valid_dataset)
    assert f.report.ok
    assert sorted(f.members["member_id"]) == sorted(["NA", "null", "None", "nan", "N/A", "NULL"])
    assert f.posts["author_id"].tolist() == ["NA", "null", "None", "nan", "N/A", "NULL", "NA"]
    # an empty field is the one missing value
    edit(valid_dataset / "posts.csv", "\n2,10,null,", "\n2,10,,")
    assert "posts.author_id: missing value: 1 row (rows 1) at line 3 of posts.csv" in str(error_of(valid_dataset))


# -- defect 10: duplicated CSV column names ------------------------------------------
def test_duplicated_csv_column_is_detected(valid_dataset):
    edit(valid_dataset / "posts.csv", "post_id,thread_id,author_id,created_at,reply_to",
         "post_id,thread_id,author_id,created_at,author_id")
    err = error_of(valid_dataset)
    assert "posts.author_id: column appears more than once (header fields 3, 5 of posts.csv" in str(err)
    assert len(err.problems) == 1


# -- defect 13: Parquet id types that cannot hold ids ---------------------------------
def test_parquet_unsupported_id_types_are_refused_by_name(tmp_path):
    out = write_forum(read_forum(base_tables()), tmp_path / "pq", format="parquet")
    posts = pq.read_table(out / "posts.parquet")
    big = posts.set_column(0, "post_id", pa.array([1, 2, 3, 4, 5, 6, 2**63 + 7], pa.uint64()))
    pq.write_table(big, out / "posts.parquet")
    err = error_of(out)
    assert "posts.post_id: unsigned 64-bit values of 2**63 or more are not supported" in str(err)
    assert "(rows 6)" in str(err)
    lists = posts.set_column(2, "author_id", pa.array([[100]] * 7, pa.list_(pa.int64())))
    pq.write_table(lists, out / "posts.parquet")
    assert "posts.author_id: a list column (Parquet type list<element: int64>) cannot hold ids" in str(error_of(out))
    structs = posts.set_column(1, "thread_id", pa.array([{"a": 1}] * 7))
    pq.write_table(structs, out / "posts.parquet")
    assert "posts.thread_id: a struct column" in str(error_of(out))
    # small uint64 ids are integers
    pq.write_table(posts.set_column(0, "post_id", pa.array(range(1, 8), pa.uint64())), out / "posts.parquet")
    assert read_forum(out).posts["post_id"].dtype == np.int64


def test_dataframe_list_values_are_refused():
    t = base_tables()
    t["posts"] = t["posts"].assign(author_id=[[100], 101, 100, 101, 103, 102, 101])
    err = error_of(t)
    assert "posts.author_id: values of type list cannot hold ids" in str(err) and "(rows 0)" in str(err)


# -- defect 17: one canonicalisation rule for numeric ids ------------------------------
def test_numeric_id_canonical_form():
    t = base_tables()
    del t["members"], t["messages"]
    # "1.0" is 1 whether or not every id of the kind is an integer
    t["posts"] = t["posts"].assign(reply_to=[None, "1.0", None, None, "4", None, "6.0"])
    f = read_forum(t)
    assert f.posts["reply_to"].tolist()[1] == 1
    t["posts"] = t["posts"].assign(post_id=["1", "2", "3", "x4", "5", "6", "7"],
                                   reply_to=[None, "1.0", None, None, "x4", None, "6.0"])
    f = read_forum(t)
    assert f.posts["reply_to"].tolist() == [None, "1", None, None, "x4", None, "6"] or \
        f.posts["reply_to"].astype(object).where(f.posts["reply_to"].notna(), None).tolist() == \
        [None, "1", None, None, "x4", None, "6"]
    # "-0" is not 0, "007" is not 7
    posts = pd.DataFrame({"post_id": ["0", "-0", "007", "7"], "thread_id": 1, "author_id": 1,
                          "created_at": ["2012-01-01"] * 4})
    f = read_forum({"posts": posts})
    assert f.posts["post_id"].tolist() == ["0", "-0", "007", "7"]
    # numbers that are whole are the integer they hold, in an integer or a text kind
    posts = pd.DataFrame({"post_id": [1.0, 2.0], "thread_id": 1, "author_id": [3.0, "ann"],
                          "created_at": ["2012-01-01"] * 2})
    f = read_forum({"posts": posts})
    assert f.posts["post_id"].dtype == np.int64 and f.members["member_id"].tolist() == ["3", "ann"]


# -- defect 18: messages with a place -------------------------------------------------
def test_year_1600_is_out_of_range_and_droppable(valid_dataset):
    edit(valid_dataset / "posts.csv", "2012-01-01T01:00:00Z", "1600-01-01T01:00:00Z")
    err = error_of(valid_dataset)
    assert ("posts.created_at: timestamp out of the supported range (1677-09-21 to 2262-04-11): "
            "1 row (rows 1) at line 3 of posts.csv") in str(err)
    f = read_forum(valid_dataset, on_error="drop")
    assert len(f.posts) == 6 and f.report.dropped["row"].tolist() == [1]
    assert f.report.dropped["line"].tolist() == [3]
    t = base_tables()
    t["posts"] = t["posts"].assign(created_at=pd.to_datetime(["1600-01-01"] * 7).as_unit("s"))
    assert "out of the supported range" in str(error_of(t))


@pytest.mark.parametrize("delimiter, word", [(";", "semicolon"), ("\t", "tab")])
def test_other_delimiters_are_named(valid_dataset, delimiter, word):
    text = (valid_dataset / "posts.csv").read_text().replace(",", delimiter)
    (valid_dataset / "posts.csv").write_text(text)
    err = error_of(valid_dataset)
    assert f"the file seems {word}-delimited; tables must be comma-separated" in str(err)
    assert len(err.problems) == 1


def test_header_with_spaces_is_named(valid_dataset):
    edit(valid_dataset / "posts.csv", ",author_id,", ", author_id ,")
    err = error_of(valid_dataset)
    assert "posts.author_id: header field 3 of posts.csv (line 1) is ' author_id ', with surrounding spaces" in str(err)


def test_latin1_bytes_name_column_and_row(valid_dataset):
    data = (valid_dataset / "members.csv").read_bytes().replace(b",member,", ",m\xe9mber,".encode("latin-1"), 1)
    (valid_dataset / "members.csv").write_bytes(data)
    err = error_of(valid_dataset)
    assert "members.status: not valid utf-8 text" in str(err)
    assert "1 row (rows 1) at line 3 of members.csv" in str(err)
    f = read_forum(valid_dataset, encoding="latin-1")
    assert f.members["status"].iloc[1] == "m\xe9mber"


def test_a_5_mib_field_is_read(valid_dataset):
    posts = pd.read_csv(valid_dataset / "posts.csv", dtype=str, keep_default_na=False)
    posts["body"] = ""
    posts.loc[3, "body"] = "x" * (5 << 20)
    posts.to_csv(valid_dataset / "posts.csv", index=False)
    f = read_forum(valid_dataset)
    assert len(f.posts) == 7 and "body" not in f.posts
    # in an id column it is named, and droppable
    posts.loc[3, "author_id"] = "x" * (5 << 20)
    posts.to_csv(valid_dataset / "posts.csv", index=False)
    (valid_dataset / "members.csv").unlink()
    (valid_dataset / "threads.csv").unlink()
    (valid_dataset / "messages.csv").unlink()
    err = error_of(valid_dataset)
    assert "posts.author_id: id longer than 1024 characters: 1 row (rows 3) at line 5 of posts.csv" in str(err)
    assert len(read_forum(valid_dataset, on_error="drop").posts) == 5            # post 4 and post 5 answering it


def test_line_numbers_follow_multiline_fields(valid_dataset):
    posts = pd.read_csv(valid_dataset / "posts.csv", dtype=str, keep_default_na=False)
    posts["body"] = ["one\ntwo\nthree", "", "a\nb", "", "", "", ""]
    posts.loc[5, "reply_to"] = "999"
    posts.to_csv(valid_dataset / "posts.csv", index=False)
    err = error_of(valid_dataset)
    # data row 5 starts on line 10: header 1, row 0 on lines 2-4, row 2 on lines 5-6...
    assert "posts.reply_to: reply to a post that does not exist: 1 row (rows 5) at line 10 of posts.csv" in str(err)
    assert "rows are 0-based data rows" in str(err) and "line 1: the header" in str(err)
    assert err.problems[0].lines == (10,) and err.problems[0].rows == (5,)


def test_malformed_csv_records(valid_dataset):
    lines = (valid_dataset / "posts.csv").read_text().splitlines()
    lines[3] += ",SECRET-CONTENT"
    (valid_dataset / "posts.csv").write_text("\n".join(lines) + "\n")
    err = error_of(valid_dataset)
    assert "posts: records with 6 fields where the header has 5: 1 row (rows 2) at line 4 of posts.csv" in str(err)
    assert "SECRET" not in str(err)
    lines[3] = lines[3].replace(",SECRET-CONTENT", "") + ',"unclosed'
    (valid_dataset / "posts.csv").write_text("\n".join(lines) + "\n")
    assert "never closed" in str(error_of(valid_dataset)) or "fields where the header has" in str(error_of(valid_dataset))
    (valid_dataset / "posts.csv").write_text("")
    assert "posts.csv is empty" in str(error_of(valid_dataset))


# -- defect 20: links out of the dataset; no content in messages ------------------------
def test_symlink_out_of_the_dataset_is_not_followed(valid_dataset, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    (valid_dataset / "posts.csv").rename(outside)
    (valid_dataset / "posts.csv").symlink_to(outside)
    err = error_of(valid_dataset)
    assert "posts.csv is a symbolic link to a file outside the dataset folder" in str(err)
    assert len(read_forum(valid_dataset, follow_links=True).posts) == 7
    # a link inside the folder is fine
    (valid_dataset / "posts.csv").unlink()
    (valid_dataset / "sub").mkdir()
    outside.rename(valid_dataset / "sub" / "p.csv")
    (valid_dataset / "posts.csv").symlink_to(valid_dataset / "sub" / "p.csv")
    assert len(read_forum(valid_dataset).posts) == 7
    (valid_dataset / "posts.csv").unlink()
    (valid_dataset / "posts.csv").mkdir()
    assert "posts.csv is a folder" in str(error_of(valid_dataset))


def test_no_file_content_in_messages(valid_dataset):
    edit(valid_dataset / "posts.csv", "2012-01-01T01:00:00Z", "SECRET-1")
    edit(valid_dataset / "members.csv", "admin", "SECRET-2")
    edit(valid_dataset / "members.csv", ",3,", ",SECRET-3,")
    err = error_of(valid_dataset)
    assert "SECRET" not in str(err)
    assert "posts.created_at: unparseable timestamp" in str(err) and "members.rank_level: not an integer" in str(err)
    edit(valid_dataset / "threads.csv", "\n12,2,", "\n12,SECRET-4,SECRET-5,")    # one field too many
    err = error_of(valid_dataset)
    assert "threads: records with 5 fields where the header has 4" in str(err)
    assert "SECRET" not in str(err)


# -- defect 21: reply cycles; ids that differ only by spaces or Unicode form -------------
def _cycle_tables():
    """Posts 2 and 3 at one instant, answering each other; post 8 answers 3."""
    t = base_tables()
    posts = t["posts"].copy()
    posts.loc[1, "created_at"] = posts.loc[2, "created_at"]           # posts 2 and 3 at one instant
    posts["reply_to"] = [None, 3, 2, None, 4, None, 6]
    posts = pd.concat([posts, pd.DataFrame({"post_id": [8], "thread_id": [10], "author_id": [100],
                                            "created_at": ["2012-01-04T00:00:00Z"], "reply_to": [3]})])
    t["posts"] = posts
    return t


def test_reply_cycle_at_the_same_instant_is_an_error():
    t = _cycle_tables()
    err = error_of(t)
    (p,) = err.problems
    assert (p.table, p.column, p.rows, p.count) == ("posts", "reply_to", (1, 2), 2)
    assert ("posts.reply_to: reply cycle: posts of the same time that answer each other, directly or through "
            "others (one of them must have been written first): 2 rows (rows 1, 2)") in str(err)
    # a reply to a simultaneous post that is no cycle is valid
    ok = t["posts"].assign(reply_to=[None, 3, None, None, 4, None, 6, 3])
    f = read_forum({**t, "posts": ok})
    assert not f.report.warnings and not f.report.problems


def test_reply_cycle_in_drop_mode_is_dropped_and_recorded():
    t = _cycle_tables()
    f = read_forum(t, on_error="drop")                                 # the cycle and the post below it
    d = f.report.dropped
    assert sorted(d["key"]) == [2, 3, 8] and len(f.posts) == 5
    assert set(d.loc[d["key"].isin([2, 3]), "problem"]) == {validate.CYCLE}
    assert d.loc[d["key"] == 8, "problem"].tolist() == ["reply to a post that does not exist"]
    assert (d["table"] == "posts").all() and (d["column"] == "reply_to").all()
    assert not f.report.warnings
    f = read_forum(t, on_error="drop", orphans="detach")
    assert sorted(f.report.dropped["key"]) == [2, 3] and f.report.cleared["key"].tolist() == [8]


def test_reply_cycle_as_a_warning(monkeypatch):
    monkeypatch.setattr(validate, "REPLY_CYCLES", "warning")
    t = _cycle_tables()
    for mode in ("raise", "drop"):
        f = read_forum(t, on_error=mode)
        (w,) = f.report.warnings
        assert (w.table, w.column, w.rows) == ("posts", "reply_to", (1, 2))
        assert "warning: posts.reply_to: reply cycle: posts of the same time that answer each other" in str(f.report)
        assert len(f.posts) == 8


def test_a_long_same_time_cycle_is_caught():
    n = 50_000
    posts = pd.DataFrame({"post_id": np.arange(n), "thread_id": 1, "author_id": 1,
                          "created_at": "2012-01-01T00:00:00Z", "reply_to": (np.arange(n) + 1) % n})
    posts.loc[n - 1, "reply_to"] = 0
    posts = pd.concat([posts, pd.DataFrame({"post_id": [n], "thread_id": 1, "author_id": 1,
                                            "created_at": "2012-01-01T00:00:00Z", "reply_to": [5]})])
    (p,) = error_of({"posts": posts}).problems
    assert p.count == n and "reply cycle" in p.problem                # the post hanging off it is no part of it
    f = read_forum({"posts": posts}, on_error="drop", orphans="detach")
    assert len(f.report.dropped) == n and f.report.cleared["key"].tolist() == [n]


def test_id_variants_are_warned():
    nfd = unicodedata.normalize("NFD", "jos\u00e9")
    posts = pd.DataFrame({"post_id": [1, 2, 3, 4, 5], "thread_id": 1,
                          "author_id": ["ann", "ann ", "jos\u00e9", nfd, "bob"],
                          "created_at": ["2012-01-01"] * 5})
    f = read_forum({"posts": posts})
    assert len(f.members) == 5                                         # kept distinct
    (w,) = f.report.warnings
    assert (w.table, w.column, w.rows) == ("posts", "author_id", (0, 1, 2, 3))
    assert "surrounding spaces or Unicode normal form" in str(f.report)
    assert not read_forum({"posts": posts.iloc[[0, 2, 4]]}).report.warnings


# -- defect 14: every dropped row is recorded ------------------------------------------
def test_dropped_rows_are_recorded_with_lines(valid_dataset):
    edit(valid_dataset / "posts.csv", "2012-01-01T01:00:00Z", "never")               # row 1: post 2, replied to by none
    edit(valid_dataset / "threads.csv", "\n12,2,", "\n12,9,")                        # thread 12: posts 6, 7
    f = read_forum(valid_dataset, on_error="drop")
    d = f.report.dropped
    assert list(d.columns) == ["table", "row", "key", "column", "problem", "line"]
    assert len(d[d["table"] == "posts"]) == 7 - len(f.posts)
    assert sorted(zip(d["table"], d["key"], d["line"])) == [
        ("posts", 2, 3), ("posts", 6, 7), ("posts", 7, 8), ("threads", 12, 4)]
    assert str(d["line"].dtype) == "Int64"
    # DataFrames have no lines
    t = base_tables()
    t["posts"] = t["posts"].assign(author_id=[100, 555, 100, 101, 103, 102, 101])
    assert read_forum(t, on_error="drop").report.dropped["line"].isna().all()


# -- every bad file: one ForumDataError, never a raw traceback ---------------------------
BAD_FILES = {
    "binary garbage": b"\x00\x01\x02\xff\xfe" * 100,
    "only a header": b"post_id,thread_id,author_id,created_at\n",
    "header only spaces": b"   \n1,2\n",
    "utf-16": "post_id,thread_id,author_id,created_at\n1,1,1,2012-01-01\n".encode("utf-16"),
    "quotes": b'post_id,thread_id,author_id,created_at\n"1,1,1,2012-01-01\n',
    "bom": b"\xef\xbb\xbfpost_id,thread_id,author_id,created_at\n1,1,1,2012-01-01\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_give_one_forum_data_error(tmp_path, name):
    (tmp_path / "posts.csv").write_bytes(BAD_FILES[name])
    if name == "bom":
        assert len(read_forum(tmp_path).posts) == 1
        return
    err = error_of(tmp_path)
    assert err.problems and all(p.table == "posts" for p in err.problems)


def test_bad_gzip_and_parquet(tmp_path):
    (tmp_path / "posts.csv.gz").write_bytes(b"not gzip at all")
    assert "posts: cannot read posts.csv.gz" in str(error_of(tmp_path))
    (tmp_path / "posts.csv.gz").unlink()
    (tmp_path / "posts.parquet").write_bytes(b"PAR1" + b"\x00" * 50 + b"PAR1")
    assert "posts: cannot read posts.parquet" in str(error_of(tmp_path))
