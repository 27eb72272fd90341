"""Database servers for :func:`netanalysis.read_database`: MariaDB/MySQL and
PostgreSQL, read through the same schema mappings as SQLite files.

URLs
----
``mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`` (``mariadb://`` is the
same; ``mysql+pymysql://`` as SQLAlchemy writes it too) and
``postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`` (``postgres://``,
``postgresql+psycopg://``). User names and passwords are percent-decoded.
Query parameters, each refused by name when unknown:

* both: ``socket=/path`` (MySQL's unix socket file; PostgreSQL's socket
  folder, as libpq's ``host=/folder``) and ``connect_timeout=SECONDS``
  (default 10);
* MySQL: ``option_file=PATH``, a ``~/.my.cnf``-style option file whose
  ``[client]`` group gives ``user``, ``password``, ``host``, ``port``,
  ``socket`` and ``database`` where the URL does not (read only when named);
* PostgreSQL: ``schema=NAME`` (default: the server's current schema),
  ``service=NAME`` (a ``pg_service.conf`` service), ``passfile=PATH``,
  ``sslmode=...``.

Passwords, first found wins: the URL; the environment variable
``NETANALYSIS_DB_PASSWORD``; then each server's own convention -- MySQL the
option file named, then ``MYSQL_PWD``; PostgreSQL (libpq) ``PGPASSWORD``,
the password file (``passfile=``, ``PGPASSFILE`` or ``~/.pgpass``) and the
service file. A password is never part of a message, a report or a label:
sources are named ``scheme://host:port/database``.

Reading
-------
One connection, one read-only transaction with a consistent snapshot, so a
live forum is read as of one moment and nothing can be written: MySQL
``SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ`` then ``START
TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY``; PostgreSQL ``BEGIN
ISOLATION LEVEL REPEATABLE READ READ ONLY``. Table and column names come
from ``information_schema``; each table's columns are selected with one
``SELECT`` through a server-side cursor (PyMySQL's ``SSCursor``, psycopg's
named cursor: ``DECLARE`` / ``FETCH FORWARD``), :data:`CHUNK` rows at a
time, so the client never holds a whole table. On PostgreSQL a table whose
selected columns are all integers (posts, topics, ...) is streamed instead
by ``COPY (SELECT ...) TO STDOUT`` as CSV, which Arrow parses 32 MB at a
time: several times faster than building one Python object per value, and
as read-only (COPY TO reads). The transaction is rolled back at the end.

Drivers (the optional extra ``netanalysis[servers]``): PyMySQL (pure Python)
for MariaDB/MySQL, psycopg 3 for PostgreSQL (pure Python over the system's
libpq client library, which also gives the PostgreSQL conventions above). A
missing driver, an unreachable server, a refused login or a missing
database is one :class:`~netanalysis.ForumDataError` naming the server and
the database, without credentials.
"""
from __future__ import annotations

import configparser
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from .validation_report import ForumDataError, Problem

__all__ = ["KINDS", "ServerURL", "parse_server_url", "open_server", "CHUNK"]

#: Rows fetched from a server-side cursor at a time.
CHUNK = 65536
#: URL scheme (before any ``+driver``) -> server kind.
KINDS = {"mysql": "mysql", "mariadb": "mysql", "postgresql": "postgresql", "postgres": "postgresql"}
_DRIVERS = {"mysql": {"pymysql"}, "postgresql": {"psycopg", "psycopg3"}}
_TITLE = {"mysql": "MariaDB/MySQL", "postgresql": "PostgreSQL"}
_PORT = {"mysql": 3306, "postgresql": 5432}
_OPTIONS = {"mysql": {"socket", "connect_timeout", "option_file"},
            "postgresql": {"socket", "connect_timeout", "schema", "service", "passfile", "sslmode"}}
#: Environment variable holding the password for any server URL without one.
PASSWORD_ENV = "NETANALYSIS_DB_PASSWORD"


@dataclass(frozen=True)
class ServerURL:
    """A parsed server URL. ``password`` never shows in ``repr`` or ``label``."""

    kind: str
    scheme: str
    host: str | None
    port: int | None
    user: str | None
    password: str | None = field(repr=False)
    database: str | None
    options: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return _TITLE[self.kind]

    @property
    def label(self) -> str:
        """``scheme://host:port/database``: no user, password or option."""
        host = self.host or ("localhost (socket)" if self.options.get("socket") else "localhost")
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{host}{port}/{self.database or ''}"


def _error(url: ServerURL | None, text: str, label: str | None = None) -> ForumDataError:
    return ForumDataError([Problem("database", None, text, fatal=True)],
                          source=label if label is not None else (url.label if url else None))


