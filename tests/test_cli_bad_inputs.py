"""A table of bad inputs through `netanalysis validate` and `netanalysis
analyze`, each in a subprocess (issue 18).

For every bad input: exit code 2; one message naming the table, column and
rows (or the path or option); no traceback; nothing written into the input
folder; no output, lock or temporary folder left behind (an output that
existed before is left as it was).

The tiny preset is generated once; each case edits a copy. (Expected words
must not occur in the case's id: it is part of the paths in the messages.) All the runs are
made up front by a small pool of subprocesses (most bad inputs fail while
reading, in about a second), then each case asserts on its own results.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

ENV = {**os.environ, "PYTHONFAULTHANDLER": "0", "NUMBA_NUM_THREADS": "1"}
TIMEOUT = 120


def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netanalysis.cli", *args], capture_output=True, text=True,
                          timeout=TIMEOUT, cwd=cwd, env=ENV, stdin=subprocess.DEVNULL)


# -- editing a copy of the dataset ---------------------------------------------------
def read(ds: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(ds / f"{table}.csv", dtype=str, keep_default_na=False)


def write(ds: Path, table: str, df: pd.DataFrame) -> None:
    df.to_csv(ds / f"{table}.csv", index=False, lineterminator="\n")


def set_cell(table: str, row: int, column: str, value: str):
    def edit(ds, root):
        df = read(ds, table)
        df.loc[row, column] = value
        write(ds, table, df)
        return [f"{table}.{column}", f"rows {row})"]
    return edit


def drop_column(table: str, column: str):
    def edit(ds, root):
        write(ds, table, read(ds, table).drop(columns=[column]))
        return [f"{table}.{column}", "missing"]
    return edit


def duplicate_key(table: str, column: str, row: int = 3):
    def edit(ds, root):
        df = read(ds, table)
        df.loc[row, column] = df.loc[row - 1, column]
        write(ds, table, df)
        return [f"{table}.{column}", "duplicate"]
    return edit


def first_reply(ds) -> tuple[pd.DataFrame, int]:
    posts = read(ds, "posts")
    return posts, int((posts["reply_to"] != "").to_numpy().nonzero()[0][0])


def reply_self(ds, root):
    posts, r = first_reply(ds)
    posts.loc[r, "reply_to"] = posts.loc[r, "post_id"]
    write(ds, "posts", posts)
    return ["posts.reply_to", "itself", f"rows {r})"]


def reply_other_thread(ds, root):
    posts, r = first_reply(ds)
    earlier = posts.index[(posts.index < r) & (posts["thread_id"] != posts.loc[r, "thread_id"])][0]
    posts.loc[r, "reply_to"] = posts.loc[earlier, "post_id"]
    write(ds, "posts", posts)
    return ["posts.reply_to", "another thread", f"rows {r})"]


def reply_later(ds, root):
    posts, r = first_reply(ds)
    same = posts.index[(posts.index > r + 1) & (posts["thread_id"] == posts.loc[r, "thread_id"])][0]
    posts.loc[r, "reply_to"] = posts.loc[same, "post_id"]
    write(ds, "posts", posts)
    return ["posts.reply_to", "later", f"rows {r})"]


def reply_same_instant_cycle(ds, root):
    posts, r = first_reply(ds)
    target = posts["post_id"] == posts.loc[r, "reply_to"]
    t = int(target.to_numpy().nonzero()[0][0])
    posts.loc[t, "created_at"] = posts.loc[r, "created_at"]
    posts.loc[t, "reply_to"] = posts.loc[r, "post_id"]
    write(ds, "posts", posts)
    return ["posts.reply_to", f"rows {min(r, t)}, {max(r, t)})"]


def text_edit(table: str, fn: Callable[[str], str], name: str | None = None):
    def edit(ds, root):
        path = ds / f"{table}.csv"
        text = path.read_text(encoding="utf-8")
        path.unlink()
        (ds / (name or f"{table}.csv")).write_text(fn(text), encoding="utf-8")
        return [table]
    return edit


def bytes_edit(table: str, fn: Callable[[bytes], bytes]):
    def edit(ds, root):
        path = ds / f"{table}.csv"
        path.write_bytes(fn(path.read_bytes()))
        return [table]
    return edit


def line_edit(table: str, line: int, fn: Callable[[str], str]):
    """Change line ``line`` of the file (1 = the header)."""
    def edit(ds, root):
        path = ds / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[line - 1] = fn(lines[line - 1])
        path.write_text("\n".join(lines), encoding="utf-8")
        return [table]
    return edit


def to_parquet_with(table: str, column: str, values):
    def edit(ds, root):
        import pyarrow as pa
        import pyarrow.parquet as pq

        df = pd.read_csv(ds / f"{table}.csv")
        (ds / f"{table}.csv").unlink()
        t = pa.Table.from_pandas(df, preserve_index=False)
        arr = values(len(df))
        t = t.set_column(t.schema.get_field_index(column), column, arr)
        pq.write_table(t, ds / f"{table}.parquet")
        return [f"{table}.{column}"]
    return edit


def uint64_ids(n):
    import numpy as np
    import pyarrow as pa

    return pa.array(np.arange(n, dtype=np.uint64) + np.uint64(2**63), type=pa.uint64())


def list_ids(n):
    import pyarrow as pa

    return pa.array([[i] for i in range(n)])


def struct_ids(n):
    import pyarrow as pa

    return pa.array([{"a": i} for i in range(n)])


def delete(table: str):
    def edit(ds, root):
        (ds / f"{table}.csv").unlink()
        return [table]
    return edit


def header_only(ds, root):
    path = ds / "posts.csv"
    path.write_text(path.read_text().split("\n")[0] + "\n")
    return ["posts", "empty"]


def posts_folder(ds, root):
    (ds / "posts.csv").unlink()
    (ds / "posts.csv").mkdir()
    return ["posts"]


def two_formats(ds, root):
    pd.read_csv(ds / "posts.csv").to_parquet(ds / "posts.parquet")
    return ["posts", "more than one file"]


def garbage_parquet(ds, root):
    (ds / "posts.csv").unlink()
    (ds / "posts.parquet").write_bytes(b"PAR1 this is not parquet")
    return ["posts", "posts.parquet"]


def broken_gzip(ds, root):
    data = gzip.compress((ds / "posts.csv").read_bytes())
    (ds / "posts.csv").unlink()
    (ds / "posts.csv.gz").write_bytes(data[: len(data) // 2])
    return ["posts"]


def symlink_outside(ds, root):
    outside = root / "elsewhere.csv"
    shutil.move(ds / "posts.csv", outside)
    (ds / "posts.csv").symlink_to(outside)
    return ["posts"]


def empty_folder(ds, root):
    for p in ds.iterdir():
        p.unlink()
    return ["posts", "missing"]


def two_problems(ds, root):
    set_cell("members", 5, "rank_level", "high")(ds, root)
    set_cell("messages", 7, "created_at", "yesterday")(ds, root)
    return ["members.rank_level", "rows 5)", "messages.created_at", "rows 7)", "2 problems"]


def all_posts_bad(ds, root):
    posts = read(ds, "posts")
    posts["created_at"] = "never"
    write(ds, "posts", posts)
    return ["posts", "no post is left"]


def two_id_columns_missing(ds, root):
    posts = read(ds, "posts")
    posts.loc[4, "author_id"] = ""
    posts.loc[6, "thread_id"] = ""
    write(ds, "posts", posts)
    return ["posts.author_id", "rows 4)", "posts.thread_id", "rows 6)"]


def huge_field(ds, root):
    posts = read(ds, "posts")
    posts.loc[3, "author_id"] = "x" * (5 << 20)
    write(ds, "posts", posts)
    return ["posts"]


# -- the output location -------------------------------------------------------------------
def out_is_file(ds, root):
    (root / "out").write_text("my notes\n")
    return []


def out_unmarked(ds, root):
    (root / "out").mkdir()
    (root / "out" / "thesis.docx").write_text("irreplaceable\n")
    return []


def out_symlink(ds, root):
    (root / "real").mkdir()
    (root / "real" / ".netanalysis-output").write_text('{"netanalysis": "analysis"}\n')
    (root / "out").symlink_to(root / "real")
    return []


def parent_is_file(ds, root):
    (root / "afile").write_text("x\n")
    return []


@dataclass
class Case:
    id: str
    edit: Callable | None = None
    expect: list = field(default_factory=list)
    args: list = field(default_factory=list)     # extra analyze arguments
    out: str = "{root}/out"                       # the --out of analyze
    commands: tuple = ("validate", "analyze")
    xfail: str | None = None


def rs(n, *what):
    return f"records-stage defect {n}{' (' + ', '.join(what) + ')' if what else ''}, in progress"


CASES = [
    # -- posts: structure
    Case("posts-no-author_id", drop_column("posts", "author_id")),
    Case("posts-no-post_id", drop_column("posts", "post_id")),
    Case("posts-no-thread_id", drop_column("posts", "thread_id")),
    Case("posts-no-created_at", drop_column("posts", "created_at")),
    Case("posts-table-absent", delete("posts"), ["required table"]),
    Case("posts-header-only", header_only),
    Case("posts-zero-bytes", bytes_edit("posts", lambda b: b"")),
    Case("posts-csv-is-a-folder", posts_folder),
    Case("posts-in-two-formats", two_formats),
    Case("posts-parquet-garbage", garbage_parquet),
    Case("posts-gzip-truncated", broken_gzip),
    Case("posts-binary-garbage", bytes_edit("posts", lambda b: b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 40)),
    Case("posts-duplicate-column", line_edit("posts", 1, lambda h: h.replace("reply_to", "author_id")),
         ["posts.author_id", "more than once"]),
    Case("posts-semicolon-delimited", text_edit("posts", lambda t: t.replace(",", ";")), [";"]),
    Case("posts-tsv", text_edit("posts", lambda t: t.replace(",", "\t")), ["delimit"]),
    Case("posts-header-padded", line_edit("posts", 1, lambda h: h.replace(",", ", ")), ["posts.author_id", "space"]),
    Case("posts-latin1-bytes", bytes_edit("posts", lambda b: b.replace(b"\n5,", b"\n5\xe9\xff,", 1)), ["post_id"]),
    Case("posts-5mib-field", huge_field, ["author_id"]),
    Case("posts-ragged-row", line_edit("posts", 5, lambda r: r + ",extra,fields")),
    Case("posts-unterminated-quote", line_edit("posts", 5, lambda r: r.replace(",", ',"', 1))),
    # -- posts: values
    Case("posts-bad-timestamp", set_cell("posts", 3, "created_at", "not a time"), ["unparseable"]),
    Case("posts-missing-timestamp", set_cell("posts", 4, "created_at", ""), ["missing value"]),
    Case("posts-timestamp-number-too-large", set_cell("posts", 5, "created_at", "1e20")),
    Case("posts-timestamp-year-1600", set_cell("posts", 6, "created_at", "1600-01-01T00:00:00Z")),
    Case("posts-compact-iso-dates", lambda ds, root: (write(ds, "posts", read(ds, "posts").assign(
        created_at=lambda d: pd.to_datetime(d["created_at"]).dt.strftime("%Y%m%d"))), ["posts.created_at"])[1]),
    Case("posts-duplicate-post_id", duplicate_key("posts", "post_id")),
    Case("posts-missing-post_id", set_cell("posts", 2, "post_id", ""), ["missing value"]),
    Case("posts-missing-author_id", set_cell("posts", 2, "author_id", ""), ["missing value"]),
    Case("posts-missing-thread_id", set_cell("posts", 2, "thread_id", ""), ["missing value"]),
    Case("posts-two-id-columns-missing", two_id_columns_missing),
    Case("posts-unknown-thread", set_cell("posts", 9, "thread_id", "999999"), ["unknown thread"]),
    Case("posts-unknown-author", set_cell("posts", 8, "author_id", "999999"), ["unknown to members"]),
    Case("posts-reply-to-missing-post", set_cell("posts", 7, "reply_to", "999999"), ["does not exist"]),
    Case("posts-reply-to-itself", reply_self),
    Case("posts-reply-to-other-thread", reply_other_thread),
    Case("posts-reply-to-later-post", reply_later),
    Case("posts-reply-cycle-same-instant", reply_same_instant_cycle, ["reply cycle", "2 rows"]),
    Case("posts-uint64-ids", to_parquet_with("posts", "post_id", uint64_ids)),
    Case("posts-parquet-array-ids", to_parquet_with("posts", "author_id", list_ids), ["list"]),
    Case("posts-parquet-record-ids", to_parquet_with("posts", "thread_id", struct_ids), ["struct"]),
    Case("posts-symlink-outside", symlink_outside, ["symbolic link"]),
    # -- threads
    Case("threads-no-thread_id", drop_column("threads", "thread_id")),
    Case("threads-duplicate-id", duplicate_key("threads", "thread_id")),
    Case("threads-unknown-subforum", set_cell("threads", 4, "subforum_id", "999"), ["unknown subforum"]),
    Case("threads-unknown-author", set_cell("threads", 5, "author_id", "999999"), ["unknown to members"]),
    Case("threads-bad-timestamp", set_cell("threads", 6, "created_at", "31/02/2020"), ["unparseable"]),
    Case("threads-missing-id", set_cell("threads", 7, "thread_id", ""), ["missing value"]),
    # -- subforums
    Case("subforums-no-subforum_id", drop_column("subforums", "subforum_id")),
    Case("subforums-duplicate-id", duplicate_key("subforums", "subforum_id")),
    Case("subforums-unknown-category", set_cell("subforums", 2, "category", "weapons"), ["unknown category"]),
    Case("subforums-min_rank-not-integer", set_cell("subforums", 3, "min_rank", "high"), ["not an integer"]),
    # -- members
    Case("members-no-member_id", drop_column("members", "member_id")),
    Case("members-duplicate-id", duplicate_key("members", "member_id")),
    Case("members-missing-id", set_cell("members", 9, "member_id", ""), ["missing value"]),
    Case("members-rank_level-not-integer", set_cell("members", 4, "rank_level", "4.5"), ["not an integer"]),
    Case("members-is_staff-not-boolean", set_cell("members", 6, "is_staff", "maybe"), ["not a boolean"]),
    Case("members-joined_at-bad", set_cell("members", 8, "joined_at", "last spring"), ["unparseable"]),
    # -- messages
    Case("messages-no-recipient_id", drop_column("messages", "recipient_id")),
    Case("messages-duplicate-id", duplicate_key("messages", "message_id")),
    Case("messages-unknown-sender", set_cell("messages", 3, "sender_id", "999999"), ["unknown to members"]),
    Case("messages-unknown-recipient", set_cell("messages", 4, "recipient_id", "999999"), ["unknown to members"]),
    Case("messages-missing-sender", set_cell("messages", 5, "sender_id", ""), ["missing value"]),
    Case("messages-bad-timestamp", set_cell("messages", 6, "created_at", "2020-13-45"), ["unparseable"]),
    # -- several tables at once; drop mode that cannot help
    Case("two-tables-two-problems", two_problems),
    Case("drop-mode-required-column-missing", drop_column("posts", "author_id"), args=["--on-error", "drop"],
         commands=("analyze",)),
    Case("drop-mode-no-post-left", all_posts_bad, args=["--on-error", "drop"], commands=("analyze",)),
    # -- the dataset path
    Case("dataset-missing", lambda ds, root: shutil.rmtree(ds), ["no dataset folder", "{ds}"]),
    Case("dataset-is-a-file", lambda ds, root: (shutil.rmtree(ds), ds.write_text("x\n")), ["folder", "{ds}"]),
    Case("dataset-empty-folder", empty_folder),
    # -- options (analyze; checked before any work)
    Case("option-seed-negative", args=["--seed", "-1"], expect=["--seed"], commands=("analyze",)),
    Case("option-seed-above-2**32", args=["--seed", str(2**32)], expect=["--seed"], commands=("analyze",)),
    Case("option-seed-not-a-number", args=["--seed", "abc"], expect=["--seed"], commands=("analyze",)),
    Case("option-top-zero", args=["--top", "0"], expect=["--top"], commands=("analyze",)),
    Case("option-top-negative", args=["--top", "-5"], expect=["--top"], commands=("analyze",)),
    Case("option-stability-repeats-negative", args=["--stability-repeats", "-1"], expect=["--stability-repeats"],
         commands=("analyze",)),
    Case("option-graph-unknown", args=["--graph", "friends"], expect=["--graph"], commands=("analyze",)),
    Case("option-format-unknown", args=["--format", "xlsx"], expect=["--format"], commands=("analyze",)),
    Case("option-on-error-unknown", args=["--on-error", "skip"], expect=["--on-error"], commands=("analyze",)),
    # -- the output location (analyze; checked before any work)
    Case("out-inside-dataset", out="{ds}/out", expect=["must not be the dataset", "{ds}"], commands=("analyze",)),
    Case("out-is-the-dataset", out="{ds}", args=["--force"], expect=["must not be the dataset"], commands=("analyze",)),
    Case("out-contains-the-dataset", out="{root}", args=["--force"], expect=["contain it"], commands=("analyze",)),
    Case("out-parent-is-a-file", parent_is_file, out="{root}/afile/out", expect=["{root}/afile", "not a folder"],
         commands=("analyze",)),
    Case("out-exists-no-force", out_unmarked, expect=["{root}/out", "exists", "--force"], commands=("analyze",)),
    Case("out-unmarked-with-force", out_unmarked, args=["--force"], expect=["{root}/out", ".netanalysis-output"],
         commands=("analyze",)),
    Case("out-is-a-file-with-force", out_is_file, args=["--force"], expect=["{root}/out", "not a folder"],
         commands=("analyze",)),
    Case("out-is-a-symlink-with-force", out_symlink, args=["--force"], expect=["{root}/out", "symbolic link"],
         commands=("analyze",)),
    Case("out-not-writable", out="/proc/netanalysis-out", expect=["/proc/netanalysis-out"], commands=("analyze",)),
]


# -- running -----------------------------------------------------------------------------
def tree_hash(root: Path) -> str:
    """Names, link targets and bytes of everything under ``root`` (links not followed)."""
    h = hashlib.sha256()
    if not os.path.lexists(root):
        return "absent"
    if not root.is_dir() or root.is_symlink():
        return hashlib.sha256(root.read_bytes() if not root.is_symlink() else os.readlink(root).encode()).hexdigest()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            h.update(str(p.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
            if p.is_symlink():
                h.update(b"L" + os.readlink(p).encode())
            elif p.is_file():
                h.update(b"F" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def listing(folder: Path) -> dict[str, str]:
    return {p.name: tree_hash(p) for p in folder.iterdir()}


@dataclass
class Outcome:
    expect: list
    runs: dict          # command -> CompletedProcess
    input_same: bool
    root_before: dict
    root_after: dict
    error: str | None = None


def run_case(case: Case, base: Path, root: Path) -> Outcome:
    root.mkdir(parents=True)
    ds = root / "ds"
    shutil.copytree(base, ds, symlinks=True)
    expect = list(case.expect)
    try:
        if case.edit is not None:
            named = case.edit(ds, root)
            expect += named if isinstance(named, list) else []
    except Exception as exc:  # a broken case definition
        return Outcome(expect, {}, False, {}, {}, error=f"edit failed: {exc!r}")
    fmt = {"ds": str(ds), "root": str(root)}
    expect = [e.format(**fmt) for e in expect]
    before_input = tree_hash(ds)
    before_root = listing(root)
    runs = {}
    for command in case.commands:
        if command == "validate":
            runs[command] = _cli("validate", str(ds), cwd=root)
        else:
            out = case.out.format(**fmt)
            runs[command] = _cli("analyze", str(ds), "--out", out, "--stability-repeats", "0", "--quiet",
                                 *case.args, cwd=root)
    return Outcome(expect, runs, tree_hash(ds) == before_input, before_root, listing(root))


@pytest.fixture(scope="module")
def outcomes(generated_tiny, tmp_path_factory) -> dict[str, Outcome]:
    work = tmp_path_factory.mktemp("cases")
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        futures = {c.id: pool.submit(run_case, c, generated_tiny, work / c.id) for c in CASES}
        return {k: f.result() for k, f in futures.items()}


def test_the_table_is_large_enough():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=False, reason=c.xfail)] if c.xfail else [])
             for c in CASES])
def test_bad_input(case: Case, outcomes):
    o = outcomes[case.id]
    assert o.error is None, o.error
    for command, proc in o.runs.items():
        text = proc.stdout + proc.stderr
        where = f"{command}: exit {proc.returncode}\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
        assert proc.returncode == 2, where
        assert "Traceback" not in text, where
        # one message: invalid data (validate, on stdout) or one error line on stderr
        if command == "validate" and proc.stdout.startswith("invalid forum dataset"):
            assert proc.stdout.count("invalid forum dataset") == 1 and ": error:" not in proc.stderr, where
        else:
            assert proc.stderr.count(": error:") == 1 and not proc.stdout.strip(), where
        missing = [e for e in o.expect if e not in text]
        assert not missing, f"message does not name {missing}\n{where}"
    assert o.input_same, "the input folder was changed"
    assert o.root_after == o.root_before, (
        f"left behind or changed: {sorted(set(o.root_after.items()) ^ set(o.root_before.items()))}")
