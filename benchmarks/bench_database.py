"""Read time and peak memory of ``na.read_database`` on phpBB-shaped databases
(benchmarks/DATABASES.md).

For each size, a ``synthetic`` forum (the ``mega`` preset, scaled: threads =
posts / 100, members = posts / 10, messages = posts / 5) is written into the
phpBB 3.x tables the reader maps (posts, topics, forums, users, groups,
user_group, ranks, privmsgs, privmsgs_to), with text columns filled (post
text, subjects, user names, e-mail and IP addresses) so that the reader has
to step over them:

* an SQLite file,
* a ``mysqldump``-style file (multi-row INSERTs of 1,000 rows, as mysqldump
  writes them),
* with ``--servers``: a throwaway PostgreSQL and MariaDB server
  (tests/db_servers.py), loaded with COPY and LOAD DATA; beside them the
  time of a plain ``mariadb-dump`` of the same tables, for scale.

Each read runs in a fresh interpreter; its wall time and peak resident
memory (``VmHWM``) are printed as one JSON line, with the machine and
the load average. The writer lives here, not in the library.

    python benchmarks/bench_database.py --posts 1000000 10000000 --servers
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from _machine import describe  # noqa: E402

OFFSET = 100                      # member ids start above phpBB's guest (1) and bots
POST_TEXT = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
COLUMNS = {
    "phpbb_posts": ["post_id", "topic_id", "forum_id", "poster_id", "poster_ip", "post_time", "post_subject",
                    "post_text"],
    "phpbb_topics": ["topic_id", "forum_id", "topic_title", "topic_poster", "topic_time"],
    "phpbb_forums": ["forum_id", "parent_id", "forum_name"],
    "phpbb_users": ["user_id", "user_type", "group_id", "username", "user_email", "user_regdate",
                    "user_lastvisit"],
    "phpbb_groups": ["group_id", "group_name"],
    "phpbb_user_group": ["group_id", "user_id", "user_pending"],
    "phpbb_ranks": ["rank_id", "rank_title", "rank_min", "rank_special"],
    "phpbb_privmsgs": ["msg_id", "author_id", "message_time", "message_text"],
    "phpbb_privmsgs_to": ["msg_id", "user_id"],
}
TEXT = {"poster_ip", "post_subject", "post_text", "topic_title", "forum_name", "username", "user_email",
        "group_name", "rank_title", "message_text"}


def _secs(s) -> np.ndarray:
    return (s.astype("int64") // 10**9).to_numpy() if hasattr(s, "astype") else s


def phpbb_tables(n_posts: int, seed: int = 0) -> dict[str, dict[str, np.ndarray]]:
    import synthetic

    forum, _ = synthetic.generate_forum("mega", seed=seed, n_posts=n_posts, n_threads=max(n_posts // 100, 10),
                                        n_members=max(n_posts // 10, 100), n_messages=n_posts // 5)
    p, t, s, m, g = forum.posts, forum.threads, forum.subforums, forum.members, forum.messages
    thread_forum = t.set_index("thread_id")["subforum_id"].fillna(0).astype("int64")
    np_ = len(p)
    out = {
        "phpbb_posts": {"post_id": p["post_id"].to_numpy(), "topic_id": p["thread_id"].to_numpy(),
                        "forum_id": thread_forum.reindex(p["thread_id"].to_numpy()).to_numpy(),
                        "poster_id": p["author_id"].to_numpy() + OFFSET,
                        "poster_ip": np.full(np_, "192.0.2.1", dtype=object),
                        "post_time": p["created_at"].astype("int64").to_numpy() // 10**9,
                        "post_subject": np.full(np_, "Re: subject", dtype=object),
                        "post_text": np.full(np_, POST_TEXT, dtype=object)},
        "phpbb_topics": {"topic_id": t["thread_id"].to_numpy(),
                         "forum_id": t["subforum_id"].fillna(0).astype("int64").to_numpy(),
                         "topic_title": np.full(len(t), "A topic title", dtype=object),
                         "topic_poster": t["author_id"].fillna(-OFFSET).astype("int64").to_numpy() + OFFSET,
                         "topic_time": t["created_at"].astype("int64").to_numpy() // 10**9},
        "phpbb_forums": {"forum_id": s["subforum_id"].to_numpy(), "parent_id": np.zeros(len(s), dtype=np.int64),
                         "forum_name": np.full(len(s), "A forum", dtype=object)},
    }
    staff = m["is_staff"].fillna(False).to_numpy(dtype=bool)
    ids = m["member_id"].to_numpy() + OFFSET
    joined = m["joined_at"].astype("int64").to_numpy() // 10**9
    seen = m["last_seen_at"].astype("int64").to_numpy() // 10**9
    out["phpbb_users"] = {"user_id": np.concatenate([[1], ids]), "user_type": np.zeros(len(ids) + 1, np.int64),
                          "group_id": np.concatenate([[1], np.where(staff, 4, 2)]),
                          "username": np.full(len(ids) + 1, "member", dtype=object),
                          "user_email": np.full(len(ids) + 1, "member@example.org", dtype=object),
                          "user_regdate": np.concatenate([[0], joined]),
                          "user_lastvisit": np.concatenate([[0], seen])}
    out["phpbb_groups"] = {"group_id": np.array([1, 2, 4, 5]),
                           "group_name": np.array(["GUESTS", "REGISTERED", "GLOBAL_MODERATORS", "ADMINISTRATORS"],
                                                  dtype=object)}
    out["phpbb_user_group"] = {"group_id": np.where(staff, 4, 2), "user_id": ids,
                               "user_pending": np.zeros(len(ids), np.int64)}
    out["phpbb_ranks"] = {"rank_id": np.arange(1, 6), "rank_title": np.full(5, "rank", dtype=object),
                          "rank_min": np.array([0, 10, 50, 200, 1000]), "rank_special": np.zeros(5, np.int64)}
    out["phpbb_privmsgs"] = {"msg_id": g["message_id"].to_numpy(), "author_id": g["sender_id"].to_numpy() + OFFSET,
                             "message_time": g["created_at"].astype("int64").to_numpy() // 10**9,
                             "message_text": np.full(len(g), "private text", dtype=object)}
    out["phpbb_privmsgs_to"] = {"msg_id": g["message_id"].to_numpy(),
                                "user_id": g["recipient_id"].to_numpy() + OFFSET}
    return out


def _rows(cols: dict, chunk: int = 100_000):
    names = list(cols)
    n = len(cols[names[0]])
    for i in range(0, n, chunk):
        yield list(zip(*[cols[c][i:i + chunk].tolist() for c in names]))


def write_sqlite(tables: dict, path: Path):
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    for name, cols in tables.items():
        con.execute(f"CREATE TABLE {name} (" + ", ".join(
            f"{c} {'TEXT' if c in TEXT else 'INTEGER'}" for c in COLUMNS[name]) + ")")
        marks = ", ".join("?" * len(cols))
        for rows in _rows(cols):
            con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    con.commit()
    con.close()


def _sql(v) -> str:
    return str(v) if isinstance(v, int) else "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def write_dump(tables: dict, path: Path):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("-- MySQL dump 10.19  Distrib 10.11.6-MariaDB (written by benchmarks/bench_database.py)\n")
        for name, cols in tables.items():
            fh.write(f"DROP TABLE IF EXISTS `{name}`;\nCREATE TABLE `{name}` (\n")
            fh.write(",\n".join(f"  `{c}` {'mediumtext NOT NULL' if c in TEXT else 'int(10) NOT NULL'}"
                                for c in COLUMNS[name]))
            fh.write("\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
            for rows in _rows(cols, 1000):
                fh.write(f"INSERT INTO `{name}` VALUES " + ",".join(
                    "(" + ",".join(_sql(v) for v in r) + ")" for r in rows) + ";\n")


def load_postgres(server, tables: dict, database: str):
    import psycopg

    with psycopg.connect(**server.admin, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {database}")
        con.execute(f"CREATE DATABASE {database}")
    with psycopg.connect(**{**server.admin, "dbname": database}, autocommit=True) as con:
        for name, cols in tables.items():
            con.execute(f"CREATE TABLE {name} (" + ", ".join(
                f"{c} {'TEXT' if c in TEXT else 'BIGINT'}" for c in COLUMNS[name]) + ")")
            with con.cursor() as cur, cur.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN") as copy:
                for rows in _rows(cols):
                    for r in rows:
                        copy.write_row(r)
            con.execute(f"GRANT SELECT ON {name} TO reader")


def load_mariadb(server, tables: dict, database: str, work: Path):
    import pymysql

    root = {"unix_socket": str(server.socket_dir / "mysqld.sock"), "user": "root", "password": ""}
    con = pymysql.connect(**root, autocommit=True, local_infile=True)
    with con.cursor() as cur:
        cur.execute("SET GLOBAL local_infile = 1")
        cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
        cur.execute(f"USE `{database}`")
        for name, cols in tables.items():
            cur.execute(f"CREATE TABLE `{name}` (" + ", ".join(
                f"`{c}` {'MEDIUMTEXT' if c in TEXT else 'BIGINT'}" for c in COLUMNS[name]) + ") ENGINE=InnoDB")
            tsv = work / f"{name}.tsv"
            with open(tsv, "w", encoding="utf-8") as fh:
                for rows in _rows(cols):
                    fh.writelines("\t".join(map(str, r)) + "\n" for r in rows)
            cur.execute(f"LOAD DATA LOCAL INFILE '{tsv}' INTO TABLE `{name}` CHARACTER SET utf8mb4")
            tsv.unlink()
        cur.execute(f"GRANT SELECT ON `{database}`.* TO 'reader'@'%'")
    con.close()


def measure(url: str, env: dict | None = None) -> dict:
    # The peak is the reader's own (VmHWM of the interpreter's address
    # space), not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so
    # it would report this script's tables, which the child inherited before
    # exec, as the reader's peak (4.04 GB at 10,000,000 posts for every
    # source in the first version of DATABASES.md).
    code = ("import json, re, time, netanalysis as na\n"
            f"t = time.perf_counter(); f = na.read_database({url!r}); s = time.perf_counter() - t\n"
            "hwm = int(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1))\n"
            "print(json.dumps({'seconds': round(s, 2), 'peak_gb': round(hwm / 2**20, 2), 'posts': len(f.posts), "
            "'members': len(f.members), 'messages': len(f.messages)}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--servers", action="store_true", help="also PostgreSQL and MariaDB (tests/db_servers.py)")
    ap.add_argument("--work", type=Path, default=None, help="folder for the files (default: a temporary one)")
    args = ap.parse_args(argv)
    print(json.dumps({"machine": describe(("numpy", "pandas", "pyarrow", "pymysql", "psycopg")),
                      "loadavg": os.getloadavg()}), flush=True)
    servers = []
    if args.servers:
        import db_servers

        servers = [db_servers.start_postgres(), db_servers.start_mariadb()]
    try:
        for n in args.posts:
            work = Path(tempfile.mkdtemp(prefix="bench-db-", dir=args.work))
            t = time.perf_counter()
            tables = phpbb_tables(n)
            row = {"posts": n, "generate_s": round(time.perf_counter() - t, 1)}
            t = time.perf_counter()
            write_sqlite(tables, work / "forum.db")
            row["write_sqlite_s"] = round(time.perf_counter() - t, 1)
            t = time.perf_counter()
            write_dump(tables, work / "forum.sql")
            row["write_dump_s"] = round(time.perf_counter() - t, 1)
            row["sqlite_gb"] = round((work / "forum.db").stat().st_size / 2**30, 2)
            row["dump_gb"] = round((work / "forum.sql").stat().st_size / 2**30, 2)
            row["loadavg_before"] = os.getloadavg()
            row["sqlite"] = measure(str(work / "forum.db"))
            row["dump"] = measure(str(work / "forum.sql"))
            for server in servers:
                db = f"bench{n}"
                t = time.perf_counter()
                if server.kind == "postgresql":
                    load_postgres(server, tables, db)
                else:
                    load_mariadb(server, tables, db, work)
                key = "postgresql" if server.kind == "postgresql" else "mariadb"
                row[f"load_{key}_s"] = round(time.perf_counter() - t, 1)
                row[key] = measure(server.url(db))
                if server.kind == "mysql":
                    import db_servers

                    t = time.perf_counter()
                    env = {**os.environ, "MYSQL_PWD": db_servers.ADMIN_PASSWORD}
                    with open(os.devnull, "wb") as null:
                        subprocess.run(["mariadb-dump", "--no-defaults", "-h", "127.0.0.1", "-P", str(server.port),
                                        "-u", "admin", "--single-transaction", "--quick", db, *COLUMNS],
                                       stdout=null, check=True, env=env)
                    row["plain_mariadb_dump_s"] = round(time.perf_counter() - t, 1)
            row["loadavg_after"] = os.getloadavg()
            print(json.dumps(row), flush=True)
            del tables
            for f in work.iterdir():
                f.unlink()
            work.rmdir()
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
