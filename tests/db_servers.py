"""Throwaway PostgreSQL and MariaDB servers for the server tests.

Each server is started once per test session as a subprocess, in a fresh
temporary data folder, listening on 127.0.0.1 at a free port (and on a unix
socket in that folder), with statement logging on so that tests can read
every statement the reader sent; it is stopped and its folder removed at the
end of the session. As root (CI), the servers run as the ``postgres`` and
``mysql`` users that Debian's packages create (``runuser``, ``--user``).

Binaries: ``initdb``/``pg_ctl`` on PATH or in ``/usr/lib/postgresql/*/bin``
(Debian's ``postgresql``), ``mariadb-install-db`` and ``mariadbd`` (Debian's
``mariadb-server``). When they are missing the tests skip, except under
``CI=true``, where they fail: CI must run them (``.ci/run`` installs the
packages).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ADMIN_PASSWORD = "adm-Pw-5e1f"
READER = "reader"
READER_PASSWORD = "rdr-Secret-93ab"      # tests check it never appears in output


def missing(reason: str):
    """Skip outside CI; fail in CI (``CI=true``), where the servers must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(user: str) -> list[str]:
    """The prefix that runs a command as ``user`` when we are root."""
    return ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []


def _workdir(prefix: str, owner: str | None) -> Path:
    # Not under pytest's tmp_path: as root, that folder is closed to the
    # server's own user.
    d = Path(tempfile.mkdtemp(prefix=prefix))
    if owner and os.geteuid() == 0:
        pw = pwd.getpwnam(owner)
        os.chown(d, pw.pw_uid, pw.pw_gid)
    return d


def _wait(check, what: str, timeout: float = 60.0, log: Path | None = None):
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            if check():
                return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not start in {timeout:.0f} s ({last!r})\n{tail}")


@dataclass
class Server:
    kind: str                 # "postgresql" or "mysql"
    port: int
    socket_dir: Path
    log: Path
    admin: dict               # driver connect() keywords of the administrator
    stop: object = field(repr=False, default=None)

    def url(self, database: str, *, user: str = READER, password: str | None = READER_PASSWORD,
            scheme: str | None = None, query: str = "") -> str:
        scheme = scheme or ("postgresql" if self.kind == "postgresql" else "mysql")
        cred = user + (f":{password}" if password is not None else "")
        return f"{scheme}://{cred}@127.0.0.1:{self.port}/{database}{'?' + query if query else ''}"

    def log_text(self) -> str:
        """The statement log so far (MariaDB's is flushed first: it writes
        through a cache)."""
        if self.kind == "mysql":
            import pymysql

            con = pymysql.connect(**self.admin)
            try:
                with con.cursor() as cur:
                    cur.execute("FLUSH GENERAL LOGS")
            finally:
                con.close()
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# ---------------------------------------------------------------------------
def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return candidates[-1] if candidates else None