def is_server_url(url) -> bool:
    """Whether ``url`` is text starting with a server scheme (``mysql://``...)."""
    if not isinstance(url, str):
        return False
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
    return bool(m) and m.group(1).lower().split("+")[0] in KINDS


def parse_server_url(url: str) -> ServerURL:
    """Parse a server URL; errors name the scheme and the part at fault, never
    the credentials.

    >>> u = parse_server_url("mysql://reader:s%40cret@127.0.0.1:3307/forum")
    >>> (u.kind, u.host, u.port, u.user, u.database, u.label)
    ('mysql', '127.0.0.1', 3307, 'reader', 'forum', 'mysql://127.0.0.1:3307/forum')
    >>> "s@cret" in repr(u)
    False
    """
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
    if not m:
        raise ValueError("read_database: not a server URL")
    scheme = m.group(1).lower()
    base, _, driver = scheme.partition("+")
    if base not in KINDS:
        raise ValueError(f"read_database: {scheme}:// is not a MariaDB/MySQL or PostgreSQL URL")
    kind = KINDS[base]
    if driver and driver not in _DRIVERS[kind]:
        raise ValueError(f"read_database: {scheme}://: driver {driver!r} not supported; "
                         f"use {base}:// or {base}+{sorted(_DRIVERS[kind])[0]}://")
    rest = url[m.end():]
    rest, _, query = rest.partition("?")
    rest = rest.split("#", 1)[0]
    netloc, slash, path = rest.partition("/")
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        userinfo, hostport = "", netloc
    user, colon, password = userinfo.partition(":")
    user = urllib.parse.unquote(user) or None
    password = urllib.parse.unquote(password) if colon else None
    host, port = hostport, None
    if hostport.startswith("["):
        close = hostport.find("]")
        host, tail = hostport[1:close], hostport[close + 1:]
        if tail.startswith(":"):
            port = tail[1:]
    elif ":" in hostport:
        host, port = hostport.rsplit(":", 1)
    if port is not None:
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"read_database: {scheme}://: the port is not a number from 1 to 65535")
        port = int(port)
    database = urllib.parse.unquote(path).strip("/") or None
    if database is not None and "/" in database:
        raise ValueError(f"read_database: {scheme}://: the path must be one database name")
    options = {}
    for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if key not in _OPTIONS[kind]:
            raise ValueError(f"read_database: {scheme}://: unknown option {key!r}; "
                             f"known: {', '.join(sorted(_OPTIONS[kind]))}")
        options[key] = value
    if "connect_timeout" in options and not options["connect_timeout"].isdigit():
        raise ValueError(f"read_database: {scheme}://: connect_timeout must be a whole number of seconds")
    return ServerURL(kind, scheme, urllib.parse.unquote(host) or None, port, user, password, database, options)


def _missing_driver(url: ServerURL, package: str) -> ForumDataError:
    return _error(url, f"reading a {url.scheme}:// URL needs the {package} package: "
                  "pip install 'netanalysis[servers]'")


# ---------------------------------------------------------------------------
# MariaDB / MySQL (PyMySQL)
# ---------------------------------------------------------------------------
def _option_file(url: ServerURL) -> dict:
    """The ``[client]`` group of the option file named by ``option_file=``."""
    name = url.options.get("option_file")
    if not name:
        return {}
    path = Path(os.path.expanduser(name))
    parser = configparser.RawConfigParser(allow_no_value=True, strict=False, interpolation=None)
    try:
        with open(path, encoding="utf-8") as fh:
            parser.read_file(fh)
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise _error(url, f"cannot read the option file {path.name} given by option_file= "
                     f"({type(exc).__name__})") from None
    if not parser.has_section("client"):
        return {}
    out = {}
    for key in ("user", "password", "host", "port", "socket", "database"):
        value = parser.get("client", key, fallback=None)
        if value is not None:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            out[key] = value
    return out


def _mysql_params(url: ServerURL) -> dict:
    opt = _option_file(url)
    password = url.password
    if password is None:
        password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = opt.get("password")
    if password is None:
        password = os.environ.get("MYSQL_PWD")
    socket = url.options.get("socket") or (opt.get("socket") if not url.host else None)
    port = url.port or (int(opt["port"]) if opt.get("port", "").isdigit() else None)
    return {
        "host": url.host or opt.get("host") or "localhost",
        "port": port or 3306,
        "user": url.user or opt.get("user") or os.environ.get("USER") or "",
        "password": password or "",
        "database": url.database or opt.get("database"),
        "unix_socket": socket or None,
        "connect_timeout": int(url.options.get("connect_timeout", 10)),
    }


