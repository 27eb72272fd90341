"""read_database on real MariaDB and PostgreSQL servers (started by
tests/db_servers.py, once per session): the same forum as the SQLite path on
the same rows, structure-only SQL read from the servers' own statement logs,
read-only transactions, credentials from the URL, the environment or an
option/password file and never in any message or written file."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pandas as pd
import pytest

import netanalysis as na
from netanalysis.forum import database as db
from netanalysis.forum import _servers

import db_servers as S
from test_database_vbulletin import VB_FORBIDDEN as FORBIDDEN, smf_min_rank_rows, vb4_rows, vb5_rows
from test_forum_database import SECRET, _mybb_rows, _phpbb_rows, _smf_rows, make_sqlite

ROWS = {"phpbb": _phpbb_rows, "mybb": _mybb_rows, "smf": _smf_rows, "vbulletin4": vb4_rows,
        "vbulletin5": vb5_rows, "smfrank": smf_min_rank_rows}
SOFTWARE = {"smfrank": "smf"}       # database name -> package, where they differ
TABLES = ("posts", "threads", "subforums", "members", "messages")


@pytest.fixture(scope="session")
def pg():
    server = S.start_postgres()
    try:
        for name, make in ROWS.items():
            S.pg_load(server, name, *make())
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def maria():
    server = S.start_mariadb()
    try:
        for name, make in ROWS.items():
            S.maria_load(server, name, *make())
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["postgresql", "mariadb"])
def server(request):
    return request.getfixturevalue("pg" if request.param == "postgresql" else "maria")


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """The SQLite path on the same rows, per package."""
    out = {}
    for name, make in ROWS.items():
        path = make_sqlite(tmp_path_factory.mktemp(name) / "forum.db", *make())
        out[name] = path
    return out


def _equal(a: na.Forum, b: na.Forum):
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), obj=t)
    assert a.report.notes[-1] == b.report.notes[-1]


def _statements(log: str) -> list[str]:
    """The statements of a server log: PostgreSQL ``statement:``/``execute``
    lines, MariaDB general-log ``Query`` lines."""
    out = []
    for line in log.splitlines():
        m = re.search(r"LOG:\s+(?:statement|execute [^:]*):\s(.*)$", line) or re.search(r"\d+ Query\t(.*)$", line)
        if m:
            out.append(m.group(1))
    return out


def _logged(server, before: int) -> list[str]:
    """The statements logged after offset ``before``, once the reader's
    closing ROLLBACK is in the log (MariaDB writes its log through a cache)."""
    for _ in range(100):
        statements = _statements(server.log_text()[before:])
        if "ROLLBACK" in statements:
            return statements
        time.sleep(0.05)
    return statements


# ---------------------------------------------------------------------------
@pytest.mark.parametrize("software", list(ROWS))
def test_server_reads_the_same_forum_as_sqlite(server, reference, software):
    forum = na.read_database(server.url(software))
    _equal(forum, na.read_database(reference[software]))
    quoted = na.read_database(server.url(software), quotes=True)
    _equal(quoted, na.read_database(reference[software], quotes=True))
    assert quoted.posts["reply_to"].notna().any()
    assert SECRET not in str(forum.report) + str(quoted.report)


def test_url_forms(pg, maria, reference):
    ref = na.read_database(reference["smf"])
    for url in (pg.url("smf", scheme="postgres"), pg.url("smf", scheme="postgresql+psycopg"),
                maria.url("smf", scheme="mariadb"), maria.url("smf", scheme="mysql+pymysql"),
                pg.url("smf", query="schema=public&connect_timeout=5"),
                f"postgresql://{S.READER}:{S.READER_PASSWORD}@:{pg.port}/smf?socket={pg.socket_dir}&sslmode=disable",
                f"mysql://{S.READER}:{S.READER_PASSWORD}@localhost/smf?socket={maria.socket_dir / 'mysqld.sock'}"):
        _equal(na.read_database(url), ref)
    tables, info = db.database_tables(pg.url("smf"))
    assert info["software"] == "smf" and info["source"] == f"postgresql://127.0.0.1:{pg.port}/smf"
    assert S.READER_PASSWORD not in repr(info)


def test_sql_selects_only_structure_columns(server):
    """Every statement the server received, read from its own log: no text,
    e-mail, IP or password column; the post text only with quotes=True; a
    read-only transaction; server-side cursors on PostgreSQL."""
    for software, make in ROWS.items():
        _, schema = make()
        package = db.SOFTWARE[SOFTWARE.get(software, software)]
        mapped = {c for t in package.tables.values() for c in [*t.columns.values(), *t.optional.values()]}
        before = len(server.log_text())
        na.read_database(server.url(software))
        statements = _logged(server, before)
        selects = [s for s in statements if re.search(r"\bSELECT\b", s) and "information_schema" not in s
                   and "current_schema" not in s]
        assert len(selects) >= 4, statements
        for s in statements:
            names = set(re.findall(r'[`"]([^`"]+)[`"]', s))
            assert not names & FORBIDDEN, s
        for s in selects:
            cols = re.search(r"SELECT (.*) FROM", s).group(1)
            assert set(re.findall(r'[`"]([^`"]+)[`"]', cols)) <= mapped, s
        assert not any(re.match(r"\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE|GRANT)\b", s, re.I)
                       for s in statements)
        if server.kind == "postgresql":
            assert any("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" in s for s in statements), statements
            # every table through a named cursor, or (integer columns only) COPY TO STDOUT
            data = [s for s in selects if "current_schema" not in s]
            assert all(re.match(r'(DECLARE "netanalysis_\d+" CURSOR FOR SELECT|COPY \(SELECT .*\) TO STDOUT)', s)
                       for s in data), data
            posts = (package.tables.get("posts") or package.tables["nodes"]).name
            prefix = "" if software.startswith("vbulletin") else f"{SOFTWARE.get(software, software)}_"
            assert any(s.startswith("COPY (SELECT") and f'"{prefix}{posts}"' in s for s in data), data
            assert any(s.startswith("FETCH FORWARD") for s in statements)
        else:
            assert "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY" in statements
        assert statements[-1] == "ROLLBACK" or "ROLLBACK" in statements
        # quotes=True: the post text column, and only it
        before = len(server.log_text())
        na.read_database(server.url(software), quotes=True)
        statements = _logged(server, before)
        extra = {n for s in statements for n in re.findall(r'[`"]([^`"]+)[`"]', s)} & FORBIDDEN
        assert extra == {t.text for t in package.tables.values() if t.text}


def test_the_connection_cannot_write(server):
    source = db._open(server.url("phpbb"))
    try:
        if server.kind == "postgresql":
            import psycopg

            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                source.con.execute("CREATE TABLE intruder (a int)")
        else:
            import pymysql

            with pytest.raises(pymysql.err.MySQLError) as exc:
                with source.con.cursor() as cur:
                    cur.execute("UPDATE phpbb_posts SET post_time = 0")
            assert exc.value.args[0] in (1792, 1142)     # read-only transaction (or no privilege)
    finally:
        source.close()
    assert len(na.read_database(server.url("phpbb")).posts) == 4


@pytest.mark.parametrize("case", ["wrong password", "no such database", "nothing listening", "no password"])
def test_connection_failures_are_one_error_without_credentials(server, case, monkeypatch):
    for var in ("NETANALYSIS_DB_PASSWORD", "MYSQL_PWD", "PGPASSWORD", "PGPASSFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(server.socket_dir / "nohome"))     # no ~/.pgpass, no ~/.my.cnf
    port = server.port
    if case == "wrong password":
        url, expect = server.url("phpbb", password="Wr0ng-" + S.READER_PASSWORD), r"(authentication failed|access denied)"
    elif case == "no such database":
        url, expect = server.url("nosuchforum"), r"(no such database|access to the database denied)"
    elif case == "nothing listening":
        port = S._free_port()
        url = server.url("phpbb").replace(f":{server.port}/", f":{port}/")
        expect = "cannot reach the server"
    else:
        url, expect = server.url("phpbb", password=None), r"(authentication failed|access denied|no password)"
    with pytest.raises(na.ForumDataError, match=expect) as exc:
        na.read_database(url)
    text = str(exc.value)
    assert len(exc.value.problems) == 1
    assert f"127.0.0.1:{port}" in text and ("nosuchforum" if case == "no such database" else "phpbb") in text
    assert S.READER_PASSWORD not in text and S.READER not in text.replace("(wrong user name", "")
    assert "Traceback" not in text
    # the same through read_forum
    with pytest.raises(na.ForumDataError) as exc2:
        na.read_forum(url)
    assert S.READER_PASSWORD not in str(exc2.value)


def test_passwords_from_the_environment_and_files(pg, maria, reference, monkeypatch, tmp_path):
    ref = na.read_database(reference["mybb"])
    for var in ("NETANALYSIS_DB_PASSWORD", "MYSQL_PWD", "PGPASSWORD", "PGPASSFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for server in (pg, maria):
        url = server.url("mybb", password=None)
        monkeypatch.setenv("NETANALYSIS_DB_PASSWORD", S.READER_PASSWORD)
        _equal(na.read_database(url), ref)
        monkeypatch.delenv("NETANALYSIS_DB_PASSWORD")
        native = "PGPASSWORD" if server.kind == "postgresql" else "MYSQL_PWD"
        monkeypatch.setenv(native, S.READER_PASSWORD)
        _equal(na.read_database(url), ref)
        monkeypatch.setenv("NETANALYSIS_DB_PASSWORD", "wrong")        # ours comes first
        with pytest.raises(na.ForumDataError, match="authentication failed|access denied"):
            na.read_database(url)
        monkeypatch.delenv("NETANALYSIS_DB_PASSWORD")
        monkeypatch.delenv(native)
    # PostgreSQL: a password file (PGPASSFILE, or passfile= in the URL)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{pg.port}:mybb:{S.READER}:{S.READER_PASSWORD}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    _equal(na.read_database(pg.url("mybb", password=None)), ref)
    monkeypatch.delenv("PGPASSFILE")
    _equal(na.read_database(pg.url("mybb", password=None, query=f"passfile={passfile}")), ref)
    # MySQL: a [client] option file named by option_file=, which may give the user too
    cnf = tmp_path / "reader.cnf"
    cnf.write_text(f"[mysqld]\nport=1\n[client]\nuser = {S.READER}\npassword = \"{S.READER_PASSWORD}\"\n")
    _equal(na.read_database(f"mysql://127.0.0.1:{maria.port}/mybb?option_file={cnf}"), ref)
    with pytest.raises(na.ForumDataError, match="cannot read the option file missing.cnf"):
        na.read_database(f"mysql://127.0.0.1:{maria.port}/mybb?option_file={tmp_path / 'missing.cnf'}")


def test_bad_urls_name_the_part_not_the_credentials():
    secret = "hunter2-" + S.READER_PASSWORD
    for url, expect in ((f"mysql://u:{secret}@h:99999/f", "port"),
                        (f"postgresql://u:{secret}@h/f?password=x", "unknown option 'password'"),
                        (f"mysql+mysqldb://u:{secret}@h/f", "driver 'mysqldb' not supported"),
                        (f"mysql://u:{secret}@h/a/b", "one database name"),
                        (f"mssql://u:{secret}@h/f", "not supported")):
        with pytest.raises(ValueError, match=expect) as exc:
            na.read_database(url)
        assert secret not in str(exc.value)
    with pytest.raises(na.ForumDataError, match="names no database") as exc:
        na.read_database(f"mysql://u:{secret}@127.0.0.1:1")
    assert secret not in str(exc.value)
    u = _servers.parse_server_url(f"postgresql://u:{secret}@[::1]:5433/f")
    assert (u.host, u.port) == ("::1", 5433) and secret not in repr(u) + u.label


def test_a_real_mysqldump_reads_as_the_server(maria, tmp_path):
    for software in ROWS:
        dump = S.mysqldump(maria, software, tmp_path / f"{software}.sql")
        assert "INSERT INTO" in dump.read_text(errors="replace")
        _equal(na.read_database(dump), na.read_database(maria.url(software)))
        _equal(na.read_database(dump, quotes=True), na.read_database(maria.url(software), quotes=True))


def _analyze(url, out, env):
    cli = [sys.executable, "-m", "netanalysis.cli"]
    done = subprocess.run([*cli, "analyze", url, "--out", str(out), "--stability-repeats", "0", "--quiet"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert (out / "key_actors.csv").exists() and (out / "report.html").exists()
    assert S.READER_PASSWORD not in done.stdout + done.stderr
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert S.READER_PASSWORD.encode() not in data and SECRET.encode() not in data, path


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("NETANALYSIS_DB_PASSWORD", "PGPASSWORD", "MYSQL_PWD")}
    env["HOME"] = str(tmp_path)
    return env


def test_cli_reads_a_server_and_writes_no_password(pg, maria, tmp_path):
    cli = [sys.executable, "-m", "netanalysis.cli"]
    env = _env(tmp_path)
    bad = maria.url("phpbb", password="Wr0ng-" + S.READER_PASSWORD)
    done = subprocess.run([*cli, "validate", bad], capture_output=True, text=True, timeout=300, env=env)
    said = done.stdout + done.stderr
    assert done.returncode == 2, said
    assert "Traceback" not in said and S.READER_PASSWORD not in said
    assert "access denied" in said and f"127.0.0.1:{maria.port}" in said
    out_bad = tmp_path / "bad"
    done = subprocess.run([*cli, "analyze", pg.url("phpbb", password="x"), "--out", str(out_bad)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 2 and not out_bad.exists(), done.stderr
    done = subprocess.run([*cli, "validate", pg.url("phpbb")], capture_output=True, text=True, timeout=300,
                          env=env)
    assert done.returncode == 0 and S.READER_PASSWORD not in done.stdout + done.stderr, done.stderr
    # the password from the environment: nothing secret in any file written
    _analyze(maria.url("phpbb", password=None), tmp_path / "out", {**env, "NETANALYSIS_DB_PASSWORD":
                                                                   S.READER_PASSWORD})


def test_cli_writes_no_password_given_in_the_url(pg, tmp_path):
    """The password and user of the URL are nowhere in OUT (summary.json,
    report.html...); the dataset is named by its label, host and database."""
    out = tmp_path / "out"
    _analyze(pg.url("phpbb", query="connect_timeout=10"), out, _env(tmp_path))
    label = f"postgresql://127.0.0.1:{pg.port}/phpbb"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["parameters"]["dataset"] == label
    assert label in (out / "report.html").read_text(encoding="utf-8")
    assert "connect_timeout" not in (out / "report.html").read_text(encoding="utf-8")


def test_cli_member_writes_no_password_given_in_the_url(pg, tmp_path):
    """``netanalysis member`` on a server URL with a password: neither it nor
    the user is in any file written or in what is printed."""
    cli = [sys.executable, "-m", "netanalysis.cli"]
    out = tmp_path / "member"
    done = subprocess.run([*cli, "member", pg.url("phpbb"), "3", "--out", str(out)], capture_output=True,
                          text=True, timeout=600, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert S.READER_PASSWORD not in done.stdout + done.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert (out / "report.html") in files
    for path in files:
        data = path.read_bytes()
        assert S.READER_PASSWORD.encode() not in data and f"{S.READER}:".encode() not in data, path
    assert f"postgresql://127.0.0.1:{pg.port}/phpbb" in (out / "report.html").read_text(encoding="utf-8")


def test_source_label():
    assert db.source_label("mysql://u:pw@db.example:3307/forum?option_file=/x") == "mysql://db.example:3307/forum"
    assert db.source_label("postgresql://u:pw@h/f") == "postgresql://h/f"
    assert db.source_label("sqlite:///forum.db") == "sqlite:///forum.db"
    assert db.source_label("mysql://u:pw@h:notaport/f") == "mysql://(a URL that cannot be read)"