def start_postgres() -> Server:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        missing("PostgreSQL server binaries (initdb, pg_ctl; Debian package postgresql) are not installed")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing("psycopg is not installed (pip install 'netanalysis[servers]')")
    owner = "postgres" if os.geteuid() == 0 else None
    if owner:
        try:
            pwd.getpwnam(owner)
        except KeyError:
            missing("running as root, but there is no 'postgres' user to run PostgreSQL")
    work = _workdir("netanalysis-pg-", owner)
    data, log, pwfile = work / "data", work / "server.log", work / "pw"
    pwfile.write_text(ADMIN_PASSWORD + "\n")
    if owner:
        pw = pwd.getpwnam(owner)
        os.chown(pwfile, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    run = _as_user(owner) if owner else []
    subprocess.run([*run, initdb, "-D", str(data), "-U", "admin", f"--pwfile={pwfile}", "--auth=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True, timeout=120)
    opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={work} "
            "-c log_statement=all -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=32MB -c max_connections=20")
    subprocess.run([*run, pg_ctl, "-D", str(data), "-l", str(log), "-o", opts, "-w", "-t", "60", "start"],
                   check=True, capture_output=True, timeout=90)
    admin = {"host": "127.0.0.1", "port": port, "user": "admin", "password": ADMIN_PASSWORD, "dbname": "postgres"}

    def stop():
        subprocess.run([*run, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(work, ignore_errors=True)

    import psycopg

    try:
        with psycopg.connect(**admin, autocommit=True) as con:
            con.execute(f"CREATE ROLE {READER} LOGIN PASSWORD '{READER_PASSWORD}'")
    except Exception:
        stop()
        raise
    return Server("postgresql", port, work, log, admin, stop)


def pg_load(server: Server, database: str, rows: dict, schema: dict):
    """Create ``database`` with ``schema`` (table -> [(column, "i"|"t")]) and
    ``rows``, readable (SELECT only) by the reader role."""
    import psycopg

    with psycopg.connect(**server.admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{database}"')
        con.execute(f'CREATE DATABASE "{database}"')
    with psycopg.connect(**{**server.admin, "dbname": database}, autocommit=True) as con:
        for table, cols in schema.items():
            con.execute(f'CREATE TABLE "{table}" (' + ", ".join(
                f'"{c}" {"BIGINT" if k == "i" else "TEXT"}' for c, k in cols) + ")")
            if rows.get(table):
                with con.cursor() as cur:
                    cur.executemany(f'INSERT INTO "{table}" VALUES ({", ".join(["%s"] * len(cols))})',
                                    rows[table])
            con.execute(f'GRANT SELECT ON "{table}" TO {READER}')


# ---------------------------------------------------------------------------
def _maria_bin(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}")
                                            if os.access(p, os.X_OK)), None)
        if found:
            return found
    return None


def start_mariadb() -> Server:
    server = _maria_bin("mariadbd", "mysqld")
    install = _maria_bin("mariadb-install-db", "mysql_install_db")
    if not server or not install:
        missing("MariaDB server binaries (mariadb-install-db, mariadbd; Debian package mariadb-server) "
                "are not installed")
    try:
        import pymysql
    except ImportError:
        missing("PyMySQL is not installed (pip install 'netanalysis[servers]')")
    owner = "mysql" if os.geteuid() == 0 else None
    if owner:
        try:
            pwd.getpwnam(owner)
        except KeyError:
            missing("running as root, but there is no 'mysql' user to run MariaDB")
    work = _workdir("netanalysis-maria-", owner)
    data, log, sock = work / "data", work / "general.log", work / "mysqld.sock"
    user = ["--user=" + (owner or pwd.getpwuid(os.geteuid()).pw_name)]
    subprocess.run([install, "--no-defaults", f"--datadir={data}", *user, "--auth-root-authentication-method=normal",
                    "--skip-test-db", "--skip-name-resolve"], check=True, capture_output=True, timeout=180)
    port = _free_port()
    proc = subprocess.Popen(
        [server, "--no-defaults", f"--datadir={data}", *user, f"--socket={sock}", f"--port={port}",
         "--bind-address=127.0.0.1", "--skip-name-resolve", f"--pid-file={work / 'mysqld.pid'}",
         f"--log-error={work / 'error.log'}", "--general-log=1", f"--general-log-file={log}",
         "--innodb-buffer-pool-size=32M", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0",
         "--max-connections=20"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    root = {"unix_socket": str(sock), "user": "root", "password": ""}
    try:
        _wait(lambda: proc.poll() is None and pymysql.connect(**root).close() is None, "mariadbd",
              log=work / "error.log")
        con = pymysql.connect(**root, autocommit=True)
        with con.cursor() as cur:
            cur.execute(f"CREATE USER '{READER}'@'%' IDENTIFIED BY '{READER_PASSWORD}'")
            cur.execute(f"CREATE USER 'admin'@'%' IDENTIFIED BY '{ADMIN_PASSWORD}'")
            cur.execute("GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION")
        con.close()
    except Exception:
        stop()
        raise
    admin = {"host": "127.0.0.1", "port": port, "user": "admin", "password": ADMIN_PASSWORD}
    return Server("mysql", port, work, log, admin, stop)


def maria_load(server: Server, database: str, rows: dict, schema: dict):
    """Create ``database`` with ``schema`` and ``rows``; SELECT for the reader."""
    import pymysql

    con = pymysql.connect(**server.admin, autocommit=True, charset="utf8mb4")
    with con.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
        cur.execute(f"USE `{database}`")
        for table, cols in schema.items():
            cur.execute(f"CREATE TABLE `{table}` (" + ", ".join(
                f"`{c}` {'BIGINT' if k == 'i' else 'MEDIUMTEXT'}" for c, k in cols) + ") ENGINE=InnoDB")
            if rows.get(table):
                cur.executemany(f"INSERT INTO `{table}` VALUES ({', '.join(['%s'] * len(cols))})", rows[table])
        cur.execute(f"GRANT SELECT ON `{database}`.* TO '{READER}'@'%'")
    con.close()


def mysqldump(server: Server, database: str, out: Path) -> Path:
    """A real ``mariadb-dump`` of ``database`` (skips when the tool is missing)."""
    tool = _maria_bin("mariadb-dump", "mysqldump")
    if not tool:
        missing("mariadb-dump is not installed (Debian package mariadb-client)")
    env = {**os.environ, "MYSQL_PWD": ADMIN_PASSWORD}
    with open(out, "wb") as fh:
        subprocess.run([tool, "--no-defaults", "-h", "127.0.0.1", "-P", str(server.port), "-u", "admin",
                        "--single-transaction", "--skip-lock-tables", database], stdout=fh, check=True,
                       env=env, timeout=120)
    return out