def _mysql_reason(exc, code: int | None) -> str:
    if code in (1045, 1698):
        return "access denied (wrong user name or password)"
    if code == 1044:
        return "access to the database denied for this user, or no such database"
    if code == 1049:
        return "no such database on the server"
    if code in (2002, 2003):
        return "cannot reach the server (connection refused or no server listening)"
    if code == 2005:
        return "unknown host"
    if code == 2013:
        return "the connection was lost"
    return f"the server or driver refused the connection ({type(exc).__name__}{f' {code}' if code else ''})"


class _MySQL:
    def __init__(self, url: ServerURL):
        try:
            import pymysql
            import pymysql.cursors
        except ImportError:
            raise _missing_driver(url, "PyMySQL") from None
        params = _mysql_params(url)
        self.url = url
        self.label = ServerURL(url.kind, url.scheme, params["host"] if not params["unix_socket"] else url.host,
                               params["port"] if not params["unix_socket"] else url.port, None, None,
                               params["database"], {"socket": params["unix_socket"]}).label
        if not params["database"]:
            raise _error(url, "the URL names no database (mysql://user@host/DATABASE)", self.label)
        self._pymysql = pymysql
        try:
            self.con = pymysql.connect(**params, charset="utf8mb4", autocommit=False,
                                       cursorclass=pymysql.cursors.Cursor)
        except pymysql.err.MySQLError as exc:
            code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
            where = f"server {params['host'] if not params['unix_socket'] else 'socket'}"
            raise _error(url, f"cannot connect to the MariaDB/MySQL {where}"
                         f"{'' if params['unix_socket'] else ':' + str(params['port'])}, database "
                         f"{params['database']}: {_mysql_reason(exc, code)}", self.label) from None
        except (OSError, ValueError) as exc:
            raise _error(url, f"cannot connect to the MariaDB/MySQL server, database {params['database']}: "
                         f"{type(exc).__name__}", self.label) from None
        self._params = params
        try:
            with self.con.cursor() as cur:
                cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                cur.execute("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS "
                            "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION")
                rows = cur.fetchall()
        except pymysql.err.MySQLError as exc:
            self.close()
            raise self._failed(exc, "information_schema") from None
        self._columns: dict[str, list[str]] = {}
        for table, column in rows:
            self._columns.setdefault(_text(table), []).append(_text(column))
        self.names = list(self._columns)

    def _failed(self, exc, table) -> ForumDataError:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        return _error(self.url, f"reading {table} failed: {_mysql_reason(exc, code)}", self.label)

    def columns(self, table: str) -> list[str]:
        return self._columns.get(table, [])

    def read(self, table: str, columns: list[str], transforms: dict) -> dict[str, pa.ChunkedArray]:
        from .database import _rows_to_arrays

        sql = f"SELECT {', '.join(map(_mysql_ident, columns))} FROM {_mysql_ident(table)}"
        try:
            cur = self.con.cursor(self._pymysql.cursors.SSCursor)
            try:
                cur.execute(sql)
                return _rows_to_arrays(lambda: cur.fetchmany(CHUNK), columns, transforms)
            finally:
                cur.close()
        except self._pymysql.err.MySQLError as exc:
            raise self._failed(exc, table) from None

    def close(self):
        con = getattr(self, "con", None)
        if con is not None:
            try:
                con.rollback()
            except Exception:  # the connection may be gone already
                pass
            try:
                con.close()
            except Exception:
                pass
            self.con = None


def _mysql_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _text(v) -> str:
    return v.decode("utf-8") if isinstance(v, (bytes, bytearray)) else str(v)


# ---------------------------------------------------------------------------
# PostgreSQL (psycopg 3)
# ---------------------------------------------------------------------------
def _pg_reason(exc) -> str:
    state = getattr(exc, "sqlstate", None)
    text = str(exc).lower()
    if state in ("28P01", "28000") or "password authentication failed" in text or "no password supplied" in text:
        return "authentication failed (wrong user name or password)"
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return "no such database on the server"
    if "connection refused" in text or "no such file or directory" in text or "is the server running" in text:
        return "cannot reach the server (connection refused or no server listening)"
    if "could not translate host name" in text or "name or service not known" in text:
        return "unknown host"
    if "timeout" in text:
        return "the connection timed out"
    return f"the server or driver refused the connection ({type(exc).__name__}{f' {state}' if state else ''})"


class _Postgres:
    def __init__(self, url: ServerURL):
        try:
            import psycopg
        except ImportError:
            raise _missing_driver(url, "psycopg") from None
        self.url = url
        self.label = url.label
        self._psycopg = psycopg
        params = {"connect_timeout": int(url.options.get("connect_timeout", 10))}
        host = url.options.get("socket") or url.host
        for key, value in (("host", host), ("port", url.port), ("user", url.user), ("dbname", url.database),
                           ("service", url.options.get("service")), ("passfile", url.options.get("passfile")),
                           ("sslmode", url.options.get("sslmode"))):
            if value:
                params[key] = value
        password = url.password if url.password is not None else os.environ.get(PASSWORD_ENV)
        if password is not None:
            params["password"] = password
        where = f"server {url.host or 'localhost'}{':' + str(url.port) if url.port else ''}"
        if url.options.get("socket"):
            where = "server socket"
        try:
            self.con = psycopg.connect(autocommit=False, **params)
        except psycopg.Error as exc:
            raise _error(url, f"cannot connect to the PostgreSQL {where}, database "
                         f"{url.database or '(default)'}: {_pg_reason(exc)}", self.label) from None
        try:
            self.con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            self.con.read_only = True
            schema = url.options.get("schema")
            with self.con.cursor() as cur:
                if not schema:
                    cur.execute("SELECT current_schema()")
                    schema = cur.fetchone()[0]
                cur.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = %s ORDER BY table_name, ordinal_position", (schema,))
                rows = cur.fetchall()
        except psycopg.Error as exc:
            self.close()
            raise _error(url, f"reading information_schema failed: {_pg_reason(exc)}", self.label) from None
        self.schema = schema
        self._columns: dict[str, list[str]] = {}
        self._integer: set[tuple[str, str]] = set()
        for table, column, kind in rows:
            self._columns.setdefault(table, []).append(column)
            if kind in _PG_INTEGERS:
                self._integer.add((table, column))
        self.names = list(self._columns)
        self._n = 0

    def columns(self, table: str) -> list[str]:
        return self._columns.get(table, [])

    def read(self, table: str, columns: list[str], transforms: dict) -> dict[str, pa.ChunkedArray]:
        from .database import _rows_to_arrays

        sql = (f"SELECT {', '.join(map(_pg_ident, columns))} FROM {_pg_ident(self.schema)}.{_pg_ident(table)}")
        self._n += 1
        try:
            if not transforms and all((table, c) in self._integer for c in columns):
                return self._copy_integers(sql, columns)
            with self.con.cursor(name=f"netanalysis_{self._n}") as cur:
                cur.itersize = CHUNK
                cur.execute(sql)
                return _rows_to_arrays(lambda: cur.fetchmany(CHUNK), columns, transforms)
        except self._psycopg.Error as exc:
            state = getattr(exc, "sqlstate", None)
            raise _error(self.url, f"reading {table} failed: {type(exc).__name__}{f' {state}' if state else ''}",
                         self.label) from None

    def _copy_integers(self, sql: str, columns: list[str]) -> dict[str, pa.ChunkedArray]:
        """A table of integer columns only, streamed by ``COPY (SELECT ...) TO
        STDOUT`` as CSV and parsed by Arrow :data:`COPY_BYTES` at a time (no
        quoted field can hold a line break: every value is a number or
        empty, i.e. NULL)."""
        import io

        import pyarrow.csv as pacsv

        read = pacsv.ReadOptions(column_names=columns)
        convert = pacsv.ConvertOptions(column_types={c: pa.int64() for c in columns})
        chunks: dict[str, list] = {c: [] for c in columns}
        pending = bytearray()

        def parse(data: bytes):
            if data:
                t = pacsv.read_csv(io.BytesIO(data), read_options=read, convert_options=convert)
                for c in columns:
                    chunks[c].extend(t.column(c).chunks)

        with self.con.cursor() as cur:
            with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    pending += block
                    if len(pending) >= COPY_BYTES:
                        cut = pending.rfind(b"\n") + 1
                        parse(bytes(pending[:cut]))
                        del pending[:cut]
        parse(bytes(pending))
        return {c: pa.chunked_array(chunks[c], type=pa.int64()) for c in columns}

    def close(self):
        con = getattr(self, "con", None)
        if con is not None:
            try:
                con.rollback()
            except Exception:
                pass
            try:
                con.close()
            except Exception:
                pass
            self.con = None


#: information_schema data types read by COPY as integers.
_PG_INTEGERS = {"smallint", "integer", "bigint"}
#: CSV bytes parsed at a time by the COPY path.
COPY_BYTES = 32 * 2**20


def _pg_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_server(url: str):
    """A read-only source over the server ``url`` names (see the module
    docstring); ``names``, ``columns(table)``, ``read(table, columns,
    transforms)``, ``label`` and ``close()`` as the SQLite source has."""
    parsed = parse_server_url(url)
    return _MySQL(parsed) if parsed.kind == "mysql" else _Postgres(parsed)
